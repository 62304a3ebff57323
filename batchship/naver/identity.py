"""An application's credentials, as a value: light to import (no HTTP client, no bcrypt), so that a check can
say whose journal entries to read without loading what sending needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

#: Where credentials come from when no config file is given.
CLIENT_SECRET_SOURCE: Final = "NAVER_COMMERCE_CLIENT_ID / NAVER_COMMERCE_CLIENT_SECRET"


@dataclass(frozen=True, slots=True)
class Credentials:
    """An application's credentials. account_id switches the token type from SELF to SELLER (for solution
    vendors acting for a store). The secret never appears in repr()."""

    client_id: str
    client_secret: str = field(repr=False)
    account_id: str | None = None
    #: where they came from, said when NAVER refuses them: a file path or the environment variables' names
    source: str = CLIENT_SECRET_SOURCE

    @property
    def account_key(self) -> str:
        """Whose attempts these are in a journal: the application, and the seller account when given."""
        return self.client_id + (f"/{self.account_id}" if self.account_id else "")

    @property
    def token_type(self) -> str:
        return "SELLER" if self.account_id else "SELF"

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never be printed, logged or written."""
        return (self.client_secret,)
