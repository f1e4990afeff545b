"""The ``alignkit eli5`` command: a prose linter for updates meant for other functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from alignkit.diagnostics import Severity

if TYPE_CHECKING:
    from alignkit.glossary import Glossary, GlossaryLint, TextFinding

__all__ = ["eli5"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--file",
    "alignment_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=(
        "The alignment file whose `glossary` section and `lint: {glossary: ...}` limits "
        "to use; alignment.yaml when it exists, else no glossary and the default limits."
    ),
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="`github`: workflow commands that annotate the lines of a pull request.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warning", "error"]),
    default="info",
    show_default=True,
    help="The least severe finding that makes the exit code 1 (`warning`: suggestions do not).",
)
def eli5(
    files: tuple[Path, ...], alignment_path: Path | None, output_format: str, fail_on: str
) -> None:
    """Check FILES (Markdown or plain text) as updates for other functions.

    Flags acronyms and jargon neither in the glossary nor spelled out (GL101),
    deprecated terms (GL102), terms with plain words (GL103), long sentences
    (GL104) and paragraphs above the reading grade (GL105). The exit code is 1 when
    anything is found (with --fail-on warning, when a warning is: the plain-words
    suggestions of GL103 are information), 2 when a file cannot be read.
    """
    glossary, limits, known = _glossary(alignment_path)
    results: list[tuple[str, TextFinding]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
            click.echo(f"alignkit eli5: cannot read {path}: {reason}", err=True)
            sys.exit(2)
        found = glossary.check_text(
            text,
            max_sentence_words=limits.max_sentence_words,
            max_grade=limits.max_grade,
            known=known,
        )
        results += [(str(path), finding) for finding in found]
    if output_format == "json":
        click.echo(json.dumps([_as_dict(name, f) for name, f in results], indent=2))
    elif output_format == "github":
        for name, finding in results:
            click.echo(_github(name, finding))
    else:
        for name, finding in results:
            click.echo(
                f"{name}:{finding.line}:{finding.column}: {finding.code} "
                f"{finding.severity.value}: {finding.message}"
            )
            if finding.suggestion:
                click.echo(f"  help: {finding.suggestion}")
        if results:
            count, checked = len(results), len(files)
            click.echo(
                f"\nFound {count} finding{'s' * (count != 1)} in {checked} "
                f"file{'s' * (checked != 1)}."
            )
    threshold = _RANK[Severity(fail_on)]
    sys.exit(1 if any(_RANK[f.severity] >= threshold for _, f in results) else 0)


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def _glossary(alignment_path: Path | None) -> tuple[Glossary, GlossaryLint, list[str]]:
    """The glossary, limits and function names of the alignment file (none: empty)."""
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.glossary import Glossary, GlossaryLint

    if alignment_path is None:
        default = Path("alignment.yaml")
        if not default.is_file():
            return Glossary([]), GlossaryLint(), []
        alignment_path = default
    try:
        alignment = load(alignment_path)
        section = alignment.section("glossary")
        glossary = section.glossary() if section is not None else Glossary([])
    except SpecError as error:
        fail(error, str(alignment_path))
    limits: GlossaryLint = alignment.options("glossary")
    return glossary, limits, sorted(alignment.org.function_names)


def _as_dict(path: str, finding: TextFinding) -> dict[str, object]:
    return {
        "path": path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "start": finding.span[0],
        "end": finding.span[1],
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "suggestion": finding.suggestion,
        "text": finding.flagged,
    }


def _escape(value: str, *, property_value: bool = False) -> str:
    """Text for a GitHub workflow command: its data, or a property's value."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(path: str, finding: TextFinding) -> str:
    """A workflow command that annotates the finding's line in a pull request."""
    level = {"error": "error", "warning": "warning"}.get(finding.severity.value, "notice")
    message = finding.message + (f" ({finding.suggestion})" if finding.suggestion else "")
    return (
        f"::{level} file={_escape(path, property_value=True)},line={finding.line},"
        f"col={finding.column},endLine={finding.end_line},endColumn={finding.end_column},"
        f"title={_escape(finding.code, property_value=True)}::"
        f"{_escape(message)}"
    )
