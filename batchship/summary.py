"""What a run did, as rows of text: the 요약 sheet of the result workbook and the terminal table share it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlparse

from batchship.messages import Lang, code_meaning
from batchship.report import Report, Status

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
    when = when or dt.datetime.now(dt.timezone(dt.timedelta(hours=9)))
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
