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
from functools import lru_cache
from typing import Literal

from ..models import Language
from . import messages

Jurisdiction = Literal["se", "eu", "us-federal", "other"]

_US_FEDERAL = re.compile(r"\bFAR\s+(?:part\s+)?\d|\bFederal Acquisition Regulation\b|\b48\s+C\.?F\.?R\b|\bDFARS\b")
_EU = re.compile(r"\b2014/2[45]/EU\b|\bOfficial Journal of the European Union\b|\bOJEU\b|\bPublic Contracts "
                 r"Regulations\b|\bEuropean Economic Area\b|\bEEA\b|\bTenders Electronic Daily\b")


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


# A sentence by which the buyer says it has the product already or has chosen it: every brand in it.
_CHOSEN_SENTENCE = {
    "sv": re.compile(r"\bhar\s+(?:redan\s+|tidigare\s+)?(?:valt|upphandlat|köpt|avropat|anskaffat|infört|"
                     r"implementerat|licensierat|beslutat\s+att\s+använda)\b|\bäger\s+licens\w*\b", re.IGNORECASE),
    "en": re.compile(r"\b(?:has|have|had)\s+(?:already\s+|previously\s+)?(?:selected|chosen|purchased|procured|"
                     r"acquired|licensed|implemented|deployed|standardi[sz]ed\s+on)\b|\bown\w*\s+licen[cs]es\b|"
                     r"\bis\s+preparing\s+to\s+offer\b|\bseeks?\s+to\s+replace\b[^.]*\bwith\b|"
                     r"\bis\s+looking\s+for\s+an?\s+(?:supplier|vendor|contractor)\s+to\s+(?:implement|configure|"
                     r"support|maintain)\b", re.IGNORECASE),
}
# Right before a brand: the solution is to work with it, so it is there already ("integreras med X").
_INTEGRATE_BEFORE = {
    "sv": re.compile(r"\b(?:integrer\w*|integration\w*|koppl\w*|anslut\w*|samverka\w*)\s+(?:med|mot|till)\s+"
                     r"(?:\S+\s+){0,3}$", re.IGNORECASE),
    "en": re.compile(r"\b(?:integrat\w*|interfac\w*|connect\w*|interoperat\w*)\s+(?:with|to|into)\s+"
                     r"(?:\S+\s+){0,3}$", re.IGNORECASE),
}
# Right before a brand: data comes from it, or the buyer leaves it ("hämta brukaruppgifter från Treserva",
# "flytt av PKI från Telia"): a system in place today. Not for office software and devices, where "from
# Excel" names a file format rather than a system.
_FROM_BEFORE = {
    "sv": re.compile(r"\b(?:hämta\w*|mottag\w*|ta\s+emot|importer\w*|läs\w*\s+in|överför\w*|flytt\w*|migrer\w*|"
                     r"byte|övergång\w*|ersätt\w*)\b[^.]{0,50}?\bfrån\s+(?:\S+\s+){0,5}$", re.IGNORECASE),
    "en": re.compile(r"\b(?:retriev\w*|receiv\w*|fetch\w*|import\w*|transfer\w*|mov\w*|migrat\w*|transition\w*|"
                     r"replac\w*)\b[^.]{0,50}?\bfrom\s+(?:\S+\s+){0,5}$", re.IGNORECASE),
}
_FORMAT_CATEGORIES = {"office_collaboration", "operating_systems_devices", "payments_goods"}
# Right after a brand: an installation of it the buyer runs ("the Salesforce environment", "X-miljön").
_INSTALLATION_AFTER = {
    "sv": re.compile(r"^[-\w]*?(?:miljö|plattform|installation|instans)\w*\b|^\s+(?:\S+\s+)?(?:miljö|plattform|"
                     r"installation|instans)\w*\b", re.IGNORECASE),
    "en": re.compile(r"^\s+(?:\S+\s+){0,2}?(?:environments?|tenants?|instances?|orgs?|installations?)\b",
                     re.IGNORECASE),
}
# "VDOT's", "the Authorized User's": a party's possession, not a preference.
_POSSESSIVE_BEFORE = re.compile(r"(?:\b[A-ZÅÄÖ]{2,8}|\bAuthori[sz]ed User|\bAgency|\bCommonwealth)['’]s\s+"
                                r"(?:\S+\s+){0,2}$")
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
        whole = bool(_CHOSEN_SENTENCE[language].search(sentence))
        for m in mentions:
            if whole or m.existing or names_installed(sentence, m.start, m.end, language, m.category):
                chosen.add(m.brand.casefold())
    return frozenset(chosen)


def names_installed(text: str, start: int, end: int, language: Language, category: str = "") -> bool:
    """The brand at ``text[start:end]`` is one the solution integrates with or takes data from, or that a
    party owns or runs."""
    before, after = text[max(0, start - 80):start], text[end:end + 40]
    if category not in _FORMAT_CATEGORIES and _FROM_BEFORE[language].search(before):
        return True
    return bool(_INTEGRATE_BEFORE[language].search(before) or _POSSESSIVE_BEFORE.search(before)
                or _INSTALLATION_AFTER[language].match(after))


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
    return tuple(messages.text("UG101", key, language, names=names)  # type: ignore[return-value]
                 for key in ("note_message", "note_question", "note_suggestion"))
