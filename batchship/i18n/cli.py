"""The command line's own words: `--help` of every command and option, and its notes and errors."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    # argparse's own words
    "argparse.usage": {"ko": "사용법: ", "en": "usage: "},
    "argparse.positionals": {"ko": "위치 인자", "en": "positional arguments"},
    "argparse.options": {"ko": "옵션", "en": "options"},
    "argparse.help": {"ko": "이 도움말을 보여 주고 끝냅니다", "en": "show this help message and exit"},
    "argparse.version": {"ko": "버전을 보여 주고 끝냅니다", "en": "show program's version number and exit"},
    "argparse.required": {
        "ko": "다음 인자가 필요합니다: %s",
        "en": "the following arguments are required: %s",
    },
    "argparse.invalid_choice": {
        "ko": "잘못된 선택: %(value)r (고를 수 있는 것: %(choices)s)",
        "en": "invalid choice: %(value)r (choose from %(choices)s)",
    },
    "argparse.unrecognized": {"ko": "알 수 없는 인자: %s", "en": "unrecognized arguments: %s"},
    "argparse.expected_one": {"ko": "값이 하나 필요합니다", "en": "expected one argument"},
    "argparse.invalid_value": {
        "ko": "잘못된 %(type)s 값: %(value)r",
        "en": "invalid %(type)s value: %(value)r",
    },
    "argparse.error": {"ko": "%(prog)s: 오류: %(message)s\n", "en": "%(prog)s: error: %(message)s\n"},
    "argparse.commands": {"ko": "명령", "en": "commands"},
    # value checks of options
    "cli.must_be": {"ko": "{what}여야 합니다: {value!r}", "en": "must be {what}, not {value!r}"},
    "cli.positive": {"ko": "양수", "en": "a positive number"},
    "cli.share": {"ko": "0에서 1 사이의 비율", "en": "a share from 0 to 1"},
    "cli.whole": {"ko": "{low}에서 {high} 사이의 정수", "en": "a whole number from {low} to {high}"},
    "cli.since_not_date": {
        "ko": "--since {value!r}은(는) 날짜가 아닙니다. 2024-05-01처럼 쓰세요.",
        "en": "--since {value!r} is not a date. Write it like 2024-05-01.",
    },
    "cli.cannot_write": {
        "ko": "{path}을(를) 쓸 수 없습니다({reason}).",
        "en": "Cannot write {path} ({reason}).",
    },
    "cli.error": {"ko": "batchship: {message}", "en": "batchship: {message}"},
    "cli.crash": {
        "ko": "batchship: 예기치 못한 오류({error})로 멈췄습니다. 자세한 내용이 {log}에 있습니다. 이 파일을 "
        "batchship 담당자에게 보내 주세요.",
        "en": "batchship: stopped by an unexpected error ({error}). The details are in {log}; please send that "
        "file to whoever looks after batchship.",
    },
    "cli.no_history": {
        "ko": "{path}에 {ids}의 발송 기록이 없습니다",
        "en": "no attempts for {ids} in {path}",
    },
    "cli.sandbox_listening": {"ko": "샌드박스가 {url}에서 기다립니다", "en": "sandbox listening on {url}"},
    # the program and its commands
    "help.prog": {
        "ko": "발송 시트로 NAVER 스마트스토어 주문을 한꺼번에 발송 처리합니다.",
        "en": "Mark NAVER Smart Store orders as shipped in bulk from a shipping sheet.",
    },
    "help.check": {
        "ko": "시트의 모든 행을 검사하고 결과를 사본에 적습니다(아무것도 보내지 않음)",
        "en": "check every row of a sheet and write the verdict onto a copy (sends nothing)",
    },
    "help.check.description": {
        "ko": "발송 시트의 모든 행을 검사하고 결과를 사본에 적습니다. 아무것도 보내지 않습니다.",
        "en": "Check every row of a shipping sheet and write the verdict onto a copy. Sends nothing.",
    },
    "help.dispatch": {
        "ko": "모든 행을 검사하고 통과한 행을 NAVER에 보낸 뒤, NAVER의 답을 사본에 적습니다",
        "en": "check every row, send the valid ones to NAVER, and write what NAVER answered onto a copy",
    },
    "help.dispatch.description": {
        "ko": "모든 행을 검사하고 통과한 행을 요청당 최대 30건씩(속도 제한에 맞춰) NAVER에 보낸 뒤, 행마다 NAVER의 "
        "답을 시트 사본에 적습니다.",
        "en": "Check every row, send the valid ones to NAVER in requests of at most 30 (paced to the rate limit), "
        "and write NAVER's answer for every row onto a copy of the sheet.",
    },
    "help.watch": {
        "ko": "폴더에 들어오는 시트를 모두 처리합니다(cron, systemd 타이머, 서비스용)",
        "en": "process every sheet dropped into a folder (for cron, systemd timers or as a service)",
    },
    "help.watch.description": {
        "ko": "INBOX에 들어오는 발송 시트를 모두 발송 처리합니다. 결과는 INBOX/results, 원본은 INBOX/done(읽을 수 "
        "없으면 INBOX/failed)으로 갑니다.",
        "en": "Dispatch every shipping sheet dropped into INBOX; results go to INBOX/results, originals to "
        "INBOX/done (or INBOX/failed when unreadable).",
    },
    "help.template": {
        "ko": "발송 시트 양식을 만듭니다(드롭다운이 있는 xlsx, 또는 csv)",
        "en": "write the shipping-sheet template (xlsx with drop-downs, or csv)",
    },
    "help.template.description": {
        "ko": "담당자가 채울 양식을 만듭니다: 번호 열이 텍스트 서식이고 배송방법·택배사 목록이 있는 xlsx, 또는 같은 "
        "머리글의 UTF-8(BOM) csv.",
        "en": "Write the template staff fill in: an xlsx with text-formatted number columns and drop-down lists "
        "of methods and couriers, or a UTF-8 (BOM) csv with the same headers.",
    },
    "help.reconcile": {
        "ko": "확인필요로 남은 주문을 주문 조회로 정리합니다(아무것도 보내지 않음)",
        "en": "settle the orders left UNKNOWN with the order lookup (sends nothing)",
    },
    "help.reconcile.description": {
        "ko": "저널에 발송 여부를 모르는 채로 남은 시도(확인필요)를 NAVER 주문 조회로 확인합니다. 우리 택배사와 "
        "송장번호로 발송된 주문은 성공, 결제 완료 그대로인 주문은 다시 보낼 수 있음, 없거나 다른 상태인 주문은 "
        "실패로 정리하고, 바뀐 것을 보여 줍니다. 아무것도 발송하지 않습니다.",
        "en": "Look up, with NAVER's order lookup, every attempt the journal holds without a known outcome "
        "(UNKNOWN). Orders shipped with our courier and tracking number become SUCCESS; orders still paid "
        "become sendable again; orders NAVER does not know or in another state become FAILED. Prints what "
        "changed. Nothing is dispatched.",
    },
    "reconcile.none": {
        "ko": "{path}: 확인필요로 남은 주문이 없습니다.",
        "en": "{path}: no order is left UNKNOWN.",
    },
    "reconcile.line": {
        "ko": "{pid}  {before} → {after}  {message}",
        "en": "{pid}  {before} → {after}  {message}",
    },
    "reconcile.done": {
        "ko": "{path}: 확인필요 {total}건 정리: 성공 {success}건, 다시 보낼 수 있음 {retry}건, 실패 {failed}건, 여전히 "
        "확인필요 {left}건.",
        "en": "{path}: {total} UNKNOWN settled: {success} SUCCESS, {retry} sendable again, {failed} FAILED, {left} "
        "still UNKNOWN.",
    },
    "reconcile.failed": {
        "ko": "{path}: 주문 조회에 실패해 확인필요 {left}건을 그대로 두었습니다({reason}). 나중에 다시 실행하세요.",
        "en": "{path}: the order lookup failed, so {left} UNKNOWN stay as they are ({reason}). Run again later.",
    },
    "state.sendable": {"ko": "다시 보낼 수 있음", "en": "sendable again"},
    "help.history": {
        "ko": "저널에 있는 주문의 발송 기록을 보여 줍니다",
        "en": "show what the journal knows about orders",
    },
    "help.history.description": {
        "ko": "주어진 상품주문번호마다 저널에 있는 모든 발송 시도를 보여 줍니다.",
        "en": "Show every dispatch attempt the journal holds for the given product order numbers.",
    },
    "help.journal": {"ko": "저널 도구(export)", "en": "journal tools (export)"},
    "help.journal.description": {
        "ko": "저널 도구. `journal export --since 날짜`는 그 날짜 이후의 모든 시도를 CSV로 씁니다.",
        "en": "Journal tools. `journal export --since DATE` writes every attempt since DATE as CSV.",
    },
    "help.journal.actions": {
        "ko": "export: 저널을 CSV로 씁니다; migrate: 다른 저널로 옮깁니다",
        "en": "export: write the journal as CSV; migrate: move it into another journal",
    },
    "help.export": {"ko": "저널을 CSV로 씁니다", "en": "write the journal as CSV"},
    "help.export.description": {
        "ko": "DATE 이후의 모든 시도를 CSV로 씁니다.",
        "en": "Write every attempt since DATE as CSV.",
    },
    "help.sandbox": {
        "ko": "커머스 API의 로컬 모의 서버를 127.0.0.1에서 실행합니다",
        "en": "run the local stand-in for the Commerce API on 127.0.0.1",
    },
    "help.sandbox.description": {
        "ko": "NAVER 커머스 API의 로컬 모의 서버를 127.0.0.1에서 중단할 때까지 실행합니다.",
        "en": "Run the local stand-in for the NAVER Commerce API on 127.0.0.1 until interrupted.",
    },
    # options
    "help.sheet_path": {
        "ko": "발송 시트(.xlsx, .xlsm, .xls, .csv)",
        "en": "the shipping sheet (.xlsx, .xlsm, .xls or .csv)",
    },
    "help.out": {
        "ko": "결과 사본을 쓸 곳. 있는 파일은 바꿔 씁니다(기본: <이름>.result.xlsx, 검사와 미리보기는 <이름>.check.xlsx; "
        "이미 있으면 시각을 붙인 새 이름)",
        "en": "where to write the result copy; a file there is replaced (default: <name>.result.xlsx, for check "
        "and dry runs <name>.check.xlsx; when taken, a new name with the time)",
    },
    "help.sheet": {
        "ko": "읽을 워크시트(기본: 발송처리/발주발송관리/첫 시트)",
        "en": "the worksheet to read (default: 발송처리/발주발송관리/first)",
    },
    "help.password": {
        "ko": "보호된 통합 문서의 비밀번호(또는 {env} 설정)",
        "en": "password of a protected workbook (or set {env})",
    },
    "help.lang": {
        "ko": "메시지 언어(기본: BATCHSHIP_LANG, 없으면 로캘)",
        "en": "language of messages (default: BATCHSHIP_LANG, else the locale)",
    },
    "help.report": {"ko": "요약을 JSON으로도 씁니다", "en": "also write the summary as JSON"},
    "help.batch_size": {
        "ko": "요청당 주문 수, 1~{max}(기본: {max})",
        "en": "orders per request, 1 to {max} (default: {max})",
    },
    "help.debug": {"ko": "오류가 나면 트레이스백을 보여 줍니다", "en": "show a traceback on errors"},
    "help.base_url": {
        "ko": "API 기본 URL(또는 BATCHSHIP_API_BASE_URL; 기본 {url})",
        "en": "API base URL (or set BATCHSHIP_API_BASE_URL; default {url})",
    },
    "help.config": {
        "ko": "client_id와 client_secret이 든 TOML 파일(권한 600)",
        "en": "TOML file with client_id and client_secret (mode 600)",
    },
    "help.rate_limit": {
        "ko": "초당 요청 수(기본: 설정 파일에 적힌 스토어의 `rate_limit`, 없으면 {rate:g})",
        "en": "requests per second (default: the store's rate_limit in the config file, else {rate:g})",
    },
    "help.store_several": {
        "ko": "설정 파일의 스토어 이름(여러 번 줄 수 있습니다: `watch`는 스토어마다 INBOX/이름/ 폴더, `serve`는 올릴 때 스토어를 고릅니다)",
        "en": "a store of the config file (may be given again: watch keeps one INBOX/NAME/ per store, serve lets people pick the store at upload)",
    },
    "help.all_stores": {
        "ko": "설정 파일의 스토어를 모두 맡습니다",
        "en": "serve every store of the config file",
    },
    "help.journal_path": {
        "ko": "발송 저널: 파일 경로, 또는 여러 컴퓨터가 함께 쓰는 postgresql://사용자:비밀번호@서버/데이터베이스 (기본: $BATCHSHIP_JOURNAL 또는 ~/.local/state/batchship/journal.sqlite3)",
        "en": "the dispatch journal: a file path, or postgresql://user:password@host/db shared by several machines (default: $BATCHSHIP_JOURNAL or ~/.local/state/batchship/journal.sqlite3)",
    },
    "help.max_rows": {
        "ko": "한 시트에서 읽는 최대 주문 행 수(기본 {n:,})",
        "en": "most order rows read from one sheet (default {n:,})",
    },
    "help.max_file_mb": {
        "ko": "읽는 파일의 최대 크기(기본 {n} MB)",
        "en": "largest file read (default {n} MB)",
    },
    "help.dry_run": {
        "ko": "요청을 만들어 하나를 보여 주고, 아무것도 보내지 않습니다",
        "en": "build the requests and show one; send nothing",
    },
    "help.quiet": {"ko": "진행 막대를 보이지 않습니다", "en": "no progress bar"},
    "help.sandbox_flag": {
        "ko": "로컬 샌드박스를 시작해 시트의 주문을 넣고 그곳으로 발송합니다(인증 정보 불필요)",
        "en": "start the local sandbox, seed it with the sheet's orders, and dispatch against it (no credentials)",
    },
    "help.no_preflight": {
        "ko": "보내기 직전의 주문 조회를 하지 않습니다(취소 요청이 있는 주문도 보냅니다)",
        "en": "do not look orders up right before sending (orders the buyer asked to cancel are sent too)",
    },
    "help.ship_cancel_requests": {
        "ko": "구매자가 취소를 요청한 주문도 보냅니다(이미 출고한 경우). 발송하면 취소 요청이 거부됩니다",
        "en": "send orders the buyer asked to cancel too (the parcel has left); dispatching rejects the request",
    },
    "help.check_journal": {
        "ko": "이미 발송한 주문을 찾아볼 저널(읽기만 합니다. 기본: $BATCHSHIP_JOURNAL 또는 "
        "~/.local/state/batchship/journal.sqlite3)",
        "en": "the journal to look for orders already dispatched (only read; default: $BATCHSHIP_JOURNAL or "
        "~/.local/state/batchship/journal.sqlite3)",
    },
    "help.check_config": {
        "ko": "client_id가 든 TOML 파일: 그 계정의 발송 기록만 봅니다(없으면 환경 변수, 그것도 없으면 연습 스토어를 뺀 "
        "모든 계정)",
        "en": "TOML file with client_id: only that account's dispatches are looked at (else the environment, else "
        "every account but the practice store)",
    },
    "help.check_sandbox": {
        "ko": "연습 스토어(--sandbox)로 보낸 기록과 비교합니다",
        "en": "look at what was sent to the practice store (--sandbox)",
    },
    "help.sandbox_reconcile": {
        "ko": "NAVER 대신 연습 스토어(저널 옆에 저장된 상태)에서 조회합니다",
        "en": "look orders up in the practice store (kept beside the journal) instead of NAVER",
    },
    "help.sandbox_reset": {
        "ko": "--sandbox와 함께: 저널 옆에 저장된 연습 스토어를 비우고 시작합니다",
        "en": "with --sandbox: empty the practice store kept beside the journal first",
    },
    "help.sandbox_orders": {
        "ko": "--sandbox와 함께: 연습 스토어에 둘 주문(CSV productOrderId,status,...; 예: sample_data/sandbox_orders.csv). "
        "시트의 주문 대신 이 주문만 있고, 저장된 스토어에 없는 주문은 추가됩니다",
        "en": "with --sandbox: the orders the practice store holds (CSV productOrderId,status,...; e.g. "
        "sample_data/sandbox_orders.csv) instead of the sheet's; those a saved store lacks are added",
    },
    "help.inbox": {"ko": "지켜볼 폴더", "en": "the folder to watch"},
    "help.once": {
        "ko": "있는 것을 처리하고 끝냅니다(cron, 타이머)",
        "en": "process what is there, then exit (cron, timers)",
    },
    "help.interval": {"ko": "폴더를 다시 살피는 간격(초, 기본 10)", "en": "seconds between scans (10)"},
    "help.settle": {
        "ko": "파일을 가져가기 전에 바뀌지 않고 있어야 하는 시간(초, 기본 5)",
        "en": "seconds a file must stay unchanged before it is taken (5)",
    },
    "help.watch_dry_run": {
        "ko": "시트마다 검사하고 요청을 만들기만 하고, 보내지 않습니다",
        "en": "check and plan each sheet, send nothing",
    },
    "help.log": {
        "ko": "실행 기록(기본 INBOX/results/batchship.log)",
        "en": "run log (default INBOX/results/batchship.log)",
    },
    "help.watch_sheet": {"ko": "파일마다 읽을 워크시트", "en": "the worksheet to read in each file"},
    "help.format": {"ko": "xlsx(기본) 또는 csv", "en": "xlsx (default) or csv"},
    "help.template_out": {
        "ko": "쓸 곳(기본: dispatch_template.<형식>)",
        "en": "where to write it (default: dispatch_template.<format>)",
    },
    "help.order_ids": {"ko": "상품주문번호", "en": "product order numbers"},
    "help.history_journal": {
        "ko": "저널(기본: dispatch와 같음)",
        "en": "the journal (default as for dispatch)",
    },
    "help.since": {"ko": "포함할 첫 날, 예: 2024-05-01", "en": "first day to include, e.g. 2024-05-01"},
    "help.export_out": {
        "ko": "쓸 CSV 파일(기본: 표준 출력)",
        "en": "CSV file to write (default: standard output)",
    },
    "help.port": {"ko": "기다릴 포트(기본: 빈 포트)", "en": "port to listen on (default: a free one)"},
    "help.orders": {
        "ko": "주문 CSV: productOrderId,status,placeOrderStatus(선택: orderId,productClass,claimType,claimStatus,fault)",
        "en": "orders CSV: productOrderId,status,placeOrderStatus (optional: orderId,productClass,claimType,"
        "claimStatus,fault)",
    },
    "help.seed_from": {
        "ko": "시트의 모든 주문을 결제 완료(PAYED)로 넣습니다",
        "en": "add every order of a sheet as PAYED",
    },
    "help.sandbox_rate": {"ko": "애플리케이션당 초당 요청 수", "en": "requests per second per application"},
    "help.token_ttl": {"ko": "토큰 수명(초)", "en": "token lifetime in seconds"},
    "help.latency": {"ko": "모든 응답에 더할 지연(초)", "en": "seconds added to every answer"},
    "help.fault_429": {
        "ko": "속도와 상관없이 429로 답할 발송 호출의 비율(폭주)",
        "en": "share of dispatch calls answered 429 whatever the rate (a storm)",
    },
    "help.fault_500": {
        "ko": "적용 전에 500으로 답할 발송 호출의 비율",
        "en": "share of dispatch calls answered 500 before applying",
    },
    "help.fault_504_after": {
        "ko": "적용한 뒤 504로 답할 발송 호출의 비율",
        "en": "share of dispatch calls applied, then answered 504",
    },
    "help.fault_drop_after": {
        "ko": "적용한 뒤 연결을 끊을 발송 호출의 비율",
        "en": "share of dispatch calls applied, then dropped",
    },
    "help.fault_seed": {"ko": "장애를 고르는 난수 시드", "en": "random seed for the faults"},
    "sandbox.orders_unreadable": {
        "ko": "샌드박스 주문 파일 {path}을(를) 읽을 수 없습니다({reason}).",
        "en": "Cannot read the sandbox orders {path}: {reason}",
    },
    "sandbox.cannot_listen": {
        "ko": "샌드박스가 {host}:{port}에서 기다릴 수 없습니다({reason}). --port로 다른 포트를 주거나, --port를 빼서 "
        "빈 포트를 쓰세요.",
        "en": "The sandbox cannot listen on {host}:{port} ({reason}). Give another --port, or leave --port out "
        "to take a free one.",
    },
    "sandbox.state_unreadable": {
        "ko": "연습 스토어 상태 파일 {path}을(를) 읽을 수 없습니다({reason}). 이 파일을 지우면 연습 스토어가 처음 "
        "상태로 돌아갑니다.",
        "en": "Cannot read the practice store's state {path} ({reason}). Delete the file to start the practice "
        "store afresh.",
    },
    "sandbox.orders_not_utf8": {
        "ko": "샌드박스 주문 파일 {path}이(가) UTF-8이 아닙니다. UTF-8 CSV로 저장하세요.",
        "en": "The sandbox orders {path} are not UTF-8. Save them as a UTF-8 CSV.",
    },
    "sandbox.orders_bad_value": {
        "ko": "샌드박스 주문 파일 {path} {line}행: 주문 {pid}의 {column} 값 {value}을(를) 알 수 없습니다. "
        "다음 중 하나를 쓰세요: {choices}.",
        "en": "The sandbox orders {path}, line {line}: unknown {column} {value} for order {pid}. Use one of: "
        "{choices}.",
    },
}
