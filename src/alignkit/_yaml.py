"""Safe YAML/JSON loading that remembers where every value was written.

Only the plain YAML tags are accepted (maps, lists, strings, numbers, booleans, null,
dates), as with ``yaml.safe_load``; a Python object tag is a problem, never a call.
Duplicate keys are problems too (``safe_load`` would silently keep the last).
PyYAML is imported here, on first use, so ``import alignkit`` does not pay for it.

Every problem is told in plain words at a line and column: PyYAML's own wording
("did not find expected key", "in <unicode string>, position 0") never reaches users.
A document is measured as it is read: aliases that would expand past a limit
("billion laughs"), an alias to the value that holds it, and deep nesting are refused
before anything is expanded.

With libyaml, the data and where each value was written are built in one pass over
the parser's events, each value built once as its events arrive; without libyaml,
PyYAML's own parser composes the node graph, which is then measured and walked.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any, Final

from alignkit._limits import DEFAULT_MAX_BYTES
from alignkit._source import PositionTree, TextSourceMap, pack_position
from alignkit.diagnostics import Location, PathPart
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    import yaml

__all__ = ["DEFAULT_MAX_BYTES", "decode", "parse_text"]


_MAX_NODES: Final = 2_000_000  # guards against alias ("billion laughs") expansion
_MAX_DEPTH: Final = 100  # lists and mappings inside each other; real files nest under 10
_PLAIN = "tag:yaml.org,2002:"
_MERGE: Final = _PLAIN + "merge"
_SCALAR_TAGS: Final = frozenset(
    _PLAIN + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_TOO_DEEP: Final = (
    f"Values are nested more than {_MAX_DEPTH} levels deep here; refusing to read them"
)
_SELF: Final = "The value here holds an alias to itself, so it never ends; refusing to read it"
_TOO_MANY: Final = (
    "The document expands to more than {limit:,} values (too many aliases?); refusing to read it"
)

# -- bytes to text ---------------------------------------------------------------------

_WIDE_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_BINARY_KINDS: Final = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive, such as an .xlsx spreadsheet"),
    (b"\xd0\xcf\x11\xe0", "an Office document, such as an .xls spreadsheet"),
    (b"\x1f\x8b", "a gzip archive"),
)
# Only a file that cannot be read needs these: they are compiled (and kept, by ``re``)
# on first use, so that reading a good file does not pay for them.
_CONTROL_BYTE: Final = rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Line breaks as YAML counts them, so that our lines match the parser's.
_LINE_BREAK: Final = "\r\n|[\n\r\x85\u2028\u2029]"
# What YAML refuses to read (as PyYAML's reader and libyaml define it).
_NOT_PRINTABLE: Final = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``."""
    line, start = 1, 0
    for found in re.compile(_LINE_BREAK).finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


def decode(data: bytes, file: str) -> str:
    """Bytes as UTF-8 text (a BOM is dropped); a problem with its line if not text.

    Raises:
        SpecError: The data is empty, or is not UTF-8 text: a binary file (a NUL byte,
            or bytes that are not UTF-8 among control bytes), text in another encoding,
            or UTF-16 or UTF-32 text.
    """
    if not data.strip():
        raise SpecError.single("The file is empty", Location(file, line=1, column=1))
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise SpecError.single(
                f"The file is not UTF-8 text: it is {encoding}; save it as UTF-8",
                Location(file, line=1, column=1),
            )
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start
    else:
        bad = len(data)
    nul = data.find(b"\x00", 0, bad)
    if nul == -1 and bad == len(data):
        return text
    start = nul if nul != -1 else bad
    kind = next((f" ({name})" for magic, name in _BINARY_KINDS if data.startswith(magic)), "")
    if nul != -1:
        detail = "byte 0x00 (NUL) never appears in text"
    else:
        detail = f"byte 0x{data[bad]:02x} is not UTF-8 text"
    if nul != -1 or kind or re.search(_CONTROL_BYTE, data):
        advice = f"it looks like a binary file{kind}"
    else:
        advice = "if the file is text in another encoding, save it as UTF-8"
    prefix = data[:start].decode("utf-8")
    line, column = _position(prefix, len(prefix))
    raise SpecError.single(
        f"The file is not text: {detail}; {advice}", Location(file, line=line, column=column)
    )


# -- YAML errors in plain words ----------------------------------------------------------


# What PyYAML or libyaml says, as "context | problem | shape of the place", and what
# users read instead; the first pattern found wins. ``True`` places the problem where
# the unclosed thing opened (a quote, a bracket, a key) rather than where reading stopped.
_SYNTAX_MESSAGES: Final = (
    ("single document", "the file holds a second document; an alignment file holds one", False),
    ("document start", "nothing may follow the end of the document", False),
    ("undefined alias", "the alias {name} refers to no anchor; define it before using it", False),
    ("duplicate anchor", "the anchor {name} is also defined on line {line}; rename one", False),
    ("scanning an? (alias|anchor)", "`&` and `*` must be followed by a name, with no space", True),
    (
        r"quoted scalar \|.*(escape|hexa?decimal)",
        (
            "a backslash in double quotes starts an escape such as `\\n`; "
            "write `\\\\` for a backslash, or use single quotes"
        ),
        False,
    ),
    ("quoted scalar", "the quoted text that starts here is never closed", True),
    ("simple key", "this key needs a colon after it (`key: value`)", True),
    (
        "sequence entries",
        "a list item cannot start on its key's line; put it on the next line, indented",
        False,
    ),
    ("mapping keys", "a `?` cannot start a key here; put the value in quotes", False),
    (
        "mapping values|unexpected ':'",
        (
            "a colon cannot go here; put the value in quotes if the colon belongs to it, "
            "or check the indentation and the line above"
        ),
        False,
    ),
    (r"tab character|\| tab$", "a tab cannot indent or separate YAML; use spaces", False),
    ("cannot start any token", "a value cannot start with {char!r}; put it in quotes", False),
    ("flow mapping", "this `{{` has no matching `}}`, or a comma is missing inside it", True),
    ("flow sequence", "this `[` has no matching `]`, or a comma is missing inside it", True),
    (r"node content.*\| end$", "the file ends inside a `[` or `{{` that is never closed", False),
    (
        r"node content.*\| closing$",
        "this `{char}` closes nothing; put the value in quotes if it is text",
        False,
    ),
    ("node content", "a value is missing here", False),
    (
        r"block (mapping|collection).*\| (more|closing)$",
        "there is more on this line after the value; put the whole value in quotes",
        False,
    ),
    (
        r"block (mapping|collection).*\| item$",
        "this list item is indented differently from the lines above it",
        False,
    ),
    (
        "block (mapping|collection)",
        "this line is indented differently from the lines above it",
        False,
    ),
    (
        "directive|incompatible|duplicate tag handle",
        "this `%` line is not supported; remove it",
        True,
    ),
    ("tag", "this tag is malformed; alignment files hold plain data, so remove it", True),
    (
        "block scalar",
        "only `+`, `-`, a digit or a comment may follow `|` or `>` on its line",
        False,
    ),
    ("", "this is not valid YAML; check the indentation, quotes and brackets here", False),
)


def _shape(text: str, index: int) -> str:
    """What is at ``text[index]``, in the words the patterns above use."""
    char = text[index : index + 1]
    if not text[index:].strip():
        return "end"
    if char == "\t":
        return "tab"
    if text[text.rfind("\n", 0, index) + 1 : index].strip():
        return "closing" if char in "]}" else "more"
    return "item" if char == "-" else "line"


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """PyYAML's or libyaml's complaint as a plain sentence at its line and column."""
    import yaml

    mark = error.problem_mark or error.context_mark or yaml.Mark(file, 0, 0, 0, "", 0)
    opening = error.context_mark or mark
    if "nesting depth" in (error.problem or ""):
        return Problem(_TOO_DEEP, Location(file, line=mark.line + 1, column=mark.column + 1))
    index = mark.index
    said = f"{error.context} | {error.problem} | {_shape(text, index)}"
    template, at_opening = next(
        (message, place) for pattern, message, place in _SYNTAX_MESSAGES if re.search(pattern, said)
    )
    name = re.match(r"[*&][^\s,\[\]{}]+", text[index:])
    message = template.format(
        char=text[index : index + 1],
        name=f"`{name.group()}`" if name else "here",
        line=opening.line + 1,
    )
    where = opening if at_opening else mark
    return Problem(
        f"Invalid YAML: {message}", Location(file, line=where.line + 1, column=where.column + 1)
    )


def _character_problem(text: str, file: str) -> Problem:
    """The first character YAML refuses to read, and where it is."""
    found = re.search(_NOT_PRINTABLE, text)
    index = found.start() if found else 0
    line, column = _position(text, index)
    what = f"the character U+{ord(text[index]):04X}" if found else "a character"
    return Problem(
        f"Invalid YAML: {what} cannot be in YAML text; delete it",
        Location(file, line=line, column=column),
    )


# -- measuring and walking ---------------------------------------------------------------


def _at(node: yaml.Node, file: str) -> Location:
    mark = node.start_mark
    return Location(file, line=mark.line + 1, column=mark.column + 1)


def _measure(root: yaml.Node, file: str) -> None:
    """Refuse a document that would expand too far, holds itself, or nests too deeply.

    Composing never expands aliases: an alias is the anchored node itself, shared.
    Each node's expanded size (how many values reading it makes) is computed once and
    remembered, so this costs one visit per node written, however often it is used.
    """
    import yaml

    scalar, mapping, sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
    sizes: dict[yaml.Node, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(node)
        if known is not None:
            if not known:  # still being measured: an alias inside the value it names
                raise SpecError.single(_SELF, _at(node, file))
            return known
        if depth > _MAX_DEPTH:
            raise SpecError.single(_TOO_DEEP, _at(node, file))
        sizes[node] = 0
        total = 1
        if isinstance(node, mapping):
            for key, value in node.value:
                if key.tag == _MERGE:
                    sources = value.value if isinstance(value, sequence) else [value]
                    for source in sources:
                        if isinstance(source, mapping):  # its values, not itself
                            total += size(source, depth + 1) - 1
                elif isinstance(value, scalar):
                    total += 1
                else:
                    total += size(value, depth + 1)
        else:
            for item in node.value:
                total += 1 if isinstance(item, scalar) else size(item, depth + 1)
        if total > _MAX_NODES:
            raise SpecError.single(_TOO_MANY.format(limit=_MAX_NODES), _at(node, file))
        sizes[node] = total
        return total

    if not isinstance(root, scalar):
        size(root, 1)


class _Walker:
    def __init__(self, file: str) -> None:
        import yaml

        self.file = file
        # The node classes, kept at hand: reading them is the walk's inner loop.
        self.mapping_node = yaml.MappingNode
        self.sequence_node = yaml.SequenceNode
        self.scalar_node = yaml.ScalarNode
        self.constructor = yaml.constructor.SafeConstructor()
        # How PyYAML's scalar constructors fail: ``!!int abc`` is a ValueError,
        # ``!!bool maybe`` a KeyError, ``!!timestamp soon`` an AttributeError.
        self.unfit_errors = (
            yaml.YAMLError,
            ArithmeticError,
            LookupError,
            ValueError,
            AttributeError,
        )
        self.positions: dict[tuple[PathPart, ...], tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def at(self, node: yaml.Node) -> Location:
        return _at(node, self.file)

    def note(self, path: tuple[PathPart, ...], node: yaml.Node) -> None:
        mark = node.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))

    def value(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:  # noqa: ANN401 - YAML data
        if isinstance(node, self.mapping_node):
            return self.mapping(node, path)
        if isinstance(node, self.sequence_node):
            if node.tag != _PLAIN + "seq":
                self.bad_tag(node)
            out = []
            for index, item in enumerate(node.value):
                self.note((*path, index), item)
                out.append(self.value(item, (*path, index)))
            return out
        if node.tag not in _SCALAR_TAGS or not isinstance(node, self.scalar_node):
            return self.bad_tag(node)
        try:
            return self.constructor.construct_object(node)
        except self.unfit_errors:
            return self.unfit(node)

    def unfit(self, node: yaml.ScalarNode) -> str:
        """The text of a value that cannot be what its tag says; a problem if the tag was written.

        ``2027-13-01`` only looks like a date: it stays text, for the schema to report at
        its field. ``!!int abc`` says it is a number and is not: that is a problem here.
        """
        import yaml

        resolver = yaml.resolver.Resolver()
        implicit = resolver.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
        if node.style or implicit != node.tag:  # quoted, or a tag written out
            tag = node.tag.replace(_PLAIN, "!!")
            self.problems.append(
                Problem(f"The value {node.value!r} is not a valid {tag}", self.at(node))
            )
        text: str = node.value
        return text

    def bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_PLAIN, "!!")
        self.problems.append(
            Problem(
                f"The tag {tag!r} is not allowed; alignment files hold plain data only",
                self.at(node),
            )
        )

    def mapping(self, node: yaml.MappingNode, path: tuple[PathPart, ...]) -> dict[Any, Any]:
        if node.tag != _PLAIN + "map":
            self.bad_tag(node)
        out: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = (
                    value_node.value if isinstance(value_node, self.sequence_node) else [value_node]
                )
                for source in sources:
                    if isinstance(source, self.mapping_node):
                        merged.append(source)
                    else:
                        self.problems.append(
                            Problem("A merge key (<<) must refer to a mapping", self.at(source))
                        )
                continue
            if not isinstance(key_node, self.scalar_node) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem("A key must be plain text", self.at(key_node)))
                continue
            try:
                key = self.constructor.construct_object(key_node)
            except self.unfit_errors:
                key = self.unfit(key_node)
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

    With libyaml (as PyPI's PyYAML wheels have it), the data and the positions are
    built in one pass over the parser's events; without it, the document is composed
    and then walked.

    Raises:
        SpecError: The text is not YAML, holds a disallowed tag or duplicate keys,
            holds more than one document, expands too far through aliases, holds an
            alias to itself, or nests too deeply. Each problem has a line and column.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    c_parser = getattr(getattr(yaml, "_yaml", None), "CParser", None)
    if c_parser is not None and issubclass(loader_class, c_parser):
        return _read_events(loader_class, text, file)
    return _compose_and_walk(loader_class, text, file)


def _compose_and_walk(loader_class: type[Any], text: str, file: str) -> tuple[Any, TextSourceMap]:
    """Compose the document's node graph, measure it, then walk it into data and positions."""
    import yaml

    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise SpecError([_syntax_problem(error, text, file)]) from None
    except (yaml.YAMLError, UnicodeError):
        # Raised without a place: a character YAML refuses (a control character, or
        # half of a surrogate pair, which libyaml cannot even encode).
        raise SpecError([_character_problem(text, file)]) from None
    except RecursionError:  # only PyYAML's own composer, without libyaml
        raise SpecError.single(_TOO_DEEP, Location(file, line=1, column=1)) from None
    if node is None:
        raise SpecError.single("The file holds no document", Location(file, line=1, column=1))
    _measure(node, file)
    walker = _Walker(file)
    data = walker.value(node, ())
    walker.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if walker.problems:
        raise SpecError(walker.problems)
    return data, TextSourceMap(file, walker.positions)


# -- one pass over libyaml's events --------------------------------------------------------
#
# The parser's events are read once, in order, and each value is built as it ends: no
# node graph is kept and no scalar is resolved twice. The result is what composing and
# walking give: the same data, positions, problems (in the same order) and refusals
# (tests/test_yaml_fast.py holds the two to that, and lists where this one refuses
# more). Composing reads the whole document before anything is measured, so a syntax
# error anywhere wins over a refusal: after a refusal, the rest is still parsed.
# Values are measured as they are read; an alias's copy is made once the whole
# document is read and accepted, so an alias bomb is refused before it is expanded.

_STR: Final = _PLAIN + "str"
_SEQ: Final = _PLAIN + "seq"
_MAP: Final = _PLAIN + "map"
_NOT_A_MAPPING: Final = "A merge key (<<) must refer to a mapping"

# What a list or mapping being read is: a list, a mapping, or the list of mappings
# that a merge key (<<) names.
_LIST: Final = 0
_MAPPING: Final = 1
_SOURCES: Final = 2
# What a mapping expects next: a key; the value of a key kept; the value of a key
# refused (read and counted, not kept); what to merge.
_KEY: Final = 0
_VALUE: Final = 1
_SKIP: Final = 2
_MERGE_VALUE: Final = 3


class _Refused(Exception):  # noqa: N818 - a signal inside this module, never raised out of it
    """The document is refused: only a syntax error in what remains could win over it."""

    def __init__(self, error: SpecError, open_containers: int) -> None:
        super().__init__(error)
        self.error = error
        self.open_containers = open_containers


class _Scalar:
    """A scalar read: its tag, where it starts, its value, and any problem reading it."""

    __slots__ = ("mark", "problems", "tag", "value")

    def __init__(self, tag: str, mark: Any, value: Any, problems: list[Problem]) -> None:  # noqa: ANN401 - libyaml's Mark; YAML data
        self.tag = tag
        self.mark = mark
        self.value = value
        self.problems = problems


# A mapping to merge: its values, their positions, and the problems of reading it.
_Merged = tuple[dict[Any, Any], dict[Any, Any], list[Problem]]


class _Open:
    """A list or mapping being read (or read): what it holds, and what it expects next."""

    __slots__ = (
        "as_merge",
        "closed",
        "depth",
        "items",
        "key",
        "key_place",
        "kind",
        "loc",
        "mark",
        "merged",
        "out",
        "problems",
        "state",
        "tag",
        "total",
    )

    def __init__(self, kind: int, tag: str, mark: Any, depth: int, *, anchored: bool) -> None:  # noqa: ANN401 - libyaml's Mark
        self.kind = kind
        self.tag = tag
        self.mark = mark
        self.depth = depth
        self.closed = False
        self.out: Any = {} if kind == _MAPPING else []
        self.loc: Any = {} if kind == _MAPPING else []  # the positions of what it holds
        self.total = 1  # values read: itself and each value in it, aliases expanded
        self.problems: list[Problem] = []
        self.state = _KEY
        self.key: Any = None
        self.key_place = 0
        # What it merges: each mapping's values, positions and problems.
        self.merged: list[_Merged] | None = None
        # Of an anchored list: each list or mapping item's size and problems, by index,
        # for when the list is merged through its alias (``<<: *list``).
        self.items: dict[int, tuple[int, list[Problem]]] | None = (
            {} if anchored and kind == _LIST else None
        )
        self.as_merge: tuple[_Merged, list[Problem], int] | None = None


_NESTED: Final = (dict, list)


def _copy(value: Any) -> Any:  # noqa: ANN401 - YAML data
    """A fresh copy of the lists and mappings in ``value``: each alias reads its own."""
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy(item) for item in value]
    return value


def _place(mark: Any) -> int:  # noqa: ANN401 - libyaml's Mark
    return pack_position(mark.line, mark.column)


class _EventReader:
    """Data and positions from libyaml's events, in one pass; see the comment above."""

    def __init__(self, loader: Any, file: str) -> None:  # noqa: ANN401 - a CSafeLoader
        import yaml

        self.loader = loader
        self.file = file
        self.events = yaml.events
        self.implicit: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
            loader.yaml_implicit_resolvers
        )
        self.constructors: dict[str | None, Any] = loader.yaml_constructors
        self.composer_error = yaml.composer.ComposerError
        self.scalar_node = yaml.ScalarNode
        # How PyYAML's scalar constructors fail: ``!!int abc`` is a ValueError,
        # ``!!bool maybe`` a KeyError, ``!!timestamp soon`` an AttributeError.
        self.unfit_errors = (
            yaml.YAMLError,
            ArithmeticError,
            LookupError,
            ValueError,
            AttributeError,
        )
        self.anchors: dict[str, _Scalar | _Open] = {}
        self.keys: dict[str, str] = {}  # each key kept once, however often it is written
        self.stack: list[_Open] = []  # the lists and mappings open around the current one
        self.root_mark: Any = None
        # Where an alias put its anchored list or mapping: each gets its own copy once the
        # whole document is read, so that a document refused for expanding too far
        # through aliases is refused before anything is copied.
        self.shared: list[tuple[Any, Any]] = []
        # Something open already expands too far: the document will be refused, so
        # merges and problems are no longer gathered (their cost could grow unbounded).
        self.doomed = False
        self.merged_items = 0  # items of lists merged through their aliases (``<<: *list``)

    # -- places and problems

    def at(self, mark: Any) -> Location:  # noqa: ANN401 - libyaml's Mark
        return Location(self.file, line=mark.line + 1, column=mark.column + 1)

    def bad_tag(self, tag: str, mark: Any) -> Problem:  # noqa: ANN401 - libyaml's Mark
        shown = tag.replace(_PLAIN, "!!")
        return Problem(
            f"The tag {shown!r} is not allowed; alignment files hold plain data only",
            self.at(mark),
        )

    def implicit_tag(self, text: str) -> str:
        """The tag of a plain scalar written as ``text``, as PyYAML's resolver finds it."""
        candidates = [*self.implicit.get(text[:1], ()), *self.implicit.get(None, ())]
        return next((tag for tag, pattern in candidates if pattern.match(text)), _STR)

    def define(self, anchor: str, mark: Any) -> None:  # noqa: ANN401 - libyaml's Mark
        """Refuse an anchor defined twice, in the words composing uses."""
        first = self.anchors.get(anchor)
        if first is not None:
            raise self.composer_error(
                "found duplicate anchor; first occurrence", first.mark, "second occurrence", mark
            )

    def scalar(self, event: Any, tag: str) -> _Scalar:  # noqa: ANN401 - a ScalarEvent
        """A scalar's value, with the problem of reading it as a value, if any."""
        mark = event.start_mark
        text: str = event.value
        if tag not in _SCALAR_TAGS:
            return _Scalar(tag, mark, None, [self.bad_tag(tag, mark)])
        if tag == _STR:
            return _Scalar(tag, mark, text, [])
        try:
            node = self.scalar_node(tag, text, mark, mark, event.style)
            return _Scalar(tag, mark, self.constructors[tag](self.loader, node), [])
        except self.unfit_errors:
            # ``2027-13-01`` only looks like a date: it stays text, for the schema to
            # report at its field. ``!!int abc`` says it is a number and is not.
            if event.style or self.implicit_tag(text) != tag:  # quoted, or a tag written
                shown = tag.replace(_PLAIN, "!!")
                problem = Problem(f"The value {text!r} is not a valid {shown}", self.at(mark))
                return _Scalar(tag, mark, text, [problem])
            return _Scalar(tag, mark, text, [])

    # -- handing what was read to the list or mapping it is in

    def deliver(self, frame: _Open, read: _Scalar | _Open, *, aliased: bool = False) -> None:
        """Hand ``read`` (a value, or an alias's anchored value) to ``frame``."""
        if frame.kind == _SOURCES:
            self.merge(self.stack[-1], read)
            return
        if frame.kind == _MAPPING and frame.state != _VALUE:
            state, frame.state = frame.state, _KEY
            if state == _KEY:
                self.key(frame, read)
            elif state == _SKIP:
                frame.total += read.total if isinstance(read, _Open) else 1
                self.doomed |= frame.total > _MAX_NODES
            elif isinstance(read, _Open) and read.kind == _LIST:  # ``<<: *list``
                self.merge_each(frame, read)
            else:
                self.merge(frame, read)
            return
        if isinstance(read, _Open):
            size = read.total
            value = read.out
            entry: Any = (_place(read.mark), read.loc)
        else:
            size = 1
            value = read.value
            entry = _place(read.mark)
        if frame.kind == _LIST:
            if frame.items is not None and isinstance(read, _Open):
                frame.items[len(frame.out)] = (size, read.problems)
            where: Any = len(frame.out)
            frame.out.append(value)
            frame.loc.append(entry)
        else:
            where = frame.key
            frame.out[where] = value
            frame.loc[where] = (
                (frame.key_place, read.loc) if isinstance(read, _Open) else frame.key_place
            )
            frame.state = _KEY
        if aliased and isinstance(read, _Open):
            self.shared.append((frame.out, where))
        frame.total += size
        if frame.total > _MAX_NODES:
            self.doomed = True
        if not self.doomed:
            frame.problems.extend(read.problems)

    def key(self, frame: _Open, read: _Scalar | _Open) -> None:
        """Take ``read`` as the next key of the mapping ``frame``."""
        if read.tag == _MERGE:
            frame.state = _MERGE_VALUE
            return
        if isinstance(read, _Open) or read.tag not in _SCALAR_TAGS:
            frame.problems.append(Problem("A key must be plain text", self.at(read.mark)))
            frame.state = _SKIP
            return
        frame.problems.extend(read.problems)  # a tag written out that the key does not fit
        first = frame.loc.get(read.value)
        if first is not None:
            place = first[0] if type(first) is tuple else first
            frame.problems.append(
                Problem(
                    f"Duplicate key {read.value!r} (first written on line {(place >> 32) + 1})",
                    self.at(read.mark),
                )
            )
            frame.state = _SKIP
            return
        frame.key = read.value
        frame.key_place = _place(read.mark)
        frame.state = _VALUE

    def merge(self, mapping: _Open, read: _Scalar | _Open) -> None:
        """Take ``read`` as a mapping that ``mapping`` merges; a problem if it is not one."""
        if isinstance(read, _Open) and read.kind == _MAPPING:
            mapping.total += read.total - 1  # its values, not itself
            self.doomed |= mapping.total > _MAX_NODES
            if mapping.merged is None:
                mapping.merged = []
            mapping.merged.append((read.out, read.loc, read.problems))
        else:
            mapping.problems.append(Problem(_NOT_A_MAPPING, self.at(read.mark)))

    def merge_each(self, mapping: _Open, listed: _Open) -> None:
        """Merge each item of the anchored list ``listed``, named by its alias.

        A list of empty mappings (or of text) adds no values however often it is
        merged, yet each merge reads every item: those reads are limited too.
        """
        self.merged_items += len(listed.out)
        if self.merged_items > _MAX_NODES:
            raise _Refused(
                SpecError.single(_TOO_MANY.format(limit=_MAX_NODES), self.at(mapping.mark)),
                len(self.stack) + 1,
            )
        if listed.as_merge is None:
            listed.as_merge = self.as_merge(listed)
        union, problems, size = listed.as_merge
        mapping.problems.extend(problems)
        mapping.total += size
        self.doomed |= mapping.total > _MAX_NODES
        if mapping.merged is None:
            mapping.merged = []
        mapping.merged.append(union)

    def as_merge(self, listed: _Open) -> tuple[_Merged, list[Problem], int]:
        """What merging the anchored list ``listed`` merges, once for every alias of it.

        Its mappings merged one after the other (the first to have a key wins) are
        one mapping; what is not a mapping is a problem each time it is merged.
        """
        out: dict[Any, Any] = {}
        loc: dict[Any, Any] = {}
        merged_problems: list[Problem] = []
        problems = []
        size = 0
        items = listed.items or {}
        for index, (entry, value) in enumerate(zip(listed.loc, listed.out, strict=True)):
            if type(value) is dict:
                item_size, item_problems = items[index]
                size += item_size - 1
                merged_problems += item_problems
                for key, item in value.items():
                    if key not in out:
                        out[key] = item
                        loc[key] = entry[1][key]
            else:
                place = entry[0] if type(entry) is tuple else entry
                line, column = (place >> 32) + 1, (place & 0xFFFFFFFF) + 1
                where = Location(self.file, line=line, column=column)
                problems.append(Problem(_NOT_A_MAPPING, where))
        return (out, loc, merged_problems), problems, size

    def apply_merges(self, mapping: _Open) -> None:
        """Merge into ``mapping`` what it merges: keys written in it win, then earlier merges."""
        out, loc = mapping.out, mapping.loc
        merging = mapping.merged or []
        mapping.merged = None
        if self.doomed:
            return
        for merged, merged_loc, merged_problems in merging:
            mapping.problems.extend(merged_problems)
            if out.keys().isdisjoint(merged):
                added: dict[Any, Any] = merged
                out.update(merged)
                loc.update(merged_loc)
            else:
                added = {key: item for key, item in merged.items() if key not in out}
                out.update(added)
                loc.update({key: merged_loc[key] for key in added})
            # Each list or mapping merged is copied at the end: it is also where it was
            # written, or where its alias is.
            self.shared += [(out, key) for key, item in added.items() if type(item) in _NESTED]

    # -- reading

    def read(self) -> tuple[Any, PositionTree]:
        """The document's data and positions.

        Raises:
            SpecError: The document is refused, or has problems.
            yaml.MarkedYAMLError: It is not YAML (for ``_syntax_problem`` to tell).
        """
        events = self.events
        get = self.loader.get_event
        get()  # the stream's start
        if type(get()) is events.StreamEndEvent:
            raise SpecError.single(
                "The file holds no document", Location(self.file, line=1, column=1)
            )
        refused: SpecError | None = None
        read: _Scalar | _Open | None = None
        try:
            read = self.root()
        except _Refused as refusal:
            refused = refusal.error
            self.drain(refusal.open_containers)
        get()  # the document's end
        after = get()
        if type(after) is not events.StreamEndEvent:
            raise self.composer_error(
                "expected a single document in the stream",
                self.root_mark,
                "but found another document",
                after.start_mark,
            )
        if refused is not None:
            raise refused
        assert read is not None  # noqa: S101 - read unless refused
        if read.problems:
            raise SpecError(read.problems)
        for container, where in self.shared:
            container[where] = _copy(container[where])
        if isinstance(read, _Open):
            return read.out, PositionTree(_place(read.mark), read.loc)
        return read.value, PositionTree(_place(read.mark), None)

    def drain(self, open_containers: int) -> None:
        """Parse the rest of the document for the syntax errors that composing would meet."""
        events = self.events
        get = self.loader.get_event
        starts = (events.MappingStartEvent, events.SequenceStartEvent)
        ends = (events.MappingEndEvent, events.SequenceEndEvent)
        level = open_containers
        while level:
            event = get()
            kind = type(event)
            if kind in ends:
                level -= 1
            elif kind is events.AliasEvent:
                if event.anchor not in self.anchors:
                    raise self.composer_error(None, None, "found undefined alias", event.start_mark)
            else:
                level += kind in starts
                if event.anchor is not None:
                    self.define(event.anchor, event.start_mark)
                    self.anchors[event.anchor] = _Scalar(_STR, event.start_mark, None, [])

    def root(self) -> _Scalar | _Open:  # noqa: C901, PLR0912, PLR0915 - the inner loop, kept whole for speed
        """Read the document's value: every event from its start to its end."""
        events = self.events
        get = self.loader.get_event
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
        implicit = self.implicit
        wildcard = implicit.get(None)
        anchors, stack = self.anchors, self.stack
        # The tag of each plain scalar whose first character some tag's pattern starts
        # with, as written: resolved once, however often it is written.
        tags: dict[str, str] = {}
        keys = self.keys
        frame: _Open | None = None
        read: _Scalar | _Open
        pending = None  # an event read ahead, by the loop for plain text below
        while True:
            if pending is None:
                event = get()
            else:
                event, pending = pending, None
            kind = type(event)
            if kind is scalar_event:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _STR
                    if event.implicit[0]:
                        text = event.value
                        if text[:1] in implicit or wildcard:
                            tag = tags.get(text) or tags.setdefault(text, self.implicit_tag(text))
                if tag == _STR and frame is not None and event.anchor is None:
                    # The common case, kept short: text in a list or mapping.
                    value = event.value
                    if frame.kind == _MAPPING:
                        state = frame.state
                        if state == _VALUE:
                            key = frame.key
                            frame.out[key] = value
                            frame.loc[key] = frame.key_place
                            frame.total += 1
                            frame.state = _KEY
                            continue
                        if state == _KEY and value not in frame.loc:
                            mark = event.start_mark
                            frame.key = keys.get(value) or keys.setdefault(value, value)
                            frame.key_place = mark.line << 32 | mark.column
                            frame.state = _VALUE
                            continue
                    elif frame.kind == _LIST:
                        mark = event.start_mark
                        frame.out.append(value)
                        frame.loc.append(mark.line << 32 | mark.column)
                        frame.total += 1
                        continue
                elif (
                    tag == _MERGE
                    and frame is not None
                    and frame.kind == _MAPPING
                    and frame.state == _KEY
                    and event.anchor is None
                ):
                    frame.state = _MERGE_VALUE  # a merge key (<<)
                    continue
                anchor = event.anchor
                if anchor is not None:
                    self.define(anchor, event.start_mark)
                read = self.scalar(event, tag)
                if anchor is not None:
                    anchors[anchor] = read
            elif kind is mapping_start or kind is sequence_start:
                mark = event.start_mark
                anchor = event.anchor
                if anchor is not None:
                    self.define(anchor, mark)
                plain = _MAP if kind is mapping_start else _SEQ
                tag = event.tag
                if tag is None or tag == "!":
                    tag = plain
                opens = _MAPPING if plain == _MAP else _LIST
                if frame is None:
                    self.root_mark = mark
                    depth = 1
                elif opens == _LIST and frame.kind == _MAPPING and frame.state == _MERGE_VALUE:
                    opens, depth = _SOURCES, frame.depth  # not a value: what to merge
                else:
                    depth = frame.depth + 1
                opened = _Open(opens, tag, mark, depth, anchored=anchor is not None)
                if depth > _MAX_DEPTH:
                    raise _Refused(SpecError.single(_TOO_DEEP, self.at(mark)), len(stack) + 2)
                if opened.kind != _SOURCES and tag != plain:
                    opened.problems.append(self.bad_tag(tag, mark))
                if anchor is not None:
                    anchors[anchor] = opened
                if frame is not None:
                    stack.append(frame)
                frame = opened
                if opens == _SOURCES:
                    continue
                # The common case, kept shortest: plain text keys and values, or items.
                # Anything else (and the end) is left to the loop, as ``pending``.
                out, loc, mapping = opened.out, opened.loc, opens == _MAPPING
                text_key: str | None = None
                while True:
                    event = get()
                    if (
                        type(event) is not scalar_event
                        or event.tag is not None
                        or event.anchor is not None
                    ):
                        break
                    text = event.value
                    if (
                        event.implicit[0]
                        and (text[:1] in implicit or wildcard)
                        and (tags.get(text) or tags.setdefault(text, self.implicit_tag(text)))
                        != _STR
                    ):
                        break
                    mark = event.start_mark
                    if not mapping:
                        out.append(text)
                        loc.append(mark.line << 32 | mark.column)
                        opened.total += 1
                    elif text_key is None:
                        if text in loc:
                            break  # written twice: a problem, told by the loop
                        text_key = keys.get(text) or keys.setdefault(text, text)
                        opened.key_place = mark.line << 32 | mark.column
                    else:
                        out[text_key] = text
                        loc[text_key] = opened.key_place
                        opened.total += 1
                        text_key = None
                if text_key is not None:
                    opened.key, opened.state = text_key, _VALUE
                pending = event
                continue
            elif kind is alias_event:
                found = anchors.get(event.anchor)
                if found is None:
                    raise self.composer_error(None, None, "found undefined alias", event.start_mark)
                if isinstance(found, _Open) and not found.closed:
                    raise _Refused(SpecError.single(_SELF, self.at(found.mark)), len(stack) + 1)
                assert frame is not None  # noqa: S101 - an alias is never the document
                self.deliver(frame, found, aliased=True)
                continue
            else:  # the end of the current list or mapping
                assert frame is not None  # noqa: S101 - an end closes what was opened
                read, frame = frame, stack.pop() if stack else None
                read.closed = True
                if read.kind == _SOURCES:
                    assert frame is not None  # noqa: S101 - merge sources are in a mapping
                    frame.state = _KEY
                    continue
                if read.merged:
                    self.apply_merges(read)
                if read.total > _MAX_NODES:
                    message = _TOO_MANY.format(limit=_MAX_NODES)
                    open_containers = len(stack) + (frame is not None)
                    raise _Refused(SpecError.single(message, self.at(read.mark)), open_containers)
                if frame is not None and not read.problems:
                    # The common case, kept short: a list or mapping in a list or mapping.
                    if frame.kind == _LIST and frame.items is None:
                        mark = read.mark
                        frame.out.append(read.out)
                        frame.loc.append((mark.line << 32 | mark.column, read.loc))
                        frame.total += read.total
                        self.doomed |= frame.total > _MAX_NODES
                        continue
                    if frame.kind == _MAPPING and frame.state == _VALUE:
                        key = frame.key
                        frame.out[key] = read.out
                        frame.loc[key] = (frame.key_place, read.loc)
                        frame.total += read.total
                        frame.state = _KEY
                        self.doomed |= frame.total > _MAX_NODES
                        continue
            if frame is None:
                if self.root_mark is None:
                    self.root_mark = read.mark
                return read
            self.deliver(frame, read)


def _read_events(loader_class: type[Any], text: str, file: str) -> tuple[Any, TextSourceMap]:
    """Read the document from libyaml's events, in one pass (see ``_EventReader``)."""
    import yaml

    try:
        loader = loader_class(text)
        try:
            data, positions = _EventReader(loader, file).read()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise SpecError([_syntax_problem(error, text, file)]) from None
    except (yaml.YAMLError, UnicodeError):
        # Raised without a place: a character YAML refuses (see ``_compose_and_walk``).
        raise SpecError([_character_problem(text, file)]) from None
    except RecursionError:  # copying, for an alias, values nested deep through aliases
        raise SpecError.single(_TOO_DEEP, Location(file, line=1, column=1)) from None
    return data, TextSourceMap(file, positions)
