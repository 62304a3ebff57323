"""The practice store's own application credentials (public on purpose: the sandbox is not NAVER)."""

from typing import Final

DEMO_CLIENT_ID: Final = "batchship-demo"
#: A valid bcrypt salt, as NAVER's client secrets are.
DEMO_CLIENT_SECRET: Final = "$2a$04$BatchshipSandboxDemo1u"
