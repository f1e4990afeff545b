"""How a term's name is compared: internal to alignkit.glossary."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["normalised"]

_SPACES: Final = re.compile(r"\s+")


def normalised(name: str) -> str:
    """A term's name as it is looked up: case and runs of spaces do not matter.

    >>> normalised("  Annual   Recurring Revenue ")
    'annual recurring revenue'
    """
    return _SPACES.sub(" ", name.strip()).casefold()
