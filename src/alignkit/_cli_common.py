"""What the ``alignkit`` commands share: reporting input that cannot be used."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import attrs
import click

from alignkit.alignment_file import problem_diagnostic
from alignkit.diagnostics import Diagnostic, Report
from alignkit.errors import SpecError

__all__ = ["fail", "problem_diagnostics", "use_color"]


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


def fail(error: SpecError, name: str) -> NoReturn:
    report = Report(problem_diagnostics(error, name))
    click.echo(report.to_text(), err=True)
    sys.exit(2)
