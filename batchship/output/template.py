"""The templates staff fill in: mistakes stopped where they are born, in Excel.

`dispatch_template.xlsx`: sheet 발송처리 with the headers 상품주문번호 | 배송방법 | 택배사 | 송장번호 | 발송일; the
order-number and tracking-number columns formatted as text (Excel cannot truncate 16 digits or drop leading
zeros); drop-down lists for 배송방법 and 택배사 showing the Korean names, fed from a 코드표 sheet listing every
method and courier with its code; a 안내 sheet explaining each column; frozen header; sensible widths.
`dispatch_template.csv`: the same headers, UTF-8 with a BOM so Korean Excel opens it right.

Both are generated here (`batchship template`); tests fail when the checked-in files in templates/ differ.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any, Final

from batchship.domain.codes import COURIERS, DELIVERY_METHODS, NOT_DISPATCH_METHODS

HEADERS: Final = ("상품주문번호", "배송방법", "택배사", "송장번호", "발송일")
TEMPLATE_ROWS: Final = 2000
GUIDE: Final = (
    ("발송 처리 양식 안내", ""),
    ("", ""),
    ("열", "설명"),
    (
        "상품주문번호",
        "스마트스토어의 16자리 상품주문번호. 열 서식이 '텍스트'라서 엑셀이 끝자리를 0으로 바꾸지 않습니다. "
        "숫자로 붙여넣지 말고 값만 붙여넣기(텍스트) 하세요.",
    ),
    ("배송방법", "목록에서 고르세요. 비워 두면 '택배, 등기, 소포'로 처리합니다."),
    ("택배사", "목록에서 고르세요(코드표 시트에 전체 목록과 코드가 있습니다). 택배 발송에는 꼭 필요합니다."),
    (
        "송장번호",
        "하이픈(-)과 공백은 자동으로 지웁니다. 열 서식이 '텍스트'라서 앞자리 0이 사라지지 않습니다.",
    ),
    ("발송일", "비워 두면 실행한 시각. 2024-05-05 또는 2024-05-05 14:30처럼 씁니다. 미래 날짜는 안 됩니다."),
    ("", ""),
    (
        "순서",
        "1) 양식을 채운다  2) batchship check 파일  3) batchship dispatch 파일  4) 결과 파일의 처리결과 열 확인",
    ),
    (
        "",
        "실패한 행만 모은 .retry.xlsx를 고쳐서 다시 dispatch 하면 됩니다(이미 보낸 주문은 다시 보내지 않습니다).",
    ),
)
_FIXED_TIME: Final = dt.datetime(2024, 1, 1, 0, 0, 0)


def dispatch_methods() -> list[tuple[str, str]]:
    """(Korean name, code) of the methods usable for dispatch, in NAVER's order."""
    return [(name, code) for code, name in DELIVERY_METHODS.items() if code not in NOT_DISPATCH_METHODS]


def template_xlsx() -> bytes:
    """The xlsx template, byte for byte reproducible."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    _order_sheet(ws)
    methods, couriers = _code_sheet(wb.create_sheet("코드표"))
    _drop_downs(ws, methods, couriers)
    _guide_sheet(wb.create_sheet("안내"))
    wb.properties.creator = "batchship"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _order_sheet(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.title = "발송처리"
    ws.append(list(HEADERS))
    header_fill = PatternFill("solid", fgColor="FFD9E1F2")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDE", (22, 18, 20, 22, 20), strict=True):
        ws.column_dimensions[letter].width = width
    # Text format for whole columns A and D: Excel keeps what is typed or pasted as text.
    for row in range(2, TEMPLATE_ROWS + 2):
        ws.cell(row=row, column=1).number_format = "@"
        ws.cell(row=row, column=4).number_format = "@"
    ws.freeze_panes = "A2"


def _code_sheet(codes: Any) -> tuple[int, int]:
    """The 코드표 sheet: methods and couriers with their codes; returns how many of each."""
    from openpyxl.styles import Font

    codes.append(["배송방법", "배송방법 코드", "", "택배사", "택배사 코드"])
    methods = dispatch_methods()
    couriers = list(COURIERS.items())
    for i in range(max(len(methods), len(couriers))):
        method = methods[i] if i < len(methods) else ("", "")
        courier = couriers[i] if i < len(couriers) else ("", "")
        codes.append([method[0], method[1], "", courier[1], courier[0]])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (20, 18, 4, 26, 18), strict=True):
        codes.column_dimensions[letter].width = width
    codes.freeze_panes = "A2"
    return len(methods), len(couriers)


def _drop_downs(ws: Any, methods: int, couriers: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    method_list = DataValidation(
        type="list",
        formula1=f"코드표!$A$2:$A${methods + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="배송방법",
        error="목록에 있는 배송방법을 고르세요.",
    )
    courier_list = DataValidation(
        type="list",
        formula1=f"코드표!$D$2:$D${couriers + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="택배사",
        error="목록에 있는 택배사를 고르세요(코드표 시트 참고).",
    )
    ws.add_data_validation(method_list)
    ws.add_data_validation(courier_list)
    method_list.add(f"B2:B{TEMPLATE_ROWS + 1}")
    courier_list.add(f"C2:C{TEMPLATE_ROWS + 1}")


def _guide_sheet(guide: Any) -> None:
    from openpyxl.styles import Font

    for guide_row in GUIDE:
        guide.append(list(guide_row))
    guide["A1"].font = Font(bold=True, size=14)
    for cell in guide[3]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 110


def _normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps inside the zip and in docProps, so the same template is the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "docProps/core.xml":
                import re

                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2024-01-01T00:00:00Z\g<2>",
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


def template_csv() -> bytes:
    """The CSV template: the headers, UTF-8 with a BOM (Korean Excel opens it right)."""
    return ("\ufeff" + ",".join(HEADERS) + "\r\n").encode("utf-8")


def write_template(fmt: str, path: Path) -> Path:
    data = template_xlsx() if fmt == "xlsx" else template_csv()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
