"""The rewrite must keep ska/bör, every number and every negation of the original: checked mechanically."""

from __future__ import annotations

import re

import pytest
import yaml

from upphandlingsgranskare.checks.ug001_words import rewrite
from upphandlingsgranskare.review import lint_text, requirement_from_text

from .test_check_fixtures import FIXTURES

MODALS = re.compile(r"(?<!\w)(ska|skall|måste|bör|får|shall|must|should|will|required)(?!\w)", re.IGNORECASE)
NEGATIONS = re.compile(r"(?<!\w)(inte|ej|aldrig|ingen|inget|inga|not|no|never|without|utan)(?!\w)", re.IGNORECASE)
NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")

FAIL_CASES = [
    c
    for c in yaml.safe_load((FIXTURES / "UG001_feature_without_need.yaml").read_text("utf-8"))["test_cases"]
    if "fail_str" in c
]


def _invariants(original: str, rewritten: str) -> None:
    assert [m.lower() for m in MODALS.findall(rewritten)] == [m.lower() for m in MODALS.findall(original)]
    assert [m.lower() for m in NEGATIONS.findall(rewritten)] == [m.lower() for m in NEGATIONS.findall(original)]
    numbers = NUMBERS.findall(rewritten)
    for number in NUMBERS.findall(original):
        assert number in numbers, f"{number} lost in: {rewritten}"


@pytest.mark.parametrize("case", FAIL_CASES, ids=[c["name"] for c in FAIL_CASES])
def test_suggestion_keeps_modals_numbers_negations(case: dict) -> None:
    (finding,) = lint_text(
        case["fail_str"],
        language=case["lang"],
        heading=case.get("heading"),
        rationale=case.get("rationale"),
        table_row=bool(case.get("table_row")),
        goals=case.get("goals") or (),
        select=["UG001"],
    ).findings
    _invariants(finding.requirement_text, finding.suggestion)
    assert finding.suggestion != finding.requirement_text
    assert "[" in finding.suggestion, "the suggestion leaves the need for the officer to fill in"


def _rewrite(text: str, lang: str, goals: list[str], *, matrix_row: bool = False, column: str | None = None) -> str:
    requirement, _ = requirement_from_text(text, language=lang, table_row=matrix_row)
    return rewrite(requirement, None, None, goals, matrix_row=matrix_row, rationale_column=column)


@pytest.mark.parametrize(
    ("text", "lang", "goals"),
    [
        ("Systemet får inte kräva mer än 3 klick och ska svara inom 2,5 sekunder.", "sv", []),
        ("E-tjänsten bör inte lagra personnummer i mer än 30 dagar.", "sv", ["Effektmål 2"]),
        ("The portal shall not lock accounts after fewer than 5 attempts.", "en", ["O3"]),
        ("The system should never delete records older than 7 years.", "en", []),
    ],
)
def test_rewrite_invariants_hold_with_goal_hints(text: str, lang: str, goals: list[str]) -> None:
    for matrix_row in (False, True):
        _invariants(text, _rewrite(text, lang, goals, matrix_row=matrix_row))


def test_rewrite_uses_document_language() -> None:
    assert "för att" in _rewrite("Systemet ska ha en dashboard.", "sv", [])
    assert "in order to" in _rewrite("The system shall have a dashboard.", "en", [])
    assert "Motivering:" in _rewrite("Påminnelse till de som ska signera", "sv", [], matrix_row=True)


def test_matrix_row_suggestion_goes_to_the_rationale_column() -> None:
    """Issue 17: a matrix with a Motivering column is told to fill in that cell, not to write into the text."""
    text = "Export av sökträffar till Excel"
    suggestion = _rewrite(text, "sv", [], matrix_row=True, column="Motivering")
    assert suggestion.startswith("Fyll i kolumnen ”Motivering”") and text not in suggestion
    assert "Motivering:" not in suggestion


def test_question_names_the_feature_and_its_user() -> None:
    from upphandlingsgranskare.checks.ug001_words import question

    requirement, _ = requirement_from_text(
        "Sökande ska kunna logga in med BankID.", language="sv", heading="3.1 E-tjänst för sökande"
    )
    asked = question(requirement, "ha stöd för inloggning med BankID", None, [])
    assert asked == "Vilket problem ska inloggning med BankID lösa för sökande, och hur märks det?"
    requirement, _ = requirement_from_text("Caseworkers must be able to export case lists to Excel.", language="en")
    asked = question(requirement, "be able to export case lists to Excel", None, ["O1"])
    assert asked.startswith("What problem should the ability to export case lists to Excel solve for caseworkers")
    assert asked.endswith("(O1)?")


def test_two_requirements_get_different_questions() -> None:
    from upphandlingsgranskare.review import lint_text

    asked = {
        lint_text(text, language="sv")[1][0].question
        for text in ("Systemet ska ha stöd för inloggning med SITHS-kort.", "Lösningen ska ha en dashboard.")
    }
    assert len(asked) == 2


def test_question_keeps_the_whole_list_the_feature_names() -> None:
    from upphandlingsgranskare.review import lint_text

    _, findings = lint_text(
        "E-tjänsten ska ha stöd för att ladda upp ritningar i formaten PDF, DWG och JPEG.", language="sv"
    )
    (ug001,) = [f for f in findings if f.code == "UG001"]
    assert ug001.question.startswith(
        "Vilket problem ska möjligheten att ladda upp ritningar i formaten PDF, DWG och JPEG lösa för "
    )
