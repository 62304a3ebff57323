"""The command line: options -> library calls -> a summary and an exit code. Nothing else lives here.

Exit codes: 0 every row is fine; 1 the file was processed and some rows are not; 2 the file (or the options)
could not be used at all, with a one-paragraph message and no traceback unless --debug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from batchship import __version__
from batchship.check import SheetOptions, run_check
from batchship.errors import BatchshipError
from batchship.messages import SUMMARY, Lang, code_meaning
from batchship.plan import MAX_BATCH
from batchship.report import Report, Status

PASSWORD_ENV = "BATCHSHIP_SHEET_PASSWORD"


def _batch_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_BATCH:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_BATCH}, not {text!r}")
    return value


def _add_sheet_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("sheet_path", metavar="SHEET", help="the shipping sheet (.xlsx, .xlsm, .xls or .csv)")
    p.add_argument("--out", type=Path, help="where to write the result copy (default: <name>.result.xlsx)")
    p.add_argument(
        "--sheet", dest="sheet_name", help="the worksheet to read (default: 발송처리/발주발송관리/first)"
    )
    p.add_argument("--password", help=f"password of a protected workbook (or set {PASSWORD_ENV})")
    p.add_argument("--lang", choices=("ko", "en"), default="ko", help="language of messages (default: ko)")
    p.add_argument("--report", type=Path, metavar="PATH.json", help="also write the summary as JSON")
    p.add_argument(
        "--batch-size",
        type=_batch_size,
        default=MAX_BATCH,
        metavar="N",
        help=f"orders per request, 1 to {MAX_BATCH} (default: {MAX_BATCH})",
    )
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="batchship",
        description="Mark NAVER Smart Store orders as shipped in bulk from a shipping sheet.",
    )
    parser.add_argument("--version", action="version", version=f"batchship {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser(
        "check",
        help="check every row of a sheet and write the verdict onto a copy (sends nothing)",
        description="Check every row of a shipping sheet and write the verdict onto a copy. Sends nothing.",
    )
    _add_sheet_options(check)
    return parser


def print_summary(report: Report, out: TextIO) -> None:
    lang: Lang = report.lang
    s = SUMMARY[lang]
    counts = report.counts()
    print(
        s["title"].format(
            file=report.source.name, sheet=report.sheet_name or "CSV", header_row=report.header_row
        ),
        file=out,
    )
    print(s["rows"].format(rows=len(report.rows)), file=out)
    if report.mode == "check":
        requests = report.extra.get("requests_planned", 0)
        batch = report.extra.get("batch_size", MAX_BATCH)
        print(s["valid"].format(valid=counts[Status.NOT_SENT], requests=requests, batch=batch), file=out)
        print(s["invalid"].format(invalid=counts[Status.INVALID]), file=out)
    else:
        for status in Status:
            if counts[status]:
                print(s["status"].format(label=status.label(lang), count=counts[status]), file=out)
    for code, count in report.error_codes().items():
        print(s["by_code"].format(code=code, meaning=code_meaning(code, lang), count=count), file=out)
    if report.result_file:
        print(s["result"].format(path=report.result_file), file=out)


def _write_json(path: Path, report: Report) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            options = SheetOptions(
                sheet=args.sheet_name,
                password=args.password or os.environ.get(PASSWORD_ENV) or None,
                lang=args.lang,
            )
            report, _, _ = run_check(args.sheet_path, options, out=args.out, batch_size=args.batch_size)
            print_summary(report, out)
            if args.report:
                _write_json(args.report, report)
                print(SUMMARY[report.lang]["report"].format(path=args.report), file=out)
            return report.exit_code
    except BatchshipError as exc:
        if args.debug:
            traceback.print_exc(file=err)
        print(f"batchship: {exc.message}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 2  # pragma: no cover - argparse requires a command
