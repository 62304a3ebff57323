"""Hostile and broken files: each gets a clear error or a correct result, within bounded time and memory."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from batchship.apps.watch.watcher import Watcher
from batchship.errors import SheetError
from batchship.sheets.limits import Limits
from batchship.sheets.loader import load_sheet
from tests.conftest import HEADER, order_id, write_csv, write_xlsx

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def base_xlsx(tmp_path: Path, rows: int = 3) -> Path:
    data = [HEADER, *[[order_id(i), "택배", "CJ", f"{6000000000 + i}", ""] for i in range(1, rows + 1)]]
    return write_xlsx(tmp_path / "base.xlsx", data)


def with_part(src: Path, dst: Path, part: str, data: bytes, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compress) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info.filename, zin.read(info))
        zout.writestr(part, data)
    return dst


def sheet_xml(body: str, head: str = "", dimension: str = "A1:E4") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet {NS}><dimension ref="{dimension}"/>'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def rows_xml(n: int) -> str:
    out = [
        '<row r="1">'
        + "".join(
            f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip("ABCDE", HEADER, strict=True)
        )
        + "</row>"
    ]
    for i in range(1, n + 1):
        r = i + 1
        cells = [order_id(i), "택배", "CJ", f"{6000000000 + i}"]
        out.append(
            f'<row r="{r}">'
            + "".join(
                f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                for c, v in zip("ABCD", cells, strict=True)
            )
            + "</row>"
        )
    return "".join(out)


def refused(path: Path, expected: str, **kwargs: object) -> str:
    start = time.monotonic()
    with pytest.raises(SheetError) as info:
        load_sheet(path, **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - start < 20
    assert expected in str(info.value), str(info.value)
    return str(info.value)


@pytest.mark.timeout(60)
def test_billion_laughs_in_a_worksheet(tmp_path: Path) -> None:
    """Nested entity expansion inside the sheet XML: refused, quickly, without expanding anything."""
    lol = "".join(
        f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" * 1}' + ("&lol" + str(i - 1) + ";") * 9 + '">'
        for i in range(1, 10)
    )
    head = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]>'
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>상품주문번호 &lol9;</t></is></c></row>'
    path = with_part(base_xlsx(tmp_path), tmp_path / "bomb.xlsx", SHEET, sheet_xml(body, head))
    refused(path, "문서 형식 선언이 있습니다")


@pytest.mark.parametrize(
    "body",
    [
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        '<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
        '<row r="1"><c r = "XFD1048576"><v>1</v></c></row>',
        "<row r='1'><c r='XFD1048576'><v>1</v></c></row>",
        '<row r="1"><c r="&#88;FD1048576"><v>1</v></c></row>',
        '<row r="1"><c s="0" r="XFD1048576"><v>1</v></c></row>',
        '<row r="1"><c\nr="XFD1048576"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c><c r="Z1048576"><v>1</v></c></row>',
        '<row r="1">'
        + "<c><v>1</v></c>" * 16384
        + "</row>"
        + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    ],
    ids=[
        "prefixed",
        "spaced",
        "single-quoted",
        "character-reference",
        "not-first",
        "newline",
        "cell-row",
        "implicit",
    ],
)
def test_a_far_cell_written_any_valid_way_is_seen(tmp_path: Path, body: str) -> None:
    """However a valid worksheet writes a cell at the far corner (namespace prefixes, odd white space and
    quoting, character references, attribute order, cells without references), the guard sees the extent
    and refuses the file quickly instead of letting the reader allocate the whole rectangle."""
    xml = sheet_xml(body, dimension="A1")
    if body.startswith("<x:"):
        xml = xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(
            b"</worksheet>", b"</x:worksheet>"
        )
        xml = xml.replace(b"<dimension", b"<x:dimension").replace(b"sheetData>", b"x:sheetData>")
    path = with_part(base_xlsx(tmp_path), tmp_path / "far.xlsx", SHEET, xml)
    refused(path, "1048576행까지" if "Z1048576" in body else "XFD1048576 셀까지")


@pytest.mark.timeout(60)
def test_quadratic_blowup_and_external_entities(tmp_path: Path) -> None:
    """A long entity used many times, and entities pointing at local files or URLs: refused, never fetched."""
    big = "x" * 50_000
    head = f'<!DOCTYPE q [<!ENTITY a "{big}"><!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x.dtd">]>'
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "&a;" * 5000 + "&xxe;&net;</t></is></c></row>"
    path = with_part(base_xlsx(tmp_path), tmp_path / "quad.xlsx", SHEET, sheet_xml(body, head))
    message = refused(path, "문서 형식 선언이 있습니다")
    assert "root:" not in message
    workbook_bomb = with_part(
        base_xlsx(tmp_path),
        tmp_path / "wb.xlsx",
        "xl/workbook.xml",
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook>&e;</workbook>',
    )
    refused(workbook_bomb, "워크시트가 없습니다")


@pytest.mark.timeout(60)
def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    """A tiny xlsx whose sheet inflates a thousandfold: refused by its compression ratio, at once."""
    zeros = b"<!-- " + b"0" * (40 * 1024 * 1024) + b" -->"
    path = with_part(base_xlsx(tmp_path), tmp_path / "zip-bomb.xlsx", "xl/media/padding.xml", zeros)
    assert path.stat().st_size < 1024 * 1024
    refused(path, "배로 풀립니다")


@pytest.mark.timeout(60)
def test_too_much_unpacked_in_all(tmp_path: Path) -> None:
    """Parts that are each plausible but add up past the unpacked limit: refused."""
    import os

    noise = os.urandom(3 * 1024 * 1024)  # incompressible
    path = base_xlsx(tmp_path)
    for k in range(4):
        path = with_part(path, tmp_path / f"big{k}.xlsx", f"xl/media/n{k}.bin", noise)
    refused(path, "압축을 풀면", limits=Limits(max_unpacked_bytes=8 * 1024 * 1024))


@pytest.mark.timeout(60)
def test_a_part_lying_about_its_size(tmp_path: Path) -> None:
    """The zip directory says the sheet is 100 bytes; it inflates to far more. Refused, not trusted."""
    path = with_part(base_xlsx(tmp_path, 50), tmp_path / "liar.xlsx", SHEET, sheet_xml(rows_xml(50)))
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    central = data.find(b"PK\x01\x02" + data[data.find(b"PK\x01\x02") + 4 : data.find(b"PK\x01\x02") + 4])
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == name:
            data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # uncompressed size
            local = int.from_bytes(data[central + 42 : central + 46], "little")
            data[local + 22 : local + 26] = (100).to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    refused(path, "적힌 크기와 다르게")


@pytest.mark.timeout(60)
def test_dimension_claiming_the_whole_grid_but_holding_ten_cells(tmp_path: Path) -> None:
    """<dimension ref="A1:XFD1048576"/> with a handful of rows: read correctly, in bounded time."""
    path = with_part(
        base_xlsx(tmp_path), tmp_path / "dim.xlsx", SHEET, sheet_xml(rows_xml(2), dimension="A1:XFD1048576")
    )
    start = time.monotonic()
    sheet = load_sheet(path)
    assert time.monotonic() - start < 10
    assert sheet.data["productOrderId"].tolist() == [order_id(1), order_id(2)]


@pytest.mark.timeout(120)
def test_a_stray_cell_at_the_end_of_the_grid_is_refused_not_fatal(tmp_path: Path) -> None:
    """A real cell at XFD1048576 would make the reader allocate the whole grid and kill the process. As a real
    process, `batchship check` refuses it with exit 2 and a message on how to fix it."""
    body = rows_xml(2) + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = with_part(base_xlsx(tmp_path), tmp_path / "far.xlsx", SHEET, sheet_xml(body))
    proc = subprocess.run(
        [sys.executable, "-m", "batchship", "check", str(path), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "reaches cell XFD1048576" in proc.stderr and "Ctrl+End" in proc.stderr
    wide = with_part(
        base_xlsx(tmp_path),
        tmp_path / "wide.xlsx",
        SHEET,
        sheet_xml(rows_xml(2) + '<row r="3"><c r="ZZZ3"/></row>'),
    )
    assert load_sheet(wide).data["productOrderId"].tolist() == [order_id(1), order_id(2)]  # 18k cells: fine


@pytest.mark.timeout(60)
def test_million_character_cells(tmp_path: Path) -> None:
    """Huge cells: in a field the rules read, refused naming row and column; in another column, ignored while
    the sheet reads correctly; a million characters in an xlsx is read within Excel's own 32,767."""
    long = "9" * 1_000_000
    bad = write_csv(tmp_path / "long.csv", [HEADER, [order_id(1), "택배", "9" * 100_000, "6000000001", ""]])
    refused(bad, "2행 C열 칸의 글자 수가 100000자로 한도 32767자")
    fine = write_xlsx(
        tmp_path / "memo.xlsx", [[*HEADER, "메모"], [order_id(1), "택배", "CJ", "6000000001", "", long]]
    )
    assert load_sheet(fine).data["deliveryCompanyCode"].tolist() == ["CJ"]
    huge = write_xlsx(tmp_path / "huge.xlsx", [HEADER, [order_id(1), "택배", long, "6000000001"]])
    assert len(load_sheet(huge).data["deliveryCompanyCode"][0]) <= 32_767


@pytest.mark.timeout(60)
def test_csv_of_one_100_mb_line(tmp_path: Path) -> None:
    """One line of 100 MB (one field, or fifty million): a clear error, quickly."""
    path = tmp_path / "line.csv"
    path.write_bytes(b"x," * (50 * 1024 * 1024))
    refused(path, "1행이 1,000,000자를 넘습니다")
    path.write_bytes("상품주문번호,택배사,송장번호\n".encode() + b"y" * (100 * 1024 * 1024))
    refused(path, "2행이 1,000,000자를 넘습니다")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    """A file larger than --max-file-mb is refused before it is read."""
    path = write_csv(tmp_path / "s.csv", [HEADER, [order_id(1), "택배", "CJ", "6000000001", ""]])
    refused(path, "너무 큽니다", limits=Limits(max_file_bytes=10))


def test_too_many_rows(tmp_path: Path) -> None:
    """More order rows than --max-rows: refused with the limit named."""
    rows = [[order_id(i), "택배", "CJ", f"{6000000000 + i}", ""] for i in range(1, 30)]
    path = write_csv(tmp_path / "s.csv", [HEADER, *rows])
    refused(path, "처리합니다", limits=Limits(max_rows=10))


def test_nul_bytes(tmp_path: Path) -> None:
    """NUL bytes in a CSV: not text. In an xlsx part: the reader refuses it, clearly."""
    path = tmp_path / "nul.csv"
    path.write_bytes("상품주문번호,택배사,송장번호\n".encode() + b"2024\x00050500000011,CJ,6000000001\n")
    refused(path, "텍스트(CSV) 파일이 아닙니다")
    xml = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>상품\x00주문번호</t></is></c></row>')
    refused(with_part(base_xlsx(tmp_path), tmp_path / "nul.xlsx", SHEET, xml), "머리글을 찾지 못했습니다")


def test_mixed_encodings_in_one_csv(tmp_path: Path) -> None:
    """A CSV pasted together from a UTF-8 file and a CP949 file: refused, naming a line of each."""
    head = "상품주문번호,택배사,송장번호\r\n".encode()
    utf8_row = f"{order_id(1)},롯데택배,6000000001\r\n".encode()
    cp949_row = f"{order_id(2)},한진택배,6000000002\r\n".encode("cp949")
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + utf8_row + cp949_row)
    refused(path, "1행은 UTF-8, 3행은 CP949")
    path.write_bytes(cp949_row + head + utf8_row)  # CP949 first, then UTF-8
    refused(path, "2행은 UTF-8, 1행은 CP949")


@pytest.mark.timeout(60)
def test_workbook_of_200_sheets(tmp_path: Path) -> None:
    """200 sheets: the right one is found and read, in bounded time."""
    extra = {f"시트{i}": [["메모"], [str(i)]] for i in range(199)}
    path = write_xlsx(
        tmp_path / "many.xlsx", [HEADER, [order_id(1), "택배", "CJ", "6000000001"]], extra_sheets=extra
    )
    start = time.monotonic()
    assert load_sheet(path).data["productOrderId"].tolist() == [order_id(1)]
    assert time.monotonic() - start < 10


def test_names_from_outside_never_escape_the_folder(tmp_path: Path) -> None:
    """Names taken from a folder (or anything else) cannot lead outside the output folder."""
    target = Watcher.free_name(tmp_path, "../../etc/evil.xlsx")
    assert target.parent == tmp_path and target.name == "evil.xlsx"


def test_truncated_and_random_workbook_bytes_everywhere(tmp_path: Path) -> None:
    """A valid xlsx cut at many points: always a SheetError or a correct read, never a crash."""
    base = base_xlsx(tmp_path, 20)
    whole = load_sheet(base).data
    expected = dict(zip(whole["productOrderId"], whole["trackingNumber"], strict=True))
    data = base.read_bytes()
    refused = 0
    for cut in range(200, len(data), max(1, len(data) // 40)):
        path = tmp_path / "cut.xlsx"
        path.write_bytes(data[:cut])
        try:
            partial = load_sheet(path).data
        except SheetError as exc:
            assert "\n" not in str(exc).strip() and str(exc).strip(), cut
            refused += 1
            continue
        read = dict(zip(partial["productOrderId"], partial["trackingNumber"], strict=True))
        assert read.items() <= expected.items(), cut  # whatever is read is what the file says
    assert refused > 0
