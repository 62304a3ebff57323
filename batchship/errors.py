"""The exceptions batchship raises, one tree, translated to messages and exit codes only in `cli.py`.

    BatchshipError            anything batchship itself refuses to do; carries a user-facing message
    ├── SheetError            the sheet cannot be processed at all (exit 2): unreadable, protected,
    │                         no header row, missing columns, wrong password, ...
    ├── ConfigError           options, credentials or config files are unusable (exit 2)
    └── OutputError           the result copy could not be written (exit 2)

Each carries its message already rendered in the user's language: the library decides the words, the CLI
only prints them. Exceptions from libraries (calamine, zipfile, httpx, ...) are caught where they happen and
re-raised as one of these with `raise ... from exc`, so a user never sees a traceback unless `--debug`.
"""

from __future__ import annotations


class BatchshipError(Exception):
    """Something batchship refuses to do, with a message meant for the person running it."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SheetError(BatchshipError):
    """The sheet cannot be processed at all."""


class ConfigError(BatchshipError):
    """Options, credentials or a config file are unusable."""


class OutputError(BatchshipError):
    """The result copy could not be written."""
