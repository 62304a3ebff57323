"""The JSON report (`--report`, the watcher's `<name>.report.json`): `Report.to_dict`, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from batchship.errors import OutputError
from batchship.i18n import Msg, os_reason
from batchship.model import Report


def write_json(path: Path, report: Report) -> None:
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(Msg.of("file.write_failed", path=path, reason=os_reason(exc))) from exc
