"""batchship: mark NAVER Smart Store orders as shipped in bulk, from the shipping sheet ops staff already have."""

__version__ = "0.1.0"
