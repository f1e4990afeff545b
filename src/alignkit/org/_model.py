"""The implementation of :mod:`alignkit.org`; import from ``alignkit.org``."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import IO, Any, final

import attrs
from pydantic import Field, PrivateAttr

from alignkit._csvio import CSV_COLUMNS, read_people_csv
from alignkit._source import SourceMap, resolve_location
from alignkit._spec import FrozenDict, SpecModel
from alignkit._suggest import suggest
from alignkit.diagnostics import Diagnostic, Report
from alignkit.errors import UnknownNameError
from alignkit.org._rules import (
    DUPLICATE_FUNCTION,
    DUPLICATE_PERSON_ID,
    EMPTY_FUNCTION,
    FUNCTION_WITHOUT_HEAD,
    HEAD_OUTSIDE_FUNCTION,
    PERSON_NAMED_LIKE_FUNCTION,
    REPORTING_CYCLE,
    UNDECLARED_FUNCTION,
    UNKNOWN_HEAD,
    UNKNOWN_MANAGER,
)

__all__ = [
    "CSV_COLUMNS",
    "Function",
    "Org",
    "Person",
]


class Person(SpecModel):
    """Someone in the organisation.

    Args:
        id: A unique id, the way other sections refer to the person (``vp-sales``).
        name: The person's name, for people to read.
        function: The function (department) the person belongs to.
        manager: The id of the person they report to; ``None`` at the top.

    >>> Person("ae-1", "Lee Park", "Sales", manager="vp-sales")
    Person(id='ae-1', name='Lee Park', function='Sales', manager='vp-sales')

    Added in 0.1.
    """

    id: str = Field(min_length=1, description="Unique id other sections use for the person.")
    name: str = Field(min_length=1, description="The person's name, for people to read.")
    function: str = Field(min_length=1, description="The function the person belongs to.")
    manager: str | None = Field(
        default=None, min_length=1, description="Id of the person they report to."
    )

    def __init__(
        self,
        id: str,
        name: str,
        function: str,
        manager: str | None = None,
    ) -> None:
        super().__init__(id=id, name=name, function=function, manager=manager)


class Function(SpecModel):
    """A function (department) such as Sales or IT, and who heads it.

    Args:
        name: The function's name, the way other sections refer to it.
        head: The id of the person who leads it; decisions held by the function are
            taken by its head.

    >>> Function("Sales", head="vp-sales")
    Function(name='Sales', head='vp-sales')

    Added in 0.1.
    """

    name: str = Field(min_length=1, description="The function's name, as sections refer to it.")
    head: str | None = Field(
        default=None, min_length=1, description="Id of the person who leads the function."
    )

    def __init__(self, name: str, head: str | None = None) -> None:
        super().__init__(name=name, head=head)


@final
@attrs.frozen
class _Index:
    people: dict[str, Person]
    position: dict[str, int]
    functions: dict[str, Function]
    function_position: dict[str, int]
    members: dict[str, tuple[Person, ...]]
    reports: dict[str, tuple[Person, ...]]
    person_ids: frozenset[str]
    function_names: frozenset[str]
    heads: FrozenDict[str, str]


class Org(SpecModel):
    """People and functions, with lookups built once and kept.

    Args:
        people: Everyone, each with a unique id.
        functions: Every function people belong to, with its head.

    Lookups never scan: the first call builds an index the object keeps (it is
    immutable, so the index never goes stale).
    Where an id is declared twice, lookups see the first and :meth:`lint` reports
    the rest.

    Added in 0.1.
    """

    functions: tuple[Function, ...] = Field(
        default=(), description="Every function (department), with its head."
    )
    people: tuple[Person, ...] = Field(default=(), description="Everyone in the organisation.")

    _source: SourceMap | None = PrivateAttr(default=None)

    def __init__(
        self,
        *,
        functions: Sequence[Function | Mapping[str, Any]] = (),
        people: Sequence[Person | Mapping[str, Any]] = (),
        **extra: Any,  # noqa: ANN401 - fields of subclasses
    ) -> None:
        super().__init__(functions=functions, people=people, **extra)

    # -- building -------------------------------------------------------------------

    @classmethod
    def from_csv(
        cls,
        source: str | os.PathLike[str] | IO[str],
        *,
        functions: Iterable[Function] | None = None,
    ) -> Org:
        r"""Read people from an HR export.

        The first row names the columns: ``id``, ``name``, ``function`` and optionally
        ``manager`` (in any order and case; other columns are ignored, cells are
        stripped of surrounding spaces, and a blank ``manager`` means none).

        Args:
            source: A path, or an open text stream.
            functions: The functions, with their heads; by default one per distinct
                ``function`` value, in order of appearance, without a head.

        Returns:
            The organisation; :meth:`lint` places its findings at CSV rows.

        Raises:
            SpecError: Every bad row, with its row (the header is row 1) and column.

        >>> import io
        >>> sheet = io.StringIO("id,name,function,manager\nceo,Dana Reyes,Executive,\n"
        ...                     "cfo,Kim Lee,Finance,ceo\n")
        >>> org = Org.from_csv(sheet)
        >>> [p.id for p in org.members("Finance")], org.person("cfo").manager
        (['cfo'], 'ceo')

        Added in 0.1.
        """
        records, source_map = read_people_csv(source)
        if functions is None:
            seen = dict.fromkeys(str(r["function"]) for r in records)
            functions = [Function(name) for name in seen]
        org = cls.model_validate({"functions": list(functions), "people": records})
        org._source = source_map  # noqa: SLF001 - our own private attribute
        return org

    # -- lookups --------------------------------------------------------------------

    @cached_property
    def _index(self) -> _Index:
        people: dict[str, Person] = {}
        position: dict[str, int] = {}
        members: dict[str, list[Person]] = {}
        reports: dict[str, list[Person]] = {}
        for i, person in enumerate(self.people):
            if person.id in people:
                continue
            people[person.id] = person
            position[person.id] = i
            members.setdefault(person.function, []).append(person)
            if person.manager is not None:
                reports.setdefault(person.manager, []).append(person)
        functions: dict[str, Function] = {}
        function_position: dict[str, int] = {}
        for i, function in enumerate(self.functions):
            functions.setdefault(function.name, function)
            function_position.setdefault(function.name, i)
        return _Index(
            people=people,
            position=position,
            functions=functions,
            function_position=function_position,
            members={k: tuple(v) for k, v in members.items()},
            reports={k: tuple(v) for k, v in reports.items()},
            person_ids=frozenset(people),
            function_names=frozenset(functions),
            heads=FrozenDict(
                (name, f.head)
                for name, f in functions.items()
                if f.head is not None and f.head in people
            ),
        )

    def person(self, id: str) -> Person:
        """The person with ``id``.

        Raises:
            UnknownNameError: Nobody has that id (the nearest id is suggested).
        """
        found = self._index.people.get(id)
        if found is None:
            raise UnknownNameError.for_name("person", id, self._index.people)
        return found

    def get_person(self, id: str) -> Person | None:
        """The person with ``id``, or ``None``."""
        return self._index.people.get(id)

    def function(self, name: str) -> Function:
        """The function called ``name``.

        Raises:
            UnknownNameError: No function has that name.
        """
        found = self._index.functions.get(name)
        if found is None:
            raise UnknownNameError.for_name("function", name, self._index.functions)
        return found

    def get_function(self, name: str) -> Function | None:
        """The function called ``name``, or ``None``."""
        return self._index.functions.get(name)

    @property
    def person_ids(self) -> frozenset[str]:
        """Every person's id."""
        return self._index.person_ids

    @property
    def function_names(self) -> frozenset[str]:
        """Every function's name."""
        return self._index.function_names

    def members(self, function: str) -> tuple[Person, ...]:
        """The people whose function is ``function``, in declaration order."""
        return self._index.members.get(function, ())

    def head(self, function: str) -> Person | None:
        """The person who heads ``function``, or ``None`` if it has no (known) head."""
        found = self._index.functions.get(function)
        if found is None or found.head is None:
            return None
        return self._index.people.get(found.head)

    def heads(self) -> FrozenDict[str, str]:
        """Each function whose head is a person of the org, and that person's id.

        Read-only and hashable, built once with the org's other lookups: equal orgs
        give equal heads.

        >>> org = Org(functions=[Function("Sales", "vp-sales"), Function("IT")],
        ...           people=[Person("vp-sales", "Sam Okafor", "Sales")])
        >>> dict(org.heads())
        {'Sales': 'vp-sales'}

        Added in 0.2.
        """
        return self._index.heads

    def manager(self, id: str) -> Person | None:
        """The person ``id`` reports to, or ``None`` at the top (or if unknown)."""
        person = self._index.people.get(id)
        if person is None or person.manager is None:
            return None
        return self._index.people.get(person.manager)

    def reports(self, id: str) -> tuple[Person, ...]:
        """The people who report directly to ``id``."""
        return self._index.reports.get(id, ())

    def manager_chain(self, id: str) -> tuple[Person, ...]:
        """Everyone above ``id``, nearest first, up to the top.

        The chain stops at an unknown manager, and at a reporting cycle before it
        repeats anyone, so it always ends.

        >>> org = Org(people=[Person("a", "A", "X", manager="b"), Person("b", "B", "X", "a")])
        >>> [p.id for p in org.manager_chain("a")]
        ['b']
        """
        chain: list[Person] = []
        seen = {id}
        current = self.manager(id)
        while current is not None and current.id not in seen:
            chain.append(current)
            seen.add(current.id)
            current = self.manager(current.id)
        return tuple(chain)

    def lowest_common_manager(self, a: str, b: str) -> Person | None:
        """The lowest person who manages both ``a`` and ``b``, directly or not.

        A person counts as their own manager here: if ``a`` manages ``b``, the answer
        is ``a``, and for ``a == b`` it is ``a``. This is who settles a disagreement
        between the two at the lowest level that can.

        Returns:
            That person, or ``None`` when either is unknown or their chains never meet.
        """
        first = self.get_person(a)
        second = self.get_person(b)
        if first is None or second is None:
            return None
        above_a = {first.id, *(p.id for p in self.manager_chain(a))}
        for candidate in (second, *self.manager_chain(b)):
            if candidate.id in above_a:
                return candidate
        return None

    def people_of(self, party: str) -> tuple[Person, ...]:
        """The people a party stands for: a person is themself, a function its members.

        >>> org = Org(people=[Person("a", "A", "Sales"), Person("b", "B", "Sales")])
        >>> [p.id for p in org.people_of("Sales")], [p.id for p in org.people_of("a")]
        (['a', 'b'], ['a'])
        """
        person = self._index.people.get(party)
        if person is not None:
            return (person,)
        return self._index.members.get(party, ())

    def is_party(self, name: str) -> bool:
        """True if ``name`` is a person id or a function name."""
        return name in self._index.people or name in self._index.functions

    def __iter__(self) -> Iterator[Person]:  # type: ignore[override]  # iterate people, not fields
        """Iterate over people (not over fields, as a plain pydantic model would)."""
        return iter(self.people)

    def __len__(self) -> int:
        """The number of people."""
        return len(self.people)

    # -- lint -----------------------------------------------------------------------

    def lint(self) -> Report:
        """Check the organisation and report what does not add up.

        Codes: ``ORG001`` unknown manager, ``ORG002`` reporting cycle, ``ORG003``
        duplicate person id, ``ORG004`` unknown head, ``ORG005`` undeclared function,
        ``ORG006`` function without head, ``ORG007`` head outside their function,
        ``ORG008`` duplicate function, ``ORG009`` empty function, ``ORG010`` a name
        that is both a person and a function. See *Diagnostic codes* for each.

        Returns:
            The findings, placed at field paths (or CSV rows, for an org read by
            :meth:`from_csv`).
        """
        found = list(_lint_org(self))
        if self._source is not None:
            found = [d.with_location(resolve_location(self._source, d.location)) for d in found]
        return Report(found)


def _lint_org(org: Org) -> Iterator[Diagnostic]:
    index = org._index  # noqa: SLF001 - same module
    ids = index.people
    functions = index.functions
    # Each unknown name is compared with every id once, however many people name it:
    # in a large org, comparing again for each of them would take minutes.
    suggested: dict[tuple[str, bool], str | None] = {}

    def close_to(name: str, *, among_people: bool) -> str | None:
        key = (name, among_people)
        if key not in suggested:
            suggested[key] = suggest(name, ids if among_people else functions)
        return suggested[key]

    # Ids declared more than once: counted only when the index shows there are some.
    counts = Counter(p.id for p in org.people) if len(ids) < len(org.people) else Counter()
    for i, person in enumerate(org.people if counts else ()):
        if counts[person.id] > 1 and index.position[person.id] != i:
            first = index.position[person.id]
            yield DUPLICATE_PERSON_ID.diagnostic(
                f"Person id `{person.id}` is declared more than once (first as people[{first}])",
                path=("people", i, "id"),
                target=person.id,
            )
    for i, person in enumerate(org.people):
        if index.position.get(person.id) != i:
            continue
        if person.manager is not None and person.manager not in ids:
            close = close_to(person.manager, among_people=True)
            yield UNKNOWN_MANAGER.diagnostic(
                f"Person `{person.id}` reports to `{person.manager}`, who is not in the org",
                path=("people", i, "manager"),
                target=person.id,
                hint=f"Did you mean `{close}`?" if close else None,
            )
        if person.function not in functions:
            close = close_to(person.function, among_people=False)
            yield UNDECLARED_FUNCTION.diagnostic(
                f"Person `{person.id}` belongs to `{person.function}`, "
                "which is not a declared function",
                path=("people", i, "function"),
                target=person.id,
                hint=f"Did you mean `{close}`?" if close else None,
            )
        if person.id in functions:
            yield PERSON_NAMED_LIKE_FUNCTION.diagnostic(
                f"`{person.id}` is both a person id and a function name",
                path=("people", i, "id"),
                target=person.id,
            )
    yield from _cycles(org)

    function_counts = Counter(f.name for f in org.functions)
    for k, function in enumerate(org.functions):
        if index.function_position[function.name] != k:
            yield DUPLICATE_FUNCTION.diagnostic(
                f"Function `{function.name}` is declared more than once",
                path=("functions", k, "name"),
                target=function.name,
            )
            continue
        del function_counts[function.name]
        if function.head is None:
            yield FUNCTION_WITHOUT_HEAD.diagnostic(
                f"Function `{function.name}` has no head",
                path=("functions", k),
                target=function.name,
            )
        elif function.head not in ids:
            close = close_to(function.head, among_people=True)
            yield UNKNOWN_HEAD.diagnostic(
                f"Function `{function.name}` is headed by `{function.head}`, who is not in the org",
                path=("functions", k, "head"),
                target=function.name,
                hint=f"Did you mean `{close}`?" if close else None,
            )
        elif ids[function.head].function != function.name:
            yield HEAD_OUTSIDE_FUNCTION.diagnostic(
                f"Function `{function.name}` is headed by `{function.head}`, "
                f"who belongs to `{ids[function.head].function}`",
                path=("functions", k, "head"),
                target=function.name,
            )
        if function.name not in index.members:
            yield EMPTY_FUNCTION.diagnostic(
                f"Function `{function.name}` has no members",
                path=("functions", k),
                target=function.name,
            )


def _cycles(org: Org) -> Iterator[Diagnostic]:
    """Each reporting cycle once, at its first member in file order; linear time."""
    index = org._index  # noqa: SLF001 - same module
    done: set[str] = set()
    for person_id, person in index.people.items():
        if person.manager is None or (person.manager in done and person.manager != person_id):
            done.add(person_id)  # at the top, or under a chain already walked: no new cycle
            continue
        walk: dict[str, int] = {}
        current: str | None = person_id
        while current is not None and current not in done and current not in walk:
            walk[current] = len(walk)
            known = index.people.get(current)
            current = known.manager if known is not None else None
        if current is not None and current in walk:
            loop = list(walk)[walk[current] :]
            first = min(loop, key=index.position.__getitem__)
            start = loop.index(first)
            ordered = loop[start:] + loop[:start]
            yield REPORTING_CYCLE.diagnostic(
                _cycle_message(ordered),
                path=("people", index.position[first], "manager"),
                target=first,
            )
        done.update(walk)


_CYCLE_SHOWN = 10
"""A reporting cycle's message names at most this many people."""
_ID_SHOWN = 40
"""Longer ids are cut to this many characters in a cycle's message."""


def _cycle_message(loop: list[str]) -> str:
    """The loop from its first member back to them, short however long the loop is.

    >>> _cycle_message(["x", "z", "y"])
    'Reporting cycle: x → z → y → x'
    >>> _cycle_message([f"p{i}" for i in range(12)])
    'Reporting cycle of 12 people: p0 → p1 → p2 → p3 → p4 → p5 → p6 → p7 → p8 → p9 → ... and 2 more → p0'
    """  # noqa: E501 - a doctest's output line
    names = [p if len(p) <= _ID_SHOWN else p[: _ID_SHOWN - 1] + "…" for p in loop[:_CYCLE_SHOWN]]
    if len(loop) <= _CYCLE_SHOWN:
        return "Reporting cycle: " + " → ".join([*names, names[0]])
    more = len(loop) - _CYCLE_SHOWN
    return (
        f"Reporting cycle of {len(loop)} people: "
        + " → ".join(names)
        + f" → ... and {more} more → {names[0]}"
    )
