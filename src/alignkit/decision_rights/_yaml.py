"""The ``decision_rights`` section as data, and as YAML written directly.

:func:`to_yaml` writes the text PyYAML's ``safe_dump`` would, value for value, without
building the data of every decision first, so a large matrix is written in about a
second; anything it does not write exactly as PyYAML would is left to PyYAML.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Final, final

import attrs

from alignkit.decision_rights._decision import Decision

__all__ = ["decision_data", "to_yaml"]


def to_yaml(decisions: Sequence[Decision], section: Callable[[object], dict[str, Any]]) -> str:
    """``{"decision_rights": section(decisions)}`` as YAML.

    Args:
        decisions: The matrix's decisions.
        section: The section's data, given what to hold under ``decisions``: a list
            of :func:`decision_data`, or an object only this module's writer reads.
    """
    writer = _YamlWriter()
    try:
        # The decisions are written from the models, without building their data.
        fields = _text_fields()
        if decisions and fields is not None:
            data = section(_Decisions(decisions, fields))
        else:
            data = section([decision_data(d) for d in decisions])
        writer.mapping({"decision_rights": data}, 0, "")
    except _NotSimple:
        import yaml

        plain = {"decision_rights": section([decision_data(d) for d in decisions])}
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(plain, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return "".join(writer.lines)


def decision_data(decision: Decision) -> dict[str, Any]:
    """What ``model_dump(mode="json", exclude_defaults=True)`` gives, less a title equal to the id.

    While every field holds text (or a sequence of text), the fields are read directly,
    which is several times faster on a large matrix.
    """
    fields = _text_fields()
    if fields is None:
        row = decision.model_dump(mode="json", exclude_defaults=True)
    else:
        row = {}
        values = decision.__dict__
        for name, default, is_sequence in fields:
            value = values[name]
            if value != default:
                row[name] = list(value) if is_sequence else value
    if row.get("title") == decision.id:
        del row["title"]
    return row


@functools.cache
def _text_fields() -> tuple[tuple[str, object, bool], ...] | None:
    """``(name, default, is a sequence)`` of each field of a decision.

    ``None`` unless every field holds text or optional text, or is a sequence of text
    that is empty by default.
    """
    found = []
    for name, field in Decision.model_fields.items():
        kind = _text_kind(field.annotation)
        if kind is None or (kind == "sequence" and field.default != ()):
            return None
        found.append((name, field.default, kind == "sequence"))
    return tuple(found)


def _text_kind(annotation: object) -> str | None:
    """``"text"`` for ``str`` (or ``str | None``), ``"sequence"`` for a sequence of it.

    >>> _text_kind(str | None), _text_kind(Sequence[Annotated[str, "x"]]), _text_kind(int)
    ('text', 'sequence', None)
    """
    import types
    import typing

    if annotation is str:
        return "text"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _text_kind(args[0])
    if origin in {types.UnionType, typing.Union}:
        kinds = {_text_kind(a) for a in args if a is not type(None)}
        return "text" if kinds == {"text"} else None
    if origin in {Sequence, tuple} and args and _text_kind(args[0]) == "text":
        return "sequence"
    return None


# -- the writer ------------------------------------------------------------------------


@functools.cache
def _yaml_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What PyYAML would not write plainly, and what it escapes: compiled when first written.

    Compiling these wide character classes costs more than the rest of the module's
    import, and only ``rights import`` and ``to_yaml`` use them.
    """
    not_simple = re.compile(
        # Anything PyYAML would not write as it is, in plain or single-quoted style:
        # controls, line breaks (\n, \x85, \u2028, \u2029), the byte order mark,
        # non-characters.
        "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]"
    )
    escaped = re.compile('["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]')
    return not_simple, escaped


_YAML_ESCAPES: Final = {
    "\x00": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
}
_YAML_BREAKS: Final = re.compile("[\n\x85\u2028\u2029]")
_YAML_INDICATORS: Final = frozenset("#,[]{}&*!|>'\"%@` ")
_YAML_KEY_LIMIT: Final = 100
"""PyYAML writes a long key (128 characters) as an explicit ``?`` key; we leave those to it."""


@final
@attrs.frozen
class _Decisions:
    """Decisions for :class:`_YamlWriter` to write straight from their fields."""

    decisions: Sequence[Decision]
    fields: tuple[tuple[str, object, bool], ...]
    """What :func:`_text_fields` gives."""


class _NotSimple(Exception):  # noqa: N818 - private control flow, never raised to users
    """Data the fast YAML writer leaves to PyYAML."""


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    code = _YAML_ESCAPES.get(char)
    if code is not None:
        return "\\" + code
    point = ord(char)
    if point <= 0xFF:  # noqa: PLR2004 - the widths of YAML's escapes
        return f"\\x{point:02X}"
    if point <= 0xFFFF:  # noqa: PLR2004
        return f"\\u{point:04X}"
    return f"\\U{point:08X}"


@final
class _YamlWriter:
    """Block-style YAML as PyYAML's ``safe_dump(sort_keys=False, allow_unicode=True)`` writes it.

    Only mappings with text keys, lists and text are written; anything else raises
    :class:`_NotSimple`. Each scalar gets the style PyYAML would choose (plain, single-
    or double-quoted, with the same escapes); long scalars are not folded onto several
    lines, which loads the same. Each distinct text is styled once.
    """

    def __init__(self) -> None:
        from yaml.resolver import Resolver

        self._resolvers = Resolver.yaml_implicit_resolvers
        self._styled: dict[str, str] = {}
        self._keys: dict[object, str] = {}
        self.lines: list[str] = []

    def scalar(self, text: str) -> str:
        """``text`` as PyYAML writes it."""
        styled = self._styled.get(text)
        if styled is None:
            styled = self._styled[text] = self._style(text)
        return styled

    def _style(self, text: str) -> str:
        not_simple, escaped = _yaml_patterns()
        if not_simple.search(text):
            return '"' + escaped.sub(_yaml_escape, text) + '"'
        if self._plain(text):
            return text
        return "'" + text.replace("'", "''") + "'"

    def _plain(self, text: str) -> bool:
        """True if ``text`` (with no special character) can be written unquoted."""
        if not text or text[0] in _YAML_INDICATORS or text[-1] == " ":
            return False
        if text[0] in "-?:" and (len(text) == 1 or text[1] == " "):
            return False
        if text.startswith(("---", "...")) or text.endswith(":") or ": " in text or " #" in text:
            return False
        resolvers = [*self._resolvers.get(text[0], ()), *self._resolvers.get(None, ())]
        return not any(pattern.match(text) for _, pattern in resolvers)

    def key(self, key: object) -> str:
        """``key`` as PyYAML writes a mapping key; :class:`_NotSimple` if not a simple key."""
        if not isinstance(key, str) or not key or len(key) >= _YAML_KEY_LIMIT:
            raise _NotSimple
        if _YAML_BREAKS.search(key):
            raise _NotSimple  # PyYAML writes this as an explicit `?` key
        return self.scalar(key)

    def mapping(self, data: Mapping[str, Any], indent: int, first: str) -> None:
        """Write ``data``'s keys at ``indent``, the first one after ``first``."""
        pad = " " * indent
        write = self.lines.append
        keys = self._keys
        styled = self._styled
        prefix = first
        for key, value in data.items():
            name = keys.get(key)
            if name is None:
                name = keys[key] = self.key(key)
            if isinstance(value, str):
                write(f"{prefix}{name}: {styled.get(value) or self.scalar(value)}\n")
            elif isinstance(value, list) and value:
                write(f"{prefix}{name}:\n")
                self.sequence(value, indent)
            elif isinstance(value, dict) and value:
                write(f"{prefix}{name}:\n")
                self.mapping(value, indent + 2, pad + "  ")
            elif isinstance(value, _Decisions):
                write(f"{prefix}{name}:\n")
                self.decisions(value, indent)
            elif isinstance(value, list | dict):
                write(f"{prefix}{name}: {'[]' if isinstance(value, list) else '{}'}\n")
            else:
                raise _NotSimple
            prefix = pad

    def decisions(self, decisions: _Decisions, indent: int) -> None:
        """Write ``decisions`` as :func:`decision_data` gives them, as ``- id: …`` items.

        Ids and titles, different in every decision, are styled without being kept;
        the lines are joined every few thousand decisions, to hold fewer objects.
        """
        first, pad, item = " " * indent + "- ", " " * (indent + 2), " " * (indent + 2) + "- "
        keys = [
            (name, default, sequence, self.key(name), name in {"id", "title"})
            for name, default, sequence in decisions.fields
        ]
        lines: list[str] = []
        write = lines.append
        styled = self._styled
        scalar, style = self.scalar, self._style
        for count, decision in enumerate(decisions.decisions, start=1):
            values = decision.__dict__
            decision_id = values["id"]
            prefix = first
            for name, default, is_sequence, key, unique in keys:
                value = values[name]
                if value == default or (name == "title" and value == decision_id):
                    continue
                if not is_sequence:
                    text = style(value) if unique else styled.get(value) or scalar(value)
                    write(f"{prefix}{key}: {text}\n")
                else:  # not empty, as the default is
                    write(f"{prefix}{key}:\n")
                    for party in value:
                        write(f"{item}{styled.get(party) or scalar(party)}\n")
                prefix = pad
            if not count % 4096:
                self.lines.append("".join(lines))
                lines.clear()
        self.lines.append("".join(lines))

    def sequence(self, items: list[Any], indent: int) -> None:
        """Write ``items`` as ``- item`` lines at ``indent``."""
        pad = " " * indent
        write = self.lines.append
        styled = self._styled
        for item in items:
            if isinstance(item, str):
                write(f"{pad}- {styled.get(item) or self.scalar(item)}\n")
            elif isinstance(item, dict) and item:
                self.mapping(item, indent + 2, pad + "- ")
            else:
                raise _NotSimple
