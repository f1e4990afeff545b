"""The implementation of :mod:`alignkit.decision_rights`; import from the package."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import IO, TYPE_CHECKING, Annotated, Any, ClassVar, Final, TypeVar, final

import attrs
from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from alignkit._csvsafe import unescape_cell
from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf
from alignkit.decision_rights._rules import (
    ACCOUNTABLE_ALSO_CONSULTED,
    ACCOUNTABLE_BOTTLENECK,
    ACCOUNTABLE_FUNCTION_WITHOUT_HEAD,
    CONSULTED_OVERLOAD,
    DECISION_WITHOUT_RESPONSIBLE,
    DELEGATION_UNKNOWN_DECISION,
    DELEGATION_WITHOUT_AUTHORITY,
    ESCALATION_HEAVY,
    FUNCTION_WITHOUT_ROLE,
    UNKNOWN_PARTY,
    UNUSED_CATEGORY,
    VETO_OVERLOAD,
)
from alignkit.diagnostics import Diagnostic, Location, Report
from alignkit.errors import PermissionDenied, Problem, SpecError, UnknownNameError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

    from alignkit._csvio import SparseRow
    from alignkit.org import Org

__all__ = [
    "ROLE_ORDER",
    # the model
    "Decision",
    "DecisionRights",
    "Delegation",
    # answers
    "EscalationPath",
    # duties and letters
    "Role",
    "Scheme",
    "parse_cell",
]


class Role(enum.Enum):
    """The canonical duties a party can hold in a decision, whatever the letters.

    Added in 0.1.
    """

    ACCOUNTABLE = "accountable"
    """Decides. Exactly one per decision."""
    RESPONSIBLE = "responsible"
    """Drives or does the work."""
    AGREE = "agree"
    """Must sign off: a veto."""
    CONSULTED = "consulted"
    """Gives two-way input before the decision."""
    INFORMED = "informed"
    """Is told, one way, after the decision."""


ROLE_ORDER: Final = (
    Role.ACCOUNTABLE,
    Role.RESPONSIBLE,
    Role.AGREE,
    Role.CONSULTED,
    Role.INFORMED,
)
"""Roles in the order cells and tables show them."""

K = TypeVar("K")

_SEPARATORS: Final = str.maketrans(dict.fromkeys("/,;+&|", " "))


def _path_part(key: object) -> str | int:
    """``key`` as a part of a location's path: itself if text or a number, else its repr."""
    return key if isinstance(key, str | int) else repr(key)


def _frozen_letters(mapping: Mapping[str, Role]) -> Mapping[str, Role]:
    """Letters (stripped) to roles, read-only; anything else is a located SpecError."""
    from types import MappingProxyType

    if not isinstance(mapping, Mapping):
        raise SpecError.single(
            f"A scheme's letters map each letter to a role, not {mapping!r}",
            Location(path=("letters",)),
        )
    table: dict[str, Role] = {}
    for key, value in mapping.items():
        letter = str(key).strip()
        where = Location(path=("letters", _path_part(key)))
        if not letter:
            raise SpecError.single("A scheme letter is empty", where)
        try:
            table[letter] = Role(value)
        except (ValueError, TypeError):
            roles = ", ".join(r.value for r in Role)
            raise SpecError.single(f"{value!r} is not a role; use {roles}", where) from None
    return MappingProxyType(table)


@final
@attrs.frozen(repr=False)
class Scheme:
    """A set of letters and the canonical roles they stand for.

    Args:
        name: The scheme's name (``"raci"``).
        letters: Each letter (or short code) and the role it stands for. Where two
            letters share a role (RAPID's *Recommend* and *Perform* are both
            responsible), the first is the one written on export.
        words: The word each letter abbreviates; cells may use the word instead.

    >>> custom = Scheme("rasci", {"R": Role.RESPONSIBLE, "A": Role.ACCOUNTABLE,
    ...                           "S": Role.RESPONSIBLE, "C": Role.CONSULTED,
    ...                           "I": Role.INFORMED})
    >>> custom.letter(Role.RESPONSIBLE)
    'R'

    Added in 0.1.
    """

    RACI: ClassVar[Scheme]
    """Responsible, Accountable, Consulted, Informed."""
    RAPID: ClassVar[Scheme]
    """Recommend, Agree, Perform, Input, Decide (Bain's RAPID)."""
    DACI: ClassVar[Scheme]
    """Driver, Approver, Contributors, Informed."""

    name: str
    letters: Mapping[str, Role] = attrs.field(converter=_frozen_letters)
    words: Mapping[str, str] = attrs.field(factory=dict, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise SpecError.single(
                f"A scheme's name is text, not {self.name!r}", Location(path=("name",))
            )
        if not isinstance(self.words, Mapping):
            raise SpecError.single(
                f"A scheme's words map letters to words, not {self.words!r}",
                Location(path=("words",)),
            )
        for letter, word in self.words.items():
            if not isinstance(letter, str) or not isinstance(word, str):
                raise SpecError.single(
                    f"A scheme's words map letters to words, not {letter!r} to {word!r}",
                    Location(path=("words", _path_part(letter))),
                )
        if not self.letters:
            raise SpecError.single(f"Scheme {self.name!r} has no letters")
        accountable = [k for k, v in self.letters.items() if v is Role.ACCOUNTABLE]
        if not accountable:
            raise SpecError.single(
                f"Scheme {self.name!r} has no letter for the accountable role",
                Location(path=("letters",)),
            )

    def __repr__(self) -> str:
        if self.name.upper() in _BUILTIN_NAMES:
            return f"Scheme.{self.name.upper()}"
        return f"Scheme({self.name!r}, {dict(self.letters)!r})"

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.letters.items())))

    @classmethod
    def named(cls, name: str) -> Scheme:
        """A built-in scheme by name (``raci``, ``rapid``, ``daci``; any case).

        Raises:
            UnknownNameError: Not a built-in scheme.
        """
        found = _BUILTIN.get(name.strip().lower())
        if found is None:
            raise UnknownNameError.for_name("scheme", name, _BUILTIN)
        return found

    def role(self, token: str) -> Role:
        """The role a letter or word stands for (any case, surrounding spaces ignored).

        Raises:
            UnknownNameError: Not a letter or word of this scheme.
        """
        found = self._lookup.get(token.strip().upper())
        if found is None:
            raise UnknownNameError(
                f"{token.strip()!r} is not a {self.name.upper()} letter; "
                f"use {', '.join(self.letters)}",
                name=token,
            )
        return found

    def letter(self, role: Role) -> str | None:
        """The letter written for ``role``, or ``None`` if the scheme has none."""
        return self._primary.get(role)

    @cached_property
    def _lookup(self) -> dict[str, Role]:
        table = {letter.upper(): role for letter, role in self.letters.items()}
        for letter, word in self.words.items():
            if letter in self.letters:
                table.setdefault(word.upper(), self.letters[letter])
        return table

    @cached_property
    def _fields(self) -> dict[str, str]:
        """Letter or word (upper case) -> the Decision field it fills."""
        names = {Role.ACCOUNTABLE: "accountable", **_ROLE_FIELDS}
        return {token: names[role] for token, role in self._lookup.items()}

    @cached_property
    def _primary(self) -> dict[Role, str]:
        out: dict[Role, str] = {}
        for letter, role in self.letters.items():
            out.setdefault(role, letter)
        return out

    def to_data(self) -> str | dict[str, Any]:
        """The form written in an alignment file: a name, or name and letters."""
        if _BUILTIN.get(self.name) == self:
            return self.name
        return {
            "name": self.name,
            "letters": {k: v.value for k, v in self.letters.items()},
        }

    @classmethod
    def from_data(cls, value: object) -> Scheme:
        """Read a scheme as written in an alignment file (a name or a mapping)."""
        if isinstance(value, Scheme):
            return value
        if isinstance(value, str):
            try:
                return cls.named(value)
            except UnknownNameError as error:
                raise ValueError(str(error)) from None
        if isinstance(value, Mapping) and isinstance(value.get("name"), str):
            letters = value.get("letters")
            if not isinstance(letters, Mapping) or not letters:
                msg = "A custom scheme needs `letters:` mapping each letter to a role"
                raise ValueError(msg)
            table = {}
            for letter, role in letters.items():
                try:
                    table[str(letter)] = Role(str(role).lower())
                except ValueError:
                    roles = ", ".join(r.value for r in Role)
                    msg = f"{role!r} is not a role; use {roles}"
                    raise ValueError(msg) from None
            try:
                return cls(value["name"], table)
            except SpecError as error:
                raise ValueError(str(error.problems[0].message)) from None
        msg = "Expected a scheme name (raci, rapid, daci) or a mapping with name and letters"
        raise ValueError(msg)

    @classmethod
    def __get_pydantic_core_schema__(
        cls,
        source: Any,  # noqa: ANN401 - pydantic's hook
        handler: GetCoreSchemaHandler,
    ) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.from_data,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda s: s.to_data()),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "description": "The letters used wherever the matrix is shown or read as letters.",
            "anyOf": [
                {"enum": sorted(_BUILTIN)},
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "letters": {
                            "type": "object",
                            "additionalProperties": {"enum": [r.value for r in Role]},
                        },
                    },
                    "required": ["name", "letters"],
                    "additionalProperties": False,
                },
            ],
        }


Scheme.RACI = Scheme(
    "raci",
    {"R": Role.RESPONSIBLE, "A": Role.ACCOUNTABLE, "C": Role.CONSULTED, "I": Role.INFORMED},
    words={"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"},
)
Scheme.RAPID = Scheme(
    "rapid",
    {
        "R": Role.RESPONSIBLE,
        "A": Role.AGREE,
        "P": Role.RESPONSIBLE,
        "I": Role.CONSULTED,
        "D": Role.ACCOUNTABLE,
    },
    words={"R": "Recommend", "A": "Agree", "P": "Perform", "I": "Input", "D": "Decide"},
)
Scheme.DACI = Scheme(
    "daci",
    {"D": Role.RESPONSIBLE, "A": Role.ACCOUNTABLE, "C": Role.CONSULTED, "I": Role.INFORMED},
    words={"D": "Driver", "A": "Approver", "C": "Contributor", "I": "Informed"},
)
_BUILTIN: Final = {"raci": Scheme.RACI, "rapid": Scheme.RAPID, "daci": Scheme.DACI}
_BUILTIN_NAMES: Final = frozenset(name.upper() for name in _BUILTIN)


def _schemes_with_letter(role: Role) -> str:
    """Which built-in schemes write ``role``, and with which letter, as advice.

    >>> _schemes_with_letter(Role.AGREE)
    'use rapid, which has one (A), or a custom scheme'
    """
    having = [(s.name, s.letter(role)) for s in _BUILTIN.values() if s.letter(role) is not None]
    if not having:
        return "use a custom scheme that has one"
    if len(having) == 1:
        name, letter = having[0]
        return f"use {name}, which has one ({letter}), or a custom scheme"
    named = [f"{name} ({letter})" for name, letter in having]
    return f"use {', '.join(named[:-1])} or {named[-1]}, which have one, or a custom scheme"


def parse_cell(cell: str, scheme: Scheme) -> tuple[frozenset[Role], list[str]]:
    """The roles in one spreadsheet cell, and the tokens that are not letters.

    Letters may be separated by ``/``, ``,``, ``;``, ``+``, ``&``, ``|`` or spaces,
    in any case; a blank cell holds no role.

    >>> roles, unknown = parse_cell(" a/r ", Scheme.RACI)
    >>> sorted(r.value for r in roles), unknown
    (['accountable', 'responsible'], [])
    >>> parse_cell("R, X", Scheme.RACI)[1]
    ['X']

    Added in 0.1.
    """
    roles: set[Role] = set()
    unknown: list[str] = []
    lookup = scheme._lookup  # noqa: SLF001 - same module
    for token in cell.translate(_SEPARATORS).split():
        role = lookup.get(token.upper())
        if role is None:
            unknown.append(token)
        else:
            roles.add(role)
    return frozenset(roles), unknown


# -- the spec ----------------------------------------------------------------------------

_PartyName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
_ROLE_FIELDS: Final = {
    Role.RESPONSIBLE: "responsible",
    Role.AGREE: "agree",
    Role.CONSULTED: "consulted",
    Role.INFORMED: "informed",
}
_FIELD_NAMES: Final = tuple(_ROLE_FIELDS.values())
_ROLE_BY_FIELD: Final = {"accountable": Role.ACCOUNTABLE, **{v: k for k, v in _ROLE_FIELDS.items()}}
_FIELD_OF: Final = {v: k for k, v in _ROLE_BY_FIELD.items()}


def _accountable_problem(decision_id: str | None, parties: Sequence[str]) -> str:
    """The one wording for a decision without exactly one accountable party.

    >>> print(_accountable_problem("ship-code", ["reviewer", "lead"]))
    Decision `ship-code` has 2 accountable parties (`reviewer`, `lead`); exactly one party is accountable for a decision
    """  # noqa: E501 - a doctest's output line
    which = f"Decision `{decision_id}`" if decision_id else "This decision"
    if not parties:
        found = "has no accountable party"
    else:
        names = ", ".join(f"`{p}`" for p in parties)
        found = f"has {len(parties)} accountable parties ({names})"
    return f"{which} {found}; exactly one party is accountable for a decision"


class Decision(SpecModel):
    """One decision and who holds which duty in it.

    A party is a person id or a function name from the org (or a team name).
    Ids and party names are free text, as people write them in spreadsheets; they may
    not be empty, start or end with spaces, or hold line breaks.

    >>> d = Decision(id="approve-discount", accountable="vp-sales", consulted=["Finance"])
    >>> d.title, d.roles_of("Finance")
    ('approve-discount', frozenset({<Role.CONSULTED: 'consulted'>}))

    Added in 0.1.
    """

    id: str = Field(min_length=1, pattern=NAME_PATTERN, description="A unique id for the decision.")
    title: str = Field(default="", description="What is decided, for people; the id if left out.")
    category: str | None = Field(
        default=None, min_length=1, description="A category (data, pricing ...) for escalation."
    )
    scope: str | None = Field(
        default=None,
        min_length=1,
        description="How far the decision reaches (team, account, pricing, strategic ...).",
    )
    accountable: str = Field(
        min_length=1,
        pattern=NAME_PATTERN,
        description="The one party who decides: a function (its head decides) or a person.",
    )
    responsible: TupleOf[_PartyName] = Field(default=(), description="Who drives or does the work.")
    agree: TupleOf[_PartyName] = Field(default=(), description="Who must sign off (a veto).")
    consulted: TupleOf[_PartyName] = Field(default=(), description="Who gives input before.")
    informed: TupleOf[_PartyName] = Field(default=(), description="Who is told after.")

    @model_validator(mode="before")
    @classmethod
    def _accountable_always_checked(cls, data: Any) -> Any:  # noqa: ANN401 - raw input
        # A missing `accountable` gets the same message as an empty one, naming the decision.
        if isinstance(data, Mapping) and "accountable" not in data:
            return {**data, "accountable": None}
        return data

    @field_validator("accountable", mode="before")
    @classmethod
    def _exactly_one_accountable(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: ANN401
        if isinstance(value, list | tuple):
            if len(value) != 1:
                names = [str(v) for v in value]
                raise ValueError(_accountable_problem(info.data.get("id"), names))
            return value[0]
        if value is None or value == "":
            raise ValueError(_accountable_problem(info.data.get("id"), []))
        return value

    def model_post_init(self, _context: Any, /) -> None:  # noqa: ANN401 - pydantic's hook
        """Default the title to the id."""
        if not self.title:
            object.__setattr__(self, "title", self.id)

    def _invariants(self) -> Iterator[Problem]:
        for role, name in _ROLE_FIELDS.items():
            named = getattr(self, name)
            if len(set(named)) == len(named):
                continue
            seen: set[str] = set()
            for index, party in enumerate(named):
                if party in seen:
                    yield Problem(
                        f"`{party}` is listed twice as {role.value}", Location(path=(name, index))
                    )
                seen.add(party)

    def parties(self, role: Role) -> tuple[str, ...]:
        """The parties holding ``role``, as written."""
        if role is Role.ACCOUNTABLE:
            return (self.accountable,)
        return tuple(getattr(self, _ROLE_FIELDS[role]))

    def roles_of(self, party: str) -> frozenset[Role]:
        """The roles ``party`` holds in this decision."""
        return frozenset(role for role in ROLE_ORDER if party in self.parties(role))

    def all_parties(self) -> tuple[str, ...]:
        """Every party named, in role order, without repeats."""
        return tuple(dict.fromkeys(p for role in ROLE_ORDER for p in self.parties(role)))

    def _canonical(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.title,
            self.category,
            self.scope,
            self.accountable,
            *(frozenset(getattr(self, name)) for name in _ROLE_FIELDS.values()),
        )


class Delegation(SpecModel):
    """The accountable party lends its right to decide, for a decision or a category.

    The delegate may decide; the accountable party stays accountable (a delegation
    never creates a second accountable). An expired delegation does not count.

    Added in 0.1.
    """

    decision: str | None = Field(default=None, min_length=1, description="A decision id.")
    category: str | None = Field(
        default=None, min_length=1, description="Every decision of a category."
    )
    from_party: str = Field(min_length=1, description="The accountable party who delegates.")
    to_party: str = Field(min_length=1, description="Who may decide instead.")
    until: AwareDatetime | None = Field(
        default=None, description="When the delegation ends (a timezone-aware time)."
    )

    def _invariants(self) -> Iterator[Problem]:
        if (self.decision is None) == (self.category is None):
            yield Problem("Give exactly one of `decision` or `category`", Location())

    def active(self, at: dt.datetime) -> bool:
        """True while the delegation has not expired at ``at``."""
        return self.until is None or at < self.until

    @property
    def subject(self) -> str:
        """The decision id or category delegated."""
        return self.decision if self.decision is not None else str(self.category)


@final
@attrs.frozen
class _Index:
    decisions: dict[str, Decision]
    position: dict[str, int]
    accountable: dict[str, str]
    categories: dict[str, tuple[str, ...]]


@final
@attrs.frozen
class _PartyIndex:
    roles_of: dict[str, dict[str, frozenset[Role]]]
    by_role: dict[tuple[str, Role], frozenset[str]]


@final
@attrs.frozen
class EscalationPath:
    """Who settles a disagreement between the deciders of two decisions, and why.

    Attributes:
        settled_by: The person id or forum that settles it; ``None`` when nobody can.
        kind: ``"same-decider"``, ``"forum"``, ``"manager"`` or ``"none"``.
        deciders: The person (or party) deciding each decision.
        explanation: The path, in words.

    Added in 0.1.
    """

    settled_by: str | None
    kind: str
    deciders: tuple[str | None, str | None]
    explanation: str


class DecisionRights(SpecModel):
    """A matrix of decisions, with the scheme its letters are written in.

    Build one from the alignment file's ``decision_rights`` section, from a mapping
    (:meth:`from_table`) or from the spreadsheet a team already keeps
    (:meth:`from_csv`). It is immutable: :meth:`delegate` returns a new matrix.

    Two matrices are equal when they say the same thing: the order of parties within
    a role does not matter.

    Added in 0.1.
    """

    scheme: Scheme = Field(default=Scheme.RACI)
    decisions: TupleOf[Decision] = Field(default=(), description="The decisions.")
    owners: dict[str, str] = Field(
        default_factory=dict,
        description="Category -> the party that owns decisions of that category.",
    )
    forums: dict[str, str] = Field(
        default_factory=dict,
        description="Category -> the forum (or person) that settles disagreements in it.",
    )
    delegations: TupleOf[Delegation] = Field(
        default=(), description="Rights to decide lent by accountable parties."
    )

    def _invariants(self) -> Iterator[Problem]:
        first: dict[str, int] = {}
        for index, decision in enumerate(self.decisions):
            if decision.id in first:
                yield Problem(
                    f"Decision `{decision.id}` is declared twice "
                    f"(first as decisions[{first[decision.id]}])",
                    Location(path=("decisions", index, "id")),
                )
            first.setdefault(decision.id, index)
            for role in (Role.AGREE, Role.RESPONSIBLE, Role.CONSULTED, Role.INFORMED):
                if decision.parties(role) and self.scheme.letter(role) is None:
                    yield Problem(
                        f"The {self.scheme.name} scheme has no letter for {role.value}; "
                        + _schemes_with_letter(role),
                        Location(path=("decisions", index, _ROLE_FIELDS[role])),
                    )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DecisionRights):
            return NotImplemented
        return self._canonical() == other._canonical()

    def __hash__(self) -> int:
        return hash(self._canonical())

    def _canonical(self) -> tuple[Any, ...]:
        return (
            self.scheme,
            tuple(d._canonical() for d in self.decisions),  # noqa: SLF001
            tuple(sorted(self.owners.items())),
            tuple(sorted(self.forums.items())),
            self.delegations,
        )

    # -- building -----------------------------------------------------------------------

    @classmethod
    def from_table(
        cls,
        table: Mapping[str, Mapping[str, str]],
        *,
        scheme: Scheme = Scheme.RACI,
    ) -> DecisionRights:
        """Build a matrix from ``{decision_id: {party: "A/R", ...}}``.

        Raises:
            SpecError: Every unknown letter, every decision with no or several
                accountable parties, and every id, party or cell that is not text,
                located at ``decision_id.party``.
        """
        if not isinstance(table, Mapping):
            raise SpecError.single(
                f"Expected a mapping of decision ids to {{party: letters}}, got {table!r}"
            )
        problems: list[Problem] = []
        decisions: list[dict[str, Any]] = []
        placed: list[Location] = []
        for decision_id, cells in table.items():
            where = Location(path=(_path_part(decision_id),))
            if not isinstance(decision_id, str):
                problems.append(Problem(f"A decision id is text, not {decision_id!r}", where))
                continue
            row = _table_cells(decision_id, cells, where, problems)
            if row is None:
                continue

            def locate(party: str, decision_id: str = decision_id) -> Location:
                return Location(path=(decision_id, party))

            built = _decision_from_cells(decision_id, row, scheme, where, locate, problems)
            if built is not None:
                decisions.append(built)
                placed.append(where)
        return cls._validated(scheme, decisions, placed, problems)

    def to_data(self) -> dict[str, Any]:
        """The ``decision_rights`` section as plain data, for YAML or JSON.

        Keys left at their defaults are left out (a title equal to the id included).
        """
        return self._section([_decision_data(decision) for decision in self.decisions])

    def _section(self, decisions: object) -> dict[str, Any]:
        """:meth:`to_data`, with ``decisions`` as given."""
        data: dict[str, Any] = {"scheme": self.scheme.to_data()}
        if self.owners:
            data["owners"] = dict(self.owners)
        if self.forums:
            data["forums"] = dict(self.forums)
        data["decisions"] = decisions
        if self.delegations:
            data["delegations"] = [
                d.model_dump(mode="json", exclude_none=True) for d in self.delegations
            ]
        return data

    def to_yaml(self) -> str:
        """The ``decision_rights`` section as YAML, to paste into an alignment file.

        The text is what ``yaml.safe_dump({"decision_rights": self.to_data()},
        sort_keys=False, allow_unicode=True)`` writes, each value quoted exactly as
        PyYAML quotes it (``'yes'``, ``'1e3'``, ``'a: b'``), except that long values
        stay on one line. It is written directly, so a matrix of 100,000 decisions
        takes about a second.

        >>> table = {"approve-discount": {"vp-sales": "A/R", "yes": "C"}}
        >>> print(DecisionRights.from_table(table).to_yaml(), end="")
        decision_rights:
          scheme: raci
          decisions:
          - id: approve-discount
            accountable: vp-sales
            responsible:
            - vp-sales
            consulted:
            - 'yes'

        Added in 0.1.
        """
        writer = _YamlWriter()
        try:
            # The decisions are written from the models, without building their data.
            fields = _text_fields()
            if self.decisions and fields is not None:
                section = self._section(_Decisions(self.decisions, fields))
            else:
                section = self._section([_decision_data(d) for d in self.decisions])
            writer.mapping({"decision_rights": section}, 0, "")
        except _NotSimple:
            import yaml

            data = {"decision_rights": self.to_data()}
            dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
            return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
        return "".join(writer.lines)

    def to_table(self) -> dict[str, dict[str, str]]:
        """The matrix as ``{decision_id: {party: letters}}`` (the inverse of :meth:`from_table`)."""
        return {d.id: dict(self._cells(d)) for d in self.decisions}

    @classmethod
    def from_csv(
        cls,
        source: str | os.PathLike[str] | IO[str],
        *,
        scheme: Scheme = Scheme.RACI,
    ) -> DecisionRights:
        """Read the spreadsheet a team already keeps.

        The first column holds decision ids, the header row the parties; each cell
        holds letters (``A``, ``R``, ``A/R``, ``r, a``, ``c``) or is blank. Columns
        headed ``#title``, ``#category`` and ``#scope`` are read as those fields.
        A quoted cell keeps its text exactly (commas, line breaks, surrounding
        spaces); spaces around an unquoted cell are dropped. Cells escaped against
        formula injection by :meth:`to_csv` are unescaped.

        Args:
            source: A path, or a text stream.
            scheme: The letters the sheet uses.

        Raises:
            SpecError: Every unknown letter, decision with zero or two accountable
                parties, duplicate decision row and duplicate party column, and a
                quote never closed, each with its row (the header is row 1) and
                column.
        """
        from alignkit._csvio import read_sparse

        # No name is kept for the rows, so _from_rows can let them go once read.
        return cls._from_rows(*read_sparse(source), scheme)

    @classmethod
    def _from_rows(
        cls,
        name: str,
        header: list[str],
        rows: Iterable[SparseRow],
        problems: list[Problem],
        scheme: Scheme,
    ) -> DecisionRights:
        parties, meta = _header_columns(name, header, problems)
        decisions: list[dict[str, Any]] = []
        placed: list[Location | tuple[int, int]] = []  # (row, line), made a Location if needed
        first_row: dict[str, int] = {}
        width = len(header)
        lookup = scheme._fields
        # Letters that unescaping could change are left to the general path.
        fast = not any(token[:1] == "'" or ";" in token for token in lookup)
        for item in rows:
            cells = item.cells
            decision_id = unescape_cell(cells[0][1]) if cells and cells[0][0] == 0 else ""
            if not decision_id or decision_id in first_row or item.width > width:
                problems.append(_row_problem(name, item, decision_id, first_row, width))
                continue
            first_row[decision_id] = item.row
            if fast:
                simple = _simple_decision(decision_id, cells, parties, meta, lookup)
                if simple is not None:
                    decisions.append(simple)
                    placed.append((item.row, item.line))
                    continue
            fields: dict[str, str] = {}
            role_cells: list[tuple[str, str, int]] = []
            for j, cell in cells:
                named = parties.get(j)
                if named is not None:
                    if cell[0] == "'" or ";" in cell:
                        cell = unescape_cell(cell)  # noqa: PLW2901 - the same cell, read
                    role_cells.append((named, cell, j))
                elif j in meta:
                    fields[meta[j]] = unescape_cell(cell)

            def locate(j: int, item: SparseRow = item) -> Location:
                return Location(name, row=item.row, line=item.line, column=j + 1)

            built = _decision_from_cells(
                decision_id,
                role_cells,
                scheme,
                (item.row, item.line),
                locate,
                problems,
                fields=fields,
                file=name,
            )
            if built is not None:
                decisions.append(built)
                placed.append((item.row, item.line))
        del rows  # a large sheet's cells are no longer needed while validating
        return cls._validated(scheme, decisions, placed, problems, file=name)

    @classmethod
    def _validated(
        cls,
        scheme: Scheme,
        decisions: list[dict[str, Any]],
        placed: Sequence[Location | tuple[int, int]],
        problems: list[Problem],
        *,
        file: str | None = None,
    ) -> DecisionRights:
        """Validate every decision at once; place any problem at its decision's row.

        ``placed`` holds each decision's location, or its ``(row, line)`` in ``file``.
        """
        if not problems:
            try:
                return cls.model_validate({"scheme": scheme, "decisions": decisions})
            except SpecError as error:
                for problem in error.problems:
                    path = problem.location.path
                    index = path[1] if len(path) > 1 and path[0] == "decisions" else None
                    where = placed[index] if isinstance(index, int) else Location()
                    problems.append(Problem(problem.message, _place(where, file)))
        raise SpecError(problems)

    def to_csv(self) -> str:
        """The matrix as CSV, safe to open in a spreadsheet.

        Parties are columns in order of first appearance; ``#title``, ``#category``
        and ``#scope`` columns are added when any decision has them. Every cell is
        written with :class:`~alignkit._csvsafe.SafeCsvWriter`: a cell that a
        spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
        a tab, a line break or NUL, or with one of those right after a ``;``) gets a
        ``'``, and a cell holding a comma, a quote or a line break, or starting or
        ending with white space, is quoted. :meth:`from_csv` undoes both, so
        ``from_csv(to_csv(m), scheme=m.scheme) == m`` for every matrix.

        >>> rights = DecisionRights.from_table({"approve-discount": {"=cmd()": "A/R"}})
        >>> print(rights.to_csv(), end="")
        Decision,'=cmd()
        approve-discount,A/R
        """
        from alignkit._csvsafe import SafeCsvWriter

        parties = self._party_columns()
        meta = [
            field
            for field in ("title", "category", "scope")
            if any(
                (getattr(d, field) or "") != (d.id if field == "title" else "")
                for d in self.decisions
            )
        ]
        out = io.StringIO()
        writer = SafeCsvWriter(out)
        writer.writerow(
            ["Decision", *(f"#{m}" for m in meta), *parties],
            verbatim=range(1, len(meta) + 1),
        )
        for decision in self.decisions:
            cells = dict(self._cells(decision))
            writer.writerow(
                [
                    decision.id,
                    *(getattr(decision, m) or "" for m in meta),
                    *(cells.get(p, "") for p in parties),
                ]
            )
        return out.getvalue()

    def to_markdown(self) -> str:
        r"""The matrix as a Markdown table, one row per decision (for docs and reviews).

        In every cell, ``\`` is written ``\\``, ``|`` is written ``\|`` and a line
        break ``\n`` (or ``\r``), so each decision stays one row of the table.

        >>> rights = DecisionRights.from_table({"approve-discount": {"vp-sales": "A/R"}})
        >>> print(rights.to_markdown())
        | Decision | Title | vp-sales |
        | --- | --- | --- |
        | approve-discount | approve-discount | A/R |
        """
        parties = self._party_columns()
        lines = [
            "| " + " | ".join(["Decision", "Title", *map(_md, parties)]) + " |",
            "| " + " | ".join(["---"] * (len(parties) + 2)) + " |",
        ]
        for decision in self.decisions:
            cells = dict(self._cells(decision))
            row = [_md(decision.id), _md(decision.title), *(_md(cells.get(p, "")) for p in parties)]
            lines.append("| " + " | ".join(row) + " |")
        return "\n".join(lines)

    def _party_columns(self) -> list[str]:
        return list(dict.fromkeys(p for d in self.decisions for p in d.all_parties()))

    def _cells(self, decision: Decision) -> Iterator[tuple[str, str]]:
        for party in decision.all_parties():
            roles = decision.roles_of(party)
            letters = [self.scheme.letter(r) for r in ROLE_ORDER if r in roles]
            yield party, "/".join(letter for letter in letters if letter)

    # -- the index ----------------------------------------------------------------------

    @cached_property
    def _index(self) -> _Index:
        decisions: dict[str, Decision] = {}
        position: dict[str, int] = {}
        categories: dict[str, list[str]] = {}
        for i, decision in enumerate(self.decisions):
            if decision.id in decisions:
                continue
            decisions[decision.id] = decision
            position[decision.id] = i
            if decision.category is not None:
                categories.setdefault(decision.category, []).append(decision.id)
        return _Index(
            decisions=decisions,
            position=position,
            accountable={k: d.accountable for k, d in decisions.items()},
            categories={k: tuple(v) for k, v in categories.items()},
        )

    @cached_property
    def _delegation_index(self) -> dict[str, tuple[Delegation, ...]]:
        index = self._index
        delegations: dict[str, list[Delegation]] = {}
        for delegation in self.delegations:
            targets = (
                (delegation.decision,)
                if delegation.decision is not None
                else index.categories.get(str(delegation.category), ())
            )
            for decision_id in targets:
                # Only the accountable party's delegations count.
                if index.accountable.get(decision_id) == delegation.from_party:
                    delegations.setdefault(decision_id, []).append(delegation)
        return {k: tuple(v) for k, v in delegations.items()}

    @cached_property
    def _party_index(self) -> _PartyIndex:
        by_party: dict[str, dict[str, set[str]]] = {}
        for decision in self._index.decisions.values():
            decision_id = decision.id
            by_party.setdefault(decision.accountable, {}).setdefault(decision_id, set()).add(
                "accountable"
            )
            for field in _FIELD_NAMES:
                for party in getattr(decision, field):
                    by_party.setdefault(party, {}).setdefault(decision_id, set()).add(field)
        roles_of: dict[str, dict[str, frozenset[Role]]] = {}
        by_role: dict[tuple[str, Role], set[str]] = {}
        for party, held in by_party.items():
            table = roles_of[party] = {}
            for decision_id, fields in held.items():
                roles = frozenset(_ROLE_BY_FIELD[f] for f in fields)
                table[decision_id] = roles
                for role in roles:
                    by_role.setdefault((party, role), set()).add(decision_id)
        return _PartyIndex(roles_of=roles_of, by_role={k: frozenset(v) for k, v in by_role.items()})

    # -- queries ------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of decisions."""
        return len(self.decisions)

    def __contains__(self, decision_id: object) -> bool:
        """True if a decision has this id."""
        return decision_id in self._index.decisions

    def decision(self, decision_id: str) -> Decision:
        """The decision with ``decision_id``.

        Raises:
            UnknownNameError: No such decision (the nearest id is suggested).
        """
        found = self._index.decisions.get(decision_id)
        if found is None:
            raise UnknownNameError.for_name("decision", decision_id, self._index.decisions)
        return found

    def accountable(self, decision_id: str) -> str:
        """The one party accountable for ``decision_id``.

        Raises:
            UnknownNameError: No such decision.
        """
        found = self._index.accountable.get(decision_id)
        if found is None:
            raise UnknownNameError.for_name("decision", decision_id, self._index.decisions)
        return found

    def parties(self, decision_id: str, role: Role) -> frozenset[str]:
        """The parties holding ``role`` in ``decision_id``.

        Raises:
            UnknownNameError: No such decision.
        """
        return frozenset(self.decision(decision_id).parties(role))

    def roles_of(self, party: str) -> dict[str, frozenset[Role]]:
        """Every decision ``party`` holds a role in, with those roles (a new dict)."""
        return dict(self._party_index.roles_of.get(party, {}))

    def decisions_for(self, party: str, role: Role) -> frozenset[str]:
        """The ids of the decisions where ``party`` holds ``role``."""
        return self._party_index.by_role.get((party, role), frozenset())

    def category(self, category: str) -> tuple[str, ...]:
        """The ids of the decisions in ``category``."""
        return self._index.categories.get(category, ())

    def can_decide(
        self,
        person: str,
        decision_id: str,
        org: Org | None = None,
        at: dt.datetime | None = None,
    ) -> bool:
        """True if ``person`` may take ``decision_id`` at ``at``.

        Allowed: the accountable person; where the accountable party is a function,
        that function's head (needs ``org``); and anyone an active delegation names
        (a function delegate means its head). Denied by default: an unknown person or
        decision gives ``False``, never an exception.

        Args:
            person: A person id.
            decision_id: The decision.
            org: Resolves function parties to their heads.
            at: When (timezone-aware); ``None`` means now, read once here and only
                when a delegation has to be judged.

        Raises:
            SpecError: ``at`` is a naive datetime.
        """
        cached = self.__dict__.get("_allowed_cache")
        table = cached[1] if cached is not None and cached[0] is org else self._allowed(org)
        allowed = table.get(decision_id)
        if allowed is None:
            return False
        if person in allowed:
            return True
        delegations = self._delegation_index.get(decision_id)
        if not delegations:
            return False
        when = _aware(at)
        return any(
            d.active(when) and (d.to_party == person or _is_head(org, d.to_party, person))
            for d in delegations
        )

    def _allowed(self, org: Org | None) -> dict[str, frozenset[str]]:
        """Decision -> who may decide without a delegation; built once per org."""
        cached = self.__dict__.get("_allowed_cache")
        if cached is not None and cached[0] is org:
            table: dict[str, frozenset[str]] = cached[1]
            return table
        table = {}
        for decision_id, accountable in self._index.accountable.items():
            head = org.head(accountable) if org is not None else None
            table[decision_id] = (
                frozenset((accountable, head.id)) if head is not None else frozenset((accountable,))
            )
        # Like a cached_property: kept in the instance dict, never carried into copies.
        self.__dict__["_allowed_cache"] = (org, table)
        return table

    def deciders(
        self, decision_id: str, org: Org | None = None, at: dt.datetime | None = None
    ) -> frozenset[str]:
        """Every party (person ids where ``org`` resolves them) who may decide at ``at``."""
        accountable = self.accountable(decision_id)
        out = {_decider(org, accountable) or accountable}
        delegations = self._delegation_index.get(decision_id, ())
        if delegations:
            when = _aware(at)
            out |= {_decider(org, d.to_party) or d.to_party for d in delegations if d.active(when)}
        return frozenset(out)

    def must_consult(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people to consult before deciding (functions resolved to members)."""
        return _people(org, self.parties(decision_id, Role.CONSULTED))

    def must_agree(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people whose sign-off (a veto) the decision needs."""
        return _people(org, self.parties(decision_id, Role.AGREE))

    def must_inform(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people to inform after deciding (functions resolved to members)."""
        return _people(org, self.parties(decision_id, Role.INFORMED))

    # -- changes ------------------------------------------------------------------------

    def delegate(
        self,
        decision_or_category: str,
        from_party: str,
        to_party: str,
        until: dt.datetime | None = None,
    ) -> DecisionRights:
        """A new matrix in which ``from_party`` lends its right to decide to ``to_party``.

        Args:
            decision_or_category: A decision id, or a category (every decision in it
                that ``from_party`` is accountable for).
            from_party: The accountable party.
            to_party: Who may decide instead.
            until: When the delegation ends (timezone-aware); ``None`` for open-ended.

        Raises:
            PermissionDenied: ``from_party`` is not accountable for it.
            UnknownNameError: Neither a decision id nor a category.
            SpecError: ``until`` is naive.
        """
        index = self._index
        if decision_or_category in index.decisions:
            kind = "decision"
            held: Sequence[str] = [decision_or_category]
        elif decision_or_category in index.categories:
            kind = "category"
            held = index.categories[decision_or_category]
        else:
            raise UnknownNameError.for_name(
                "decision or category",
                decision_or_category,
                [*index.decisions, *index.categories],
            )
        if not any(index.accountable[d] == from_party for d in held):
            owner = index.accountable[held[0]] if kind == "decision" else "another party"
            raise PermissionDenied(
                f"Only the accountable party may delegate {kind} `{decision_or_category}`: "
                f"`{from_party}` is not accountable for it (`{owner}` is)",
                actor=from_party,
                action="delegate",
            )
        delegation = Delegation(
            decision=decision_or_category if kind == "decision" else None,
            category=decision_or_category if kind == "category" else None,
            from_party=from_party,
            to_party=to_party,
            until=until,
        )
        # The decisions did not change: copy without validating them again, keeping the
        # indexes that do not depend on delegations.
        copied = BaseModel.model_copy(self, update={"delegations": (*self.delegations, delegation)})
        copied.__dict__.pop("_delegation_index", None)
        return copied

    # -- escalation ---------------------------------------------------------------------

    def escalation_path(self, decision_a: str, decision_b: str, org: Org) -> EscalationPath:
        """Who settles a disagreement between the deciders of two decisions.

        A forum configured for the shared category settles it first; otherwise the
        lowest common manager of the two deciding people, so disagreement is settled
        at the lowest level that can, not at the top.

        Raises:
            UnknownNameError: Either decision is unknown.
        """
        first = self.decision(decision_a)
        second = self.decision(decision_b)
        a = _decider(org, first.accountable)
        b = _decider(org, second.accountable)
        deciders = (a, b)
        who = f"`{first.id}` is decided by {_who(first.accountable, a)}"
        who += f" and `{second.id}` by {_who(second.accountable, b)}"
        if first.category is not None and first.category == second.category:
            forum = self.forums.get(first.category)
            if forum is not None:
                return EscalationPath(
                    forum,
                    "forum",
                    deciders,
                    f"{who}; both are {first.category} decisions, settled by {forum}.",
                )
        if a is not None and a == b:
            return EscalationPath(
                a, "same-decider", deciders, f"{who}: the same person settles both."
            )
        if a is not None and b is not None:
            manager = org.lowest_common_manager(a, b)
            if manager is not None:
                path_a = _chain(org, a, manager.id)
                path_b = _chain(org, b, manager.id)
                return EscalationPath(
                    manager.id,
                    "manager",
                    deciders,
                    f"{who}; their lowest common manager is `{manager.id}` "
                    f"({' → '.join(path_a)}; {' → '.join(path_b)}).",
                )
        for category in (first.category, second.category):
            forum = self.forums.get(category) if category is not None else None
            if forum is not None:
                return EscalationPath(
                    forum,
                    "forum",
                    deciders,
                    f"{who}; they share no manager, so the {category} forum {forum} settles it.",
                )
        return EscalationPath(
            None,
            "none",
            deciders,
            f"{who}; nobody is above both and no forum is configured: "
            "add reporting lines or a forum for the category.",
        )

    # -- lint ---------------------------------------------------------------------------

    def lint(
        self,
        org: Org | None = None,
        *,
        max_consulted: int = 5,
        max_accountable_share: float = 0.25,
        bottleneck_min_decisions: int = 8,
        max_vetoes: int = 5,
        extra_parties: Iterable[str] = (),
        strategic_scopes: Iterable[str] = ("strategic",),
    ) -> Report:
        """Report what is valid but unwise. Codes ``DR001``-``DR011``.

        Args:
            org: Needed for the checks about people and functions.
            max_consulted: More consulted parties than this slows decisions (DR004).
            max_accountable_share: A decider holding more than this share of all
                decisions is a bottleneck (DR005).
            bottleneck_min_decisions: DR005 needs at least this many decisions.
            max_vetoes: A party with a veto (agree) on more decisions is flagged (DR008).
            extra_parties: Other valid party names, such as team names.
            strategic_scopes: Scopes where a decision at the top is expected (DR007).

        Returns:
            The findings, placed at field paths under ``decisions``.
        """
        return Report(
            _lint(
                self,
                org,
                max_consulted=max_consulted,
                max_accountable_share=max_accountable_share,
                bottleneck_min_decisions=bottleneck_min_decisions,
                max_vetoes=max_vetoes,
                extra_parties=frozenset(extra_parties),
                strategic_scopes=frozenset(strategic_scopes),
            )
        )


def _header_columns(
    name: str, header: list[str], problems: list[Problem]
) -> tuple[dict[int, str], dict[int, str]]:
    """Column -> party, and column -> metadata field, from a sheet's header row."""
    parties: dict[int, str] = {}
    meta: dict[int, str] = {}
    seen: dict[str, int] = {}
    for j, raw in enumerate(header[1:], start=1):
        text = raw  # stripped already, unless quoted
        where = Location(name, row=1, line=1, column=j + 1)
        if text.startswith("#"):
            field = text[1:].strip().lower()
            if field in {"title", "category", "scope"}:
                meta[j] = field
            else:
                problems.append(
                    Problem(
                        f"Unknown column {text!r}; #title, #category and #scope are read",
                        where,
                    )
                )
            continue
        party = unescape_cell(text)
        if not party:
            problems.append(Problem("A party column has no name", where))
        elif party in seen:
            problems.append(
                Problem(f"Party `{party}` has two columns (first column {seen[party] + 1})", where)
            )
        else:
            seen[party] = j
            parties[j] = party
    return parties, meta


def _table_cells(
    decision_id: str, cells: object, where: Location, problems: list[Problem]
) -> list[tuple[str, str, str]] | None:
    """One decision's ``{party: letters}`` as cells, or ``None`` if any is not text."""
    if not isinstance(cells, Mapping):
        problems.append(
            Problem(
                f"Decision `{decision_id}` needs a mapping of parties to letters, not {cells!r}",
                where,
            )
        )
        return None
    row: list[tuple[str, str, str]] = []
    ok = True
    for party, cell in cells.items():
        at = Location(path=(decision_id, _path_part(party)))
        if not isinstance(party, str):
            problems.append(Problem(f"A party is named by text, not {party!r}", at))
            ok = False
        elif not isinstance(cell, str):
            problems.append(
                Problem(f'The cell for `{party}` holds letters as text ("A/R"), not {cell!r}', at)
            )
            ok = False
        else:
            row.append((party, cell, party))
    return row if ok else None


def _simple_decision(
    decision_id: str,
    cells: list[tuple[int, str]],
    parties: Mapping[int, str],
    meta: Mapping[int, str],
    lookup: Mapping[str, str],
) -> dict[str, Any] | None:
    """A sheet's row as data when each role cell is one letter and one party decides.

    Most rows are; any other row gives ``None``, for the general path to read and to
    report on. Both give the same data for a row this one reads.
    """
    row: dict[str, Any] = {"id": decision_id}
    accountable = None
    for j, cell in cells:
        party = parties.get(j)
        if party is None:
            field = meta.get(j)
            if field is not None:
                row[field] = unescape_cell(cell)
            continue
        field = lookup.get(cell)
        if field is None:
            return None
        if field == "accountable":
            if accountable is not None:
                return None
            accountable = party
            continue
        named = row.get(field)
        if named is None:
            row[field] = [party]
        else:
            named.append(party)
    if accountable is None:
        return None
    row["accountable"] = accountable
    return row


def _row_problem(
    name: str, item: SparseRow, decision_id: str, first_row: Mapping[str, int], width: int
) -> Problem:
    """Why a sheet's row cannot be read as a decision: no id, a repeated id, too wide."""
    where = Location(name, row=item.row, line=item.line, column=1)
    if not decision_id:
        return Problem("The decision id is empty", where)
    if decision_id in first_row:
        return Problem(
            f"Decision `{decision_id}` has two rows (first on row {first_row[decision_id]})",
            where,
        )
    from alignkit._csvio import width_problem

    return width_problem(item.width, width, name, item.row, item.line)


def _place(where: Location | tuple[int, int], file: str | None) -> Location:
    """A decision's location, from a sheet's ``(row, line)`` if need be."""
    if isinstance(where, Location):
        return where
    row, line = where
    return Location(file, row=row, line=line, column=1)


def _decision_from_cells(
    decision_id: str,
    cells: list[tuple[str, str, K]],
    scheme: Scheme,
    where: Location | tuple[int, int],
    locate: Callable[[K], Location],
    problems: list[Problem],
    *,
    fields: Mapping[str, str] | None = None,
    file: str | None = None,
) -> dict[str, Any] | None:
    """One decision's row as data, or ``None`` with its problems recorded.

    ``where`` is the decision's location, or its ``(row, line)`` in ``file``.
    """
    lookup = scheme._fields
    roles: dict[str, list[str]] = {}
    accountable_at: list[K] = []
    ok = True
    for party, cell, key in cells:
        field = lookup.get(cell) or lookup.get(cell.strip().upper())
        if field is not None:  # the common case: one letter
            named = roles.get(field)
            if named is None:
                roles[field] = [party]
            else:
                named.append(party)
            if field == "accountable":
                accountable_at.append(key)
            continue
        found, unknown = parse_cell(cell, scheme)
        for token in unknown:
            ok = False
            problems.append(
                Problem(
                    f"Unknown letter {token!r} in cell {cell.strip()!r} for `{party}`; "
                    f"{scheme.name.upper()} letters are {', '.join(scheme.letters)}",
                    locate(key),
                )
            )
        for role in ROLE_ORDER:
            if role in found:
                roles.setdefault(_FIELD_OF[role], []).append(party)
        if Role.ACCOUNTABLE in found:
            accountable_at.append(key)
    accountable = roles.get("accountable")
    if not accountable:
        problems.append(Problem(_accountable_problem(decision_id, []), _place(where, file)))
        return None
    if len(accountable) > 1:
        message = _accountable_problem(decision_id, accountable)
        problems.extend(Problem(message, locate(key)) for key in accountable_at)
        return None
    if not ok:
        return None
    row: dict[str, Any] = {"id": decision_id, "accountable": accountable[0]}
    for field in _FIELD_NAMES:
        named = roles.get(field)
        if named:
            row[field] = named
    if fields:
        row.update(fields)
    return row


def _decision_data(decision: Decision) -> dict[str, Any]:
    """What ``model_dump(mode="json", exclude_defaults=True)`` gives, less a title equal to the id.

    While every field holds text (or a sequence of text), the fields are read directly,
    which is several times faster on a large matrix.
    """
    fields = _text_fields()
    if fields is None:
        row = decision.model_dump(mode="json", exclude_defaults=True)
    else:
        row = {}
        values = decision.__dict__
        for name, default, is_sequence in fields:
            value = values[name]
            if value != default:
                row[name] = list(value) if is_sequence else value
    if row.get("title") == decision.id:
        del row["title"]
    return row


@functools.cache
def _text_fields() -> tuple[tuple[str, object, bool], ...] | None:
    """``(name, default, is a sequence)`` of each field of a decision.

    ``None`` unless every field holds text or optional text, or is a sequence of text
    that is empty by default.
    """
    found = []
    for name, field in Decision.model_fields.items():
        kind = _text_kind(field.annotation)
        if kind is None or (kind == "sequence" and field.default != ()):
            return None
        found.append((name, field.default, kind == "sequence"))
    return tuple(found)


def _text_kind(annotation: object) -> str | None:
    """``"text"`` for ``str`` (or ``str | None``), ``"sequence"`` for a sequence of it.

    >>> _text_kind(str | None), _text_kind(Sequence[Annotated[str, "x"]]), _text_kind(int)
    ('text', 'sequence', None)
    """
    import types
    import typing

    if annotation is str:
        return "text"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _text_kind(args[0])
    if origin in {types.UnionType, typing.Union}:
        kinds = {_text_kind(a) for a in args if a is not type(None)}
        return "text" if kinds == {"text"} else None
    if origin in {Sequence, tuple} and args and _text_kind(args[0]) == "text":
        return "sequence"
    return None


def _aware(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise SpecError.single(f"`at` must be timezone-aware, got {at!r}", Location(path=("at",)))
    return at


def _is_head(org: Org | None, party: str, person: str) -> bool:
    if org is None:
        return False
    function = org.get_function(party)
    return function is not None and function.head == person and org.get_person(person) is not None


def _decider(org: Org | None, party: str) -> str | None:
    """The person who decides for ``party``: the person, or a function's head."""
    if org is None:
        return None
    if org.get_person(party) is not None:
        return party
    head = org.head(party)
    return head.id if head is not None else None


def _who(party: str, person: str | None) -> str:
    if person is None:
        return f"`{party}` (nobody resolvable)"
    if person == party:
        return f"`{person}`"
    return f"`{person}` (head of {party})"


def _chain(org: Org, start: str, stop: str) -> list[str]:
    out = [start]
    if start == stop:
        return out
    for person in org.manager_chain(start):
        out.append(person.id)
        if person.id == stop:
            break
    return out


def _people(org: Org, parties: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for party in parties:
        found.update(p.id for p in org.people_of(party))
    return frozenset(found)


_MARKDOWN_ESCAPES: Final = str.maketrans({"\\": "\\\\", "|": "\\|", "\n": "\\n", "\r": "\\r"})


def _md(text: str) -> str:
    r"""``text`` as one Markdown table cell: ``\``, ``|`` and line breaks escaped.

    >>> print(_md("a|b\\c\r\nd"))
    a\|b\\c\r\nd
    """
    return text.translate(_MARKDOWN_ESCAPES)


# -- YAML --------------------------------------------------------------------------------

_YAML_NOT_SIMPLE: Final = re.compile(
    # Anything PyYAML would not write as it is, in plain or single-quoted style: controls,
    # line breaks (\n, \x85, \u2028, \u2029), the byte order mark, non-characters.
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]"
)
_YAML_ESCAPED: Final = re.compile(
    '["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]'
)
_YAML_ESCAPES: Final = {
    "\x00": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
}
_YAML_BREAKS: Final = re.compile("[\n\x85\u2028\u2029]")
_YAML_INDICATORS: Final = frozenset("#,[]{}&*!|>'\"%@` ")
_YAML_KEY_LIMIT: Final = 100
"""PyYAML writes a long key (128 characters) as an explicit ``?`` key; we leave those to it."""


@final
@attrs.frozen
class _Decisions:
    """Decisions for :class:`_YamlWriter` to write straight from their fields."""

    decisions: Sequence[Decision]
    fields: tuple[tuple[str, object, bool], ...]
    """What :func:`_text_fields` gives."""


class _NotSimple(Exception):  # noqa: N818 - private control flow, never raised to users
    """Data the fast YAML writer leaves to PyYAML."""


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    code = _YAML_ESCAPES.get(char)
    if code is not None:
        return "\\" + code
    point = ord(char)
    if point <= 0xFF:  # noqa: PLR2004 - the widths of YAML's escapes
        return f"\\x{point:02X}"
    if point <= 0xFFFF:  # noqa: PLR2004
        return f"\\u{point:04X}"
    return f"\\U{point:08X}"


@final
class _YamlWriter:
    """Block-style YAML as PyYAML's ``safe_dump(sort_keys=False, allow_unicode=True)`` writes it.

    Only mappings with text keys, lists and text are written; anything else raises
    :class:`_NotSimple`. Each scalar gets the style PyYAML would choose (plain, single-
    or double-quoted, with the same escapes); long scalars are not folded onto several
    lines, which loads the same. Each distinct text is styled once.
    """

    def __init__(self) -> None:
        from yaml.resolver import Resolver

        self._resolvers = Resolver.yaml_implicit_resolvers
        self._styled: dict[str, str] = {}
        self._keys: dict[object, str] = {}
        self.lines: list[str] = []

    def scalar(self, text: str) -> str:
        """``text`` as PyYAML writes it."""
        styled = self._styled.get(text)
        if styled is None:
            styled = self._styled[text] = self._style(text)
        return styled

    def _style(self, text: str) -> str:
        if _YAML_NOT_SIMPLE.search(text):
            return '"' + _YAML_ESCAPED.sub(_yaml_escape, text) + '"'
        if self._plain(text):
            return text
        return "'" + text.replace("'", "''") + "'"

    def _plain(self, text: str) -> bool:
        """True if ``text`` (with no special character) can be written unquoted."""
        if not text or text[0] in _YAML_INDICATORS or text[-1] == " ":
            return False
        if text[0] in "-?:" and (len(text) == 1 or text[1] == " "):
            return False
        if text.startswith(("---", "...")) or text.endswith(":") or ": " in text or " #" in text:
            return False
        resolvers = [*self._resolvers.get(text[0], ()), *self._resolvers.get(None, ())]
        return not any(pattern.match(text) for _, pattern in resolvers)

    def key(self, key: object) -> str:
        """``key`` as PyYAML writes a mapping key; :class:`_NotSimple` if not a simple key."""
        if not isinstance(key, str) or not key or len(key) >= _YAML_KEY_LIMIT:
            raise _NotSimple
        if _YAML_BREAKS.search(key):
            raise _NotSimple  # PyYAML writes this as an explicit `?` key
        return self.scalar(key)

    def mapping(self, data: Mapping[str, Any], indent: int, first: str) -> None:
        """Write ``data``'s keys at ``indent``, the first one after ``first``."""
        pad = " " * indent
        write = self.lines.append
        keys = self._keys
        styled = self._styled
        prefix = first
        for key, value in data.items():
            name = keys.get(key)
            if name is None:
                name = keys[key] = self.key(key)
            if isinstance(value, str):
                write(f"{prefix}{name}: {styled.get(value) or self.scalar(value)}\n")
            elif isinstance(value, list) and value:
                write(f"{prefix}{name}:\n")
                self.sequence(value, indent)
            elif isinstance(value, dict) and value:
                write(f"{prefix}{name}:\n")
                self.mapping(value, indent + 2, pad + "  ")
            elif isinstance(value, _Decisions):
                write(f"{prefix}{name}:\n")
                self.decisions(value, indent)
            elif isinstance(value, list | dict):
                write(f"{prefix}{name}: {'[]' if isinstance(value, list) else '{}'}\n")
            else:
                raise _NotSimple
            prefix = pad

    def decisions(self, decisions: _Decisions, indent: int) -> None:
        """Write ``decisions`` as :func:`_decision_data` gives them, as ``- id: …`` items.

        Ids and titles, different in every decision, are styled without being kept;
        the lines are joined every few thousand decisions, to hold fewer objects.
        """
        first, pad, item = " " * indent + "- ", " " * (indent + 2), " " * (indent + 2) + "- "
        keys = [
            (name, default, sequence, self.key(name), name in {"id", "title"})
            for name, default, sequence in decisions.fields
        ]
        lines: list[str] = []
        write = lines.append
        styled = self._styled
        scalar, style = self.scalar, self._style
        for count, decision in enumerate(decisions.decisions, start=1):
            values = decision.__dict__
            decision_id = values["id"]
            prefix = first
            for name, default, is_sequence, key, unique in keys:
                value = values[name]
                if value == default or (name == "title" and value == decision_id):
                    continue
                if not is_sequence:
                    text = style(value) if unique else styled.get(value) or scalar(value)
                    write(f"{prefix}{key}: {text}\n")
                else:  # not empty, as the default is
                    write(f"{prefix}{key}:\n")
                    for party in value:
                        write(f"{item}{styled.get(party) or scalar(party)}\n")
                prefix = pad
            if not count % 4096:
                self.lines.append("".join(lines))
                lines.clear()
        self.lines.append("".join(lines))

    def sequence(self, items: list[Any], indent: int) -> None:
        """Write ``items`` as ``- item`` lines at ``indent``."""
        pad = " " * indent
        write = self.lines.append
        styled = self._styled
        for item in items:
            if isinstance(item, str):
                write(f"{pad}- {styled.get(item) or self.scalar(item)}\n")
            elif isinstance(item, dict) and item:
                self.mapping(item, indent + 2, pad + "- ")
            else:
                raise _NotSimple


# -- lint --------------------------------------------------------------------------------


def _lint(  # noqa: C901, PLR0912, PLR0915 - one pass per rule, in code order
    rights: DecisionRights,
    org: Org | None,
    *,
    max_consulted: int,
    max_accountable_share: float,
    bottleneck_min_decisions: int,
    max_vetoes: int,
    extra_parties: frozenset[str],
    strategic_scopes: frozenset[str],
) -> Iterator[Diagnostic]:
    index = rights._index  # noqa: SLF001 - same module
    person_ids = org.person_ids if org is not None else frozenset()
    known = (person_ids | org.function_names | extra_parties) if org is not None else None
    live = [(i, d) for i, d in enumerate(rights.decisions) if index.position.get(d.id) == i]

    def unknown(party: str, path: tuple[str | int, ...], what: str) -> Diagnostic | None:
        if known is None or party in known:
            return None
        from alignkit._suggest import suggest

        close = suggest(party, known)
        return UNKNOWN_PARTY.diagnostic(
            f"{what} names `{party}`, who is neither a person nor a function in the org",
            path=path,
            target=party,
            hint=f"Did you mean `{close}`?" if close else None,
        )

    for i, d in live:
        found = unknown(d.accountable, ("decisions", i, "accountable"), f"Decision `{d.id}`")
        if found is not None:
            yield found
        for field in _ROLE_FIELDS.values():
            for k, party in enumerate(getattr(d, field)):
                found = unknown(party, ("decisions", i, field, k), f"Decision `{d.id}`")
                if found is not None:
                    yield found
        if not d.responsible:
            yield DECISION_WITHOUT_RESPONSIBLE.diagnostic(
                f"Decision `{d.id}` has no responsible party",
                path=("decisions", i),
                target=d.id,
            )
        for field in ("consulted", "informed"):
            if d.accountable in getattr(d, field):
                k = getattr(d, field).index(d.accountable)
                yield ACCOUNTABLE_ALSO_CONSULTED.diagnostic(
                    f"`{d.accountable}` decides `{d.id}` and is also listed as {field}",
                    path=("decisions", i, field, k),
                    target=d.id,
                )
        if len(d.consulted) > max_consulted:
            yield CONSULTED_OVERLOAD.diagnostic(
                f"Decision `{d.id}` consults {len(d.consulted)} parties "
                f"(more than {max_consulted})",
                path=("decisions", i, "consulted"),
                target=d.id,
            )
        if org is not None and d.accountable not in person_ids:
            function = org.get_function(d.accountable)
            if function is not None and org.head(d.accountable) is None:
                yield ACCOUNTABLE_FUNCTION_WITHOUT_HEAD.diagnostic(
                    f"Decision `{d.id}` is held by `{d.accountable}`, which has no head to take it",
                    path=("decisions", i, "accountable"),
                    target=d.id,
                )

    # DR005: bottlenecks, counted by the person who actually decides.
    if len(live) >= bottleneck_min_decisions:
        held: dict[str, list[int]] = {}
        for i, d in live:
            who = _decider(org, d.accountable) or d.accountable
            held.setdefault(who, []).append(i)
        for who, positions in held.items():
            share = len(positions) / len(live)
            if share > max_accountable_share:
                yield ACCOUNTABLE_BOTTLENECK.diagnostic(
                    f"`{who}` decides {len(positions)} of {len(live)} decisions "
                    f"({share:.0%}, more than {max_accountable_share:.0%})",
                    path=("decisions", positions[0], "accountable"),
                    target=who,
                )

    # DR006: parties in the org with no role anywhere.
    if org is not None:
        named = {d.accountable for _, d in live}
        for _, d in live:
            for field in _FIELD_NAMES:
                named.update(getattr(d, field))
        named_functions = {f for f in org.function_names if f in named}
        for k, function in enumerate(org.functions):
            members = org.members(function.name)
            if function.name in named_functions or any(p.id in named for p in members):
                continue
            if index.position and org.get_function(function.name) is function:
                yield FUNCTION_WITHOUT_ROLE.diagnostic(
                    f"Function `{function.name}` holds no role in any decision",
                    path=("org", "functions", k),
                    target=function.name,
                )

    # DR007: operational decisions taken at the top while an owner exists below.
    if org is not None:
        for i, d in live:
            owner = rights.owners.get(d.category) if d.category is not None else None
            if owner is None or (d.scope is not None and d.scope in strategic_scopes):
                continue
            decider = _decider(org, d.accountable)
            owner_person = _decider(org, owner)
            if (
                decider is not None
                and owner_person is not None
                and owner_person != decider
                and org.manager(decider) is None
                and org.manager(owner_person) is not None
            ):
                yield ESCALATION_HEAVY.diagnostic(
                    f"`{d.id}` is a {d.category} decision taken at the top by `{decider}`, "
                    f"while `{owner}` owns {d.category}",
                    path=("decisions", i, "accountable"),
                    target=d.id,
                    hint=f"Make `{owner}` accountable, or delegate to it",
                )

    # DR008: veto holders on many decisions.
    vetoes: dict[str, list[int]] = {}
    for i, d in live:
        for party in d.agree:
            vetoes.setdefault(party, []).append(i)
    for party, positions in vetoes.items():
        if len(positions) > max_vetoes:
            yield VETO_OVERLOAD.diagnostic(
                f"`{party}` must agree to {len(positions)} decisions (more than {max_vetoes})",
                path=("decisions", positions[0], "agree"),
                target=party,
            )

    # DR009, DR010: delegations.
    for k, delegation in enumerate(rights.delegations):
        subject = delegation.subject
        if delegation.decision is not None:
            targets: tuple[str, ...] = (
                (delegation.decision,) if delegation.decision in index.decisions else ()
            )
        else:
            targets = index.categories.get(subject, ())
        if not targets:
            kind = "decision" if delegation.decision is not None else "category"
            yield DELEGATION_UNKNOWN_DECISION.diagnostic(
                f"A delegation names the unknown {kind} `{subject}`",
                path=("delegations", k, kind),
                target=subject,
            )
            continue
        if not any(index.accountable[t] == delegation.from_party for t in targets):
            yield DELEGATION_WITHOUT_AUTHORITY.diagnostic(
                f"`{delegation.from_party}` delegates `{subject}` but is not accountable for it",
                path=("delegations", k, "from_party"),
                target=subject,
            )
        found = unknown(delegation.to_party, ("delegations", k, "to_party"), "A delegation")
        if found is not None:
            yield found

    # DR012: owners and forums for categories no decision uses; DR001 for unknown owners.
    for field in ("owners", "forums"):
        for category, party in getattr(rights, field).items():
            if category not in index.categories:
                yield UNUSED_CATEGORY.diagnostic(
                    f"`{field}` names the category `{category}`, which no decision has",
                    path=(field, category),
                    target=category,
                )
            if field == "owners":
                found = unknown(party, (field, category), f"The owner of `{category}`")
                if found is not None:
                    yield found
