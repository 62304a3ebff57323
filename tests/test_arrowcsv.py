"""A large CSV is read column-wise by Arrow and its copy spliced from the bytes: both must give exactly what the
reference gives (Python's `csv.reader` reading, `csv.writer` writing), on hostile text as on a clean export."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchship.errors import SheetError
from batchship.model import Report, RowResult, Rows, Status
from batchship.ooxml.patch import NewCells
from batchship.output.csvcopy import _rewritten, csv_copy
from batchship.output.paths import replace_any
from batchship.output.results import _RowTexts, result_columns, result_headers, write_result
from batchship.services.check import run_check
from batchship.sheets import arrowcsv, csvfile
from batchship.sheets.loader import Sheet, load_sheet
from tests.conftest import NOW, order_id

#: Pieces of cells that trip CSV readers: quotes, delimiters, every line break, Korean, spaces.
PIECES = ["1", "a", " ", "가", ",", '"', '""', "\n", "\r", "\r\n", ";", "\t", "\x1c"]


def _load(path: Path, arrow: bool) -> tuple[str, object]:
    """What loading `path` gives, Arrow's reading allowed or not: the sheet's data and layout, or the error."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvfile, "ARROW_FROM_BYTES", 0 if arrow else 1 << 62)
        try:
            sheet = load_sheet(path)
        except SheetError as exc:
            return "error", exc.msg.render("en")
    fmt = dataclasses.replace(sheet.csv, fields=0) if sheet.csv else None
    data = {name: sheet.data[name].tolist() for name in sheet.data}
    return "sheet", (data, sheet.header_row, sheet.last_column, fmt)


def _arrow_read(path: Path) -> bool:
    """Whether Arrow read the rows of `path` (rather than declining to the reference)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvfile, "ARROW_FROM_BYTES", 0)
        sheet = load_sheet(path)
    return sheet.csv is not None and sheet.csv.fields > 0


cells = st.one_of(st.just("7"), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))
quoted = st.tuples(cells, st.booleans()).map(lambda c: f'"{c[0]}"' if c[1] else c[0])


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    """Rows of one width (cells may still hold delimiters, quotes and line breaks that change it)."""
    width = draw(st.integers(3, 6))
    return draw(
        st.lists(st.lists(quoted, min_size=width, max_size=width).map(",".join), min_size=1, max_size=6)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=rows(),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n", ""]), min_size=6, max_size=6),
    encoding=st.sampled_from(["utf-8", "cp949"]),
)
def test_arrow_reads_what_csv_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, body, endings, encoding
) -> None:  # type: ignore[no-untyped-def]
    """Generated hostile text under a real header: Arrow's reading, where it does not decline, gives the same
    rows, numbers, cells and layout as `csv.reader`, or the same error."""
    text = "상품주문번호,택배사,송장번호\r\n" + "".join(
        row + end for row, end in zip(body, endings, strict=False)
    )
    path = tmp_path_factory.mktemp("csv") / "s.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    assert _load(path, arrow=True) == _load(path, arrow=False)


def _export(path: Path, n: int, *, newline: str = "\r\n", encoding: str = "utf-8", bom: bool = True) -> Path:
    """A Seller Center-like export: a notice line, then `n` orders with quoted product names holding commas,
    a few rows to fix (no tracking number, an unknown courier)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(["※ 발송처리 목록입니다, 확인 후 업로드하세요"])
    writer.writerow(["상품주문번호", "배송방법", "택배사", "송장번호", "발송일", "상품명"])
    for i in range(1, n + 1):
        tracking = "" if i % 97 == 0 else f"{6000000000 + i}"
        courier = "없는택배" if i % 89 == 0 else "CJ대한통운"
        order = order_id(i if i != n else 1)  # the last row repeats the first's order number
        writer.writerow([order, "택배", courier, tracking, "", f"키보드, 블랙 {i % 7}호"])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom and encoding == "utf-8" else b"") + data)
    return path


@pytest.mark.parametrize(
    ("newline", "encoding", "bom"),
    [("\r\n", "utf-8", True), ("\n", "utf-8", False), ("\r\n", "cp949", False)],
    ids=["crlf-bom", "lf", "cp949"],
)
def test_a_large_export_is_read_by_arrow_and_copied_as_the_reference_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str, encoding: str, bom: bool
) -> None:
    """A 1.5 MB export (quoted cells with commas, a notice line above the header): Arrow reads it (it does not
    decline), finds what `csv.reader` finds, and the spliced copy (in slices small enough that most are
    spliced whole, runs of one verdict at a time) reads back exactly as the rewritten one, every input line
    kept byte for byte in front of its result cells."""
    from batchship.output import csvcopy

    monkeypatch.setattr(csvcopy, "_SLICE_BYTES", 1 << 16)
    src = _export(tmp_path / "big.csv", 24_000, newline=newline, encoding=encoding, bom=bom)
    assert src.stat().st_size > csvfile.ARROW_FROM_BYTES
    assert _arrow_read(src)
    assert _load(src, arrow=True) == _load(src, arrow=False)
    report = run_check(src, now=NOW, out=tmp_path / "big.check.csv")
    assert report.counts()["INVALID"] == 24_000 // 97 + 24_000 // 89 - 24_000 // (97 * 89) + 2
    assert [r.row for r in report.rows if r.code == "104131"] == [3, 24_002]  # the first and the last
    spliced = (tmp_path / "big.check.csv").read_bytes()
    assert _cells(spliced, encoding) == _cells(_rewritten_copy(load_sheet(src), report), encoding)
    lines_in, lines_out = src.read_bytes().splitlines(), spliced.splitlines()
    assert len(lines_in) == len(lines_out) and lines_out[0] == lines_in[0]  # the notice: untouched
    assert all(out.startswith(line) for line, out in zip(lines_in, lines_out, strict=True))
    assert spliced.count(newline.encode()) == src.read_bytes().count(newline.encode())


def _plain(path: Path, n: int) -> Path:
    """A CSV of `n` orders, nothing but the three required columns, LF line breaks."""
    rows = [f"{order_id(i)},CJ,{6000000000 + i}" for i in range(n)]
    path.write_bytes("\n".join(["상품주문번호,택배사,송장번호", *rows]).encode())
    return path


@pytest.mark.parametrize("arrow", [True, False], ids=["width-known", "width-counted"])
def test_verdicts_changing_on_every_row_are_spliced_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrow: bool
) -> None:
    """A plain file whose verdicts change on every row (the runs are too short to pay): each line gets its
    own cells; whether the reader knew every row's width (Arrow) or the copy counts the delimiters."""
    from batchship.output import csvcopy

    monkeypatch.setattr(csvcopy, "_SLICE_BYTES", 1 << 12)
    monkeypatch.setattr(csvfile, "ARROW_FROM_BYTES", 0 if arrow else 1 << 62)
    src = _plain(tmp_path / "s.csv", 2000)
    sheet = load_sheet(src)
    assert sheet.csv is not None and (sheet.csv.fields == 3) is arrow
    results = [dataclasses.replace(AWKWARD[i % len(AWKWARD)], row=n) for i, n in enumerate(sheet.data["row"])]
    report = Report("dispatch", src, "", 1, Rows.of(results))
    spliced = write_result(sheet, report, tmp_path / "s.result.csv", replace_any).read_bytes()
    read = _cells(spliced, "utf-8")
    assert read == _cells(_rewritten_copy(sheet, report), "utf-8")
    messages = ["송장 번호가 없습니다, 입력하세요", '\'=HYPERLINK("x")', "여러 줄\n메시지", "발송 완료"]
    assert [row[3:] for row in read[1:5]] == [
        [report.label(r.status), r.code, message] for r, message in zip(AWKWARD, messages, strict=True)
    ]


def _rewritten_copy(sheet: Sheet, report: Report) -> bytes:
    assert sheet.csv is not None
    slow = dataclasses.replace(sheet, csv=dataclasses.replace(sheet.csv, one_line_rows=False))
    new = _new(slow, report)
    return _rewritten(slow.content, slow.csv, new)  # type: ignore[arg-type]


def _new(sheet: Sheet, report: Report) -> NewCells:
    return NewCells(
        columns=result_columns(sheet),
        header_row=sheet.header_row,
        header=result_headers(report.lang),
        rows=_RowTexts(report),
    )


def _cells(data: bytes, encoding: str) -> list[list[str]]:
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    return list(csv.reader(io.StringIO(text, newline="")))


#: Verdicts whose cells need quoting or defusing in a CSV.
AWKWARD = [
    RowResult(0, "", Status.INVALID, "104120", "송장 번호가 없습니다, 입력하세요"),
    RowResult(0, "", Status.FAILED, "9999", '=HYPERLINK("x")'),
    RowResult(0, "", Status.NOT_SENT, "", "여러 줄\n메시지"),
    RowResult(0, "", Status.SUCCESS, "", "발송 완료"),
]


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_the_spliced_copy_matches_the_rewritten_one_row_for_row(tmp_path: Path, newline: str) -> None:
    """Short rows (padded), a row with cells where the results go (set, not appended), blank lines, notice
    lines, a last line without a line break, verdicts that need quotes or defusing: the spliced copy reads
    back as the rewritten one."""
    lines = [
        "안내문",
        "상품주문번호,배송방법,택배사,송장번호,발송일,메모",
        *[f"{order_id(i)},택배,CJ대한통운,{6000000000 + i},,메모{i}" for i in range(1, 40)],
        f"{order_id(40)},택배,CJ대한통운",  # short: padded
        f"{order_id(41)},택배,CJ대한통운,6000000041,,메모,,,",  # empty cells where the results go: set
        "",
        f'{order_id(42)},택배,"CJ대한통운",6000000042,,"메모, 쉼표"',
    ]
    src = tmp_path / "s.csv"
    src.write_bytes(newline.join(lines).encode())
    sheet = load_sheet(src)
    assert sheet.csv is not None and sheet.csv.one_line_rows and sheet.last_column == 5
    results = [dataclasses.replace(AWKWARD[i % len(AWKWARD)], row=n) for i, n in enumerate(sheet.data["row"])]
    report = Report("dispatch", src, "", sheet.header_row, Rows.of(results))
    spliced = write_result(sheet, report, tmp_path / "s.result.csv", replace_any).read_bytes()
    read = _cells(spliced, "utf-8")
    assert read == _cells(_rewritten_copy(sheet, report), "utf-8")
    assert read[0] == ["안내문"] and read[-2] == []  # untouched: the notice, the blank line
    by_order = {row[0]: row for row in read[2:] if row}
    assert by_order[order_id(40)][3:6] == ["", "", ""] and len(by_order[order_id(40)]) == 9
    assert len(by_order[order_id(41)]) == 9 and by_order[order_id(41)][6] != ""
    assert any(cell.startswith("'=HYPERLINK") for row in read for cell in row)
    assert spliced.endswith(newline.encode())  # a row with results ends with a line break, as csv writes it


def test_rows_out_of_order_in_a_report_are_put_on_their_own_lines(tmp_path: Path) -> None:
    """A report's rows in any order (as a dispatch may settle them) land on their own rows of the copy."""
    src = _plain(tmp_path / "s.csv", 5)
    sheet = load_sheet(src)
    shuffled = [RowResult(n, order_id(n - 2), Status.SUCCESS, "", f"행 {n}") for n in (4, 2, 6, 3, 5)]
    report = Report("dispatch", src, "", 1, shuffled)
    sink = io.BytesIO()
    csv_copy(sheet, _new(sheet, report), _RowTexts(report).ordered(), sink)
    read = _cells(sink.getvalue(), "utf-8")
    assert [row[-1] for row in read[1:]] == [f"행 {n}" for n in range(2, 7)]


def test_a_copy_that_fails_midway_leaves_no_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSV copy is written straight into its file: an error midway is the one clear error, and neither
    the result's name nor a hidden half-written file is left."""
    from batchship.errors import OutputError
    from batchship.output import results

    src = _export(tmp_path / "s.csv", 50)
    report = run_check(src, now=NOW, out=tmp_path / "first.check.csv")
    sheet = load_sheet(src)

    def broken(*_: object) -> None:
        raise UnicodeEncodeError("cp949", "x", 0, 1, "cannot")

    monkeypatch.setattr(results, "csv_copy", broken)
    out = tmp_path / "s.result.csv"
    with pytest.raises(OutputError) as caught:
        write_result(sheet, report, out, replace_any)
    assert "UnicodeEncodeError" in caught.value.msg.render("en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.check.csv", "s.csv"]


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", "가".encode()]), max_size=30).map(b"".join)
)
def test_lines_are_counted_as_python_reads_them(data: bytes) -> None:
    """The line count the copy relies on is the count Python's text reader (and `csv.reader`) sees."""
    if not data:
        return
    _, lines, _ = csvfile._scan_lines(data, "utf-8", 1_000_000)
    assert lines == len(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="").readlines())
    assert arrowcsv.line_offset(data, lines) == len(data)


def test_a_column_without_a_title_keeps_the_result_titles_over_their_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data rows one cell wider than the header (a memo column nobody titled): Arrow knows the rows' width,
    not the header's; the header line is padded like any short row, so the titles stand over their cells."""
    from batchship.output import csvcopy

    monkeypatch.setattr(csvcopy, "_SLICE_BYTES", 1 << 12)
    monkeypatch.setattr(csvfile, "ARROW_FROM_BYTES", 0)
    src = tmp_path / "s.csv"
    rows = [f"{order_id(i)},CJ,{6000000000 + i},메모 {i}" for i in range(500)]
    src.write_bytes("\r\n".join(["상품주문번호,택배사,송장번호", *rows]).encode())
    sheet = load_sheet(src)
    assert sheet.csv is not None and sheet.csv.fields == 4 and sheet.last_column == 3
    report = run_check(src, now=NOW, out=tmp_path / "s.check.csv")
    read = _cells((tmp_path / "s.check.csv").read_bytes(), "utf-8")
    assert read == _cells(_rewritten_copy(sheet, report), "utf-8")
    assert read[0] == ["상품주문번호", "택배사", "송장번호", "", *result_headers("ko")]
    assert all(len(row) == 7 and row[4] == report.label(Status.NOT_SENT) for row in read[1:])
