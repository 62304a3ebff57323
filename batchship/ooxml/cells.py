"""The result cells of a worksheet's rows as XML: built from templates (rows share their verdicts), and the
row start tags made tall enough for a wrapped message."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Final

from batchship.ooxml.parts import column_letter, xml_text
from batchship.ooxml.printing import wrapped_height

_SPANS_BYTES: Final = re.compile(rb'\s+spans="[^"]*"')
#: A row's verdict: its tone (`good`, `bad`, `warn`) and the three texts.
Result = tuple[str, tuple[str, str, str]]


def cell_xml(ref: str, style: int | None, text: str) -> str:
    s = f' s="{style}"' if style is not None else ""
    if not text:
        return f'<c r="{ref}"{s}/>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'


class ResultCells:
    """The result cells of rows, built from templates: rows share their verdicts (most say "passed the
    checks"), so the XML of each distinct (tone, texts) is made once, with gaps where the row number goes."""

    def __init__(
        self,
        cols: tuple[int, int, int],
        tone_styles: Mapping[str, int],
        text_style: int | None,
        width: float,
    ) -> None:
        self.cols, self.letters = cols, [column_letter(c) for c in cols]
        self.tone_styles, self.text_style, self.width = tone_styles, text_style, width
        self._parts: dict[Result, list[bytes]] = {}
        self._heights: dict[str, float | None] = {}

    def styles(self, tone: str) -> tuple[int | None, int | None, int | None]:
        wrap = None if self.text_style is None else self.text_style + 1
        return self.tone_styles.get(tone), self.text_style, wrap

    def xml(self, row: int, result: Result) -> bytes:
        """The three cells of `row`, as bytes."""
        parts = self._parts.get(result)
        if parts is None:
            marker = "\x00"  # never in XML text: where the row number goes
            cells = [
                cell_xml(f"{letter}{marker}", style, text)
                for letter, style, text in zip(self.letters, self.styles(result[0]), result[1], strict=True)
            ]
            parts = self._parts[result] = [p.encode("utf-8") for p in "".join(cells).split(marker)]
        return str(row).encode().join(parts)

    def listed(self, row: int, result: Result) -> list[tuple[int | None, str]]:
        """The three cells of `row` with their columns (for a row whose cells are merged in order)."""
        return [
            (c, cell_xml(f"{letter}{row}", style, text))
            for c, letter, style, text in zip(
                self.cols, self.letters, self.styles(result[0]), result[1], strict=True
            )
        ]

    def row_tag(self, tag: bytes, result: Result) -> bytes:
        """The `<row ...` start tag without its stale spans, tall enough for the message."""
        tag = without_spans(tag)
        message = result[1][2]
        height = self._heights.get(message, 0.0)
        if height == 0.0:
            height = self._heights[message] = wrapped_height(message, self.width)
        return with_height(tag, height)


_HT_BYTES: Final = re.compile(rb'\s+(?:ht|customHeight)="[^"]*"')


def without_spans(tag: bytes) -> bytes:
    """A `<row ...` start tag without its `spans` (stale once cells are added to the row)."""
    return _SPANS_BYTES.sub(b"", tag) if b" spans=" in tag else tag


def with_height(tag: bytes, height: float | None) -> bytes:
    """A `<row ...` start tag tall enough for `height` points (a taller height it has is kept)."""
    if height is None:
        return tag
    if b"ht=" in tag or b"customHeight" in tag:
        found = re.search(rb'\bht="([\d.]+)"', tag)
        if found and float(found.group(1)) >= height:
            return tag
        tag = _HT_BYTES.sub(b"", tag)
    return tag + _height_attrs(height)


@functools.lru_cache(maxsize=64)
def _height_attrs(height: float) -> bytes:
    return f' ht="{height:g}" customHeight="1"'.encode()
