"""Handoff packages: what Sales hands to Operations for one deal, and its documents."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    JsonValue,
    PlainSerializer,
    field_validator,
)

from alignkit._spec import FrozenDict, SpecModel, TupleOf
from alignkit.handoff._json import frozen_json, thawed_json

__all__ = [
    "DEFAULT_ARTIFACT_KINDS",
    "Artifact",
    "ArtifactStatus",
    "HandoffPackage",
    "SuccessCriterion",
]

DEFAULT_ARTIFACT_KINDS: Final = frozenset(
    {"scoping_document", "sow", "success_plan", "security_review", "technical_design"}
)
"""Artifact kinds known without declaring them in the alignment file."""

ArtifactStatus = Literal["draft", "complete", "signed"]
"""Where an artifact stands: a draft, complete, or signed."""

_NO_FIELDS: Final[FrozenDict[str, Any]] = FrozenDict()
"""The fields of a package without any: read-only, so every such package shares it."""


def _no_fields() -> FrozenDict[str, Any]:
    return _NO_FIELDS


def _thawed_fields(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """:func:`thawed_json`, with nothing to do for no fields, what most packages have."""
    if (type(value) is dict and not value) or value is _NO_FIELDS:
        return {}
    return thawed_json(value)


def _frozen_fields(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """:func:`frozen_json`, with the shared empty mapping for no fields."""
    if type(value) is dict and not value:
        return _NO_FIELDS
    return frozen_json(value)


class Artifact(SpecModel):
    """A document in a handoff package: scoping document, SOW, success plan ...

    >>> Artifact("sow", status="signed", signed_by="Globex CFO").status
    'signed'

    Added in 0.1.
    """

    kind: str = Field(min_length=1, description="What it is: scoping_document, sow ...")
    name: str = Field(default="", description="Its title, for people.")
    location: str | None = Field(default=None, description="Where to find it (a URL).")
    status: ArtifactStatus = Field(default="draft", description="draft, complete or signed.")
    signed_by: str | None = Field(default=None, min_length=1, description="Who signed it.")
    signed_at: AwareDatetime | None = Field(default=None, description="When it was signed.")

    def __init__(
        self,
        kind: str,
        name: str = "",
        location: str | None = None,
        status: ArtifactStatus = "draft",
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


class HandoffPackage(SpecModel):
    """What Sales hands to Operations for one deal.

    Immutable, ``fields`` included (its objects are read-only mappings, its arrays
    tuples): a package that was checked stays as it was.

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
        BeforeValidator(_thawed_fields),
        AfterValidator(_frozen_fields),
        PlainSerializer(thawed_json),
    ] = Field(
        default_factory=_no_fields,
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
