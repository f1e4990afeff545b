"""The alignment report: one self-contained, escaped, deterministic HTML page."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignkit.alignment_file import load, loads
from alignkit.cli import main
from alignkit.errors import SpecError
from alignkit.report import MAX_DECISIONS, MAX_PARTIES, build, report_data
from tests.test_diagnose import DESK_FILE, SLA_LOG

ACME = Path(__file__).parent.parent / "examples" / "acme" / "alignment.yaml"
AT = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)

HOSTILE = """\
version: 1
org:
  functions:
    - {name: Sales, head: evil}
    - {name: "R&D <b>", head: quote}
  people:
    - {id: evil, name: "<script>alert(1)</script>", function: Sales}
    - {id: quote, name: "O'Brien \\"the <i>boss</i>\\" & co", function: "R&D <b>"}
decision_rights:
  decisions:
    - id: approve-deal
      title: "Approve \\"big\\" deals & <img src=x onerror=alert(2)>"
      accountable: Sales
      consulted: ["R&D <b>"]
"""


@pytest.fixture(scope="module")
def acme_page() -> str:
    return build(load(ACME), at=AT)


def section(page: str, key: str) -> str:
    found = re.search(rf'<section id="{key}">(.*?)</section>', page, flags=re.DOTALL)
    assert found is not None, key
    return found.group(1)


class TestThePage:
    def test_every_section_with_the_files_counts(self, acme_page: str):
        rights = section(acme_page, "rights")
        assert rights.count('<th class="decision"') == 21
        assert rights.count("<tr data-party=") == len(
            {p for d in load(ACME).decision_rights.to_table().values() for p in d}
        )
        org = section(acme_page, "org")
        assert org.count("<code>") == 40  # every person, once
        assert org.count('class="head-mark"') == 7
        assert section(acme_page, "teams").count('<th scope="row">') == 3
        assert section(acme_page, "incentives").count('class="card"') == 3
        assert "closed-won-to-cash" in section(acme_page, "streams")
        assert "No findings" in section(acme_page, "findings")
        assert "No handoff data" in section(acme_page, "handoffs")
        assert "No message log" in section(acme_page, "channels")

    def test_the_legend_speaks_the_schemes_words(self):
        text = (
            "version: 1\norg:\n  functions:\n    - {name: Sales, head: ana}\n  people:\n"
            "    - {id: ana, name: Ana, function: Sales}\n"
            "    - {id: ben, name: Ben, function: Sales}\n"
            "decision_rights:\n  scheme: rapid\n  decisions:\n"
            "    - {id: set-price, accountable: ana, responsible: [ben]}\n"
        )
        legend = report_data(loads(text), at=AT).rights["legend"]
        assert {(item["letter"], item["role"]) for item in legend} >= {
            ("D", "decide"),
            ("R", "recommend"),
            ("P", "perform"),
        }

    def test_a_reporting_cycle_shows_each_person_once(self):
        from alignkit.rules import RULES

        def ids(nodes: list) -> list[str]:
            return [i for n in nodes for i in (n["id"], *ids(n["reports"]))]

        org = report_data(loads(RULES["ORG002"].example), at=AT).org
        assert sorted(ids(list(org))) == ["ceo", "vp-sales"]

    def test_value_streams_as_swim_lanes(self):
        (stream,) = report_data(load(ACME), at=AT).streams
        assert stream["lanes"] == ["Sales", "Operations", "IT", "Finance"]
        step = {s["name"]: s for s in stream["steps"]}

        def end(name: str) -> float:
            return step[name]["start_h"] + step[name]["wait_h"] + step[name]["process_h"]

        assert step["Close the deal"]["start_h"] == 0
        assert step["Provision"]["start_h"] == end("Hand over")  # after: [Hand over]
        assert step["First invoice"]["start_h"] == max(end("Kick-off"), end("Provision"))
        assert end("First invoice") == stream["lead_h"]  # the critical path

    def test_header_names_the_file_its_hash_and_the_diagnosis(self, acme_page: str):
        digest = hashlib.sha256(ACME.read_bytes()).hexdigest()
        assert digest in acme_page
        assert 'made <span class="nowrap">2027-01-04T00:00:00+00:00</span>' in acme_page
        assert "Diagnosis:" in acme_page

    def test_the_same_file_and_moment_give_the_same_bytes(self, acme_page: str):
        assert build(load(ACME), at=AT) == acme_page
        later = build(load(ACME), at=AT + dt.timedelta(days=1))
        assert later != acme_page
        assert later.replace("2027-01-05", "2027-01-04") == acme_page

    def test_nothing_is_fetched(self, acme_page: str):
        """No scripts, styles, fonts or images from anywhere: only links a reader may follow."""
        assert not re.search(r"<(link|img|iframe|object|embed)\b", acme_page)
        assert not re.search(r"\bsrc=", acme_page)
        assert "@import" not in acme_page
        assert "url(" not in acme_page
        for url in re.findall(r"https?://[^\s\"'<>]+", acme_page):
            assert url.startswith("https://alignkit.readthedocs.io/")

    def test_the_policy_allows_exactly_the_inline_style_and_script(self, acme_page: str):
        policy = html.unescape(
            re.search(r'Content-Security-Policy" content="([^"]+)"', acme_page)[1]
        )
        style = re.search(r"<style>(.*?)</style>", acme_page, flags=re.DOTALL)[1]
        script = re.search(r"<script>(.*?)</script>", acme_page, flags=re.DOTALL)[1]

        def digest(text: str) -> str:
            return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

        assert f"style-src 'sha256-{digest(style)}'" in policy
        assert f"script-src 'sha256-{digest(script)}'" in policy
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy

    def test_text_from_the_file_is_never_markup(self):
        page = build(loads(HOSTILE), at=AT)
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "R&D <b>" not in page
        assert "R&amp;D &lt;b&gt;" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "Approve &quot;big&quot; deals &amp; &lt;img" in page
        data = re.search(
            r'<script type="application/json" id="report-data">(.*?)</script>',
            page,
            flags=re.DOTALL,
        )[1]
        assert "<" not in data
        assert json.loads(data)["rights"]["decisions"][0]["title"].startswith('Approve "big"')

    def test_a_large_matrix_is_cut_to_the_busiest_and_says_so(self):
        many = MAX_PARTIES + 40
        people = "".join(
            f"    - {{id: p{i}, name: P{i}, function: Sales}}\n" for i in range(MAX_PARTIES + 40)
        )
        decisions = "".join(
            f"    - {{id: d{i}, accountable: p{i % 50}, consulted: [p{(i * 7) % many}]}}\n"
            for i in range(MAX_DECISIONS + 60)
        )
        text = (
            "version: 1\norg:\n  functions:\n    - {name: Sales, head: p0}\n  people:\n"
            f"{people}decision_rights:\n  decisions:\n{decisions}"
        )
        data = report_data(loads(text), at=AT)
        assert data.rights is not None
        assert len(data.rights["decisions"]) == MAX_DECISIONS
        assert len(data.rights["parties"]) == MAX_PARTIES
        assert data.rights["left_out_decisions"] == 60
        loads_kept = [p["load"] for p in data.rights["parties"]]
        assert loads_kept == sorted(loads_kept, reverse=True)
        assert "are left out" in build(loads(text), at=AT)

    def test_at_must_have_a_zone(self):
        with pytest.raises(SpecError):
            build(load(ACME), at=dt.datetime(2027, 1, 4))  # noqa: DTZ001 - the mistake under test


class TestMeasuredSections:
    @pytest.fixture
    def desk_file(self, tmp_path: Path) -> tuple[Path, Path]:
        from tests.test_diagnose import TestCommandMeasures

        return TestCommandMeasures.files.__wrapped__(TestCommandMeasures(), tmp_path)  # type: ignore[attr-defined]

    def test_the_handoff_funnel_from_the_store(self, desk_file: tuple[Path, Path]):
        from alignkit.store import SQLiteStore

        _, store_path = desk_file
        with SQLiteStore(store_path, read_only=True) as store:
            data = report_data(loads(DESK_FILE), store=store, at=AT)
            page = build(loads(DESK_FILE), store=store, at=AT)
        assert data.handoffs is not None
        assert (data.handoffs["opened"], data.handoffs["submitted"], data.handoffs["accepted"]) == (
            4,
            4,
            2,
        )
        assert data.handoffs["flag_rate"] == 0.5
        assert "opened 4" in section(page, "handoffs")
        assert "Flag rate 50%" in section(page, "handoffs")

    def test_the_headline_counts_what_the_desk_measured(self, desk_file: tuple[Path, Path]):
        from alignkit.store import SQLiteStore

        _, store_path = desk_file
        with SQLiteStore(store_path, read_only=True) as store:
            data = report_data(loads(DESK_FILE), store=store, at=AT)
        assert data.headline is not None
        assert data.headline.startswith("Information flow")  # half the handoffs were flagged
        assert report_data(loads(DESK_FILE), at=AT).headline.startswith("No friction")

    def test_the_command_with_a_store_and_a_log(self, desk_file: tuple[Path, Path]):
        path, store_path = desk_file
        log = path.with_name("log.csv")
        log.write_text(SLA_LOG)
        out = path.with_name("report.html")
        args = ["report", str(path), "-o", str(out), "--at", "2026-12-01T00:00:00+00:00"]
        result = CliRunner().invoke(main, [*args, "--store", str(store_path), "--sla", str(log)])
        assert result.exit_code == 0, result.output
        page = out.read_text()
        channels = section(page, "channels")
        assert '<th scope="row">chat</th><td>2</td><td>1</td><td>1</td>' in channels
        assert "Sales → Operations" in channels
        again = CliRunner().invoke(main, [*args, "--store", str(store_path), "--sla", str(log)])
        assert again.exit_code == 0
        assert out.read_text() == page


class TestDecisionsAndIncentives:
    def test_decision_latency_from_the_store(self, tmp_path: Path):
        from alignkit.decision_log import DecisionLog
        from alignkit.store import SQLiteStore

        acme = load(ACME)
        proposed = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
        with SQLiteStore(tmp_path / "log.db") as store:
            log = DecisionLog(acme.decision_rights, acme.org, store=store)
            record = log.propose("approve-vendor-spend", "controller", "Renew the CRM", proposed)
            log.consult(record, "cio", proposed + dt.timedelta(hours=1), opinion="Fine")
            log.decide(record, "cfo", "Renewed", proposed + dt.timedelta(hours=2))
            data = report_data(acme, store=store, at=AT)
            page = build(acme, store=store, at=AT)
        assert data.decisions is not None
        assert data.decisions["count"] == 1
        assert data.decisions["by_category"] == [
            {"category": "finance", "count": 1, "median_h": 2.0}
        ]
        assert "1 decisions taken; median from proposal to decision 2 h" in section(
            page, "decisions"
        )
        assert "No decision log" in section(build(acme, at=AT), "decisions")

    def test_who_is_paid_on_what_and_the_conflicts(self):
        from alignkit.rules import RULES

        text = RULES["IN001"].example
        data = report_data(loads(text), at=AT)
        assert data.incentive_map is not None
        assert data.incentive_map["conflicts"]
        page = build(loads(text), at=AT)
        incentives = section(page, "incentives")
        assert "<h3>Conflicts</h3>" in incentives
        pair = " and ".join(data.incentive_map["conflicts"][0]["functions"])
        assert html.escape(pair) in incentives
        agenda = section(page, "decisions")
        assert '<ol class="agenda">' in agenda
        assert len(data.agenda) == agenda.count("<li>")


class TestCommand:
    def test_writes_the_page(self, tmp_path: Path, acme_page: str):
        out = tmp_path / "acme.html"
        result = CliRunner().invoke(
            main, ["report", str(ACME), "-o", str(out), "--at", "2027-01-04T00:00:00+00:00"]
        )
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.stderr
        assert out.read_text() == acme_page

    def test_title(self, tmp_path: Path):
        out = tmp_path / "r.html"
        CliRunner().invoke(main, ["report", str(ACME), "-o", str(out), "--title", "Acme <Q1>"])
        assert "<title>Acme &lt;Q1&gt;</title>" in out.read_text()

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--at", "tomorrow"], "--at"),
            (["--store", "missing.db"], "missing.db: no such file"),
        ],
    )
    def test_errors_are_plain(self, tmp_path: Path, extra: list[str], message: str):
        result = CliRunner().invoke(
            main, ["report", str(ACME), "-o", str(tmp_path / "r.html"), *extra]
        )
        assert result.exit_code == 2
        assert message in result.output
        assert "Traceback" not in result.output

    def test_a_missing_store_is_named(self, tmp_path: Path):
        path = tmp_path / "alignment.yaml"
        path.write_text(DESK_FILE)
        result = CliRunner().invoke(
            main,
            [
                "report",
                str(path),
                "-o",
                str(tmp_path / "r.html"),
                "--store",
                str(tmp_path / "no.db"),
            ],
        )
        assert result.exit_code == 2
        assert "no.db" in result.output
