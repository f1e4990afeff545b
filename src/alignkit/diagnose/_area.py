"""The diagnosis as an area: no section or codes of its own, the ``alignkit diagnose`` command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic

__all__ = ["AREA"]


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """Nothing: the diagnosis reads the other areas' findings; it adds none."""
    del file, options
    return ()


AREA: Final = Area(
    key="diagnose",
    prefix="DX",
    title="Diagnosis",
    module="alignkit.diagnose",
    section=None,
    rules=(),
    check=check,
    commands="diagnose = alignkit.diagnose._cli:diagnose_command",
)
