"""The xlsx package, read and written directly (no domain knowledge here)."""
