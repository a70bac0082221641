"""What kind of statement a requirement item is, beyond whose obligation it is: a bid formality, a
deliverable other than the solution, a contract or support term, a requirement that puts its purpose
first as a prepositional phrase, or one that a party binds the solution to ("The bidder confirms that
…"). Each reads one of the annotation guide's boundary rules, with its words in the language's lexicon,
and works on any buyer's text (no buyer's names or domain words).

``classify`` asks these after it has read the subject and the modal verb.
"""

from __future__ import annotations

import re

from .lexicon import words_in_any_language
from .pipeline import Pipeline

# "Ärendehantering: Beskriv hur ...": a short label and a colon before the instruction.
_ROW_LABEL = re.compile(r"^[^:.;!?]{1,60}:\s+")

Spans = dict[str, list[tuple[int, int]]]


def _starts_with(text: str, phrases: list[str]) -> str | None:
    words = text.lower().split()
    for phrase in phrases:
        parts = phrase.split()
        if words[:len(parts)] == parts:
            return phrase
    return None


def bid_instruction(body: str, pipeline: Pipeline) -> str | None:
    """The instruction word when the item asks the bidder to describe, state or attach something
    ("Beskriv hur …", "Describe how …", "Ärendehantering: Beskriv hur"): a bid formality."""
    phrases = pipeline.lexicon.words("bid_instructions")
    text = body.strip().lstrip("•–-* ")
    found = _starts_with(text, phrases)
    if found is None:
        label = _ROW_LABEL.match(text)
        if label and len(label.group(0).split()) <= 4:
            found = _starts_with(text[label.end():], phrases)
    return found


# Token windows of the scope rules (each a reading of the annotation guide, not a tuned number).
DOCUMENTED_TOKENS = 2  # "ska dokumenteras", "shall be documented": the verb right after the modal
PASSIVE_TOKENS = 4  # a passive verb close after the modal ("shall be updated", "ska beskrivas")
PLACE_TOKENS = 5  # "in"/"i" close after the passive verb ("be updated in the User Guides")
DOCUMENT_NAME_TOKENS = 6  # the document named within a short noun phrase after "in"
PENALTY_NUMBER_TOKENS = 4  # a penalty word with its amount close after ("avdrag 4 %")
PURPOSE_PHRASE_MAX_COMMA = 7  # an opening purpose phrase ends at a comma within its first words ...
PURPOSE_PHRASE_MAX_MODAL = 5  # ... or (Swedish) at a modal verb this early ("För spårbarhet ska ...")
MIN_PURPOSE_PHRASE_TOKENS = 4  # a preposition, a noun, a modal and a predicate at least
MIN_S_PASSIVE_CHARS = 5  # a Swedish s-passive is longer than "bas", "gas": "-as" on a real verb stem


def _within(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if lo <= s < hi]


def deliverable(doc, matches: Spans, subject_lo: int, modal: tuple[int, int] | None) -> str | None:
    """The deliverable when the item is about a deliverable other than the solution: its subject is
    documentation, a manual, a plan ("Systemdokumentationen ska beskriva …"), or what the modal verb says of
    the subject is that it is documented ("… shall be documented", "ska dokumenteras")."""
    if modal is None:
        return None
    head_ends = words_in_any_language("subject_head_ends")
    head_hi = next((t.i for t in doc[subject_lo:modal[0]] if t.lower_ in head_ends), modal[0])
    nouns = _within(matches.get("deliverable_nouns", []), subject_lo, head_hi)
    if nouns:
        solution_after = _within(matches.get("solution_nouns", []), nouns[-1][1], head_hi)
        if not solution_after:  # "the documentation system" is a system
            return doc[nouns[-1][0]: nouns[-1][1]].text
    documented = _within(matches.get("documenting_verbs", []), modal[1], modal[1] + DOCUMENTED_TOKENS)
    if documented:
        return doc[documented[0][0]: documented[0][1]].text
    # "… shall be updated in the User Guides", "… ska beskrivas i driftdokumentet": said to stand in a document.
    auxiliaries = words_in_any_language("passive_auxiliaries")
    passive = next((t for t in doc[modal[1]: modal[1] + PASSIVE_TOKENS]  # "be updated", or a Swedish s-passive
                    if t.lower_ in auxiliaries or (len(t) >= MIN_S_PASSIVE_CHARS and t.lower_.endswith("as"))), None)
    places = words_in_any_language("place_prepositions")
    place = None if passive is None else next(
        (t.i for t in doc[passive.i: passive.i + PLACE_TOKENS] if t.lower_ in places), None)
    if place is not None:
        named = _within(matches.get("deliverable_nouns", []) + matches.get("document_nouns", []), place + 1,
                        place + 1 + DOCUMENT_NAME_TOKENS)
        if named:
            return doc[named[0][0]: named[0][1]].text
    return None


def contract_term(doc, matches: Spans, has_modal: bool) -> str | None:
    """A price reduction, a penalty, the contract's period, or a support routine with its time or priority: a
    contract or supplier term, whatever it measures ("Tillgänglighet: avdrag 4 %", "Svarstid incident: HÖG")."""
    for label in ("penalty_terms", "contract_terms"):
        spans = matches.get(label, [])
        if spans:
            return doc[spans[0][0]: spans[0][1]].text
    for start, end in matches.get("penalty_terms_before_number", []):
        if any(t.like_num or t.text == "%" for t in doc[end: end + PENALTY_NUMBER_TOKENS]):
            return doc[start:end].text
    support = matches.get("support_terms", [])
    if support:
        timed = matches.get("service_time_terms", [])
        ranked = matches.get("priority_terms", []) if not has_modal else []
        if timed or ranked:
            return doc[support[0][0]: support[0][1]].text
    return None


def leading_purpose_phrase(doc, matches: Spans, modal: tuple[int, int] | None, language: str) -> str | None:
    """A purpose put first as a prepositional phrase: "För spårbarhet ska systemet …", "For security
    reasons, the portal shall …". The phrase opens the item, ends at the modal verb (Swedish word order)
    or a comma, and names an abstract noun ("spårbarhet", "security")."""
    if modal is None or len(doc) < MIN_PURPOSE_PHRASE_TOKENS:
        return None
    if doc[0].lower_ not in words_in_any_language("purpose_prepositions"):
        return None
    if doc[1].lower_ in words_in_any_language("not_purpose_after_for"):
        return None
    end = next((t.i for t in doc[1: min(modal[0], PURPOSE_PHRASE_MAX_COMMA)] if t.text == ","), None)
    if end is None:
        if language != "sv" or modal[0] > PURPOSE_PHRASE_MAX_MODAL:
            return None
        end = modal[0]
    nouns = _within(matches.get("leading_purpose_nouns", []), 1, end)
    return doc[0:end].text if nouns else None


def complement_subject_start(doc, lo: int, hi: int, pipeline: Pipeline) -> int | None:
    """Where the subject of a that-clause starts when the item binds the solution through the bidder
    ("The bidder confirms that the proposed solution will …"): just after the last complementizer
    before the modal verb, else None."""
    words = set(pipeline.lexicon.words("complementizers"))
    commitments = set(pipeline.lexicon.words("commitment_verbs"))
    last = next((t.i for t in reversed(doc[lo:hi]) if t.lower_ in words), None)
    if last is None or last == lo or doc[last - 1].lower_ not in commitments:
        return None  # "the characteristics that the system must support": a relative clause, no party's word
    return last + 1

