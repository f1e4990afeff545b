"""alignkit.bonus: plans, curves, exact payouts, pool scaling, nominations."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.bonus import (
    BonusPlan,
    BonusPlanSpec,
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


class TestPresetSpelling:
    @pytest.mark.parametrize("written", ["individual-only", "individual_only"])
    def test_preset_name_is_read_either_way(self, written: str):
        """A plan's preset may be written with a hyphen or an underscore."""
        spec = BonusPlanSpec(name="p", preset=written)  # type: ignore[arg-type]
        assert spec.build() == BonusPlan.individual_only("p")


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


HEADER = "employee_id,target_bonus,individual,team,company,silo_buster\n"


def read(text: str, plan: BonusPlan = BLENDED) -> list[PayoutRow]:
    """Scores read from CSV text named ``scores.csv``."""
    stream = io.StringIO(text)
    stream.name = "scores.csv"
    return list(read_scores_csv(stream, plan))


def where(error: SpecError) -> list[tuple[str | None, int | None, int | None]]:
    """File, row and column of every problem, in order."""
    return [(p.location.file, p.location.row, p.location.column) for p in error.problems]


class TestScoresCsv:
    def test_duplicate_employee_names_both_rows(self):
        """An employee on two rows is one error naming both rows, never two payouts."""
        with pytest.raises(SpecError) as info:
            read(HEADER + "e1,10000,1,1,0.5,1\ne2,5000,1,1,1,1\ne1,10000,1,1,0.5,1\n")
        assert [p.message for p in info.value.problems] == [
            "Duplicate employee_id 'e1' on rows 2 and 4; give each employee one row"
        ]
        assert where(info.value) == [("scores.csv", 4, 1)]
        assert info.value.problems[0].location.path == ("employee_id",)

    def test_ids_are_compared_without_surrounding_spaces(self):
        """`e1` and ` e1 ` are the same employee."""
        with pytest.raises(SpecError, match="Duplicate employee_id 'e1' on rows 2 and 3"):
            read(HEADER + "e1,1,1,1,1,1\n e1 ,1,1,1,1,1\n")

    def test_a_row_must_have_the_header_s_width(self):
        """More or fewer cells than the header is an error at that row."""
        with pytest.raises(SpecError) as info:
            read(HEADER + "e1,100,1,1,1,1,7\ne2,100,1,1,1\ne3,100,1,1,1,1\n")
        assert [p.message for p in info.value.problems] == [
            "Row has 7 cells but the header has 6",
            "Row has 5 cells but the header has 6",
        ]
        assert where(info.value) == [("scores.csv", 2, 7), ("scores.csv", 3, 6)]

    def test_every_bad_row_in_one_error(self):
        """Every problem of every row is listed at once, with its file, row and column."""
        sheet = (
            HEADER
            + "e1,10000,lots,1,1,1\n"  # row 2: not a number
            + "e2,10000,1,-1,1,1\n"  # row 3: negative
            + "e3,10000,1,1,110,1\n"  # row 4: a percentage typed as a number
            + "e1,10000,1,1,1,1\n"  # row 5: e1 again
            + "e4,10000,1,1\n"  # row 6: too few cells
            + ",10000,1,1,1,1\n"  # row 7: no employee
        )
        with pytest.raises(SpecError) as info:
            read(sheet)
        assert where(info.value) == [
            ("scores.csv", 2, 3),
            ("scores.csv", 3, 4),
            ("scores.csv", 4, 5),
            ("scores.csv", 5, 1),
            ("scores.csv", 6, 5),
            ("scores.csv", 7, 1),
        ]
        assert [p.location.path for p in info.value.problems] == [
            ("individual",),
            ("team",),
            ("company",),
            ("employee_id",),
            (),
            ("employee_id",),
        ]
        assert info.value.problems[3].message == (
            "Duplicate employee_id 'e1' on rows 2 and 5; give each employee one row"
        )
        assert info.value.problems[5].message == "Empty 'employee_id'"

    def test_nothing_is_read_when_a_later_row_is_bad(self):
        """The first row is not handed out before a later bad row is found."""
        rows = (HEADER + "e1,100,1,1,1,1\ne2,100,1,1,1,x\n").splitlines(keepends=True)
        with pytest.raises(SpecError, match="Expected a number, got 'x'"):
            next(read_scores_csv(io.StringIO("".join(rows)), BLENDED))

    def test_eligible_days_need_period_days(self):
        """`eligible_days` without `period_days` is a missing column, not a crash."""
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible_days\ne1,100,1,1,1,1,30\n")
        assert [p.message for p in info.value.problems] == [
            "Missing column 'period_days' (needed with 'eligible_days')"
        ]
        assert where(info.value) == [("scores.csv", 1, 1)]

    def test_a_read_column_given_twice_is_refused(self):
        """Two `team` columns would silently pay on the last one."""
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",team\ne1,100,1,1,1,1,2\n")
        assert [p.message for p in info.value.problems] == ["Duplicate column 'team'"]
        assert where(info.value) == [("scores.csv", 1, 7)]

    def test_eligibility_cells_are_located(self):
        """A bad day count names its own column."""
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible_days,period_days\ne1,100,1,1,1,1,30,0\n")
        assert where(info.value) == [("scores.csv", 2, 8)]
        assert info.value.problems[0].location.path == ("period_days",)

    def test_eligibility_columns_are_read_and_located(self):
        """An eligible fraction prorates; a bad one, or a bad day count, names its column."""
        rows = read(HEADER.rstrip("\n") + ",eligible\ne1,10000,1,1,1,1,0.5\n")
        assert [(r.employee_id, r.eligible) for r in rows] == [("e1", "0.5")]
        assert BLENDED.payout(rows[0].target_bonus, rows[0].scores, rows[0].eligible).total == (
            Decimal("5000.00")
        )
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible\ne1,100,1,1,1,1,x\n")
        assert where(info.value) == [("scores.csv", 2, 7)]
        assert info.value.problems[0].location.path == ("eligible",)
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible_days,period_days\ne1,100,1,1,1,1,x,365\n")
        assert where(info.value) == [("scores.csv", 2, 7)]
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible_days,period_days\ne1,100,1,1,1,1,400,365\n")
        assert [(p.message, p.location.column) for p in info.value.problems] == [
            ("Eligibility is more than the whole period (1.095890410958904109589041096)", 7)
        ]

    def test_a_row_too_short_to_hold_its_id(self):
        """Where the id column is last, a short row has only its width problem."""
        sheet = "target_bonus,individual,team,company,silo_buster,employee_id\n100,1,1,1,1\n"
        with pytest.raises(SpecError) as info:
            read(sheet)
        assert [p.message for p in info.value.problems] == ["Row has 5 cells but the header has 6"]
        assert where(info.value) == [("scores.csv", 2, 6)]

    def test_a_problem_without_a_cell_has_no_column(self):
        """A problem no column holds is placed at its row only."""
        from alignkit.bonus import _score_column

        assert _score_column((), days=False) is None
        assert _score_column(("eligible",), days=True) == "eligible_days"

    def test_missing_file_is_unreadable(self, tmp_path: Path):
        """A missing or empty file is AK010, as for an alignment file."""
        missing = tmp_path / "nope.csv"
        with pytest.raises(SpecError, match="Cannot read the CSV file") as info:
            read_scores_csv(missing, BLENDED)
        assert [(p.code, p.location.file) for p in info.value.problems] == [("AK010", str(missing))]
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        with pytest.raises(SpecError, match="empty") as info:
            read_scores_csv(empty, BLENDED)
        assert [p.code for p in info.value.problems] == ["AK010"]
        latin = tmp_path / "latin.csv"
        latin.write_bytes(HEADER.encode() + "é1,1,1,1,1,1\n".encode("latin-1"))
        with pytest.raises(SpecError, match="not UTF-8") as info:
            read_scores_csv(latin, BLENDED)
        assert [p.code for p in info.value.problems] == ["AK010"]

    def test_problems_inside_the_file_carry_no_load_code(self, tmp_path: Path):
        """Bad cells are not AK010: the file was read."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(HEADER + "e1,100,x,1,1,1\n")
        with pytest.raises(SpecError) as info:
            read_scores_csv(sheet, BLENDED)
        assert [p.code for p in info.value.problems] == [None]

    def test_a_huge_target_is_a_spec_error(self):
        """A target too large to pay exactly is refused at its cell, not a crash."""
        with pytest.raises(SpecError, match="too large") as info:
            read(HEADER + "e1,1e30,1,1,1,1\n")
        assert where(info.value) == [("scores.csv", 2, 2)]


class TestPlausibleScores:
    def test_a_percentage_typed_as_a_number_is_refused(self):
        """110 where 1.10 was meant is an error that says how to write it."""
        with pytest.raises(SpecError) as info:
            BLENDED.payout(10_000, {**SCORES, "individual": 110})
        assert [(p.message, p.location.path) for p in info.value.problems] == [
            (
                (
                    "Score 110 for `individual` is above the plausible maximum of 10 "
                    "(1,000% attainment); write attainment as a fraction: 1.10 for 110%"
                ),
                ("scores", "individual"),
            )
        ]

    def test_in_the_csv_at_its_row_and_column(self):
        """The CSV error names the row and the column of the score."""
        with pytest.raises(SpecError) as info:
            read(HEADER + "e1,10000,1,1,0.5,1\ne2,10000,1,95,1,1\n")
        assert where(info.value) == [("scores.csv", 3, 4)]
        assert info.value.problems[0].message.startswith(
            "Score 95 for `team` is above the plausible maximum of 10"
        )
        assert info.value.problems[0].message.endswith("0.95 for 95%")

    def test_within_the_bound_the_cap_holds(self):
        """300% and the bound itself still pay the capped amount, as before."""
        capped = BLENDED.payout(10_000, {**SCORES, "individual": 3}).total
        assert capped == BLENDED.payout(10_000, {**SCORES, "individual": 10}).total
        assert capped == Decimal("11500.00")  # 4,000 x 2 + 1,500 + 2,000 + 0

    def test_the_bound_is_a_plan_option(self):
        """`max_score` raises or lowers the bound; it must be at least 1."""
        plan = BonusPlan.blended(max_score=200)
        assert plan.max_score == 200
        assert plan.payout(100, {**SCORES, "individual": 150}).total == Decimal("115.00")
        tight = BonusPlan("tight", "USD", [Component("all", weight=1)], max_score="2.5")
        with pytest.raises(SpecError, match=r"maximum of 2\.5 \(250% attainment\)"):
            tight.payout(100, {"all": "2.6"})
        assert BonusPlan.individual_only(max_score=4).max_score == 4
        with pytest.raises(SpecError, match=r"Must be at least 1, got `0\.5`") as info:
            BonusPlan.blended(max_score="0.5")
        assert info.value.problems[0].location.path == ("max_score",)

    def test_the_bound_in_the_alignment_file(self):
        """A plan in the alignment file sets `max_score` too."""
        spec = BonusPlanSpec.model_validate(
            {"name": "p", "preset": "blended", "max_score": 20, "metrics": {"team": "nrr"}}
        )
        assert spec.build().max_score == 20
        assert BonusPlanSpec(name="d", preset="blended").build().max_score == 10
        solo = BonusPlanSpec(name="s", preset="individual_only", max_score="1500%")
        assert solo.build().max_score == 15
        own = BonusPlanSpec.model_validate(
            {"name": "o", "components": [{"name": "all", "weight": 1}], "max_score": 3}
        )
        assert own.build().max_score == 3
        with pytest.raises(SpecError) as info:
            BonusPlanSpec.model_validate({"name": "p", "preset": "blended", "max_score": 0})
        assert info.value.problems[0].location.path == ("max_score",)

    def test_payout_arrays_refuse_it_too(self):
        """The vectorised path refuses every implausible score, at its index."""
        full = {n: np.array([1.0, 1.0, 1.0]) for n in SCORES}
        bad = {**full, "team": np.array([1.0, 110.0, 10.0]), "company": np.array([12, 1, 1])}
        with pytest.raises(SpecError) as info:
            BLENDED.payout_arrays(np.array([1.0, 2.0, 3.0]), bad)
        assert [p.location.path for p in info.value.problems] == [
            (1, "scores", "team"),
            (0, "scores", "company"),
        ]
        assert "plausible maximum of 10" in info.value.problems[0].message

    @settings(max_examples=200)
    @given(
        targets,
        st.sampled_from([c.name for c in BLENDED.components]),
        st.decimals(min_value=1, max_value=100, places=2),
        st.decimals(min_value="0.0001", max_value=10**9, places=4),
    )
    def test_above_the_bound_is_always_refused(self, target, name, bound, excess):
        """No score above `max_score` is ever paid, however the bound is set."""
        plan = BonusPlan.blended(max_score=bound)
        with pytest.raises(SpecError, match="above the plausible maximum"):
            plan.payout(target, {**SCORES, name: bound + excess})

    @settings(max_examples=200)
    @given(
        targets,
        st.sampled_from([c.name for c in BLENDED.components]),
        st.lists(st.decimals(min_value=0, max_value=10, places=4), min_size=2, max_size=2),
    )
    def test_within_the_bound_payouts_are_monotone_and_capped(self, target, name, pair):
        """Within the bound, more attainment never pays less, and never above the cap."""
        low, high = sorted(pair)
        paid_low = BLENDED.payout(target, {**SCORES, name: low}).total
        paid_high = BLENDED.payout(target, {**SCORES, name: high}).total
        assert paid_low <= paid_high
        ceiling = BLENDED.payout(target, {**SCORES, name: 2}).total
        assert paid_high <= ceiling if high <= 2 else paid_high == ceiling


class TestBatchIds:
    def test_payouts_never_pay_an_id_twice(self):
        """Rows given to `payouts` with the same employee id are refused."""
        rows = [PayoutRow("e1", 1, SCORES), PayoutRow("e2", 1, SCORES), PayoutRow("e1", 2, SCORES)]
        with pytest.raises(SpecError) as info:
            list(BLENDED.payouts(rows))
        assert [(p.message, p.location.path) for p in info.value.problems] == [
            ("Duplicate employee_id 'e1' at rows 0 and 2", (2, "employee_id"))
        ]


# -- property tests of the CSV reader ----------------------------------------------------

_cells = st.one_of(
    st.decimals(min_value=0, max_value=12, places=2).map(str),
    st.sampled_from(["", "x", "-1", "NaN", "inf", "110%", "1e3", "1,000", "1e30", " 2 "]),
)
_ids = st.sampled_from(["e1", "e2", "e3", " e1", "e4 ", ""])


@st.composite
def score_sheets(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    """A scores CSV as HR systems write it, right or wrong, and its data rows."""
    names = [c.name for c in BLENDED.components]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(_ids), draw(_cells), *(draw(_cells) for _ in names)]
        cut = draw(st.sampled_from([0, 0, 0, 1, -1]))
        rows.append(row[:cut] if cut < 0 else row + ["9"] * cut)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(["employee_id", "target_bonus", *names])
    writer.writerows(rows)
    return out.getvalue(), rows


class TestScoresCsvProperties:
    @settings(max_examples=300)
    @given(score_sheets())
    def test_one_payout_per_employee_or_a_spec_error(self, sheet):
        """Any sheet gives one payout per distinct id, adding up, or a SpecError."""
        text, rows = sheet
        try:
            payouts = list(BLENDED.payouts(read_scores_csv(io.StringIO(text), BLENDED)))
        except SpecError as error:
            assert error.problems
            return
        ids = [p.employee_id for p in payouts]
        assert sorted(ids) == sorted({row[0].strip() for row in rows})
        assert len(ids) == len(set(ids))
        for payout in payouts:
            assert sum((line.amount for line in payout.lines), Decimal(0)) == payout.total
        every_line = sum((line.amount for p in payouts for line in p.lines), Decimal(0))
        assert sum((p.total for p in payouts), Decimal(0)) == every_line

    @settings(max_examples=300)
    @given(st.text(max_size=200))
    def test_any_text_raises_only_spec_errors(self, body):
        """Whatever follows the header, reading raises nothing but SpecError."""
        try:
            rows = read(HEADER + body)
        except SpecError:
            return
        assert len({r.employee_id for r in rows}) == len(rows)

    @settings(max_examples=100)
    @given(
        st.sampled_from([c.name for c in BLENDED.components]),
        st.decimals(min_value="10.01", max_value=10**6, places=2),
    )
    def test_implausible_scores_never_pass(self, name, score):
        """A score above the bound is refused in the CSV, at its column."""
        names = [c.name for c in BLENDED.components]
        cells = ["1" if n != name else str(score) for n in names]
        with pytest.raises(SpecError, match="plausible maximum") as info:
            read(HEADER + "e1,1000," + ",".join(cells) + "\n")
        assert where(info.value) == [("scores.csv", 2, 3 + names.index(name))]
