"""The report's page: one HTML file, styles, script and charts inline, nothing fetched.

Every text that comes from the file goes through :func:`_e` (HTML escaping) or, in
the data block the script reads, through JSON with ``<`` escaped, so that a name such
as ``<script>`` shows as text. The Content-Security-Policy allows only this page's
own style and script, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Any, Final

from alignkit.report._data import ReportData

__all__ = ["render"]

_SECTIONS: Final = (
    ("rights", "Decision rights"),
    ("org", "Org chart"),
    ("teams", "Teams"),
    ("incentives", "Incentives and bonus"),
    ("handoffs", "Handoffs"),
    ("streams", "Value streams"),
    ("channels", "Channels"),
    ("decisions", "Decisions and review"),
    ("findings", "Findings"),
)
_SEVERITIES: Final = ("error", "warning", "info")
_RULES_URL: Final = "https://alignkit.readthedocs.io/en/latest/rules/"
"""Each code's page: a link the reader may follow, never fetched by the page."""


def _e(value: object) -> str:
    """``value`` as HTML text (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


@cache
def _asset(name: str) -> str:
    return files("alignkit.report").joinpath("assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def _json_block(value: object) -> str:
    """JSON that cannot end the ``<script>`` holding it, whatever the file's text."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(data: ReportData) -> str:
    """The page of ``data``: the same data gives the same bytes."""
    style, script = _asset("report.css"), _asset("report.js")
    policy = (
        "default-src 'none'; "
        f"style-src {_hash(style)}; script-src {_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    body = "\n".join(
        (
            _header(data),
            "<main>",
            _rights(data.rights),
            _org(data.org),
            _teams(data.teams),
            _incentives(data.plans, data.incentive_map),
            _handoffs(data.handoffs),
            _streams(data.streams),
            _channels(data.channels),
            _decisions(data.decisions, data.agenda),
            _findings(data.findings),
            "</main>",
        )
    )
    payload = {"rights": data.rights, "findings": len(data.findings)}
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{_e(data.title)}</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n{body}\n"
        f'<script type="application/json" id="report-data">{_json_block(payload)}</script>\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def _section(key: str, title: str, content: str) -> str:
    return f'<section id="{key}">\n<h2>{_e(title)}</h2>\n{content}\n</section>'


def _empty(text: str) -> str:
    return f'<p class="empty">{_e(text)}</p>'


def _header(data: ReportData) -> str:
    counts = "".join(f"<li><b>{value}</b> {_e(name)}</li>" for name, value in data.counts.items())
    headline = (
        f'<p class="headline"><strong>Diagnosis:</strong> {_e(data.headline)}</p>'
        if data.headline
        else ""
    )
    toc = "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title in _SECTIONS)
    return (
        f"<header>\n<h1>{_e(data.title)}</h1>\n"
        f'<p class="meta">File <code>{_e(data.path)}</code> · SHA-256 '
        f"<code>{_e(data.sha256)}</code> · made "
        f'<span class="nowrap">{_e(data.made_at)}</span></p>\n'
        f"{headline}\n"
        f'<ul class="counts">{counts}</ul>\n<nav class="toc">{toc}</nav>\n</header>'
    )


def _options(values: Iterable[str], everything: str) -> str:
    found = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
    return f'<option value="">{_e(everything)}</option>{found}'


def _select(label: str, ident: str, values: Iterable[str]) -> str:
    return f'<label>{_e(label)} <select id="{ident}">{_options(values, "all")}</select></label>'


def _flag(flags: Sequence[str]) -> str:
    if not flags:
        return ""
    return f' <span class="flag" title="{_e("; ".join(flags))}">⚑</span>'


def _rights(rights: Mapping[str, Any] | None) -> str:
    if rights is None or not rights["decisions"]:
        return _section(
            "rights", "Decision rights", '<p class="empty">The file declares no decisions.</p>'
        )
    decisions: list[Mapping[str, Any]] = rights["decisions"]
    parties: list[Mapping[str, Any]] = rights["parties"]
    legend = "".join(
        f'<span class="{_e(item["class"])}">{_e(item["letter"])} {_e(item["role"])}</span>'
        for item in rights["legend"]
    )
    categories = sorted({d["category"] for d in decisions if d["category"]})
    functions = sorted({p["function"] for p in parties if p["function"]})
    controls = (
        '<div class="controls">'
        f"{_select('Category', 'filter-category', categories)}"
        f"{_select('Function', 'filter-function', functions)}"
        '<button type="button" id="sort-parties" data-by="load">Parties by name</button>'
        '<button type="button" id="sort-decisions" data-by="category">Decisions by load</button>'
        "</div>"
    )
    head = "".join(
        f'<th class="decision" scope="col" tabindex="0" data-decision="{_e(d["id"])}" '
        f'title="{_e(d["id"] + ": " + d["title"])}"><span>{_e(d["id"])}</span>'
        f"{_flag(d['flags'])}</th>"
        for d in decisions
    )
    rows = []
    for party in parties:
        name = party["name"]
        cells = []
        for decision in decisions:
            cell = decision["cells"].get(name)
            if cell is None:
                cells.append(f'<td data-decision="{_e(decision["id"])}"></td>')
            else:
                cells.append(
                    f'<td class="{_e(cell["role"])}" data-decision="{_e(decision["id"])}">'
                    f"{_e(cell['letters'])}</td>"
                )
        flagged = ' class="party flagged"' if party["flags"] else ' class="party"'
        rows.append(
            f'<tr data-party="{_e(name)}" data-function="{_e(party["function"])}" '
            f'data-load="{party["load"]}"><th{flagged} scope="row">{_e(name)}'
            f'<span class="span">{party["load"]}</span>{_flag(party["flags"])}</th>'
            f"{''.join(cells)}</tr>"
        )
    left_out = ""
    if rights["left_out_parties"] or rights["left_out_decisions"]:
        left_out = (
            f'<p class="note">The heatmap shows the {len(parties)} parties with the most roles '
            f"and the {len(decisions)} decisions with the most parties; "
            f"{rights['left_out_parties']} parties and {rights['left_out_decisions']} "
            "decisions are left out (the findings cover them all).</p>"
        )
    table = (
        '<div class="scroll"><table class="heatmap">'
        f'<thead><tr><th scope="col">Party (roles)</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    content = (
        f'<p class="legend">Scheme {_e(rights["scheme"])}: {legend}</p>{controls}{left_out}'
        f'{table}<div id="decision-detail" class="hidden" aria-live="polite"></div>'
        '<p class="note">Click a decision to see who may decide it, who must be consulted '
        "and informed, and its escalation path. ⚑ marks a party or decision with a "
        "finding.</p>"
    )
    return _section("rights", "Decision rights", content)


def _org(roots: Sequence[Mapping[str, Any]]) -> str:
    if not roots:
        return _section("org", "Org chart", '<p class="empty">The file declares no people.</p>')

    def item(node: Mapping[str, Any]) -> str:
        head = '<span class="head-mark">head</span>' if node["head"] else ""
        span = f'<span class="span">{node["span"]} reports</span>' if node["span"] else ""
        label = (
            f"{_e(node['name'])} <code>{_e(node['id'])}</code> · {_e(node['function'])}"
            f"{head}{span}{_flag(node['flags'])}"
        )
        if not node["reports"]:
            return f"<li>{label}</li>"
        below = "".join(item(child) for child in node["reports"])
        return f"<li><details open><summary>{label}</summary><ul>{below}</ul></details></li>"

    tree = "".join(item(root) for root in roots)
    return _section("org", "Org chart", f'<ul class="tree">{tree}</ul>')


def _teams(teams: Sequence[Mapping[str, Any]]) -> str:
    if not teams:
        return _section("teams", "Teams", '<p class="empty">The file declares no teams.</p>')
    rows = "".join(
        f'<tr><th scope="row">{_e(t["name"])}{_flag(t["flags"])}</th><td>{_e(t["model"])}</td>'
        f"<td>{t['size']} (band {_e(t['band'])}){'' if t['in_band'] else ' ⚑'}</td>"
        f"<td>{_e(', '.join(t['functions']))}</td><td>{_e(t['autonomy'])}</td>"
        f"<td>{_e(t['leader'])}</td><td>{_e(t['mission'])}</td></tr>"
        for t in teams
    )
    table = (
        '<div class="scroll"><table class="teams"><thead><tr><th>Team</th><th>Model</th>'
        "<th>Size</th><th>Functions</th><th>Autonomy</th><th>Leader</th><th>Mission</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )
    return _section("teams", "Teams", table)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _curve_svg(points: Sequence[Sequence[float]], label: str) -> str:
    width, height, left, bottom, top = 280, 150, 30, 34, 10
    top_x = max(p[0] for p in points) if points else 1.5
    top_y = max(1.0, max((p[1] for p in points), default=1.0)) * 1.1

    def x(value: float) -> str:
        return _num(left + (width - left - 10) * value / top_x)

    def y(value: float) -> str:
        return _num(height - bottom - (height - bottom - top) * value / top_y)

    line = " ".join(f"{x(a)},{y(f)}" for a, f in points)
    base = height - bottom
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}"/>'
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>'
        f'<line class="axis" x1="{x(1.0)}" y1="{top}" x2="{x(1.0)}" y2="{base}"/>'
        f'<polyline class="curve" points="{line}"/>'
        f'<text x="{left}" y="{base + 14}">0%</text>'
        f'<text x="{x(1.0)}" y="{base + 14}" text-anchor="middle">100%</text>'
        f'<text x="{width - 10}" y="{base + 14}" text-anchor="end">{_num(top_x * 100)}%</text>'
        f'<text x="{left - 4}" y="{y(1.0)}" text-anchor="end">1x</text>'
        f'<text x="{(left + width) // 2}" y="{height - 4}" text-anchor="middle">'
        "attainment → payout factor</text></svg>"
    )


def _conflict_map(found: Mapping[str, Any] | None) -> str:
    if found is None or not found["functions"]:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{_e(f["function"])}</th>'
        f"<td>{_e(', '.join(f'{m} {_num(w * 100)}%' for m, w in f['metrics'].items()))}</td>"
        f"<td>{_num(f['shared'] * 100)}%</td></tr>"
        for f in found["functions"]
    )
    conflicts = "".join(
        f"<li><b>{_e(' and '.join(c['functions']))}</b>: {_e(' vs '.join(c['metrics']))}. "
        f"{_e(c['reason'])}</li>"
        for c in found["conflicts"]
    )
    none = "No two functions are paid on opposed metrics without a shared one."
    tensions = (
        f'<h3>Conflicts</h3><ul class="conflicts">{conflicts}</ul>'
        if conflicts
        else f'<p class="note">{_e(none)}</p>'
    )
    return (
        "<h3>Who is paid on what</h3>"
        '<div class="scroll"><table class="paid"><thead><tr><th>Function</th>'
        "<th>Metrics (weight)</th><th>Shared outcomes</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>{tensions}"
    )


def _agenda_item(item: Mapping[str, Any]) -> str:
    about = [item["kind"]]
    if item["functions"]:
        about.append(", ".join(item["functions"]))
    if item["owner"]:
        about.append(f"owner {item['owner']}")
    return (
        f'<li><b>{_e(item["title"])}</b> <span class="note">({_e("; ".join(about))})</span>'
        f"<br>{_e(item['detail'])}</li>"
    )


def _decisions(latency: Mapping[str, Any] | None, agenda: Sequence[Mapping[str, Any]]) -> str:
    if latency is None:
        parts = [
            _empty("No decision log: give the store (--store) to see how long decisions take.")
        ]
    else:
        rows = "".join(
            f'<tr><th scope="row">{_e(c["category"])}</th><td>{c["count"]}</td>'
            f"<td>{_hours_text(c['median_h'])}</td></tr>"
            for c in latency["by_category"]
        )
        summary = (
            f'<p class="note">{latency["count"]} decisions taken; median from proposal to '
            f"decision {_hours_text(latency['median_h'])}.</p>"
        )
        table = (
            '<div class="scroll"><table class="latency"><thead><tr><th>Category</th>'
            "<th>Decided</th><th>Median latency</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )
        parts = [summary + table]
    parts.append("<h3>The review agenda</h3>")
    if agenda:
        parts.append(f'<ol class="agenda">{"".join(_agenda_item(i) for i in agenda)}</ol>')
    else:
        parts.append(_empty("Nothing to review."))
    return _section("decisions", "Decisions and review", "".join(parts))


def _incentives(plans: Sequence[Mapping[str, Any]], found: Mapping[str, Any] | None) -> str:
    if not plans:
        return _section(
            "incentives",
            "Incentives and bonus",
            '<p class="empty">The file has no bonus plans.</p>',
        )
    cards = []
    for plan in plans:
        weights = "".join(
            f"<tr><td>{_e(c['name'])}</td><td>{_e(c['scope'])}</td>"
            f"<td>{_num(c['weight'] * 100)}%</td><td>{_e(c['metric'])}</td></tr>"
            for c in plan["components"]
        )
        curves = []
        seen: set[str] = set()
        for c in plan["components"]:
            key = json.dumps(c["curve"])
            if key in seen:
                continue
            seen.add(key)
            curves.append(_curve_svg(c["curve"], f"Payout curve of {plan['name']} {c['name']}"))
        cards.append(
            f'<div class="card"><h3>{_e(plan["name"])}</h3>'
            f'<p class="note">Paid to: {_e(", ".join(plan["functions"]) or "no function")}</p>'
            "<table><thead><tr><th>Component</th><th>Scope</th><th>Weight</th><th>Metric</th>"
            f"</tr></thead><tbody>{weights}</tbody></table>{''.join(curves)}</div>"
        )
    grid = f'<div class="cards">{"".join(cards)}</div>'
    return _section("incentives", "Incentives and bonus", grid + _conflict_map(found))


def _hours_text(value: float | None) -> str:
    return "none" if value is None else f"{_num(value)} h"


def _handoffs(handoffs: Mapping[str, Any] | None) -> str:
    if handoffs is None:
        return _section(
            "handoffs",
            "Handoffs",
            '<p class="empty">No handoff data: give the desk\'s store (<code>--store</code>) '
            "with a <code>handoffs</code> section in the file to see the funnel.</p>",
        )
    stages = ("opened", "submitted", "accepted", "activated")
    top = max(1, handoffs["opened"])
    width, row = 520, 26
    bars = "".join(
        f'<text x="0" y="{i * row + 17}">{stage} {handoffs[stage]}</text>'
        f'<rect class="process" x="130" y="{i * row + 4}" '
        f'width="{_num(max(1.0, (width - 140) * handoffs[stage] / top))}" height="18"/>'
        for i, stage in enumerate(stages)
    )
    funnel = (
        f'<svg class="chart funnel" viewBox="0 0 {width} {len(stages) * row + 8}" role="img" '
        f'aria-label="Handoff funnel">{bars}</svg>'
    )
    rows = "".join(
        f'<tr><th scope="row">{_e(o["owner"])}</th><td>{o["opened"]}</td>'
        f"<td>{o['submitted']}</td><td>{o['accepted']}</td><td>{o['activated']}</td>"
        f"<td>{_num(o['flag_rate'] * 100)}%</td><td>{_hours_text(o['median_accept_h'])}</td></tr>"
        for o in handoffs["owners"]
    )
    table = (
        '<div class="scroll"><table class="owners"><thead><tr><th>Owner</th><th>Opened</th>'
        "<th>Submitted</th><th>Accepted</th><th>Activated</th><th>Flag rate</th>"
        f"<th>Median to acceptance</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
    summary = (
        f'<p class="note">Flag rate {_num(handoffs["flag_rate"] * 100)}%; median time to '
        f"acceptance {_hours_text(handoffs['median_accept_h'])}.</p>"
    )
    return _section("handoffs", "Handoffs", funnel + summary + table)


def _channels(rows: Sequence[Mapping[str, Any]] | None) -> str:
    if rows is None:
        return _section(
            "channels",
            "Channels",
            '<p class="empty">No message log: give one (<code>--sla</code>) to see the '
            "response targets kept per channel and per pair of functions.</p>",
        )
    body = "".join(
        f'<tr><td>{_e(r["kind"])}</td><th scope="row">{_e(r["key"])}</th>'
        f"<td>{r['messages']}</td><td>{r['within']}</td><td>{r['breaches']}</td>"
        f"<td>{r['open']}</td><td>{r['overdue']}</td>"
        f"<td>{_num(100 * r['within'] / r['messages']) + '%' if r['messages'] else 'none'}</td>"
        f"<td>{_hours_text(r['median_h'])}</td><td>{_hours_text(r['p90_h'])}</td></tr>"
        for r in rows
    )
    table = (
        '<div class="scroll"><table class="sla"><thead><tr><th>By</th><th>Channel or pair</th>'
        "<th>Messages</th><th>Within target</th><th>Breaches</th><th>Open</th><th>Overdue</th>"
        "<th>Attainment</th><th>Median response</th><th>p90</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )
    return _section("channels", "Channels", table)


def _streams(streams: Sequence[Mapping[str, Any]]) -> str:
    if not streams:
        return _section("streams", "Value streams", _empty("The file has no value streams."))
    parts = [
        f"<h3>{_e(stream['name'])}</h3>"
        f'<p class="note">Lead time {_num(stream["lead_h"])} h; activity ratio '
        f"{_num(stream['activity_ratio'] * 100)}%. One lane per function; each step waits "
        "(amber) then works (blue), starting when the steps it waits for end.</p>"
        f"{_ladder(stream)}"
        for stream in streams
    ]
    return _section("streams", "Value streams", "".join(parts))


def _ladder(stream: Mapping[str, Any]) -> str:
    """The stream as swim lanes: a lane per function, each step placed in time."""
    steps, lanes = stream["steps"], stream["lanes"]
    label_width, width, lane_height = 120, 720, 34
    end = max((s["start_h"] + s["wait_h"] + s["process_h"] for s in steps), default=1.0)
    scale = (width - label_width - 10) / max(end, 1e-9)
    row_of = {lane: i for i, lane in enumerate(lanes)}
    shapes = [
        f'<text x="0" y="{i * lane_height + 21}">{_e(lane)}</text>'
        f'<line class="axis" x1="0" y1="{(i + 1) * lane_height}" x2="{width}" '
        f'y2="{(i + 1) * lane_height}"/>'
        for i, lane in enumerate(lanes)
    ]
    for step in steps:
        top = row_of[step["function"]] * lane_height + 6
        x = label_width + step["start_h"] * scale
        wait = step["wait_h"] * scale
        work = max(step["process_h"] * scale, 1.0)
        shapes.append(
            f"<g><title>{_e(step['name'])}: waits {_num(step['wait_h'])} h, works "
            f"{_num(step['process_h'])} h</title>"
            f'<rect class="wait" x="{_num(x)}" y="{top}" width="{_num(wait)}" height="22"/>'
            f'<rect class="process" x="{_num(x + wait)}" y="{top}" width="{_num(work)}" '
            'height="22"/>'
            f'<text x="{_num(x + 2)}" y="{top + 15}" class="step">{_e(step["name"])}</text></g>'
        )
    height = len(lanes) * lane_height + 4
    return (
        f'<svg class="chart ladder" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e("Swim lanes of " + stream["name"])}">{"".join(shapes)}</svg>'
    )


def _findings(findings: Sequence[Mapping[str, Any]]) -> str:
    if not findings:
        return _section(
            "findings", "Findings", '<p class="empty">No findings: the file passes every check.</p>'
        )
    sections = sorted({f["section"] for f in findings})
    severities = [s for s in _SEVERITIES if any(f["severity"] == s for f in findings)]
    controls = (
        '<div class="controls">'
        f"{_select('Severity', 'filter-severity', severities)}"
        f"{_select('Section', 'filter-section', sections)}"
        f'<span><b id="findings-shown">{len(findings)}</b> of {len(findings)} shown</span></div>'
    )
    rows = []
    for f in findings:
        hint = f'<br><span class="note">{_e(f["hint"])}</span>' if f["hint"] else ""
        rows.append(
            f'<tr data-severity="{_e(f["severity"])}" data-section="{_e(f["section"])}">'
            f'<td><a href="{_RULES_URL}{_e(f["code"])}/" title="{_e(f["summary"])}">'
            f"{_e(f['code'])}</a></td>"
            f'<td class="sev-{_e(f["severity"])}">{_e(f["severity"])}</td>'
            f"<td>{_e(f['section'])}</td><td>{_e(f['message'])}{hint}</td>"
            f"<td><code>{_e(f['where'])}</code></td></tr>"
        )
    table = (
        '<div class="scroll"><table class="findings"><thead><tr><th>Code</th><th>Severity</th>'
        "<th>Section</th><th>Finding</th><th>Where</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return _section("findings", "Findings", controls + table)
