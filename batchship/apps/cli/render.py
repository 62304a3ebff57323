"""What the command line shows: the run summary, the progress bar (tqdm lives here only), the watcher's lines."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from batchship.i18n import Lang, t
from batchship.model import Report
from batchship.output.summary import counts_text, text_lines
from batchship.services.progress import Progress

if TYPE_CHECKING:
    from batchship.apps.watch.watcher import Event


def print_summary(report: Report, out: TextIO, paths: dict[str, str] | None = None) -> None:
    for line in text_lines(report, paths):
        print(line, file=out)


class ProgressBar:
    """A tqdm bar on a terminal's stderr (`bar_file`), fed by progress events, with the rows refused so far;
    the `waiting` event prints a line."""

    def __init__(self, lang: Lang, out: TextIO, *, enabled: bool, bar_file: TextIO | None = None) -> None:
        self.lang = lang
        self.out = out
        self.bar_file = bar_file or sys.stderr
        self.enabled = enabled and self.bar_file.isatty()
        self._bar: Any = None

    def __call__(self, event: Progress) -> None:
        if event.kind == "waiting":
            print(t("run.waiting", self.lang), file=self.out, flush=True)
        elif event.kind == "sending" and self.enabled and event.total:
            from tqdm import tqdm

            self._bar = tqdm(
                total=event.total,
                unit=t("progress.unit", self.lang),
                desc=t("progress.label", self.lang),
                leave=False,
                file=self.bar_file,
                mininterval=0,
            )
            self._bar.set_postfix_str(t("progress.refused", self.lang, n=0), refresh=False)
        elif event.kind == "rows" and self._bar is not None:
            self._bar.set_postfix_str(t("progress.refused", self.lang, n=event.refused), refresh=False)
            self._bar.update(event.done - self._bar.n)  # shows the count just set
        elif event.kind == "finished":
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def watch_line(event: Event, inbox: str, lang: Lang) -> str:
    """One line for something the folder watcher did."""
    name = event.path.name if event.path else ""
    if event.kind in ("locked", "waiting"):
        return t(f"watch.{event.kind}", lang, inbox=inbox, holder=event.holder)
    if event.kind == "failed":
        return t("watch.failed", lang, name=name, message=event.error)
    assert event.report is not None
    return t(f"watch.{event.kind}", lang, name=name, counts=counts_text(event.report))
