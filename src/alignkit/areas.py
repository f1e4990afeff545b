"""The area registry: each area of an alignment file is a plug-in, one line here.

An :class:`Area` owns a section of ``alignment.yaml`` (its key and its model), the
rules it reports (their codes share its prefix), the check that raises them, the
lint options that tune them (settable under ``lint:`` in the file) and, optionally,
a command group of the ``alignkit`` command. The rule catalogue, the file's checks,
the JSON Schema, the docs and the CLI are all derived from this registry, so adding
an area is its package plus one line in ``_BUILT_IN`` (or a :func:`register_area`
call from a tool of your own).

>>> from alignkit.areas import areas
>>> [(area.key, area.prefix) for area in areas()][:3]
[('org', 'ORG'), ('decision_rights', 'DR'), ('handoffs', 'HO')]

Added in 0.1.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, Protocol, final

import attrs

from alignkit.diagnostics import register_section
from alignkit.errors import SpecError, UnknownNameError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from alignkit._rule import Rule
    from alignkit.diagnostics import Diagnostic

__all__ = [
    "AlignmentView",
    "Area",
    "area",
    "areas",
    "generation",
    "register_area",
    "registered",
    "unregister_area",
]

# The built-in areas, in the order of the file's sections: `module:attribute` of each
# area's description. Adding an area is one line here.
_BUILT_IN: Final = (
    "alignkit.org._area:AREA",
    "alignkit.decision_rights._area:AREA",
    "alignkit.handoff._area:AREA",
    "alignkit.squads._area:AREA",
    "alignkit.bonus._area:AREA",
    "alignkit.incentives._area:AREA",
    "alignkit.decision_log._area:AREA",
    "alignkit.review._area:AREA",
    "alignkit.channels._area:AREA",
    "alignkit.value_stream._area:AREA",
    "alignkit.glossary._area:AREA",
    "alignkit.silo_cost._area:AREA",
    "alignkit.coaching._area:AREA",
    "alignkit.diagnose._area:AREA",
)


class AlignmentView(Protocol):
    """What an area's check may read of an alignment file.

    :class:`~alignkit.alignment_file.AlignmentFile` is one; a test or a tool may
    pass any object with these members.
    """

    @property
    def org(self) -> Any:  # noqa: ANN401 - an Org; typed loosely to keep areas below the file
        """The organisation (:class:`alignkit.org.Org`)."""

    def section(self, key: str) -> Any:  # noqa: ANN401 - each area's own section model
        """The section under ``key`` (``None`` when the file has none)."""


Check = Callable[[AlignmentView, Any], Iterable["Diagnostic"]]
"""An area's check: the file and the area's lint options in, findings out.

Findings' paths start at the file's root (``("decision_rights", "decisions", 3)``),
so an area may point at another area's section (``DR006`` points into ``org``).
"""


@final
@attrs.frozen
class Area:
    """One area of the alignment file, and everything it owns.

    Attributes:
        key: The section's key in the file (``"decision_rights"``), also the key of
            its options under ``lint:``.
        prefix: The prefix of its codes (``"DR"``).
        title: Its name for people (``"Decision rights"``).
        module: The public module users import it from (``"alignkit.decision_rights"``).
        section: The model of its section, or ``None`` for an area whose findings are
            about other sections.
        rules: Its rules, in code order; every code starts with ``prefix``.
        check: Its check (see :data:`Check`).
        options: The model of its lint options, every field with a default; ``None``
            when nothing can be tuned.
        commands: Its ``alignkit`` command, as an entry point is written:
            ``"rights = alignkit.decision_rights._cli:rights"`` (the command's name,
            then where its click group is); imported only when the command runs.
            ``None`` when it has none.
        many: True when the section is a list of items (``teams:``).

    Added in 0.1.
    """

    key: str
    prefix: str
    title: str
    module: str
    section: type[BaseModel] | None
    rules: tuple[Rule, ...]
    check: Check = attrs.field(eq=False)
    options: type[BaseModel] | None = None
    commands: str | None = None
    many: bool = False

    def __attrs_post_init__(self) -> None:
        wrong = [rule.code for rule in self.rules if rule.code.rstrip("0123456789") != self.prefix]
        if wrong:
            raise SpecError.single(
                f"Area `{self.key}` has codes without its prefix {self.prefix}: {', '.join(wrong)}"
            )
        if self.commands is not None and self.command is None:
            raise SpecError.single(
                f"Area `{self.key}`: write its commands as `name = module:attribute`, "
                f"got {self.commands!r}"
            )

    @property
    def command(self) -> tuple[str, str] | None:
        """The command's name and ``module:attribute`` of its group, if it has one."""
        if self.commands is None:
            return None
        name, _, path = (part.strip() for part in self.commands.partition("="))
        if not name or ":" not in path:
            return None
        return name, path

    def default_options(self) -> Any:  # noqa: ANN401 - the area's own options model
        """Its lint options with every default, or ``None`` when it has none."""
        return self.options() if self.options is not None else None


_registered: list[Area] = []
_generation = 0
_loaded = False


def _load_built_in() -> None:
    global _loaded, _generation  # noqa: PLW0603 - the registry is this module's state
    if _loaded:
        return
    _loaded = True
    built_in = []
    for path in _BUILT_IN:
        module, _, attribute = path.partition(":")
        built_in.append(getattr(importlib.import_module(module), attribute))
    _registered[:0] = built_in
    for each in built_in:
        register_section(each.prefix, each.key)
    _generation += 1


def areas() -> tuple[Area, ...]:
    """Every registered area: the built-in ones in file order, then any registered."""
    _load_built_in()
    return tuple(_registered)


def area(key: str) -> Area:
    """The area whose section key is ``key``.

    Raises:
        UnknownNameError: No area has that key; the nearest is suggested.
    """
    found = next((a for a in areas() if a.key == key), None)
    if found is None:
        raise UnknownNameError.for_name("area", key, [a.key for a in areas()])
    return found


def generation() -> int:
    """A number that changes whenever the registry does (for caches derived from it)."""
    _load_built_in()
    return _generation


def register_area(new: Area) -> None:
    """Add an area: its section, rules, check, options and commands join alignkit's.

    Raises:
        SpecError: Its key, prefix or a code is already taken.
    """
    global _generation  # noqa: PLW0603 - the registry is this module's state
    taken = {a.key for a in areas()}
    prefixes = {a.prefix for a in areas()} | {"AK"}
    problems = []
    if new.key in taken:
        problems.append(f"the key `{new.key}` is taken")
    if new.prefix in prefixes:
        problems.append(f"the prefix {new.prefix} is taken")
    if problems:
        raise SpecError.single(f"Cannot register area `{new.key}`: {'; '.join(problems)}")
    _registered.append(new)
    register_section(new.prefix, new.key)
    _generation += 1


def unregister_area(key: str) -> None:
    """Remove a registered area (a built-in one cannot be removed).

    Raises:
        UnknownNameError: No area registered with :func:`register_area` has that key.
    """
    global _generation  # noqa: PLW0603 - the registry is this module's state
    built_in = len(_BUILT_IN)
    index = next((i for i, a in enumerate(areas()) if a.key == key and i >= built_in), None)
    if index is None:
        raise UnknownNameError.for_name("registered area", key, [a.key for a in areas()[built_in:]])
    del _registered[index]
    _generation += 1  # its prefix stays known: its findings still read as its section


@contextmanager
def registered(new: Area) -> Iterator[Area]:
    """Register ``new`` for the duration of a ``with`` block (tests, one-off runs)."""
    register_area(new)
    try:
        yield new
    finally:
        unregister_area(new.key)
