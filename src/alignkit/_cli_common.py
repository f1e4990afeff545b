"""What the ``alignkit`` commands share: reporting input that cannot be used."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import attrs
import click

from alignkit.alignment_file import problem_diagnostic
from alignkit.diagnostics import Diagnostic, Report
from alignkit.errors import SpecError

if TYPE_CHECKING:
    from alignkit.store import PostgresStore, SQLiteStore

__all__ = [
    "InputError",
    "fail",
    "opened_store",
    "problem_diagnostics",
    "problems_said",
    "use_color",
]


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def problem_diagnostics(error: SpecError, name: str) -> list[Diagnostic]:
    out = []
    for problem in error.problems:
        if problem.location.file is None:
            problem = attrs.evolve(problem, location=attrs.evolve(problem.location, file=name))  # noqa: PLW2901
        out.append(problem_diagnostic(problem))
    return out


class InputError(click.ClickException):
    """A plain error about the command's input (a file, an option): exit code 2."""

    exit_code = 2


def problems_said(error: SpecError) -> str:
    """Every problem of ``error`` in one line, for an option's error (no file to point at)."""
    return "; ".join(problem.message for problem in error.problems)


@contextmanager
def opened_store(
    target: str | Path, command: str, *, read_only: bool = True, role: str | None = None
) -> Iterator[SQLiteStore | PostgresStore]:
    """The store at ``target`` (a SQLite file or a ``postgresql://`` DSN), for a command.

    Read only unless asked (a ``--store`` to report on). A store that cannot be
    opened, whose events fail their checks as they are read, or that holds events
    this version cannot fold, is said plainly (the message names the file or the
    database, never a password) and the command exits with 2; it is closed at the
    end of the block.

    Args:
        target: The store.
        command: The command, for messages (``review``, ``store`` ...).
        read_only: Open it only to read.
        role: What the store is to the command (``SRC``, ``DST``), named when it
            cannot be opened; ``None`` for the ``--store`` option.
    """
    from alignkit.errors import StoreError, TransitionError
    from alignkit.store import _NO_SUCH_FILE, open_store

    try:
        store = open_store(target, read_only=read_only)
    except SpecError as error:  # `:memory:` read-only, or psycopg missing for a DSN
        click.echo(f"alignkit {command}: {role or '--store'}: {problems_said(error)}", err=True)
        sys.exit(2)
    except StoreError as error:
        if read_only and error.reason == _NO_SUCH_FILE and error.path is not None:
            # The library's hint is to leave out read_only=True: no option of a command.
            error = StoreError.for_store(error.path, error.reason)
        click.echo(f"alignkit {command}: {f'{role}: ' if role else ''}{error}", err=True)
        sys.exit(2)
    with store:
        try:
            yield store
        except StoreError as error:  # an event that fails its checksum as it is replayed
            click.echo(f"alignkit {command}: {error}", err=True)
            sys.exit(2)
        except TransitionError as error:  # an event no lifecycle of this version knows
            click.echo(f"alignkit {command}: {store.path}: {error}", err=True)
            sys.exit(2)


def fail(error: SpecError, name: str) -> NoReturn:
    report = Report(problem_diagnostics(error, name))
    click.echo(report.to_text(), err=True)
    sys.exit(2)
