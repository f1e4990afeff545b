"""Audits: a gate over many records at once, each validated as a package would be.

An operations team auditing a CRM export starts from records, not from
:class:`HandoffPackage` objects. :meth:`QualityGate.audit` validates each record
exactly as ``HandoffPackage(**record)`` does and judges it as
:meth:`QualityGate.evaluate` does.

For a gate of the declarative built-in checks, a record of the usual shape is
judged without building a package: a ``dict`` of plain ``str``, ``int``, ``float``,
``None`` and timezone-aware ``datetime`` values (or ISO 8601 text for ``signed_at``),
its artifacts and criteria as ``dict`` or as the objects themselves. The scan checks
those values as validation checks them, erring on the strict side: anything else (a
subclass, a number or a date given as text, a value it is not sure of) goes to the
model itself, which decides and, for a record it refuses, names every problem. A
record that passes keeps nothing but its verdict. A failing one keeps the record
itself, not a copy (copies would cost about a third of the audit's time when a third
of the records fail), from which its package and reasons are worked out when they
are first asked for; a record found changed by then is an error, never a verdict
about other data.
A gate with any other check (a callable of your own, a ``field_present`` check)
builds the package of every record and runs the gate on it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, final

import attrs
from pydantic import ValidationError

from alignkit._spec import _shown
from alignkit.errors import Problem, SpecError
from alignkit.handoff._package import Artifact, HandoffPackage, SuccessCriterion

if TYPE_CHECKING:
    from alignkit.handoff._results import FusedPlan, GateFailure, GateResult

__all__ = ["Audit", "RecordVerdict", "audit_records"]


class _Gate(Protocol):
    """What an audit needs of a :class:`~alignkit.handoff.QualityGate`."""

    @property
    def name(self) -> str: ...

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def _plan(self) -> FusedPlan | None: ...

    @property
    def _all_pass(self) -> GateResult: ...

    def evaluate(self, package: HandoffPackage) -> GateResult: ...


Status = Literal["passed", "failed", "invalid"]
"""What an audit found for one record."""


_PACKAGE_KEYS: Final = frozenset(
    {
        "deal_id",
        "customer",
        "from_function",
        "to_function",
        "owner",
        "artifacts",
        "success_criteria",
        "fields",
    }
)
_ARTIFACT_KEYS: Final = frozenset({"kind", "name", "location", "status", "signed_by", "signed_at"})
_CRITERION_KEYS: Final = frozenset({"description", "metric", "target", "due"})
_STATUSES: Final = frozenset({"draft", "complete", "signed"})
_ATOMS: Final = frozenset({str, int, float, bool, type(None)})
"""The types of a ``fields`` value that are JSON as they are (a float must be finite)."""
_TABLES: Final = ("pandas", "polars", "pyarrow")
"""Modules whose tables iterate over column names, not records: a likely mistake."""

_SHOWN: Final = 10
"""How many invalid records ``str(audit)`` lists."""


@final
@attrs.frozen
class RecordVerdict:
    """What an audit found for one record: the gate's result, or why it is no package.

    Attributes:
        index: The record's place in the input, from 0.
        deal_id: The record's ``deal_id`` when it is text, else ``None``.
        result: The gate's result, exactly what :meth:`QualityGate.evaluate` gives
            for ``HandoffPackage(**record)``; ``None`` for an invalid record.
        problems: Why ``HandoffPackage(**record)`` refuses the record (empty when it
            is valid): the problems of its ``SpecError``, each placed at the record's
            index and then the field's path (``[2].artifacts[0].status``).

    >>> from alignkit.handoff import QualityGate
    >>> audit = QualityGate.minimum_viable().audit(
    ...     [{"deal_id": "D-1", "customer": "Acme", "from_function": "Sales"}]
    ... )
    >>> verdict = audit[0]
    >>> verdict.status, verdict.valid, verdict.passed
    ('invalid', False, False)
    >>> print(verdict)
    record 0 (D-1): invalid
      [0].to_function: Missing required key 'to_function'

    Added in 0.1.
    """

    index: int
    deal_id: str | None
    result: GateResult | None
    problems: tuple[Problem, ...] = ()

    @property
    def status(self) -> Status:
        """``"passed"``, ``"failed"`` (a valid package that failed a check) or ``"invalid"``."""
        if self.result is None:
            return "invalid"
        return "passed" if self.result.passed else "failed"

    @property
    def valid(self) -> bool:
        """True when the record is a valid package (whether or not it passed)."""
        return self.result is not None

    @property
    def passed(self) -> bool:
        """True when the record is a valid package that passed every check."""
        return self.result is not None and self.result.passed

    @property
    def failures(self) -> tuple[GateFailure, ...]:
        """The failed checks of a valid record, in gate order (empty for an invalid one)."""
        return () if self.result is None else self.result.failures

    def __str__(self) -> str:
        head = f"record {self.index}" + (f" ({self.deal_id})" if self.deal_id else "")
        lines = [f"{head}: {self.status}"]
        lines += [f"  {f.check}: {f.reason} (fix: {f.fix})" for f in self.failures]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


@final
class Audit:
    """A gate's verdict on many records: each record's, and the counts.

    Iterating gives a :class:`RecordVerdict` for every record, in input order;
    ``audit[i]`` gives the ``i``-th. The counts and every verdict are settled when the
    audit is made. A failed record's result and reasons are worked out from the
    record when they are first asked for, and kept: the audit holds the failed
    records themselves, not copies, so leave them unchanged until then. A failed
    record found changed is a ``RuntimeError``.

    >>> from alignkit.handoff import QualityGate
    >>> records = [
    ...     {"deal_id": "D-1", "customer": "Acme", "from_function": "Sales",
    ...      "to_function": "Operations", "owner": "ana"},
    ...     {"deal_id": "", "customer": "Initech", "from_function": "Sales",
    ...      "to_function": "Operations"},
    ... ]
    >>> audit = QualityGate.minimum_viable().audit(records)
    >>> audit.passed, audit.failed, audit.invalid
    (0, 1, 1)
    >>> audit.failures_by_check
    {'scoping-document': 1, 'signed-sow': 1, 'success-criteria': 1, 'owner': 0}
    >>> audit.summary()
    'Gate minimum-viable: 2 records, 0 passed, 1 failed, 1 invalid'
    >>> print(audit)
    Gate minimum-viable: 2 records, 0 passed, 1 failed, 1 invalid
      scoping-document: 1 failed
      signed-sow: 1 failed
      success-criteria: 1 failed
      [1].deal_id: Must not be empty

    Added in 0.1.
    """

    __slots__ = ("_by_check", "_deal_ids", "_gate", "_kept", "_problems")

    def __init__(
        self,
        gate: _Gate,
        deal_ids: list[str | None],
        kept: dict[int, Any],
        problems: dict[int, tuple[Problem, ...]],
        by_check: dict[str, int],
    ) -> None:
        """An audit's findings; made by :meth:`QualityGate.audit`, not by hand.

        ``deal_ids`` has an entry for every record; ``kept`` holds what a failed
        record's result is worked out from, and ``problems`` an invalid record's
        problems, each by the record's index. Every other record passed.
        """
        self._gate = gate
        self._deal_ids = deal_ids
        self._kept = kept
        self._problems = problems
        self._by_check = by_check

    @property
    def gate(self) -> str:
        """The gate's name."""
        return self._gate.name

    @property
    def passed(self) -> int:
        """How many records are valid packages that passed every check."""
        return len(self._deal_ids) - len(self._kept) - len(self._problems)

    @property
    def failed(self) -> int:
        """How many records are valid packages that failed a check."""
        return len(self._kept)

    @property
    def invalid(self) -> int:
        """How many records are no valid package (see each one's ``problems``)."""
        return len(self._problems)

    @property
    def all_passed(self) -> bool:
        """True when there was a record and every record is a valid package that passed."""
        return bool(self._deal_ids) and not self._kept and not self._problems

    @property
    def failures_by_check(self) -> dict[str, int]:
        """How many valid records failed each check, in gate order (a new dict)."""
        return dict(self._by_check)

    @property
    def invalid_records(self) -> tuple[RecordVerdict, ...]:
        """The verdicts of the invalid records, with their problems, in input order."""
        return tuple(self._verdict(index) for index in sorted(self._problems))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of every invalid record, placed at its index and field path."""
        return tuple(p for index in sorted(self._problems) for p in self._problems[index])

    def not_passed(self) -> Iterator[RecordVerdict]:
        """The verdicts of the records that failed or are invalid, in input order."""
        return map(self._verdict, sorted({*self._kept, *self._problems}))

    def __len__(self) -> int:
        return len(self._deal_ids)

    def __getitem__(self, index: int) -> RecordVerdict:
        count = len(self._deal_ids)
        if not -count <= index < count:
            msg = f"Record {index} is out of range: the audit has {count:,} records"
            raise IndexError(msg)
        return self._verdict(index % count)

    def __iter__(self) -> Iterator[RecordVerdict]:
        return map(self._verdict, range(len(self._deal_ids)))

    def _verdict(self, index: int) -> RecordVerdict:
        deal_id = self._deal_ids[index]
        problems = self._problems.get(index)
        if problems is not None:
            return RecordVerdict(index, deal_id, None, problems)
        kept = self._kept.get(index)
        if kept is None:
            return RecordVerdict(index, deal_id, self._gate._all_pass)  # noqa: SLF001 - shared
        if type(kept) is tuple:  # a record the scan judged: its package, built once
            kept = self._kept[index] = self._judge_again(index, *kept)
        return RecordVerdict(index, deal_id, kept)

    def _judge_again(self, index: int, record: dict[str, Any], failed: int) -> GateResult:
        """The result of a record the scan judged, from its package; the record must not change.

        Raises:
            RuntimeError: The record is no longer what was audited: it changed since.
        """
        try:
            result: GateResult | None = self._gate.evaluate(HandoffPackage(**record))
        except (SpecError, TypeError):
            result = None
        if (
            result is None
            or record.get("deal_id") != self._deal_ids[index]
            or sum(1 << i for i, (_, o) in enumerate(result.outcomes) if not o.passed) != failed
        ):
            msg = (
                f"Record {index} changed after the audit, which keeps the failed records "
                "to work out their reasons when asked: audit them again, or read the "
                "reasons before changing the records"
            )
            raise RuntimeError(msg)
        return result

    def summary(self) -> str:
        """One line: the gate, and how many records passed, failed and were invalid."""
        return (
            f"Gate {self.gate}: {len(self):,} records, {self.passed:,} passed, "
            f"{self.failed:,} failed, {self.invalid:,} invalid"
        )

    def __repr__(self) -> str:
        return f"<Audit {self.summary().removeprefix('Gate ')}>"

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  {name}: {n:,} failed" for name, n in self._by_check.items() if n]
        shown = sorted(self._problems)[:_SHOWN]
        lines += [f"  {problem}" for index in shown for problem in self._problems[index]]
        if len(self._problems) > len(shown):
            lines.append(f"  ... and {len(self._problems) - len(shown):,} more invalid records")
        return "\n".join(lines)


def audit_records(gate: _Gate, records: Iterable[Mapping[str, Any]]) -> Audit:
    """Validate and judge every record; see :meth:`QualityGate.audit`.

    Raises:
        TypeError: ``records`` is one record, text, or a table rather than records.
    """
    _check_records(records)
    found = _Findings(gate)
    plan: FusedPlan | None = gate._plan  # noqa: SLF001 - the gate's own fast path
    if plan is None:
        for record in records:
            found.by_model(record)
    else:
        _scan(plan, records, found)
    return found.audit()


def _check_records(records: object) -> None:
    """Refuse what is not many records: a likely mix-up, not bad data.

    Raises:
        TypeError: ``records`` is a mapping, text, or a table.
    """
    hint = None
    if isinstance(records, Mapping):
        hint = "one record: pass a list of records, gate.audit([record])"
    elif isinstance(records, str | bytes):
        hint = "text: pass the records, such as a list of dicts"
    elif type(records).__module__.split(".", 1)[0] in _TABLES:
        hint = (
            "a table, which iterates over its columns: pass its records, such as "
            "frame.to_dict('records') or table.to_pylist()"
        )
    if hint is not None:
        msg = f"QualityGate.audit() takes records, got {type(records).__name__!r}, {hint}"
        raise TypeError(msg)


def _located(index: int, problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """``problems`` of one record, each placed at the record's index first."""
    return tuple(
        Problem(p.message, attrs.evolve(p.location, path=(index, *p.location.path)), code=p.code)
        for p in problems
    )


def _package(record: object) -> HandoffPackage:
    """``HandoffPackage(**record)``, with every problem of a refused record as a SpecError.

    The constructor refuses an unknown, missing or non-text key with a ``TypeError``
    that names one; the model's own validation names each.

    Raises:
        SpecError: The record is not a valid package.
    """
    if not isinstance(record, Mapping):
        msg = (
            "Expected a mapping with keys such as deal_id, customer, from_function, "
            f"to_function; got {_shown(record)}"
        )
        raise SpecError.single(msg)
    try:
        return HandoffPackage(**record)
    except TypeError as error:
        data = dict(record)
        if "fields" in data and data["fields"] is None:
            del data["fields"]  # the constructor's "no fields"
        HandoffPackage.model_validate(data)  # raises a SpecError naming each problem
        raise SpecError.single(str(error)) from None  # a mapping that changed meanwhile


@final
class _Findings:
    """What an audit collects, record by record."""

    def __init__(self, gate: _Gate) -> None:
        self.gate = gate
        self.deal_ids: list[str | None] = []
        self.kept: dict[int, Any] = {}
        self.problems: dict[int, tuple[Problem, ...]] = {}
        self.by_check = dict.fromkeys(gate.names, 0)
        self.masks: dict[int, int] = {}  # failed checks (a bit for each) -> records

    def by_model(self, record: object) -> None:
        """Judge ``record`` through the model: a package, or every problem."""
        index = len(self.deal_ids)
        deal_id = record.get("deal_id") if isinstance(record, Mapping) else None
        self.deal_ids.append(deal_id if type(deal_id) is str else None)
        try:
            package = _package(record)
        except SpecError as error:
            self.problems[index] = _located(index, error.problems)
            return
        result = self.gate.evaluate(package)
        if not result.passed:
            self.kept[index] = result
        for failure in result.failures:
            self.by_check[failure.check] += 1

    def audit(self) -> Audit:
        by_check = self.by_check
        names = self.gate.names
        for mask, count in self.masks.items():
            for position, check in enumerate(names):
                if mask >> position & 1:
                    by_check[check] += count
        return Audit(self.gate, self.deal_ids, self.kept, self.problems, by_check)


def _failed_checks(plan: FusedPlan, key: int) -> int:
    """The checks (a bit for each) that a record with the findings ``key`` fails."""
    shift = plan.criteria.bit_length()
    good = key >> 1 & ((1 << shift) - 1)
    return plan.failed_checks(key >> (shift + 1), good, owner_ok=bool(key & 1))


class _ModelDecides(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the scan: the record is of a shape the model must judge."""


def _encodes(text: str) -> bool:
    """True for text without a lone surrogate, as a ``str`` field with ``min_length`` needs.

    The scan asks only about text that is not ASCII. A field without ``min_length``
    takes any text, so for it ``type(v) is str`` is enough.
    """
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _scan(plan: FusedPlan, records: Iterable[object], found: _Findings) -> None:  # noqa: C901, PLR0912, PLR0915 - one flat loop, for speed
    """Validate and judge each record in one pass, handing the unusual ones to the model.

    It accepts only records the model accepts (every check below is one the model
    makes, on exact types), and reads their values as the model stores them. Every
    artifact and criterion is checked, whatever the gate asks: a record is valid or
    not as a whole. A record passes when its artifacts meet every bit the gate wants,
    it has enough measurable criteria and (when asked) an owner; a failing record's
    findings are one number, the key to the checks it fails: the artifact bits met,
    then the number of measurable criteria (up to the most any check needs), then a
    bit for whether the owner counts.
    """
    rules, criteria, need_owner, org = plan.rules, plan.criteria, plan.owner, plan.org
    package_keys, artifact_keys, criterion_keys = _PACKAGE_KEYS, _ARTIFACT_KEYS, _CRITERION_KEYS
    statuses_allowed, atoms, isfinite, encodes = _STATUSES, _ATOMS, math.isfinite, _encodes
    timezone, datetime, date = dt.timezone, dt.datetime, dt.date
    text_or_none = (str, type(None))
    artifact_type, criterion_type = Artifact, SuccessCriterion
    no_rule: tuple[frozenset[str], int, int] = (frozenset(), 0, 0)
    wanted, shift = plan.wanted, criteria.bit_length()
    deal_ids, kept, masks = found.deal_ids, found.kept, found.masks
    by_model = found.by_model
    masks_of: dict[int, int] = {}  # findings -> failed checks
    model_decides = _ModelDecides()
    for record in records:
        try:
            if type(record) is not dict or not record.keys() <= package_keys:
                raise model_decides
            deal_id = record.get("deal_id")
            customer = record.get("customer")
            sender = record.get("from_function")
            receiver = record.get("to_function")
            owner = record.get("owner")
            # Non-empty text, of exactly str, that can be encoded (see _encodes); inline,
            # as every check of text below, for speed.
            if not (
                type(deal_id) is type(customer) is type(sender) is type(receiver) is str
                and deal_id
                and customer
                and sender
                and receiver
                and (deal_id.isascii() or encodes(deal_id))
                and (customer.isascii() or encodes(customer))
                and (sender.isascii() or encodes(sender))
                and (receiver.isascii() or encodes(receiver))
                and (
                    owner is None
                    or (type(owner) is str and owner and (owner.isascii() or encodes(owner)))
                )
            ):
                raise model_decides
            fields = record.get("fields")
            if fields is not None:
                if type(fields) is not dict:
                    raise model_decides
                for key, value in fields.items():
                    value_type = type(value)
                    if (
                        type(key) is not str
                        or value_type not in atoms
                        or (value_type is float and not isfinite(value))
                    ):
                        raise model_decides
            artifacts = record.get("artifacts", ())
            criteria_list = record.get("success_criteria", ())
            if type(artifacts) is not list and type(artifacts) is not tuple:
                raise model_decides
            if type(criteria_list) is not list and type(criteria_list) is not tuple:
                raise model_decides
            met = 0
            for item in artifacts:
                kind: Any  # text, once the artifact is known to be valid
                status: Any
                signed_by: Any
                signed_at: Any
                if type(item) is dict and item.keys() <= artifact_keys:
                    kind = item.get("kind")
                    status = item.get("status", "draft")
                    signed_by = item.get("signed_by")
                    signed_at = item.get("signed_at")
                    if not (
                        type(kind) is str
                        and kind
                        and (kind.isascii() or encodes(kind))
                        and type(status) is str
                        and status in statuses_allowed
                        and type(item.get("name", "")) is str
                        and type(item.get("location")) in text_or_none
                        and (
                            signed_by is None
                            or (
                                type(signed_by) is str
                                and signed_by
                                and (signed_by.isascii() or encodes(signed_by))
                            )
                        )
                    ):
                        kind, status, signed_by, signed_at = _artifact_values(item)
                    elif signed_at is not None and not (
                        type(signed_at) is datetime and type(signed_at.tzinfo) is timezone
                    ):
                        signed_at = (
                            _aware_text(signed_at)
                            if type(signed_at) is str
                            else _artifact_values(item)[3]
                        )
                elif type(item) is artifact_type:
                    values = item.__dict__
                    kind, status = values["kind"], values["status"]
                    signed_by, signed_at = values["signed_by"], values["signed_at"]
                else:
                    kind, status, signed_by, signed_at = _artifact_values(item)
                statuses, present_bit, signed_bit = rules.get(kind, no_rule)
                if status in statuses:
                    met |= present_bit
                if signed_bit and status == "signed" and signed_by and signed_at:
                    met |= signed_bit
            good = 0
            for item in criteria_list:
                if type(item) is dict and item.keys() <= criterion_keys:
                    description = item.get("description")
                    metric = item.get("metric", "")
                    target = item.get("target")
                    due = item.get("due")
                    target_type = type(target)
                    if (
                        type(description) is str
                        and description
                        and (description.isascii() or encodes(description))
                        and type(metric) is str
                        and (due is None or type(due) is date)
                        and (
                            target is None
                            or target_type is str
                            or target_type is int
                            or (target_type is float and isfinite(target))
                        )
                    ):
                        # As the model stores it: text targets stripped, then measurable.
                        if (
                            target is not None
                            and metric.strip()
                            and (target_type is not str or target.strip())
                        ):
                            good += 1
                        continue
                    good += _measurable(item)
                elif type(item) is criterion_type:
                    good += _measurable_values(item.__dict__)
                else:
                    good += _measurable(item)
        except _ModelDecides:
            by_model(record)
            continue
        owner_ok = not need_owner or (
            owner is not None and (org is None or org.get_person(owner) is not None)
        )
        deal_ids.append(deal_id)
        if met == wanted and good >= criteria and owner_ok:
            continue  # passed: nothing kept
        findings = (met << shift | min(good, criteria)) << 1 | owner_ok
        failed = masks_of.get(findings)
        if failed is None:
            failed = masks_of[findings] = _failed_checks(plan, findings)
        kept[len(deal_ids) - 1] = (record, failed)  # the record itself, not a copy: see Audit
        masks[failed] = masks.get(failed, 0) + 1


@cache
def _validators() -> tuple[
    Callable[[object], Artifact], Callable[[object], SuccessCriterion], Callable[[object], object]
]:
    """The model's own validators of an artifact, a criterion and ``signed_at``.

    Built on first use, so that importing the package builds no schema.
    """
    from pydantic import AwareDatetime, TypeAdapter

    artifact: Callable[[object], Artifact] = Artifact.__pydantic_validator__.validate_python
    criterion: Callable[[object], SuccessCriterion] = (
        SuccessCriterion.__pydantic_validator__.validate_python
    )
    return artifact, criterion, TypeAdapter(AwareDatetime | None).validate_python


def _aware_text(text: str) -> object:
    """A time given as text (an export's ISO 8601), read as the model reads ``signed_at``.

    Raises:
        _ModelDecides: The model refuses it.
    """
    try:
        return _validators()[2](text)
    except ValidationError:
        raise _ModelDecides from None


def _artifact_values(item: object) -> tuple[str, str, str | None, object]:
    """The kind, status, signer and time of an artifact the scan is not sure of.

    Raises:
        _ModelDecides: The model refuses the artifact.
    """
    try:
        checked = _validators()[0](item)
    except ValidationError:
        raise _ModelDecides from None
    values = checked.__dict__
    return values["kind"], values["status"], values["signed_by"], values["signed_at"]


def _measurable_values(values: Mapping[str, Any]) -> bool:
    """Whether a criterion's stored values make it measurable, as the gate reads them."""
    return bool(values["metric"].strip()) and values["target"] not in (None, "")


def _measurable(item: object) -> bool:
    """Whether a criterion the scan is not sure of is measurable, as the model reads it.

    Raises:
        _ModelDecides: The model refuses the criterion.
    """
    try:
        checked = _validators()[1](item)
    except ValidationError:
        raise _ModelDecides from None
    return _measurable_values(checked.__dict__)
