"""The lexicon matcher (nlp/pipeline.py) gives exactly spaCy's Matcher results on the lexicon's patterns."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from upphandlingsgranskare.nlp.lexicon import lexicon_patterns, load_lexicon
from upphandlingsgranskare.nlp.pipeline import LexiconMatcher, get_pipeline, lowers

ROOT = Path(__file__).resolve().parent.parent


def spacy_matcher(pipeline):
    """spaCy's own Matcher on the lexicon patterns, and its label of each match id."""
    from spacy.matcher import Matcher

    matcher = Matcher(pipeline.nlp.vocab)
    labels = {}
    for label, patterns in lexicon_patterns(pipeline.lexicon).items():
        matcher.add(label, patterns)
        labels[pipeline.nlp.vocab.strings[label]] = label
    return matcher, labels


def spacy_matches(matcher, labels, doc) -> dict[str, set[tuple[int, int]]]:
    found: dict[str, set[tuple[int, int]]] = {}
    for match_id, start, end in matcher(doc):
        found.setdefault(labels[match_id], set()).add((start, end))
    return found


def texts(language: str) -> list[str]:
    out = []
    for path in sorted((ROOT / "corpora").rglob("*.spans.jsonl")) + [ROOT / "eval" / "gold" / "dev.jsonl"]:
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            if item.get("lang", language) == language or path.name.startswith(language):
                out.append(item["text"])
    # Every lexicon phrase in running text, with its wildcards filled in, so optional tokens, prefixes,
    # suffixes and numbers are all exercised next to each other.
    rng = random.Random(7)
    phrases = [
        p
        for key, words in load_lexicon(language).data.items()
        if isinstance(words, list)
        for p in words
        if isinstance(p, str)
    ]
    phrases += [p for group in load_lexicon(language).modals.values() for p in group]
    fill = {"#": ["2", "3.", "12)", "4", "x"], "~": ["kund", "the", "42"]}

    def concrete(phrase: str, optional: bool) -> str:
        words = []
        for w in phrase.split():
            if w.startswith("?") and len(w) > 1:
                if not optional:
                    continue
                w = w[1:]
            w = rng.choice(w.split("|"))
            if w in fill:
                w = rng.choice(fill[w])
            elif w.endswith("*") and len(w) > 1:
                w = w[:-1] + rng.choice(["", "en", "ning", "s"])
            elif w.startswith("*") and len(w) > 1:
                w = rng.choice(["", "drift", "Hand"]) + w[1:]
            elif "#" in w:
                w = w.replace("#", rng.choice(["1", "23"]))
            words.append(w)
        return " ".join(words)

    for optional in (True, False, True, False):
        shuffled = phrases[:]
        rng.shuffle(shuffled)
        for i in range(0, len(shuffled), 6):
            out.append(" ".join(concrete(p, optional) for p in shuffled[i : i + 6]) + ".")
    return out


@pytest.mark.parametrize("language", ["sv", "en"])
def test_same_matches_as_spacy_matcher(language: str) -> None:
    pipeline = get_pipeline(language)
    matcher, labels = spacy_matcher(pipeline)
    checked = 0
    for text in texts(language):
        doc = pipeline.nlp(text)
        assert pipeline.matcher(doc) == spacy_matches(matcher, labels, doc), text
        checked += 1
    assert checked > 200


def test_unsupported_patterns_are_refused() -> None:
    with pytest.raises(ValueError):
        LexiconMatcher({"x": [[{"LOWER": "a", "OP": "+"}]]})
    with pytest.raises(ValueError):
        LexiconMatcher({"x": [[{"POS": "NOUN"}]]})


def test_shared_docs_and_lowers() -> None:
    pipeline = get_pipeline("sv")
    doc = pipeline("Systemet SKA ha stöd för BankID.")
    assert pipeline("Systemet SKA ha stöd för BankID.") is doc  # tokenised once, shared
    assert lowers(doc) == [t.lower_ for t in doc]
    assert pipeline.matches(doc) is pipeline.matches(doc)


def test_an_unknown_word_list_is_an_error_and_another_languages_is_empty() -> None:
    """``Lexicon.words`` used to give [] for any key, so a misspelt list name switched its rule off unseen."""
    from upphandlingsgranskare.nlp.lexicon import load_lexicon

    sv, en = load_lexicon("sv"), load_lexicon("en")
    only_english = sorted(set(en.data) - set(sv.data))
    assert only_english and sv.words(only_english[0]) == []  # a list Swedish does not need
    with pytest.raises(KeyError, match="purpose_markes"):
        sv.words("purpose_markes")
    assert sv.words("purpose_markers")
