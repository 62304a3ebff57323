"""What a run did, as rows of text: the 요약 sheet of the result workbook and the terminal table share it."""

from __future__ import annotations

import datetime as dt
from typing import Final
from urllib.parse import urlparse

from batchship.domain.meanings import code_meaning
from batchship.i18n import LANGS, Lang, t
from batchship.model import Report, Status
from batchship.ooxml.printing import display_width
from batchship.ooxml.summary_sheet import SummaryTable
from batchship.timefmt import now_kst

#: The colour family of each status, in the result cells and the summary chart alike: done (green), refused or
#: to be checked at NAVER (red), to be fixed, held or not yet sent (amber).
TONES: Final = {
    Status.SUCCESS: "good",
    Status.ALREADY_DISPATCHED: "good",
    Status.FAILED: "bad",
    Status.UNKNOWN: "bad",
    Status.INVALID: "warn",
    Status.HELD: "warn",
    Status.NOT_SENT: "warn",
}


def tone(report: Report, status: Status) -> str:
    """A status's tone in this report: in a check or a dry run a row not sent passed the checks (green)."""
    if status is Status.NOT_SENT and (report.mode == "check" or report.dry_run):
        return "good"
    return TONES[status]


def target_label(report: Report, lang: Lang) -> str:
    url = report.sent.api_base_url if report.sent else ""
    if not url:
        return t("summary.none", lang)
    host = urlparse(url).hostname or ""
    where = t("summary.sandbox" if host in ("127.0.0.1", "localhost", "::1") else "summary.naver", lang)
    return " ".join(part for part in (where, report.origin.store, url) if part)


def summarise(report: Report, when: dt.datetime | None = None) -> SummaryTable:
    """The 요약 sheet's content, in the report's language."""
    lang = report.lang
    when = when or now_kst()
    mode = "check" if report.mode == "check" else "dry_run" if report.dry_run else "dispatch"
    facts = [
        (t("summary.file", lang), report.source_name),
        (
            t("summary.sheet", lang),
            t("summary.header_row", lang, sheet=report.sheet_name or "CSV", row=report.header_row),
        ),
        (t("summary.when", lang), when.strftime("%Y-%m-%d %H:%M:%S KST")),
        (t("summary.mode", lang), t(f"summary.{mode}", lang)),
        (t("summary.target", lang), target_label(report, lang)),
        (t("summary.rows", lang), str(len(report.rows))),
    ]
    if report.run_id:
        facts.append((t("summary.run", lang), report.run_id[:8]))
    if report.origin.store:
        facts.append((t("summary.store", lang), report.origin.store))
    if report.origin.started_by:
        facts.append((t("summary.started_by", lang), report.origin.started_by))
    counts = report.counts()
    statuses = [(report.label(s), counts[s.value]) for s in Status]
    codes = [(code, code_meaning(code, lang), n) for code, n in report.error_codes().items()]
    labels = {
        k: t(f"summary.{k}", lang) for k in ("sheet_name", "status", "count", "code", "meaning", "chart")
    }
    titles = tuple(t("summary.title", other) for other in LANGS)
    names = tuple(t("summary.sheet_name", other) for other in LANGS)
    tones = tuple(tone(report, s) for s in Status)
    return SummaryTable(t("summary.title", lang), facts, statuses, codes, labels, titles, names, tones)


TOP_CODES: Final = 10


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(_pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows
    ]


def text_lines(report: Report, paths: dict[str, str] | None = None) -> list[str]:
    """The terminal summary: a small table of results, the top error codes with their meanings, the figures,
    and the paths written. Narrow enough for an 80-column terminal. `paths`: more (catalogue key under
    `text.`, path) lines to list."""
    lang = report.lang
    head = "text.head" if report.sheet_name else "text.head_csv"
    lines = [
        t(
            head,
            lang,
            file=report.source_name,
            sheet=report.sheet_name,
            row=report.header_row,
            rows=len(report.rows),
        )
    ]
    counts = report.counts()
    status_rows = [[t("text.status", lang), t("text.count", lang)]]
    for s in Status:
        if counts[s.value]:
            label = report.label(s)
            status_rows.append([label, str(counts[s.value])])
    lines += ["", *_table(status_rows, {1})]
    codes = list(report.error_codes().items())
    if codes:
        code_rows = [[t("text.code", lang), t("text.count", lang), t("text.meaning", lang)]]
        code_rows += [[code, str(n), code_meaning(code, lang)] for code, n in codes[:TOP_CODES]]
        lines += ["", *_table(code_rows, {1})]
        if len(codes) > TOP_CODES:
            lines.append(t("text.more", lang, n=len(codes) - TOP_CODES))
    lines.append("")
    sent = report.sent
    if sent is None:
        lines.append(t("text.plan", lang, requests=report.plan.requests, batch=report.plan.batch_size))
        lines.append(t("text.preflight", lang))
    else:
        lines.append(
            t(
                "text.figures",
                lang,
                requests=sent.requests,
                retries=sent.retries,
                lookups=sent.lookups,
                rate_limited=sent.rate_limited,
                duration=report.duration_s,
            )
        )
    written = [
        (t("text.result", lang), str(report.result_file or "")),
        (t("text.retry", lang), str(report.retry_file or "")),
        (t("text.journal", lang), report.journal or ""),
        (t("summary.run", lang), report.run_id[:8]),
        *[(t(f"text.{k}", lang), v) for k, v in (paths or {}).items()],
    ]
    written = [(label, path) for label, path in written if path]
    if written:
        lines += _table([[label, path] for label, path in written], set())
    if report.result_rebuilt and report.result_file:
        lines.append(t("text.rebuilt", lang))
    return lines


def counts_text(report: Report) -> str:
    """`성공=21 실패=4`: the non-zero counts by status, in the report's language."""
    return " ".join(f"{report.label(Status(k))}={v}" for k, v in report.counts().items() if v)
