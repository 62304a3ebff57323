"""Progress events: what a running service tells the face that started it (a terminal bar, a web page, a log).

Services never print; they call `on_progress(Progress(...))`. `kind`: `waiting` (another run holds the journal,
this one waits its turn), `sending` (total rows to send now known), `rows` (a request settled), `finished`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Progress:
    """kind: see the module docstring; done and total: rows settled and rows to send; refused: rows NAVER
    refused or left unsettled so far; requests, retries, rate_limited: calls so far."""

    kind: Literal["waiting", "sending", "rows", "finished"]
    done: int = 0
    total: int = 0
    refused: int = 0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0


ProgressFn = Callable[[Progress], None]


def ignore(_: Progress) -> None:
    """The progress callback of a face that shows none."""
