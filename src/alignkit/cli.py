"""The ``alignkit`` command: a thin layer over the library.

Exit codes of ``alignkit check``: 0 no errors (warnings and info do not fail), 1 errors
(or warnings, with ``--strict``), 2 a file could not be checked at all.
"""

from __future__ import annotations

import importlib
import sys
from typing import Final

import click

from alignkit._limits import DEFAULT_MAX_BYTES
from alignkit._version import __version__

# Only what `alignkit --version` and `--help` need is imported here; each command
# imports the library when it runs, and an area's commands load when invoked.

__all__ = ["STARTER", "main"]

_FORMATS: Final = ("text", "json", "github", "sarif")

STARTER: Final = """\
# yaml-language-server: $schema=https://alignkit.readthedocs.io/en/latest/alignment.schema.json
# alignment.yaml: your organisation's alignment, written down and checked.
# Check it with `alignkit check alignment.yaml`; see `alignkit schema` for every key.
version: 1

org:
  # Functions (departments). Decisions held by a function are taken by its head.
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  # People, by id. `manager` is the id of the person they report to.
  # A large org can list people in an HR export instead: `people_csv: people.csv`
  # (columns id, name, function, manager).
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: vp-ops, name: Priya Nair, function: Operations, manager: ceo}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: onboarding-1, name: Ana Ruiz, function: Operations, manager: vp-ops}

# Accept a finding on purpose: one code, one target, a written reason, an expiry.
ignore: []
#  - {code: ORG006, target: Support, reason: "Head starts in March", until: 2027-03-31}
"""


class _AreaGroup(click.Group):
    """The top-level group: built-in commands, plus each area's group loaded when used.

    An area names its command as ``"name = module:attribute"``
    (:attr:`alignkit.areas.Area.commands`). Nothing of an area is imported until its
    command runs or ``--help`` lists the commands.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_area_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        path = _area_commands().get(cmd_name)
        if path is None:
            return None
        module, _, attribute = path.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a broken plug-in
            raise click.ClickException(f"{path} is not a command")
        return command


# Commands of no one area (the whole file, the stores): loaded, like areas', when used.
_WHOLE_FILE: Final = {
    "report": "alignkit.report._cli:report",
    "store": "alignkit.store._cli:store",
    "serve": "alignkit.service._cli:serve",
}


def _area_commands() -> dict[str, str]:
    from alignkit.areas import areas

    found = dict(area.command for area in areas() if area.command is not None)
    return {**found, **_WHOLE_FILE}


@click.group(cls=_AreaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="alignkit")
def main() -> None:
    """Alignment as code: check an organisation's alignment.yaml like a linter."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="text for people; json, github (Actions annotations) or sarif (2.1.0) for tools.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output; auto colours a terminal and respects NO_COLOR.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse files larger than this.",
)
@click.option(
    "--allow-outside",
    "allow_outside",
    multiple=True,
    type=click.Path(path_type=str),
    metavar="PATH",
    help=(
        "Let files the alignment file names (people_csv) be in PATH, outside the "
        "alignment file's folder. Repeat for several places."
    ),
)
def check(
    files: tuple[str, ...],
    output_format: str,
    strict: bool,
    color: str,
    max_bytes: int,
    allow_outside: tuple[str, ...],
) -> None:
    """Check alignment files and report every finding with its location.

    Exit 0 when there are no errors, 1 when there are (or warnings, with --strict),
    2 when a file cannot be checked at all.
    """
    from alignkit._cli_common import problem_diagnostics, use_color
    from alignkit.alignment_file import check as check_file
    from alignkit.diagnostics import Diagnostic, Report
    from alignkit.errors import SpecError

    found: list[Diagnostic] = []
    unreadable = False
    for name in files:
        try:
            found.extend(check_file(name, max_bytes=max_bytes, allow_outside=allow_outside))
        except SpecError as error:
            unreadable = True
            found.extend(problem_diagnostics(error, name))
    report = Report(found, file=files[0] if len(files) == 1 else None)
    if output_format == "json":
        click.echo(report.to_json())
    elif output_format == "sarif":
        click.echo(report.to_sarif())
    elif output_format == "github":
        if len(report):
            click.echo(report.to_github())
        click.echo(report.summary(), err=True)
    else:
        coloured = use_color(color)
        click.echo(report.to_text(color=coloured, group=True), color=coloured)
    sys.exit(2 if unreadable else report.exit_code(strict=strict))


@main.command()
@click.option("--indent", type=click.IntRange(min=0), default=2, show_default=True)
def schema(indent: int) -> None:
    """Print the JSON Schema of the alignment file (for editor autocompletion)."""
    import json

    from alignkit.alignment_file import json_schema

    click.echo(json.dumps(json_schema(), indent=indent or None))


@main.command()
@click.argument("code", required=False)
@click.option("--all", "list_all", is_flag=True, help="List every code with its summary.")
def rule(code: str | None, list_all: bool) -> None:
    """Explain a diagnostic code (or name): what it checks, why, an example and the fix."""
    from alignkit.errors import UnknownNameError
    from alignkit.rules import RULES, get_rule, settings_of

    if list_all or code is None:
        width = max(len(r.name) for r in RULES.values())
        for r in RULES.values():
            click.echo(f"{r.code:<7} {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")
        return
    try:
        found = get_rule(code)
    except UnknownNameError as error:
        raise click.ClickException(str(error)) from None
    click.echo(found.to_text(settings=settings_of(found)))


@main.command()
@click.argument("path", required=False, default="alignment.yaml", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starter alignment file (alignment.yaml by default)."""
    from pathlib import Path  # not at the top: `alignkit --version` needs no pathlib

    target = Path(path)
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists; use --force to overwrite it")
    try:
        target.write_text(STARTER, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Cannot write {target}: {error.strerror or error}") from None
    click.echo(f"Wrote {target}. Check it with: alignkit check {target}")
