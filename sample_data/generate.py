"""Generate the sample sheets in this folder, deterministically (fake names, no real personal data).

    python sample_data/generate.py            # rewrite the files
    tests/test_sample_data.py                 # fails when the files and this script disagree

발송처리_샘플.xlsx is a Seller Center style order download: sheet 발주발송관리, a notice paragraph in row 1,
the real column set in row 2, a few dozen orders with courier and tracking filled in. Most rows are fine; some
carry the mistakes batchship's checks catch (an order number Excel truncated, a courier typo, a missing
tracking number, a duplicated row); some pass the checks but the pre-flight lookup keeps them back or NAVER
refuses them: sandbox_orders.csv is the store's side for the demo (one order already shipped with another
tracking number, one shipped by hand with the sheet's own, one whose buyer asked to cancel, one the store does
not have, a main product and its add-on, one whose request times out after NAVER applied it, one the buyer
cancels while NAVER times out), one row reuses another's tracking number, and one has letters in a CJ대한통운
tracking number.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
XLSX = HERE / "발송처리_샘플.xlsx"
ORDERS = HERE / "sandbox_orders.csv"
CSV = HERE / "발송처리_샘플.csv"

NOTICE = (
    "※ 개인정보 보호를 위해 다운로드한 주문 정보는 발송 처리 목적 외에 사용할 수 없습니다. "
    "택배사와 송장번호를 입력한 뒤 엑셀 일괄발송으로 업로드하세요."
)
COLUMNS = [
    "상품주문번호",
    "주문번호",
    "배송속성",
    "배송방법(구매자 요청)",
    "배송방법",
    "택배사",
    "송장번호",
    "발송일",
    "수취인명",
    "수취인연락처1",
    "배송지",
    "상품명",
    "옵션정보",
    "수량",
]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지유", "예준", "서윤", "주원", "지아", "하준", "수아"]
STREETS = [
    "서울특별시 강남구 테헤란로",
    "경기도 성남시 분당구 판교역로",
    "부산광역시 해운대구 센텀중앙로",
    "대전광역시 유성구 대학로",
    "인천광역시 연수구 송도과학로",
    "광주광역시 북구 첨단과기로",
]
PRODUCTS = [
    ("무선 키보드", "블랙"),
    ("텀블러 500ml", "화이트"),
    ("면 티셔츠", "L / 네이비"),
    ("핸드크림 세트", "3종"),
    ("스마트폰 케이스", "투명"),
    ("원두커피 1kg", "홀빈"),
]
COURIERS = ["CJ대한통운", "롯데택배", "한진택배", "로젠택배", "우체국택배"]


def order_id(n: int) -> str:
    return f"20241127{n:07d}{(n % 9) + 1}"


def rows() -> list[list[Any]]:
    rng = random.Random(20241127)
    out: list[list[Any]] = []
    for n in range(1, 31):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        product, option = rng.choice(PRODUCTS)
        courier = COURIERS[n % len(COURIERS)]
        tracking = f"{rng.randrange(10**11, 10**12)}"
        out.append(
            [
                order_id(n),
                f"2024112{n:07d}",
                "일반배송",
                "택배",
                "택배,등기,소포",
                courier,
                tracking,
                "",
                name,
                f"010-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
                f"{rng.choice(STREETS)} {rng.randrange(1, 300)}",
                product,
                option,
                rng.randrange(1, 4),
            ]
        )
    out[3][0] = int(order_id(4)[:-1] + "0")  # typed into a Number cell: Excel made the last digit 0
    out[6][5] = "CJ택배"  # a courier typo, gets a suggestion
    out[9][6] = ""  # tracking number forgotten
    out[12][6] = out[12][6][:4] + "-" + out[12][6][4:8] + "-" + out[12][6][8:]  # hyphens are fine
    out[14][4], out[14][5], out[14][6] = "직접전달", "", ""  # hand delivery: no courier needed
    out[17][5] = "롯데"  # short name is fine
    out.append(list(out[20]))  # the same order pasted twice
    # Rows that pass batchship's checks but NAVER refuses (see sandbox_orders()):
    out[22][5], out[23][5] = "CJ대한통운", "CJ대한통운"  # order 23 was already shipped: 104442
    out[25][5], out[25][6] = out[24][5], out[24][6]  # order 26 reuses order 25's tracking number: 104121
    out[27][5], out[27][6] = (
        "CJ대한통운",
        "CJ1234567A",
    )  # letters in a CJ tracking number: 104122 (sandbox rule)
    # order 9 is an add-on (gift wrapping) of order 8's order: same 주문번호, sent after order 8
    out[8][1], out[8][11], out[8][12], out[8][13] = out[7][1], "선물 포장", "추가구성상품", 1
    return out


#: An order in the sheet that the store does not have (a typo that is still 16 digits): NAVER says 100001.
UNKNOWN_ORDER = order_id(29)
#: An order already shipped from Seller Center by hand, with another tracking number: the lookup keeps it back.
SHIPPED_ORDER = order_id(23)
#: Shipped by hand in Seller Center with the sheet's own courier and tracking number: 이미처리, not sent.
HAND_SHIPPED_ORDER = order_id(11)
#: The buyer asked to cancel this order last night: held (보류), not sent.
CANCEL_REQUESTED_ORDER = order_id(5)
#: A main product (order 8) and its add-on (order 9), one order: the add-on goes after the main product.
MAIN_ORDER, ADD_ON_ORDER = order_id(8), order_id(9)
#: The sheet's courier names as NAVER's codes (for the orders the store already shows shipped).
COURIER_CODES = {"CJ대한통운": "CJGLS", "롯데택배": "HYUNDAI", "한진택배": "HANJIN", "로젠택배": "KGB", "우체국택배": "EPOST"}
#: NAVER answers 504 for the request holding this order, after applying it: batchship looks it up (success).
TIMEOUT_ORDER = order_id(12)
#: The buyer cancels this order while NAVER times out: the lookup shows CANCELED, so batchship says 확인필요.
CANCELLED_ORDER = order_id(3)


def sandbox_orders() -> list[list[str]]:
    """What the sandbox knows for the demo: every sample order PAYED, but for the store-side stories above."""
    head = ["productOrderId", "status", "placeOrderStatus", "deliveryCompany", "trackingNumber", "fault"]
    orders = [[*head, "orderId", "productClass", "claimType", "claimStatus"]]
    for row in rows():
        pid = str(row[0])
        if pid == UNKNOWN_ORDER or any(o[0] == pid for o in orders):
            continue
        order = [pid, "PAYED", "OK", "", "", "", "", "", "", ""]
        if pid == SHIPPED_ORDER:
            order[1:5] = ["DELIVERING", "OK", "CJGLS", "600000000001"]
        elif pid == HAND_SHIPPED_ORDER:
            order[1:5] = ["DELIVERING", "OK", COURIER_CODES[str(row[5])], str(row[6])]
        elif pid == TIMEOUT_ORDER:
            order[5] = "timeout_after"
        elif pid == CANCELLED_ORDER:
            order[5] = "cancel_in_flight"
        elif pid == CANCEL_REQUESTED_ORDER:
            order[8:10] = ["CANCEL", "CANCEL_REQUEST"]
        elif pid in (MAIN_ORDER, ADD_ON_ORDER):
            order[6] = "2024112700000888"
            order[7] = "추가구성상품" if pid == ADD_ON_ORDER else "단일상품"
        orders.append(order)
    return orders


def write_cp949_csv(path: Path = CSV) -> None:
    """The same sheet as Korean Excel's "CSV (쉼표로 분리)" writes it: CP949, CRLF, the notice row on top, and the
    order number Excel truncated shown in scientific notation, as Excel saves a General-format number."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([NOTICE] + [""] * (len(COLUMNS) - 1))
    writer.writerow(COLUMNS)
    for row in rows():
        cells = ["" if v is None else v for v in row]
        if isinstance(cells[0], int):
            cells[0] = f"{float(row[0]):.5E}"
            mantissa, exponent = cells[0].split("E")
            cells[0] = f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"
        writer.writerow(cells)
    path.write_bytes(buffer.getvalue().encode("cp949"))


def write_orders_csv(path: Path = ORDERS) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(sandbox_orders())


def write_xlsx(path: Path = XLSX) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발주발송관리"
    ws["A1"] = NOTICE
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 36
    ws.append(COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFD9E1F2")
    for row in rows():
        ws.append(row)
        for col in (1, 7):
            cell = ws.cell(row=ws.max_row, column=col)
            if isinstance(cell.value, str):
                cell.number_format = "@"
    for letter, width in zip(
        "ABCDEFGHIJKLMN", [20, 16, 10, 12, 14, 12, 16, 12, 10, 15, 40, 16, 12, 6], strict=True
    ):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    wb.save(path)


if __name__ == "__main__":
    write_xlsx()
    write_cp949_csv()
    write_orders_csv()
    print(f"wrote {XLSX}, {CSV} and {ORDERS}")
