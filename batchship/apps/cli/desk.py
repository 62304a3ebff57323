"""`batchship serve` (the web desk) and `batchship user` (its accounts)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import secrets
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from batchship.errors import ConfigError
from batchship.i18n import Lang, Msg, t
from batchship.journal import default_url, location

if TYPE_CHECKING:
    from batchship.accounts import UserStore
    from batchship.apps.web.settings import DeskSettings


def _users(args: argparse.Namespace) -> tuple[UserStore, str]:
    from batchship.accounts import UserStore
    from batchship.apps.web.settings import DeskSettings

    journal = str(args.journal or default_url())
    where = DeskSettings(data_dir=_data_dir(args, journal), journal=journal).users_file
    return UserStore(where), location(str(where))


def _data_dir(args: argparse.Namespace, journal: str) -> Path:
    """`--data`, else a `desk` folder beside the journal's file (in this user's state folder for a database)."""
    from batchship.journal import is_database, journal_path, state_dir

    if getattr(args, "data", None):
        return Path(args.data)
    if is_database(journal):
        return state_dir() / "desk"
    return journal_path(journal).with_name("desk")


def _password(args: argparse.Namespace, lang: Lang, stdin: TextIO | None = None) -> str:
    """From standard input (`--password-stdin`), else asked twice on the terminal; never an argument."""
    stdin = stdin or sys.stdin
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    if not stdin.isatty():
        raise ConfigError(Msg.of("user.no_terminal"))
    first = getpass.getpass(t("user.password_prompt", lang))
    if getpass.getpass(t("user.password_again", lang)) != first:
        raise ConfigError(Msg.of("user.password_mismatch"))
    return first


def user(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    store, path = _users(args)
    try:
        action = args.user_command
        if action == "add":
            added = store.add(args.name, args.role, _password(args, lang), args.stores)
            print(t("user.added", lang, name=added.name, role=added.role, path=path), file=out)
            if added.stores:
                print(t("user.stores_set", lang, name=added.name, stores=", ".join(added.stores)), file=out)
        elif action == "stores":
            store.set_stores(args.name, args.stores)
            key = "user.stores_set" if args.stores else "user.stores_all"
            print(t(key, lang, name=args.name, stores=", ".join(sorted(set(args.stores)))), file=out)
        elif action == "passwd":
            store.set_password(args.name, _password(args, lang))
            print(t("user.changed", lang, name=args.name), file=out)
        elif action == "remove":
            store.remove(args.name)
            print(t("user.removed", lang, name=args.name), file=out)
        elif action == "list":
            users = store.list()
            for u in users:
                stores = ",".join(u.stores) or t("user.every_store", lang)
                print(f"{u.name}\t{u.role}\t{u.created_at[:10]}\t{stores}", file=out)
            if not users:
                print(t("user.none", lang, path=path), file=out)
        elif args.revoke:
            print(t("user.revoked", lang, name=args.name, n=store.revoke_tokens(args.name)), file=out)
        else:
            token = store.new_token(args.name)
            print(t("user.token", lang, name=args.name), file=out)
            print(token, file=out)
    finally:
        store.close()
    return 0


def _desk_stores(args: argparse.Namespace) -> tuple[str, ...]:
    """The stores people pick from at upload: those named (`--store`, `--all-stores`), else the config's
    default or only store, else the one unnamed store (a config without [stores], the environment, the
    sandbox)."""
    from batchship.naver.credentials import chosen_stores, store_table

    if args.sandbox:
        if args.store or args.all_stores:
            raise ConfigError(Msg.of("config.sandbox_one_store"))
        return ("",)
    chosen = chosen_stores(args.config, args.store, args.all_stores)
    if chosen:
        return tuple(chosen)
    return (store_table(args.config)[0],) if args.config is not None else ("",)


def serve(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    """Run the web desk until interrupted."""
    import uvicorn

    from batchship.accounts import UserStore
    from batchship.apps.web.app import create_app
    from batchship.apps.web.settings import DeskSettings

    journal = str(args.journal or default_url())
    settings = DeskSettings(
        data_dir=_data_dir(args, journal),
        journal=journal,
        sandbox=args.sandbox,
        sandbox_orders=args.sandbox_orders,
        config=args.config,
        base_url=args.base_url,
        store_name=args.store_name,
        max_upload_mb=int(args.max_upload_mb),
        keep_days=int(args.keep_days),
        proxy_headers=args.proxy_headers,
        rate_limit=args.rate_limit,
        lang=lang,
        notify=args.notify,
        public_url=args.public_url,
        stores=_desk_stores(args),
    )
    if args.notify:  # the channels are checked now, not at the first dispatch
        from batchship.apps.cli.notifying import notifier_for

        for store in settings.stores:
            notifier_for(argparse.Namespace(config=args.config, store=store or None), [], required=True)
    _prepare(args, settings, UserStore(settings.users_file), out, lang)
    app = create_app(settings)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(t("serve.listening", lang, url=f"http://{host}:{args.port}/"), file=out)
    print(t("serve.stop", lang), file=out, flush=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips="*" if args.proxy_headers else None,
        log_level="warning",
        access_log=False,
    )
    _server_class()(config).run()
    return 0


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, stopping on SIGINT/SIGTERM with exit status 0 once it has shut down gracefully
        (uvicorn raises the signal again after its shutdown, so a stopped desk would look killed)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return

            def handle(signum: int, _frame: object) -> None:
                self.force_exit = self.should_exit and signum == signal.SIGINT  # a second Ctrl+C
                self.should_exit = True

            previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, old in previous.items():
                    signal.signal(sig, old)

    return Server


def _prepare(
    args: argparse.Namespace, settings: DeskSettings, users: UserStore, out: TextIO, lang: Lang
) -> None:
    """Say where the desk sends and keeps files; refuse to listen beyond this machine with no accounts; make
    the trial account (`--demo-user`)."""
    from batchship.services.practice import state_path

    try:
        if args.demo_user:
            password = secrets.token_urlsafe(9)
            if users.get("demo") is not None:
                users.remove("demo")
            users.add("demo", "admin", password)
            print(t("serve.demo_user", lang, password=password), file=out)
        if users.count() == 0:
            if args.host not in ("127.0.0.1", "localhost", "::1"):
                raise ConfigError(Msg.of("serve.no_users", host=args.host))
            print(t("serve.first_user", lang), file=out)
    finally:
        users.close()
    if settings.sandbox:
        print(t("serve.sandbox", lang, path=state_path(settings.journal)), file=out)
    else:
        from batchship.naver.client import base_url_from_env

        store = ", ".join(settings.store_label(s, lang) for s in settings.stores)
        print(t("serve.store", lang, store=store, url=base_url_from_env(settings.base_url)), file=out)
    print(t("serve.data", lang, path=settings.data_dir, days=settings.keep_days), file=out)
