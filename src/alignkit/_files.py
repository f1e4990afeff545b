"""Reading the files an alignment file is, or names, as untrusted input.

An alignment file may come from anyone's pull request, so it must not be able to
make alignkit read what its author could not read themselves: a path it names is
resolved against the alignment file's own folder and must stay inside it (or inside
a folder the caller allowed), and only regular files are read, never a FIFO or a
device that would hang the check or stream forever, and never more than a limit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from alignkit.diagnostics import Location, PathPart
from alignkit.errors import Problem, SpecError

__all__ = ["UNREADABLE", "read_regular_file", "resolve_named_file"]

UNREADABLE: Final = "AK010"
"""The code of a file that cannot (or may not) be read."""

_KINDS: Final = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int, where: Location | None = None
) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``.

    The file is opened without blocking and checked on the open descriptor, so a
    FIFO or device put in its place cannot hang the read.

    Raises:
        SpecError: ``AK010``: missing, not a regular file, unreadable or too large;
            placed at ``where`` (by default, the file itself).
    """
    name = os.fspath(path)
    place = where if where is not None else Location(name)

    def refuse(message: str) -> SpecError:
        return SpecError([Problem(message, place, code=UNREADABLE)])

    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise refuse(f"No such file: {name}") from None
    except OSError as error:
        raise refuse(f"Cannot read {name}: {error.strerror or error}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        what = _kind(info.st_mode)
        if what == "a directory":
            raise refuse(f"{name} is a directory, not a file")
        raise refuse(f"{name} is {what}, not a regular file; only files are read")
    with os.fdopen(descriptor, "rb") as stream:
        if info.st_size > max_bytes:
            raise refuse(f"The file is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")
        try:
            data = stream.read(max_bytes + 1)
        except OSError as error:
            raise refuse(f"Cannot read {name}: {error.strerror or error}") from None
    if len(data) > max_bytes:  # it grew while we read it
        raise refuse(f"The file is over the limit of {max_bytes:,} bytes")
    return data


def resolve_named_file(
    name: str,
    base_dir: str | os.PathLike[str],
    *,
    allow_outside: Iterable[str | os.PathLike[str]] = (),
    path: Sequence[PathPart] = (),
) -> Path:
    """Where a path written in an alignment file points, if it may be read.

    ``name`` is relative to ``base_dir`` (the alignment file's folder). After
    following ``..`` and symbolic links it must lead inside ``base_dir``, or inside
    one of ``allow_outside`` (folders or files the caller trusts); an absolute path
    is allowed only there too.

    Raises:
        SpecError: ``AK010`` at ``path``: the name is empty, holds a NUL, or leads
            outside every allowed folder.
    """
    where = Location(path=tuple(path))
    if not name.strip() or "\0" in name:
        raise SpecError([Problem("The file name is empty or not text", where, code=UNREADABLE)])
    base = Path(os.path.realpath(base_dir))
    target = Path(os.path.realpath(base / name))
    roots = [base, *(Path(os.path.realpath(root)) for root in allow_outside)]
    if not any(target == root or target.is_relative_to(root) for root in roots):
        raise SpecError(
            [
                Problem(
                    f"`{name}` leads outside the alignment file's folder ({base}); "
                    "files it names must be inside it, unless the check allows the "
                    "place (`--allow-outside PATH`)",
                    where,
                    code=UNREADABLE,
                )
            ]
        )
    return target
