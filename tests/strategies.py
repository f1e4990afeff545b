"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from hypothesis import strategies as st

from alignkit.diagnostics import Diagnostic, Location, Severity
from alignkit.org import Function, Org, Person

# Ids as people write them: letters, digits, dashes; never empty.
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
names = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s != "")

severities = st.sampled_from(list(Severity))

locations = st.builds(
    Location,
    st.none() | st.sampled_from(["alignment.yaml", "people.csv"]),
    line=st.none() | st.integers(1, 500),
    column=st.none() | st.integers(1, 80),
    path=st.lists(st.one_of(st.integers(0, 50), ids), max_size=4).map(tuple),
)

diagnostics = st.builds(
    Diagnostic,
    st.sampled_from(["ORG001", "ORG006", "AK001", "ORG009"]),
    severities,
    st.text(min_size=1, max_size=40),
    location=st.none() | locations,
    hint=st.none() | st.text(min_size=1, max_size=30),
    target=st.none() | ids,
)


@st.composite
def orgs(draw: st.DrawFn, *, max_people: int = 25, allow_broken: bool = True) -> Org:
    """A random org: a forest of reporting lines, optionally with broken links and cycles."""
    functions = draw(
        st.lists(
            st.sampled_from(["Sales", "IT", "Ops", "Finance"]), min_size=1, max_size=4, unique=True
        )
    )
    n = draw(st.integers(1, max_people))
    person_ids = [f"p{i}" for i in range(n)]
    people = []
    for i, pid in enumerate(person_ids):
        if allow_broken:
            choice = draw(st.sampled_from(["none", "earlier", "any", "unknown"]))
        else:
            choice = draw(st.sampled_from(["none", "earlier"]))
        if choice == "earlier" and i > 0:
            manager: str | None = person_ids[draw(st.integers(0, i - 1))]
        elif choice == "any":
            manager = person_ids[draw(st.integers(0, n - 1))]
        elif choice == "unknown":
            manager = "ghost"
        else:
            manager = None
        people.append(Person(pid, f"Person {i}", draw(st.sampled_from(functions)), manager))
    heads = [
        Function(name, head=draw(st.none() | st.sampled_from(person_ids))) for name in functions
    ]
    return Org(people=people, functions=heads)


# -- decision rights -----------------------------------------------------------------------

from alignkit.decision_rights import DecisionRights, Role, Scheme  # noqa: E402

# Free text as people type it in spreadsheets: spaces inside, punctuation, a leading = or +.
_FREE = st.characters(
    whitelist_categories=("L", "N", "P", "S"),
    whitelist_characters=" =+-@'#|\\,;/\"",
)
free_text = st.text(_FREE, min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def matrices(draw: st.DrawFn, *, scheme: Scheme | None = None) -> DecisionRights:
    """A random matrix with exactly one accountable per decision."""
    chosen = scheme or draw(st.sampled_from([Scheme.RACI, Scheme.RAPID, Scheme.DACI]))
    parties = draw(st.lists(free_text, min_size=1, max_size=8, unique=True))
    ids = draw(st.lists(free_text, min_size=0, max_size=8, unique=True))
    rows = []
    for decision_id in ids:
        accountable = draw(st.sampled_from(parties))
        row: dict[str, object] = {"id": decision_id, "accountable": accountable}
        for field in ("responsible", "agree", "consulted", "informed"):
            if chosen.letter(Role(field)) is None:  # RACI has no agree, RAPID no informed
                continue
            row[field] = draw(st.lists(st.sampled_from(parties), unique=True, max_size=3))
        if draw(st.booleans()):
            row["title"] = draw(free_text)
        if draw(st.booleans()):
            row["category"] = draw(st.sampled_from(["data", "pricing", "=cat"]))
        rows.append(row)
    return DecisionRights(scheme=chosen, decisions=rows)
