"""How the web desk is set up: `batchship serve`'s options, in one value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from batchship.i18n import Lang
from batchship.journal import is_database, journal_path


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """data_dir: uploads, result copies and the desk's run records; journal: the journal's address (the
    accounts file lives beside it); sandbox: send to the practice store, never to NAVER; config and base_url:
    where the NAVER credentials and API are (as for the CLI); store_name: what the page calls the store;
    max_upload_mb, keep_days: the upload limit and how long uploads and results are kept; proxy_headers: trust
    X-Forwarded-* from a reverse proxy; secure_cookies: cookies only over HTTPS (on by itself behind a proxy
    that says https); session_hours: how long a login lasts; lang: the pages' language until a person switches;
    notify: send a digest after each dispatch (the channels of `config` and the environment), its link to the
    run's page under `public_url` when given; stores: the stores of the config a person picks from at upload
    (`--store`, again for several, or `--all-stores`; "" is the one store of a config without `[stores]`, of
    the environment or of the sandbox); rate_limit: None for each store's own (`rate_limit` in its table, else
    the default)."""

    data_dir: Path
    journal: str
    sandbox: bool = False
    sandbox_orders: Path | None = None
    config: Path | None = None
    base_url: str | None = None
    store_name: str = ""
    max_upload_mb: int = 20
    keep_days: int = 30
    proxy_headers: bool = False
    secure_cookies: bool = False
    session_hours: float = 12.0
    rate_limit: float | None = None
    check_workers: int = 2
    lang: Lang = "ko"
    notify: bool = False
    public_url: str = ""
    stores: tuple[str, ...] = ("",)

    def store_label(self, store: str, lang: Lang) -> str:
        """What the pages call a store: `--store-name` on a desk of one store, else its name in the config,
        else "unnamed"."""
        from batchship.i18n import t

        if self.store_name and len(self.stores) == 1:
            return self.store_name
        return store or t("desk.store_unnamed", lang)

    @property
    def users_file(self) -> Path | str:
        """Where the accounts are: the file beside the journal's, or the journal's own PostgreSQL database (two
        desks behind a proxy then know the same people)."""
        if is_database(self.journal):
            return self.journal
        return journal_path(self.journal).with_name("users.sqlite3")

    @property
    def desk_store(self) -> Path | str:
        """Where the desk's runs and rows are: the data folder's `desk.sqlite3`, or the journal's database."""
        return self.journal if is_database(self.journal) else self.data_dir / "desk.sqlite3"

    @property
    def owner(self) -> str:
        """This desk among those that may share a database: its host and data folder."""
        import socket

        return f"{socket.gethostname()}:{self.data_dir.absolute()}"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
