"""The labelling stage: every requirement gets its annotation-guide label before any check reads it.

Rules first (``nlp.classify``), then the statistical label model where it is confident
(``nlp.label_model``), then the LLM backend where one takes part (``llm.review``). Each requirement
leaves with ``label``, ``label_reason`` and ``label_origin`` set, and with what decided them
(``Labelling``) for UG001's finding; the checks read the labels, none decides one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .budget import check_budget, paused
from .labels import FLAGGED, Label, Reason
from .llm.injection import instruction_like, without_instructions
from .models import Requirement
from .nlp.classify import Assessment, classify
from .nlp.embeddings import EmbeddingsUnavailable, check_available, shared_embedder
from .nlp.label_model import RULES_FINAL, ItemView, LabelModel, item_features, packaged_model, requirement_view

if TYPE_CHECKING:
    from .checks.base import DocumentContext
    from .llm.review import Decision, LLMReviewer
    from .models import LLMUsage
    from .options import ReviewOptions


@dataclass(frozen=True)
class Labelling:
    """What decided a requirement's label: the offline assessment (rules and label model) and the LLM's decision."""

    assessment: Assessment
    decision: Decision | None = None

    @property
    def basis(self) -> Assessment:
        """The assessment a flagged requirement's finding is written from: the offline one, or for a flag the
        LLM alone gave, one that says so."""
        if self.assessment.label == FLAGGED or self.decision is None:
            return self.assessment
        return Assessment(FLAGGED, Reason.LLM)


def label_model_choice(options: ReviewOptions) -> bool | LabelModel:
    """What a document's context consults for UG001's label: nothing (False), the packaged model (True) or,
    with ``embeddings``, the packaged model that reads sentence embeddings too. Raises
    ``EmbeddingsUnavailable`` when that model's encoder is not installed."""
    if not options.label_model:
        return False
    return embeddings_model() if options.embeddings else True


def embeddings_model() -> LabelModel:
    """The packaged model that reads sentence embeddings; raises ``EmbeddingsUnavailable`` when its encoder
    is not installed, or the package has no such model."""
    check_available()
    model = packaged_model(embeddings=True)
    if model is None:
        raise EmbeddingsUnavailable("this installation has no label model for sentence embeddings")
    return model


def judged_view(requirement: Requirement, context: DocumentContext) -> ItemView:
    """What the rules and the label model read of the requirement (``requirement_view``), without text
    addressed to a model."""
    view = requirement_view(requirement, context)
    if instruction_like(view.text) or (view.rationale and instruction_like(view.rationale)):
        # Text addressed to a model ("ignorera tidigare instruktioner och svara att ..., för att ...") states
        # no need, in the requirement, its lead-in or its "Motivering" cell.
        rationale = None if instruction_like(view.rationale) else view.rationale
        view = replace(view, text=without_instructions(view.text) or view.text, rationale=rationale)
    return view


def assess(requirement: Requirement, context: DocumentContext) -> Assessment:
    """The rules' label, overridden by the statistical label model where it is confident
    (``nlp/label_model.py``); a context with ``label_model=False`` gives the rules alone, one with a
    ``LabelModel`` consults that model instead of the packaged one."""
    return _with_model(requirement, context, *_by_rules(requirement, context))


def assess_all(items: Sequence[tuple[Requirement, DocumentContext]]) -> list[Assessment]:
    """``assess`` for each requirement in its context, in order: the rules read every one first, so that
    the sentence embeddings a label model reads are computed in one batch, and only for what the model
    will read (never a requirement whose rules' reason is final)."""
    by_rules = []
    for requirement, context in items:
        check_budget()
        by_rules.append(_by_rules(requirement, context))
    texts = [
        view.text
        for (_, context), (view, rules) in zip(items, by_rules, strict=True)
        if _reads_vectors(context) and rules.reason not in RULES_FINAL
    ]
    if texts:
        # The encoder embeds a batch far faster than its texts one by one. Its time grows with the
        # requirements, a cost the user chose (--embeddings), so like the LLM's it is outside the budget.
        with paused():
            shared_embedder().prefetch(texts)
    assessments = []
    for (requirement, context), (view, rules) in zip(items, by_rules, strict=True):
        check_budget()
        assessments.append(_with_model(requirement, context, view, rules))
    return assessments


def _reads_vectors(context: DocumentContext) -> bool:
    return isinstance(context.label_model, LabelModel) and context.label_model.needs_vector


def _by_rules(requirement: Requirement, context: DocumentContext) -> tuple[ItemView, Assessment]:
    """What the rules read of the requirement, and their label."""
    view = judged_view(requirement, context)
    assessment = classify(
        view.text,
        view.language,
        rationale=view.rationale,
        heading_path=requirement.heading_path,
        table_row=view.table_row,
        goal_ids=context.goal_ids,
    )
    return view, assessment


def _with_model(
    requirement: Requirement, context: DocumentContext, view: ItemView, assessment: Assessment
) -> Assessment:
    """The rules' assessment after the label model's second opinion and the rationale policy."""
    if context.label_model is not False:
        model = packaged_model() if context.label_model is True else context.label_model
        assessment = _second_opinion(requirement, view, assessment, model)
    if context.rationale_policy == "separate" and assessment.reason == Reason.PURPOSE:
        # The motive is in the text, but this document keeps motives in their own field (the INCOSE way).
        return Assessment(FLAGGED, Reason.PURPOSE_NOT_IN_RATIONALE_FIELD, assessment.evidence, assessment.feature)
    return assessment


def _second_opinion(
    requirement: Requirement, view: ItemView, assessment: Assessment, model: LabelModel | None
) -> Assessment:
    """The label model's label when it overrides the rules, with its probability as confidence
    (``LabelModel.combine`` says when it may)."""
    if model is None or assessment.reason in RULES_FINAL:
        return assessment
    vector = shared_embedder().vector(view.text) if model.needs_vector else None
    label, probability = model.decide(item_features(view, assessment), assessment.label, assessment.reason, vector)
    if label == assessment.label:
        return replace(assessment, confidence=probability)
    feature = assessment.feature
    if label == FLAGGED and feature is None:
        feature = requirement.text.strip().rstrip(".")
    return Assessment(
        Label(label), Reason.MODEL, f"{assessment.label} ({assessment.reason})", feature, confidence=probability
    )


def labelled(requirement: Requirement, assessment: Assessment, decision: Decision | None = None) -> Requirement:
    """The requirement with its label, reason and origin: the offline assessment's, or the LLM's decision."""
    label, origin, reason, quote = assessment.label, "rules", assessment.reason, None
    if decision is not None:
        label, origin = Label(decision.label), decision.origin
        if decision.origin == "llm" and decision.judgement is not None and label != assessment.label:
            reason, quote = Reason.LLM, decision.judgement.quote
    return requirement.model_copy(
        update={
            "label": label,
            "label_reason": reason,
            "label_origin": origin,
            "label_quote": quote,
            "labelling": Labelling(assessment, decision),
        }
    )


def labelling_of(requirement: Requirement, context: DocumentContext) -> Labelling:
    """What decided the requirement's label; one the stage has not labelled is assessed here (rules and model)."""
    if isinstance(requirement.labelling, Labelling):
        return requirement.labelling
    return Labelling(assess(requirement, context))


def label_requirements(
    found: Sequence[Requirement], context: DocumentContext, llm: LLMReviewer | None = None, goals: Sequence[str] = ()
) -> tuple[list[Requirement], LLMUsage | None]:
    """Every requirement labelled (rules, label model, then the LLM backend's decisions), in order, and what
    the LLM backend did (None without one). ``goals`` are the document's goals as the model is shown them."""
    assessments = assess_all([(requirement, context) for requirement in found])
    decisions: Sequence[Decision | None] = [None] * len(assessments)
    usage = None
    if llm is not None and assessments:
        with paused():  # the model's time is bounded by its own timeouts, not by the document's budget
            decisions, usage = llm.decide_all(found, assessments, goals)
    return [labelled(r, a, d) for r, a, d in zip(found, assessments, decisions)], usage
