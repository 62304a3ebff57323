"""Loading: every format, encoding and layout ops staff actually send, read as text with real row numbers."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from batchship.errors import SheetError
from batchship.sheets.loader import load_sheet
from tests.conftest import HEADER, encrypt, order_id, write_csv, write_xls, write_xlsx


def test_seller_center_download_with_notice_row(tmp_path: Path) -> None:
    """The order download's notice paragraph in row 1 is skipped; the header is found in row 2."""
    path = write_xlsx(
        tmp_path / "orders.xlsx",
        [
            ["주문 내역을 다운로드했습니다. 개인정보 보호에 유의하세요. (notice paragraph)"],
            [
                "상품주문번호",
                "주문번호",
                "배송속성",
                "배송방법(구매자 요청)",
                "배송방법",
                "택배사",
                "송장번호",
                "수취인명",
            ],
            [
                order_id(1),
                "2024050511",
                "일반배송",
                "택배",
                "택배,등기,소포",
                "CJ대한통운",
                "123456789012",
                "홍길동",
            ],
        ],
        title="발주발송관리",
    )
    sheet = load_sheet(path)
    assert sheet.sheet_name == "발주발송관리"
    assert sheet.header_row == 2
    assert sheet.columns == {
        "productOrderId": 0,
        "deliveryMethod": 4,
        "deliveryCompanyCode": 5,
        "trackingNumber": 6,
    }
    assert sheet.data["row"].tolist() == [3]
    assert sheet.data["deliveryMethod"].tolist() == ["택배,등기,소포"]


def test_title_and_blank_rows_above_header_and_real_row_numbers(tmp_path: Path) -> None:
    """Titles and blank rows above, blank rows between and after: rows keep their spreadsheet numbers."""
    rows = [
        ["5월 5일 발송 목록"],
        [],
        [None, None],
        HEADER,
        [order_id(1), "택배", "CJ", "123456789012", None],
        [],
        [order_id(2), "택배", "CJ", "223456789012", None],
        [],
        [],
    ]
    sheet = load_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    assert sheet.header_row == 4
    assert sheet.data["row"].tolist() == [5, 7]


def test_sheet_starting_in_a_later_column(tmp_path: Path) -> None:
    """A table that starts in column C maps its columns by their real position."""
    rows = [[None, None, *HEADER], [None, None, order_id(1), "택배", "CJ", "123456789012"]]
    sheet = load_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    assert sheet.columns["productOrderId"] == 2
    assert sheet.data["productOrderId"].tolist() == [order_id(1)]


def test_header_aliases_ignore_case_space_and_punctuation(tmp_path: Path) -> None:
    """English field names and spaced/punctuated Korean headers are recognised; extra columns are kept."""
    rows = [
        ["메모", "Product Order ID", "delivery_method", "택배사 코드", "운송장 번호", "발송 일시"],
        ["x", order_id(1), "DELIVERY", "CJGLS", "123456789012", "2024-05-05"],
    ]
    sheet = load_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    assert sheet.columns == {
        "productOrderId": 1,
        "deliveryMethod": 2,
        "deliveryCompanyCode": 3,
        "trackingNumber": 4,
        "dispatchDate": 5,
    }


def test_missing_required_column_names_what_was_found(tmp_path: Path) -> None:
    """No 송장번호 column: a file-level error listing the missing column and the headers seen."""
    path = write_xlsx(tmp_path / "s.xlsx", [["상품주문번호", "택배사", "메모"], [order_id(1), "CJ", ""]])
    with pytest.raises(SheetError) as info:
        load_sheet(path)
    assert str(info.value) == (
        "s.xlsx의 '발송처리' 시트: 1행의 머리글에 필요한 열이 없습니다: 송장번호. 찾은 머리글: 상품주문번호, 택배사, 메모."
    )


def test_two_columns_for_one_field_is_an_error(tmp_path: Path) -> None:
    """Two tracking-number columns are ambiguous: refuse rather than guess which one to send."""
    path = write_xlsx(
        tmp_path / "s.xlsx", [[*HEADER, "운송장번호"], [order_id(1), "택배", "CJ", "1", "", "2"]]
    )
    with pytest.raises(SheetError, match="D, F"):
        load_sheet(path)


def test_no_header_row(tmp_path: Path) -> None:
    """A workbook with no product-order-number header says so, naming the sheet."""
    path = write_xlsx(tmp_path / "s.xlsx", [["이름", "주소"], ["a", "b"]])
    with pytest.raises(SheetError) as info:
        load_sheet(path)
    assert info.value.render("en").startswith(
        "sheet '발송처리' of s.xlsx: no '상품주문번호' (productOrderId) header"
    )


def test_sheet_choice(tmp_path: Path) -> None:
    """발송처리 is preferred over the first sheet; --sheet overrides; an unknown name lists the sheets."""
    path = tmp_path / "s.xlsx"
    write_xlsx(
        path,
        [["메모"]],
        title="표지",
        extra_sheets={
            "발송처리": [HEADER, [order_id(1), "택배", "CJ", "123456789012"]],
            "기타": [HEADER, [order_id(2)]],
        },
    )
    assert load_sheet(path).sheet_name == "발송처리"
    assert load_sheet(path, sheet="기타").data["productOrderId"].tolist() == [order_id(2)]
    with pytest.raises(SheetError, match="있는 시트: 표지, 발송처리, 기타"):
        load_sheet(path, sheet="없음")


def test_cells_are_text_nfkc_and_trimmed(tmp_path: Path) -> None:
    """Full-width digits from a Korean IME become ASCII digits; surrounding spaces are trimmed."""
    rows = [
        HEADER,
        ["２０２４０５０５１２３４５６７１", " 택배 ", "  CJ대한통운", "１２３４５６７８９０１２ ", None],
    ]
    sheet = load_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    row = {name: sheet.data[name][0] for name in sheet.data}
    assert row["productOrderId"] == "2024050512345671"
    assert row["trackingNumber"] == "123456789012"
    assert row["deliveryCompanyCode"] == "CJ대한통운"


def test_number_cells_are_flagged_and_zero_padded_tracking_is_repadded(tmp_path: Path) -> None:
    """A numeric order id is flagged; a tracking number in a 000000000000 format gets its zeros back."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발송처리"
    ws.append(HEADER)
    ws.append([2024050512345670, "택배", "CJ", 12345678901, None])
    ws["D2"].number_format = "000000000000"
    ws.append([order_id(2), "택배", "CJ", 98765432101, None])
    wb.save(path)
    data = load_sheet(path).data
    assert data["productOrderId"].tolist() == ["2024050512345670", order_id(2)]
    assert data["productOrderId_numeric"].tolist() == [True, False]
    assert data["trackingNumber"].tolist() == ["012345678901", "98765432101"]
    assert data["trackingNumber_numeric"].tolist() == [True, True]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", False, ","),
        ("utf-8", True, ","),
        ("cp949", False, ","),
        ("euc-kr", False, "\t"),
        ("utf-8", True, ";"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, bom: bool, delimiter: str) -> None:
    """CSV in UTF-8 (with or without BOM) or CP949/EUC-KR, comma, tab or semicolon, is read right."""
    rows = [["발송 목록"], HEADER, [order_id(1), "택배", "CJ대한통운", "123456789012", "2024-05-05"]]
    path = write_csv(tmp_path / "s.csv", rows, encoding=encoding, bom=bom, delimiter=delimiter)
    sheet = load_sheet(path)
    assert sheet.kind == "csv"
    assert sheet.header_row == 2
    assert sheet.csv is not None
    assert sheet.csv.delimiter == delimiter
    assert sheet.csv.encoding == ("utf-8" if encoding == "utf-8" else "cp949")
    assert sheet.csv.bom is bom
    assert sheet.data["deliveryCompanyCode"].tolist() == ["CJ대한통운"]


def test_csv_in_an_unknown_encoding_is_refused(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor CP949 get a clear error, not mojibake."""
    path = tmp_path / "s.csv"
    path.write_bytes("상품주문번호,택배사,송장번호\n".encode() + b"\xff\xfe\xfd\x80\x81,\xc8\n")
    with pytest.raises(SheetError, match="UTF-8도 CP949"):
        load_sheet(path)


def test_legacy_xls(tmp_path: Path) -> None:
    """A legacy .xls (Seller Center's own bulk-dispatch format) is read, notice row included."""
    path = write_xls(
        tmp_path / "s.xls",
        [
            ["안내: 아래 양식에 맞춰 입력하세요"],
            HEADER[:4],
            [order_id(1), "택배,등기,소포", "CJ대한통운", "123456789012"],
            [2024050512345670.0],
        ],
    )
    sheet = load_sheet(path)
    assert sheet.kind == "xls"
    assert sheet.header_row == 2
    assert sheet.data["productOrderId"].tolist() == [order_id(1), "2024050512345670"]
    assert sheet.data["productOrderId_numeric"].tolist() == [False, True]


def test_password_protected_workbook(tmp_path: Path, good_rows: list[list[object]]) -> None:
    """A protected workbook opens with its password; without it, or with a wrong one, the error says so."""
    plain = write_xlsx(tmp_path / "plain.xlsx", good_rows)
    path = encrypt(plain, tmp_path / "locked.xlsx", "s3cret!")
    assert load_sheet(path, password="s3cret!").data["productOrderId"].tolist() == [
        order_id(i) for i in (1, 2, 3)
    ]
    with pytest.raises(SheetError) as missing:
        load_sheet(path)
    assert "--password" in str(missing.value)
    assert "BATCHSHIP_SHEET_PASSWORD" in str(missing.value)
    with pytest.raises(SheetError, match="비밀번호가 맞지 않습니다"):
        load_sheet(path, password="wrong")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.xlsx", b"", "빈 파일"),
        ("truncated.xlsx", None, "손상"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "웹 페이지(HTML)"),
        ("text.xlsx", b"just some text", "손상"),
        ("notes.docx", b"hello", "지원하지 않는 형식"),
        ("binary.csv", b"\x00\x01\x02PK", "텍스트(CSV) 파일이 아닙니다"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, name: str, content: bytes | None, expected: str) -> None:
    """Empty, truncated, HTML-as-xls, non-spreadsheet and binary files: a SheetError that says what is wrong."""
    path = tmp_path / name
    if content is None:
        full = write_xlsx(
            tmp_path / "full.xlsx", [HEADER, [order_id(1), "택배", "CJ", "123456789012"]]
        ).read_bytes()
        content = full[: len(full) // 2]
    path.write_bytes(content)
    with pytest.raises(SheetError, match=re.escape(expected)):
        load_sheet(path)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    """A path that does not exist and a directory each get their own message."""
    with pytest.raises(SheetError, match="파일을 찾을 수 없습니다"):
        load_sheet(tmp_path / "nope.xlsx")
    with pytest.raises(SheetError, match="폴더입니다"):
        load_sheet(tmp_path)


def test_header_only_sheet_is_an_error(tmp_path: Path) -> None:
    """A header with no order rows under it is a file-level error, not an empty success."""
    with pytest.raises(SheetError, match="주문 행이 없습니다"):
        load_sheet(write_xlsx(tmp_path / "s.xlsx", [HEADER, [], []]))
