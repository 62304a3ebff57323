"""Summaries of a run: the terminal table, the 요약 sheet, dispatch notes."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "run.dry_run": {
        "ko": "미리보기(--dry-run): 요청 {requests}건을 만들었고 아무것도 보내지 않았습니다. 첫 요청의 본문:",
        "en": "Dry run: built {requests} request(s) and sent nothing. The first request's body:",
    },
    "run.waiting": {
        "ko": "다른 batchship 실행이 같은 저널로 보내는 중입니다. 끝날 때까지 기다립니다...",
        "en": "Another batchship run is sending with this journal; waiting for it to finish...",
    },
    "run.practice_store": {
        "ko": "연습 스토어 {path}: 주문 {orders}건(발송된 주문 {shipped}건). 시트의 주문 중 처음 보는 것은 결제 완료로 "
        "추가합니다. 비우려면 --sandbox-reset을 쓰세요.",
        "en": "practice store {path}: {orders} orders ({shipped} dispatched). Orders of the sheet it does not "
        "know yet are added as paid. To empty it, use --sandbox-reset.",
    },
    "run.practice_store_lookup": {
        "ko": "연습 스토어 {path}: 주문 {orders}건(발송된 주문 {shipped}건).",
        "en": "practice store {path}: {orders} orders ({shipped} dispatched).",
    },
    "run.practice_store_csv": {
        "ko": "연습 스토어 {path}: 주문 {orders}건(발송된 주문 {shipped}건). --sandbox-orders의 주문만 있습니다. "
        "비우려면 --sandbox-reset을 쓰세요.",
        "en": "practice store {path}: {orders} orders ({shipped} dispatched), those of --sandbox-orders only. "
        "To empty it, use --sandbox-reset.",
    },
    "run.sandbox": {
        "ko": "샌드박스: {url} (로컬 모의 서버, NAVER가 아님)",
        "en": "sandbox: {url} (a local stand-in, not NAVER)",
    },
    "summary.sheet_name": {"ko": "요약", "en": "summary"},
    "summary.title": {"ko": "batchship 처리 요약", "en": "batchship run summary"},
    "summary.file": {"ko": "파일", "en": "file"},
    "summary.sheet": {"ko": "시트", "en": "sheet"},
    "known.unreadable": {
        "ko": "저널을 읽지 못해 이미 발송한 주문인지는 확인하지 않았습니다: {path} ({reason}).",
        "en": "Could not read the journal, so orders were not checked against earlier runs: {path} ({reason}).",
    },
    "summary.run": {"ko": "실행 ID", "en": "run id"},
    "summary.started_by": {"ko": "실행한 사람", "en": "started by"},
    "summary.store": {"ko": "스토어", "en": "store"},
    "summary.when": {"ko": "실행 시각", "en": "run at"},
    "summary.mode": {"ko": "방식", "en": "mode"},
    "summary.target": {"ko": "보낸 곳", "en": "sent to"},
    "summary.rows": {"ko": "주문 행", "en": "order rows"},
    "summary.written": {"ko": "작성 방식", "en": "written"},
    "summary.rebuilt": {
        "ko": "호환 방식으로 새로 만듦(원본의 서식 일부가 빠졌을 수 있음)",
        "en": "rebuilt in compatibility mode (some of the original's formatting may be missing)",
    },
    "summary.status": {"ko": "처리결과", "en": "result"},
    "summary.count": {"ko": "행 수", "en": "rows"},
    "summary.code": {"ko": "오류코드", "en": "error code"},
    "summary.meaning": {"ko": "의미", "en": "meaning"},
    "summary.check": {"ko": "검사만(check)", "en": "check only"},
    "summary.dispatch": {"ko": "발송(dispatch)", "en": "dispatch"},
    "summary.dry_run": {"ko": "미리보기(dispatch --dry-run)", "en": "dispatch --dry-run"},
    "summary.none": {"ko": "없음(보내지 않음)", "en": "nothing (not sent)"},
    "summary.sandbox": {"ko": "샌드박스(로컬 모의 서버)", "en": "sandbox (local stand-in)"},
    "summary.naver": {"ko": "NAVER", "en": "NAVER"},
    "summary.header_row": {"ko": "{sheet} (머리글 {row}행)", "en": "{sheet} (header in row {row})"},
    "summary.chart": {"ko": "처리결과별 행 수", "en": "rows by result"},
    "text.head": {
        "ko": "{file} ({sheet} 시트, 머리글 {row}행): 주문 {rows}행",
        "en": "{file} (sheet {sheet}, header in row {row}): {rows} order rows",
    },
    "text.head_csv": {
        "ko": "{file} (머리글 {row}행): 주문 {rows}행",
        "en": "{file} (header in row {row}): {rows} order rows",
    },
    "text.status": {"ko": "처리결과", "en": "result"},
    "text.count": {"ko": "행 수", "en": "rows"},
    "text.code": {"ko": "오류코드", "en": "code"},
    "text.meaning": {"ko": "의미", "en": "meaning"},
    "text.passed": {"ko": "검사 통과", "en": "passed checks"},
    "text.more": {
        "ko": "... 그 밖의 오류코드 {n}개 (결과 파일의 요약 시트 참고)",
        "en": "... {n} more error codes (see the summary sheet of the result file)",
    },
    "text.plan": {
        "ko": "보낼 요청: {requests}건 (요청당 최대 {batch}개)",
        "en": "requests to send: {requests} (at most {batch} orders each)",
    },
    "text.figures": {
        "ko": "요청 {requests}건, 재시도 {retries}건, 주문 조회 {lookups}건, 속도 제한(429) {rate_limited}건, "
        "{duration:.1f}초",
        "en": "requests {requests}, retries {retries}, order lookups {lookups}, rate-limited (429) "
        "{rate_limited}, {duration:.1f} s",
    },
    "text.result": {"ko": "결과 파일", "en": "result file"},
    "text.retry": {"ko": "재시도 파일", "en": "retry file"},
    "text.journal": {"ko": "저널", "en": "journal"},
    "text.report": {"ko": "보고서", "en": "report"},
    "text.rebuilt": {
        "ko": "결과 파일은 호환 방식으로 새로 만들었습니다: 원본의 서식 일부가 빠졌을 수 있습니다.",
        "en": "The result file was rebuilt in compatibility mode: some of the original's formatting may be missing.",
    },
}

EXTRA: Final[dict[str, dict[str, str]]] = {
    "codes.table_head": {"ko": "| 코드 | 뜻 | 고치는 법 |", "en": "| code | meaning | fix |"},
    "seen.not_found": {"ko": "주문 없음", "en": "order not found"},
    "seen.shipped": {"ko": "{status}, {courier} {tracking}", "en": "{status}, {courier} {tracking}"},
    "seen.pending": {"ko": "응답을 받기 전에 실행이 멈춤", "en": "the run stopped before the answer came"},
    "order_status.PAYMENT_WAITING": {"ko": "입금 대기", "en": "awaiting payment"},
    "order_status.PAYED": {"ko": "결제 완료(발송 전)", "en": "paid, not dispatched"},
    "order_status.DELIVERING": {"ko": "배송 중", "en": "in delivery"},
    "order_status.DELIVERED": {"ko": "배송 완료", "en": "delivered"},
    "order_status.PURCHASE_DECIDED": {"ko": "구매 확정", "en": "purchase confirmed"},
    "order_status.EXCHANGED": {"ko": "교환", "en": "exchanged"},
    "order_status.CANCELED": {"ko": "취소됨", "en": "cancelled"},
    "order_status.RETURNED": {"ko": "반품됨", "en": "returned"},
    "order_status.CANCELED_BY_NOPAYMENT": {"ko": "미결제 취소", "en": "cancelled, never paid"},
    "claim.CANCEL_REQUEST": {"ko": "구매자 취소 요청", "en": "the buyer asked to cancel"},
    "claim.CANCELING": {"ko": "취소 처리 중", "en": "being cancelled"},
    "claim.CANCEL_DONE": {"ko": "취소 완료", "en": "cancelled"},
    "claim.CANCEL_REJECT": {"ko": "취소 요청 거부됨", "en": "cancel request rejected"},
    "claim.RETURN_REQUEST": {"ko": "반품 요청", "en": "return requested"},
    "claim.EXCHANGE_REQUEST": {"ko": "교환 요청", "en": "exchange requested"},
    "claim.COLLECTING": {"ko": "수거 중", "en": "being collected"},
    "claim.COLLECT_DONE": {"ko": "수거 완료", "en": "collected"},
    "claim.ADMIN_CANCELING": {"ko": "직권 취소 처리 중", "en": "being cancelled by NAVER"},
    "claim.ADMIN_CANCEL_DONE": {"ko": "직권 취소 완료", "en": "cancelled by NAVER"},
    "claim.ADMIN_CANCEL_REJECT": {"ko": "직권 취소 철회", "en": "NAVER's cancellation withdrawn"},
    "claim.unknown": {"ko": "클레임 진행 중({status})", "en": "claim in progress ({status})"},
    "preflight.failed": {
        "ko": "보내기 전 주문 조회에 실패해 보내지 않았습니다({reason}). 잠시 뒤 다시 실행하세요. 조회 없이 보내려면 "
        "--no-preflight를 쓰세요(취소 요청이 있는 주문도 보내게 됩니다).",
        "en": "The order lookup before sending failed, so nothing was sent ({reason}). Run again in a while; "
        "--no-preflight sends without looking (orders the buyer asked to cancel included).",
    },
    "text.preflight": {
        "ko": "발송할 때는 보내기 직전에 주문을 조회해 취소 요청이 있거나 이미 발송된 주문을 거릅니다.",
        "en": "A dispatch looks every order up right before sending, and holds back those the buyer asked to "
        "cancel or that are already dispatched.",
    },
    "order_status.unknown": {"ko": "알 수 없는 상태({status})", "en": "unknown status ({status})"},
    "progress.label": {"ko": "발송", "en": "dispatch"},
    "progress.unit": {"ko": "행", "en": "row"},
    "progress.refused": {"ko": "거부 {n}", "en": "refused {n}"},
}
MESSAGES.update(EXTRA)

WATCH: Final[dict[str, dict[str, str]]] = {
    "watch.log_failed": {"ko": "실패: {message}", "en": "failed: {message}"},
    "watch.died_with_it": {
        "ko": "batchship watch가 이 파일을 처리하다 {n}번 멈췄습니다. 다시 시도하지 않고 failed/로 옮겼습니다. 파일을 "
        "확인하세요. 고친 뒤 다시 넣으면 이미 보낸 주문은 다시 보내지 않습니다.",
        "en": "batchship watch died {n} times while processing this file, so it was moved to failed/ instead of "
        "being tried again. Check the file; once fixed, drop it in again: orders already sent are not sent "
        "twice.",
    },
    "watch.crashed": {
        "ko": "예기치 못한 오류({error})로 이 파일을 처리하지 못했습니다. 자세한 내용이 {log}에 있습니다. 다시 넣으면 "
        "이미 보낸 주문은 다시 보내지 않습니다.",
        "en": "This file could not be processed: an unexpected error ({error}). The details are in {log}. If you "
        "drop it in again, orders already sent are not sent twice.",
    },
    "watch.start": {
        "ko": "감시 시작: {inbox} ({interval:g}초마다 확인, {settle:g}초 동안 그대로인 파일을 처리). 저널: {journal}. "
        "결과: {results}. 끝내려면 Ctrl+C.",
        "en": "watching {inbox} (every {interval:g} s; a file is taken once unchanged for {settle:g} s). "
        "journal: {journal}. results: {results}. Ctrl+C to stop.",
    },
    "watch.no_journal": {"ko": "없음(시험 실행)", "en": "none (dry run)"},
    "watch.bad_store_folder": {
        "ko": "스토어 이름 '{store}'은(는) 폴더 이름으로 쓸 수 없습니다. 설정 파일의 [stores.이름]에 영문, 숫자, -, _ 로 된 이름을 쓰세요.",
        "en": "The store name '{store}' cannot be a folder name; name it in [stores.NAME] with letters, digits, - and _.",
    },
    "watch.not_a_folder": {
        "ko": "{path}은(는) 폴더가 아닙니다. 감시할 폴더를 지정하세요(없으면 새로 만듭니다).",
        "en": "{path} is not a folder. Give the folder to watch (it is created if missing).",
    },
    "watch.cannot_create": {
        "ko": "감시 폴더 {path}을(를) 만들 수 없습니다({reason}).",
        "en": "Cannot create the watched folder {path} ({reason}).",
    },
    "watch.log_error": {
        "ko": "오류(다음 실행에서 다시 시도): {message}",
        "en": "error (tried again next run): {message}",
    },
    "watch.log_stopped": {"ko": "중단됨(processing/에 남김)", "en": "stopped (left in processing/)"},
    "watch.log_exit": {"ko": "종료 코드 {code}", "en": "exit {code}"},
    "watch.locked": {
        "ko": "다른 batchship watch가 {inbox}을(를) 처리하고 있습니다({holder}). 할 일이 없습니다.",
        "en": "another batchship watch holds {inbox} ({holder}); nothing to do",
    },
    "watch.waiting": {
        "ko": "다른 batchship watch가 {inbox}을(를) 처리하고 있습니다({holder}). 끝날 때까지 기다립니다.",
        "en": "another batchship watch holds {inbox} ({holder}); waiting",
    },
    "watch.failed": {"ko": "실패: {name}: {message}", "en": "failed: {name}: {message}"},
    "watch.processed": {"ko": "처리함: {name}: {counts}", "en": "processed: {name}: {counts}"},
    "watch.stopped": {"ko": "중단함: {name}: {counts}", "en": "stopped: {name}: {counts}"},
}
MESSAGES.update(WATCH)
