"""The command line: options -> library calls -> a summary and an exit code. Nothing else lives here.

Exit codes: 0 every row is fine; 1 the file was processed and some rows are not; 2 the file (or the options)
could not be used at all, with a one-paragraph message and no traceback unless --debug.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from batchship import __version__
from batchship.api.client import DEFAULT_BASE_URL
from batchship.api.ratelimit import DEFAULT_RATE
from batchship.check import SheetOptions, run_check
from batchship.errors import BatchshipError, ConfigError
from batchship.limits import DEFAULT_LIMITS
from batchship.messages import DISPATCH_SUMMARY
from batchship.plan import MAX_BATCH
from batchship.report import Report

PASSWORD_ENV = "BATCHSHIP_SHEET_PASSWORD"


def _number(convert: Callable[[str], float], low: float, high: float, what: str) -> Callable[[str], Any]:
    """An argparse type: `convert` the text and insist on `low <= value <= high`, saying `what` it must be."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}")
        return value

    return parse


_positive = _number(float, 1e-9, float("inf"), "a positive number")
_rate = _number(float, 0.0, 1.0, "a share from 0 to 1")
_batch_size = _number(int, 1, MAX_BATCH, f"a whole number from 1 to {MAX_BATCH}")


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
    _add_limit_options(p)
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _add_send_options(p: argparse.ArgumentParser) -> None:
    """Where and how fast to send, with which credentials and journal: shared by dispatch and watch."""
    p.add_argument(
        "--base-url", help=f"API base URL (or set BATCHSHIP_API_BASE_URL; default {DEFAULT_BASE_URL})"
    )
    p.add_argument("--config", type=Path, help="TOML file with client_id and client_secret (mode 600)")
    p.add_argument(
        "--rate-limit",
        type=_positive,
        default=DEFAULT_RATE,
        metavar="N",
        help="requests per second (default 2)",
    )
    p.add_argument(
        "--journal",
        type=Path,
        help="the dispatch journal (default: $BATCHSHIP_JOURNAL or ~/.local/state/batchship/journal.sqlite3)",
    )


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_LIMITS.max_rows,
        metavar="N",
        help=f"most order rows read from one sheet (default {DEFAULT_LIMITS.max_rows:,})",
    )
    p.add_argument(
        "--max-file-mb",
        type=int,
        default=DEFAULT_LIMITS.max_file_bytes // (1024 * 1024),
        metavar="MB",
        help=f"largest file read (default {DEFAULT_LIMITS.max_file_bytes // (1024 * 1024)} MB)",
    )


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

    dispatch = sub.add_parser(
        "dispatch",
        help="check every row, send the valid ones to NAVER, and write what NAVER answered onto a copy",
        description="Check every row, send the valid ones to NAVER in requests of at most 30 (paced to the rate "
        "limit), and write NAVER's answer for every row onto a copy of the sheet.",
    )
    _add_sheet_options(dispatch)
    dispatch.add_argument(
        "--dry-run", action="store_true", help="build the requests and show one; send nothing"
    )
    _add_send_options(dispatch)
    dispatch.add_argument("--quiet", action="store_true", help="no progress bar")
    dispatch.add_argument(
        "--sandbox",
        action="store_true",
        help="start the local sandbox, seed it with the sheet's orders, and dispatch against it (no credentials)",
    )
    dispatch.add_argument(
        "--sandbox-orders",
        type=Path,
        metavar="CSV",
        help="with --sandbox: the orders the sandbox knows (CSV productOrderId,status,...) instead of the sheet's; "
        "used the first time, after which the sandbox's state is kept beside the journal",
    )

    watch = sub.add_parser(
        "watch",
        help="process every sheet dropped into a folder (for cron, systemd timers or as a service)",
        description="Dispatch every shipping sheet dropped into INBOX; results go to INBOX/results, originals "
        "to INBOX/done (or INBOX/failed when unreadable).",
    )
    watch.add_argument("inbox", metavar="INBOX", type=Path, help="the folder to watch")
    watch.add_argument("--once", action="store_true", help="process what is there, then exit (cron, timers)")
    watch.add_argument(
        "--interval", type=_positive, default=10.0, metavar="S", help="seconds between scans (10)"
    )
    watch.add_argument(
        "--settle",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds a file must stay unchanged before it is taken (5)",
    )
    watch.add_argument("--dry-run", action="store_true", help="check and plan each sheet, send nothing")
    watch.add_argument("--log", type=Path, help="run log (default INBOX/results/batchship.log)")
    _add_send_options(watch)
    watch.add_argument(
        "--batch-size", type=_batch_size, default=MAX_BATCH, metavar="N", help="orders per request, 1 to 30"
    )
    watch.add_argument("--sheet", dest="sheet_name", help="the worksheet to read in each file")
    watch.add_argument("--password", help=f"password of protected workbooks (or set {PASSWORD_ENV})")
    watch.add_argument(
        "--lang", choices=("ko", "en"), default="ko", help="language of messages (default: ko)"
    )
    _add_limit_options(watch)
    watch.add_argument("--debug", action="store_true", help="show a traceback on errors")

    template = sub.add_parser(
        "template",
        help="write the shipping-sheet template (xlsx with drop-downs, or csv)",
        description="Write the template staff fill in: an xlsx with text-formatted number columns and drop-down "
        "lists of methods and couriers, or a UTF-8 (BOM) csv with the same headers.",
    )
    template.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx (default) or csv")
    template.add_argument(
        "-o", "--out", type=Path, help="where to write it (default: dispatch_template.<format>)"
    )
    template.add_argument("--debug", action="store_true", help="show a traceback on errors")

    history = sub.add_parser(
        "history",
        help="show what the journal knows about orders",
        description="Show every dispatch attempt the journal holds for the given product order numbers.",
    )
    history.add_argument("order_ids", nargs="+", metavar="ORDER_ID", help="product order numbers")
    history.add_argument("--journal", type=Path, help="the journal (default as for dispatch)")
    history.add_argument("--debug", action="store_true", help="show a traceback on errors")

    journal = sub.add_parser(
        "journal",
        help="journal tools (export)",
        description="Journal tools. `journal export --since DATE` writes every attempt since DATE as CSV.",
    )
    journal_sub = journal.add_subparsers(
        dest="journal_command", required=True, metavar="ACTION", help="export: write the journal as CSV"
    )
    export = journal_sub.add_parser(
        "export", help="write the journal as CSV", description="Write every attempt since DATE as CSV."
    )
    export.add_argument(
        "--since", required=True, metavar="DATE", help="first day to include, e.g. 2024-05-01"
    )
    export.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    export.add_argument("--journal", type=Path, help="the journal (default as for dispatch)")
    export.add_argument("--debug", action="store_true", help="show a traceback on errors")

    sandbox = sub.add_parser(
        "sandbox",
        help="run the local stand-in for the Commerce API on 127.0.0.1",
        description="Run the local stand-in for the NAVER Commerce API on 127.0.0.1 until interrupted.",
    )
    sandbox.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    sandbox.add_argument(
        "--orders", type=Path, metavar="CSV", help="orders: productOrderId,status,placeOrderStatus"
    )
    sandbox.add_argument(
        "--seed-from", type=Path, metavar="SHEET", help="add every order of a sheet as PAYED"
    )
    sandbox.add_argument(
        "--rate-limit", type=_positive, metavar="N", help="requests per second per application"
    )
    sandbox.add_argument(
        "--token-ttl", type=_positive, default=3 * 3600, metavar="S", help="token lifetime in seconds"
    )
    sandbox.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="seconds added to every answer"
    )
    for flag, what in (
        ("--fault-429", "answered 429 whatever the rate (a storm)"),
        ("--fault-500", "answered 500 before applying"),
        ("--fault-504-after", "applied, then answered 504"),
        ("--fault-drop-after", "applied, then dropped"),
    ):
        sandbox.add_argument(
            flag, type=_rate, default=0.0, metavar="P", help=f"share of dispatch calls {what}"
        )
    sandbox.add_argument("--fault-seed", type=int, default=0, metavar="N", help="random seed for the faults")
    return parser


def print_summary(report: Report, out: TextIO, paths: dict[str, str] | None = None) -> None:
    from batchship.summary import text_lines

    for line in text_lines(report, paths):
        print(line, file=out)


def _write_json(path: Path, report: Report) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set `stop` (requests in flight finish, the result copy is written) instead of killing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: object) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _sheet_options(args: argparse.Namespace) -> SheetOptions:
    limits = replace(
        DEFAULT_LIMITS, max_rows=max(1, args.max_rows), max_file_bytes=max(1, args.max_file_mb) * 1024 * 1024
    )
    return SheetOptions(
        sheet=args.sheet_name,
        password=args.password or os.environ.get(PASSWORD_ENV) or None,
        lang=args.lang,
        limits=limits,
    )


def _finish(report: Report, args: argparse.Namespace, out: TextIO) -> int:
    if args.report:
        _write_json(args.report, report)
    print_summary(report, out, {"report": str(args.report)} if args.report else None)
    return report.exit_code


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    report, _, _ = run_check(args.sheet_path, _sheet_options(args), out=args.out, batch_size=args.batch_size)
    return _finish(report, args, out)


def _cmd_dispatch(args: argparse.Namespace, out: TextIO, secrets: list[str]) -> int:
    from batchship.api.auth import Credentials
    from batchship.api.client import base_url_from_env
    from batchship.config import load_credentials
    from batchship.dispatch import DispatchOptions, run_dispatch, sample_body
    from batchship.journal import default_path as default_journal_path
    from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
    from batchship.sandbox.server import load_orders_csv
    from batchship.sheet import load_sheet

    sheet_options = _sheet_options(args)
    options = DispatchOptions(
        rate_limit=args.rate_limit, batch_size=args.batch_size, dry_run=args.dry_run, progress=not args.quiet
    )
    stop = threading.Event()
    sandbox = None
    sandbox_state = Path()
    credentials: Credentials | None = None
    base_url = base_url_from_env(args.base_url)
    try:
        if args.sandbox and not args.dry_run:
            sandbox = Sandbox(rate_limit=None)
            # The store's side lives beside the journal, as NAVER's does between runs.
            sandbox_state = (args.journal or default_journal_path()).with_suffix(".sandbox.json")
            if sandbox_state.exists():
                sandbox.load_state(sandbox_state)
            elif args.sandbox_orders:  # exactly these orders exist
                try:
                    sandbox.add_orders(load_orders_csv(args.sandbox_orders))
                except (OSError, ValueError) as exc:
                    raise ConfigError(f"Cannot read --sandbox-orders {args.sandbox_orders}: {exc}") from exc
            else:  # every order of the sheet exists, PAYED
                seed = load_sheet(
                    args.sheet_path,
                    sheet=sheet_options.sheet,
                    password=sheet_options.password,
                    lang=args.lang,
                )
                sandbox.seed_payed(pid for pid in seed.data["productOrderId"] if pid)
            sandbox.start()
            base_url = sandbox.base_url
            credentials = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            print(DISPATCH_SUMMARY[args.lang]["sandbox"].format(url=base_url), file=out)
        elif not args.dry_run:
            credentials = load_credentials(args.config)
            secrets.extend(credentials.secrets())
        journal_path = args.journal or default_journal_path()
        with _stop_on_signals(stop):
            report = run_dispatch(
                args.sheet_path,
                sheet_options,
                options,
                credentials=credentials,
                base_url=base_url,
                out=args.out,
                stop=stop,
                journal_path=None if args.dry_run else journal_path,
                on_wait=lambda: print(DISPATCH_SUMMARY[args.lang]["waiting"], file=out, flush=True),
            )
    finally:
        if sandbox is not None:
            sandbox.stop()
            sandbox.save_state(sandbox_state)
    if args.dry_run:
        print(
            DISPATCH_SUMMARY[args.lang]["dry_run"].format(requests=report.extra["requests_planned"]), file=out
        )
        print(sample_body(report), file=out)
    return _finish(report, args, out)


def _cmd_watch(args: argparse.Namespace, out: TextIO, secrets: list[str]) -> int:
    from batchship.api.client import base_url_from_env
    from batchship.config import load_credentials
    from batchship.dispatch import DispatchOptions, run_dispatch
    from batchship.journal import default_path as default_journal_path
    from batchship.watch import Watcher, result_paths, write_report

    sheet_options = _sheet_options(args)
    options = DispatchOptions(
        rate_limit=args.rate_limit, batch_size=args.batch_size, dry_run=args.dry_run, progress=False
    )
    credentials = None if args.dry_run else load_credentials(args.config)
    if credentials is not None:
        secrets.extend(credentials.secrets())
    base_url = base_url_from_env(args.base_url)
    journal_path = args.journal or default_journal_path()

    def process(sheet: Path, results: Path, stop: threading.Event) -> Report:
        result, report_path = result_paths(results, sheet)
        report = run_dispatch(
            sheet,
            sheet_options,
            options,
            credentials=credentials,
            base_url=base_url,
            out=result,
            stop=stop,
            journal_path=None if args.dry_run else journal_path,
        )
        write_report(report_path, report)
        return report

    watcher = Watcher(args.inbox, process, interval=args.interval, settle=max(0.0, args.settle), log=args.log)
    stop = threading.Event()
    worst = 0
    with _stop_on_signals(stop):
        for event in watcher.run(stop, once=args.once):
            name = event.path.name if event.path else ""
            if event.kind == "locked":
                print(f"another batchship watch holds {args.inbox} ({event.error}); nothing to do", file=out)
                return 0
            if event.kind == "waiting":
                print(
                    f"another batchship watch holds {args.inbox} ({event.error}); waiting",
                    file=out,
                    flush=True,
                )
            elif event.kind == "failed":
                print(f"failed: {name}: {_redact(event.error, secrets)}", file=out, flush=True)
                worst = max(worst, 1)
            elif event.report is not None:
                counts = " ".join(f"{k}={v}" for k, v in event.report.counts().items() if v)
                print(f"{event.kind}: {name}: {counts}", file=out, flush=True)
                if event.kind == "processed":
                    worst = max(worst, event.report.exit_code)
    return 0 if stop.is_set() else worst


def _cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    from batchship.journal import Journal, default_path

    path = args.journal or default_path()
    if not path.exists():
        raise ConfigError(f"No journal at {path}: nothing has been dispatched with it yet.")
    with Journal(path, account="") as journal:
        attempts = journal.history(args.order_ids)
    if not attempts:
        print(f"no attempts for {', '.join(args.order_ids)} in {path}", file=out)
        return 1
    for a in attempts:
        what = f"{a.courier} {a.tracking}".strip() or a.delivery_method
        line = f"{a.created_at}  {a.product_order_id}  {a.state:<11}  {what}  account={a.account}  run={a.run_id[:8]}"
        extra = " ".join(x for x in (a.code, a.message, f"trace={a.trace_id}" if a.trace_id else "") if x)
        print(line + (f"  {extra}" if extra else ""), file=out)
    return 0


def _cmd_journal(args: argparse.Namespace, out: TextIO) -> int:
    from batchship.journal import Journal, default_path
    from batchship.rules import parse_date

    path = args.journal or default_path()
    if not path.exists():
        raise ConfigError(f"No journal at {path}: nothing has been dispatched with it yet.")
    since = parse_date(args.since, False, dt.datetime.now(dt.UTC))
    if since is None:
        raise ConfigError(f"--since {args.since!r} is not a date. Write it like 2024-05-01.")
    with Journal(path, account="") as journal:
        text = journal.export_csv(since.strftime("%Y-%m-%dT00:00:00"))
    if args.out:
        args.out.write_text(text, encoding="utf-8-sig")
    else:
        out.write(text)
    return 0


def _cmd_sandbox(args: argparse.Namespace, out: TextIO) -> int:
    from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, FaultSpec, Sandbox
    from batchship.sandbox.server import load_orders_csv
    from batchship.sheet import load_sheet

    faults = Faults(
        error_500_before=FaultSpec(rate=args.fault_500),
        storm_429=FaultSpec(rate=args.fault_429),
        timeout_504_after=FaultSpec(rate=args.fault_504_after),
        drop_after=FaultSpec(rate=args.fault_drop_after),
        latency_s=args.latency,
        seed=args.fault_seed,
    )
    sandbox = Sandbox(rate_limit=args.rate_limit, token_ttl=args.token_ttl, faults=faults, port=args.port)
    if args.orders:
        try:
            sandbox.add_orders(load_orders_csv(args.orders))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Cannot read --orders {args.orders}: {exc}") from exc
    if args.seed_from:
        sandbox.seed_payed(pid for pid in load_sheet(args.seed_from).data["productOrderId"] if pid)
    stop = threading.Event()
    with _stop_on_signals(stop), sandbox:
        print(f"sandbox listening on {sandbox.base_url}", file=out)
        print(f"  BATCHSHIP_API_BASE_URL={sandbox.base_url}", file=out)
        print(f"  NAVER_COMMERCE_CLIENT_ID={DEMO_CLIENT_ID}", file=out)
        print(f"  NAVER_COMMERCE_CLIENT_SECRET='{DEMO_CLIENT_SECRET}'", file=out)
        out.flush()
        stop.wait()
    return 0


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    secrets: list[str] = [p for p in (getattr(args, "password", None), os.environ.get(PASSWORD_ENV)) if p]
    secrets.append(os.environ.get("NAVER_COMMERCE_CLIENT_SECRET", ""))
    try:
        if args.command == "check":
            return _cmd_check(args, out)
        if args.command == "dispatch":
            return _cmd_dispatch(args, out, secrets)
        if args.command == "sandbox":
            return _cmd_sandbox(args, out)
        if args.command == "history":
            return _cmd_history(args, out)
        if args.command == "template":
            from batchship.template import write_template

            target = args.out or Path(f"dispatch_template.{args.format}")
            try:
                write_template(args.format, target)
            except OSError as exc:
                raise ConfigError(f"Cannot write {target} ({exc.strerror or exc}).") from exc
            print(target, file=out)
            return 0
        if args.command == "watch":
            return _cmd_watch(args, out, secrets)
        if args.command == "journal":
            return _cmd_journal(args, out)
    except BatchshipError as exc:
        if args.debug if hasattr(args, "debug") else False:
            err.write(_redact(traceback.format_exc(), secrets))
        print(f"batchship: {_redact(exc.message, secrets)}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 2  # pragma: no cover - argparse requires a command
