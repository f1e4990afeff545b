"""alignkit._yaml: reading YAML safely, with every problem in plain words at its place."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit import _yaml
from alignkit._yaml import decode, parse_text
from alignkit.alignment_file import loads
from alignkit.errors import SpecError
from tests.test_alignment_file import MINIMAL

# PyYAML's and libyaml's own words, which must never reach users.
PYYAML_WORDS = re.compile(
    r"expected|found|while (scanning|parsing)|<unicode string>|position|token|scalar"
    r"|indicator|<block|<stream|<document|\bnode\b",
    re.IGNORECASE,
)


BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
)

TOO_DEEP = "Values are nested more than 100 levels deep here; refusing to read them"
SELF = "The value here holds an alias to itself, so it never ends; refusing to read it"


@pytest.fixture(params=["libyaml", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with libyaml and with PyYAML's pure-Python parser."""
    if request.param == "python":
        monkeypatch.setattr(yaml, "CSafeLoader", yaml.SafeLoader, raising=False)
    else:
        assert hasattr(yaml, "CSafeLoader")  # PyPI's wheels are built with libyaml
    return str(request.param)


def problems(error: pytest.ExceptionInfo[SpecError]) -> list[tuple[str, str]]:
    """Each problem as ``("line:column", message)``."""
    return [(f"{p.location.line}:{p.location.column}", p.message) for p in error.value.problems]


def refusal(text: str) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as info:
        parse_text(text, "alignment.yaml")
    return problems(info)


def count_values(data: Any) -> int:
    """How many values ``data`` holds, itself included."""
    if isinstance(data, dict):
        return 1 + sum(count_values(value) for value in data.values())
    if isinstance(data, list):
        return 1 + sum(count_values(item) for item in data)
    return 1


class TestDecode:
    def test_utf8_is_read_and_its_bom_dropped(self):
        """UTF-8 text comes back as it was written, without a byte order mark."""
        assert decode("\ufeffname: Renée\n".encode(), "a.yaml") == "name: Renée\n"

    def test_blank_file_is_empty(self):
        """Only whitespace is an empty file."""
        with pytest.raises(SpecError, match=r"^a\.yaml:1:1: The file is empty$"):
            decode(b" \n\t\n", "a.yaml")

    @pytest.mark.parametrize(
        ("data", "where", "message"),
        [
            pytest.param(
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                "1:1",
                "byte 0x89 is not UTF-8 text; it looks like a binary file (a PNG image)",
                id="png",
            ),
            pytest.param(
                b"PK\x03\x04\x14\x00\x06\x00",
                "1:6",
                "byte 0x00 (NUL) never appears in text; it looks like a binary file"
                " (a ZIP archive, such as an .xlsx spreadsheet)",
                id="xlsx",
            ),
            pytest.param(
                b"version: 1\norg:\x00\n",
                "2:5",
                "byte 0x00 (NUL) never appears in text; it looks like a binary file",
                id="nul-in-utf8",
            ),
            pytest.param(
                b"version: 1\norg:\n  \xff\xfe\x00\x01garbage",
                "3:3",
                "byte 0xff is not UTF-8 text; it looks like a binary file",
                id="garbage",
            ),
            pytest.param(
                "name: Renée\x00".encode(),
                "1:12",
                "byte 0x00 (NUL) never appears in text; it looks like a binary file",
                id="column-counts-characters",
            ),
        ],
    )
    def test_binary_data_is_not_text(self, data: bytes, where: str, message: str):
        """Binary data is refused as not text, at its first byte that is not text."""
        with pytest.raises(SpecError) as info:
            decode(data, "a.yaml")
        assert problems(info) == [(where, f"The file is not text: {message}")]

    def test_other_encodings_are_told_to_save_as_utf8(self):
        """Latin-1 text is not binary: the advice is to save it as UTF-8."""
        with pytest.raises(SpecError) as info:
            decode("version: 1\nname: Renée\n".encode("latin-1"), "a.yaml")
        assert problems(info) == [
            (
                "2:10",
                (
                    "The file is not text: byte 0xe9 is not UTF-8 text; "
                    "if the file is text in another encoding, save it as UTF-8"
                ),
            )
        ]

    @pytest.mark.parametrize(
        ("encoding", "name"),
        [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32")],
    )
    def test_wide_unicode_is_told_to_save_as_utf8(self, encoding: str, name: str):
        """UTF-16 and UTF-32 (with their byte order mark) are named, not called binary."""
        with pytest.raises(SpecError) as info:
            decode("\ufeffversion: 1\n".encode(encoding), "a.yaml")
        assert problems(info) == [
            ("1:1", f"The file is not UTF-8 text: it is {name}; save it as UTF-8")
        ]


BROKEN = [
    # (id, text, where: "line:column" or {loader: "line:column"}, message after "Invalid YAML: ")
    (
        "list-item-indented-too-little",
        "org:\n  people:\n    - id: a\n   - id: b\n",
        "4:4",
        "this list item is indented differently from the lines above it",
    ),
    (
        "list-item-at-key-level",
        "org:\n  functions: []\n  - id: b\n",
        "3:3",
        "this list item is indented differently from the lines above it",
    ),
    (
        "key-indented-inside-list-item",
        "people:\n  - id: a\n    name: x\n   title: y\n",
        "4:4",
        "this line is indented differently from the lines above it",
    ),
    (
        "key-between-levels",
        "org:\n    people: []\n  functions: []\n",
        "3:3",
        "this line is indented differently from the lines above it",
    ),
    (
        "list-item-on-its-key-line",
        "functions: - Sales\n",
        "1:12",
        "a list item cannot start on its key's line; put it on the next line, indented",
    ),
    (
        "question-mark-in-value",
        "question: ? why\n",
        "1:11",
        "a `?` cannot start a key here; put the value in quotes",
    ),
    ("tab", "org:\n\tpeople: []\n", "2:1", "a tab cannot indent or separate YAML; use spaces"),
    (
        "tab-after-dash",
        "people:\n  -\tid: a\n",
        "2:4",
        "a tab cannot indent or separate YAML; use spaces",
    ),
    (
        "unclosed-double-quote",
        'name: "Dana\nrole: ceo\n',
        "1:7",
        "the quoted text that starts here is never closed",
    ),
    (
        "unclosed-single-quote",
        "name: 'Dana\n---\n'\n",
        "1:7",
        "the quoted text that starts here is never closed",
    ),
    (
        "unclosed-flow-mapping",
        "people:\n  - {id: a, name: b\n  - {id: c}\n",
        "2:5",
        "this `{` has no matching `}`, or a comma is missing inside it",
    ),
    (
        "unclosed-flow-mapping-at-end",
        "person: {id: a\n",
        "1:9",
        "this `{` has no matching `}`, or a comma is missing inside it",
    ),
    (
        "unclosed-flow-sequence",
        "heads: [ceo, cto\nteams: 3\n",
        "1:8",
        "this `[` has no matching `]`, or a comma is missing inside it",
    ),
    (
        "file-ends-in-bracket",
        "version: 1\norg: [\n",
        "3:1",
        "the file ends inside a `[` or `{` that is never closed",
    ),
    (
        "key-without-colon",
        "version: 1\norg\n",
        "2:1",
        "this key needs a colon after it (`key: value`)",
    ),
    (
        "list-item-then-key-without-colon",
        "people:\n  - ceo\n  cto\n",
        "3:3",
        "this key needs a colon after it (`key: value`)",
    ),
    (
        "colon-inside-value",
        "name: Dana: Reyes\n",
        "1:11",
        (
            "a colon cannot go here; put the value in quotes if the colon belongs to it, "
            "or check the indentation and the line above"
        ),
    ),
    (
        "key-without-colon-before-a-key",
        "org:\n  functions\n  people: []\n",
        "3:9",
        (
            "a colon cannot go here; put the value in quotes if the colon belongs to it, "
            "or check the indentation and the line above"
        ),
    ),
    (
        "undefined-alias",
        "base: 1\nother: *nope\n",
        "2:8",
        "the alias `*nope` refers to no anchor; define it before using it",
    ),
    (
        "duplicate-anchor",
        "a: &x 1\nb: &x 2\n",
        "2:4",
        "the anchor `&x` is also defined on line 1; rename one",
    ),
    (
        "alias-without-name",
        "a: * x\n",
        "1:4",
        "`&` and `*` must be followed by a name, with no space",
    ),
    (
        "two-documents",
        "a: 1\n---\nb: 2\n",
        "2:1",
        "the file holds a second document; an alignment file holds one",
    ),
    (
        "text-after-end-of-document",
        "a: 1\n...\nb: 2\n",
        "3:1",
        "nothing may follow the end of the document",
    ),
    ("at-sign", "owner: @dana\n", "1:8", "a value cannot start with '@'; put it in quotes"),
    (
        "text-after-a-list",
        "heads: [ceo, cto] and more\n",
        "1:19",
        "there is more on this line after the value; put the whole value in quotes",
    ),
    (
        "text-after-a-quote",
        'name: "Dana" Reyes\n',
        "1:14",
        "there is more on this line after the value; put the whole value in quotes",
    ),
    (
        "stray-closing-bracket",
        "heads: ]\n",
        "1:8",
        "this `]` closes nothing; put the value in quotes if it is text",
    ),
    ("dash-inside-brackets", "heads: [- ceo]\n", "1:9", "a value is missing here"),
    (
        "malformed-tag",
        "a: !<x y\n",
        "1:4",
        "this tag is malformed; alignment files hold plain data, so remove it",
    ),
    (
        "undeclared-tag-handle",
        "a: !x!y z\n",
        "1:4",
        "this tag is malformed; alignment files hold plain data, so remove it",
    ),
    (
        "text-after-block-indicator",
        "notes: |x\n  text\n",
        "1:9",
        "only `+`, `-`, a digit or a comment may follow `|` or `>` on its line",
    ),
    (
        "unknown-escape",
        'path: "C:\\data"\n',
        {"libyaml": "1:10", "python": "1:11"},
        (
            "a backslash in double quotes starts an escape such as `\\n`; "
            "write `\\\\` for a backslash, or use single quotes"
        ),
    ),
    ("yaml-2", "%YAML 2.0\n---\na: 1\n", "1:1", "this `%` line is not supported; remove it"),
    (
        "nul-character",
        "version: 1\x00\n",
        "1:11",
        "the character U+0000 cannot be in YAML text; delete it",
    ),
    (
        "escape-character",
        "name: \x1b[1mDana\n",
        "1:7",
        "the character U+001B cannot be in YAML text; delete it",
    ),
    (
        "lone-surrogate",
        "name: Dana\nrole: \ud800\n",
        "2:7",
        "the character U+D800 cannot be in YAML text; delete it",
    ),
]


class TestSyntaxMessages:
    @pytest.mark.parametrize(
        ("text", "where", "message"), [pytest.param(*case[1:], id=case[0]) for case in BROKEN]
    )
    def test_broken_yaml_is_told_plainly_at_its_place(
        self, loader: str, text: str, where: str | dict[str, str], message: str
    ):
        """Each kind of broken YAML gets one plain sentence at its line and column."""
        expected = where if isinstance(where, str) else where[loader]
        ((found_where, found_message),) = refusal(text)
        assert (found_where, found_message) == (expected, f"Invalid YAML: {message}")
        assert not PYYAML_WORDS.search(found_message)

    def test_parser_nesting_limit_is_told_plainly(self, loader: str):
        """Nesting too deep for the parser itself is refused in the same words."""
        where = {"libyaml": "1:1001", "python": "1:1"}[loader]
        assert refusal("[" * 5000) == [(where, TOO_DEEP)]

    @pytest.mark.parametrize(
        ("marks", "where"),
        [((True, False), "2:3"), ((False, True), "1:2"), ((False, False), "1:1")],
    )
    def test_unknown_complaints_get_a_general_sentence(self, marks: tuple[bool, bool], where: str):
        """A complaint not in the table still reads plainly, and always has a place."""
        context_mark = yaml.Mark("a.yaml", 1, 0, 1, "", 0)
        problem_mark = yaml.Mark("a.yaml", 5, 1, 2, "", 0)
        error = yaml.MarkedYAMLError(
            context="while reading something new",
            context_mark=context_mark if marks[1] else None,
            problem="found a novelty",
            problem_mark=problem_mark if marks[0] else None,
        )
        problem = _yaml._syntax_problem(error, "a: 1\nbb: 2\n", "a.yaml")
        assert (f"{problem.location.line}:{problem.location.column}", problem.message) == (
            where,
            "Invalid YAML: this is not valid YAML; check the indentation, quotes and brackets here",
        )


class TestAliases:
    def test_alias_bomb_is_refused_where_it_first_expands_too_far(self, loader: str):
        """A billion laughs is refused at the first value that expands past the limit."""
        assert refusal(BOMB) == [
            (
                "7:5",
                (
                    "The document expands to more than 2,000,000 values (too many aliases?); "
                    "refusing to read it"
                ),
            )
        ]

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("a: &a [1, 2, 3]\nb: [*a, *a, [*a]]\n", id="lists"),
            pytest.param(
                "a: &a {x: 1, y: [2, 3]}\nb: {<<: *a, z: 3}\nc: {<<: [*a]}\n", id="merges"
            ),
            pytest.param("a: &a [&b {x: 1}, *b]\nb: {k: *a, l: *b}\n", id="nested"),
        ],
    )
    def test_the_limit_counts_every_value_read(self, monkeypatch: pytest.MonkeyPatch, text: str):
        """An alias counts as many values as it expands to: the limit is read, not written."""
        data, _ = parse_text(text, "a.yaml")
        values = count_values(data)
        monkeypatch.setattr(_yaml, "_MAX_NODES", values)
        assert parse_text(text, "a.yaml")[0] == data
        monkeypatch.setattr(_yaml, "_MAX_NODES", values - 1)
        with pytest.raises(SpecError, match="too many aliases"):
            parse_text(text, "a.yaml")

    def test_shared_values_are_read_into_each_place(self):
        """Anchors, aliases and merge keys still work."""
        data, source = parse_text("a: &x {b: 1}\nc: *x\nd: {<<: *x, e: 2}\n", "a.yaml")
        assert data == {"a": {"b": 1}, "c": {"b": 1}, "d": {"e": 2, "b": 1}}
        assert data["a"] is not data["c"]
        location = source.resolve(("d", "e"))
        assert location is not None
        assert (location.line, location.column) == (3, 13)

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            pytest.param("a: &a [*a]\n", "1:4", id="list-in-itself"),
            pytest.param("x: 1\na: &a {b: [1, *a]}\n", "2:4", id="mapping-in-itself"),
            pytest.param("a: &a {<<: *a}\n", "1:4", id="merge-of-itself"),
            pytest.param("a: &a\n  - &b [*a]\n", "1:4", id="through-another-anchor"),
        ],
    )
    def test_alias_to_itself_is_refused(self, loader: str, text: str, where: str):
        """A value holding an alias to itself is a problem at its anchor, not a crash."""
        assert refusal(text) == [(where, SELF)]

    def test_nesting_up_to_the_limit_is_read(self):
        """100 levels of lists inside each other are read."""
        data, _ = parse_text("[" * 100 + "]" * 100, "a.yaml")
        depth = 0
        while data:
            data, depth = data[0], depth + 1
        assert depth == 99

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            pytest.param("[" * 101 + "]" * 101, "1:101", id="lists"),
            pytest.param("{a: " * 500 + "1" + "}" * 500, "1:401", id="mappings"),
        ],
    )
    def test_deeper_nesting_is_refused(self, text: str, where: str):
        """Nesting past the limit is refused where it passes it, not a RecursionError."""
        assert refusal(text) == [(where, TOO_DEEP)]


class TestScalars:
    @pytest.mark.parametrize(
        ("text", "data"),
        [
            pytest.param("until: 2027-13-01\n", {"until": "2027-13-01"}, id="month-13"),
            pytest.param("until: 2026-02-30\n", {"until": "2026-02-30"}, id="february-30"),
            pytest.param("at: 2026-01-01 25:00:00\n", {"at": "2026-01-01 25:00:00"}, id="hour-25"),
            pytest.param("2027-13-01: due\n", {"2027-13-01": "due"}, id="as-a-key"),
            pytest.param("n: " + "9" * 5000 + "\n", {"n": "9" * 5000}, id="huge-integer"),
        ],
    )
    def test_values_that_only_look_like_dates_or_numbers_stay_text(
        self, loader: str, text: str, data: dict[str, Any]
    ):
        """A plain value that cannot be the date or number it looks like stays text."""
        assert parse_text(text, "a.yaml")[0] == data

    def test_real_dates_and_numbers_are_read(self):
        """Values that are dates and numbers still become them."""
        data, _ = parse_text("until: 2027-12-01\nn: 12\nx: 1.5\n", "a.yaml")
        assert data == {"until": dt.date(2027, 12, 1), "n": 12, "x": 1.5}

    def test_impossible_date_is_a_schema_problem_at_its_field(self):
        """An impossible date reaches the schema, which reports it at its field."""
        text = MINIMAL + "ignore: [{code: ORG006, target: X, reason: r, until: 2027-13-01}]\n"
        with pytest.raises(SpecError) as info:
            loads(text, file="a.yaml")
        ((problem,),) = [info.value.problems]
        assert (str(problem.location), problem.code) == ("a.yaml:7:47", "AK012")
        assert problem.location.path == ("ignore", 0, "until")
        assert "'2027-13-01'" in problem.message

    @pytest.mark.parametrize(
        ("text", "where", "message"),
        [
            pytest.param("a: !!bool maybe\n", "1:4", "'maybe' is not a valid !!bool", id="bool"),
            pytest.param("a: !!int abc\n", "1:4", "'abc' is not a valid !!int", id="int"),
            pytest.param("a: !!float ''\n", "1:4", "'' is not a valid !!float", id="float"),
            pytest.param(
                "a: !!timestamp soon\n", "1:4", "'soon' is not a valid !!timestamp", id="date"
            ),
            pytest.param("? !!int x\n: 1\n", "1:3", "'x' is not a valid !!int", id="key"),
        ],
    )
    def test_value_that_misfits_its_written_tag_is_a_problem(
        self, loader: str, text: str, where: str, message: str
    ):
        """A tag written out and not fitted is a located problem, in plain words."""
        assert refusal(text) == [(where, f"The value {message}")]


class TestPlainData:
    def test_tags_are_refused_on_every_kind_of_value(self):
        """A tag on a mapping, a list or a text is a problem, never a call."""
        text = "a: !!python/object:os.system {}\nb: !x [1]\nc: !y text\n"
        assert refusal(text) == [
            (f"{line}:4", f"The tag {tag!r} is not allowed; alignment files hold plain data only")
            for line, tag in [(1, "!!python/object:os.system"), (2, "!x"), (3, "!y")]
        ]

    def test_merge_keys_refer_to_mappings(self):
        """Merging a text, alone or in a list, is a problem at what was merged."""
        text = "a: &x 1\nb: {<<: *x}\nc: {<<: [*x, {d: 1}]}\n"
        assert refusal(text) == [
            ("1:4", "A merge key (<<) must refer to a mapping"),
            ("1:4", "A merge key (<<) must refer to a mapping"),
        ]

    def test_keys_are_plain_text_written_once(self):
        """A list as a key, and a key written twice, are problems at the key."""
        assert refusal("? [k]\n: v\na: 1\nb: 2\na: 3\n") == [
            ("1:3", "A key must be plain text"),
            ("5:1", "Duplicate key 'a' (first written on line 3)"),
        ]


# YAML's punctuation, so that random text often breaks YAML in interesting ways.
yamlish = st.text(alphabet="-:?[]{},'\"&*!|>#%@`\t\n\r ab0.\\\x00\x85", max_size=60)


class TestAnyInput:
    @settings(max_examples=300, deadline=None)
    @given(st.text() | yamlish, st.booleans())
    def test_any_text_is_data_or_located_problems(self, text: str, pure_python: bool):
        """Text gives data or SpecError, whose every problem has a line, column and plain words."""
        loader = yaml.SafeLoader if pure_python else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml, "CSafeLoader", loader, raising=False)
            try:
                parse_text(text, "a.yaml")
            except SpecError as error:
                assert error.problems
                for problem in error.problems:
                    assert problem.location.line is not None
                    assert problem.location.column is not None
                    assert not PYYAML_WORDS.search(problem.message), problem.message

    @settings(max_examples=300, deadline=None)
    @given(st.binary() | st.text().map(str.encode))
    def test_any_bytes_are_text_or_located_problems(self, data: bytes):
        """Bytes give their text or SpecError with one problem, which has a line and column."""
        try:
            text = decode(data, "a.yaml")
        except SpecError as error:
            (problem,) = error.problems
            assert problem.location.line is not None
            assert problem.location.column is not None
        else:
            assert text.encode() == data.removeprefix(b"\xef\xbb\xbf")
