"""Whether a file at an output's name is one batchship wrote: only such a file is ever replaced without `--out`
(a check copy of an earlier check, say); anything else there keeps its place and the new copy takes a stamped
name beside it.

A workbook is batchship's when it has batchship's 요약 sheet (its name and title, in either language); a text
sheet when one of its first lines holds the three result column titles of one language.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Final

from batchship.i18n import LANGS, t
from batchship.ooxml.parts import XlsxError
from batchship.ooxml.summary_sheet import find_summary
from batchship.output.results import result_headers
from batchship.sheets.table import HEADER_SCAN_ROWS

#: How much of a text file's beginning is read to find its header.
_HEAD_BYTES: Final = 64 * 1024
_TEXT_SUFFIXES: Final = (".csv", ".tsv", ".txt")


def _text_is_ours(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    codecs = ("utf-16",) if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp949")
    titles = [result_headers(lang) for lang in LANGS]
    for codec in codecs:
        lines = head.decode(codec, errors="ignore").splitlines()[: HEADER_SCAN_ROWS + 1]
        if any(all(title in line for title in wanted) for line in lines for wanted in titles):
            return True
    return False


def _decrypted(path: Path, password: str) -> io.BytesIO | None:
    """A protected workbook's package, opened with the sheet's password (batchship protects its copy of a
    protected sheet with the same one); None when it cannot be."""
    import msoffcrypto

    try:
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=password)
            plain = io.BytesIO()
            office.decrypt(plain)
    except Exception:  # not an encrypted package, another password, a damaged file: not ours to replace
        return None
    return plain


def written_by_batchship(path: Path, password: str | None = None) -> bool:
    """Whether `path` is a result copy batchship wrote (see the module's docstring). A protected one is read
    with `password` (the sheet's). Unreadable: no."""
    try:
        if path.suffix.lower() in _TEXT_SUFFIXES:
            return _text_is_ours(path)
        package: Path | io.BytesIO = path
        if password and not zipfile.is_zipfile(path):
            found = _decrypted(path, password)
            if found is None:
                return False
            package = found
        with zipfile.ZipFile(package) as zf:
            names = [t("summary.sheet_name", lang) for lang in LANGS]
            titles = [t("summary.title", lang) for lang in LANGS]
            return find_summary(zf, names, titles) is not None
    except (OSError, zipfile.BadZipFile, XlsxError, ValueError):
        return False
