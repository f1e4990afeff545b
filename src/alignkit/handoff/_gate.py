"""Quality gates: named checks a package must pass, and the result of running them.

A gate of built-in checks has a fast path: one pass over the package says whether it
passes, and a failing result works out its reasons only when they are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, final

import attrs

from alignkit.errors import SpecError, UnknownNameError
from alignkit.handoff._audit import Audit, audit_records
from alignkit.handoff._checks import (
    PASS,
    ArtifactPresent,
    ArtifactSigned,
    BuiltinCheck,
    Check,
    CheckOutcome,
    CriteriaMeasurable,
    OwnerAssigned,
)
from alignkit.handoff._package import HandoffPackage
from alignkit.handoff._results import (
    FusedPlan,
    GateFailure,
    GateResult,
    NamedCheck,
    _failed_result,
)

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["GateFailure", "GateResult", "NamedCheck", "QualityGate"]


def _custom(name: str, check: Check) -> Check:
    """A callable check whose answer is made a :class:`CheckOutcome` (``bool`` allowed)."""

    def run(package: HandoffPackage) -> CheckOutcome:
        outcome: object = check(package)
        if isinstance(outcome, CheckOutcome):
            return outcome
        if isinstance(outcome, bool):
            return PASS if outcome else CheckOutcome.fail(f"Check {name} failed")
        msg = (
            f"Check {name!r} returned {type(outcome).__name__}; a check returns a "
            "CheckOutcome (CheckOutcome.ok() or CheckOutcome.fail(reason, fix)) or a bool"
        )
        raise TypeError(msg)

    return run


def _with_org(check: OwnerAssigned, org: Org | None) -> Check:
    def run(package: HandoffPackage) -> CheckOutcome:
        return check(package, org)

    return run


def _fuse(checks: Sequence[Check], org: Org | None) -> FusedPlan | None:
    present: dict[str, frozenset[str]] = {}
    signed: set[str] = set()
    criteria = 0
    owner = False
    for check in checks:
        if type(check) is ArtifactPresent and check.kind not in present:
            present[check.kind] = frozenset(check.statuses)
        elif type(check) is ArtifactSigned and check.by is None and check.before is None:
            signed.add(check.kind)
        elif type(check) is CriteriaMeasurable:
            criteria = max(criteria, check.minimum)
        elif type(check) is OwnerAssigned:
            owner = True
        else:
            return None  # a custom or repeated check: no shortcut
    # Each required artifact condition is one bit; a package passes when all are set.
    # One table lookup per artifact: kind -> (statuses it must have, bit, signed bit).
    rules: dict[str, tuple[frozenset[str], int, int]] = {}
    bit = 1
    for kind in sorted({*present, *signed}):
        present_bit = signed_bit = 0
        if kind in present:
            present_bit, bit = bit, bit << 1
        if kind in signed:
            signed_bit, bit = bit, bit << 1
        rules[kind] = (present.get(kind, frozenset()), present_bit, signed_bit)
    conditions: list[tuple[int, int, bool]] = []
    for check in checks:
        if type(check) is ArtifactPresent:
            conditions.append((rules[check.kind][1], 0, False))
        elif type(check) is ArtifactSigned:
            conditions.append((rules[check.kind][2], 0, False))
        elif type(check) is CriteriaMeasurable:
            conditions.append((0, check.minimum, False))
        else:
            conditions.append((0, 0, True))
    return FusedPlan(rules, bit - 1, criteria, owner, org, tuple(conditions))


def _fused_predicate(plan: FusedPlan) -> Callable[[HandoffPackage], bool]:
    rules, wanted, criteria, owner, org = (
        plan.rules,
        plan.wanted,
        plan.criteria,
        plan.owner,
        plan.org,
    )

    def fused(package: HandoffPackage) -> bool:
        fields = package.__dict__  # plain dict reads: the hot path of a bulk evaluation
        if owner:
            person = fields["owner"]
            if person is None or (org is not None and org.get_person(person) is None):
                return False
        met = 0
        for artifact in fields["artifacts"]:
            values = artifact.__dict__
            rule = rules.get(values["kind"])
            if rule is not None:
                statuses, present_bit, signed_bit = rule
                status = values["status"]
                if status in statuses:
                    met |= present_bit
                if (
                    signed_bit
                    and status == "signed"
                    and values["signed_by"]
                    and values["signed_at"]
                ):
                    met |= signed_bit
        if met != wanted:
            return False
        if not criteria:
            return True
        good = 0
        for criterion in fields["success_criteria"]:
            values = criterion.__dict__
            if values["metric"].strip() and values["target"] not in (None, ""):
                good += 1
                if good >= criteria:
                    return True
        return False

    return fused


def _as_checks(checks: Iterable[NamedCheck | tuple[str, Check]]) -> tuple[NamedCheck, ...]:
    return tuple(c if isinstance(c, NamedCheck) else NamedCheck(*c) for c in checks)


@final
@attrs.frozen(slots=False)  # slots=False: the gate caches its runners
class QualityGate:
    """An ordered set of named checks that a package must pass.

    Gates compose: :meth:`with_check` adds a check, :meth:`without` drops one by name,
    ``gate_a + gate_b`` runs both (names must not clash).

    Added in 0.1.
    """

    name: str
    checks: tuple[NamedCheck, ...] = attrs.field(default=(), converter=_as_checks)
    org: Org | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        names = [c.name for c in self.checks]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SpecError.single(
                f"Gate {self.name!r} has two checks named {', '.join(map(repr, duplicates))}"
            )

    @classmethod
    def minimum_viable(cls, *, name: str = "minimum-viable") -> QualityGate:
        """The Minimum Viable Handoff: scoping document, signed SOW, success criteria, owner.

        - ``scoping-document``: a ``scoping_document`` artifact, complete or signed;
        - ``signed-sow``: a ``sow`` artifact, signed, with ``signed_by`` and ``signed_at``;
        - ``success-criteria``: at least one criterion with a metric and a target;
        - ``owner``: a named handoff owner.
        """
        return cls(
            name,
            (
                NamedCheck("scoping-document", ArtifactPresent(kind="scoping_document")),
                NamedCheck("signed-sow", ArtifactSigned(kind="sow")),
                NamedCheck("success-criteria", CriteriaMeasurable()),
                NamedCheck("owner", OwnerAssigned()),
            ),
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The check names, in order."""
        return tuple(c.name for c in self.checks)

    def with_check(self, name: str, check: Check) -> QualityGate:
        """A new gate with ``check`` added last."""
        return attrs.evolve(self, checks=(*self.checks, NamedCheck(name, check)))

    def without(self, name: str) -> QualityGate:
        """A new gate without the check called ``name``.

        Raises:
            UnknownNameError: The gate has no such check.
        """
        if name not in self.names:
            raise UnknownNameError.for_name("check", name, self.names)
        return attrs.evolve(self, checks=tuple(c for c in self.checks if c.name != name))

    def __add__(self, other: QualityGate) -> QualityGate:
        if not isinstance(other, QualityGate):
            return NotImplemented
        return QualityGate(f"{self.name}+{other.name}", (*self.checks, *other.checks), org=self.org)

    def bound(self, org: Org | None) -> QualityGate:
        """The same gate, judging owners against ``org``."""
        return attrs.evolve(self, org=org)

    def evaluate(self, package: HandoffPackage) -> GateResult:
        """Run every check (never stopping at the first failure)."""
        fused = self._fused
        if fused is not None:
            if fused(package):
                return self._all_pass  # shared: results are immutable
            # Some built-in check fails; the reasons are worked out when first asked for.
            return _failed_result(self.name, self._runners, package)
        return self._evaluate_each(package)

    def evaluate_many(self, packages: Iterable[HandoffPackage]) -> list[GateResult]:
        """:meth:`evaluate` each package, in order: for audits over a whole pipeline.

        The same results as ``[gate.evaluate(p) for p in packages]``, with less
        overhead per package.

        >>> gate = QualityGate.minimum_viable()
        >>> bare = HandoffPackage("D-1", "Acme", "Sales", "Operations", owner="ana")
        >>> unowned = bare.model_copy(update={"deal_id": "D-2", "owner": None})
        >>> results = gate.evaluate_many([bare, unowned])
        >>> [result.passed for result in results]
        [False, False]
        >>> [failure.check for failure in results[1].failures]
        ['scoping-document', 'signed-sow', 'success-criteria', 'owner']

        Added in 0.1.
        """
        fused = self._fused
        if fused is None:
            return [self._evaluate_each(package) for package in packages]
        passed, name, runners, failed = self._all_pass, self.name, self._runners, _failed_result
        return [
            passed if fused(package) else failed(name, runners, package) for package in packages
        ]

    def audit(self, records: Iterable[Mapping[str, Any]]) -> Audit:
        """Validate and judge many records, each as ``evaluate(HandoffPackage(**record))``.

        For an audit of a CRM export, a JSON dump or a warehouse query: each record
        is a mapping of the keys :class:`HandoffPackage` takes (``deal_id``,
        ``customer``, ``from_function``, ``to_function``, ``owner``, ``artifacts``,
        ``success_criteria``, ``fields``), its artifacts and criteria as mappings
        (or as the objects), times as ``datetime`` objects or ISO 8601 text.

        Each record is validated exactly as ``HandoffPackage(**record)`` validates
        it. One the constructor refuses is *invalid*: its verdict carries every
        problem, placed at the record's index and the field's path, and the audit
        goes on with the next record. A valid one gets exactly the result
        :meth:`evaluate` gives for its package. Records are read once, in order, from
        any iterable (a generator too). For a gate of the built-in declarative checks,
        no package is built for a record of the usual shape, so a million records
        take seconds; a gate with a check of your own builds each package. The audit
        keeps each failed record itself, not a copy, and works out its reasons when
        they are first asked for: leave the records unchanged until then (a failed
        record found changed is a ``RuntimeError``).

        Only records are read: a CSV file's flat rows cannot hold the lists of
        artifacts and criteria, and tables are read through their own conversion to
        records, ``frame.to_dict("records")`` for pandas or ``table.to_pylist()`` for
        pyarrow (neither is a dependency of alignkit).

        Args:
            records: The records, in order.

        Returns:
            Every record's verdict, in input order, and the counts.

        Raises:
            TypeError: ``records`` is a single record, text, or a table itself.

        >>> gate = QualityGate.minimum_viable()
        >>> records = [
        ...     {"deal_id": "D-1", "customer": "Acme", "from_function": "Sales",
        ...      "to_function": "Operations", "owner": "ana",
        ...      "artifacts": [
        ...          {"kind": "scoping_document", "status": "complete"},
        ...          {"kind": "sow", "status": "signed", "signed_by": "Acme CFO",
        ...           "signed_at": "2026-11-20T16:00:00Z"},
        ...      ],
        ...      "success_criteria": [{"description": "Adoption", "metric": "wau",
        ...                            "target": 200}]},
        ...     {"deal_id": "D-2", "customer": "Initech", "from_function": "Sales",
        ...      "to_function": "Operations", "owner": None},
        ...     {"deal_id": "D-3", "customer": "Globex", "from_function": "Sales",
        ...      "to_function": "Operations", "artifacts": [{"kind": "sow",
        ...      "status": "sent"}]},
        ... ]
        >>> audit = gate.audit(records)
        >>> audit.passed, audit.failed, audit.invalid
        (1, 1, 1)
        >>> [failure.check for failure in audit[1].failures]
        ['scoping-document', 'signed-sow', 'success-criteria', 'owner']
        >>> for problem in audit[2].problems:
        ...     print(problem)
        [2].artifacts[0].status: Expected one of `draft`, `complete`, `signed`; got the text 'sent'

        Added in 0.1.
        """
        return audit_records(self, records)

    def _evaluate_each(self, package: HandoffPackage) -> GateResult:
        runners = self._runners
        outcomes: list[tuple[str, CheckOutcome]] | None = None
        for index, (name, run) in enumerate(runners):
            outcome = run(package)
            if outcomes is not None:
                outcomes.append((name, outcome))
            elif outcome is not PASS:
                # The first result that is not the shared pass: every earlier one was.
                outcomes = [(earlier, PASS) for earlier, _ in runners[:index]]
                outcomes.append((name, outcome))
        if outcomes is None:
            return self._all_pass
        return GateResult(self.name, tuple(outcomes))

    @cached_property
    def _runners(self) -> tuple[tuple[str, Check], ...]:
        runners: list[tuple[str, Check]] = []
        for named in self.checks:
            check = named.check
            if isinstance(check, OwnerAssigned):
                check = _with_org(check, self.org)
            elif not isinstance(check, BuiltinCheck):
                check = _custom(named.name, check)
            runners.append((named.name, check))
        return tuple(runners)

    @cached_property
    def _plan(self) -> FusedPlan | None:
        """What one pass over a package checks, for a gate of declarative built-ins."""
        return _fuse([c.check for c in self.checks], self.org)

    @cached_property
    def _fused(self) -> Callable[[HandoffPackage], bool] | None:
        """One pass over the package that says whether every built-in check passes.

        Only for gates made of the declarative built-ins; a ``False`` answer falls
        back to running each check, which also explains the failures.
        """
        plan = self._plan
        return None if plan is None else _fused_predicate(plan)

    @cached_property
    def _all_pass(self) -> GateResult:
        return GateResult(self.name, tuple((c.name, PASS) for c in self.checks), passed=True)
