"""MkDocs hook: generate the pages that come from the code.

- ``rules/<CODE>.md``: one page per diagnostic code, from ``Rule.to_markdown()``.
- ``rules/index.md``: a table of every code.
- ``reference/schema.md``: the JSON Schema of the alignment file.
- ``alignment.schema.json``: the same schema, served at its ``$id``.
- ``img/payout-curves.svg``: payout against attainment for the preset bonus plans.

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
        (
            "Codes are prefixed by area: `AK` the alignment file itself, `ORG` the organisation, "
            "`DR` decision rights, `HO` handoffs, `SQ` teams, `BN` bonus plans, `IN` incentives."
        ),
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
    from mkdocs.structure.files import File

    _import_alignkit()
    from alignkit.alignment_file import json_schema
    from alignkit.rules import RULES

    for code, rule in RULES.items():
        files.append(File.generated(config, f"rules/{code}.md", content=rule.to_markdown()))
    files.append(File.generated(config, "rules/index.md", content=rules_index()))
    files.append(File.generated(config, "reference/schema.md", content=schema_page()))
    files.append(File.generated(config, "img/payout-curves.svg", content=payout_curves_svg()))
    files.append(
        File.generated(
            config,
            "alignment.schema.json",
            content=json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
        )
    )
    return files
