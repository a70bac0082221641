"""The rewrite must keep ska/bör, every number and every negation of the original: checked mechanically."""

from __future__ import annotations

import re

import pytest
import yaml

from upphandlingsgranskare.checks import get_check
from upphandlingsgranskare.checks.ug001_feature_without_need import rewrite

from .test_check_fixtures import FIXTURES, requirement_and_context

MODALS = re.compile(r"(?<!\w)(ska|skall|måste|bör|får|shall|must|should|will|required)(?!\w)", re.IGNORECASE)
NEGATIONS = re.compile(r"(?<!\w)(inte|ej|aldrig|ingen|inget|inga|not|no|never|without|utan)(?!\w)", re.IGNORECASE)
NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")

FAIL_CASES = [c for c in yaml.safe_load((FIXTURES / "UG001_feature_without_need.yaml").read_text("utf-8"))["test_cases"]
              if "fail_str" in c]


def _invariants(original: str, rewritten: str) -> None:
    assert [m.lower() for m in MODALS.findall(rewritten)] == [m.lower() for m in MODALS.findall(original)]
    assert [m.lower() for m in NEGATIONS.findall(rewritten)] == [m.lower() for m in NEGATIONS.findall(original)]
    numbers = NUMBERS.findall(rewritten)
    for number in NUMBERS.findall(original):
        assert number in numbers, f"{number} lost in: {rewritten}"


@pytest.mark.parametrize("case", FAIL_CASES, ids=[c["name"] for c in FAIL_CASES])
def test_suggestion_keeps_modals_numbers_negations(case: dict) -> None:
    requirement, context = requirement_and_context(case)
    (finding,) = get_check("UG001").run(requirement, context)
    _invariants(requirement.text, finding.suggestion)
    assert finding.suggestion != requirement.text
    assert "[" in finding.suggestion, "the suggestion leaves the need for the officer to fill in"


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
        _invariants(text, rewrite(text, lang, goals, matrix_row=matrix_row))


def test_rewrite_uses_document_language() -> None:
    assert "för att" in rewrite("Systemet ska ha en dashboard.", "sv", [])
    assert "in order to" in rewrite("The system shall have a dashboard.", "en", [])
    assert "Motivering:" in rewrite("Påminnelse till de som ska signera", "sv", [], matrix_row=True)
