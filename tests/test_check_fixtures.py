"""UG001's YAML fixture cases (sqlfluff style), expanded into one test each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from upphandlingsgranskare.checks import DocumentContext, get_check
from upphandlingsgranskare.models import Goal, Location, Requirement

FIXTURES = Path(__file__).parent / "fixtures"
_GOAL_ID = re.compile(r"(?i)^\s*((?:effektmål|objective|goal|mål)\s*[A-Z]?\d+|[OG]\d+)")


def _cases():
    for path in sorted(FIXTURES.glob("UG*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for case in data["test_cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}")


def requirement_and_context(case: dict) -> tuple[Requirement, DocumentContext]:
    text = case.get("fail_str") or case.get("pass_str")
    lang = case["lang"]
    goals = []
    for i, goal in enumerate(case.get("goals") or []):
        m = _GOAL_ID.match(goal)
        goals.append(Goal(id=m.group(1) if m else None, text=goal, heading="Mål",
                          location=Location(file="fixture.txt", paragraph=i)))
    requirement = Requirement(
        id="R1", text=text, kind="bör" if re.search(r"\b(bör|should)\b", text, re.I) else "ska",
        location=Location(file="fixture.txt", paragraph=0, start=0, end=len(text)), language=lang,
        heading_path=(case["heading"],) if case.get("heading") else (), rationale=case.get("rationale"),
        matrix_row=bool(case.get("table_row")),
    )
    return requirement, DocumentContext(path="fixture.txt", language=lang, goals=tuple(goals))


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_fixture_case(rule: str, case: dict) -> None:
    check = get_check(rule)
    assert check is not None, f"no check {rule}"
    requirement, context = requirement_and_context(case)
    findings = list(check.run(requirement, context))
    if "fail_str" in case:
        assert len(findings) == 1, f"expected a finding for: {requirement.text}"
        finding = findings[0]
        assert finding.code == rule
        assert finding.requirement_text == requirement.text
        assert finding.language == case["lang"]
        assert finding.question and finding.suggestion and finding.message
    else:
        assert findings == [], f"unexpected finding ({check.assess(requirement, context)}) for: {requirement.text}"


def test_fixture_file_is_balanced() -> None:
    """The fixture set covers both languages and both outcomes, and names are unique."""
    data = yaml.safe_load((FIXTURES / "UG001_feature_without_need.yaml").read_text("utf-8"))
    cases = data["test_cases"]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    for lang in ("sv", "en"):
        assert sum(1 for c in cases if c["lang"] == lang and "fail_str" in c) >= 15
        assert sum(1 for c in cases if c["lang"] == lang and "pass_str" in c) >= 15
