"""Safe YAML/JSON loading that remembers where every value was written.

Only the plain YAML tags are accepted (maps, lists, strings, numbers, booleans, null,
dates), as with ``yaml.safe_load``; a Python object tag is a problem, never a call.
Duplicate keys are problems too (``safe_load`` would silently keep the last).
PyYAML is imported here, on first use, so ``import alignkit`` does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from alignkit._source import TextSourceMap
from alignkit.diagnostics import Location, PathPart
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    import yaml

__all__ = ["DEFAULT_MAX_BYTES", "decode", "parse_text"]

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
"""The largest alignment file read by default: 10 MiB."""

_MAX_NODES: Final = 2_000_000  # guards against alias ("billion laughs") expansion
_PLAIN = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _PLAIN + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)


def decode(data: bytes, file: str) -> str:
    """Bytes as UTF-8 text (a BOM is dropped); a problem with its line if not text."""
    if not data.strip():
        raise SpecError.single("The file is empty", Location(file, line=1, column=1))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SpecError.single(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "is it a binary file or in another encoding?",
            Location(file, line=line, column=column),
        ) from None


class _Walker:
    def __init__(self, file: str) -> None:
        import yaml

        self.yaml = yaml
        self.file = file
        self.constructor = yaml.constructor.SafeConstructor()
        self.positions: dict[tuple[PathPart, ...], tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def at(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.file, line=mark.line + 1, column=mark.column + 1)

    def note(self, path: tuple[PathPart, ...], node: yaml.Node) -> None:
        mark = node.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))

    def value(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:  # noqa: ANN401 - YAML data
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise SpecError.single(
                f"The document expands to more than {_MAX_NODES:,} values "
                "(too many aliases?); refusing to read it",
                self.at(node),
            )
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _PLAIN + "seq":
                self.bad_tag(node)
            out = []
            for index, item in enumerate(node.value):
                self.note((*path, index), item)
                out.append(self.value(item, (*path, index)))
            return out
        if node.tag not in _SCALAR_TAGS:
            return self.bad_tag(node)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            self.problems.append(Problem(f"Cannot read value: {error}", self.at(node)))
            return None

    def bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_PLAIN, "!!")
        self.problems.append(
            Problem(
                f"The tag {tag!r} is not allowed; alignment files hold plain data only",
                self.at(node),
            )
        )

    def mapping(self, node: yaml.MappingNode, path: tuple[PathPart, ...]) -> dict[Any, Any]:
        yaml = self.yaml
        if node.tag != _PLAIN + "map":
            self.bad_tag(node)
        out: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _PLAIN + "merge":
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    if isinstance(source, yaml.MappingNode):
                        merged.append(source)
                    else:
                        self.problems.append(
                            Problem("A merge key (<<) must refer to a mapping", self.at(source))
                        )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem("A key must be plain text", self.at(key_node)))
                continue
            key = self.constructor.construct_object(key_node)
            if key in seen:
                self.problems.append(
                    Problem(
                        f"Duplicate key {key!r} (first written on line {seen[key]})",
                        self.at(key_node),
                    )
                )
                continue
            seen[key] = key_node.start_mark.line + 1
            child = (*path, key)
            self.note(child, key_node)
            out[key] = self.value(value_node, child)
        for source in merged:
            for key, value in self.mapping(source, path).items():
                out.setdefault(key, value)
        return out


def parse_text(text: str, file: str) -> tuple[Any, TextSourceMap]:
    """Parse one YAML (or JSON) document into plain data and a source map.

    Raises:
        SpecError: The text is not YAML, holds a disallowed tag or duplicate keys,
            or holds more than one document.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "invalid YAML"
        where = (
            Location(file, line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else Location(file)
        )
        raise SpecError.single(f"Invalid YAML: {what}", where) from None
    except yaml.YAMLError as error:  # pragma: no cover - PyYAML marks nearly every error
        raise SpecError.single(f"Invalid YAML: {error}", Location(file)) from None
    finally:
        loader.dispose()
    if node is None:
        raise SpecError.single("The file holds no document", Location(file, line=1, column=1))
    walker = _Walker(file)
    data = walker.value(node, ())
    walker.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if walker.problems:
        raise SpecError(walker.problems)
    return data, TextSourceMap(file, walker.positions)
