"""Public faces of packages: names defined in private modules, shown at their public path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["publish"]


def publish(namespace: Mapping[str, Any], names: Iterable[str]) -> None:
    """Set ``__module__`` of the classes and functions ``names`` to the public module.

    As httpx does: docs, reprs, pickles and error messages name ``alignkit.handoff``,
    where users import from, rather than the private module the code lives in.
    """
    module = namespace["__name__"]
    for name in names:
        value = namespace[name]
        if isinstance(value, type) or callable(value):
            try:
                value.__module__ = module
            except (AttributeError, TypeError):  # pragma: no cover - a builtin or a C type
                continue
