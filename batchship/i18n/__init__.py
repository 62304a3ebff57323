"""Every sentence a user reads, in Korean (the default) and English, from one catalogue.

The catalogue is flat: a key (`row.BS101`, `file.not_found`, `cli.help.check`, ...) maps to its Korean and
English text, with `{placeholders}`. The library never picks a language: it builds `Msg` values (a key and its
values) or asks `t(key, lang)` with the language a face chose, and a face renders them. The language is chosen
by `--lang`, then `BATCHSHIP_LANG`, then the locale (English for an English locale, Korean otherwise).

Modules of the catalogue, by who reads them: `rows` (result columns, statuses, codes, row messages), `files`
(why a file cannot be read or written), `run` (summaries, dispatch and watch lines), `errors` (credentials,
API, journal, options), `cli` (`--help` and the command line's own words), `web` (the web desk and accounts).
"""

from __future__ import annotations

import errno
import locale
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

from batchship.i18n import cli, desk_cli, errors, files, notify, rows, run, web

Lang = Literal["ko", "en"]
LANGS: Final[tuple[Lang, ...]] = ("ko", "en")
LANG_ENV: Final = "BATCHSHIP_LANG"


def _merge(*parts: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        for key, texts in part.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice")
            merged[key] = texts
    return merged


#: key -> {"ko": text, "en": text}: the whole catalogue.
CATALOGUE: Final = _merge(
    rows.MESSAGES,
    files.MESSAGES,
    run.MESSAGES,
    errors.MESSAGES,
    cli.MESSAGES,
    desk_cli.MESSAGES,
    web.MESSAGES,
    notify.MESSAGES,
)


def t(key: str, lang: Lang, /, **values: object) -> str:
    """The sentence `key` in `lang`, with `values` filled in (a `Msg` value is rendered in the same language)."""
    text = CATALOGUE[key][lang]
    if not values:
        return text
    return text.format(**{k: _render(v, lang) for k, v in values.items()})


def _render(value: object, lang: Lang) -> object:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return ", ".join(v.render(lang) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Msg:
    """A sentence not yet put into words: a catalogue key and its values. Exceptions and reports carry these,
    and a face renders them in the language its user chose."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **values: object) -> Msg:
        if key not in CATALOGUE:
            raise KeyError(f"no message {key!r} in the catalogue")
        return cls(key, tuple(values.items()))

    def render(self, lang: Lang) -> str:
        return t(self.key, lang, **dict(self.values))


_OS_REASONS: Final = {
    errno.ENOENT: "reason.not_found",
    errno.EACCES: "reason.denied",
    errno.EPERM: "reason.denied",
    errno.EEXIST: "reason.exists",
    errno.EISDIR: "reason.is_dir",
    errno.ENOTDIR: "reason.not_dir",
    errno.ENOSPC: "reason.no_space",
    getattr(errno, "EDQUOT", errno.ENOSPC): "reason.no_space",  # not on every system
    errno.EROFS: "reason.read_only",
    errno.ENAMETOOLONG: "reason.name_too_long",
    errno.EBUSY: "reason.busy",
    errno.EIO: "reason.io",
    errno.EADDRINUSE: "reason.port_in_use",
}


def os_reason(exc: BaseException) -> Msg:
    """Why the system refused, in the catalogue's words (an OSError's own text is English whatever the
    language, so it is never shown as is)."""
    code = getattr(exc, "errno", None)
    key = _OS_REASONS.get(code) if isinstance(code, int) else None
    if key is not None:
        return Msg.of(key)
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    return Msg.of("reason.other", name=name or type(exc).__name__)


def choose_lang(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Lang:
    """`explicit` (from `--lang`), else `BATCHSHIP_LANG`, else the locale: English for an English locale,
    Korean for any other (the people batchship is for read Korean)."""
    env = os.environ if env is None else env
    for candidate in (explicit, env.get(LANG_ENV, "").strip().lower()):
        if candidate in LANGS:
            return cast(Lang, candidate)
    name = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    if not name:
        try:
            name = locale.getlocale()[0] or ""
        except ValueError:
            name = ""
    return "en" if name.lower().startswith("en") else "ko"
