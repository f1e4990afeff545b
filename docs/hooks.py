"""MkDocs hook: generate the pages that come from the code.

- ``rules/<CODE>.md``: one page per diagnostic code, from ``Rule.to_markdown()``.
- ``rules/index.md``: a table of every code.
- ``reference/schema.md``: an outline of the alignment file's keys, and the JSON Schema
  to download.
- ``alignment.schema.json``: the same schema, served at its ``$id``.
- ``img/payout-curves.svg``: payout against attainment for the preset bonus plans.
- In ``alignment-file.md``, each ``<!-- keys: SECTION -->`` marker becomes the table of
  that section's keys, and ``<!-- keys -->`` the table of the top-level keys, all read
  from the section models, so the reference cannot fall behind the code.

The pages exist only in memory during a build; none is written to ``docs/``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

_SCHEMA_INTRO = (
    "The JSON Schema of the alignment file, for editors and validators; "
    "`alignkit schema` prints the same."
)
_SRC = Path(__file__).resolve().parent.parent / "src"
_FILE_PAGE = "alignment-file.md"
_MARKER = re.compile(r"^<!-- keys(?:: (?P<section>[a-z_]+))? -->$", re.MULTILINE)
_ANCHOR = re.compile(r"^#+ .*\{#([\w-]+)\}$", re.MULTILINE)


def _import_alignkit() -> None:
    """Make ``alignkit`` importable even when it is not installed."""
    try:
        import alignkit  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(_SRC))


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", r"\|").replace("\n", " ")


def rules_index() -> str:
    """The Markdown of ``rules/index.md``, from the area registry."""
    from alignkit.areas import areas
    from alignkit.rules import RULES

    lines = [
        "# Diagnostic codes",
        "",
        "Every code `alignkit check` can report, with its name, severity and what it means.",
        "Each code links to a page that explains why it matters and shows an example and its fix.",
        "`alignkit rule CODE` prints the same page in a terminal.",
        "",
        "Codes are prefixed by area: `AK` the alignment file itself, "
        + ", ".join(f"`{area.prefix}` {area.title.lower()}" for area in areas())
        + ".",
        "A code, once published, keeps its meaning.",
        "",
        (
            "The last column says what the `target:` of an "
            "[`ignore:` entry](../alignment-file.md#accepting-a-finding-ignore) names to accept "
            "a finding of that code; findings about the file itself (`AK`) cannot be ignored."
        ),
        "",
        "| Code | Name | Severity | Summary | Ignore `target:` |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, rule in RULES.items():
        summary = _cell(rule.summary) + (" *Removed.*" if rule.removed else "")
        target = _cell(rule.target) if rule.target else "cannot be ignored"
        lines.append(
            f"| [{code}]({code}.md) | `{rule.name}` | {rule.severity.value} | {summary} "
            f"| {target} |"
        )
    lines.append("")
    return "\n".join(lines)


# -- the keys of the alignment file ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Key:
    """One key of the alignment file, as the generated reference shows it."""

    path: tuple[str, ...]
    """Where it is, from the top of the file; ``[]`` marks the items of a list."""
    type: str
    """What it holds, in plain words."""
    required: bool
    default: str
    """The value when left out, in plain words; empty when required."""
    description: str
    only_for: str = ""
    """The kinds of item that have this key, when not every kind does (``check: ...``)."""

    @property
    def name(self) -> str:
        """The key as written in YAML."""
        return self.path[-1].removesuffix("[]")

    @property
    def depth(self) -> int:
        """How deeply it is nested: 0 for a top-level key."""
        return len(self.path) - 1

    def relative(self, depth: int) -> str:
        """The dotted path below the key at ``depth`` (``functions[].name``)."""
        return ".".join(self.path[depth + 1 :])


def file_keys() -> list[Key]:
    """Every key of the alignment file, read from the section models, depth first."""
    from alignkit.alignment_file import AlignmentFile

    return list(_walk(AlignmentFile, ()))


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[Key]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    args = _docstring_args(model)
    for name, field in model.model_fields.items():
        key = field.alias or name
        prop = schema["properties"][key]
        path = (*prefix, key)
        yield Key(
            path=path,
            type=_words(prop, defs),
            required=field.is_required(),
            default="" if field.is_required() else _default(prop, field),
            description=_text(field.description or prop.get("description") or args.get(name, "")),
        )
        models, is_list = _models_in(field.annotation)
        inner = (*prefix, f"{key}[]") if is_list else path
        if len(models) == 1:
            yield from _walk(models[0], inner)
        elif models:
            yield from _merge_variants(models, inner)


def _merge_variants(models: Sequence[type[BaseModel]], prefix: tuple[str, ...]) -> Iterator[Key]:
    """The keys of a list whose items are one of several models, each key once."""
    by_model = [list(_walk(m, prefix)) for m in models]
    tag = _tag(models)
    labels = [
        f"`{tag}: {typing.get_args(m.model_fields[tag].annotation)[0]}`" if tag else m.__name__
        for m in models
    ]
    order: list[tuple[str, ...]] = []
    found: dict[tuple[str, ...], list[tuple[int, Key]]] = {}
    for index, keys in enumerate(by_model):
        for key in keys:
            if key.path not in found:
                order.append(key.path)
            found.setdefault(key.path, []).append((index, key))
    for path in order:
        entries = found[path]
        first = entries[0][1]
        if tag is not None and path == (*prefix, tag):
            kinds = "; ".join(
                f"`{typing.get_args(m.model_fields[tag].annotation)[0]}`: "
                f"{_lower_first(_text(_summary(m)).rstrip('.'))}"
                for m in models
            )
            yield dataclasses.replace(
                first,
                type=_join(
                    [f"`{typing.get_args(m.model_fields[tag].annotation)[0]}`" for m in models]
                ),
                required=True,
                default="",
                description=f"What kind it is, which decides its other keys. {kinds}.",
            )
            continue
        types_seen = list(dict.fromkeys(k.type for _, k in entries))
        only = "" if len(entries) == len(models) else _join([labels[i] for i, _ in entries])
        yield dataclasses.replace(
            first,
            type=" or ".join(types_seen),
            required=all(k.required for _, k in entries),
            description=next((k.description for _, k in entries if k.description), ""),
            only_for=only,
        )


def _tag(models: Sequence[type[BaseModel]]) -> str | None:
    """The key whose single literal value tells the models apart (``check``), if any."""
    common = set.intersection(*(set(m.model_fields) for m in models))
    for name in models[0].model_fields:
        if name not in common:
            continue
        values = [typing.get_args(m.model_fields[name].annotation) for m in models]
        literal = all(
            typing.get_origin(m.model_fields[name].annotation) is typing.Literal for m in models
        )
        if (
            literal
            and all(len(v) == 1 for v in values)
            and len({v[0] for v in values}) == len(models)
        ):
            return name
    return None


def _models_in(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """The models a field holds, and whether it holds a list of them."""
    from pydantic import BaseModel

    found: list[type[BaseModel]] = []
    is_list = False

    def visit(hint: Any, *, in_list: bool) -> None:
        nonlocal is_list
        origin = typing.get_origin(hint)
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            if hint not in found:
                found.append(hint)
            is_list = is_list or in_list
        elif origin is typing.Annotated:
            visit(typing.get_args(hint)[0], in_list=in_list)
        elif origin in (typing.Union, types.UnionType):
            for arg in typing.get_args(hint):
                visit(arg, in_list=in_list)
        elif origin in (list, tuple, Sequence) or (
            isinstance(origin, type) and issubclass(origin, Sequence)
        ):
            for arg in typing.get_args(hint):
                if arg is not Ellipsis:
                    visit(arg, in_list=True)

    visit(annotation, in_list=False)
    return found, is_list


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _summary(model: type[BaseModel]) -> str:
    """The first paragraph of a model's docstring."""
    return " ".join(inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].split())


def _docstring_args(model: type[BaseModel]) -> dict[str, str]:
    """The Google-style ``Args:`` or ``Attributes:`` of a model's docstring, by name."""
    doc = inspect.cleandoc(model.__doc__ or "")
    found: dict[str, str] = {}
    section = re.search(r"^(?:Args|Attributes):\n((?:    .*\n?|\n)+)", doc, re.MULTILINE)
    if section is None:
        return found
    for match in re.finditer(
        r"^    (\w+)(?: \([^)]*\))?: (.*(?:\n        .*)*)", section.group(1), re.MULTILINE
    ):
        found[match.group(1)] = " ".join(match.group(2).split())
    return found


def _text(text: str) -> str:
    """A docstring's reStructuredText literals as Markdown code."""
    text = re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"`\1`", text)
    return re.sub(r"``(.+?)``", r"`\1`", " ".join(text.split()))


def _join(parts: Sequence[str], last: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def _words(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> str:  # noqa: PLR0911 - one return per kind
    """A JSON Schema in plain words: text, list of mappings, `raci`, `rapid` or `daci` ..."""
    if "$ref" in prop:
        return _words(defs[prop["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in prop:
        return f"`{_yamlish(prop['const'])}`"
    if "enum" in prop:
        return _join([f"`{_yamlish(value)}`" for value in prop["enum"]])
    options = prop.get("anyOf") or prop.get("oneOf")
    if options:
        parts: list[str] = []
        for option in options:
            if option.get("type") == "null":
                continue
            values = option.get("enum", [option["const"]] if "const" in option else None)
            if values is None:
                parts.append(_words(option, defs))
            else:
                parts.extend(f"`{_yamlish(value)}`" for value in values)
        parts = list(dict.fromkeys(parts))
        if len(parts) > 1 and any("," in part for part in parts):
            return ", or ".join(parts)
        return _join(parts)
    kind = prop.get("type")
    if kind == "string":
        return {"date": "date (YYYY-MM-DD)", "date-time": "date and time with its UTC offset"}.get(
            prop.get("format", ""), "text"
        )
    if kind in ("integer", "number"):
        return (("whole number" if kind == "integer" else "number") + _bounds(prop)).strip()
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        if "prefixItems" in prop:
            items = list(dict.fromkeys(_words(p, defs) for p in prop["prefixItems"]))
            each = items[0] if len(items) == 1 else _join(items, "and")
            count = len(prop["prefixItems"])
            return f"pair of {_plural(each)}" if count == 2 else f"{count} {_plural(each)}"  # noqa: PLR2004
        return f"list of {_plural(_words(prop.get('items', {}), defs))}"
    if kind == "object" or "properties" in prop or "additionalProperties" in prop:
        values = prop.get("additionalProperties")
        if isinstance(values, dict) and "properties" not in prop:
            return f"mapping of text to {_words(values, defs)}"
        return "mapping"
    return "any value"


def _bounds(prop: Mapping[str, Any]) -> str:
    parts = []
    if "minimum" in prop:
        parts.append(f"at least {_yamlish(prop['minimum'])}")
    if "exclusiveMinimum" in prop:
        parts.append(f"above {_yamlish(prop['exclusiveMinimum'])}")
    if "maximum" in prop:
        parts.append(f"at most {_yamlish(prop['maximum'])}")
    if "exclusiveMaximum" in prop:
        parts.append(f"below {_yamlish(prop['exclusiveMaximum'])}")
    return f", {' and '.join(parts)}" if parts else ""


_PLURALS = {"text": "text values", "mapping": "mappings", "number": "numbers"}


def _plural(words: str) -> str:
    """``text`` as ``text values``, ``pair of numbers`` as ``pairs of numbers`` ..."""
    if words.startswith("pair of "):
        return f"pairs of {words.removeprefix('pair of ')}"
    if " or " in words and "`" not in words:
        return " or ".join(_plural(part) for part in words.split(" or "))
    if words in _PLURALS:
        return _PLURALS[words]
    if words.startswith("`"):
        return words
    return f"items, each {words}"


def _default(prop: Mapping[str, Any], field: FieldInfo) -> str:
    """A field's default in plain words."""
    value = prop["default"] if "default" in prop else field.get_default(call_default_factory=True)
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if value is None:
        return "none"
    if value in ((), [], {}, ""):
        return "empty"
    shown = _yamlish(value)
    if len(shown) > _LONGEST_DEFAULT:
        return f"{len(value)} built-in entries" if isinstance(value, list | tuple) else "built in"
    return f"`{shown}`"


_LONGEST_DEFAULT = 60
"""Longer defaults are summed up rather than shown."""


def _yamlish(value: object) -> str:
    """A value as YAML flow style writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k}: {_yamlish(v)}" for k, v in value.items() if v is not None)
        return f"{{{inner}}}"
    if isinstance(value, list | tuple):
        return f"[{', '.join(_yamlish(v) for v in value)}]"
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def _key_row(key: Key, depth: int) -> str:
    note = f"Only with {key.only_for}. " if key.only_for else ""
    return (
        f"| `{key.relative(depth)}` | {_cell(key.type)} | {'yes' if key.required else 'no'} "
        f"| {_cell(key.default) or '—'} | {_cell(note + key.description).strip()} |"
    )


_TABLE_HEAD = ["| Key | Type | Required | Default | Meaning |", "| --- | --- | --- | --- | --- |"]


def top_level_table(
    keys: Sequence[Key] | None = None, anchors: Mapping[str, str] | None = None
) -> str:
    """The Markdown table of the file's top-level keys, linking each to its anchor."""
    keys = file_keys() if keys is None else keys
    anchors = anchors or {}
    rows = list(_TABLE_HEAD)
    for key in keys:
        if key.depth == 0:
            anchor = anchors.get(key.name)
            name = f"[`{key.name}`](#{anchor})" if anchor else f"`{key.name}`"
            rows.append(_key_row(key, -1).replace(f"`{key.name}`", name, 1))
    return "\n".join(rows)


def section_table(section: str, keys: Sequence[Key] | None = None) -> str:
    """The Markdown table of the keys under one top-level key (``org``, ``teams`` ...).

    Raises:
        ValueError: ``section`` is not a top-level key with keys of its own.
    """
    keys = file_keys() if keys is None else keys
    below = [k for k in keys if k.depth > 0 and k.path[0].removesuffix("[]") == section]
    if not below:
        known = sorted({k.path[0].removesuffix("[]") for k in keys if k.depth > 0})
        msg = f"No section {section!r} with keys of its own; the sections are {known}"
        raise ValueError(msg)
    intro = (
        f"Each entry of `{section}` has these keys:"
        if below[0].path[0].endswith("[]")
        else f"The keys of `{section}`:"
    )
    return "\n".join([intro, "", *_TABLE_HEAD, *(_key_row(k, 0) for k in below)])


def alignment_file_page(markdown: str) -> str:
    """``alignment-file.md`` with every ``<!-- keys -->`` marker replaced by its table.

    Raises:
        ValueError: A marker names no section, or a section of the file has no marker.
    """
    keys = file_keys()
    sections = {k.path[0].removesuffix("[]") for k in keys if k.depth > 0}
    marked = {m.group("section") for m in _MARKER.finditer(markdown)} - {None}
    missing = sorted(sections - marked)
    if missing:
        msg = f"{_FILE_PAGE} has no `<!-- keys: SECTION -->` table for {', '.join(missing)}"
        raise ValueError(msg)

    # Each section's table sits under the section's heading: link to that heading.
    anchors = {}
    for match in _MARKER.finditer(markdown):
        headings = _ANCHOR.findall(markdown, 0, match.start())
        if match.group("section") and headings:
            anchors[match.group("section")] = headings[-1]

    def table(match: re.Match[str]) -> str:
        section = match.group("section")
        if section is None:
            return top_level_table(keys, anchors)
        return section_table(section, keys)

    return _MARKER.sub(table, markdown)


def schema_outline(keys: Sequence[Key] | None = None) -> str:
    """Every key of the file as a nested Markdown list, with its type and meaning."""
    keys = file_keys() if keys is None else keys
    lines = []
    for key in keys:
        status = "required" if key.required else f"optional, default {key.default}"
        note = f" Only with {key.only_for}." if key.only_for else ""
        meaning = f" {key.description}" if key.description else ""
        lines.append(f"{'    ' * key.depth}- `{key.name}`: {key.type}; {status}.{note}{meaning}")
    return "\n".join(lines)


_SCHEMA_PAGE = """\
# Alignment file schema

{intro}

[Download alignment.schema.json](../alignment.schema.json){{ download }}

Editors that use the YAML language server autocomplete and validate the file against it:
see [Schema and editor support](../alignment-file.md#schema).

## Outline

Every key of the file, with what it holds, its default and what it means.
A key is optional unless it says required.
[The alignment file](../alignment-file.md) explains each section, with examples.

{outline}
"""


def schema_page() -> str:
    """The Markdown of ``reference/schema.md``."""
    return _SCHEMA_PAGE.format(intro=_SCHEMA_INTRO, outline=schema_outline())


def payout_curves_svg() -> str:
    """An SVG plot of payout against individual attainment for the preset plans."""
    from decimal import Decimal

    from alignkit.bonus import BonusPlan

    width, height, left, bottom, top, right = 640, 400, 60, 50, 20, 20
    max_x, max_y = 2.5, 200

    def px(x: float, y: float) -> tuple[float, float]:
        plot_w = width - left - right
        plot_h = height - top - bottom
        return left + x / max_x * plot_w, top + plot_h - y / max_y * plot_h

    steps = [Decimal(i) / 20 for i in range(51)]
    blended = BonusPlan.blended()
    solo = BonusPlan.individual_only()
    series = [
        (
            "Individual only",
            "#c0392b",
            "",
            [solo.payout(100, {"individual": a}).total for a in steps],
        ),
        (
            "Blended 40/30/20/10, team and company on target",
            "#2471a3",
            "",
            [
                blended.payout(
                    100, {"individual": a, "team": 1, "company": 1, "silo_buster": 0}
                ).total
                for a in steps
            ],
        ),
        (
            "Blended, team and company at 50%",
            "#2471a3",
            "6,4",
            [
                blended.payout(
                    100, {"individual": a, "team": "0.5", "company": "0.5", "silo_buster": 0}
                ).total
                for a in steps
            ],
        ),
    ]
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            'font-family="sans-serif" font-size="12">'
        ),
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for tick in range(0, 201, 50):
        x0, y = px(0, tick)
        x1, _ = px(max_x, tick)
        parts.append(f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<text x="{x0 - 8}" y="{y + 4}" text-anchor="end">{tick}%</text>')
    for tick in (0, 0.5, 1, 1.5, 2, 2.5):
        x, y0 = px(tick, 0)
        parts.append(f'<line x1="{x}" y1="{y0}" x2="{x}" y2="{y0 + 5}" stroke="#333"/>')
        parts.append(f'<text x="{x}" y="{y0 + 18}" text-anchor="middle">{tick:.0%}</text>')
    x0, y0 = px(0, 0)
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{px(max_x, 0)[0]}" y2="{y0}" stroke="#333"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{px(0, max_y)[1]}" stroke="#333"/>')
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">'
        "individual attainment</text>"
    )
    parts.append(
        f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2})">payout, % of target</text>'
    )
    for index, (label, colour, dash, values) in enumerate(series):
        points = " ".join(
            "{:.1f},{:.1f}".format(*px(float(a), float(v)))
            for a, v in zip(steps, values, strict=True)
        )
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        ly = top + 14 + index * 18
        parts.append(
            f'<line x1="{left + 12}" y1="{ly}" x2="{left + 40}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"{dashed}/>'
        )
        parts.append(f'<text x="{left + 46}" y="{ly + 4}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages to the build."""
    from mkdocs.structure.files import File, InclusionLevel

    _import_alignkit()
    from alignkit.alignment_file import json_schema
    from alignkit.rules import RULES, settings_of

    for code, rule in RULES.items():
        # Reached from the codes' index, not from the navigation.
        files.append(
            File.generated(
                config,
                f"rules/{code}.md",
                content=rule.to_markdown(settings=settings_of(rule)),
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )
    files.append(File.generated(config, "rules/index.md", content=rules_index()))
    files.append(File.generated(config, "reference/schema.md", content=schema_page()))
    files.append(File.generated(config, "reference/commands.md", content=commands_page()))
    files.append(File.generated(config, "img/payout-curves.svg", content=payout_curves_svg()))
    files.append(
        File.generated(
            config,
            "alignment.schema.json",
            content=json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
        )
    )
    return files


def commands_page() -> str:
    """Every ``alignkit`` command and its help, built-in and from each area's group."""
    import click

    from alignkit.cli import main

    lines = [
        "# Commands",
        "",
        "Every `alignkit` command with its options, as `--help` prints them.",
        (
            "Each area of the alignment file brings its own command group; "
            "[Command line](../cli.md) explains them with examples."
        ),
        "",
    ]
    context = click.Context(main, info_name="alignkit")

    def visit(command: click.Command, parent: click.Context, path: list[str]) -> None:
        inner = click.Context(command, info_name=path[-1], parent=parent)
        lines.extend([f"## `{' '.join(path)}`", "", "```text", command.get_help(inner), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(inner):
                sub = command.get_command(inner, name)
                if sub is not None:
                    visit(sub, inner, [*path, name])

    visit(main, context.parent or context, ["alignkit"])
    return "\n".join(lines)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:  # noqa: ARG001 - MkDocs passes them all
    """Fill the key tables of ``alignment-file.md`` from the section models."""
    if page.file.src_uri != _FILE_PAGE:
        return markdown
    return alignment_file_page(markdown)
