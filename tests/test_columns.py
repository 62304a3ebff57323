"""The whole-column answers the rules use are the per-text answers they stand for: `\\d{16}`, `[A-Za-z0-9]+`,
`str.isdecimal`, `str.isalnum`; and a report's rows held as columns read as the list of rows they hold."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from batchship.domain.columns import Texts, flags
from batchship.model import Report, RowResult, Rows, Status

#: Characters on both sides of each test: ASCII and other digits (fullwidth, Arabic-Indic, superscript),
#: letters of other scripts, spaces, signs.
ALPHABET = "0123456789aZ가１٣²Ⅻ -_.e+"
texts = st.lists(st.text(alphabet=ALPHABET, max_size=18), max_size=40)


@settings(max_examples=300, deadline=None)
@given(values=texts)
def test_column_answers_are_the_per_text_answers(values: list[str]) -> None:
    column = Texts(np.array(values, dtype=object))
    assert flags(values, str.isdecimal).tolist() == [v.isdecimal() for v in values]
    assert flags(values, str.isalnum).tolist() == [v.isalnum() for v in values]
    assert column.decimal.tolist() == [v.isdecimal() for v in values]
    assert column.letters_and_digits.tolist() == [bool(re.fullmatch(r"[A-Za-z0-9]+", v)) for v in values]
    sixteen = (column.lengths == 16) & column.decimal
    assert sixteen.tolist() == [bool(re.fullmatch(r"\d{16}", v)) for v in values]
    assert column.blank.tolist() == [v == "" for v in values]


def test_all_ascii_digits_are_answered_for_the_whole_column_at_once() -> None:
    """The usual column (every order number digits only) is answered without asking each text, blanks
    excepted."""
    values = ["2024050512345671", "", "2024050512345672"]
    assert flags(values, str.isdecimal).tolist() == [True, False, True]


def test_rows_held_as_columns_read_as_the_rows() -> None:
    listed = [
        RowResult(2, "1", Status.NOT_SENT, "", "ok"),
        RowResult(3, "2", Status.INVALID, "BS101", "bad"),
        RowResult(5, "3", Status.INVALID, "104120", "bad"),
    ]
    rows = Rows.of(listed)
    assert list(rows) == listed and rows == listed and len(rows) == 3
    assert rows[1] == listed[1] and rows[-1] == listed[-1] and rows[1:] == listed[1:]
    settled = rows.replaced([RowResult(3, "2", Status.ALREADY_DISPATCHED, "", "done")])
    assert [r.status for r in settled] == [Status.NOT_SENT, Status.ALREADY_DISPATCHED, Status.INVALID]
    assert [r.status for r in rows] == [Status.NOT_SENT, Status.INVALID, Status.INVALID]  # unchanged
    as_columns = Report("check", rows=rows, source=None, sheet_name="", header_row=1)  # type: ignore[arg-type]
    as_list = Report("check", rows=listed, source=None, sheet_name="", header_row=1)  # type: ignore[arg-type]
    assert as_columns.counts() == as_list.counts() and as_columns.error_codes() == as_list.error_codes()
    assert as_columns.exit_code == as_list.exit_code == 1
    assert as_columns.needing_attention() == as_list.needing_attention() == 2
