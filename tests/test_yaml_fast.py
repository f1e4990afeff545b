"""alignkit._yaml: the one pass over libyaml's events reads what composing and walking read.

``_read_events`` builds the data and its positions straight from the parser's events;
``_compose_and_walk`` composes the node graph, measures it and walks it (the reader
used without libyaml). On any document both give the same data (values and types),
the same line and column for every value, and the same problems in the same order;
or they refuse it in the same words at the same place.

Where they differ, the one pass refuses what the walk read forever or crashed on, or
refuses in other words what is refused either way:

* a list or mapping written as a key is measured like any value (the walk skipped
  keys, which are always a problem);
* ``&x [{<<: *x}]`` is refused at its anchor, like every other alias to itself;
* merging a list through its alias (``<<: *list``) counts each item it reads, so
  merging a list of text again and again is refused;
* values nested too deep through aliases are refused, not a RecursionError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alignkit import _yaml
from alignkit._source import PositionTree, TextSourceMap, pack_position
from alignkit.diagnostics import Location, PathPart
from alignkit.errors import SpecError

Outcome = tuple[str, Any, Any]


def fast(text: str) -> tuple[Any, TextSourceMap]:
    return _yaml._read_events(yaml.CSafeLoader, text, "a.yaml")


def reference(text: str) -> tuple[Any, TextSourceMap]:
    return _yaml._compose_and_walk(yaml.CSafeLoader, text, "a.yaml")


def typed(value: Any) -> Any:
    """``value`` with every type spelled out: ``1``, ``1.0`` and ``True`` differ."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float):
        return ("float", repr(value))  # nan equals itself here
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat())
    return (type(value).__name__, value)


def paths(value: Any, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[PathPart, ...]]:
    """Every path into ``value``, its own included."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*path, index))


def containers(value: Any) -> Iterator[object]:
    if isinstance(value, dict | list):
        yield value
        for item in value.values() if isinstance(value, dict) else value:
            yield from containers(item)


def place(location: Location | None) -> tuple[int | None, int | None]:
    assert location is not None
    return location.line, location.column


def outcome(read: Callable[[str], tuple[Any, TextSourceMap]], text: str) -> Outcome:
    """What reading ``text`` gives: data and the place of each path, or the problems."""
    try:
        data, source = read(text)
    except SpecError as error:
        found = [(p.message, p.location.line, p.location.column) for p in error.problems]
        return ("refused", found, None)
    shared = [c for c in containers(data) if sum(c is d for d in containers(data)) > 1]
    assert not shared, "each alias reads its own copy"
    places = {}
    for path in paths(data):
        places[path] = place(source.resolve(path))
        # a path that was never written is placed at its nearest written parent
        places[(*path, "never written")] = place(source.resolve((*path, "never written")))
        places[(*path, 10**6)] = place(source.resolve((*path, 10**6)))
    return ("read", typed(data), places)


# -- random YAML documents -----------------------------------------------------------------

PLAIN = [
    # text, and text that only looks like something else
    "a",
    "Dana Reyes",
    "person-001",
    "2027-13-01",
    "08",
    "1e3",
    "9" * 30,
    "=",
    "<<",
    # YAML 1.1 booleans and nulls
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "null",
    "~",
    # integers in every base PyYAML reads, and floats
    "12",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "+12",
    "-3",
    "190:20:30",
    "1.5",
    ".inf",
    "-.Inf",
    ".NaN",
    "6.8523015e+5",
    "1_000.5",
    # dates and times
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10",
    "2026-02-30",
]
QUOTED = ["'quoted'", '"double"', '"two\\nlines"', "'yes'", '"12"', "''", '"<<"']
SCALAR_TAGS = [
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!timestamp",
    "!!binary",
    "!",
    "!x",
    "!!python/object:os.system",
    "!<tag:yaml.org,2002:str>",
]
KEYS = ["a", "b", "c", "1", "01", "true", "yes", "null", "'a'", "2001-12-14", '"<<"']


@dataclass
class Node:
    props: str = ""  # an anchor and a tag, as written before the value


@dataclass
class Scalar(Node):
    text: str = "a"


@dataclass
class Alias(Node):
    name: str = "a0"


@dataclass
class Lines(Node):
    """A multi-line scalar: literal or folded block, or plain text over two lines."""

    style: str = "|"
    lines: list[str] = field(default_factory=list)


@dataclass
class Seq(Node):
    items: list[Node] = field(default_factory=list)
    flow: bool = False


@dataclass
class Map(Node):
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    flow: bool = False


def props(anchor: str | None, tag: str | None) -> str:
    return " ".join(part for part in (f"&{anchor}" if anchor else None, tag) if part)


def inline(node: Node) -> str:
    """``node`` in flow style."""
    lead = node.props + " " if node.props else ""
    if isinstance(node, Scalar):
        return lead + node.text
    if isinstance(node, Alias):
        return f"*{node.name}"
    if isinstance(node, Seq):
        return lead + "[" + ", ".join(inline(item) for item in node.items) + "]"
    assert isinstance(node, Map)
    pairs = ", ".join(f"{key_text(k)}: {inline(v)}" for k, v in node.pairs)
    return lead + "{" + pairs + "}"


def key_text(key: Node) -> str:
    if isinstance(key, Alias):
        return inline(key) + " "  # ``*a:`` would name the anchor ``a:``
    return f"? {inline(key)} " if isinstance(key, Seq | Map) else inline(key)


def is_block(node: Node) -> bool:
    return (
        isinstance(node, Seq | Map)
        and not node.flow
        and bool(node.items if isinstance(node, Seq) else node.pairs)
    )


def after(lead: str, node: Node, indent: int) -> list[str]:
    """``node`` written after ``lead`` (``key:`` or ``-``), on its line and the next."""
    pad = " " * (indent + 2)
    if is_block(node):
        return [lead + (" " + node.props if node.props else ""), *block(node, indent + 2)]
    if isinstance(node, Lines):
        head = lead + " " + (node.props + " " if node.props else "")
        if node.style == "plain":
            return [head + node.lines[0], *(pad + line for line in node.lines[1:])]
        return [head + node.style, *(pad + line for line in node.lines)]
    return [lead + " " + inline(node)]


def block(node: Node, indent: int) -> list[str]:
    """A list or mapping in block style, at ``indent``."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(node, Seq):
        for item in node.items:
            out += after(pad + "-", item, indent)
        return out
    assert isinstance(node, Map)
    for key, value in node.pairs:
        if isinstance(key, Seq | Map):
            out += [pad + "? " + inline(key), pad + ": " + inline(value)]
        else:
            out += after(pad + key_text(key) + ":", value, indent)
    return out


@dataclass
class Anchors:
    """Anchors so far: those whose value has ended (an alias may name them) and open ones."""

    closed: list[tuple[str, type[Node]]] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    count: int = 0


@st.composite
def nodes(
    draw: st.DrawFn, anchors: Anchors, depth: int, *, flow: bool, complex_keys: bool = True
) -> Node:
    """A value, in document order, so that aliases only name anchors already written."""
    kinds = ["scalar", "alias", "alias", "seq", "map"] if depth < 4 else ["scalar", "alias"]
    kind = draw(st.sampled_from(kinds if flow else [*kinds, "lines"]))
    if kind == "alias":
        if anchors.open and draw(st.integers(0, 30)) == 0:
            return Alias(name=draw(st.sampled_from(anchors.open)))  # an alias to itself
        if anchors.closed:
            return Alias(name=draw(st.sampled_from(anchors.closed))[0])
        if draw(st.integers(0, 40)) == 0:
            return Alias(name="nowhere")  # undefined
        kind = "scalar"
    anchor = None
    if draw(st.integers(0, 2)) == 0:
        anchor = f"a{anchors.count}"
        anchors.count += 1
        if anchors.closed and draw(st.integers(0, 40)) == 0:
            anchor = anchors.closed[0][0]  # defined twice
    if kind in {"seq", "map"}:
        return collection(draw, kind, anchor, anchors, depth, flow=flow, complex_keys=complex_keys)
    if kind == "lines":
        style = draw(st.sampled_from(["|", ">-", "|+", "plain"]))
        lines = draw(st.lists(st.sampled_from(["one", "two words", "3", "yes"]), min_size=2))
        tag = draw(st.sampled_from([None, None, "!!str", "!x"]))
        node: Node = Lines(props(anchor, tag), style, lines)
    else:
        text = draw(st.sampled_from(PLAIN + QUOTED))
        tag = draw(st.sampled_from(SCALAR_TAGS)) if draw(st.integers(0, 5)) == 0 else None
        node = Scalar(props(anchor, tag), "~" if text == "" and (tag or anchor) else text)
    if anchor:
        anchors.closed.append((anchor, Scalar))
    return node


def collection(
    draw: st.DrawFn,
    kind: str,
    anchor: str | None,
    anchors: Anchors,
    depth: int,
    *,
    flow: bool,
    complex_keys: bool,
) -> Node:
    """A list or mapping; its anchor is open until everything in it is drawn."""
    if anchor:
        anchors.open.append(anchor)
    inner = flow or draw(st.integers(0, 3)) == 0
    values = nodes(anchors, depth + 1, flow=inner, complex_keys=complex_keys)
    node: Node
    if kind == "seq":
        tag = draw(st.sampled_from([None, None, None, "!!seq", "!x", "!!set"]))
        node = Seq(props(anchor, tag), draw(st.lists(values, max_size=4)), inner)
    else:
        tag = draw(st.sampled_from([None, None, None, "!!map", "!x", "!!omap"]))
        pairs: list[tuple[Node, Node]] = []
        for _ in range(draw(st.integers(0, 4))):
            choice = draw(st.sampled_from(["key", "key", "key", "merge", "complex"]))
            if choice == "merge":
                pairs.append((Scalar(text="<<"), draw(merges(anchors, depth))))
            elif choice == "complex" and complex_keys:  # its value follows, in flow
                flowing = nodes(anchors, depth + 1, flow=True, complex_keys=complex_keys)
                pairs.append((Seq(items=[Scalar(text="k")], flow=True), draw(flowing)))
            else:
                key: Node = Scalar(text=draw(st.sampled_from(KEYS)))
                if draw(st.integers(0, 8)) == 0:
                    key.props = draw(st.sampled_from(["!!int", "!!str", "!x"]))
                if anchors.closed and draw(st.integers(0, 12)) == 0:
                    key = Alias(name=draw(st.sampled_from(anchors.closed))[0])
                pairs.append((key, draw(values)))
        node = Map(props(anchor, tag), pairs, inner)
    if anchor:
        anchors.open.remove(anchor)
        anchors.closed.append((anchor, type(node)))
    return node


@st.composite
def merges(draw: st.DrawFn, anchors: Anchors, depth: int) -> Node:
    """What a merge key names: an alias, a mapping, a list of them, or what is not one."""
    aliases = [Alias(name=name) for name, _ in anchors.closed]
    not_mappings = st.sampled_from([Scalar(text="5"), Seq(items=[Scalar(text="1")], flow=True)])
    choice = draw(st.sampled_from(["alias", "alias", "list", "mapping", "other"]))
    if choice == "alias" and aliases:
        return draw(st.sampled_from(aliases))
    if choice == "list":
        options = (st.sampled_from(aliases) if aliases else st.nothing()) | not_mappings
        return Seq(items=draw(st.lists(options | mappings(anchors, depth), max_size=3)), flow=True)
    if choice == "other":
        return draw(not_mappings)
    return draw(mappings(anchors, depth))


@st.composite
def mappings(draw: st.DrawFn, anchors: Anchors, depth: int) -> Node:
    """A mapping in flow style, perhaps anchored."""
    anchor = f"a{anchors.count}" if draw(st.booleans()) else None
    anchors.count += 1
    return collection(draw, "map", anchor, anchors, depth + 1, flow=True, complex_keys=False)


@st.composite
def documents(draw: st.DrawFn, *, complex_keys: bool = True) -> str:
    """A YAML document of lists, mappings and scalars, anchors, aliases, merges and tags."""
    anchors = Anchors()
    root = draw(nodes(anchors, 0, flow=False, complex_keys=complex_keys))
    if is_block(root):
        lines = ([root.props] if root.props else []) + block(root, 0)
    elif isinstance(root, Lines):
        lines = after("---", root, 0)
    else:
        lines = [inline(root)]
    return "\n".join(lines) + "\n"


# YAML's punctuation, so that random text often breaks YAML in interesting ways.
yamlish = st.text(alphabet="-:?[]{},'\"&*!|>#%@`\t\n\r ab0.\\\x00<", max_size=60)


class TestSameAsComposing:
    @settings(max_examples=1500, deadline=None)
    @given(documents())
    @example("a: &x {b: !x 1, c: [1, *nowhere]}\n")
    @example("a: &x {y: [!x 1]}\nb: {<<: *x, y: 2}\nc: {<<: [*x, *x], d: !y 3}\n")
    @example("? &k [1, 2]\n: v\nb: {<<: *k}\nc: *k\n")
    @example("a: &l [{x: 1}, 2, [3]]\nb: {<<: *l, y: 2}\n")
    @example("a: 1\nb: 2\na: 3\n1: x\ntrue: y\n01: z\n")
    @example("a: &l [{x: 1}, {x: 2, y: [3]}, 4]\nb: {<<: *l}\nc: {<<: *l, y: 5}\n")
    @example("a: &m <<\nb: {*m : {x: 1}}\nc: {<<: [x, *m]}\n")
    def test_documents_read_the_same(self, text: str):
        """Data, types, places and problems match composing and walking, on any document."""
        assert outcome(fast, text) == outcome(reference, text)

    @settings(max_examples=300, deadline=None)
    @given(documents(complex_keys=False), st.integers(1, 40))
    @example("a0: &a0 [x, x, x]\na1: &a1 [*a0, *a0, *a0]\na2: [*a1, *a1, *a1]\n", 12)
    @example("&a0 {<<: [[1]]}\n", 1)
    def test_expansion_limit_is_met_at_the_same_value(self, text: str, limit: int):
        """With any limit, a document is refused at the same value, or read the same."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_yaml, "_MAX_NODES", limit)
            got, expected = outcome(fast, text), outcome(reference, text)
        if expected[0] == "refused" and got != expected:
            # A document refused for another reason (a merge key that refers to no
            # mapping) may meet a tiny limit first: refused all the same, and for
            # expansion, which the reading order decides.
            assert got[0] == "refused"
            expansion = (
                f"The document expands to more than {limit} values (too many aliases?); "
                "refusing to read it"
            )
            assert [m for m, _, _ in got[1]] == [expansion]
            return
        assert got == expected

    @settings(max_examples=500, deadline=None)
    @given(st.text() | yamlish)
    def test_any_text_reads_the_same(self, text: str):
        """Broken YAML is refused in the same words, at the same place."""
        assert outcome(fast, text) == outcome(reference, text)

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("[" * 101 + "]" * 101, id="too-deep"),
            pytest.param("a: &a [*a]\nb: [1\n", id="refusal-then-syntax-error"),
            pytest.param("a: &a [*a]\n---\nb: 1\n", id="refusal-then-second-document"),
            pytest.param("a: &a [*a, &b 1, &b 2]\n", id="refusal-then-duplicate-anchor"),
            pytest.param("a: &a [*a, *nowhere]\n", id="refusal-then-undefined-alias"),
            pytest.param("a: &a [[[*a]]]\nb: [{c: [*a]}]\n", id="refusal-inside"),
            pytest.param("", id="no-document"),
            pytest.param("# only a comment\n", id="only-a-comment"),
            pytest.param("--- !x text\n", id="tagged-root"),
            pytest.param("--- 12\n", id="scalar-root"),
            pytest.param("---\n", id="empty-document"),
        ],
    )
    def test_refusals_and_edges_read_the_same(self, text: str):
        """Refusals, and the syntax errors that win over them, match composing."""
        assert outcome(fast, text) == outcome(reference, text)

    def test_list_written_as_a_key_is_measured(self, monkeypatch: pytest.MonkeyPatch):
        """A list written as a key counts towards the limit (composing skipped keys)."""
        monkeypatch.setattr(_yaml, "_MAX_NODES", 2)
        message = _yaml._TOO_MANY.format(limit=2)
        assert outcome(fast, "{? [a, b, c] : 1}\n") == ("refused", [(message, 1, 4)], None)
        assert outcome(reference, "{? [a, b, c] : 1}\n")[1] == [("A key must be plain text", 1, 4)]

    def test_merging_a_list_of_text_again_and_again_is_limited(
        self, monkeypatch: pytest.MonkeyPatch
    ):
        """Merging a list through its alias reads each item: those reads count too.

        Text merged adds no values, so composing and walking had no limit on it.
        """
        monkeypatch.setattr(_yaml, "_MAX_NODES", 12)
        merges = "b: [{<<: *l}, {<<: *l}, {<<: *l}]"
        text = f"a: &l [1, 2, 3, 4, 5]\n{merges}\n"
        third = merges.rindex("{") + 1  # the 15th item read is in the third merge
        too_many = _yaml._TOO_MANY.format(limit=12)
        assert outcome(fast, text) == ("refused", [(too_many, 2, third)], None)
        items = [(_yaml._NOT_A_MAPPING, 1, column) for column in (8, 11, 14, 17, 20)]
        assert outcome(reference, text) == ("refused", items * 3, None)

    def test_values_nested_too_deep_through_aliases_are_refused(self):
        """Aliases of deeply nested values inside each other are refused, not a crash."""
        lines = [f"a0: &a0 {'[' * 90}x{']' * 90}"]
        lines += [f"a{i}: &a{i} {'[' * 90}*a{i - 1}{']' * 90}" for i in range(1, 15)]
        with pytest.raises(SpecError) as info:
            fast("\n".join(lines) + "\n")
        assert [(str(p.location), p.message) for p in info.value.problems] == [
            ("a.yaml:1:1", _yaml._TOO_DEEP)
        ]

    def test_merge_of_its_own_list_is_refused_at_the_anchor(self):
        """``&x [{<<: *x}]`` is refused at ``&x``, as every alias to itself is.

        Composing and walking placed this one refusal at the mapping inside the list.
        """
        assert outcome(fast, "a: &x [1, {<<: *x}]\n") == ("refused", [(_yaml._SELF, 1, 4)], None)
        assert outcome(reference, "a: &x [1, {<<: *x}]\n") == (
            "refused",
            [(_yaml._SELF, 1, 11)],
            None,
        )

    def test_yaml_11_booleans_and_bases_are_read(self):
        """``yes``, ``on`` and ``No`` are booleans; ``0x1F``, ``017`` and ``0b101`` numbers."""
        data, _ = fast("[yes, on, No, OFF, y, 0x1F, 017, 0b101, 1_000, 190:20:30, 08, .inf]\n")
        assert typed(data) == typed(
            [True, True, False, False, "y", 31, 15, 5, 1000, 685230, "08", float("inf")]
        )

    def test_problems_in_a_shared_value_are_told_at_each_use(self):
        """A problem inside an anchored value is told again wherever an alias reads it."""
        text = "a: &x {b: !x 1}\nc: *x\nd: {<<: *x}\n"
        with pytest.raises(SpecError) as info:
            fast(text)
        assert [str(p) for p in info.value.problems] == [
            "a.yaml:1:11: The tag '!x' is not allowed; alignment files hold plain data only"
        ] * 3


class TestPositionTree:
    tree = PositionTree(
        pack_position(0, 0),
        {
            "a": (pack_position(1, 0), [pack_position(1, 4), (pack_position(2, 6), {})]),
            "b": pack_position(3, 0),
            1: pack_position(4, 0),
        },
    )

    def test_is_the_flat_mapping_it_stands_for(self):
        """As a mapping it holds each path written, 1-based, like the walk's flat dict."""
        assert dict(self.tree) == {
            (): (1, 1),
            ("a",): (2, 1),
            ("a", 0): (2, 5),
            ("a", 1): (3, 7),
            ("b",): (4, 1),
            (1,): (5, 1),
        }
        assert len(self.tree) == 6
        assert ("a", 2) not in self.tree

    @pytest.mark.parametrize(
        ("path", "where"),
        [
            pytest.param(("a", 1, "x"), (3, 7), id="unwritten-key"),
            pytest.param(("a", 2), (2, 1), id="index-past-the-end"),
            pytest.param(("a", -1), (2, 1), id="negative-index"),
            pytest.param(("a", "0"), (2, 1), id="text-for-an-index"),
            pytest.param(("b", 0), (4, 1), id="inside-a-scalar"),
            pytest.param(("c",), (1, 1), id="unwritten-top-level-key"),
        ],
    )
    def test_unwritten_paths_are_placed_at_their_nearest_written_parent(
        self, path: tuple[PathPart, ...], where: tuple[int, int]
    ):
        """A path not written is placed where its nearest written parent is."""
        location = TextSourceMap("a.yaml", self.tree).resolve(path)
        assert location == Location("a.yaml", line=where[0], column=where[1], path=path)

    def test_a_flat_mapping_places_paths_the_same(self):
        """A TextSourceMap over the flat dict and over the tree agree on every path."""
        flat = TextSourceMap("a.yaml", dict(self.tree))
        tree = TextSourceMap("a.yaml", self.tree)
        for path in [("a", 1, "x"), ("a", 2), ("b", 0), ("c",), (), (1,), ("a", 0)]:
            assert tree.resolve(path) == flat.resolve(path)
