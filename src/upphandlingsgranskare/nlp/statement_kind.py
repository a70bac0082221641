"""What kind of statement a requirement item is, beyond whose obligation it is: a bid formality, a
deliverable other than the solution, a contract or support term, a requirement that puts its purpose
first as a prepositional phrase, or one that a party binds the solution to ("The bidder confirms that
…"); and the reasons a requirement can state (a purpose clause, a stated cause, a named law, a rationale
cell that gives one) or the effect it names instead of a feature. Each reads one of the annotation guide's boundary rules, with its words in the language's lexicon,
and works on any buyer's text (no buyer's names or domain words).

Also two kinds of statement on no system: a party's duty whatever the party's name ("Yoggie shall coordinate
…", ``duty_verb``) and a judgement that demands nothing ("will be a significant challenge", ``judgement``).

``classify`` asks these after it has read the subject and the modal verb.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .lexicon import words_in_any_language
from .patterns import compile_token_regex
from .pipeline import Pipeline

# "Ärendehantering: Beskriv hur ...": a short label and a colon before the instruction.
_ROW_LABEL = re.compile(r"^[^:.;!?]{1,60}:\s+")

Spans = dict[str, list[tuple[int, int]]]


def _starts_with(text: str, phrases: list[str]) -> str | None:
    words = text.lower().split()
    for phrase in phrases:
        parts = phrase.split()
        if words[: len(parts)] == parts:
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
            found = _starts_with(text[label.end() :], phrases)
    return found


def lone_lead_in(doc, after_modal: int, pipeline: Pipeline) -> bool:
    """A lead-in without its colon, whose list follows apart (a table, the next paragraphs): "The solution
    provided by the supplier shall meet the following requirements that apply to …". The list word stands
    close after the modal verb and no list follows it in the item (no colon, comma or "and"/"or")."""
    if any(t.text == ":" for t in doc) or sum(1 for _ in doc.sents) > 1:
        return False
    words = set(pipeline.lexicon.words("goal_lead_ins"))
    at = next((t.i for t in doc[after_modal : after_modal + LEAD_IN_TOKENS] if t.lower_ in words), None)
    if at is None:
        return False
    joiners = words_in_any_language("list_joiners")
    return not any(t.text == "," or t.lower_ in joiners for t in doc[at + 1 :])


# Token windows of the scope rules (each a reading of the annotation guide, not a tuned number).
LEAD_IN_TOKENS = 4  # "shall comply with the following": the list word close after the modal verb
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
    head_hi = next((t.i for t in doc[subject_lo : modal[0]] if t.lower_ in head_ends), modal[0])
    nouns = _within(matches.get("deliverable_nouns", []), subject_lo, head_hi)
    if nouns:
        solution_after = _within(matches.get("solution_nouns", []), nouns[-1][1], head_hi)
        if not solution_after:  # "the documentation system" is a system
            return doc[nouns[-1][0] : nouns[-1][1]].text
    documented = _within(matches.get("documenting_verbs", []), modal[1], modal[1] + DOCUMENTED_TOKENS)
    if documented:
        return doc[documented[0][0] : documented[0][1]].text
    # "… shall be updated in the User Guides", "… ska beskrivas i driftdokumentet": said to stand in a document.
    auxiliaries = words_in_any_language("passive_auxiliaries")
    passive = next(
        (
            t
            for t in doc[modal[1] : modal[1] + PASSIVE_TOKENS]  # "be updated", or a Swedish s-passive
            if t.lower_ in auxiliaries or (len(t) >= MIN_S_PASSIVE_CHARS and t.lower_.endswith("as"))
        ),
        None,
    )
    places = words_in_any_language("place_prepositions")
    place = (
        None
        if passive is None
        else next((t.i for t in doc[passive.i : passive.i + PLACE_TOKENS] if t.lower_ in places), None)
    )
    if place is not None:
        named = _within(
            matches.get("deliverable_nouns", []) + matches.get("document_nouns", []),
            place + 1,
            place + 1 + DOCUMENT_NAME_TOKENS,
        )
        if named:
            return doc[named[0][0] : named[0][1]].text
    return None


def contract_term(doc, matches: Spans, has_modal: bool) -> str | None:
    """A price reduction, a penalty, the contract's period, or a support routine with its time or priority: a
    contract or supplier term, whatever it measures ("Tillgänglighet: avdrag 4 %", "Svarstid incident: HÖG")."""
    for label in ("penalty_terms", "contract_terms"):
        spans = matches.get(label, [])
        if spans:
            return doc[spans[0][0] : spans[0][1]].text
    for start, end in matches.get("penalty_terms_before_number", []):
        if any(t.like_num or t.text == "%" for t in doc[end : end + PENALTY_NUMBER_TOKENS]):
            return doc[start:end].text
    support = matches.get("support_terms", [])
    if support:
        timed = matches.get("service_time_terms", [])
        ranked = matches.get("priority_terms", []) if not has_modal else []
        if timed or ranked:
            return doc[support[0][0] : support[0][1]].text
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
    end = next((t.i for t in doc[1 : min(modal[0], PURPOSE_PHRASE_MAX_COMMA)] if t.text == ","), None)
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


def clause_shape(doc, modal_at: int) -> list[str]:
    """Where the modal verb stands, for the label model: in which sentence of the item ("sent=1": a
    description comes first), and whether a clause-opening word comes before it, first ("sub=lead": "If
    …, the system shall …", a condition on a requirement) or after the main clause has begun ("sub=mid":
    "Analysen innebär att uppgifter ska identifieras", the modal is embedded in a description)."""
    if modal_at >= len(doc):
        return []
    sentence = doc[modal_at].sent
    index = sum(1 for s in doc.sents if s.start < sentence.start)
    words = words_in_any_language("embedding_words")
    openers = [t.i for t in doc[sentence.start : modal_at] if t.lower_ in words]
    if not openers:
        shape = "none"
    elif openers[0] == sentence.start:
        shape = "lead" if len(openers) == 1 else "lead+mid"
    else:
        shape = "mid"
    return [f"sent={min(index, 2)}", f"sub={shape}"]


# Windows and thresholds of the reason rules (each a reading of the annotation guide, not a tuned number).
EVIDENCE_CHARS = 80  # a rationale cell or stated situation shown as evidence: one message line
CAUSAL_CLAUSE_TOKENS = 5  # a trailing causal clause shown by its first words (", då personalen dokumenterar ...")
MIN_SITUATION_TOKENS = 4  # a stated situation before the requirement has a subject, verb and object at least
EFFECT_VERB_DISTANCE = 2  # an effect verb right after the modal ("ska öka", "ska kraftigt minska")
RESTATING_MAX_WORDS = 6  # a rationale cell this short that starts like the requirement restates it
_BLANK_MARKS = ("–", "—", ".")  # a cell holding only a dash or a dot (or only hyphens) says nothing


def _blank(text: str) -> bool:
    """An empty rationale cell: nothing, a dash, or a word for "none" in any language ("saknas", "TBD")."""
    return (
        not text
        or set(text) == {"-"}
        or text in _BLANK_MARKS
        or text.lower() in words_in_any_language("rationale_blank")
    )


def is_date(token) -> bool:
    """A year, a number or a month name: "since 2019", "since January 2019" are no reasons."""
    return token.like_num or token.lower_.startswith(tuple(words_in_any_language("month_prefixes")))


def causal_reason(doc, matches, pipeline: Pipeline, clause_start: int, modal: tuple[int, int]) -> str | None:
    """A reason stated without a purpose marker.

    - a statement of the situation before the requirement's clause in the same item, tied to it
      by "därför"/"therefore", or by a ";" ("Half of all calls are about balances; the portal shall show ...");
    - a causal subordinate clause after a comma ("..., då personalen dokumenterar även nattetid").
    """
    connectives = matches.get("causal_connectives", [])
    before = [t for t in doc[:clause_start] if not t.is_punct]
    if len(before) >= MIN_SITUATION_TOKENS and not any(
        s < clause_start for s, _ in matches.get("modal_ska", []) + matches.get("modal_bör", [])
    ):
        tied = next((doc[s:e].text for s, e in connectives if s >= clause_start), None)
        if tied:
            return tied
        if clause_start > 0 and doc[clause_start - 1].text == ";":
            return doc[: clause_start - 1].text[:EVIDENCE_CHARS]
    subordinators = set(pipeline.lexicon.words("causal_subordinators"))
    stops = words_in_any_language("causal_stop_after_comma")
    for token in doc[modal[1] :]:
        if token.text == "," and token.i + 2 < len(doc):
            word, following = doc[token.i + 1], doc[token.i + 2]
            if word.lower_ in subordinators and following.lower_ not in stops and not is_date(following):
                return doc[token.i + 1 : min(token.i + 1 + CAUSAL_CLAUSE_TOKENS, len(doc))].text
    return None


def states_effect(doc, matches, subject, subject_lo: int, subject_hi: int, modal: tuple[int, int]) -> bool:
    """The requirement names an effect, not a feature: "Andelen ... ska öka från 20 till 80 %", "The solution
    shall reduce onboarding from ten days to two", "Månadsbokslutet måste stängas inom fem dagar i stället för tio"."""
    effect = next(
        ((s, e) for s, e in matches.get("effect_verbs", []) if modal[1] <= s <= modal[1] + EFFECT_VERB_DISTANCE), None
    )
    measure = next(((s, e) for s, e in matches.get("measure_nouns", []) if subject_lo <= s < subject_hi), None)
    comparison = next(((s, e) for s, e in matches.get("comparison_markers", []) if s >= modal[1]), None)
    if _brings_means(doc, modal):
        return False  # "ska minska dubbelregistrering genom att ...": the feature comes with it
    kind = subject[0] if subject else None
    if effect and kind is None:
        return True
    property_verb = (
        doc[effect[0]].lower_.startswith(tuple(words_in_any_language("property_verb_prefixes"))) if effect else False
    )
    if effect and kind == "solution" and effect[0] == modal[1] and not property_verb:
        return True  # "The solution shall reduce onboarding ...", but "Svarstiden ska understiga 2 s" is a property
    if effect and measure and kind in ("actor", "user"):
        return True  # "Andelen avtal som undertecknas ska öka": the measured thing, not the party
    return comparison is not None and kind is None  # "... inom fem dagar i stället för som i dag tio"


def _brings_means(doc, modal: tuple[int, int]) -> bool:
    """The means comes with the effect ("genom att ...", "by adding ...", "by means of ...")."""
    markers = words_in_any_language("means_markers")
    prepositions = words_in_any_language("means_prepositions")
    objects = words_in_any_language("means_prepositions_objects")
    # "-ing" is English grammar (a gerund), not a word list.
    return any(
        t.lower_ in markers
        or (
            t.lower_ in prepositions
            and t.i + 1 < len(doc)
            and (doc[t.i + 1].lower_.endswith("ing") or doc[t.i + 1].lower_ in objects)
        )
        for t in doc[modal[1] :]
    )


def purpose_clause(doc, matches, pipeline: Pipeline) -> str | None:
    blockers = set(pipeline.lexicon.words("purpose_blockers_before_for_att"))
    blockers_to = set(pipeline.lexicon.words("purpose_blockers_before_to"))
    blockers_so = set(pipeline.lexicon.words("purpose_blockers_before_sa_att"))
    rationale_labels = set(pipeline.lexicon.words("rationale_labels"))
    date_words = set(pipeline.lexicon.words("date_subordinators"))
    for start, end in matches.get("purpose_markers", []):
        span = doc[start:end]
        words = span.text.lower()
        if words.startswith("för att") and start > 0 and doc[start - 1].lower_ in blockers:
            continue  # "stöd för att skicka": part of the feature, not a reason
        if words in rationale_labels and start > 0:
            continue  # only as a label at the start ("Motivering: ..."), handled by segmentation
        if pipeline.language == "en" and words.startswith("to ") and start > 0 and doc[start - 1].lower_ in blockers_to:
            continue  # "be able to reduce", "the capability to ensure", "an API to allow": the feature itself
        if words in {"så att", "so that"} and start > 0 and doc[start - 1].lower_ in blockers_so:
            continue  # "konfigurerbart så att en session avslutas": how the feature behaves
        if words in date_words and start + 1 < len(doc) and is_date(doc[start + 1]):
            continue  # "since 2019", "since January 2019"
        return span.text
    return None


def named_law(doc, matches, pipeline: Pipeline) -> str | None:
    false_friends = set(pipeline.lexicon.words("law_false_friends"))
    verb_laws = set(pipeline.lexicon.words("verb_law_words"))
    for start, end in matches.get("laws", []):
        span = doc[start:end]
        if span.text.lower() in false_friends:
            continue
        if end < len(doc) and f"{span.text.lower()} {doc[end].lower_}" in false_friends:
            continue  # "legal hold"
        if span.text.lower() in verb_laws and not (span.text[0].isupper()):
            continue  # "act" as a verb
        return span.text
    return None


def gives_reason(rationale: str, pipeline: Pipeline) -> bool:
    """Whether an attached rationale cell states a reason: not empty, not a priority ("Mandatory",
    "Ska-krav") and not the requirement restated ("Krav på export", "Support for SSO")."""
    text = rationale.strip().rstrip(".!").strip()
    if _blank(text):
        return False
    lowered = " ".join(text.lower().split())
    if lowered in set(pipeline.lexicon.words("rationale_empty")):
        return False
    words = lowered.split()
    if len(words) <= RESTATING_MAX_WORDS and any(
        lowered.startswith(p) for p in pipeline.lexicon.words("rationale_restating")
    ):
        return False
    return True


@cache
def _party() -> re.Pattern[str]:
    """``party_nouns`` as one whole-token pattern; "*" stands for the start of a compound ("Datasenteroperatøren")."""
    return compile_token_regex(sorted(words_in_any_language("party_nouns")))


def subject_head(doc, modal_at: int):  # noqa: ANN201 - a spaCy Token or None
    """The subject's head as the rules and the label model read it: the last word within three tokens before
    the modal verb."""
    return next((t for t in reversed(doc[max(0, modal_at - 3) : modal_at]) if t.is_alpha), None)


def inverted_subject(doc, modal_at: int, starters: Iterable[str], skip: frozenset[str]) -> int | None:
    """Where the subject stands when a Swedish clause is inverted (V2: "Om betalningen misslyckas ska systemet
    …", "Vid inloggning ska användaren …"): the first word after the modal that ``skip`` does not pass over,
    when the modal's sentence opens with one of ``starters``; else None (the subject comes before the modal).
    The rules, too, look for the subject after the modal in such a clause (``classify._read_clause``)."""
    wanted = set(starters)
    if not wanted or modal_at >= len(doc):
        return None
    start = doc[modal_at].sent.start
    if modal_at <= start or not opens_with(doc, start, wanted):
        return None
    return next((t.i for t in doc[modal_at + 1 : modal_at + 4] if t.is_alpha and t.lower_ not in skip), None)


def opens_with(doc, at: int, starters: Iterable[str]) -> bool:
    """Whether the words from ``at`` open with one of ``starters``, a word or two ("vid", "för att")."""
    first = doc[at].lower_
    two = f"{first} {doc[at + 1].lower_}" if at + 1 < len(doc) else first
    return first in starters or two in starters


def is_acronym(token) -> bool:  # noqa: ANN001 - a spaCy Token
    """ "TCS", "NPAC": two or more capitals, which name a system more often than a body."""
    return token.text.isupper() and len(token.text) >= 2


def duty_verb(doc, modal: tuple[int, int] | None, language: str) -> str | None:
    """The verb after the modal names a duty of a party (``duty_verbs``: "coordinate", "notify", "delta");
    "be in charge of", "be responsible for" within the first words. The words from the modal to that verb,
    else None."""
    if modal is None:
        return None
    head = subject_head(doc, modal[0])
    if head is not None and is_acronym(head):
        return None  # "NPAC SMS shall notify …", "The TCS shall …": an acronym names a system more often than a body
    duties = words_in_any_language("duty_verbs")
    skip = words_in_any_language("passive_auxiliaries") | words_in_any_language("modal_adverbs")
    after = [t for t in doc[modal[1] : modal[1] + 4] if t.is_alpha]
    verb = next((t for t in after if t.lower_ not in skip), None)
    if verb is None:
        return None
    if verb.lower_ == "in":  # "be in charge of"
        verb = next((t for t in after if t.lower_ in duties), None)
        return None if verb is None else doc[modal[0] : verb.i + 1].text
    if verb.lower_ not in duties:
        return None
    if verb.lower_.endswith("s") and language != "en":
        # An s-passive ("skal varsles til Kunden") is a party's duty when a party is named after it;
        # "Frånvaro ska meddelas vårdnadshavare" is the system's notice.
        if not any(_party().match(t.lower_) for t in doc[verb.i + 1 : verb.i + 4]):
            return None
    return doc[modal[0] : verb.i + 1].text


def judgement(doc, clause_start: int, modal: tuple[int, int] | None) -> str | None:
    """A copula joined to a judging word (``evaluative_words``): after the modal ("will be a significant
    challenge", "will be significant") or in the main clause before it ("is an issue that SCOJD should
    address", "blir mer komplex då den måste …"; not an expletive "It is important that …"). The words
    joined, else None."""
    if modal is None:
        return None
    copulas = words_in_any_language("evaluative_copulas")
    fillers = words_in_any_language("evaluative_fillers")
    judging = words_in_any_language("evaluative_words")
    embedded = words_in_any_language("expletive_subjects") | words_in_any_language("embedding_words")
    starts = [modal[1]] + [t.i for t in doc[clause_start : modal[0]] if t.lower_ in copulas]
    for start in starts:
        tokens = [t for t in doc[start : start + 5] if t.is_alpha]
        if not tokens or tokens[0].lower_ not in copulas:
            continue
        if start < modal[0] and start > 0 and doc[start - 1].lower_ in embedded:
            continue  # "It is important that …" introduces a requirement; "… that are useful" is embedded
        word = next((t for t in tokens[1:] if t.lower_ not in fillers), None)
        if word is not None and word.lower_ in judging:
            return doc[tokens[0].i : word.i + 1].text
    return None
