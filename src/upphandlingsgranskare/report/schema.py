"""The JSON report's schema: versioned, generated from these models (`upphandlingsgranskare schema`).

Version rules: adding an optional field is a minor bump (1.x); renaming, removing or
changing the meaning of a field is a major bump. Consumers should check ``schema_version``.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from .. import __version__
from ..models import DocumentReview, Finding, Goal, GoalLink, Language, LLMUsage, Requirement

SCHEMA_ID: Final = "upphandlingsgranskare/review-report"
# 1.1: llm usage per document, origin "rules-fallback", evidence, label_origin; summary without_need,
# per_check, suppressed, baselined; unused_suppressions.
# 1.2: goal traceability: goals always carry an id (generated "M1" … marked ``generated``) and their list
# label; ``links`` (requirement -> goal, method reference|meaning, score, evidence) and ``goal_coverage``
# per document; summary goals, goals_served, linked; finding ``subject`` (requirement|goal|document), and
# ``flagged`` counts requirements with a finding about them (not a goal's or the document's).
SCHEMA_VERSION: Final = "1.2"


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
    goals: int = 0  # stated goals
    goals_served: int = 0  # goals at least one requirement on the solution is linked to
    linked: int = 0  # requirements on the solution linked to at least one goal


class GoalCoverage(_Model):
    """One stated goal and the requirements on the solution that serve it."""

    goal_id: str
    text: str
    generated: bool = False  # the id is generated ("M1"), the document gives the goal none
    requirements: list[str]  # ids of the requirements linked to the goal, in document order
    by_reference: int = 0  # of which the requirement (or its rationale) refers to the goal
    by_meaning: int = 0  # of which linked by shared words and concepts


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
    links: list[GoalLink] = []  # which goal each requirement on the solution serves
    goal_coverage: list[GoalCoverage] = []  # per goal, the requirements that serve it
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
    schema_version: Literal["1.2"] = SCHEMA_VERSION
    tool: Tool = Tool()
    summary: ReportSummary
    documents: list[DocumentReport]


def goal_coverage(review: DocumentReview) -> list[GoalCoverage]:
    """Per goal (document order), the requirements linked to it and how."""
    out = []
    for goal in review.goals:
        mine = [link for link in review.links if link.goal_id == goal.id]
        out.append(
            GoalCoverage(
                goal_id=goal.id or "",
                text=goal.text,
                generated=goal.generated,
                requirements=list(dict.fromkeys(link.requirement_id for link in mine)),
                by_reference=sum(1 for link in mine if link.method == "reference"),
                by_meaning=sum(1 for link in mine if link.method == "meaning"),
            )
        )
    return out


def summarise(review: DocumentReview) -> DocumentSummary:
    # A requirement is flagged by a finding about it; a goal's or the whole document's finding flags none.
    flagged = len(
        {
            f.requirement_id + "\x1f" + f.requirement_text
            for f in review.findings
            if getattr(f, "subject", "requirement") == "requirement"
        }
    )
    without_need = sum(1 for r in review.requirements if r.label == "feature_without_need")
    share = None if review.in_scope == 0 else round((review.in_scope - without_need) / review.in_scope, 4)
    per_check: dict[str, int] = {}
    for finding in review.findings:
        per_check[finding.code] = per_check.get(finding.code, 0) + 1
    links = getattr(review, "links", ())  # reviews made before goal links have none
    return DocumentSummary(
        requirements=len(review.requirements),
        in_scope=review.in_scope,
        flagged=flagged,
        without_need=without_need,
        need_stated_share=share,
        per_check=per_check,
        suppressed=review.suppressed,
        baselined=review.baselined,
        goals=len(review.goals),
        goals_served=len({link.goal_id for link in links}),
        linked=len({link.requirement_id for link in links}),
    )


def build_report(reviews: list[DocumentReview]) -> ReviewReport:
    documents = [
        DocumentReport(
            path=r.path,
            format=r.format,
            language=r.language,
            pages=r.pages,
            extractor=r.extractor,
            error=r.error,
            skipped=r.skipped,
            summary=summarise(r),
            goals=list(r.goals),
            requirements=list(r.requirements),
            findings=list(r.findings),
            links=list(r.links),
            goal_coverage=goal_coverage(r),
            llm=r.llm,
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
