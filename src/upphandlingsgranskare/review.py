"""The pipeline: file -> extraction -> segmentation -> checks -> ``DocumentReview``.

Plain functions, imported by the CLI and by tests. A file that cannot be read becomes a
``DocumentReview`` with ``error`` set, so a batch goes on past it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from .budget import check_budget
from .checks.base import Check
from .labels import Label
from .models import DocumentReview, ExtractionError, Finding, GoalLink, Requirement, UnsupportedLanguageError

if TYPE_CHECKING:
    from .checks.base import DocumentContext
    from .llm.review import LLMReviewer
    from .models import ExtractedDocument, Language, LLMUsage
    from .options import ReviewOptions
    from .segment.requirements import Segmentation
    from .suppression import CommentAnchor


def review_document(
    path: str | os.PathLike, llm: LLMReviewer | None = None, options: ReviewOptions | None = None
) -> DocumentReview:
    """Review one file. Raises ``ExtractionError`` when the file cannot be read.

    With ``llm`` (an LLM backend), the model judges the requirements that backend sends it,
    after the rules have judged them all; see ``llm.review``. ``options`` selects checks, sets
    severities, the language and the rationale policy; markers in the document accept findings.
    """
    from .budget import document_budget
    from .options import ReviewOptions

    options = options or ReviewOptions()
    # One time budget for the whole review of this document: reading, segmentation, NLP and checks; the
    # modules (here) and the language's pipeline (_warm_up) load once per process, outside it.
    from .checks import DocumentContext  # noqa: F401
    from .nlp.pipeline import document_docs
    from .segment.language import detect_document_language  # noqa: F401
    from .suppression import apply_markers  # noqa: F401

    with document_budget(str(path), options.limits), document_docs():
        return _review_document(path, llm, options)


def _review_document(path: str | os.PathLike, llm: LLMReviewer | None, options: ReviewOptions) -> DocumentReview:
    from .extract import extract
    from .segment import segment
    from .segment.language import detect_document_language, unsupported_language_message
    from .suppression import read_comment_markers

    document = extract(path, password=options.password, limits=options.limits)
    language = options.language or detect_document_language(document.text)
    if language == "no" or language == "da":  # (not `in`: mypy narrows the Literal only this way)
        raise UnsupportedLanguageError(document.path, unsupported_language_message(language))
    _warm_up(language, options)
    segmentation = segment(document, language)
    if not segmentation.requirements and document.format == "xlsx":
        from .extract.xlsx_formulas import check_cached_values

        check_cached_values(Path(path), document.path)  # "krav: 0" from formulas nobody calculated: say so
    context, read = _document_context(document, segmentation, options)
    # The extracted blocks are not read after this: let them go before the checks' peak (a 1,000-page
    # PDF's blocks hold about 70 MB). Here, in the frame that holds the document, not in a callee.
    del document
    return _review_segmented(context, read, segmentation, options, llm, read_comment_markers(Path(path)))


class _Read(NamedTuple):
    """What the review reports of the extracted document once its blocks are let go."""

    path: str
    format: str
    pages: int | None
    extractor: str


def _document_context(
    document: ExtractedDocument, segmentation: Segmentation, options: ReviewOptions
) -> tuple[DocumentContext, _Read]:
    """What the checks may know of the document, and what the review reports of it."""
    from .checks import DocumentContext
    from .checks.ug001_words import rationale_columns
    from .labelling import label_model_choice

    context = DocumentContext(
        path=document.path,
        language=segmentation.language,
        goals=tuple(segmentation.goals),
        rationale_policy=options.rationale_policy,
        label_model=label_model_choice(options),
        text=document.text,
        rationale_columns=rationale_columns(document.blocks),
    )
    return context, _Read(document.path, document.format, document.pages, document.extractor)


def _review_segmented(
    context: DocumentContext,
    read: _Read,
    segmentation: Segmentation,
    options: ReviewOptions,
    llm: LLMReviewer | None = None,
    markers: Sequence[CommentAnchor] = (),
) -> DocumentReview:
    """The review of a segmented document: labelling, checks, markers. ``review_document`` and ``lint_text``
    both end here, so a text typed in is judged as the same text read from a file."""
    from .suppression import apply_markers

    requirements, ordered, in_scope, usage, links = review_requirements(
        segmentation.requirements, context, options, llm
    )
    accepted = apply_markers(requirements, ordered, markers)
    return DocumentReview(
        path=read.path,
        format=read.format,
        language=segmentation.language,
        requirements=tuple(requirements),
        goals=tuple(segmentation.goals),
        findings=tuple(accepted.kept),
        suppressed=len(accepted.suppressed),
        unused_suppressions=tuple(accepted.unused),
        in_scope=in_scope,
        pages=read.pages,
        extractor=read.extractor,
        llm=usage,
        links=links,
    )


@cache
def _load_once(language: Language, label_model: bool, embeddings: bool) -> None:
    from .options import ReviewOptions

    lint_text(
        "Systemet ska ha inloggning.",
        language=language,
        options=ReviewOptions(label_model=label_model, embeddings=embeddings),
    )


def _warm_up(language: Language, options: ReviewOptions) -> None:
    """Load spaCy, the word lists and the label model for ``language`` once per process, outside the document's
    budget: the first document of a process must not pay a second of it for what every document shares."""
    from .budget import paused

    with paused():
        _load_once(language, options.label_model, options.embeddings)


def requirement_from_text(
    text: str,
    *,
    language: Language,
    heading: str | None = None,
    rationale: str | None = None,
    table_row: bool = False,
    lead_in: str | None = None,
    goals: Sequence[str] = (),
    source: str = "text",
    requirement_id: str = "R1",
    options: ReviewOptions | None = None,
) -> tuple[Requirement, DocumentContext]:
    """One item read alone, with its document's context, as the annotation guide labels a gold item (one at a
    time, whatever sentences it holds): the heading over it, its rationale cell, whether it is a matrix row,
    the lead-in of its list, and the document's stated goals ("Effektmål 2: …" keeps its id). Its kind
    (ska/bör) is read as segmentation reads it. The label evaluation and the label model's training read
    items so; ``lint_text`` reads a text as a document is read (segmentation first)."""
    from .checks import DocumentContext
    from .labelling import label_model_choice
    from .models import Goal, Location
    from .nlp.label_model import as_lead_in
    from .options import ReviewOptions
    from .segment.patterns import GOAL_ID
    from .segment.sentences import modal_kind

    options = options or ReviewOptions()
    location = Location(file=source)
    parsed = []
    for goal in goals:
        match = GOAL_ID.match(goal)
        parsed.append(Goal(id=match.group("id").strip() if match else None, text=goal, heading="", location=location))
    requirement = Requirement(
        id=requirement_id,
        text=text,
        kind=modal_kind(text, language),
        location=location,
        language=language,
        heading_path=(heading,) if heading else (),
        rationale=rationale,
        context=as_lead_in(lead_in),
        matrix_row=table_row,
    )
    context = DocumentContext(
        path=source,
        language=language,
        goals=tuple(parsed),
        rationale_policy=options.rationale_policy,
        label_model=label_model_choice(options),
    )
    return requirement, context


class Linted(NamedTuple):
    """What ``lint_text`` finds: the requirements segmentation read in the text, labelled, and their findings."""

    requirements: tuple[Requirement, ...]
    findings: tuple[Finding, ...]


def lint_text(
    text: str,
    *,
    language: Language,
    heading: str | None = None,
    rationale: str | None = None,
    table_row: bool = False,
    lead_in: str | None = None,
    goals: Sequence[str] = (),
    select: Iterable[str] | None = None,
    source: str = "text",
    options: ReviewOptions | None = None,
) -> Linted:
    """Review a text typed in, in the spirit of sqlfluff's ``lint_string``: the text in the document a file
    would give (``segment.typed``: a heading over it, a table row with a rationale cell, a list lead-in, a
    goal section), through the same segmentation, labelling and checks as ``review_document``.
    ``select``: only these check codes (else the options' selection)."""
    from .options import ReviewOptions
    from .segment import segment
    from .segment.typed import typed_document

    options = options or ReviewOptions()
    if select is not None:
        options = replace(options, select=frozenset(code.upper() for code in select))
    document = typed_document(
        text,
        language=language,
        source=source,
        heading=heading,
        rationale=rationale,
        table_row=table_row,
        lead_in=lead_in,
        goals=goals,
    )
    segmentation = segment(document, language)
    context, read = _document_context(document, segmentation, options)
    review = _review_segmented(context, read, segmentation, options)
    return Linted(review.requirements, review.findings)


def review_requirements(
    found: Sequence[Requirement], context: DocumentContext, options: ReviewOptions, llm: LLMReviewer | None = None
) -> tuple[list[Requirement], list[Finding], int, LLMUsage | None, tuple[GoalLink, ...]]:
    """Label the requirements (``labelling``) and run every enabled check on them: returns the labelled
    requirements, the findings in document order (configured severities applied), how many are on the
    solution, what the LLM backend did, and the goal links."""
    from .checks import ALL_CHECKS
    from .checks.merge import merge_goal_findings
    from .labelling import label_requirements
    from .trace import goal_line, link_requirements

    requirements, usage = label_requirements(found, context, llm, [goal_line(g) for g in context.goals])
    in_scope = sum(1 for r in requirements if r.label != Label.OUT_OF_SCOPE)
    # The labels say which requirements are on the solution: those are tied to the goals they serve,
    # and the findings (UG001's names the goal a flagged requirement resembles) read the links.
    check_budget()
    links = link_requirements(requirements, context.goals, context.language)
    context = replace(context, links=links)
    checks = [c for c in ALL_CHECKS if options.enabled(c.code)]
    findings: list[tuple[int, Finding]] = []  # with the requirement's index, to report in document order
    for index, requirement in enumerate(requirements):
        check_budget()
        for check in checks:
            if check.applies_to(requirement):
                findings.extend((index, f) for f in run_isolated(check, context, requirement))
    # Document-level checks (goals and their coverage) last; a goal's finding goes first in the report,
    # as goals come first in a tender, the others with the requirement they are anchored on.
    position = {(r.id, r.text): i for i, r in reversed(list(enumerate(requirements)))}
    for check in checks:
        check_budget()
        findings.extend(
            (-1 if f.subject == "goal" else position.get((f.requirement_id, f.requirement_text), -1), f)
            for f in run_isolated(check, context, None, requirements)
        )
    ordered = merge_goal_findings([f for _, f in sorted(findings, key=lambda pair: pair[0])], context.goals)
    if options.severity:
        ordered = [
            f.model_copy(update={"severity": options.severity[f.code]}) if f.code in options.severity else f
            for f in ordered
        ]
    return requirements, ordered, in_scope, usage, links


def run_isolated(
    check: Check, context: DocumentContext, requirement: Requirement | None, requirements: Sequence[Requirement] = ()
) -> list[Finding]:
    """The check's findings on one requirement (or, without one, on the document), or, when it raises, one
    finding that names the check and the exception: the other checks go on, as sqlfluff's rules do. A time or
    size limit reached (``ExtractionError``) and memory running out are no fault of the check: they end the review."""
    try:
        if requirement is None:
            return list(check.run_document(requirements, context))
        return list(check.run(requirement, context))
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - one faulty check must not cost the document its other findings
        if requirement is not None:
            return [check_failure(check, context, requirement, error)]
        return [check_failure(check, context, requirements[0] if requirements else None, error, subject="document")]


def check_failure(
    check: Check,
    context: DocumentContext,
    requirement: Requirement | None,
    error: Exception,
    subject: Literal["requirement", "document"] = "requirement",
) -> Finding:
    """The finding that reports a check which raised, named by its code with the exception as it was: on the
    requirement it read, or, for the document, anchored on its first requirement."""
    from .models import Location

    what = f"{type(error).__name__}: {error}"
    sv = f"Kontrollen {check.code} ({check.name}) kunde inte köras: {what}. Övriga kontroller har körts."
    en = f"The check {check.code} ({check.name}) failed: {what}. The other checks ran."
    return Finding(
        code=check.code,
        name=check.name,
        severity="error",
        message=sv if context.language == "sv" else en,
        question=(
            "Rapportera felet till verktygets förvaltare."
            if context.language == "sv"
            else "Report the error to the tool's maintainers."
        ),
        suggestion=f"{sv} / {en}",
        location=requirement.location if requirement else Location(file=context.path),
        requirement_id=requirement.id if requirement else "",
        language=context.language,
        requirement_text=requirement.text if requirement else "",
        origin="rules",
        origin_detail=f"check error: {what}",
        subject=subject,
    )


# The batch (collecting inputs, reviewing many files) lives in batch.py; these names stay importable from here.
from .batch import InputFile, collect_inputs, review_paths, supported_extensions  # noqa: E402,F401
