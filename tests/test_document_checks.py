"""UG201-UG203, the document-level checks: their YAML fixtures (tests/fixtures/document/), one test per
case, each a whole Markdown document reviewed end to end (segmentation, labels, goal links, checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upphandlingsgranskare.checks import ALL_CHECKS, DocumentCheck, get_check
from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.review import review_document

FIXTURES = Path(__file__).parent / "fixtures" / "document"
SUBJECT = {"UG201": "document", "UG202": "goal", "UG203": "requirement"}


def _cases():
    for path in sorted(FIXTURES.glob("UG*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for case in data["test_cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}")


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_document_fixture_case(rule: str, case: dict, tmp_path: Path) -> None:
    text = case.get("fail_str") or case["pass_str"]
    path = tmp_path / "underlag.md"
    path.write_text(text, encoding="utf-8")
    review = review_document(path, options=ReviewOptions(select=frozenset({rule})))
    assert review.language == case["lang"]
    findings = [f for f in review.findings if f.code == rule]
    assert {f.code for f in review.findings} <= {rule}, "select keeps the other checks out"
    if "fail_str" in case:
        assert sorted(f.requirement_id for f in findings) == sorted(case["flagged"]), [
            (f.requirement_id, f.message) for f in findings
        ] or (review.goals, review.links)
        for finding in findings:
            assert finding.subject == SUBJECT[rule] and finding.language == case["lang"]
            assert finding.message and finding.question and finding.suggestion
            assert finding.severity == get_check(rule).default_severity
    else:
        assert findings == [], ([(f.requirement_id, f.message) for f in findings], review.goals, review.links)


def test_fixture_files_cover_both_languages_and_outcomes() -> None:
    for path in sorted(FIXTURES.glob("UG*.yaml")):
        cases = yaml.safe_load(path.read_text("utf-8"))["test_cases"]
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), path.name
        for lang in ("sv", "en"):
            assert any(c["lang"] == lang and "fail_str" in c for c in cases), (path.name, lang)
            assert any(c["lang"] == lang and "pass_str" in c for c in cases), (path.name, lang)


def test_document_checks_are_registered_with_documentation() -> None:
    codes = [c.code for c in ALL_CHECKS]
    assert codes[:4] == ["UG001", "UG101", "UG102", "UG103"] and codes[4:] == ["UG201", "UG202", "UG203"]
    for code, name in (
        ("UG201", "no-stated-goals"),
        ("UG202", "goal-without-requirement"),
        ("UG203", "requirement-without-goal"),
    ):
        check = get_check(code)
        assert isinstance(check, DocumentCheck) and check.name == name and get_check(name) is check
        doc = check.documentation()
        assert "Why it matters" in doc and "\nBad\n" in doc and "\nGood\n" in doc
        assert check.summary["sv"] and check.summary["en"]
    assert get_check("UG201").default_severity == "warning"
    assert get_check("UG202").default_severity == get_check("UG203").default_severity == "info"


def test_a_document_finding_does_not_count_its_anchor_as_flagged(tmp_path: Path) -> None:
    from upphandlingsgranskare.report.schema import summarise

    path = tmp_path / "krav.md"
    path.write_text(
        "# Krav\n## 4 Krav på lösningen\nK1 Systemet ska ha stöd för BankID för att invånarna ska kunna "
        "logga in utan lösenord.\n",
        encoding="utf-8",
    )
    review = review_document(path)
    assert [(f.code, f.subject, f.requirement_id) for f in review.findings] == [("UG201", "document", "K1")]
    assert summarise(review).flagged == 0 and summarise(review).per_check == {"UG201": 1}
