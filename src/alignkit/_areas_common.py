"""What the areas' checks share: placing a section's findings under its key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from alignkit.diagnostics import Diagnostic, Location, PathPart

__all__ = ["under"]


def under(diagnostics: Iterable[Diagnostic], *prefix: PathPart) -> Iterator[Diagnostic]:
    """``diagnostics`` with ``prefix`` put in front of each path (a section's key)."""
    for d in diagnostics:
        loc = d.location or Location()
        yield d.with_location(attrs.evolve(loc, path=(*prefix, *loc.path)))
