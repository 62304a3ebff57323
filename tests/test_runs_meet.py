"""Runs meet (issue 12, item 6): a check or a dry run after a dispatch knows what the journal knows, and writes a
copy of its own; no run replaces another run's result copy or a file batchship did not write; two runs of one
sheet at once both keep their copy, and the later one's rows say which run shipped them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from batchship.journal import open_journal
from batchship.output.paths import write_new
from batchship.sandbox import DEMO_CLIENT_ID, Faults
from tests.conftest import HEADER, cli, dispatch_env, order_id, orders_sheet, read_rows, write_csv


def _dispatched(tmp_path: Path, orders: list[int]) -> tuple[Path, Path, dict[str, object]]:
    """A practice dispatch of `orders` (all ship): the sheet, the journal, the JSON report."""
    sheet = orders_sheet(tmp_path / "오늘발송.xlsx", orders, date="")
    journal = tmp_path / "저널.sqlite3"
    code, out, err = cli(
        "dispatch", str(sheet), "--sandbox", "--journal", str(journal), "--report", str(tmp_path / "d.json")
    )
    assert code == 0, out + err
    return sheet, journal, json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))


def test_check_after_a_dispatch_says_already_shipped_by_which_run_and_keeps_the_result(
    tmp_path: Path,
) -> None:
    """`check` reads the journal (read-only): shipped orders say 이미처리, when, which run, which file and row;
    the check copy is `<name>.check.xlsx`; the dispatch's result copy is untouched; the journal unchanged."""
    sheet, journal, report = _dispatched(tmp_path, [1, 2])
    result = tmp_path / "오늘발송.result.xlsx"
    before = result.read_bytes(), journal.read_bytes()
    orders_sheet(sheet, [1, 2, 3], date="")  # the day's sheet grew by one order
    code, out, err = cli(
        "check", str(sheet), "--journal", str(journal), "--sandbox", "--report", str(tmp_path / "c.json")
    )
    assert code == 0, out + err  # shipped before, or fine to send: nothing is wrong
    assert (result.read_bytes(), journal.read_bytes()) == before
    copy = tmp_path / "오늘발송.check.xlsx"
    rows = read_rows(copy)[1:]
    assert [r[5] for r in rows] == ["이미처리", "이미처리", "검사 통과"]
    run = str(report["run_id"])[:8]
    assert f"실행 {run}, 오늘발송.xlsx 2행" in rows[0][7] and "에 이미 발송 처리한 주문입니다" in rows[0][7]
    checked = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert checked["requests_planned"] == 1 and checked["journal"] == str(journal)
    assert "보낼 요청: 1건" in out and "이미처리       2" in out


def test_a_dry_run_after_a_dispatch_plans_only_what_is_left(tmp_path: Path) -> None:
    """`dispatch --dry-run` looks too: shipped orders are not in the sample request, its copy is the check
    copy, and the dispatch's result stays."""
    sheet, journal, _ = _dispatched(tmp_path, [1, 2])
    before = (tmp_path / "오늘발송.result.xlsx").read_bytes()
    orders_sheet(sheet, [1, 2, 3], date="")
    code, out, err = cli("dispatch", str(sheet), "--dry-run", "--sandbox", "--journal", str(journal))
    assert code == 0, out + err
    assert order_id(3) in out and order_id(1) not in out.split("미리보기", 1)[-1]
    assert [r[5] for r in read_rows(tmp_path / "오늘발송.check.xlsx")[1:]] == [
        "이미처리",
        "이미처리",
        "검사 통과",
    ]
    assert (tmp_path / "오늘발송.result.xlsx").read_bytes() == before


def test_practice_sends_are_not_real_ones_and_a_configured_account_sees_only_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `--sandbox`, a check does not count what was sent to the practice store; with credentials
    configured it reads only their account's attempts."""
    sheet, journal, _ = _dispatched(tmp_path, [1])
    assert cli("check", str(sheet), "--journal", str(journal))[0] == 0
    assert [r[5] for r in read_rows(tmp_path / "오늘발송.check.xlsx")[1:]] == ["검사 통과"]
    with open_journal(journal, "real-app") as store:  # a real account shipped order 1 too
        (attempt,) = store.begin(_items(sheet), str(sheet))
        from batchship.journal import AttemptState, Settlement

        store.finish([Settlement(attempt, AttemptState.SUCCESS)])
    assert cli("check", str(sheet), "--journal", str(journal))[0] == 0
    assert [r[5] for r in read_rows(tmp_path / "오늘발송.check.xlsx")[1:]] == ["이미처리"]
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_ID", "another-app")
    cli("check", str(sheet), "--journal", str(journal))
    assert [r[5] for r in read_rows(tmp_path / "오늘발송.check.xlsx")[1:]] == ["검사 통과"]
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_ID", "real-app")
    cli("check", str(sheet), "--journal", str(journal))
    assert [r[5] for r in read_rows(tmp_path / "오늘발송.check.xlsx")[1:]] == ["이미처리"]


def _items(sheet: Path) -> list:  # type: ignore[type-arg]
    from batchship.domain.plan import items_from
    from batchship.services.check import SheetOptions, prepare

    _, validation, _ = prepare(sheet, SheetOptions())
    return items_from(validation.frame.take(validation.valid_mask))


def test_a_check_never_creates_waits_for_or_fails_on_the_journal(tmp_path: Path) -> None:
    """No journal: none is created. A journal another run holds: the check does not wait. A damaged one: the
    check says so in a line and judges the rows on the sheet alone."""
    sheet = orders_sheet(tmp_path / "s.xlsx", 2, date="")
    missing = tmp_path / "none" / "j.sqlite3"
    assert cli("check", str(sheet), "--journal", str(missing))[0] == 0
    assert not missing.parent.exists()
    held = tmp_path / "held.sqlite3"
    with open_journal(held, DEMO_CLIENT_ID) as store:
        store.acquire()  # a dispatch in progress
        assert cli("check", str(sheet), "--journal", str(held))[0] == 0
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database" * 100)
    code, out, err = cli("check", str(sheet), "--journal", str(damaged))
    assert code == 0 and err == ""
    assert f"저널을 읽지 못해 이미 발송한 주문인지는 확인하지 않았습니다: {damaged} (" in out
    assert damaged.read_bytes() == b"not a database" * 100


def test_a_file_batchship_did_not_write_is_never_replaced_without_out(tmp_path: Path) -> None:
    """Someone's own `s.check.xlsx` / `s.result.xlsx` stays; batchship's copy takes a stamped name beside it.
    An earlier check copy of batchship's is replaced; `--out` replaces whatever is there, as asked."""
    sheet = orders_sheet(tmp_path / "s.xlsx", 1, date="")
    theirs = tmp_path / "s.check.xlsx"
    theirs.write_bytes(b"someone's own file")
    code, out, _ = cli("check", str(sheet), "--report", str(tmp_path / "r.json"))
    assert code == 0 and theirs.read_bytes() == b"someone's own file"
    stamped = Path(json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["result_file"])
    assert stamped.name.startswith("s.check.2") and str(stamped) in out
    assert [r[5] for r in read_rows(stamped)[1:]] == ["검사 통과"]
    theirs.unlink()
    assert cli("check", str(sheet))[0] == 0
    first = theirs.read_bytes()
    orders_sheet(sheet, [1, 2], date="")
    assert cli("check", str(sheet))[0] == 0  # its own earlier copy: replaced, no third file
    assert theirs.read_bytes() != first and len(read_rows(theirs)) == 3
    assert sorted(p.name for p in tmp_path.glob("s.check*")) == sorted(["s.check.xlsx", stamped.name])
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"replace me")
    assert cli("check", str(sheet), "--out", str(mine))[0] == 0
    assert len(read_rows(mine)) == 3


def test_a_text_sheets_check_copy_is_recognised_by_its_result_columns(tmp_path: Path) -> None:
    """A CSV check copy batchship wrote is replaced by the next check; a CSV of someone's at that name is
    not."""
    sheet = write_csv(tmp_path / "s.csv", [HEADER, [order_id(1), "택배", "CJ대한통운", "6000000001", ""]])
    copy = tmp_path / "s.check.csv"
    copy.write_text("상품주문번호,메모\n1,mine\n", encoding="utf-8")
    cli("check", str(sheet))
    assert copy.read_text(encoding="utf-8") == "상품주문번호,메모\n1,mine\n"
    copy.unlink()
    cli("check", str(sheet))
    cli("check", str(sheet), "--lang", "en")  # an English copy is batchship's too
    assert copy.read_text(encoding="utf-8-sig").splitlines()[0].endswith(",result,error_code,error_message")
    assert len(list(tmp_path.glob("s.check*"))) == 2  # s.check.csv and the stamped copy beside someone's


def test_names_are_claimed_so_writers_finishing_at_once_never_share_one(tmp_path: Path) -> None:
    """Eight writers of one name at the same moment: eight files, each holding its own writer's bytes."""
    target = tmp_path / "s.result.xlsx"
    start = threading.Barrier(8)
    written: list[Path] = []

    def write(n: int) -> None:
        start.wait()
        written.append(write_new(target, f"writer {n}".encode()))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(written)) == 8 and target in written
    assert sorted(p.read_text() for p in written) == sorted(f"writer {n}" for n in range(8))
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~_umask()


def test_a_run_killed_while_writing_leaves_no_empty_file_under_a_result_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is complete before any name is taken: a run killed while writing it (here: at the sync) leaves
    nothing under the result's name for staff, or the next run, to mistake for a result; the next run cleans up
    only what is old enough not to be another run's copy in progress."""
    target = tmp_path / "s.result.xlsx"

    class Killed(BaseException):
        pass

    def killed(_fd: int) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", killed)
        with pytest.raises(Killed):
            write_new(target, b"complete result")
    assert not target.exists()
    (killed_copy,) = tmp_path.glob(".s.result.xlsx.*.new")  # what the kill left: hidden, and not a result
    left = tmp_path / ".s.result.xlsx.abandoned.new"
    left.write_bytes(b"a killed run's copy")
    fresh = tmp_path / ".s.result.xlsx.inflight.new"
    fresh.write_bytes(b"another run's copy, in flight")
    os.utime(left, (0, 0))
    assert write_new(target, b"complete result") == target and target.read_bytes() == b"complete result"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([killed_copy.name, fresh.name, target.name])


def test_without_hard_links_a_name_is_claimed_then_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a share without hard links the name is claimed empty, then filled: the same names and bytes."""
    target = tmp_path / "s.result.xlsx"
    target.write_bytes(b"an earlier result")

    def refused(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    written = write_new(target, b"this run's result")
    assert (
        written != target
        and written.name.startswith("s.result.")
        and written.read_bytes() == b"this run's result"
    )
    assert target.read_bytes() == b"an earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, written.name])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_two_dispatches_of_one_sheet_at_once_each_keep_their_copy(tmp_path: Path, sandbox_of) -> None:  # type: ignore[no-untyped-def]
    """Two processes dispatch the same sheet on one journal at the same time (two staff, or a watcher and a
    person): one ships every order, the other waits for it and finds them shipped; both result copies
    survive, and the later one's rows name the run that shipped them."""
    sb = sandbox_of(40, faults=Faults(latency_s=0.5))
    sheet = orders_sheet(tmp_path / "오늘발송.xlsx", 40, date="")
    env = dispatch_env(BATCHSHIP_API_BASE_URL=sb.base_url)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "batchship",
                "dispatch",
                str(sheet),
                "--quiet",
                "--journal",
                str(tmp_path / "j.sqlite3"),
                "--report",
                str(tmp_path / f"r{n}.json"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    reports = [json.loads((tmp_path / f"r{n}.json").read_text(encoding="utf-8")) for n in range(2)]
    first, later = sorted(reports, key=lambda r: r["counts"]["SUCCESS"], reverse=True)
    assert first["counts"]["SUCCESS"] == 40 and later["counts"]["ALREADY_DISPATCHED"] == 40
    assert sb.calls()["dispatch_attempts"] == 2  # 40 orders in two requests, sent once
    assert first["result_file"] != later["result_file"]
    assert [r[5] for r in read_rows(Path(first["result_file"]))[1:]] == ["성공"] * 40
    later_rows = read_rows(Path(later["result_file"]))[1:]
    assert [r[5] for r in later_rows] == ["이미처리"] * 40
    assert f"실행 {first['run_id'][:8]}, 오늘발송.xlsx 2행" in later_rows[0][7]


def test_a_protected_sheets_check_copy_is_recognised_and_replaced(tmp_path: Path) -> None:
    """Seller Center's downloads are password-protected, and so is batchship's copy of one: checking the same
    protected sheet again replaces the earlier check copy (read with the sheet's password) instead of piling up
    stamped copies; a protected file of someone else's at that name stays."""
    from tests.conftest import encrypt

    plain = orders_sheet(tmp_path / "plain.xlsx", 1, date="")
    sheet = encrypt(plain, tmp_path / "s.xlsx", "pw-1234")
    for _ in range(2):
        assert cli("check", str(sheet), "--password", "pw-1234")[0] == 0
    assert sorted(p.name for p in tmp_path.glob("s.check*")) == ["s.check.xlsx"]
    assert [r[5] for r in read_rows(tmp_path / "s.check.xlsx", password="pw-1234")[1:]] == ["검사 통과"]
    theirs = encrypt(orders_sheet(tmp_path / "theirs.xlsx", 1, date=""), tmp_path / "t.check.xlsx", "pw-1234")
    before = theirs.read_bytes()
    other = encrypt(plain, tmp_path / "t.xlsx", "pw-1234")
    assert cli("check", str(other), "--password", "pw-1234")[0] == 0
    assert theirs.read_bytes() == before and len(list(tmp_path.glob("t.check*"))) == 2
