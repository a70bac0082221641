"""Links mode: review whole documents and score their goal links against gold links.

Each gold record names a requirement of a document and the ids of the goals it serves (see
``GoldLink``). The review's requirements are paired with the gold records by id where the
document gives one, else by text (as document mode matches spans), and each link the review makes
is right when its requirement's gold record lists its goal. Precision is over the links made,
recall over the gold links; both overall, per method (reference, meaning) and per document, with
Wilson intervals. Per method, recall is the share of all gold links that method found.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .gold import GoldFileError, GoldLink, load_links
from .metrics import Detection, detection

METHODS = ("reference", "meaning")


@dataclass(frozen=True)
class LinkMiss:
    document: str
    kind: str  # "missed": a gold link the review did not make; "false": a link the gold does not list
    requirement_id: str
    goal_id: str
    text: str
    method: str | None = None  # of a false link
    evidence: str | None = None  # of a false link: the reference or the shared terms


@dataclass(frozen=True)
class LinkEvaluation:
    gold_files: tuple[str, ...]
    documents: tuple[str, ...]
    overall: Detection
    by_method: dict[str, Detection]
    by_document: dict[str, Detection]
    requirements: tuple[int, int]  # gold requirements, of which paired with a found requirement
    misses: tuple[LinkMiss, ...]
    errors: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())  # gold records that would be scored wrongly (gold_checks)

    def figures(self) -> dict[str, float]:
        out = {"links.precision": self.overall.precision.value, "links.recall": self.overall.recall.value}
        for method, scores in self.by_method.items():
            out[f"links.{method}.precision"] = scores.precision.value
        return {k: round(v, 4) for k, v in out.items() if v is not None}


def _pair(gold: Sequence[GoldLink], requirements: Sequence) -> dict[int, int]:
    """Gold index -> requirement index: by the document's own id first, then by text."""
    from .documents import _match, normalise

    pairs: dict[int, int] = {}
    by_id: dict[str, list[int]] = defaultdict(list)
    for ri, requirement in enumerate(requirements):
        if requirement.source_id:
            by_id[requirement.id.casefold()].append(ri)
    used: set[int] = set()
    for gi, record in enumerate(gold):
        hits = by_id.get((record.requirement_id or "").casefold(), [])
        if len(hits) == 1 and hits[0] not in used:
            pairs[gi] = hits[0]
            used.add(hits[0])
    rest_gold = [gi for gi in range(len(gold)) if gi not in pairs]
    rest_found = [ri for ri in range(len(requirements)) if ri not in used]
    matched = _match(
        [normalise(gold[gi].requirement_text) for gi in rest_gold],
        [normalise(requirements[ri].text) for ri in rest_found],
    )
    for g, f in matched.items():
        pairs[rest_gold[g]] = rest_found[f]
    return pairs


Linker = Callable[[object], Sequence]  # a review -> its links (the tuning script relinks with other thresholds)


def evaluate_links(
    gold_files: Sequence[str | os.PathLike], *, reviews: dict | None = None, linker: Linker | None = None
) -> LinkEvaluation:
    """Score the goal links of each document in ``gold_files`` (documents relative to each file).

    ``reviews`` (document path -> review) saves reviewing again; ``linker`` replaces the review's
    own links (threshold tuning).
    """
    from ..models import ExtractionError
    from ..review import review_document
    from .gold_checks import duplicated, missing_documents, unknown_goal_ids

    by_document: dict[Path, list[GoldLink]] = defaultdict(list)
    for gold_file in gold_files:
        for record in load_links(gold_file):
            by_document[(Path(gold_file).parent / record.document).resolve()].append(record)
    if not by_document:
        raise GoldFileError(", ".join(map(str, gold_files)), None, "inga dokument / no documents")
    totals = {"gold": 0, "paired": 0}
    counts: dict[str, list[int]] = {m: [0, 0] for m in METHODS}  # predicted, correct
    per_document: dict[str, Detection] = {}
    misses: list[LinkMiss] = []
    errors: list[str] = []
    warnings = missing_documents(by_document)
    gold_links = predicted_links = correct_links = 0
    for document, records in by_document.items():
        warnings += duplicated(
            document, [(r.requirement_id or "", r.requirement_text) for r in records], "krav / requirement"
        )
        warnings += duplicated(
            document, [(r.requirement_text, g.casefold()) for r in records for g in r.goal_ids], "länk / link"
        )
        try:
            review = (reviews or {}).get(document) or review_document(document)
        except (ExtractionError, FileNotFoundError) as error:
            errors.append(f"{document}: {error}")
            continue
        warnings += unknown_goal_ids(
            document, [g for r in records for g in r.goal_ids], [g.id for g in review.goals if g.id]
        )
        links = list(linker(review) if linker else review.links)
        requirements = list(review.requirements)
        pairs = _pair(records, requirements)
        totals["gold"] += len(records)
        totals["paired"] += len(pairs)
        wanted, doc_predicted, doc_correct = _score_links(document, records, requirements, pairs, links, counts, misses)
        per_document[document.name] = detection(wanted, doc_predicted, doc_correct)
        gold_links += wanted
        predicted_links += doc_predicted
        correct_links += doc_correct
    return LinkEvaluation(
        gold_files=tuple(str(p) for p in gold_files),
        documents=tuple(str(d) for d in by_document),
        overall=detection(gold_links, predicted_links, correct_links),
        by_method={m: detection(gold_links, counts[m][0], counts[m][1]) for m in METHODS},
        by_document=per_document,
        requirements=(totals["gold"], totals["paired"]),
        misses=tuple(misses),
        errors=tuple(errors),
        warnings=tuple(warnings),
    )


def _score_links(
    document: Path,
    records: list[GoldLink],
    requirements: list,
    pairs: dict[int, int],
    links: list,
    counts: dict[str, list[int]],
    misses: list[LinkMiss],
) -> tuple[int, int, int]:
    """One document's links against its gold: adds to ``counts`` (per method: predicted, correct) and
    ``misses``; returns how many links the gold wants, how many were made and how many of those are right."""
    gold_index = {ri: gi for gi, ri in pairs.items()}
    first_index: dict[str, int] = {}
    for ri, requirement in enumerate(requirements):
        first_index.setdefault(requirement.id, ri)
    wanted = {(gi, goal.casefold()) for gi, record in enumerate(records) for goal in record.goal_ids}
    made: set[tuple[int, str]] = set()
    doc_predicted = doc_correct = 0
    for link in links:
        found = first_index.get(link.requirement_id)
        gi = gold_index.get(found) if found is not None else None
        key = (gi, link.goal_id.casefold()) if gi is not None else None
        right = key in wanted
        if key is not None:
            made.add(key)
        counts[link.method][0] += 1
        counts[link.method][1] += right
        doc_predicted += 1
        doc_correct += right
        if not right:
            text = requirements[ri].text if ri is not None else link.requirement_id
            misses.append(
                LinkMiss(document.name, "false", link.requirement_id, link.goal_id, text, link.method, link.evidence)
            )
    for gi, goal in sorted(wanted - made):
        record = records[gi]
        goal_id = next(g for g in record.goal_ids if g.casefold() == goal)
        misses.append(LinkMiss(document.name, "missed", record.requirement_id or "", goal_id, record.requirement_text))
    return len(wanted), doc_predicted, doc_correct
