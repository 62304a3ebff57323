"""What each error code means and how to fix it, in words: batchship's own codes and NAVER's."""

from __future__ import annotations

from typing import Final

from batchship.domain.codes import NAVER_ERROR_CODES
from batchship.i18n import CATALOGUE, Lang, t

#: batchship's own error codes, in the order the README lists them.
OWN_CODES: Final = (
    "BS101",
    "BS102",
    "BS103",
    "BS201",
    "BS202",
    "BS301",
    "BS401",
    "BS402",
    "BS501",
    "BS601",
    "BS602",
    "BS603",
    "BS604",
)


def code_meaning(code: str, lang: Lang) -> str:
    """What an error code means: batchship's own wording, or NAVER's description of its code."""
    for key in (f"code.{code}", f"naver.{code}"):
        if key in CATALOGUE:
            return t(key, lang)
    return ""


def code_fix(code: str, lang: Lang) -> str:
    """What to do about an error code."""
    return t(f"fix.{code}" if f"fix.{code}" in CATALOGUE else "fix.default", lang)


def codes_table(lang: Lang = "ko") -> str:
    """Every error code a row can carry, as a Markdown table (code, meaning, fix): the README's full list."""
    lines = [t("codes.table_head", lang), "|---|---|---|"]
    for code in OWN_CODES:
        lines.append(f"| {code} | {code_meaning(code, lang)} | {code_fix(code, lang)} |")
    for code in NAVER_ERROR_CODES:
        lines.append(f"| {code} | {code_meaning(code, lang)} (NAVER) | {code_fix(code, lang)} |")
    return "\n".join(lines)
