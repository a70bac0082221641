"""spaCy pipelines built on ``spacy.blank`` (no model downloads): tokenizer, sentencizer that
knows Swedish/English abbreviations, and a Matcher over the lexicon's word lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..models import Language
from .lexicon import Lexicon, lexicon_patterns, load_lexicon

if TYPE_CHECKING:  # spaCy is imported lazily: `--help` must not pay for it
    from spacy.language import Language as SpacyLanguage
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

# Abbreviations after which a full stop does not end a sentence (token before the ".").
ABBREVIATIONS = {
    "sv": {"t.ex", "bl.a", "enl", "ca", "resp", "jfr", "kap", "st", "nr", "inkl", "exkl", "dvs", "d.v.s", "m.m",
           "mm", "osv", "etc", "s.k", "p.g.a", "pga", "t.o.m", "fr.o.m", "o.d", "m.fl", "mfl", "obs", "ev", "avd",
           "ref", "tel", "kl", "f.d", "s", "sid", "bil", "prop", "ang", "dnr"},
    "en": {"e.g", "i.e", "etc", "no", "nos", "fig", "sec", "vs", "approx", "incl", "dept", "min", "max", "mr",
           "ms", "dr", "st", "u.s", "p", "pp", "ref", "cf", "al", "inc", "co", "ltd", "art", "para"},
}


_NOUN_AFTER_MODAL = re.compile(r"^-?(?:krav|kraven|kravet|requirements?)$")
# A modal right after these is inside a relative clause or an opinion ("uppgifter ni anser bör sekretessbeläggas").
_CLAUSE_OPENERS = {"anser", "bedömer", "tycker", "menar", "think", "believe", "som", "who", "which", "that", "whom", "der", "vilka", "vilket", "vilken"}


@dataclass
class Pipeline:
    language: Language
    nlp: "SpacyLanguage"
    matcher: "Matcher"
    lexicon: Lexicon
    labels: dict[int, str] = field(default_factory=dict)

    def __call__(self, text: str) -> "Doc":
        return self.nlp(text)

    def matches(self, doc: "Doc") -> dict[str, list[tuple[int, int]]]:
        """Lexicon matches in ``doc``: label -> sorted [(start, end)] token offsets."""
        found: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.matcher(doc):
            label = self.labels[match_id]
            if label.startswith("modal_") or label == "weak_modals":
                if end < len(doc) and _NOUN_AFTER_MODAL.match(doc[end].lower_):
                    continue  # "ska krav", "bör-krav": the noun, not the verb
                if start > 0 and doc[start - 1].lower_ in _CLAUSE_OPENERS:
                    continue  # "vilken leverantör som ska kontaktas": a relative clause, not the requirement
            if label == "need_modals" and _in_relative_clause(doc, start):
                continue  # "vägval som projektet behöver göra": the need of a relative clause
            found.setdefault(label, []).append((start, end))
        for spans in found.values():
            spans.sort()
        return found


def _in_relative_clause(doc: "Doc", start: int) -> bool:
    """A relative pronoun up to four words before ``start``, with no comma between."""
    for token in reversed(doc[max(0, start - 4): start]):
        if token.text in {",", ";", ":"}:
            return False
        if token.lower_ in _CLAUSE_OPENERS:
            return True
    return False


def _fix_abbreviation_boundaries(language: Language):
    abbreviations = ABBREVIATIONS[language]

    def component(doc: "Doc") -> "Doc":
        for i, token in enumerate(doc):
            if i < 2 or not token.is_sent_start:
                continue
            prev = doc[i - 1]
            before = doc[i - 2]
            abbreviation = None
            if prev.text == "." and before.whitespace_ == "":
                abbreviation = before.text.lower()
            elif prev.text.endswith(".") and len(prev.text) > 1:
                abbreviation = prev.text[:-1].lower()
            # A new sentence must start with an uppercase letter, a digit or a quote.
            starts_like_sentence = token.text[:1].isupper() or token.text[:1].isdigit() or token.text[:1] in "\"'(«"
            if (abbreviation and abbreviation in abbreviations) or not starts_like_sentence:
                token.is_sent_start = False
        return doc

    return component


@lru_cache(maxsize=None)
def get_pipeline(language: Language) -> Pipeline:
    import spacy
    from spacy.language import Language as SpacyLanguage
    from spacy.matcher import Matcher

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    name = f"ug_abbreviation_boundaries_{language}"
    if name not in SpacyLanguage.factories:
        SpacyLanguage.component(name, func=_fix_abbreviation_boundaries(language))
    nlp.add_pipe(name, after="sentencizer")
    lexicon = load_lexicon(language)
    matcher = Matcher(nlp.vocab)
    labels: dict[int, str] = {}
    for label, patterns in lexicon_patterns(lexicon).items():
        matcher.add(label, patterns)
        labels[nlp.vocab.strings[label]] = label
    return Pipeline(language=language, nlp=nlp, matcher=matcher, lexicon=lexicon, labels=labels)
