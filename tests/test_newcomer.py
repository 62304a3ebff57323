"""Traps a newcomer walked into (issue 12): each reproduced, each fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import HEADER, cli, order_id, read_rows, write_xlsx


def test_check_says_the_same_word_in_the_terminal_the_sheet_and_the_summary(tmp_path: Path) -> None:
    """`check` printed 검사 통과 26 while the result sheet and 요약 said 미전송 26: one wording everywhere."""
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ택배", "1", ""],
    ]
    sheet = write_xlsx(tmp_path / "s.xlsx", rows)
    code, out, _ = cli("check", str(sheet))
    assert code == 1
    assert any(line.split() == ["검사", "통과", "1"] for line in out.splitlines()), out
    result = tmp_path / "s.check.xlsx"
    assert [r[5] for r in read_rows(result)[1:]] == ["검사 통과", "검증오류"]
    summary = {r[0]: r[1] for r in read_rows(result, "요약") if r[0]}
    assert summary["검사 통과"] == 1 and "미전송" not in summary


def test_every_time_a_person_reads_is_korean_time(tmp_path: Path) -> None:
    """The watch log, the suffix that keeps two originals apart, crash logs: KST (+09:00), whatever the
    server's zone (CI machines run in UTC)."""
    import datetime as dt
    import re
    import threading

    from batchship.apps.crash import crash_report
    from batchship.apps.watch.watcher import Watcher
    from batchship.model import Report
    from batchship.timefmt import KST

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "done").mkdir()
    (inbox / "done" / "a.xlsx").write_bytes(b"before")
    (inbox / "a.xlsx").write_bytes(b"x")

    def process(sheet: Path, results: Path, stop: threading.Event) -> Report:
        return Report("dispatch", sheet, "발송처리", 1, [])

    before = dt.datetime.now(KST)
    list(Watcher(inbox, process, settle=0.0).run(threading.Event(), once=True))
    stamp = (inbox / "results" / "batchship.log").read_text(encoding="utf-8").split("\t")[0]
    assert stamp.endswith("+09:00") and abs(dt.datetime.fromisoformat(stamp) - before) < dt.timedelta(
        minutes=1
    )
    (moved,) = [p.name for p in (inbox / "done").iterdir() if p.name != "a.xlsx"]
    suffix = re.fullmatch(r"a\.(\d{8}-\d{6})\.xlsx", moved)
    assert suffix, moved
    taken = dt.datetime.strptime(suffix.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=KST)
    assert abs(taken - before) < dt.timedelta(minutes=1)
    log = crash_report(RuntimeError("x"), str, tmp_path / "logs")
    assert log is not None and log.name.startswith(f"crash-{before:%Y%m%d}")


SAMPLE = Path(__file__).parent.parent / "sample_data"


def test_a_practice_run_that_fails_before_sending_leaves_the_store_alone(tmp_path: Path) -> None:
    """The trap: a first run with a wrong --sandbox-orders path (or a forgotten password) saved an empty store,
    and every later run then said 100001 (order not found) for every row. Now a run that sends nothing saves
    nothing, the store says what it holds, and the next run, with the right path, ships the sample."""
    import shutil

    sheet = tmp_path / "오늘발송.xlsx"
    shutil.copy(SAMPLE / "발송처리_샘플.xlsx", sheet)
    journal = tmp_path / "저널.sqlite3"
    code, _, err = cli(
        "dispatch",
        str(sheet),
        "--sandbox",
        "--sandbox-orders",
        str(tmp_path / "sandbox_orders.csv"),
        "--journal",
        str(journal),
    )
    assert code == 2 and "sandbox_orders.csv" in err
    assert not (tmp_path / "저널.sandbox.json").exists()
    code, out, err = cli(
        "dispatch",
        str(sheet),
        "--sandbox",
        "--sandbox-orders",
        str(SAMPLE / "sandbox_orders.csv"),
        "--journal",
        str(journal),
    )
    assert code == 1, err
    assert "연습 스토어" in out and "주문 29건(발송된 주문 0건)" in out
    assert any(line.split()[:2] == ["성공", "19"] for line in out.splitlines()), out


def test_a_second_practice_sheet_adds_its_orders_to_the_saved_store(tmp_path: Path) -> None:
    """The default practice store already exists (an earlier sheet): a new sheet's orders are added as PAYED
    and ship, instead of being 'not found'; the earlier orders keep their state; --sandbox-reset empties it."""
    from tests.conftest import orders_sheet

    journal = tmp_path / "j.sqlite3"
    first = orders_sheet(tmp_path / "first.xlsx", [1, 2])
    assert cli("dispatch", str(first), "--sandbox", "--journal", str(journal))[0] == 0
    second = orders_sheet(tmp_path / "second.xlsx", [2, 3])
    code, out, err = cli("dispatch", str(second), "--sandbox", "--journal", str(journal))
    assert code == 0, out + err
    assert "주문 2건(발송된 주문 2건)" in out
    assert [r[5] for r in read_rows(tmp_path / "second.result.xlsx")[1:]] == ["이미처리", "성공"]
    code, out, _ = cli("dispatch", str(second), "--sandbox", "--sandbox-reset", "--journal", str(journal))
    assert code == 0 and "주문 0건(발송된 주문 0건)" in out  # emptied; the journal still knows what was sent


def test_reconcile_is_the_way_out_of_unknown(tmp_path: Path, sandbox_of, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Attempts a run left without an outcome (it died after sending): `batchship reconcile` looks each order
    up and settles it (shipped with our tracking: 성공; still paid: sendable again; not known to NAVER: 실패),
    prints what changed, sends nothing; without credentials it says so."""
    from batchship.domain.plan import DispatchItem
    from batchship.journal import AttemptState, open_journal
    from batchship.sandbox import DEMO_CLIENT_ID
    from batchship.sandbox.server import Order
    from tests.conftest import dispatch_env

    date = "2024-05-05T10:00:00.000+09:00"
    shipped, paid, gone = order_id(1), order_id(2), order_id(3)
    sb = sandbox_of(0)
    sb.add_orders(
        [Order(shipped, "DELIVERING", delivery_company="CJGLS", tracking_number="6000000001"), Order(paid)]
    )
    journal = tmp_path / "j.sqlite3"
    items = [
        DispatchItem(i + 2, pid, "DELIVERY", "CJGLS", f"600000000{i + 1}", date)
        for i, pid in enumerate([shipped, paid, gone])
    ]
    with open_journal(journal, DEMO_CLIENT_ID) as store:
        store.begin(items, "died.xlsx")
    for name, value in dispatch_env().items():
        monkeypatch.setenv(name, value)
    code, out, err = cli("reconcile", "--journal", str(journal), "--base-url", sb.base_url)
    assert code == 0, err
    lines = out.splitlines()
    assert any(line.startswith(f"{shipped}  확인필요 → 성공") for line in lines), out
    assert any(line.startswith(f"{paid}  확인필요 → 다시 보낼 수 있음") for line in lines), out
    assert any(line.startswith(f"{gone}  확인필요 → 실패") and "주문 없음" in line for line in lines), out
    assert lines[-1].endswith(
        "확인필요 3건 정리: 성공 1건, 다시 보낼 수 있음 1건, 실패 1건, 여전히 확인필요 0건."
    )
    assert sb.calls().get("dispatch", 0) == 0
    with open_journal(journal, DEMO_CLIENT_ID) as store:
        assert store.unsettled() == []
        assert [a.state for a in store.history([gone])] == [AttemptState.FAILED]
    monkeypatch.delenv("NAVER_COMMERCE_CLIENT_SECRET")
    code, _, err = cli("reconcile", "--journal", str(journal), "--base-url", sb.base_url)
    assert code == 2 and "NAVER_COMMERCE_CLIENT_SECRET" in err


def test_watch_can_be_tried_on_the_practice_store(tmp_path: Path) -> None:
    """`watch --sandbox`: the folder watcher tried without credentials or exported variables; it says at the
    start what it watches and where results go, and the retry file lands in results/ with the rest."""
    import shutil

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE / "발송처리_샘플.xlsx", inbox / "오늘발송.xlsx")
    journal = tmp_path / "j.sqlite3"
    code, out, err = cli(
        "watch",
        str(inbox),
        "--once",
        "--settle",
        "0",
        "--sandbox",
        "--sandbox-orders",
        str(SAMPLE / "sandbox_orders.csv"),
        "--journal",
        str(journal),
    )
    assert code == 1, err  # the sample has rows NAVER refuses
    lines = out.splitlines()
    assert lines[0].startswith("샌드박스: http://127.0.0.1:") and lines[1].startswith("연습 스토어 ")
    assert lines[2].startswith(f"감시 시작: {inbox.resolve()}") and f"저널: {journal}" in lines[2]
    assert lines[3].startswith("처리함: 오늘발송.xlsx: 성공=19")
    assert sorted(p.name for p in (inbox / "results").iterdir()) == [
        "batchship.log",
        "오늘발송.report.json",
        "오늘발송.result.xlsx",
        "오늘발송.retry.xlsx",
    ]


def test_excel_tab_separated_text_is_read_like_csv(tmp_path: Path) -> None:
    """Excel's "텍스트(탭으로 분리)" (UTF-16, tabs) saved as .txt, and a UTF-8 .tsv: sniffed and checked like a
    CSV, the result copy in the same format beside it."""
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ택배", "x", ""],
    ]
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    (tmp_path / "탭.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (tmp_path / "탭.tsv").write_text(text, encoding="utf-8")
    for name in ("탭.txt", "탭.tsv"):
        code, out, err = cli("check", str(tmp_path / name))
        assert code == 1, err
        assert "주문 2행" in out
    result = (tmp_path / "탭.check.txt").read_bytes()
    assert result.startswith(b"\xff\xfe") and "\t검사 통과\t" in result.decode("utf-16")
    assert "\t검증오류\t104119\t" in (tmp_path / "탭.check.tsv").read_text(encoding="utf-8")


def test_a_tracking_number_in_scientific_notation_gets_the_excel_hint(tmp_path: Path) -> None:
    """`7.00000E+11` (Excel's display of a long number, saved into a CSV): the same "Excel changed it" verdict
    as a truncated order number, not a generic format error."""
    from tests.conftest import write_csv

    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "7.00000E+11", ""],
        [order_id(2), "택배", "CJ대한통운", "7E+11", ""],
    ]
    sheet = write_csv(tmp_path / "s.csv", rows)
    code, _, _ = cli("check", str(sheet))
    assert code == 1
    result = read_rows_csv(tmp_path / "s.check.csv")
    assert [(r[6], r[7]) for r in result[1:]] == [
        (
            "BS301",
            "송장번호 '7.00000E+11'를 엑셀이 숫자로 바꿨습니다(15자리 넘게 잘렸거나 7.00000E+11 같은 지수 표기). "
            "열 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        ),
        (
            "BS301",
            "송장번호 '7E+11'를 엑셀이 숫자로 바꿨습니다(15자리 넘게 잘렸거나 7.00000E+11 같은 지수 표기). "
            "열 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        ),
    ]


def read_rows_csv(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_a_refusal_message_does_not_repeat_itself() -> None:
    """NAVER's message often starts with what the code means: it is said once, NAVER's extra words kept."""
    from batchship.domain.plan import DispatchItem
    from batchship.model import Status
    from batchship.services.texts import refused

    item = DispatchItem(2, order_id(1), "DELIVERY", "CJGLS", "6000000001", "2024-05-05T10:00:00.000+09:00")
    row = refused(item, "104442", "상품 주문 상태 확인 필요(DELIVERING)", "ko")
    assert row.status is Status.FAILED
    assert row.message.startswith("NAVER가 거부했습니다(104442 상품 주문 상태 확인 필요): DELIVERING.")
    assert row.message.count("상품 주문 상태 확인 필요") == 1
    other = refused(item, "104121", "이미 사용된 송장번호입니다", "ko")
    assert "(104121 배송 송장 오류(기사용 송장)): 이미 사용된 송장번호입니다." in other.message


def test_the_progress_line_shows_the_rows_refused_so_far() -> None:
    import io

    from batchship.apps.cli.render import ProgressBar
    from batchship.services.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar("ko", io.StringIO(), enabled=True, bar_file=screen)
    bar(Progress("sending", total=60))
    bar(Progress("rows", done=30, total=60, refused=2))
    after_first = screen.getvalue()
    bar(Progress("rows", done=60, total=60, refused=5))
    bar(Progress("finished", done=60, total=60))
    assert "30/60" in after_first and "거부 2" in after_first
    assert "60/60" in screen.getvalue() and "거부 5" in screen.getvalue()


def test_formulas_without_saved_results_are_named_not_called_empty(tmp_path: Path) -> None:
    """A sheet written by a script (openpyxl writes formulas and no results) and never opened in Excel: the
    order numbers would read as empty; the file is refused naming the cells and saying how to fix it. A formula
    in a column batchship does not read is no reason to refuse."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발송처리"
    ws.append([*HEADER, "메모"])
    for i in range(1, 6):
        ws.append([f'=TEXT({order_id(i)},"0")', "택배", "CJ대한통운", f"{6000000000 + i}", "", "=1+1"])
    wb.save(tmp_path / "script.xlsx")
    code, _, err = cli("check", str(tmp_path / "script.xlsx"))
    assert code == 2
    assert (
        "수식의 결과값이 저장되어 있지 않습니다(A2, A3, A4 ... (5))" in err
        and "엑셀에서 열어 저장한 뒤" in err
    )
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].value = order_id(row[0].row - 1)
    wb.save(tmp_path / "memo-formula.xlsx")
    assert cli("check", str(tmp_path / "memo-formula.xlsx"))[0] == 0


def test_a_dispatch_date_long_ago_still_goes_with_a_warning(tmp_path: Path) -> None:
    """A 발송일 more than 30 days back (a year typed wrong?) passes, with a note saying how many days ago;
    one within 30 days gets no note."""
    import datetime as dt

    from batchship.services.check import run_check
    from batchship.timefmt import now_kst

    today = now_kst().date()
    old, recent = today - dt.timedelta(days=45), today - dt.timedelta(days=29)
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", old.isoformat()],
        [order_id(2), "택배", "CJ대한통운", "6000000002", recent.isoformat()],
    ]
    report = run_check(write_xlsx(tmp_path / "s.xlsx", rows))
    assert report.exit_code == 0
    assert report.rows[0].message == (
        f"발송할 수 있습니다. 주의: 발송일 {old.isoformat()}은(는) 45일 전입니다. 맞는지 확인하세요"
        "(연도나 월을 잘못 쓰지 않았나요?)."
    )
    assert report.rows[1].message == "발송할 수 있습니다."


def test_a_dispatch_date_before_the_payment_date_still_goes_with_a_warning(tmp_path: Path) -> None:
    """Seller Center's order download has a 결제일 column: a 발송일 on an earlier day gets a note (text or a
    date cell, either language); the same day, a later one, no 결제일 or no 발송일 (today): none."""
    import datetime as dt

    import openpyxl

    from batchship.services.check import SheetOptions, run_check

    header = [*HEADER, "결제일"]
    rows = [
        [order_id(1), "택배", "CJ대한통운", "6000000001", "2026-11-20", "2026-11-21 14:03:11"],
        [order_id(2), "택배", "CJ대한통운", "6000000002", "2026-11-21", "2026-11-21 14:03:11"],
        [order_id(3), "택배", "CJ대한통운", "6000000003", "2026-11-20", ""],
        [order_id(4), "택배", "CJ대한통운", "6000000004", "", "2026-11-21"],
        [order_id(5), "택배", "CJ대한통운", "6000000005", "2026-11-19", None],
    ]
    path = write_xlsx(tmp_path / "s.xlsx", [header, *rows])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws["F6"] = dt.datetime(2026, 11, 20, 9, 30)  # a real date cell
    wb.save(path)
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    report = run_check(path, now=now)
    assert report.exit_code == 0
    assert [r.message for r in report.rows] == [
        "발송할 수 있습니다. 주의: 발송일 2026-11-20이(가) 결제일 2026-11-21보다 앞섭니다. 맞는지 확인하세요.",
        "발송할 수 있습니다.",
        "발송할 수 있습니다.",
        "발송할 수 있습니다.",
        "발송할 수 있습니다. 주의: 발송일 2026-11-19이(가) 결제일 2026-11-20보다 앞섭니다. 맞는지 확인하세요.",
    ]
    english = run_check(path, SheetOptions(lang="en"), now=now, out=tmp_path / "en.xlsx")
    assert english.rows[0].message == (
        "Ready to send. Note: the dispatch date 2026-11-20 is before the payment date 2026-11-21. Check it."
    )


def test_retry_files_do_not_pile_up_names_and_read_cleanly(tmp_path: Path) -> None:
    """A retry file fed back gives `.retry-2.xlsx` (not `.retry.retry.xlsx`, never the input itself); its
    columns are as wide as what they hold and the order and tracking numbers are formatted as text."""
    import openpyxl

    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ대한통운", "6000000002", ""],
    ]
    sheet = write_xlsx(tmp_path / "오늘발송.xlsx", rows)
    orders = tmp_path / "orders.csv"
    orders.write_text(f"productOrderId,status\n{order_id(1)},PAYED\n", encoding="utf-8")  # order 2 unknown
    journal = tmp_path / "j.sqlite3"
    practice = ("--sandbox", "--sandbox-orders", str(orders), "--journal", str(journal))
    assert cli("dispatch", str(sheet), *practice)[0] == 1
    first = tmp_path / "오늘발송.retry.xlsx"
    before = first.read_bytes()
    assert cli("dispatch", str(first), *practice)[0] == 1
    assert first.read_bytes() == before  # the input is never touched
    second = tmp_path / "오늘발송.retry-2.xlsx"
    assert second.exists() and not (tmp_path / "오늘발송.retry.retry.xlsx").exists()
    ws = openpyxl.load_workbook(second).active
    assert ws is not None
    assert ws["A2"].value == order_id(2) and ws["A2"].number_format == "@" and ws["D2"].number_format == "@"
    assert ws.column_dimensions["A"].width >= 18  # 16 digits never show as ###
    assert ws.column_dimensions["H"].width == 60  # the message column, as wide as allowed


def test_retry_file_messages_say_which_rows_of_the_original_they_mean(tmp_path: Path) -> None:
    """In the retry file, a duplicate's message names rows of the original sheet; every message now says which
    original row it came from, so "행 2, 4" cannot be read as the retry file's own rows."""
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ대한통운", "6000000002", ""],
        [order_id(1), "택배", "CJ대한통운", "6000000003", ""],
    ]
    sheet = write_xlsx(tmp_path / "dup.xlsx", rows)
    assert cli("dispatch", str(sheet), "--sandbox", "--journal", str(tmp_path / "j.sqlite3"))[0] == 1
    retry = read_rows(tmp_path / "dup.retry.xlsx")
    assert [r[7] for r in retry[1:]] == [
        f"원본 2행: 상품주문번호 '{order_id(1)}'가 이 시트에 2번 나옵니다(행 2, 4). 한 번만 남기세요.",
        f"원본 4행: 상품주문번호 '{order_id(1)}'가 이 시트에 2번 나옵니다(행 2, 4). 한 번만 남기세요.",
    ]


def test_a_result_file_fed_back_replaces_its_old_summary(tmp_path: Path) -> None:
    """Feeding a result file back (xlsx patched in place, and a legacy .xls through openpyxl): the 요약 sheet
    is rewritten with the new run's figures (keeping its name, here through an English run), not kept beside a
    new sheet; the workbook still opens."""
    import openpyxl

    from tests.conftest import write_xls

    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ택배", "1", ""],
    ]
    for kind, writer in (("xlsx", write_xlsx), ("xls", write_xls)):
        sheet = writer(tmp_path / f"s.{kind}", rows)
        assert cli("check", str(sheet))[0] == 1
        first = tmp_path / "s.check.xlsx"
        fixed = tmp_path / f"again-{kind}.xlsx"
        fixed.write_bytes(first.read_bytes())
        code, _, err = cli("check", str(fixed), "--lang", "en")
        assert code == 1, err
        wb = openpyxl.load_workbook(tmp_path / f"again-{kind}.check.xlsx")
        assert [n for n in wb.sheetnames if n.startswith(("요약", "Summary"))] in (["요약"], ["Summary"]), (
            wb.sheetnames
        )
        summary = {
            r[0]: r[1] for r in read_rows(tmp_path / f"again-{kind}.check.xlsx", wb.sheetnames[-1]) if r[0]
        }
        assert summary.get("file") == f"again-{kind}.xlsx", summary


def _bars(ws) -> list[str]:  # type: ignore[no-untyped-def]
    (chart,) = ws._charts
    series = chart.series[0]
    assert series.dLbls is not None and series.dLbls.showVal  # each bar says its count
    colours = [p.graphicalProperties.solidFill.srgbClr for p in series.dPt]
    return [str(getattr(c, "val", c)) for c in colours]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_the_result_workbook_reads_on_paper_and_on_screen(tmp_path: Path, kind: str) -> None:
    """The result sheet prints one page wide (as many down as it takes) with its header row on every page; the
    message column wraps and a row holding a long message is tall enough for it. The 요약 sheet prints
    landscape on one page, counts beside their labels, each bar coloured like its result cells, with its
    count. Both ways of writing a workbook (patched in place, rebuilt for an .xls) alike. Rendered through
    LibreOffice by hand to look at (see the session notes); these are the settings that make it so."""
    import openpyxl

    from tests.conftest import write_xls

    rows = [
        HEADER,
        *(
            [order_id(i), "택배", "CJ대한통운" if i % 2 else "CJ택배", f"{6000000000 + i}", ""]
            for i in range(1, 5)
        ),
    ]
    sheet = (write_xlsx if kind == "xlsx" else write_xls)(tmp_path / f"s.{kind}", rows)
    assert cli("check", str(sheet))[0] == 1
    wb = openpyxl.load_workbook(tmp_path / "s.check.xlsx")
    ws = wb["발송처리"]
    assert ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (
        "landscape",
        1,
        0,
    )
    assert ws["H2"].alignment.wrap_text and ws["H3"].alignment.wrap_text
    assert "알 수 없는 택배사" in ws["H3"].value and ws.row_dimensions[3].height >= 30  # two lines or more
    assert ws.row_dimensions[2].height in (None, 15.0)  # a one-line message leaves its row as it was
    assert [ws[f"F{r}"].fill.fgColor.rgb for r in (2, 3)] == ["FFC6EFCE", "FFFFEB9C"]  # passed, to be fixed
    summary = wb["요약"]
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    setup = summary.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 1)
    assert summary.column_dimensions["B"].width == 10  # the counts column, narrow: beside its labels
    # 성공, 실패, 검증오류, 이미처리, 확인필요, 보류, 검사 통과
    assert _bars(summary) == ["63BE7B", "F8696B", "FFC000", "63BE7B", "F8696B", "FFC000", "63BE7B"]


def test_print_settings_a_sheet_already_has_are_kept(tmp_path: Path) -> None:
    """A sheet set to print portrait, with its own rows repeated: still portrait (now one page wide), and its
    own print titles stay."""
    import openpyxl

    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, [order_id(1), "택배", "CJ대한통운", "6000000001", ""]])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws.page_setup.orientation = "portrait"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    wb.save(path)
    assert cli("check", str(path))[0] == 0
    result = openpyxl.load_workbook(tmp_path / "s.check.xlsx")["발송처리"]
    assert (result.page_setup.orientation, result.page_setup.fitToWidth) == ("portrait", 1)
    assert (result.print_title_rows, result.print_title_cols) == ("$1:$1", "$A:$A")


def test_reconcile_on_the_practice_store_says_what_the_store_holds_not_how_to_dispatch(
    tmp_path: Path,
) -> None:
    """`reconcile --sandbox` looks up and sends nothing: its store line says what the store holds, without the
    dispatch's advice about sheets and --sandbox-reset (which reconcile does not take)."""
    from tests.conftest import orders_sheet

    journal = tmp_path / "j.sqlite3"
    assert (
        cli("dispatch", str(orders_sheet(tmp_path / "s.xlsx", 2)), "--sandbox", "--journal", str(journal))[0]
        == 0
    )
    code, out, err = cli("reconcile", "--sandbox", "--journal", str(journal))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == f"연습 스토어 {tmp_path / 'j.sandbox.json'}: 주문 2건(발송된 주문 2건)."
    assert "--sandbox-reset" not in out and lines[2] == f"{journal}: 확인필요로 남은 주문이 없습니다."
