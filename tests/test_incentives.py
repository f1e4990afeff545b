"""alignkit.incentives: who is paid on what, and where incentives pull apart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alignkit.bonus import BonusPlan, BonusPlanSpec, Component
from alignkit.errors import SpecError
from alignkit.incentives import DEFAULT_TENSIONS, IncentiveMap, IncentivesSection, Tension


def plan(metric: str, *, blended: bool = False, company: str = "nrr") -> BonusPlan:
    if blended:
        return BonusPlan(
            "b",
            "USD",
            [
                Component("individual", "individual", "70%", metric=metric),
                Component("company", "company", "30%", metric=company),
            ],
        )
    return BonusPlan("i", "USD", [Component("individual", "individual", "100%", metric=metric)])


class TestIncentiveMap:
    def test_conflict_between_opposed_metrics(self):
        """Sales on bookings and Operations on delivery margin, nothing shared: a conflict."""
        incentives = IncentiveMap.from_plans(
            {"Sales": plan("bookings"), "Operations": plan("delivery_margin")}
        )
        (conflict,) = incentives.conflicts()
        assert conflict.functions == ("Sales", "Operations")
        assert conflict.metrics == ("bookings", "delivery_margin")
        assert conflict.weights == (Decimal(1), Decimal(1))
        assert "deliver" in conflict.reason

    def test_a_shared_metric_removes_the_conflict(self):
        """Both paid on net revenue retention: they have a reason to settle it."""
        incentives = IncentiveMap.from_plans(
            {
                "Sales": plan("bookings", blended=True),
                "Operations": plan("delivery_margin", blended=True),
            }
        )
        assert incentives.conflicts() == ()
        assert incentives.shared_outcome_share("Sales") == Decimal("0.3")
        assert incentives.shared_outcome_share("Legal") == 0

    def test_either_order_and_custom_tensions(self):
        """Tensions work in both directions; custom ones replace the defaults."""
        incentives = IncentiveMap(
            {"IT": {"uptime": Decimal(1)}, "Product": {"release_speed": Decimal(1)}},
        )
        assert [c.metrics for c in incentives.conflicts()] == [("uptime", "release_speed")]
        mine = [Tension(metrics=("cost", "speed"), reason="Trade-off")]
        custom = IncentiveMap({"A": {"speed": Decimal(1)}, "B": {"cost": Decimal(1)}}, mine)
        assert [c.metrics for c in custom.conflicts()] == [("speed", "cost")]
        assert custom.functions == ("A", "B")
        assert custom.metrics("A") == {"speed": Decimal(1)}

    def test_metric_defaults_to_component_name(self):
        """A component without a metric is paid on its own name."""
        incentives = IncentiveMap.from_plans({"Sales": BonusPlan.blended()})
        assert set(incentives.metrics("Sales")) == {"individual", "team", "company", "silo_buster"}

    def test_tension_needs_two_metrics(self):
        """A metric is not in tension with itself."""
        with pytest.raises(SpecError, match="not in tension with itself"):
            Tension(metrics=("a", "a"))


class TestSections:
    def test_incentives_section_adds_to_the_defaults(self):
        """Listed tensions come first, then the defaults not listed."""
        section = IncentivesSection.model_validate(
            {"tensions": [{"metrics": ["cost", "speed"], "reason": "r"}]}
        )
        assert len(section.all_tensions()) == 1 + len(DEFAULT_TENSIONS)
        only = IncentivesSection.model_validate(
            {"tensions": [{"metrics": ["cost", "speed"]}], "include_defaults": False}
        )
        assert [t.metrics for t in only.all_tensions()] == [("cost", "speed")]
        assert len(IncentivesSection().all_tensions()) == len(DEFAULT_TENSIONS)

    def test_plan_spec(self):
        """A preset with metrics, or components with weights written as percentages."""
        spec = BonusPlanSpec.model_validate(
            {"name": "sales", "preset": "blended", "metrics": {"individual": "bookings"}}
        )
        assert spec.build().components[0].metric == "bookings"
        custom = BonusPlanSpec.model_validate(
            {
                "name": "ops",
                "currency": "EUR",
                "components": [
                    {"name": "margin", "scope": "individual", "weight": "60%"},
                    {"name": "nrr", "scope": "company", "weight": "40%"},
                ],
            }
        )
        assert custom.build().shared_outcome_share == Decimal("0.4")
        assert BonusPlanSpec(name="x", preset="individual_only").build().shared_outcome_share == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"name": "x"}, "Give `preset` or `components`"),
            ({"name": "x", "preset": "blended", "metrics": {"bonus": "m"}}, "not a component"),
            (
                {"name": "x", "components": [{"name": "a", "weight": "90%"}]},
                "add up to 0.9",
            ),
        ],
    )
    def test_bad_plan_specs(self, data: dict[str, object], message: str):
        """Each bad plan is a located SpecError."""
        with pytest.raises(SpecError, match=message):
            BonusPlanSpec.model_validate(data)


def test_default_tensions_are_valid():
    """The default tensions are exactly what validating their values gives."""
    for tension in DEFAULT_TENSIONS:
        assert Tension.model_validate(tension.model_dump()) == tension
