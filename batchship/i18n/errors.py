"""Why batchship cannot go on: credentials, the Commerce API, the journal, options. Each says what to do."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    # -- credentials and config files
    "config.not_found": {
        "ko": "설정 파일이 없습니다: {path}. 경로를 확인하세요.",
        "en": "Config file not found: {path}. Check the path.",
    },
    "config.unreadable": {
        "ko": "설정 파일을 읽을 수 없습니다: {path} ({reason}).",
        "en": "Cannot read the config file {path} ({reason}).",
    },
    "config.too_open": {
        "ko": "설정 파일 {path}을(를) 다른 사용자도 읽을 수 있습니다(권한 {mode}). 클라이언트 시크릿이 들어 있으므로 "
        "`chmod 600 {path}`을(를) 실행한 뒤 다시 시도하세요.",
        "en": "Config file {path} is readable by other users (mode {mode}), and it holds the client secret. "
        "Run `chmod 600 {path}` and try again.",
    },
    "config.not_toml": {
        "ko": "설정 파일 {path}이(가) 올바른 TOML이 아닙니다({error}). 문법을 확인하세요.",
        "en": "Config file {path} is not valid TOML ({error}). Check its syntax.",
    },
    "config.lacks": {
        "ko": "설정 파일 {path}에 {missing} 항목이 없습니다.",
        "en": "Config file {path} lacks {missing}.",
    },
    "config.no_credentials": {
        "ko": "NAVER 커머스 API 인증 정보가 없습니다: 환경 변수 {missing}을(를) 설정하거나 --config 파일을 주세요. "
        "스토어 없이 연습하려면 --sandbox를 쓰세요.",
        "en": "No NAVER Commerce API credentials: set {missing} (or pass --config FILE). To try batchship "
        "without a store, use --sandbox.",
    },
    # -- the Commerce API
    "api.secret_malformed": {
        "ko": "{source}의 클라이언트 시크릿으로 서명할 수 없습니다: 모양이 맞아 보여도 한 글자라도 다르면(특히 마지막 "
        "글자) 쓸 수 없습니다. 커머스 API센터에서 시크릿을 다시 복사해 넣으세요. 아무것도 보내지 않았습니다.",
        "en": "The client secret in {source} cannot sign requests: even when it looks right, one wrong character "
        "(often the last) makes it unusable. Copy the secret again from the Commerce API center. Nothing was "
        "sent.",
    },
    "api.token_refused": {
        "ko": "NAVER가 인증 토큰 요청을 거부했습니다(HTTP {status} {code}). {source}의 애플리케이션 ID와 시크릿을 "
        "확인하세요.",
        "en": "NAVER refused the token request (HTTP {status} {code}). Check the client id and secret in "
        "{source}.",
    },
    "api.token_ip_refused": {
        "ko": "NAVER가 인증 토큰 요청을 거부했습니다(HTTP {status} {code}): 이 컴퓨터의 IP 주소가 등록되어 있지 "
        "않습니다. 커머스 API센터에서 애플리케이션에 IP 주소를 등록하세요.",
        "en": "NAVER refused the token request (HTTP {status} {code}): this machine's IP address is not "
        "registered. Register it for the application in the Commerce API center.",
    },
    "api.token_unreadable": {
        "ko": "NAVER의 토큰 응답을 읽을 수 없습니다. 잠시 뒤 다시 시도하세요.",
        "en": "NAVER's token endpoint answered something that is not a token. Try again later.",
    },
    "api.connect_failed": {
        "ko": "{url}에 연결하지 못했습니다({error})",
        "en": "could not connect to {url} ({error})",
    },
    "api.write_failed": {
        "ko": "요청을 보내는 중에 연결이 끊겼습니다({error})",
        "en": "the request could not be written ({error})",
    },
    "api.no_answer": {
        "ko": "보낸 뒤 응답을 받지 못했습니다({error})",
        "en": "no answer after sending ({error})",
    },
    "api.http": {"ko": "HTTP {status} {code}", "en": "HTTP {status} {code}"},
    "api.rejected": {
        "ko": "HTTP {status} {code}: {message}",
        "en": "HTTP {status} {code}: {message}",
    },
    "api.forbidden": {
        "ko": "NAVER가 호출을 거부했습니다(HTTP {status} {code}). 커머스 API센터에서 이 컴퓨터의 IP 주소를 "
        "애플리케이션에 등록하세요.",
        "en": "NAVER refused the call (HTTP {status} {code}). Register this machine's IP address for the "
        "application in the Commerce API center.",
    },
    "api.not_found": {
        "ko": "NAVER가 이 API 경로를 모릅니다(HTTP {status} {code}). --base-url을 확인하세요.",
        "en": "NAVER does not know this API path (HTTP {status} {code}). Check --base-url.",
    },
    "api.unreadable_200": {
        "ko": "NAVER가 200으로 답했지만 본문을 읽을 수 없습니다",
        "en": "NAVER answered 200 with an unreadable body",
    },
    "api.unreadable_lookup": {
        "ko": "주문 조회 응답을 읽을 수 없습니다",
        "en": "the order lookup answered with an unreadable body",
    },
    "api.no_outcome": {
        "ko": "응답에 이 주문의 결과가 없습니다",
        "en": "no outcome in the answer",
    },
    # -- the journal
    "journal.open_failed": {
        "ko": "저널 {path}을(를) 열 수 없습니다({reason}). 경로를 확인하거나 --journal로 다른 경로를 주세요.",
        "en": "Cannot open the journal {path} ({reason}). Check the path, or set --journal.",
    },
    "journal.failed": {
        "ko": "저널 {path}에 기록하지 못했습니다({reason}). 디스크 공간과 권한을 확인하세요.",
        "en": "Cannot write to the journal {path} ({reason}). Check the disk space and permissions.",
    },
    "config.store_needed": {
        "ko": "설정 파일 {path}에 스토어가 여럿입니다({names}). --store 이름으로 고르거나 `default_store`를 정하세요.",
        "en": "The config file {path} has several stores ({names}); choose one with --store NAME, or set default_store.",
    },
    "config.no_store": {
        "ko": "설정 파일 {path}에 스토어 '{store}'이(가) 없습니다(있는 스토어: {names}).",
        "en": "The config file {path} has no store '{store}' (its stores: {names}).",
    },
    "config.no_stores": {
        "ko": "--store {store}를 주었지만 설정 파일 {path}에는 [stores.이름] 표가 없습니다.",
        "en": "--store {store} was given, but the config file {path} has no [stores.NAME] tables.",
    },
    "config.all_stores_without_config": {
        "ko": "--all-stores는 스토어가 적힌 설정 파일과 함께 씁니다: --config 파일을 주세요.",
        "en": "--all-stores serves the stores of a config file: give it with --config.",
    },
    "config.all_stores_none": {
        "ko": "--all-stores를 주었지만 설정 파일 {path}에는 [stores.이름] 표가 없습니다.",
        "en": "--all-stores was given, but the config file {path} has no [stores.NAME] tables.",
    },
    "config.sandbox_one_store": {
        "ko": "연습용 가상 스토어(--sandbox)는 스토어 하나입니다: 스토어를 여럿 고를 때(--store 여러 번, --all-stores)는 --sandbox를 빼세요.",
        "en": "The practice store (--sandbox) is one store: leave out --sandbox when choosing several stores (--store again, --all-stores).",
    },
    "config.bad_rate_limit": {
        "ko": "설정 파일 {path}의 스토어 {store}: `rate_limit` 값 {value}은(는) 쓸 수 없습니다. 0보다 크고 {max:g} 이하인 초당 요청 수를 적으세요.",
        "en": "The config file {path}, store {store}: rate_limit {value} cannot be used; write requests per second above 0 and at most {max:g}.",
    },
    "config.store_without_config": {
        "ko": "--store {store}는 스토어가 적힌 설정 파일과 함께 씁니다: --config 파일을 주세요.",
        "en": "--store {store} picks a store of a config file: give it with --config.",
    },
    "journal.db_open_failed": {
        "ko": "저널 데이터베이스 {path}에 연결할 수 없습니다({reason}). 서버 주소, 사용자, 비밀번호와 네트워크를 확인하세요.",
        "en": "Cannot connect to the journal database {path} ({reason}). Check the server's address, the user, the password and the network.",
    },
    "journal.db_failed": {
        "ko": "저널 데이터베이스 {path}에 기록하지 못했습니다({reason}): 서버가 멈췄거나 연결이 끊겼습니다. 더 보내지 않았습니다. 다시 실행하면 보내던 주문부터 확인합니다.",
        "en": "Cannot write to the journal database {path} ({reason}): the server stopped or the connection broke. Nothing more was sent; the next run checks the orders that were being sent first.",
    },
    "journal.claimed": {
        "ko": "다른 실행이 이 주문을 보내는 중이거나 이미 보냈습니다(저널 {path}). 두 번 보내지 않도록 멈췄습니다. 다시 실행하면 이미 보낸 주문은 '이미처리'로 나옵니다.",
        "en": "Another run is shipping this order or has shipped it (journal {path}); stopped so that nothing is shipped twice. Run again: orders already shipped then say so.",
    },
    "journal.not_empty": {
        "ko": "저널 {path}에 이미 기록이 있어 옮겨 넣지 않았습니다. 빈 저널로 옮기세요.",
        "en": "The journal {path} already holds attempts, so nothing was moved in; move into an empty journal.",
    },
    "journal.migrate_mismatch": {
        "ko": "옮긴 뒤 건수가 다릅니다(원본 {source}, 대상 {target}). 대상 저널 {path}을(를) 확인하세요.",
        "en": "The counts differ after the move (source {source}, target {target}); check the journal {path}.",
    },
    "journal.newer": {
        "ko": "저널 {path}은(는) 더 새 batchship이 만든 것입니다(스키마 {version}). batchship을 업데이트하세요.",
        "en": "The journal {path} was written by a newer batchship (schema {version}); upgrade batchship.",
    },
    "journal.bad_url": {
        "ko": "저널 주소 '{url}'을(를) 쓸 수 없습니다. 파일 경로나 sqlite:///경로 형식으로 쓰세요.",
        "en": "Cannot use the journal address '{url}'. Give a file path or sqlite:///path.",
    },
    "journal.missing": {
        "ko": "{path}에 저널이 없습니다: 이 저널로 발송한 적이 아직 없습니다.",
        "en": "No journal at {path}: nothing has been dispatched with it yet.",
    },
    "journal.confirmed": {
        "ko": "실행이 중단된 뒤 주문 조회로 발송을 확인했습니다",
        "en": "confirmed by lookup after an interrupted run",
    },
    "journal.lookup_seen": {
        "ko": "조회 결과: {seen}",
        "en": "lookup: {seen}",
    },
}
