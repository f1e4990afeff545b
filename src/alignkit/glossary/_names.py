"""How a term's name is compared: internal to alignkit.glossary."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["normalised"]

_SEPARATORS: Final = re.compile(r"[\s_-]+")


def normalised(name: str) -> str:
    """A term's name as it is looked up: case, hyphens and runs of spaces do not matter.

    >>> normalised("  Annual   Recurring Revenue "), normalised("Closed-Won")
    ('annual recurring revenue', 'closed won')
    """
    return _SEPARATORS.sub(" ", name).strip().casefold()
