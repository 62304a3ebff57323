"""The command line's options, with every help text from the catalogue in the chosen language."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from batchship import __version__
from batchship.domain.plan import MAX_BATCH
from batchship.i18n import Lang, t
from batchship.naver import DEFAULT_BASE_URL
from batchship.naver.ratelimit import DEFAULT_RATE
from batchship.sheets.limits import DEFAULT_LIMITS

PASSWORD_ENV: Final = "BATCHSHIP_SHEET_PASSWORD"

#: argparse's own English sentences and the catalogue keys that say them.
_ARGPARSE_WORDS: Final = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positionals",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "expected one argument": "argparse.expected_one",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "%(prog)s: error: %(message)s\n": "argparse.error",
}


def localise_argparse(lang: Lang) -> None:
    """Make argparse say its own words (usage, errors) in `lang` too: it looks each up through `argparse._`."""

    def translate(text: str) -> str:
        key = _ARGPARSE_WORDS.get(text)
        return t(key, lang) if key else text

    argparse._ = translate  # type: ignore[attr-defined]


def _number(
    convert: Callable[[str], float], low: float, high: float, what: str, lang: Lang
) -> Callable[[str], Any]:
    """An argparse type: `convert` the text and insist on `low <= value <= high`, saying `what` it must be."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(t("cli.must_be", lang, what=what, value=text))
        return value

    return parse


class _Builder:
    """Adds options to parsers, every help text in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.positive = _number(float, 1e-9, float("inf"), t("cli.positive", lang), lang)
        self.share = _number(float, 0.0, 1.0, t("cli.share", lang), lang)
        self.batch_size = _number(int, 1, MAX_BATCH, t("cli.whole", lang, low=1, high=MAX_BATCH), lang)

    def h(self, key: str, **values: object) -> str:
        return t(f"help.{key}", self.lang, **values).replace("%", "%%")

    def command(self, sub: Any, name: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name, help=self.h(name), description=self.h(f"{name}.description")
        )
        return parser

    def common(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=("ko", "en"), help=self.h("lang"))
        p.add_argument("--debug", action="store_true", help=self.h("debug"))

    def sheet(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("sheet_path", metavar="SHEET", help=self.h("sheet_path"))
        p.add_argument("--out", type=Path, help=self.h("out"))
        p.add_argument("--sheet", dest="sheet_name", help=self.h("sheet"))
        p.add_argument("--password", help=self.h("password", env=PASSWORD_ENV))
        p.add_argument("--report", type=Path, metavar="PATH.json", help=self.h("report"))
        self.batch(p)
        self.limits(p)
        self.common(p)

    def batch(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--batch-size",
            type=self.batch_size,
            default=MAX_BATCH,
            metavar="N",
            help=self.h("batch_size", max=MAX_BATCH),
        )

    def account(self, p: argparse.ArgumentParser, several: bool = False) -> None:
        """Which API, credentials and journal: shared by dispatch, watch, reconcile and serve (`several`: watch
        and serve may serve several stores of a config at once: `--store` again, or `--all-stores`)."""
        p.add_argument("--base-url", help=self.h("base_url", url=DEFAULT_BASE_URL))
        p.add_argument("--config", type=Path, help=self.h("config"))
        if several:
            p.add_argument("--store", metavar="NAME", action="append", help=self.h("store_several"))
            p.add_argument("--all-stores", action="store_true", help=self.h("all_stores"))
        else:
            p.add_argument("--store", metavar="NAME", help=self.h("store"))
        p.add_argument("--journal", help=self.h("journal_path"))

    def send(self, p: argparse.ArgumentParser, several: bool = False) -> None:
        """Where and how fast to send, with which credentials and journal: shared by dispatch and watch."""
        self.account(p, several)
        self.rate(p)
        p.add_argument("--no-preflight", action="store_true", help=self.h("no_preflight"))
        p.add_argument("--ship-cancel-requests", action="store_true", help=self.h("ship_cancel_requests"))

    def store_filter(self, p: argparse.ArgumentParser) -> None:
        """`--store` with its `--config`: only that store's attempts (history, export)."""
        p.add_argument("--config", type=Path, help=self.h("config"))
        p.add_argument("--store", metavar="NAME", help=self.h("store_filter"))

    def rate(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--rate-limit",
            type=self.positive,
            metavar="N",
            help=self.h("rate_limit", rate=DEFAULT_RATE),
        )

    def limits(self, p: argparse.ArgumentParser) -> None:
        mb = DEFAULT_LIMITS.max_file_bytes // (1024 * 1024)
        p.add_argument(
            "--max-rows",
            type=int,
            default=DEFAULT_LIMITS.max_rows,
            metavar="N",
            help=self.h("max_rows", n=DEFAULT_LIMITS.max_rows),
        )
        p.add_argument("--max-file-mb", type=int, default=mb, metavar="MB", help=self.h("max_file_mb", n=mb))


def build_parser(lang: Lang = "ko") -> argparse.ArgumentParser:
    localise_argparse(lang)
    b = _Builder(lang)
    parser = argparse.ArgumentParser(prog="batchship", description=b.h("prog"))
    parser.add_argument("--version", action="version", version=f"batchship {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title=t("argparse.commands", lang)
    )
    check = b.command(sub, "check")
    b.sheet(check)
    check.add_argument("--journal", help=b.h("check_journal"))
    check.add_argument("--config", type=Path, help=b.h("check_config"))
    check.add_argument("--store", metavar="NAME", help=b.h("store"))
    check.add_argument("--sandbox", action="store_true", help=b.h("check_sandbox"))
    _dispatch(b, b.command(sub, "dispatch"))
    _watch(b, b.command(sub, "watch"))
    template = b.command(sub, "template")
    template.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help=b.h("format"))
    template.add_argument("-o", "--out", type=Path, help=b.h("template_out"))
    b.common(template)
    reconcile = b.command(sub, "reconcile")
    b.account(reconcile)
    reconcile.add_argument("--sandbox", action="store_true", help=b.h("sandbox_reconcile"))
    b.common(reconcile)
    history = b.command(sub, "history")
    history.add_argument("order_ids", nargs="+", metavar="ORDER_ID", help=b.h("order_ids"))
    history.add_argument("--journal", help=b.h("history_journal"))
    b.store_filter(history)
    b.common(history)
    journal = b.command(sub, "journal")
    actions = journal.add_subparsers(
        dest="journal_command", required=True, metavar="ACTION", help=b.h("journal.actions")
    )
    export = b.command(actions, "export")
    export.add_argument("--since", required=True, metavar="DATE", help=b.h("since"))
    export.add_argument("--out", type=Path, help=b.h("export_out"))
    export.add_argument("--journal", help=b.h("history_journal"))
    b.store_filter(export)
    b.common(export)
    migrate = b.command(actions, "migrate")
    migrate.add_argument("--from", dest="source", required=True, metavar="JOURNAL", help=b.h("migrate_from"))
    migrate.add_argument("--to", dest="target", required=True, metavar="JOURNAL", help=b.h("migrate_to"))
    b.common(migrate)
    _sandbox(b, b.command(sub, "sandbox"))
    _serve(b, b.command(sub, "serve"))
    _user(b, b.command(sub, "user"))
    return parser


def _serve(b: _Builder, p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help=b.h("host"))
    p.add_argument("--port", type=int, default=8000, help=b.h("serve_port"))
    p.add_argument("--data", type=Path, metavar="DIR", help=b.h("data"))
    b.account(p, several=True)
    p.add_argument("--sandbox", action="store_true", help=b.h("serve_sandbox"))
    p.add_argument("--sandbox-orders", type=Path, metavar="CSV", help=b.h("sandbox_orders"))
    p.add_argument("--store-name", default="", help=b.h("store_name"))
    b.rate(p)
    p.add_argument("--max-upload-mb", type=b.positive, default=20, metavar="MB", help=b.h("max_upload_mb"))
    p.add_argument("--keep-days", type=b.positive, default=30, metavar="N", help=b.h("keep_days"))
    p.add_argument("--proxy-headers", action="store_true", help=b.h("proxy_headers"))
    p.add_argument("--demo-user", action="store_true", help=b.h("demo_user"))
    p.add_argument("--notify", action="store_true", help=t("help.notify", b.lang))
    p.add_argument("--public-url", default="", metavar="URL", help=b.h("public_url"))
    b.common(p)


def _user(b: _Builder, p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION", help=b.h("user.actions"))
    for name in ("add", "passwd", "remove", "list", "token", "stores"):
        action = b.command(actions, name)
        if name != "list":
            action.add_argument("name", metavar="NAME", help=b.h("user_name"))
        if name == "add":
            action.add_argument(
                "--role", choices=("check", "dispatch", "admin"), default="check", help=b.h("role")
            )
        if name in ("add", "passwd"):
            action.add_argument("--password-stdin", action="store_true", help=b.h("password_stdin"))
        if name in ("add", "stores"):
            action.add_argument("--stores", type=_names, default=[], metavar="A,B", help=b.h("user_stores"))
        if name == "token":
            action.add_argument("--revoke", action="store_true", help=b.h("revoke"))
        action.add_argument("--journal", help=b.h("users_journal"))
        b.common(action)


def _names(text: str) -> list[str]:
    """`shop-a,shop-b`: store names, separated by commas."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _dispatch(b: _Builder, p: argparse.ArgumentParser) -> None:
    b.sheet(p)
    p.add_argument("--dry-run", action="store_true", help=b.h("dry_run"))
    b.send(p)
    p.add_argument("--quiet", action="store_true", help=b.h("quiet"))
    p.add_argument("--notify", action="store_true", help=t("help.notify", b.lang))
    _practice(b, p)


def _watch(b: _Builder, p: argparse.ArgumentParser) -> None:
    p.add_argument("inbox", metavar="INBOX", type=Path, help=b.h("inbox"))
    p.add_argument("--once", action="store_true", help=b.h("once"))
    p.add_argument("--interval", type=b.positive, default=10.0, metavar="S", help=b.h("interval"))
    p.add_argument("--settle", type=float, default=5.0, metavar="S", help=b.h("settle"))
    p.add_argument("--dry-run", action="store_true", help=b.h("watch_dry_run"))
    p.add_argument("--log", type=Path, help=b.h("log"))
    b.send(p, several=True)
    b.batch(p)
    p.add_argument("--sheet", dest="sheet_name", help=b.h("watch_sheet"))
    p.add_argument("--password", help=b.h("password", env=PASSWORD_ENV))
    _practice(b, p)
    b.limits(p)
    b.common(p)


def _practice(b: _Builder, p: argparse.ArgumentParser) -> None:
    p.add_argument("--sandbox", action="store_true", help=b.h("sandbox_flag"))
    p.add_argument("--sandbox-orders", type=Path, metavar="CSV", help=b.h("sandbox_orders"))
    p.add_argument("--sandbox-reset", action="store_true", help=b.h("sandbox_reset"))


def _sandbox(b: _Builder, p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=0, help=b.h("port"))
    p.add_argument("--orders", type=Path, metavar="CSV", help=b.h("orders"))
    p.add_argument("--seed-from", type=Path, metavar="SHEET", help=b.h("seed_from"))
    p.add_argument("--rate-limit", type=b.positive, metavar="N", help=b.h("sandbox_rate"))
    p.add_argument("--token-ttl", type=b.positive, default=3 * 3600, metavar="S", help=b.h("token_ttl"))
    p.add_argument("--latency", type=float, default=0.0, metavar="S", help=b.h("latency"))
    for flag in ("--fault-429", "--fault-500", "--fault-504-after", "--fault-drop-after"):
        key = "fault_" + flag.removeprefix("--fault-").replace("-", "_")
        p.add_argument(flag, type=b.share, default=0.0, metavar="P", help=b.h(key))
    p.add_argument("--fault-seed", type=int, default=0, metavar="N", help=b.h("fault_seed"))
    b.common(p)
