"""What a quality gate reports: named checks, failures and results, and its fused plan.

Apart from the gate itself, so that what reads results (the bulk audit) need not
import the gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final, final

import attrs

from alignkit.handoff._checks import Check, CheckOutcome

if TYPE_CHECKING:
    from alignkit.handoff._package import HandoffPackage
    from alignkit.org import Org

__all__ = ["FusedPlan", "GateFailure", "GateResult", "NamedCheck"]


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


@final
@attrs.frozen
class FusedPlan:
    """What a gate of declarative built-ins asks of a package, for one pass to check.

    ``rules`` maps an artifact kind to the statuses it must have, its "present" bit
    and its "signed" bit (0 when not asked); a package passes when the bits of its
    artifacts make ``wanted``, it has ``criteria`` measurable success criteria, and
    (with ``owner``) an owner known to ``org``. ``conditions`` says, for each check in
    gate order, what failing it means: the artifact bits it needs, the criteria it
    needs, and whether it needs the owner.
    """

    rules: Mapping[str, tuple[frozenset[str], int, int]]
    wanted: int
    criteria: int
    owner: bool
    org: Org | None
    conditions: tuple[tuple[int, int, bool], ...]

    def failed_checks(self, met: int, good: int, *, owner_ok: bool) -> int:
        """The checks (bit ``i`` for the ``i``-th) that a package with these findings fails."""
        mask = 0
        for index, (bits, minimum, owner) in enumerate(self.conditions):
            if bits & ~met or good < minimum or (owner and not owner_ok):
                mask |= 1 << index
        return mask
