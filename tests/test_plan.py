"""Planning: every valid row in exactly one request of at most 30, in sheet order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchship.domain.plan import MAX_BATCH, DispatchItem, batches, items_from
from batchship.domain.rules import validate
from batchship.frames import Frame
from tests.conftest import NOW, order_id


def _items(n: int) -> list[DispatchItem]:
    return [
        DispatchItem(
            row=i + 2,
            product_order_id=order_id(i),
            delivery_method="DELIVERY",
            delivery_company_code="CJGLS",
            tracking_number=f"{i:012d}",
            dispatch_date="2024-05-05T15:00:00.000+09:00",
        )
        for i in range(n)
    ]


@given(n=st.integers(min_value=0, max_value=400), size=st.integers(min_value=1, max_value=MAX_BATCH))
def test_every_item_lands_in_exactly_one_request(n: int, size: int) -> None:
    """No request is empty or over the size; concatenated, the requests are the items in order."""
    items = _items(n)
    planned = list(batches(items, size))
    assert all(1 <= len(b) <= size for b in planned)
    assert [i for b in planned for i in b] == items
    assert len(planned) == -(-n // size)


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from(["택배", "직접전달", "방문수령", "반품"])),
        min_size=1,
        max_size=120,
    )
)
def test_only_valid_rows_are_planned_and_map_back_to_their_rows(spec: list[tuple[bool, str]]) -> None:
    """Each planned item maps back to its own valid row; invalid rows never appear."""
    records = []
    for i, (good_tracking, method) in enumerate(spec):
        records.append(
            {
                "row": i + 5,
                "productOrderId": order_id(i),
                "deliveryMethod": method,
                "deliveryCompanyCode": "CJ",
                "trackingNumber": f"{i:012d}" if good_tracking else "",
                "dispatchDate": "",
                "productOrderId_numeric": False,
                "trackingNumber_numeric": False,
                "dispatchDate_numeric": False,
            }
        )
    texts = ("productOrderId", "deliveryMethod", "deliveryCompanyCode", "trackingNumber", "dispatchDate")
    df = Frame(
        {
            name: np.array([r[name] for r in records], dtype=object if name in texts else None)
            for name in records[0]
        }
    )
    result = validate(df, NOW)
    items = items_from(result.frame.take(result.valid_mask))
    expected_rows = [
        i + 5 for i, (good, method) in enumerate(spec) if method != "반품" and (good or method != "택배")
    ]
    assert [it.row for it in items] == expected_rows
    for it in items:
        assert it.product_order_id == order_id(it.row - 5)
        body = it.to_json()
        if it.delivery_method == "DELIVERY":
            assert body["deliveryCompanyCode"] == "CJGLS"
            assert body["trackingNumber"] == f"{it.row - 5:012d}"
        assert body["dispatchDate"] == "2024-05-05T15:00:00.000+09:00"


@pytest.mark.parametrize("size", [0, 31, -1])
def test_batch_size_outside_1_to_30_is_refused(size: int) -> None:
    """Never more than NAVER's 30 per request, never less than one."""
    with pytest.raises(ValueError, match="between 1 and 30"):
        list(batches(_items(3), size))
