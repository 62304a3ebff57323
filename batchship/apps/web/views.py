"""What the run page shows, worked out off the event loop: chips per result, the error-code table, one page of
rows (filtered and searched in the desk's store), the sheet chooser and whether a password is asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchship.apps.web.store import RunRow
from batchship.domain.meanings import code_fix, code_meaning
from batchship.i18n import Lang, t
from batchship.model import ATTENTION, Report, Status
from batchship.output.summary import tone

if TYPE_CHECKING:
    from batchship.apps.web.deps import Desk

PAGE_SIZE = 50
PASSWORD_KEYS = ("file.protected", "file.wrong_password")


@dataclass
class RunView:
    chips: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    status: str = ""
    q: str = ""
    sheets: list[str] = field(default_factory=list)
    ask_password: bool = False
    target: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def _shape(run: RunRow, lang: Lang) -> Report:
    """A report with the run's mode, for its labels and tones (the rows live in the store)."""
    data = run.report
    report = Report(
        "check" if run.mode == "check" else "dispatch", Path(run.file_name), run.sheet, 0, [], lang
    )
    report.dry_run = bool(data.get("dry_run"))
    return report


def run_view(desk: Desk, run: RunRow, lang: Lang, status: str, q: str, page: int) -> RunView:
    view = RunView(page=page, q=q, target=target_words(desk, lang, run.store))
    view.ask_password = run.error_key in PASSWORD_KEYS
    if run.status != "done":
        view.sheets = [] if view.ask_password or run.status != "failed" else _sheets(desk, run)
        return view
    shape = _shape(run, lang)
    # a row's message was written in the run's language: its result word is put in the same one, so that no
    # line of the table mixes two languages after the page's switch
    written = _shape(run, "en" if run.lang == "en" else "ko")
    counts: dict[str, int] = run.report.get("counts", {})
    attention = [s.value for s in ATTENTION if counts.get(s.value)]
    view.status = status if status in (*counts, "all") else ("attention" if attention else "all")
    view.chips = [
        {"status": s.value, "label": shape.label(s), "count": counts.get(s.value, 0), "tone": tone(shape, s)}
        for s in Status
        if counts.get(s.value)
    ]
    view.codes = [
        {"code": c, "count": n, "meaning": code_meaning(c, lang), "fix": code_fix(c, lang)}
        for c, n in run.report.get("error_codes", {}).items()
    ]
    wanted = attention if view.status == "attention" else [] if view.status == "all" else [view.status]
    view.total, rows = desk.runs.store.rows(run.id, wanted, q, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    view.pages = max(1, -(-view.total // PAGE_SIZE))
    view.rows = [
        {
            "row": r,
            "pid": p,
            "label": written.label(Status(s)),
            "tone": tone(shape, Status(s)),
            "code": c,
            "message": m,
        }
        for r, p, s, c, m in rows
    ]
    view.sheets = _sheets(desk, run)
    view.facts = run.report
    return view


def _sheets(desk: Desk, run: RunRow) -> list[str]:
    """The workbook's worksheets, when it has more than one (the chooser)."""
    if not run.upload or not Path(run.upload).exists():
        return []
    names = desk.runs.sheet_names(run.upload)
    return names if len(names) > 1 else []


def target_words(desk: Desk, lang: Lang, store: str) -> str:
    """Where a dispatch for `store` goes, as the confirmation says it."""
    settings = desk.settings
    if settings.sandbox:
        return t("desk.target_sandbox", lang)
    return t("desk.target_store", lang, store=settings.store_label(store, lang))
