"""UG102 vague-wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..labels import ALL_LABELS, Reason
from ..models import Finding, Language, Requirement
from ..nlp.pipeline import get_pipeline, lowers
from . import messages
from ._support import lemma, load_data
from .base import Check, DocumentContext
from .ug102_scope import asks_nothing

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


@dataclass(frozen=True)
class VagueTerm:
    """One vague word or phrase in a requirement; ``start``/``end`` are character offsets into its text."""

    text: str
    start: int
    end: int
    pattern: str  # the vague_words.yaml entry that matched
    why: str
    instead: str
    measured: bool  # a measurable criterion of a fitting kind is near it


class VagueWording(Check):
    """UG102 vague-wording: the requirement uses vague words that nobody can verify.

    Flags words and phrases that no tender evaluation or acceptance test can check:
    Swedish "användarvänlig", "lättanvänd", "intuitiv", "modern", "flexibel", "snabb",
    "enkel", "smidig", "effektiv", "robust", "tillräcklig", "säker" (as a bare adjective),
    "skalbar", "hög tillgänglighet", "sömlös", "bästa praxis", "state of the art", "i
    möjligaste mån", "vid behov", "på lämpligt sätt", and open lists ("etc.", "osv.", "m.m.",
    "med flera", "bl.a.", "och/eller"); English "user-friendly", "easy to use", "intuitive",
    "modern", "flexible", "fast", "quick", "robust", "efficient", "seamless", "adequate",
    "sufficient", "secure", "scalable", "high availability", "state of the art", "best
    practice", "industry standard", "as appropriate", "as needed", "where possible", "etc.",
    "and/or". The lists, with why each word is unverifiable and what to state instead, are in
    ``checks/data/vague_words.yaml``. Words are compared by lower-cased form and by lemma
    (spaCy's lookup tables on the project's blank pipelines), so inflections are caught
    (snabba, snabbt, flexibla, enklare, faster, easier); compounds are not ("snabbsökning",
    "säkerhetskopiering", "Fast-track").

    Not flagged when a measurable criterion of a kind that answers the word is near it:
    a time ("inom 2 sekunder", "within 4 hours") answers "snabb"/"fast"; a percentage
    ("99,5 %") answers "hög tillgänglighet"; a number ("2 000 samtidiga användare") answers
    "skalbar"; a named standard level ("WCAG 2.1 AA", "ISO/IEC 27001", "tillitsnivå 3")
    answers "användarvänlig" or "säker"; a definition in place ("..., vilket innebär att
    ...", "dvs.", "i.e.") answers any word except open lists and "och/eller". Each word's
    kinds are listed in the data file, so "snabbt och användarvänligt, med svarstider under 2
    sekunder" still flags "användarvänligt": the figure measures speed only.

    "Near" means in the same sentence (as the project's sentencizer splits it, so "snabbt:
    95 % av sökningarna inom 1 sekund" is one sentence), or in the next sentence when that
    sentence defines the word ("Med snabb avses ...", "This means ..."). A whole sentence
    rather than a fixed token window, because requirement sentences are short and the figure
    often closes a long one ("..., vilket visar att tjänsten är lättanvänd"); the kind rule,
    not distance, keeps an unrelated figure from excusing a word.

    Also not flagged: "enkel inloggning" (the Swedish term for single sign-on), "enkel
    sökning", "säker"/"secure" before a noun that names a thing ("säker e-post", "secure
    file transfer"); "säkerställa"/"ensure" are other words.

    Why it matters
    --------------
    A vague word lets every tenderer claim compliance and leaves nothing to hold the supplier
    to at acceptance. Requirements must be such that fulfilment can be verified (equal
    treatment and transparency, LOU 4 kap. 1 §; specifications must let tenderers understand
    the requirements in the same way, 9 kap. 1–2 §§). "Snabb" is tested by nothing; "95 % av
    sidladdningarna inom 2 sekunder" is tested by a measurement.

    Bad
    ---
        Systemet ska vara användarvänligt.
        Sökningar ska gå snabbt.
        The platform shall be scalable and flexible.

    Good
    ----
        95 % av alla sidladdningar ska ske inom 2 sekunder.
        Tjänsten ska ha hög tillgänglighet, minst 99,7 % per kalendermånad.
        The platform shall scale to at least 5,000 concurrent users.

    Severity: warning. One finding per requirement, naming every vague word found. The
    suggestion keeps the requirement word for word and puts, right after each vague word, a
    bracketed note of what to state instead ("snabbt [ange svarstid, t.ex. 95 % av
    sidladdningar inom 2 sekunder]"). ``terms()`` reports each vague word with its character
    offsets and whether a criterion was found near it.
    """

    code = "UG102"
    name = "vague-wording"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    def terms(self, requirement: Requirement) -> tuple[VagueTerm, ...]:
        """Every vague word or phrase in the requirement, measured or not, in text order."""
        return find_terms(requirement.text, requirement.language)

    # Vague words matter in every demand, the supplier's included; not in text that is no requirement.
    scope = ALL_LABELS
    not_demands = frozenset({Reason.NO_REQUIREMENT, Reason.SECTION})

    def applies_to(self, requirement: Requirement) -> bool:
        return super().applies_to(requirement) and requirement.label_reason not in self.not_demands

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        text, language = requirement.text, requirement.language
        flagged = [
            t for t in self.terms(requirement) if not t.measured and not asks_nothing(text, t.start, t.end, language)
        ]
        if not flagged:
            return []
        language = requirement.language
        return [
            self.make_finding(
                requirement,
                message=message(language, flagged),
                question=question(language, flagged),
                suggestion=rewrite(requirement.text, language, flagged),
                evidence="; ".join(t.text for t in flagged),
            )
        ]


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Entry:
    spec: dict[str, Any]
    variants: tuple[tuple[str, ...], ...]  # lower-cased token sequences
    lemmas: tuple[tuple[str, ...], ...]


@cache
def _entries(language: Language) -> tuple[_Entry, ...]:
    nlp = get_pipeline(language).nlp
    entries = []
    for spec in load_data("vague_words")[language]:
        variants = []
        for phrase in [spec["pattern"], *(spec.get("forms") or [])]:
            variants.append(tuple(t.lower_ for t in nlp.make_doc(str(phrase))))
        lemmas = tuple(tuple(lemma(language, w) for w in v) for v in variants)
        entries.append(_Entry(spec=spec, variants=tuple(variants), lemmas=lemmas))
    # Longer phrases first: "hög tillgänglighet" before "hög kvalitet"-like single words, "easy to use" before "easy".
    return tuple(sorted(entries, key=lambda e: -max(len(v) for v in e.variants)))


@cache
def _entry_index(language: Language) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Positions in ``_entries`` by the first word of a variant, and by its lemma where the variant
    inflects: the entries a text can match are looked up, not every entry tried on every text."""
    by_word: dict[str, list[int]] = {}
    by_lemma: dict[str, list[int]] = {}
    for index, entry in enumerate(_entries(language)):
        for variant, lemmas in zip(entry.variants, entry.lemmas):
            by_word.setdefault(variant[0], []).append(index)
            if len(variant) == 1 or entry.spec.get("inflect"):
                by_lemma.setdefault(lemmas[0], []).append(index)
    return (
        {w: tuple(sorted(set(i))) for w, i in by_word.items()},
        {w: tuple(sorted(set(i))) for w, i in by_lemma.items()},
    )


@cache
def _words(language: Language) -> dict[str, Any]:
    """``data/ug102_words.yaml`` for one language."""
    return load_data("ug102_words")[language]


@cache
def _any_language(key: str) -> frozenset[str]:
    return frozenset(word for spec in load_data("ug102_words").values() for word in spec[key])


def _phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as written, from a word boundary to one (none after a final full stop: "i.e.")."""
    parts = [re.escape(p) + (r"\b" if p[-1].isalnum() else "") for p in phrases]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


@cache
def _definition(language: Language) -> re.Pattern[str]:
    return _phrases(_words(language)["definition_phrases"])


@lru_cache(maxsize=1)
def _around_the_clock() -> re.Pattern[str]:
    return _phrases(sorted(_any_language("around_the_clock")))


def _in_compound(doc: Doc, start: int, end: int) -> bool:
    """A hyphen glued to the match: part of a compound ("Fast-track", "quick-start")."""
    before = start > 0 and doc[start - 1].text == "-" and doc[start - 2].whitespace_ == "" if start > 1 else False
    after = end < len(doc) and doc[end].text == "-" and doc[end - 1].whitespace_ == ""
    return bool(before or after)


# Measurable criteria ------------------------------------------------------------

_NUMBER = re.compile(r"^\d[\d\s.,]*%?$|^\d+(?:[.,]\d+)?(?:%|ms|s|h|gb|tb|mb)?$", re.IGNORECASE)
_STANDARD = re.compile(
    r"\bWCAG\s*\d(?:\.\d)?|\b(?:nivå|level)\s+A{1,3}\b|\bISO(?:/IEC)?\s*\d{3,5}|\bSS[- ]EN\b|\bEN\s*301\s*549\b|"
    r"\btillitsnivå\s*\d|\b(?:LoA|assurance level)\s*\d|\bOWASP\s+ASVS|\bSUS\b|\bNIST\b|\bCIS\s+Controls\b",
    re.IGNORECASE,
)


def criteria(sentence: Span, language: Language) -> set[str]:
    """The kinds of measurable criterion in a sentence: time, percent, quantity, standard, definition."""
    kinds: set[str] = set()
    tokens = list(sentence)
    text = sentence.text
    # "ISO/IEC 27001", "WCAG 2.1": the number names a standard, it measures nothing.
    in_standard = [(m.start() + sentence.start_char, m.end() + sentence.start_char) for m in _STANDARD.finditer(text)]
    for k, t in enumerate(tokens):
        if not any(c.isdigit() for c in t.text) or not _NUMBER.match(t.text):
            continue
        if any(s <= t.idx < e for s, e in in_standard):
            continue
        kinds.add("quantity")
        if t.text.endswith("%"):
            kinds.add("percent")
        # The unit may follow a thousands group or one adjective ("2 000 samtidiga", "4 working hours").
        following = [x.lower_ for x in tokens[k + 1 : k + 4]]
        if following and following[0] in _any_language("percent_words") or following[:2] == ["per", "cent"]:
            kinds.add("percent")
        if (
            any(w in _any_language("time_units") for w in following[:2])
            or t.lower_.endswith(("ms", "s", "h"))
            and t.text[0].isdigit()
            and t.text[-1].isalpha()
        ):
            kinds.add("time")
    if in_standard:
        kinds.add("standard")
    if _around_the_clock().search(text):
        kinds.add("time")
    if _definition(language).search(text):
        kinds.add("definition")
    return kinds


@lru_cache(maxsize=4096)  # requirements repeat across a tender and a batch; the result is immutable
def find_terms(text: str, language: Language) -> tuple[VagueTerm, ...]:
    pipeline = get_pipeline(language)
    doc = pipeline(text)
    low = lowers(doc)
    n = len(low)
    found: list[VagueTerm] = []
    taken: set[int] = set()
    # An entry can only match where its first word (or its first word's lemma) occurs: only those
    # positions are tried, in text order.
    lemma_of = {w: lemma(language, w) for w in low}
    at_word: dict[str, list[int]] = {}
    at_lemma: dict[str, list[int]] = {}
    for i, w in enumerate(low):
        at_word.setdefault(w, []).append(i)
        at_lemma.setdefault(lemma_of[w], []).append(i)
    sentences: list[Span] = []
    sentence_kinds: list[set[str]] = []
    entries = _entries(language)
    by_word, by_lemma = _entry_index(language)
    # Only the entries whose first word (or its lemma) is in the text, in the entries' order.
    candidates = {e for w in at_word for e in by_word.get(w, ())} | {e for lm in at_lemma for e in by_lemma.get(lm, ())}
    for entry in (entries[e] for e in sorted(candidates)):
        spec = entry.spec
        starts: set[int] = set()
        for v, lm in zip(entry.variants, entry.lemmas):
            starts.update(at_word.get(v[0], ()))
            if len(v) == 1 or spec.get("inflect"):
                starts.update(at_lemma.get(lm[0], ()))
        for i in sorted(starts):
            if i in taken:
                continue
            for variant, lemmas in zip(entry.variants, entry.lemmas):
                # Fixed phrases match as written: by lemma "med mer" would pass for "med mera".
                inflect = len(variant) == 1 or bool(spec.get("inflect"))
                if i + len(variant) > n or not all(
                    w == word or (inflect and lemma_of[w] == lem)
                    for w, word, lem in zip(low[i : i + len(variant)], variant, lemmas)
                ):
                    continue
                end = i + len(variant)
                if any(j in taken for j in range(i, end)) or _in_compound(doc, i, end):
                    break
                nxt = low[end] if end < n else None
                unless = {lemma(language, w) for w in spec.get("unless_next") or []}
                if nxt and (nxt in unless or lemma(language, nxt) in unless):
                    break
                if (
                    spec.get("predicative")
                    and nxt
                    and nxt[0].isalpha()
                    and nxt not in _words(language)["predicative_next"]
                    and not low[end - 1].endswith("ly")
                ):
                    break  # "säker e-post", "secure file transfer": names a thing
                taken.update(range(i, end))
                if not sentences:  # the measurable criteria are read only where a vague word is found
                    sentences = list(doc.sents)
                    sentence_kinds = [criteria(s, language) for s in sentences]
                found.append(_term(doc, i, end, spec, sentences, sentence_kinds, language))
                break
    return tuple(sorted(found, key=lambda t: t.start))


def _term(
    doc: Doc,
    start: int,
    end: int,
    spec: dict[str, Any],
    sentences: list[Span],
    sentence_kinds: list[set[str]],
    language: Language,
) -> VagueTerm:
    index = next(k for k, s in enumerate(sentences) if s.start <= start < s.end)
    kinds = set(sentence_kinds[index])
    if index + 1 < len(sentences) and "definition" in sentence_kinds[index + 1]:
        # "Systemet ska vara snabbt. Med snabbt avses svarstid under 2 sekunder."
        kinds |= sentence_kinds[index + 1]
    accepted = set(spec.get("measured_by") or [])
    if spec.get("definable", True):
        accepted.add("definition")
    span = doc[start:end]
    return VagueTerm(
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        pattern=str(spec["pattern"]),
        why=spec["why"],
        instead=spec["instead"],
        measured=bool(kinds & accepted),
    )


# --------------------------------------------------------------------------- messages and rewrite


def message(language: Language, flagged: list[VagueTerm]) -> str:
    listed = "; ".join(
        messages.text("UG102", "listed", language, word=messages.quote(language, t.text), why=t.why) for t in flagged
    )
    return messages.text("UG102", "message", language, listed=listed)


def question(language: Language, flagged: list[VagueTerm]) -> str:
    words = ", ".join(dict.fromkeys(messages.quote(language, t.text) for t in flagged))
    return messages.text("UG102", "question", language, words=words)


def rewrite(text: str, language: Language, flagged: list[VagueTerm]) -> str:
    """The requirement word for word with, after each vague word, what to state instead."""
    out = text
    for term in sorted(flagged, key=lambda t: t.start, reverse=True):
        end = term.end
        if (
            out[end : end + 1] == "."
            and term.text.isalpha()
            and len(term.text) <= 4
            and term.pattern.rstrip(".") == term.text.lower()
        ):
            end += 1  # "etc." and "osv.": the full stop belongs to the abbreviation
        out = messages.text("UG102", "instead", language, text=out[:end], instead=term.instead) + out[end:]
    return out
