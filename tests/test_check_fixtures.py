"""The checks' YAML fixture cases (sqlfluff style), one test each, through the review's one path from text
to findings (``lint_text``: segmentation, labelling, checks); and the test that this path gives what the
review of a file holding the text gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.review import lint_text, review_document

FIXTURES = Path(__file__).parent / "fixtures"
CONTEXT_KEYS = ("heading", "rationale", "table_row", "goals", "lead_in")


def _cases(*, plain_only: bool = False):
    for path in sorted(FIXTURES.glob("UG*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for case in data["test_cases"]:
            if plain_only and any(case.get(key) for key in CONTEXT_KEYS):
                continue
            yield pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}")


def _text(case: dict) -> str:
    return case.get("fail_str") or case.get("pass_str")


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_fixture_case(rule: str, case: dict) -> None:
    text = _text(case)
    linted = lint_text(
        text,
        language=case["lang"],
        heading=case.get("heading"),
        rationale=case.get("rationale"),
        table_row=bool(case.get("table_row")),
        lead_in=case.get("lead_in"),
        goals=case.get("goals") or (),
        select=[rule],
    )
    # UG101's one note about the document (products it names as chosen) is no finding on a requirement.
    findings = [f for f in linted.findings if f.subject == "requirement"]
    labels = [(r.text, str(r.label), str(r.label_reason)) for r in linted.requirements]
    if "pass_str" in case:
        assert findings == [], f"unexpected finding for: {text}\n{findings[0].message}\nlabels: {labels}"
        return
    assert len(findings) == 1, f"expected one {rule} finding for: {text}\nlabels: {labels}"
    finding = findings[0]
    assert finding.code == rule
    assert finding.requirement_text in " ".join(text.split())
    assert finding.language == case["lang"]
    assert finding.question and finding.suggestion and finding.message


@pytest.mark.parametrize(("rule", "case"), list(_cases(plain_only=True)))
def test_lint_text_gives_what_the_review_of_a_file_gives(rule: str, case: dict, tmp_path: Path) -> None:
    """Every case that needs no context gives the same findings through ``lint_text`` as through
    ``review_document`` on a .txt file holding its text: there is one path from text to findings."""
    text = _text(case)
    linted = lint_text(text, language=case["lang"])
    path = tmp_path / "case.txt"
    path.write_text(text + "\n", "utf-8")
    reviewed = review_document(path, options=ReviewOptions(language=case["lang"]))
    assert [(r.text, r.label, r.label_reason) for r in linted.requirements] == [
        (r.text, r.label, r.label_reason) for r in reviewed.requirements
    ]
    assert sorted(f.code for f in linted.findings) == sorted(f.code for f in reviewed.findings)


def test_fixture_file_is_balanced() -> None:
    """The fixture set covers both languages and both outcomes, and names are unique."""
    data = yaml.safe_load((FIXTURES / "UG001_feature_without_need.yaml").read_text("utf-8"))
    cases = data["test_cases"]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    for lang in ("sv", "en"):
        assert sum(1 for c in cases if c["lang"] == lang and "fail_str" in c) >= 15
        assert sum(1 for c in cases if c["lang"] == lang and "pass_str" in c) >= 15
