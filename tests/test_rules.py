"""The rules: every problem of every row, with NAVER's code where NAVER has one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from batchship.domain.dates import parse_date
from batchship.domain.rules import validate
from batchship.domain.verdicts import verdicts
from batchship.frames import Frame
from batchship.model import Status
from batchship.timefmt import KST, format_naver_time
from tests.conftest import NOW, order_id


def frame(*rows: dict[str, Any]) -> Frame:
    """A loader-shaped frame: every field as text, number flags off unless given."""
    base = {
        "productOrderId": "",
        "deliveryMethod": "",
        "deliveryCompanyCode": "",
        "trackingNumber": "",
        "dispatchDate": "",
        "productOrderId_numeric": False,
        "trackingNumber_numeric": False,
        "dispatchDate_numeric": False,
    }
    records = [{**base, "row": i + 2, **r} for i, r in enumerate(rows)]
    texts = ("productOrderId", "deliveryMethod", "deliveryCompanyCode", "trackingNumber", "dispatchDate")
    return Frame(
        {
            name: np.array([r[name] for r in records], dtype=object if name in texts else None)
            for name in records[0]
        }
    )


def codes_of(**row: Any) -> list[str]:
    parcel = {
        "productOrderId": order_id(1),
        "deliveryCompanyCode": "CJ대한통운",
        "trackingNumber": "123456789012",
    }
    result = validate(frame({**parcel, **row}), NOW)
    return result.errors.get(0, [])


def test_a_good_parcel_row_has_no_errors_and_is_normalised() -> None:
    """Korean names become codes, hyphens leave the tracking number, a blank date becomes now."""
    result = validate(
        frame(
            {
                "productOrderId": order_id(1),
                "deliveryMethod": "택배,등기,소포",
                "deliveryCompanyCode": "롯데",
                "trackingNumber": "1234-5678 9012",
            }
        ),
        NOW,
    )
    assert result.errors == {}
    row = {name: result.frame[name][0] for name in result.frame}
    assert (row["method"], row["courier"], row["tracking"]) == ("DELIVERY", "HYUNDAI", "123456789012")
    assert row["date"] == "2024-05-05T15:00:00.000+09:00"


EVERY_PROBLEM: list[tuple[dict[str, Any], list[str]]] = [
    ({"productOrderId": ""}, ["BS101"]),
    ({"productOrderId": "12345"}, ["BS102"]),
    ({"productOrderId": "2024050512345671X"}, ["BS102"]),
    ({"productOrderId": "2.02405E+15"}, ["BS103"]),
    ({"productOrderId": "2024050512345670", "productOrderId_numeric": True}, ["BS103"]),
    ({"productOrderId": "2024050512345671", "productOrderId_numeric": True}, []),
    ({"productOrderId": "2024050512345670"}, []),
    ({"deliveryMethod": "배달"}, ["BS201"]),
    ({"deliveryMethod": "RETURN_DELIVERY"}, ["BS202"]),
    ({"deliveryMethod": "UNKNOWN"}, ["BS202"]),
    ({"deliveryCompanyCode": ""}, ["104118"]),
    ({"deliveryCompanyCode": "CJ택배"}, ["104119"]),
    ({"trackingNumber": ""}, ["104120"]),
    ({"trackingNumber": "1234"}, ["104122"]),
    ({"trackingNumber": "12345678#9012"}, ["104122"]),
    ({"trackingNumber": "12345678901234567", "trackingNumber_numeric": True}, ["BS301"]),
    ({"trackingNumber": "JD014600006281234567"}, []),
    ({"dispatchDate": "어제"}, ["BS401"]),
    ({"dispatchDate": "2024-02-30"}, ["BS401"]),
    ({"dispatchDate": "2024-05-06"}, ["BS402"]),  # tomorrow's date at today's time: in the future
    (
        {"deliveryCompanyCode": "", "trackingNumber": "", "productOrderId": "1"},
        ["BS102", "104118", "104120"],
    ),
]


@pytest.mark.parametrize(("row", "expected"), EVERY_PROBLEM)
def test_each_rule_reports_its_code(row: dict[str, Any], expected: list[str]) -> None:
    """Each problem carries its own code; several problems are all reported, in a fixed order."""
    assert codes_of(**row) == expected


@pytest.mark.parametrize("method", ["직접전달", "방문수령", "퀵서비스", "배송없음", "VISIT_RECEIPT"])
def test_methods_without_a_parcel_need_no_courier_or_tracking(method: str) -> None:
    """Direct delivery and friends pass with courier and tracking left empty."""
    assert codes_of(deliveryMethod=method, deliveryCompanyCode="", trackingNumber="") == []


def test_methods_without_a_parcel_still_check_what_is_given() -> None:
    """A courier given for direct delivery must still be a real courier."""
    assert codes_of(deliveryMethod="직접전달", deliveryCompanyCode="없는택배", trackingNumber="") == [
        "104119"
    ]


def test_duplicates_mark_every_copy() -> None:
    """The same order twice in a sheet: both rows invalid with 104131, the message names both rows."""
    good = {"deliveryCompanyCode": "CJ", "trackingNumber": "123456789012"}
    result = validate(
        frame(
            {"productOrderId": order_id(1), **good},
            {"productOrderId": order_id(2), **good, "trackingNumber": "223456789012"},
            {"productOrderId": order_id(1), **good, "trackingNumber": "323456789012"},
        ),
        NOW,
    )
    assert result.errors == {0: ["104131"], 2: ["104131"]}
    rows = verdicts(result, "ko")
    assert [r.status for r in rows] == [Status.INVALID, Status.NOT_SENT, Status.INVALID]
    assert (
        rows[0].message
        == f"상품주문번호 '{order_id(1)}'가 이 시트에 2번 나옵니다(행 2, 4). 한 번만 남기세요."
    )


def test_messages_list_every_problem_and_suggest_couriers() -> None:
    """The message holds each problem with the value seen; the code column holds the first."""
    result = validate(
        frame({"productOrderId": order_id(1), "deliveryCompanyCode": "CJ택배", "trackingNumber": ""}), NOW
    )
    (row,) = verdicts(result, "en")
    assert row.code == "104119"
    assert row.message == (
        "Courier 'CJ택배' is not a known courier. Did you mean CJ대한통운 (CJGLS) or CU편의점택배 (CUPARCEL)? "
        "Check the courier name or code. / The tracking number is empty. Parcel delivery needs a tracking number."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-05", "2024-05-05T15:00:00.000+09:00"),
        ("2024.05.04", "2024-05-04T15:00:00.000+09:00"),
        ("2024/05/04", "2024-05-04T15:00:00.000+09:00"),
        ("20240504", "2024-05-04T15:00:00.000+09:00"),
        ("2024-05-04 09:30", "2024-05-04T09:30:00.000+09:00"),
        ("2024-05-04 09:30:15", "2024-05-04T09:30:15.000+09:00"),
        ("2024. 5. 4. 오후 3:05", "2024-05-04T15:05:00.000+09:00"),
        ("2024-05-04T09:30:15.123+09:00", "2024-05-04T09:30:15.123+09:00"),
        ("2024-05-04T00:30:00Z", "2024-05-04T09:30:00.000+09:00"),
        ("", "2024-05-05T15:00:00.000+09:00"),
    ],
)
def test_written_dates(text: str, expected: str) -> None:
    """Usual written forms; a date alone takes the run's time of day; always NAVER's exact KST form."""
    parsed = parse_date(text, False, NOW)
    assert parsed is not None
    assert format_naver_time(parsed) == expected


def test_excel_date_cells_and_serials() -> None:
    """A date cell (read as text by the loader) and a bare Excel serial number both work."""
    parsed = parse_date("2024-05-04 10:00:00", False, NOW)
    assert parsed == dt.datetime(2024, 5, 4, 10, tzinfo=KST)
    serial = parse_date("45416", True, NOW)  # 2024-05-04 as an Excel serial, no time part
    assert serial is not None
    assert format_naver_time(serial) == "2024-05-04T15:00:00.000+09:00"


def test_time_later_today_is_in_the_future() -> None:
    """Today at a later hour than now is refused."""
    assert codes_of(dispatchDate="2024-05-05 16:00") == ["BS402"]
    assert codes_of(dispatchDate="2024-05-05 14:59") == []


def _pandera_errors(data: Frame) -> dict[int, list[str]]:
    """What pandera's own validation of `schema()` finds in the normalised frame: the reference."""
    from batchship.frames import arrow_hidden

    with arrow_hidden():  # pandera sees the pandas batchship uses (see `batchship.frames`)
        import pandera.pandas as pa

    from batchship.domain.rules import _RANK, normalise, schema

    found: dict[int, set[str]] = {}
    try:
        schema().validate(normalise(data, NOW).to_pandas(), lazy=True)
    except pa.errors.SchemaErrors as exc:
        for check, index in zip(exc.failure_cases["check"], exc.failure_cases["index"], strict=True):
            found.setdefault(int(index), set()).add(str(check))
    return {i: sorted(codes, key=_RANK.__getitem__) for i, codes in sorted(found.items())}


def _mixed_rows(n: int) -> Frame:
    """`n` rows drawn from every kind of problem and from good rows, with repeated order numbers."""
    import random

    rng = random.Random(5)
    parcel = {
        "productOrderId": order_id(1),
        "deliveryCompanyCode": "CJ대한통운",
        "trackingNumber": "123456789012",
    }
    rows = []
    for i in range(n):
        row = {**parcel, "productOrderId": order_id(i % (n - 7) + 1)}  # a few order numbers repeat
        for _ in range(rng.choice((0, 0, 1, 2))):
            row.update(rng.choice(EVERY_PROBLEM)[0])
        rows.append(row)
    return frame(*rows)


@pytest.mark.parametrize("source", ["every problem", "mixed", "sample sheet"])
def test_the_rules_find_exactly_what_pandera_finds(source: str) -> None:
    """`validate` runs the rules itself, vectorised; pandera, validating the same frame against `schema()`,
    must find the same problems in the same rows."""
    from batchship.sheets.loader import load_sheet

    if source == "every problem":
        data = frame(
            *[
                {
                    "productOrderId": order_id(1),
                    "deliveryCompanyCode": "CJ대한통운",
                    "trackingNumber": "123456789012",
                    **row,
                }
                for row, _ in EVERY_PROBLEM
            ]
        )
    elif source == "mixed":
        data = _mixed_rows(3000)
    else:
        data = load_sheet(Path(__file__).parent.parent / "sample_data" / "발송처리_샘플.xlsx").data
    expected = _pandera_errors(data)
    assert expected  # every source has problems to find
    assert validate(data, NOW).errors == expected
