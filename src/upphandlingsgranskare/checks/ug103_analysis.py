"""UG103's reading of a requirement: its clauses, verbs and enumerations, split into separate demands.

``split_demands`` is the analysis; ``ug103_multiple_demands`` holds the check, its documentation and
its messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..models import Language
from ..nlp.pipeline import get_pipeline, lowers
from ._support import lemma, sentence_case
from .ug103_words import is_infinitive, is_participle, is_verb, phrase_at, phrase_ending_at, shared_head, word_lists

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Demand:
    """One separate demand found in a requirement, written out as a sub-requirement.

    ``start``/``end`` are character offsets into the requirement text of the words that make
    this demand different from the others (its verb phrase or enumerated item).
    """

    text: str
    start: int
    end: int


# --------------------------------------------------------------------------- analysis


@dataclass
class _Item:
    start: int  # first token (the verb, or the enumerated noun phrase)
    verb_end: int  # end of the verb itself
    end: int  # end of its own words (object included)

    @property
    def has_object(self) -> bool:
        return self.end > self.verb_end


@dataclass
class _Clause:
    start: int  # first token of the clause (its subject when it has one)
    modal: tuple[int, int] | None
    end: int
    own_subject: bool = True
    items: list[_Item] = field(default_factory=list)
    verb_start: int = 0
    scope_end: int = 0  # where the purpose/condition/relative tail begins


_PUNCT_SEPARATORS = {",", ";", ":"}


def _modal_spans(doc: Doc, language: Language) -> list[tuple[int, int]]:
    found = get_pipeline(language).matches(doc)
    spans = sorted(set(found.get("modal_ska", []) + found.get("modal_bör", [])))
    kept: list[tuple[int, int]] = []
    quotes = {'"', "“", "”", "'", "‘", "’", "«", "»"}
    spans = [(s, e) for s, e in spans if not (s > 0 and doc[s - 1].text in quotes)]  # 'the term "shall"'
    for s, e in spans:  # "shall not" and "shall" overlap: keep the longer one
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e)
            continue
        kept.append((s, e))
    return kept


def _next_content(doc: Doc, i: int, end: int, language: Language) -> int:
    w = word_lists(language)
    while i < end and lowers(doc)[i] in w.skip:
        i += 1
    return i


def _is_main(doc: Doc, modal: tuple[int, int], floor: int, language: Language) -> bool:
    """False for a modal inside a subordinate clause ("när en handläggare ska fatta beslut")."""
    w = word_lists(language)
    subordinate = False
    i = modal[0] - 1
    finite_between = False
    while i >= floor:
        if doc[i].text in _PUNCT_SEPARATORS:
            break
        if phrase_ending_at(doc, i, w.subordinators, floor):
            if not finite_between:
                subordinate = True
                break
            # "andelen fakturor som föranleder påminnelseavgift ska understiga 1 %": that relative
            # clause has its finite verb already; look further back for one the modal belongs to.
            finite_between = False
        else:
            finite_between = finite_between or _is_finite(doc, i, language)
        i -= 1
    if not subordinate:
        return True
    if language == "sv":
        # Swedish main clauses put the verb second: after a fronted clause the modal comes
        # before its subject ("Om ett ärende avslutas ska systemet arkivera det"); in the
        # subordinate clause a verb follows ("när en handläggare ska fatta beslut").
        j = _next_content(doc, modal[1], len(doc), language)
        if j < len(doc) and _subject_like(doc, j, language):
            return True
    return False


def _is_finite(doc: Doc, i: int, language: Language) -> bool:
    """A present or past tense verb ("föranleder", "omfattas", "is", "are")."""
    low = lowers(doc)[i]
    if language == "en":
        return low in {"is", "are", "was", "were", "has", "have", "had", "does", "do", "did"}
    base = lemma(language, low)
    return base != low and base.endswith("a") and (low.endswith(("ar", "er", "r")) or low == base + "s")


def _subject_like(doc: Doc, j: int, language: Language) -> bool:
    w = word_lists(language)
    t = doc[j]
    if t.lower_ in w.subject_pronouns:
        return True
    if not t.is_alpha or is_verb(doc, j, language) or t.lower_ in w.auxiliaries:
        return False
    # A definite noun ("systemet", "leverantören", "ärendena") or a name.
    return bool(re.search(r"(en|et|na|n|t)$", t.lower_)) or t.text[:1].isupper()


def _clauses(
    doc: Doc, sent_start: int, sent_end: int, modals: list[tuple[int, int]], language: Language
) -> list[_Clause]:
    w = word_lists(language)
    mains: list[tuple[int, int]] = []
    floor = sent_start
    for m in modals:
        if _is_main(doc, m, floor, language):
            mains.append(m)
        floor = m[1]
    if not mains:
        mains = [modals[-1]]  # "If the case is closed the system shall archive it": no comma, still one main clause
    clauses: list[_Clause] = []
    for k, m in enumerate(mains):
        if k == 0:
            clauses.append(_Clause(start=sent_start, modal=m, end=sent_end))
            continue
        prev_end = mains[k - 1][1]
        sep = None
        i = m[0] - 1
        while i >= prev_end:
            if doc[i].text in _PUNCT_SEPARATORS or phrase_ending_at(doc, i, w.coordinators, prev_end):
                sep = i
                break
            i -= 1
        start = sep + 1 if sep is not None else m[0]
        # The previous clause ends where the run of separators (", och", "; in addition,") begins.
        cut = sep if sep is not None else m[0]
        while cut > prev_end and (
            doc[cut - 1].text in _PUNCT_SEPARATORS or phrase_ending_at(doc, cut - 1, w.coordinators, prev_end)
        ):
            cut -= 1
        # "; in addition, it shall": linking words between separators belong to neither demand.
        k = cut
        while k > prev_end and (lowers(doc)[k - 1] in w.connectives or doc[k - 1].text in _PUNCT_SEPARATORS):
            k -= 1
        if k < cut and doc[k].text in _PUNCT_SEPARATORS:
            cut = k
        clauses[-1].end = cut if sep is not None else m[0]
        own_subject = start < m[0] and any(doc[t].is_alpha for t in range(start, m[0]))
        clauses.append(_Clause(start=start, modal=m, end=sent_end, own_subject=own_subject))
    return clauses


def _find_verb(doc: Doc, clause: _Clause, language: Language) -> int:
    """Index of the main verb after the modal (auxiliaries and an inverted subject skipped)."""
    w = word_lists(language)
    start = clause.modal[1] if clause.modal else clause.start
    i = _next_content(doc, start, clause.end, language)
    # "be able to", "kunna": auxiliaries before the main verb.
    while i < clause.end and lowers(doc)[i] in w.auxiliaries:
        if lowers(doc)[i] == "be" and i + 1 < clause.end and lowers(doc)[i + 1] not in w.auxiliaries:
            # "shall be logged": the participle is the main verb; "shall be available": "be" is.
            if is_verb(doc, i + 1, language) and lowers(doc)[i + 1] != lemma(language, lowers(doc)[i + 1]):
                i += 1
            break
        i = _next_content(doc, i + 1, clause.end, language)
    if i < clause.end and is_verb(doc, i, language):
        return i
    if clause.modal:
        # Inverted subject: "ska ärendet och samtliga handlingar överföras".
        for j in range(i, min(i + 7, clause.end)):
            if doc[j].text in _PUNCT_SEPARATORS:
                break
            if is_verb(doc, j, language):
                return j
    return i


def _row_verb(doc: Doc, start: int, end: int, language: Language) -> int | None:
    """The verb a modal-less sentence starts with, after a list label or an opener ("Ability to")."""
    w = word_lists(language)
    i = start
    while i < end and (doc[i].is_punct or doc[i].is_space or doc[i].like_num):
        i += 1  # "2.1.7", "-", "•"
    i += phrase_at(doc, i, w.row_openers, end)
    i = _next_content(doc, i, end, language)
    if i < end and is_infinitive(doc, i, language):
        return i
    return None


def _scope_end(doc: Doc, begin: int, end: int, language: Language) -> int:
    w = word_lists(language)
    for i in range(begin, end):
        if phrase_at(doc, i, w.subordinators, end):
            return i
    return end


def _trim(doc: Doc, start: int, end: int) -> int:
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and doc[end - 1].text not in {")", "”", '"'}:
        end -= 1
    return end


def _verb_end(doc: Doc, verb: int, limit: int, language: Language) -> int:
    """End of the verb with its particles ("lägga till", "ta bort", "log in")."""
    particles = word_lists(language).particles
    end = verb + 1
    while end < limit and lowers(doc)[end] in particles:
        end += 1
    return end


def _items(doc: Doc, verb: int, scope_end: int, language: Language) -> list[_Item]:
    w = word_lists(language)
    first_end = _verb_end(doc, verb, scope_end, language)
    items = [_Item(start=verb, verb_end=first_end, end=first_end)]
    i = first_end
    while i < scope_end:
        n = phrase_at(doc, i, w.coordinators, scope_end)
        if n:
            j = i + n
            # ", och" / ", and": a comma followed by a coordinator is one joint.
            m = phrase_at(doc, j, w.coordinators, scope_end)
            if m and doc[i].text == ",":
                j += m
            joint = {t.lower_ for t in doc[i:j]}
            comma_to = joint == {","} and j < scope_end and lowers(doc)[j] == "to"  # ", to be incorporated": purpose
            j = _next_content(doc, j, scope_end, language)
            passive_list = (
                is_participle(doc, items[-1].start, language) and j < scope_end and is_participle(doc, j, language)
            )
            if (
                j < scope_end
                and not (joint & w.alternatives)
                and not comma_to
                and (is_infinitive(doc, j, language) or passive_list)
                and not shared_head(doc, items[-1].verb_end, i, j, scope_end, language)
            ):
                v_end = _verb_end(doc, j, scope_end, language)
                own_object = (
                    v_end < scope_end
                    and not phrase_at(doc, v_end, w.coordinators, scope_end)
                    and not doc[v_end].is_punct
                    and lowers(doc)[v_end] != "of"
                )
                if own_object or not items[-1].has_object:
                    items.append(_Item(start=j, verb_end=v_end, end=v_end))
                    i = v_end
                    continue
            i = j if j > i else i + 1
            items[-1].end = _trim(doc, items[-1].start, i)
            continue
        i += 1
        items[-1].end = _trim(doc, items[-1].start, i)
    return items


def _action_noun_in(doc: Doc, start: int, end: int, language: Language) -> bool:
    """A verbal noun ("matching", "hantering"); "-tion" nouns here are containers ("funktioner för")."""
    w = word_lists(language)
    for t in doc[start:end]:
        last = t.lower_.split("-")[-1]
        if t.is_alpha and len(last) > 5 and last.endswith(("ing", "ingen")) and last not in w.not_capabilities:
            return True
    return False


def _is_capability(doc: Doc, start: int, end: int, language: Language) -> bool:
    w = word_lists(language)
    depth = 0
    for t in doc[start:end]:
        depth += t.text == "("
        depth -= t.text == ")"
        if depth > 0 or t.text == ")":
            continue  # "F (Fully Supported)": a gloss in parentheses names no capability
        if t.i > start and t.text[:1].isupper():
            continue  # a name ("Council Tax Reduction", "Housing Benefit"), not a capability
        low = t.lower_
        if low in w.not_capabilities or not t.is_alpha and "-" not in low:
            continue
        last = low.split("-")[-1]
        if low in w.capability_nouns or last in w.capability_nouns:
            return True
        if len(last) > 5 and last.endswith(w.capability_suffixes) and last not in w.not_capabilities:
            return True
    return False


def _enumeration(doc: Doc, start: int, end: int, language: Language) -> list[tuple[int, int]]:
    """The parts of a list of three or more capabilities in tokens [start, end), or []."""
    w = word_lists(language)
    parts: list[tuple[int, int]] = []
    part_start = start
    i = start
    depth = 0
    while i < end:
        t = doc[i].text
        depth += t == "("
        depth -= t == ")"
        n = 0 if depth else phrase_at(doc, i, w.coordinators, end)
        if n and i > start and doc[i - 1].text.endswith("-"):
            n = 0  # "offentlighets- och sekretesslagen": one compound, no list
        if n:
            if i > part_start:
                parts.append((part_start, i))
            part_start = i + n
            i += n
            continue
        i += 1
    if part_start < end:
        parts.append((part_start, _trim(doc, part_start, end)))
    parts = [p for p in parts if p[1] > p[0]]
    if len(parts) < 3:
        return []
    # "three-way matching of purchase orders, receiving documents and vendor invoices": the list
    # is what one action noun applies to, so its items are values, not capabilities.
    first_s, first_e = parts[0]
    preps = [t for t in range(first_s, first_e) if lowers(doc)[t] in _LEAD_PREPOSITIONS]
    if preps and _action_noun_in(doc, first_s, preps[-1], language):
        return []
    # Most items must name a capability: "Läsning och skrivning av GeoPackage, Shape och DXF" is
    # two operations on a list of formats, not four capabilities.
    if 2 * sum(_is_capability(doc, s, e, language) for s, e in parts) <= len(parts):
        return []
    return parts


_MAX_ROW_TOKENS = 15  # a matrix row naming capabilities is short: "Import, export och arkivering av ärenden"
_LEAD_PREPOSITIONS = {"för", "av", "med", "på", "till", "inom", "for", "of", "with", "on", "to", "in"}


@lru_cache(maxsize=4096)  # requirements repeat across a tender and a batch; the result is immutable
def split_demands(text: str, language: Language) -> tuple[Demand, ...]:
    pipeline = get_pipeline(language)
    doc = pipeline(text)
    modals = _modal_spans(doc, language)
    demands: list[Demand] = []
    sentences = list(doc.sents)
    for sent in sentences:
        in_sentence = [m for m in modals if sent.start <= m[0] < sent.end]
        if not in_sentence and modals:
            continue  # a sentence without a modal beside ones with: background, not a demand
        if in_sentence:
            clauses = _clauses(doc, sent.start, sent.end, in_sentence, language)
        else:
            # No modal anywhere (a matrix row, a list item): a sentence demands something only when
            # it starts with a verb ("Ta fram underlag ...", "Ability to create ..."); a lone row
            # without one may still enumerate capabilities ("Import, export och arkivering av ärenden").
            start = _row_verb(doc, sent.start, sent.end, language)
            if start is None and len(sentences) > 1:
                continue
            clauses = [
                _Clause(start=sent.start, modal=None, end=sent.end, verb_start=start if start is not None else -1)
            ]
        subject = ""
        for clause in clauses:
            if clause.modal is None:
                verb = clause.verb_start if clause.verb_start >= 0 else clause.start
            else:
                verb = _find_verb(doc, clause, language)
            if verb >= clause.end:
                continue
            if clause.modal and clause is clauses[0]:
                subject = text[doc[clause.start].idx : doc[clause.modal[0]].idx]
            if clause.own_subject or clause.modal is None:
                prefix = text[doc[clause.start].idx : doc[verb].idx]
            else:
                # "... och ska skicka larm": the second demand borrows the first clause's subject.
                prefix = subject + text[doc[clause.modal[0]].idx : doc[verb].idx]
            scope = _scope_end(doc, verb + 1, clause.end, language)
            if clause.modal is None and clause.verb_start < 0:
                if clause.end - clause.start > _MAX_ROW_TOKENS:
                    continue  # a long modal-less sentence is background, not a matrix row
                items = [_Item(start=verb, verb_end=verb, end=_trim(doc, verb, scope))]  # a noun phrase row
            else:
                items = _items(doc, verb, scope, language)
            tail_end = _trim(doc, scope, clause.end)
            tail = _chars(doc, text, scope, tail_end) if tail_end > scope else ""
            parts = _parts(doc, text, items, verb, language)
            for k, (body, s, e) in enumerate(parts):
                if k == len(parts) - 1 and tail:
                    body = f"{body} {tail}"
                sentence = sentence_case(f"{prefix}{body}")
                demands.append(Demand(text=sentence, start=doc[s].idx, end=doc[e - 1].idx + len(doc[e - 1].text)))
    return tuple(demands)


def _chars(doc: Doc, text: str, s: int, e: int) -> str:
    """The text of tokens [s, e), as written."""
    return text[doc[s].idx : doc[e - 1].idx + len(doc[e - 1].text)] if e > s else ""


def _parts(doc: Doc, text: str, items: list[_Item], verb: int, language: Language) -> list[tuple[str, int, int]]:
    """One clause's demands as (body text, start token, end token): one per verb of a list of three or
    more (or two with objects), one per capability of an enumeration, or the clause whole."""
    parts: list[tuple[str, int, int]] = []
    if len(items) >= 3 or (len(items) == 2 and items[0].has_object):
        shared = _chars(doc, text, items[-1].verb_end, items[-1].end)
        for it in items:
            body = (
                _chars(doc, text, it.start, it.end)
                if it.has_object
                else f"{_chars(doc, text, it.start, it.verb_end)} {shared}".strip()
            )
            parts.append((body, it.start, it.end))
        return parts
    whole_end = items[-1].end
    enum_start = items[0].verb_end
    enum = _enumeration(doc, enum_start, whole_end, language) if len(items) == 1 else []
    if not enum:
        return [(_chars(doc, text, verb, whole_end), verb, whole_end)]
    first_s, first_e = enum[0]
    lead_end = first_s
    for t in range(first_s, first_e - 1):
        if lowers(doc)[t] in _LEAD_PREPOSITIONS:
            lead_end = t + 1
    lead = _chars(doc, text, enum_start, lead_end) if lead_end > enum_start else ""
    head = _chars(doc, text, verb, enum_start)
    # "import, export och arkivering av ärenden": a trailing phrase of the last item
    # belongs to every item that has none of its own.
    last_s, last_e = enum[-1]
    trail = next((t for t in range(last_s + 1, last_e) if lowers(doc)[t] in _LEAD_PREPOSITIONS), None)
    for k, (s, e) in enumerate(enum):
        s = max(s, lead_end)
        item = _chars(doc, text, s, e)
        own_phrase = any(lowers(doc)[t] in _LEAD_PREPOSITIONS for t in range(s + 1, e))
        if trail is not None and k < len(enum) - 1 and not own_phrase:
            item = f"{item} {_chars(doc, text, trail, last_e)}"
        parts.append((" ".join(x for x in (head, lead, item) if x), s, e))
    return parts
