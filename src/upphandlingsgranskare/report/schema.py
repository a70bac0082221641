"""The JSON report's schema: versioned, generated from these models (`upphandlingsgranskare schema`).

Version rules: adding an optional field is a minor bump (1.x); renaming, removing or
changing the meaning of a field is a major bump. Consumers should check ``schema_version``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .. import __version__
from ..models import DocumentReview, Finding, Goal, Language, LLMUsage, Requirement

SCHEMA_ID = "upphandlingsgranskare/review-report"
# 1.1: llm usage per document, origin "rules-fallback", evidence, label_origin; summary without_need,
# per_check, suppressed, baselined; unused_suppressions.
SCHEMA_VERSION = "1.1"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tool(_Model):
    name: Literal["upphandlingsgranskare"] = "upphandlingsgranskare"
    version: str = __version__


class DocumentSummary(_Model):
    requirements: int  # requirements found
    in_scope: int  # requirements on the solution (features and needs), the check's denominator
    flagged: int  # requirements with a finding shown (any check)
    without_need: int = 0  # requirements labelled feature_without_need (UG001's judgement, shown or accepted)
    need_stated_share: float | None  # (in_scope - without_need) / in_scope; None when in_scope is 0
    per_check: dict[str, int] = {}  # findings shown per check code
    suppressed: int = 0  # findings accepted by markers in the document
    baselined: int = 0  # findings accepted by the baseline file


class DocumentReport(_Model):
    path: str
    format: str
    language: Language
    pages: int | None
    extractor: str
    error: str | None  # why the file could not be reviewed
    skipped: bool  # an unsupported file met in a folder
    summary: DocumentSummary
    goals: list[Goal]
    requirements: list[Requirement]
    findings: list[Finding]
    llm: LLMUsage | None = None  # what the LLM backend did, when one took part
    unused_suppressions: list[str] = []  # markers in the document that accept no finding


class ReportSummary(_Model):
    documents: int
    documents_with_errors: int
    requirements: int
    in_scope: int
    flagged: int


class ReviewReport(_Model):
    schema_id: Literal["upphandlingsgranskare/review-report"] = SCHEMA_ID
    schema_version: Literal["1.1"] = SCHEMA_VERSION
    tool: Tool = Tool()
    summary: ReportSummary
    documents: list[DocumentReport]


def summarise(review: DocumentReview) -> DocumentSummary:
    flagged = len({f.requirement_id + "\x1f" + f.requirement_text for f in review.findings})
    without_need = sum(1 for r in review.requirements if r.label == "feature_without_need")
    share = None if review.in_scope == 0 else round((review.in_scope - without_need) / review.in_scope, 4)
    per_check: dict[str, int] = {}
    for finding in review.findings:
        per_check[finding.code] = per_check.get(finding.code, 0) + 1
    return DocumentSummary(requirements=len(review.requirements), in_scope=review.in_scope, flagged=flagged,
                           without_need=without_need, need_stated_share=share, per_check=per_check,
                           suppressed=review.suppressed, baselined=review.baselined)


def build_report(reviews: list[DocumentReview]) -> ReviewReport:
    documents = [
        DocumentReport(
            path=r.path, format=r.format, language=r.language, pages=r.pages, extractor=r.extractor, error=r.error,
            skipped=r.skipped, summary=summarise(r), goals=list(r.goals), requirements=list(r.requirements),
            findings=list(r.findings), llm=r.llm,
            unused_suppressions=list(r.unused_suppressions),
        )
        for r in reviews
    ]
    return ReviewReport(
        summary=ReportSummary(
            documents=len(documents),
            documents_with_errors=sum(1 for r in reviews if r.error and not r.skipped),
            requirements=sum(d.summary.requirements for d in documents),
            in_scope=sum(d.summary.in_scope for d in documents),
            flagged=sum(d.summary.flagged for d in documents),
        ),
        documents=documents,
    )


def json_schema() -> dict:
    schema = ReviewReport.model_json_schema()
    schema["$id"] = f"{SCHEMA_ID}/{SCHEMA_VERSION}"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
