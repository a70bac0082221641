"""What UG101 reads beyond one requirement: the products the document names as chosen, owned or to be
integrated with, and the procurement law the document falls under.

A statement of requirements that says "VDOT has selected Oracle HCM Cloud Services as our HCM solution"
buys services around a product already chosen: naming that product is no specification defect, and 25
findings on it only bury the rest. The product is chosen for the whole document, so every requirement
naming it passes, and UG101 says so once for the document instead.

The legal basis follows the document: Swedish documents fall under LOU 9 kap. 4 §; English documents
from another EU/EEA country under Directive 2014/24/EU art. 42(4); US federal solicitations under the
"brand name or equal" rule (FAR 52.211-6); elsewhere (a US state, a council outside the EU) the message
gives the reason in plain words and cites no law the buyer is not bound by.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from ..models import Language
from ..nlp.patterns import literal_alternatives, phrase_alternatives, word_alternatives
from . import messages

Jurisdiction = Literal["se", "eu", "us-federal", "other"]

_US_FEDERAL = re.compile(r"\bFAR\s+(?:part\s+)?\d|\bFederal Acquisition Regulation\b|\b48\s+C\.?F\.?R\b|\bDFARS\b")
_EU = re.compile(
    r"\b2014/2[45]/EU\b|\bOfficial Journal of the European Union\b|\bOJEU\b|\bPublic Contracts "
    r"Regulations\b|\bEuropean Economic Area\b|\bEEA\b|\bTenders Electronic Daily\b"
)


@lru_cache(maxsize=16)
def jurisdiction(text: str, language: Language) -> Jurisdiction:
    """Which procurement law the document falls under, read from its language and the law it cites."""
    if language == "sv":
        return "se"
    if _US_FEDERAL.search(text):
        return "us-federal"
    if _EU.search(text):
        return "eu"
    return "other"


# English grammar that says a product is chosen without a verb of the lists ("seeks to replace X with Y",
# "is looking for a supplier to implement X"): a gap or a choice of roles no word list states.
_CHOSEN_GRAMMAR = {
    "sv": "",
    "en": (
        r"|\bseeks?\s+to\s+replace\b[^.]*\bwith\b|\bis\s+looking\s+for\s+an?\s+(?:supplier|vendor|contractor)\s+to\s+"
        r"(?:implement|configure|support|maintain)\b"
    ),
}
_FORMAT_CATEGORIES = {"office_collaboration", "operating_systems_devices", "payments_goods"}
# Right after a brand, where the installation word stands: Swedish glues it on ("X-miljön") or puts one word
# between; English puts up to two ("the Salesforce production environment").
_INSTALLATION_GRAMMAR = {"sv": r"^[-\w]*?{nouns}\b|^\s+(?:\S+\s+)?{nouns}\b", "en": r"^\s+(?:\S+\s+){{0,2}}?{nouns}\b"}


@cache
def _patterns(language: Language) -> dict[str, re.Pattern[str]]:
    """The sentence patterns of ``names_installed`` and ``chosen_products``: the words from
    ``data/ug101_words.yaml``, the grammar here."""
    from .ug101_words import any_language, words

    w = words(language)
    nouns = word_alternatives(w["installation_nouns"])
    phrases = rf"|\b{phrase_alternatives(w['chosen_phrases'])}\b" if w["chosen_phrases"] else ""
    possessors = "|".join(re.escape(p) for p in sorted(any_language("possessors")))
    return {
        # A sentence by which the buyer says it has the product already or has chosen it: every brand in it.
        "chosen": re.compile(
            rf"\b{literal_alternatives(w['chosen_auxiliaries'])}\s+(?:{literal_alternatives(w['chosen_adverbs'])}\s+)?"
            rf"{phrase_alternatives(w['chosen_verbs'])}\b|\b{phrase_alternatives(w['owned_licences'])}\b"
            + phrases
            + _CHOSEN_GRAMMAR[language],
            re.IGNORECASE,
        ),
        # Right before a brand: the solution is to work with it, so it is there already ("integreras med X").
        "integrate": re.compile(
            rf"\b{word_alternatives(w['integrate_verbs'])}\s+{literal_alternatives(w['integrate_prepositions'])}\s+"
            r"(?:\S+\s+){0,3}$",
            re.IGNORECASE,
        ),
        # Right before a brand: data comes from it, or the buyer leaves it ("hämta brukaruppgifter från Treserva",
        # "flytt av PKI från Telia"): a system in place today. Not for office software and devices, where "from
        # Excel" names a file format rather than a system.
        "from": re.compile(
            rf"\b{phrase_alternatives(w['from_verbs'])}\b[^.]{{0,50}}?\b{literal_alternatives(w['from_words'])}\s+"
            r"(?:\S+\s+){0,5}$",
            re.IGNORECASE,
        ),
        # Right after a brand: an installation of it the buyer runs ("the Salesforce environment", "X-miljön").
        "installation": re.compile(_INSTALLATION_GRAMMAR[language].format(nouns=nouns), re.IGNORECASE),
        # "VDOT's", "the Authorized User's": a party's possession, not a preference.
        "possessive": re.compile(rf"(?:\b[A-ZÅÄÖ]{{2,8}}|\b(?:{possessors}))['’]s\s+(?:\S+\s+){{0,2}}$"),
    }


_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


@lru_cache(maxsize=16)
def chosen_products(text: str, language: Language) -> frozenset[str]:
    """Brand-list names the document names as chosen, owned or to be integrated with (case-folded)."""
    from .ug101_brand_without_equivalent import find_mentions

    chosen: set[str] = set()
    for sentence in _SENTENCES.split(text):
        if not sentence.strip():
            continue
        mentions = find_mentions(sentence, language)
        if not mentions:
            continue
        whole = bool(_patterns(language)["chosen"].search(sentence))
        for m in mentions:
            if whole or m.existing or names_installed(sentence, m.start, m.end, language, m.category):
                chosen.add(m.brand.casefold())
    return frozenset(chosen)


def names_installed(text: str, start: int, end: int, language: Language, category: str = "") -> bool:
    """The brand at ``text[start:end]`` is one the solution integrates with or takes data from, or that a
    party owns or runs."""
    before, after = text[max(0, start - 80) : start], text[end : end + 40]
    patterns = _patterns(language)
    if category not in _FORMAT_CATEGORIES and patterns["from"].search(before):
        return True
    return bool(
        patterns["integrate"].search(before)
        or patterns["possessive"].search(before)
        or patterns["installation"].match(after)
    )


def is_chosen(brand: str, chosen: frozenset[str]) -> bool:
    """``brand`` or a longer or shorter name of it ("Dynamics 365" / "Microsoft Dynamics 365") is chosen."""
    key = brand.casefold()
    return any(key == c or key in c or c in key for c in chosen)


def legal_basis(basis: Jurisdiction, language: Language) -> str:
    """The law (or plain reason) the message cites for the document's jurisdiction."""
    return messages.text("UG101", f"legal_{basis}", language)


def document_note(language: Language, brands: list[str]) -> tuple[str, str, str]:
    """Message, question and suggestion of the one note on products the document names as chosen."""
    names = ", ".join(messages.quote(language, b) for b in dict.fromkeys(brands))
    return tuple(
        messages.text("UG101", key, language, names=names)  # type: ignore[return-value]
        for key in ("note_message", "note_question", "note_suggestion")
    )
