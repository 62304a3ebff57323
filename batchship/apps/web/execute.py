"""Where the desk's runs go: the same services, targets and journal as the command line, set up from the
desk's settings (the practice store with `--sandbox`, else NAVER with the credentials the CLI reads)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from batchship.apps.web.settings import DeskSettings
from batchship.model import Origin, Report
from batchship.services.check import SheetOptions
from batchship.services.known import Look, look_for
from batchship.services.progress import Progress


def look(settings: DeskSettings) -> Look:
    """Whose dispatches a check reads in the journal (read-only): the practice store's, or the configured
    account's."""
    from batchship.naver.credentials import configured_account

    if settings.sandbox:
        return look_for(settings.journal, practice=True)
    return look_for(settings.journal, configured_account(settings.config))


def dispatch(
    settings: DeskSettings,
    dry_run: bool,
    upload: Path,
    options: SheetOptions,
    out: Path,
    origin: Origin,
    on_progress: Callable[[Progress], None],
) -> Report:
    """A dispatch (or a dry run) of one upload, its result copy written to `out`."""
    from batchship.naver.client import base_url_from_env
    from batchship.naver.credentials import load_credentials
    from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch
    from batchship.services.practice import practice_target

    send = DispatchOptions(rate_limit=settings.rate_limit, dry_run=dry_run)

    def job(target: Target) -> DispatchJob:
        return DispatchJob(
            upload,
            options,
            send,
            target,
            out=out,
            journal=None if dry_run else settings.journal,
            replace_out=True,
            look=look(settings) if dry_run else None,
            origin=origin,
        )

    if dry_run:
        return run_dispatch(job(Target(base_url_from_env(settings.base_url))), on_progress=on_progress)
    if settings.sandbox:
        with practice_target(settings.journal, settings.sandbox_orders) as target:
            return run_dispatch(job(target), on_progress=on_progress)
    credentials = load_credentials(settings.config)
    return run_dispatch(
        job(Target(base_url_from_env(settings.base_url), credentials)), on_progress=on_progress
    )
