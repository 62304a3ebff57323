"""Where credentials come from: the environment, or a TOML file that only its owner may read.

    NAVER_COMMERCE_CLIENT_ID, NAVER_COMMERCE_CLIENT_SECRET   the application's credentials
    NAVER_COMMERCE_ACCOUNT_ID                                 optional: switches the token type to SELLER

or `--config FILE` with `client_id`, `client_secret` and optionally `account_id` (at the top or under `[naver]`,
or, for several stores, under `[stores.<name>]`, chosen with `--store NAME` or `default_store`; a store's table
may also set its own `rate_limit` and `[stores.<name>.notify]`). A config file
readable or writable by group or others is refused (`chmod 600 FILE`). Secrets are never printed.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from batchship.errors import ConfigError
from batchship.i18n import Msg, os_reason
from batchship.naver.identity import Credentials
from batchship.naver.ratelimit import DEFAULT_RATE

CLIENT_ID_ENV: Final = "NAVER_COMMERCE_CLIENT_ID"
CLIENT_SECRET_ENV: Final = "NAVER_COMMERCE_CLIENT_SECRET"
ACCOUNT_ID_ENV: Final = "NAVER_COMMERCE_ACCOUNT_ID"
#: The highest `rate_limit` a store may set (requests per second).
MAX_RATE: Final = 100.0


def load_config_table(path: Path) -> dict[str, Any]:
    """The whole TOML config file, refusing one that others may read."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError(Msg.of("config.not_found", path=path)) from exc
    except OSError as exc:
        raise ConfigError(Msg.of("config.unreadable", path=path, reason=os_reason(exc))) from exc
    # POSIX permissions: on Windows the mode bits say nothing about who may read the file (ACLs do).
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(Msg.of("config.too_open", path=path, mode=stat.filemode(info.st_mode)))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg.of("config.not_toml", path=path, error=type(exc).__name__)) from exc
    except OSError as exc:
        raise ConfigError(Msg.of("config.unreadable", path=path, reason=os_reason(exc))) from exc


def store_table(path: Path, store: str | None = None) -> tuple[str, dict[str, Any]]:
    """The name and table of a config's store: `[stores.<store>]` (`store` None: `default_store`, or the only
    one), or, for a config of one store, ("", the top or `[naver]`)."""
    data = load_config_table(path)
    stores = data.get("stores")
    if isinstance(stores, dict) and stores:
        names = ", ".join(stores)
        name = store or str(data.get("default_store", "")) or (next(iter(stores)) if len(stores) == 1 else "")
        if not name:
            raise ConfigError(Msg.of("config.store_needed", path=path, names=names))
        if not isinstance(stores.get(name), dict):
            raise ConfigError(Msg.of("config.no_store", path=path, store=name, names=names))
        return name, stores[name]
    if store:
        raise ConfigError(Msg.of("config.no_stores", path=path, store=store))
    naver = data.get("naver")
    return "", naver if isinstance(naver, dict) else data


def store_names(path: Path) -> list[str]:
    """The names of a config's `[stores.<name>]` tables ([] for a config of one store)."""
    stores = load_config_table(path).get("stores")
    return (
        [str(name) for name, table in stores.items() if isinstance(table, dict)]
        if isinstance(stores, dict)
        else []
    )


def chosen_stores(path: Path | None, names: list[str] | None, every: bool = False) -> list[str]:
    """The stores a face was told to serve (`--store`, again for several; `every`: `--all-stores`), each
    checked to be in the config; [] when none was named."""
    if every:
        if path is None:
            raise ConfigError(Msg.of("config.all_stores_without_config"))
        found = store_names(path)
        if not found:
            raise ConfigError(Msg.of("config.all_stores_none", path=path))
        return found
    chosen = list(dict.fromkeys(names or []))
    for name in chosen:
        if path is None:
            raise ConfigError(Msg.of("config.store_without_config", store=name))
        store_table(path, name)  # a clear error for a store the config does not have
    return chosen


def load_config_file(path: Path, store: str | None = None) -> dict[str, str]:
    """The NAVER settings of a TOML config file: at the top or under `[naver]`, or, for a config of several
    stores, the `[stores.<store>]` table (`store` None: `default_store`, or the only one)."""
    _, section = store_table(path, store)
    return {k: str(v) for k, v in section.items() if isinstance(v, str | int)}


def store_rate(path: Path | None, store: str | None = None) -> float | None:
    """A store's own `rate_limit` (requests per second), or None when its table sets none."""
    if path is None:
        return None
    name, section = store_table(path, store)
    value = section.get("rate_limit")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_RATE:
        raise ConfigError(
            Msg.of("config.bad_rate_limit", path=path, store=name or "-", value=value, max=MAX_RATE)
        )
    return float(value)


def rate_limit_for(path: Path | None, store: str | None, explicit: float | None) -> float:
    """Requests per second for a run: `explicit` (`--rate-limit`), else the store's own `rate_limit` in the
    config at `path` (None: no config, or the practice store), else the default."""
    return explicit or store_rate(path, store) or DEFAULT_RATE


def notify_settings(path: Path | None, store: str | None = None) -> dict[str, Any]:
    """The table notifications are read from: the store's own `[stores.<name>.notify]` when it has one (it
    replaces the config's `[notify]` for that store), else the whole config ({} without a config)."""
    if path is None:
        return {}
    try:
        _, section = store_table(path, store)
    except ConfigError:
        if store:
            raise
        section = {}  # several stores and none chosen (the practice store): the config's [notify]
    if isinstance(section.get("notify"), dict):
        return {"notify": section["notify"]}
    return load_config_table(path)


def load_credentials(
    config: Path | None = None, env: Mapping[str, str] | None = None, store: str | None = None
) -> Credentials:
    """Credentials from `config` if given (its `store`, for a config of several stores), else from the
    environment; a clear error naming what is missing."""
    env = os.environ if env is None else env
    if store and config is None:
        raise ConfigError(Msg.of("config.store_without_config", store=store))
    if config is not None:
        values = load_config_file(config, store)
        client_id, secret = values.get("client_id", ""), values.get("client_secret", "")
        account = values.get("account_id") or None
        missing = [k for k, v in (("client_id", client_id), ("client_secret", secret)) if not v]
        if missing:
            raise ConfigError(Msg.of("config.lacks", path=config, missing=", ".join(missing)))
        return Credentials(client_id, secret, account, source=str(config))
    client_id = env.get(CLIENT_ID_ENV, "").strip()
    secret = env.get(CLIENT_SECRET_ENV, "").strip()
    missing = [name for name, value in ((CLIENT_ID_ENV, client_id), (CLIENT_SECRET_ENV, secret)) if not value]
    if missing:
        raise ConfigError(Msg.of("config.no_credentials", missing=", ".join(missing)))
    return Credentials(client_id, secret, env.get(ACCOUNT_ID_ENV, "").strip() or None)


def configured_account(
    config: Path | None = None, env: Mapping[str, str] | None = None, store: str | None = None
) -> str | None:
    """The journal's account key of the configured credentials (`config` and its `store`, else the
    environment), or None when none are configured; no secret is needed, so `check` can tell whose dispatches
    to look at."""
    env = os.environ if env is None else env
    if store and config is None:
        raise ConfigError(Msg.of("config.store_without_config", store=store))
    if config is not None:
        values = load_config_file(config, store)
        client_id, account = values.get("client_id", "").strip(), values.get("account_id", "").strip()
    else:
        client_id, account = env.get(CLIENT_ID_ENV, "").strip(), env.get(ACCOUNT_ID_ENV, "").strip()
    if not client_id:
        return None
    return Credentials(client_id, "", account or None).account_key
