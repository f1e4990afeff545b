"""The organisation as an area of the alignment file: the ``org:`` section, ``ORG`` codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from alignkit._areas_common import under
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.org._model import Org
from alignkit.org._rules import RULES

__all__ = ["AREA", "check"]


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``ORG001``-``ORG010`` on the file's organisation."""
    del options  # nothing to tune
    return under(file.org.lint(), "org")


AREA: Final = Area(
    key="org",
    prefix="ORG",
    title="The organisation",
    module="alignkit.org",
    section=Org,
    rules=RULES,
    check=check,
)
