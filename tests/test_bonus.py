"""alignkit.bonus: plans, curves, exact payouts, pool scaling, nominations, CSV runs."""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import math
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from alignkit.bonus import (
    MAX_AMOUNT,
    BonusPlan,
    BonusPlanSpec,
    Component,
    Nomination,
    Payout,
    PayoutCurve,
    PayoutLine,
    PayoutRow,
    PayoutSummary,
    allocate,
    compute_payouts_csv,
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
        with pytest.raises(SpecError, match=r"more than the whole period \(1\.5\)") as info:
            BLENDED.payout(10_000, SCORES, eligible="150%")
        assert info.value.problems[0].location.path == ("eligible",)

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


SPEC = {"name": "p", "preset": "blended", "metrics": {"team": "nrr"}, "functions": ["Sales"]}


class TestBonusPlanSpec:
    def test_hashable(self):
        """Equal specs hash equal, metrics included, so a spec can be a key."""
        spec = BonusPlanSpec.model_validate(SPEC)
        same = BonusPlanSpec.model_validate({**SPEC, "metrics": {"team": "nrr"}})
        other = BonusPlanSpec.model_validate({**SPEC, "metrics": {"team": "csat"}})
        assert hash(spec) == hash(same)
        assert {spec: 1, same: 2, other: 3} == {spec: 2, other: 3}

    def test_immutable(self):
        """Neither a field nor the metrics mapping can be changed in place."""
        given = {"team": "nrr"}
        spec = BonusPlanSpec(name="p", preset="blended", metrics=given)
        given["team"] = "csat"
        assert spec.metrics == {"team": "nrr"}
        with pytest.raises(TypeError, match="does not support item assignment"):
            spec.metrics["team"] = "csat"  # type: ignore[index]
        with pytest.raises(ValidationError, match="Instance is frozen"):
            spec.name = "q"  # type: ignore[misc]

    def test_copy(self):
        """A copy, shallow or deep, equals the spec and hashes the same."""
        spec = BonusPlanSpec.model_validate(SPEC)
        for duplicate in (copy.copy(spec), copy.deepcopy(spec), spec.model_copy()):
            assert duplicate == spec
            assert hash(duplicate) == hash(spec)

    def test_dumps_metrics_as_a_dict(self):
        """A dump holds a plain dict of metrics, and reads back as the same spec."""
        spec = BonusPlanSpec.model_validate(SPEC)
        dumped = spec.model_dump()
        assert type(dumped["metrics"]) is dict
        assert dumped["metrics"] == {"team": "nrr"}
        assert '"metrics":{"team":"nrr"}' in spec.model_dump_json()
        assert BonusPlanSpec.model_validate(dumped) == spec
        assert BonusPlanSpec.model_validate_json(spec.model_dump_json()) == spec

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (None, "metrics.team: Expected text; got nothing"),
            (["a"], "metrics.team: Expected text; got a list `[a]`"),
        ],
    )
    def test_a_metric_that_is_not_text_says_text_is_expected(self, value: object, message: str):
        """A metric given as nothing or a list is refused with what a metric is."""
        with pytest.raises(SpecError) as info:
            BonusPlanSpec.model_validate({**SPEC, "metrics": {"team": value}})
        assert str(info.value) == message

    def test_metrics_name_what_components_measure(self):
        """The plan built carries each named metric on its component."""
        plan = BonusPlanSpec.model_validate(SPEC).build()
        assert [(c.name, c.metric) for c in plan.components] == [
            ("individual", None),
            ("team", "nrr"),
            ("company", None),
            ("silo_buster", None),
        ]


class TestNumpyIsOptional:
    def test_importing_and_paying_does_not_import_numpy(self):
        """NumPy is loaded only for the vectorised path, never by `import alignkit.bonus`."""
        code = (
            "import io, sys\n"
            "from alignkit.bonus import BonusPlan, read_scores_csv, scale_to_pool\n"
            "plan = BonusPlan.blended()\n"
            "payout = plan.payout(100, {'individual': 1, 'team': 1, 'company': 1, "
            "'silo_buster': 1})\n"
            "scale_to_pool([payout], 50)\n"
            "sheet = 'employee_id,target_bonus,individual,team,company,silo_buster\\n"
            "e1,1,1,1,1,1\\n'\n"
            "list(read_scores_csv(io.StringIO(sheet), plan))\n"
            "print('numpy' in sys.modules)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout == "False\n"


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
        assert [(r.employee_id, r.eligible) for r in rows] == [("e1", Decimal("0.5"))]
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
        from alignkit.bonus._sheet import score_column

        assert score_column((), days=False) is None
        assert score_column(("eligible",), days=True) == "eligible_days"

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
        with pytest.raises(SpecError, match=r"above 10\^15") as info:
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


# -- the range of amounts ----------------------------------------------------------------

HUGE = ["1e26", "1" * 40, "1e999999", Decimal("1e26"), 10**40, 1e300]
LIMIT = r"above 10\^15 \(1,000,000,000,000,000\), the largest"


def paths(error: SpecError) -> list[tuple[str | int, ...]]:
    """The path of every problem, in order."""
    return [p.location.path for p in error.problems]


class TestAmountRange:
    @pytest.mark.parametrize("value", HUGE)
    def test_a_huge_target_is_refused_at_its_field(self, value: object):
        """Beyond 10^15, a target is a SpecError naming it, never a crash or a rounding."""
        with pytest.raises(SpecError, match=LIMIT + " amount alignkit reads") as info:
            BLENDED.payout(value, SCORES)
        assert paths(info.value) == [("target_bonus",)]

    @pytest.mark.parametrize("value", HUGE)
    def test_a_huge_pool_is_refused(self, value: object):
        """A pool beyond 10^15 is refused, not taken as "no limit"."""
        with pytest.raises(SpecError, match=LIMIT) as info:
            scale_to_pool([BLENDED.payout(100, SCORES)], value)
        assert paths(info.value) == [("pool",)]

    @pytest.mark.parametrize("value", HUGE)
    @pytest.mark.parametrize("field", ["pool", "cap"])
    def test_a_huge_allocation_is_refused(self, value: object, field: str):
        """A pool or cap beyond 10^15 is a SpecError at its field, not a decimal Overflow."""
        given: dict[str, object] = {"pool": 100, "cap": None, field: value}
        with pytest.raises(SpecError, match=LIMIT) as info:
            allocate(given["pool"], [Nomination("s1", "o1", "r")], ORG, given["cap"])
        assert paths(info.value) == [(field,)]

    @pytest.mark.parametrize("value", HUGE)
    def test_a_huge_curve_point_is_refused(self, value: object):
        """Curve points are numbers in range too: refused where they are written."""
        with pytest.raises(SpecError, match=LIMIT + " number") as info:
            PayoutCurve([(0, 0), (1, value)])
        assert paths(info.value) == [("points", 1, 1)]

    def test_too_many_decimals_are_refused(self):
        """More than 30 digits after the point is refused; trailing zeros do not count."""
        with pytest.raises(SpecError, match="more than 30 digits after the decimal point"):
            BLENDED.payout("1e-31", SCORES)
        assert to_decimal("1." + "0" * 40) == 1
        assert to_decimal("-0") == 0
        assert not to_decimal("-0").is_signed()

    @pytest.mark.parametrize(
        ("currency", "paid"),
        [
            ("USD", "1000000000000000.00"),
            ("KWD", "1000000000000000.000"),
            ("JPY", "1000000000000000"),
        ],
    )
    def test_the_largest_amount_is_paid_exactly(self, currency: str, paid: str):
        """10^15 is paid to the minor unit; a payout above it is refused at the target."""
        plan = BonusPlan.individual_only(currency=currency)
        assert str(plan.payout(MAX_AMOUNT, {"individual": 1}).total) == paid
        with pytest.raises(SpecError, match="the largest amount alignkit pays") as info:
            plan.payout(MAX_AMOUNT, {"individual": "1.0001"})
        assert paths(info.value) == [("target_bonus",)]

    def test_payouts_are_exact_beyond_28_digits(self):
        """0.4999... (30 digits) of a cent pays nothing: no rounding to 28 digits on the way."""
        score = "0.4" + "9" * 29
        assert BonusPlan.individual_only().payout("0.01", {"individual": score}).total == 0

    @pytest.mark.parametrize(("target", "paid"), [("0.03", "0.06"), ("0.21", "0.39")])
    def test_a_slope_of_a_third_rounds_exactly(self, target: str, paid: str):
        """5.5 x 1/3 of 0.03 is exactly 5.5 cents, so half up pays 6 (0.333... paid 5)."""
        thirds = PayoutCurve([(0, 0), (3, 1)])
        plan = BonusPlan("thirds", "USD", [Component("a", weight=1, curve=thirds)])
        assert plan.payout(target, {"a": "5.5"}).total == Decimal(paid)
        assert (
            str(plan.payout(target, {"a": 1}).lines[0].factor) == "0.3333333333333333333333333333"
        )

    def test_eligible_days_round_exactly(self):
        """1.83 for 5 of 366 days is exactly 2.5 cents, so half up pays 3."""
        payout = BonusPlan.individual_only().payout("1.83", {"individual": 1}, eligible=(5, 366))
        assert payout.total == Decimal("0.03")

    @settings(max_examples=200, deadline=None)
    @given(
        st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2),
        st.fixed_dictionaries(
            {c.name: st.decimals(min_value=0, max_value=10, places=6) for c in BLENDED.components}
        ),
        st.integers(1, 366).flatmap(lambda p: st.tuples(st.integers(0, p), st.just(p))),
    )
    @example(Decimal("0.61"), dict.fromkeys(SCORES, Decimal(1)), (57, 366))  # 9.5 cents exactly
    @example(Decimal("3.05"), dict.fromkeys(SCORES, Decimal(1)), (87, 366))  # 72.5 cents exactly
    def test_every_payout_in_range_is_the_exact_fraction(self, target, scores, eligible):
        """The total is the rational value rounded half up once, or refused above 10^15."""
        days, period = eligible
        exact = sum(
            Fraction(target) * Fraction(c.weight) * min(Fraction(scores[c.name]), Fraction(2))
            for c in BLENDED.components
        )
        units = math.floor(exact * days / period * 100 + Fraction(1, 2))
        if units > MAX_AMOUNT * 100:
            with pytest.raises(SpecError, match="largest amount alignkit pays"):
                BLENDED.payout(target, scores, eligible)
            return
        payout = BLENDED.payout(target, scores, eligible)
        assert payout.total == Decimal(units) / 100
        assert sum((line.amount for line in payout.lines), Decimal(0)) == payout.total

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2), min_size=1, max_size=8),
        st.decimals(min_value=0, max_value=MAX_AMOUNT, places=3),
    )
    def test_any_pool_in_range_is_met_to_the_cent(self, totals, pool):
        """Scaled payouts add up to the pool (its whole cents), whatever their size."""
        plan = BonusPlan.individual_only()
        payouts = [plan.payout(t, {"individual": 1}) for t in totals]
        scaled = scale_to_pool(payouts, pool)
        if sum(totals) <= pool:
            assert scaled == payouts
        else:
            whole_cents = Decimal(math.floor(pool * 100)) / 100
            assert sum((p.total for p in scaled), Decimal(0)) == whole_cents
            assert all(p.lines[0].amount == p.total for p in scaled)

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=8),
        st.decimals(min_value=0, max_value=10**9, places=2),
    )
    def test_remainders_are_compared_exactly(self, totals, pool):
        """Each payout is the largest-remainder share of the pool, computed in fractions."""
        plan = BonusPlan.individual_only()
        payouts = [plan.payout(t, {"individual": 1}) for t in totals]
        total = sum(Fraction(t) for t in totals)
        if total <= pool:
            return
        exact = [Fraction(t) * Fraction(pool) / total * 100 for t in totals]
        cents = [math.floor(e) for e in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: (cents[i] - exact[i], i))
        for i in by_remainder[: int(pool * 100) - sum(cents)]:
            cents[i] += 1
        scaled = scale_to_pool(payouts, pool)
        assert [p.total for p in scaled] == [Decimal(c) / 100 for c in cents]


# -- wrong types at every entry point ----------------------------------------------------


def full(n: int) -> dict[str, list[float]]:
    """Scores of 1 for every blended component, ``n`` employees."""
    return {name: [1.0] * n for name in SCORES}


_1 = Decimal(1)
WRONG_TYPES = {
    "payout scores None": (lambda: BLENDED.payout(100, None), ("scores",)),
    "payout scores list": (lambda: BLENDED.payout(100, [1, 2]), ("scores",)),
    "payout target None": (lambda: BLENDED.payout(None, SCORES), ("target_bonus",)),
    "payout id int": (lambda: BLENDED.payout(100, SCORES, employee_id=5), ("employee_id",)),
    "payout target percentage": (lambda: BLENDED.payout("100%", SCORES), ("target_bonus",)),
    "payouts None": (lambda: list(BLENDED.payouts(None)), ()),
    "payouts [None]": (lambda: list(BLENDED.payouts([None])), (0,)),
    "payouts [5]": (lambda: list(BLENDED.payouts([5])), (0,)),
    "payouts id None": (
        lambda: list(BLENDED.payouts([{"employee_id": None, "target_bonus": 1, "scores": SCORES}])),
        (0, "employee_id"),
    ),
    "payouts id list": (
        lambda: list(BLENDED.payouts([PayoutRow(["x"], 1, SCORES)])),  # type: ignore[arg-type]
        (0, "employee_id"),
    ),
    "payouts scores None": (
        lambda: list(BLENDED.payouts([{"employee_id": "a", "target_bonus": 1, "scores": None}])),
        (0, "scores"),
    ),
    "payouts unknown key": (
        lambda: list(
            BLENDED.payouts([{"employee_id": "a", "target_bonus": 1, "scores": SCORES, "x": 1}])
        ),
        (0,),
    ),
    "allocate [None]": (lambda: allocate(1, [None], ORG), ("nominations", 0)),
    "allocate None": (lambda: allocate(1, None, ORG), ("nominations",)),
    "allocate half a mapping": (
        lambda: allocate(1, [{"nominator": "s1", "reason": "r"}], ORG),
        ("nominations", 0, "nominee"),
    ),
    "allocate org None": (lambda: allocate(1, [Nomination("s1", "o1", "r")], None), ("org",)),
    "allocate currency list": (lambda: allocate(1, [], ORG, currency=["USD"]), ("currency",)),
    "scale None": (lambda: scale_to_pool(None, 1), ("payouts",)),
    "scale [None]": (lambda: scale_to_pool([None], 1), ("payouts", 0)),
    "scale lines None": (
        lambda: scale_to_pool([Payout(Decimal(1), None, "USD")], 0),  # type: ignore[arg-type]
        ("payouts", 0, "lines"),
    ),
    "scale lines short": (
        lambda: scale_to_pool([Payout(Decimal(2), (PayoutLine("a", _1, _1, _1, _1),), "USD")], 0),
        ("payouts", 0, "lines"),
    ),
    "scale sub-cent": (
        lambda: scale_to_pool([Payout(Decimal("0.001"), (), "USD")], 0),
        ("payouts", 0, "total"),
    ),
    "arrays strings": (lambda: BLENDED.payout_arrays(np.array(["a"]), full(1)), ("target_bonus",)),
    "arrays objects": (lambda: BLENDED.payout_arrays([object()], full(1)), ("target_bonus",)),
    "arrays complex": (lambda: BLENDED.payout_arrays([1j], full(1)), ("target_bonus",)),
    "arrays booleans": (lambda: BLENDED.payout_arrays([True], full(1)), ("target_bonus",)),
    "arrays ragged": (
        lambda: BLENDED.payout_arrays([[1.0], [1.0, 2.0]], full(1)),
        ("target_bonus",),
    ),
    "arrays scores None": (lambda: BLENDED.payout_arrays([1.0], None), ("scores",)),
    "arrays score text": (
        lambda: BLENDED.payout_arrays([1.0], {**full(1), "team": "x"}),
        ("scores", "team"),
    ),
    "arrays 2-D": (lambda: BLENDED.payout_arrays([1.0], {**full(1), "team": [[1.0]]}), ()),
    "arrays huge int": (lambda: BLENDED.payout_arrays([10**400], full(1)), ("target_bonus",)),
    "arrays huge float": (lambda: BLENDED.payout_arrays([1e300], full(1)), (0, "target_bonus")),
}


class TestWrongTypes:
    @pytest.mark.parametrize("case", list(WRONG_TYPES), ids=list(WRONG_TYPES))
    def test_a_wrong_type_is_a_located_spec_error(self, case: str):
        """Wrong types give a SpecError at the bad value, never a TypeError or AttributeError."""
        call, path = WRONG_TYPES[case]
        with pytest.raises(SpecError) as info:
            call()
        assert paths(info.value)[0] == path

    def test_nominations_may_be_mappings(self):
        """A nomination's fields as a mapping count like a Nomination."""
        allocation = allocate(10, [{"nominator": "s1", "nominee": "o1", "reason": "r"}], ORG)
        assert [(a.nominee, a.amount) for a in allocation.awards] == [("o1", Decimal("10.00"))]

    def test_an_integer_id_is_its_digits(self):
        """HR ids are often numbers: an int id is read as its digits."""
        row = {"employee_id": 42, "target_bonus": 1, "scores": SCORES}
        assert [p.employee_id for p in BLENDED.payouts([row])] == ["42"]

    def test_a_factor_is_asked_for_with_a_number(self):
        """`factor` reads its attainment as any number is read."""
        assert PayoutCurve.linear().factor(0.5) == Decimal("0.5")  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="Expected a number"):
            PayoutCurve.linear().factor(None)  # type: ignore[arg-type]


# Values as JSON, YAML or a careless caller would hand them over.
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=10)
    | st.sampled_from(["1", "0.5", "110%", "1,5", "1,234", "1e999999", "-0", "sNaN", "1e-40"])
    | st.sampled_from([c.name for c in BLENDED.components])
)
json_like = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(
            st.text(max_size=6) | st.sampled_from([c.name for c in BLENDED.components]),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)
payout_rows = st.from_type(PayoutRow) | json_like


def or_valid(value: object) -> st.SearchStrategy[object]:
    """A valid ``value`` or anything: garbage in one argument at a time, often."""
    return st.just(value) | json_like


some_payouts = st.lists(st.from_type(Payout) | json_like, max_size=3) | json_like


class TestOnlySpecErrors:
    @settings(max_examples=150, deadline=None)
    @given(or_valid(100), or_valid(SCORES), or_valid(None), or_valid(None))
    def test_payout(self, target, scores, eligible, employee):
        """`payout` raises only SpecError, or pays lines that add up."""
        try:
            payout = BLENDED.payout(target, scores, eligible, employee_id=employee)
        except SpecError:
            return
        assert sum((line.amount for line in payout.lines), Decimal(0)) == payout.total

    @settings(max_examples=150, deadline=None)
    @given(st.lists(payout_rows, max_size=4) | json_like)
    def test_payouts(self, rows):
        """`payouts` raises only SpecError."""
        with contextlib.suppress(SpecError):
            list(BLENDED.payouts(rows))

    @settings(max_examples=150, deadline=None)
    @given(or_valid([BLENDED.payout(100, SCORES)]) | some_payouts, or_valid(50))
    def test_scale_to_pool(self, payouts, pool):
        """`scale_to_pool` raises only SpecError, or meets the pool."""
        try:
            scaled = scale_to_pool(payouts, pool)
        except SpecError:
            return
        assert len(scaled) == len(payouts)

    @settings(max_examples=150, deadline=None)
    @given(
        or_valid(100),
        or_valid([Nomination("s1", "o1", "r")]),
        or_valid(None),
        or_valid("USD"),
        st.sampled_from([ORG, None, "org"]),
    )
    def test_allocate(self, pool, nominations, cap, currency, org):
        """`allocate` raises only SpecError."""
        with contextlib.suppress(SpecError):
            allocate(pool, nominations, org, cap, currency=currency)

    @settings(max_examples=150, deadline=None)
    @given(or_valid([1.0, 2.0]), or_valid(full(2)))
    def test_payout_arrays(self, target, scores):
        """`payout_arrays` raises only SpecError."""
        with contextlib.suppress(SpecError):
            BLENDED.payout_arrays(target, scores)

    @settings(max_examples=150, deadline=None)
    @given(json_like)
    def test_to_decimal(self, value):
        """`to_decimal` raises only SpecError, or gives a number in range."""
        try:
            number = to_decimal(value)
        except SpecError:
            return
        assert 0 <= number <= MAX_AMOUNT

    @settings(max_examples=150, deadline=None)
    @given(or_valid([(0, 0), (1, 1)]), or_valid(None), or_valid(None), json_like)
    def test_specs(self, points, threshold, cap, data):
        """Curves, components and plans in an alignment file raise only SpecError."""
        for build in (
            lambda: PayoutCurve(points, threshold, cap),
            lambda: Component("a", weight=threshold, curve=cap),
            lambda: BonusPlan("p", components=points, max_score=cap),
            lambda: BonusPlanSpec.model_validate(data),
        ):
            with contextlib.suppress(SpecError):
                build()

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=300), st.booleans())
    def test_compute_payouts_csv(self, body, decimal_comma):
        """A payout run over any text raises only SpecError, and writes nothing then."""
        out = io.StringIO()
        try:
            compute_payouts_csv(
                io.StringIO(HEADER + body), BLENDED, out, decimal_comma=decimal_comma
            )
        except SpecError:
            assert out.getvalue() == ""


# -- the vectorised path never pays a wrong figure ---------------------------------------


STEEP = BonusPlan(
    "steep",
    "USD",
    [Component("a", weight=1, curve=PayoutCurve([(0, 0), ("0.0001", "100")]))],
    max_score="1e10",
)


class TestPayoutArraysRange:
    def test_a_steep_uncapped_curve_is_settled_exactly(self):
        """Where int64 would overflow (a negative payout), the row is computed exactly."""
        arrays = STEEP.payout_arrays(np.array([0.5, 0.51, 3.0]), {"a": np.array([1e9, 1e9, 1])})
        assert [arrays.total(i) for i in range(3)] == [
            Decimal("500000000000000.00"),
            Decimal("510000000000000.00"),
            Decimal("3000000.00"),  # 3 x (100 / 0.0001)
        ]
        assert arrays.checked == 2

    def test_a_payout_above_the_range_is_refused_at_its_row(self):
        """The vectorised path refuses what `payout` refuses, at the row's index."""
        with pytest.raises(SpecError, match="the largest amount alignkit pays") as info:
            STEEP.payout_arrays(np.array([1.0, 20.0]), {"a": np.array([1.0, 1e9])})
        assert paths(info.value) == [(1, "target_bonus")]

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.one_of(
                    st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2).map(float),
                    st.floats(min_value=0, max_value=1e16),
                ),
                st.one_of(
                    st.decimals(min_value=0, max_value=10**9, places=4).map(float),
                    st.floats(min_value=0, max_value=1e9),
                ),
            ),
            min_size=1,
            max_size=12,
        ),
        st.sampled_from(["0.0001", "0.0003", "1", "7"]),
        st.sampled_from(["1", "100", "12345.6789"]),
        st.none() | st.sampled_from(["2", "1e9", "1e15"]),
    )
    def test_equals_payout_anywhere_in_range(self, rows, width, rise, cap):
        """payout_arrays gives what payout gives, even on steep curves and huge values."""
        curve = PayoutCurve([(0, 0), (width, rise)], cap=cap)
        plan = BonusPlan("p", "USD", [Component("a", weight=1, curve=curve)], max_score="1e9")
        expected = []
        for target, score in rows:
            try:
                expected.append(plan.payout(target, {"a": score}).total)
            except SpecError:
                with pytest.raises(SpecError):
                    plan.payout_arrays([t for t, _ in rows], {"a": [s for _, s in rows]})
                return
        arrays = plan.payout_arrays([t for t, _ in rows], {"a": [s for _, s in rows]})
        assert [arrays.total(i) for i in range(len(rows))] == expected
        assert (arrays.lines.sum(axis=1) == arrays.totals).all()


# -- numbers read the way the person meant -----------------------------------------------


class TestScoresNumbers:
    @pytest.mark.parametrize(
        ("cell", "message"),
        [
            (
                "10000,50",
                (
                    "'10000,50' has a decimal comma; write 10000.50 "
                    "(or read the sheet with decimal commas)"
                ),
            ),
            (
                "10.000,00",
                (
                    "'10.000,00' has a decimal comma; write 10000.00 "
                    "(or read the sheet with decimal commas)"
                ),
            ),
            ("1,234", "'1,234' is ambiguous: write 1234 or 1.234"),
            ("10 000", "Expected a number, got '10 000'; write it like 10000.50"),
            ("12,34,567", "Expected a number, got '12,34,567'; write it like 10000.50"),
            ("100%", "'100%' is a percentage; write the amount itself, like 10000.50"),
        ],
    )
    def test_a_target_is_read_as_meant_or_refused(self, cell: str, message: str):
        """Separators that could mean two things are refused at the cell, with the form to use."""
        with pytest.raises(SpecError) as info:
            read(HEADER + f'e1,"{cell}",1,1,1,1\n')
        assert [(p.message, p.location.column) for p in info.value.problems] == [(message, 2)]

    def test_thousands_separators_that_cannot_be_a_decimal_comma_are_read(self):
        """A comma before a decimal point, or two of them, groups thousands."""
        rows = read(HEADER + 'e1,"10,000.50",1,1,1,1\ne2,"1,234,567",1,1,1,1\n')
        assert [r.target_bonus for r in rows] == [Decimal("10000.50"), Decimal(1234567)]

    def test_a_percentage_is_read_where_a_fraction_is_meant(self):
        """110% in a score column is 1.10; 50% eligible is half the period."""
        (row,) = read(HEADER.rstrip("\n") + ",eligible\ne1,1000,110%,1,1,1,50%\n")
        assert (row.scores["individual"], row.eligible) == (Decimal("1.1"), Decimal("0.5"))

    def test_a_number_of_days_is_never_a_percentage(self):
        """A percentage where days are counted is refused at its cell."""
        with pytest.raises(SpecError) as info:
            read(HEADER.rstrip("\n") + ",eligible_days,period_days\ne1,100,1,1,1,1,30%,365\n")
        assert [(p.message, p.location.column) for p in info.value.problems] == [
            ("'30%' is a percentage; write the number of days itself, like 10000.50", 7)
        ]

    def test_a_sheet_with_decimal_commas(self):
        """With decimal_comma, 10.000,50 is ten thousand and a half; a point is refused."""
        text = HEADER + 'e1,"10.000,50","1,10",1,1,110%\ne2,"10000,5",1,1,1,"0,5"\n'
        rows = read_scores_csv(io.StringIO(text), BLENDED, decimal_comma=True)
        assert [
            (r.target_bonus, r.scores["individual"], r.scores["silo_buster"]) for r in rows
        ] == [
            (Decimal("10000.50"), Decimal("1.10"), Decimal("1.1")),
            (Decimal("10000.5"), Decimal(1), Decimal("0.5")),
        ]
        with pytest.raises(SpecError) as info:
            list(
                read_scores_csv(
                    io.StringIO(HEADER + "e1,1.234,1.5,1,1,1\n"), BLENDED, decimal_comma=True
                )
            )
        assert [(p.message, p.location.column) for p in info.value.problems] == [
            ("'1.234' is ambiguous: write 1234 or 1,234", 2),
            ("'1.5' has a decimal point; write 1,5", 3),
        ]

    def test_a_blank_id_and_a_repeated_score_column_are_refused(self):
        """One reader refuses both, for reading and for a payout run alike."""
        for run in (
            read,
            lambda text: compute_payouts_csv(io.StringIO(text), BLENDED, io.StringIO()),
        ):
            with pytest.raises(SpecError, match="Empty 'employee_id'"):
                run(HEADER + " ,1,1,1,1,1\n")
            with pytest.raises(SpecError, match="Duplicate column 'team'"):
                run(HEADER.rstrip("\n") + ",team\ne1,1,1,1,1,1,1\n")


# -- a payout run over a whole file ------------------------------------------------------


def scores_file(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


class TestComputePayoutsCsv:
    def test_writes_what_write_payouts_csv_writes(self, tmp_path: Path):
        """Streamed, the file is the one the object path writes, byte for byte."""
        rows = "=cmd,10000,1.2,0.5,1.0,0\ne2,5000,1,1,1,1\ne3,123.45,0.33333,1,2.5,110%\n"
        scores = scores_file(tmp_path, rows)
        out = tmp_path / "payouts.csv"
        summary = compute_payouts_csv(scores, BLENDED, out)
        payouts = list(BLENDED.payouts(read_scores_csv(scores, BLENDED)))
        assert out.read_text(encoding="utf-8") == write_payouts_csv(payouts, BLENDED)
        assert out.read_text(encoding="utf-8").splitlines()[1].startswith("'=cmd,USD,8300.00")
        assert summary == PayoutSummary(
            3,
            sum((p.total for p in payouts), Decimal(0)).quantize(Decimal("0.01")),
            "USD",
            False,
            1,
        )

    def test_nothing_is_written_when_the_last_row_repeats_an_id(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """Earlier chunks are computed, but the file is replaced only if the whole run succeeds."""
        import alignkit.bonus._csv

        monkeypatch.setattr(alignkit.bonus._csv, "_CHUNK", 2)
        scores = scores_file(
            tmp_path, "".join(f"e{i},100,1,1,1,1\n" for i in range(6)) + "e0,1,1,1,1,1\n"
        )
        out = tmp_path / "payouts.csv"
        out.write_text("last run\n", encoding="utf-8")
        with pytest.raises(SpecError, match="Duplicate employee_id 'e0' on rows 2 and 8"):
            compute_payouts_csv(scores, BLENDED, out)
        assert out.read_text(encoding="utf-8") == "last run\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["payouts.csv", "scores.csv"]

    def test_a_stream_gets_the_whole_file_or_nothing(self):
        """Written to a stream, the payouts come at the end, and not at all on an error."""
        out = io.StringIO()
        with pytest.raises(SpecError):
            compute_payouts_csv(io.StringIO(HEADER + "e1,1,1,1,1,1\ne2,1,x,1,1,1\n"), BLENDED, out)
        assert out.getvalue() == ""

    def test_an_interrupted_run_leaves_nothing(self, tmp_path: Path):
        """Whatever stops a run, the old file stays and no temporary file is left."""
        scores = scores_file(tmp_path, "e1,1,1,1,1,1\n")
        out = tmp_path / "payouts.csv"
        out.write_text("last run\n", encoding="utf-8")

        def stop(_: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            compute_payouts_csv(scores, BLENDED, out, progress=stop)
        assert out.read_text(encoding="utf-8") == "last run\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["payouts.csv", "scores.csv"]

    def test_an_unwritable_output_is_an_os_error(self, tmp_path: Path):
        """A folder that does not exist cannot be written: OSError, nothing left behind."""
        scores = scores_file(tmp_path, "e1,1,1,1,1,1\n")
        with pytest.raises(FileNotFoundError):
            compute_payouts_csv(scores, BLENDED, tmp_path / "no" / "payouts.csv")

    def test_an_existing_file_keeps_its_permissions(self, tmp_path: Path):
        """Replacing a payout file keeps who may read it."""
        scores = scores_file(tmp_path, "e1,1,1,1,1,1\n")
        out = tmp_path / "payouts.csv"
        out.write_text("", encoding="utf-8")
        out.chmod(0o600)
        compute_payouts_csv(scores, BLENDED, out)
        assert (out.stat().st_mode & 0o777, out.read_text().count("\n")) == (0o600, 2)

    def test_progress_counts_every_character(self, tmp_path: Path):
        """The progress callback sees every character of the file, line by line."""
        text = "e1,1,1,1,1,1\n\ne2,2,1,1,1,1\n"
        scores = scores_file(tmp_path, text)
        seen: list[int] = []
        compute_payouts_csv(scores, BLENDED, io.StringIO(), progress=seen.append)
        assert sum(seen) == len(HEADER + text)
        assert len(seen) == 4

    def test_more_than_a_thousand_problems_are_counted(self):
        """A hostile file's problems are kept to a thousand, and the rest counted."""
        body = "".join(f"e{i},x,1,1,1,1\n" for i in range(1_005))
        with pytest.raises(SpecError) as info:
            compute_payouts_csv(io.StringIO(HEADER + body), BLENDED, io.StringIO())
        assert len(info.value.problems) == 1_001
        assert info.value.problems[-1].message == (
            "5 more problems are not shown; fix the ones above and run again"
        )

    def test_an_unreadable_file_part_way_through_is_ak010(self, tmp_path: Path):
        """Bytes that are not UTF-8 after the first chunk are AK010, and nothing is written."""
        scores = tmp_path / "scores.csv"
        scores.write_bytes(
            HEADER.encode() + b"e1,1,1,1,1,1\n" * 3_000 + "é,1,1,1,1,1\n".encode("latin-1")
        )
        out = io.StringIO()
        with pytest.raises(SpecError, match="not UTF-8") as info:
            compute_payouts_csv(scores, BLENDED, out)
        assert [p.code for p in info.value.problems] == ["AK010"]
        assert out.getvalue() == ""

    def test_a_pool_is_met_exactly(self):
        """Over the pool, the rows are scaled as scale_to_pool scales them, exactly."""
        text = HEADER + "e1,100,1,1,1,1\ne2,100,1,1,1,1\ne3,100.01,1,1,1,1\n"
        out = io.StringIO()
        summary = compute_payouts_csv(io.StringIO(text), BLENDED, out, pool="200.005")
        payouts = list(BLENDED.payouts(read_scores_csv(io.StringIO(text), BLENDED)))
        assert out.getvalue() == write_payouts_csv(scale_to_pool(payouts, "200.005"), BLENDED)
        assert (summary.total, summary.scaled) == (Decimal("200.00"), True)
        with pytest.raises(SpecError, match="is a percentage") as info:
            compute_payouts_csv(io.StringIO(text), BLENDED, io.StringIO(), pool="10%")
        assert paths(info.value) == [("pool",)]

    def test_within_the_pool_nothing_is_scaled(self):
        """A pool above the total changes nothing."""
        out = io.StringIO()
        summary = compute_payouts_csv(
            io.StringIO(HEADER + "e1,100,1,1,1,1\n"), BLENDED, out, pool=100
        )
        assert (summary.total, summary.scaled) == (Decimal("100.00"), False)
        assert out.getvalue().splitlines()[1] == "e1,USD,100.00,40.00,30.00,20.00,10.00"

    def test_summary_is_immutable(self):
        """A summary is a frozen value."""
        summary = PayoutSummary(1, Decimal(1), "USD", False, 0)
        with pytest.raises(AttributeError):
            summary.count = 2  # type: ignore[misc]


_plain = st.decimals(min_value=0, max_value=12, places=4).map(str)
_money = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
_odd = st.sampled_from(
    [
        "110%",
        "1,234.5",
        "1e3",
        "1.23456",
        "0.333333333333333333",
        "",
        "x",
        "-1",
        "1,5",
        "  2 ",
        "1_0",
        "٣",
    ]
)
_targets = st.one_of(
    _money, _money, st.sampled_from(["1e3", "0.001", "5000000000000000", "1e15", "10,000.5"])
)


@st.composite
def runs(draw: st.DrawFn) -> tuple[BonusPlan, str, bool]:
    """A plan, a scores sheet for it (mostly plain, some odd cells) and its decimal mark."""
    curve = draw(
        st.sampled_from(
            [
                PayoutCurve.linear(),
                PayoutCurve([(0.5, 0.25), (1, 1), (1.5, 2)], threshold=0.5, cap=2.5),
                PayoutCurve([(0, 0), (3, 1)]),
                PayoutCurve([(0, 0), ("0.0001", "100")]),
            ]
        )
    )
    plan = BonusPlan(
        "p",
        draw(st.sampled_from(["USD", "JPY", "KWD"])),
        [Component("a", weight="0.7", curve=curve), Component("b", weight="0.3")],
        max_score=draw(st.sampled_from(["10", "1e9"])),
    )
    eligibility = draw(st.sampled_from(["", ",eligible", ",eligible_days,period_days"]))
    decimal_comma = draw(st.booleans())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write("employee_id,target_bonus,a,b" + eligibility + "\n")
    for i in range(draw(st.integers(0, 12))):
        cells = [draw(st.sampled_from([f"e{i}", f"e{i}", "e0"])), draw(_targets)]
        cells += [draw(st.one_of(_plain, _plain, _plain, _odd)) for _ in range(2)]
        if eligibility == ",eligible":
            cells.append(draw(st.sampled_from(["", "0.5", "1", "50%"])))
        elif eligibility:
            cells += draw(st.sampled_from([["", ""], ["73", "365"], ["5", "366"], ["3", "0"]]))
        if decimal_comma:
            cells = [c.replace(".", ",") if draw(st.booleans()) else c for c in cells]
        writer.writerow(cells)
    return plan, out.getvalue(), decimal_comma


def outcome(plan: BonusPlan, text: str, **options: object) -> tuple[str, object]:
    """The file a run writes and its summary (without `checked`), or its problems."""
    out = io.StringIO()
    try:
        summary = compute_payouts_csv(io.StringIO(text), plan, out, **options)  # type: ignore[arg-type]
    except SpecError as error:
        return "", [(str(p.location), p.message) for p in error.problems]
    return out.getvalue(), attrs.evolve(summary, checked=0)


class TestRunProperties:
    @settings(max_examples=200, deadline=None)
    @given(runs(), st.sampled_from([1, 3, 50_000]))
    def test_the_fast_path_writes_the_exact_path_s_file(self, run, chunk):
        """With or without NumPy, a run writes the same bytes, or reports the same problems."""
        import sys

        import alignkit.bonus._csv

        plan, text, decimal_comma = run
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(alignkit.bonus._csv, "_CHUNK", chunk)
            fast = outcome(plan, text, decimal_comma=decimal_comma)
            patch.setitem(sys.modules, "numpy", None)
            exact = outcome(plan, text, decimal_comma=decimal_comma)
        assert fast == exact

    @settings(max_examples=150, deadline=None)
    @given(runs(), st.decimals(min_value=0, max_value=10**6, places=3))
    def test_a_run_pays_what_the_object_path_pays(self, run, pool):
        """The streamed file is write_payouts_csv of the object path, scaled to any pool."""
        plan, text, decimal_comma = run
        try:
            rows = list(read_scores_csv(io.StringIO(text), plan, decimal_comma=decimal_comma))
        except SpecError as error:
            assert outcome(plan, text, decimal_comma=decimal_comma)[1] == [
                (str(p.location), p.message) for p in error.problems
            ]
            return
        payouts = scale_to_pool(list(plan.payouts(rows)), pool)
        written, summary = outcome(plan, text, decimal_comma=decimal_comma, pool=pool)
        assert written == write_payouts_csv(payouts, plan)
        assert isinstance(summary, PayoutSummary)
        assert summary.total == sum((p.total for p in payouts), Decimal(0)).quantize(
            Decimal(1).scaleb(-plan.minor_unit)
        )


class TestEdges:
    def test_a_cell_too_long_to_be_a_number(self):
        """A cell of hundreds of characters is not read as a number at all."""
        with pytest.raises(SpecError, match="Expected a number, got a cell of 150 characters"):
            read(HEADER + "e1," + "1" * 150 + ",1,1,1,1\n")

    def test_a_number_too_long_to_show(self):
        """An int too long to print is described, not printed."""
        with pytest.raises(SpecError, match="a number too long to show is above 10"):
            to_decimal(10**5000)

    def test_a_header_the_csv_module_cannot_read(self):
        """A header cell beyond the csv module's field limit is a located SpecError."""
        with pytest.raises(SpecError, match="a cell is longer than the 131,072 characters"):
            compute_payouts_csv(io.StringIO("x" * 200_000 + "\n"), BLENDED, io.StringIO())

    def test_a_payout_amount_must_be_a_decimal(self):
        """scale_to_pool refuses a payout whose total is not an amount in its currency."""
        with pytest.raises(SpecError, match="Expected an amount in USD of at most 2 decimals"):
            scale_to_pool([Payout(1.0, (), "USD")], 0)  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="Unknown currency 'XYZ'"):
            scale_to_pool([Payout(Decimal(0), (), "XYZ")], 0)
        with pytest.raises(SpecError, match="got Decimal\\('NaN'\\)") as info:
            scale_to_pool([Payout(Decimal("NaN"), (), "USD")], 0)
        assert paths(info.value) == [("payouts", 0, "total")]

    def test_curves_too_steep_together(self):
        """Two curves whose common width makes int64 overflow are settled exactly."""
        plan = BonusPlan(
            "p",
            "USD",
            [
                Component("a", weight="0.5", curve=PayoutCurve([(0, 0), ("0.0001", "5e13")])),
                Component("b", weight="0.5", curve=PayoutCurve([(0, 0), ("0.0003", "1")])),
            ],
        )
        arrays = plan.payout_arrays([0.01, 2.0], {"a": [0.0, 1e-9], "b": [1.0, 0.0003]})
        assert [arrays.total(0), arrays.total(1)] == [
            plan.payout(0.01, {"a": 0.0, "b": 1.0}).total,
            plan.payout(2.0, {"a": 1e-9, "b": 0.0003}).total,
        ]
        assert arrays.checked == 2

    @pytest.mark.parametrize(
        ("curve", "scores"),
        [
            (PayoutCurve([(0, 0), ("0.00001", "1")]), [0.0, 0.5, 1.0, 2.5]),  # finer than 0.0001
            (PayoutCurve([(1, "1.5")]), [0.0, 0.5, 1.0, 2.5]),  # one point
            (PayoutCurve([(0, 0), ("0.0001", "1e15")]), [0.0, 1e-10, 1e-8, 1e-5]),  # too steep
            (PayoutCurve([(0, 0), (1, 1)], cap="1e15"), [0.0, 0.5, 1.0, 2.5]),  # far cap
            (PayoutCurve([(0, 0), ("0.0001", "1e15")]), [0.0, 0.5, 1.0, 2.5]),  # above 10^15
        ],
    )
    def test_every_curve_equals_payout(self, curve: PayoutCurve, scores: list[float]):
        """Curves the integers cannot follow are settled exactly, row by row."""
        plan = BonusPlan("p", "USD", [Component("a", weight=1, curve=curve)], max_score=100)
        targets = [0.01, 1.0, 10.0, 12345.67]
        expected = []
        for target, score in zip(targets, scores, strict=True):
            try:
                expected.append(plan.payout(target, {"a": score}).total)
            except SpecError:
                with pytest.raises(SpecError):
                    plan.payout_arrays(targets, {"a": scores})
                return
        arrays = plan.payout_arrays(targets, {"a": scores})
        assert [arrays.total(i) for i in range(4)] == expected
