"""The command line: options -> a service -> a summary and an exit code. Nothing else lives here.

Exit codes: 0 every row is fine; 1 the file was processed and some rows are not; 2 the file (or the options)
could not be used at all, with a one-paragraph message and no traceback unless --debug.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from batchship.apps.cli import commands
from batchship.apps.cli.parser import PASSWORD_ENV, build_parser
from batchship.errors import BatchshipError
from batchship.i18n import Lang, choose_lang, t

__all__ = ["build_parser", "main"]


def _lang_from_argv(argv: Sequence[str]) -> str | None:
    """`--lang X` or `--lang=X` anywhere in argv: the language of `--help` itself."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    lang: Lang = choose_lang(_lang_from_argv(argv))
    args = build_parser(lang).parse_args(argv)
    lang = choose_lang(args.lang)
    secrets: list[str] = [p for p in (getattr(args, "password", None), os.environ.get(PASSWORD_ENV)) if p]
    secrets.append(os.environ.get("NAVER_COMMERCE_CLIENT_SECRET", ""))
    try:
        if args.command in ("dispatch", "watch"):
            return int(getattr(commands, args.command)(args, out, lang, secrets))
        return int(getattr(commands, args.command)(args, out, lang))
    except BatchshipError as exc:
        if args.debug:
            err.write(commands.redact(traceback.format_exc(), secrets))
        print(commands.redact(t("cli.error", lang, message=exc.msg), secrets), file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
