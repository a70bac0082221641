"""The pipeline: file -> extraction -> segmentation -> checks -> ``DocumentReview``.

Plain functions, imported by the CLI and by tests. A file that cannot be read becomes a
``DocumentReview`` with ``error`` set, so a batch goes on past it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .budget import check_budget
from .checks.base import Check
from .models import DocumentReview, ExtractionError, Finding, GoalLink, Requirement, UnsupportedLanguageError
from .nlp.classify import Assessment

if TYPE_CHECKING:
    from .checks.base import DocumentContext
    from .models import Language
    from .llm.review import Decision, LLMReviewer
    from .models import LLMUsage
    from .options import ReviewOptions

FLAGGED_LABEL = "feature_without_need"


def review_document(path: str | os.PathLike, llm: "LLMReviewer | None" = None,
                    options: "ReviewOptions | None" = None) -> DocumentReview:
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
    from .segment.language import detect_document_language  # noqa: F401
    from .suppression import apply_markers  # noqa: F401

    from .nlp.pipeline import document_docs

    with document_budget(str(path), options.limits), document_docs():
        return _review_document(path, llm, options)


def _review_document(path: str | os.PathLike, llm: "LLMReviewer | None", options: "ReviewOptions") -> DocumentReview:
    from .checks import DocumentContext
    from .checks.ug001_words import rationale_columns
    from .extract import extract
    from .segment import segment
    from .segment.language import detect_document_language, unsupported_language_message
    from .suppression import apply_markers, read_comment_markers

    document = extract(path, password=options.password, limits=options.limits)
    language = options.language or detect_document_language(document.text)
    if language in ("no", "da"):
        raise UnsupportedLanguageError(document.path, unsupported_language_message(language))
    _warm_up(language, options)
    segmentation = segment(document, language)
    if not segmentation.requirements and document.format == "xlsx":
        from .extract.xlsx_formulas import check_cached_values

        check_cached_values(Path(path), document.path)  # "krav: 0" from formulas nobody calculated: say so
    context = DocumentContext(path=document.path, language=language, goals=tuple(segmentation.goals),
                              rationale_policy=options.rationale_policy, label_model=options.label_model,
                              text=document.text, rationale_columns=rationale_columns(document.blocks))
    # The extracted blocks are not read after this: let them go before the checks' peak (a 1,000-page
    # PDF's blocks hold about 70 MB).
    shown, doc_format, pages, extractor = document.path, document.format, document.pages, document.extractor
    del document
    requirements, ordered, in_scope, usage, links = review_requirements(segmentation.requirements, context, options,
                                                                        llm)
    accepted = apply_markers(requirements, ordered, read_comment_markers(path))
    return DocumentReview(
        path=shown,
        format=doc_format,
        language=language,
        requirements=tuple(requirements),
        goals=tuple(segmentation.goals),
        findings=tuple(accepted.kept),
        suppressed=len(accepted.suppressed),
        unused_suppressions=tuple(accepted.unused),
        in_scope=in_scope,
        pages=pages,
        extractor=extractor,
        llm=usage,
        links=links,
    )



@lru_cache(maxsize=None)
def _load_once(language: "Language", label_model: bool) -> None:
    from .options import ReviewOptions

    lint_text("Systemet ska ha inloggning.", language=language, options=ReviewOptions(label_model=label_model))


def _warm_up(language: "Language", options: "ReviewOptions") -> None:
    """Load spaCy, the word lists and the label model for ``language`` once per process, outside the document's
    budget: the first document of a process must not pay a second of it for what every document shares."""
    from .budget import paused

    with paused():
        _load_once(language, options.label_model)


def requirement_from_text(text: str, *, language: "Language", heading: str | None = None,
                          rationale: str | None = None, table_row: bool = False, lead_in: str | None = None,
                          goals: Sequence[str] = (), source: str = "text", requirement_id: str = "R1",
                          options: "ReviewOptions | None" = None) -> tuple[Requirement, "DocumentContext"]:
    """One requirement as the review would read it from a document, with its document's context: the
    heading over it, its rationale cell, whether it is a matrix row, the lead-in of its list, and the
    document's stated goals ("Effektmål 2: …" keeps its id). Its kind (ska/bör) is read as segmentation reads it."""
    from .checks import DocumentContext
    from .models import Goal, Location
    from .nlp.label_model import as_lead_in
    from .options import ReviewOptions
    from .segment.requirements import GOAL_ID, modal_kind

    options = options or ReviewOptions()
    location = Location(file=source)
    parsed = []
    for goal in goals:
        match = GOAL_ID.match(goal)
        parsed.append(Goal(id=match.group("id").strip() if match else None, text=goal, heading="", location=location))
    requirement = Requirement(id=requirement_id, text=text, kind=modal_kind(text, language), location=location,
                              language=language, heading_path=(heading,) if heading else (), rationale=rationale,
                              context=as_lead_in(lead_in), matrix_row=table_row)
    context = DocumentContext(path=source, language=language, goals=tuple(parsed),
                              rationale_policy=options.rationale_policy, label_model=options.label_model)
    return requirement, context


def lint_text(text: str, *, language: "Language", heading: str | None = None, rationale: str | None = None,
              table_row: bool = False, lead_in: str | None = None, goals: Sequence[str] = (),
              options: "ReviewOptions | None" = None) -> tuple[Requirement, list[Finding]]:
    """Review one requirement typed in, in the spirit of sqlfluff's ``lint_string``: the requirement with its
    label, and its findings, through the same labelling and checks as ``review_document``."""
    from .options import ReviewOptions

    options = options or ReviewOptions()
    requirement, context = requirement_from_text(text, language=language, heading=heading, rationale=rationale,
                                                 table_row=table_row, lead_in=lead_in, goals=goals, options=options)
    requirements, findings, _, _, _ = review_requirements([requirement], context, options)
    return requirements[0], findings

def review_requirements(found: Sequence[Requirement], context: "DocumentContext", options: "ReviewOptions",
                        llm: "LLMReviewer | None" = None
                        ) -> tuple[list[Requirement], list[Finding], int, "LLMUsage | None", tuple[GoalLink, ...]]:
    """Label the requirements and run every enabled check on them, as the review of a document does:
    returns the labelled requirements, the findings in document order (configured severities applied),
    how many are on the solution, what the LLM backend did, and the goal links. ``review_document``
    and ``lint_text`` both go through here, so a requirement typed in is judged as one read from a file."""
    from .checks import ALL_CHECKS
    from .checks.merge import merge_goal_findings
    from .trace import goal_line, link_requirements

    if llm is not None:
        from .llm.review import apply_decision
    language = context.language
    findings: list[tuple[int, Finding]] = []  # with the requirement's index, to report in document order
    # First every requirement gets its annotation-guide label (UG001 decides it, the LLM backend may
    # revise it); then the other checks read the labelled requirements, each within its scope.
    labelling = [c for c in ALL_CHECKS if type(c).assess is not Check.assess]
    others = [c for c in ALL_CHECKS if c not in labelling and options.enabled(c.code)]
    labelled: list[tuple[int, Check, Assessment]] = []
    for index, requirement in enumerate(found):
        check_budget()
        for check in labelling:
            labelled.append((index, check, check.assess(requirement, context)))

    decisions: list[Decision | None] = [None] * len(labelled)
    usage = None
    if llm is not None and labelled:
        from .budget import paused

        with paused():  # the model's time is bounded by its own timeouts, not by the document's budget
            decisions, usage = llm.decide_all([found[i] for i, _, _ in labelled],
                                              [a for _, _, a in labelled], [goal_line(g) for g in context.goals])

    requirements = list(found)
    in_scope = 0
    flagged: list[tuple[int, Check, Assessment, "Decision | None"]] = []
    for (index, check, assessment), decision in zip(labelled, decisions):
        check_budget()
        label, origin, reason = assessment.label, "rules", assessment.reason
        if decision is not None:
            label, origin = decision.label, decision.origin
            if decision.origin == "llm" and decision.judgement is not None and label != assessment.label:
                reason = f"llm: {decision.judgement.quote}"
        requirement = requirements[index].model_copy(
            update={"label": label, "label_reason": reason, "label_origin": origin})
        requirements[index] = requirement
        in_scope += label != "out_of_scope"
        if label == FLAGGED_LABEL and options.enabled(check.code):
            flagged.append((index, check, assessment if assessment.flagged else Assessment(FLAGGED_LABEL, "llm"),
                            decision))
    # The labels say which requirements are on the solution: those are tied to the goals they serve,
    # and the findings (UG001's names the goal a flagged requirement resembles) read the links.
    check_budget()
    links = link_requirements(requirements, context.goals, language)
    context = replace(context, links=links)
    for index, check, basis, decision in flagged:
        check_budget()
        finding = check.finding(requirements[index], context, basis)
        findings.append((index, finding if decision is None else apply_decision(finding, decision)))
    for index, requirement in enumerate(requirements):
        check_budget()
        for check in others:
            if check.applies_to(requirement):
                findings.extend((index, f) for f in check.run(requirement, context))
    # Document-level checks (goals and their coverage) last; a goal's finding goes first in the report,
    # as goals come first in a tender, the others with the requirement they are anchored on.
    position = {(r.id, r.text): i for i, r in reversed(list(enumerate(requirements)))}
    for check in others:
        check_budget()
        findings.extend((-1 if f.subject == "goal" else position.get((f.requirement_id, f.requirement_text), -1), f)
                        for f in check.run_document(requirements, context))
    ordered = merge_goal_findings([f for _, f in sorted(findings, key=lambda pair: pair[0])], context.goals)
    if options.severity:
        ordered = [f.model_copy(update={"severity": options.severity[f.code]}) if f.code in options.severity else f
                   for f in ordered]
    return requirements, ordered, in_scope, usage, links


# The batch (collecting inputs, reviewing many files) lives in batch.py; these names stay importable from here.
from .batch import InputFile, collect_inputs, review_paths, supported_extensions  # noqa: E402,F401
