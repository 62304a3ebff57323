"""The NAVER Commerce API: token auth, the client, pacing and retries. The address constants live here, light
enough for the command line's `--help` to name them without loading httpx."""

from typing import Final

DEFAULT_BASE_URL: Final = "https://api.commerce.naver.com/external"
BASE_URL_ENV: Final = "BATCHSHIP_API_BASE_URL"
