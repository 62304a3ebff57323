"""Who may use the web desk: accounts with a role, their API tokens, and their login sessions.

Kept in `users.sqlite3` beside the journal (readable by its owner only), or in the team's PostgreSQL database
when the journal lives there (two desks behind a proxy then know the same people). Passwords are hashed with bcrypt
(over a SHA-256 of the password, so that a long passphrase is not cut at bcrypt's 72 bytes); API tokens and
session ids are random and stored only as their SHA-256, so a copy of the file lets nobody in.

Roles, each including the one before: `check` (upload and check), `dispatch` (ship), `admin` (manage users).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from batchship.errors import ConfigError
from batchship.i18n import Msg
from batchship.timefmt import format_naver_time, now_kst

Role = Literal["check", "dispatch", "admin"]
ROLES: Final[tuple[Role, ...]] = ("check", "dispatch", "admin")
MIN_PASSWORD: Final = 8
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_TOKEN_PREFIX: Final = "bs_"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS user_stores (
    name TEXT NOT NULL, store TEXT NOT NULL, PRIMARY KEY (name, store)
);
"""


@dataclass(frozen=True, slots=True)
class User:
    """An account. stores: the stores of the desk's config it may use (empty: every store)."""

    name: str
    role: Role
    created_at: str = ""
    stores: tuple[str, ...] = ()

    def can(self, role: Role) -> bool:
        """Whether this user's role includes `role`."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def may_use(self, store: str) -> bool:
        """Whether this user may work for `store` ("" is a desk's one unnamed store: not for a user limited to
        named stores, who might otherwise reach a store nobody meant them to)."""
        return not self.stores or store in self.stores


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode()).digest())


class UserStore:
    """The accounts file at `path` (created on first use, mode 0600). Thread-safe."""

    #: bcrypt's cost: about 0.2 s a login on a small server (and as long for each guess).
    rounds: int = 12

    def __init__(self, where: Path | str) -> None:
        """`where`: the accounts file, or the team's PostgreSQL database (the journal's, when it lives there)."""
        from batchship.database import Database

        self._db = Database(where, _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, values: tuple[object, ...]) -> tuple[object, ...] | None:
        rows = self._db.rows(sql, values)
        return tuple(rows[0]) if rows else None

    # -- users --------------------------------------------------------------------------------------------------

    def count(self) -> int:
        row = self._one("SELECT COUNT(*) FROM users", ())
        return int(str(row[0])) if row else 0

    def list(self) -> list[User]:
        rows = self._db.rows("SELECT name, role, created_at FROM users ORDER BY name")
        stores: dict[str, list[str]] = {}
        for name, store in self._db.rows("SELECT name, store FROM user_stores ORDER BY store"):
            stores.setdefault(name, []).append(store)
        return [User(n, r, c, tuple(stores.get(n, ()))) for n, r, c in rows]

    def get(self, name: str) -> User | None:
        row = self._one("SELECT name, role, created_at FROM users WHERE name = ?", (name,))
        if row is None:
            return None
        stores = self._db.rows("SELECT store FROM user_stores WHERE name = ? ORDER BY store", (name,))
        return User(str(row[0]), str(row[1]), str(row[2]), tuple(s for (s,) in stores))  # type: ignore[arg-type]

    def set_stores(self, name: str, stores: Sequence[str]) -> None:
        """Limit `name` to these stores of the desk's config (none: every store)."""
        wanted = sorted({s.strip() for s in stores if s.strip()})
        with self._db.transaction() as db:
            if not db.rows("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise ConfigError(Msg.of("account.missing", name=name))
            db.write("DELETE FROM user_stores WHERE name = ?", (name,))
            db.many("INSERT INTO user_stores VALUES (?, ?)", [(name, s) for s in wanted])

    def add(self, name: str, role: str, password: str, stores: Sequence[str] = ()) -> User:
        """A new account (limited to `stores` when given); a clear error for a taken or malformed name, an
        unknown role, a short password."""
        if not _NAME.match(name):
            raise ConfigError(Msg.of("account.bad_name", name=name))
        checked = _role(role)
        digest = _hash(password, self.rounds)
        with self._db.transaction() as db:
            if db.rows("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise ConfigError(Msg.of("account.exists", name=name))
            stamp = format_naver_time(now_kst())
            db.write("INSERT INTO users VALUES (?, ?, ?, ?)", (name, checked, digest, stamp))
            limited = tuple(sorted({s.strip() for s in stores if s.strip()}))
            db.many("INSERT INTO user_stores VALUES (?, ?)", [(name, s) for s in limited])
        return User(name, checked, stamp, limited)

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of the account ends (whoever knew the old one is logged out)."""
        digest = _hash(password, self.rounds)
        with self._db.transaction() as db:
            if not db.write("UPDATE users SET password = ? WHERE name = ?", (digest, name)):
                raise ConfigError(Msg.of("account.missing", name=name))
            db.write("DELETE FROM sessions WHERE name = ?", (name,))

    def set_role(self, name: str, role: str) -> None:
        with self._db.transaction() as db:
            if not db.write("UPDATE users SET role = ? WHERE name = ?", (_role(role), name)):
                raise ConfigError(Msg.of("account.missing", name=name))

    def remove(self, name: str) -> None:
        """The account goes, with its tokens and sessions."""
        with self._db.transaction() as db:
            if not db.write("DELETE FROM users WHERE name = ?", (name,)):
                raise ConfigError(Msg.of("account.missing", name=name))
            db.write("DELETE FROM tokens WHERE name = ?", (name,))
            db.write("DELETE FROM sessions WHERE name = ?", (name,))
            db.write("DELETE FROM user_stores WHERE name = ?", (name,))

    def verify(self, name: str, password: str) -> User | None:
        """The user when `password` is theirs; an unknown name costs as much time as a wrong password."""
        import bcrypt

        row = self._one("SELECT password FROM users WHERE name = ?", (name,))
        stored = str(row[0]).encode() if row else bcrypt.hashpw(b"-", bcrypt.gensalt(self.rounds))
        ok = bcrypt.checkpw(_prehash(password), stored)
        return self.get(name) if ok and row else None

    # -- API tokens -------------------------------------------------------------------------------------------

    def new_token(self, name: str) -> str:
        """A new API token for `name` (shown once: only its digest is kept)."""
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._db.transaction() as db:
            if not db.rows("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise ConfigError(Msg.of("account.missing", name=name))
            db.write(
                "INSERT INTO tokens VALUES (?, ?, ?)", (_digest(token), name, format_naver_time(now_kst()))
            )
        return token

    def revoke_tokens(self, name: str) -> int:
        """Every API token of `name` stops working; how many there were."""
        with self._db.transaction() as db:
            return db.write("DELETE FROM tokens WHERE name = ?", (name,))

    def token_user(self, token: str) -> User | None:
        if not token.startswith(_TOKEN_PREFIX):
            return None
        row = self._one("SELECT name FROM tokens WHERE digest = ?", (_digest(token),))
        return self.get(str(row[0])) if row else None

    # -- login sessions ---------------------------------------------------------------------------------------

    def new_session(self, name: str, ttl_s: float, now: float) -> tuple[str, str]:
        """A session for `name`: its id (for the cookie) and its CSRF token."""
        session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._db.transaction() as db:
            db.write("DELETE FROM sessions WHERE expires < ?", (now,))
            db.write("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_digest(session), name, csrf, now + ttl_s))
        return session, csrf

    def session(self, session: str, now: float) -> tuple[User, str] | None:
        """The user and CSRF token of a live session."""
        row = self._one("SELECT name, csrf, expires FROM sessions WHERE digest = ?", (_digest(session),))
        if row is None or float(str(row[2])) < now:
            return None
        user = self.get(str(row[0]))
        return (user, str(row[1])) if user else None

    def end_session(self, session: str) -> None:
        with self._db.transaction() as db:
            db.write("DELETE FROM sessions WHERE digest = ?", (_digest(session),))


def _role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise ConfigError(Msg.of("account.bad_role", role=role, roles=", ".join(ROLES)))


def _hash(password: str, rounds: int) -> str:
    import bcrypt

    if len(password) < MIN_PASSWORD:
        raise ConfigError(Msg.of("account.short_password", n=MIN_PASSWORD))
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode()
