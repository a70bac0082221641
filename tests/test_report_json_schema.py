"""The JSON report validates against the published schema, docs/review-report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # the test extra
import pytest

from tests.test_report_html import SAMPLES, sample_reviews
from upphandlingsgranskare.models import DocumentReview
from upphandlingsgranskare.report.emit import to_json

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "review-report.schema.json").read_text(encoding="utf-8"))


def validate(report: dict) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def test_schema_is_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_sample_reports_validate():
    reviews = list(sample_reviews())
    failed = DocumentReview(
        path="trasig.pdf",
        format="pdf",
        language="sv",
        requirements=(),
        goals=(),
        findings=(),
        error="filen är skadad / the file is damaged",
    )
    skipped = DocumentReview(
        path="bild.png",
        format="png",
        language="sv",
        requirements=(),
        goals=(),
        findings=(),
        error="hoppades över / skipped",
        skipped=True,
    )
    report = json.loads(to_json(reviews + [failed, skipped]))
    validate(report)
    assert report["summary"]["documents"] == len(SAMPLES) + 2
    assert report["summary"]["documents_with_errors"] == 1
    assert sum(len(d["findings"]) for d in report["documents"]) == sum(len(r.findings) for r in reviews) > 0


def test_schema_rejects_a_broken_report():
    report = json.loads(to_json([]))
    validate(report)
    report["summary"]["flagged"] = "many"
    with pytest.raises(AssertionError):
        validate(report)
