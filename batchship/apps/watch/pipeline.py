"""What the folder watcher does with one sheet: dispatch it (the same service as the CLI) and put the result
copy and the JSON report in `results/`, never overwriting earlier ones."""

from __future__ import annotations

import threading
from pathlib import Path

from batchship.apps.watch.watcher import ProcessFn, Watcher
from batchship.model import Origin, Report
from batchship.output.jsonreport import write_json
from batchship.output.paths import default_result_path, fit_name
from batchship.services.check import SheetOptions
from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch
from batchship.services.known import Look


def dispatching(
    sheet_options: SheetOptions,
    options: DispatchOptions,
    target: Target,
    journal: str | None,
    look: Look | None = None,
    origin: Origin | None = None,
) -> ProcessFn:
    """The `process` of a watcher that dispatches every sheet (or dry-runs it, per `options`, looking at the
    journal as `look` says). The result copy is named as beside the sheet; the core gives it a stamped name
    when an earlier one holds that name, and never replaces it."""

    started = origin or Origin(face="watch")

    def process(sheet: Path, results: Path, stop: threading.Event) -> Report:
        kind = "check" if options.dry_run else "result"
        result = results / default_result_path(sheet, kind).name
        job = DispatchJob(
            sheet, sheet_options, options, target, out=result, journal=journal, look=look, origin=started
        )
        report = run_dispatch(job, stop=stop)
        write_json(Watcher.free_name(results, fit_name(sheet.stem, ".report.json")), report)
        return report

    return process
