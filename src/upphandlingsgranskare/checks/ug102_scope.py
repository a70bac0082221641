"""Where a vague word asks nothing to be verified, so UG102 leaves it (issue 17, judged on the real tenders).

- In a purpose clause: "… för att göra övergången så smidig som möjligt", "… to ensure risks are quickly
  identified", "… for high availability purposes". The demand is what comes before the purpose; the
  purpose states an aim, which is what UG001 asks every requirement to state.
- "och/eller", "and/or" in a condition: "I det fall anbudsgivaren använder underleverantör och/eller
  åberopar annat företags kapacitet, ska …" reads "either or both", exactly; nothing is left open.
- A quality defined by reference: "as defined under the contractual SLA", "as applied in the reseller
  agreement", "enligt SLA", "enligt bilaga 3": the reference is the criterion.
- A quality the delivered product already has, to be kept: "shall retain the out-of-the-box scalability".
- A condition of the demand rather than the demand: "… submit an Exception Request when an adequate
  technology is not available" (the buyer's architect decides), and possibilities rather than demands:
  "the integration can include a simple link".
- The buyer's own duty: "VDOT project manager shall escalate issues … as needed", "IDOE staff will …":
  it binds no tenderer.
- A capability on demand: "ability to print as needed" (the user prints when needed: verifiable).
- Best practices as a deliverable: "documented best practices", "provide best practices, training materials".
"""

from __future__ import annotations

import re

from ..models import Language

_PURPOSE_BEFORE = {
    "sv": re.compile(r"(?<![\w-])(?:för att|så att|i syfte att|med syftet att|i avsikt att)(?![\w-])", re.IGNORECASE),
    "en": re.compile(
        r"(?<![\w-])(?:in order to|so that|so as to|to ensure|to make sure|to enable|with the aim of|"
        r"ensuring that|aimed at)(?![\w-])",
        re.IGNORECASE,
    ),
}
_PURPOSE_AFTER = {
    "sv": re.compile(r"^\s*(?:\w+\s+){0,2}?(?:syfte|ändamål)", re.IGNORECASE),
    "en": re.compile(r"^\s*(?:\w+\s+){0,2}?purposes?\b", re.IGNORECASE),
}
_CONDITION = {
    "sv": re.compile(r"(?:^|[.;:]\s*|\s)(?:i det fall|om|ifall|när|då)\s", re.IGNORECASE),
    "en": re.compile(r"(?:^|[.;:]\s*|\s)(?:if|in the event|where|when|in case)\s", re.IGNORECASE),
}
_AND_OR = {"och/eller", "and/or"}
_BY_REFERENCE = {
    "sv": re.compile(
        r"\b(?:enligt|som (?:anges|definieras|framgår) (?:i|av))\s+(?:\S+\s+){0,3}?"
        r"(?:avtal\w*|SLA|bilaga\w*|ramavtal\w*|tjänstenivå\w*)",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\bas (?:defined|specified|applied|set out|stated) (?:in|under|by|to)\b|\bper the\s+(?:\S+\s+){0,2}?"
        r"(?:SLA|agreement|contract)\b",
        re.IGNORECASE,
    ),
}
_RETAIN = {
    "sv": re.compile(r"\b(?:bibehålla|behålla|bevara)\b[^.]*\b(?:standard|befintlig\w*|inbyggd\w*)", re.IGNORECASE),
    "en": re.compile(r"\b(?:retain|preserve|keep|maintain)\b[^.]*\bout-of-the-box\b", re.IGNORECASE),
}
_SENTENCE_BREAK = re.compile(r"[.!?](?:\s|$)")
_POSSIBLE = re.compile(
    r"\b(?:can|may|could|might|kan|får)\s+(?:include|involve|comprise|omfatta|innefatta|innehålla)\b", re.IGNORECASE
)
# The buyer as the subject: an organisation acronym ("VDOT project manager", "IDOE staff") or the buyer's
# role name before the first modal verb of the sentence.
_BUYER_SUBJECT = re.compile(
    r"^\s*(?i:the\s+)?(?:[A-ZÅÄÖ]{2,6}\b|(?i:authori[sz]ed user|beställaren|köparen|"
    r"upphandlande myndighet)\b)(?:\s+[\w/&’'-]+){0,4}?\s+(?i:shall|will|must|should|ska|skall|"
    r"bör|kommer att)\b"
)
_SUPPLIER_WORDS = re.compile(r"^\s*(?:the\s+)?(?:SOW|SLA|API|IT)\b")
_ON_DEMAND = {"as needed", "vid behov", "as required"}
_ABILITY_BEFORE = re.compile(r"\b(?:ability|able|capability|capable|möjlighet|kunna)\b.{0,120}$", re.IGNORECASE)
_DELIVERABLE_BEFORE = re.compile(
    r"\b(?:documented|provide|deliver|supply|dokumenterade|leverera|tillhandahålla)\s+$", re.IGNORECASE
)


def _sentence_before(text: str, start: int) -> str:
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)]
    return text[breaks[-1] if breaks else 0 : start]


def asks_nothing(text: str, start: int, end: int, language: Language) -> bool:
    """The vague word at ``text[start:end]`` sits where it leaves nothing unverifiable (see the module doc)."""
    before = _sentence_before(text, start)
    if _PURPOSE_BEFORE[language].search(before) or _PURPOSE_AFTER[language].match(text[end : end + 40]):
        return True
    word = text[start:end].casefold()
    condition = _CONDITION[language].search(before)
    if condition and "," not in before[condition.end() :]:
        return True  # "och/eller" in a condition reads "either or both"; another word there is no demand
    if _POSSIBLE.search(before):
        return True
    if _BUYER_SUBJECT.match(before + text[start:]) and not _SUPPLIER_WORDS.match(before):
        return True
    if word in _ON_DEMAND and _ABILITY_BEFORE.search(before):
        return True
    if word == "best practices" and _DELIVERABLE_BEFORE.search(before):
        return True
    sentence = before + text[start : start + 300].split(". ", 1)[0]
    return bool(_BY_REFERENCE[language].search(sentence) or _RETAIN[language].search(sentence))
