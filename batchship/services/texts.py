"""The words of a dispatch: row messages for each outcome, and what an order lookup saw, said plainly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from batchship.domain.codes import courier_label
from batchship.domain.meanings import code_fix, code_meaning
from batchship.domain.plan import DispatchItem
from batchship.i18n import CATALOGUE, Lang, t
from batchship.model import RowResult, Status

if TYPE_CHECKING:
    from batchship.naver.client import OrderState

#: Order statuses that mean "dispatched" (or further along).
DISPATCHED_STATUSES: Final = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED"})


def what(courier: str | None, tracking: str | None, method: str) -> str:
    """`CJ대한통운 (CJGLS) 123456789012`, or the delivery method when nothing is tracked."""
    if tracking:
        return f"{courier_label(courier) if courier else ''} {tracking}".strip()
    return method


def item_what(item: DispatchItem) -> str:
    return what(item.delivery_company_code, item.tracking_number, item.delivery_method)


def matches(state: OrderState, courier: str, tracking: str) -> bool:
    """The lookup shows the order dispatched with exactly this courier and tracking number."""
    return (
        state.status in DISPATCHED_STATUSES
        and state.tracking_number == tracking
        and (state.delivery_company == courier)
    )


def status_words(status: str, lang: Lang) -> str:
    key = f"order_status.{status}"
    return t(key, lang) if key in CATALOGUE else t("order_status.unknown", lang, status=status)


def claim_words(claim_status: str, lang: Lang) -> str:
    key = f"claim.{claim_status}"
    return t(key, lang) if key in CATALOGUE else t("claim.unknown", lang, status=claim_status)


def seen_words(state: OrderState | None, lang: Lang) -> str:
    """What a lookup saw, in words: `배송 중, CJ대한통운 (CJGLS) 1234`, `결제 완료(발송 전), 구매자 취소 요청`,
    `주문 없음`."""
    if state is None:
        return t("seen.not_found", lang)
    status = status_words(state.status, lang)
    if state.claim_status:
        status += ", " + claim_words(state.claim_status, lang)
    if state.tracking_number:
        courier = courier_label(state.delivery_company) if state.delivery_company else ""
        return t("seen.shipped", lang, status=status, courier=courier, tracking=state.tracking_number)
    return status


def row(item: DispatchItem, status: Status, message: str, code: str = "") -> RowResult:
    return RowResult(item.row, item.product_order_id, status, code, message)


def refused(item: DispatchItem, code: str, message: str, lang: Lang) -> RowResult:
    """NAVER refused the item: its code, what the code means, NAVER's own words (without repeating the
    meaning they often start with), and what to do."""
    meaning = code_meaning(code, lang)
    message = message.strip()
    if meaning and message.startswith(meaning):  # "상품 주문 상태 확인 필요(DELIVERING)": keep what it adds
        message = message[len(meaning) :].strip(" ():.")
    message = message.rstrip(".") + "." if message else ""
    text = t("dispatch.refused", lang, code=code, meaning=meaning, message=message, fix=code_fix(code, lang))
    return row(item, Status.FAILED, " ".join(text.split()), code)


def not_sent(item: DispatchItem, lang: Lang, *, reason: object = "", stopped: bool = False) -> RowResult:
    text = t("dispatch.stopped", lang) if stopped else t("dispatch.not_sent", lang, reason=reason)
    return row(item, Status.NOT_SENT, text)
