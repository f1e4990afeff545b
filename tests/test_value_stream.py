"""alignkit.value_stream: value stream maps, their metrics, and current against future state."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import check, loads
from alignkit.cli import main
from alignkit.errors import SpecError
from alignkit.handoff import HandoffDesk
from alignkit.value_stream import (
    Step,
    ValueStream,
    compare,
    format_duration,
    parse_duration,
    to_dict,
    to_markdown,
    to_mermaid,
)

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)
DAY = dt.timedelta(hours=8)


def serial(*steps: tuple[str, str, dt.timedelta, dt.timedelta, float]) -> ValueStream:
    return ValueStream("s", [Step(*step) for step in steps])


def paths(error: pytest.ExceptionInfo[SpecError]) -> list[tuple[object, ...]]:
    return [p.location.path if p.location is not None else () for p in error.value.problems]


# -- published figures ---------------------------------------------------------------------


class TestPublishedFigures:
    def test_learning_to_see_acme_stamping_current_state(self):
        """Rother and Shook, *Learning to See* (Lean Enterprise Institute, 1999), ACME Stamping.

        The current-state map's timeline: 5 days of steel coils before stamping, then
        7.6, 1.8, 2.7 and 2 days of parts before spot weld 1, spot weld 2, assembly 1
        and assembly 2, and 4.5 days of finished goods before shipping; cycle times of
        1, 39, 46, 62 and 40 seconds. The book totals them as a production lead time
        of 23.6 days and a processing time of 188 seconds.
        """
        rows = [
            ("Stamping", "Stamping", "1s", "5d"),
            ("Spot weld 1", "Welding", "39s", "7.6d"),
            ("Spot weld 2", "Welding", "46s", "1.8d"),
            ("Assembly 1", "Assembly", "62s", "2.7d"),
            ("Assembly 2", "Assembly", "40s", "2d"),
            ("Shipping", "Shipping", "0", "4.5d"),
        ]
        day = dt.timedelta(hours=16)  # two shifts: the book's days are days of demand
        stream = ValueStream.from_table(
            [
                {
                    "name": name,
                    "function": function,
                    "process_time": process,
                    # The wait before the step, plus the step itself.
                    "lead_time": format_duration(
                        parse_duration(wait, day) + parse_duration(process), day
                    ),
                }
                for name, function, process, wait in rows
            ],
            name="ACME Stamping",
            working_day="16h",
        )
        assert stream.process_time == 188 * S
        assert stream.metrics.wait_time == parse_duration("23.6d", day)
        assert stream.bottleneck.name == "Spot weld 1"  # the 7.6 days of parts before it
        assert [(h.from_function, h.to_function) for h in stream.handoffs] == [
            ("Stamping", "Welding"),
            ("Welding", "Assembly"),
            ("Assembly", "Shipping"),
        ]

    def test_rolled_pct_complete_accurate_of_five_steps(self):
        """Martin and Osterling, *Value Stream Mapping* (2013): 50, 75, 85, 99, 95% give 29.98%."""
        pcts = [50, 75, 85, 99, 95]
        stream = ValueStream(
            "s", [Step(f"step {n}", f"F{n}", H, 2 * H, pct) for n, pct in enumerate(pcts)]
        )
        assert round(stream.rolled_pct_complete_accurate, 2) == 29.98


# -- metrics ------------------------------------------------------------------------------------


class TestMetrics:
    def test_a_serial_stream(self):
        """Totals add up; the activity ratio is the ratio of the totals, not a mean."""
        stream = serial(
            ("Quote", "Sales", 2 * H, 8 * H, 80),
            ("Set up", "Operations", 4 * H, 40 * H, 90),
            ("Invoice", "Finance", 30 * M, 16 * H, 99),
        )
        assert stream.lead_time == 64 * H
        assert stream.process_time == 6 * H + 30 * M
        assert stream.activity_ratio == pytest.approx(6.5 / 64)
        assert stream.activity_ratio != pytest.approx((2 / 8 + 4 / 40 + 0.5 / 16) / 3)
        assert stream.metrics.wait_time == 64 * H - 6.5 * H
        assert stream.bottleneck.name == "Set up"
        assert dict(stream.lead_time_share) == pytest.approx(
            {"Sales": 8 / 64, "Operations": 40 / 64, "Finance": 16 / 64}
        )
        assert [(h.from_step, h.to_step, h.wait) for h in stream.handoffs] == [
            ("Quote", "Set up", 36 * H),
            ("Set up", "Invoice", 15.5 * H),
        ]
        assert stream.metrics.handoff_wait == 51.5 * H

    def test_parallel_branches_follow_the_critical_path(self):
        """Legal review and credit check run side by side; the longer one sets the lead time."""
        stream = ValueStream(
            "deal desk",
            [
                Step("Quote", "Sales", H, 4 * H),
                Step("Legal review", "Legal", 2 * H, 24 * H, after=["Quote"]),
                Step("Credit check", "Finance", H, 8 * H, after="Quote"),
                Step("Sign", "Sales", H, 2 * H, after=["Legal review", "Credit check"]),
            ],
        )
        assert [s.name for s in stream.critical_path] == ["Quote", "Legal review", "Sign"]
        assert stream.lead_time == 30 * H
        assert stream.process_time == 4 * H  # the process time along that path only
        assert stream.predecessors("Sign") == ("Legal review", "Credit check")
        assert stream.predecessors("Legal review") == ("Quote",)
        assert "Finance" not in stream.lead_time_share
        assert [(h.from_step, h.to_step) for h in stream.handoffs] == [
            ("Quote", "Legal review"),
            ("Quote", "Credit check"),
            ("Legal review", "Sign"),
            ("Credit check", "Sign"),
        ]

    def test_steps_may_be_listed_before_the_steps_they_wait_for(self):
        stream = ValueStream(
            "s",
            [
                Step("Order", "Sales", H, H),
                Step("Invoice", "Finance", H, 2 * H, after=["Ship"]),
                Step("Ship", "Operations", H, 3 * H, after=["Order"]),
            ],
        )
        assert [s.name for s in stream.critical_path] == ["Order", "Ship", "Invoice"]
        assert stream.lead_time == 6 * H

    def test_bottleneck_ties_go_to_the_longer_lead_time_then_the_earlier_step(self):
        stream = serial(("A", "Sales", 0 * H, 4 * H, 100), ("B", "IT", 2 * H, 6 * H, 100))
        assert stream.bottleneck.name == "B"  # both wait 4h; B's lead time is longer
        stream = serial(("A", "Sales", H, 5 * H, 100), ("B", "IT", H, 5 * H, 100))
        assert stream.bottleneck.name == "A"

    def test_a_stream_of_no_time_has_an_activity_ratio_of_zero(self):
        stream = serial(("A", "Sales", 0 * H, 0 * H, 100))
        assert (stream.activity_ratio, dict(stream.lead_time_share)) == (0.0, {})

    def test_measured_pct_complete_accurate_replaces_the_estimate(self):
        """The handoff step's %C&A from real handoffs: the desk's first-pass rate."""
        from tests.test_handoff import ORG, T0, package, won

        desk = HandoffDesk(ORG)
        for n in range(4):
            desk.receive(won(deal=f"D-{n}", event_id=f"w{n}"))
            desk.submit(f"D-{n}", package(deal_id=f"D-{n}"), "ae-1", T0 + H)
        for n in range(3):
            desk.accept(f"D-{n}", "onb-1", T0 + 2 * H)
        desk.flag("D-3", "onb-1", "No SOW attached", "missing-artifact", T0 + 2 * H)
        rate = desk.metrics().first_pass_rate
        stream = serial(
            ("Close", "Sales", H, 4 * H, 90),
            ("Hand over", "Operations", H, 24 * H, 95),
        )
        measured = stream.with_measured({"Hand over": rate * 100})
        assert measured.step("Hand over").pct_complete_accurate == 75.0
        assert measured.rolled_pct_complete_accurate == pytest.approx(90 * 0.75)
        assert stream.step("Hand over").pct_complete_accurate == 95  # unchanged
        with pytest.raises(SpecError, match=r"`Handover` is not a step.*`Hand over`") as info:
            stream.with_measured({"Handover": 80})
        assert paths(info) == [("measured", "Handover")]
        with pytest.raises(SpecError, match="from 0 to 100") as info:
            stream.with_measured({"Hand over": 120})
        assert paths(info) == [("measured", "Hand over")]


# -- invariants ---------------------------------------------------------------------------------


@st.composite
def streams(draw: st.DrawFn) -> ValueStream:
    """Random streams: each step waits for one to three earlier ones, or the step before."""
    count = draw(st.integers(1, 12))
    steps = []
    for n in range(count):
        process = draw(st.integers(0, 10_000)) * M
        lead = process + draw(st.integers(0, 100_000)) * M
        after: list[str] = []
        if n and draw(st.booleans()):
            after = sorted(
                draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=3)), reverse=True
            )
            after = [f"s{p}" for p in after]
        pct = draw(st.floats(0, 100))
        function = draw(st.sampled_from(["Sales", "Operations", "Finance", "IT"]))
        steps.append(Step(f"s{n}", function, process, lead, pct, after))
    return ValueStream("random", steps)


def every_path(stream: ValueStream) -> list[list[str]]:
    """Every chain of steps from a step waiting for none to the step ``after`` nothing."""
    found: list[list[str]] = []

    def walk(name: str, tail: list[str]) -> None:
        before = stream.predecessors(name)
        if not before:
            found.append([name, *tail])
        for previous in before:
            walk(previous, [name, *tail])

    for step in stream.steps:
        walk(step.name, [])
    return found


class TestInvariants:
    @settings(max_examples=200, deadline=None)
    @given(stream=streams())
    def test_rolled_pct_complete_accurate_never_exceeds_the_smallest_step(self, stream):
        smallest = min(step.pct_complete_accurate for step in stream.steps)
        assert stream.rolled_pct_complete_accurate <= smallest + 1e-9

    @settings(max_examples=200, deadline=None)
    @given(stream=streams())
    def test_activity_ratio_is_between_zero_and_one(self, stream):
        assert 0.0 <= stream.activity_ratio <= 1.0

    @settings(max_examples=150, deadline=None)
    @given(stream=streams())
    def test_the_critical_path_is_no_shorter_than_any_path(self, stream):
        leads = {step.name: step.lead_time for step in stream.steps}
        longest = max(
            sum((leads[name] for name in path), dt.timedelta(0)) for path in every_path(stream)
        )
        assert stream.lead_time == longest
        on_path = sum((step.lead_time for step in stream.critical_path), dt.timedelta(0))
        assert on_path == stream.lead_time
        assert stream.process_time == sum(
            (step.process_time for step in stream.critical_path), dt.timedelta(0)
        )

    @settings(max_examples=150, deadline=None)
    @given(stream=streams())
    def test_lead_time_shares_add_up_to_the_whole(self, stream):
        if stream.lead_time:
            assert math.fsum(stream.lead_time_share.values()) == pytest.approx(1.0)
            assert all(0 < share <= 1 for share in stream.lead_time_share.values())

    @settings(max_examples=100, deadline=None)
    @given(stream=streams())
    def test_a_stream_compared_with_itself_changes_nothing(self, stream):
        comparison = compare(stream, stream)
        assert comparison.worse == ()
        assert all(not change.change for change in comparison.changes)

    @settings(max_examples=100, deadline=None)
    @given(stream=streams(), day=st.integers(1, 24 * 60))
    def test_rows_read_back_as_the_same_stream(self, stream, day):
        working_day = day * M
        rebuilt = ValueStream.from_table(
            ValueStream(stream.name, stream.steps, working_day).to_rows(),
            name=stream.name,
            working_day=working_day,
        )
        assert rebuilt == ValueStream(stream.name, stream.steps, working_day)

    @settings(max_examples=300, deadline=None)
    @given(micros=st.integers(0, 10**13), day=st.integers(1, 24 * 60))
    def test_durations_read_back_exactly(self, micros, day):
        value, working_day = dt.timedelta(microseconds=micros), day * M
        assert parse_duration(format_duration(value, working_day), working_day) == value


# -- compare --------------------------------------------------------------------------------------


class TestCompare:
    def test_the_change_in_every_metric_and_where_the_future_is_worse(self):
        current = serial(
            ("Quote", "Sales", 2 * H, 8 * H, 80),
            ("Set up", "Operations", 4 * H, 40 * H, 90),
        )
        future = serial(
            ("Quote", "Sales", 2 * H, 8 * H, 70),
            ("Set up", "Operations", 4 * H, 16 * H, 90),
        )
        comparison = compare(current, future)
        assert comparison.change("lead_time").change == -24 * H
        assert comparison.change("activity_ratio").change > 0
        assert [c.metric for c in comparison.worse] == ["rolled_pct_complete_accurate"]
        assert comparison.change("handoffs").current == 1
        with pytest.raises(KeyError):
            comparison.change("throughput")

    def test_only_streams_are_compared(self):
        stream = serial(("A", "Sales", H, H, 100))
        with pytest.raises(SpecError, match="`future` must be a ValueStream") as info:
            compare(stream, "later")  # type: ignore[arg-type]
        assert paths(info) == [("future",)]


# -- input that cannot mean anything ------------------------------------------------------------


class TestBadInput:
    def test_every_problem_of_a_step_is_named(self):
        with pytest.raises(SpecError) as info:
            Step("", "Sales", -H, "2h", 140)  # type: ignore[arg-type]
        assert paths(info) == [
            ("name",),
            ("process_time",),
            ("lead_time",),
            ("pct_complete_accurate",),
        ]
        assert "read by ValueStream.from_table" in str(info.value)

    def test_a_process_time_longer_than_the_lead_time(self):
        with pytest.raises(
            SpecError, match=r"process time \(3h\) longer than its lead time \(2h\)"
        ):
            Step("Build", "IT", 3 * H, 2 * H)

    @pytest.mark.parametrize("pct", [-1, 100.5, math.nan, True, "90"])
    def test_pct_complete_accurate_outside_0_to_100(self, pct: object):
        with pytest.raises(SpecError, match="percentage from 0 to 100"):
            Step("Build", "IT", H, H, pct)  # type: ignore[arg-type]

    def test_streams_that_cannot_be_made(self):
        step = Step("A", "Sales", H, H)
        with pytest.raises(SpecError, match="has no steps"):
            ValueStream("s", [])
        with pytest.raises(SpecError, match="declared twice") as info:
            ValueStream("s", [step, step])
        assert paths(info) == [("steps", 1, "name")]
        with pytest.raises(SpecError, match="`Aa`, which is not a step; did you mean `A`") as info:
            ValueStream("s", [step, Step("B", "IT", H, H, after=["Aa"])])
        assert paths(info) == [("steps", 1, "after")]
        with pytest.raises(SpecError, match="comes after itself"):
            ValueStream("s", [step, Step("B", "IT", H, H, after=["B"])])
        with pytest.raises(SpecError, match="Each step must be a Step"):
            ValueStream("s", [step, "B"])  # type: ignore[list-item]
        with pytest.raises(SpecError, match="at most 24 hours"):
            ValueStream("s", [step], working_day=25 * H)

    def test_a_cycle_is_named_step_by_step(self):
        with pytest.raises(SpecError) as info:
            ValueStream(
                "s",
                [
                    Step("A", "Sales", H, H, after=["C"]),
                    Step("B", "IT", H, H, after=["A"]),
                    Step("C", "Finance", H, H, after=["B"]),
                ],
            )
        message = str(info.value)
        assert "cycle" in message
        assert all(f"`{name}`" in message for name in "ABC")

    def test_from_table_reports_every_bad_cell_of_every_row(self):
        rows = [
            {"name": "Quote", "function": "Sales", "process_time": "2hours", "lead_time": "1d"},
            {"name": "Build", "function": "", "process_time": "1h", "lead_time": "-2h"},
            {"name": "Ship", "function": "Ops", "process_time": "1h", "lead_time": "1d", "pca": 9},
            {"name": "Bill", "function": "Finance", "process_time": "2d", "lead_time": "1d"},
            {
                "name": "Close",
                "function": "Finance",
                "process_time": "1h",
                "lead_time": "1h",
                "pct_complete_accurate": "ninety",
            },
        ]
        with pytest.raises(SpecError) as info:
            ValueStream.from_table(rows, working_day="8h")
        assert paths(info) == [
            (0, "process_time"),
            (1, "function"),
            (1, "lead_time"),
            (2, "pca"),
            (3, "process_time"),
            (4, "pct_complete_accurate"),
        ]
        message = str(info.value)
        assert "cannot be negative" in message
        assert "Unknown column `pca`" in message

    def test_from_table_reads_percent_signs_and_comma_separated_after(self):
        stream = ValueStream.from_table(
            [
                {"name": "A", "function": "Sales", "process_time": "1h", "lead_time": "2h"},
                {"name": "B", "function": "IT", "process_time": "1h", "lead_time": "2h"},
                {
                    "name": "C",
                    "function": "Finance",
                    "process_time": "15m",
                    "lead_time": "0.5d",
                    "pct_complete_accurate": "85%",
                    "after": "A, B",
                },
            ],
            working_day=dt.timedelta(hours=7),
        )
        assert stream.step("C").after == ("A", "B")
        assert stream.step("C").lead_time == 3.5 * H
        assert stream.step("C").pct_complete_accurate == 85.0

    @pytest.mark.parametrize("text", ["2 hours", "1y", "", "h", "1.2.3h", "-3d"])
    def test_durations_that_are_not_durations(self, text: str):
        with pytest.raises(ValueError, match="is not a duration"):
            parse_duration(text)


# -- rendering ------------------------------------------------------------------------------------


def deal_desk() -> ValueStream:
    return ValueStream(
        "deal desk",
        [
            Step("Quote", "Sales", H, 4 * H, 90),
            Step('Legal "redlines"', "Legal & Risk", 2 * H, 24 * H, 80, after=["Quote"]),
            Step("Credit check", "Finance", H, 8 * H, after=["Quote"]),
            Step("Sign", "Sales", H, 2 * H, after=['Legal "redlines"', "Credit check"]),
        ],
    )


class TestRendering:
    def test_mermaid_has_a_lane_per_function_and_the_ladder_of_the_critical_path(self):
        text = to_mermaid(deal_desk())
        lines = text.splitlines()
        assert lines[0] == "flowchart LR"
        assert [line.strip() for line in lines if line.strip().startswith("subgraph lane")] == [
            'subgraph lane0["Sales"]',
            'subgraph lane1["Legal #amp; Risk"]',
            'subgraph lane2["Finance"]',
        ]
        assert "s0 --> s1" in text
        assert "s1 --> s3" in text
        assert "s2 --> s3" in text
        assert "Legal #quot;redlines#quot;" in text  # quotes cannot end the label
        ladder = next(line.strip() for line in lines if line.strip().startswith("w0 ---"))
        assert ladder == "w0 --- p0 --- w1 --- p1 --- w3 --- p3"  # Credit check is off it
        assert "class s1,w1 bottleneck" in text

    def test_markdown_lists_every_step_and_the_metrics(self):
        text = to_markdown(deal_desk())
        assert '| Legal "redlines" | Legal & Risk | 2h | 3d | 22h | 80.0% | Quote |' in text
        assert "| Lead time | 30h |" in text
        assert "| Rolled %C&A | 72.0% |" in text

    def test_json_is_plain_data_with_times_in_seconds(self):
        data = json.loads(json.dumps(to_dict(deal_desk())))
        assert data["metrics"]["lead_time_s"] == 30 * 3600
        assert data["metrics"]["critical_path"] == ["Quote", 'Legal "redlines"', "Sign"]
        assert data["steps"][3]["after"] == ['Legal "redlines"', "Credit check"]

    def test_a_comparison_as_markdown_and_json(self):
        current = deal_desk()
        future = ValueStream(
            "deal desk",
            [*current.steps[:1], Step("Sign", "Sales", H, 2 * H)],
        )
        text = to_markdown(compare(current, future))
        assert "| Lead time | 30h | 6h | -24h | better |" in text  # one unit per row
        assert "no worse on any metric" in text
        data = to_dict(compare(future, current))
        assert "lead_time" in data["worse"]
        assert json.loads(json.dumps(data))["stream"] == "deal desk"


# -- the alignment file and the CLI ---------------------------------------------------------------

FILE = (
    "version: 1\n"
    "org:\n"
    "  functions:\n"
    "    - {name: Sales, head: vp-sales}\n"
    "    - {name: Operations, head: vp-ops}\n"
    "    - {name: Finance, head: cfo}\n"
    "  people:\n"
    "    - {id: vp-sales, name: Sam Okafor, function: Sales}\n"
    "    - {id: vp-ops, name: Priya Nair, function: Operations}\n"
    "    - {id: cfo, name: Lee Chen, function: Finance}\n"
    "value_streams:\n"
    "  streams:\n"
    "    - name: quote-to-cash\n"
    "      current:\n"
    "        - {name: Qualify, function: Sales, process_time: 2h, lead_time: 1d,"
    " pct_complete_accurate: 80}\n"
    "        - {name: Hand over, function: Operations, process_time: 1h, lead_time: 3d,"
    " pct_complete_accurate: 60}\n"
    "        - {name: Invoice, function: Finance, process_time: 30m, lead_time: 2d}\n"
    "      future:\n"
    "        - {name: Qualify, function: Sales, process_time: 2h, lead_time: 1d,"
    " pct_complete_accurate: 85}\n"
    "        - {name: Hand over, function: Operations, process_time: 1h, lead_time: 1d,"
    " pct_complete_accurate: 90}\n"
    "        - {name: Invoice, function: Finance, process_time: 30m, lead_time: 1d}\n"
)


def findings(text: str) -> list[tuple[str, int | None, str]]:
    return [
        (d.code, d.location.line if d.location is not None else None, d.message)
        for d in loads(text, file="a.yaml").check().diagnostics
        if d.code.startswith("VS")
    ]


class TestAlignmentFile:
    def test_the_section_gives_each_state_as_a_stream(self):
        section = loads(FILE).section("value_streams")
        spec = section.stream("quote-to-cash")
        assert spec.current_stream().lead_time == 6 * DAY
        future = spec.future_stream()
        assert future is not None
        assert future.lead_time == 3 * DAY
        with pytest.raises(SpecError, match="did you mean `quote-to-cash`"):
            section.stream("quote-to-csh")

    def test_a_clean_file_has_no_findings(self):
        assert findings(FILE) == []

    def test_steps_that_cannot_mean_anything_are_errors_at_their_line(self, tmp_path: Path):
        """`alignkit check` leaves out a stream it cannot read and checks the others."""
        text = FILE.replace("process_time: 1h, lead_time: 3d", "process_time: 4d, lead_time: 3d")
        text += (
            "    - name: renewals\n"
            "      current:\n"
            "        - {name: Remind, function: Sales, process_time: 1h, lead_time: 2days}\n"
            "        - {name: Renew, function: Finance, process_time: 1h, lead_time: 1d}\n"
        )
        path = tmp_path / "a.yaml"
        path.write_text(text)
        report = check(path)
        found = sorted(
            (d.location.line, d.message) for d in report.diagnostics if d.code == "AK012"
        )
        assert [line for line, _ in found] == [16, 24]
        assert "process time (4d) longer than its lead time (3d)" in found[0][1]
        assert "`2days` is not a duration" in found[1][1]

    def test_findings_of_each_rule(self):
        text = FILE.replace(
            "function: Finance, process_time: 30m, lead_time: 2d",
            "function: Billing, process_time: 30m, lead_time: 2d",
        )
        text = text.replace(
            "lead_time: 3d, pct_complete_accurate: 60", "lead_time: 10w, pct_complete_accurate: 60"
        )
        found = findings(text)
        assert sorted((code, line) for code, line, _ in found) == [("VS001", 17), ("VS004", 16)]
        assert any("`Billing`, which is not a function of the org" in m for _, _, m in found)
        worse = FILE.replace(
            "lead_time: 1d, pct_complete_accurate: 90", "lead_time: 9d, pct_complete_accurate: 90"
        )
        (only,) = findings(worse)
        assert only[0] == "VS003"
        assert "lead time (6d -> 11d), wait time (44.5h -> 84.5h)" in only[2]
        one_function = FILE.replace("function: Operations", "function: Sales").replace(
            "function: Finance", "function: Sales"
        )
        assert [code for code, _, _ in findings(one_function)] == ["VS002"]


class TestCli:
    @pytest.fixture
    def file(self, tmp_path: Path) -> Path:
        path = tmp_path / "alignment.yaml"
        path.write_text(FILE)
        return path

    def test_show_as_markdown_mermaid_and_json(self, file: Path):
        runner = CliRunner()
        shown = runner.invoke(main, ["vsm", "show", str(file), "quote-to-cash"])
        assert shown.exit_code == 0, shown.output
        assert "| Hand over | Operations | 1h | 3d | 23h | 60.0% |  |" in shown.output
        mermaid = runner.invoke(
            main, ["vsm", "show", str(file), "quote-to-cash", "--format", "mermaid", "--future"]
        )
        assert mermaid.exit_code == 0
        assert mermaid.output.startswith("flowchart LR")
        assert "LT 1d" in mermaid.output
        data = json.loads(
            runner.invoke(
                main, ["vsm", "show", str(file), "quote-to-cash", "--format", "json"]
            ).output
        )
        assert data["metrics"]["bottleneck"] == "Hand over"

    def test_compare_exits_1_when_the_future_state_is_worse(self, file: Path):
        runner = CliRunner()
        better = runner.invoke(main, ["vsm", "compare", str(file), "quote-to-cash"])
        assert better.exit_code == 0, better.output
        assert "no worse on any metric" in better.output
        file.write_text(
            FILE.replace(
                "lead_time: 1d, pct_complete_accurate: 90",
                "lead_time: 9d, pct_complete_accurate: 90",
            )
        )
        worse = runner.invoke(
            main, ["vsm", "compare", str(file), "quote-to-cash", "--format", "json"]
        )
        assert worse.exit_code == 1
        assert "lead_time" in json.loads(worse.output)["worse"]

    def test_an_unknown_stream_or_a_missing_future_state(self, file: Path):
        runner = CliRunner()
        unknown = runner.invoke(main, ["vsm", "show", str(file), "quote-to-csh"])
        assert unknown.exit_code == 2
        assert "did you mean `quote-to-cash`" in unknown.output
        file.write_text(FILE.split("      future:", maxsplit=1)[0])
        missing = runner.invoke(main, ["vsm", "compare", str(file), "quote-to-cash"])
        assert missing.exit_code == 2
        assert "has no future state" in missing.output


class TestEdges:
    def test_what_steps_and_streams_refuse(self):
        with pytest.raises(ValueError, match="is not a duration"):
            parse_duration(5)  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="`after` names steps"):
            Step("A", "Sales", H, H, after=["B", " "])
        with pytest.raises(SpecError, match="must be a timedelta, got int"):
            Step("A", "Sales", 3600, H)  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="needs a `name`"):
            ValueStream(" ", [Step("A", "Sales", H, H)])
        stream = ValueStream("s", Step("A", "Sales", H, H))  # one step, not in a list
        assert stream.steps == (Step("A", "Sales", H, H),)
        with pytest.raises(SpecError, match="`B` is not a step of the stream"):
            stream.step("B")
        with pytest.raises(SpecError, match="`B` is not a step of the stream"):
            stream.predecessors("B")

    def test_from_table_refuses_a_bad_working_day_and_rows_that_are_not_mappings(self):
        row = {"name": "A", "function": "Sales", "process_time": H, "lead_time": 2 * H}
        with pytest.raises(SpecError) as info:
            ValueStream.from_table([row, ["B", "IT"]], working_day="8 hours")  # type: ignore[list-item]
        assert paths(info) == [("working_day",), (1,)]
        assert ValueStream.from_table([row]).lead_time == 2 * H  # timedeltas as they are

    def test_a_join_listed_before_one_of_its_branches(self):
        stream = ValueStream(
            "s",
            [
                Step("Start", "Sales", H, H),
                Step("Join", "Finance", H, H, after=["Start", "Branch"]),
                Step("Branch", "IT", H, 5 * H, after=["Start"]),
            ],
        )
        assert [s.name for s in stream.critical_path] == ["Start", "Branch", "Join"]

    def test_a_stream_of_no_time_has_no_dominant_wait(self):
        text = FILE.replace("process_time: 2h, lead_time: 1d,", "process_time: 0, lead_time: 0,")
        for old in ("process_time: 1h, lead_time: 3d,", "process_time: 30m, lead_time: 2d"):
            text = text.replace(
                old, "process_time: 0, lead_time: 0" + ("," if "," in old[-1] else "")
            )
        assert [code for code, _, _ in findings(text)] == ["VS003"]  # the future takes longer

    def test_a_cycle_or_a_working_day_too_long_in_the_file(self, tmp_path: Path):
        text = FILE.replace(
            "function: Sales, process_time: 2h, lead_time: 1d,",
            "function: Sales, process_time: 2h, lead_time: 1d, after: [Invoice],",
            1,
        ).replace("      current:", "      working_day: 25h\n      current:")
        path = tmp_path / "a.yaml"
        path.write_text(text)
        with pytest.raises(SpecError) as info:
            loads(text)
        assert [p.location.path for p in info.value.problems] == [
            ("value_streams", "streams", 0, "working_day"),
            ("value_streams", "streams", 0, "current", 0, "after"),
        ]
        path.write_text(text.replace("      working_day: 25h\n", ""))
        (problem,) = [d for d in check(path).diagnostics if d.code == "AK012"]
        assert "in a cycle" in problem.message
        assert problem.location.line == 15

    def test_unknown_streams_are_named_with_what_the_file_has(self):
        section = loads(FILE).section("value_streams")
        with pytest.raises(SpecError, match="the file has `quote-to-cash`"):
            section.stream("onboarding")
        from alignkit.value_stream import ValueStreamsSection

        with pytest.raises(SpecError, match="declares no value streams"):
            ValueStreamsSection().stream("onboarding")

    def test_a_worse_future_in_markdown_and_more_steps_in_the_finding(self):
        current = serial(("A", "Sales", H, 2 * H, 100), ("B", "IT", H, 2 * H, 100))
        future = serial(
            ("A", "Sales", H, 2 * H, 100), ("B", "IT", H, 2 * H, 100), ("C", "IT", H, H, 100)
        )
        assert "The future state is worse on: lead time" in to_markdown(compare(current, future))
        text = FILE.replace(
            "        - {name: Invoice, function: Finance, process_time: 30m, lead_time: 1d}\n",
            "        - {name: Invoice, function: Finance, process_time: 30m, lead_time: 1d}\n"
            "        - {name: Audit, function: Finance, process_time: 30m, lead_time: 30m}\n",
        )
        (only,) = findings(text)
        assert "steps (3 -> 4)" in only[2]


MEASURED_FILE = (
    "version: 1\n"
    "org:\n"
    "  functions:\n"
    "    - {name: Sales, head: vp-sales}\n"
    "    - {name: Operations, head: vp-ops}\n"
    "  people:\n"
    "    - {id: vp-sales, name: Sam Okafor, function: Sales}\n"
    "    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}\n"
    "    - {id: vp-ops, name: Priya Nair, function: Operations}\n"
    "    - {id: onb-1, name: Ana Ruiz, function: Operations, manager: vp-ops}\n"
    "value_streams:\n"
    "  streams:\n"
    "    - name: onboarding\n"
    "      current:\n"
    "        - {name: Close, function: Sales, process_time: 1h, lead_time: 4h}\n"
    "        - {name: Hand over, function: Operations, process_time: 1h, lead_time: 2d,"
    " pct_complete_accurate: 95}\n"
    "      future:\n"
    "        - {name: Close, function: Sales, process_time: 1h, lead_time: 4h}\n"
    "        - {name: Hand over, function: Operations, process_time: 1h, lead_time: 1d,"
    " pct_complete_accurate: 90}\n"
)


class TestMeasuredFromAStore:
    """`--store`: the handoff step's %C&A is the desk's first-pass rate, not the estimate."""

    @pytest.fixture
    def files(self, tmp_path: Path) -> tuple[Path, Path]:
        from alignkit.handoff import HandoffsSection
        from alignkit.store import SQLiteStore
        from tests.test_handoff import T0, package, won

        path = tmp_path / "alignment.yaml"
        path.write_text(MEASURED_FILE)
        store_path = tmp_path / "handoffs.db"
        with SQLiteStore(store_path) as store:
            desk = HandoffsSection().desk(loads(MEASURED_FILE).org, store=store)
            for n in range(4):
                desk.receive(won(deal=f"D-{n}", event_id=f"w{n}"))
                desk.submit(f"D-{n}", package(deal_id=f"D-{n}"), "ae-1", T0 + H)
            desk.accept("D-0", "onb-1", T0 + 2 * H)
            for n in (1, 2, 3):
                desk.flag(f"D-{n}", "onb-1", "Success criteria unclear", "scope", T0 + 2 * H)
        return path, store_path

    def test_show_and_compare_measure_the_handoff_step(self, files: tuple[Path, Path]):
        path, store_path = files
        runner = CliRunner()
        args = ["vsm", "show", str(path), "onboarding", "--store", str(store_path)]
        shown = runner.invoke(main, [*args, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        assert "Hand over: %C&A 25.0% measured on 4 handoffs (estimated 95%)" in shown.stderr
        steps = json.loads(shown.stdout)["steps"]
        assert [s["pct_complete_accurate"] for s in steps] == [100.0, 25.0]
        compared = runner.invoke(
            main, ["vsm", "compare", str(path), "onboarding", "--store", str(store_path)]
        )
        assert compared.exit_code == 0  # against the measured 25%, 90% is better
        assert "| Rolled %C&A | 25.0% | 90.0% |" in compared.stdout
        estimated = runner.invoke(main, ["vsm", "compare", str(path), "onboarding"])
        assert estimated.exit_code == 1  # against the estimated 95%, 90% is worse

    def test_nothing_to_measure_and_a_store_that_cannot_be_opened(
        self, files: tuple[Path, Path], tmp_path: Path
    ):
        from alignkit.store import SQLiteStore

        path, _ = files
        runner = CliRunner()
        empty = tmp_path / "empty.db"
        SQLiteStore(empty).close()
        result = runner.invoke(
            main, ["vsm", "show", str(path), "onboarding", "--store", str(empty)]
        )
        assert result.exit_code == 0
        assert "No handoff has had a verdict yet" in result.stderr
        path.write_text(
            MEASURED_FILE.replace(
                "function: Operations, process_time", "function: Sales, process_time"
            )
        )
        result = runner.invoke(
            main, ["vsm", "show", str(path), "onboarding", "--store", str(empty)]
        )
        assert "takes a handoff from Sales to Operations: nothing to measure" in result.stderr
        missing = runner.invoke(
            main, ["vsm", "show", str(path), "onboarding", "--store", str(tmp_path / "none.db")]
        )
        assert missing.exit_code == 2
        assert "alignkit vsm:" in missing.stderr

    def test_a_number_without_a_unit_in_the_file(self):
        """YAML reads `0` as a number: the one duration that needs no unit."""
        text = FILE.replace("process_time: 30m, lead_time: 2d", "process_time: 0, lead_time: 2")
        with pytest.raises(SpecError, match="`2` has no unit: write it like `2h`"):
            loads(text)
