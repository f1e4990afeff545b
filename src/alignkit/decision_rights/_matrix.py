"""The decision rights matrix: its decisions, the queries it answers and what it lends.

:class:`DecisionRights` holds the spec and answers through indexes built once; what
it reads and writes (tables, sheets, YAML), its lint, escalation and explanations are
done by the modules beside this one, which know its parts but not the class.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Final

from pydantic import BaseModel, Field

from alignkit._spec import FrozenDict, FrozenMap, SpecModel, TupleOf
from alignkit._time import now_or, require_aware
from alignkit.decision_rights import _lint, _tabular, _yaml
from alignkit.decision_rights._decision import (
    Decision,
    Delegation,
    people,
    who_decides,
)
from alignkit.decision_rights._escalation import (
    EscalationPath,
    escalation_for,
    escalation_path,
)
from alignkit.decision_rights._explain import (
    DecisionExplanation,
    PartyExplanation,
    TeamLike,
    explain_decision,
    explain_party,
)
from alignkit.decision_rights._index import (
    Deciders,
    Index,
    PartyIndex,
    function_heads,
    index_decisions,
    index_delegations,
    index_parties,
)
from alignkit.decision_rights._scheme import ROLE_FIELDS, Role, Scheme, schemes_with_letter
from alignkit.diagnostics import Location, Report
from alignkit.errors import PermissionDenied, Problem, UnknownNameError

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["DecisionRights"]

_DECIDERS_KEPT: Final = 8
"""How many sets of function heads (orgs that differ in them) a matrix keeps answers for."""
_DECIDERS_LOCK: Final = threading.Lock()


class DecisionRights(SpecModel):
    """A matrix of decisions, with the scheme its letters are written in.

    Build one from the alignment file's ``decision_rights`` section, from a mapping
    (:meth:`from_table`) or from the spreadsheet a team already keeps
    (:meth:`from_csv`). It is immutable: :meth:`delegate` returns a new matrix.

    Two matrices are equal when they say the same thing: the order of parties within
    a role does not matter.

    Added in 0.1.
    """

    scheme: Scheme = Field(default=Scheme.RACI)
    decisions: TupleOf[Decision] = Field(default=(), description="The decisions.")
    owners: FrozenMap[str, str] = Field(
        default_factory=FrozenDict,
        description="Category -> the party that owns decisions of that category.",
    )
    forums: FrozenMap[str, str] = Field(
        default_factory=FrozenDict,
        description="Category -> the forum (or person) that settles disagreements in it.",
    )
    delegations: TupleOf[Delegation] = Field(
        default=(), description="Rights to decide lent by accountable parties."
    )

    def _invariants(self) -> Iterator[Problem]:
        first: dict[str, int] = {}
        for index, decision in enumerate(self.decisions):
            if decision.id in first:
                yield Problem(
                    f"Decision `{decision.id}` is declared twice "
                    f"(first as decisions[{first[decision.id]}])",
                    Location(path=("decisions", index, "id")),
                )
            first.setdefault(decision.id, index)
            for role in (Role.AGREE, Role.RESPONSIBLE, Role.CONSULTED, Role.INFORMED):
                if decision.parties(role) and self.scheme.letter(role) is None:
                    yield Problem(
                        f"The {self.scheme.name} scheme has no letter for {role.value}; "
                        + schemes_with_letter(role),
                        Location(path=("decisions", index, ROLE_FIELDS[role])),
                    )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DecisionRights):
            return NotImplemented
        return self._canonical() == other._canonical()

    def __hash__(self) -> int:
        return hash(self._canonical())

    def _canonical(self) -> tuple[Any, ...]:
        return (
            self.scheme,
            tuple(d._canonical() for d in self.decisions),  # noqa: SLF001 - the package's own
            self.owners,
            self.forums,
            self.delegations,
        )

    # -- building and writing -----------------------------------------------------------

    @classmethod
    def from_table(
        cls,
        table: Mapping[str, Mapping[str, str]],
        *,
        scheme: Scheme = Scheme.RACI,
    ) -> DecisionRights:
        """Build a matrix from ``{decision_id: {party: "A/R", ...}}``.

        Raises:
            SpecError: Every unknown letter, every decision with no or several
                accountable parties, and every id, party or cell that is not text,
                located at ``decision_id.party``.
        """
        return cls._from_rows(_tabular.read_table(table, scheme))

    def to_table(self) -> dict[str, dict[str, str]]:
        """The matrix as ``{decision_id: {party: letters}}`` (the inverse of :meth:`from_table`)."""
        return _tabular.to_table(self.scheme, self.decisions)

    @classmethod
    def from_csv(
        cls,
        source: str | os.PathLike[str] | IO[str],
        *,
        scheme: Scheme = Scheme.RACI,
    ) -> DecisionRights:
        """Read the spreadsheet a team already keeps.

        The first column holds decision ids, the header row the parties; each cell
        holds letters (``A``, ``R``, ``A/R``, ``r, a``, ``c``) or is blank. Columns
        headed ``#title``, ``#category`` and ``#scope`` are read as those fields.
        A quoted cell keeps its text exactly (commas, line breaks, surrounding
        spaces); spaces around an unquoted cell are dropped. Cells escaped against
        formula injection by :meth:`to_csv` are unescaped.

        Args:
            source: A path, or a text stream.
            scheme: The letters the sheet uses.

        Raises:
            SpecError: Every unknown letter, decision with zero or two accountable
                parties, duplicate decision row and duplicate party column, and a
                quote never closed, each with its row (the header is row 1) and
                column.
        """
        return cls._from_rows(_tabular.read_csv(source, scheme, build=cls is DecisionRights))

    @classmethod
    def _from_rows(cls, rows: _tabular.Rows) -> DecisionRights:
        """The matrix of decisions read from a table or a sheet.

        Where reading has checked everything validation would (the usual case), the
        matrix is built without validating each decision again, as
        ``model_construct`` builds it: the same matrix, several times faster.
        Otherwise, and for a subclass, it is validated, and every problem reported.
        """
        decisions = _tabular.trusted(rows) if cls is DecisionRights else None
        if decisions is None:
            return _tabular.validated(cls.model_validate, rows)
        return cls.model_construct({"scheme", "decisions"}, scheme=rows.scheme, decisions=decisions)

    def to_csv(self) -> str:
        """The matrix as CSV, safe to open in a spreadsheet.

        Parties are columns in order of first appearance; ``#title``, ``#category``
        and ``#scope`` columns are added when any decision has them. Every cell is
        written with :class:`~alignkit._csvsafe.SafeCsvWriter`: a cell that a
        spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
        a tab, a line break or NUL, or with one of those right after a ``;``) gets a
        ``'``, and a cell holding a comma, a quote or a line break, or starting or
        ending with white space, is quoted. :meth:`from_csv` undoes both, so
        ``from_csv(to_csv(m), scheme=m.scheme) == m`` for every matrix.

        >>> rights = DecisionRights.from_table({"approve-discount": {"=cmd()": "A/R"}})
        >>> print(rights.to_csv(), end="")
        Decision,'=cmd()
        approve-discount,A/R
        """
        return _tabular.to_csv(self.scheme, self.decisions)

    def to_markdown(self) -> str:
        r"""The matrix as a Markdown table, one row per decision (for docs and reviews).

        In every cell, ``\`` is written ``\\``, ``|`` is written ``\|`` and a line
        break ``\n`` (or ``\r``), so each decision stays one row of the table.

        >>> rights = DecisionRights.from_table({"approve-discount": {"vp-sales": "A/R"}})
        >>> print(rights.to_markdown())
        | Decision | Title | vp-sales |
        | --- | --- | --- |
        | approve-discount | approve-discount | A/R |
        """
        return _tabular.to_markdown(self.scheme, self.decisions)

    def to_data(self) -> dict[str, Any]:
        """The ``decision_rights`` section as plain data, for YAML or JSON.

        Keys left at their defaults are left out (a title equal to the id included).
        """
        return self._section([_yaml.decision_data(decision) for decision in self.decisions])

    def _section(self, decisions: object) -> dict[str, Any]:
        """:meth:`to_data`, with ``decisions`` as given."""
        data: dict[str, Any] = {"scheme": self.scheme.to_data()}
        if self.owners:
            data["owners"] = dict(self.owners)
        if self.forums:
            data["forums"] = dict(self.forums)
        data["decisions"] = decisions
        if self.delegations:
            data["delegations"] = [
                d.model_dump(mode="json", exclude_none=True) for d in self.delegations
            ]
        return data

    def to_yaml(self) -> str:
        """The ``decision_rights`` section as YAML, to paste into an alignment file.

        The text is what ``yaml.safe_dump({"decision_rights": self.to_data()},
        sort_keys=False, allow_unicode=True)`` writes, each value quoted exactly as
        PyYAML quotes it (``'yes'``, ``'1e3'``, ``'a: b'``), except that long values
        stay on one line. It is written directly, so a matrix of 100,000 decisions
        takes about a second.

        >>> table = {"approve-discount": {"vp-sales": "A/R", "yes": "C"}}
        >>> print(DecisionRights.from_table(table).to_yaml(), end="")
        decision_rights:
          scheme: raci
          decisions:
          - id: approve-discount
            accountable: vp-sales
            responsible:
            - vp-sales
            consulted:
            - 'yes'

        Added in 0.1.
        """
        return _yaml.to_yaml(self.decisions, self._section)

    # -- the indexes --------------------------------------------------------------------

    @cached_property
    def _index(self) -> Index:
        return index_decisions(self.decisions)

    @cached_property
    def _delegation_index(self) -> dict[str, tuple[Delegation, ...]]:
        return index_delegations(self._index, self.delegations)

    @cached_property
    def _party_index(self) -> PartyIndex:
        return index_parties(self._index)

    # -- queries ------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of decisions."""
        return len(self.decisions)

    def __contains__(self, decision_id: object) -> bool:
        """True if a decision has this id."""
        return decision_id in self._index.decisions

    def decision(self, decision_id: str) -> Decision:
        """The decision with ``decision_id``.

        Raises:
            UnknownNameError: No such decision (the nearest id is suggested).
        """
        found = self._index.decisions.get(decision_id)
        if found is None:
            raise UnknownNameError.for_name("decision", decision_id, self._index.decisions)
        return found

    def accountable(self, decision_id: str) -> str:
        """The one party accountable for ``decision_id``.

        Raises:
            UnknownNameError: No such decision.
        """
        found = self._index.accountable.get(decision_id)
        if found is None:
            raise UnknownNameError.for_name("decision", decision_id, self._index.decisions)
        return found

    def parties(self, decision_id: str, role: Role) -> frozenset[str]:
        """The parties holding ``role`` in ``decision_id``.

        Raises:
            UnknownNameError: No such decision.
        """
        return frozenset(self.decision(decision_id).parties(role))

    def roles_of(self, party: str) -> dict[str, frozenset[Role]]:
        """Every decision ``party`` holds a role in, with those roles (a new dict)."""
        return dict(self._party_index.roles_of.get(party, {}))

    def decisions_for(self, party: str, role: Role) -> frozenset[str]:
        """The ids of the decisions where ``party`` holds ``role``."""
        return self._party_index.by_role.get((party, role), frozenset())

    def category(self, category: str) -> tuple[str, ...]:
        """The ids of the decisions in ``category``."""
        return self._index.categories.get(category, ())

    def can_decide(
        self,
        person: str,
        decision_id: str,
        org: Org | None = None,
        at: dt.datetime | None = None,
    ) -> bool:
        """True if ``person`` may take ``decision_id`` at ``at``.

        Allowed: the accountable person; where the accountable party is a function,
        that function's head (needs ``org``); and anyone an active delegation names
        (a function delegate means its head). Denied by default: an unknown person or
        decision gives ``False``, never an exception.

        Args:
            person: A person id.
            decision_id: The decision.
            org: Resolves function parties to their heads.
            at: When (timezone-aware); ``None`` means now, read once here and only
                when a delegation has to be judged.

        Raises:
            SpecError: ``at`` is not a timezone-aware datetime.
        """
        cached = self.__dict__.get("_deciders")
        deciders = cached[1] if cached is not None and cached[0] is org else self._deciders_for(org)
        allowed = deciders.allowed.get(decision_id)
        if allowed is None:
            allowed = deciders.fill(decision_id)
            if allowed is None:
                return False
        if person in allowed:
            return True
        lent = deciders.lent.get(decision_id)
        if lent is None:
            return False
        # An aware time in UTC needs no more checking: the common case, made cheap.
        when = at if type(at) is dt.datetime and at.tzinfo is dt.UTC else now_or(at)
        if person not in lent:
            return False
        until = lent[person]
        return until is None or when < until

    def _deciders_for(self, org: Org | None) -> Deciders:
        """Who may decide, for the heads of ``org``'s functions: kept for equal orgs.

        The answers depend on ``org`` only through who heads each function, so they
        are kept by those heads: an equal org (one loaded again for each request,
        say) finds the answers the last one left, at the cost of reading its heads.
        A matrix keeps answers for at most ``_DECIDERS_KEPT`` sets of heads, dropping
        the least recently used; the org last asked with is also found by identity.
        """
        heads = function_heads(org)
        key = heads  # hashable; its hash is computed once per org
        index, delegations = self._index, self._delegation_index
        state = self.__dict__
        with _DECIDERS_LOCK:
            kept: dict[FrozenDict[str, str], Deciders] = state.setdefault("_deciders_kept", {})
            deciders = kept.pop(key, None) or Deciders(heads, index, delegations)
            kept[key] = deciders  # the most recently used last
            while len(kept) > _DECIDERS_KEPT:
                del kept[next(iter(kept))]
            # Like a cached_property: kept in the instance dict, never carried into copies.
            state["_deciders"] = (org, deciders)
        return deciders

    def deciders(
        self, decision_id: str, org: Org | None = None, at: dt.datetime | None = None
    ) -> frozenset[str]:
        """Every party (person ids where ``org`` resolves them) who may decide at ``at``."""
        accountable = self.accountable(decision_id)
        delegations = self._delegation_index.get(decision_id, ())
        if not delegations:
            return who_decides(org, accountable, ())
        when = now_or(at)
        return who_decides(org, accountable, (d.to_party for d in delegations if d.active(when)))

    def must_consult(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people to consult before deciding (functions resolved to members)."""
        return people(org, self.parties(decision_id, Role.CONSULTED))

    def must_agree(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people whose sign-off (a veto) the decision needs."""
        return people(org, self.parties(decision_id, Role.AGREE))

    def must_inform(self, decision_id: str, org: Org) -> frozenset[str]:
        """The ids of the people to inform after deciding (functions resolved to members)."""
        return people(org, self.parties(decision_id, Role.INFORMED))

    # -- changes ------------------------------------------------------------------------

    def delegate(
        self,
        decision_or_category: str,
        from_party: str,
        to_party: str,
        until: dt.datetime | None = None,
    ) -> DecisionRights:
        """A new matrix in which ``from_party`` lends its right to decide to ``to_party``.

        Args:
            decision_or_category: A decision id, or a category (every decision in it
                that ``from_party`` is accountable for).
            from_party: The accountable party.
            to_party: Who may decide instead.
            until: When the delegation ends (timezone-aware); ``None`` for open-ended.

        Raises:
            PermissionDenied: ``from_party`` is not accountable for it.
            UnknownNameError: Neither a decision id nor a category.
            SpecError: ``until`` is not a timezone-aware datetime.
        """
        index = self._index
        if decision_or_category in index.decisions:
            kind = "decision"
            held: Sequence[str] = [decision_or_category]
        elif decision_or_category in index.categories:
            kind = "category"
            held = index.categories[decision_or_category]
        else:
            raise UnknownNameError.for_name(
                "decision or category",
                decision_or_category,
                [*index.decisions, *index.categories],
            )
        if not any(index.accountable[d] == from_party for d in held):
            owner = index.accountable[held[0]] if kind == "decision" else "another party"
            raise PermissionDenied(
                f"Only the accountable party may delegate {kind} `{decision_or_category}`: "
                f"`{from_party}` is not accountable for it (`{owner}` is)",
                actor=from_party,
                action="delegate",
            )
        if until is not None:
            require_aware(until, ("until",))
        delegation = Delegation(
            decision=decision_or_category if kind == "decision" else None,
            category=decision_or_category if kind == "category" else None,
            from_party=from_party,
            to_party=to_party,
            until=until,
        )
        # The decisions did not change: copy without validating them again, keeping the
        # indexes that do not depend on delegations.
        copied = BaseModel.model_copy(self, update={"delegations": (*self.delegations, delegation)})
        for name in ("_delegation_index", "_deciders", "_deciders_kept"):
            copied.__dict__.pop(name, None)
        return copied

    # -- escalation ---------------------------------------------------------------------

    def escalation_path(self, decision_a: str, decision_b: str, org: Org) -> EscalationPath:
        """Who settles a disagreement between the deciders of two decisions.

        A forum configured for the shared category settles it first; otherwise the
        lowest common manager of the two deciding people, so disagreement is settled
        at the lowest level that can, not at the top.

        Raises:
            UnknownNameError: Either decision is unknown.
        """
        return escalation_path(
            self.decision(decision_a), self.decision(decision_b), self.forums, org
        )

    def escalation_for(
        self, decision_id: str, person_a: str, person_b: str, org: Org
    ) -> EscalationPath:
        """Who settles a disagreement about one decision between two people.

        The forum of the decision's category settles it first; otherwise the lowest
        common manager of the two (one of them, if one manages the other). For a
        veto, the two are the party who vetoed and the decider. A
        :class:`~alignkit.decision_log.DecisionLog` lets the party named here decide.

        >>> from alignkit.org import Function, Org, Person
        >>> org = Org(
        ...     functions=[Function("Marketing", "vp-m"), Function("IT", "cio")],
        ...     people=[Person("ceo", "Dana Reyes", "Marketing"),
        ...             Person("vp-m", "Chloe Dubois", "Marketing", "ceo"),
        ...             Person("cio", "Victor Hale", "IT", "ceo")],
        ... )
        >>> rights = DecisionRights(decisions=[{"id": "launch", "accountable": "Marketing"}])
        >>> rights.escalation_for("launch", "vp-m", "cio", org).settled_by
        'ceo'

        Raises:
            UnknownNameError: ``decision_id`` is not in the matrix.

        Added in 0.2.
        """
        return escalation_for(self.decision(decision_id), self.forums, person_a, person_b, org)

    # -- explanations -------------------------------------------------------------------

    def explain_decision(
        self, decision_id: str, org: Org, *, at: dt.datetime | None = None
    ) -> DecisionExplanation:
        """Who decides ``decision_id`` at ``at`` and why, and who else holds a role in it.

        The accountable party decides; where it is a function, its head does, and so
        does anyone an active delegation names. The other roles come with the people
        behind them: a function stands for its members.

        Args:
            decision_id: The decision.
            org: Resolves functions to their heads and members.
            at: When (timezone-aware); ``None`` means now.

        Raises:
            UnknownNameError: No such decision (the nearest id is suggested).
            SpecError: ``at`` is not a timezone-aware datetime.

        >>> import datetime as dt
        >>> from alignkit.org import Function, Org, Person
        >>> org = Org(
        ...     functions=[Function("Sales", "vp-sales"), Function("Finance", "cfo")],
        ...     people=[
        ...         Person("vp-sales", "Sam Okafor", "Sales"),
        ...         Person("ae-1", "Lee Park", "Sales", "vp-sales"),
        ...         Person("cfo", "Helen Brooks", "Finance"),
        ...     ],
        ... )
        >>> rights = DecisionRights.from_table(
        ...     {"approve-discount": {"Sales": "A", "ae-1": "R", "Finance": "C"}}
        ... )
        >>> until = dt.datetime(2027, 1, 31, tzinfo=dt.UTC)
        >>> lent = rights.delegate("approve-discount", "Sales", "ae-1", until=until)
        >>> explained = lent.explain_decision("approve-discount", org, at=until - dt.timedelta(1))
        >>> explained.accountable, explained.head, sorted(explained.deciders)
        ('Sales', 'vp-sales', ['ae-1', 'vp-sales'])
        >>> explained.consulted.parties, explained.consulted.people
        (('Finance',), frozenset({'cfo'}))
        >>> sorted(lent.explain_decision("approve-discount", org, at=until).deciders)
        ['vp-sales']

        Added in 0.1.
        """
        when = now_or(at)
        decision = self.decision(decision_id)
        return explain_decision(
            decision,
            self._delegation_index.get(decision.id, ()),
            org,
            when,
            owners=self.owners,
            forums=self.forums,
        )

    def explain_party(
        self,
        party: str,
        org: Org,
        *,
        at: dt.datetime | None = None,
        teams: Iterable[TeamLike] = (),
    ) -> PartyExplanation:
        """What ``party`` may do in each decision it takes part in, at ``at``.

        For a person, each decision shows the roles they hold directly, those their
        function or team holds (as its head or a member), and whether they decide,
        exactly as :meth:`can_decide` answers: as the accountable person, as the
        head of the accountable function, or by a delegation active at ``at``
        (to them, or to a function they head). A function, team or other party
        shows its own roles and the delegations it may decide by.

        Args:
            party: A person id, a function or team name, or any party the matrix names.
            org: Resolves people, functions and their heads.
            at: When (timezone-aware); ``None`` means now.
            teams: The teams people belong to (such as
                :class:`alignkit.squads.Team`: anything with a ``name`` and
                ``members`` with an ``id``); their names are parties too.

        Raises:
            UnknownNameError: ``party`` is nobody: not in the org, not a team, and
                named by no decision or delegation (the nearest id, or the person of
                the nearest name, is suggested).
            SpecError: ``at`` is not a timezone-aware datetime.

        >>> from alignkit.org import Function, Org, Person
        >>> org = Org(
        ...     functions=[Function("Sales", "vp-sales"), Function("Finance", "cfo")],
        ...     people=[
        ...         Person("vp-sales", "Sam Okafor", "Sales"),
        ...         Person("ae-1", "Lee Park", "Sales", "vp-sales"),
        ...         Person("cfo", "Helen Brooks", "Finance"),
        ...     ],
        ... )
        >>> rights = DecisionRights.from_table(
        ...     {
        ...         "approve-discount": {"Sales": "A", "ae-1": "R", "Finance": "C"},
        ...         "set-billing-terms": {"Finance": "A", "Sales": "C"},
        ...     }
        ... )
        >>> for involved in rights.explain_party("vp-sales", org).decisions:
        ...     print(involved.decision.id, involved.decides, involved.authority)
        approve-discount True Authority(head_of='Sales', delegation=None)
        set-billing-terms False None
        >>> terms = rights.explain_party("ae-1", org).decisions[1]
        >>> terms.decision.id, [(held.group, held.as_head, held.roles) for held in terms.through]
        ('set-billing-terms', [('Sales', False, frozenset({<Role.CONSULTED: 'consulted'>}))])
        >>> sorted(rights.explain_party("cfo", org).decides)
        ['set-billing-terms']

        Added in 0.1.
        """
        when = now_or(at)
        return explain_party(
            party,
            org,
            when,
            teams,
            index=self._index,
            parties=self._party_index,
            delegations=self._delegation_index,
            declared=self.delegations,
        )

    # -- lint ---------------------------------------------------------------------------

    def lint(
        self,
        org: Org | None = None,
        *,
        max_consulted: int = 5,
        max_accountable_share: float = 0.25,
        bottleneck_min_decisions: int = 8,
        max_vetoes: int = 5,
        extra_parties: Iterable[str] = (),
        strategic_scopes: Iterable[str] = ("strategic",),
    ) -> Report:
        """Report what is valid but unwise. Codes ``DR001``-``DR011``.

        Args:
            org: Needed for the checks about people and functions.
            max_consulted: More consulted parties than this slows decisions (DR004).
            max_accountable_share: A decider holding more than this share of all
                decisions is a bottleneck (DR005).
            bottleneck_min_decisions: DR005 needs at least this many decisions.
            max_vetoes: A party with a veto (agree) on more decisions is flagged (DR008).
            extra_parties: Other valid party names, such as team names.
            strategic_scopes: Scopes where a decision at the top is expected (DR007).

        Returns:
            The findings, placed at field paths under ``decisions``.
        """
        return Report(
            _lint.lint(
                self._index,
                self.delegations,
                self.owners,
                self.forums,
                org,
                max_consulted=max_consulted,
                max_accountable_share=max_accountable_share,
                bottleneck_min_decisions=bottleneck_min_decisions,
                max_vetoes=max_vetoes,
                extra_parties=frozenset(extra_parties),
                strategic_scopes=frozenset(strategic_scopes),
            )
        )
