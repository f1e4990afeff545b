"""alignkit.silo_cost: sourced assumptions, the yearly cost of silos, and a change's return."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.errors import SpecError
from alignkit.silo_cost import (
    CATALOGUE,
    MVH,
    ROI,
    Assumption,
    Change,
    SiloCostModel,
    assumptions,
)


def model(**options: object) -> SiloCostModel:
    return SiloCostModel(
        {"Sales": 10, "Operations": 5},
        {"Sales": 120_000, "Operations": "90000.50"},
        **options,  # type: ignore[arg-type]
    )


class TestCatalogue:
    def test_every_figure_of_the_reference_material_with_its_source(self):
        """The figures the playbook quotes, by name, each with where it comes from."""
        by_name = {a.name: a for a in CATALOGUE}
        assert len(by_name) == len(CATALOGUE)
        expected = {
            "productivity_loss": "0.15",
            "search_hours_per_week": "12",
            "search_time_share": "0.30",
            "executive_coordination_share": "0.65",
            "conflicting_incentives_share": "0.67",
            "aligned_growth_uplift": "0.24",
            "aligned_profit_growth_uplift": "0.27",
            "formal_collaboration_win_rate_uplift": "0.21",
            "handover_churn": "0.15",
            "rotation_effectiveness_uplift": "0.32",
            "marketing_content_confidence": "0.59",
            "sales_content_agreement": "0.35",
            "public_sector_asset_visibility": "0.97",
            "public_sector_annual_saving": "100000",
        }
        assert {name: str(a.value) for name, a in by_name.items()} == expected
        assert (
            by_name["executive_coordination_share"].low,
            by_name["executive_coordination_share"].high,
        ) == (
            Decimal("0.50"),
            Decimal("0.80"),
        )
        assert all(a.source.strip() and a.unit.strip() for a in CATALOGUE)
        assert "Deloitte" in by_name["conflicting_incentives_share"].source

    def test_overrides_by_name(self):
        found = assumptions({"handover_churn": "0.10", "productivity_loss": 0.2})
        assert found["handover_churn"].value == Decimal("0.10")
        assert found["productivity_loss"].value == Decimal("0.2")  # a float through its text
        assert (found["handover_churn"].low, found["handover_churn"].high) == (
            Decimal("0.10"),
            Decimal("0.15"),
        )
        with pytest.raises(SpecError) as info:
            assumptions({"handover_chrun": "0.1", "productivity_loss": "lots"})
        messages = [p.message for p in info.value.problems]
        assert (
            "`handover_chrun` is not an assumption of the model; did you mean `handover_churn`?"
            in messages
        )
        assert any("must be a number" in m for m in messages)

    def test_a_share_is_written_from_0_to_1(self):
        """15 for 15% would price fifteen times the whole: refused, with the way to write it."""
        with pytest.raises(SpecError, match=r"`handover_churn` is a share, written from 0 to 1"):
            assumptions({"handover_churn": 15})
        assert assumptions({"search_hours_per_week": 15})["search_hours_per_week"].value == 15

    @pytest.mark.parametrize("value", ["nan", "inf", True, None, "ten"])
    def test_an_assumption_is_a_finite_number_within_its_range(self, value: object):
        with pytest.raises(SpecError):
            Assumption("x", value, 0, 1, "share", "s")
        with pytest.raises(SpecError, match=r"not within its range 0\.2-0\.3"):
            Assumption("x", "0.5", "0.2", "0.3", "share", "s")


class TestCost:
    def test_lost_time_and_the_handover(self):
        cost = model(new_customers_per_year=40, customer_value="30000").cost()
        # payroll: 10 x 120,000 + 5 x 90,000.50 = 1,650,002.50; 15% of it
        assert cost.cause("lost_time").cost.point == Decimal("247500.38")
        assert cost.cause("handover_churn").cost.point == Decimal("180000.00")
        assert cost.total.point == Decimal("427500.38")
        assert [a.name for a in cost.used] == ["productivity_loss", "handover_churn"]

    def test_overlapping_figures_are_never_both_used(self):
        """15% of productivity and 30% of time searching overlap: the model takes one."""
        productivity = model().cost()
        search = model(time_loss="search").cost()
        assert productivity.cause("lost_time").used == ("productivity_loss",)
        assert search.cause("lost_time").used == ("search_time_share",)
        assert search.cause("lost_time").cost.point == Decimal("495000.75")
        assert len(search.causes) == 1  # no customers given: no handover cost

    def test_a_range_from_the_assumptions(self):
        ranged = {a.name: a for a in CATALOGUE}
        ranged["handover_churn"] = Assumption(
            "handover_churn", "0.15", "0.10", "0.25", "share", "mine"
        )
        cost = model(assumptions=ranged, new_customers_per_year=10, customer_value=1000).cost()
        churn = cost.cause("handover_churn").cost
        assert (churn.low, churn.point, churn.high) == (
            Decimal("1000.00"),
            Decimal("1500.00"),
            Decimal("2500.00"),
        )

    def test_bad_input_names_every_problem(self):
        with pytest.raises(SpecError) as info:
            SiloCostModel(
                {"Sales": -1, "IT": 3},
                {"Sales": "-5"},
                new_customers_per_year=1.5,  # type: ignore[arg-type]
                customer_value="lots",
                time_loss="both",  # type: ignore[arg-type]
            )
        paths = [p.location.path for p in info.value.problems]
        assert paths == [
            ("headcount", "Sales"),
            ("loaded_cost", "IT"),
            ("loaded_cost", "Sales"),
            ("time_loss",),
            ("new_customers_per_year",),
            ("customer_value",),
        ]
        with pytest.raises(SpecError, match="must map each function"):
            SiloCostModel([("Sales", 1)], {})  # type: ignore[arg-type]

    @settings(max_examples=200, deadline=None)
    @given(
        people=st.dictionaries(
            st.sampled_from(["Sales", "Ops", "IT", "Finance"]), st.integers(0, 500), min_size=1
        ),
        cost=st.decimals(0, 400_000, places=2),
        shares=st.lists(st.decimals(0, 1, places=3), min_size=3, max_size=3),
        customers=st.integers(0, 5000),
        value=st.decimals(0, 1_000_000, places=2),
    )
    def test_low_point_high_and_the_total_adds_up(self, people, cost, shares, customers, value):
        low, point, high = sorted(shares)
        catalogue = {a.name: a for a in CATALOGUE}
        for name in ("productivity_loss", "handover_churn"):
            catalogue[name] = Assumption(name, point, low, high, "share", "test")
        found = SiloCostModel(
            people,
            dict.fromkeys(people, cost),
            catalogue,
            new_customers_per_year=customers,
            customer_value=value,
        ).cost()
        for cause in found.causes:
            assert cause.cost.low <= cause.cost.point <= cause.cost.high
            assert cause.cost.point == cause.cost.point.quantize(Decimal("0.01"))
        total = found.total
        assert total.point == sum(c.cost.point for c in found.causes)
        assert total.low <= total.point <= total.high


class TestReturn:
    def test_the_mvh_halves_the_churn_at_the_handover(self):
        roi = ROI(MVH, model(new_customers_per_year=40, customer_value=30_000), "50000")
        assert roi.saving.point == Decimal("90000.00")
        assert roi.net.point == Decimal("40000.00")
        assert roi.ratio == Decimal("0.80")
        assert [a.name for a in roi.used] == ["handover_churn"]

    def test_every_assumption_can_be_overridden(self):
        cautious = model(
            assumptions=assumptions({"handover_churn": "0.05"}),
            new_customers_per_year=40,
            customer_value=30_000,
        )
        assert ROI(MVH, cautious, 50_000).net.point == Decimal("-20000.00")
        free = ROI(Change("Shared channel", "lost_time", "0.1"), cautious, 0)
        assert free.ratio is None
        assert free.saving.point == Decimal("24750.04")

    def test_a_change_needs_a_cost_to_act_on(self):
        with pytest.raises(SpecError, match="no cost for `handover_churn`"):
            ROI(MVH, model(), 10_000)
        with pytest.raises(SpecError, match="a share from 0 to 1"):
            Change("Too good", "lost_time", "1.5")
        with pytest.raises(SpecError, match="cannot be negative"):
            ROI(MVH, model(new_customers_per_year=1, customer_value=1), -1)


# -- the alignment file and alignkit cost ----------------------------------------------------

FILE = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
silo_cost:
  loaded_cost: {Sales: 120000, Operations: 90000}
  new_customers_per_year: 40
  customer_value: 30000
"""


def codes(text: str) -> list[tuple[str, str | None]]:
    from alignkit.alignment_file import loads

    return [(d.code, d.target) for d in loads(text).check().diagnostics if d.code.startswith("SC")]


class TestAlignmentFile:
    def test_headcounts_from_the_org_and_costs_from_the_section(self):
        from alignkit.alignment_file import loads

        section = loads(FILE).section("silo_cost")
        found = section.model(loads(FILE).org).cost()
        # (2 x 120,000 + 1 x 90,000) x 15%, and 40 x 30,000 x 15%
        assert found.cause("lost_time").cost.point == Decimal("49500.00")
        assert found.cause("handover_churn").cost.point == Decimal("180000.00")
        assert codes(FILE) == []

    def test_findings(self):
        text = FILE.replace("{Sales: 120000, Operations: 90000}", "{Sales: 120000}")
        text += "  assumptions: {handover_chrun: 0.1, productivity_loss: 15}\n"
        assert sorted(codes(text)) == [
            ("SC001", "handover_chrun"),
            ("SC002", "Operations"),
            ("SC003", "productivity_loss"),
        ]


class TestCli:
    @pytest.fixture
    def file(self, tmp_path):
        path = tmp_path / "alignment.yaml"
        path.write_text(FILE)
        return path

    def test_the_cost_with_its_assumptions_and_sources(self, file):
        from click.testing import CliRunner

        from alignkit.cli import main

        result = CliRunner().invoke(main, ["cost", str(file)])
        assert result.exit_code == 0, result.output
        assert "handover_churn" in result.output
        assert "229,500.00" in result.output  # the total
        assert "source: Sales-Ops alignment playbook" in result.output
        overridden = CliRunner().invoke(
            main, ["cost", str(file), "--set", "handover_churn=0.10", "--format", "json"]
        )
        import json

        data = json.loads(overridden.output)
        assert data["total"]["point"] == "169500.00"
        assert data["assumptions"][1]["value"] == "0.10"

    def test_bad_overrides(self, file):
        from click.testing import CliRunner

        from alignkit.cli import main

        unknown = CliRunner().invoke(main, ["cost", str(file), "--set", "handover_chrun=0.1"])
        assert unknown.exit_code == 2
        assert "did you mean `handover_churn`" in unknown.output
        malformed = CliRunner().invoke(main, ["cost", str(file), "--set", "handover_churn"])
        assert malformed.exit_code == 2
        assert "write NAME=VALUE" in malformed.output
        too_big = CliRunner().invoke(main, ["cost", str(file), "--set", "handover_churn=15"])
        assert too_big.exit_code == 2
        assert "Invalid value for '--set'" in too_big.output
        assert "written from 0 to 1" in too_big.output
        assert "AK012" not in too_big.output  # an option, not a problem of the file
