"""Valid rows become dispatch items, grouped into requests of at most 30, in sheet order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from batchship.domain.codes import PARCEL_METHODS

if TYPE_CHECKING:
    from batchship.frames import Frame

#: NAVER accepts at most this many product orders in one dispatch request.
MAX_BATCH: Final = 30


@dataclass(frozen=True, slots=True)
class DispatchItem:
    """One product order to dispatch, exactly as it will be sent.

    row: the spreadsheet row it came from; product_order_id, delivery_method, delivery_company_code,
    tracking_number, dispatch_date: NAVER's fields (courier and tracking None when not sent).
    """

    row: int
    product_order_id: str
    delivery_method: str
    delivery_company_code: str | None
    tracking_number: str | None
    dispatch_date: str

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "productOrderId": self.product_order_id,
            "deliveryMethod": self.delivery_method,
        }
        if self.delivery_company_code is not None:
            body["deliveryCompanyCode"] = self.delivery_company_code
        if self.tracking_number is not None:
            body["trackingNumber"] = self.tracking_number
        body["dispatchDate"] = self.dispatch_date
        return body


def items_from(frame: Frame) -> list[DispatchItem]:
    """Dispatch items for the rows of a validated frame (courier and tracking only when given)."""
    items = []
    names = ("row", "productOrderId", "method", "courier", "tracking", "date")
    columns = [frame[name].tolist() for name in names]  # plain lists: iterating numpy arrays is slower
    for row, pid, method, courier, tracking, date in zip(*columns, strict=True):
        parcel = method in PARCEL_METHODS
        items.append(
            DispatchItem(
                row=int(row),
                product_order_id=pid,
                delivery_method=method,
                delivery_company_code=courier if (parcel or courier) else None,
                tracking_number=tracking if (parcel or tracking) else None,
                dispatch_date=date,
            )
        )
    return items


def batches(items: Iterable[DispatchItem], size: int = MAX_BATCH) -> Iterator[list[DispatchItem]]:
    """`items` in order, in lists of at most `size` (1 to 30); never an empty list."""
    if not 1 <= size <= MAX_BATCH:
        raise ValueError(f"batch size must be between 1 and {MAX_BATCH}, not {size}")
    batch: list[DispatchItem] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
