"""Tie each requirement on the solution to the stated goals it serves.

Two ways, in this order:

1. **Reference** (precise): the requirement, its rationale or its list lead-in names a goal —
   "bidrar till effektmål 2", "i enlighet med mål 1", "se effektmål 2 och 3", "(E3)", "supports
   objective O1", "(see objective O3)". A requirement that names a goal is linked to that goal
   only: the writer said which goal it serves.
2. **Meaning** (offline, for the rest): requirement and goal are compared as weighted bags of
   terms — lemmas from spaCy's lookup tables (spacy-lookups-data) without stop words, the parts
   of Swedish compounds ("handläggningstiden" -> handläggning, tid), and the domain concepts of
   ``data/vocabulary.yaml`` that each touches ("samtal" and "telefoni" both touch *kontaktcenter*).
   Each term is weighted TF-IDF over the document's own requirements and goals, so a word every
   requirement uses ("lön" in a payroll tender) counts for little, and the requirement's reason
   (its purpose clause after "för att"/"så att"/"so that", and its rationale) counts double. The
   score is the cosine of the two vectors; a goal is linked when the score reaches
   ``MEANING_THRESHOLD`` and is within ``RELATIVE_TO_BEST`` of the requirement's best goal.

Both numbers were tuned on two dev documents only (sv-kravspecifikation-arendehantering.docx and
en-rfp-case-management.docx, with their gold links in corpora/samples/*.links.jsonl): see
eval/tune_links.py. The other documents with gold links are for measuring.

Not done here: a language model proposing links. The meaning links are deterministic and fast
(well under a second a document); an LLM step would have to quote the words of requirement and
goal that tie them, and is left for the LLM backend (see README).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from .._yaml import load_data_file
from ..labels import ON_SOLUTION
from ..models import Goal, GoalLink, Language, Requirement
from ..nlp.patterns import compile_phrase_regex, literal_alternatives, standalone_ids
from .terms import Terms, terms

# Tuned on the dev documents (eval/tune_links.py); see the module docstring.
MEANING_THRESHOLD = 0.275
RELATIVE_TO_BEST = 0.75
MAX_MEANING_LINKS = 2  # a requirement that seems to serve every goal serves none in particular
PURPOSE_WEIGHT = 2.0  # the requirement's stated reason says most about the goal it serves
LEAD_IN_WEIGHT = 0.5  # a list item's lead-in ("Systemet ska stödja följande vid signering:") is shared context

# Labels of requirements on the solution (the annotation guide's); out_of_scope ones serve no goal here.
LINKED_LABELS = ON_SOLUTION


@cache
def _purpose_marker(language: Language) -> re.Pattern[str]:
    from ..nlp.lexicon import load_lexicon

    words, lexicon = _goal_references(language), load_lexicon(language)
    left_out = set(lexicon.words("rationale_labels")) if words["rationale_labels_start_no_reason"] else set()
    markers = [m for m in lexicon.words("purpose_markers") if m not in left_out]
    return compile_phrase_regex(markers + words["reason_markers"])


def requirement_terms(requirement: Requirement) -> Terms:
    """The requirement's terms: its text, its reason (purpose clause, rationale) weighted higher, its lead-in lower."""
    language = requirement.language
    text = requirement.text
    marker = _purpose_marker(language).search(text)
    main, reason = (text[: marker.start()], text[marker.start() :]) if marker else (text, "")
    out = terms(main, language)
    out.add(terms(reason, language), PURPOSE_WEIGHT)
    if requirement.rationale:
        out.add(terms(requirement.rationale, language), PURPOSE_WEIGHT)
    if requirement.context:
        out.add(terms(requirement.context, language), LEAD_IN_WEIGHT)
    return out


def goal_terms(goal: Goal, language: Language) -> Terms:
    return terms(goal.text, language)


# -- references -------------------------------------------------------------------------------------

_NUMBER = r"[A-Z]?\d+[a-z]?"


@cache
def _goal_reference_data() -> dict[str, Any]:
    """``data/goal_references.yaml``, read and checked once for every language and list."""
    return load_data_file(__package__, "data", "goal_references.yaml")


def _goal_references(language: Language) -> dict[str, Any]:
    """``data/goal_references.yaml`` for one language."""
    return _goal_reference_data()[language]


@cache
def _reference_pattern(language: Language) -> re.Pattern[str]:
    """A goal named by word and number ("effektmål 2 och 3"): the grammar here, the words in the data."""
    words = _goal_references(language)
    goal = literal_alternatives(words["goal_words"])
    number_word = literal_alternatives(words["number_words"], r"\s*")
    joiner = literal_alternatives(words["joiners"])
    return re.compile(
        rf"(?<![\w-])(?P<word>{goal})\s*{number_word}?(?P<nums>{_NUMBER}(?:\s*{joiner}\s*{_NUMBER})*)"
        rf"(?![\w-])",
        re.IGNORECASE,
    )


@cache
def _any_language(key: str) -> frozenset[str]:
    """A goal_references list of every language together (ids and words are compared whatever the language)."""
    return frozenset(word for words in _goal_reference_data().values() for word in words[key])


_CODE_ID = re.compile(r"^[A-ZÅÄÖ]{1,3}-?\d+[a-z]?$")
_ID_PARTS = re.compile(r"^(?P<word>.*?)[\s-]*(?:nr\.?\s*)?(?P<num>[A-Z]?\d+[a-z]?)$", re.IGNORECASE)


def _stem(word: str) -> str:
    word = word.lower()
    stems = _any_language("stems")
    for ending in _any_language("stem_endings"):  # at most one fits: the endings end in different letters
        if word.endswith(ending) and word[: -len(ending)] in stems:
            return word[: -len(ending)]
    return word


def _number(value: str) -> str:
    return (
        re.sub(r"^[A-Z]", "", value, flags=re.IGNORECASE).lower()
        if re.match(r"^[A-Z]\d", value, re.I)
        else value.lower()
    )


def _resolve(word: str, value: str, goals: Sequence[Goal]) -> list[Goal]:
    """The goals a reference ("effektmål", "2") names: the same id first, then the same number."""
    word = _stem(word)
    wanted = f"{word} {value}".casefold()
    exact = [
        g
        for g in goals
        if g.id and not g.generated and (g.id.casefold() == wanted or g.id.casefold() == value.casefold())
    ]
    if exact:
        return exact
    number = _number(value)
    by_number = []
    for goal in goals:
        if goal.generated or not goal.id:
            continue
        parts = _ID_PARTS.match(goal.id)
        if not parts or _number(parts["num"]) != number:
            continue
        prefix = _stem(parts["word"].strip()) if parts["word"].strip() else ""
        # "mål 1" names "Effektmål 1"; "effektmål 1" does not name "Projektmål 1".
        if word in _any_language("generic") or not prefix or len(prefix) <= 2 or prefix == word:
            by_number.append((len(prefix) > 2, goal))
    if by_number:
        # "mål 1" beside both "Effektmål 1" and "O1" names the goal written out as a word.
        named = [goal for is_named, goal in by_number if is_named]
        return named or [goal for _, goal in by_number]
    # Goals numbered only by their list ("1. Kortare handläggningstider") are named by that number.
    return [g for g in goals if g.label and g.label.strip(".)") == value]


class _NamedGoals:
    """A document's goals with what finding their names takes, worked out once for all its requirements."""

    def __init__(self, goals: Sequence[Goal]) -> None:
        self.goals = list(goals)
        codes = tuple(g.id for g in self.goals if g.id and not g.generated and _CODE_ID.match(g.id))
        self.any_code = standalone_ids(codes)  # one search of a requirement rules out every code
        self.order = {g.id: i for i, g in enumerate(self.goals)}


def reference_links(requirement: Requirement, goals: Sequence[Goal]) -> list[GoalLink]:
    """Links from the goals the requirement, its rationale or its lead-in names explicitly."""
    return _reference_links(requirement, _NamedGoals(goals))


def _reference_links(requirement: Requirement, named: _NamedGoals) -> list[GoalLink]:
    found: dict[str, GoalLink] = {}
    pattern = _reference_pattern(requirement.language)
    goals = named.goals
    for source in (requirement.text, requirement.rationale, requirement.context):
        if not source:
            continue
        for match in pattern.finditer(source):
            for value in re.findall(_NUMBER, match["nums"]):
                for goal in _resolve(match["word"], value, goals):
                    # _resolve gives goals with ids only
                    found.setdefault(goal.id or "", _reference(requirement, goal, match.group().strip()))
        if named.any_code is None or not named.any_code.search(source):
            continue
        for goal in goals:  # a goal's own code standing alone: "(E3)", "(O3)", "see O2"
            if goal.id and not goal.generated and goal.id not in found:
                code = standalone_ids((goal.id,)) if _CODE_ID.match(goal.id) else None
                hit = code.search(source) if code is not None else None
                if hit:
                    found[goal.id] = _reference(requirement, goal, hit.group())
    return sorted(found.values(), key=lambda link: named.order.get(link.goal_id, 0))


def _reference(requirement: Requirement, goal: Goal, text: str) -> GoalLink:
    return GoalLink(requirement_id=requirement.id, goal_id=goal.id or "", method="reference", score=1.0, evidence=text)


# -- meaning ----------------------------------------------------------------------------------------


class Scored:
    """A goal with its cosine similarity to one requirement, and the terms they share.

    The readable shared terms (strongest first) are worked out when first asked for: a long tender
    compares thousands of requirements with dozens of goals, and only the chosen links show them.
    """

    __slots__ = ("goal", "score", "_products", "_goal_shown", "_requirement_shown", "_shared")

    def __init__(
        self,
        goal: Goal,
        score: float,
        products: dict[str, float] | None = None,
        goal_shown: dict[str, str] | None = None,
        requirement_shown: dict[str, str] | None = None,
    ) -> None:
        self.goal = goal
        self.score = score
        self._products = products or {}
        self._goal_shown = goal_shown or {}
        self._requirement_shown = requirement_shown or {}
        self._shared: tuple[str, ...] | None = None

    @property
    def shared(self) -> tuple[str, ...]:
        """Readable shared terms, strongest first (ties in term order, so every run gives the same)."""
        if self._shared is None:
            self._shared = tuple(
                dict.fromkeys(
                    self._goal_shown.get(t) or self._requirement_shown.get(t, t)
                    for t, _ in sorted(self._products.items(), key=lambda kv: (-kv[1], kv[0]))
                )
            )
        return self._shared

    def __repr__(self) -> str:
        return f"Scored(goal={self.goal.id!r}, score={self.score:.4f}, shared={self.shared!r})"


def _idf(bags: Iterable[Mapping[str, float]]) -> dict[str, float]:
    bags = list(bags)
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(set(bag))
    n = len(bags)
    return {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}


def _vector(bag: Mapping[str, float], idf: dict[str, float]) -> dict[str, float]:
    return {t: w * idf.get(t, 1.0) for t, w in bag.items() if w > 0}


class _MeaningIndex:
    """The TF-IDF vectors of a document's requirements and goals, and which goals hold each term.

    A requirement is compared only with the goals it shares a term with, term by term (a long
    tender has thousands of requirements and dozens or hundreds of goals). Terms are visited in
    sorted order, so each score is summed in the same order in every run.
    """

    def __init__(self, requirements: Sequence[Requirement], goals: Sequence[Goal], language: Language) -> None:
        self.goals = list(goals)
        self.requirement_terms = [requirement_terms(r) for r in requirements]
        self.goal_bags = [goal_terms(g, language) for g in self.goals]
        self.idf = _idf([t.weights for t in self.requirement_terms] + [t.weights for t in self.goal_bags])
        goal_vectors = [_vector(t.weights, self.idf) for t in self.goal_bags]
        self.goal_norms = [math.sqrt(sum(v * v for v in vec.values())) for vec in goal_vectors]
        self.holders: dict[str, list[tuple[int, float]]] = {}
        for index, vec in enumerate(goal_vectors):
            for term, weight in vec.items():
                self.holders.setdefault(term, []).append((index, weight))

    def related(self, position: int) -> list[Scored]:
        """The goals sharing a term with requirement ``position``, best first (ties in goal order)."""
        terms_ = self.requirement_terms[position]
        vec = _vector(terms_.weights, self.idf)
        norm = math.sqrt(sum(v * v for v in vec.values()))
        products: dict[int, dict[str, float]] = {}
        for term in sorted(vec):
            weight = vec[term]
            for index, goal_weight in self.holders.get(term, ()):
                products.setdefault(index, {})[term] = weight * goal_weight
        scored = []
        for index in sorted(products):
            shared = products[index]
            score = sum(shared.values()) / (norm * self.goal_norms[index])
            scored.append(Scored(self.goals[index], score, shared, self.goal_bags[index].shown, terms_.shown))
        scored.sort(key=lambda s: -s.score)
        return scored

    def every_goal(self, position: int) -> list[Scored]:
        """``related``, then the goals sharing no term, scored 0, in goal order (where a stable sort leaves them)."""
        scored = self.related(position)
        seen = {id(s.goal) for s in scored}
        return scored + [Scored(goal, 0.0) for goal in self.goals if id(goal) not in seen]


def meaning_scores(
    requirements: Sequence[Requirement], goals: Sequence[Goal], language: Language
) -> list[list[Scored]]:
    """For each requirement, every goal with its cosine similarity and shared terms (best first)."""
    if not goals or not requirements:
        return [[] for _ in requirements]
    index = _MeaningIndex(requirements, goals, language)
    return [index.every_goal(position) for position in range(len(requirements))]


def choose(
    scored: Sequence[Scored],
    threshold: float = MEANING_THRESHOLD,
    relative: float = RELATIVE_TO_BEST,
    most: int = MAX_MEANING_LINKS,
) -> list[Scored]:
    """The goals a requirement is linked to by meaning: over the threshold and close to its best goal."""
    if not scored or scored[0].score < threshold:
        return []
    best = scored[0].score
    return [s for s in scored if s.score >= threshold and s.score >= relative * best][:most]


def link_requirements(
    requirements: Sequence[Requirement],
    goals: Sequence[Goal],
    language: Language,
    *,
    threshold: float = MEANING_THRESHOLD,
    relative: float = RELATIVE_TO_BEST,
) -> tuple[GoalLink, ...]:
    """Every link between the requirements on the solution and the goals, in requirement order.

    A requirement is linked when its label (set by the review) is one on the solution, or when it
    has no label yet (direct use of this function).
    """
    goals = [g for g in goals if g.id]
    if not goals:
        return ()
    in_scope = [r for r in requirements if r.label is None or r.label in LINKED_LABELS]
    if not in_scope:
        return ()
    meaning = _MeaningIndex(in_scope, goals, language)  # its IDF counts every requirement on the solution
    named = _NamedGoals(goals)
    links: list[GoalLink] = []
    for position, requirement in enumerate(in_scope):
        references = _reference_links(requirement, named)
        if references:
            links.extend(references)
            continue
        # Goals sharing no term score 0: only a threshold of 0 or less could choose them.
        scored = meaning.related(position) if threshold > 0 else meaning.every_goal(position)
        for s in choose(scored, threshold, relative):
            links.append(
                GoalLink(
                    requirement_id=requirement.id,
                    goal_id=s.goal.id or "",
                    method="meaning",
                    score=round(s.score, 4),
                    evidence=", ".join(s.shared[:4]),
                    terms=s.shared[:8],
                )
            )
    return tuple(links)
