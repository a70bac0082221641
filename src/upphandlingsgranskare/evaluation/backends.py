"""Backends that label gold items: each turns items into ``Prediction``s.

The rules backend labels an item exactly as the review does: the item becomes a
``Requirement`` with its context (heading, rationale cell, table row, the goals it refers to)
and goes through the labelling stage's rules and label model (``labelling.assess``), so the
evaluation measures the product and not a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..labels import Label
from ..models import Origin
from .gold import GoldItem

if TYPE_CHECKING:
    from ..checks.base import DocumentContext
    from ..models import Requirement
    from ..nlp.label_model import LabelModel

BackendName = Literal["rules", "llm", "hybrid"]
BACKENDS: tuple[BackendName, ...] = ("rules", "llm", "hybrid")


@dataclass(frozen=True)
class Prediction:
    id: str
    predicted_label: Label
    flagged: bool
    confidence: float | None
    origin: Origin
    reason: str | None = None  # what decided it (a ``Reason``; the LLM backends add what failed)

    def as_record(self) -> dict:
        """The ``--predictions`` line: the fields the issue names, plus the reason."""
        return asdict(self)


def infer_table_row(item: GoldItem) -> bool:
    """Whether to read the item as a requirement-matrix row when the gold set does not say.

    A text without any modal verb is a matrix row when it carries a rationale cell, or when it
    is a phrase (no closing full stop) that is not a numbered heading; sentences without a
    modal verb are background text.
    """
    if item.context.table_row is not None:
        return item.context.table_row
    from ..nlp.pipeline import MODAL_LABELS, get_pipeline
    from ..segment.patterns import NUMBERED_HEADING

    text = item.text.strip()
    pipeline = get_pipeline(item.reader_language)
    # The lexicon's modal verbs, outside relative clauses ("de som ska signera" is a phrase).
    if any(pipeline.matches(pipeline(text)).get(label) for label in MODAL_LABELS):
        return False
    if item.context.rationale and item.context.rationale.strip(" -–—"):
        return True
    return not text.endswith((".", ":")) and not NUMBERED_HEADING.match(text)


def gold_requirement(item: GoldItem) -> tuple[Requirement, DocumentContext]:
    """The item as the review would see it: a Requirement with its context, and its document's goals
    (``review.requirement_from_text``: an item read alone, as the annotation guide labels one)."""
    from ..review import requirement_from_text

    return requirement_from_text(
        item.text,
        language=item.reader_language,
        heading=item.context.heading,
        rationale=item.context.rationale,
        table_row=infer_table_row(item),
        lead_in=item.context.lead_in,
        goals=item.context.goals,
        source=item.source or "gold",
        requirement_id=item.id,
    )


def predict_rules(items: Sequence[GoldItem], *, label_model: bool | LabelModel = True) -> list[Prediction]:
    """Labels as the review gives them; ``label_model``: False for the rules alone, or the model to consult
    instead of the packaged one (cross-validation)."""
    from ..labelling import assess_all
    from ..nlp.calibration import confidence

    items = list(items)
    seen = [gold_requirement(item) for item in items]
    # One batch, as the review labels a document's requirements (and embeds them, for a model that reads
    # sentence embeddings).
    assessments = assess_all(
        [(requirement, replace(context, label_model=label_model)) for requirement, context in seen]
    )
    predictions = []
    for item, assessment in zip(items, assessments, strict=True):
        predictions.append(
            Prediction(
                item.id,
                assessment.label,
                assessment.flagged,
                confidence(assessment, item.reader_language),
                "rules",
                assessment.reason,
            )
        )
    return predictions


Backend = Callable[[Sequence[GoldItem]], list[Prediction]]
