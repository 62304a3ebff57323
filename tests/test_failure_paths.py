"""Failure paths found by probing (issue 11): each ends in a clear message and the right exit code, never a
traceback, an abort or a wedged watcher."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from batchship.apps.cli import CRASH_EXIT, commands
from batchship.sandbox import DEMO_CLIENT_SECRET
from tests.conftest import HEADER, cli, dispatch_env, order_id, orders_sheet, read_rows, write_xlsx

ROOT = Path(__file__).parent.parent


def test_output_piped_into_a_reader_that_leaves_breaks_nothing(tmp_path: Path) -> None:
    """`batchship check x | head -c 1`: the reader goes away; batchship finishes its work (the result copy is
    complete), exits with the check's own code, and prints no traceback or 'Exception ignored'."""
    rows = [HEADER, *([order_id(i), "택배", "CJ대한통운", f"{6000000000 + i}", ""] for i in range(1, 400))]
    sheet = write_xlsx(tmp_path / "s.xlsx", rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "batchship", "check", str(sheet)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader has gone before the first line
    err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 0, err
    assert err == ""
    assert len(read_rows(tmp_path / "s.check.xlsx")) == 400


def test_dispatch_whose_reader_leaves_still_sends_every_row(tmp_path: Path, sandbox_of) -> None:  # type: ignore[no-untyped-def]
    """The progress bar and the summary go to a closed pipe: no row is left unsent because of it."""
    sb = sandbox_of(60)
    sheet = orders_sheet(tmp_path / "s.xlsx", 60)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "batchship",
            "dispatch",
            str(sheet),
            "--base-url",
            sb.base_url,
            "--batch-size",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dispatch_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 61)}
    assert {r[5] for r in read_rows(tmp_path / "s.result.xlsx")[1:]} == {"성공"}


def test_an_unforeseen_error_is_one_line_and_a_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything nobody foresaw: one line naming the crash log (exit 3); the log holds the traceback, with the
    secrets removed; --debug shows the traceback too."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_SECRET", DEMO_CLIENT_SECRET)

    def broken(*_: object) -> int:
        raise RuntimeError(f"something nobody foresaw, near {DEMO_CLIENT_SECRET}")

    monkeypatch.setattr(commands, "check", broken)
    code, out, err = cli("check", "whatever.xlsx")
    assert (code, out) == (CRASH_EXIT, "")
    assert err.count("\n") == 1 and "Traceback" not in err and "예기치 못한 오류(RuntimeError)" in err
    log = Path(err.split("자세한 내용이 ")[1].split("에 있습니다")[0])
    assert log.parent == tmp_path / "state" / "batchship" / "log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "something nobody foresaw" in text and DEMO_CLIENT_SECRET not in text
    code, _, err = cli("check", "whatever.xlsx", "--debug", "--lang", "en")
    assert code == CRASH_EXIT and "Traceback" in err and DEMO_CLIENT_SECRET not in err
    assert (
        err.strip().splitlines()[-1].startswith("batchship: stopped by an unexpected error (RuntimeError).")
    )


def test_watch_given_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "inbox").write_text("x")
    code, _, err = cli("watch", str(tmp_path / "inbox"), "--once", "--dry-run")
    assert code == 2 and "폴더가 아닙니다" in err and "Traceback" not in err


def test_a_sandbox_port_already_taken_says_how_to_fix_it() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = cli("sandbox", "--port", str(port))
    assert code == 2, err
    assert f"127.0.0.1:{port}에서 기다릴 수 없습니다(다른 프로그램이 이미 쓰는 포트)" in err


def test_a_damaged_practice_store_state_says_how_to_start_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "practice.sqlite3"
    (tmp_path / "practice.sandbox.json").write_text('{"orders": [{"nonsense": 1}]}', encoding="utf-8")
    code, _, err = cli(
        "dispatch", str(orders_sheet(tmp_path / "s.xlsx", 2)), "--sandbox", "--journal", str(journal)
    )
    assert code == 2 and "practice.sandbox.json" in err and "이 파일을 지우면" in err


def test_a_report_that_cannot_be_written_still_shows_the_summary(tmp_path: Path) -> None:
    """`--report` through a file: the summary is printed, the reason on stderr, exit 2 (nothing was sent)."""
    (tmp_path / "afile").write_text("x")
    sheet = orders_sheet(tmp_path / "s.xlsx", 2)
    code, out, err = cli("check", str(sheet), "--report", str(tmp_path / "afile" / "r.json"))
    assert code == 2
    assert "보고서 파일을 쓸 수 없습니다" in err and "같은 이름의 파일이 이미 있음" in err
    assert "통과" in out and "s.check.xlsx" in out


def test_the_report_is_written_on_exit_2_too(tmp_path: Path) -> None:
    import json

    code, _, err = cli("check", str(tmp_path / "없음.xlsx"), "--report", str(tmp_path / "r" / "r.json"))
    data = json.loads((tmp_path / "r" / "r.json").read_text(encoding="utf-8"))
    assert code == 2 and data["exit_code"] == 2 and data["mode"] == "check"
    assert data["errors"] == [err.strip().removeprefix("batchship: ")]


def test_a_result_copy_that_cannot_be_written_after_sending_still_reports_what_was_sent(
    tmp_path: Path, sandbox_of, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Orders were dispatched, then the result copy cannot be written: exit 1 (not 2: orders went out), the
    summary and the JSON report say every row was sent, the reason is on stderr."""
    import json

    sb = sandbox_of(3)
    for name, value in dispatch_env().items():
        monkeypatch.setenv(name, value)
    (tmp_path / "afile").write_text("x")
    sheet = orders_sheet(tmp_path / "s.xlsx", 3)
    report = tmp_path / "r.json"
    code, out, err = cli(
        "dispatch",
        str(sheet),
        "--base-url",
        sb.base_url,
        "--out",
        str(tmp_path / "afile" / "r.xlsx"),
        "--report",
        str(report),
    )
    assert code == 1, err
    assert "결과 파일을 쓸 수 없습니다" in err and sb.dispatch_counts() == {order_id(i): 1 for i in (1, 2, 3)}
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["counts"]["SUCCESS"] == 3 and data["result_file"] is None and len(data["errors"]) == 1
    assert "성공" in out


LONG = "발" * 82  # 246 bytes: with `.xlsx`, a legal name of 251 bytes


def test_a_long_legal_file_name_gets_shortened_result_names(tmp_path: Path) -> None:
    """`<name>.check.xlsx` would be 257 bytes: the derived names are shortened (extension kept, a unique mark
    added)."""
    sheet = orders_sheet(tmp_path / f"{LONG}.xlsx", 2, date="")
    code, _, err = cli("check", str(sheet))
    assert code == 0, err
    (result,) = [p for p in tmp_path.iterdir() if p.name.endswith(".check.xlsx")]
    assert len(result.name.encode()) <= 255 and result.name.startswith("발" * 70) and "~" in result.name
    assert [p.name for p in tmp_path.glob(".*")] == []


def test_temporary_files_a_killed_run_left_are_removed_by_the_next_run(tmp_path: Path) -> None:
    sheet = orders_sheet(tmp_path / "s.xlsx", 2, date="")
    stale = [tmp_path / ".s.check.xlsx.deadbeef.tmp", tmp_path / ".s.check.xlsx.0a1b2c3d.tmp"]
    for path in stale:
        path.write_bytes(b"left by a killed run")
    other = tmp_path / ".someone-else.tmp"
    other.write_bytes(b"not ours")
    assert cli("check", str(sheet))[0] == 0
    assert [p.name for p in tmp_path.glob(".*")] == [other.name]


def test_a_long_legal_file_name_does_not_wedge_the_watcher(tmp_path: Path) -> None:
    """The real per-file pipeline (a dry run) on a sheet whose derived names would be too long: processed,
    filed under done/, result copy and report in results/ under shortened names."""
    from batchship.apps.watch.pipeline import dispatching
    from batchship.apps.watch.watcher import Watcher
    from batchship.services.check import SheetOptions
    from batchship.services.dispatch import DispatchOptions, Target

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    orders_sheet(inbox / f"{LONG}.xlsx", 2, date="")
    process = dispatching(SheetOptions(), DispatchOptions(dry_run=True), Target("http://unused.test"), None)
    events = list(Watcher(inbox, process, settle=0.0).run(threading.Event(), once=True))
    assert [e.kind for e in events] == ["processed"]
    assert [p.name for p in (inbox / "done").iterdir()] == [f"{LONG}.xlsx"]
    written = sorted(p.name.rsplit("~", 1)[-1] for p in (inbox / "results").iterdir() if "~" in p.name)
    assert [w[8:] for w in written] == [".check.xlsx", ".report.json"]


def test_one_order_number_repeated_down_a_sheet_gets_a_short_message(tmp_path: Path) -> None:
    """5,000 copies of one number: each row names three rows and counts the rest, in both languages; the run
    stays linear (the quadratic messages took 1.1 GB here; see `make bench` for 100,000 copies)."""
    from batchship.services.check import SheetOptions, run_check

    rows = [
        HEADER,
        *(["2024050000000012", "택배", "CJ대한통운", f"{6000000000 + i}", ""] for i in range(5000)),
    ]
    sheet = write_xlsx(tmp_path / "dup.xlsx", rows)
    report = run_check(sheet)
    assert {r.code for r in report.rows} == {"104131"}
    assert report.rows[0].message == (
        "상품주문번호 '2024050000000012'가 이 시트에 5000번 나옵니다(행 2, 3, 4 외 4,997행). 한 번만 남기세요."
    )
    english = run_check(sheet, SheetOptions(lang="en"), out=tmp_path / "en.xlsx")
    assert "(rows 2, 3, 4 and 4,997 more)" in english.rows[-1].message
    assert max(len(str(r[7])) for r in read_rows(tmp_path / "dup.check.xlsx")[1:]) < 200


INJECTIONS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","y")',
    "=SUM(1,1)",
    "+1+1",
    "@SUM(1)",
]


def _formulas(path: Path) -> list[bytes]:
    """Every cell formula in a workbook's worksheets (chart series references are not cells)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return [f for n in sheets for f in re.findall(rb"<(?:\w+:)?f[\s>][^<]*", zf.read(n))]


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_no_result_or_retry_cell_is_ever_a_live_formula(tmp_path: Path, kind: str) -> None:
    """Formula-like text in the user's cells, in a header and in the file's own name comes out as text in the
    result copy (every path: streaming xlsx, legacy .xls through openpyxl), its 요약 sheet and the retry file."""
    from tests.conftest import write_xls

    header = [*HEADER, "=SUM(1,1)"]
    rows = [header] + [
        [order_id(i), "택배", "CJ대한통운", text if i % 2 else f"{6000000000 + i}", "", text]
        for i, text in enumerate(INJECTIONS, start=1)
    ]
    name = tmp_path / f'=HYPERLINK("x","y").{kind}'
    if kind == "xls":
        write_xls(name, rows)
    else:  # the user's text, stored as text (as Excel stores '=... typed with a leading apostrophe)
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "발송처리"
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                cell.data_type = "s"
        wb.save(name)
        assert _formulas(name) == []
    code, _, err = cli("check", str(name))
    assert code == 1, err
    result = tmp_path / '=HYPERLINK("x","y").check.xlsx'
    assert _formulas(result) == []
    assert {r[0] for r in read_rows(result, "요약") if r[0]} >= {"파일"} and any(
        '=HYPERLINK("x","y")' in str(v) for r in read_rows(result, "요약") for v in r
    )
    texts = {str(v) for r in read_rows(result) for v in r if v}
    assert set(INJECTIONS) <= texts and "=SUM(1,1)" in texts
    # the retry file, from a dispatch that sends nothing (a dry run writes none: use the practice store)
    code, _, err = cli("dispatch", str(name), "--sandbox", "--journal", str(tmp_path / "j.sqlite3"))
    retry = tmp_path / '=HYPERLINK("x","y").retry.xlsx'
    assert retry.exists(), err
    assert _formulas(retry) == [] and read_rows(retry)[0][5] == "=SUM(1,1)"


@pytest.mark.parametrize(
    "path", ["/v1/pay-order/seller/product-orders/dispatch", "/v1/pay-order/seller/product-orders/query"]
)
def test_the_sandbox_answers_deeply_nested_json_with_a_400(sandbox_of, path: str) -> None:  # type: ignore[no-untyped-def]
    """900 KB of `[`: NAVER's stand-in says 400 (a bad request), not 500 with a RecursionError."""
    from batchship.naver.client import CommerceClient
    from tests.conftest import CREDS

    sb = sandbox_of(1)
    with CommerceClient(CREDS, sb.base_url) as client:
        client.authenticate()
        response = client._http.post(
            path, content=b"[" * 900_000, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400 and response.json()["code"] == "4000"
    assert 500 not in sb.snapshot()["statuses"]


def test_a_sheet_reaching_the_last_column_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    """Columns used up to XFD: no room for the three result columns (Excel would drop them), so the sheet is
    refused with a message, before a dispatch sends anything; up to XFA the results still fit (XFB-XFD)."""
    import openpyxl

    for last, fits in (("XFD", False), ("XFA", True)):
        path = tmp_path / f"wide-{last}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "발송처리"
        for row in [HEADER, [order_id(1), "택배", "CJ대한통운", "6000000001", ""]]:
            ws.append(row)
        ws[f"{last}1"] = "메모"
        wb.save(path)
        code, _, err = cli("check", str(path))
        if fits:
            assert code == 0, err
            assert read_rows(tmp_path / f"wide-{last}.check.xlsx")[0][-3:] == (
                "처리결과",
                "오류코드",
                "오류메시지",
            )
        else:
            assert (
                code == 2
                and "XFD열까지 쓰고 있어 엑셀의 마지막 열까지 결과 열 3개를 붙일 자리가 없습니다" in err
            )


def prefixed_copy(src: Path, dst: Path, styles: Callable[[bytes], bytes] = lambda b: b) -> Path:
    """A copy of an xlsx whose worksheet's tags all carry the prefix `x:` (valid, and read the same)."""
    import re
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().split("?>", 1)[-1]
                text = text.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
                text = re.sub(r"<(/?)(?!x:)([A-Za-z]+)([\s>/])", r"<\1x:\2\3", text)
                data = text.encode()
            elif info.filename == "xl/styles.xml":
                data = styles(data)
            zout.writestr(info, data)
    return dst


def test_a_prefixed_worksheet_is_read_and_its_result_rebuilt_and_says_so(tmp_path: Path) -> None:
    """A valid worksheet whose tags carry a namespace prefix (`<x:row>`, `<x:c>`): the guard reads it with
    the XML parser, the rows are checked, and the result copy is rebuilt through openpyxl, which the terminal
    summary, the JSON report and the 요약 sheet all say."""
    import json
    import zipfile

    path = prefixed_copy(orders_sheet(tmp_path / "base.xlsx", 2, date=""), tmp_path / "prefixed.xlsx")
    assert b"<x:row" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    code, out, err = cli("check", str(path), "--report", str(tmp_path / "r.json"))
    assert code == 0, err
    assert "호환 방식으로 새로 만들었습니다" in out
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["result_rebuilt"] is True
    result = tmp_path / "prefixed.check.xlsx"
    assert [r[5] for r in read_rows(result)[1:]] == ["검사 통과", "검사 통과"]
    facts = {r[0]: r[1] for r in read_rows(result, "요약") if r[0]}
    assert facts["작성 방식"].startswith("호환 방식으로 새로 만듦")


def test_journal_export_into_a_missing_folder_creates_it(
    tmp_path: Path, sandbox_of, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_job

    sb = sandbox_of(2)
    journal = tmp_path / "j.sqlite3"
    run_job(orders_sheet(tmp_path / "s.xlsx", 2), sb.base_url, journal=journal)
    out = tmp_path / "new" / "folder" / "attempts.csv"
    code, _, err = cli(
        "journal", "export", "--since", "2000-01-01", "--journal", str(journal), "--out", str(out)
    )
    assert code == 0, err
    assert out.read_text(encoding="utf-8-sig").count(order_id(1)) == 1
    (tmp_path / "afile").write_text("x")
    code, _, err = cli(
        "journal",
        "export",
        "--since",
        "2000-01-01",
        "--journal",
        str(journal),
        "--out",
        str(tmp_path / "afile" / "x.csv"),
    )
    assert code == 2 and "같은 이름의 파일이 이미 있음" in err


def test_a_result_copy_openpyxl_cannot_build_is_a_message_not_a_crash(tmp_path: Path) -> None:
    """A workbook the reader takes but openpyxl cannot rebuild (a font size that is not a number, and prefixed
    tags that make the writer rebuild rather than patch): one clear message, exit 2, no traceback."""
    path = prefixed_copy(
        orders_sheet(tmp_path / "base.xlsx", 2, date=""),
        tmp_path / "odd.xlsx",
        styles=lambda b: b.replace(b'<sz val="11" />', b'<sz val="eleven" />'),
    )
    code, out, err = cli("check", str(path))
    assert code == 2, out + err
    assert "결과 파일" in err and "만들지 못했습니다(TypeError)" in err and "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_result_and_retry_files_get_the_permissions_of_any_new_file(tmp_path: Path, umask: int) -> None:
    """Written through a private temporary file, they still end with what the umask gives any new file (644
    under 022), so staff can open what the watcher wrote on a shared folder; like the JSON report beside them."""
    import stat

    sheet = orders_sheet(tmp_path / "s.xlsx", 2, date="")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import os, sys; os.umask({umask}); from batchship.apps.cli import main; "
            "sys.exit(main(sys.argv[1:]))",
            "dispatch",
            str(sheet),
            "--sandbox",
            "--journal",
            str(tmp_path / "j.sqlite3"),
            "--sandbox-orders",
            str(write_csv_orders(tmp_path)),
            "--report",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    for name in ("s.result.xlsx", "s.retry.xlsx", "r.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def write_csv_orders(folder: Path) -> Path:
    """Practice orders: order 1 exists and is PAYED, order 2 does not (so a retry file is written)."""
    path = folder / "orders.csv"
    path.write_text(f"productOrderId,status\n{order_id(1)},PAYED\n", encoding="utf-8")
    return path
