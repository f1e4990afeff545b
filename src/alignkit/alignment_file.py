"""The alignment file (``alignment.yaml``): its model, loading with locations, and checks.

An alignment file writes an organisation's alignment down in one place: people and
functions, and one section per area.
:func:`load` reads it safely and reports every problem at once with
``file:line:column``; :meth:`AlignmentFile.check` runs every section's lint plus the
cross-section checks and returns one :class:`~alignkit.diagnostics.Report`.

>>> import datetime as dt
>>> from alignkit.alignment_file import loads
>>> text = '''
... version: 1
... org:
...   functions:
...     - {name: Executive, head: ceo}
...     - {name: Sales}
...   people:
...     - {id: ceo, name: Dana Reyes, function: Executive}
...     - {id: ae-1, name: Lee Park, function: Sales, manager: ceo}
... '''
>>> report = loads(text, file="alignment.yaml").check(at=dt.date(2026, 1, 1))
>>> print(report.to_text())
alignment.yaml:6:7: ORG006 warning: Function `Sales` has no head
  help: Name the function's leader under `head:`
<BLANKLINE>
Found 0 errors, 1 warning, 0 info.

Added in 0.1.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import attrs
from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from alignkit._csvio import read_people_rows
from alignkit._file_rules import EXPIRED_IGNORE, IGNORE_UNKNOWN_CODE, UNUSED_IGNORE
from alignkit._files import read_regular_file, resolve_named_file
from alignkit._gc import collector_paused
from alignkit._source import ChainSourceMap, SourceMap, TextSourceMap, resolve_location
from alignkit._spec import SpecModel, TupleOf, declared_twice, spec_error
from alignkit._time import require_aware
from alignkit._yaml import DEFAULT_MAX_BYTES, decode, parse_text
from alignkit.areas import Area, areas
from alignkit.bonus import BonusPlanSpec
from alignkit.channels._section import ChannelsSection
from alignkit.coaching._section import CoachingSection
from alignkit.decision_log._section import DecisionLogSection
from alignkit.decision_rights import DecisionRights, DecisionRightsLint
from alignkit.diagnostics import Diagnostic, Location, PathPart, Report, Severity
from alignkit.errors import Problem, SpecError
from alignkit.glossary._section import GlossaryLint, GlossarySection
from alignkit.handoff import HandoffsSection
from alignkit.incentives import IncentivesSection
from alignkit.org import Function, Org, Person
from alignkit.review._section import ReviewSection
from alignkit.rules import RULES
from alignkit.silo_cost._section import SiloCostSection
from alignkit.squads import Team
from alignkit.value_stream._section import ValueStreamsSection

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SCHEMA_VERSION",
    # the model
    "AlignmentFile",
    "IgnoreEntry",
    "LintSection",
    "OrgSection",
    # reading and checking
    "check",
    "from_data",
    "json_schema",
    "load",
    "loads",
    "problem_diagnostic",
]

SCHEMA_VERSION: Final = 1
"""The alignment-file format this release reads (the file's ``version:``)."""

_LOAD_CODE: Final = "AK010"
_SYNTAX_CODE: Final = "AK011"
_SCHEMA_CODE: Final = "AK012"


class IgnoreEntry(SpecModel):
    """Silence one code for one target, with a written reason and an optional expiry.

    >>> IgnoreEntry(code="ORG006", target="Support", reason="Head starts in March").until is None
    True

    Added in 0.1.
    """

    code: str = Field(
        pattern=r"^[A-Z]{2,3}[0-9]{3}$", description="The diagnostic code to silence (ORG006)."
    )
    target: str = Field(
        min_length=1,
        description="What the finding is about: a person id, function name, decision id ...",
    )
    reason: str = Field(min_length=1, description="Why this is acceptable, for the next reader.")
    until: dt.date | None = Field(
        default=None, description="The last day the entry applies (YYYY-MM-DD)."
    )

    @field_validator("reason")
    @classmethod
    def _reason_is_written(cls, value: str) -> str:
        if not value.strip():
            msg = "A reason must be written out"
            raise ValueError(msg)
        return value


class OrgSection(Org):
    """The ``org:`` section: an :class:`~alignkit.org.Org`, whose people may come from CSV.

    ``people_csv`` names an HR export (columns ``id``, ``name``, ``function``,
    ``manager``) relative to the alignment file; :func:`load` reads it in place of
    ``people``, and findings about those people point at its rows.

    Added in 0.1.
    """

    people_csv: str | None = Field(
        default=None,
        min_length=1,
        description="An HR export to read people from, instead of listing them (CSV).",
    )

    def __init__(
        self,
        *,
        functions: Sequence[Function | Mapping[str, Any]] = (),
        people: Sequence[Person | Mapping[str, Any]] = (),
        people_csv: str | None = None,
    ) -> None:
        super().__init__(functions=functions, people=people, people_csv=people_csv)


class LintSection(SpecModel):
    """The ``lint:`` section: each area's rule options, under the area's key.

    >>> LintSection(decision_rights={"max_consulted": 8}).decision_rights.max_consulted
    8

    An area registered with :func:`alignkit.areas.register_area` takes its options
    here too, under its own key. Each rule's page lists the options it reads.

    Added in 0.1.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    decision_rights: DecisionRightsLint = Field(
        default_factory=DecisionRightsLint,
        description="Thresholds of DR004, DR005, DR007 and DR008.",
    )
    glossary: GlossaryLint = Field(
        default_factory=GlossaryLint,
        description="The ELI5 limits of GL104 and GL105 (and of `alignkit eli5`).",
    )


class AlignmentFile(SpecModel):
    """A whole alignment file.

    Build one with :func:`load` (from a file) or :func:`loads` (from text); both keep
    where each value was written so findings point at lines.

    Added in 0.1.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, title="alignkit alignment file"
    )

    version: Literal[1] = Field(description="The file format version; 1 for this release.")
    org: OrgSection = Field(description="People and functions.")
    decision_rights: DecisionRights | None = Field(
        default=None, description="Who decides what (RACI, RAPID or DACI)."
    )
    handoffs: HandoffsSection | None = Field(
        default=None, description="Minimum Viable Handoff gates and the CRM trigger."
    )
    teams: TupleOf[Team] = Field(default=(), description="Pods, squads and tribes.")
    bonus_plans: TupleOf[BonusPlanSpec] = Field(
        default=(), description="Bonus plans and the functions paid on them."
    )
    incentives: IncentivesSection | None = Field(
        default=None, description="Metrics in tension, for the incentive-conflict map."
    )
    decision_log: DecisionLogSection | None = Field(
        default=None,
        description="How long a proposal may wait, and whether decisions require consultation.",
    )
    review: ReviewSection | None = Field(
        default=None,
        description="The cross-team review: its thresholds, its sources and post-mortems.",
    )
    channels: ChannelsSection | None = Field(
        default=None,
        description="Which channel is for what, how fast it is answered, on whose hours.",
    )
    value_streams: ValueStreamsSection | None = Field(
        default=None,
        description="Value streams across functions: current and future state.",
    )
    glossary: GlossarySection | None = Field(
        default=None,
        description="The shared language: terms, translation champions, more jargon.",
    )
    silo_cost: SiloCostSection | None = Field(
        default=None,
        description="What people cost and customers are worth, for the cost of silos.",
    )
    coaching: CoachingSection | None = Field(
        default=None,
        description="The micro-coaching plan: its cohort, absences and earlier pairs.",
    )
    lint: LintSection = Field(
        default_factory=LintSection, description="Rule options, by area (thresholds)."
    )
    ignore: tuple[IgnoreEntry, ...] = Field(
        default=(), description="Findings the team accepts, each with a reason."
    )

    _source: SourceMap | None = PrivateAttr(default=None)
    _file: str | None = PrivateAttr(default=None)
    _left_out: _LeftOut | None = PrivateAttr(default=None)
    _registered: Mapping[str, Any] = PrivateAttr(default_factory=dict)
    _registered_options: Mapping[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> AlignmentFile:  # noqa: ANN401 - as pydantic's
        """Validate ``obj``, with the sections of registered areas beyond the built-in ones.

        Raises:
            SpecError: Every problem, in the built-in sections and the registered ones.
        """
        if not isinstance(obj, Mapping):
            return super().model_validate(obj, **kwargs)
        data, extra, extra_options = _split_registered(obj)
        problems: list[Problem] = []
        model = None
        try:
            model = super().model_validate(data, **kwargs)
        except SpecError as error:
            problems.extend(error.problems)
        sections = _validate_registered(extra, (), problems)
        options = _validate_registered(extra_options, ("lint",), problems, options=True)
        if problems or model is None:
            raise SpecError(problems)
        model._registered = sections  # noqa: SLF001 - set once, right after construction
        model._registered_options = options  # noqa: SLF001
        return model

    def section(self, key: str) -> Any:  # noqa: ANN401 - each area's own section model
        r"""The section of the area whose key is ``key``; ``None`` (or ``()``) when absent.

        >>> from alignkit.alignment_file import loads
        >>> loads("version: 1\norg: {functions: [{name: Sales}]}").section("teams")
        ()

        Raises:
            UnknownNameError: No area has that key.
        """
        from alignkit.areas import area

        found = area(key)
        if key in type(self).model_fields:
            return getattr(self, key)
        return self._registered.get(key, () if found.many else None)

    def options(self, key: str) -> Any:  # noqa: ANN401 - each area's own options model
        """The lint options of the area whose key is ``key``, defaults filled in.

        Raises:
            UnknownNameError: No area has that key.
        """
        from alignkit.areas import area

        found = area(key)
        if key in LintSection.model_fields:
            return getattr(self.lint, key)
        return self._registered_options.get(key) or found.default_options()

    def _invariants(self) -> Iterator[Problem]:
        return declared_twice("Team", "teams", (team.name for team in self.teams))

    @property
    def file(self) -> str | None:
        """The file it was read from, if any."""
        return self._file

    def locate(self, location: Location | None) -> Location | None:
        """Place a path-only location at its file, line and column."""
        left_out = self._left_out
        if left_out is not None and location is not None and location.file is None:
            location = attrs.evolve(location, path=left_out.original_path(location.path))
        return resolve_location(self._source, location)

    def check(self, *, at: dt.date | dt.datetime | None = None) -> Report:
        """Run every section's lint and the cross-section checks.

        Args:
            at: The day ``ignore:`` expiry dates are judged on (an aware datetime or a
                date); ``None`` means today, read once here.

        Returns:
            Every finding, placed at ``file:line:column``.

        Raises:
            SpecError: ``at`` is a naive datetime.
        """
        today = _day(at)
        found: list[Diagnostic] = []
        with collector_paused():
            for each in areas():
                found.extend(each.check(self, self.options(each.key)))
            found = list(_apply_ignores(found, self.ignore, today))
            placed = [d.with_location(self.locate(d.location)) for d in found]
            left_out = self._left_out
            if left_out is not None:
                placed = [d for d in placed if not left_out.explains(d)]
                placed += [_problem_diagnostic(p) for p in left_out.problems]
        return Report(placed, file=self._file)


def _day(at: dt.date | dt.datetime | None) -> dt.date:
    if at is None:
        return dt.datetime.now().astimezone().date()
    if isinstance(at, dt.datetime):
        return require_aware(at).date()
    return at


def _registered_areas() -> list[Area]:
    """The areas beyond the file model's own fields."""
    return [a for a in areas() if a.key not in AlignmentFile.model_fields]


def _split_registered(
    obj: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[Area, Any], dict[Area, Any]]:
    """The file's data without registered areas' sections and options, and those apart."""
    extra = {a: obj[a.key] for a in _registered_areas() if a.key in obj}
    data = {key: value for key, value in obj.items() if key not in {a.key for a in extra}}
    extra_options: dict[Area, Any] = {}
    lint = data.get("lint")
    if isinstance(lint, Mapping):
        extra_options = {a: lint[a.key] for a in _registered_areas() if a.key in lint}
        if extra_options:
            data["lint"] = {
                k: v for k, v in lint.items() if k not in {a.key for a in extra_options}
            }
    return data, extra, extra_options


def _validate_registered(
    found: Mapping[Area, Any],
    prefix: tuple[PathPart, ...],
    problems: list[Problem],
    *,
    options: bool = False,
) -> dict[str, Any]:
    """Each registered area's section (or options), validated by its own model."""
    from pydantic import TypeAdapter, ValidationError

    out: dict[str, Any] = {}
    for each, value in found.items():
        model = each.options if options else each.section
        if model is None:
            problems.append(
                Problem(
                    f"The area `{each.key}` takes no {'options' if options else 'section'}",
                    Location(path=(*prefix, each.key)),
                )
            )
            continue
        kind: Any = tuple[model, ...] if each.many and not options else model  # type: ignore[valid-type]
        try:
            out[each.key] = TypeAdapter(kind).validate_python(value)
        except ValidationError as error:
            problems.extend(spec_error(error, model=model, prefix=(*prefix, each.key)).problems)
        except SpecError as error:
            problems.extend(
                attrs.evolve(
                    p, location=attrs.evolve(p.location, path=(*prefix, each.key, *p.location.path))
                )
                for p in error.problems
            )
    return out


def _apply_ignores(
    found: list[Diagnostic], entries: tuple[IgnoreEntry, ...], today: dt.date
) -> Iterator[Diagnostic]:
    active: dict[tuple[str, str], int] = {}
    live: list[int] = []
    for i, entry in enumerate(entries):
        path = ("ignore", i)
        if entry.code not in RULES:
            yield IGNORE_UNKNOWN_CODE.diagnostic(
                f"`ignore:` names the unknown code `{entry.code}`",
                path=(*path, "code"),
                target=entry.target,
            )
        elif entry.until is not None and entry.until < today:
            yield EXPIRED_IGNORE.diagnostic(
                f"The ignore of {entry.code} for `{entry.target}` expired on "
                f"{entry.until.isoformat()}",
                path=(*path, "until"),
                target=entry.target,
            )
        else:
            active.setdefault((entry.code, entry.target), i)
            live.append(i)
    used: set[int] = set()
    for d in found:
        entry_index = active.get((d.code, d.target or "")) if not d.code.startswith("AK") else None
        if entry_index is None:
            yield d
        else:
            used.add(entry_index)
    for i in live:
        if i in used:
            continue
        entry = entries[i]
        first = active[entry.code, entry.target]
        why = "matches no finding" if first == i else f"repeats ignore[{first}]"
        yield UNUSED_IGNORE.diagnostic(
            f"The ignore of {entry.code} for `{entry.target}` {why}",
            path=("ignore", i),
            target=entry.target,
        )


# -- loading ---------------------------------------------------------------------------


def load(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_outside: Iterable[str | os.PathLike[str]] = (),
) -> AlignmentFile:
    """Read an alignment file (YAML or JSON) safely, with every problem located.

    The file is treated as untrusted: only a regular file is read (never a FIFO or
    a device), up to ``max_bytes``; a file it names (``org.people_csv``) is read
    under the same rules, and only from inside the alignment file's folder.

    Args:
        path: The file.
        max_bytes: Refuse larger files, and larger files it names (10 MiB by default).
        allow_outside: Folders (or files) outside the alignment file's folder that
            the files it names may be in; nowhere else by default.

    Returns:
        The validated file, remembering where each value was written.

    Raises:
        SpecError: The file is missing, not a regular file, unreadable, too large,
            empty, not text, not YAML, holds an object tag or a duplicate key, names
            a file outside its folder, or breaks the schema. Each problem has a code:
            ``AK010`` unreadable, ``AK011`` syntax, ``AK012`` schema.

    Added in 0.1.
    """
    return _read(path, _Options(max_bytes=max_bytes, allow_outside=tuple(allow_outside)))


@attrs.frozen
class _Options:
    """How a file is read: limits, where named files may be, leniency."""

    base_dir: str | os.PathLike[str] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_outside: tuple[str | os.PathLike[str], ...] = ()
    lenient: bool = False


def _read(path: str | os.PathLike[str], options: _Options) -> AlignmentFile:
    name = os.fspath(path)
    data = read_regular_file(name, max_bytes=options.max_bytes)
    try:
        text = decode(data, name)
    except SpecError as error:
        raise error.with_code(_LOAD_CODE) from None
    return _parse(text, file=name, options=attrs.evolve(options, base_dir=Path(name).parent))


def loads(
    text: str,
    *,
    file: str = "<string>",
    base_dir: str | os.PathLike[str] | None = None,
    allow_outside: Iterable[str | os.PathLike[str]] = (),
) -> AlignmentFile:
    """Read an alignment file from text.

    Args:
        text: YAML or JSON.
        file: The name used in locations.
        base_dir: Where relative paths in the file (``people_csv``) start, and the
            folder they must stay in; the current directory by default.
        allow_outside: Other folders (or files) that named files may be in.

    Returns:
        The validated file.

    Raises:
        SpecError: As :func:`load`.

    Added in 0.1.
    """
    options = _Options(base_dir=base_dir, allow_outside=tuple(allow_outside))
    return _parse(text, file=file, options=options)


def _parse(text: str, *, file: str, options: _Options) -> AlignmentFile:
    with collector_paused():
        return _parse_unpaused(text, file=file, options=options)


def _parse_unpaused(text: str, *, file: str, options: _Options) -> AlignmentFile:
    if not text.strip():
        raise SpecError(
            [Problem("The file is empty", Location(file, line=1, column=1), code=_LOAD_CODE)]
        )
    try:
        data, source = parse_text(text, file)
    except SpecError as error:
        raise error.with_code(_SYNTAX_CODE) from None
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise SpecError(
            [
                Problem(
                    f"The file must be a mapping with `version:` and `org:` at the top, "
                    f"found {kind}",
                    Location(file, line=1, column=1),
                    code=_SCHEMA_CODE,
                )
            ]
        )
    return _build(data, source=source, file=file, options=options)


def from_data(
    data: Mapping[str, Any],
    *,
    source: TextSourceMap | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    file: str | None = None,
    allow_outside: Iterable[str | os.PathLike[str]] = (),
) -> AlignmentFile:
    """Validate already-parsed data, reading ``people_csv`` relative to ``base_dir``.

    Raises:
        SpecError: Every problem, placed at ``file:line:column`` when ``source`` is given.
    """
    options = _Options(base_dir=base_dir, allow_outside=tuple(allow_outside))
    with collector_paused():
        return _build(data, source=source, file=file, options=options)


def _people_from_csv(
    name: str, options: _Options
) -> tuple[list[dict[str, Any]], Any, list[Problem]]:
    """The records of the people CSV ``name``, read as untrusted as the file naming it."""
    where = Location(path=("org", "people_csv"))
    target = resolve_named_file(
        name, options.base_dir or ".", allow_outside=options.allow_outside, path=where.path
    )
    data = read_regular_file(target, max_bytes=options.max_bytes, where=where)
    shown = str(Path(options.base_dir or ".") / name)  # as the alignment file named it
    try:
        text = decode(data, shown)
    except SpecError as error:
        raise error.with_code(_LOAD_CODE) from None
    stream = io.StringIO(text, newline="")
    stream.name = shown  # locations name the file as the alignment file wrote it
    return read_people_rows(stream, prefix=("org", "people"))


def _build(
    data: Mapping[str, Any],
    *,
    source: TextSourceMap | None,
    file: str | None,
    options: _Options,
) -> AlignmentFile:
    """The file model; leniently, items with problems are left out and remembered."""
    problems: list[Problem] = []
    csv_found: list[Problem] = []  # bad rows of the people CSV, when they can be left out
    maps: list[SourceMap] = []
    data = dict(data)
    org = data.get("org")
    if isinstance(org, dict) and org.get("people_csv") is not None:
        org = data["org"] = dict(org)
        if org.get("people"):
            problems.append(
                Problem(
                    "Give `people` or `people_csv`, not both",
                    Location(path=("org", "people_csv")),
                    code=_SCHEMA_CODE,
                )
            )
        elif isinstance(org["people_csv"], str):
            try:
                records, csv_map, row_problems = _people_from_csv(org["people_csv"], options)
            except SpecError as error:
                problems.extend(error.with_code(_SCHEMA_CODE).problems)
            else:
                org["people"] = records
                maps.append(csv_map)
                bad_rows = [p for p in row_problems if _item_of(p.location.path) is not None]
                if not options.lenient or len(bad_rows) < len(row_problems):
                    problems.extend(attrs.evolve(p, code=_SCHEMA_CODE) for p in row_problems)
                else:
                    csv_found = [attrs.evolve(p, code=_SCHEMA_CODE) for p in bad_rows]
    if source is not None:
        maps.append(source)
    source_map: SourceMap | None = ChainSourceMap(tuple(maps)) if maps else None
    model = None
    left_out = None
    if not problems:
        try:
            if options.lenient:
                model, left_out = _validate_leniently(data, csv_found)
            else:
                model = AlignmentFile.model_validate(data)
        except SpecError as error:
            problems.extend(error.with_code(_SCHEMA_CODE).problems)
    if problems or model is None:
        failed = SpecError(problems)
        if source_map is not None:
            failed = failed.located(source_map.resolve)
        raise SpecError(sorted(failed.problems, key=_problem_order))
    if left_out is not None and source_map is not None:
        left_out = left_out.located(source_map.resolve)
    model._source = source_map  # noqa: SLF001 - set once, right after construction
    model._file = file  # noqa: SLF001
    model._left_out = left_out  # noqa: SLF001
    return model


# -- leaving out what cannot be read -----------------------------------------------------

# Findings that only say a name is unknown: when the name belongs to an item that was
# left out for a schema problem, that problem is the finding and these add nothing.
_REFERENCE_CODES: Final = frozenset(
    {"ORG001", "ORG004", "ORG005", "DR001", "DR010", "SQ008", "BN002", "HO003", "HO004"}
)
_MAX_ROUNDS: Final = 20


@attrs.frozen
class _LeftOut:
    """What lenient loading left out: the problems, the names, the kept list indexes."""

    problems: tuple[Problem, ...]
    names: frozenset[str]
    kept: Mapping[tuple[PathPart, ...], tuple[int, ...]]
    """For each list that lost items: the original index of each item kept, in order."""
    data: Mapping[str, Any]

    def original_path(self, path: Sequence[PathPart]) -> tuple[PathPart, ...]:
        """``path`` in the model, as a path in the file (indexes of lists with gaps)."""
        return _original_path(path, self.kept)

    def located(self, resolve: Any) -> _LeftOut:  # noqa: ANN401 - a path -> Location callable
        """A copy with every problem placed through ``resolve``."""
        placed = SpecError(self.problems).located(resolve).problems
        return attrs.evolve(self, problems=tuple(placed))

    def explains(self, finding: Diagnostic) -> bool:
        """True when ``finding`` only says that a left-out item's name is unknown."""
        if not self.names:
            return False
        if finding.code == "AK002":
            return finding.target in self.names
        if finding.code not in _REFERENCE_CODES or finding.location is None:
            return False
        value = _value_at(self.data, finding.location.path)
        return isinstance(value, str) and value in self.names


def _original_path(
    path: Sequence[PathPart], kept: Mapping[tuple[PathPart, ...], tuple[int, ...]]
) -> tuple[PathPart, ...]:
    out: list[PathPart] = []
    for part in path:
        indexes = kept.get(tuple(out)) if isinstance(part, int) else None
        if indexes is not None and isinstance(part, int) and 0 <= part < len(indexes):
            part = indexes[part]  # noqa: PLW2901 - the same step, counted in the file
        out.append(part)
    return tuple(out)


def _value_at(data: Any, path: Sequence[PathPart]) -> Any:  # noqa: ANN401 - YAML data
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _item_of(path: tuple[PathPart, ...]) -> tuple[PathPart, ...] | None:
    """What to leave out for a problem at ``path``; ``None`` when the file is unusable.

    The item is the outermost list entry on the path (a person, a decision, a team, a
    gate ...); a problem outside any list leaves out its key, and in ``org`` or
    ``version`` it makes the whole file unusable.
    """
    if not path or path[0] == "version":
        return None
    for k, part in enumerate(path):
        if isinstance(part, int):
            return path[: k + 1] if k > 0 else None
    if path[0] == "org":
        return None
    return path[:2]


def _without(
    value: Any,  # noqa: ANN401 - YAML data
    path: tuple[PathPart, ...],
    drops: set[tuple[PathPart, ...]],
    on_path: set[tuple[PathPart, ...]],
    kept: dict[tuple[PathPart, ...], tuple[int, ...]],
) -> Any:  # noqa: ANN401 - YAML data
    """``value`` with every path in ``drops`` removed (``on_path``: their prefixes)."""
    if path not in on_path:
        return value
    if isinstance(value, dict):
        return {
            key: _without(item, (*path, key), drops, on_path, kept)
            for key, item in value.items()
            if (*path, key) not in drops
        }
    if isinstance(value, list):
        indexes = tuple(i for i in range(len(value)) if (*path, i) not in drops)
        if len(indexes) != len(value):
            kept[path] = indexes
        return [_without(value[i], (*path, i), drops, on_path, kept) for i in indexes]
    return value


def _name_of(item: Any) -> str | None:  # noqa: ANN401 - YAML data
    if isinstance(item, dict):
        for key in ("id", "name"):
            name = item.get(key)
            if isinstance(name, str):
                return name
    return None


def _validate_leniently(
    data: Mapping[str, Any], known: Sequence[Problem] = ()
) -> tuple[AlignmentFile, _LeftOut | None]:
    """Validate, leaving out each item with a problem until the rest validates.

    ``known`` are problems already found in items (rows of the people CSV): their
    items are left out from the start.

    Raises:
        SpecError: A problem makes the file unusable (``version`` or ``org`` itself).
    """
    found: list[Problem] = list(known)
    drops = {item for p in found if (item := _item_of(p.location.path)) is not None}
    kept: dict[tuple[PathPart, ...], tuple[int, ...]] = {}
    working: Any = data
    if drops:
        on_path = {drop[:k] for drop in drops for k in range(len(drop))}
        working = _without(data, (), drops, on_path, kept)
    for _ in range(_MAX_ROUNDS):
        try:
            model = AlignmentFile.model_validate(working)
        except SpecError as error:
            fatal: list[Problem] = []
            this_round: set[tuple[PathPart, ...]] = set()
            for problem in error.with_code(_SCHEMA_CODE).problems:
                path = _original_path(problem.location.path, kept)
                item = _item_of(path)
                if item is None:
                    fatal.append(attrs.evolve(problem, location=Location(path=path)))
                    continue
                if item in this_round:  # another problem of the same item
                    found.append(attrs.evolve(problem, location=Location(path=path)))
                    continue
                consequence = False  # of our own removal, not of what the user wrote
                while item in drops and len(item) > 1:
                    item = item[:-1]  # leaving out the key broke its parent: leave that out
                    consequence = True
                if item in drops:
                    continue
                drops.add(item)
                this_round.add(item)
                if not consequence:
                    found.append(attrs.evolve(problem, location=Location(path=path)))
            if fatal:
                raise SpecError(fatal) from None
            on_path = {drop[:k] for drop in drops for k in range(len(drop))}
            kept = {}
            working = _without(data, (), drops, on_path, kept)
            continue
        if not drops:
            return model, None
        names = frozenset(
            name
            for drop in drops
            if isinstance(drop[-1], int) and (name := _name_of(_value_at(data, drop))) is not None
        )
        return model, _LeftOut(tuple(found), names, kept, data)
    raise SpecError(found)  # pragma: no cover - every round leaves out at least one item


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    loc = problem.location
    line = loc.line if loc.line is not None else (loc.row or 0)
    return (loc.file or "", line, loc.column or 0)


def check(
    path: str | os.PathLike[str],
    *,
    at: dt.date | dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_outside: Iterable[str | os.PathLike[str]] = (),
) -> Report:
    """Load and check an alignment file in one call, reporting every problem at once.

    Unlike :func:`load`, a schema problem inside one item (a person, a decision, a
    team, a plan, a gate, an ``ignore:`` entry) does not stop the check: it is reported
    as an ``AK012`` error at its place, the item is left out, and everything else is
    checked. Findings that only say a left-out item's name is unknown are not repeated.

    Args:
        path: The file.
        at: The day ``ignore:`` expiry dates are judged on; ``None`` means today.
        max_bytes: Refuse larger files (10 MiB by default).
        allow_outside: Folders outside the file's own that files it names may be in.

    Returns:
        Every finding, ``AK012`` problems included, placed at ``file:line:column``.

    Raises:
        SpecError: The file cannot be checked at all: it cannot be read (``AK010``),
            is not YAML (``AK011``), or its top level, ``version`` or ``org`` is
            unusable (``AK012``).

    Added in 0.1.
    """
    options = _Options(max_bytes=max_bytes, allow_outside=tuple(allow_outside), lenient=True)
    with collector_paused():  # once for both: no collection in between either
        return _read(path, options).check(at=at)


def problem_diagnostic(problem: Problem) -> Diagnostic:
    """A problem that stopped or limited a check, as an error finding with its code's hint.

    >>> from alignkit.errors import Problem
    >>> finding = problem_diagnostic(Problem("Unknown key 'poeple'", code="AK012"))
    >>> finding.code, finding.severity.value, finding.hint
    ('AK012', 'error', 'Run `alignkit schema` for the shape of the file')

    Added in 0.1.
    """
    code = problem.code or _SCHEMA_CODE
    rule = RULES.get(code)
    hint = rule.fix if rule is not None else None
    location = problem.location
    if location.row is not None or (location.file or "").lower().endswith(".csv"):
        hint = _CSV_HINTS.get(code, hint)
    return Diagnostic(
        code,
        Severity.ERROR,
        problem.message,
        location=location,
        hint=hint,
        name=rule.name if rule is not None else None,
    )


_problem_diagnostic = problem_diagnostic

# The JSON Schema says nothing about a CSV file: these hints do instead.
_CSV_HINTS: Final = {
    _LOAD_CODE: "Point alignkit at a UTF-8 CSV file with a header row",
    _SCHEMA_CODE: "Fix the cell shown; the header row names the columns",
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the alignment file, for editors and validators.

    >>> schema = json_schema()
    >>> schema["required"]
    ['version', 'org']

    Added in 0.1.
    """
    schema = AlignmentFile.model_json_schema()
    _add_registered_areas(schema)
    # Editors show descriptions on hover: keep a class docstring's first paragraph only.
    for definition in (schema, *schema.get("$defs", {}).values()):
        description = definition.get("description")
        if isinstance(description, str):
            definition["description"] = " ".join(description.split("\n\n")[0].split())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://alignkit.readthedocs.io/en/latest/alignment.schema.json",
        **schema,
    }


def _add_registered_areas(schema: dict[str, Any]) -> None:
    """Put registered areas' sections (and ``lint:`` options) into the file's schema."""
    from pydantic import TypeAdapter

    definitions = schema.setdefault("$defs", {})

    def part(kind: Any, description: str) -> dict[str, Any]:  # noqa: ANN401 - a type
        found = TypeAdapter(kind).json_schema(ref_template="#/$defs/{model}")
        definitions.update(found.pop("$defs", {}))
        return {**found, "description": description}

    lint = definitions.get("LintSection", {}).setdefault("properties", {})
    for each in _registered_areas():
        if each.section is not None:
            kind: Any = list[each.section] if each.many else each.section  # type: ignore[name-defined]
            schema["properties"][each.key] = part(kind, each.title)
        if each.options is not None:
            lint[each.key] = part(each.options, f"Rule options of {each.title.lower()}.")
