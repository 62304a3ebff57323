"""The JSON report (`--report`, the watcher's `<name>.report.json`): `Report.to_dict`, written atomically."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from batchship.errors import OutputError
from batchship.i18n import Msg, os_reason
from batchship.model import Report
from batchship.output.paths import fit_name


def write_json(path: Path, report: Report | dict[str, Any]) -> None:
    """Write the report (or, when a run could not start, a small dict saying why) to `path`, atomically,
    creating missing folders."""
    data = report.to_dict() if isinstance(report, Report) else report
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(fit_name("." + path.name, ".tmp"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(Msg.of("file.report_write_failed", path=path, reason=os_reason(exc))) from exc
