"""The command line: options -> a service -> a summary and an exit code. Nothing else lives here.

Exit codes: 0 every row is fine; 1 the file was processed and some rows are not; 2 the file (or the options)
could not be used at all, with a one-paragraph message and no traceback unless --debug; 3 batchship met an
error nobody foresaw (a bug): one line naming the crash log that holds the traceback; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO, cast

from batchship.apps.cli.parser import PASSWORD_ENV, build_parser
from batchship.apps.cli.streams import SafeStream, silence_if_broken
from batchship.apps.crash import crash_report
from batchship.errors import BatchshipError
from batchship.i18n import Lang, choose_lang, t

__all__ = ["build_parser", "main"]

#: batchship itself failed (a bug): the message names the crash log.
CRASH_EXIT = 3


def _lang_from_argv(argv: Sequence[str]) -> str | None:
    """`--lang X` or `--lang=X` anywhere in argv: the language of `--help` itself."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _url_password(url: str | None) -> str:
    """The password inside a database address (`postgresql://user:PASSWORD@host/db`), or ""."""
    if not url or "://" not in url:
        return ""
    from urllib.parse import unquote, urlsplit

    password = urlsplit(url).password
    return unquote(password) if password else ""


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = SafeStream(stdout or sys.stdout)
    err = SafeStream(stderr or sys.stderr)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), cast(TextIO, out), cast(TextIO, err))
    finally:
        if stdout is None:
            silence_if_broken(out, sys.stdout)
        if stderr is None:
            silence_if_broken(err, sys.stderr)


def _main(argv: list[str], out: TextIO, err: TextIO) -> int:
    lang: Lang = choose_lang(_lang_from_argv(argv))
    args = build_parser(lang).parse_args(argv)
    lang = choose_lang(args.lang)
    from batchship.apps.cli import commands  # numpy and the rest load here, not for --help or --version

    secrets: list[str] = [p for p in (getattr(args, "password", None), os.environ.get(PASSWORD_ENV)) if p]
    secrets.append(os.environ.get("NAVER_COMMERCE_CLIENT_SECRET", ""))
    secrets += [
        _url_password(u) for u in (getattr(args, "journal", None), os.environ.get("BATCHSHIP_JOURNAL"))
    ]

    def redact(text: str) -> str:
        return commands.redact(text, secrets)

    try:
        if args.command == "dispatch":
            return commands.dispatch(args, out, lang, secrets, err)
        if args.command in ("serve", "user"):
            from batchship.apps.cli import desk

            return int(getattr(desk, args.command)(args, out, lang))
        if args.command == "watch":
            from batchship.apps.cli.watching import watch

            return watch(args, out, lang, secrets)
        if args.command == "reconcile":
            return commands.reconcile(args, out, lang, secrets)
        return int(getattr(commands, args.command)(args, out, lang))
    except BatchshipError as exc:
        if args.debug:
            err.write(redact(traceback.format_exc()))
        print(redact(t("cli.error", lang, message=exc.msg)), file=err)
        commands.failure_report(args, exc, lang)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: one line and a crash log, never a traceback (--debug: both)
        if args.debug:
            err.write(redact(traceback.format_exc()))
        log = crash_report(exc, redact)
        print(redact(t("cli.crash", lang, error=type(exc).__name__, log=log or "-")), file=err)
        return CRASH_EXIT
