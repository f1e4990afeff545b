"""The catalogue of diagnostic codes: what each checks, why, and how to fix it.

Every code alignkit can report is listed here with its documentation, the same text
``alignkit rule CODE`` prints and the docs site shows. Each area defines its rules
beside the checks that raise them; the catalogue gathers them from the areas.
A code, once published, keeps its meaning; a retired code stays listed, marked removed.

>>> from alignkit.rules import RULES, get_rule
>>> rule = get_rule("ORG001")
>>> rule.name, rule.severity.value
('unknown-manager', 'error')
>>> all(code == r.code for code, r in RULES.items())
True

Added in 0.1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final, final

from alignkit._exports import publish
from alignkit._rule import Rule
from alignkit.diagnostics import register_rules
from alignkit.errors import UnknownNameError

__all__ = ["RULES", "Rule", "get_rule", "settings_of"]

publish(globals(), ["Rule"])


@final
class _Catalogue(Mapping[str, Rule]):
    """Every code of the file itself and of every registered area, in catalogue order.

    It follows the area registry, so an area registered later is in it too.
    """

    def __init__(self) -> None:
        self._by_code: dict[str, Rule] = {}
        self._by_name: dict[str, Rule] = {}
        self._generation = -1

    def _rules(self) -> dict[str, Rule]:
        from alignkit._file_rules import RULES as FILE_RULES
        from alignkit.areas import areas, generation

        if self._generation != generation():
            rules = [*FILE_RULES, *(rule for area in areas() for rule in area.rules)]
            self._by_code = {rule.code: rule for rule in rules}
            self._by_name = {rule.name: rule for rule in rules}
            self._generation = generation()
        return self._by_code

    def __getitem__(self, code: str) -> Rule:
        return self._rules()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())

    def by_name(self, name: str) -> Rule | None:
        """The rule whose kebab-case name is ``name``, if any."""
        self._rules()
        return self._by_name.get(name)

    def names(self) -> list[str]:
        """Every rule's name."""
        self._rules()
        return list(self._by_name)

    def __repr__(self) -> str:
        return f"<the catalogue of {len(self)} diagnostic codes>"


_CATALOGUE: Final = _Catalogue()

RULES: Final[Mapping[str, Rule]] = _CATALOGUE
"""Every diagnostic code, in catalogue order: the file's own, then each area's."""

register_rules(RULES)


def get_rule(code: str) -> Rule:
    """The rule for ``code`` or for its name (both case-insensitive).

    >>> get_rule("reporting-cycle").code
    'ORG002'

    Raises:
        UnknownNameError: No such code or name; the nearest is suggested.
    """
    catalogue = _CATALOGUE
    key = code.strip()
    found = catalogue.get(key.upper()) or catalogue.by_name(key.lower())
    if found is None:
        known = [*catalogue, *catalogue.names()] if not key[-1:].isdigit() else list(catalogue)
        raise UnknownNameError.for_name("diagnostic code or name", code, known)
    return found


def settings_of(rule: Rule) -> list[str]:
    """The ``lint:`` options of the file that tune ``rule``, one line each.

    An option belongs to a rule when its description names the rule's code.

    >>> settings_of(get_rule("DR004"))
    ['`lint: decision_rights: max_consulted` (default 5): More consulted parties than this slow a decision (DR004).']

    Added in 0.1.
    """  # noqa: E501 - a doctest's output line
    from alignkit.areas import areas

    prefix = rule.code.rstrip("0123456789")
    lines = []
    for area in areas():
        if area.prefix != prefix or area.options is None:
            continue
        for name, field in area.options.model_fields.items():
            description = field.description or ""
            if rule.code in description:
                default = field.get_default(call_default_factory=True)
                shown = ", ".join(map(str, default)) if isinstance(default, tuple) else default
                lines.append(f"`lint: {area.key}: {name}` (default {shown}): {description}")
    return lines
