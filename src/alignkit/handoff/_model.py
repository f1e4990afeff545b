"""The implementation of :mod:`alignkit.handoff`; import from ``alignkit.handoff``."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import statistics
import threading
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Final,
    Literal,
    Protocol,
    final,
    runtime_checkable,
)

import attrs
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    JsonValue,
    PlainSerializer,
    field_validator,
)

from alignkit._spec import PresetName, SpecModel, TupleOf, also_accepts, declared_twice
from alignkit.diagnostics import Diagnostic, Location
from alignkit.errors import (
    GateBlocked,
    PermissionDenied,
    Problem,
    SpecError,
    TransitionError,
    UnknownNameError,
)
from alignkit.handoff._rules import (
    DROP_UNKNOWN_CHECK,
    GATE_WITHOUT_CHECKS,
    OWNER_RULE_UNKNOWN_FUNCTION,
    UNKNOWN_ARTIFACT_KIND,
    UNKNOWN_HANDOFF_FUNCTION,
)
from alignkit.store import ConcurrencyError, MemoryStore, NewEvent, Store, StoredEvent, _brief

if TYPE_CHECKING:
    import logging

    from alignkit.org import Org

__all__ = [
    "DEFAULT_ARTIFACT_KINDS",
    # packages
    "Artifact",
    "ArtifactPresent",
    "ArtifactSigned",
    # checks
    "Check",
    "CheckOutcome",
    "CheckSpec",
    "CriteriaMeasurable",
    # the CRM trigger
    "DealEvent",
    "FieldPresent",
    "GateFailure",
    "GateResult",
    "GateSpec",
    # the lifecycle
    "Handoff",
    "HandoffDesk",
    "HandoffMetrics",
    "HandoffPackage",
    "HandoffState",
    "HandoffsSection",
    "NamedCheck",
    "Notifier",
    "OwnerAssigned",
    "OwnerRule",
    "OwnerRuleSpec",
    "QualityGate",
    "RedFlag",
    "SuccessCriterion",
    "mermaid_diagram",
]

DEFAULT_ARTIFACT_KINDS: Final = frozenset(
    {"scoping_document", "sow", "success_plan", "security_review", "technical_design"}
)
"""Artifact kinds known without declaring them in the alignment file."""

_STATUSES = Literal["draft", "complete", "signed"]


# -- packages ----------------------------------------------------------------------------


class Artifact(SpecModel):
    """A document in a handoff package: scoping document, SOW, success plan ...

    >>> Artifact("sow", status="signed", signed_by="Globex CFO").status
    'signed'

    Added in 0.1.
    """

    kind: str = Field(min_length=1, description="What it is: scoping_document, sow ...")
    name: str = Field(default="", description="Its title, for people.")
    location: str | None = Field(default=None, description="Where to find it (a URL).")
    status: _STATUSES = Field(default="draft", description="draft, complete or signed.")
    signed_by: str | None = Field(default=None, min_length=1, description="Who signed it.")
    signed_at: AwareDatetime | None = Field(default=None, description="When it was signed.")

    def __init__(
        self,
        kind: str,
        name: str = "",
        location: str | None = None,
        status: _STATUSES = "draft",
        signed_by: str | None = None,
        signed_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(
            kind=kind,
            name=name,
            location=location,
            status=status,
            signed_by=signed_by,
            signed_at=signed_at,
        )


class SuccessCriterion(SpecModel):
    """How the customer will judge success: a metric with a target, and maybe a date.

    Added in 0.1.
    """

    description: str = Field(min_length=1, description="The outcome, in words.")
    metric: str = Field(default="", description="What is measured.")
    target: float | int | str | None = Field(
        default=None, description="The value to reach (a number, or text such as '95%')."
    )
    due: dt.date | None = Field(default=None, description="When it should be reached.")

    def __init__(
        self,
        description: str,
        metric: str = "",
        target: float | str | None = None,
        due: dt.date | None = None,
    ) -> None:
        super().__init__(description=description, metric=metric, target=target, due=due)

    @field_validator("target", mode="before")
    @classmethod
    def _finite_or_stripped(cls, value: object) -> object:
        # "  " is no target at all; " 95% " is "95%"; NaN is no number to reach.
        if isinstance(value, float) and not math.isfinite(value):
            msg = f"A target must be a finite number, not {value}"
            raise ValueError(msg)
        return value.strip() if isinstance(value, str) else value

    @property
    def measurable(self) -> bool:
        """True when it names a metric and a target."""
        return bool(self.metric.strip()) and self.target not in (None, "")


_MAX_NESTING: Final = 100
"""How deeply a package's ``fields`` may nest lists and objects."""


def _frozen_json(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """A JSON value that cannot be changed: objects become read-only, arrays tuples."""
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{value} is not a JSON number"
        raise ValueError(msg)
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen_json(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen_json(item) for item in value)
    return value


def _thawed_json(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """The plain dicts and lists of a value made by :func:`_frozen_json`.

    Raises:
        ValueError: ``value`` nests deeper than 100 levels (or holds itself).
    """
    return _thaw(value, 0)


def _thaw(value: Any, depth: int) -> Any:  # noqa: ANN401 - any JSON value
    if depth > _MAX_NESTING:
        msg = f"Fields may nest lists and mappings at most {_MAX_NESTING} levels deep"
        raise ValueError(msg)
    if isinstance(value, Mapping):
        return {key: _thaw(item, depth + 1) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(item, depth + 1) for item in value]
    return value


class HandoffPackage(SpecModel):
    """What Sales hands to Operations for one deal.

    Immutable, ``fields`` included: a package that was checked stays as it was.

    Added in 0.1.
    """

    deal_id: str = Field(min_length=1)
    customer: str = Field(min_length=1)
    from_function: str = Field(min_length=1)
    to_function: str = Field(min_length=1)
    owner: str | None = Field(default=None, min_length=1)
    artifacts: TupleOf[Artifact] = ()
    success_criteria: TupleOf[SuccessCriterion] = ()
    fields: Annotated[
        Mapping[str, JsonValue],
        BeforeValidator(_thawed_json),
        AfterValidator(_frozen_json),
        PlainSerializer(_thawed_json),
    ] = Field(
        default_factory=dict,
        description="Anything else the receiving side needs (JSON values); read-only.",
    )

    def __init__(
        self,
        deal_id: str,
        customer: str,
        from_function: str,
        to_function: str,
        owner: str | None = None,
        artifacts: Sequence[Artifact | Mapping[str, Any]] = (),
        success_criteria: Sequence[SuccessCriterion | Mapping[str, Any]] = (),
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            deal_id=deal_id,
            customer=customer,
            from_function=from_function,
            to_function=to_function,
            owner=owner,
            artifacts=artifacts,
            success_criteria=success_criteria,
            fields=fields if fields is not None else {},
        )

    def __hash__(self) -> int:
        return hash(self.model_dump_json())

    def artifacts_of(self, kind: str) -> tuple[Artifact, ...]:
        """The artifacts of ``kind``."""
        return tuple(a for a in self.artifacts if a.kind == kind)


# -- checks and gates --------------------------------------------------------------------


@final
@attrs.frozen
class CheckOutcome:
    """What one check found: passed or not, why, and how to fix it.

    Added in 0.1.
    """

    passed: bool
    reason: str = ""
    fix: str = ""

    @classmethod
    def ok(cls) -> CheckOutcome:
        """A pass."""
        return _PASS

    @classmethod
    def fail(cls, reason: str, fix: str = "") -> CheckOutcome:
        """A failure with its reason and fix."""
        return cls(passed=False, reason=reason, fix=fix)


_PASS: Final = CheckOutcome(passed=True)

Check = Callable[[HandoffPackage], CheckOutcome]
"""A check is any callable from a package to an outcome (a ``bool`` is taken too)."""


class _BuiltinCheck(SpecModel):
    """What every declarative check has: the name its failures are reported under."""

    name: str | None = Field(
        default=None, min_length=1, description="The name failures are reported under."
    )


class ArtifactPresent(_BuiltinCheck):
    """An artifact of ``kind`` is present with one of ``statuses``.

    Added in 0.1.
    """

    check: Literal["artifact_present"] = "artifact_present"
    kind: str = Field(min_length=1)
    statuses: TupleOf[_STATUSES] = Field(default=("complete", "signed"), min_length=1)

    def __call__(self, package: HandoffPackage) -> CheckOutcome:
        """Run the check."""
        kind, statuses = self.kind, self.statuses
        for artifact in package.artifacts:  # the common case: pass at the first match
            if artifact.kind == kind and artifact.status in statuses:
                return _PASS
        found = package.artifacts_of(kind)
        wanted = " or ".join(self.statuses)
        if found:
            have = ", ".join(sorted({a.status for a in found}))
            return CheckOutcome.fail(
                f"The {self.kind} is {have}, not {wanted}", f"Finish the {self.kind}"
            )
        return CheckOutcome.fail(f"No {self.kind} in the package", f"Attach a {wanted} {self.kind}")


class ArtifactSigned(_BuiltinCheck):
    """An artifact of ``kind`` is signed, with who and when (optionally by a party, before a time).

    Added in 0.1.
    """

    check: Literal["artifact_signed"] = "artifact_signed"
    kind: str = Field(min_length=1)
    by: str | None = None
    before: AwareDatetime | None = None

    def __call__(self, package: HandoffPackage) -> CheckOutcome:
        """Run the check."""
        kind, by, before = self.kind, self.by, self.before
        if by is None and before is None:
            for artifact in package.artifacts:  # the common case: pass at the first match
                if (
                    artifact.kind == kind
                    and artifact.status == "signed"
                    and artifact.signed_by
                    and artifact.signed_at
                ):
                    return _PASS
        found = package.artifacts_of(kind)
        if not found:
            return CheckOutcome.fail(
                f"No {self.kind} in the package", f"Attach the signed {self.kind}"
            )
        for artifact in found:
            if artifact.status != "signed" or not artifact.signed_by or not artifact.signed_at:
                continue
            if self.by is not None and artifact.signed_by != self.by:
                continue
            if self.before is not None and artifact.signed_at >= self.before:
                continue
            return _PASS
        detail = f" by {self.by}" if self.by else ""
        detail += f" before {self.before.isoformat()}" if self.before else ""
        signed = [a for a in found if a.status == "signed" and a.signed_by and a.signed_at]
        if signed:
            seen = "; ".join(
                f"by {a.signed_by} at {a.signed_at.isoformat()}"
                for a in signed
                if a.signed_at is not None
            )
            return CheckOutcome.fail(
                f"The {self.kind} is signed ({seen}), but not{detail}",
                f"Get the {self.kind} signed{detail}",
            )
        return CheckOutcome.fail(
            f"The {self.kind} is not signed{detail} (status, signer and time are all needed)",
            f"Get the {self.kind} signed{detail} and record who signed it and when",
        )


class CriteriaMeasurable(_BuiltinCheck):
    """At least ``minimum`` customer success criteria, each with a metric and a target.

    Added in 0.1.
    """

    check: Literal["criteria_measurable"] = "criteria_measurable"
    minimum: int = Field(default=1, ge=1)

    def __call__(self, package: HandoffPackage) -> CheckOutcome:
        """Run the check."""
        needed = self.minimum
        for criterion in package.success_criteria:
            if criterion.measurable:
                needed -= 1
                if not needed:
                    return _PASS
        good = [c for c in package.success_criteria if c.measurable]
        vague = len(package.success_criteria) - len(good)
        reason = f"{len(good)} measurable customer success criteria, {self.minimum} needed"
        if vague:
            reason += f" ({vague} without a metric and target)"
        return CheckOutcome.fail(
            reason, "Agree with the customer what success is, as a metric and a target"
        )


class OwnerAssigned(_BuiltinCheck):
    """The package names a handoff owner (known to the org, when the desk has one).

    Added in 0.1.
    """

    check: Literal["owner_assigned"] = "owner_assigned"

    def __call__(self, package: HandoffPackage, org: Org | None = None) -> CheckOutcome:
        """Run the check."""
        if package.owner is None:
            return CheckOutcome.fail(
                "No handoff owner is named",
                "Name the person measured on this customer's activation",
            )
        if org is not None and org.get_person(package.owner) is None:
            return CheckOutcome.fail(
                f"The owner `{package.owner}` is not in the org", "Name someone in the org"
            )
        return _PASS


_MAX_PATTERN: Final = 1000
"""The longest ``pattern`` a ``field_present`` check takes, in characters."""


def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, or a ``ValueError`` that says why it cannot be.

    Python's ``re`` raises more than ``re.error``: ``OverflowError`` for a repeat
    such as ``a{4294967295}``, ``RecursionError`` for deeply nested groups. The
    warnings it gives for patterns that may mean something else in a later Python
    (``[[a]``, a possible nested set) are not errors, and would only point here.
    """
    if len(pattern) > _MAX_PATTERN:
        msg = f"A pattern may have at most {_MAX_PATTERN:,} characters, not {len(pattern):,}"
        raise ValueError(msg)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        msg = f"Not a valid regular expression ({str(error)[:120]})"
        raise ValueError(msg) from None


class FieldPresent(_BuiltinCheck):
    """A field of the package is present (and, with ``pattern``, matches it).

    ``pattern`` is a Python regular expression of at most 1,000 characters that the
    whole value (as text) must match; one that cannot be compiled is a
    :class:`~alignkit.errors.SpecError` at ``pattern``.

    >>> FieldPresent(field="crm_account", pattern="ACC-[0-9]{6}").check
    'field_present'
    >>> from alignkit.errors import SpecError
    >>> try:
    ...     FieldPresent(field="crm_account", pattern="a{4294967295}")
    ... except SpecError as error:
    ...     print(error)
    pattern: Not a valid regular expression (the repetition number is too large)

    Added in 0.1.
    """

    check: Literal["field_present"] = "field_present"
    field: str = Field(min_length=1)
    pattern: str | None = Field(
        default=None,
        description="A regular expression the whole value must match (at most 1,000 characters).",
    )

    @field_validator("pattern", mode="after")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            _compiled(value)
        return value

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        return None if self.pattern is None else _compiled(self.pattern)

    def __call__(self, package: HandoffPackage) -> CheckOutcome:
        """Run the check. Blank text and empty lists or objects count as missing."""
        value = package.fields.get(self.field)
        if value is None or (
            not value if isinstance(value, Mapping | tuple) else str(value).strip() == ""
        ):
            return CheckOutcome.fail(
                f"The field `{self.field}` is missing", f"Fill in `{self.field}`"
            )
        regex = self._regex
        if regex is not None and not regex.fullmatch(str(value)):
            return CheckOutcome.fail(
                f"The field `{self.field}` ({value!r}) does not match {self.pattern!r}",
                f"Correct `{self.field}`",
            )
        return _PASS


CheckSpec = ArtifactPresent | ArtifactSigned | CriteriaMeasurable | OwnerAssigned | FieldPresent
"""The declarative checks an alignment file can use."""


@final
@attrs.frozen
class NamedCheck:
    """A check with the name it is reported under.

    Added in 0.1.
    """

    name: str
    check: Check


@final
@attrs.frozen
class GateFailure:
    """One failed check of a gate: which, why, and how to fix it.

    Added in 0.1.
    """

    check: str
    reason: str
    fix: str


@final
class GateResult:
    """Every check's outcome: ``passed`` only when all passed. Immutable.

    For a gate of built-in checks, a failing result works out its reasons when they
    are first asked for (the package is immutable, so the answer is the same); bulk
    evaluations that only count passes never pay for the wording.

    Added in 0.1.
    """

    __slots__ = ("_explain", "_gate", "_outcomes", "_package", "_passed", "_runners")

    def __init__(
        self,
        gate: str,
        outcomes: Iterable[tuple[str, CheckOutcome]] | None = None,
        *,
        explain: Callable[[], tuple[tuple[str, CheckOutcome], ...]] | None = None,
        passed: bool | None = None,
    ) -> None:
        """A gate's result, from its outcomes (or a way to work them out)."""
        if outcomes is None and explain is None:
            msg = "GateResult needs outcomes"
            raise TypeError(msg)
        self._gate = gate
        self._outcomes = tuple(outcomes) if outcomes is not None else None
        self._explain = explain
        self._passed = passed
        self._runners: tuple[tuple[str, Check], ...] = ()
        self._package: HandoffPackage | None = None

    @classmethod
    def _failed(
        cls, gate: str, runners: tuple[tuple[str, Check], ...], package: HandoffPackage
    ) -> GateResult:
        """A failed result whose outcomes are worked out from ``runners`` when asked.

        Built without ``__init__``: this is the failure path of a bulk evaluation.
        """
        result = object.__new__(cls)
        result._gate = gate
        result._outcomes = None
        result._explain = None
        result._passed = False
        result._runners = runners
        result._package = package
        return result

    @property
    def gate(self) -> str:
        """The gate's name."""
        return self._gate

    @property
    def outcomes(self) -> tuple[tuple[str, CheckOutcome], ...]:
        """Each check's name and outcome, in gate order."""
        if self._outcomes is None:
            if self._explain is not None:
                self._outcomes = self._explain()
            else:
                assert self._package is not None  # noqa: S101 - set by _failed
                self._outcomes = _explain(self._runners, self._package)
            self._explain = None
            self._package = None
        return self._outcomes

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        if self._passed is None:
            self._passed = all(outcome.passed for _, outcome in self.outcomes)
        return self._passed

    @property
    def failures(self) -> tuple[GateFailure, ...]:
        """The failed checks, in gate order."""
        return tuple(
            GateFailure(name, outcome.reason, outcome.fix)
            for name, outcome in self.outcomes
            if not outcome.passed
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GateResult):
            return NotImplemented
        return (self.gate, self.outcomes) == (other.gate, other.outcomes)

    def __hash__(self) -> int:
        return hash((self.gate, self.outcomes))

    def __repr__(self) -> str:
        return f"GateResult({self.gate!r}, {self.outcomes!r})"

    def __str__(self) -> str:
        if self.passed:
            return f"Gate {self.gate}: passed"
        lines = [f"Gate {self.gate}: {len(self.failures)} failed"]
        lines += [f"  {f.check}: {f.reason} (fix: {f.fix})" for f in self.failures]
        return "\n".join(lines)


_failed_result: Final = GateResult._failed  # noqa: SLF001 - the gate's fast path


def _explain(
    runners: tuple[tuple[str, Check], ...], package: HandoffPackage
) -> tuple[tuple[str, CheckOutcome], ...]:
    return tuple((name, run(package)) for name, run in runners)


def _custom(name: str, check: Check) -> Check:
    """A callable check whose answer is made a :class:`CheckOutcome` (``bool`` allowed)."""

    def run(package: HandoffPackage) -> CheckOutcome:
        outcome: object = check(package)
        if isinstance(outcome, CheckOutcome):
            return outcome
        if isinstance(outcome, bool):
            return _PASS if outcome else CheckOutcome.fail(f"Check {name} failed")
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


def _fuse(checks: Sequence[Check], org: Org | None) -> Callable[[HandoffPackage], bool] | None:
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
    # Each required artifact condition is one bit; a package passes when all are set.
    # One table lookup per artifact: kind -> (statuses it must have, bit, signed bit).
    rules: dict[str, tuple[frozenset[str], int, int]] = {}
    bit = 1
    for kind in {*present, *signed}:
        present_bit = signed_bit = 0
        if kind in present:
            present_bit, bit = bit, bit << 1
        if kind in signed:
            signed_bit, bit = bit, bit << 1
        rules[kind] = (present.get(kind, frozenset()), present_bit, signed_bit)
    return _fused_predicate(rules, bit - 1, criteria, owner, org)


def _fused_predicate(
    rules: Mapping[str, tuple[frozenset[str], int, int]],
    wanted: int,
    criteria: int,
    owner: bool,
    org: Org | None,
) -> Callable[[HandoffPackage], bool]:
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

    def _evaluate_each(self, package: HandoffPackage) -> GateResult:
        runners = self._runners
        outcomes: list[tuple[str, CheckOutcome]] | None = None
        for index, (name, run) in enumerate(runners):
            outcome = run(package)
            if outcomes is not None:
                outcomes.append((name, outcome))
            elif outcome is not _PASS:
                # The first result that is not the shared pass: every earlier one was.
                outcomes = [(earlier, _PASS) for earlier, _ in runners[:index]]
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
            elif not isinstance(check, _BuiltinCheck):
                check = _custom(named.name, check)
            runners.append((named.name, check))
        return tuple(runners)

    @cached_property
    def _fused(self) -> Callable[[HandoffPackage], bool] | None:
        """One pass over the package that says whether every built-in check passes.

        Only for gates made of the declarative built-ins; a ``False`` answer falls
        back to running each check, which also explains the failures.
        """
        return _fuse([c.check for c in self.checks], self.org)

    @cached_property
    def _all_pass(self) -> GateResult:
        return GateResult(self.name, tuple((c.name, _PASS) for c in self.checks), passed=True)


# -- the CRM trigger ---------------------------------------------------------------------

_STAGE_ALIASES: Final = {
    "closedwon": "Closed-Won",
    "closed won": "Closed-Won",
    "closed-won": "Closed-Won",
    "closedlost": "Closed-Lost",
    "closed lost": "Closed-Lost",
    "closed-lost": "Closed-Lost",
}


def _require_text(value: object, path: tuple[str, ...]) -> str:
    """``value`` as non-blank text, else a SpecError placed at ``path``."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError.single(
            f"`{path[-1]}` must be non-empty text, got {_brief(value)}", Location(path=path)
        )
    return value


def _require_aware(value: object, path: tuple[str, ...]) -> dt.datetime:
    """``value`` as a timezone-aware datetime, else a SpecError placed at ``path``."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise SpecError.single(
            f"`{path[-1]}` must be a timezone-aware datetime, got {_brief(value)}",
            Location(path=path),
        )
    return value


def _stage(value: str) -> str:
    stage = _require_text(value, ("stage",)).strip()
    return _STAGE_ALIASES.get(stage.lower(), stage)


def _object(payload: object, where: str) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        hint = (
            "; the webhook body is a list of events: read each one"
            if isinstance(payload, list)
            else ""
        )
        raise SpecError.single(
            f"The {where} must be a JSON object, got {type(payload).__name__}{hint}"
        )
    return payload


def _need(
    payload: Mapping[str, Any],
    key: str,
    where: str,
    prefix: tuple[str, ...] = (),
) -> Any:  # noqa: ANN401 - JSON
    value = payload.get(key)
    if value is None or (isinstance(value, str) and value == ""):
        raise SpecError.single(f"The {where} has no `{key}`", Location(path=(*prefix, key)))
    return value


def _named(value: object, *, quote: bool = True) -> str:
    """A name from a payload as is (in backticks) when it is short, printable text."""
    if isinstance(value, str) and len(value) <= 60 and value.isprintable():  # noqa: PLR2004
        return f"`{value}`" if quote else value
    return _brief(value)


_MAX_DIGITS: Final = 20
"""The most digits a CRM number (an id, a time in milliseconds, a sequence) may have."""

_MAX_ID_LENGTH: Final = 255
"""The longest CRM id read as text (Salesforce ids have 18 characters)."""


def _whole(value: object) -> int | None:
    """``value`` as a whole number from 0 of at most 20 digits, or ``None``.

    Numbers come as JSON integers or as text of ASCII digits (``str.isdecimal`` alone
    also takes ``"١٢"``; ``str.isdigit`` takes ``"²"``, which ``int`` refuses).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**_MAX_DIGITS else None
    if isinstance(value, str):
        digits = value.strip()
        if 0 < len(digits) <= _MAX_DIGITS and digits.isascii() and digits.isdecimal():
            return int(digits)
    return None


def _number(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> int:
    """A whole number from 0 (a JSON integer, or text of ASCII digits)."""
    value = _need(payload, key, where, prefix)
    number = _whole(value)
    if number is None:
        raise SpecError.single(
            f"`{key}` must be a whole number from 0 of at most {_MAX_DIGITS} digits, "
            f"got {_brief(value)}",
            Location(path=(*prefix, key)),
        )
    return number


def _identifier(value: object) -> str | None:
    """A CRM id as text: a whole number, or printable ASCII of at most 255 characters."""
    number = _whole(value) if not isinstance(value, str) else None
    if number is not None:
        return str(number)
    if isinstance(value, str):
        text = value.strip()
        if 0 < len(text) <= _MAX_ID_LENGTH and text.isascii() and text.isprintable():
            return text
    return None


def _id(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> str:
    """An id: a whole number (as CRMs send them), or printable ASCII text."""
    value = _need(payload, key, where, prefix)
    found = _identifier(value)
    if found is None:
        raise SpecError.single(
            f"`{key}` must be an id (a whole number, or printable ASCII text of at most "
            f"{_MAX_ID_LENGTH} characters), got {_brief(value)}",
            Location(path=(*prefix, key)),
        )
    return found


def _text(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> str:
    """A non-blank string (or a whole number, as CRMs send some stage ids)."""
    value = _need(payload, key, where, prefix)
    number = _whole(value) if not isinstance(value, str) else None
    if number is not None:
        return str(number)
    return _require_text(value, (*prefix, key)).strip()


def _millis(
    payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()
) -> dt.datetime:
    """A time sent as milliseconds since the epoch (a whole number, or a finite float)."""
    value = _need(payload, key, where, prefix)
    problem = SpecError.single(
        f"`{key}` is not a time in milliseconds since 1970: {_brief(value)}",
        Location(path=(*prefix, key)),
    )
    millis: float | None = _whole(value)
    if millis is None and isinstance(value, float) and math.isfinite(value) and value >= 0:
        millis = value
    if millis is None:
        raise problem
    try:
        return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):  # past the year 9999
        raise problem from None


def _aware_time(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _require_aware(value, (attribute.name,))


def _nonblank(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _require_text(value, (attribute.name,))


def _mapping(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise SpecError.single(
            f"{attribute.name} must be a mapping, got {type(value).__name__}",
            Location(path=(attribute.name,)),
        )


_HEADER: Final = ("ChangeEventHeader",)


@final
@attrs.frozen
class DealEvent:
    """A CRM deal changed stage.

    Stages are normalised: ``closedwon``, ``Closed Won`` and ``Closed-Won`` are all
    ``"Closed-Won"`` (likewise Closed-Lost).

    Added in 0.1.
    """

    event_id: str = attrs.field(validator=_nonblank)
    deal_id: str = attrs.field(validator=_nonblank)
    stage: str = attrs.field(converter=_stage)
    occurred_at: dt.datetime = attrs.field(validator=_aware_time)
    payload: Mapping[str, Any] = attrs.field(factory=dict, validator=_mapping)

    @classmethod
    def from_hubspot(cls, payload: Mapping[str, Any]) -> DealEvent:
        """Read a HubSpot ``deal.propertyChange`` webhook event on ``dealstage``.

        Uses ``eventId``, ``objectId`` (the deal), ``propertyValue`` (``closedwon``)
        and ``occurredAt`` (milliseconds since the epoch). HubSpot posts a list of
        such events; :meth:`all_from_hubspot` reads the whole body.

        Raises:
            SpecError: A field is missing or of the wrong type, or the event is not a
                ``dealstage`` change.
        """
        where = "HubSpot event"
        payload = _object(payload, where)
        name = _need(payload, "propertyName", where)
        if name != "dealstage":
            raise SpecError.single(
                f"The HubSpot event changes {_named(name)}, not `dealstage`",
                Location(path=("propertyName",)),
            )
        return cls(
            _id(payload, "eventId", where),
            _id(payload, "objectId", where),
            _text(payload, "propertyValue", where),
            _millis(payload, "occurredAt", where),
            dict(payload),
        )

    @classmethod
    def all_from_hubspot(cls, body: Sequence[Mapping[str, Any]]) -> list[DealEvent]:
        """Every ``dealstage`` change in a HubSpot webhook body (a list of events).

        Events about other properties are left out; a malformed one is an error.

        Raises:
            SpecError: The body is not a list, or an event is malformed (its
                index is part of the location).
        """
        if not isinstance(body, list):
            raise SpecError.single(
                f"A HubSpot webhook body is a list of events, got {type(body).__name__}"
            )
        events = []
        for index, item in enumerate(body):
            if isinstance(item, Mapping) and item.get("propertyName") != "dealstage":
                continue
            try:
                events.append(cls.from_hubspot(item))
            except SpecError as error:
                raise SpecError(
                    [
                        Problem(p.message, attrs.evolve(p.location, path=(index, *p.location.path)))
                        for p in error.problems
                    ]
                ) from None
        return events

    @classmethod
    def from_salesforce(cls, payload: Mapping[str, Any]) -> DealEvent:
        """Read a Salesforce Opportunity change event (Change Data Capture).

        Accepts the event (``{"schema", "payload", "event"}``), its ``payload``, or a
        CometD message (``{"channel", "data"}``); uses ``ChangeEventHeader``
        (``recordIds``, ``commitTimestamp``, ``transactionKey`` and ``sequenceNumber``)
        and ``StageName`` (``Closed Won``). One change event may name several
        Opportunities; :meth:`all_from_salesforce` reads them all, and skips changes
        that are not stage changes.

        Raises:
            SpecError: A field is missing or of the wrong type, the event is not about
                an Opportunity or is no stage change, or it names more than one.
        """
        events = cls.all_from_salesforce(payload)
        if not events:
            raise SpecError.single(
                "The change event has no `StageName`: it is not a stage change",
                Location(path=("StageName",)),
            )
        if len(events) > 1:
            raise SpecError.single(
                f"The change event names {len(events)} Opportunities; read them all with "
                "DealEvent.all_from_salesforce",
                Location(path=(*_HEADER, "recordIds")),
            )
        return events[0]

    @classmethod
    def all_from_salesforce(cls, payload: Mapping[str, Any]) -> list[DealEvent]:
        """One event per Opportunity that a Salesforce change event names.

        Reads the same fields as :meth:`from_salesforce`. The event id is
        ``transactionKey:sequenceNumber``, followed by ``:recordId`` when the change
        event names several Opportunities. A change that is not a stage change (no
        ``StageName``, a delete, a gap event) gives no events; a malformed one is
        an error.

        Raises:
            SpecError: As :meth:`from_salesforce`, but several Opportunities are fine.
        """
        where = "Salesforce change event"
        payload = _object(payload, where)
        if "channel" in payload and "data" in payload:  # a CometD message
            payload = _object(payload["data"], where)
        body = _object(payload.get("payload", payload), where)
        header = _object(_need(body, "ChangeEventHeader", where), "ChangeEventHeader")
        entity = _need(header, "entityName", "ChangeEventHeader", _HEADER)
        if entity != "Opportunity":
            raise SpecError.single(
                f"The Salesforce event is about {_named(entity, quote=False)}, not an Opportunity",
                Location(path=(*_HEADER, "entityName")),
            )
        records = _need(header, "recordIds", "ChangeEventHeader", _HEADER)
        ids = (
            [_identifier(r) if isinstance(r, str) else None for r in records]
            if isinstance(records, list)
            else []
        )
        if not ids or None in ids:
            raise SpecError.single(
                "`recordIds` must list Opportunity ids (printable ASCII text of at most "
                f"{_MAX_ID_LENGTH} characters), got {_brief(records)}",
                Location(path=(*_HEADER, "recordIds")),
            )
        occurred = _millis(header, "commitTimestamp", "ChangeEventHeader", _HEADER)
        key = _id(header, "transactionKey", "ChangeEventHeader", _HEADER)
        sequence = _number(header, "sequenceNumber", "ChangeEventHeader", _HEADER)
        change = header.get("changeType")
        if body.get("StageName") is None or (
            isinstance(change, str) and (change == "DELETE" or change.startswith("GAP"))
        ):
            return []  # not a stage change
        stage = _text(body, "StageName", where)
        event_id = f"{key}:{sequence}"
        return [
            cls(
                event_id if len(ids) == 1 else f"{event_id}:{record}",
                record,
                stage,
                occurred,
                dict(body),
            )
            for record in ids
            if record is not None
        ]


# -- the lifecycle -----------------------------------------------------------------------


class HandoffState(enum.Enum):
    """Where a handoff is in its lifecycle.

    Added in 0.1.
    """

    OPEN = "open"
    SUBMITTED = "submitted"
    FLAGGED = "flagged"
    ACCEPTED = "accepted"
    ACTIVATED = "activated"
    CHURNED = "churned"
    WITHDRAWN = "withdrawn"


_S = HandoffState
# move -> states it is allowed from -> state it leads to (None: stays)
_MOVES: Final[dict[str, tuple[frozenset[HandoffState], HandoffState | None]]] = {
    "submit": (frozenset({_S.OPEN, _S.SUBMITTED, _S.FLAGGED}), _S.SUBMITTED),
    "flag": (frozenset({_S.SUBMITTED, _S.FLAGGED}), _S.FLAGGED),
    "resolve": (frozenset({_S.FLAGGED}), None),
    "accept": (frozenset({_S.SUBMITTED}), _S.ACCEPTED),
    "activate": (frozenset({_S.ACCEPTED}), _S.ACTIVATED),
    "churn": (frozenset({_S.ACCEPTED}), _S.CHURNED),
    "withdraw": (frozenset({_S.OPEN, _S.SUBMITTED, _S.FLAGGED}), _S.WITHDRAWN),
    "reassign": (frozenset({_S.OPEN, _S.SUBMITTED, _S.FLAGGED}), None),
}
_BLOCKED_BY_FLAGS: Final = frozenset({"submit", "accept"})
_NEEDS_OPEN_FLAGS: Final = frozenset({"resolve"})
_RECEIVING_MOVES: Final = frozenset({"flag", "resolve", "accept", "activate", "churn"})
_SENDING_MOVES: Final = frozenset({"submit", "withdraw", "reassign"})


def _allowed(state: HandoffState) -> tuple[str, ...]:
    return tuple(move for move, (sources, _) in _MOVES.items() if state in sources)


def mermaid_diagram() -> str:
    """The handoff lifecycle as a Mermaid state diagram (for docs).

    >>> print(mermaid_diagram().splitlines()[0])
    stateDiagram-v2

    Added in 0.1.
    """
    lines = ["stateDiagram-v2", "    [*] --> OPEN: deal reaches Closed-Won"]
    order = list(HandoffState)
    for move, (sources, target) in _MOVES.items():
        lines.extend(
            f"    {source.name} --> {(target or source).name}: {move}"
            for source in sorted(sources, key=order.index)
        )
    lines += [
        "    ACTIVATED --> [*]",
        "    CHURNED --> [*]",
        "    WITHDRAWN --> OPEN: deal returns to Closed-Won",
    ]
    return "\n".join(lines)


@final
@attrs.frozen
class RedFlag:
    """A blame-free red flag: what is missing or unclear, never whose fault it is.

    Added in 0.1.
    """

    flag_id: str
    reason: str
    category: str
    raised_by: str
    raised_at: dt.datetime
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        """True until resolved."""
        return self.resolved_at is None


@final
@attrs.frozen
class Handoff:
    """A handoff's state, folded from its events. Immutable.

    Attributes:
        deal_id: The CRM deal.
        state: Where it is in the lifecycle.
        owner: The person measured on the customer's activation.
        package: The package last submitted.
        flags: Every red flag, open or resolved.
        history: Every event, in order.
        won_at: When the deal (last) reached the trigger stage.
        accepted_at: When the receiving side accepted it.
        activated_at: When the customer was recorded as activated.

    Added in 0.1.
    """

    deal_id: str
    state: HandoffState = HandoffState.OPEN
    owner: str | None = None
    customer: str | None = None
    package: HandoffPackage | None = None
    flags: tuple[RedFlag, ...] = ()
    history: tuple[StoredEvent, ...] = ()
    won_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    activated_at: dt.datetime | None = None
    last_deal_event_at: dt.datetime | None = None
    last_stage: str | None = None

    @property
    def open_flags(self) -> tuple[RedFlag, ...]:
        """The flags not yet resolved."""
        return tuple(f for f in self.flags if f.open)

    @property
    def version(self) -> int:
        """The number of events folded into it."""
        return len(self.history)

    def allowed_moves(self) -> tuple[str, ...]:
        """The moves people may make now.

        While a red flag is open, neither submit nor accept; resolve only then. A
        withdrawn handoff has none: the CRM reopens it when the deal reaches the
        trigger stage again.
        """
        allowed = _allowed(self.state)
        barred = _BLOCKED_BY_FLAGS if self.open_flags else _NEEDS_OPEN_FLAGS
        return tuple(move for move in allowed if move not in barred)

    @property
    def last_event_at(self) -> dt.datetime | None:
        """When the latest event happened (people's moves may not be dated earlier)."""
        return max((event.at for event in self.history), default=None)


def _fold_deal_stage(
    handoff: Handoff | None,
    event: StoredEvent,
    trigger: str,
    prior: tuple[StoredEvent, ...],
) -> Handoff | None:
    """A CRM stage change: opens, withdraws or reopens; an older one changes nothing."""
    data = event.data
    occurred = dt.datetime.fromisoformat(data["occurred_at"])
    latest = handoff.last_deal_event_at if handoff is not None else _latest_deal_event(prior)
    if latest is not None and occurred < latest:
        # Out of order: recorded, never applied.
        if handoff is None:
            return None
        return attrs.evolve(handoff, history=(*handoff.history, event))
    stage = data["stage"]
    if handoff is None or handoff.state is HandoffState.WITHDRAWN:
        if stage != trigger:
            if handoff is None:
                return None
            return attrs.evolve(
                handoff,
                history=(*handoff.history, event),
                last_deal_event_at=occurred,
                last_stage=stage,
            )
        # Reopened: a new cycle (package and flags start afresh), the same people.
        return Handoff(
            deal_id=event.stream,
            state=HandoffState.OPEN,
            owner=data.get("owner") or (handoff.owner if handoff else None),
            customer=data.get("customer") or (handoff.customer if handoff else None),
            history=(*(handoff.history if handoff else prior), event),
            won_at=occurred,
            last_deal_event_at=occurred,
            last_stage=stage,
        )
    changes: dict[str, Any] = {"last_deal_event_at": occurred, "last_stage": stage}
    before_acceptance = handoff.state in (
        HandoffState.OPEN,
        HandoffState.SUBMITTED,
        HandoffState.FLAGGED,
    )
    if stage != trigger and before_acceptance:
        changes["state"] = HandoffState.WITHDRAWN
    return attrs.evolve(handoff, history=(*handoff.history, event), **changes)


def _fold(  # noqa: PLR0911 - one branch per event kind
    handoff: Handoff | None,
    event: StoredEvent,
    trigger: str,
    prior: tuple[StoredEvent, ...] = (),
) -> Handoff | None:
    """Apply one stored event; events are trusted (the desk checked them)."""
    data = event.data
    if event.kind == "deal_stage":
        return _fold_deal_stage(handoff, event, trigger, prior)
    if handoff is None:  # pragma: no cover - the desk never writes this
        msg = f"Event {event.kind} before the handoff was opened"
        raise TransitionError(msg)
    history = (*handoff.history, event)
    if event.kind == "submitted":
        package = HandoffPackage.model_validate(data["package"])
        return attrs.evolve(
            handoff,
            state=HandoffState.SUBMITTED,
            package=package,
            owner=handoff.owner if handoff.owner is not None else package.owner,
            history=history,
        )
    if event.kind == "flagged":
        flag = RedFlag(data["flag_id"], data["reason"], data["category"], event.actor, event.at)
        return attrs.evolve(
            handoff, state=HandoffState.FLAGGED, flags=(*handoff.flags, flag), history=history
        )
    if event.kind == "resolved":
        flags = tuple(
            attrs.evolve(f, resolved_by=event.actor, resolved_at=event.at)
            if f.flag_id == data["flag_id"]
            else f
            for f in handoff.flags
        )
        return attrs.evolve(handoff, flags=flags, history=history)
    if event.kind == "accepted":
        return attrs.evolve(
            handoff, state=HandoffState.ACCEPTED, accepted_at=event.at, history=history
        )
    if event.kind == "activated":
        return attrs.evolve(
            handoff, state=HandoffState.ACTIVATED, activated_at=event.at, history=history
        )
    if event.kind == "churned":
        return attrs.evolve(handoff, state=HandoffState.CHURNED, history=history)
    if event.kind == "withdrawn":
        return attrs.evolve(handoff, state=HandoffState.WITHDRAWN, history=history)
    if event.kind == "reassigned":
        return attrs.evolve(handoff, owner=data["owner"], history=history)
    msg = f"Unknown event kind {event.kind!r}"  # pragma: no cover - a foreign store
    raise TransitionError(msg)  # pragma: no cover


def _latest_deal_event(events: Iterable[StoredEvent]) -> dt.datetime | None:
    """When the newest CRM event among ``events`` happened."""
    return max(
        (
            dt.datetime.fromisoformat(e.data["occurred_at"])
            for e in events
            if e.kind == "deal_stage"
        ),
        default=None,
    )


# -- the desk ----------------------------------------------------------------------------


@runtime_checkable
class Notifier(Protocol):
    """Tells the receiving side that a handoff needs them.

    Added in 0.1.
    """

    def notify(self, handoff: Handoff, what: str) -> None:
        """Called after ``what`` (``"opened"``, ``"submitted"``, ``"flagged"`` ...) happened.

        A resubmitted package is ``"submitted"`` again.
        """


OwnerRule = Callable[[DealEvent, "Org"], "str | None"]
"""Chooses the handoff owner for a deal that just turned Closed-Won."""


def _payload_owner(event: DealEvent) -> str | None:
    """The deal's owner as the CRM payload names it (``owner`` or ``hubspot_owner_id``)."""
    owner = event.payload.get("owner") or event.payload.get("hubspot_owner_id")
    return owner if isinstance(owner, str) else None


def _deal_owner(event: DealEvent, org: Org) -> str | None:
    owner = _payload_owner(event)
    if owner is not None and org.get_person(owner) is not None:
        return owner
    return None


@final
@attrs.frozen
class HandoffMetrics:
    """How handoffs went, overall or for one owner.

    Attributes:
        opened: Handoffs opened.
        accepted: Handoffs accepted (activated and churned ones included).
        activated: Customers recorded as activated.
        flagged: Handoffs that had at least one red flag.
        flag_rate: ``flagged / opened``.
        median_time_to_accept: From Closed-Won to acceptance.
        activation_rate: ``activated / accepted``; the owner is measured on this.

    Added in 0.1.
    """

    opened: int
    accepted: int
    activated: int
    flagged: int
    median_time_to_accept: dt.timedelta | None

    @property
    def flag_rate(self) -> float:
        """Share of opened handoffs that were flagged."""
        return self.flagged / self.opened if self.opened else 0.0

    @property
    def activation_rate(self) -> float:
        """Share of accepted handoffs whose customer was activated."""
        return self.activated / self.accepted if self.accepted else 0.0


_ACCEPTED_STATES: Final = frozenset(
    {HandoffState.ACCEPTED, HandoffState.ACTIVATED, HandoffState.CHURNED}
)


def _metrics(handoffs: Iterable[Handoff]) -> HandoffMetrics:
    items = list(handoffs)
    waits = [h.accepted_at - h.won_at for h in items if h.accepted_at is not None and h.won_at]
    return HandoffMetrics(
        opened=len(items),
        accepted=sum(h.state in _ACCEPTED_STATES for h in items),
        activated=sum(h.state is HandoffState.ACTIVATED for h in items),
        # From the history, so flags raised before a withdrawal and reopening count.
        flagged=sum(any(e.kind == "flagged" for e in h.history) for h in items),
        median_time_to_accept=(
            dt.timedelta(seconds=statistics.median(w.total_seconds() for w in waits))
            if waits
            else None
        ),
    )


class HandoffDesk:
    """The service that runs handoffs: fed by CRM events, driven by people.

    Args:
        org: Who is in the sending and receiving functions.
        sending: The function that hands over (Sales).
        receiving: The function that takes over (Operations).
        gate: What a package must pass to be accepted (the MVH by default).
        store: Where events are kept; ``None`` keeps them in memory.
        trigger_stage: The deal stage that opens a handoff. Moving out of it before
            acceptance (to Closed-Lost, or back to any earlier stage) withdraws the
            handoff.
        owner_rule: Chooses the owner; by default the payload's ``owner`` (or
            ``hubspot_owner_id``) if that person is in the org. A rule that names
            someone outside the org, or in the receiving function, leaves the
            handoff without an owner (logged) until it is reassigned.
        notifier: Tells the receiving side about new work. A notifier that fails is
            logged (logger ``alignkit.handoff``); the move it reports on stands.

    Raises:
        UnknownNameError: ``sending`` or ``receiving`` is not a function of ``org``.

    Building a desk on a store that already holds events replays them: the desk
    comes back in the state it was left in. Several desks (replicas of one service)
    may share a store: a desk that acts on a stale view of a deal gets
    :class:`~alignkit.store.ConcurrencyError`, catches up with that deal, and the
    caller can try again; CRM events are retried automatically.

    Sales can read the gate's verdict on what it submitted with :meth:`gate_result`,
    and submit a new package in its place until Operations accepts:

    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("Sales", "ae-1"), Function("Operations", "onb-1")],
    ...     people=[Person("ae-1", "Lee Park", "Sales"), Person("onb-1", "Ana Ruiz", "Operations")],
    ... )
    >>> import datetime as dt
    >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    >>> desk = HandoffDesk(org)
    >>> desk.receive(DealEvent("e1", "D-1", "Closed-Won", at, {"owner": "ae-1"})).state.name
    'OPEN'
    >>> draft = HandoffPackage("D-1", "Globex", "Sales", "Operations", owner="ae-1")
    >>> print(desk.gate_result("D-1"))  # nothing submitted yet
    None
    >>> desk.submit("D-1", draft, "ae-1", at).state.name
    'SUBMITTED'
    >>> [failure.check for failure in desk.gate_result("D-1").failures]
    ['scoping-document', 'signed-sow', 'success-criteria']
    >>> complete = HandoffPackage(
    ...     "D-1",
    ...     "Globex",
    ...     "Sales",
    ...     "Operations",
    ...     owner="ae-1",
    ...     artifacts=[
    ...         Artifact("scoping_document", status="complete"),
    ...         Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=at),
    ...     ],
    ...     success_criteria=[SuccessCriterion("Weekly active users", "wau", 200)],
    ... )
    >>> desk.submit("D-1", complete, "ae-1", at).package == complete
    True
    >>> desk.gate_result("D-1").passed
    True
    >>> desk.accept("D-1", "onb-1", at).state.name
    'ACCEPTED'

    Added in 0.1.
    """

    def __init__(
        self,
        org: Org,
        *,
        sending: str = "Sales",
        receiving: str = "Operations",
        gate: QualityGate | None = None,
        store: Store | None = None,
        trigger_stage: str = "Closed-Won",
        owner_rule: OwnerRule | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        """Build the desk and replay whatever the store holds."""
        if gate is not None and not isinstance(gate, QualityGate):
            raise SpecError.single(
                f"gate must be a QualityGate, got {type(gate).__name__}", Location(path=("gate",))
            )
        for role, function in (("sending", sending), ("receiving", receiving)):
            if org.get_function(function) is None:
                raise UnknownNameError.for_name(f"{role} function", function, org.function_names)
        self.org = org
        self.sending = sending
        self.receiving = receiving
        self.gate = (gate or QualityGate.minimum_viable()).bound(org)
        self.store: Store = store if store is not None else MemoryStore()
        self.trigger_stage = _stage(trigger_stage)
        self.owner_rule: OwnerRule = owner_rule or _deal_owner
        self.notifier = notifier
        self._handoffs: dict[str, Handoff] = {}
        self._tombstones: dict[str, tuple[StoredEvent, ...]] = {}
        self._opened: dict[str, int] = {}  # deal -> store position of its opening event
        self._lock = threading.RLock()
        self.replay()

    # -- reading ----------------------------------------------------------------------

    def replay(self) -> None:
        """Rebuild every handoff from the store (what a restarted service does)."""
        with self._lock:
            states: dict[str, Handoff | None] = {}
            history: dict[str, list[StoredEvent]] = {}
            opened: dict[str, int] = {}  # handoffs in the order they were first opened
            for event in self.store.read_all():
                prior = tuple(history.setdefault(event.stream, []))
                history[event.stream].append(event)
                before = states.get(event.stream)
                states[event.stream] = _fold(before, event, self.trigger_stage, prior)
                if before is None and states[event.stream] is not None:
                    opened.setdefault(event.stream, event.position)
            self._opened = opened
            self._handoffs = {k: v for k in opened if (v := states[k]) is not None}
            self._tombstones = {k: tuple(history[k]) for k, v in states.items() if v is None}

    def get(self, deal_id: str) -> Handoff:
        """The handoff of ``deal_id``.

        Raises:
            UnknownNameError: No handoff was opened for that deal.
        """
        found = self._handoffs.get(deal_id)
        if found is None:
            with self._lock:  # another desk on the same store may have opened it
                self._catch_up(deal_id)
                found = self._handoffs.get(deal_id)
            if found is None:
                raise UnknownNameError.for_name("deal", deal_id, self._handoffs)
        return found

    def handoffs(self) -> tuple[Handoff, ...]:
        """Every handoff this desk knows, in the order they were opened.

        A desk learns of handoffs other desks open on a shared store when it touches
        their deal; :meth:`replay` brings the whole list up to date.
        """
        with self._lock:
            return tuple(self._handoffs.values())

    def metrics(self, *, owner: str | None = None) -> HandoffMetrics:
        """Opened, accepted, flag rate, median time to acceptance, activation rate.

        Args:
            owner: Only this owner's handoffs; ``None`` (the default) means all.
        """
        return _metrics(h for h in self.handoffs() if owner is None or h.owner == owner)

    def metrics_by_owner(self) -> dict[str | None, HandoffMetrics]:
        """:meth:`metrics` for each owner (``None`` for handoffs without one)."""
        handoffs = self.handoffs()
        owners = dict.fromkeys(h.owner for h in handoffs)
        return {o: _metrics(h for h in handoffs if h.owner == o) for o in owners}

    # -- the CRM side -----------------------------------------------------------------

    def receive(self, event: DealEvent) -> Handoff | None:
        """Apply a CRM deal event; returns the deal's handoff, if it has one.

        Idempotent by ``event_id`` (webhooks arrive at least once), and an event older
        than the newest one applied for the deal is recorded but changes nothing, even
        before the deal has a handoff.
        """
        if not isinstance(event, DealEvent):
            raise SpecError.single(
                f"receive takes a DealEvent, got {type(event).__name__}",
                Location(path=("event",)),
            )
        with self._lock:
            for _ in range(_CRM_ATTEMPTS - 1):
                try:
                    return self._receive(event)
                except ConcurrencyError:
                    continue  # another desk wrote to this deal first; _append caught up
            return self._receive(event)

    def _receive(self, event: DealEvent) -> Handoff | None:
        before = self._handoffs.get(event.deal_id)
        opening = event.stage == self.trigger_stage and (
            before is None or before.state is HandoffState.WITHDRAWN
        )
        data: dict[str, Any] = {
            "stage": event.stage,
            "occurred_at": event.occurred_at.isoformat(),
        }
        if opening:
            data["owner"] = self._rule_owner(event)
            customer = event.payload.get("customer") or event.payload.get("dealname")
            if isinstance(customer, str) and customer.strip():
                data["customer"] = customer
        # HubSpot does not promise unique event ids across deals; per deal they are.
        stored = NewEvent(
            f"crm:{event.deal_id}:{event.event_id}", "deal_stage", "crm", event.occurred_at, data
        )
        self._append(event.deal_id, stored)
        after = self._handoffs.get(event.deal_id)
        if after is not None and before is not after:
            if after.state is HandoffState.OPEN and (
                before is None or before.state is not HandoffState.OPEN
            ):
                self._notify(after, "opened")
            elif after.state is HandoffState.WITHDRAWN and (
                before is not None and before.state is not HandoffState.WITHDRAWN
            ):
                self._notify(after, "withdrawn")
        return after

    def _rule_owner(self, event: DealEvent) -> str | None:
        owner = self.owner_rule(event, self.org)
        if owner is None:
            return None
        problem = self._owner_problem(owner)
        if problem is None:
            return str(owner)
        _log().warning(
            "The owner rule chose %s for deal %s; the handoff has no owner until it is reassigned",
            problem,
            event.deal_id,
        )
        return None

    def _owner_problem(self, owner: object) -> str | None:
        """Why ``owner`` cannot own a handoff (``None`` if they can)."""
        person = self.org.get_person(owner) if isinstance(owner, str) else None
        if person is None:
            return f"{owner!r}, who is not in the org"
        if person.function == self.receiving:
            return (
                f"{owner!r}, who is in {self.receiving}, which accepts the handoff; the "
                "owner comes from another function"
            )
        return None

    def _append(self, deal_id: str, event: NewEvent) -> None:
        current = self._handoffs.get(deal_id)
        history = current.history if current is not None else self._tombstones.get(deal_id, ())
        version = len(history)
        try:
            new_version = self.store.append(deal_id, [event], expected_version=version)
        except ConcurrencyError:
            self._catch_up(deal_id)
            raise
        if new_version != version:  # else a duplicate, already applied
            self._catch_up(deal_id)

    def _catch_up(self, deal_id: str) -> None:
        """Fold the events of ``deal_id`` that this desk has not seen yet."""
        current = self._handoffs.get(deal_id)
        history = current.history if current is not None else self._tombstones.get(deal_id, ())
        for stored in self.store.read(deal_id, after=len(history)):
            before = current
            current = _fold(current, stored, self.trigger_stage, history)
            history = (*history, stored)
            if before is None and current is not None:
                self._opened.setdefault(deal_id, stored.position)
        if current is None:
            if history:
                self._tombstones[deal_id] = history
            return
        self._tombstones.pop(deal_id, None)
        known = deal_id in self._handoffs
        self._handoffs[deal_id] = current
        if not known and any(self._opened[d] > self._opened[deal_id] for d in self._handoffs):
            # Opened by another desk before handoffs this desk already knows of.
            self._handoffs = dict(sorted(self._handoffs.items(), key=lambda i: self._opened[i[0]]))

    def _latest(self, deal_id: str) -> Handoff:
        """The handoff with whatever other desks on the store wrote since (one read)."""
        self._catch_up(deal_id)
        return self.get(deal_id)

    def _notify(self, handoff: Handoff, what: str) -> None:
        if self.notifier is None:
            return
        try:
            self.notifier.notify(handoff, what)
        except Exception:  # noqa: BLE001 - whatever the notifier raises
            # The move is committed; failing the call would invite a retry that
            # repeats it. Report the notifier's failure instead.
            _log().exception("Notifier failed on %s of deal %s", what, handoff.deal_id)

    # -- the people side --------------------------------------------------------------

    def _move(
        self,
        deal_id: str,
        move: str,
        actor: str,
        at: dt.datetime,
        arguments: Callable[[Handoff], Mapping[str, Any]] | None = None,
    ) -> Handoff:
        """Check the state, then the actor, then the arguments; append; notify."""
        handoff = self._latest(deal_id)
        allowed = handoff.allowed_moves()
        if move not in allowed:
            raise self._refusal(handoff, move, allowed)
        self._authorise(handoff, move, actor)
        data = dict(arguments(handoff)) if arguments is not None else {}
        _check_time(at, handoff)
        kind = _EVENT_KINDS[move]
        # A fresh id per move: two desks making the same move are two writes, and the
        # stale one gets ConcurrencyError instead of being taken for a retry.
        event_id = f"{deal_id}:{kind}:{uuid.uuid4().hex}"
        self._append(deal_id, NewEvent(event_id, kind, actor, at, data))
        after = self.get(deal_id)
        self._notify(after, kind)
        return after

    def _refusal(self, handoff: Handoff, move: str, allowed: tuple[str, ...]) -> TransitionError:
        """Why ``move`` is refused, with what can still move the handoff on."""
        state = handoff.state
        if move in _BLOCKED_BY_FLAGS and state in _MOVES[move][0]:
            open_ids = ", ".join(f.flag_id for f in handoff.open_flags)
            return TransitionError(
                f"Cannot {move} while red flags are open ({open_ids}); resolve them first",
                state=state.name,
                move=move,
                allowed=allowed,
            )
        if move in _NEEDS_OPEN_FLAGS and state in _MOVES[move][0]:
            return TransitionError(
                f"Cannot {move}: no red flag is open", state=state.name, move=move, allowed=allowed
            )
        until = None
        if state is HandoffState.WITHDRAWN:  # no move for people, but not final
            until = (
                f"the CRM reopens the withdrawn handoff (a new {self.trigger_stage} for the deal)"
            )
        return TransitionError.for_move(state.name, move, allowed, until=until)

    def _authorise(self, handoff: Handoff, move: str, actor: str) -> None:
        person = self.org.get_person(actor) if isinstance(actor, str) else None
        if move in _RECEIVING_MOVES:
            if person is None or person.function != self.receiving:
                raise PermissionDenied(
                    f"Only members of {self.receiving} may {move} a handoff; `{actor}` is not one",
                    actor=str(actor),
                    action=move,
                )
            return
        if actor == handoff.owner or (person is not None and person.function == self.sending):
            return
        raise PermissionDenied(
            f"Only the owner or members of {self.sending} may {move} a handoff; "
            f"`{actor}` is neither",
            actor=str(actor),
            action=move,
        )

    def submit(self, deal_id: str, package: HandoffPackage, actor: str, at: dt.datetime) -> Handoff:
        """Submit the package, or a new one in its place until the handoff is accepted.

        The package must be for this deal and go from the sending to the receiving
        function. If the handoff has an owner, the package names the same one
        (``reassign`` first to change it); if not, the package's owner (someone in the
        org, outside the receiving function) becomes the handoff's owner.

        Submitting again (while submitted, or flagged once every flag is resolved)
        replaces the package under the same rules, recorded as its own event; the
        gate judges the new package (:meth:`gate_result`, :meth:`accept`).

        Raises:
            SpecError: The package does not belong to this handoff.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                self._check_package(handoff, package)
                return {"package": package.model_dump(mode="json")}

            return self._move(deal_id, "submit", actor, at, arguments)

    def _check_package(self, handoff: Handoff, package: HandoffPackage) -> None:
        if not isinstance(package, HandoffPackage):
            raise SpecError.single(
                f"submit takes a HandoffPackage, got {type(package).__name__}",
                Location(path=("package",)),
            )
        expected = {
            "deal_id": handoff.deal_id,
            "from_function": self.sending,
            "to_function": self.receiving,
        }
        problems = [
            Problem(
                f"The package's {name} is {getattr(package, name)!r}, not {value!r}",
                Location(path=("package", name)),
            )
            for name, value in expected.items()
            if getattr(package, name) != value
        ]
        owner_problem = self._package_owner_problem(handoff, package.owner)
        if owner_problem:
            problems.append(Problem(owner_problem, Location(path=("package", "owner"))))
        if problems:
            raise SpecError(problems)

    def _package_owner_problem(self, handoff: Handoff, owner: str | None) -> str | None:
        if handoff.owner is not None:
            if owner != handoff.owner:
                return (
                    f"The package names owner {owner!r} but the handoff's owner is "
                    f"{handoff.owner!r}; name them, or reassign the handoff first"
                )
            return None
        if owner is None:
            return None  # the gate's owner check says what to do
        problem = self._owner_problem(owner)
        return None if problem is None else f"The package names as owner {problem}"

    def flag(self, deal_id: str, actor: str, reason: str, category: str, at: dt.datetime) -> str:
        """Raise a blame-free red flag: what is missing or unclear. Returns the flag's id."""
        with self._lock:
            flag_id = ""

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                nonlocal flag_id
                for name, value in (("reason", reason), ("category", category)):
                    if not isinstance(value, str) or not value.strip():
                        raise SpecError.single(f"A red flag needs a {name}", Location(path=(name,)))
                raised = sum(event.kind == "flagged" for event in handoff.history)
                flag_id = f"{deal_id}-flag-{raised + 1}"
                return {"flag_id": flag_id, "reason": reason, "category": category}

            self._move(deal_id, "flag", actor, at, arguments)
            return flag_id

    def resolve(self, deal_id: str, flag_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Resolve an open red flag.

        Raises:
            UnknownNameError: ``flag_id`` is not an open flag of this handoff.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                open_ids = [f.flag_id for f in handoff.open_flags]
                if flag_id not in open_ids:
                    raise UnknownNameError.for_name("open flag", flag_id, open_ids)
                return {"flag_id": flag_id}

            return self._move(deal_id, "resolve", actor, at, arguments)

    def gate_result(self, deal_id: str) -> GateResult | None:
        """The desk's gate on the handoff's current package; ``None`` before one is submitted.

        The gate's verdict as :meth:`accept` would reach it now, for the sender to
        read after :meth:`submit`. The gate runs only when asked (never on a move or
        a replay); a passing result is shared, and for a gate of built-in checks a
        failure's reasons are worked out only when read. Asking records nothing and
        changes nothing: only the receiving side accepts, and :meth:`accept` runs the
        gate again.

        Args:
            deal_id: The CRM deal; the desk first catches up with the store, as a
                move does, so the package is the one last submitted through any desk.

        Raises:
            UnknownNameError: No handoff was opened for that deal.

        Added in 0.1.
        """
        with self._lock:
            package = self._latest(deal_id).package
        return None if package is None else self.gate.evaluate(package)

    def accept(self, deal_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Accept the handoff: refused while the gate fails or a red flag is open.

        Raises:
            GateBlocked: The package fails the gate; carries the ``GateResult``.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                if handoff.package is None:  # pragma: no cover - SUBMITTED implies a package
                    msg = "Nothing was submitted"
                    raise TransitionError(msg)
                result = self.gate.evaluate(handoff.package)
                if not result.passed:
                    raise GateBlocked(
                        f"The package fails gate {self.gate.name}:\n{result}", result=result
                    )
                return {}

            return self._move(deal_id, "accept", actor, at, arguments)

    def activate(self, deal_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Record that the customer is activated (the owner is measured on this)."""
        with self._lock:
            return self._move(deal_id, "activate", actor, at)

    def churn(self, deal_id: str, actor: str, at: dt.datetime, reason: str = "") -> Handoff:
        """Record that the customer churned."""
        with self._lock:
            return self._move(deal_id, "churn", actor, at, lambda _: {"reason": str(reason)})

    def withdraw(self, deal_id: str, actor: str, at: dt.datetime, reason: str = "") -> Handoff:
        """Withdraw the handoff (before acceptance)."""
        with self._lock:
            return self._move(deal_id, "withdraw", actor, at, lambda _: {"reason": str(reason)})

    def reassign(self, deal_id: str, new_owner: str, actor: str, at: dt.datetime) -> Handoff:
        """Hand the handoff to another owner.

        The owner answers for the handoff, so it cannot be someone from the receiving
        function, who accept it.

        Raises:
            UnknownNameError: ``new_owner`` is not in the org.
            SpecError: ``new_owner`` is in the receiving function.
        """
        with self._lock:

            def arguments(_handoff: Handoff) -> Mapping[str, Any]:
                if not isinstance(new_owner, str) or self.org.get_person(new_owner) is None:
                    raise UnknownNameError.for_name("person", str(new_owner), self.org.person_ids)
                problem = self._owner_problem(new_owner)
                if problem is not None:
                    raise SpecError.single(
                        f"Cannot reassign to {problem}", Location(path=("new_owner",))
                    )
                return {"owner": new_owner}

            return self._move(deal_id, "reassign", actor, at, arguments)


_CRM_ATTEMPTS: Final = 3
"""How often :meth:`HandoffDesk.receive` tries when other desks keep writing first."""

_EVENT_KINDS: Final = {
    "submit": "submitted",
    "flag": "flagged",
    "resolve": "resolved",
    "accept": "accepted",
    "activate": "activated",
    "churn": "churned",
    "withdraw": "withdrawn",
    "reassign": "reassigned",
}


def _log() -> logging.Logger:
    """The module's logger; ``logging`` is imported only when there is something to log."""
    import logging

    return logging.getLogger("alignkit.handoff")


def _check_time(at: dt.datetime, handoff: Handoff) -> None:
    """``at`` is an aware datetime, not before the handoff's latest event."""
    _require_aware(at, ("at",))
    latest = handoff.last_event_at
    if latest is not None and at < latest:
        raise SpecError.single(
            f"`at` ({at.isoformat()}) is before the handoff's latest event "
            f"({latest.isoformat()}); moves are recorded in the order they happen",
            Location(path=("at",)),
        )


# -- the alignment file's handoffs section -----------------------------------------------


class GateSpec(SpecModel):
    """A quality gate as written in an alignment file.

    ``preset: minimum_viable`` starts from the MVH; ``checks`` adds declarative checks
    (each named by ``name``, or by its kind); ``drop`` removes preset checks by name.

    Added in 0.1.
    """

    name: str = Field(min_length=1, description="The gate's name.")
    preset: Annotated[Literal["minimum_viable"] | None, PresetName] = Field(
        default=None,
        description="Start from a preset gate (`minimum-viable` is read the same).",
        json_schema_extra=also_accepts("minimum-viable"),
    )
    checks: TupleOf[Annotated[CheckSpec, Field(discriminator="check")]] = Field(
        default=(), description="Declarative checks added after the preset's."
    )
    drop: TupleOf[str] = Field(default=(), description="Names of preset checks to leave out.")

    def _invariants(self) -> Iterator[Problem]:
        preset = QualityGate.minimum_viable().names if self.preset else ()
        seen = {name for name in preset if name not in self.drop}
        for index, check in enumerate(self.checks):
            name = _check_name(check)
            if name in seen:
                where = ("checks", index, "name") if check.name else ("checks", index)
                yield Problem(
                    f"Gate `{self.name}` has two checks named `{name}`; give this one "
                    "its own `name:`",
                    Location(path=where),
                )
            seen.add(name)

    def check_names(self) -> tuple[str, ...]:
        """The names the built gate's checks will have."""
        return self.build().names if self._buildable() else ()

    def _buildable(self) -> bool:
        base = QualityGate.minimum_viable().names if self.preset else ()
        return all(name in base for name in self.drop)

    def build(self, org: Org | None = None) -> QualityGate:
        """The gate.

        Raises:
            UnknownNameError: ``drop`` names a check the preset does not have.
        """
        gate = QualityGate.minimum_viable(name=self.name) if self.preset else QualityGate(self.name)
        for name in self.drop:
            gate = gate.without(name)
        for check in self.checks:
            gate = gate.with_check(_check_name(check), check)
        return gate.bound(org)


def _check_name(check: CheckSpec) -> str:
    detail = getattr(check, "kind", None) or getattr(check, "field", None)
    return check.name or (f"{check.check}:{detail}" if detail else check.check)


class OwnerRuleSpec(SpecModel):
    """How a new handoff gets its owner.

    ``deal_owner``: the deal's owner from the CRM payload (``owner`` or
    ``hubspot_owner_id``) if they belong to ``function``, else a member of
    ``function`` chosen as ``round_robin`` does; ``round_robin``: a member of
    ``function`` picked by a hash of the deal id, which spreads deals evenly over
    the members and gives a deal the same owner on every replay.

    Added in 0.1.
    """

    function: str = Field(min_length=1, description="The function owners come from.")
    strategy: Literal["deal_owner", "round_robin"] = Field(
        default="deal_owner", description="deal_owner or round_robin."
    )

    def build(self) -> OwnerRule:
        """The owner rule as a callable for :class:`HandoffDesk`."""
        import zlib

        function = self.function
        strategy = self.strategy

        def rule(event: DealEvent, org: Org) -> str | None:
            members = org.members(function)
            if strategy == "deal_owner":
                owner = _payload_owner(event)
                if owner is not None and any(p.id == owner for p in members):
                    return owner
            if not members:
                return None
            return members[zlib.crc32(event.deal_id.encode()) % len(members)].id

        return rule


class HandoffsSection(SpecModel):
    """The ``handoffs`` section: who hands to whom, when, and through which gates.

    Added in 0.1.
    """

    sending: str = Field(default="Sales", min_length=1, description="The function that hands over.")
    receiving: str = Field(
        default="Operations", min_length=1, description="The function that takes over."
    )
    trigger_stage: str = Field(
        default="Closed-Won", min_length=1, description="The CRM stage that opens a handoff."
    )
    artifact_kinds: TupleOf[str] = Field(
        default=(), description="Artifact kinds used beyond the built-in ones."
    )
    gates: TupleOf[GateSpec] = Field(default=(), description="The quality gates.")
    owner_rule: OwnerRuleSpec | None = Field(default=None, description="How owners are chosen.")

    def _invariants(self) -> Iterator[Problem]:
        return declared_twice("Gate", "gates", (gate.name for gate in self.gates))

    def gate(self, name: str | None = None, *, org: Org | None = None) -> QualityGate:
        """A gate by name (the first one by default; the MVH if none is declared).

        Raises:
            UnknownNameError: No gate has that name.
        """
        if not self.gates:
            return QualityGate.minimum_viable().bound(org)
        if name is None:
            return self.gates[0].build(org)
        for spec in self.gates:
            if spec.name == name:
                return spec.build(org)
        raise UnknownNameError.for_name("gate", name, [g.name for g in self.gates])

    def desk(self, org: Org, *, gate: str | None = None, **options: Any) -> HandoffDesk:  # noqa: ANN401 - desk options
        """A :class:`HandoffDesk` configured by this section."""
        return HandoffDesk(
            org,
            sending=self.sending,
            receiving=self.receiving,
            gate=self.gate(gate, org=org),
            trigger_stage=self.trigger_stage,
            owner_rule=self.owner_rule.build() if self.owner_rule else None,
            **options,
        )

    def lint(self, org: Org | None = None) -> Iterator[Diagnostic]:
        """Codes ``HO001``-``HO005``, placed at field paths of the section."""
        kinds = DEFAULT_ARTIFACT_KINDS | set(self.artifact_kinds)
        if org is not None:
            for field in ("sending", "receiving"):
                name = getattr(self, field)
                if org.get_function(name) is None:
                    yield UNKNOWN_HANDOFF_FUNCTION.diagnostic(
                        f"`{field}` names `{name}`, which is not a function of the org",
                        path=(field,),
                        target=name,
                    )
            rule = self.owner_rule
            if rule is not None and org.get_function(rule.function) is None:
                yield OWNER_RULE_UNKNOWN_FUNCTION.diagnostic(
                    f"The owner rule takes owners from `{rule.function}`, which is not a function",
                    path=("owner_rule", "function"),
                    target=rule.function,
                )
        for g, spec in enumerate(self.gates):
            preset = QualityGate.minimum_viable().names if spec.preset else ()
            for d, name in enumerate(spec.drop):
                if name not in preset:
                    yield DROP_UNKNOWN_CHECK.diagnostic(
                        f"Gate `{spec.name}` drops `{name}`, which its preset does not have",
                        path=("gates", g, "drop", d),
                        target=spec.name,
                    )
            kept = [n for n in preset if n not in spec.drop]
            if not kept and not spec.checks:
                yield GATE_WITHOUT_CHECKS.diagnostic(
                    f"Gate `{spec.name}` has no checks, so every package passes",
                    path=("gates", g),
                    target=spec.name,
                )
            for c, check in enumerate(spec.checks):
                kind = getattr(check, "kind", None)
                if kind is not None and kind not in kinds:
                    yield UNKNOWN_ARTIFACT_KIND.diagnostic(
                        f"Gate `{spec.name}` checks for the unknown artifact kind `{kind}`",
                        path=("gates", g, "checks", c, "kind"),
                        target=spec.name,
                        hint=f"Declare `{kind}` under `artifact_kinds:`, or fix the spelling",
                    )
