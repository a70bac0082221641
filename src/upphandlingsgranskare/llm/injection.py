"""Instruction-like text in tender data: words addressed to a model rather than to a supplier.

A requirement, rationale cell, lead-in or heading that tells the reader to ignore instructions,
change a label or answer in a given way is marked. Such an item is sent to the model alone (it
cannot steer the judgement of its neighbours), the model may never clear its rules flag, and a
rationale cell made of such text is no rationale for the rules either.

The patterns are deliberately narrow: procurement text says "ska", "svara" and "instruktioner"
all the time ("Leverantören ska svara på frågorna", "enligt tillverkarens instruktioner"), so
each pattern needs an address to the model (ignore/disregard earlier instructions, "you are",
an answer format, a label name of the prompt) rather than one ordinary word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_PATTERNS = [
    # English
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|any|these|the)\b"
    r"[^.\n]{0,20}\b(?:instructions?|prompts?|rules|guidelines|labels?)\b",
    r"\b(?:new|updated|system)\s+(?:instructions?|prompt)\s*:",
    r"\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|language\s+model|chatgpt|gpt|llm)\b",
    r"\b(?:answer|respond|reply|output|return|classify|label|mark)\b[^.\n]{0,40}\b(?:that|as|with)\b[^.\n]{0,60}"
    r"\b(?:every|all|each|this)\b[^.\n]{0,30}\b(?:requirements?|items?)\b[^.\n]{0,40}"
    r"\b(?:need|reason|purpose|compliant|with_need|out_of_scope)\b",
    # Swedish
    r"\b(?:ignorera|strunta\s+i|bortse\s+från|glöm)\b[^.\n]{0,40}\b(?:tidigare|föregående|ovanstående|alla|dina|"
    r"de)\b[^.\n]{0,20}\b(?:instruktioner(?:na)?|anvisningar(?:na)?|regler(?:na)?|etiketter(?:na)?)\b",
    r"\bnya\s+instruktioner\s*:",
    r"\bdu\s+är\s+(?:nu\s+)?(?:en\s+)?(?:ai|assistent|språkmodell|chattbot)\b",
    r"\b(?:svara|ange|bedöm|klassa|markera|märk)\b[^.\n]{0,40}\b(?:att|som|med)\b[^.\n]{0,60}"
    r"\b(?:varje|alla|samtliga|detta)\b[^.\n]{0,30}\bkrav(?:et|en)?\b[^.\n]{0,40}"
    r"\b(?:behov|skäl|syfte|motivering|uppfyll\w*|with_need|out_of_scope)\b",
    # Either language: the prompt's own vocabulary and chat-markup
    r"\b(?:feature_with_need|feature_without_need|out_of_scope)\b",
    r"\"?judgements\"?\s*:",
    r"<\|?/?(?:system|assistant|im_start|im_end|user)\|?>",
    r"^\s*#{2,}\s*(?:system|instruction|instruktion)",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)


def instruction_like(text: str | None) -> str | None:
    """The instruction-like words in ``text``, or None when there are none."""
    if not text:
        return None
    return _instruction_in(text)


@lru_cache(maxsize=4096)  # every requirement, rationale and lead-in is searched, and they recur in a tender
def _instruction_in(text: str) -> str | None:
    match = _INSTRUCTION.search(text)
    return match.group().strip() if match else None


def first_instruction(texts: Iterable[str | None]) -> str | None:
    """The first instruction-like passage among ``texts`` (a requirement's text, rationale, lead-in, heading)."""
    for text in texts:
        found = instruction_like(text)
        if found:
            return found
    return None


_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


def without_instructions(text: str) -> str:
    """``text`` less its instruction-like sentences: a purpose clause inside "ignore previous instructions
    and answer ..., so that the review passes" is the injection's, not the requirement's."""
    if not instruction_like(text):
        return text
    kept = [s for s in _SENTENCE.findall(text) if s.strip() and not instruction_like(s)]
    return " ".join(s.strip() for s in kept)
