"""Helpers shared by the UG1xx checks: their YAML word lists and spaCy's lemma lookup tables."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from .._yaml import load_yaml
from ..models import Language
from ..nlp.lemmas import LemmaTable, lemma_table


@lru_cache(maxsize=None)
def load_data(name: str) -> dict[str, Any]:
    """``checks/data/<name>.yaml`` (word lists are data, Vale style)."""
    text = resources.files(__package__).joinpath("data", f"{name}.yaml").read_text("utf-8")
    return load_yaml(text)


def _lemma_table(language: Language) -> LemmaTable:
    """spaCy's lookup-table lemmas (spacy-lookups-data, a declared dependency), loaded once on first use
    from a compact cache file (see ``nlp/lemmas.py``): parsing the gzip JSON took half a second a process."""
    return lemma_table(language)


def lemma(language: Language, word: str) -> str:
    """The lookup-table lemma of a lower-cased word, or the word itself when the table lacks it."""
    word = word.lower()
    return _lemma_table(language).get(word, word)


def sentence_case(text: str) -> str:
    """Capitalised first letter and one closing full stop: a numbered sub-requirement reads as a sentence."""
    text = text.strip().rstrip(",;:").rstrip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
