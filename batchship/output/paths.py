"""Where batchship's files go and how they are written: derived names (shortened to what a file system takes),
the result and retry files' names, and writing atomically with the permissions any new file gets."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Final

from batchship.errors import OutputError
from batchship.i18n import Msg, os_reason
from batchship.timefmt import now_kst


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The process umask, read once at import (reading it means setting it, which is not thread-safe later).
_UMASK: Final = _read_umask()
#: The longest file name most file systems take (ext4, NTFS, APFS), in bytes of UTF-8.
MAX_NAME_BYTES: Final = 255


def fit_name(stem: str, tail: str, limit: int = MAX_NAME_BYTES) -> str:
    """`stem + tail`, or, when that is longer than a file name may be, the stem cut short (on a character
    boundary) with `~` and 8 hex digits of the whole stem's hash before `tail`: still unique, tail kept."""
    name = stem + tail
    if len(name.encode("utf-8")) <= limit:
        return name
    mark = "~" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    room = limit - len((mark + tail).encode("utf-8"))
    short = stem.encode("utf-8")[: max(0, room)].decode("utf-8", errors="ignore")
    return short + mark + tail


def default_result_path(source: Path, kind: str = "result") -> Path:
    """`<name>.result.xlsx` beside the input (`<name>.check.xlsx` for a check or a dry run: `kind`), with the
    input's own suffix for a text sheet and `.xlsm` for a macro workbook, shortened if the name would be too
    long."""
    suffix = source.suffix.lower()
    new_suffix = suffix if suffix in (".csv", ".tsv", ".txt", ".xlsm") else ".xlsx"
    return source.with_name(fit_name(source.stem, f".{kind}{new_suffix}"))


#: How many stamped names to try beside a taken one (`.<stamp>`, `.<stamp>-1`, ...) before giving up.
_MAX_STAMPED: Final = 1000


def stamped_names(path: Path) -> Iterator[Path]:
    """`path`, then the names to use when it is taken: `<name>.<YYYYmmdd-HHMMSS>[-n].<ext>` (KST), shortened to
    fit, every one different."""
    yield path
    stamp = now_kst().strftime("%Y%m%d-%H%M%S")
    for n in range(_MAX_STAMPED):
        extra = f"-{n}" if n else ""
        yield path.with_name(fit_name(path.stem, f".{stamp}{extra}{path.suffix}"))


#: What a file is to hold: its bytes, or a function writing them to a file (a large copy is never held whole in
#: memory); such a function may be called more than once and writes the same bytes each time.
Content = bytes | Callable[[BinaryIO], None]


def replace_any(_: Path) -> bool:
    """The `may_replace` of an output the user named (`--out`): whatever is there is replaced."""
    return True


def write_new(out: Path, data: Content, may_replace: Callable[[Path], bool] | None = None) -> Path:
    """Write `data` at `out`; when a file is already there that may not be replaced (`may_replace(out)` is not
    true), beside it under the first free stamped name. A name is taken only with the data already in it (a
    complete temporary file hard-linked under the name, which fails if the name exists), so two runs finishing
    at once never take the same one, one never replaces the other's, and a run killed meanwhile leaves no empty
    file under a result's name. Where hard links are not to be had (some network shares), a name is claimed
    empty first, then filled."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(Msg.of("file.write_failed", path=out, reason=os_reason(exc))) from exc
    if out.exists() and may_replace is not None and may_replace(out):
        atomic_write(out, data)
        return out
    with contextlib.ExitStack() as stack:
        try:
            ready = stack.enter_context(_synced_copy(out, data, _COPY_SUFFIX))
        except OSError as exc:
            raise OutputError(Msg.of("file.write_failed", path=out, reason=os_reason(exc))) from exc
        linking = True
        for candidate in stamped_names(out):
            try:
                if linking:
                    try:
                        os.link(ready, candidate)
                        return candidate
                    except FileExistsError:
                        raise
                    except OSError:
                        linking = False  # no hard links in this folder: claim the name, then fill it
                os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError(Msg.of("file.write_failed", path=candidate, reason=os_reason(exc))) from exc
            try:
                atomic_write(candidate, data)
            except OutputError:
                with contextlib.suppress(OSError):
                    candidate.unlink()  # the empty name claimed above
                raise
            return candidate
    raise OutputError(Msg.of("file.no_free_name", path=out))


#: A complete copy waiting for its name: `.<name>.<random>.new` beside it.
_COPY_SUFFIX: Final = ".new"
#: Copies a killed run left behind are removed once they are this old (a live run's is seconds old).
_STALE_COPY_S: Final = 24 * 3600


def _remove_stale(out: Path) -> str:
    """Remove what killed runs left beside `out`: its temporary files (`.<name>.<random>.tmp`) and its complete
    copies older than a day (`.<name>.<random>.new`); the prefix of such names (mkstemp adds 8 characters and
    the suffix)."""
    prefix = "." + fit_name(out.name, ".", MAX_NAME_BYTES - 20)
    now = time.time()
    for stale in out.parent.glob(glob.escape(prefix) + "*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    for stale in out.parent.glob(glob.escape(prefix) + "*" + _COPY_SUFFIX):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > _STALE_COPY_S:
                stale.unlink()
    return prefix


@contextlib.contextmanager
def _synced_copy(out: Path, data: Content, suffix: str) -> Iterator[Path]:
    """`data` in a hidden temporary file beside `out` (`.<name>.<random><suffix>`), written and synced, with the
    mode any new file gets; removed afterwards unless it was moved away (what killed runs left is removed
    first: `_remove_stale`). OSError when it cannot be written."""
    prefix = _remove_stale(out)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=out.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.name == "posix":  # mkstemp makes it 0600: give it what any new file gets under the umask
            os.chmod(tmp, 0o666 & ~_UMASK)
    except Exception:  # an error while writing (the disk's, or the copy's own) leaves no half-written file
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


#: `<base>.result[.<stamp>].<ext>`: a result copy's name (the stamp when an earlier copy held the plain name).
_RESULT_NAME: Final = re.compile(r"^(?P<base>.*?)\.result(?P<stamp>\.\d{8}-\d{6}(?:-\d+)?)?\.[A-Za-z]+$")
#: A base that is itself a retry file's (`오늘발송.retry`, `오늘발송.retry-2`): its retry file is the next one.
_RETRY_BASE: Final = re.compile(r"^(?P<base>.*?)\.retry(?:-(?P<n>\d+))?$")


def retry_path(result: Path, source: Path | None = None) -> Path:
    """The retry file beside the result copy: `<name>.retry.xlsx` (with the result's stamp, if any). For a
    retry file fed back in, the next one: `<name>.retry-2.xlsx`, never `.retry.retry.xlsx`, and never the
    input itself."""
    match = _RESULT_NAME.match(result.name)
    base, stamp = (match["base"], match["stamp"] or "") if match else (result.stem, "")
    generation = 1
    again = _RETRY_BASE.match(base)
    if again:
        base, generation = again["base"], int(again["n"] or 1) + 1
    while True:
        mark = ".retry" if generation == 1 else f".retry-{generation}"
        target = result.with_name(fit_name(base + stamp, mark + ".xlsx"))
        if source is None or target.resolve() != source.resolve():
            return target
        generation += 1


def atomic_write(out: Path, data: Content) -> None:
    """Write `out` through a temporary file beside it, replaced in one step; temporary files of `out` that a
    killed run left behind are removed first."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _synced_copy(out, data, ".tmp") as tmp:
            os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(Msg.of("file.write_failed", path=out, reason=os_reason(exc))) from exc
