"""Rule-based labelling of one requirement, following ../shared/annotation-guide.md:

1. whose obligation is it (the solution, or the supplier, bid, contract, buyer)?
2. does it prescribe a feature, or state a need or effect?
3. is a reason stated (purpose clause, attached rationale, reference to a stated goal, a named law)?

The subject is read from the tokens before the modal verb (or just after it, for Swedish
inverted word order: "Vid inloggning ska användaren ..."), and the nearest section heading
breaks ties ("4 Krav på lösningen" versus "3 Administrativa föreskrifter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..models import Language
from .lexicon import compile_phrase_regex
from .pipeline import Pipeline, get_pipeline

Label = Literal["feature_without_need", "feature_with_need", "need", "out_of_scope"]

_EMPTY_RATIONALE = re.compile(r"^\s*(?:-+|–|—|n/?a|saknas|ej angiven|inget|ingen|none|tbd|\.|x)?\s*$", re.IGNORECASE)
_LEADING_ID = re.compile(r"^\s*(?:[A-ZÅÄÖ]{1,6}[-_.]?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)+)\s*[:.)–-]?\s+")


@dataclass(frozen=True)
class Assessment:
    label: Label
    reason: str  # machine-readable: "purpose", "rationale", "goal_reference", "law", "actor", "need", ...
    evidence: str | None = None  # the words that decided it
    feature: str | None = None  # the prescribed feature, for messages ("ha stöd för inloggning med BankID")

    @property
    def flagged(self) -> bool:
        return self.label == "feature_without_need"

    @property
    def in_scope(self) -> bool:
        return self.label != "out_of_scope"


@dataclass(frozen=True)
class _Sections:
    solution: re.Pattern[str]
    out_of_scope: re.Pattern[str]


@lru_cache(maxsize=None)
def _sections(language: Language) -> _Sections:
    lex = get_pipeline(language).lexicon
    return _Sections(
        solution=compile_phrase_regex(lex.words("solution_sections")),
        out_of_scope=compile_phrase_regex(lex.words("out_of_scope_sections")),
    )


def _section_scope(heading_path: tuple[str, ...], language: Language) -> str | None:
    """'solution', 'out_of_scope' or None, from the innermost heading that says either."""
    sections = _sections(language)
    for heading in reversed(heading_path):
        title = re.sub(r"^\s*[\d.]+\s*", "", heading)
        if sections.solution.search(title):
            return "solution"
        if sections.out_of_scope.search(title):
            return "out_of_scope"
    return None


def classify(
    text: str,
    language: Language,
    *,
    rationale: str | None = None,
    heading_path: tuple[str, ...] = (),
    table_row: bool = False,
    goal_ids: tuple[str, ...] = (),
) -> Assessment:
    pipeline = get_pipeline(language)
    body = _LEADING_ID.sub("", text, count=1)
    doc = pipeline(body)
    matches = pipeline.matches(doc)

    def first(label: str, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
        hi = len(doc) if hi is None else hi
        for start, end in matches.get(label, []):
            if lo <= start < hi:
                return start, end
        return None

    story = matches.get("story_modals", [])
    modal_spans = sorted(matches.get("modal_ska", []) + matches.get("modal_bör", []) + matches.get("need_modals", []) + story)
    weak = matches.get("weak_modals", [])
    # Purpose clauses first in the sentence ("För att ... ska ...") hold their own modal verb:
    # the main clause's modal is the first one after the clause's comma.
    leading_purpose = _leading_purpose(doc, matches)
    main_from = leading_purpose if leading_purpose is not None else 0
    modal = next(((s, e) for s, e in modal_spans if s >= main_from), None)
    if modal is None and weak:
        modal = next(((s, e) for s, e in weak if s >= main_from), None)
    is_need_modal = modal is not None and modal in [tuple(m) for m in matches.get("need_modals", [])]

    # Subject region: before the modal (after the last comma: "If the solution ..., the supplier shall"),
    # or the few tokens after it when the clause is inverted.
    if modal is not None:
        subject_lo, subject_hi = main_from, modal[0]
        commas = [t.i for t in doc[subject_lo:subject_hi] if t.text == ","]
        if commas and _subject_kind(matches, commas[-1] + 1, subject_hi) is not None:
            subject_lo = commas[-1] + 1
        predicate_lo = modal[1]
    else:
        subject_lo, subject_hi, predicate_lo = 0, 0, 0
    subject = _subject_kind(matches, subject_lo, subject_hi)
    if subject is None and modal is not None:
        subject = _subject_kind(matches, modal[1], min(modal[1] + 3, len(doc)))
        if subject is not None:
            predicate_lo = modal[1] + 1
    feature = doc[predicate_lo: min(predicate_lo + 10, len(doc))].text.rstrip(" .,;:") if modal is not None else body.rstrip(". ")

    # -- 1. a need phrase ("Kunden har behov av ...") states the need, whoever has it ---------
    if is_need_modal and not (subject and subject[0] == "solution"):
        return Assessment("need", "need", doc[modal[0]: modal[1]].text)

    # -- 2. scope ---------------------------------------------------------------------------
    section = _section_scope(heading_path, language)
    has_feature_terms = first("feature_terms", predicate_lo) is not None
    has_solution_in_predicate = first("solution_nouns", predicate_lo) is not None
    if subject and subject[0] == "actor":
        deliver = first("deliver_verbs", predicate_lo)
        # "Leverantören ska leverera ett system som ...": the solution is the object, close after the verb.
        if not (deliver and first("solution_nouns", deliver[1], deliver[1] + 4) is not None):
            return Assessment("out_of_scope", "actor", doc[subject[1]: subject[2]].text)
    elif subject and subject[0] == "user":
        is_story = modal is not None and modal in [tuple(m) for m in story]
        if not is_story and first("ability", predicate_lo) is None and not has_feature_terms:
            return Assessment("out_of_scope", "user_duty", doc[subject[1]: subject[2]].text)
    elif subject is None:
        if modal is None and not table_row:
            return Assessment("out_of_scope", "no_requirement")
        effect = first("effect_verbs", predicate_lo)
        if (is_need_modal or effect) and not has_feature_terms and not has_solution_in_predicate:
            return Assessment("need", "need", doc[effect[0]: effect[1]].text if effect else None)
        if section == "out_of_scope" and not table_row:
            return Assessment("out_of_scope", "section", heading_path[-1] if heading_path else None)
        actor_in_predicate = first("actor_nouns", predicate_lo)
        if not (table_row or has_feature_terms or has_solution_in_predicate or section == "solution"):
            return Assessment("out_of_scope", "no_solution_term")
        if actor_in_predicate and not (has_feature_terms or has_solution_in_predicate) and section != "solution":
            return Assessment("out_of_scope", "actor", doc[actor_in_predicate[0]: actor_in_predicate[1]].text)
    # -- 3. reason stated? --------------------------------------------------------------------
    if rationale and not _EMPTY_RATIONALE.match(rationale):
        return Assessment("feature_with_need", "rationale", rationale[:80], feature)
    purpose = _purpose(doc, matches, pipeline)
    if purpose:
        return Assessment("feature_with_need", "purpose", purpose, feature)
    goal_ref = first("goal_references")
    if goal_ref:
        return Assessment("feature_with_need", "goal_reference", doc[goal_ref[0]: goal_ref[1]].text, feature)
    for goal_id in goal_ids:
        if goal_id and re.search(rf"(?<![\w-]){re.escape(goal_id)}(?![\w-])", body, re.IGNORECASE):
            return Assessment("feature_with_need", "goal_reference", goal_id, feature)
    law = _law(doc, matches, pipeline)
    if law:
        return Assessment("feature_with_need", "law", law, feature)
    return Assessment("feature_without_need", "no_reason", None, feature)


def _subject_kind(matches: dict[str, list[tuple[int, int]]], lo: int, hi: int) -> tuple[str, int, int] | None:
    """The first actor, solution or user word in tokens [lo, hi); actor wins a tie (``rapportering``)."""
    best: tuple[int, int, str, int] | None = None
    for order, (label, kind) in enumerate((("actor_nouns", "actor"), ("solution_nouns", "solution"), ("user_nouns", "user"))):
        for start, end in matches.get(label, []):
            if lo <= start < hi:
                key = (start, order, kind, end)
                if best is None or key < best:
                    best = key
                break
    if best is None:
        return None
    start, _, kind, end = best
    return kind, start, end


def _leading_purpose(doc, matches) -> int | None:
    """Token index after the comma that closes a sentence-initial purpose clause, else None."""
    for start, _ in matches.get("purpose_markers", []):
        if start <= 1:
            for token in doc[start:]:
                if token.text == ",":
                    return token.i + 1
            return None
    return None


def _purpose(doc, matches, pipeline: Pipeline) -> str | None:
    blockers = set(pipeline.lexicon.words("purpose_blockers_before_for_att"))
    for start, end in matches.get("purpose_markers", []):
        span = doc[start:end]
        words = span.text.lower()
        if words.startswith("för att") and start > 0 and doc[start - 1].lower_ in blockers:
            continue  # "stöd för att skicka": part of the feature, not a reason
        if words in {"motivering", "motiv", "rationale", "justification"} and start > 0:
            continue  # only as a label at the start ("Motivering: ..."), handled by segmentation
        if pipeline.language == "en" and words.startswith("to ") and start > 0 and doc[start - 1].lower_ in {"able", "how", "want", "need", "needs", "ability", "access"}:
            continue  # "be able to reduce", "wants to improve": the capability itself, not its reason
        if pipeline.language == "en" and words == "since" and start + 1 < len(doc) and doc[start + 1].like_num:
            continue  # "since 2019"
        return span.text
    return None


def _law(doc, matches, pipeline: Pipeline) -> str | None:
    false_friends = set(pipeline.lexicon.words("law_false_friends"))
    for start, end in matches.get("laws", []):
        span = doc[start:end]
        if span.text.lower() in false_friends:
            continue
        if pipeline.language == "en" and span.text.lower() in {"act", "acts"} and not (span.text[0].isupper()):
            continue  # "act" as a verb
        return span.text
    return None
