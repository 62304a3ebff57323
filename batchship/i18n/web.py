"""The web desk's words (pages, API errors) and the accounts' (`batchship user`, the users page)."""

from __future__ import annotations

from typing import Final

_ROLES: Final = {
    "desk.role_check": {"ko": "검사", "en": "check"},
    "desk.role_dispatch": {"ko": "발송", "en": "dispatch"},
    "desk.role_admin": {"ko": "관리자", "en": "admin"},
}
_STATES: Final = {
    "desk.status_queued": {"ko": "대기 중", "en": "queued"},
    "desk.status_running": {"ko": "진행 중", "en": "running"},
    "desk.status_done": {"ko": "완료", "en": "done"},
    "desk.status_failed": {"ko": "실패", "en": "failed"},
    "desk.mode_check": {"ko": "검사", "en": "check"},
    "desk.mode_dry-run": {"ko": "모의 발송", "en": "dry run"},
    "desk.mode_dispatch": {"ko": "발송", "en": "dispatch"},
    "desk.face_web": {"ko": "웹", "en": "web"},
    "desk.face_cli": {"ko": "명령줄", "en": "command line"},
    "desk.face_watch": {"ko": "폴더 감시", "en": "folder watcher"},
    "desk.attempt_pending": {"ko": "응답 대기", "en": "pending"},
    "desk.attempt_success": {"ko": "성공", "en": "success"},
    "desk.attempt_failed": {"ko": "실패", "en": "failed"},
    "desk.attempt_not_applied": {"ko": "미반영", "en": "not applied"},
    "desk.attempt_unknown": {"ko": "확인필요", "en": "unknown"},
    "desk.phase_queued": {"ko": "차례를 기다립니다…", "en": "Waiting for a free worker…"},
    "desk.phase_queued_dispatch": {
        "ko": "같은 스토어의 다른 발송이 끝나기를 기다립니다 (요청 한도를 함께 씁니다)…",
        "en": "Waiting for another dispatch to the same store to finish (they share its request limit)…",
    },
    "desk.phase_running": {"ko": "시트를 읽고 검사하는 중…", "en": "Reading and checking the sheet…"},
    "desk.phase_waiting": {
        "ko": "다른 프로그램(명령줄, 폴더 감시)의 발송이 끝나기를 기다립니다…",
        "en": "Waiting for another program's dispatch (command line, folder watcher) to finish…",
    },
    "desk.phase_sending": {
        "ko": "{done}/{total}행 처리 · 요청 {requests} · 재시도 {retries} · 한도 대기 {rate_limited} · 남은 시간 약 {left_s}초",
        "en": "{done}/{total} rows · {requests} requests · {retries} retries · {rate_limited} rate-limited waits · about {left_s} s left",
    },
    "desk.phase_finished": {"ko": "결과 파일을 쓰는 중…", "en": "Writing the result copy…"},
}
_PAGES: Final = {
    "desk.title": {"ko": "batchship 발송 데스크", "en": "batchship dispatch desk"},
    "desk.banner_sandbox": {
        "ko": "샌드박스: 실제 스토어에 반영되지 않습니다",
        "en": "Sandbox: nothing reaches the real store",
    },
    "desk.banner_store": {"ko": "실제 스토어: {store}", "en": "Live store: {store}"},
    "desk.store_unnamed": {"ko": "NAVER 스마트스토어", "en": "NAVER Smart Store"},
    "desk.target_sandbox": {"ko": "샌드박스(연습용 스토어)", "en": "the sandbox (practice store)"},
    "desk.target_store": {"ko": "실제 스토어 {store}", "en": "the live store {store}"},
    "desk.nav_upload": {"ko": "올리기", "en": "Upload"},
    "desk.nav_history": {"ko": "기록", "en": "History"},
    "desk.nav_users": {"ko": "사용자", "en": "Users"},
    "desk.signed_in": {"ko": "{name} ({role})", "en": "{name} ({role})"},
    "desk.logout": {"ko": "로그아웃", "en": "Log out"},
    "desk.login_title": {"ko": "로그인", "en": "Log in"},
    "desk.login": {"ko": "로그인", "en": "Log in"},
    "desk.name": {"ko": "아이디", "en": "User name"},
    "desk.password": {"ko": "비밀번호", "en": "Password"},
    "desk.error_title": {
        "ko": "요청을 처리할 수 없습니다 ({status})",
        "en": "The request cannot be done ({status})",
    },
    "desk.back_home": {"ko": "처음 화면으로", "en": "Back to the start"},
    "desk.upload_title": {"ko": "오늘의 발송 시트 올리기", "en": "Upload today's shipping sheet"},
    "desk.upload_help": {
        "ko": "엑셀(.xlsx .xlsm .xls) 또는 CSV(.csv .txt .tsv) 파일을 끌어다 놓거나 골라 주세요. 먼저 모든 행을 검사하고, 발송은 확인 후에 합니다.",
        "en": "Drop or choose an Excel (.xlsx .xlsm .xls) or CSV (.csv .txt .tsv) file. Every row is checked first; nothing is sent until you confirm.",
    },
    "desk.drop_here": {
        "ko": "여기에 파일을 끌어다 놓거나 눌러서 고르세요",
        "en": "Drop the file here, or click to choose it",
    },
    "desk.password_optional": {"ko": "암호가 걸린 파일인가요?", "en": "Is the workbook password-protected?"},
    "desk.sheet_password": {"ko": "파일 암호", "en": "Workbook password"},
    "desk.password_not_kept": {
        "ko": "암호는 이 작업 동안 메모리에만 두고 저장하지 않습니다.",
        "en": "The password is kept in memory for this work only, never stored.",
    },
    "desk.check_button": {"ko": "검사하기", "en": "Check"},
    "desk.check_again": {"ko": "다시 검사", "en": "Check again"},
    "desk.recent": {"ko": "최근 작업", "en": "Recent runs"},
    "desk.when": {"ko": "시각", "en": "When"},
    "desk.file": {"ko": "파일", "en": "File"},
    "desk.files": {"ko": "파일 받기", "en": "Downloads"},
    "desk.mode": {"ko": "방식", "en": "Mode"},
    "desk.who": {"ko": "실행한 사람", "en": "Started by"},
    "desk.state": {"ko": "상태", "en": "State"},
    "desk.face": {"ko": "경로", "en": "From"},
    "desk.counts": {"ko": "결과", "en": "Results"},
    "desk.run_by": {"ko": "{name} · {when}", "en": "{name} · {when}"},
    "desk.sheet_named": {"ko": "시트 {sheet}", "en": "sheet {sheet}"},
    "desk.leave_ok": {
        "ko": "이 페이지를 닫거나 새로 고쳐도 작업은 계속됩니다. 다시 열면 진행 상황이 보입니다.",
        "en": "Closing or reloading this page does not stop the run; come back to see where it is.",
    },
    "desk.reload": {"ko": "새로 고침", "en": "Reload"},
    "desk.failed_unknown": {"ko": "작업이 끝나지 못했습니다.", "en": "The run did not finish."},
    "desk.choose_sheet": {"ko": "시트 고르기", "en": "Choose the sheet"},
    "desk.verdicts": {"ko": "검사 결과", "en": "Verdicts"},
    "desk.summary_line": {"ko": "주문 행 {rows}개.", "en": "{rows} order rows."},
    "desk.figures": {
        "ko": "요청 {requests}건, 재시도 {retries}건, 한도 대기 {rate_limited}건, {duration}초.",
        "en": "{requests} requests, {retries} retries, {rate_limited} rate-limited waits, {duration} s.",
    },
    "desk.all": {"ko": "전체", "en": "All"},
    "desk.download_check": {"ko": "검사 결과 파일 받기", "en": "Download the checked copy"},
    "desk.download_result": {"ko": "결과 파일 받기", "en": "Download the result copy"},
    "desk.download_retry": {"ko": "재시도 파일 받기", "en": "Download the retry file"},
    "desk.dispatch_button": {"ko": "발송하기 ({n}건)", "en": "Ship ({n} orders)"},
    "desk.no_dispatch_role": {
        "ko": "발송은 발송 권한이 있는 사용자만 할 수 있습니다.",
        "en": "Only users with the dispatch role can ship.",
    },
    "desk.codes": {"ko": "오류 코드", "en": "Error codes"},
    "desk.code": {"ko": "코드", "en": "Code"},
    "desk.count": {"ko": "건수", "en": "Count"},
    "desk.meaning": {"ko": "뜻", "en": "Meaning"},
    "desk.fix": {"ko": "고치는 법", "en": "How to fix"},
    "desk.rows": {"ko": "행별 결과", "en": "Rows"},
    "desk.search_order": {"ko": "상품주문번호 찾기", "en": "Find an order number"},
    "desk.search": {"ko": "찾기", "en": "Search"},
    "desk.rows_shown": {
        "ko": "{total}행 중 {page}/{pages}쪽.",
        "en": "{total} rows, page {page} of {pages}.",
    },
    "desk.attention_first": {
        "ko": "확인이 필요한 행을 먼저 보여 줍니다 (전체를 보려면 '전체').",
        "en": "Rows that need attention are shown first ('All' shows every row).",
    },
    "desk.row": {"ko": "행", "en": "Row"},
    "desk.order": {"ko": "상품주문번호", "en": "Order number"},
    "desk.result": {"ko": "결과", "en": "Result"},
    "desk.message": {"ko": "메시지", "en": "Message"},
    "desk.prev": {"ko": "이전", "en": "Previous"},
    "desk.next": {"ko": "다음", "en": "Next"},
    "desk.confirm_title": {"ko": "발송할까요?", "en": "Ship these orders?"},
    "desk.confirm_text": {
        "ko": "{file}의 주문 {n}건을 {target}에 발송 처리합니다.",
        "en": "{n} orders of {file} will be marked as shipped in {target}.",
    },
    "desk.confirm_warning": {
        "ko": "발송 처리는 되돌릴 수 없습니다. 보내기 직전에 주문 상태를 다시 확인하고, 취소 요청이 들어온 주문은 보내지 않습니다.",
        "en": "Shipping cannot be undone. Every order is looked up again right before sending, and orders whose buyer asked to cancel are held.",
    },
    "desk.confirm_button": {"ko": "{n}건 발송하기", "en": "Ship {n} orders"},
    "desk.cancel": {"ko": "취소", "en": "Cancel"},
    "desk.history_title": {"ko": "기록", "en": "History"},
    "desk.order_attempts": {"ko": "{order}의 발송 시도", "en": "Dispatch attempts for {order}"},
    "desk.no_attempts": {
        "ko": "저널에 {order}의 발송 시도가 없습니다.",
        "en": "The journal holds no attempt for {order}.",
    },
    "desk.runs_by_day": {"ko": "최근 {days}일의 작업", "en": "Runs of the last {days} days"},
    "desk.no_runs": {"ko": "아직 작업이 없습니다.", "en": "No runs yet."},
    "desk.courier": {"ko": "택배사", "en": "Courier"},
    "desk.tracking": {"ko": "송장번호", "en": "Tracking number"},
    "desk.run": {"ko": "실행 ID", "en": "Run id"},
    "desk.open": {"ko": "열기", "en": "Open"},
    "desk.users_title": {"ko": "사용자 관리", "en": "Users"},
    "desk.role": {"ko": "권한", "en": "Role"},
    "desk.since": {"ko": "만든 날", "en": "Since"},
    "desk.change": {"ko": "바꾸기", "en": "Change"},
    "desk.remove": {"ko": "지우기", "en": "Remove"},
    "desk.add_user": {"ko": "사용자 추가", "en": "Add a user"},
    "desk.add": {"ko": "추가", "en": "Add"},
}
_ERRORS: Final = {
    "desk.login_required": {"ko": "로그인이 필요합니다.", "en": "Please log in."},
    "desk.bad_login": {
        "ko": "아이디 또는 비밀번호가 맞지 않습니다.",
        "en": "The user name or password is wrong.",
    },
    "desk.throttled": {
        "ko": "로그인 실패가 너무 많습니다. {minutes}분 뒤에 다시 해 보세요.",
        "en": "Too many failed logins. Try again in {minutes} minutes.",
    },
    "desk.csrf": {
        "ko": "보안 토큰이 없거나 맞지 않아 요청을 거절했습니다. 페이지를 새로 고친 뒤 다시 해 보세요.",
        "en": "The request was refused: its security token is missing or wrong. Reload the page and try again.",
    },
    "desk.forbidden": {
        "ko": "이 일은 '{role}' 권한이 있어야 할 수 있습니다. 관리자에게 권한을 요청하세요.",
        "en": "This needs the '{role}' role; ask an admin for it.",
    },
    "desk.no_run": {"ko": "작업 {id}을(를) 찾을 수 없습니다.", "en": "There is no run {id}."},
    "desk.store": {"ko": "스토어", "en": "Store"},
    "desk.store_pick": {"ko": "스토어", "en": "Store"},
    "desk.store_pick_one": {"ko": "보낼 스토어를 고르세요", "en": "Choose the store"},
    "desk.user_stores": {"ko": "쓸 수 있는 스토어", "en": "Stores"},
    "desk.every_store": {"ko": "모든 스토어", "en": "every store"},
    "desk.every_store_hint": {
        "ko": "하나도 고르지 않으면 모든 스토어를 쓸 수 있습니다.",
        "en": "Choose none for every store.",
    },
    "desk.no_store_for_you": {
        "ko": "이 웹 데스크에서 쓸 수 있는 스토어가 없습니다. 관리자에게 스토어 권한을 요청하세요.",
        "en": "You may use none of this desk's stores; ask an administrator for one.",
    },
    "desk.store_needed": {
        "ko": "이 웹 데스크는 스토어가 여럿입니다. 스토어를 고르세요({stores}).",
        "en": "This desk serves several stores; choose one ({stores}).",
    },
    "desk.no_such_store": {
        "ko": "스토어 '{store}'은(는) 이 웹 데스크에 없습니다(있는 스토어: {stores}).",
        "en": "This desk has no store '{store}' (its stores: {stores}).",
    },
    "desk.store_forbidden": {
        "ko": "스토어 '{store}'을(를) 쓸 권한이 없습니다. 관리자에게 요청하세요.",
        "en": "You may not use the store '{store}'; ask an administrator.",
    },
    "desk.store_gone": {
        "ko": "이 웹 데스크는 이제 스토어 '{store}'을(를) 맡지 않습니다. 파일을 새로 올리세요.",
        "en": "This desk no longer serves the store '{store}'; upload the file again.",
    },
    "desk.no_file": {
        "ko": "받을 파일이 없습니다 (만들어지지 않았거나 보관 기간이 지나 지워졌습니다).",
        "en": "There is no such file (it was not written, or it was deleted after its keeping time).",
    },
    "desk.not_sheet": {
        "ko": "'{name}'은(는) 시트 파일이 아닙니다. 이런 파일을 올려 주세요: {kinds}",
        "en": "'{name}' is not a sheet. Upload one of: {kinds}",
    },
    "desk.empty_file": {
        "ko": "'{name}'이(가) 비어 있습니다 (0바이트).",
        "en": "'{name}' is empty (0 bytes).",
    },
    "desk.too_large": {
        "ko": "파일이 너무 큽니다 (최대 {mb}MB). 시트를 나누어 올리거나 관리자에게 한도를 물어보세요.",
        "en": "The file is too large (at most {mb} MB). Split the sheet, or ask the admin about the limit.",
    },
    "desk.bad_mode": {
        "ko": "알 수 없는 방식 '{mode}' (가능: {modes}).",
        "en": "Unknown mode '{mode}' (one of: {modes}).",
    },
    "desk.upload_gone": {
        "ko": "작업 {id}의 올린 파일이 보관 기간이 지나 지워졌습니다. 파일을 다시 올려 주세요.",
        "en": "The upload of run {id} was deleted after its keeping time; upload the file again.",
    },
    "desk.nothing_to_send": {
        "ko": "이 작업에는 발송할 주문이 없습니다 (검사가 끝난 작업에서만 발송할 수 있습니다).",
        "en": "This run has no orders to ship (only a finished check can be shipped).",
    },
    "desk.interrupted": {
        "ko": "서버가 멈춰 이 작업이 끝나지 못했습니다. 발송이었다면 기록에서 주문을 찾아보거나 다시 검사하세요: 이미 보낸 주문은 '이미처리'로 나옵니다.",
        "en": "The server stopped before this run finished. If it was a dispatch, look the orders up in the history or check again: orders already sent say so.",
    },
    "desk.crashed": {
        "ko": "batchship 내부 오류({error})입니다. 기록 파일: {log}",
        "en": "batchship failed inside ({error}). Crash log: {log}",
    },
    "desk.not_found": {"ko": "없는 페이지입니다.", "en": "There is no such page."},
    "desk.method": {
        "ko": "이 주소는 그 방식의 요청을 받지 않습니다.",
        "en": "This address does not take that kind of request.",
    },
    "desk.http": {
        "ko": "요청을 처리할 수 없습니다 ({status}).",
        "en": "The request cannot be done ({status}).",
    },
    "desk.invalid_request": {
        "ko": "요청의 값이 맞지 않습니다: {where}",
        "en": "The request has values that do not fit: {where}",
    },
    "desk.bad_action": {"ko": "알 수 없는 작업입니다.", "en": "Unknown action."},
    "desk.protected": {
        "ko": "{file}은(는) 비밀번호로 보호된 파일입니다. 아래에 파일 암호를 넣고 다시 검사하세요.",
        "en": "{file} is password-protected. Enter its password below and check again.",
    },
    "desk.not_yourself": {
        "ko": "자기 계정은 지울 수 없습니다. 다른 관리자가 지워야 합니다.",
        "en": "You cannot remove your own account; another admin can.",
    },
}
_ACCOUNTS: Final = {
    "account.bad_name": {
        "ko": "아이디 '{name}'은(는) 쓸 수 없습니다: 영문, 숫자, . _ @ - 로 64자까지.",
        "en": "'{name}' cannot be a user name: letters, digits and . _ @ -, up to 64.",
    },
    "account.bad_role": {
        "ko": "알 수 없는 권한 '{role}' (가능: {roles}).",
        "en": "Unknown role '{role}' (one of: {roles}).",
    },
    "account.exists": {"ko": "사용자 '{name}'이(가) 이미 있습니다.", "en": "User '{name}' already exists."},
    "account.missing": {"ko": "사용자 '{name}'이(가) 없습니다.", "en": "There is no user '{name}'."},
    "account.short_password": {
        "ko": "비밀번호는 {n}자 이상이어야 합니다.",
        "en": "The password needs at least {n} characters.",
    },
    "account.store_failed": {
        "ko": "사용자 파일 {path}을(를) 열 수 없습니다 ({reason}).",
        "en": "The accounts file {path} cannot be opened ({reason}).",
    },
}
MESSAGES: Final[dict[str, dict[str, str]]] = {**_ROLES, **_STATES, **_PAGES, **_ERRORS, **_ACCOUNTS}
