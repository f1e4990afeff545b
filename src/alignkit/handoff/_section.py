"""The alignment file's ``handoffs`` section: who hands to whom, gates, owner rules.

It builds what the rest of the package runs (a :class:`QualityGate`, an owner rule, a
:class:`HandoffDesk`), and its lint raises the ``HO`` codes of
:mod:`alignkit.handoff._rules`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from alignkit._spec import PresetName, SpecModel, TupleOf, also_accepts, declared_twice
from alignkit.diagnostics import Diagnostic, Location
from alignkit.errors import Problem, UnknownNameError
from alignkit.handoff._checks import CheckSpec
from alignkit.handoff._crm import DealEvent, payload_owner
from alignkit.handoff._desk import HandoffDesk, OwnerRule
from alignkit.handoff._gate import QualityGate
from alignkit.handoff._package import DEFAULT_ARTIFACT_KINDS
from alignkit.handoff._rules import (
    DROP_UNKNOWN_CHECK,
    GATE_WITHOUT_CHECKS,
    OWNER_RULE_UNKNOWN_FUNCTION,
    UNKNOWN_ARTIFACT_KIND,
    UNKNOWN_HANDOFF_FUNCTION,
)

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["GateSpec", "HandoffsSection", "OwnerRuleSpec"]


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
                owner = payload_owner(event)
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
