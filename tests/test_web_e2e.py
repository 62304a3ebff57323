"""The web desk end to end, as ops staff use it: a real `batchship serve` process on loopback (the practice
sandbox behind it) and a real browser, Debian's Chromium driven by Playwright (never a downloaded browser).

`make screenshots` runs the first scenario with BATCHSHIP_SCREENSHOTS=docs/img: the README's pictures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from batchship.accounts import UserStore
from tests.conftest import HEADER, encrypt, order_id, write_csv, write_xlsx
from tests.deskkit import PASSWORDS, ROLES, serving

CHROMIUM = os.environ.get("BATCHSHIP_CHROMIUM", "/usr/bin/chromium")
SAMPLE = Path(__file__).parent.parent / "sample_data" / "발송처리_샘플.xlsx"
SHOTS = os.environ.get("BATCHSHIP_SCREENSHOTS", "")
#: Chromium as root in a container, with no calls to Google's hosts (this machine's network is closed).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`batchship serve --sandbox` with the three users, paced at 5 requests a second so progress is seen."""
    root = tmp_path_factory.mktemp("desk")
    store = UserStore(root / "users.sqlite3")
    for name, role in ROLES.items():
        store.add(name, role, PASSWORDS[name])
    store.close()
    with serving(root, "--rate-limit", "5") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, server: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=server, accept_downloads=True, viewport={"width": 1366, "height": 860})
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def log_in(page: Page, name: str, password: str | None = None) -> None:
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", password or PASSWORDS[name])
    page.click("#login")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def upload(page: Page, path: Path) -> None:
    page.goto("/")
    page.set_input_files("#file", str(path))
    page.click("#check")


def test_an_ops_person_ships_the_sample_sheet(context: BrowserContext, tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, "dan")
    expect(page.locator("#target-banner")).to_have_text("샌드박스: 실제 스토어에 반영되지 않습니다")
    page.set_input_files("#file", str(SAMPLE))
    shot(page, "upload")
    page.click("#check")
    chips = page.locator("#chips")
    expect(chips).to_contain_text("검증오류 5")
    expect(chips).to_contain_text("검사 통과 26")
    expect(page.locator("#codes")).to_contain_text("104131")
    shot(page, "verdicts")
    page.click("#dispatch")
    expect(page.locator("#confirm-text")).to_contain_text("주문 26건을 샌드박스(연습용 스토어)에 발송")
    page.click("#confirm-dispatch")
    expect(page.locator("#progress-text")).to_be_visible()
    # the page reloads itself when the run ends; the practice store knows every order of the sheet as paid, and
    # refuses two tracking numbers as NAVER would (104121 one used by another order, 104122 not the courier's form)
    expect(chips).to_contain_text("성공 24", timeout=60_000)
    expect(chips).to_contain_text("실패 2")
    expect(page.locator("#codes")).to_contain_text("104121")
    expect(page.locator("#row-count")).to_contain_text("확인이 필요한 행을 먼저")
    shot(page, "done")
    with page.expect_download() as info:
        page.click("#download-result")
    download = info.value
    assert download.suggested_filename == "발송처리_샘플.result.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    header = [c.value for c in book.worksheets[0][2]]  # the sample's header is on row 2
    assert {"처리결과", "오류코드", "오류메시지"} <= set(header)
    facts = {r[0]: r[1] for r in book["요약"].iter_rows(values_only=True) if r and r[0]}
    assert facts.get("실행한 사람") == "dan"
    with page.expect_download() as retry:
        page.click("#download-retry")
    assert retry.value.suggested_filename == "발송처리_샘플.retry.xlsx"


def test_progress_is_live_and_survives_a_reload(context: BrowserContext, tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "큰 시트.xlsx",
        [HEADER, *([order_id(5000 + i), "택배", "CJ대한통운", f"{8000000000 + i}", ""] for i in range(360))],
    )
    page = context.new_page()
    log_in(page, "dan")
    upload(page, sheet)
    page.click("#dispatch")
    page.click("#confirm-dispatch")
    text = page.locator("#progress-text")
    expect(text).to_contain_text("행 처리")  # rows done of total, requests, retries, waits, time left
    expect(text).to_contain_text("/360행")
    shot(page, "progress")
    page.reload()  # leaving or reloading the page does not stop the run
    expect(page.locator("#chips")).to_contain_text("성공 360", timeout=90_000)


def test_a_wrong_password_is_refused(context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, "dan", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("아이디 또는 비밀번호가 맞지 않습니다.")
    assert page.url.endswith("/login")


def test_a_protected_workbook_asks_for_its_password(context: BrowserContext, tmp_path: Path) -> None:
    plain = write_xlsx(
        tmp_path / "plain.xlsx", [HEADER, [order_id(9101), "택배", "CJ대한통운", "9100000001", ""]]
    )
    locked = encrypt(plain, tmp_path / "판매자센터.xlsx", "1234abcd")
    page = context.new_page()
    log_in(page, "cho")
    upload(page, locked)
    expect(page.locator("#run-error")).to_contain_text(
        "판매자센터.xlsx은(는) 비밀번호로 보호된 파일입니다. 아래에"
    )
    page.fill("#retry-password", "wrong-one")
    page.click("#password-form button")
    expect(page.locator("#run-error")).to_contain_text("판매자센터.xlsx의 비밀번호가 맞지 않습니다")
    page.fill("#retry-password", "1234abcd")
    page.click("#password-form button")
    expect(page.locator("#chips")).to_contain_text("검사 통과 1")


def test_a_file_that_is_not_a_sheet_gets_a_clear_message(context: BrowserContext, tmp_path: Path) -> None:
    pdf = tmp_path / "송장.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    page = context.new_page()
    log_in(page, "cho")
    upload(page, pdf)
    expect(page.locator("#error-message")).to_contain_text("'송장.pdf'은(는) 시트 파일이 아닙니다")


def test_a_check_user_sees_no_ship_button_and_the_api_refuses_them(
    context: BrowserContext, tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "check only.csv", [HEADER, [order_id(9001), "택배", "CJ대한통운", "9000000001", ""]]
    )
    page = context.new_page()
    log_in(page, "cho")
    page.goto("/")
    # drag and drop onto the upload box, as a person would from the desktop
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: "text/csv"}));
            document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }""",
        [sheet.name, sheet.read_text(encoding="utf-8-sig")],
    )
    expect(page.locator("#drop span")).to_have_text("check only.csv")
    page.click("#check")
    expect(page.locator("#chips")).to_contain_text("검사 통과 1")
    expect(page.locator("#dispatch")).to_have_count(0)
    expect(page.locator("#no-dispatch")).to_be_visible()
    token = page.request.get("/api/v1/me").json()["csrf_token"]
    refused = page.request.post(
        "/api/v1/runs",
        multipart={
            "file": {"name": "a.csv", "mimeType": "text/csv", "buffer": sheet.read_bytes()},
            "mode": "dispatch",
        },
        headers={"X-CSRF-Token": token},
    )
    assert refused.status == 403 and refused.json()["error"]["code"] == "desk.forbidden"


def test_a_post_without_the_csrf_token_is_refused(context: BrowserContext, tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, "dan")
    refused = page.request.post(
        "/upload", multipart={"file": {"name": "a.csv", "mimeType": "text/csv", "buffer": b"x"}}
    )
    assert refused.status == 403
    assert "보안 토큰" in refused.text()


def test_two_people_upload_at_once(browser: Browser, server: str, tmp_path: Path) -> None:
    sheets = [
        write_xlsx(
            tmp_path / f"팀{n}.xlsx",
            [
                HEADER,
                *(
                    [order_id(7000 + 100 * n + i), "택배", "롯데택배", f"{n}{i:09d}", ""]
                    for i in range(1, 21 + n)
                ),
            ],
        )
        for n in (1, 2)
    ]
    contexts = [browser.new_context(base_url=server) for _ in sheets]
    try:
        pages = [c.new_page() for c in contexts]
        for page, name in zip(pages, ("dan", "cho"), strict=True):
            log_in(page, name)
            page.goto("/")
        for page, sheet in zip(pages, sheets, strict=True):
            page.set_input_files("#file", str(sheet))
        for page in pages:  # both forms go before either verdict is in
            page.locator("#check").click(no_wait_after=True)
        for n, page in zip((1, 2), pages, strict=True):
            expect(page.locator("#chips")).to_contain_text(f"검사 통과 {20 + n}")
            expect(page.locator("#run-title")).to_have_text(f"팀{n}.xlsx")
    finally:
        for c in contexts:
            c.close()


def test_the_page_speaks_english_when_asked(context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, "ann")
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("Upload today's shipping sheet")
    expect(page.locator("#target-banner")).to_have_text("Sandbox: nothing reaches the real store")
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("오늘의 발송 시트 올리기")


def test_history_lists_runs_and_an_orders_attempts(context: BrowserContext, tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "기록.xlsx",
        [HEADER, *([order_id(6000 + i), "택배", "CJ대한통운", f"{8100000000 + i}", ""] for i in (1, 2))],
    )
    page = context.new_page()
    log_in(page, "dan")
    upload(page, sheet)
    page.click("#dispatch")
    page.click("#confirm-dispatch")
    expect(page.locator("#chips")).to_contain_text("성공 2", timeout=60_000)
    page.goto("/history")
    page.fill("#order", order_id(6002))
    page.click("#order-search button")
    expect(page.locator("#attempts")).to_contain_text("8100000002")
    expect(page.locator("table.history").first).to_contain_text("기록.xlsx")
    expect(page.locator("table.history").first).to_contain_text("dan")


@pytest.fixture(autouse=True, scope="module")
def _screenshots_folder() -> None:
    if SHOTS:
        shutil.rmtree(SHOTS, ignore_errors=True)


def test_a_desk_of_two_stores_asks_which_store_and_shows_it(browser: Browser, tmp_path: Path) -> None:
    """`serve --all-stores` on a config of two stores (one sandbox standing in for both): the uploader picks the
    store, every page says which one, the dispatch goes out with that store's credentials; a user limited to
    the other store is offered no choice and sees that store only."""
    from batchship.sandbox import Sandbox
    from batchship.sandbox.server import Order
    from tests.conftest import orders_sheet
    from tests.test_web_stores import STORES, stores_config

    store = UserStore(tmp_path / "users.sqlite3")
    store.add("ann", "admin", PASSWORDS["ann"])
    store.add("dan", "dispatch", PASSWORDS["dan"], ["shop-b"])
    store.close()
    settings = stores_config(tmp_path / "stores.toml")
    with Sandbox(orders=[Order(order_id(i), seller=STORES[(i - 1) // 3]) for i in range(1, 7)]) as sb:
        options = ("--config", str(settings), "--all-stores", "--base-url", sb.base_url)
        with serving(tmp_path, *options, sandbox=False) as (url, _):
            ctx = browser.new_context(base_url=url)
            ctx.set_default_timeout(30_000)
            page = ctx.new_page()
            log_in(page, "ann")
            banner = page.locator("#target-banner")
            expect(banner).to_have_text("실제 스토어: shop-a, shop-b")
            page.set_input_files("#file", str(orders_sheet(tmp_path / "a.xlsx", [1, 2])))
            page.select_option("#store", "shop-a")
            page.click("#check")
            expect(page.locator("#chips")).to_contain_text("검사 통과 2")
            expect(banner).to_have_text("실제 스토어: shop-a")
            page.click("#dispatch")
            expect(page.locator("#confirm-text")).to_contain_text("실제 스토어 shop-a")
            page.click("#confirm-dispatch")
            expect(page.locator("#chips")).to_contain_text("성공 2", timeout=60_000)
            assert sb.dispatch_counts() == {order_id(1): 1, order_id(2): 1}
            other = browser.new_context(base_url=url)
            page = other.new_page()
            log_in(page, "dan")
            expect(page.locator("#target-banner")).to_have_text("실제 스토어: shop-b")
            expect(page.locator("#upload-form")).to_be_visible()
            expect(page.locator("#store")).to_have_count(0)  # one store: nothing to pick
            expect(page.locator("table.list")).to_have_count(0)  # ann's shop-a run is not dan's to see
            other.close()
            ctx.close()
