"""The glossary's prose check on 10,000 weekly updates, against proselint.

In one run, this script:

* generates, from a fixed seed and before any clock starts (in a child process, so
  that this one stays small), ``--size`` weekly cross-functional updates in Markdown
  (10,000 by default, about 5 MB): each of 3-12 sentences in 1-4 paragraphs, half
  under a heading, some with subheadings, bullet lists, code spans, links, wrapped
  lines or a fenced code block; the news of one of nine functions mixed with
  general, long (over 25 words) and hard (long words) sentences. The vocabulary
  mixes plain words with business acronyms (ARR, NRR, KPIs, SaaS, B2B, Q3, P1, CRM,
  CI, EMEA, LATAM, EBITDA, CEO ...), in a quarter of the updates spelled out at
  their first use ("Annual Recurring Revenue (ARR)", "ARR (annual recurring
  revenue)"), ticket ids (JIRA-123), amounts ($1.3M), emphasis (URGENT, BLOCKER,
  NOTE, ACTION REQUIRED), Phase II and Tier II, jargon ("synergy", "deep dive",
  "touch base", "low-hanging fruit") and deprecated terms (Closed-Won, Closed-Lost,
  hot lead). The glossary is 22 ``Term`` objects: 12 acronyms, 3 with plain words
  (churn, runway, technical debt), 3 deprecated with their replacements, and 4
  plain terms;
* times, each contender in a fresh child process, ``--runs`` times (3 by default) in
  alternating order (A B, then B A, ...), after one untimed run of each on 200
  updates that fills a private bytecode cache:

  - ``alignkit`` (this interpreter): ``import alignkit.glossary``, building the
    ``Glossary`` of ``Term`` objects, then ``glossary.check_text(text)`` (the default
    limits: 25 words a sentence, grade 9) on every update, the findings kept;
  - ``proselint`` (``--proselint-python``, an environment of its own; 0.16's Python
    API): importing ``proselint.checks``, ``proselint.config``, ``proselint.registry``
    and ``proselint.tools``, ``CheckRegistry().register_many(checks.__register__)``,
    then ``LintFile("<update>", text).lint(config.DEFAULT)`` (its default checks) on
    every update, the results kept: in one process, as a library, not a command per
    text;

  each child reads the updates from a JSON file before its clock starts, and times
  the import, the set-up and the check apart. The figures are the check alone and
  the import, set-up and check together, as seconds and as updates per second, and
  the peak memory of the whole child (``ru_maxrss`` from ``os.wait4``; the child's
  own peak after reading the updates is shown beside it);
* reports, from the last run, the findings of each over all the updates, by code
  (alignkit: GL101-GL105) and by check (proselint), with the texts flagged most
  often, and the findings of each on a sample of 5 updates with the updates
  themselves (alignkit: code and flagged text; proselint: check and matched text).
  The two apply different rules: the counts describe each tool, they are not a score.

Each figure is the median (min-max) over the runs; the ratio alignkit / proselint
divides alignkit's time per update by proselint's, run by run.

proselint checks every update by default (5-7 ms an update: about a minute a run, most
of a default run's 4-5 minutes). ``--proselint-size N`` makes it check only the first
N, to shorten a run; its check time is then scaled to ``--size`` updates, the output
says so, and its findings are those of the N updates.

Target: alignkit's check at least as fast as proselint's per update, that is
``alignkit / proselint <= 1`` for the check alone.

Set up the proselint environment once::

    python3 -m venv /tmp/proselint-venv
    /tmp/proselint-venv/bin/pip install proselint

Usage::

    python benchmarks/bench_glossary.py [--size 10000] [--runs 3] [--json-out PATH]
        [--proselint-python /tmp/proselint-venv/bin/python] [--proselint-size N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from _common import (
    add_common_arguments,
    child_env,
    machine,
    machine_line,
    median_range,
    positive_int,
    ratio,
    run_child,
    write_json,
)

# alignkit and proselint are imported in the children only: proselint runs in an
# environment of its own, and this process stays small (a child's ru_maxrss starts at
# the peak of the process it was started from).

HERE = Path(__file__).resolve().parent
SEED = 20260917
FULL = 10_000
RUNS = 3
PROSELINT_PYTHON = "/tmp/proselint-venv/bin/python"  # noqa: S108 - the environment the docs name
SAMPLE = 5
WARM_UP = 200
"""Texts each contender checks in its untimed run, which fills the bytecode cache."""

# -- the updates -------------------------------------------------------------------------

FUNCTIONS = (
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "Engineering",
    "Product",
    "Operations",
    "Support",
    "People",
)
SPELLED = {
    "ARR": "Annual Recurring Revenue",
    "NRR": "Net Revenue Retention",
    "MRR": "monthly recurring revenue",
    "KPIs": "key performance indicators",
    "SaaS": "software as a service",
    "B2B": "business-to-business",
    "CRM": "customer relationship management",
    "CI": "continuous integration",
    "QBR": "quarterly business review",
    "ROI": "return on investment",
    "GTM": "go-to-market",
    "SSO": "single sign-on",
    "PRD": "product requirements document",
    "ETA": "estimated time of arrival",
    "SMB": "small and medium-sized business",
    "CAC": "customer acquisition cost",
    "API": "application programming interface",
    "NPS": "Net Promoter Score",
    "EOD": "end of day",
    "P1": "priority one",
    "EBITDA": "earnings before interest, taxes, depreciation and amortization",
}
"""What each acronym stands for, written out at its first use in about one update in four."""
ACRONYMS = frozenset(
    {*SPELLED, "CSAT", "OKRs", "MQLs", "SQLs", "SLA", "ICP", "LTV", "EMEA", "APAC", "FYI", "CEO"}
)
REGIONS = ("EMEA", "APAC", "North America", "the DACH region", "the Nordics", "LATAM")
FEATURES = (
    "bulk export",
    "usage-based billing",
    "guided onboarding",
    "audit logs",
    "partner portal",
    "role-based access",
    "mobile app",
    "saved reports",
)
TOPICS = ("pricing", "security reviews", "renewals", "data residency", "onboarding", "forecasting")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SERVICES = ("billing-sync", "auth-service", "search-api", "invoice-worker", "crm-bridge")
PROJECTS = ("JIRA", "OPS", "ENG", "SUP", "FIN", "MKT")
COMMANDS = ("make deploy", "kubectl rollout restart", "FEATURE_FLAG_CRM_V2", "retry_limit=5")
LINK_TEXTS = ("the dashboard", "the incident doc", "the deck", "this thread", "the KPI dashboard")

BY_FUNCTION: dict[str, tuple[str, ...]] = {
    "Sales": (
        "{ARR} grew {pct} this week, driven by {n} new {B2B} logos in {region}.",
        "We moved {n} deals to Closed-Won, worth {money} in total.",
        "The {CRM} cleanup is {pct} done, and the rest is tracked in {ticket}.",
        "Pipeline coverage for {q} is {x}x, which is below the 3x we aim for.",
        "Two Closed-Lost deals cited price, so we will review discounts with Finance.",
        "Every hot lead from the webinar now has an owner and a first call booked.",
        "Bookings for the month are at {money}, {pct} ahead of plan.",
        "The {QBR} with our largest {SaaS} customer is on {day}.",
        "We are very close to a signed order form with the retail prospect.",
    ),
    "Marketing": (
        "The webinar on {topic} drew {n} sign-ups and {n} {MQLs}.",
        "We will do a deep dive on paid search next week to see where the spend goes.",
        "Our {SaaS} comparison page now ranks on the first page for {n} keywords.",
        "The {GTM} plan for {feature} is in [the deck]({url}).",
        "Cost per lead fell to {money2} after we paused two channels.",
        "The {ROI} of the trade show was lower than we hoped, at {x}x.",
        "Brand search volume is up {pct} since the launch.",
        "We need final copy for the {feature} launch email by {day}.",
    ),
    "Customer Success": (
        "{NRR} for the enterprise segment is {rate}, up from {rate} last quarter.",
        "Churn risk: {n} accounts flagged, mostly {SMB} customers on the legacy plan.",
        "{CSAT} held at {score} out of 5 across {n} tickets.",
        "Three renewals slipped to {q}; each has a plan and an executive sponsor.",
        "We ran {n} onboarding sessions and cut time to first value to {n} days.",
        "{NPS} is {n}, with most detractors citing slow support replies.",
        "The health score model now uses product usage as well as ticket volume.",
    ),
    "Finance": (
        "Annual Recurring Revenue (ARR) closed the month at {money}.",
        "Burn is on plan and runway stays at {n} months.",
        "{CAC} payback is {n} months, so please hold new paid channels until {q} planning.",
        "Expense reports for {q} are due by {day}.",
        "{MRR} from annual plans is now {share} of the total.",
        "The audit team asked for contract copies for every deal over {money}.",
        "Gross margin is {share}, in line with the forecast.",
        "Adjusted {EBITDA} margin is {pct}, ahead of the budget.",
    ),
    "Engineering": (
        "The {CI} pipeline is green again after the fix in {ticket}.",
        "We shipped a hotfix for the login timeout; see `{service}` v{version}.",
        "Latency on the search endpoint dropped from {ms} ms to {ms} ms after the sharding change.",
        (
            "{P1} incident on {day}: the billing sync stopped for {n} minutes, and the postmortem"
            " is in [the incident doc]({url})."
        ),
        "Tech debt work continues in Phase II of the migration, with {n} tickets left.",
        "The {API} rate limits now apply per workspace rather than per user.",
        "Please run `{command}` before you merge into main.",
        "{SSO} for the EU cluster is live behind a flag.",
        "We are refactoring the export job so that it can backfill missing rows.",
    ),
    "Product": (
        "The {PRD} for {feature} is ready for review by {day}.",
        "We need input from Sales on which {KPIs} matter most for the dashboard.",
        "Beta feedback on {feature} is positive, and {n} of {n2} customers would pay for it.",
        "Research interviews this week covered {topic} with {n} admins.",
        "We cut {feature} from the {q} roadmap to make room for {feature}.",
        "The {ICP} review moved three segments from target to watch.",
        "Usage of {feature} grew {pct} week over week.",
    ),
    "Operations": (
        "URGENT: please submit your {q} {OKRs} updates by {day} {EOD}.",
        "Tier II support now covers {region} hours.",
        "The new vendor for laptops starts on {day}, with an {ETA} of two weeks for orders.",
        "Procurement approved the {SaaS} tools on the list in {ticket}.",
        "The office move is on track for {q}.",
        "Access reviews are {share} complete; managers who have not finished will get a reminder.",
    ),
    "Support": (
        "Ticket volume was {n}, {pct} above a normal week, mostly about {feature}.",
        "First response time met the {SLA} on {share} of tickets.",
        "We escalated {n} {P1} tickets to Engineering, all linked to {ticket}.",
        "The help article on {topic} cut related tickets by {pct}.",
        "Weekend coverage in {region} is short by one person until {day}.",
    ),
    "People": (
        "Open roles: {n} in Engineering, {n2} in Sales and one in Finance.",
        "The {CEO} all-hands is on {day} at 4 pm.",
        "Performance reviews start in {q}; managers get the templates on {day}.",
        "We hired {n} people this month, and onboarding feedback is {score} out of 5.",
        "Benefits enrolment closes on {day}.",
    ),
}
GENERAL = (
    "Let's touch base on {day} about the synergy between the onboarding and support teams.",
    "We will circle back with {function} once we have the numbers.",
    "Thanks to {function} for the quick turnaround on {ticket}.",
    "No blockers this week.",
    "FYI, the {q} planning doc is now open for comments.",
    "The {SLA} dashboard is in [the dashboard]({url}).",
    "At the end of the day, we need one owner for {topic}.",
    "Going forward, please utilize the shared channel for questions.",
    "Details are in {ticket} and {ticket}.",
    "This is a low-hanging fruit, and it could move the needle for {feature}.",
    "We are basically done with the {topic} review.",
    "BLOCKER: we still need legal sign-off on the contract template for {region}.",
    "ACTION REQUIRED: confirm your team's {q} headcount by {day}.",
    "NOTE: the numbers below are preliminary.",
    "The plan for {q} has not changed.",
)
LONG = (
    (
        "Because the {CRM} export that {function} relies on for the weekly forecast still drops"
        " rows when an account has more than one owner, we have asked Engineering to look at it,"
        " and until they do we will reconcile the numbers by hand every Monday."
    ),
    (
        "If we want the {feature} launch to land in {q}, we need {function} to sign off on the"
        " pricing, Support to finish the help articles and Marketing to lock the launch date by"
        " {day} at the latest."
    ),
    (
        "The migration to the new billing system went better than we expected, although a handful"
        " of customers on legacy annual plans saw duplicate invoices, which Finance refunded on the"
        " same day with an apology."
    ),
    (
        "We compared {n} accounts that adopted {feature} in the first month with {n2} that did not,"
        " and the adopters renewed at a noticeably higher rate even after we controlled for size"
        " and region."
    ),
)
HARD = (
    (
        "Operationalising the reorganisation necessitates considerable interdepartmental"
        " coordination and prioritisation."
    ),
    (
        "Implementation of the consolidated accountability methodology remains substantially"
        " dependent on organisational capability."
    ),
    (
        "Additionally, the recommendation emphasises standardisation of documentation across"
        " geographically distributed functional responsibilities."
    ),
    "Comprehensive reconciliation of intercompany transactions is anticipated subsequently.",
)
BULLETS = (
    "{ARR}: {money}",
    "{NRR}: {rate}",
    "New logos: {n}",
    "{P1} incidents: {n}",
    "Ship {feature} to the beta group",
    "Finish the {topic} review",
    "Hire a second {SMB} account manager",
    "Close out {ticket}",
    "Draft the {q} {OKRs}",
    "Deep dive on {KPIs} with {function}",
    "Update `{service}` to v{version}",
    "Closed-Won: {n} deals",
    "Read [{link}]({url}) before {day}",
    "Tech debt: {n} tickets",
)
HEADINGS = (
    "## {function} weekly update",
    "## {function}: week {week}",
    "### {function} update for {q}",
    "## Weekly update from {function}",
)
CODE_BLOCKS = (
    "To roll back:\n\n```console\n$ export CRM_API_KEY=$VAULT_CRM\n$ {command}\n```",
    (
        "The query we use for the {KPIs} report:\n\n```sql\nSELECT SUM(ARR) FROM accounts"
        " WHERE segment = 'SMB' AND region = 'EMEA';\n```"
    ),
)
SUBHEADINGS = ("### Next week", "### Blockers", "### Numbers", "### Asks", "### Highlights")


class Writer:
    """Writes the updates, one at a time, from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.spell_out = False
        self.written: set[str] = set()
        rng = self.rng
        self.makers: dict[str, Callable[[], str]] = {
            "pct": lambda: f"{rng.randint(1, 40)}%",
            "share": lambda: f"{rng.uniform(40, 99):.0f}%",
            "rate": lambda: f"{rng.uniform(85, 130):.1f}%",
            "n": lambda: str(rng.randint(2, 60)),
            "n2": lambda: str(rng.randint(61, 400)),
            "x": lambda: f"{rng.uniform(0.5, 4.5):.1f}",
            "score": lambda: f"{rng.uniform(3.5, 4.9):.1f}",
            "ms": lambda: str(rng.randrange(40, 900, 10)),
            "money": lambda: rng.choice(
                (f"${rng.uniform(1, 40):.1f}M", f"${rng.randint(50, 950)}k")
            ),
            "money2": lambda: f"${rng.randint(20, 400)}",
            "q": lambda: rng.choice(("Q1", "Q2", "Q3", "Q4")),
            "region": lambda: rng.choice(REGIONS),
            "feature": lambda: rng.choice(FEATURES),
            "topic": lambda: rng.choice(TOPICS),
            "day": lambda: rng.choice(DAYS),
            "function": lambda: rng.choice(FUNCTIONS),
            "ticket": lambda: f"{rng.choice(PROJECTS)}-{rng.randint(10, 9999)}",
            "service": lambda: rng.choice(SERVICES),
            "command": lambda: rng.choice(COMMANDS),
            "version": lambda: f"{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            "url": lambda: (
                f"https://wiki.example.com/{rng.choice(TOPICS).replace(' ', '-')}/"
                f"{rng.randint(100, 999)}"
            ),
            "week": lambda: str(rng.randint(1, 52)),
            "link": lambda: rng.choice(LINK_TEXTS),
        }

    def acronym(self, name: str) -> str:
        """``name``, or at its first use (in some updates) with what it stands for."""
        first = name not in self.used
        self.used.add(name)
        if not (first and self.spell_out and name in SPELLED):
            return name
        if self.rng.random() < 0.5:
            return f"{SPELLED[name]} ({name})"
        return f"{name} ({SPELLED[name].lower()})"

    def value(self, key: str) -> str:
        """A value for the slot ``key`` of a template."""
        if key in ACRONYMS:
            return self.acronym(key)
        return self.makers[key]()

    def fill(self, template: str) -> str:
        writer = self

        class Slots(dict[str, str]):
            def __missing__(self, key: str) -> str:
                return writer.value(key)

        return template.format_map(Slots())

    def sentence(self, function: str) -> str:
        """One sentence: mostly the function's own news, some general, long or hard ones."""
        return self.fill(self.fresh(self.pool(function)))

    def fresh(self, pool: tuple[str, ...]) -> str:
        """A template of ``pool`` this update has not used yet, if there is one."""
        for _ in range(20):
            template = self.rng.choice(pool)
            if template not in self.written:
                break
        self.written.add(template)
        return template

    def pool(self, function: str) -> tuple[str, ...]:
        rng = self.rng
        share = rng.random()
        if share < 0.55:
            pool = BY_FUNCTION[function]
        elif share < 0.80:
            pool = GENERAL
        elif share < 0.87:
            pool = LONG
        elif share < 0.92:
            pool = HARD
        else:
            pool = BY_FUNCTION[rng.choice(FUNCTIONS)]
        return pool

    def update(self) -> str:
        """One weekly update: 3-12 sentences in 1-4 paragraphs, some of them lists."""
        rng = self.rng
        self.used = set()
        self.written = set()
        self.spell_out = rng.random() < 0.25
        function = rng.choice(FUNCTIONS)
        sentences = rng.randint(3, 12)
        paragraphs = rng.randint(1, min(4, sentences))
        cuts = sorted(rng.sample(range(1, sentences), paragraphs - 1))
        sizes = [b - a for a, b in zip([0, *cuts], [*cuts, sentences], strict=True)]
        blocks: list[str] = []
        if rng.random() < 0.5:
            blocks.append(self.fill(rng.choice(HEADINGS).replace("{function}", function)))
        for index, size in enumerate(sizes):
            if index and rng.random() < 0.3:
                blocks.append(rng.choice(SUBHEADINGS))
            if size >= 2 and rng.random() < 0.3:
                items = [self.fill(self.fresh(BULLETS)) for _ in range(size)]
                blocks.append("\n".join(f"- {item}" for item in items))
                continue
            paragraph = " ".join(self.sentence(function) for _ in range(size))
            if rng.random() < 0.2:  # wrapped by the editor, as some people write
                paragraph = textwrap.fill(paragraph, 80, break_on_hyphens=False)
            blocks.append(paragraph)
        if rng.random() < 0.05:
            blocks.append(self.fill(rng.choice(CODE_BLOCKS)))
        return "\n\n".join(blocks) + "\n"


def generate(path: Path, size: int) -> None:
    """Write ``size`` updates to ``path`` as a JSON list of strings."""
    writer = Writer(SEED)
    path.write_text(json.dumps([writer.update() for _ in range(size)]), encoding="utf-8")


# -- the glossary ------------------------------------------------------------------------

GLOSSARY: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "ARR",
        "Yearly value of active subscriptions",
        "Finance",
        {"aliases": ("annual recurring revenue",)},
    ),
    (
        "NRR",
        "Revenue kept from last year's customers, with upgrades",
        "Customer Success",
        {"aliases": ("net revenue retention",)},
    ),
    ("MRR", "Monthly value of active subscriptions", "Finance", {}),
    ("CAC", "What winning one customer costs in sales and marketing", "Finance", {}),
    ("LTV", "What a customer pays over their whole time with us", "Finance", {}),
    ("NPS", "Share of promoters minus share of detractors", "Customer Success", {}),
    ("CSAT", "Average satisfaction score on closed tickets", "Support", {}),
    ("SLA", "The response time we promise customers", "Support", {}),
    (
        "OKR",
        "An objective with measurable key results",
        "Operations",
        {"aliases": ("objectives and key results",)},
    ),
    ("MQL", "A lead that marketing judges ready for sales", "Marketing", {}),
    ("SQL", "A lead that sales has accepted", "Sales", {"aliases": ("sales qualified lead",)}),
    ("ICP", "The kind of customer we build and sell for", "Product", {}),
    ("Pipeline", "Open deals with a close date this quarter", "Sales", {}),
    ("Bookings", "Value of contracts signed", "Sales", {}),
    (
        "Churn",
        "Customers or revenue lost when subscriptions end",
        "Customer Success",
        {"plain_words": "customers who leave"},
    ),
    (
        "Runway",
        "Months until the cash runs out at the current burn",
        "Finance",
        {"plain_words": "months of cash left"},
    ),
    (
        "Technical debt",
        "Shortcuts in the code that slow later work",
        "Engineering",
        {"aliases": ("tech debt",), "plain_words": "shortcuts we must fix later"},
    ),
    ("Closed-Won", "A deal the customer signed", "Sales", {"deprecated_for": "Signed"}),
    ("Signed", "A deal the customer signed", "Sales", {}),
    ("Closed-Lost", "A deal we lost", "Sales", {"deprecated_for": "Lost"}),
    ("Lost", "A deal we lost", "Sales", {}),
    ("Hot lead", "A lead sales has accepted", "Sales", {"deprecated_for": "SQL"}),
)
"""The glossary: (name, definition, owner function, options of ``Term``)."""
FUNCTION_NAMES = frozenset(FUNCTIONS)
WHOLE = frozenset({"GL104", "GL105"})
"""alignkit's codes whose flagged text is a whole sentence or paragraph."""
TOP = 100
"""The most frequent flagged texts each child reports."""


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (``ru_maxrss``), in MB."""
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def read_texts(path: Path, count: int) -> list[str]:
    texts: list[str] = json.loads(path.read_text(encoding="utf-8"))
    return texts[:count]


def child_alignkit(path: Path, count: int, sample: list[int], out: Path) -> None:
    """Import alignkit, make the glossary, check every text; the times and the findings."""
    texts = read_texts(path, count)
    rss_start = peak_rss_mb()
    start = time.perf_counter()
    from alignkit.glossary import Glossary, Term

    imported = time.perf_counter()
    glossary = Glossary(
        [
            Term(name, definition, owner, ratified_by=FUNCTION_NAMES, **options)
            for name, definition, owner, options in GLOSSARY
        ]
    )
    ready = time.perf_counter()
    check = glossary.check_text
    found = [check(text) for text in texts]
    end = time.perf_counter()
    findings = [[(f.code, f.flagged) for f in each] for each in found]
    # Sentences and paragraphs (GL104, GL105) are counted, but not tallied by their text.
    write_child(out, texts, rss_start, (start, imported, ready, end), findings, sample)


def child_proselint(path: Path, count: int, sample: list[int], out: Path) -> None:
    """Import proselint, register its checks, lint every text; the times and the findings."""
    texts = read_texts(path, count)
    rss_start = peak_rss_mb()
    start = time.perf_counter()
    from proselint.checks import __register__
    from proselint.config import DEFAULT
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    imported = time.perf_counter()
    CheckRegistry().register_many(__register__)
    ready = time.perf_counter()
    found = [LintFile("<update>", text).lint(DEFAULT) for text in texts]
    end = time.perf_counter()
    # LintFile lints "\n" + text + "\n": a span is one character on in the text.
    findings = [
        [
            (
                r.check_result.check_path,
                text[r.check_result.span[0] - 1 : r.check_result.span[1] - 1],
            )
            for r in each
        ]
        for text, each in zip(texts, found, strict=True)
    ]
    write_child(out, texts, rss_start, (start, imported, ready, end), findings, sample)


def write_child(
    out: Path,
    texts: list[str],
    rss_start: float,
    clock: tuple[float, float, float, float],
    findings: list[list[tuple[str, str]]],
    sample: list[int],
) -> None:
    start, imported, ready, end = clock
    out.write_text(
        json.dumps(
            {
                "texts": len(texts),
                "import_s": imported - start,
                "setup_s": ready - imported,
                "check_s": end - ready,
                "total_s": end - start,
                "rss_start_mb": rss_start,
                "by_code": Counter(code for each in findings for code, _ in each),
                "flagged": Counter(
                    f"{code}\t{text}"
                    for each in findings
                    for code, text in each
                    if code not in WHOLE
                ).most_common(TOP),
                "sample": {str(i): findings[i] for i in sample if i < len(findings)},
            }
        ),
        encoding="utf-8",
    )


# -- the run -------------------------------------------------------------------------------

CONTENDERS = ("alignkit", "proselint")
"""In the order of the odd-numbered runs; the even-numbered runs reverse it."""
TARGET = 1.0
"""alignkit's time per text over proselint's should be at most this (check alone)."""
TIMES = ("import_s", "setup_s", "check_s", "total_s", "process_wall_s", "process_cpu_s")
"""What each child reports per run, with ``peak_mb`` and ``rss_start_mb``."""


def command(name: str, args: argparse.Namespace, texts: Path, count: int, out: Path) -> list[str]:
    python = sys.executable if name == "alignkit" else args.proselint_python
    sample = ",".join(map(str, args.sample_at))
    return [
        python,
        __file__,
        "--child",
        name,
        "--texts",
        str(texts),
        "--count",
        str(count),
        "--sample-at",
        sample,
        "--out",
        str(out),
    ]


def generate_command(texts: Path, size: int) -> list[str]:
    return [
        sys.executable,
        __file__,
        "--child",
        "generate",
        "--texts",
        str(texts),
        "--size",
        str(size),
    ]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    counts = {"alignkit": args.size, "proselint": min(args.size, args.proselint_size)}
    figures: dict[str, Any] = {
        "size": args.size,
        "runs": args.runs,
        "texts": counts,
        "proselint_python": args.proselint_python,
        "machine_before": machine(),
    }
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in CONTENDERS}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in CONTENDERS}
    with tempfile.TemporaryDirectory(prefix="bench-glossary-") as tmp:
        folder = Path(tmp)
        env = child_env(folder / "pycache")
        texts = folder / "updates.json"
        out = folder / "out.json"
        made = run_child(
            generate_command(texts, args.size),
            cwd=folder,
            env=env,
        )
        figures["generate_s"] = made.wall
        figures["text_mb"] = texts.stat().st_size / 1e6
        print(
            f"{args.size:,} updates, {figures['text_mb']:.1f} MB of Markdown (generated in "
            f"{made.wall:.1f} s); alignkit checks {counts['alignkit']:,}, proselint "
            f"{counts['proselint']:,}; {args.runs} runs, alternating, each in a fresh process"
        )
        for name in CONTENDERS:  # untimed: fills the bytecode cache
            run_child(command(name, args, texts, WARM_UP, out), cwd=folder, env=env)
        for run in range(args.runs):
            order = CONTENDERS if run % 2 == 0 else CONTENDERS[::-1]
            for name in order:
                child = run_child(
                    command(name, args, texts, counts[name], out), cwd=folder, env=env
                )
                found = json.loads(out.read_text(encoding="utf-8"))
                found |= {"process_wall_s": child.wall, "process_cpu_s": child.cpu}
                found["peak_mb"] = child.peak_mb
                results[name].append(found)
                for key in (*TIMES, "peak_mb", "rss_start_mb"):
                    samples[name].setdefault(key, []).append(found[key])
            line = ", ".join(
                f"{name} {found['total_s']:.1f} s (check {found['check_s']:.1f} s, "
                f"peak {found['peak_mb']:.0f} MB)"
                for name, found in ((name, results[name][-1]) for name in CONTENDERS)
            )
            print(f"run {run + 1}: {line}", flush=True)
        sample_texts = read_texts(texts, args.size)
        figures["sample_texts"] = {str(i): sample_texts[i] for i in args.sample_at}
    figures["results"] = {}
    for name in CONTENDERS:
        found = samples[name]
        n = counts[name]
        # The time for every text: the import and set-up, and the check scaled to --size
        # when proselint checked fewer texts (it is not, by default).
        full = [
            i + s + c * args.size / n
            for i, s, c in zip(found["import_s"], found["setup_s"], found["check_s"], strict=True)
        ]
        figures["results"][name] = {key: median_range(values) for key, values in found.items()} | {
            "all_texts_s": median_range(full),
            "check_per_s": median_range([n / c for c in found["check_s"]]),
            "with_import_per_s": median_range([args.size / t for t in full]),
            "check_us_per_text": median_range([c / n * 1e6 for c in found["check_s"]]),
            "samples": found | {"all_texts_s": full},
        }
        last = results[name][-1]
        figures["results"][name] |= {
            "findings_by_code": dict(
                sorted(last["by_code"].items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            "findings": sum(last["by_code"].values()),
            "most_flagged": last["flagged"],
            "sample_findings": last["sample"],
            "same_findings_every_run": all(r["by_code"] == last["by_code"] for r in results[name]),
        }
    per_text = {name: [c / counts[name] for c in samples[name]["check_s"]] for name in CONTENDERS}
    figures["ratios"] = {
        "check_per_text": ratio(per_text["alignkit"], per_text["proselint"]),
        "with_import": ratio(
            figures["results"]["alignkit"]["samples"]["all_texts_s"],
            figures["results"]["proselint"]["samples"]["all_texts_s"],
        ),
    }
    return figures


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def show(figures: dict[str, Any]) -> None:
    results = figures["results"]
    counts = figures["texts"]
    print()
    print("each figure: median (min-max) over the runs; each ratio: run by run")
    head = (
        "",
        "import+setup+check s",
        "check s",
        "check texts/s",
        "with import texts/s",
        "peak RSS MB",
    )
    print(f"{head[0]:<10} {head[1]:<22} {head[2]:<22} {head[3]:<22} {head[4]:<22} {head[5]}")
    for name in CONTENDERS:
        found = results[name]
        cells = (
            spread(found["all_texts_s"], ".2f"),
            spread(found["check_s"], ".2f"),
            spread(found["check_per_s"], ",.0f"),
            spread(found["with_import_per_s"], ",.0f"),
        )
        print(
            f"{name:<10} {cells[0]:<22} {cells[1]:<22} {cells[2]:<22} {cells[3]:<22} "
            f"{spread(found['peak_mb'], '.0f')} (at start {found['rss_start_mb']['median']:.0f})"
        )
    for name in CONTENDERS:
        found = results[name]
        print(
            f"{name}: import {found['import_s']['median'] * 1e3:.0f} ms, set-up "
            f"{found['setup_s']['median'] * 1e3:.1f} ms, check "
            f"{spread(found['check_us_per_text'], ',.0f', ' us')} a text; whole process "
            f"{spread(found['process_wall_s'], '.1f', ' s')} (start-up, reading "
            f"{counts[name]:,} texts, the work, writing the findings)"
        )
    if counts["proselint"] < figures["size"]:
        print(
            f"proselint checked the first {counts['proselint']:,} of {figures['size']:,} texts: "
            "its check time is scaled to all of them in 'import+setup+check' and 'with import'"
        )
    check, whole = figures["ratios"]["check_per_text"], figures["ratios"]["with_import"]
    verdict = "met" if check["median"] <= TARGET else "MISSED"
    print(
        f"alignkit / proselint, time per text: check {spread(check, '.2f', 'x')}, "
        f"with import {spread(whole, '.2f', 'x')}  target check <= {TARGET:g}x: {verdict}"
    )
    print()
    print("findings over all the texts each checked (different rules: counts are not comparable)")
    for name in CONTENDERS:
        found = results[name]
        print(
            f"{name}: {found['findings']:,} on {counts[name]:,} texts"
            f"{'' if found['same_findings_every_run'] else ' (DIFFERENT between runs)'}"
        )
        for code, number in found["findings_by_code"].items():
            print(f"  {number:>7,}  {code}")
        print("  most flagged:")
        print(
            "   "
            + "; ".join(
                f"{item.replace(chr(9), ' ')} {number:,}"
                for item, number in found["most_flagged"][:20]
            )
        )
    print()
    print(f"findings on a sample of {len(figures['sample_texts'])} texts")
    for index, text in figures["sample_texts"].items():
        print(f"--- text {index} ---")
        print(textwrap.indent(text.rstrip("\n"), "  | ", lambda _: True))
        for name in CONTENDERS:
            findings = results[name]["sample_findings"].get(index, [])
            print(f"  {name}: {len(findings)}")
            for code, flagged in findings:
                print(f"    {code}: {short(flagged)!r}")


def main() -> None:
    """Run the benchmark (or, with ``--child``, one of its children)."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], conflict_handler="resolve"
    )
    add_common_arguments(parser, size=FULL, what="updates")
    parser.add_argument(  # the common --runs, with fewer runs by default
        "--runs",
        type=positive_int,
        default=RUNS,
        help=f"timed runs of each contender (default {RUNS})",
    )
    parser.add_argument(
        "--proselint-python",
        default=PROSELINT_PYTHON,
        help=f"the Python of an environment with proselint (default {PROSELINT_PYTHON})",
    )
    parser.add_argument(
        "--proselint-size",
        type=positive_int,
        default=FULL,
        help=(
            "proselint checks only the first N updates, its time scaled to all of them "
            f"(default {FULL:,}: all of them at the default --size)"
        ),
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sample-at", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sample = [int(i) for i in args.sample_at.split(",") if i]
    children: dict[str, Callable[[], None]] = {
        "generate": lambda: generate(args.texts, args.size),
        "alignkit": lambda: child_alignkit(args.texts, args.count, sample, args.out),
        "proselint": lambda: child_proselint(args.texts, args.count, sample, args.out),
    }
    if args.child is not None:
        children[args.child]()
        return
    if not Path(args.proselint_python).exists():
        sys.exit(
            f"no proselint environment at {args.proselint_python}: see the docstring to make one"
        )
    pool = min(args.size, args.proselint_size)
    args.sample_at = sorted(random.Random(SEED + 1).sample(range(pool), min(SAMPLE, pool)))
    print(machine_line())
    figures = measure(args)
    show(figures)
    figures["machine_after"] = machine()
    print(machine_line())
    write_json(args.json_out, figures)


if __name__ == "__main__":
    main()
