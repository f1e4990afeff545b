"""alignkit.glossary: the shared language, its champions, and the ELI5 check of prose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import loads
from alignkit.cli import main
from alignkit.errors import SpecError
from alignkit.glossary import Glossary, GlossarySection, Term

ARR = Term(
    "ARR",
    "The yearly value of every active subscription",
    "Finance",
    aliases=["annual recurring revenue"],
    plain_words="yearly subscription revenue",
    ratified_by={"Finance", "Sales"},
)
SIGNED = Term("Signed", "A deal the customer signed", "Sales", ratified_by={"Sales"})
CLOSED_WON = Term("Closed-Won", "A signed deal", "Sales", deprecated_for="Signed")
CRM = Term("CRM", "The system where Sales keeps its deals", "Sales")
GLOSSARY = Glossary([ARR, SIGNED, CLOSED_WON, CRM])


def found(text: str, glossary: Glossary = GLOSSARY, **limits: float) -> list[tuple[str, str]]:
    return [(f.code, f.flagged) for f in glossary.check_text(text, **limits)]  # type: ignore[arg-type]


EMPTY = Glossary([])


def acronyms(text: str, glossary: Glossary = EMPTY) -> list[str]:
    return [f.flagged for f in glossary.check_text(text) if f.code == "GL101"]


# -- terms and the glossary ----------------------------------------------------------------


class TestGlossary:
    def test_lookup_by_name_or_alias_in_any_case(self):
        assert GLOSSARY.get("arr") is ARR
        assert GLOSSARY["Annual  Recurring Revenue"] is ARR
        assert "closed-won" in GLOSSARY
        assert GLOSSARY.get("NRR") is None
        with pytest.raises(
            KeyError, match="'Sigend' is not in the glossary; did you mean 'Signed'"
        ):
            GLOSSARY["Sigend"]
        assert len(GLOSSARY) == 4
        assert next(iter(GLOSSARY)) is ARR

    def test_deprecated_for_implies_deprecated(self):
        assert CLOSED_WON.deprecated
        assert GLOSSARY.replacement(CLOSED_WON) is SIGNED
        assert GLOSSARY.deprecated() == (CLOSED_WON,)
        assert GLOSSARY.replacement(SIGNED) is None

    def test_unratified_names_who_is_missing(self):
        functions = ["Sales", "Finance", "Operations"]
        assert GLOSSARY.unratified(functions) == {
            "ARR": frozenset({"Operations"}),
            "Signed": frozenset({"Finance", "Operations"}),
            "Closed-Won": frozenset(functions),
            "CRM": frozenset(functions),
        }
        subset = Glossary([ARR, SIGNED], ratifiers={"Sales"})
        assert subset.unratified(functions) == {}  # the declared ratifiers win
        assert Glossary([ARR]).unratified() == {}  # without either: the functions it names

    def test_one_definition_per_name(self):
        with pytest.raises(SpecError) as info:
            Glossary(
                [
                    ARR,
                    Term("arr", "Another meaning", "Sales"),
                    Term("NRR", "Net revenue retention", "Finance", aliases=["ARR", "nrr"]),
                    Term(
                        "ACV", "Yearly value of one contract", "Sales", aliases=["Signed", "x", "X"]
                    ),
                    SIGNED,
                ]
            )
        messages = [(p.location.path, p.message) for p in info.value.problems]
        assert messages == [
            (("terms", 1, "name"), "`arr` is defined twice: by `ARR` and by `arr`"),
            (("terms", 2, "aliases"), "Alias `ARR` of `NRR` is the name of another term (`ARR`)"),
            (("terms", 2, "aliases"), "Term `NRR` lists `nrr` twice"),
            (
                ("terms", 3, "aliases"),
                "Alias `Signed` of `ACV` is the name of another term (`Signed`)",
            ),
            (("terms", 3, "aliases"), "Term `ACV` lists `X` twice"),
        ]

    def test_bad_terms_name_every_problem(self):
        with pytest.raises(SpecError) as info:
            Term(" ", "", "Sales", aliases=[""], plain_words=" ", deprecated=1)  # type: ignore[arg-type]
        assert [p.location.path for p in info.value.problems] == [
            ("name",),
            ("definition",),
            ("aliases",),
            ("plain_words",),
            ("deprecated",),
        ]
        with pytest.raises(SpecError, match="Each term must be a Term"):
            Glossary(["ARR"])  # type: ignore[list-item]


# -- acronyms ------------------------------------------------------------------------------------


class TestAcronyms:
    @pytest.mark.parametrize(
        ("text", "flagged"),
        [
            ("Our KPIs are up.", ["KPIs"]),
            ("We sell SaaS.", ["SaaS"]),
            ("A B2B deal.", ["B2B"]),
            ("Targets for Q3.", ["Q3"]),
            ("Two P1 bugs.", ["P1"]),
            ("The CRM's data.", ["CRM"]),  # the possessive is not part of the acronym
            ("Our CI and CD and the CLI.", ["CI", "CD", "CLI"]),
            ("NASA and ASAP.", ["NASA", "ASAP"]),
            ("A CRM-based flow.", ["CRM"]),
        ],
    )
    def test_acronyms_are_found(self, text: str, flagged: list[str]):
        assert acronyms(text) == flagged

    @pytest.mark.parametrize(
        "text",
        [
            "See JIRA-123 today.",
            "After COVID-19 we moved.",
            "URGENT: ship it.",
            "DO NOT deploy on Friday.",
            "READ THIS first.",
            "Phase II starts; Tier IV customers wait; World War II ended.",
            "Use `CRM_ID` in code.",
            "```\nSELECT CRM FROM deals\n```\n",
            "See [the page](https://example.com/KPI) or https://example.com/CRM.",
            "I am OK with it, and so am I.",
            "JavaScript and iPhone and McDonald.",
            "It costs 2026 dollars.",
        ],
    )
    def test_what_is_not_an_acronym(self, text: str):
        assert acronyms(text) == []

    def test_capitals_beside_an_acronym_are_not_emphasis(self):
        assert acronyms("The CRM API is down.") == ["CRM", "API"]
        assert acronyms("The CRM IS down. Our SOW AND MSA are signed.") == ["CRM", "SOW", "MSA"]
        assert acronyms("Check the ERP NOW.") == ["ERP"]
        assert acronyms("DO NOT SHIP THIS.") == []

    @pytest.mark.parametrize(
        ("text", "flagged"),
        [
            ("NOTE: see below. WAIT. DON'T deploy.", []),
            ("We hit 10K users and $5M, 3x the plan.", []),
            ("R&D is late; the P&L review and the Q&A session.", ["R&D", "P&L"]),
            ("Use 2FA.", ["2FA"]),
            ("Intro.\n\n    CRM in indented code\n\nAfter.", []),
            ("- an item\n\n    its second paragraph names the CRM\n", ["CRM"]),
            ("<!-- CRM, ERP -->\nDone.", []),
            ("[the CRM](https://example.com)", ["CRM"]),  # a link's text is prose
            ("Adjusted EBITDA margin in LATAM, under HIPAA.", ["EBITDA", "LATAM", "HIPAA"]),
            ("BLOCKER: the IMPORTANT fix. ACTION REQUIRED.", []),
            ("Work continues in Phase\nII of the migration.", []),
            ("The CEO asked HR, FYI.", []),
        ],
    )
    def test_more_of_what_is_and_is_not_an_acronym(self, text: str, flagged: list[str]):
        assert acronyms(text) == flagged

    def test_known_names_such_as_functions_are_not_flagged(self):
        assert acronyms("IT owns the CRM.") == ["IT", "CRM"]
        assert [f.flagged for f in EMPTY.check_text("IT owns the CRM.", known=["IT"])] == ["CRM"]

    def test_each_acronym_is_reported_once(self):
        assert acronyms("CRM here, CRM there, and the CRM again.") == ["CRM"]

    @pytest.mark.parametrize(
        "text",
        [
            "Annual Recurring Revenue (ARR) grew. ARR is up.",
            "ARR (annual recurring revenue) grew. ARR is up.",
            "Software as a Service (SaaS) and business-to-business (B2B) sales of SaaS.",
            "Net Revenue Retention (NRR), then NRR.",
        ],
    )
    def test_spelled_out_acronyms_are_defined_for_the_rest_of_the_text(self, text: str):
        assert acronyms(text) == []

    def test_an_acronym_used_before_it_is_spelled_out_is_flagged(self):
        assert acronyms("NRR is up. Net revenue retention (NRR) is what we keep.") == ["NRR"]

    def test_a_parenthesis_that_does_not_spell_it_out_defines_nothing(self):
        assert acronyms("CRM (see below) and the CRM.") == ["CRM"]

    def test_glossary_terms_are_not_flagged(self):
        assert acronyms("The CRM shows ARR.", GLOSSARY) == []


# -- terms in prose ------------------------------------------------------------------------------


class TestTermsInProse:
    def test_deprecated_terms_every_time_with_the_replacement(self):
        findings = GLOSSARY.check_text("Two deals went Closed-Won; closed-won is good.")
        assert [(f.code, f.flagged) for f in findings] == [
            ("GL102", "Closed-Won"),
            ("GL102", "closed-won"),
        ]
        assert findings[0].suggestion == "Write `Signed`"

    def test_plurals_possessives_and_spaces_for_hyphens_are_the_same_term(self):
        mql = Term("MQL", "A lead Marketing qualified", "Marketing", plain_words="qualified lead")
        glossary = Glossary([mql, SIGNED, CLOSED_WON])
        text = "Marketing passed 38 MQLs to Sales. Two deals went Closed Won."
        assert found(text, glossary) == [("GL103", "MQLs"), ("GL102", "Closed Won")]
        assert glossary.get("closed won") is CLOSED_WON

    def test_plain_words_once_per_term(self):
        findings = GLOSSARY.check_text("ARR grew. Annual recurring revenue is ARR.")
        assert [(f.code, f.flagged) for f in findings] == [("GL103", "ARR")]
        assert findings[0].suggestion == "Write `yearly subscription revenue`"

    def test_jargon_unless_the_glossary_defines_it(self):
        assert found("A deep dive on synergy.") == [("GL101", "deep dive"), ("GL101", "synergy")]
        defined = Glossary([Term("Synergy", "What two teams gain together", "Sales")])
        assert found("A deep dive on synergy.", defined) == [("GL101", "deep dive")]
        own = Glossary([], jargon=["north star"])
        assert found("Our North Star metric.", own) == [("GL101", "North Star")]


# -- sentences and grade -------------------------------------------------------------------------

LONG = " ".join(["word"] * 30) + "."
HARD = (
    "Organisational interdependencies necessitate comprehensive documentation. "
    "Contractual obligations, implementation methodologies and operational "
    "responsibilities require unambiguous specification. Representatives "
    "collaboratively prioritise deliverables, considering technological infrastructure "
    "limitations and regulatory requirements. Stakeholders subsequently evaluate "
    "organisational performance indicators quarterly."
)
EASY = (
    "Sales hands the deal to Onboarding. Onboarding reads the notes. If something is "
    "missing, they ask. Then they call the customer. The call sets the plan. The plan "
    "has dates. Everyone can see it."
)


class TestSentencesAndGrade:
    def test_a_long_sentence_is_flagged_whole(self):
        findings = GLOSSARY.check_text(f"Short one. {LONG} Another short one.")
        assert [(f.code, f.span) for f in findings] == [("GL104", (11, 11 + len(LONG)))]
        assert "30 words; keep sentences to 25" in findings[0].message

    def test_numbers_with_thousands_separators_are_one_word(self):
        text = "We closed $1,200,000 from six new customers in four countries in two weeks."
        assert found(text, max_sentence_words=13) == []

    def test_findings_know_where_they_end(self):
        (finding,) = GLOSSARY.check_text(f"Intro.\n{LONG[:-1]}\n{LONG}", max_sentence_words=40)
        assert (finding.line, finding.end_line) == (2, 3)
        assert finding.end_column == len(LONG)

    def test_the_limit_is_a_parameter(self):
        assert found(LONG, max_sentence_words=40) == []

    def test_abbreviations_and_decimals_do_not_end_a_sentence(self):
        text = "We grew 3.5 percent, e.g. in the US market, and Dr. Lee said so."
        assert found(text, max_sentence_words=14) == []
        assert [c for c, _ in found(text, max_sentence_words=13)] == ["GL104"]

    def test_list_items_and_headings_end_sentences(self):
        items = "\n".join(f"- item {n} " + " ".join(["word"] * 10) for n in range(5))
        assert found(f"# Weekly update\n{items}\n") == []

    def test_hard_paragraphs_are_flagged_and_easy_ones_are_not(self):
        findings = GLOSSARY.check_text(f"{EASY}\n\n{HARD}\n")
        assert [(f.code, f.line) for f in findings] == [("GL105", 3)]
        assert "Flesch-Kincaid" in findings[0].message
        assert findings[0].flagged == HARD
        assert found(HARD, max_grade=60) == []

    def test_short_paragraphs_are_not_graded(self):
        assert found("Interdependencies necessitate documentation.") == []


# -- where findings point -----------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "CRM",
        "KPIs",
        "SaaS",
        "the",
        "deal",
        "Closed-Won",
        "ARR",
        "synergy",
        "Q3",
        "URGENT",
        "Phase II",
        "JIRA-123",
        "`code`",
        "(NRR)",
        "net revenue retention",
        "é",
        "\n",
        "\n\n",
        ".",
        "!",
        "-",
    ]
)


class TestSpans:
    @settings(max_examples=300, deadline=None)
    @given(parts=st.lists(WORDS, max_size=60), joiner=st.sampled_from([" ", "  ", ", "]))
    def test_spans_point_at_the_flagged_text(self, parts: list[str], joiner: str):
        text = joiner.join(parts)
        lines = text.split("\n")
        for finding in GLOSSARY.check_text(text, max_sentence_words=8, max_grade=2):
            start, end = finding.span
            assert text[start:end] == finding.flagged
            assert finding.flagged.strip()
            assert lines[finding.line - 1][finding.column - 1 :].startswith(
                finding.flagged.split("\n")[0]
            )

    @settings(max_examples=200, deadline=None)
    @given(
        words=st.lists(
            st.sampled_from(["CRM", "ARR", "NRR", "the", "deal", "grew", "Signed", "KPI"]),
            max_size=40,
        )
    )
    def test_glossary_terms_and_defined_acronyms_raise_no_acronym_finding(self, words: list[str]):
        text = "Net Revenue Retention (NRR) and Key Performance Indicator (KPI). " + " ".join(words)
        assert acronyms(text, GLOSSARY) == []


# -- the alignment file -------------------------------------------------------------------------

FILE = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
    - {name: IT, head: cio}
  people:
    - {id: ceo, name: Dana Reyes, function: Operations}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: vp-ops, name: Priya Nair, function: Operations, manager: ceo}
    - {id: cio, name: Kim Lee, function: IT, manager: ceo}
    - {id: revops-lead, name: Elena Petrova, function: Sales, manager: vp-sales}
handoffs: {sending: Sales, receiving: Operations}
decision_rights:
  decisions:
    - {id: pick-crm, accountable: cio, consulted: [vp-sales], informed: [vp-ops]}
glossary:
  terms:
    - {name: ARR, definition: "Yearly value of active subscriptions", owner: Sales,
       ratified_by: [Sales, Operations, IT]}
  champions:
    - {functions: [Sales, Operations], person: revops-lead}
    - {functions: [IT, Sales], person: ceo}
"""


def codes(text: str) -> list[tuple[str, str | None]]:
    return [(d.code, d.target) for d in loads(text).check().diagnostics if d.code.startswith("GL")]


class TestAlignmentFile:
    def test_a_clean_glossary(self):
        assert codes(FILE) == []
        section = loads(FILE).section("glossary")
        assert isinstance(section, GlossarySection)
        assert section.glossary()["arr"].owner_function == "Sales"

    def test_pairs_that_work_together_need_a_champion(self):
        """The handoff pair, and functions sharing a decision (informed does not count)."""
        text = FILE.replace("    - {functions: [IT, Sales], person: ceo}\n", "")
        assert codes(text) == [("GL005", "IT/Sales")]
        text = text.replace("informed: [vp-ops]", "responsible: [vp-ops]")
        assert sorted(codes(text)) == [("GL005", "IT/Operations"), ("GL005", "IT/Sales")]

    def test_a_champion_from_outside_both_functions(self):
        text = FILE.replace("person: revops-lead", "person: cio")
        assert codes(text) == [("GL006", "cio")]
        accepted = text.replace("person: cio}", "person: cio, accepted_by: [Sales, Operations]}")
        assert codes(accepted) == []
        unknown = FILE.replace("person: revops-lead", "person: revops-led")
        (diagnostic,) = [d for d in loads(unknown).check().diagnostics if d.code == "GL006"]
        assert diagnostic.hint == "Did you mean `revops-lead`?"

    def test_terms_are_checked_and_their_definitions_read(self):
        text = FILE.replace(
            "ratified_by: [Sales, Operations, IT]}",
            "ratified_by: [Sales]}\n"
            '    - {name: arr, definition: "Another", owner: Sales,'
            " ratified_by: [Sales, Operations, IT]}\n"
            '    - {name: Old, definition: "Retired", owner: Sales, deprecated: true, '
            "ratified_by: [Sales, Operations, IT]}\n"
            '    - {name: Older, definition: "The KPI of old", owner: Sales, deprecated_for: Nwe, '
            "ratified_by: [Sales, Operations, IT]}",
        )
        assert sorted(codes(text)) == [
            ("GL001", "arr"),
            ("GL003", "Old"),
            ("GL003", "Older"),
            ("GL004", "ARR"),
            ("GL101", "KPI"),
        ]

    def test_limits_come_from_the_lint_section(self):
        long = " ".join(["word"] * 12)
        text = FILE.replace("Yearly value of active subscriptions", long)
        assert codes(text) == []
        limited = text + "lint:\n  glossary: {max_sentence_words: 10}\n"
        assert codes(limited) == [("GL104", "word")]
        with pytest.raises(SpecError, match="at least 5"):
            loads(text + "lint:\n  glossary: {max_sentence_words: 2}\n")


# -- alignkit eli5 ----------------------------------------------------------------------------


class TestCli:
    @pytest.fixture
    def files(self, tmp_path: Path) -> tuple[Path, Path]:
        alignment = tmp_path / "alignment.yaml"
        alignment.write_text(FILE)
        update = tmp_path / "update.md"
        update.write_text("# Week 48\n\nARR is up. Our CRM, shows it.\n")
        return alignment, update

    def test_text_output_and_exit_code(self, files: tuple[Path, Path]):
        alignment, update = files
        result = CliRunner().invoke(main, ["eli5", str(update), "--file", str(alignment)])
        assert result.exit_code == 1
        assert f"{update}:3:16: GL101 warning: `CRM` is neither in the glossary" in result.output
        assert "Found 1 finding in 1 file." in result.output

    def test_json_and_github_formats(self, files: tuple[Path, Path]):
        alignment, update = files
        runner = CliRunner()
        data = json.loads(
            runner.invoke(
                main, ["eli5", str(update), "--file", str(alignment), "--format", "json"]
            ).output
        )
        assert data == [
            {
                "path": str(update),
                "line": 3,
                "column": 16,
                "end_line": 3,
                "end_column": 18,
                "start": 26,
                "end": 29,
                "code": "GL101",
                "severity": "warning",
                "message": "`CRM` is neither in the glossary nor spelled out",
                "suggestion": "Spell it out the first time: `Full Name (CRM)`, or add it to "
                "the glossary",
                "text": "CRM",
            }
        ]
        github = runner.invoke(
            main, ["eli5", str(update), "--file", str(alignment), "--format", "github"]
        )
        assert github.output.startswith(
            f"::warning file={str(update).replace(':', '%3A')},line=3,col=16,endLine=3,"
            "endColumn=18,title=GL101::"
        )

    def test_a_clean_file_exits_0_and_without_a_file_no_glossary(
        self, files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        alignment, update = files
        update.write_text("Sales signed three deals this week.\n")
        assert (
            CliRunner().invoke(main, ["eli5", str(update), "--file", str(alignment)]).exit_code == 0
        )
        monkeypatch.chdir(tmp_path)
        alignment.rename(tmp_path / "other.yaml")
        update.write_text("ARR is up.\n")
        result = CliRunner().invoke(main, ["eli5", str(update)])
        assert result.exit_code == 1  # no alignment.yaml here: ARR is undefined
        (tmp_path / "other.yaml").rename(tmp_path / "alignment.yaml")
        assert CliRunner().invoke(main, ["eli5", str(update)]).exit_code == 0

    def test_suggestions_alone_do_not_fail(self, files: tuple[Path, Path]):
        alignment, update = files
        alignment.write_text(
            FILE.replace("owner: Sales,", "owner: Sales, plain_words: yearly revenue,")
        )
        update.write_text("ARR grew 4%.\n")  # GL103: plain words, information only
        result = CliRunner().invoke(main, ["eli5", str(update), "--file", str(alignment)])
        assert result.exit_code == 1  # any finding, by default
        assert "GL103 info" in result.output
        lenient = ["eli5", str(update), "--file", str(alignment), "--fail-on", "warning"]
        assert CliRunner().invoke(main, lenient).exit_code == 0

    def test_unreadable_files_and_bad_alignment_files(
        self, files: tuple[Path, Path], tmp_path: Path
    ):
        alignment, update = files
        missing = CliRunner().invoke(
            main, ["eli5", str(tmp_path / "none.md"), "--file", str(alignment)]
        )
        assert missing.exit_code == 2
        assert "cannot read" in missing.output
        (tmp_path / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
        binary = CliRunner().invoke(
            main, ["eli5", str(tmp_path / "latin1.md"), "--file", str(alignment)]
        )
        assert binary.exit_code == 2
        assert "not UTF-8" in binary.output
        alignment.write_text(FILE.replace("owner: Sales,", "owner: Sales, aliases: [ARR],"))
        broken = CliRunner().invoke(main, ["eli5", str(update), "--file", str(alignment)])
        assert broken.exit_code == 2
        assert "lists `ARR` twice" in broken.output
