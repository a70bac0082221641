"""Sentences of a paragraph or cell as segmentation reads them, and the modal verb that makes one a requirement.

A sentence carries the kind of its first modal verb (ska, skall, måste, får inte: ska; bör: bör), or
"unknown" for a need phrase (behöver, har behov av; needs to) or a user-story modal; English "will" is
a requirement only after the solution or a party ("The system will ..."). Text without any modal word
skips the spaCy pass. Also here: the sentences that qualify the requirement before them
(``data/qualifiers.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .._yaml import load_data_file
from ..models import Language, RequirementKind
from ..nlp.lexicon import compile_phrase_regex
from ..nlp.pipeline import get_pipeline


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the block (or cell) text
    kind: RequirementKind | None  # None: no modal
    is_need: bool = False


@lru_cache(maxsize=4096)  # paragraphs and cells recur within a tender and across a batch; Sentence is frozen
def read_sentences(language: Language, text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text``, each with the kind of its first modal verb (None: it has none)."""
    pipeline = get_pipeline(language)
    if not _modal_hint(language).search(text):
        return (Sentence(text=text.strip(), start=len(text) - len(text.lstrip()), kind=None),) if text.strip() else ()
    doc = pipeline(text)
    matches = pipeline.matches(doc)
    modal_tokens: dict[int, tuple[RequirementKind, bool]] = {}
    modal_labels: tuple[tuple[str, RequirementKind, bool], ...] = (
        ("modal_ska", "ska", False),
        ("modal_bör", "bör", False),
        ("need_modals", "unknown", True),
        ("story_modals", "unknown", False),
    )
    for label, modal_kind_, need in modal_labels:
        for start, _ in matches.get(label, []):
            modal_tokens.setdefault(start, (modal_kind_, need))
    weak = {start for start, _ in matches.get("weak_modals", [])}
    subjects = {s for s, _ in matches.get("will_subjects", [])}
    out: list[Sentence] = []
    for first, end, start_char, end_char in _sentence_bounds(doc):
        kind: RequirementKind | None = None
        is_need = False
        # "får inte" and "bör inte" are matched as phrases; the first modal decides the kind.
        for i in range(first, end):
            if i in modal_tokens:
                kind, is_need = modal_tokens[i]
                break
            # English "will" is a requirement only after the solution or a party ("The system will ...").
            if i in weak and any(s in subjects for s in range(first, i)):
                kind = "ska"
                break
        sent_text = text[start_char:end_char]  # a Doc's text is the text it was made of
        text_ = sent_text.strip()
        if text_:
            out.append(
                Sentence(
                    text=text_,
                    start=start_char + (len(sent_text) - len(sent_text.lstrip())),
                    kind=kind,
                    is_need=is_need,
                )
            )
    return tuple(out)


def _sentence_bounds(doc) -> list[tuple[int, int, int, int]]:  # noqa: ANN001 - a spaCy Doc
    """(first token, end token, start char, end char) of each of ``doc.sents``, read from the token arrays:
    ``Span.text`` and ``start_char`` build a Token object for every token of the sentence."""
    from spacy.attrs import IDX, LENGTH, SENT_START

    if not len(doc):
        return []
    array = doc.to_array([SENT_START, IDX, LENGTH])
    starts = [0, *((array[1:, 0] == 1).nonzero()[0] + 1).tolist()]  # as Doc.sents: a flag of 1 after the first
    ends = [*starts[1:], len(array)]
    offsets, lengths = array[:, 1].tolist(), array[:, 2].tolist()
    return [(s, e, offsets[s], offsets[e - 1] + lengths[e - 1]) for s, e in zip(starts, ends)]


def modal_kind(text: str, language: Language) -> RequirementKind:
    """ska or bör as segmentation reads the first sentence of ``text`` that carries a modal verb
    (English "will" after the solution or a party counts as ska); "unknown" when none does."""
    return next((s.kind for s in read_sentences(language, text) if s.kind is not None), "unknown")


def split_sentences(text: str, language: Language) -> list[str]:
    """Sentences of ``text`` as the segmenter sees them (abbreviation-aware)."""
    return [s.text for s in read_sentences(language, text)]


@cache
def _modal_hint(language: Language) -> re.Pattern[str]:
    """Cheap pre-filter: text without any modal word needs no spaCy pass (large sheets of data)."""
    lex = get_pipeline(language).lexicon
    modal_phrases = [p for group in lex.modals.values() for p in group]
    modal_phrases += lex.words("need_modals") + lex.words("story_modals") + lex.words("weak_modals")
    return compile_phrase_regex(modal_phrases)


@cache
def qualifiers(language: Language) -> tuple[re.Pattern[str], ...]:
    """Sentences that qualify the requirement before them (``data/qualifiers.yaml``)."""
    patterns = load_data_file("upphandlingsgranskare.segment", "data", "qualifiers.yaml")[language]
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)
