"""The docs site: generated reference pages, navigation, and rendering offline."""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from alignkit.alignment_file import AlignmentFile, loads
from docs import hooks

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
FILE_PAGE = (DOCS / "alignment-file.md").read_text()
MERMAID = DOCS / "assets" / "vendor" / "mermaid"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml: its `!!python/name:` tags name functions, which a test need not import."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda _loader, _suffix, _node: None)


def mkdocs_config() -> dict[str, typing.Any]:
    return yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_Loader)  # noqa: S506 - safe loader


def expected_paths(
    model: type[BaseModel], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every key of every model under `model`, walked from `model_fields` on its own."""
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        yield path
        for nested, in_list in _nested_models(field.annotation):
            yield from expected_paths(nested, (*prefix, f"{name}[]" if in_list else name))


def _nested_models(
    hint: object, *, in_list: bool = False
) -> Iterator[tuple[type[BaseModel], bool]]:
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint, in_list
        return
    origin = typing.get_origin(hint)
    is_list = origin in (list, tuple) or (
        isinstance(origin, type) and issubclass(origin, Sequence) and origin is not str
    )
    for arg in typing.get_args(hint):
        if arg is not Ellipsis:
            yield from _nested_models(arg, in_list=in_list or is_list)


EVERY_PATH = sorted(set(expected_paths(AlignmentFile)))
KEYS = hooks.file_keys()
PAGE = hooks.alignment_file_page(FILE_PAGE)
OUTLINE = hooks.schema_outline(KEYS)


class TestAlignmentFileReference:
    def test_covers_every_section_of_the_file(self):
        """The page has a key table for every top-level key that has keys of its own."""
        sections = {p[0].removesuffix("[]") for p in EVERY_PATH if len(p) > 1}
        assert {"bonus_plans", "incentives"} <= sections
        for section in sections:
            assert f"<!-- keys: {section} -->" in FILE_PAGE

    @pytest.mark.parametrize("path", EVERY_PATH, ids=[".".join(p) for p in EVERY_PATH])
    def test_lists_every_field_of_every_section_model(self, path: tuple[str, ...]):
        """Each key appears as a row of its section's table, and in the top-level table."""
        if len(path) == 1:
            assert re.search(rf"^\| (\[)?`{path[0]}`", PAGE, re.MULTILINE)
            return
        section = path[0].removesuffix("[]")
        intro = re.search(rf"^(The keys of|Each entry of) `{section}`", PAGE, re.MULTILINE)
        assert intro is not None
        table = PAGE[intro.start() : PAGE.index("\n\n", PAGE.index("| --- |", intro.start()))]
        assert f"\n| `{'.'.join(path[1:])}` |" in table

    @pytest.mark.parametrize("path", EVERY_PATH, ids=[".".join(p) for p in EVERY_PATH])
    def test_schema_outline_lists_every_field(self, path: tuple[str, ...]):
        """The schema page's outline has each key, nested at its depth."""
        key = next(k for k in KEYS if k.path == path)
        indent = "    " * (len(path) - 1)
        assert f"\n{indent}- `{path[-1]}`: {key.type}; " in f"\n{OUTLINE}"

    def test_every_key_says_what_it_holds(self):
        """A type in words for every key, and a default for every optional one."""
        for key in KEYS:
            assert key.type
            assert "any value" not in key.type, key.path
            assert bool(key.default) is not key.required, key.path

    def test_gate_checks_are_described_by_kind(self):
        """Keys only some kinds of check have say which kinds."""
        table = hooks.section_table("handoffs")
        assert (
            "| `gates[].checks[].kind` | text | yes | — | "
            "Only with `check: artifact_present` or `check: artifact_signed`. |"
        ) in table
        assert "`criteria_measurable`: at least `minimum` customer success criteria" in table

    def test_a_section_without_a_table_fails_the_build(self):
        """Forgetting a section's table is an error, not a silently shorter page."""
        with pytest.raises(ValueError, match="no `<!-- keys: SECTION -->` table for incentives"):
            hooks.alignment_file_page(FILE_PAGE.replace("<!-- keys: incentives -->", ""))

    def test_a_table_for_an_unknown_section_fails_the_build(self):
        """A mistyped section name is an error too."""
        with pytest.raises(ValueError, match="No section 'bonus'"):
            hooks.alignment_file_page(FILE_PAGE + "\n<!-- keys: bonus -->\n")

    @pytest.mark.parametrize(
        "section", ["decision_rights", "handoffs", "teams", "bonus_plans", "incentives"]
    )
    def test_section_example_follows_the_schema(self, section: str):
        """Each section's YAML example, added to the Acme org, loads without a schema problem."""
        acme = (ROOT / "examples" / "acme" / "alignment.yaml").read_text()
        org = acme[: acme.index("\n# Who decides what")] + "\n"
        blocks = [
            b
            for b in re.findall(r"```yaml\n(.*?)```", FILE_PAGE, re.DOTALL)
            if b.startswith(f"{section}:")
        ]
        assert blocks
        for block in blocks:
            report = loads(org + block, file="alignment.yaml").check(at=dt.date(2026, 11, 23))
            assert not {code for code in report.codes if code.startswith("AK01")}


class TestSchemaPage:
    def test_is_an_outline_not_a_dump(self):
        """The page reads as a tree of keys, and offers the JSON Schema as a download."""
        page = hooks.schema_page()
        assert "```json" not in page
        assert '"$defs"' not in page
        assert "[Download alignment.schema.json](../alignment.schema.json)" in page
        assert "\n- `org`: mapping; required. People and functions.\n" in page
        assert "\n    - `functions`: list of mappings; optional, default empty." in page


class TestBuild:
    @pytest.fixture(scope="class")
    @classmethod
    def generated(cls) -> dict[str, typing.Any]:
        from mkdocs.config import load_config
        from mkdocs.structure.files import Files

        config = load_config(str(ROOT / "mkdocs.yml"))
        # Through MkDocs' own dispatch, as in a build: the hook is one of the plugins.
        return {f.src_uri: f for f in config.plugins.on_files(Files([]), config=config)}

    def test_writes_the_schema_the_download_link_points_at(self, generated: dict[str, typing.Any]):
        """`alignment.schema.json` is built beside the pages."""
        assert '"$id": "https://alignkit.readthedocs.io/en/latest/alignment.schema.json"' in (
            generated["alignment.schema.json"].content_string
        )

    def test_rule_pages_are_reached_from_the_index_not_the_nav(
        self, generated: dict[str, typing.Any]
    ):
        """The build does not report every code's page as missing from the navigation."""
        from mkdocs.structure.files import InclusionLevel

        assert generated["rules/ORG001.md"].inclusion is InclusionLevel.NOT_IN_NAV
        assert "[ORG001](ORG001.md)" in generated["rules/index.md"].content_string

    def test_every_written_page_is_in_the_nav(self):
        """No page under docs/ is left out of the navigation."""

        def pages(entries: list[typing.Any]) -> Iterator[str]:
            for entry in entries:
                value = next(iter(entry.values())) if isinstance(entry, dict) else entry
                if isinstance(value, list):
                    yield from pages(value)
                else:
                    yield value

        in_nav = set(pages(mkdocs_config()["nav"]))
        written = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
        assert written <= in_nav


class TestOffline:
    def test_mermaid_comes_from_the_shipped_copy(self):
        """The site loads Mermaid from its own files, and no script or style from elsewhere."""
        config = mkdocs_config()
        shipped = "assets/vendor/mermaid/mermaid.min.js"
        assert shipped in config["extra_javascript"]
        for entry in [*config.get("extra_javascript", []), *config.get("extra_css", [])]:
            path = entry["path"] if isinstance(entry, dict) else entry
            assert not re.match(r"(https?:)?//", path)
            assert (DOCS / path).is_file()

    def test_shipped_mermaid_defines_the_global_material_looks_for(self):
        """Material fetches Mermaid from a CDN only when `mermaid` is undefined."""
        import material

        bundle = next(
            (Path(material.__file__).parent / "templates/assets/javascripts").glob(
                "bundle.*.min.js"
            )
        )
        # Minified, but the test that picks between the page's `mermaid` and a CDN is plain.
        loader = re.search(
            r'typeof mermaid=="undefined".{0,80}?"(https://[^"]*mermaid[^"]*)"', bundle.read_text()
        )
        assert loader is not None
        script = (MERMAID / "mermaid.min.js").read_text()
        assert script.rstrip().endswith(
            'globalThis["mermaid"] = globalThis.__esbuild_esm_mermaid_nm["mermaid"].default;'
        )

    def test_mermaid_licence_ships_beside_it(self):
        """The MIT notice travels with the copy."""
        licence = (MERMAID / "LICENSE").read_text()
        assert licence.startswith("The MIT License (MIT)")
        assert "Knut Sveidqvist" in licence

    def test_no_web_fonts(self):
        """System fonts: no request to Google Fonts."""
        assert mkdocs_config()["theme"]["font"] is False


class TestCommandsPage:
    def test_every_command_and_area_group_is_listed(self):
        """The commands reference follows the CLI, area groups included."""
        page = hooks.commands_page()
        for title in ("`alignkit check`", "`alignkit rights show`", "`alignkit bonus compute`"):
            assert f"## {title}" in page
        assert "--allow-outside PATH" in page
