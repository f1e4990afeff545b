"""Did-you-mean suggestions for misspelt keys and names."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["suggest"]


def suggest(name: str, options: Iterable[str]) -> str | None:
    """The option closest to ``name``, if one is close enough to be a typo.

    >>> suggest("nmae", ["id", "name", "function"])
    'name'
    >>> suggest("colour", ["id", "name"]) is None
    True
    """
    import difflib  # only needed when something is wrong

    found = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return found[0] if found else None
