"""Roles and schemes: the duties a party can hold, and the letters that name them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Final, final

import attrs

from alignkit._spec import FrozenDict
from alignkit.diagnostics import Location
from alignkit.errors import SpecError, UnknownNameError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "FIELD_NAMES",
    "FIELD_OF",
    "ROLE_BY_FIELD",
    "ROLE_FIELDS",
    "ROLE_ORDER",
    "Role",
    "Scheme",
    "parse_cell",
    "path_part",
    "schemes_with_letter",
    "token_fields",
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

ROLE_FIELDS: Final = {
    Role.RESPONSIBLE: "responsible",
    Role.AGREE: "agree",
    Role.CONSULTED: "consulted",
    Role.INFORMED: "informed",
}
"""Each role but accountable, and the field of a decision that lists its parties."""
FIELD_NAMES: Final = tuple(ROLE_FIELDS.values())
"""The fields of a decision that list parties, accountable aside."""
ROLE_BY_FIELD: Final = {"accountable": Role.ACCOUNTABLE, **{v: k for k, v in ROLE_FIELDS.items()}}
"""Each field of a decision that names parties, and the role it gives them."""
FIELD_OF: Final = {v: k for k, v in ROLE_BY_FIELD.items()}
"""Each role, and the field of a decision that names its parties."""

_SEPARATORS: Final = str.maketrans(dict.fromkeys("/,;+&|", " "))


def path_part(key: object) -> str | int:
    """``key`` as a part of a location's path: itself if text or a number, else its repr."""
    return key if isinstance(key, str | int) else repr(key)


def _frozen_letters(mapping: Mapping[str, Role]) -> Mapping[str, Role]:
    """Letters (stripped) to roles, read-only; anything else is a located SpecError."""
    if not isinstance(mapping, Mapping):
        raise SpecError.single(
            f"A scheme's letters map each letter to a role, not {mapping!r}",
            Location(path=("letters",)),
        )
    table: dict[str, Role] = {}
    for key, value in mapping.items():
        letter = str(key).strip()
        where = Location(path=("letters", path_part(key)))
        if not letter:
            raise SpecError.single("A scheme letter is empty", where)
        try:
            table[letter] = Role(value)
        except (ValueError, TypeError):
            roles = ", ".join(r.value for r in Role)
            raise SpecError.single(f"{value!r} is not a role; use {roles}", where) from None
    return FrozenDict(table)


def _frozen_words(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return FrozenDict(mapping) if isinstance(mapping, Mapping) else mapping


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
    words: Mapping[str, str] = attrs.field(
        factory=FrozenDict, kw_only=True, converter=_frozen_words
    )

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
                    Location(path=("words", path_part(letter))),
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
        names = {Role.ACCOUNTABLE: "accountable", **ROLE_FIELDS}
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


def schemes_with_letter(role: Role) -> str:
    """Which built-in schemes write ``role``, and with which letter, as advice.

    >>> schemes_with_letter(Role.AGREE)
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
    lookup = scheme._lookup  # noqa: SLF001 - the scheme's own module
    for token in cell.translate(_SEPARATORS).split():
        role = lookup.get(token.upper())
        if role is None:
            unknown.append(token)
        else:
            roles.add(role)
    return frozenset(roles), unknown


def token_fields(scheme: Scheme) -> Mapping[str, str]:
    """Each letter or word of ``scheme`` (upper case) and the field of a decision it fills.

    >>> token_fields(Scheme.RAPID)["D"], token_fields(Scheme.RAPID)["AGREE"]
    ('accountable', 'agree')
    """
    return scheme._fields
