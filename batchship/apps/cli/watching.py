"""`batchship watch`: one inbox, or, for several stores of a config (`--store A --store B`, `--all-stores`), one
inbox per store (`INBOX/<store>/`) served at once by one process.

Each store has its own lane: its own watcher (lock, sub-folders, log), its own target (credentials, journal
account) paced by its own rate limit (`--rate-limit`, else the store's `rate_limit`, else the default; stores
that share one application share one limiter at the lowest of their rates, since NAVER's bucket is per
application) and its own notification channels (the store's `[stores.<name>.notify]`, else `[notify]`). The
lanes run in threads; their events come back here, one at a time, to be printed and notified.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from batchship.apps.cli.commands import (
    _journal,
    _look,
    _target,
    dispatch_options,
    redact,
    sheet_options,
    system_user,
)
from batchship.apps.cli.notifying import notifier_for, notify_event, store_words
from batchship.apps.cli.render import watch_line
from batchship.apps.cli.signals import stop_on_signals
from batchship.errors import ConfigError
from batchship.i18n import Lang, Msg, t
from batchship.journal import location
from batchship.model import Origin

if TYPE_CHECKING:
    from batchship.apps.watch.watcher import Event, Watcher
    from batchship.naver.ratelimit import RateLimiter
    from batchship.services.dispatch import DispatchOptions, Target
    from batchship.services.notify import Notifier


@dataclass
class Lane:
    """One store's share of the watch: store ("" for the one store of a single inbox), where it sends, its
    watcher, its notification channels and how a notification names where it sends."""

    store: str
    target: Target
    watcher: Watcher
    notifier: Notifier
    where: str


def stores_to_serve(args: argparse.Namespace) -> list[str] | None:
    """The stores that get an inbox each (`INBOX/<store>/`), or None for one inbox: INBOX itself."""
    from batchship.naver.credentials import chosen_stores

    if args.sandbox and (args.all_stores or len(args.store or []) > 1):
        raise ConfigError(Msg.of("config.sandbox_one_store"))
    names = chosen_stores(args.config, args.store, args.all_stores)
    if not args.all_stores and len(names) <= 1:
        return None
    for name in names:
        if name in ("", ".", "..") or Path(name).name != name or "\\" in name:
            raise ConfigError(Msg.of("watch.bad_store_folder", store=name))
    return names


def _pace(targets: list[Target], options: list[DispatchOptions]) -> list[Target]:
    """Each store's target with its own limiter; stores of one application share theirs (the lowest rate)."""
    from batchship.naver.ratelimit import RateLimiter

    rates: dict[str, float] = {}
    for target, how in zip(targets, options, strict=True):
        if target.credentials is not None:
            app = target.credentials.client_id
            rates[app] = min(rates.get(app, float("inf")), how.rate_limit)
    limiters: dict[str, RateLimiter] = {app: RateLimiter(rate) for app, rate in rates.items()}
    return [
        replace(target, limiter=limiters[target.credentials.client_id]) if target.credentials else target
        for target in targets
    ]


def _lanes(
    args: argparse.Namespace, out: TextIO, lang: Lang, secrets: list[str], stack: contextlib.ExitStack
) -> list[Lane]:
    from batchship.apps.watch.pipeline import dispatching
    from batchship.apps.watch.watcher import Watcher

    names = stores_to_serve(args)
    plan = [(n, args.inbox / n) for n in names] if names else [((args.store or [""])[0], args.inbox)]
    spaces = [argparse.Namespace(**{**vars(args), "store": name or None}) for name, _ in plan]
    options = [dispatch_options(ns) for ns in spaces]
    targets = _pace([stack.enter_context(_target(ns, out, lang, secrets)) for ns in spaces], options)
    lanes = []
    for (name, inbox), ns, target, how in zip(plan, spaces, targets, options, strict=True):
        process = dispatching(
            sheet_options(args, lang),
            how,
            target,
            None if args.dry_run else _journal(args),
            _look(ns) if args.dry_run else None,
            Origin(system_user(), "watch", store=name),
        )
        watcher = Watcher(
            inbox,
            process,
            interval=args.interval,
            settle=max(0.0, args.settle),
            log=args.log if not names else None,
            lang=lang,
            redact=lambda text: redact(text, secrets),
        )
        notifier = notifier_for(ns, secrets)
        lanes.append(Lane(name if names else "", target, watcher, notifier, store_words(ns, lang)))
    return lanes


def _events(
    lanes: list[Lane], stop: threading.Event, once: bool, after: Callable[[Lane, Event], None]
) -> Iterator[tuple[Lane, Event]]:
    """The lanes' events as they come; one lane runs right here, several in a thread each. `after` runs in
    the lane's own thread once its event is passed on (a notification: a slow channel holds up only its own
    store's next sheet, and that by at most the notifier's bound)."""
    if len(lanes) == 1:
        for event in lanes[0].watcher.run(stop, once=once):
            yield lanes[0], event
            after(lanes[0], event)
        return
    inbox: queue.Queue[tuple[Lane, Event | BaseException | None]] = queue.Queue()

    def pump(lane: Lane) -> None:
        try:
            for event in lane.watcher.run(stop, once=once):
                inbox.put((lane, event))
                after(lane, event)
        except BaseException as exc:  # handed to the main thread, which reports it as any crash
            inbox.put((lane, exc))
        finally:
            inbox.put((lane, None))

    threads = [threading.Thread(target=pump, args=(lane,), name=f"watch-{lane.store}") for lane in lanes]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            lane, item = inbox.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield lane, item
    finally:
        if running:  # a lane crashed, or the caller left early: the others finish their sheet and end
            stop.set()
        for thread in threads:
            thread.join()


def watch(args: argparse.Namespace, out: TextIO, lang: Lang, secrets: list[str]) -> int:
    printing = threading.Lock()

    def say(lane: Lane, line: str) -> None:
        with printing:
            print(redact(f"[{lane.store}] {line}" if lane.store else line, secrets), file=out, flush=True)

    def notify(lane: Lane, event: Event) -> None:
        if lane.notifier.configured:
            notify_event(lane.notifier, event, lane.where, lang, functools.partial(say, lane))

    with contextlib.ExitStack() as stack:
        lanes = _lanes(args, out, lang, secrets, stack)
        journal = t("watch.no_journal", lang) if args.dry_run else location(_journal(args))
        for lane in lanes:
            inbox = lane.watcher.inbox
            values = {"interval": args.interval, "settle": lane.watcher.settle, "journal": journal}
            say(lane, t("watch.start", lang, inbox=inbox, results=inbox / "results", **values))
        stop = threading.Event()
        worst = 0
        with stop_on_signals(stop):
            for lane, event in _events(lanes, stop, args.once, notify):
                say(lane, watch_line(event, str(lane.watcher.inbox), lang))
                if event.kind == "locked" and len(lanes) == 1:
                    return 0
                if event.kind == "failed":
                    worst = max(worst, 1)
                elif event.kind == "processed" and event.report is not None:
                    worst = max(worst, event.report.exit_code)
    return 0 if stop.is_set() else worst
