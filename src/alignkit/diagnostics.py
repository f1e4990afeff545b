"""Findings about an alignment: where they are, how bad they are, and how to report them.

A :class:`Diagnostic` is a finding in input that *is* valid but unwise (a function with
no head, one person accountable for half of all decisions).
Input that cannot mean anything is a :class:`~alignkit.errors.SpecError` instead.
A :class:`Report` gathers diagnostics and renders them as text, JSON, GitHub Actions
annotations or SARIF 2.1.0.

>>> from alignkit.diagnostics import Diagnostic, Location, Report, Severity
>>> finding = Diagnostic(
...     "ORG006",
...     Severity.WARNING,
...     "Function `Support` has no head",
...     location=Location("alignment.yaml", line=12, column=7),
...     hint="Name its head under `head:`",
... )
>>> report = Report([finding])
>>> report.ok
True
>>> print(report.to_text())
alignment.yaml:12:7: ORG006 warning: Function `Support` has no head
  help: Name its head under `head:`
<BLANKLINE>
Found 0 errors, 1 warning, 0 info.

Added in 0.1.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Protocol, final

import attrs

from alignkit._version import __version__

__all__ = [
    "DOCS_URL",
    # findings
    "Diagnostic",
    # where
    "Location",
    "PathPart",
    # collections and rendering
    "Report",
    "RuleDocs",
    "Severity",
    "format_path",
    "printable",
    "register_rules",
    "register_section",
]

DOCS_URL: Final = "https://alignkit.readthedocs.io/en/latest"
"""Where the documentation lives; each code's page is ``{DOCS_URL}/rules/{code}/``."""

PathPart = str | int
"""One step of a field path: a key (``"people"``) or a list index (``3``)."""


def _escapes() -> dict[int, str]:
    table = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
    table.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
    # Bidirectional overrides and line separators can reorder or break a line on screen.
    for code in (0x2028, 0x2029, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = f"\\u{code:04x}"
    return table


_ESCAPES: Final = _escapes()


def printable(text: str) -> str:
    r"""``text`` with control characters escaped, for a line of output.

    Messages quote what people wrote (a function's name, a file's path); escaping
    keeps a quoted line break, escape sequence or bidirectional override from
    changing what a terminal or a CI log shows.

    >>> printable("Sales\n::error::injected\x1b[2J")
    'Sales\\n::error::injected\\x1b[2J'

    Added in 0.1.
    """
    return text.translate(_ESCAPES)


def format_path(path: Sequence[PathPart]) -> str:
    """Render a field path the way it reads in Python or jq.

    Args:
        path: Keys and list indexes from the root.

    Returns:
        A dotted path with indexes in brackets.

    >>> format_path(("org", "people", 3, "manager"))
    'org.people[3].manager'
    >>> format_path(())
    ''

    Added in 0.1.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def _to_path(value: Iterable[PathPart]) -> tuple[PathPart, ...]:
    return tuple(value)


@final
@attrs.frozen(repr=False)
class Location:
    """Where a problem or finding is.

    Every field is optional; fill what the source knows.

    - YAML and JSON: ``file``, ``line`` and ``column`` (1-based) and the field ``path``.
    - CSV: ``file``, ``row`` (the spreadsheet row: the header is row 1), ``column``
      (1-based) and ``path`` holding the column's header; ``line`` is the physical
      line the record starts on, which differs from ``row`` only when a cell holds a
      line break.
    - Python objects: just the field ``path``.

    >>> str(Location("alignment.yaml", line=14, column=7))
    'alignment.yaml:14:7'
    >>> str(Location(path=("people", 0, "id")))
    'people[0].id'
    >>> str(Location("people.csv", row=5, column=4, path=("manager",)))
    'people.csv:5:4'

    Added in 0.1.
    """

    file: str | None = None
    line: int | None = attrs.field(default=None, kw_only=True)
    column: int | None = attrs.field(default=None, kw_only=True)
    row: int | None = attrs.field(default=None, kw_only=True)
    path: tuple[PathPart, ...] = attrs.field(default=(), kw_only=True, converter=_to_path)

    def __str__(self) -> str:
        line = self.line if self.line is not None else self.row
        if self.file is None and line is None:
            return format_path(self.path) or "<input>"
        parts = [self.file or "<input>"]
        if line is not None:
            parts.append(str(line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __repr__(self) -> str:
        args = [repr(self.file)] if self.file is not None else []
        args += [
            f"{name}={value!r}"
            for name, value in (
                ("line", self.line),
                ("column", self.column),
                ("row", self.row),
                ("path", self.path),
            )
            if value not in (None, ())
        ]
        return f"Location({', '.join(args)})"

    @property
    def section(self) -> str | None:
        """The top-level key of the field path (``"org"``), if any."""
        head = self.path[0] if self.path else None
        return head if isinstance(head, str) else None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: every key present, ``null`` where unknown."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "path": list(self.path),
        }


class Severity(enum.StrEnum):
    """How much a finding matters.

    Errors fail ``alignkit check``; warnings fail it only with ``--strict``;
    info never fails it.

    >>> Severity.ERROR > Severity.WARNING > Severity.INFO
    True

    Added in 0.1.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for errors, 1 for warnings, 0 for info."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_RANK: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_SARIF_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND: Final = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}
_ANSI: Final = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_BOLD: Final = "\x1b[1m"
_DIM: Final = "\x1b[2m"
_RESET: Final = "\x1b[0m"


@final
@attrs.frozen
class Diagnostic:
    """One finding: a stable code, a severity, what is wrong, where, and how to fix it.

    Attributes:
        code: Area prefix and three digits, for example ``"ORG001"``.
        severity: How much it matters.
        message: What is wrong, naming the thing it is about.
        location: Where it is.
        hint: How to fix it.
        target: The name the finding is about (a person id, a function, a decision);
            an ``ignore:`` entry silences a code for one target.
        name: The rule's kebab-case name (``"unknown-manager"``), set by the rule.

    Added in 0.1.
    """

    code: str
    severity: Severity = attrs.field(converter=Severity)
    message: str
    location: Location | None = attrs.field(default=None, kw_only=True)
    hint: str | None = attrs.field(default=None, kw_only=True)
    target: str | None = attrs.field(default=None, kw_only=True)
    name: str | None = attrs.field(default=None, kw_only=True)

    @property
    def section(self) -> str:
        """The area the finding's code belongs to (``"decision_rights"`` for ``DR006``).

        Output is grouped by it, so a code always appears under its own area, wherever
        the place it points at is; ``AK`` codes are about the file itself.
        """
        found = _SECTION_BY_PREFIX.get(self.code.rstrip("0123456789"))
        if found is not None:
            return found
        if self.location is not None and self.location.section is not None:
            return self.location.section
        return "file"

    @property
    def url(self) -> str:
        """The documentation page of the code."""
        return f"{DOCS_URL}/rules/{self.code}/"

    def with_location(self, location: Location | None) -> Diagnostic:
        """A copy placed at ``location``."""
        return attrs.evolve(self, location=location)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of one finding (see :meth:`Report.to_json`)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "target": self.target,
            "section": self.section,
            "location": self.location.as_dict() if self.location is not None else None,
            "url": self.url,
        }

    def to_text(self, *, color: bool = False) -> str:
        r"""The finding as ``file:line:col: CODE severity: message`` and a ``help:`` line.

        Control characters in the message, hint and file name (which may quote what
        someone wrote) are shown escaped, so the text is one line each and cannot
        move the cursor, ring a bell or start a CI workflow command:

        >>> finding = Diagnostic("ORG006", "warning", "Function `Sales\n::error::x` has no head")
        >>> print(finding.to_text())
        <input>: ORG006 warning: Function `Sales\n::error::x` has no head
        """
        where = printable(str(self.location)) if self.location is not None else "<input>"
        message = printable(self.message)
        if color:
            head = (
                f"{_BOLD}{where}{_RESET}: {_ANSI[self.severity]}{self.code}{_RESET} "
                f"{self.severity.value}: {message}"
            )
        else:
            head = f"{where}: {self.code} {self.severity.value}: {message}"
        if self.hint:
            hint = printable(self.hint)
            help_line = f"  {_DIM}help:{_RESET} {hint}" if color else f"  help: {hint}"
            return f"{head}\n{help_line}"
        return head


# Code prefix -> the alignment-file section findings group under. The area registry
# (alignkit.areas) adds each area's prefix and key, in the file's order of sections.
_SECTION_BY_PREFIX: dict[str, str] = {"AK": "file"}


def register_section(prefix: str, key: str) -> None:
    """Group findings whose codes start with ``prefix`` under the section ``key``.

    :mod:`alignkit.areas` registers every area's prefix; output lists sections in
    the order they were registered, after ``file`` (the ``AK`` codes).

    Added in 0.1.
    """
    _SECTION_BY_PREFIX[prefix] = key


def _sort_key(diagnostic: Diagnostic) -> tuple[str, int, int]:
    # Findings without a line keep the order they were produced in (sorted is stable).
    loc = diagnostic.location or Location()
    line = loc.line if loc.line is not None else (loc.row if loc.row is not None else 0)
    return (loc.file or "", line, loc.column or 0)


@final
class Report(Sequence[Diagnostic]):
    """An immutable, ordered collection of diagnostics, with renderings.

    Diagnostics are kept sorted by file, line and column; findings at the same place
    keep the order they were given in.

    >>> from alignkit.diagnostics import Diagnostic, Report
    >>> report = Report([Diagnostic("ORG001", "error", "Person `bo` reports to unknown `x`")])
    >>> report.ok, len(report.errors), len(report.warnings)
    (False, 1, 0)
    >>> report.exit_code()
    1

    Added in 0.1.
    """

    __slots__ = ("_diagnostics", "_file")

    def __init__(self, diagnostics: Iterable[Diagnostic] = (), *, file: str | None = None) -> None:
        """Collect ``diagnostics``; ``file`` names the checked file in summaries."""
        self._diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=_sort_key))
        self._file = file

    # -- the sequence ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._diagnostics)

    def __getitem__(self, index: Any) -> Any:  # noqa: ANN401 - int or slice, as Sequence
        return self._diagnostics[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self._diagnostics == other._diagnostics and self._file == other._file

    def __hash__(self) -> int:
        return hash((self._diagnostics, self._file))

    def __repr__(self) -> str:
        return f"Report({list(self._diagnostics)!r}, file={self._file!r})"

    def __add__(self, other: Report) -> Report:
        if not isinstance(other, Report):
            return NotImplemented
        return Report((*self._diagnostics, *other._diagnostics), file=self._file or other._file)

    # -- queries --------------------------------------------------------------------

    @property
    def file(self) -> str | None:
        """The checked file, if the report is about one."""
        return self._file

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every finding, in order."""
        return self._diagnostics

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The findings of severity error."""
        return tuple(d for d in self._diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The findings of severity warning."""
        return tuple(d for d in self._diagnostics if d.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Diagnostic, ...]:
        """The findings of severity info."""
        return tuple(d for d in self._diagnostics if d.severity is Severity.INFO)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and info do not count)."""
        return not any(d.severity is Severity.ERROR for d in self._diagnostics)

    @property
    def codes(self) -> frozenset[str]:
        """Every code that occurs."""
        return frozenset(d.code for d in self._diagnostics)

    def exit_code(self, *, strict: bool = False) -> int:
        """0 when the report passes, 1 when it has errors (or warnings, if ``strict``)."""
        if not self.ok or (strict and self.warnings):
            return 1
        return 0

    def with_file(self, file: str | None) -> Report:
        """A copy naming ``file`` as the checked file."""
        return Report(self._diagnostics, file=file)

    # -- renderings -----------------------------------------------------------------

    def summary(self) -> str:
        """One line counting errors, warnings and info."""
        errors, warnings, infos = len(self.errors), len(self.warnings), len(self.infos)
        return (
            f"Found {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}, {infos} info."
        )

    def to_text(self, *, color: bool = False, group: bool = False) -> str:
        """Render for people: one finding per line, ``help:`` below, a summary last.

        Args:
            color: Add ANSI colours (for a terminal).
            group: Put findings under a header per alignment-file section.

        Returns:
            The text, without a trailing newline.
        """
        if not self._diagnostics:
            return "All checks passed."
        blocks: list[str] = []
        if group:
            sections: dict[str, list[Diagnostic]] = {}
            for diagnostic in self._diagnostics:
                sections.setdefault(diagnostic.section, []).append(diagnostic)
            order = {name: i for i, name in enumerate(dict.fromkeys(_SECTION_BY_PREFIX.values()))}
            for section, found in sorted(
                sections.items(), key=lambda item: order.get(item[0], len(order))
            ):
                header = f"{_BOLD}[{section}]{_RESET}" if color else f"[{section}]"
                blocks.append("\n".join([header, *(d.to_text(color=color) for d in found)]))
        else:
            blocks.append("\n".join(d.to_text(color=color) for d in self._diagnostics))
        blocks.append(self.summary())
        return "\n\n".join(blocks)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape documented in *CLI reference → JSON output*."""
        return {
            "version": 1,
            "tool": {"name": "alignkit", "version": __version__},
            "file": self._file,
            "summary": {
                "ok": self.ok,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "info": len(self.infos),
            },
            "diagnostics": [d.as_dict() for d in self._diagnostics],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Render as JSON (see :meth:`as_dict` for the shape)."""
        import json  # only renderers need it; keeps `import alignkit` light

        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)

    def to_github(self) -> str:
        """Render as GitHub Actions workflow commands (annotations on the PR diff).

        >>> from alignkit.diagnostics import Diagnostic, Location, Report
        >>> loc = Location("alignment.yaml", line=3, column=5)
        >>> print(Report([Diagnostic("ORG006", "warning", "No head", location=loc)]).to_github())
        ::warning file=alignment.yaml,line=3,col=5,title=ORG006::ORG006 No head
        """
        lines = []
        for d in self._diagnostics:
            props = []
            loc = d.location
            if loc is not None and loc.file is not None:
                props.append(f"file={_gh_property(printable(loc.file))}")
                line = loc.line if loc.line is not None else loc.row
                if line is not None:
                    props.append(f"line={line}")
                if loc.column is not None:
                    props.append(f"col={loc.column}")
            props.append(f"title={_gh_property(d.code)}")
            message = f"{d.code} {printable(d.message)}" + (
                f"\nhelp: {printable(d.hint)}" if d.hint else ""
            )
            lines.append(f"::{_GITHUB_COMMAND[d.severity]} {','.join(props)}::{_gh_data(message)}")
        return "\n".join(lines)

    def to_sarif(self) -> str:
        """Render as a SARIF 2.1.0 log, for GitHub code scanning and other viewers.

        Each code that occurs is a rule of the driver (a SARIF ``reportingDescriptor``)
        with its ``name``, ``shortDescription`` (the summary), ``fullDescription``
        (*What it does*), ``helpUri`` (its page) and default level.

        The documentation comes from the rules registered with :func:`register_rules`
        (``alignkit.rules`` registers the built-in catalogue when it is imported).

        >>> import json
        >>> from alignkit.diagnostics import Diagnostic, Report
        >>> from alignkit.rules import RULES
        >>> log = json.loads(Report([RULES["ORG006"].diagnostic("No head")]).to_sarif())
        >>> rule = log["runs"][0]["tool"]["driver"]["rules"][0]
        >>> rule["name"], rule["shortDescription"]
        ('function-without-head', {'text': 'A function has no head.'})
        """
        import json

        used = sorted(self.codes)
        rule_index = {code: i for i, code in enumerate(used)}
        first: dict[str, Diagnostic] = {}
        for d in self._diagnostics:
            first.setdefault(d.code, d)
        rules = []
        for code in used:
            known = _rule_docs(code)
            entry: dict[str, Any] = {"id": code}
            name = first[code].name or (known.name if known is not None else None)
            if name is not None:
                entry["name"] = name
            if known is not None:
                entry["shortDescription"] = {"text": known.summary}
                entry["fullDescription"] = {"text": known.what}
            entry["helpUri"] = f"{DOCS_URL}/rules/{code}/"
            entry["defaultConfiguration"] = {"level": _SARIF_LEVEL[first[code].severity]}
            rules.append(entry)
        results = []
        for d in self._diagnostics:
            result: dict[str, Any] = {
                "ruleId": d.code,
                "ruleIndex": rule_index[d.code],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message + (f"\nhelp: {d.hint}" if d.hint else "")},
            }
            loc = d.location
            if loc is not None and loc.file is not None:
                region: dict[str, int] = {}
                line = loc.line if loc.line is not None else loc.row
                if line is not None:
                    region["startLine"] = line
                    if loc.column is not None:
                        region["startColumn"] = loc.column
                physical: dict[str, Any] = {"artifactLocation": {"uri": loc.file}}
                if region:
                    physical["region"] = region
                result["locations"] = [{"physicalLocation": physical}]
            results.append(result)
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "alignkit",
                            "version": __version__,
                            "informationUri": DOCS_URL,
                            "rules": rules,
                        }
                    },
                    "results": results,
                }
            ],
        }
        return json.dumps(log, indent=2, ensure_ascii=False)


class RuleDocs(Protocol):
    """What renderers need of a rule's documentation (an :class:`alignkit.rules.Rule`)."""

    @property
    def name(self) -> str:
        """The rule's kebab-case name."""

    @property
    def summary(self) -> str:
        """One line: what is wrong."""

    @property
    def what(self) -> str:
        """What the rule checks."""


_CATALOGUES: list[Mapping[str, RuleDocs]] = []


def register_rules(rules: Mapping[str, RuleDocs]) -> None:
    """Make rules' documentation known to the renderers, by code.

    SARIF output describes each code it reports with it. ``alignkit.rules`` registers
    the catalogue when it is imported; a tool with codes of its own can register them
    the same way. The mapping is kept, not copied: codes added to it later are known
    too, and a mapping registered later wins for a code both hold.

    Added in 0.1.
    """
    _CATALOGUES.insert(0, rules)


def _rule_docs(code: str) -> RuleDocs | None:
    return next((found[code] for found in _CATALOGUES if code in found), None)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
