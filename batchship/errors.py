"""The exceptions batchship raises, one tree, turned into a message and an exit code only by a face.

    BatchshipError            anything batchship itself refuses to do; carries a `Msg` for the user
    ├── SheetError            the sheet cannot be processed at all (exit 2): unreadable, protected,
    │                         no header row, missing columns, wrong password, ...
    ├── ConfigError           options, credentials or config files are unusable (exit 2)
    │   └── AuthError         NAVER's token endpoint refused the credentials (or our IP)
    ├── JournalError          the journal cannot be opened, read or written (exit 2)
    ├── OutputError           the result copy could not be written (exit 2)
    └── ApiError              a Commerce API call failed; the subclass says what that means for the request
        ├── NotAppliedError   certainly not applied: safe to send again (429, 401, 503, refused connection)
        ├── OutcomeUnknownError  may or may not have been applied (504, 500, read timeout, dropped connection):
        │                        never resent before the orders are looked up
        └── RejectedError     refused as a whole and final (400): split it to find the culprit

Each carries its message as a `Msg` (a catalogue key and values): the library decides what to say, the face
that shows it decides the language (`exc.render(lang)`). Exceptions from libraries (calamine, zipfile, httpx,
sqlite3, ...) are caught where they happen and re-raised as one of these with `raise ... from exc`, so a user
never sees a traceback unless `--debug`.
"""

from __future__ import annotations

from batchship.i18n import Lang, Msg


class BatchshipError(Exception):
    """Something batchship refuses to do, with a message meant for the person running it."""

    exit_code = 2

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.key)
        self.msg = msg

    def render(self, lang: Lang) -> str:
        return self.msg.render(lang)

    def __str__(self) -> str:
        """In the default language (Korean): for logs and tracebacks; faces use `render(lang)`."""
        return self.render("ko")


class SheetError(BatchshipError):
    """The sheet cannot be processed at all."""


class ConfigError(BatchshipError):
    """Options, credentials or a config file are unusable."""


class AuthError(ConfigError):
    """NAVER's token endpoint refused the credentials, or the IP is not registered."""


class JournalError(BatchshipError):
    """The journal cannot be opened, read or written."""


class OutputError(BatchshipError):
    """The result copy could not be written."""


class ApiError(BatchshipError):
    """A Commerce API call failed.

    status: the HTTP status (0 when no response came); code: NAVER's `code` (`GW.RATE_LIMIT`, ...) or a
    transport error's name; trace_id: NAVER's trace id when one came back.
    """

    def __init__(self, msg: Msg, *, status: int = 0, code: str = "", trace_id: str = "") -> None:
        super().__init__(msg)
        self.status = status
        self.code = code
        self.trace_id = trace_id


class NotAppliedError(ApiError):
    """The request certainly did not take effect: it is safe to send it again."""


class OutcomeUnknownError(ApiError):
    """The request may or may not have taken effect: look the orders up before sending anything again."""


class RejectedError(ApiError):
    """NAVER refused the whole request (HTTP 400); sending it again unchanged would fail again."""
