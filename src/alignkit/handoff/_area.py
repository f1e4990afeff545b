"""Handoffs as an area of the alignment file: the ``handoffs:`` section, ``HO`` codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from alignkit._areas_common import under
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.handoff._rules import RULES
from alignkit.handoff._section import HandoffsSection

__all__ = ["AREA", "check"]


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``HO001``-``HO005`` on the file's handoffs section, if it has one."""
    del options  # nothing to tune
    section: HandoffsSection | None = file.section("handoffs")
    if section is None:
        return ()
    return under(section.lint(file.org), "handoffs")


AREA: Final = Area(
    key="handoffs",
    prefix="HO",
    title="Handoffs",
    module="alignkit.handoff",
    section=HandoffsSection,
    rules=RULES,
    check=check,
)
