"""alignkit.bonus: plans, curves, exact payouts, pool scaling, nominations."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.bonus import (
    BonusPlan,
    Component,
    Nomination,
    PayoutCurve,
    PayoutRow,
    allocate,
    read_scores_csv,
    scale_to_pool,
    to_decimal,
    write_payouts_csv,
)
from alignkit.errors import SpecError
from alignkit.org import Function, Org, Person

BLENDED = BonusPlan.blended()
SCORES = {"individual": 1.2, "team": 0.5, "company": 1.0, "silo_buster": 0}

attainments = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)
targets = st.decimals(
    min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False
)
score_maps = st.fixed_dictionaries({c.name: attainments for c in BLENDED.components})


class TestToDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.1, "0.1"),
            ("40%", "0.4"),
            (" 1,234.50 ", "1234.50"),
            (7, "7"),
            (Decimal("2.5"), "2.5"),
        ],
    )
    def test_exact_reading(self, value: object, expected: str):
        """Floats through their str, percentages, thousands separators."""
        assert to_decimal(value) == Decimal(expected)

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, "abc", True, None, "NaN"])
    def test_refused(self, value: object):
        """NaN, infinity, negatives and non-numbers are SpecErrors."""
        with pytest.raises(SpecError):
            to_decimal(value, ("x",))


class TestPlan:
    def test_worked_example(self):
        """Target 10,000 with 1.2 / 0.5 / 1.0 / 0 pays 8,300.00."""
        payout = BLENDED.payout(10_000, SCORES)
        assert payout.total == Decimal("8300.00")
        assert [
            (line.component, line.weight, line.factor, line.amount) for line in payout.lines
        ] == [
            ("individual", Decimal("0.4"), Decimal("1.2"), Decimal("4800.00")),
            ("team", Decimal("0.3"), Decimal("0.5"), Decimal("1500.00")),
            ("company", Decimal("0.2"), Decimal("1.0"), Decimal("2000.00")),
            ("silo_buster", Decimal("0.1"), Decimal(0), Decimal("0.00")),
        ]
        assert payout.line("team").attainment == Decimal("0.5")
        with pytest.raises(KeyError):
            payout.line("nope")

    def test_weights_must_sum_to_exactly_one(self):
        """95% is not a plan; the message names the sum."""
        with pytest.raises(SpecError, match=r"add up to 0\.95"):
            BonusPlan(
                "x", "USD", [Component("a", "individual", "40%"), Component("b", "team", "55%")]
            )

    def test_duplicate_components_and_unknown_currency(self):
        """Names are unique; currencies known."""
        with pytest.raises(SpecError) as info:
            BonusPlan("x", "XYZ", [Component("a", weight="50%"), Component("a", weight="50%")])
        messages = [p.message for p in info.value.problems]
        assert any("Unknown currency 'XYZ'" in m for m in messages)
        assert any("declared twice" in m for m in messages)

    def test_presets(self):
        """40/30/20/10 and individual-only."""
        assert [(c.name, c.scope, c.weight) for c in BLENDED.components] == [
            ("individual", "individual", Decimal("0.4")),
            ("team", "team", Decimal("0.3")),
            ("company", "company", Decimal("0.2")),
            ("silo_buster", "discretionary", Decimal("0.1")),
        ]
        assert BLENDED.shared_outcome_share == Decimal("0.5")
        assert BonusPlan.individual_only().shared_outcome_share == 0

    def test_every_bad_score_at_once(self):
        """Missing, unknown, NaN and negative scores are all listed."""
        with pytest.raises(SpecError) as info:
            BLENDED.payout(100, {"individual": float("nan"), "team": -1, "company": 1, "bonus": 1})
        assert [p.location.path for p in info.value.problems] == [
            ("scores", "bonus"),
            ("scores", "individual"),
            ("scores", "team"),
            ("scores", "silo_buster"),
        ]

    @pytest.mark.parametrize(
        ("currency", "total"), [("JPY", "8300"), ("USD", "8300.00"), ("KWD", "8300.000")]
    )
    def test_minor_units(self, currency: str, total: str):
        """Rounded to the currency's minor unit: JPY 0, USD 2, KWD 3."""
        assert str(BonusPlan.blended(currency=currency).payout(10_000, SCORES).total) == total

    def test_proration(self):
        """Eligible days in the period, or a fraction."""
        assert BLENDED.payout(10_000, SCORES, eligible=(73, 365)).total == Decimal("1660.00")
        assert BLENDED.payout(10_000, SCORES, eligible=Decimal("0.5")).total == Decimal("4150.00")
        with pytest.raises(SpecError, match="more than the whole period"):
            BLENDED.payout(10_000, SCORES, eligible=(400, 365))
        with pytest.raises(SpecError, match="no days"):
            BLENDED.payout(10_000, SCORES, eligible=(1, 0))

    def test_rounding_happens_once(self):
        """Thirds: lines are adjusted by largest remainder to sum to the total."""
        plan = BonusPlan(
            "thirds",
            "USD",
            [Component("a", weight=Decimal(1) / 4), Component("b", weight=Decimal(3) / 4)],
        )
        payout = plan.payout(Decimal("0.03"), {"a": 1, "b": 1})
        assert payout.total == Decimal("0.03")
        assert sum(line.amount for line in payout.lines) == Decimal("0.03")

    @settings(max_examples=200)
    @given(targets, score_maps)
    def test_lines_sum_to_the_total(self, target, scores):
        """Money adds up: the lines always sum exactly to the total."""
        payout = BLENDED.payout(target, scores)
        assert sum((line.amount for line in payout.lines), Decimal(0)) == payout.total
        assert payout.total == payout.total.quantize(Decimal("0.01"))

    @settings(max_examples=200)
    @given(targets, score_maps, st.sampled_from([c.name for c in BLENDED.components]), attainments)
    def test_payout_never_decreases_with_a_score(self, target, scores, name, extra):
        """Better attainment never pays less."""
        better = {**scores, name: scores[name] + extra}
        assert BLENDED.payout(target, better).total >= BLENDED.payout(target, scores).total

    @settings(max_examples=200)
    @given(targets, score_maps)
    def test_never_above_cap_times_target(self, target, scores):
        """The linear preset caps each factor at 2: never more than twice the target."""
        assert BLENDED.payout(target, scores).total <= 2 * target


class TestCurve:
    def test_linear(self):
        """Factor equals attainment, capped at 2."""
        curve = PayoutCurve.linear()
        assert [curve.factor(Decimal(a)) for a in ("0", "0.5", "1.7", "3")] == [
            Decimal(0),
            Decimal("0.5"),
            Decimal("1.7"),
            Decimal(2),
        ]

    def test_threshold_accelerator_cap(self):
        """Nothing below the threshold; the last slope continues; the cap holds."""
        curve = PayoutCurve([(0.5, 0.5), (1, 1), (1.2, 1.5)], threshold=0.8, cap=2)
        assert curve.factor(Decimal("0.79")) == 0
        assert curve.factor(Decimal("0.9")) == Decimal("0.9")
        assert curve.factor(Decimal("1.3")) == Decimal("1.75")
        assert curve.factor(Decimal(5)) == 2
        assert PayoutCurve([(1, 1)]).factor(Decimal(4)) == 1
        assert PayoutCurve([(1, 1)]).factor(Decimal("0.5")) == 0

    def test_refused_shapes(self):
        """Decreasing attainment or factors, NaN and negatives are refused."""
        with pytest.raises(SpecError, match="Attainment must increase"):
            PayoutCurve([(1, 1), (0.5, 1.5)])
        with pytest.raises(SpecError, match="must not decrease"):
            PayoutCurve([(0, 1), (1, 0.5)])
        with pytest.raises(SpecError, match="not a finite number"):
            PayoutCurve([(0, float("nan"))])
        with pytest.raises(SpecError, match="negative"):
            PayoutCurve([(0, 0)], cap=-1)


class TestBatch:
    def test_rows_and_mappings(self):
        """Each payout carries its employee id, in order."""
        rows = [
            PayoutRow("e1", 10_000, SCORES),
            {"employee_id": "e2", "target_bonus": "5000", "scores": SCORES, "eligible": 0.5},
        ]
        payouts = list(BLENDED.payouts(rows))
        assert [(p.employee_id, p.total) for p in payouts] == [
            ("e1", Decimal("8300.00")),
            ("e2", Decimal("2075.00")),
        ]

    def test_bad_row_is_located(self):
        """A bad row names its index."""
        with pytest.raises(SpecError) as info:
            list(BLENDED.payouts([PayoutRow("e1", 1, SCORES), PayoutRow("e2", -5, SCORES)]))
        assert info.value.problems[0].location.path == (1, "target_bonus")
        with pytest.raises(SpecError, match="no 'scores'"):
            list(BLENDED.payouts([{"employee_id": "x", "target_bonus": 1}]))

    def test_csv_in_and_out(self):
        """HR exports in, spreadsheet-safe payouts out."""
        sheet = io.StringIO(
            "employee_id,target_bonus,individual,team,company,silo_buster,eligible_days,period_days\n"
            "=cmd,10000,1.2,0.5,1.0,0,73,365\n"
            "e2,5000,1,1,1,1,,\n"
        )
        rows = list(read_scores_csv(sheet, BLENDED))
        payouts = list(BLENDED.payouts(rows))
        text = write_payouts_csv(payouts, BLENDED)
        assert text.splitlines() == [
            "employee_id,currency,total,individual,team,company,silo_buster",
            "'=cmd,USD,1660.00,960.00,300.00,400.00,0.00",
            "e2,USD,5000.00,2000.00,1500.00,1000.00,500.00",
        ]
        out = io.StringIO()
        assert write_payouts_csv(payouts, BLENDED, out) == ""
        assert out.getvalue() == text

    def test_csv_errors(self):
        """Missing columns and bad cells name their place."""
        with pytest.raises(SpecError, match="Missing columns 'team', 'company', 'silo_buster'"):
            list(read_scores_csv(io.StringIO("employee_id,target_bonus,individual\n"), BLENDED))
        sheet = io.StringIO(
            "employee_id,target_bonus,individual,team,company,silo_buster\ne1,100,x,1,1,1\n"
        )
        with pytest.raises(SpecError) as info:
            list(read_scores_csv(sheet, BLENDED))
        assert (info.value.problems[0].location.row, info.value.problems[0].location.column) == (
            2,
            3,
        )


class TestPool:
    @settings(max_examples=100)
    @given(st.lists(st.tuples(targets, score_maps), min_size=1, max_size=20), targets)
    def test_scaled_payouts_sum_to_the_pool(self, rows, pool):
        """Over budget: scaled pro rata to the pool, to the cent; lines still add up."""
        payouts = [BLENDED.payout(t, s) for t, s in rows]
        total = sum((p.total for p in payouts), Decimal(0))
        scaled = scale_to_pool(payouts, pool)
        if total <= pool:
            assert scaled == payouts
        else:
            assert sum((p.total for p in scaled), Decimal(0)) == pool
            for p in scaled:
                assert sum((line.amount for line in p.lines), Decimal(0)) == p.total

    def test_edges(self):
        """Nothing to scale; mixed currencies refused."""
        assert scale_to_pool([], 100) == []
        usd = BLENDED.payout(100, SCORES)
        jpy = BonusPlan.blended(currency="JPY").payout(100, SCORES)
        with pytest.raises(SpecError, match="mix currencies"):
            scale_to_pool([usd, jpy], 1)


ORG = Org(
    functions=[Function("Sales", "s1"), Function("Ops", "o1"), Function("IT", "i1")],
    people=[
        Person("s1", "S1", "Sales"),
        Person("o1", "O1", "Ops"),
        Person("o2", "O2", "Ops"),
        Person("i1", "I1", "IT"),
    ],
)


class TestNominations:
    def test_only_cross_function_nominations_count(self):
        """Self, same-function, repeated and unknown nominations are refused with reasons."""
        allocation = allocate(
            1000,
            [
                Nomination("s1", "o1", "Unblocked the data migration"),
                Nomination("i1", "o1", "Fixed the CRM sync"),
                Nomination("s1", "i1", "Built the handoff dashboard"),
                Nomination("o2", "o1", "Same team"),
                Nomination("s1", "o1", "Again"),
                Nomination("s1", "s1", "Me"),
                Nomination("ghost", "o1", "Who?"),
            ],
            ORG,
        )
        assert [(a.nominee, a.amount, a.reasons) for a in allocation.awards] == [
            ("o1", Decimal("666.67"), ("Unblocked the data migration", "Fixed the CRM sync")),
            ("i1", Decimal("333.33"), ("Built the handoff dashboard",)),
        ]
        assert [r.why for r in allocation.refused] == [
            "Both are in Ops; only nominations from another function count",
            "`s1` already nominated `o1`",
            "A self-nomination does not count",
            "`ghost` is not in the org",
        ]
        assert allocation.unallocated == 0

    def test_cap(self):
        """With a cap, the rest goes to the others; what nobody can take is unallocated."""
        nominations = [
            Nomination("s1", "o1", "a"),
            Nomination("i1", "o1", "b"),
            Nomination("s1", "i1", "c"),
        ]
        capped = allocate(1000, nominations, ORG, cap=400)
        assert [a.amount for a in capped.awards] == [Decimal("400.00"), Decimal("400.00")]
        assert capped.unallocated == Decimal("200.00")

    @settings(max_examples=100)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["s1", "o1", "o2", "i1"]), st.sampled_from(["s1", "o1", "o2", "i1"])
            ),
            max_size=12,
        ),
        targets,
        st.none() | targets,
    )
    def test_awards_sum_exactly(self, pairs, pool, cap):
        """Awards plus the unallocated rest equal the pool, to the cent; nobody above the cap."""
        allocation = allocate(pool, [Nomination(a, b, "r") for a, b in pairs], ORG, cap=cap)
        awarded = sum((a.amount for a in allocation.awards), Decimal(0))
        assert awarded + allocation.unallocated == pool.quantize(Decimal("0.01"))
        if cap is not None:
            assert all(a.amount <= cap for a in allocation.awards)
        if allocation.awards and cap is None:
            assert allocation.unallocated == 0

    def test_bad_currency(self):
        """Unknown currencies are refused."""
        with pytest.raises(SpecError, match="Unknown currency"):
            allocate(1, [], ORG, currency="XYZ")


class TestPayoutArrays:
    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.decimals(min_value=0, max_value=100_000, places=2),
                st.lists(st.decimals(min_value=0, max_value=3, places=4), min_size=4, max_size=4),
            ),
            min_size=1,
            max_size=40,
        ),
        st.sampled_from(["USD", "JPY", "KWD"]),
    )
    def test_equals_payout_to_the_cent(self, rows, currency):
        """The vectorised path gives exactly what payout() gives, line by line."""
        plan = BonusPlan.blended(currency=currency)
        names = [c.name for c in plan.components]
        targets = np.array([float(t) for t, _ in rows])
        scores = {n: np.array([float(s[j]) for _, s in rows]) for j, n in enumerate(names)}
        arrays = plan.payout_arrays(targets, scores)
        for i, (target, values) in enumerate(rows):
            payout = plan.payout(
                float(target), {n: float(v) for n, v in zip(names, values, strict=True)}
            )
            assert arrays.total(i) == payout.total
            assert list(arrays.lines[i]) == [
                int(line.amount.scaleb(plan.minor_unit)) for line in payout.lines
            ]
            assert arrays.lines[i].sum() == arrays.totals[i]

    def test_curves_and_fallback(self):
        """Accelerated curves stay exact; numbers with more digits are settled exactly too."""
        curve = PayoutCurve([(0.5, 0.25), (1, 1), (1.5, 2)], threshold=0.5, cap=2.5)
        plan = BonusPlan(
            "acc",
            "USD",
            [Component("a", weight="0.55", curve=curve), Component("b", weight="0.45")],
        )
        targets = np.array([10_000.0, 1234.56, 999.99, 7.0])
        scores = {
            "a": np.array([0.75, 1.2345678, 0.49, 3.0]),
            "b": np.array([1.0, 0.3333333, 2.0, 0.1]),
        }
        arrays = plan.payout_arrays(targets, scores)
        assert arrays.checked == 1  # the row with 7-digit scores
        for i in range(4):
            expected = plan.payout(
                float(targets[i]), {"a": float(scores["a"][i]), "b": float(scores["b"][i])}
            )
            assert arrays.total(i) == expected.total

    def test_bad_input(self):
        """Missing or unknown components, mismatched lengths and bad rows are SpecErrors."""
        with pytest.raises(SpecError, match="No scores for component 'team'"):
            BLENDED.payout_arrays(np.array([1.0]), {"individual": np.array([1.0])})
        full = {n: np.array([1.0]) for n in SCORES}
        with pytest.raises(SpecError, match="one value per employee"):
            BLENDED.payout_arrays(np.array([1.0, 2.0]), full)
        bad = {**full, "team": np.array([float("nan")])}
        with pytest.raises(SpecError) as info:
            BLENDED.payout_arrays(np.array([1.0]), bad)
        assert info.value.problems[0].location.path == (0, "scores", "team")


def test_payout_arrays_without_numpy_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch):
    """Without the fast extra, the error names the extra to install."""
    import sys

    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ModuleNotFoundError, match=r"alignkit\[fast\]"):
        BLENDED.payout_arrays([1.0], {n: [1.0] for n in SCORES})
