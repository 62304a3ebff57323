"""What a run did, as rows of text: the 요약 sheet of the result workbook and the terminal table share it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlparse

from batchship.messages import Lang, code_meaning
from batchship.report import Report, Status
from batchship.rules import KST

LABELS: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "sheet_name": "요약",
        "title": "batchship 처리 요약",
        "file": "파일",
        "sheet": "시트",
        "when": "실행 시각",
        "mode": "방식",
        "target": "보낸 곳",
        "rows": "주문 행",
        "status": "처리결과",
        "count": "행 수",
        "code": "오류코드",
        "meaning": "의미",
        "check": "검사만(check)",
        "dispatch": "발송(dispatch)",
        "dry_run": "미리보기(dispatch --dry-run)",
        "none": "없음(보내지 않음)",
        "sandbox": "샌드박스(로컬 모의 서버)",
        "naver": "NAVER",
        "header_row": "{sheet} (머리글 {row}행)",
        "chart": "처리결과별 행 수",
    },
    "en": {
        "sheet_name": "summary",
        "title": "batchship run summary",
        "file": "file",
        "sheet": "sheet",
        "when": "run at",
        "mode": "mode",
        "target": "sent to",
        "rows": "order rows",
        "status": "result",
        "count": "rows",
        "code": "error code",
        "meaning": "meaning",
        "check": "check only",
        "dispatch": "dispatch",
        "dry_run": "dispatch --dry-run",
        "none": "nothing (not sent)",
        "sandbox": "sandbox (local stand-in)",
        "naver": "NAVER",
        "header_row": "{sheet} (header in row {row})",
        "chart": "rows by result",
    },
}


@dataclass(frozen=True, slots=True)
class Summary:
    """facts: (label, value) lines about the run; statuses: (label, count) for every status; codes:
    (code, meaning, count) by frequency; labels: the column titles."""

    title: str
    facts: list[tuple[str, str]]
    statuses: list[tuple[str, int]]
    codes: list[tuple[str, str, int]]
    labels: dict[str, str]


def target_label(report: Report, lang: Lang) -> str:
    labels = LABELS[lang]
    url = report.extra.get("api_base_url")
    if report.mode == "check" or report.extra.get("dry_run") or not url:
        return labels["none"]
    host = urlparse(str(url)).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        return f"{labels['sandbox']} {url}"
    return f"{labels['naver']} {url}"


def summarise(report: Report, when: dt.datetime | None = None) -> Summary:
    lang = report.lang
    labels = LABELS[lang]
    when = when or dt.datetime.now(KST)
    mode = (
        labels["check"]
        if report.mode == "check"
        else labels["dry_run" if report.extra.get("dry_run") else "dispatch"]
    )
    facts = [
        (labels["file"], report.source.name),
        (
            labels["sheet"],
            labels["header_row"].format(sheet=report.sheet_name or "CSV", row=report.header_row),
        ),
        (labels["when"], when.strftime("%Y-%m-%d %H:%M:%S KST")),
        (labels["mode"], mode),
        (labels["target"], target_label(report, lang)),
        (labels["rows"], str(len(report.rows))),
    ]
    counts = report.counts()
    statuses = [(s.label(lang), counts[s.value]) for s in Status]
    codes = [(code, code_meaning(code, lang), n) for code, n in report.error_codes().items()]
    return Summary(labels["title"], facts, statuses, codes, labels)


TEXT: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "head": "{file} ({sheet} 시트, 머리글 {row}행): 주문 {rows}행",
        "head_csv": "{file} (머리글 {row}행): 주문 {rows}행",
        "status": "처리결과",
        "count": "행 수",
        "code": "오류코드",
        "meaning": "의미",
        "passed": "검사 통과",
        "more": "... 그 밖의 오류코드 {n}개 (결과 파일의 요약 시트 참고)",
        "plan": "보낼 요청: {requests}건 (요청당 최대 {batch}개)",
        "figures": "요청 {requests}건, 재시도 {retries}건, 주문 조회 {lookups}건, 속도 제한(429) {rate_limited}건, "
        "{duration:.1f}초",
        "result": "결과 파일",
        "retry": "재시도 파일",
        "journal": "저널",
        "report": "보고서",
    },
    "en": {
        "head": "{file} (sheet {sheet}, header in row {row}): {rows} order rows",
        "head_csv": "{file} (header in row {row}): {rows} order rows",
        "status": "result",
        "count": "rows",
        "code": "code",
        "meaning": "meaning",
        "passed": "passed checks",
        "more": "... {n} more error codes (see the summary sheet of the result file)",
        "plan": "requests to send: {requests} (at most {batch} orders each)",
        "figures": "requests {requests}, retries {retries}, order lookups {lookups}, rate-limited (429) "
        "{rate_limited}, {duration:.1f} s",
        "result": "result file",
        "retry": "retry file",
        "journal": "journal",
        "report": "report",
    },
}
TOP_CODES: Final = 8


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (Hangul and other wide characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


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
    and the paths written. Narrow enough for an 80-column terminal."""
    lang = report.lang
    t = TEXT[lang]
    head = t["head_csv"] if not report.sheet_name else t["head"]
    lines = [
        head.format(
            file=report.source.name, sheet=report.sheet_name, row=report.header_row, rows=len(report.rows)
        )
    ]
    counts = report.counts()
    status_rows = [[t["status"], t["count"]]]
    for s in Status:
        if counts[s.value]:
            label = t["passed"] if report.mode == "check" and s is Status.NOT_SENT else s.label(lang)
            status_rows.append([label, str(counts[s.value])])
    lines += ["", *_table(status_rows, {1})]
    codes = list(report.error_codes().items())
    if codes:
        code_rows = [[t["code"], t["count"], t["meaning"]]]
        code_rows += [[code, str(n), code_meaning(code, lang)] for code, n in codes[:TOP_CODES]]
        lines += ["", *_table(code_rows, {1})]
        if len(codes) > TOP_CODES:
            lines.append(t["more"].format(n=len(codes) - TOP_CODES))
    lines.append("")
    e = report.extra
    if report.mode == "check" or e.get("dry_run"):
        lines.append(t["plan"].format(requests=e.get("requests_planned", 0), batch=e.get("batch_size", 30)))
    else:
        lines.append(
            t["figures"].format(
                requests=e.get("requests", 0),
                retries=e.get("retries", 0),
                lookups=e.get("lookups", 0),
                rate_limited=e.get("rate_limited", 0),
                duration=e.get("duration_s", 0.0),
            )
        )
    written = [
        (t["result"], str(report.result_file) if report.result_file else ""),
        (t["retry"], str(e.get("retry_file") or "")),
        (t["journal"], str(e.get("journal") or "")),
        *[(t[k], v) for k, v in (paths or {}).items()],
    ]
    written = [(label, path) for label, path in written if path]
    if written:
        lines += _table([[label, path] for label, path in written], set())
    return lines
