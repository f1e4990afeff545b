"""Safe YAML/JSON loading that remembers where every value was written.

Only the plain YAML tags are accepted (maps, lists, strings, numbers, booleans, null,
dates), as with ``yaml.safe_load``; a Python object tag is a problem, never a call.
Duplicate keys are problems too (``safe_load`` would silently keep the last).
PyYAML is imported here, on first use, so ``import alignkit`` does not pay for it.

Every problem is told in plain words at a line and column: PyYAML's own wording
("did not find expected key", "in <unicode string>, position 0") never reaches users.
A document is measured before it is read: aliases that would expand past a limit
("billion laughs"), an alias to the value that holds it, and deep nesting are refused.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any, Final

from alignkit._limits import DEFAULT_MAX_BYTES
from alignkit._source import TextSourceMap
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
_CONTROL_BYTE: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Line breaks as YAML counts them, so that our lines match the parser's.
_LINE_BREAK: Final = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# What YAML refuses to read (as PyYAML's reader and libyaml define it).
_NOT_PRINTABLE: Final = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``."""
    line, start = 1, 0
    for found in _LINE_BREAK.finditer(text, 0, index):
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
    if nul != -1 or kind or _CONTROL_BYTE.search(data):
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
    found = _NOT_PRINTABLE.search(text)
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
                raise SpecError.single(
                    "The value here holds an alias to itself, so it never ends; "
                    "refusing to read it",
                    _at(node, file),
                )
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
            raise SpecError.single(
                f"The document expands to more than {_MAX_NODES:,} values "
                "(too many aliases?); refusing to read it",
                _at(node, file),
            )
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

    Raises:
        SpecError: The text is not YAML, holds a disallowed tag or duplicate keys,
            holds more than one document, expands too far through aliases, holds an
            alias to itself, or nests too deeply. Each problem has a line and column.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
