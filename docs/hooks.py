"""MkDocs hook: generate the pages that come from the code.

- ``rules/<CODE>.md``: one page per diagnostic code, from ``Rule.to_markdown()``.
- ``rules/index.md``: a table of every code.
- ``reference/schema.md``: the JSON Schema of the alignment file.
- ``alignment.schema.json``: the same schema, served at its ``$id``.

The pages exist only in memory during a build; none is written to ``docs/``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

_SCHEMA_INTRO = (
    "The JSON Schema of the alignment file, for editors and validators; "
    "`alignkit schema` prints the same."
)
_SRC = Path(__file__).resolve().parent.parent / "src"


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
    """The Markdown of ``rules/index.md``."""
    from alignkit.rules import RULES

    lines = [
        "# Diagnostic codes",
        "",
        "Every code `alignkit check` can report, with its name, severity and what it means.",
        "Each code links to a page that explains why it matters and shows an example and its fix.",
        "`alignkit rule CODE` prints the same page in a terminal.",
        "",
        "Codes are prefixed by area: `AK` the alignment file itself, `ORG` the organisation.",
        "A code, once published, keeps its meaning.",
        "",
        "| Code | Name | Severity | Summary |",
        "| --- | --- | --- | --- |",
    ]
    for code, rule in RULES.items():
        summary = _cell(rule.summary) + (" *Removed.*" if rule.removed else "")
        lines.append(f"| [{code}]({code}.md) | `{rule.name}` | {rule.severity.value} | {summary} |")
    lines.append("")
    return "\n".join(lines)


def schema_page() -> str:
    """The Markdown of ``reference/schema.md``."""
    from alignkit.alignment_file import json_schema

    return "\n".join(
        [
            "# Alignment file schema",
            "",
            _SCHEMA_INTRO,
            "",
            "```json",
            json.dumps(json_schema(), indent=2, ensure_ascii=False),
            "```",
            "",
        ]
    )


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages to the build."""
    from mkdocs.structure.files import File

    _import_alignkit()
    from alignkit.alignment_file import json_schema
    from alignkit.rules import RULES

    for code, rule in RULES.items():
        files.append(File.generated(config, f"rules/{code}.md", content=rule.to_markdown()))
    files.append(File.generated(config, "rules/index.md", content=rules_index()))
    files.append(File.generated(config, "reference/schema.md", content=schema_page()))
    files.append(
        File.generated(
            config,
            "alignment.schema.json",
            content=json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
        )
    )
    return files
