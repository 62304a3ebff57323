"""Where the desk's runs go: the same services, targets and journal as the command line, set up from the
desk's settings (the practice store with `--sandbox`, else NAVER with the credentials the CLI reads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from batchship.apps.web.settings import DeskSettings
from batchship.model import Origin, Report
from batchship.services.check import SheetOptions
from batchship.services.known import Look, look_for
from batchship.services.progress import Progress


def look(settings: DeskSettings, store: str) -> Look:
    """Whose dispatches a check reads in the journal (read-only): the practice store's, or the account of the
    configured `store`."""
    from batchship.naver.credentials import configured_account

    if settings.sandbox:
        return look_for(settings.journal, practice=True)
    return look_for(settings.journal, configured_account(settings.config, store=store or None))


@dataclass(frozen=True, slots=True)
class Job:
    """One desk run to send: the upload, how to open it, where its result copy goes, who started it (and for
    which store: `origin.store`), and whether it only builds the requests (`dry_run`)."""

    upload: Path
    options: SheetOptions
    out: Path
    origin: Origin
    dry_run: bool = False


def check(settings: DeskSettings, desk_job: Job) -> Report:
    """A check, or a dry run (it builds the requests, sends nothing, reports no progress)."""
    from batchship.services.check import run_check

    if desk_job.dry_run:
        return dispatch(settings, desk_job, threading.Event(), lambda _: None)
    options, out, origin = desk_job.options, desk_job.out, desk_job.origin
    return run_check(desk_job.upload, options, out=out, journal=look(settings, origin.store), origin=origin)


def dispatch(
    settings: DeskSettings, desk_job: Job, stop: threading.Event, on_progress: Callable[[Progress], None]
) -> Report:
    """A dispatch (or a dry run) of one upload; `stop` ends it early (requests in flight finish)."""
    from batchship.naver.client import base_url_from_env
    from batchship.naver.credentials import load_credentials, rate_limit_for
    from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch
    from batchship.services.practice import practice_target

    dry_run, store = desk_job.dry_run, desk_job.origin.store or None
    config = None if settings.sandbox else settings.config
    send = DispatchOptions(rate_limit=rate_limit_for(config, store, settings.rate_limit), dry_run=dry_run)

    def run(target: Target) -> Report:
        job = DispatchJob(
            desk_job.upload,
            desk_job.options,
            send,
            target,
            out=desk_job.out,
            journal=None if dry_run else settings.journal,
            replace_out=True,
            look=look(settings, desk_job.origin.store) if dry_run else None,
            origin=desk_job.origin,
        )
        return run_dispatch(job, stop=stop, on_progress=on_progress)

    if dry_run:
        return run(Target(base_url_from_env(settings.base_url)))
    if settings.sandbox:
        with practice_target(settings.journal, settings.sandbox_orders) as target:
            return run(target)
    credentials = load_credentials(settings.config, store=store)
    return run(Target(base_url_from_env(settings.base_url), credentials))


def notify(settings: DeskSettings, run_id: str, report: Report) -> None:
    """Send a finished dispatch's digest when the desk was started with `--notify`; a channel that fails is
    said on the server's standard error (no secret in it) and changes nothing else."""
    if not settings.notify:
        return
    import os
    import sys

    from batchship.naver.credentials import notify_settings
    from batchship.output.summary import target_label
    from batchship.services.notify import notifier_from, run_digest

    notifier = notifier_from(notify_settings(settings.config, report.origin.store or None), os.environ)
    page = f"{settings.public_url.rstrip('/')}/runs/{run_id}" if settings.public_url else f"/runs/{run_id}"
    digest = run_digest(report, target_label(report, report.lang), {"result": page, "retry": page})
    notifier.send(digest, report.lang, lambda line: print(line, file=sys.stderr))
