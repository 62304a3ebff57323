"""The result copy: the same workbook, every part intact, with three verdict columns on every row."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from batchship.model import Report, RowResult, Status
from batchship.output.paths import default_result_path
from batchship.output.results import write_result
from batchship.services.check import SheetOptions, run_check
from batchship.sheets.loader import load_sheet
from tests.conftest import HEADER, NOW, encrypt, order_id, read_rows, write_csv, write_xls, write_xlsx


def _rich_workbook(path: Path) -> Path:
    """A workbook with everything that must survive: notice row, styles, widths, formulas, validation..."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발주발송관리"
    ws["A1"] = "※ 다운로드한 주문 내역입니다. 개인정보 보호에 유의하세요."
    ws.append([*HEADER, "수량", "합계"])
    for c in range(1, 8):
        ws.cell(row=2, column=c).font = Font(bold=True, color="FFFFFFFF")
        ws.cell(row=2, column=c).fill = PatternFill("solid", fgColor="FF305496")
    ws.append([order_id(1), "택배", "CJ대한통운", "123456789012", "2024-05-05", 2, "=F3*1000"])
    ws.append([order_id(2), "택배", "CJ택배", "", "2024-05-05", 1, "=F4*1000"])
    ws.append([order_id(3), "직접전달", "", "", "", 3, "=F5*1000"])
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = "A3"
    dv = DataValidation(type="list", formula1='"택배,직접전달"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("B3:B100")
    other = wb.create_sheet("메모")
    other["A1"] = "다른 시트도 그대로"
    other["B2"] = "=SUM(1,2)"
    wb.save(path)
    return path


def test_everything_else_in_the_workbook_survives(tmp_path: Path) -> None:
    """Every zip part but the sheet and styles is byte-identical; every original cell, style, width,
    formula, validation and pane is unchanged; three result columns are added after the last column."""
    src = _rich_workbook(tmp_path / "오늘발송.xlsx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    report = run_check(src, now=NOW)
    sheet = load_sheet(src)
    out = default_result_path(src, "check")
    assert report.result_file == out == tmp_path / "오늘발송.check.xlsx"
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        added = set(b.namelist()) - set(a.namelist())
        assert set(a.namelist()) <= set(b.namelist())
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    # Only the result sheet, the style table, and what registers the new 요약 sheet change; the rest is
    # copied byte for byte.
    assert changed == {
        sheet.sheet_part,
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    assert added == {
        "xl/worksheets/sheet3.xml",
        "xl/worksheets/_rels/sheet3.xml.rels",
        "xl/drawings/drawing1.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
        "xl/charts/chart1.xml",
    }

    original, result = openpyxl.load_workbook(src), openpyxl.load_workbook(out)
    ws0, ws1 = original["발주발송관리"], result["발주발송관리"]
    for row in ws0.iter_rows():
        for cell in row:
            twin = ws1[cell.coordinate]
            assert twin.value == cell.value, cell.coordinate
            assert repr(twin.font) == repr(cell.font), cell.coordinate
            assert repr(twin.fill) == repr(cell.fill), cell.coordinate
            assert twin.number_format == cell.number_format, cell.coordinate
    assert ws1.freeze_panes == "A3"
    assert ws1.column_dimensions["A"].width == 24
    assert [str(d.sqref) for d in ws1.data_validations.dataValidation] == ["B3:B100"]
    assert result["메모"]["B2"].value == "=SUM(1,2)"
    assert ws1["G3"].value == "=F3*1000"

    assert [ws1.cell(row=2, column=c).value for c in (8, 9, 10)] == ["처리결과", "오류코드", "오류메시지"]
    assert ws1["H2"].font.b and ws1["H2"].fill.fgColor.rgb == "FF305496"  # styled like its neighbours
    assert [ws1[f"H{r}"].value for r in (3, 4, 5)] == ["검사 통과", "검증오류", "검사 통과"]
    assert ws1["I4"].value == "104119"
    assert ws1["J3"].value == "발송할 수 있습니다."
    assert ws1["H3"].fill.fgColor.rgb == "FFC6EFCE"
    assert (
        ws1["H4"].fill.fgColor.rgb == "FFFFEB9C"
    )  # 검증오류: amber, to be fixed (red is for NAVER refusals)
    assert ws1["A1"].value == ws0["A1"].value
    assert ws1.auto_filter.ref == "A2:J5"  # the result column is filterable


def test_result_workbook_has_a_summary_sheet_with_a_chart(tmp_path: Path) -> None:
    """요약: how it was run, counts by result, counts by error code with meanings, and a bar chart of results."""
    src = _rich_workbook(tmp_path / "오늘발송.xlsx")
    run_check(src, now=NOW)
    wb = openpyxl.load_workbook(default_result_path(src, "check"))
    assert wb.sheetnames == ["발주발송관리", "메모", "요약"]
    summary = wb["요약"]
    cells = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row[0]}
    assert summary["A1"].value == "batchship 처리 요약" and summary["A1"].font.b
    assert cells["파일"][0] == "오늘발송.xlsx"
    assert cells["방식"][0] == "검사만(check)"
    assert cells["보낸 곳"][0] == "없음(보내지 않음)"
    assert cells["주문 행"][0] == "3"
    assert cells["검사 통과"][0] == 2 and cells["검증오류"][0] == 1 and cells["성공"][0] == 0
    assert cells["104119"][:2] == (1, "택배사 코드 확인")
    (chart,) = summary._charts
    assert type(chart).__name__ == "BarChart"
    series = chart.series[0]
    assert series.val.numRef.f == "'요약'!$B$12:$B$18"
    assert [p.v for p in series.cat.strRef.strCache.pt] == [
        "성공",
        "실패",
        "검증오류",
        "이미처리",
        "확인필요",
        "보류",
        "검사 통과",
    ]


def test_summary_sheet_also_for_legacy_xls_input(tmp_path: Path) -> None:
    """The openpyxl path (.xls in, .xlsx out) writes the same 요약 sheet, chart and auto-filter."""
    src = write_xls(tmp_path / "s.xls", [HEADER[:4], [order_id(1), "택배", "CJ대한통운", "123456789012"]])
    run_check(src, SheetOptions(lang="en"), now=NOW)
    wb = openpyxl.load_workbook(tmp_path / "s.check.xlsx")
    assert wb.sheetnames == ["발송처리", "summary"]
    assert wb["발송처리"].auto_filter.ref == "A1:G2"
    assert len(wb["summary"]._charts) == 1
    assert wb["summary"]["A1"].value == "batchship run summary"


def test_result_file_fed_back_is_overwritten_in_place(tmp_path: Path) -> None:
    """Running check on a result file rewrites its result columns instead of appending new ones."""
    src = write_xlsx(tmp_path / "s.xlsx", [HEADER, [order_id(1), "택배", "CJ택배", "123456789012"]])
    run_check(src, now=NOW)
    first = default_result_path(src, "check")
    fixed = tmp_path / "fixed.xlsx"
    wb = openpyxl.load_workbook(first)
    ws = wb.active
    assert ws is not None
    ws["C2"] = "CJ대한통운"
    ws["F2"] = "처리결과"  # header cells stay; a stale verdict stays until rewritten
    wb.save(fixed)
    report = run_check(fixed, SheetOptions(lang="en"), now=NOW)
    rows = read_rows(default_result_path(fixed, "check"))
    assert rows[0] == (
        "상품주문번호",
        "배송방법",
        "택배사",
        "송장번호",
        "발송일",
        "result",
        "error_code",
        "error_message",
    )
    assert rows[1][5:] == ("passed checks", None, "Ready to send.")
    assert report.exit_code == 0


def test_result_cells_are_inline_text_never_formulas(tmp_path: Path) -> None:
    """Result cells are written as inline strings: `=...` from anywhere cannot become a live formula."""
    src = write_xlsx(tmp_path / "s.xlsx", [HEADER, [order_id(1), "택배", "롯데", "123456789012"]])
    sheet = load_sheet(src)
    report = Report(
        "check", src, sheet.sheet_name, 1, [RowResult(2, order_id(1), Status.FAILED, "9999", "=1+1")]
    )
    out = tmp_path / "out.xlsx"
    write_result(sheet, report, out)
    with zipfile.ZipFile(out) as zf:
        xml = zf.read(sheet.sheet_part or "").decode()
    assert '<c r="H2" t="inlineStr"' not in xml  # the style attribute precedes the type
    assert "<f>" not in xml.split('r="F2"')[1]
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    assert ws["H2"].value == "=1+1" and ws["H2"].data_type == "s"


def test_csv_result_keeps_encoding_delimiter_and_defuses_formulas(tmp_path: Path) -> None:
    """A CP949 semicolon CSV comes back as CP949 with semicolons; a message starting with '=' is quoted."""
    src = write_csv(
        tmp_path / "s.csv",
        [["발송 목록"], HEADER, [order_id(1), "택배", "롯데", "123456789012", ""]],
        encoding="cp949",
        delimiter=";",
    )
    sheet = load_sheet(src)
    report = Report(
        "dispatch", src, "", 2, [RowResult(3, order_id(1), Status.FAILED, "9999", "=cmd|' /C calc'!A0")]
    )
    out = default_result_path(src)
    assert out.name == "s.result.csv"
    write_result(sheet, report, out)
    lines = out.read_bytes().decode("cp949").splitlines()
    assert lines[0] == "발송 목록"
    assert lines[1] == "상품주문번호;배송방법;택배사;송장번호;발송일;처리결과;오류코드;오류메시지"
    assert lines[2] == f"{order_id(1)};택배;롯데;123456789012;;실패;9999;'=cmd|' /C calc'!A0"


def test_csv_with_bom_keeps_its_bom(tmp_path: Path) -> None:
    """'CSV UTF-8' from Korean Excel (BOM) is answered in kind."""
    src = write_csv(tmp_path / "s.csv", [HEADER, [order_id(1), "택배", "롯데", "123456789012", ""]], bom=True)
    run_check(src, now=NOW)
    data = default_result_path(src, "check").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "검사 통과" in data.decode("utf-8-sig")


def test_xls_input_gives_an_xlsx_result(tmp_path: Path) -> None:
    """Legacy .xls in, .xlsx out, with every sheet's values and the verdict."""
    src = write_xls(
        tmp_path / "s.xls",
        [HEADER[:4], [order_id(1), "택배", "CJ대한통운", "123456789012"]],
        extra_sheets={"기타": [["남겨 둠"]]},
    )
    report = run_check(src, now=NOW)
    assert report.result_file == tmp_path / "s.check.xlsx"
    rows = read_rows(tmp_path / "s.check.xlsx", "발송처리")
    assert rows[1] == (
        order_id(1),
        "택배",
        "CJ대한통운",
        "123456789012",
        "검사 통과",
        None,
        "발송할 수 있습니다.",
    )
    assert read_rows(tmp_path / "s.check.xlsx", "기타") == [("남겨 둠",)]


def test_protected_input_gives_a_protected_result(tmp_path: Path) -> None:
    """The result of a password-protected download is protected with the same password."""
    plain = write_xlsx(tmp_path / "plain.xlsx", [HEADER, [order_id(1), "택배", "CJ", "123456789012"]])
    src = encrypt(plain, tmp_path / "locked.xlsx", "pw-1234")
    run_check(src, SheetOptions(password="pw-1234"), now=NOW)
    out = default_result_path(src, "check")
    assert out.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # an encrypted (OLE) container
    assert read_rows(out, password="pw-1234")[1][5] == "검사 통과"


def _replace_part(path: Path, part: str, data: bytes) -> None:
    src = path.read_bytes()
    import io

    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == part else zin.read(info))


def test_unusual_worksheet_xml_rows_without_numbers_spans_and_styled_cells_beyond(tmp_path: Path) -> None:
    """Rows without r attributes, spans, and formatted empty cells right of the table: cells stay in column
    order and the workbook opens with every value in place."""
    src = write_xlsx(tmp_path / "s.xlsx", [["x"]])
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:H3"/><sheetData>'
        '<row spans="1:8"><c r="A1" t="inlineStr"><is><t>상품주문번호</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>택배사</t></is></c><c r="C1" t="inlineStr"><is><t>송장번호</t></is></c>'
        '<c r="H1" s="0"/></row>'
        f'<row><c r="A2" t="inlineStr"><is><t>{order_id(1)}</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>CJ</t></is></c><c r="C2" t="inlineStr"><is><t>123456789012</t></is></c>'
        '<c r="H2" s="0"/></row>'
        '<row r="3" spans="1:8"/>'
        f'<row r="4"><c r="A4" t="inlineStr"><is><t>{order_id(2)}</t></is></c>'
        '<c r="B4" t="inlineStr"><is><t>CJ</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    _replace_part(src, "xl/worksheets/sheet1.xml", sheet_xml.encode())
    report = run_check(src, now=NOW)
    assert [r.row for r in report.rows] == [2, 4]
    rows = read_rows(default_result_path(src, "check"))
    assert rows[0][:6] == ("상품주문번호", "택배사", "송장번호", "처리결과", "오류코드", "오류메시지")
    assert rows[1][3:5] == ("검사 통과", None)
    assert rows[3][3:5] == ("검증오류", "104120")
    with zipfile.ZipFile(default_result_path(src, "check")) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "spans=" not in xml.split('<row r="3"')[0]
    assert xml.index('r="F2"') < xml.index('r="H2"')  # inserted before the styled cell, not after
    assert '<dimension ref="A1:H3"/>' in xml
