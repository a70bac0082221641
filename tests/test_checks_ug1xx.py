"""UG101-UG103: their YAML fixture cases, expanded into one test each, plus the promises each
check makes about its findings (language, rewrite, offsets, documentation).

The check classes are imported directly, so these tests do not depend on the registry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from upphandlingsgranskare.checks.base import Check, DocumentContext
from upphandlingsgranskare.checks.ug101_brand_without_equivalent import BrandWithoutEquivalent
from upphandlingsgranskare.checks.ug102_vague_wording import VagueWording
from upphandlingsgranskare.checks.ug103_multiple_demands import MultipleDemands
from upphandlingsgranskare.models import Location, Requirement
from upphandlingsgranskare.review import lint_text
from upphandlingsgranskare.segment.sentences import modal_kind

FIXTURES = Path(__file__).parent / "fixtures"
CHECKS: dict[str, Check] = {"UG101": BrandWithoutEquivalent(), "UG102": VagueWording(), "UG103": MultipleDemands()}
FILES = {
    "UG101": "UG101_brand_without_equivalent.yaml",
    "UG102": "UG102_vague_wording.yaml",
    "UG103": "UG103_multiple_demands.yaml",
}


def _load(code: str) -> dict:
    return yaml.safe_load((FIXTURES / FILES[code]).read_text("utf-8"))


def _cases():
    for code in FILES:
        data = _load(code)
        assert data["rule"] == code
        for case in data["test_cases"]:
            yield pytest.param(code, case, id=f"{code}-{case['name']}")


def make_requirement(text: str, lang: str, *, rationale: str | None = None, heading: str | None = None) -> Requirement:
    return Requirement(
        id="R1",
        text=text,
        kind=modal_kind(text, lang),
        location=Location(file="fixture.txt", paragraph=0, start=0, end=len(text)),
        language=lang,
        heading_path=(heading,) if heading else (),
        rationale=rationale,
    )


def findings(code: str, text: str, lang: str, *, document: str = "", **kw) -> list:
    requirement = make_requirement(text, lang, **kw)
    return list(CHECKS[code].run(requirement, DocumentContext(path="fixture.txt", language=lang, text=document)))


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_fixture_case(code: str, case: dict) -> None:
    """The case through ``lint_text``: the review's segmentation, labelling and scopes, as a document gives it."""
    text = case.get("fail_str") or case.get("pass_str")
    linted = lint_text(
        text, language=case["lang"], rationale=case.get("rationale"), heading=case.get("heading"), source="fixture.txt"
    )
    found = [f for f in linted.findings if f.code == code and f.subject == "requirement"]
    if "pass_str" in case:
        assert found == [], f"unexpected finding for: {text}\n{found[0].message if found else ''}"
        return
    assert len(found) == 1, f"expected one finding for: {text}"
    finding = found[0]
    assert finding.code == code and finding.name == CHECKS[code].name
    # the requirement as segmentation reads it: its id ("K7 ", "REQ-12 ") stands apart
    assert text.endswith(finding.requirement_text) and finding.language == case["lang"]
    assert finding.message and finding.question and finding.suggestion
    if "brands" in case:
        assert finding.evidence == "; ".join(case["brands"])
    if "words" in case:
        assert finding.evidence == "; ".join(case["words"])
    if "suggestion" in case:
        assert finding.suggestion == case["suggestion"]
    if "demands" in case:
        assert len(finding.suggestion.splitlines()) == case["demands"]
        assert finding.severity == ("warning" if case["demands"] >= 3 else "info")
    if "split" in case:
        assert finding.suggestion == case["split"]


@pytest.mark.parametrize("code", list(FILES))
def test_fixture_files_are_balanced(code: str) -> None:
    cases = _load(code)["test_cases"]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)) and len(cases) >= 25
    for lang in ("sv", "en"):
        assert sum(1 for c in cases if c["lang"] == lang and "fail_str" in c) >= 5
        assert sum(1 for c in cases if c["lang"] == lang and "pass_str" in c) >= 5


# ---------------------------------------------------------------- language of the finding

LANGUAGE_CASES = {
    "UG101": ("Systemet ska byggas på Microsoft SharePoint.", "The system shall be built on Microsoft SharePoint."),
    "UG102": ("Systemet ska vara användarvänligt och snabbt.", "The system shall be user-friendly and fast."),
    "UG103": (
        "Systemet ska logga händelser och ska skicka larm.",
        "The system shall log events and shall send alerts.",
    ),
}
SWEDISH = re.compile(r"\b(kravet|och|ska|inte|för|att|som|eller)\b", re.IGNORECASE)
ENGLISH = re.compile(r"\b(the|requirement|and|shall|not|for|that|or)\b", re.IGNORECASE)


@pytest.mark.parametrize("code", list(LANGUAGE_CASES))
def test_message_question_and_suggestion_follow_the_requirement_language(code: str) -> None:
    sv_text, en_text = LANGUAGE_CASES[code]
    (sv,) = findings(code, sv_text, "sv")
    (en,) = findings(code, en_text, "en")
    for field in ("message", "question", "suggestion"):
        sv_value, en_value = getattr(sv, field), getattr(en, field)
        assert SWEDISH.search(sv_value) and not re.search(r"\b(the|shall|requirement)\b", sv_value, re.IGNORECASE), (
            field,
            sv_value,
        )
        assert ENGLISH.search(en_value) and not re.search(r"\b(kravet|ska|och)\b", en_value, re.IGNORECASE), (
            field,
            en_value,
        )
    assert sv.severity == en.severity


# ---------------------------------------------------------------- UG101 specifics


def test_ug101_suggestion_inserts_eller_likvardigt_after_the_brand_and_keeps_the_rest() -> None:
    text = "Lärarna ska förses med Apple iPad med 64 GB lagring, senast den 1 augusti."
    (finding,) = findings("UG101", text, "sv")
    assert (
        finding.suggestion
        == "Lärarna ska förses med Apple iPad eller likvärdigt med 64 GB lagring, senast den 1 augusti."
    )
    assert finding.suggestion.replace(" eller likvärdigt", "") == text
    (en,) = findings("UG101", "Laptops shall run Windows 11.", "en")
    assert en.suggestion == "Laptops shall run Windows 11 or equivalent."


def test_ug101_mentions_report_character_offsets() -> None:
    text = "Data ska flyttas från vårt befintliga Heroma till SAP S/4HANA och visas i Power BI eller likvärdigt."
    mentions = BrandWithoutEquivalent().mentions(make_requirement(text, "sv"))
    assert [(m.text, m.flagged) for m in mentions] == [("Heroma", False), ("SAP S/4HANA", True), ("Power BI", False)]
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert mentions[0].existing and mentions[2].covered


def test_ug101_message_cites_the_law_in_both_languages() -> None:
    (sv,) = findings("UG101", "Användaren ska kunna exportera rapporter till Excel.", "sv")
    assert "LOU 9 kap. 4 §" in sv.message and "”Excel”" in sv.message
    assert "kalkylprogram, t.ex. Excel eller likvärdigt" in sv.message  # the guide-aware hint for Excel
    assert sv.severity == "error"
    (en,) = findings("UG101", "Users shall export reports to Excel.", "en")
    assert '"Excel"' in en.message


@pytest.mark.parametrize(
    ("document", "cited", "not_cited"),
    [
        (
            "Tenders are published in the Official Journal of the European Union.",
            "Directive 2014/24/EU art. 42(4)",
            "LOU",
        ),
        ("This solicitation incorporates FAR 52.211-6 and FAR part 11.", "FAR 52.211-6", "LOU"),
        ("Commonwealth of Virginia statement of requirements.", "shuts out suppliers", "LOU"),
    ],
)
def test_ug101_legal_basis_follows_the_jurisdiction_of_english_documents(
    document: str, cited: str, not_cited: str
) -> None:
    (en,) = findings("UG101", "Users shall export reports to Excel.", "en", document=document)
    assert cited in en.message and not_cited not in en.message
    assert "2014/24/EU" not in en.message or cited.startswith("Directive")


def test_ug101_products_the_document_names_as_chosen_pass_everywhere() -> None:
    document = (
        "VDOT has selected Oracle HCM Cloud Services as our HCM solution. "
        "Work with VDOT infrastructure personnel to deploy the application in VDOT's Dynamics 365 environment."
    )
    assert (
        findings(
            "UG101", "Configure Oracle HCM to allow proper structuring of personnel files.", "en", document=document
        )
        == []
    )
    assert (
        findings("UG101", "Configure Microsoft Dynamics 365 to provide the functionality.", "en", document=document)
        == []
    )
    # A product the document does not name as chosen is still flagged.
    (other,) = findings("UG101", "Reports shall be built in Power BI.", "en", document=document)
    assert other.evidence == "Power BI"


def test_ug101_a_system_to_integrate_with_is_a_fact_not_a_preference() -> None:
    assert findings("UG101", "Systemet ska integreras med Microsoft Teams.", "sv") == []
    assert findings("UG101", "The solution shall integrate with the county's Salesforce org.", "en") == []


def test_ug101_only_on_requirements_on_the_solution() -> None:
    requirement = make_requirement("The Supplier shall use Microsoft Project for the project plan.", "en")
    check = CHECKS["UG101"]
    assert check.applies_to(requirement)
    assert not check.applies_to(requirement.model_copy(update={"label": "out_of_scope", "label_reason": "actor"}))
    assert not check.applies_to(requirement.model_copy(update={"label": "need", "label_reason": "need"}))
    # Goods are products too: out of UG001's scope for naming no IT solution, still read here.
    assert check.applies_to(
        requirement.model_copy(update={"label": "out_of_scope", "label_reason": "no_solution_term"})
    )


def test_ug101_says_once_for_the_document_which_products_it_names_as_chosen() -> None:
    context = DocumentContext(path="sor.docx", language="en", text="VDOT has selected Oracle HCM Cloud Services.")
    requirements = [
        make_requirement(t, "en").model_copy(update={"id": f"R{i}", "label": "feature_without_need"})
        for i, t in enumerate(
            [
                "Configure Oracle HCM for personnel files.",
                "Implement Oracle Recruiting Cloud Service.",
                "The Supplier shall report weekly.",
            ]
        )
    ]
    notes = list(CHECKS["UG101"].run_document(requirements, context))
    assert len(notes) == 1
    (note,) = notes
    assert note.severity == "info" and note.subject == "document" and note.requirement_id == "R0"
    assert '"Oracle"' in note.message and note.evidence == "Oracle"


def test_ug101_national_e_id_is_not_a_brand_reference() -> None:
    assert findings("UG101", "Medborgare ska kunna signera med BankID, Freja eID eller SITHS.", "sv") == []


# ---------------------------------------------------------------- UG102 specifics


def test_ug102_one_finding_lists_every_unmeasured_word_with_offsets() -> None:
    text = "Systemet ska vara snabbt, flexibelt och användarvänligt, med svarstider under 2 sekunder."
    terms = VagueWording().terms(make_requirement(text, "sv"))
    assert [(t.text, t.measured) for t in terms] == [("snabbt", True), ("flexibelt", False), ("användarvänligt", False)]
    for t in terms:
        assert text[t.start : t.end] == t.text
    (finding,) = findings("UG102", text, "sv")
    assert "”flexibelt”" in finding.message and "”användarvänligt”" in finding.message
    assert "”snabbt”" not in finding.message
    # The rewrite keeps the requirement word for word around the notes it adds.
    assert re.sub(r" \[[^\]]*\]", "", finding.suggestion) == text


# ---------------------------------------------------------------- UG103 specifics


def test_ug103_demands_are_numbered_sentences_in_the_requirement_language() -> None:
    (finding,) = findings("UG103", "Lösningen ska ha stöd för e-underskrift, SMS-avisering och digital brevlåda.", "sv")
    assert finding.suggestion.splitlines() == [
        "1. Lösningen ska ha stöd för e-underskrift.",
        "2. Lösningen ska ha stöd för SMS-avisering.",
        "3. Lösningen ska ha stöd för digital brevlåda.",
    ]
    assert finding.severity == "warning"


def test_ug103_single_demand_yields_one_demand() -> None:
    demands = MultipleDemands().demands(make_requirement("Systemet ska stödja PDF, DOCX och XLSX.", "sv"))
    assert [d.text for d in demands] == ["Systemet ska stödja PDF, DOCX och XLSX."]


# ---------------------------------------------------------------- documentation


@pytest.mark.parametrize("code", list(CHECKS))
def test_documentation_has_the_sections(code: str) -> None:
    check = CHECKS[code]
    doc = check.documentation()
    assert doc.startswith(f"{code} {check.name}:")
    for section in ("Why it matters\n--------------", "Bad\n---", "Good\n----", "Severity:"):
        assert section in doc, section
    assert set(check.summary) == {"sv", "en"}
    if code == "UG101":
        assert "LOU 9 kap. 4 §" in doc and "2014/24/EU art. 42(4)" in doc and "BankID" in doc
    if code == "UG102":
        assert '"Near" means' in doc
    if code == "UG103":
        assert "Rule for lists of verbs" in doc and "Rule for lists of objects" in doc
