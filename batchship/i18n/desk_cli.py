"""The command line's words for the web desk: `batchship serve` and `batchship user`."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "help.serve": {
        "ko": "웹 데스크를 엽니다 (브라우저로 올리기, 검사, 발송)",
        "en": "run the web desk (upload, check and ship in a browser)",
    },
    "help.serve.description": {
        "ko": "운영 담당자가 브라우저로 시트를 올리고 검사 결과를 보고 발송하는 웹 데스크를 엽니다. 기본은 이 컴퓨터(127.0.0.1)에서만 열립니다.",
        "en": "Runs the web desk where ops staff upload a sheet, see its verdicts and ship it from a browser. By default only this machine (127.0.0.1) can reach it.",
    },
    "help.host": {
        "ko": "받을 주소(기본: 127.0.0.1; 0.0.0.0은 사용자가 한 명 이상 있어야 합니다)",
        "en": "address to listen on (default 127.0.0.1; 0.0.0.0 needs at least one user)",
    },
    "help.serve_port": {"ko": "포트(기본: 8000)", "en": "port (default 8000)"},
    "help.data": {
        "ko": "올린 파일과 결과 파일을 둘 폴더(기본: 저널 옆의 'desk' 폴더)",
        "en": "folder for uploads and result copies (default: a desk folder beside the journal)",
    },
    "help.store": {
        "ko": "설정 파일에 스토어가 여럿일 때 쓸 스토어([stores.이름]의 이름)",
        "en": "which store of a config file with several ([stores.NAME])",
    },
    "help.store_filter": {
        "ko": "이 스토어의 시도만(--config의 [stores.이름])",
        "en": "only this store's attempts (a [stores.NAME] of --config)",
    },
    "help.public_url": {
        "ko": "알림에 넣을 웹 데스크 주소(예: https://desk.example.co.kr)",
        "en": "the desk's address as notifications link to it (e.g. https://desk.example.co.kr)",
    },
    "help.store_name": {"ko": "페이지에 보일 스토어 이름", "en": "the store's name as the page shows it"},
    "help.max_upload_mb": {
        "ko": "올릴 수 있는 파일 크기 한도, MB(기본: 20)",
        "en": "largest upload, in MB (default 20)",
    },
    "help.keep_days": {
        "ko": "올린 파일과 결과 파일을 둘 날 수(기본: 30), 지나면 지웁니다",
        "en": "days to keep uploads and result copies (default 30), then they are deleted",
    },
    "help.proxy_headers": {
        "ko": "앞단 프록시(Caddy, nginx)의 X-Forwarded-For/Proto를 믿습니다",
        "en": "trust X-Forwarded-For/Proto from a reverse proxy (Caddy, nginx)",
    },
    "help.demo_user": {
        "ko": "체험용: 'demo' 관리자 계정을 새 비밀번호로 만들고 그 비밀번호를 보여 줍니다",
        "en": "for a trial: (re)create the admin account 'demo' with a new password, and print it",
    },
    "help.serve_sandbox": {
        "ko": "NAVER 대신 연습용 샌드박스로 보냅니다 (자격 증명 필요 없음)",
        "en": "send to the practice sandbox instead of NAVER (no credentials needed)",
    },
    "help.user": {"ko": "웹 데스크 사용자를 관리합니다", "en": "manage the web desk's users"},
    "help.user.description": {
        "ko": "웹 데스크 사용자를 추가·변경·삭제하고 API 토큰을 만듭니다. 비밀번호는 터미널에서 묻거나 --password-stdin으로 표준 입력에서 읽습니다.",
        "en": "Add, change and remove the web desk's users, and make API tokens. Passwords are asked for on the terminal, or read from standard input with --password-stdin.",
    },
    "help.user.actions": {"ko": "할 일", "en": "what to do"},
    "help.add": {"ko": "사용자를 추가합니다", "en": "add a user"},
    "help.add.description": {"ko": "사용자를 추가합니다.", "en": "Adds a user."},
    "help.passwd": {"ko": "비밀번호를 바꿉니다", "en": "change a password"},
    "help.passwd.description": {
        "ko": "비밀번호를 바꿉니다 (그 사용자의 로그인은 모두 끝납니다).",
        "en": "Changes a password (the user's sessions all end).",
    },
    "help.remove": {"ko": "사용자를 지웁니다", "en": "remove a user"},
    "help.remove.description": {
        "ko": "사용자와 그 토큰을 지웁니다.",
        "en": "Removes a user and their tokens.",
    },
    "help.list": {"ko": "사용자 목록", "en": "list the users"},
    "help.list.description": {"ko": "사용자와 권한을 보여 줍니다.", "en": "Lists the users and their roles."},
    "help.token": {"ko": "API 토큰을 만들거나 취소합니다", "en": "make or revoke an API token"},
    "help.token.description": {
        "ko": "API 토큰을 새로 만들어 한 번만 보여 줍니다 (저장은 해시로만). --revoke는 그 사용자의 토큰을 모두 취소합니다.",
        "en": "Makes a new API token and shows it once (only its hash is kept). --revoke revokes every token of the user.",
    },
    "help.user_name": {"ko": "사용자 아이디", "en": "the user name"},
    "help.stores": {"ko": "사용자가 쓸 스토어를 정합니다", "en": "limit a user to some stores"},
    "help.stores.description": {
        "ko": "사용자가 웹 데스크에서 쓸 수 있는 설정 파일의 스토어를 정합니다. --stores 없이 쓰면 모든 스토어를 쓸 수 있습니다.",
        "en": "Sets which stores of the config file a user may use on the web desk; without --stores, every store.",
    },
    "help.user_stores": {
        "ko": "쓸 수 있는 스토어, 쉼표로 구분(주지 않으면 모든 스토어)",
        "en": "the stores the user may use, separated by commas (none: every store)",
    },
    "help.role": {
        "ko": "권한: check(검사), dispatch(발송), admin(관리자)",
        "en": "role: check, dispatch or admin",
    },
    "help.password_stdin": {
        "ko": "비밀번호를 표준 입력 첫 줄에서 읽습니다",
        "en": "read the password from the first line of standard input",
    },
    "help.revoke": {"ko": "토큰을 모두 취소합니다", "en": "revoke every token"},
    "help.users_journal": {
        "ko": "저널 위치(사용자 파일은 그 옆의 users.sqlite3)",
        "en": "the journal (the accounts file is users.sqlite3 beside it)",
    },
    "user.password_prompt": {"ko": "비밀번호: ", "en": "Password: "},
    "user.password_again": {"ko": "비밀번호 확인: ", "en": "Password again: "},
    "user.password_mismatch": {"ko": "두 비밀번호가 다릅니다.", "en": "The two passwords differ."},
    "user.no_terminal": {
        "ko": "비밀번호를 물을 터미널이 없습니다. --password-stdin으로 표준 입력에 주세요.",
        "en": "There is no terminal to ask for the password: give it on standard input with --password-stdin.",
    },
    "user.added": {
        "ko": "사용자 {name}({role})을(를) 추가했습니다: {path}",
        "en": "Added {name} ({role}): {path}",
    },
    "user.changed": {"ko": "{name}의 비밀번호를 바꿨습니다.", "en": "Changed the password of {name}."},
    "user.removed": {"ko": "{name}을(를) 지웠습니다.", "en": "Removed {name}."},
    "user.stores_set": {
        "ko": "{name}은(는) 이 스토어만 씁니다: {stores}",
        "en": "{name} may use only these stores: {stores}",
    },
    "user.stores_all": {"ko": "{name}은(는) 모든 스토어를 씁니다.", "en": "{name} may use every store."},
    "user.every_store": {"ko": "모든 스토어", "en": "every store"},
    "user.none": {"ko": "사용자가 없습니다 ({path}).", "en": "No users yet ({path})."},
    "user.token": {
        "ko": "{name}의 새 API 토큰입니다. 지금 한 번만 보여 줍니다 (Authorization: Bearer 토큰):",
        "en": "A new API token for {name}, shown this once (Authorization: Bearer <token>):",
    },
    "user.revoked": {"ko": "{name}의 토큰 {n}개를 취소했습니다.", "en": "Revoked {n} tokens of {name}."},
    "serve.no_users": {
        "ko": "사용자가 없어 {host}에서 열지 않습니다: 누구나 들어올 수 있게 됩니다. 먼저 'batchship user add 이름 --role admin'으로 사용자를 만드세요.",
        "en": "Not listening on {host} with no users: anyone could get in. First add one with 'batchship user add NAME --role admin'.",
    },
    "serve.listening": {"ko": "웹 데스크: {url}", "en": "Web desk: {url}"},
    "serve.sandbox": {
        "ko": "샌드박스로 보냅니다 (실제 스토어에 반영되지 않습니다). 연습용 스토어: {path}",
        "en": "Sending to the sandbox (nothing reaches the real store). Practice store: {path}",
    },
    "serve.store": {
        "ko": "실제 스토어로 보냅니다: {store} ({url})",
        "en": "Sending to the live store: {store} ({url})",
    },
    "serve.demo_user": {
        "ko": "체험용 계정: 아이디 demo, 비밀번호 {password}",
        "en": "Trial account: user demo, password {password}",
    },
    "serve.first_user": {
        "ko": "아직 사용자가 없습니다. 다른 터미널에서 'batchship user add 이름 --role admin'으로 만드세요.",
        "en": "No users yet: add one from another terminal with 'batchship user add NAME --role admin'.",
    },
    "serve.data": {
        "ko": "데이터 폴더: {path} (보관 {days}일)",
        "en": "Data folder: {path} (kept {days} days)",
    },
    "help.migrate": {
        "ko": "저널의 기록을 다른 저널로 옮깁니다",
        "en": "move a journal's history into another",
    },
    "help.migrate.description": {
        "ko": "모든 발송 시도와 실행 기록을 빈 저널로 한 번에 옮기고, 옮긴 뒤 건수를 맞춰 봅니다. 예: SQLite 파일에서 팀이 함께 쓰는 PostgreSQL로.",
        "en": "Moves every attempt and run into an empty journal in one transaction, then compares the counts. E.g. from an SQLite file into the team's PostgreSQL.",
    },
    "help.migrate_from": {
        "ko": "옮길 저널(파일 경로 또는 postgresql://...)",
        "en": "the journal to move (a file path or postgresql://...)",
    },
    "help.migrate_to": {"ko": "옮겨 넣을 빈 저널", "en": "the empty journal to move it into"},
    "journal.migrated": {
        "ko": "{source}의 발송 시도 {attempts}건과 실행 {runs}건을 {target}(으)로 옮겼습니다. 건수가 같습니다.",
        "en": "Moved {attempts} attempts and {runs} runs from {source} to {target}; the counts match.",
    },
    "serve.stop": {"ko": "끝내려면 Ctrl+C", "en": "Press Ctrl+C to stop"},
}
