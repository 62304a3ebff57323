"""The retry file: exactly the rows that did not succeed, ready to fix and feed straight back to dispatch."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl

from batchship.model import Status
from batchship.naver.auth import Credentials
from batchship.naver.retry import RetryPolicy
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import HEADER, order_id, read_rows, run_job

CREDS = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
RETRY = RetryPolicy(base_s=0.01, cap_s=0.02, rng=random.Random(1))


def test_retry_file_holds_the_failed_rows_and_fixed_ones_go_through(tmp_path: Path) -> None:
    """Rows refused by our checks or by NAVER land in <name>.retry.xlsx with every input column and the
    verdict; once fixed and fed back, they are sent, while the rows sent before are never sent again."""
    src = tmp_path / "오늘.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발송처리"
    ws.append([*HEADER, "메모", "수량"])
    ws.append([order_id(1), "택배", "CJ대한통운", "6000000001", None, "문 앞", 2])
    ws.append([order_id(2), "택배", "CJ택배", "6000000002", None, "=SUM(1,1)", 1])
    ws.append([2024050000000020, "택배", "CJ대한통운", "6000000003", None, "", 1])  # truncated by Excel
    ws.append([order_id(4), "택배", "CJ대한통운", "6000000004", None, "", 1])  # the store says CANCELED
    ws["F3"].data_type = "s"  # a text cell that merely starts with '=' (not a formula)
    wb.save(src)
    journal = tmp_path / "j.sqlite3"
    with Sandbox(orders=[Order(order_id(i)) for i in (1, 2, 4)] + [Order("2024050000000020")]) as sb:
        sb.add_orders([Order(order_id(4), "CANCELED")])
        report = run_job(src, sb.base_url, journal=journal, retry=RETRY)
        retry = tmp_path / "오늘.retry.xlsx"
        assert report.retry_file == retry
        rows = read_rows(retry)
        assert rows[0] == (
            "상품주문번호",
            "배송방법",
            "택배사",
            "송장번호",
            "발송일",
            "메모",
            "수량",
            "처리결과",
            "오류코드",
            "오류메시지",
        )
        assert [r[0] for r in rows[1:]] == [order_id(2), 2024050000000020, order_id(4)]
        assert rows[1][5] == "=SUM(1,1)"  # the user's text, still text
        assert [r[7:9] for r in rows[1:]] == [
            ("검증오류", "104119"),
            ("검증오류", "BS103"),
            ("실패", "BS602"),
        ]
        check_wb = openpyxl.load_workbook(retry)
        assert check_wb.active is not None and check_wb.active["A2"].number_format == "@"

        # Staff fix the courier; the store re-opens order 4; the truncated number is left as it was.
        fix = openpyxl.load_workbook(retry)
        sheet = fix.active
        assert sheet is not None
        sheet["C2"] = "CJ대한통운"
        fix.save(retry)
        sb.add_orders([Order(order_id(4))])
        again = run_job(retry, sb.base_url, journal=journal, retry=RETRY)
        counts = sb.dispatch_counts()
    assert [(r.status, r.code) for r in again.rows] == [
        (Status.SUCCESS, ""),
        (Status.INVALID, "BS103"),  # still caught: re-enter it as text
        (Status.SUCCESS, ""),
    ]
    assert counts == {order_id(1): 1, order_id(2): 1, order_id(4): 1}
    assert read_rows(tmp_path / "오늘.retry-2.xlsx")[1][0] == 2024050000000020


def test_no_retry_file_when_everything_succeeded(tmp_path: Path) -> None:
    """A clean run writes no retry file."""
    from tests.conftest import write_xlsx

    src = write_xlsx(tmp_path / "s.xlsx", [HEADER, [order_id(1), "택배", "CJ", "6000000001", ""]])
    with Sandbox(orders=[Order(order_id(1))]) as sb:
        report = run_job(src, sb.base_url, retry=RETRY)
    assert report.retry_file is None
    assert not (tmp_path / "s.retry.xlsx").exists()
