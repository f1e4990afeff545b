"""Checks of a handoff package: what one check found, and the declarative checks.

A check is any callable from a package to a :class:`CheckOutcome`; the built-in ones
are specs, so an alignment file can declare them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Final, Literal, final

import attrs
from pydantic import AwareDatetime, Field, field_validator

from alignkit._spec import SpecModel, TupleOf
from alignkit.handoff._package import ArtifactStatus, HandoffPackage

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = [
    "PASS",
    "ArtifactPresent",
    "ArtifactSigned",
    "BuiltinCheck",
    "Check",
    "CheckOutcome",
    "CheckSpec",
    "CriteriaMeasurable",
    "FieldPresent",
    "OwnerAssigned",
]


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
        return PASS

    @classmethod
    def fail(cls, reason: str, fix: str = "") -> CheckOutcome:
        """A failure with its reason and fix."""
        return cls(passed=False, reason=reason, fix=fix)


PASS: Final = CheckOutcome(passed=True)

Check = Callable[[HandoffPackage], CheckOutcome]
"""A check is any callable from a package to an outcome (a ``bool`` is taken too)."""


class BuiltinCheck(SpecModel):
    """What every declarative check has: the name its failures are reported under."""

    name: str | None = Field(
        default=None, min_length=1, description="The name failures are reported under."
    )


class ArtifactPresent(BuiltinCheck):
    """An artifact of ``kind`` is present with one of ``statuses``.

    Added in 0.1.
    """

    check: Literal["artifact_present"] = "artifact_present"
    kind: str = Field(min_length=1)
    statuses: TupleOf[ArtifactStatus] = Field(default=("complete", "signed"), min_length=1)

    def __call__(self, package: HandoffPackage) -> CheckOutcome:
        """Run the check."""
        kind, statuses = self.kind, self.statuses
        for artifact in package.artifacts:  # the common case: pass at the first match
            if artifact.kind == kind and artifact.status in statuses:
                return PASS
        found = package.artifacts_of(kind)
        wanted = " or ".join(self.statuses)
        if found:
            have = ", ".join(sorted({a.status for a in found}))
            return CheckOutcome.fail(
                f"The {self.kind} is {have}, not {wanted}", f"Finish the {self.kind}"
            )
        return CheckOutcome.fail(f"No {self.kind} in the package", f"Attach a {wanted} {self.kind}")


class ArtifactSigned(BuiltinCheck):
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
                    return PASS
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
            return PASS
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


class CriteriaMeasurable(BuiltinCheck):
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
                    return PASS
        good = [c for c in package.success_criteria if c.measurable]
        vague = len(package.success_criteria) - len(good)
        reason = f"{len(good)} measurable customer success criteria, {self.minimum} needed"
        if vague:
            reason += f" ({vague} without a metric and target)"
        return CheckOutcome.fail(
            reason, "Agree with the customer what success is, as a metric and a target"
        )


class OwnerAssigned(BuiltinCheck):
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
        return PASS


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


class FieldPresent(BuiltinCheck):
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
        return PASS


CheckSpec = ArtifactPresent | ArtifactSigned | CriteriaMeasurable | OwnerAssigned | FieldPresent
"""The declarative checks an alignment file can use."""
