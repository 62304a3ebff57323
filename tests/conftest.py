"""Shared helpers: real sheets written into tmp_path, the way Excel and Seller Center write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from batchship.apps.cli import main
from batchship.domain.plan import DispatchItem
from batchship.model import Report, RowResult
from batchship.naver.auth import Credentials
from batchship.naver.client import CommerceClient
from batchship.naver.retry import RetryPolicy
from batchship.sandbox import Sandbox
from batchship.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Order
from batchship.services.check import SheetOptions
from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch
from batchship.services.dispatch.context import RunContext
from batchship.services.dispatch.request import Request
from batchship.timefmt import KST

pytest_plugins = ["tests.receivers"]

HEADER = ["상품주문번호", "배송방법", "택배사", "송장번호", "발송일"]
#: A fixed "now" for rule tests: 2024-05-05 15:00 KST.
NOW = dt.datetime(2024, 5, 5, 15, 0, 0, tzinfo=KST)


def order_id(n: int) -> str:
    """A valid 16-digit product order number whose last digit is never 0."""
    return f"2024050{n:08d}{(n % 9) + 1}"


def order_row(
    i: int, *, date: str = "2024-05-05 10:00", tracking: Callable[[int], str] = lambda i: f"{6000000000 + i}"
) -> list[str]:
    """One valid parcel row for order `i`: CJ대한통운, tracking number 60000000NN."""
    return [order_id(i), "택배", "CJ대한통운", tracking(i), date]


def orders_sheet(
    path: Path,
    orders: int | Iterable[int],
    *,
    date: str = "2024-05-05 10:00",
    tracking: Callable[[int], str] = lambda i: f"{6000000000 + i}",
) -> Path:
    """A shipping sheet at `path` with a valid parcel row for each order (`n`: orders 1 to n)."""
    numbers = range(1, orders + 1) if isinstance(orders, int) else orders
    return write_xlsx(path, [HEADER, *(order_row(i, date=date, tracking=tracking) for i in numbers)])


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str = "발송처리",
    text_columns: Sequence[int] = (),
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """Write rows (first row at A1) to an xlsx; `text_columns` (1-based) get the Text number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if c in text_columns:
                cell.number_format = "@"
    for name, extra_rows in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in extra_rows:
            other.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def encrypt(src: Path, dst: Path, password: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with src.open("rb") as fh, dst.open("wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return dst


def read_rows(path: Path, sheet: str | None = None, password: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of a written workbook, as values."""
    data: Any = path
    if password:
        import msoffcrypto

        data = io.BytesIO()
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=password)
            office.decrypt(data)
    wb = openpyxl.load_workbook(data)
    ws = wb[sheet] if sheet else wb.active
    assert ws is not None
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def good_rows() -> list[list[Any]]:
    return [
        HEADER,
        [order_id(1), "택배,등기,소포", "CJ대한통운", "123456789012", "2024-05-05"],
        [order_id(2), "택배", "롯데택배", "2345-6789-0123", ""],
        [order_id(3), "직접전달", "", "", "2024.05.04 10:30"],
    ]


@pytest.fixture(autouse=True)
def _korean(monkeypatch: pytest.MonkeyPatch) -> None:
    """Korean, the default for our users, whatever the machine's locale (subprocesses inherit it)."""
    monkeypatch.setenv("BATCHSHIP_LANG", "ko")


@pytest.fixture(autouse=True)
def _private_journal(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever writes the user's real journal or crash logs: each test gets its own (inherited by
    subprocesses)."""
    path = tmp_path_factory.mktemp("journal") / "journal.sqlite3"
    monkeypatch.setenv("BATCHSHIP_JOURNAL", str(path))
    monkeypatch.setenv("XDG_STATE_HOME", str(path.parent / "state"))
    return path


def write_xls(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str = "발송처리",
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """Write rows (first row at A1) to a legacy .xls, as Seller Center's bulk-dispatch form is often saved."""
    import xlwt

    book = xlwt.Workbook()
    for name, sheet_rows in {title: rows, **(extra_sheets or {})}.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    book.save(str(path))
    return path


def dispatch_env(**extra: str) -> dict[str, str]:
    """The environment of a `batchship` subprocess with the sandbox's demo credentials."""
    from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    return {
        **os.environ,
        "NAVER_COMMERCE_CLIENT_ID": DEMO_CLIENT_ID,
        "NAVER_COMMERCE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        **extra,
    }


# -- dispatching in-process against a sandbox ------------------------------------------------------------------

#: Fast retries for tests: the same policy, smaller waits.
FAST = RetryPolicy(attempts=10, total_s=60, base_s=0.01, cap_s=0.05, rng=random.Random(1))
CREDS = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def run_job(
    path: Path,
    base_url: str,
    *,
    journal: Path | str | None = None,
    out: Path | None = None,
    now: dt.datetime | None = NOW,
    sheet_options: SheetOptions | None = None,
    transport: Any = None,
    **options: Any,
) -> Report:
    """`run_dispatch` of `path` against the sandbox at `base_url` with the demo credentials."""
    options.setdefault("rate_limit", 200)
    options.setdefault("retry", FAST)
    job = DispatchJob(
        path,
        sheet_options or SheetOptions(),
        DispatchOptions(**options),
        Target(base_url, CREDS, transport=transport),
        out=out,
        journal=str(journal) if journal is not None else None,
        now=now,
    )
    return run_dispatch(job)


@pytest.fixture
def sandbox_of() -> Iterator[Callable[..., Sandbox]]:
    """Starts sandboxes on loopback that know the given orders (`n`: orders 1 to n), all PAYED; stops them
    after the test."""
    started: list[Sandbox] = []

    def make(orders: int | Iterable[int] = 0, **kwargs: Any) -> Sandbox:
        numbers = range(1, orders + 1) if isinstance(orders, int) else orders
        sb = Sandbox(orders=[Order(order_id(i)) for i in numbers], **kwargs)
        started.append(sb.start())
        return sb

    yield make
    for sb in started:
        sb.stop()


def cli(*argv: str) -> tuple[int, str, str]:
    """`batchship ARGV` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def send(client: CommerceClient, items: list[DispatchItem], **context: Any) -> list[RowResult]:
    """One request through the state machine."""
    context.setdefault("retry", FAST)
    return Request(RunContext(client, **context), items).run()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole run (see tests/pgserver.py); tests take a fresh database
    of it through `postgres_url`."""
    from tests.pgserver import throwaway_postgres

    with throwaway_postgres() as server:
        yield server.url


@pytest.fixture
def postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    import hashlib

    from tests.pgserver import fresh_database

    name = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    return fresh_database(postgres_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A journal address of each store: a file for SQLite, a fresh database for PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url
