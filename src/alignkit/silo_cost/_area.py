"""The cost of silos as an area of the alignment file: ``silo_cost:``, ``SC`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.silo_cost._model import CATALOGUE
from alignkit.silo_cost._rules import (
    FUNCTION_WITHOUT_COST,
    RULES,
    SHARE_OUT_OF_RANGE,
    UNKNOWN_ASSUMPTION,
)
from alignkit.silo_cost._section import SiloCostSection

__all__ = ["AREA", "check"]

_UNITS: Final = {a.name: a.unit for a in CATALOGUE}


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """The ``SC`` codes on the file's ``silo_cost`` section."""
    del options  # nothing to tune
    section: SiloCostSection | None = file.section("silo_cost")
    if section is None:
        return ()
    return _findings(file, section)


def _findings(file: AlignmentView, section: SiloCostSection) -> Iterator[Diagnostic]:
    for name, value in section.assumptions.items():
        where = ("silo_cost", "assumptions", name)
        if name not in _UNITS:
            close = suggest(name, list(_UNITS))
            yield UNKNOWN_ASSUMPTION.diagnostic(
                f"`{name}` is not an assumption of the cost model",
                path=where,
                target=name,
                hint=f"Did you mean `{close}`?" if close else None,
            )
        elif _UNITS[name] == "share" and not 0 <= value <= 1:
            yield SHARE_OUT_OF_RANGE.diagnostic(
                f"`{name}` is a share, written from 0 to 1, and is set to {value}",
                path=where,
                target=name,
            )
    org = file.org
    if org is None:
        return
    staffed = sorted({person.function for person in org.people})
    for function in staffed:
        if function not in section.loaded_cost:
            yield FUNCTION_WITHOUT_COST.diagnostic(
                f"`{function}` has people but no loaded cost: the cost of silos leaves it out",
                path=("silo_cost", "loaded_cost"),
                target=function,
            )


AREA: Final = Area(
    key="silo_cost",
    prefix="SC",
    title="Cost of silos",
    module="alignkit.silo_cost",
    section=SiloCostSection,
    rules=RULES,
    check=check,
    commands="cost = alignkit.silo_cost._cli:cost",
)
