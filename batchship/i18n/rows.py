"""Row results: result columns, status labels, error codes, fixes and row messages."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "header.result": {"ko": "처리결과", "en": "result"},
    "header.error_code": {"ko": "오류코드", "en": "error_code"},
    "header.error_message": {"ko": "오류메시지", "en": "error_message"},
    "status.SUCCESS": {"ko": "성공", "en": "SUCCESS"},
    "status.FAILED": {"ko": "실패", "en": "FAILED"},
    "status.INVALID": {"ko": "검증오류", "en": "INVALID"},
    "status.ALREADY_DISPATCHED": {"ko": "이미처리", "en": "ALREADY_DISPATCHED"},
    "status.UNKNOWN": {"ko": "확인필요", "en": "UNKNOWN"},
    "status.NOT_SENT": {"ko": "미전송", "en": "NOT_SENT"},
    "status.HELD": {"ko": "보류", "en": "HELD"},
    "code.BS101": {"ko": "상품주문번호 없음", "en": "product order number missing"},
    "code.BS102": {"ko": "상품주문번호 형식 오류", "en": "product order number malformed"},
    "code.BS103": {"ko": "엑셀이 자른 상품주문번호", "en": "product order number truncated by Excel"},
    "code.BS201": {"ko": "알 수 없는 배송방법", "en": "unknown delivery method"},
    "code.BS202": {"ko": "발송에 쓸 수 없는 배송방법", "en": "delivery method not usable for dispatch"},
    "code.BS301": {"ko": "엑셀이 자른 송장번호", "en": "tracking number truncated by Excel"},
    "code.BS401": {"ko": "읽을 수 없는 발송일", "en": "unreadable dispatch date"},
    "code.BS402": {"ko": "미래의 발송일", "en": "dispatch date in the future"},
    "code.BS501": {
        "ko": "다른 송장으로 이미 발송됨",
        "en": "already dispatched with another tracking number",
    },
    "code.BS601": {"ko": "구매자 취소 요청(보류)", "en": "the buyer asked to cancel (held)"},
    "code.BS602": {"ko": "발송할 수 없는 주문 상태", "en": "order state does not allow dispatch"},
    "code.BS603": {"ko": "NAVER에 없는 주문", "en": "order not found at NAVER"},
    "code.BS604": {
        "ko": "본상품이 발송되지 않은 추가구성상품",
        "en": "add-on whose main product was not dispatched",
    },
    "fix.BS601": {
        "ko": "판매자센터에서 취소 요청을 먼저 처리하세요. 이미 출고했다면 --ship-cancel-requests로 보낼 수 있습니다"
        "(취소 요청이 거부됩니다).",
        "en": "Deal with the cancel request in Seller Center first; if the parcel has already left, "
        "--ship-cancel-requests sends it (rejecting the request).",
    },
    "fix.BS602": {
        "ko": "스마트스토어에서 주문 상태를 확인하세요. 취소·반품된 주문은 보내지 않습니다.",
        "en": "Check the order in Smart Store; cancelled or returned orders are not sent.",
    },
    "fix.BS603": {
        "ko": "상품주문번호와 스토어(계정)를 확인하세요.",
        "en": "Check the product order number and the store (account).",
    },
    "fix.BS604": {
        "ko": "본상품 행을 고쳐 다시 실행하면 본상품 다음에 보냅니다.",
        "en": "Fix the main product's row and run again: it is sent after the main product.",
    },
    "fix.BS101": {
        "ko": "16자리 상품주문번호를 입력하세요.",
        "en": "Enter the 16-digit product order number.",
    },
    "fix.BS102": {
        "ko": "스마트스토어에서 상품주문번호를 확인하세요.",
        "en": "Check the number in Smart Store.",
    },
    "fix.BS103": {
        "ko": "열 서식을 '텍스트'로 바꾸고 번호를 다시 입력하세요. 고칠 때까지 보내지 않습니다.",
        "en": "Format the column as Text and type the number again; the row is not sent until then.",
    },
    "fix.BS201": {
        "ko": "목록의 배송방법을 쓰거나 비워 두세요(택배).",
        "en": "Use a listed method, or leave it empty.",
    },
    "fix.BS202": {
        "ko": "택배, 직접전달, 방문수령, 퀵서비스, 배송없음 중에서 고르세요.",
        "en": "Pick a dispatch method.",
    },
    "fix.BS301": {
        "ko": "열 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        "en": "Format the column as Text and type the tracking number again.",
    },
    "fix.BS401": {
        "ko": "2024-05-05 또는 2024-05-05 14:30처럼 쓰거나 비워 두세요.",
        "en": "Write 2024-05-05, or leave it empty.",
    },
    "fix.BS402": {"ko": "실제로 발송한 날짜와 시각을 쓰세요.", "en": "Enter when the parcel actually left."},
    "fix.BS501": {
        "ko": "이미 다른 송장으로 발송된 주문입니다. 송장 수정은 판매자센터에서 하세요.",
        "en": "Already dispatched with another number; correct it in Seller Center.",
    },
    "fix.100001": {"ko": "상품주문번호를 확인하세요.", "en": "Check the product order number."},
    "fix.104442": {
        "ko": "이미 발송했거나 취소·반품된 주문인지 스마트스토어에서 확인하세요.",
        "en": "Check in Smart Store whether the order was already shipped, cancelled or returned.",
    },
    "fix.104443": {
        "ko": "발주 확인 상태를 확인하세요.",
        "en": "Check the order's place-order (발주) status.",
    },
    "fix.104118": {"ko": "택배사를 입력하세요.", "en": "Fill in the courier."},
    "fix.104119": {"ko": "택배사를 확인하세요.", "en": "Check the courier."},
    "fix.104120": {"ko": "송장번호를 입력하세요.", "en": "Fill in the tracking number."},
    "fix.104121": {
        "ko": "다른 주문에 이미 쓰인 송장번호입니다. 송장번호를 확인하세요.",
        "en": "Another order already uses this tracking number. Check it.",
    },
    "fix.104122": {
        "ko": "송장번호가 택배사 형식에 맞는지 확인하세요.",
        "en": "Check the tracking number against the courier's format.",
    },
    "fix.104131": {"ko": "같은 주문을 한 번만 보내세요.", "en": "Send each order once."},
    "fix.default": {"ko": "내용을 고친 뒤 다시 보내세요.", "en": "Fix the row and send it again."},
    "row.BS101": {
        "ko": "상품주문번호가 비어 있습니다. 16자리 상품주문번호를 입력하세요.",
        "en": "The product order number is empty. Enter the 16-digit product order number.",
    },
    "row.BS102": {
        "ko": "상품주문번호 '{value}'는 16자리 숫자가 아닙니다. 스마트스토어의 상품주문번호(16자리)를 확인하세요.",
        "en": "Product order number '{value}' is not 16 digits. Check the 16-digit product order "
        "number in Smart Store.",
    },
    "row.BS103": {
        "ko": "상품주문번호 '{value}'는 엑셀이 숫자로 저장하면서 끝자리를 0으로 바꿨을 수 있습니다. 열 서식을 '텍스트'로 바꾸고 번호를 다시 입력하세요.",
        "en": "Product order number '{value}' was stored as a number, and Excel may have turned its "
        "last digit into 0. Format the column as Text and enter the number again.",
    },
    "row.BS201": {
        "ko": "배송방법 '{value}'을(를) 알 수 없습니다.{suggestion} 비워 두면 '택배, 등기, 소포'로 처리합니다.",
        "en": "Delivery method '{value}' is unknown.{suggestion} Leave it empty for parcel delivery "
        "(DELIVERY).",
    },
    "row.BS202": {
        "ko": "배송방법 '{value}'은(는) 발송 처리에 쓸 수 없습니다(반품·예외용). 택배, 직접전달, 방문수령, 퀵서비스, 배송없음 중 하나를 쓰세요.",
        "en": "Delivery method '{value}' cannot be used to dispatch (it is for returns or "
        "exceptions). Use parcel delivery, direct delivery, visit pickup, quick service or no "
        "delivery.",
    },
    "row.104118": {
        "ko": "택배사가 비어 있습니다. 택배 발송에는 택배사가 필요합니다(예: CJ대한통운).",
        "en": "The courier is empty. Parcel delivery needs a courier (e.g. CJ대한통운 / CJGLS).",
    },
    "row.104119": {
        "ko": "택배사 '{value}'은(는) 알 수 없는 택배사입니다.{suggestion} 택배사 이름이나 코드를 확인하세요.",
        "en": "Courier '{value}' is not a known courier.{suggestion} Check the courier name or code.",
    },
    "row.104120": {
        "ko": "송장번호가 비어 있습니다. 택배 발송에는 송장번호가 필요합니다.",
        "en": "The tracking number is empty. Parcel delivery needs a tracking number.",
    },
    "row.104122": {
        "ko": "송장번호 '{value}'의 형식이 올바르지 않습니다. 영문과 숫자 {min_len}~{max_len}자여야 합니다(하이픈과 공백은 자동으로 지웁니다).",
        "en": "Tracking number '{value}' is malformed: it must be {min_len} to {max_len} letters and "
        "digits (hyphens and spaces are removed automatically).",
    },
    "row.BS301": {
        "ko": "송장번호 '{value}'를 엑셀이 숫자로 바꿨습니다(15자리 넘게 잘렸거나 7.00000E+11 같은 지수 표기). 열 서식을 "
        "'텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        "en": "Excel turned tracking number '{value}' into a number (cut after 15 digits, or written like "
        "7.00000E+11). Format the column as Text and enter the tracking number again.",
    },
    "row.rows_more": {"ko": "{rows} 외 {more:,}행", "en": "{rows} and {more:,} more"},
    "row.104131": {
        "ko": "상품주문번호 '{value}'가 이 시트에 {count}번 나옵니다(행 {rows}). 한 번만 남기세요.",
        "en": "Product order number '{value}' appears {count} times in this sheet (rows {rows}). "
        "Keep only one.",
    },
    "row.BS401": {
        "ko": "발송일 '{value}'을(를) 읽을 수 없습니다. 2024-05-05 또는 2024-05-05 14:30 형식으로 쓰거나 비워 두세요(비우면 지금 "
        "시각).",
        "en": "Dispatch date '{value}' cannot be read. Write it as 2024-05-05 or 2024-05-05 14:30, or "
        "leave it empty for the time of the run.",
    },
    "row.BS402": {
        "ko": "발송일 '{value}'이(가) 미래입니다. 이미 발송한 날짜와 시각을 쓰세요.",
        "en": "Dispatch date '{value}' is in the future. Enter the date the parcel actually left.",
    },
    "row.CHECK_OK": {"ko": "발송할 수 있습니다.", "en": "Ready to send."},
    "row.date_before_payment": {
        "ko": "주의: 발송일 {date}이(가) 결제일 {paid}보다 앞섭니다. 맞는지 확인하세요.",
        "en": "Note: the dispatch date {date} is before the payment date {paid}. Check it.",
    },
    "row.date_long_ago": {
        "ko": "주의: 발송일 {date}은(는) {days}일 전입니다. 맞는지 확인하세요(연도나 월을 잘못 쓰지 않았나요?).",
        "en": "Note: the dispatch date {date} is {days} days ago. Check it (a wrong year or month?).",
    },
    "row.suggestion": {"ko": " 혹시 {names}인가요?", "en": " Did you mean {names}?"},
    "word.or": {"ko": " 또는 ", "en": " or "},
    "dispatch.sent": {"ko": "발송 처리되었습니다({what}).", "en": "Dispatched ({what})."},
    "dispatch.sent_confirmed": {
        "ko": "발송 처리되었습니다({what}). 응답이 끊겨 주문 조회로 확인했습니다.",
        "en": "Dispatched ({what}). The answer was lost; confirmed by looking the order up.",
    },
    "dispatch.refused": {
        "ko": "NAVER가 거부했습니다({code} {meaning}): {message} {fix}",
        "en": "NAVER refused it ({code} {meaning}): {message} {fix}",
    },
    "dispatch.lookup_not_found": {
        "ko": "NAVER의 응답을 받지 못해 주문을 조회했더니 스토어에 없는 주문입니다. 발송되지 않았습니다. 상품주문번호를 "
        "확인하세요.",
        "en": "NAVER's answer was lost; the order lookup does not know this order, so it was not dispatched. Check "
        "the product order number.",
    },
    "dispatch.lookup_elsewhere": {
        "ko": "NAVER의 응답을 받지 못해 주문을 조회했더니 이 요청은 적용되지 않았습니다({seen}). 주문 상태를 "
        "확인하세요.",
        "en": "NAVER's answer was lost; the order lookup shows this request did not take effect ({seen}). Check "
        "the order's status.",
    },
    "dispatch.lookup_failed": {
        "ko": "NAVER의 응답을 받지 못했고 주문 조회도 실패했습니다({reason}; {error}). 스마트스토어에서 이 주문의 발송 여부를 확인하세요.",
        "en": "NAVER's answer was lost and the order lookup failed too ({reason}; {error}). Check "
        "this order in Smart Store.",
    },
    "dispatch.not_sent": {
        "ko": "보내지 못했습니다({reason}). 다시 실행하면 이 행을 보냅니다.",
        "en": "Not sent ({reason}). Run again to send this row.",
    },
    "dispatch.stopped": {
        "ko": "중단 요청으로 보내지 않았습니다. 다시 실행하면 이 행을 보냅니다.",
        "en": "Not sent: the run was stopped. Run again to send this row.",
    },
    "dispatch.journal_failed_unknown": {
        "ko": "저널에 기록하지 못해 발송을 멈췄습니다({reason}). 이 주문은 NAVER에 전달되었을 수 있습니다. 저널 "
        "문제를 해결한 뒤 다시 실행하면 먼저 주문을 조회해 확인하고, 보내지 않은 경우에만 보냅니다.",
        "en": "Sending stopped because the journal could not record ({reason}). This order may have reached "
        "NAVER. Fix the journal and run again: the order is looked up first and sent only if it was not.",
    },
    "dispatch.dry_run": {
        "ko": "미리보기(--dry-run): 검사를 통과했고, 보내지 않았습니다.",
        "en": "Dry run: passed the checks, not sent.",
    },
    "dispatch.already": {
        "ko": "{date}에 이미 발송 처리한 주문입니다({new}, {by}). 다시 보내지 않습니다.",
        "en": "Already dispatched on {date} ({new}, {by}); not sent again.",
    },
    "preflight.held": {
        "ko": "구매자가 취소를 요청한 주문이라 보내지 않았습니다({seen}). 발송하면 취소 요청이 거부됩니다. 판매자센터에서 "
        "취소 요청을 먼저 처리하세요. 이미 출고했다면 --ship-cancel-requests로 보낼 수 있습니다.",
        "en": "Not sent: the buyer asked to cancel this order ({seen}), and dispatching it would reject the "
        "request. Deal with it in Seller Center first; if the parcel has already left, --ship-cancel-requests "
        "sends it.",
    },
    "preflight.held_cancelling": {
        "ko": "취소가 진행 중인 주문이라 보내지 않았습니다({seen}). 판매자센터에서 확인하세요.",
        "en": "Not sent: the order is being cancelled ({seen}). Check it in Seller Center.",
    },
    "preflight.shipped_anyway": {
        "ko": "주의: 구매자의 취소 요청이 있었고, 이 발송(--ship-cancel-requests)으로 취소 요청이 거부되었습니다.",
        "en": "Note: the buyer had asked to cancel; this dispatch (--ship-cancel-requests) rejected the request.",
    },
    "preflight.other_tracking": {
        "ko": "NAVER에 이미 {old}(으)로 발송 처리된 주문이라 보내지 않았습니다. 시트의 {new}와(과) 다릅니다. 발송 후 송장 "
        "수정은 판매자센터에서 하세요.",
        "en": "Not sent: NAVER shows this order already dispatched with {old}, but the sheet says {new}. "
        "Correct a dispatched order's tracking number in Seller Center.",
    },
    "preflight.state": {
        "ko": "NAVER에서 이 주문은 '{seen}' 상태라 발송할 수 없어 보내지 않았습니다.",
        "en": "Not sent: NAVER shows this order as '{seen}', which cannot be dispatched.",
    },
    "preflight.not_found": {
        "ko": "NAVER에 이 상품주문번호가 없어 보내지 않았습니다(번호가 틀렸거나 다른 스토어의 주문일 수 있습니다).",
        "en": "Not sent: NAVER has no such product order (a wrong number, or another store's order?).",
    },
    "preflight.add_on_waiting": {
        "ko": "추가구성상품은 본상품(상품주문번호 {main}, {row}행)이 발송된 뒤에만 보낼 수 있는데, 본상품이 발송되지 않아 "
        "보내지 않았습니다. 본상품 행을 고쳐 다시 실행하세요.",
        "en": "Not sent: an add-on goes only after its main product (product order {main}, row {row}), which was "
        "not dispatched. Fix the main product's row and run again.",
    },
    "dispatch.already_at_naver": {
        "ko": "NAVER에 이미 같은 택배사와 송장번호로 발송 처리되어 있습니다({what}). 다시 보내지 않았습니다.",
        "en": "NAVER already shows this order dispatched with the same courier and tracking number ({what}).",
    },
    "dispatch.BS501": {
        "ko": "이 주문은 {date}에 {old}(으)로 이미 발송 처리되었습니다({by}). 시트의 {new}와(과) 다릅니다. 발송 후 송장 "
        "수정은 스마트스토어 판매자센터에서 하세요.",
        "en": "This order was already dispatched on {date} with {old} ({by}), but the sheet says {new}. "
        "Correct a dispatched order's tracking number in Seller Center.",
    },
    "known.by_run": {"ko": "실행 {run}, {file}", "en": "run {run}, {file}"},
    "known.by_run_row": {"ko": "실행 {run}, {file} {row}행", "en": "run {run}, {file} row {row}"},
    "dispatch.unsettled": {
        "ko": "이전 실행에서 발송 여부를 확인하지 못한 주문입니다({seen}). 스마트스토어에서 확인하기 전에는 보내지 않습니다.",
        "en": "An earlier run could not confirm whether this order was dispatched ({seen}). "
        "It is not sent until checked in Smart Store.",
    },
    "naver.4000": {"ko": "잘못된 요청 파라미터", "en": "invalid request parameter"},
    "naver.9999": {"ko": "기타", "en": "other error"},
    "naver.100001": {"ko": "상품 주문을 찾을 수 없음", "en": "product order not found"},
    "naver.100003": {"ko": "주문을 찾을 수 없음", "en": "order not found"},
    "naver.101009": {
        "ko": "처리 권한이 없는 상품 주문 번호를 요청",
        "en": "no permission for this product order",
    },
    "naver.104105": {"ko": "발송 기한 입력 범위 초과", "en": "dispatch deadline out of range"},
    "naver.104116": {
        "ko": "배송 방법 변경 필요(배송 없음 주문)",
        "en": "delivery method must change (no-delivery order)",
    },
    "naver.104117": {"ko": "배송 방법 변경 필요", "en": "delivery method must change"},
    "naver.104118": {"ko": "택배사 미입력", "en": "courier missing"},
    "naver.104119": {"ko": "택배사 코드 확인", "en": "courier code wrong"},
    "naver.104120": {"ko": "송장 번호 미입력", "en": "tracking number missing"},
    "naver.104121": {"ko": "배송 송장 오류(기사용 송장)", "en": "tracking number already used"},
    "naver.104122": {"ko": "배송 송장 오류(유효하지 않은 송장)", "en": "tracking number invalid"},
    "naver.104131": {"ko": "상품 주문 번호 중복", "en": "duplicate product order number"},
    "naver.104133": {"ko": "잘못된 요청", "en": "bad request"},
    "naver.104417": {
        "ko": "교환 상태 확인 필요(재배송 처리 불가능 주문 상태)",
        "en": "exchange state does not allow re-delivery",
    },
    "naver.104441": {
        "ko": "희망일배송 상품 또는 N희망일배송 상품이 아님",
        "en": "not a desired-date delivery product",
    },
    "naver.104442": {"ko": "상품 주문 상태 확인 필요", "en": "product order state does not allow this"},
    "naver.104443": {"ko": "발주 상태 확인 필요", "en": "place-order (발주) state does not allow this"},
    "naver.104444": {"ko": "배송 희망일 날짜가 유효하지 않음", "en": "desired delivery date invalid"},
    "naver.104445": {
        "ko": "배송 희망일 변경 가능 날짜 초과",
        "en": "desired delivery date beyond the change limit",
    },
    "naver.104446": {"ko": "배송 희망일이 기존과 동일", "en": "desired delivery date unchanged"},
    "naver.104138": {"ko": "배송 희망일 변경 실패", "en": "desired delivery date change failed"},
    "naver.104449": {
        "ko": "배송 희망일 변경 가능 기간이 아님",
        "en": "not within the desired-date change period",
    },
    "naver.104450": {
        "ko": "N희망일배송 상품은 배송 희망 시간, 지역 입력 불가",
        "en": "no time or area for N desired-date delivery",
    },
    "naver.105306": {
        "ko": "변경을 요청한 상태가 기존과 동일",
        "en": "requested state equals the current one",
    },
}
