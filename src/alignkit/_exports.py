"""Public faces of packages: names defined in private modules, shown at their public path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["publish"]


def publish(
    namespace: Mapping[str, Any], names: Iterable[str], *, module: str | None = None
) -> None:
    """Set ``__module__`` of the classes and functions ``names`` to the public module.

    As httpx does: docs, reprs, pickles and error messages name ``alignkit.handoff``,
    where users import from, rather than the private module the code lives in.
    ``module`` is the public module when it is not the namespace's own (a name the
    package loads only when first asked for).
    """
    module = module or namespace["__name__"]
    for name in names:
        value = namespace[name]
        if isinstance(value, type) or callable(value):
            home = getattr(value, "__module__", None)
            try:
                value.__module__ = module
            except (AttributeError, TypeError):  # pragma: no cover - a builtin or a C type
                continue
            if isinstance(value, type):
                _publish_members(value, home, module)


def _publish_members(cls: type, home: str | None, module: str) -> None:
    """The methods (and properties) ``cls`` defines, shown at ``module`` too.

    Doctest finds a method's examples only when the method's module is the one it
    searches: without this, the examples in the methods of a class shown at its
    public path would never run.
    """
    for member in list(vars(cls).values()):
        function = member.__func__ if isinstance(member, classmethod | staticmethod) else member
        if isinstance(function, property):
            function = function.fget
        if callable(function) and getattr(function, "__module__", None) == home:
            try:
                function.__module__ = module
            except (AttributeError, TypeError):  # pragma: no cover - a builtin or a C type
                continue
