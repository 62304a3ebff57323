"""naver package."""
