"""Mechanical check that an LLM's need-based rewrite of a requirement keeps the requirement's force:
its modal strength (ska/bör, shall/should), every number and every negation. A rewrite that fails
is dropped, so the rules lean strict: a wrongly dropped rewrite costs a suggestion, a wrongly kept
one changes what the buyer asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Language = Literal["sv", "en"]

MANDATORY, DESIRABLE = "mandatory", "desirable"
_MAX_SHORTENING = 10  # characters; more means part of the original was dropped
_MAX_VARIANTS = 256  # cap on ways to cut the added purpose clauses (see _remainders)


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    problems: tuple[str, ...]  # bilingual "sv / en"


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_MODALS = {
    "sv": {
        MANDATORY: _words("ska", "skall", "måste", "krävs", "obligatorisk[ta]?"),  # also "ska-krav"
        DESIRABLE: _words("bör", "önskvärd[ta]?", "meriterande"),  # also "bör-krav"
    },
    "en": {
        MANDATORY: _words(r"shall(?:n['’]t)?", r"must(?:n['’]t)?", "mandatory", "required"),
        DESIRABLE: _words(r"should(?:n['’]t)?", "desirable", "preferred", "preferably"),
    },
}
_MAY = _words("may")
_ANY_MODAL = {
    lang: re.compile("|".join(p.pattern for p in [*kinds.values(), *([_MAY] if lang == "en" else [])]), re.IGNORECASE)
    for lang, kinds in _MODALS.items()
}
_STRENGTH_LABEL = {"sv": {MANDATORY: "ska", DESIRABLE: "bör"}, "en": {MANDATORY: "shall", DESIRABLE: "should"}}

# Kinds are named in English; "inte", "ej" and "icke" are one kind, as are "not" and "n't".
_NEGATIONS = {
    "sv": {
        "not": _words("inte", "ej", "icke"),
        "never": _words("aldrig"),
        "no": _words("ingen", "inget", "inga", "ingenting"),
        "without": _words("utan"),
    },
    "en": {
        "not": re.compile(r"(?<!\w)(?:not|cannot)(?!\w)|(?<=\w)n['’]t(?!\w)", re.IGNORECASE),
        "never": _words("never"),
        "no": _words("no", "none", "nothing"),
        "without": _words("without"),
    },
}
_NEGATION_SV = {"not": "inte", "never": "aldrig", "no": "ingen", "without": "utan"}

_CONNECTIVES = {
    "sv": _words("i syfte att", "med syfte att", "för att", "så att", "därför att", "eftersom"),
    "en": _words("in order to", "in order that", "so as to", "so that", "to ensure", "to make sure", "because"),
}
# A clause ends at punctuation, but not at the comma, point or colon inside "99,5", "2.1" or "08:00".
_CLAUSE_END = re.compile(r"[;!?\n]|(?<!\d)[.,:]|[.,:](?!\d)")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\n])[\s\-–•*]*$")

_NUMBER_SUFFIX = r"(?P<pct>\s?(?:%|procent|percent|per cent)(?!\w))?"
_DIGITS = re.compile(
    r"(?<!\d)(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+)(?P<frac>(?:[.,]\d+)*)" + _NUMBER_SUFFIX, re.IGNORECASE
)
_SPELLED = {
    "sv": dict(zip(("två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"), range(2, 13))),
    "en": dict(
        zip(("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"), range(2, 13))
    ),
}
# "en", "ett" and "one" are also articles and pronouns; they count only before a unit.
_ONE = {
    "sv": (
        "en|ett",
        (
            r"(?:arbets|kalender)?(?:timme|timmen|timmar|dag|dagar|dygn|minut|minuter|sekund|sekunder"
            r"|vecka|veckor|månad|månader|år|gång|gånger)"
        ),
    ),
    "en": (
        "one",
        r"(?:(?:working|business|calendar)\s+)?(?:hours?|days?|minutes?|seconds?|weeks?|months?|years?|times?)",
    ),
}
_SPELLED_NUMBER = {
    lang: re.compile(
        rf"(?<!\w)(?:(?P<word>{'|'.join(_SPELLED[lang])})|(?P<one>{one})(?=\s+{unit}(?!\w)))(?!\w)" + _NUMBER_SUFFIX,
        re.IGNORECASE,
    )
    for lang, (one, unit) in _ONE.items()
}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _numbers(text: str, lang: Language) -> dict[str, str]:
    """Normalised value -> first surface form, for every number in text."""
    found: dict[str, str] = {}
    for m in _DIGITS.finditer(text):
        whole = re.sub(r"\s", "", m["int"])
        parts = re.findall(r"[.,]\d+", m["frac"])
        if lang == "en":
            # "1,000,000": a comma before exactly three digits groups thousands in English.
            while parts and parts[0][0] == "," and len(parts[0]) == 4:
                whole += parts.pop(0)[1:]
        value = (whole.lstrip("0") or "0") + "".join("." + p[1:] for p in parts)  # decimal comma = point
        found.setdefault(value + ("%" if m["pct"] else ""), m.group().strip())
    for m in _SPELLED_NUMBER[lang].finditer(text):
        value = str(_SPELLED[lang][m["word"].lower()]) if m["word"] else "1"
        found.setdefault(value + ("%" if m["pct"] else ""), m.group().strip())
    return found


def _strengths(text: str, lang: Language) -> frozenset[str]:
    found = {kind for kind, pattern in _MODALS[lang].items() if pattern.search(text)}
    if lang == "en" and not found and _MAY.search(text):
        found.add(DESIRABLE)  # "may" reads as desirable only where nothing is mandatory
    return frozenset(found)


def _negations(text: str, lang: Language) -> dict[str, int]:
    return {kind: len(pattern.findall(text)) for kind, pattern in _NEGATIONS[lang].items()}


def _added_clauses(original: str, rewrite: str, lang: Language) -> list[tuple[int, list[int]]]:
    """Purpose/causal clauses the rewrite adds: (start, possible ends), most likely end first.

    A clause runs from its connective to the next punctuation. One that opens a sentence
    ("För att handläggare inte ska behöva logga in flera gånger ska systemet ...") may instead end
    right before a modal, where Swedish word order puts the main clause's verb; which modal is not
    decidable without a parser, so every one is a candidate, the last first.
    """
    original_norm = _norm(original)
    clauses = []
    for m in _CONNECTIVES[lang].finditer(rewrite):
        stop = _CLAUSE_END.search(rewrite, m.end())
        end = stop.start() if stop else len(rewrite)
        if _norm(rewrite[m.start() : end]) in original_norm:
            continue  # the original's own clause, not an addition
        ends = [end]
        if _SENTENCE_START.search(rewrite, 0, m.start()):
            modals = [p.start() for p in _ANY_MODAL[lang].finditer(rewrite, m.end(), end)]
            ends = modals[::-1] + ends
        clauses.append((m.start(), ends))
    return clauses


def _remainders(original: str, rewrite: str, lang: Language) -> list[str]:
    """The rewrite with its added clauses cut out, once per way of cutting them."""
    variants = [(rewrite, 0)]  # (text so far, offset where the next cut may start)
    for start, ends in _added_clauses(original, rewrite, lang):
        grown = []
        for text, done in variants:
            if start < done:  # inside a clause already cut
                grown.append((text, done))
                continue
            for end in ends:
                # Blank out rather than delete so that offsets into rewrite stay valid.
                grown.append((text[:start] + " " * (end - start) + text[end:], end))
        variants = grown[:_MAX_VARIANTS]
    return [text for text, _ in variants]


def _label(strengths: frozenset[str], lang: Language) -> str:
    labels = [_STRENGTH_LABEL[lang][k] for k in (MANDATORY, DESIRABLE) if k in strengths]
    return "+".join(labels) or ("ingen" if lang == "sv" else "none")


def _force_problems(original: str, remainder: str, lang: Language) -> list[str]:
    problems = []
    before, after = _strengths(original, lang), _strengths(remainder, lang)
    # No modal in the original (a matrix row such as "Stöd för SSO", where the strength sits in
    # another column): the rewrite may add one kind, not both.
    changed = after == {MANDATORY, DESIRABLE} if not before else after != before
    if changed:
        problems.append(
            f"kravnivån ändrad: {_label(before, 'sv')} -> {_label(after, 'sv')}"
            f" / modal strength changed: {_label(before, 'en')} -> {_label(after, 'en')}"
        )
    kept, now = _negations(original, lang), _negations(remainder, lang)
    for kind, count in kept.items():
        if now[kind] != count:
            problems.append(
                f"negationen '{_NEGATION_SV[kind]}' ändrad: {count} -> {now[kind]} gånger"
                f" / negation '{kind}' changed: {count} -> {now[kind]} times"
            )
    return problems


def check_rewrite(original: str, rewrite: str, language: Language) -> GuardResult:
    """Whether rewrite keeps the force of original; the problems say why not.

    - Modal strength: each text is classified by the kinds of modal it holds (mandatory: ska, skall,
      måste, krävs, obligatorisk / shall, must, required, mandatory; desirable: bör, önskvärt,
      meriterande / should, desirable, preferred, and "may" when nothing is mandatory). The rewrite's
      kinds must equal the original's. An original without a modal may gain one kind but not both.
    - Numbers: every number of the original (digits with thousands grouping, decimal comma or point,
      percent, version and section numbers, and spelled-out one to twelve) must occur in the rewrite.
    - Negations: the count of each kind (inte/ej/icke, aldrig, ingen/inget/inga, utan; not/n't,
      never, no, without) must be equal. Purpose and causal clauses the rewrite adds ("för att",
      "så att", "eftersom", "so that", "in order to", "because", ...) are left out of the count, and
      of the modal classification, since stating the need often takes a negation ("så att
      handläggare inte behöver ...") or a modal of its own.
    - The rewrite must not be empty, must differ from the original (ignoring whitespace and case)
      and must not be more than 10 characters shorter: it should keep the requirement and add the need.
    """
    if not rewrite.strip():
        return GuardResult(False, ("omskrivningen är tom / the rewrite is empty",))
    problems = []
    if _norm(rewrite) == _norm(original):
        problems.append("omskrivningen är identisk med originalet / the rewrite is identical to the original")
    shortening = len(_norm(original)) - len(_norm(rewrite))
    if shortening > _MAX_SHORTENING:
        problems.append(
            f"omskrivningen är {shortening} tecken kortare än originalet, något har strukits"
            f" / the rewrite is {shortening} characters shorter than the original, something was dropped"
        )
    # Of the ways to cut out added clauses, judge the one that fits best.
    cuts: list[list[str]] = [
        _force_problems(original, remainder, language) for remainder in _remainders(original, rewrite, language)
    ]
    fewest: list[str] = min(cuts, key=len)
    problems += fewest
    rewritten = _numbers(rewrite, language)
    for value, surface in _numbers(original, language).items():
        if value not in rewritten:
            problems.append(f"talet {surface} saknas / number {surface} is missing")
    return GuardResult(not problems, tuple(problems))
