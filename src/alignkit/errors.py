"""Exceptions: misuse of the Python API, input that cannot mean anything, unusable stores.

The tree::

    AlignkitError
    ├── SpecError (ValueError)          input that cannot mean anything; lists every problem
    ├── UnknownNameError (KeyError)     a lookup of a name that is not there
    ├── PermissionDenied (PermissionError)
    ├── TransitionError (ValueError)    a lifecycle move not allowed from the current state
    ├── GateBlocked                     a quality gate failed; carries the gate's result
    ├── DecisionBlocked                 a decision lacks required input; carries what is missing
    └── StoreError (OSError)            an event store's file cannot be used: missing,
                                        read-only, damaged, or not an event store at all

Input that is valid but unwise is not an exception: it is a
:class:`~alignkit.diagnostics.Diagnostic`.

>>> from alignkit.errors import Problem, SpecError
>>> from alignkit.diagnostics import Location
>>> err = SpecError([
...     Problem("Missing required key 'org'", Location("alignment.yaml", line=4, column=7)),
...     Problem("Expected text, got `7`", Location(path=("people", 1, "id"))),
... ])
>>> print(err)
2 problems:
  alignment.yaml:4:7: Missing required key 'org'
  people[1].id: Expected text, got `7`
>>> isinstance(err, ValueError)
True

Added in 0.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, final

import attrs

from alignkit.diagnostics import Location

__all__ = [
    # the root
    "AlignkitError",
    # a decision blocked
    "DecisionBlocked",
    # what GateBlocked carries
    "FailedCheck",
    "GateBlocked",
    "GateVerdict",
    # what DecisionBlocked carries
    "MissingParty",
    "PermissionDenied",
    # bad input
    "Problem",
    "SpecError",
    # stores
    "StoreError",
    # lifecycles and authorisation
    "TransitionError",
    "UnknownNameError",
]


class AlignkitError(Exception):
    """The root of every exception alignkit raises on purpose.

    Added in 0.1.
    """


@final
@attrs.frozen
class Problem:
    """One thing wrong with some input, and where it is.

    Added in 0.1.
    """

    message: str
    location: Location = attrs.field(factory=Location)
    code: str | None = attrs.field(default=None, kw_only=True)
    """The diagnostic code of this kind of problem, where one applies (``AK012``)."""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SpecError(AlignkitError, ValueError):
    """Input that cannot mean anything, with *every* problem found and where it is.

    Attributes:
        problems: Each problem, with its ``.location`` and ``.message``.

    Added in 0.1.
    """

    problems: list[Problem]

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        """Collect ``problems`` (a single message is one problem without a location)."""
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()

    @classmethod
    def single(cls, message: str, location: Location | None = None) -> SpecError:
        """One problem at one place."""
        return cls([Problem(message, location or Location())])

    def located(self, resolve: Any) -> SpecError:  # noqa: ANN401 - any path -> Location callable
        """A copy whose path-only locations are resolved through ``resolve(path)``."""
        problems = []
        for problem in self.problems:
            loc = problem.location
            if loc.file is None and loc.path:
                found = resolve(loc.path)
                if found is not None:
                    loc = attrs.evolve(found, path=loc.path)
            problems.append(Problem(problem.message, loc, code=problem.code))
        return SpecError(problems)

    def with_code(self, code: str) -> SpecError:
        """A copy whose problems without a code get ``code``."""
        return SpecError(attrs.evolve(p, code=p.code or code) for p in self.problems)


class UnknownNameError(AlignkitError, KeyError):
    """A lookup of a name (a person, a function, a rule) that is not there.

    Added in 0.1.
    """

    def __init__(self, message: str, *, name: str) -> None:
        """Report that ``name`` is unknown."""
        super().__init__(message)
        self.name = name

    def __str__(self) -> str:
        return str(self.args[0])

    @classmethod
    def for_name(cls, kind: str, name: str, known: Iterable[str] = ()) -> UnknownNameError:
        """The standard wording, with the nearest known name suggested."""
        from alignkit._suggest import suggest

        hint = suggest(name, known)
        extra = f"; did you mean {hint!r}?" if hint else ""
        return cls(f"Unknown {kind} {name!r}{extra}", name=name)


class PermissionDenied(AlignkitError, PermissionError):  # noqa: N818 - the documented name
    """An actor tried something their role does not allow.

    Added in 0.1.
    """

    def __init__(
        self, message: str, *, actor: str | None = None, action: str | None = None
    ) -> None:
        """Report that ``actor`` may not do ``action``."""
        super().__init__(message)
        self.actor = actor
        self.action = action


class TransitionError(AlignkitError, ValueError):
    """A lifecycle move that is not allowed from the current state.

    Attributes:
        state: The current state's name.
        move: The move that was tried.
        allowed: The moves allowed from ``state``.

    Added in 0.1.
    """

    def __init__(
        self,
        message: str,
        *,
        state: str | None = None,
        move: str | None = None,
        allowed: Iterable[str] = (),
    ) -> None:
        """Report an illegal move."""
        super().__init__(message)
        self.state = state
        self.move = move
        self.allowed = tuple(allowed)

    @classmethod
    def for_move(
        cls, state: str, move: str, allowed: Iterable[str], *, until: str | None = None
    ) -> TransitionError:
        """The standard wording: the state, the move, and what is allowed instead.

        Args:
            state: The current state's name.
            move: The move that was tried.
            allowed: The moves allowed from ``state``.
            until: When no move is allowed, what else moves the state on (an outside
                event, say). Without it, a state with no moves is called final.

        >>> print(TransitionError.for_move("OPEN", "accept", ["submit", "withdraw"]))
        Cannot accept from state OPEN; allowed from OPEN: submit, withdraw
        >>> print(TransitionError.for_move("PAUSED", "approve", [], until="the budget is set"))
        Cannot approve from state PAUSED; allowed from PAUSED: nothing until the budget is set
        """
        allowed = tuple(allowed)
        if allowed:
            options = ", ".join(allowed)
        elif until is not None:
            options = f"nothing until {until}"
        else:
            options = "nothing (a final state)"
        return cls(
            f"Cannot {move} from state {state}; allowed from {state}: {options}",
            state=state,
            move=move,
            allowed=allowed,
        )


class FailedCheck(Protocol):
    """One failed check of a gate's verdict: which check, why, and how to fix it.

    :class:`alignkit.handoff.GateFailure` is one.

    Added in 0.1.
    """

    @property
    def check(self) -> str:
        """The check's name."""
        ...

    @property
    def reason(self) -> str:
        """Why it failed."""
        ...

    @property
    def fix(self) -> str:
        """How to make it pass."""
        ...


class GateVerdict(Protocol):
    """What a quality gate's result offers, as :class:`GateBlocked` carries it.

    :class:`alignkit.handoff.GateResult` is one; ``str()`` of it is the verdict in
    words. This module sits below every area, so it names what a result offers
    rather than the class.

    Added in 0.1.
    """

    @property
    def gate(self) -> str:
        """The gate's name."""
        ...

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        ...

    @property
    def failures(self) -> Sequence[FailedCheck]:
        """The failed checks, in gate order."""
        ...


class GateBlocked(AlignkitError):  # noqa: N818 - the documented name
    """A quality gate failed, so the move it guards was refused.

    Attributes:
        result: The gate's result, with every failure and how to fix it (typed as
            :class:`GateVerdict`); ``None`` only when whoever raised it
            gave none.

    >>> from alignkit.handoff import GateFailure
    >>> class Verdict:
    ...     gate, passed = "minimum-viable", False
    ...     failures = (GateFailure("signed-sow", "No sow in the package", "Attach it"),)
    >>> error = GateBlocked("The package fails gate minimum-viable", result=Verdict())
    >>> [failure.check for failure in error.result.failures]
    ['signed-sow']

    Added in 0.1.
    """

    def __init__(self, message: str, *, result: GateVerdict | None = None) -> None:
        """Report a failed gate with its ``result``."""
        super().__init__(message)
        self.result: GateVerdict | None = result


class MissingParty(Protocol):
    """What a blocked decision still lacks from one party, as :class:`DecisionBlocked` carries it.

    :class:`alignkit.decision_log.MissingInput` is one; ``str()`` of it says what is
    missing in words. This module sits below every area, so it names what a missing
    input offers rather than the class.

    Added in 0.2.
    """

    @property
    def party(self) -> str:
        """The party the decision rights name (a person id, a function or a team)."""
        ...

    @property
    def need(self) -> str:
        """``"consultation"`` (nobody spoke for it) or ``"agreement"`` (no sign-off, or a veto)."""
        ...

    @property
    def vetoed_by(self) -> str | None:
        """Who vetoed for the party, if a veto stands."""
        ...

    @property
    def voices(self) -> tuple[str, ...]:
        """Who may speak for the party."""
        ...


class DecisionBlocked(AlignkitError):  # noqa: N818 - the documented name, as GateBlocked
    """A decision was refused because required input is missing or vetoed.

    Raised by :meth:`alignkit.decision_log.DecisionLog.decide` when the log requires
    consultation and a party the decision rights name as consulted, or as having to
    agree, is not satisfied.

    Attributes:
        missing: Each party still to consult, each agreement missing, each veto
            (typed as :class:`MissingParty`).

    >>> from alignkit.decision_log import MissingInput
    >>> error = DecisionBlocked.for_record(
    ...     "launch-customer-data-integration",
    ...     "launch-customer-data-integration/1",
    ...     [MissingInput("Sales", "consultation", voices=("vp-sales",))],
    ... )
    >>> print(error)
    Cannot decide `launch-customer-data-integration` (record launch-customer-data-integration/1) yet: Sales was not consulted (vp-sales may speak for it)
    >>> [m.party for m in error.missing]
    ['Sales']

    Added in 0.2.
    """  # noqa: E501 - a doctest's output line

    def __init__(self, message: str, *, missing: Iterable[MissingParty] = ()) -> None:
        """Report a blocked decision with what is ``missing``."""
        super().__init__(message)
        self.missing: tuple[MissingParty, ...] = tuple(missing)

    @classmethod
    def for_record(
        cls, decision_id: str, record_id: str, missing: Iterable[MissingParty]
    ) -> DecisionBlocked:
        """The standard wording: what is missing, who can give it, how to unblock."""
        missing = tuple(missing)
        parts = []
        for item in missing:
            text = str(item)
            if item.vetoed_by is not None:
                text += ": a later agreement from it lifts the veto, or escalate"
            elif item.voices:
                shown = ", ".join(item.voices[:3]) + (" ..." if len(item.voices) > 3 else "")  # noqa: PLR2004
                text += f" ({shown} may speak for it)"
            else:
                text += " (nobody may speak for it: give it a head, members or a leader)"
            parts.append(text)
        return cls(
            f"Cannot decide `{decision_id}` (record {record_id}) yet: " + "; ".join(parts),
            missing=missing,
        )


class StoreError(AlignkitError, OSError):
    """An event store cannot do what was asked with its file.

    The file is missing (for a read-only store), read-only, locked too long, damaged
    (SQLite cannot read it, or an event fails its checksum), or not an alignkit event
    store at all. It is an :class:`OSError`, as a failing file is; the message names
    the file, says what is wrong in plain words, and what to do.

    Attributes:
        path: The store's file.
        reason: What is wrong, in plain words.

    >>> error = StoreError.for_store(
    ...     "handoffs.db", "the file is read-only", hint="open it with read_only=True"
    ... )
    >>> print(error)
    Event store 'handoffs.db': the file is read-only; open it with read_only=True
    >>> isinstance(error, OSError), error.path, error.reason
    (True, 'handoffs.db', 'the file is read-only')

    Added in 0.1.
    """

    def __init__(self, message: str, *, path: str | None = None, reason: str = "") -> None:
        """Report that the store at ``path`` failed because of ``reason``."""
        super().__init__(message)
        self.path = path
        self.reason = reason or message

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    @classmethod
    def for_store(cls, path: str, reason: str, *, hint: str = "") -> StoreError:
        """The standard wording: the file, what is wrong and, with ``hint``, what to do."""
        message = f"Event store {path!r}: {reason}"
        if hint:
            message += f"; {hint}"
        return cls(message, path=path, reason=reason)
