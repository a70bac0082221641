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
from typing import Any

from ..labels import Label, Reason
from ..models import Language
from .lexicon import standalone_ids, words_in_any_language
from .pipeline import Pipeline, get_pipeline
from .sections import definition_section, section_scope
from .statement_kind import (
    EVIDENCE_CHARS,
    bid_instruction,
    causal_reason,
    complement_subject_start,
    contract_term,
    deliverable,
    duty_verb,
    gives_reason,
    is_date,
    judgement,
    leading_purpose_phrase,
    lone_lead_in,
    named_law,
    opens_with,
    purpose_clause,
    states_effect,
)

_LEADING_ID = re.compile(r"^\s*(?:[A-ZÅÄÖ]{1,6}[-_.]?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)+)\s*[:.)–-]?\s+")


def strip_leading_id(text: str) -> str:
    """The requirement without the id in front ("K12 ", "FR-7 ", "3.4.2 "): what the pipelines read."""
    return _LEADING_ID.sub("", text, count=1)


@dataclass(frozen=True)
class Assessment:
    label: Label
    reason: Reason  # machine-readable: purpose, rationale, goal_reference, law, actor, need, ... (``labels.Reason``)
    evidence: str | None = None  # the words that decided it
    feature: str | None = None  # the prescribed feature, for messages ("ha stöd för inloggning med BankID")
    confidence: float | None = None  # the label model's probability for the label, where it was consulted

    def __post_init__(self) -> None:
        # The rules write the values ("out_of_scope", "actor"); held as the members, an unknown one raises here.
        object.__setattr__(self, "label", Label(self.label))
        object.__setattr__(self, "reason", Reason(self.reason))

    @property
    def flagged(self) -> bool:
        return self.label == Label.FEATURE_WITHOUT_NEED

    @property
    def in_scope(self) -> bool:
        return self.label != Label.OUT_OF_SCOPE


def classify(
    text: str,
    language: Language,
    *,
    rationale: str | None = None,
    heading_path: tuple[str, ...] = (),
    table_row: bool = False,
    goal_ids: tuple[str, ...] = (),
) -> Assessment:
    # Memoised: the same requirement text recurs within a tender and across a batch; the Assessment is immutable.
    return _classify(text, language, rationale, tuple(heading_path), table_row, tuple(goal_ids))


# Token windows and thresholds of the rules, each a reading of the annotation guide (not a tuned number).
FEATURE_TOKENS = 10  # the feature named in messages: the predicate's first words, enough to name it
STAFFING_TOKENS = 8  # a party this close after "behöver" is staff wanted ("stärka upp vårt team med en person")
EFFECT_EVIDENCE_TOKENS = 4  # an effect shown by its verb and what it changes ("öka från 20 till")
DELIVERED_OBJECT_TOKENS = 4  # the solution as object of "leverera" comes in a short noun phrase after the verb
INVERTED_SUBJECT_TOKENS = 2  # in Swedish V2 order the subject follows the modal at once ("ska användaren")
ABILITY_TOKENS = 2  # "ska kunna": the ability verb follows the modal at once ...
ABILITY_TOKENS_INVERTED = 4  # ... or after an inverted subject ("ska lärare kunna")
LEADING_REASON_TOKENS = 6  # an opening reason clause shown by its first words ("Då eleverna använder Chromebooks")
COPULA_TOKENS = 3  # a copula among the first words after the subject makes a declarative sentence
MIN_OPENER_TOKENS = 3  # an opening subordinator needs a clause after it to give a reason
PURPOSE_OPENER_LAST_INDEX = 1  # a purpose marker opens the sentence at its first or second token ("- För att")


@dataclass(frozen=True)
class _Parsed:
    """One requirement as the pipeline read it: its tokens and the word lists' matches."""

    doc: Any
    matches: dict[str, list[tuple[int, int]]]
    pipeline: Pipeline

    def first(self, label: str, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
        hi = len(self.doc) if hi is None else hi
        for start, end in self.matches.get(label, []):
            if lo <= start < hi:
                return start, end
        return None


@dataclass(frozen=True)
class _Clause:
    """The requirement's own clause: its modal verb, subject and where its predicate starts."""

    modal: tuple[int, int] | None
    is_need_modal: bool
    is_story: bool
    leading_purpose: int | None
    opens_with_reason: bool
    clause_start: int
    subject: tuple[str, int, int] | None
    subject_lo: int
    subject_hi: int
    predicate_lo: int
    clause_subject: int | None
    inverted: bool

    @property
    def kind(self) -> str | None:
        return self.subject[0] if self.subject else None


@lru_cache(maxsize=4096)
def _classify(
    text: str,
    language: Language,
    rationale: str | None,
    heading_path: tuple[str, ...],
    table_row: bool,
    goal_ids: tuple[str, ...],
) -> Assessment:
    pipeline = get_pipeline(language)
    body = strip_leading_id(text)
    if body.rstrip().endswith(":"):
        # A lead-in left on its own ("The solution shall meet the following requirements:" over numbered
        # sub-sections or a table): what it introduces follows, and that is what is judged.
        return Assessment(Label.OUT_OF_SCOPE, Reason.LEAD_IN)
    doc = pipeline(body)
    parsed = _Parsed(doc, pipeline.matches(doc), pipeline)
    instruction = bid_instruction(body, pipeline)
    if instruction:
        return Assessment(Label.OUT_OF_SCOPE, Reason.BID_INSTRUCTION, instruction)
    clause = _read_clause(parsed)
    if clause.modal is not None and lone_lead_in(doc, clause.modal[1], pipeline):
        return Assessment(Label.OUT_OF_SCOPE, Reason.LEAD_IN)
    if clause.modal is not None:
        feature = doc[clause.predicate_lo : min(clause.predicate_lo + FEATURE_TOKENS, len(doc))].text.rstrip(" .,;:")
    else:
        feature = body.rstrip(". ")
    return (
        _need_phrase(parsed, clause)
        or _scope(parsed, clause, body, heading_path, table_row)
        or _reason(parsed, clause, body, rationale, goal_ids, feature)
    )


def _main_modal(parsed: _Parsed) -> tuple[tuple[int, int] | None, int, int | None, bool]:
    """The main clause's modal verb, where the main clause starts, the leading purpose clause's end and
    whether a causal subordinator opens the item."""
    doc, matches = parsed.doc, parsed.matches
    modal_spans = sorted(
        matches.get("modal_ska", [])
        + matches.get("modal_bör", [])
        + matches.get("need_modals", [])
        + matches.get("story_modals", [])
    )
    # Purpose clauses first in the sentence ("För att ... ska ...") hold their own modal verb:
    # the main clause's modal is the first one after the clause's comma.
    opens_with_reason = _opens_with_reason(doc, parsed.pipeline)
    leading_purpose = _leading_purpose(doc, matches, parsed.pipeline, opens_with_reason)
    main_from = leading_purpose if leading_purpose is not None else 0
    # "Krisledningen behöver dela en lägesbild ... Plattformen ska därför ...": the requirement is the sentence
    # tied to the situation by "därför"; what comes before is its reason.
    connective = next((s for s, _ in matches.get("causal_connectives", []) if doc[s].sent.start > 0), None)
    if connective is not None and leading_purpose is None:
        main_from = doc[connective].sent.start
    modal = next(((s, e) for s, e in modal_spans if s >= main_from), None)
    weak = matches.get("weak_modals", [])
    if modal is None and weak:
        modal = next(((s, e) for s, e in weak if s >= main_from), None)
    return modal, main_from, leading_purpose, opens_with_reason


def _read_clause(parsed: _Parsed) -> _Clause:
    """Find the requirement's clause: its modal, its subject (before the modal, or after it when inverted)."""
    doc, matches, pipeline = parsed.doc, parsed.matches, parsed.pipeline
    modal, main_from, leading_purpose, opens_with_reason = _main_modal(parsed)
    # The requirement's own clause: its sentence, after any ";" (a statement of the situation may come first).
    clause_start = main_from
    if modal is None:
        subject_lo, subject_hi, predicate_lo, clause_subject = 0, 0, 0, None
    else:
        clause_start = max(main_from, doc[modal[0]].sent.start)
        semicolons = [t.i for t in doc[clause_start : modal[0]] if t.text == ";"]
        if semicolons:
            clause_start = semicolons[-1] + 1
        subject_lo, subject_hi, predicate_lo, clause_subject = _subject_region(parsed, clause_start, modal)
    subject = _subject_kind(matches, subject_lo, subject_hi)
    inverted = modal is not None and _inverted(doc, subject_lo, subject_hi, pipeline)
    # An opening subordinate clause holds its own subject: "Om betalningen misslyckas ska systemet …",
    # "När avtalet upphör ska systemet …" are about the system, not the payment or the contract.
    subordinate = inverted and doc[subject_lo].lower_ in set(pipeline.lexicon.words("clause_subordinators"))
    if modal is not None and inverted and (subject is None or subject[0] == "user" or subordinate):
        # Swedish V2: "Vid inloggning ska användaren ...", "Då eleverna använder Chromebooks ska lärplattformen ...".
        after = _subject_kind(matches, modal[1], min(modal[1] + INVERTED_SUBJECT_TOKENS, len(doc)))
        if after is not None:
            subject = after
            predicate_lo = after[2]
    return _Clause(
        modal=modal,
        is_need_modal=modal is not None and modal in matches.get("need_modals", []),
        is_story=modal is not None and modal in matches.get("story_modals", []),
        leading_purpose=leading_purpose,
        opens_with_reason=opens_with_reason,
        clause_start=clause_start,
        subject=subject,
        subject_lo=subject_lo,
        subject_hi=subject_hi,
        predicate_lo=predicate_lo,
        clause_subject=clause_subject,
        inverted=inverted,
    )


def _subject_region(parsed: _Parsed, clause_start: int, modal: tuple[int, int]) -> tuple[int, int, int, int | None]:
    """Subject tokens [lo, hi) before the modal (after the last comma: "If the solution ..., the supplier
    shall"), where the predicate starts, and the start of a complement clause that holds the subject."""
    matches = parsed.matches
    subject_lo, subject_hi = clause_start, modal[0]
    commas = [t.i for t in parsed.doc[subject_lo:subject_hi] if t.text == ","]
    if commas and _subject_kind(matches, commas[-1] + 1, subject_hi) is not None:
        subject_lo = commas[-1] + 1
    # "The bidder confirms that the proposed solution will …": a party binds the solution, whose clause it is.
    clause_subject = complement_subject_start(parsed.doc, subject_lo, subject_hi, parsed.pipeline)
    if (
        clause_subject is not None
        and (_subject_kind(matches, subject_lo, clause_subject) or ("",))[0] == "actor"
        and (_subject_kind(matches, clause_subject, subject_hi) or ("",))[0] == "solution"
    ):
        subject_lo = clause_subject
    else:
        clause_subject = None
    return subject_lo, subject_hi, modal[1], clause_subject


def _need_phrase(parsed: _Parsed, clause: _Clause) -> Assessment | None:
    """Step 1: a need phrase ("Kunden har behov av ...") states the need, whoever has it."""
    modal = clause.modal
    if modal is None or not clause.is_need_modal or clause.kind == "solution":
        return None
    staffing = parsed.first("actor_nouns", modal[1], modal[1] + STAFFING_TOKENS)
    if (
        staffing
        and parsed.first("solution_nouns", modal[1]) is None
        and parsed.first("feature_terms", modal[1]) is None
    ):
        # "Vi behöver därför stärka upp vårt team med en person som ...": a need for staff, not for the solution
        return Assessment(Label.OUT_OF_SCOPE, Reason.ACTOR, parsed.doc[staffing[0] : staffing[1]].text)
    return Assessment(Label.NEED, Reason.NEED, parsed.doc[modal[0] : modal[1]].text)


def _scope(
    parsed: _Parsed, clause: _Clause, body: str, heading_path: tuple[str, ...], table_row: bool
) -> Assessment | None:
    """Step 2: out of scope (definitions, contract terms, deliverables, duties of a party or a user) or a
    stated effect; None when the item is a requirement on the solution."""
    doc, matches, modal, language = parsed.doc, parsed.matches, clause.modal, parsed.pipeline.language
    defining = definition_section(heading_path, language)
    if defining:
        return Assessment(Label.OUT_OF_SCOPE, Reason.DEFINITION, defining)
    term = contract_term(doc, matches, modal is not None)
    if term:
        return Assessment(Label.OUT_OF_SCOPE, Reason.CONTRACT_TERM, term)
    if clause.kind in (None, "solution"):
        document = deliverable(doc, matches, clause.subject_lo, modal)
        if document:
            return Assessment(Label.OUT_OF_SCOPE, Reason.DELIVERABLE, document)
    has_feature_terms = parsed.first("feature_terms", clause.predicate_lo) is not None
    if (
        modal is not None
        and not has_feature_terms
        and states_effect(doc, matches, clause.subject, clause.subject_lo, clause.subject_hi, modal)
    ):
        return Assessment(
            Label.NEED, Reason.EFFECT, doc[modal[1] : min(modal[1] + EFFECT_EVIDENCE_TOKENS, len(doc))].text
        )
    duty = duty_verb(doc, modal, language) if clause.kind in (None, "actor") and not clause.is_story else None
    if duty is not None:
        # "Yoggie shall coordinate on future enhancements", "The Vendor will be responsible for …": a duty of a
        # body or role whatever its name; no system coordinates, negotiates or attends.
        return Assessment(Label.OUT_OF_SCOPE, Reason.ACTOR, duty)
    judged = judgement(doc, clause.clause_start, modal)
    if judged is not None and not clause.is_story:
        # "Determining data types will be a significant challenge": a judgement that demands nothing.
        return Assessment(Label.OUT_OF_SCOPE, Reason.NO_REQUIREMENT, judged)
    if clause.kind == "actor":
        return _actor_scope(parsed, clause)
    if clause.kind == "user":
        if not clause.is_story and parsed.first("ability", clause.predicate_lo) is None and not has_feature_terms:
            return Assessment(Label.OUT_OF_SCOPE, Reason.USER_DUTY, doc[clause.subject[1] : clause.subject[2]].text)  # type: ignore[index]
        return None
    if clause.kind is not None or clause.is_story:
        # On the solution; or "Som rektor vill jag ...": a user story is a requirement on the solution, whoever the role
        return None
    return _subjectless_scope(parsed, clause, body, heading_path, table_row, has_feature_terms)


def _actor_scope(parsed: _Parsed, clause: _Clause) -> Assessment | None:
    """A party's duty is out of scope, unless the party delivers the solution ("Leverantören ska leverera ett
    system som ..."): the solution is the object, close after the verb (not "tillhandahålla en testmiljö för
    integrationen": there it follows a preposition)."""
    doc = parsed.doc
    deliver = parsed.first("deliver_verbs", clause.predicate_lo)
    if deliver:
        prepositions = words_in_any_language("prepositions")
        object_end = deliver[1] + DELIVERED_OBJECT_TOKENS
        object_end = next((t.i for t in doc[deliver[1] : object_end] if t.lower_ in prepositions), object_end)
        if parsed.first("solution_nouns", deliver[1], object_end) is not None:
            return None
    return Assessment(Label.OUT_OF_SCOPE, Reason.ACTOR, doc[clause.subject[1] : clause.subject[2]].text)  # type: ignore[index]


def _subjectless_scope(
    parsed: _Parsed, clause: _Clause, body: str, heading_path: tuple[str, ...], table_row: bool, has_feature_terms: bool
) -> Assessment | None:
    """No subject word: a table row, list item or fragment is judged by its words and its section."""
    doc, modal, predicate_lo = parsed.doc, clause.modal, clause.predicate_lo
    section = section_scope(heading_path, parsed.pipeline.language)
    lowered = body.lstrip("•–-* ").lower()
    fragment = modal is None and any(lowered.startswith(w) for w in parsed.pipeline.lexicon.words("fragment_starters"))
    # A list item in a section about the solution ("Services Required": "Store report/draft without
    # imputations"); a declarative sentence there ("Imputations are the final step ...") is background.
    listed = modal is None and section == "solution" and not body.rstrip().endswith(":") and not _declarative(doc)
    if modal is None and not (table_row or fragment or listed):
        return Assessment(Label.OUT_OF_SCOPE, Reason.NO_REQUIREMENT)
    table_row = table_row or fragment or listed
    actor_any, solution_any = parsed.first("actor_nouns"), parsed.first("solution_nouns")
    if modal is None and not fragment and actor_any and (solution_any is None or actor_any[0] < solution_any[0]):
        # A matrix row about the supplier: "Tier 2 support provided by the Contractor".
        return Assessment(Label.OUT_OF_SCOPE, Reason.ACTOR, doc[actor_any[0] : actor_any[1]].text)
    ability_window = ABILITY_TOKENS_INVERTED if clause.inverted else ABILITY_TOKENS
    has_ability = modal is not None and parsed.first("ability", predicate_lo, predicate_lo + ability_window) is not None
    effect = parsed.first("effect_verbs", predicate_lo)
    has_solution_in_predicate = parsed.first("solution_nouns", predicate_lo) is not None
    if (clause.is_need_modal or effect) and not has_feature_terms and not has_solution_in_predicate:
        return Assessment(Label.NEED, Reason.NEED, doc[effect[0] : effect[1]].text if effect else None)
    if section == "out_of_scope" and not table_row:
        return Assessment(Label.OUT_OF_SCOPE, Reason.SECTION, heading_path[-1] if heading_path else None)
    actor_in_predicate = parsed.first("actor_nouns", predicate_lo)
    if not (table_row or has_feature_terms or has_solution_in_predicate or section == "solution" or has_ability):
        return Assessment(Label.OUT_OF_SCOPE, Reason.NO_SOLUTION_TERM)
    if actor_in_predicate and not (has_feature_terms or has_solution_in_predicate) and section != "solution":
        return Assessment(Label.OUT_OF_SCOPE, Reason.ACTOR, doc[actor_in_predicate[0] : actor_in_predicate[1]].text)
    return None


def _reason(
    parsed: _Parsed, clause: _Clause, body: str, rationale: str | None, goal_ids: tuple[str, ...], feature: str
) -> Assessment:
    """Step 3: is a reason stated (rationale, purpose clause, stated situation, goal reference, law)?"""
    doc, matches, pipeline, modal = parsed.doc, parsed.matches, parsed.pipeline, clause.modal
    if rationale and gives_reason(rationale, pipeline):
        return Assessment(Label.FEATURE_WITH_NEED, Reason.RATIONALE, rationale[:EVIDENCE_CHARS], feature)
    purpose = purpose_clause(doc, matches, pipeline)
    if purpose:
        return Assessment(Label.FEATURE_WITH_NEED, Reason.PURPOSE, purpose, feature)
    if clause.leading_purpose is not None and clause.opens_with_reason:
        evidence = doc[0 : min(clause.leading_purpose, LEADING_REASON_TOKENS)].text
        return Assessment(Label.FEATURE_WITH_NEED, Reason.PURPOSE, evidence, feature)
    phrase = leading_purpose_phrase(doc, matches, modal, pipeline.language)
    if phrase:
        return Assessment(Label.FEATURE_WITH_NEED, Reason.PURPOSE, phrase, feature)
    if modal is not None:
        causal = causal_reason(doc, matches, pipeline, clause.clause_start, modal)
        if causal:
            return Assessment(Label.FEATURE_WITH_NEED, Reason.PURPOSE, causal, feature)
    goal_ref = parsed.first("goal_references")
    if goal_ref:
        return Assessment(Label.FEATURE_WITH_NEED, Reason.GOAL_REFERENCE, doc[goal_ref[0] : goal_ref[1]].text, feature)
    any_goal = standalone_ids(goal_ids, ignore_case=True)
    if any_goal is not None and any_goal.search(body):
        for goal_id in goal_ids:
            if goal_id and standalone_ids((goal_id,), ignore_case=True).search(body):  # type: ignore[union-attr]
                return Assessment(Label.FEATURE_WITH_NEED, Reason.GOAL_REFERENCE, goal_id, feature)
    law = named_law(doc, matches, pipeline)
    if law:
        return Assessment(Label.FEATURE_WITH_NEED, Reason.LAW, law, feature)
    # Through the bidder ("The bidder confirms that the proposed solution will …"): the guide puts it on the
    # solution, a rule the label model, which sees few such sentences, must not undo (RULES_FINAL).
    reason = Reason.NO_REASON if clause.clause_subject is None else Reason.SOLUTION_CLAUSE
    return Assessment(Label.FEATURE_WITHOUT_NEED, reason, None, feature)


def _subject_kind(matches: dict[str, list[tuple[int, int]]], lo: int, hi: int) -> tuple[str, int, int] | None:
    """The first actor, solution or user word in tokens [lo, hi); actor wins a tie (``rapportering``)."""
    best: tuple[int, int, str, int] | None = None
    for order, (label, kind) in enumerate(
        (("actor_nouns", "actor"), ("solution_nouns", "solution"), ("user_nouns", "user"))
    ):
        for start, end in matches.get(label, []):
            if lo <= start < hi:
                key = (start, order, kind, end)
                if best is None or key < best:
                    best = key
                break
    if best is None:
        return None
    start, _, kind, end = best
    if kind == "user" and any(s == end for s, _ in matches.get("solution_nouns", [])):
        kind = "solution"  # "customer portal", "client portal": the user word modifies the solution
    return kind, start, end


def _leading_purpose(doc, matches, pipeline: Pipeline, opens_with_reason: bool) -> int | None:
    """Token index where the main clause starts after a sentence-initial purpose or reason clause
    ("För att ..., ska systemet", "As most applications arrive ..., the portal shall"), else None.

    Without a comma, Swedish word order still closes the clause at its first modal verb
    ("Med syfte att ge förvaltarna en bild ska varje felanmälan ..."): the main clause then starts there.
    """
    starts = [start for start, _ in matches.get("purpose_markers", []) if start <= PURPOSE_OPENER_LAST_INDEX]
    if opens_with_reason:
        starts.append(0)
    if not starts:
        return None
    for token in doc[min(starts) :]:
        if token.text == ",":
            return token.i + 1
        if token.is_sent_start and token.i > 0:
            return None
    if pipeline.language == "sv":
        modals = sorted(matches.get("modal_ska", []) + matches.get("modal_bör", []))
        # The clause's own modal ("för att eleverna ska kunna ...") comes first; the main clause's modal is the last one.
        if modals:
            return modals[-1][0]
    return None


def _opens_with_reason(doc, pipeline: Pipeline) -> bool:
    """A causal subordinator opens the sentence: "Då ...", "Eftersom ...", "As most ...", "Because ..."."""
    if len(doc) < MIN_OPENER_TOKENS:
        return False
    word = doc[0].lower_
    lexicon = pipeline.lexicon
    if word not in set(lexicon.words("causal_subordinators")):
        return False
    if doc[1].lower_ in (lexicon.mapping("causal_false_starts").get(word) or ()):
        return False  # "As a caseworker, I want ...", "As required by ...": no reason
    return not (word in lexicon.words("date_subordinators") and is_date(doc[1]))


def _declarative(doc) -> bool:
    """Several sentences, or a copula early on ("Imputations are the final step ..."): text, not a list item."""
    copulas = words_in_any_language("copulas")
    return any(t.lower_ in copulas for t in doc[1 : 1 + COPULA_TOKENS]) or len(list(doc.sents)) > 1


def _inverted(doc, lo: int, hi: int, pipeline: Pipeline) -> bool:
    """Swedish inverted clause: the words before the modal are an adverbial, the subject follows it."""
    starters = pipeline.lexicon.words("inversion_starters")
    if not starters or hi <= lo:
        return False
    return opens_with(doc, lo, starters)
