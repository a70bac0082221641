"""Document mode: review whole documents and score what segmentation found against gold spans.

Gold spans and found items (requirements and goals) are matched one to one by text, best
match first, so a requirement found twice or split in two counts once. Detection is scored per
kind; where spans carry labels, the flag is also scored end to end (a flagged text that is no
gold requirement at all counts as a false flag).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .gold import FLAGGED_LABEL, GoldFileError, GoldSpan, load_spans
from .metrics import BinaryScores, Detection, binary_scores, detection

MATCH_THRESHOLD = 0.6


def normalise(text: str) -> str:
    """Casefolded words, without the requirement or goal id segmentation reads in front ("K12", "Effektmål 2:")."""
    from ..segment.patterns import GOAL_ID, REQUIREMENT_ID

    text = text.strip()
    for leading_id in (GOAL_ID, REQUIREMENT_ID):
        text = leading_id.sub("", text, count=1)
    return " ".join(re.sub(r"[^\w%]+", " ", text.casefold()).split())


def similarity(a: str, b: str) -> float:
    """1 for equal texts; the length ratio when one contains the other; else word overlap (Dice)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b))
    wa, wb = set(a.split()), set(b.split())
    return 2 * len(wa & wb) / (len(wa) + len(wb))


@dataclass(frozen=True)
class Miss:
    document: str
    kind: str  # "not found" (gold span without match) or "extra" (found item without gold span)
    what: str  # requirement | goal
    text: str


@dataclass(frozen=True)
class DocumentEvaluation:
    gold_files: tuple[str, ...]
    documents: tuple[str, ...]
    requirements: Detection
    goals: Detection
    flagged: BinaryScores | None  # end to end, where the gold spans carry labels
    misses: tuple[Miss, ...]
    errors: tuple[str, ...]  # documents that could not be reviewed
    warnings: tuple[str, ...] = ()  # gold records that would be scored wrongly (gold_checks)

    def figures(self) -> dict[str, float]:
        out = {
            "documents.requirements.precision": self.requirements.precision.value,
            "documents.requirements.recall": self.requirements.recall.value,
            "documents.goals.precision": self.goals.precision.value,
            "documents.goals.recall": self.goals.recall.value,
        }
        if self.flagged is not None:
            out["documents.flagged.f1"] = self.flagged.f1
        return {k: round(v, 4) for k, v in out.items() if v is not None}


def _match(gold: Sequence[str], found: Sequence[str]) -> dict[int, int]:
    """Gold index -> found index, one to one, best similarity first."""
    candidates = []
    for gi, g in enumerate(gold):
        for fi, f in enumerate(found):
            score = similarity(g, f)
            if score >= MATCH_THRESHOLD:
                candidates.append((-score, gi, fi))
    candidates.sort()
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, fi in candidates:
        if gi not in pairs and fi not in used:
            pairs[gi] = fi
            used.add(fi)
    return pairs


def evaluate_documents(gold_files: Sequence[str | os.PathLike]) -> DocumentEvaluation:
    """Score detection against span files (``GoldSpan`` records; documents relative to each file)."""
    by_document: dict[Path, list[GoldSpan]] = defaultdict(list)
    for gold_file in gold_files:
        for span in load_spans(gold_file):
            by_document[(Path(gold_file).parent / span.document).resolve()].append(span)
    if not by_document:
        raise GoldFileError(", ".join(map(str, gold_files)), None, "inga dokument / no documents")
    return evaluate_spans(by_document, tuple(str(p) for p in gold_files))


def evaluate_spans(by_document: dict[Path, list[GoldSpan]], gold_files: tuple[str, ...] = ()) -> DocumentEvaluation:
    """Review each document and match what it found to its gold spans."""
    from ..models import ExtractionError
    from ..review import review_document
    from .gold_checks import duplicated, missing_documents

    warnings = missing_documents(by_document)
    for document, spans in by_document.items():
        warnings += duplicated(document, [(s.kind, normalise(s.text)) for s in spans], "spann / span")
    totals = {"requirement": [0, 0, 0], "goal": [0, 0, 0]}  # gold, found, matched
    flag_gold: list[bool] = []
    flag_predicted: list[bool] = []
    misses: list[Miss] = []
    errors: list[str] = []
    for document, spans in by_document.items():
        name = document.name
        try:
            review = review_document(document)
        except (ExtractionError, FileNotFoundError) as error:
            errors.append(f"{document}: {error}")
            continue
        found = [("requirement", r.text, r.label == FLAGGED_LABEL) for r in review.requirements]
        found += [("goal", g.text, False) for g in review.goals]
        pairs = _match([normalise(s.text) for s in spans], [normalise(text) for _, text, _ in found])
        for kind in totals:
            totals[kind][0] += sum(s.kind == kind for s in spans)
            totals[kind][1] += sum(f[0] == kind for f in found)
            totals[kind][2] += sum(spans[gi].kind == kind and found[fi][0] == kind for gi, fi in pairs.items())
        for gi, span in enumerate(spans):
            if gi not in pairs:
                misses.append(Miss(name, "not found", span.kind, span.text))
            elif span.label is not None and not span.ambiguous:
                flag_gold.append(span.label == FLAGGED_LABEL)
                flag_predicted.append(found[pairs[gi]][2])
        matched_found = set(pairs.values())
        labelled = any(s.label is not None for s in spans)
        for fi, (kind, text, flagged) in enumerate(found):
            if fi in matched_found:
                continue
            misses.append(Miss(name, "extra", kind, text))
            if labelled and flagged:
                flag_gold.append(False)
                flag_predicted.append(True)
        for gi, span in enumerate(spans):
            if gi not in pairs and span.label is not None and not span.ambiguous:
                flag_gold.append(span.label == FLAGGED_LABEL)
                flag_predicted.append(False)
    return DocumentEvaluation(
        gold_files=gold_files,
        documents=tuple(str(d) for d in by_document),
        requirements=detection(*totals["requirement"]),
        goals=detection(*totals["goal"]),
        flagged=binary_scores(flag_gold, flag_predicted) if flag_gold else None,
        misses=tuple(misses),
        errors=tuple(errors),
        warnings=tuple(warnings),
    )
