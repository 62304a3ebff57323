"""The Commerce API client's edges, each through httpx.MockTransport: tokens refused or unreadable, bodies that
are not JSON, requests that cannot be written, and credentials from config files that are missing or wrong."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from batchship.domain.plan import DispatchItem
from batchship.errors import AuthError, ConfigError, NotAppliedError, OutcomeUnknownError, RejectedError
from batchship.naver.auth import Credentials
from batchship.naver.client import CommerceClient
from batchship.naver.credentials import load_credentials
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.conftest import CREDS, order_id
from tests.naver_script import Naver, error, ok

DATE = "2024-05-05T10:00:00.000+09:00"
A = order_id(1)
ITEM = DispatchItem(2, A, "DELIVERY", "CJGLS", "6000000001", DATE)


def client_for(naver: Naver | httpx.MockTransport, creds: Credentials = CREDS) -> CommerceClient:
    transport = naver if isinstance(naver, httpx.MockTransport) else httpx.MockTransport(naver)
    return CommerceClient(creds, "http://naver.test/external", transport=transport)


# -- tokens ------------------------------------------------------------------------------------------------


def test_a_malformed_secret_is_refused_before_anything_is_sent() -> None:
    """A secret that cannot sign (not a bcrypt salt, or one character off): AuthError naming where the secret
    came from and saying how to fix it; no token request left the machine."""
    naver = Naver([ok([A])])
    with (
        client_for(naver, Credentials(DEMO_CLIENT_ID, "not-a-salt")) as client,
        pytest.raises(AuthError) as e,
    ):
        client.authenticate()
    assert "NAVER_COMMERCE_CLIENT_SECRET의 클라이언트 시크릿으로 서명할 수 없습니다" in str(e.value)
    assert naver.calls["token"] == 0
    # off by its last character (it still looks like $2a$04$ and 22 more), from a config file: named
    secret = DEMO_CLIENT_SECRET[:-1] + "v"
    creds = Credentials(DEMO_CLIENT_ID, secret, source="/etc/batchship/naver.toml")
    with client_for(naver, creds) as client, pytest.raises(AuthError) as e:
        client.authenticate()
    assert str(e.value).startswith("/etc/batchship/naver.toml의 클라이언트 시크릿으로 서명할 수 없습니다")
    assert "한 글자라도 다르면" in str(e.value) and secret not in str(e.value) and naver.calls["token"] == 0


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (error(400, "GW.AUTHN"), "HTTP 400 GW.AUTHN"),
        (httpx.Response(401, text="<html>no</html>"), "HTTP 401 -"),
        (error(403, "GW.IP_NOT_ALLOWED"), "IP 주소가 등록되어 있지 않습니다"),
    ],
    ids=["refused", "refused-not-json", "ip"],
)
def test_a_refused_token_names_the_cause_and_where_the_credentials_came_from(
    answer: httpx.Response, expected: str
) -> None:
    creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, source="/etc/batchship/naver.toml")
    with client_for(Naver([], token=[answer]), creds) as client, pytest.raises(AuthError) as e:
        client.authenticate()
    assert expected in str(e.value)
    if "IP" not in expected:
        assert "/etc/batchship/naver.toml" in str(e.value)
    assert DEMO_CLIENT_SECRET not in str(e.value)


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(200, text="<html>maintenance</html>"), httpx.Response(200, json={"token": "x"})],
    ids=["not-json", "no-access-token"],
)
def test_an_unreadable_token_answer_is_an_auth_error(answer: httpx.Response) -> None:
    with client_for(Naver([], token=[answer])) as client, pytest.raises(AuthError) as e:
        client.authenticate()
    assert "토큰 응답을 읽을 수 없습니다" in str(e.value)


def test_an_account_id_asks_for_a_seller_token() -> None:
    """With an account id (solution providers), the token form says SELLER and carries the account id."""
    naver = Naver([ok([A])])
    with client_for(naver, Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "acct-7")) as client:
        client.authenticate()
    assert naver.forms[0]["type"] == "SELLER" and naver.forms[0]["account_id"] == "acct-7"
    with client_for(naver) as client:
        client.authenticate()
    assert naver.forms[1]["type"] == "SELF" and "account_id" not in naver.forms[1]


def test_no_connection_while_authenticating_is_not_applied() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with client_for(httpx.MockTransport(refuse)) as client, pytest.raises(NotAppliedError) as e:
        client.authenticate()
    assert "naver.test" in str(e.value) and "ConnectError" in str(e.value)


# -- dispatch and lookup answers ---------------------------------------------------------------------------


def test_a_request_that_cannot_be_written_is_not_applied() -> None:
    """The body did not leave the machine whole: NAVER cannot have applied it, so it is safe to send again."""

    def cut(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 10800})
        raise httpx.WriteError("broken pipe", request=request)

    with client_for(httpx.MockTransport(cut)) as client, pytest.raises(NotAppliedError) as e:
        client.dispatch([ITEM])
    assert e.value.code == "WriteError"


@pytest.mark.parametrize("n", [0, 31])
def test_a_dispatch_request_holds_one_to_thirty_items(n: int) -> None:
    naver = Naver([ok([A])])
    with client_for(naver) as client, pytest.raises(ValueError, match="1 to 30 items"):
        client.dispatch([ITEM] * n)
    assert naver.calls["dispatch"] == 0


def test_a_400_that_is_not_json_keeps_the_start_of_the_body() -> None:
    naver = Naver([httpx.Response(400, text="Bad Request: sendDate")])
    with client_for(naver) as client, pytest.raises(RejectedError) as e:
        client.dispatch([ITEM])
    assert "Bad Request: sendDate" in str(e.value)


def test_an_error_without_a_trace_header_takes_the_trace_id_from_the_body() -> None:
    with (
        client_for(Naver([error(500, "GW.INTERNAL_SERVER_ERROR")])) as client,
        pytest.raises(OutcomeUnknownError) as e,
    ):
        client.dispatch([ITEM])
    assert e.value.trace_id == "t-500"
    with (
        client_for(Naver([httpx.Response(500, text="oops")])) as client,
        pytest.raises(OutcomeUnknownError) as e,
    ):
        client.dispatch([ITEM])
    assert e.value.trace_id == ""


@pytest.mark.parametrize(
    "body",
    [
        {"data": [{"productOrder": None}]},
        {"data": [{"productOrder": {"productOrderId": A}, "delivery": "DELIVERING"}]},
        {"data": "DELIVERING"},
    ],
    ids=["no-order", "delivery-not-an-object", "data-not-a-list"],
)
def test_an_unreadable_lookup_is_an_unknown_outcome(body: dict[str, object]) -> None:
    """(A 200 without `data` is no order known: NAVER leaves out fields it has no value for.)"""
    with (
        client_for(Naver([], [httpx.Response(200, json=body)])) as client,
        pytest.raises(OutcomeUnknownError) as e,
    ):
        client.query([A])
    assert "주문 조회 응답을 읽을 수 없습니다" in str(e.value)


# -- credentials from a config file ------------------------------------------------------------------------


def _config(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "naver.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('client_id = "abc"\nclient_secret = ', "올바른 TOML이 아닙니다(TOMLDecodeError)"),
        (b'client_id = "\xff"\n', "올바른 TOML이 아닙니다(UnicodeDecodeError)"),
        ('[naver]\nclient_id = "abc"\n', "client_secret 항목이 없습니다"),
        ("[naver]\naccount_id = 7\n", "client_id, client_secret 항목이 없습니다"),
    ],
    ids=["not-toml", "not-utf8", "no-secret", "nothing"],
)
def test_a_wrong_config_file_says_what_is_wrong(tmp_path: Path, content: str | bytes, expected: str) -> None:
    path = _config(tmp_path, content)
    with pytest.raises(ConfigError) as e:
        load_credentials(path, env={})
    assert expected in str(e.value) and str(path) in str(e.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        load_credentials(tmp_path / "없는.toml", env={})
    assert f"설정 파일이 없습니다: {tmp_path / '없는.toml'}" in str(e.value)


def test_a_config_path_through_a_file_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError) as e:
        load_credentials(tmp_path / "file" / "naver.toml", env={})
    assert "설정 파일을 읽을 수 없습니다" in str(e.value)


def test_a_config_directory_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "naver.toml"
    folder.mkdir(mode=0o700)
    with pytest.raises(ConfigError) as e:
        load_credentials(folder, env={})
    assert "설정 파일을 읽을 수 없습니다" in str(e.value)


def test_a_config_file_gives_the_account_id_and_names_itself_as_the_source(tmp_path: Path) -> None:
    path = _config(
        tmp_path, f'[naver]\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret = "s"\naccount_id = "77"\n'
    )
    creds = load_credentials(path, env={"NAVER_COMMERCE_CLIENT_ID": "ignored"})
    assert (creds.client_id, creds.client_secret, creds.account_id) == (DEMO_CLIENT_ID, "s", "77")
    assert creds.source == str(path)
