"""One function per command: options in, a service called, its report rendered, an exit code out."""

from __future__ import annotations

import argparse
import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from batchship.apps.cli.notifying import notifier_for
from batchship.apps.cli.parser import PASSWORD_ENV
from batchship.apps.cli.render import ProgressBar, print_summary
from batchship.apps.cli.signals import stop_on_signals
from batchship.errors import BatchshipError, ConfigError, JournalError, OutputError
from batchship.i18n import Lang, Msg, os_reason, t
from batchship.journal import location
from batchship.model import Origin, Report
from batchship.output.jsonreport import write_json
from batchship.services.check import SheetOptions, run_check
from batchship.sheets.limits import DEFAULT_LIMITS
from batchship.timefmt import now_kst

if TYPE_CHECKING:
    from batchship.journal import Attempt
    from batchship.services.dispatch import DispatchOptions, Target
    from batchship.services.known import Look


def sheet_options(args: argparse.Namespace, lang: Lang) -> SheetOptions:
    limits = replace(
        DEFAULT_LIMITS, max_rows=max(1, args.max_rows), max_file_bytes=max(1, args.max_file_mb) * 1024 * 1024
    )
    password = args.password or os.environ.get(PASSWORD_ENV) or None
    return SheetOptions(sheet=args.sheet_name, password=password, lang=lang, limits=limits)


def _finish(report: Report, args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    """Write the JSON report, print the summary (always: what happened is never left unsaid) and why the run
    stopped early (on `err`), and give the exit code."""
    failed: OutputError | None = None
    if args.report:
        try:
            write_json(args.report, report)
        except OutputError as exc:
            failed = exc
    print_summary(report, out, {"report": str(args.report)} if args.report and not failed else None)
    for note in report.notes:
        print(note.render(report.lang), file=out)
    for error in report.errors:
        print(t("cli.error", report.lang, message=error), file=err or out)
    if failed is not None:
        failed.exit_code = 1 if report.went_out() else 2  # orders that went out are never reported as none
        raise failed
    return report.exit_code


def failure_report(args: argparse.Namespace, error: BatchshipError, lang: Lang) -> None:
    """`--report` when the run could not start (exit 2): the command, the file and why, so that a script
    reading reports always finds one."""
    if not getattr(args, "report", None):
        return
    data = {
        "mode": args.command,
        "source": str(getattr(args, "sheet_path", "") or ""),
        "exit_code": error.exit_code,
        "errors": [error.render(lang)],
    }
    with contextlib.suppress(OutputError):
        write_json(args.report, data)


def _look(args: argparse.Namespace) -> Look:
    """Where a check or a dry run looks for orders already sent (read-only): the journal, and whose."""
    from batchship.naver.credentials import configured_account
    from batchship.services.known import look_for

    practice = getattr(args, "sandbox", False)
    store = getattr(args, "store", None)
    account = None if practice else configured_account(args.config, store=store)
    return look_for(_journal(args), account, practice=practice)


def check(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    report = run_check(
        args.sheet_path,
        sheet_options(args, lang),
        out=args.out,
        batch_size=args.batch_size,
        journal=_look(args),
    )
    return _finish(report, args, out)


def _journal(args: argparse.Namespace) -> str:
    from batchship.journal import default_url

    return str(args.journal or default_url())


@contextlib.contextmanager
def _target(args: argparse.Namespace, out: TextIO, lang: Lang, secrets: list[str]) -> Iterator[Target]:
    """Where to send: the practice sandbox, NAVER with the configured credentials, or nowhere (dry run)."""
    from batchship.naver.client import base_url_from_env
    from batchship.naver.credentials import load_credentials
    from batchship.services.dispatch import Target
    from batchship.services.practice import practice_target

    dry_run = getattr(args, "dry_run", False)  # reconcile has no --dry-run and no --sandbox-orders/-reset
    if getattr(args, "sandbox", False) and not dry_run:
        orders, reset = getattr(args, "sandbox_orders", None), getattr(args, "sandbox_reset", False)
        lookups_only = args.command == "reconcile"
        with practice_target(_journal(args), orders, reset=reset, lookups_only=lookups_only) as target:
            print(t("run.sandbox", lang, url=target.base_url), file=out)
            if target.note is not None:
                print(target.note.render(lang), file=out)
            yield target
        return
    credentials = None if dry_run else load_credentials(args.config, store=getattr(args, "store", None))
    if credentials is not None:
        secrets.extend(credentials.secrets())
    yield Target(base_url_from_env(args.base_url), credentials)


def dispatch_options(args: argparse.Namespace) -> DispatchOptions:
    """How to send, as dispatch's and watch's options say."""
    from batchship.naver.credentials import rate_limit_for
    from batchship.services.dispatch import DispatchOptions

    return DispatchOptions(
        rate_limit=rate_limit_for(None if args.sandbox else args.config, args.store, args.rate_limit),
        batch_size=args.batch_size,
        dry_run=args.dry_run,
        preflight=not args.no_preflight,
        ship_cancel_requests=args.ship_cancel_requests,
    )


def dispatch(
    args: argparse.Namespace, out: TextIO, lang: Lang, secrets: list[str], err: TextIO | None = None
) -> int:
    from batchship.services.dispatch import DispatchJob, run_dispatch

    options = dispatch_options(args)
    notifier = notifier_for(args, secrets, required=True) if args.notify else None
    stop = threading.Event()
    bar = ProgressBar(lang, out, enabled=not args.quiet, bar_file=err)  # err: a SafeStream from main
    with _target(args, out, lang, secrets) as target, stop_on_signals(stop):
        job = DispatchJob(
            Path(args.sheet_path),
            sheet_options(args, lang),
            options,
            target,
            out=args.out,
            journal=None if args.dry_run else _journal(args),
            replace_out=args.out is not None,
            look=_look(args) if args.dry_run else None,
            origin=Origin(system_user(), "cli", store=getattr(args, "store", None) or ""),
        )
        try:
            report = run_dispatch(job, stop=stop, on_progress=bar)
        finally:
            bar.close()
    if args.dry_run:
        import json

        print(t("run.dry_run", lang, requests=report.plan.requests), file=out)
        print(json.dumps(report.plan.sample_request or {}, ensure_ascii=False, indent=2), file=out)
    code = _finish(report, args, out, err)
    if notifier is not None:
        from batchship.output.summary import target_label
        from batchship.services.notify import run_digest

        digest = run_digest(report, target_label(report, lang))
        notifier.send(digest, lang, lambda line: print(redact(line, secrets), file=err or out))
    return code


def system_user() -> str:
    """Who runs this process, as the system names them ("" when it cannot say: a container with no user)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def template(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    from batchship.output.template import write_template

    target = args.out or Path(f"dispatch_template.{args.format}")
    try:
        write_template(args.format, target)
    except OSError as exc:
        raise ConfigError(Msg.of("cli.cannot_write", path=target, reason=os_reason(exc))) from exc
    print(target, file=out)
    return 0


def _existing_journal(args: argparse.Namespace) -> str:
    from batchship.journal import journal_exists

    url = _journal(args)
    if not journal_exists(url):
        raise JournalError(Msg.of("journal.missing", path=location(url)))
    return url


def _only_store(args: argparse.Namespace, attempts: list[Attempt]) -> list[Attempt]:
    """With `--store`, the attempts of that store's account only (of every account otherwise)."""
    if not getattr(args, "store", None):
        return attempts
    from batchship.naver.credentials import configured_account

    account = configured_account(args.config, store=args.store)
    return [a for a in attempts if a.account == account]


def history(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    from batchship.journal import open_journal

    url = _existing_journal(args)
    with open_journal(url, account="") as journal:
        attempts = _only_store(args, journal.history(args.order_ids))
    if not attempts:
        print(t("cli.no_history", lang, ids=", ".join(args.order_ids), path=location(url)), file=out)
        return 1
    for a in attempts:
        what = f"{a.courier} {a.tracking}".strip() or a.delivery_method
        line = f"{a.created_at}  {a.product_order_id}  {a.state:<11}  {what}  account={a.account}  run={a.run_id[:8]}"
        extra = " ".join(x for x in (a.code, a.message, f"trace={a.trace_id}" if a.trace_id else "") if x)
        print(line + (f"  {extra}" if extra else ""), file=out)
    return 0


def reconcile(args: argparse.Namespace, out: TextIO, lang: Lang, secrets: list[str]) -> int:
    """Settle the journal's UNKNOWN attempts with the order lookup; print each change. Exit 0 when none is
    left UNKNOWN, 1 otherwise."""
    from batchship.journal import AttemptState
    from batchship.model import Status
    from batchship.services.dispatch.reconcile import settle_unknowns

    url = _journal(args)
    with _target(args, out, lang, secrets) as target:
        result = settle_unknowns(url, target, lang)
    shown = location(url)
    words = {
        AttemptState.SUCCESS: Status.SUCCESS.label(lang),
        AttemptState.NOT_APPLIED: t("state.sendable", lang),
        AttemptState.UNKNOWN: Status.UNKNOWN.label(lang),
        AttemptState.PENDING: Status.UNKNOWN.label(lang),
        AttemptState.FAILED: Status.FAILED.label(lang),
    }
    if result.failed is not None:
        print(t("reconcile.failed", lang, path=shown, left=result.left, reason=result.failed), file=out)
        return 1
    if not result.changes:
        print(t("reconcile.none", lang, path=shown), file=out)
        return 0
    for attempt, settled in result.changes:
        values = {"before": words[attempt.state], "after": words[settled.state], "message": settled.message}
        print(t("reconcile.line", lang, pid=attempt.product_order_id, **values), file=out)
    states = [s.state for _, s in result.changes]
    left = states.count(AttemptState.UNKNOWN)
    counts = {
        "success": states.count(AttemptState.SUCCESS),
        "retry": states.count(AttemptState.NOT_APPLIED),
        "failed": states.count(AttemptState.FAILED),
    }
    print(t("reconcile.done", lang, path=shown, total=len(states), left=left, **counts), file=out)
    return 1 if left else 0


def journal(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    """`journal export` (CSV of every attempt since a day) and `journal migrate` (a history moved between
    journals)."""
    from batchship.domain.dates import parse_date
    from batchship.journal import read_journal
    from batchship.journal.base import attempts_csv

    if args.journal_command == "migrate":
        from batchship.journal.migrate import migrate

        moved = migrate(args.source, args.target)
        where = {"source": location(args.source), "target": location(args.target)}
        print(t("journal.migrated", lang, attempts=moved.attempts, runs=moved.runs, **where), file=out)
        return 0
    url = _existing_journal(args)
    since = parse_date(args.since, False, now_kst())
    if since is None:
        raise ConfigError(Msg.of("cli.since_not_date", value=args.since))
    store = read_journal(url)
    assert store is not None  # it exists (above)
    with store:
        text = attempts_csv(_only_store(args, store.attempts_since(since.strftime("%Y-%m-%dT00:00:00"))))
    if args.out:
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigError(Msg.of("cli.cannot_write", path=args.out, reason=os_reason(exc))) from exc
    else:
        out.write(text)
    return 0


def sandbox(args: argparse.Namespace, out: TextIO, lang: Lang) -> int:
    from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, FaultSpec, Sandbox
    from batchship.sandbox.server import load_orders_csv
    from batchship.sheets.loader import load_sheet

    faults = Faults(
        error_500_before=FaultSpec(rate=args.fault_500),
        storm_429=FaultSpec(rate=args.fault_429),
        timeout_504_after=FaultSpec(rate=args.fault_504_after),
        drop_after=FaultSpec(rate=args.fault_drop_after),
        latency_s=args.latency,
        seed=args.fault_seed,
    )
    server = Sandbox(rate_limit=args.rate_limit, token_ttl=args.token_ttl, faults=faults, port=args.port)
    if args.orders:
        server.add_orders(load_orders_csv(args.orders))
    if args.seed_from:
        server.seed_payed(pid for pid in load_sheet(args.seed_from).data["productOrderId"] if pid)
    stop = threading.Event()
    with stop_on_signals(stop), server:
        print(t("cli.sandbox_listening", lang, url=server.base_url), file=out)
        print(f"  BATCHSHIP_API_BASE_URL={server.base_url}", file=out)
        print(f"  NAVER_COMMERCE_CLIENT_ID={DEMO_CLIENT_ID}", file=out)
        print(f"  NAVER_COMMERCE_CLIENT_SECRET='{DEMO_CLIENT_SECRET}'", file=out)
        out.flush()
        stop.wait()
    return 0
