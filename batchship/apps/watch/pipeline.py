"""What the folder watcher does with one sheet: dispatch it (the same service as the CLI) and put the result
copy and the JSON report in `results/`, never overwriting earlier ones."""

from __future__ import annotations

import threading
from pathlib import Path

from batchship.apps.watch.watcher import ProcessFn, Watcher
from batchship.model import Report
from batchship.output.jsonreport import write_json
from batchship.output.paths import default_result_path, fit_name
from batchship.services.check import SheetOptions
from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch


def result_paths(results: Path, sheet: Path) -> tuple[Path, Path]:
    """Where the result copy and the JSON report of a sheet go (never overwriting earlier ones)."""
    result = Watcher.free_name(results, default_result_path(sheet).name)
    report = Watcher.free_name(results, fit_name(sheet.stem, ".report.json"))
    return result, report


def dispatching(
    sheet_options: SheetOptions, options: DispatchOptions, target: Target, journal: str | None
) -> ProcessFn:
    """The `process` of a watcher that dispatches every sheet (or dry-runs it, per `options`)."""

    def process(sheet: Path, results: Path, stop: threading.Event) -> Report:
        result, report_path = result_paths(results, sheet)
        job = DispatchJob(sheet, sheet_options, options, target, out=result, journal=journal)
        report = run_dispatch(job, stop=stop)
        write_json(report_path, report)
        return report

    return process
