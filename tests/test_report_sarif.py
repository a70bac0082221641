"""SARIF 2.1.0 output, validated against the OASIS schema vendored in tests/schemas/."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # the test extra
import pytest

from tests.test_report_html import SAMPLES, sample_reviews
from upphandlingsgranskare import __version__
from upphandlingsgranskare.checks import ALL_CHECKS, get_check
from upphandlingsgranskare.models import DocumentReview, Finding, Location, Requirement
from upphandlingsgranskare.report.sarif import FINGERPRINT_KEY, to_sarif

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict) -> None:
    # The OASIS schema is draft-04; format checks run where jsonschema has the checkers.
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


@pytest.fixture(scope="module")
def reviews() -> list[DocumentReview]:
    return list(sample_reviews())


def _failed(path: str, error: str, skipped: bool = False) -> DocumentReview:
    return DocumentReview(
        path=path,
        format=Path(path).suffix.lstrip("."),
        language="sv",
        requirements=(),
        goals=(),
        findings=(),
        error=error,
        skipped=skipped,
    )


def test_vendored_schema_is_the_oasis_one():
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def test_samples_give_schema_valid_sarif(reviews):
    log = json.loads(to_sarif(reviews, base_dir=ROOT))
    validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "upphandlingsgranskare" and driver["version"] == __version__
    assert "informationUri" not in driver
    # Each check is one rule, with its documentation and default level.
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [c.code for c in ALL_CHECKS] and len(ids) == len(set(ids))
    ug001 = next(rule for rule in driver["rules"] if rule["id"] == "UG001")
    assert ug001["name"] == "feature-without-need"
    assert ug001["shortDescription"]["text"] == get_check("UG001").summary[reviews[0].language]
    assert "### Why it matters" in ug001["help"]["markdown"] and "Why it matters" in ug001["help"]["text"]
    assert ug001["defaultConfiguration"]["level"] == "warning"

    findings = [f for r in reviews for f in r.findings]
    results = run["results"]
    assert len(results) == len(findings) > 0
    assert [a["location"]["uri"] for a in run["artifacts"]] == [p.relative_to(ROOT).as_posix() for p in SAMPLES]
    assert run["invocations"] == [{"executionSuccessful": True}]
    for result, finding in zip(results, findings):
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        assert result["partialFingerprints"] == {FINGERPRINT_KEY: finding.fingerprint}
        assert finding.message in result["message"]["text"] and finding.question in result["message"]["text"]
        assert finding.suggestion in result["message"]["text"]
        props = result["properties"]
        assert (
            props["requirementId"],
            props["requirementText"],
            props["origin"],
            props["suggestion"],
            props["question"],
        ) == (finding.requirement_id, finding.requirement_text, finding.origin, finding.suggestion, finding.question)
        location = result["locations"][0]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert run["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]
        assert artifact["uri"].isascii() and " " not in artifact["uri"]
        region = location["physicalLocation"]["region"]
        assert region["charOffset"] == finding.location.start
        assert region["charLength"] == finding.location.end - finding.location.start
        assert region["properties"]["offsetsInto"] == "extractedText"
    kinds = {ll["kind"] for r in results for ll in r["locations"][0]["logicalLocations"]}
    assert {"page", "cell", "paragraph", "requirement", "section"} <= kinds
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")


def test_unreadable_document_is_a_notification(reviews):
    failed = _failed("trasig fil.pdf", "filen är skadad / the file is damaged")
    skipped = _failed("bild.png", "hoppades över / skipped", skipped=True)
    log = json.loads(to_sarif([reviews[0], failed, skipped]))
    validate(log)
    run = log["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [
        ("error", "unreadable-document"),
        ("note", "skipped-file"),
    ]
    assert "filen är skadad" in notes[0]["message"]["text"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "trasig%20fil.pdf"
    assert run["artifacts"][1]["properties"]["error"].startswith("filen är skadad")
    assert len(run["results"]) == len(reviews[0].findings)
    # Only an unreadable document fails the run; a skipped one alone does not.
    alone = json.loads(to_sarif([skipped]))
    validate(alone)
    assert alone["runs"][0]["invocations"][0]["executionSuccessful"] is True
    validate(json.loads(to_sarif([])))


def _review(text: str, location: Location) -> DocumentReview:
    requirement = Requirement(
        id="K7", text=text, kind="ska", location=location, language="sv", heading_path=("3 Krav",)
    )
    finding = Finding(
        code="UG001",
        name="feature-without-need",
        severity="warning",
        message="Skäl.",
        question="Varför?",
        suggestion=text + ", för att [effekt].",
        location=location,
        requirement_id="K7",
        requirement_text=text,
        language="sv",
    )
    return DocumentReview(
        path="kravspec.docx",
        format="docx",
        language="sv",
        requirements=(requirement,),
        goals=(),
        findings=(finding,),
        in_scope=1,
    )


def _fingerprint(review: DocumentReview) -> str:
    log = json.loads(to_sarif([review]))
    validate(log)
    return log["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY]


def test_fingerprint_survives_a_move_and_follows_the_text():
    text = "Systemet ska ha en dashboard."
    here = _review(text, Location(file="kravspec.docx", table=1, row=3, start=100, end=129))
    moved = _review(text, Location(file="kravspec.docx", paragraph=40, start=2200, end=2229))
    reworded = _review("Systemet ska ha en instrumentpanel.", here.findings[0].location)
    assert _fingerprint(here) == _fingerprint(moved)
    assert _fingerprint(here) != _fingerprint(reworded)
    # Whitespace and case are not a change of text.
    assert _fingerprint(here) == _fingerprint(_review("  SYSTEMET ska ha\nen dashboard. ", moved.findings[0].location))


def test_location_without_offsets_has_no_region():
    review = _review("Systemet ska ha en dashboard.", Location(file="kravmatris.xlsx", sheet="Krav", cell="C7", row=7))
    log = json.loads(to_sarif([review]))
    validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"]
    cell = next(ll for ll in location["logicalLocations"] if ll["kind"] == "cell")
    assert cell["fullyQualifiedName"] == "Krav!C7"
