"""JSON values that cannot change: what a package's fields and a CRM payload hold."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from alignkit._spec import FrozenDict

__all__ = ["frozen", "frozen_json", "thawed_json"]

_MAX_NESTING: Final = 100
"""How deeply a package's ``fields`` may nest lists and objects."""


def frozen(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """``value`` with every mapping a :class:`FrozenDict` and every list a tuple, all the way.

    The result is immutable and, when its leaves are, hashable.

    Raises:
        RecursionError: ``value`` nests deeper than Python recurses (or holds itself).
    """
    if isinstance(value, Mapping):
        return FrozenDict({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return value


def frozen_json(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """:func:`frozen`, for a value that must be JSON: no NaN or infinity.

    Raises:
        ValueError: A number is not finite.
    """
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{value} is not a JSON number"
        raise ValueError(msg)
    if isinstance(value, Mapping):
        return FrozenDict({key: frozen_json(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen_json(item) for item in value)
    return value


def thawed_json(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """The plain dicts and lists of a value made by :func:`frozen_json`.

    Raises:
        ValueError: ``value`` nests deeper than 100 levels (or holds itself).
    """
    return _thaw(value, 0)


def _thaw(value: Any, depth: int) -> Any:  # noqa: ANN401 - any JSON value
    if depth > _MAX_NESTING:
        msg = f"Fields may nest lists and mappings at most {_MAX_NESTING} levels deep"
        raise ValueError(msg)
    if isinstance(value, Mapping):
        return {key: _thaw(item, depth + 1) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(item, depth + 1) for item in value]
    return value
