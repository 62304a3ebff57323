"""Notifications: a short digest of a run (or of a sheet that could not be read) sent where the team looks,
so that nobody has to watch the 2 a.m. run.

Channels, from the `[notify]` part of the TOML config (0600, as for the credentials) or the environment:

    [[notify.webhook]]             # any number; BATCHSHIP_NOTIFY_WEBHOOK=URL adds one (Slack style)
    url = "https://hooks.slack.com/services/..."
    format = "slack"               # {"text": ...}, which Slack, Teams workflows and many messengers take; "json"
    when = "problems"              # always | problems | never

    [notify.email]
    host = "smtp.example.com"
    port = 587
    security = "starttls"          # starttls | ssl | none
    user = "..."                   # optional, with password
    password = "..."
    sender = "batchship@example.com"
    to = ["ops@example.com"]
    when = "always"
    attach_max_mb = 5              # the result copy is attached when it is smaller

`problems`: only when some row needs attention or the run stopped early; a sheet that could not be read at all
is always reported. `[notify] bound_s = 10`: the longest a run waits for its notifications. Each channel is tried a few times; the whole sending is bounded (`bound_s`): a receiver
that hangs never holds the run up longer than that, and what failed is said in words that name no secret.
"""

from __future__ import annotations

import functools
import smtplib
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final, Literal

from batchship.domain.meanings import code_meaning
from batchship.errors import ConfigError
from batchship.i18n import Lang, Msg, t
from batchship.model import Report, Status

When = Literal["always", "problems", "never"]
WHENS: Final[tuple[When, ...]] = ("always", "problems", "never")
WEBHOOK_ENV: Final = "BATCHSHIP_NOTIFY_WEBHOOK"
WHEN_ENV: Final = "BATCHSHIP_NOTIFY_WHEN"
#: Tries per channel, and the wait before each retry.
TRIES: Final = 3
BACKOFF_S: Final = 0.5


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    format: Literal["slack", "json"] = "slack"
    when: When = "always"

    @property
    def shown(self) -> str:
        """The address without its path and query (a webhook's token lives there)."""
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}/***"


@dataclass(frozen=True, slots=True)
class Email:
    host: str
    to: tuple[str, ...]
    sender: str
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    when: When = "always"
    attach_max_mb: float = 5.0

    @property
    def shown(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Digest:
    """What a notification says: its subject, its text, the JSON a webhook gets, whether it reports a problem,
    and the file to attach (the result copy)."""

    subject: str
    text: str
    data: dict[str, Any]
    problem: bool
    attachment: Path | None = None


@dataclass(frozen=True, slots=True)
class Notifier:
    """The configured channels; `bound_s`: the longest a run waits for its notifications."""

    webhooks: tuple[Webhook, ...] = ()
    email: Email | None = None
    bound_s: float = 10.0
    timeout_s: float = 5.0

    @property
    def configured(self) -> bool:
        return bool(self.webhooks or self.email)

    def send(self, digest: Digest, lang: Lang, log: Callable[[str], None] = lambda _: None) -> list[str]:
        """Send `digest` on every channel whose `when` wants it, within `bound_s`; the channels that failed (or
        were still going at the bound), each said in a line given to `log`."""
        jobs: list[tuple[str, Callable[[], None]]] = []
        for hook in self.webhooks:
            if _wanted(hook.when, digest):
                jobs.append((hook.shown, functools.partial(_post, hook, digest, self.timeout_s)))
        if self.email is not None and _wanted(self.email.when, digest):
            jobs.append((self.email.shown, functools.partial(_mail, self.email, digest, self.timeout_s)))
        failed: dict[str, str] = {}
        done: set[str] = set()
        lock = threading.Lock()

        def deliver(name: str, job: Callable[[], None]) -> None:
            for attempt in range(TRIES):
                try:
                    job()
                except Exception as exc:  # a receiver's error or a network one: tried again, then reported
                    with lock:
                        failed[name] = type(exc).__name__
                    if attempt + 1 < TRIES:
                        time.sleep(BACKOFF_S * (attempt + 1))
                    continue
                with lock:
                    failed.pop(name, None)
                    done.add(name)
                return

        threads = [threading.Thread(target=deliver, args=job, daemon=True) for job in jobs]
        deadline = time.monotonic() + self.bound_s
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        lines = []
        with lock:
            for name, _ in jobs:
                if name not in done:
                    reason = failed.get(name, "Timeout")
                    lines.append(t("notify.failed", lang, channel=name, reason=reason, tries=TRIES))
        for line in lines:
            log(line)
        return lines


def _wanted(when: When, digest: Digest) -> bool:
    return when == "always" or (when == "problems" and digest.problem)


def _post(hook: Webhook, digest: Digest, timeout_s: float) -> None:
    import httpx

    body = {"text": digest.text} if hook.format == "slack" else digest.data | {"text": digest.text}
    response = httpx.post(hook.url, json=body, timeout=timeout_s)
    response.raise_for_status()


def _mail(email: Email, digest: Digest, timeout_s: float) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = digest.subject, email.sender, ", ".join(email.to)
    message.set_content(digest.text)
    path = digest.attachment
    if path is not None and path.is_file() and path.stat().st_size <= email.attach_max_mb * 1024 * 1024:
        message.add_attachment(
            path.read_bytes(),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if path.suffix == ".xlsx"
            else "octet-stream",
            filename=path.name,
        )
    smtp_class = smtplib.SMTP_SSL if email.security == "ssl" else smtplib.SMTP
    with smtp_class(email.host, email.port, timeout=timeout_s) as smtp:
        if email.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if email.user:
            smtp.login(email.user, email.password)
        smtp.send_message(message)


# -- what it says ---------------------------------------------------------------------------------------------


def run_digest(report: Report, store: str, where: Mapping[str, str] | None = None) -> Digest:
    """A run in a few lines: store, file, counts per result, error codes with their meanings, how many rows
    need attention, where the result and retry files are, how long it took."""
    lang, where = report.lang, dict(where or {})
    counts = {s: n for s, n in report.counts().items() if n}
    attention = report.needing_attention()
    problem = bool(attention or report.errors)
    words = ", ".join(f"{report.label(Status(s))} {n}" for s, n in counts.items())
    codes = [f"{code} {code_meaning(code, lang)} ({n})" for code, n in report.error_codes().items()]
    name = report.source_name
    key = "notify.subject_problem" if problem else "notify.subject_fine"
    shown = f"{report.origin.store} · {name}" if report.origin.store else name
    subject = t(key, lang, file=shown, attention=attention)
    lines = [
        subject,
        t("notify.store", lang, store=store),
        t("notify.counts", lang, counts=words or "-"),
        *([t("notify.codes", lang, codes="; ".join(codes))] if codes else []),
        *[t("cli.error", lang, message=e) for e in report.errors],
        t(
            "notify.files",
            lang,
            result=where.get("result") or str(report.result_file or "-"),
            retry=where.get("retry") or str(report.retry_file or "-"),
        ),
        t("notify.duration", lang, seconds=report.duration_s),
    ]
    data = {
        "file": name,
        "store": store,
        "counts": counts,
        "error_codes": report.error_codes(),
        "attention": attention,
        "errors": [e.render(lang) for e in report.errors],
        "result_file": where.get("result") or (str(report.result_file) if report.result_file else None),
        "retry_file": where.get("retry") or (str(report.retry_file) if report.retry_file else None),
        "duration_s": report.duration_s,
        "run_id": report.run_id or None,
    }
    return Digest(subject, "\n".join(lines), data, problem, report.result_file)


def failure_digest(file_name: str, error: Msg, store: str, lang: Lang) -> Digest:
    """A sheet that could not be read at all: always reported."""
    subject = t("notify.subject_failed", lang, file=file_name)
    text = "\n".join([subject, t("notify.store", lang, store=store), error.render(lang)])
    data = {"file": file_name, "store": store, "error": error.render(lang), "attention": None}
    return Digest(subject, text, data, True)


# -- where the settings come from -------------------------------------------------------------------------------


def notifier_from(settings: Mapping[str, Any], env: Mapping[str, str]) -> Notifier:
    """The channels of a config's `[notify]` table, and a webhook from `BATCHSHIP_NOTIFY_WEBHOOK`."""
    notify = settings.get("notify", {}) if isinstance(settings.get("notify", {}), Mapping) else {}
    hooks = [_webhook(h) for h in notify.get("webhook", []) if isinstance(h, Mapping)]
    if env.get(WEBHOOK_ENV, "").strip():
        hooks.append(Webhook(env[WEBHOOK_ENV].strip(), "slack", _when(env.get(WHEN_ENV, "always"))))
    mail = notify.get("email")
    bound = float(notify.get("bound_s", 10.0))
    return Notifier(
        tuple(hooks), _email(mail) if isinstance(mail, Mapping) else None, bound_s=max(0.5, bound)
    )


def _when(value: object) -> When:
    for when in WHENS:
        if value == when:
            return when
    raise ConfigError(Msg.of("notify.bad_when", value=value, choices=", ".join(WHENS)))


def _webhook(table: Mapping[str, Any]) -> Webhook:
    url, form = str(table.get("url", "")), str(table.get("format", "slack"))
    if not url.startswith(("http://", "https://")) or form not in ("slack", "json"):
        raise ConfigError(Msg.of("notify.bad_webhook"))
    return Webhook(url, "json" if form == "json" else "slack", _when(table.get("when", "always")))


def _email(table: Mapping[str, Any]) -> Email:
    to = table.get("to", [])
    to = (to,) if isinstance(to, str) else tuple(str(a) for a in to)
    security = str(table.get("security", "starttls"))
    if (
        not table.get("host")
        or not to
        or not table.get("sender")
        or security not in ("starttls", "ssl", "none")
    ):
        raise ConfigError(Msg.of("notify.bad_email"))
    return Email(
        host=str(table["host"]),
        to=to,
        sender=str(table["sender"]),
        port=int(table.get("port", 587)),
        security=security,  # type: ignore[arg-type]
        user=str(table.get("user", "")),
        password=str(table.get("password", "")),
        when=_when(table.get("when", "always")),
        attach_max_mb=float(table.get("attach_max_mb", 5)),
    )
