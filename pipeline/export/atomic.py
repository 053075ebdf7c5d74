"""Atomic file writes: a reader, or a run killed mid-write, never sees half a file.

The content goes to a temporary file in the destination folder (same filesystem), is flushed
to disk, then renamed over the destination in one step. `atomic_group` does the same for the
outputs of one input together: all are written, or none is (a failure on the last leaves the
earlier ones unwritten too), whichever writers write them.

Temporary files carry sohoa's marker, `.<name>.sohoa-<random>.part`, so that the clean-up
after a killed run (pipeline.batch) removes only files sohoa made, never a user's file that
happens to end in `.part`.
"""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..errors import OutputError

TEMP_MARKER = ".sohoa-"
TEMP_SUFFIX = ".part"
# mkstemp's random part is 8 characters of [a-z0-9_].
TEMP_PATTERN = re.compile(r"^\..*\.sohoa-[a-z0-9_]{8}\.part$", re.DOTALL)
_NAME_MAX = 255          # bytes in one file name (Linux, macOS, Windows)


def is_temporary_file(name: str) -> bool:
    """Is `name` the name of one of sohoa's temporary files?"""
    return bool(TEMP_PATTERN.match(name))


def _temp_prefix(dest: Path) -> str:
    """`.<name>.sohoa-`, the name cut (by bytes) so that the temporary name fits NAME_MAX."""
    room = _NAME_MAX - len(".") - len(TEMP_MARKER) - 8 - len(TEMP_SUFFIX)
    name = os.fsencode(dest.name)[:room]
    return "." + os.fsdecode(name) + TEMP_MARKER


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _new_temp(dest: Path) -> Path:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(dest), suffix=TEMP_SUFFIX, dir=dest.parent)
        os.close(fd)
    except OSError as e:
        raise OutputError(f"cannot write here: {e.strerror}", path=dest.parent,
                          hint="choose another folder with -o, or fix its permissions") from None
    return Path(tmp)


def _settle(tmp: Path) -> None:
    """Flush a finished temporary file to disk and give it the usual mode."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; outputs get the usual mode


def _failed(e: BaseException, dest: Path) -> BaseException:
    if isinstance(e, OSError) and not isinstance(e, FileNotFoundError):
        return OutputError(f"writing failed: {e.strerror or e}", path=dest,
                           hint="check free disk space and permissions")
    return e


def _unlink(paths) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


# The group being written (atomic_group), if any: atomic_path then leaves its renames to it.
_group: ContextVar[list | None] = ContextVar("sohoa_atomic_group", default=None)


@contextmanager
def atomic_path(dest: str | Path):
    """Yields a temporary path to write; on success it replaces `dest` atomically (inside an
    atomic_group: when the whole group has succeeded)."""
    dest = Path(dest)
    tmp = _new_temp(dest)
    group = _group.get()
    try:
        yield tmp
        _settle(tmp)
        if group is not None:
            group.append((tmp, dest))
        else:
            os.replace(tmp, dest)
    except BaseException as e:
        _unlink([tmp])
        failure = _failed(e, dest)
        if failure is e:
            raise
        raise failure from None


@contextmanager
def atomic_group():
    """The outputs of one input, written together: every atomic_path (every writer of
    pipeline.export) used inside the block writes its temporary file, and only when the block
    ends without error are they all renamed onto their destinations. On any error no destination
    is touched and every temporary file is removed; a rename that fails after others (a folder in
    the way is found before any) undoes them, so none of the group stays."""
    staged: list[tuple[Path, Path]] = []
    token = _group.set(staged)
    current = None
    renamed: list[Path] = []
    try:
        yield
        for _tmp, dest in staged:
            current = dest
            if dest.is_dir() and not dest.is_symlink():
                raise IsADirectoryError(21, "a folder has this name", str(dest))
        for tmp, dest in staged:
            current = dest
            os.replace(tmp, dest)
            renamed.append(dest)
    except BaseException as e:
        _unlink(tmp for tmp, _ in staged)
        _unlink(renamed)
        failure = _failed(e, current or (staged[-1][1] if staged else Path(".")))
        if failure is e:
            raise
        raise failure from None
    finally:
        _group.reset(token)


def write_text(dest: str | Path, text: str) -> Path:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(dest)


def write_bytes(dest: str | Path, data: bytes) -> Path:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return Path(dest)
