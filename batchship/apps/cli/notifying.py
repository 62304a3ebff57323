"""Notifications from the command line: the channels of `--config` and the environment, and a digest after a
dispatch (`--notify`) or after each sheet the folder watcher handles."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from batchship.errors import ConfigError
from batchship.i18n import Lang, Msg, t

if TYPE_CHECKING:
    from batchship.services.notify import Notifier


def notifier_for(args: argparse.Namespace, secrets: list[str], required: bool = False) -> Notifier:
    """The notification channels of `--config` and the environment; their secrets join those never printed."""
    from batchship.naver.credentials import notify_settings
    from batchship.services.notify import notifier_from

    notifier = notifier_from(
        notify_settings(getattr(args, "config", None), getattr(args, "store", None)), os.environ
    )
    if required and not notifier.configured:
        raise ConfigError(Msg.of("notify.none"))
    secrets.extend(h.url for h in notifier.webhooks)
    if notifier.email is not None and notifier.email.password:
        secrets.append(notifier.email.password)
    return notifier


def store_words(args: argparse.Namespace, lang: Lang) -> str:
    """Where a watcher sends, as a notification says it (also for a sheet that never reached a run)."""
    from batchship.naver.client import base_url_from_env

    if getattr(args, "sandbox", False):
        return t("summary.sandbox", lang)
    store = getattr(args, "store", None)
    return f"{t('summary.naver', lang)} {store + ' ' if store else ''}{base_url_from_env(args.base_url)}"


def notify_event(notifier: Notifier, event: Any, store: str, lang: Lang, log: Callable[[str], None]) -> None:
    """A processed sheet's digest, or the error of a sheet that could not be read (always sent)."""
    from batchship.output.summary import target_label
    from batchship.services.notify import failure_digest, run_digest

    if event.kind == "processed" and event.report is not None:
        notifier.send(run_digest(event.report, target_label(event.report, lang) or store), lang, log)
    elif event.kind == "failed" and event.path is not None and event.error is not None:
        notifier.send(failure_digest(event.path.name, event.error, store, lang), lang, log)
