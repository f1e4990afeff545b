"""The base of every spec model, and the translation of pydantic's errors.

Specs (what people write) are frozen pydantic models that forbid unknown keys.
pydantic wraps anything raised inside a validator into its own ``ValidationError``,
so the translation into :class:`~alignkit.errors.SpecError` happens here, once, at
the constructor and the ``model_validate*`` entry points.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Final, Self, TypeVar

import attrs
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "NAME_PATTERN",
    "SpecModel",
    "TupleOf",
    "declared_twice",
    "describe_error",
    "model_at",
    "spec_error",
    "suggest",
]

T = TypeVar("T")

NAME_PATTERN: Final = r"^\S(?:[^\r\n]*\S)?$"
"""Free-text names (decision ids, parties): not empty, no surrounding spaces, one line."""

TupleOf = Annotated[Sequence[T], AfterValidator(tuple)]
"""A field that accepts any sequence (a list from YAML or Python) and stores a tuple."""


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
    if origin is dict:
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


def describe_error(
    item: Any,  # noqa: ANN401 - pydantic's ErrorDetails
    model: type[BaseModel] | None,
) -> tuple[tuple[str | int, ...], str]:
    """A field path and a plain-language message for one pydantic error."""
    raw = tuple(part for part in item["loc"] if isinstance(part, int | str))
    loc = _walk(model, raw)[0]
    kind = item["type"]
    if kind == "extra_forbidden" and loc:
        key = loc[-1]
        parent = _walk(model, raw[:-1])[1]  # the raw path says which union member
        message = f"Unknown key {key!r}"
        if parent is not None:
            keys = _keys(parent)
            close = suggest(str(key), keys)
            if close is not None:
                message += f"; did you mean {close!r}?"
            else:
                message += f"; valid keys here: {', '.join(keys)}"
        return loc, message
    if kind == "missing" and loc:
        return loc, f"Missing required key {loc[-1]!r}"
    value = item.get("input")
    if kind == "string_type" and isinstance(value, bool | int | float):
        return loc, f"Expected text, got {value!r}; quote it in YAML if it is a name"
    if kind == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == NAME_PATTERN:
        return loc, "Must be non-empty text without surrounding spaces or line breaks"
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return loc, _describe_union_tag(kind, item.get("ctx", {}))
    message = item["msg"]
    if kind.startswith("value_error") and message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return loc, message


def _describe_union_tag(kind: str, ctx: Mapping[str, Any]) -> str:
    """A discriminated union's tag (``check:`` of a gate's check, say) is missing or unknown."""
    tag = str(ctx.get("discriminator", "kind")).strip("'")
    if kind == "union_tag_not_found":
        return f"Missing required key {tag!r}, which says what kind of entry this is"
    return f"Unknown {tag} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags', '')}"


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
