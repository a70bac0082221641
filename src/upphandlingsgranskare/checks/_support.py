"""Helpers shared by the UG1xx checks: their YAML word lists and spaCy's lemma lookup tables."""

from __future__ import annotations

from functools import cache
from typing import Any

from .._yaml import load_data_file
from ..models import Language
from ..nlp.lemmas import lemma_table


@cache
def load_data(name: str) -> dict[str, Any]:
    """``checks/data/<name>.yaml`` (word lists are data, Vale style)."""
    return load_data_file(__package__, "data", f"{name}.yaml")


def lemma(language: Language, word: str) -> str:
    """The lookup-table lemma of a lower-cased word (spaCy's spacy-lookups-data tables, read from a compact
    cache file: see ``nlp/lemmas.py``), or the word itself when the table lacks it."""
    word = word.lower()
    found = lemma_table(language).get(word)
    return word if found is None else found


def sentence_case(text: str) -> str:
    """Capitalised first letter and one closing full stop: a numbered sub-requirement reads as a sentence."""
    text = text.strip().rstrip(",;:").rstrip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
