"""Downloads: the result copy and the retry file under their names (the uploaded file's, Korean included), as
RFC 6266 / RFC 5987 say, so that every browser keeps them."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from fastapi.responses import FileResponse

from batchship.apps.web.deps import DeskError

_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 5987 `filename*`)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def download(path: str) -> FileResponse:
    """A file the run wrote, or 404 when it has none (or it was deleted after its keeping time)."""
    if not path or not Path(path).is_file():
        raise DeskError(404, "desk.no_file")
    written = Path(path)
    name = written.name
    media = _TYPES.get(written.suffix.lower(), "application/octet-stream")
    return FileResponse(written, media_type=media, headers={"content-disposition": content_disposition(name)})
