"""The base of every spec model, and the translation of pydantic's errors.

Specs (what people write) are frozen pydantic models that forbid unknown keys.
pydantic wraps anything raised inside a validator into its own ``ValidationError``,
so the translation into :class:`~alignkit.errors.SpecError` happens here, once, at
the constructor and the ``model_validate*`` entry points.
"""

from __future__ import annotations

import itertools
import math
import numbers
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Final, Self, TypeVar, final

import attrs
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    ValidationError,
)

from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "NAME_PATTERN",
    "FrozenDict",
    "FrozenMap",
    "PresetName",
    "SpecModel",
    "TupleOf",
    "also_accepts",
    "declared_twice",
    "describe_error",
    "model_at",
    "spec_error",
    "suggest",
]

T = TypeVar("T")

NAME_PATTERN: Final = r"^\S(?:[^\r\n]*\S)?$"
"""Free-text names (decision ids, parties): not empty, no surrounding spaces, one line."""


def _as_tuple(items: Sequence[T]) -> tuple[T, ...]:
    # A function of ours, not the builtin `tuple`: pydantic inspects each validator's
    # signature when it builds a model's validator, and a builtin's is parsed from text
    # with the tokenize module (imported for it), a cost paid for every such field.
    return tuple(items)


TupleOf = Annotated[Sequence[T], AfterValidator(_as_tuple)]
"""A field that accepts any sequence (a list from YAML or Python) and stores a tuple."""

K = TypeVar("K")
V = TypeVar("V")


@final
class FrozenDict(Mapping[K, V]):
    """An immutable, hashable mapping: what a spec's mapping field stores.

    It compares equal to a ``dict`` with the same items, and a spec holding one can
    be hashed and used as a key.

    >>> owners = FrozenDict({"pricing": "vp-sales"})
    >>> owners == {"pricing": "vp-sales"}, hash(owners) == hash(FrozenDict(owners))
    (True, True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self is other or self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"


FrozenMap = Annotated[Mapping[K, V], AfterValidator(FrozenDict), PlainSerializer(dict)]
"""A mapping field: any mapping in, a :class:`FrozenDict` stored, a ``dict`` dumped.

Give it ``default_factory=FrozenDict``.
"""


class SpecModel(BaseModel):
    """A frozen, strict-keyed pydantic model whose errors are ``SpecError``."""

    # defer_build: the validator is built on first use, so `import alignkit` stays fast.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401 - as pydantic's
        super().__pydantic_init_subclass__(**kwargs)
        # Our __init__ only converts errors (and maps positional arguments); nested data
        # must be validated by pydantic's core, not through __init__, so that every
        # problem keeps its full path instead of being wrapped as one value error.
        cls.__pydantic_custom_init__ = False

    def __init__(self, /, **data: Any) -> None:  # noqa: ANN401 - as pydantic's
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise spec_error(error, model=type(self)) from None
        _raise_broken_invariants(self)

    def model_copy(
        self,
        *,
        update: Mapping[str, Any] | None = None,
        deep: bool = False,
    ) -> Self:
        """A copy; with ``update``, the changed copy is validated like a new spec.

        Indexes cached on the original are never carried over to the copy.

        Raises:
            SpecError: ``update`` names an unknown field or breaks the spec.
        """
        if update:
            fields = type(self).model_fields
            data = {name: getattr(self, name) for name in fields}
            data.update(update)
            return type(self).model_validate(data)
        copied = super().model_copy(deep=deep)
        for name in [k for k in copied.__dict__ if k not in type(self).model_fields]:
            del copied.__dict__[name]  # a cached_property value (an index)
        return copied

    def _invariants(self) -> Iterable[Problem]:
        """Problems no single field can show (a duplicate id across a list, say).

        Paths are relative to this model. Run after pydantic's validation, for this
        model and every spec nested in it, so they never get wrapped by pydantic.
        """
        return ()

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:  # noqa: ANN401 - as pydantic's
        """Validate ``obj``; raise ``SpecError`` naming every bad field."""
        try:
            model = super().model_validate(obj, **kwargs)
        except ValidationError as error:
            raise spec_error(error, model=cls) from None
        _raise_broken_invariants(model)
        return model

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        **kwargs: Any,  # noqa: ANN401 - as pydantic's
    ) -> Self:
        """Validate a JSON document; raise ``SpecError`` naming every bad field."""
        try:
            model = super().model_validate_json(json_data, **kwargs)
        except ValidationError as error:
            raise spec_error(error, model=cls) from None
        _raise_broken_invariants(model)
        return model

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:  # noqa: ANN401 - as pydantic's
        """Validate string data; raise ``SpecError`` naming every bad field."""
        try:
            model = super().model_validate_strings(obj, **kwargs)
        except ValidationError as error:
            raise spec_error(error, model=cls) from None
        _raise_broken_invariants(model)
        return model


_WALK: dict[type[Any], tuple[str, ...]] = {}


def _fields_to_walk(cls: type[SpecModel]) -> tuple[str, ...]:
    """The fields of ``cls`` that may hold specs with invariants (cached per class)."""
    found = _WALK.get(cls)
    if found is None:
        _WALK[cls] = ()  # a recursive model stops here while it is being worked out
        names = []
        for name, field in cls.model_fields.items():
            inner = _unwrap(field.annotation) or _unwrap(_item_type(field.annotation))
            if isinstance(inner, type) and issubclass(inner, SpecModel):
                overrides = inner._invariants is not SpecModel._invariants  # noqa: SLF001
                if overrides or _fields_to_walk(inner):
                    names.append(name)
        found = _WALK[cls] = tuple(names)
    return found


def _collect(model: SpecModel, path: tuple[str | int, ...], out: list[Problem]) -> None:
    for problem in model._invariants():  # noqa: SLF001 - the hook of our own base
        loc = problem.location
        out.append(
            Problem(problem.message, attrs.evolve(loc, path=(*path, *loc.path)), code=problem.code)
        )
    for name in _fields_to_walk(type(model)):
        value = getattr(model, name)
        if isinstance(value, SpecModel):
            _collect(value, (*path, name), out)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, SpecModel):
                    _collect(item, (*path, name, index), out)


def _raise_broken_invariants(model: SpecModel) -> None:
    if not _fields_to_walk(type(model)) and type(model)._invariants is SpecModel._invariants:  # noqa: SLF001
        return
    problems: list[Problem] = []
    _collect(model, (), problems)
    if problems:
        raise SpecError(problems)


def _unwrap(annotation: Any) -> Any:  # noqa: ANN401 - walks arbitrary annotations
    """The model class inside ``X | None``, ``tuple[X, ...]`` or ``list[X]``, if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if inner is not None:
                return inner
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _item_type(annotation: Any) -> Any:  # noqa: ANN401 - walks arbitrary annotations
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _item_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _item_type(arg)
            if inner is not None:
                return inner
        return None
    if origin in (tuple, list, Sequence, frozenset, set):
        args = typing.get_args(annotation)
        return args[0] if args else None
    if origin in (dict, Mapping):
        args = typing.get_args(annotation)
        return args[1] if len(args) == 2 else None  # noqa: PLR2004 - key and value
    return None


def model_at(model: type[BaseModel] | None, path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` under ``model``."""
    return _walk(model, path)[1]


def _union_members(annotation: Any) -> tuple[type[BaseModel], ...]:  # noqa: ANN401
    """The model classes of a union annotation (``A | B``, maybe ``Annotated``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _union_members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return tuple(
            arg
            for arg in typing.get_args(annotation)
            if isinstance(arg, type) and issubclass(arg, BaseModel)
        )
    return ()


def _tag_of(member: type[BaseModel], part: str) -> bool:
    """True when ``part`` is the value of one of ``member``'s ``Literal`` fields."""
    return any(
        typing.get_origin(field.annotation) is typing.Literal
        and part in typing.get_args(field.annotation)
        for field in member.model_fields.values()
    )


def _walk(
    model: type[BaseModel] | None, loc: Sequence[str | int]
) -> tuple[tuple[str | int, ...], type[BaseModel] | None]:
    """Follow ``loc`` down from ``model``.

    Returns the path as it is written in the file, without the member tags pydantic
    puts in paths through tagged unions (``gates.0.checks.0.artifact_present.statuses``
    is ``gates.0.checks.0.statuses``), and the model class that validates the mapping
    at the end of ``loc``, if any.
    """
    out: list[str | int] = []
    current: Any = model
    pending: Any = None  # the item annotation of a list, waiting for its index
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        out.append(part)
        if pending is not None:
            members = _union_members(pending)
            if len(members) > 1 and parts and isinstance(parts[0], str):
                chosen = next((m for m in members if _tag_of(m, str(parts[0]))), None)
                if chosen is not None:
                    parts.pop(0)
                    current, pending = chosen, None
                    continue
            current, pending = _unwrap(pending), None
            continue
        field = (
            current.model_fields.get(part)
            if isinstance(current, type)
            and issubclass(current, BaseModel)
            and isinstance(part, str)
            else None
        )
        if field is None:
            return (*out, *parts), None
        pending = _item_type(field.annotation)
        current = None if pending is not None else _unwrap(field.annotation)
    if pending is None and isinstance(current, type) and issubclass(current, BaseModel):
        return tuple(out), current
    return tuple(out), None


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def describe_error(  # noqa: PLR0911 - one return per kind of error
    item: Any,  # noqa: ANN401 - pydantic's ErrorDetails
    model: type[BaseModel] | None,
) -> tuple[tuple[str | int, ...], str]:
    """A field path and a plain-language message for one pydantic error.

    The message says what was expected, with an example where one helps, and what
    was found; pydantic's own wording never reaches the user.
    """
    # "[key]" marks a problem with a mapping's key rather than its value.
    raw = tuple(part for part in item["loc"] if isinstance(part, int | str) and part != "[key]")
    loc = _walk(model, raw)[0]
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    if kind == "extra_forbidden" and loc:
        unknown = loc[-1]
        parent = _walk(model, raw[:-1])[1]  # the raw path says which union member
        message = f"Unknown key {unknown!r}"
        if parent is not None:
            keys = _keys(parent)
            close = suggest(str(unknown), keys)
            if close is not None:
                message += f"; did you mean {close!r}?"
            else:
                message += f"; valid keys here: {', '.join(keys)}"
        return loc, message
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return loc, _describe_union_tag(kind, ctx)
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or item["msg"])
        return loc, message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    key, annotation = _field_at(model, raw)
    expected = _expected(annotation)
    example = _example(key, annotation)
    for_example = f", for example `{example}`" if example else ""
    if kind == "missing" and loc:
        return loc, f"Missing required key {loc[-1]!r}" + (
            f"; for example `{example}`" if example else ""
        )
    if isinstance(value, float) and not math.isfinite(value):
        return loc, f"Must be a finite number, got {_shown(value)}"
    bounds = _BOUNDS.get(kind)
    if bounds is not None:
        hint = _FIELD_HINTS.get(key or "")
        if hint:
            return loc, f"{hint}; got {_shown(value)}"
        return loc, f"Must be {bounds[0]} {_flow(ctx.get(bounds[1]))}, got {_shown(value)}"
    if kind in ("too_short", "too_long") and expected.startswith("a list of two"):
        return loc, f"Expected {expected}; got {_shown(value)}"
    special = _SPECIAL.get(kind)
    if special is not None:
        return loc, special.format(
            value=_shown(value),
            example=for_example,
            min=_items(ctx.get("min_length")),
            max=_items(ctx.get("max_length")),
        )
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NAME_PATTERN:
            return loc, "Must be non-empty text without surrounding spaces or line breaks"
        return loc, f"{_shown(value).capitalize()} is not in the expected form" + (
            f"; write it like `{example}`" if example else ""
        )
    if kind == "string_type" and isinstance(value, bool | int | float):
        return loc, f"Expected text, got {_shown(value)}; quote it in YAML if it is a name"
    if expected:
        return loc, f"Expected {expected}{for_example}; got {_shown(value)}"
    return loc, f"{_shown(value).capitalize()} is not a valid value here"


# Numeric bounds: the words, and the key of pydantic's context that holds the limit.
_BOUNDS: Final = {
    "greater_than": ("more than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}

# What a bound means for a field, where the bare number would mislead.
_FIELD_HINTS: Final = {
    "weight": "Weights are fractions of 1 that add up to 1: write `0.4` (or `40%`), not `40`",
    "allocation": "An allocation is a fraction of a person's time: write `0.5` for half",
}

# Errors whose meaning does not depend on the field's type.
_SPECIAL: Final = {
    "string_too_short": "Must not be empty{example}",
    "too_short": "Must list at least {min}{example}; got {value}",
    "too_long": "Must list at most {max}{example}; got {value}",
    "finite_number": "Must be a finite number, got {value}",
    "int_from_float": "Expected a whole number, got {value}",
    "int_parsing_size": "The number {value} is too large",
    "timezone_aware": (
        "Needs a time zone, for example `2027-01-31T00:00:00+00:00` (UTC) "
        "or `2027-01-31T09:00:00-05:00`; got {value}"
    ),
    "timezone_naive": "Must not have a time zone, got {value}",
    "date_from_datetime_inexact": "Expected a date without a time{example}; got {value}",
    "date_future": "Must be a date in the future, got {value}",
    "date_past": "Must be a date in the past, got {value}",
}

# Examples by key, where the type alone would give a useless one.
_KEY_EXAMPLES: Final = {
    "accountable": "vp-sales",
    "responsible": "[ae-1]",
    "agree": "[Finance]",
    "consulted": "[Sales, IT]",
    "informed": "[Finance]",
    "functions": "[Sales]",
    "head": "vp-sales",
    "manager": "vp-sales",
    "leader": "ae-1",
    "function": "Sales",
    "id": "ae-1",
    "weight": "0.4",
    "allocation": "0.5",
    "currency": "USD",
    "code": "ORG006",
    "model": "squad",
    "owners": "{pricing: vp-sales}",
    "forums": "{pricing: Revenue council}",
    "metrics": "{individual: bookings}",
    "statuses": "[complete, signed]",
    "drop": "[signed-sow]",
    "artifact_kinds": "[scoping-doc, signed-sow]",
}


# Examples of a list of mappings, by the mapping's model.
_MODEL_EXAMPLES: Final = {
    "Function": "[{name: Sales, head: vp-sales}]",
    "Person": "[{id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}]",
    "Member": "[{id: ae-1, function: Sales}]",
    "Decision": "[{id: approve-discount, accountable: vp-sales, responsible: [ae-1]}]",
    "IgnoreEntry": "[{code: ORG006, target: Support, reason: Head starts in March}]",
}


def _field_at(model: type[BaseModel] | None, raw: Sequence[str | int]) -> tuple[str | None, Any]:
    """The deepest field on ``raw`` and the annotation of the value at its end."""
    for k in range(len(raw) - 1, -1, -1):
        part = raw[k]
        if not isinstance(part, str):
            continue
        parent = _walk(model, raw[:k])[1]
        field = parent.model_fields.get(part) if parent is not None else None
        if field is None:
            continue
        annotation: Any = field.annotation
        for rest in raw[k + 1 :]:
            inner = _item_type(annotation)
            if inner is None:
                return part, None
            annotation = inner
            del rest
        return part, annotation
    return None, None


def _strip(annotation: Any) -> Any:  # noqa: ANN401 - walks arbitrary annotations
    """``annotation`` without ``Annotated`` and without ``None`` in a union."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _strip(args[0])
    return annotation


def _expected(annotation: Any, *, plural: bool = False) -> str:  # noqa: ANN401, PLR0911
    """What a value of ``annotation`` is, in words (``"a list of names"``)."""
    import datetime as dt
    import decimal
    import enum

    annotation = _strip(annotation)
    origin = typing.get_origin(annotation)
    if annotation is None:
        return ""
    if origin in (typing.Union, types.UnionType):
        words = [_expected(a, plural=plural) for a in typing.get_args(annotation)]
        return " or ".join(dict.fromkeys(w for w in words if w))
    if origin is typing.Literal:
        options = [f"`{v}`" for v in typing.get_args(annotation)]
        return options[0] if len(options) == 1 else f"one of {', '.join(options)}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    args = typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and ... not in args:  # noqa: PLR2004 - a pair
        return "a list of two " + _expected(args[0], plural=True)
    item = _item_type(annotation)
    if origin in (dict, Mapping) or annotation is dict:
        return "mappings" if plural else "a mapping of names to values"
    if item is not None:
        inner = _expected(item, plural=True)
        return f"lists of {inner}" if plural else f"a list of {inner}"
    if annotation is str:
        return "names" if plural else "text"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is int:
        return "whole numbers" if plural else "a whole number"
    if annotation in (float, decimal.Decimal):
        return "numbers" if plural else "a number"
    if annotation is dt.datetime or getattr(annotation, "__name__", "") == "AwareDatetime":
        return (
            "dates with a time and a time zone"
            if plural
            else ("a date with a time and a time zone")
        )
    if annotation is dt.date:
        return "dates (YYYY-MM-DD)" if plural else "a date (YYYY-MM-DD)"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        keys = ", ".join(_keys(annotation)[:4])
        return "mappings" if plural else f"a mapping with keys such as {keys}"
    return ""


def _example(key: str | None, annotation: Any) -> str:  # noqa: ANN401
    """An example line ``key: value`` for ``annotation``, where a good one exists."""
    import datetime as dt

    if key is None or key.isdigit():
        return ""
    annotation = _strip(annotation)
    sample = _KEY_EXAMPLES.get(key)
    item = _unwrap(_item_type(annotation))
    if item is not None:  # a list of mappings: the example shows one
        sample = _MODEL_EXAMPLES.get(item.__name__)
    elif sample is not None and _shape(sample) != _shape_of(annotation):
        sample = None  # the same key holds another shape in this model
    if sample is None:
        if annotation is dt.date:
            sample = "2027-01-31"
        elif annotation is dt.datetime or getattr(annotation, "__name__", "") == "AwareDatetime":
            sample = "2027-01-31T00:00:00+00:00"
    return f"{key}: {sample}" if sample is not None else ""


def _items(count: object) -> str:
    """``one item``, ``3 items``."""
    return "one item" if count == 1 else f"{count} items"


def _shape(sample: str) -> str:
    return {"[": "list", "{": "mapping"}.get(sample[:1], "value")


def _shape_of(annotation: Any) -> str:  # noqa: ANN401 - walks arbitrary annotations
    origin = typing.get_origin(annotation)
    if origin in (dict, Mapping) or annotation is dict:
        return "mapping"
    return "list" if _item_type(annotation) is not None else "value"


def _shown(value: Any) -> str:  # noqa: ANN401 - any input
    """How a value was written, in YAML terms: ``the text 'x'``, ``a list `[a, b]```."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {_flow(value)}" if value else "empty text"
    if isinstance(value, list | tuple):
        return f"a list `{_flow(value)}`" if value else "an empty list"
    if isinstance(value, dict):
        return f"a mapping `{_flow(value)}`" if value else "an empty mapping"
    return f"`{_flow(value)}`"


_LONG_INT_BITS: Final = 200  # about 60 digits


def _flow(value: Any, budget: int = 60, *, depth: int = 0) -> str:  # noqa: ANN401
    """A short, one-line YAML-like rendering of ``value``; never fails, whatever it is."""
    import datetime as dt
    import re

    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, int) and value.bit_length() > _LONG_INT_BITS:
        # str() of a huge int is slow, and refused past 4,300 digits: say how long it is.
        text = f"a number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    elif isinstance(value, float):
        text = f"{value:g}" if math.isfinite(value) else str(value).lower()
    elif isinstance(value, str):
        value = value[: budget + 1]
        plain = depth > 0 and re.fullmatch(r"[\w@./+-][\w@./+ -]*", value) is not None
        text = value if plain else repr(value)
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, list | tuple | dict) and depth >= _FLOW_DEPTH:
        text = "[...]" if isinstance(value, list | tuple) else "{...}"
    elif isinstance(value, list | tuple):
        shown = [_flow(v, budget, depth=depth + 1) for v in value[:_FLOW_ITEMS]]
        text = "[" + ", ".join(shown) + (", ..." if len(value) > _FLOW_ITEMS else "") + "]"
    elif isinstance(value, dict):
        pairs = list(itertools.islice(value.items(), _FLOW_ITEMS))
        shown = [
            f"{_flow(k, budget, depth=depth + 1)}: {_flow(v, budget, depth=depth + 1)}"
            for k, v in pairs
        ]
        text = "{" + ", ".join(shown) + (", ..." if len(value) > _FLOW_ITEMS else "") + "}"
    elif isinstance(value, numbers.Number):
        try:
            text = str(value)
        except ValueError:  # a Decimal or Fraction too long to print
            text = f"a very long {type(value).__name__}"
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= budget else text[: budget - 3] + "..."


_FLOW_DEPTH: Final = 3  # nesting shown before `[...]`
_FLOW_ITEMS: Final = 8  # items of a list or mapping shown before `...`


def _describe_union_tag(kind: str, ctx: Mapping[str, Any]) -> str:
    """A discriminated union's tag (``check:`` of a gate's check, say) is missing or unknown."""
    tag = str(ctx.get("discriminator", "kind")).strip("'")
    if kind == "union_tag_not_found":
        return f"Missing required key {tag!r}, which says what kind of entry this is"
    return f"Unknown {tag} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags', '')}"


def _snake(value: object) -> object:
    return value.strip().replace("-", "_") if isinstance(value, str) else value


PresetName = BeforeValidator(_snake)
"""Reads a preset's name as written either way: ``minimum-viable`` or ``minimum_viable``."""


def also_accepts(*names: str) -> Callable[[dict[str, Any]], None]:
    """A field's JSON Schema that also allows ``names`` (a preset's name for a mapping).

    For ``Field(json_schema_extra=...)``: what the field's type describes stays, and
    editors accept the shorthand the loader accepts too.
    """

    def widen(schema: dict[str, Any]) -> None:
        description = schema.pop("description", None)
        original = dict(schema)
        schema.clear()
        schema["anyOf"] = [{"enum": list(names)}, original]
        if description is not None:
            schema["description"] = description

    return widen


def declared_twice(noun: str, field: str, names: Iterable[str]) -> Iterator[Problem]:
    """A problem for every name of ``field`` after its first declaration."""
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            yield Problem(
                f"{noun} `{name}` is declared twice", Location(path=(field, index, "name"))
            )
        seen.add(name)


def spec_error(
    error: ValidationError,
    *,
    model: type[BaseModel] | None = None,
    prefix: Sequence[str | int] = (),
) -> SpecError:
    """Translate pydantic's ``ValidationError`` into a ``SpecError``.

    Messages are reworded where pydantic's are cryptic: an unknown key names the nearest
    valid one, a missing key is named.
    """
    problems = []
    for item in error.errors(include_url=False):
        path, message = describe_error(item, model)
        problems.append(Problem(message, Location(path=(*prefix, *path))))
    return SpecError(problems)
