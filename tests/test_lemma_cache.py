"""The compact lemma cache (nlp/lemmas.py) holds exactly spaCy's lookup table, and is safe to lose."""

from __future__ import annotations

import os
import random
import stat
import sys

import pytest

from upphandlingsgranskare.nlp import lemmas


@pytest.fixture(scope="module")
def source() -> dict[str, dict[str, str]]:
    return {language: lemmas._read_source(lemmas._source_path(language)) for language in ("sv", "en")}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_cache_holds_the_same_lemmas(language, source, tmp_path) -> None:
    table = lemmas.load_table(language, tmp_path)  # converts and writes the cache file
    cached = lemmas.load_table(language, tmp_path)  # reads it back
    assert list(tmp_path.glob(f"lemmas-{language}-*.bin"))
    original = source[language]
    for loaded in (table, cached):
        assert len(loaded) == len(original)
        assert dict(loaded.items()) == original
    rng = random.Random(1)
    words = rng.sample(sorted(original), 3000)
    for word in words:
        assert cached.get(word) == original[word] and word in cached
    values = set(original.values())
    for word in rng.sample(sorted(values), 1000):
        assert cached.is_lemma(word)
    for word in ["", "qqxqqz", "ö" * 40, words[0] + "x", "\ud800", "Systemet"]:
        assert (word in cached) == (word in original)
        assert cached.get(word, word) == original.get(word, word)
        assert cached.is_lemma(word) == (word in values)


def test_stale_or_broken_cache_is_converted_again(tmp_path, source) -> None:
    lemmas.load_table("en", tmp_path)
    (cache,) = tmp_path.glob("lemmas-en-*.bin")
    cache.write_bytes(cache.read_bytes()[:1000])  # truncated
    assert dict(lemmas.load_table("en", tmp_path).items()) == source["en"]
    assert len(cache.read_bytes()) > 1000
    data = cache.read_bytes()
    cache.write_bytes(data.replace(b'"mtime_ns": ', b'"mtime_ns": 1', 1))  # the source changed since
    assert lemmas._try_cached("en", tmp_path) is None
    assert dict(lemmas.load_table("en", tmp_path).items()) == source["en"]
    assert lemmas._try_cached("en", tmp_path) is not None


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a folder the user cannot write")
def test_read_only_cache_folder_falls_back_to_memory(tmp_path, source) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        table = lemmas.load_table("en", folder)
        assert dict(table.items()) == source["en"]
        assert not list(folder.iterdir())
    finally:
        folder.chmod(stat.S_IRWXU)


def test_unwritable_cache_folder_falls_back_to_memory(tmp_path, source) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    table = lemmas.load_table("en", blocker / "cache")  # mkdir fails: the folder's parent is a file
    assert dict(table.items()) == source["en"]


def test_lemma_helpers_read_the_cache() -> None:
    from upphandlingsgranskare.checks._support import lemma

    assert lemma("sv", "Systemet") == "system"
    assert lemma("en", "qqxqqz") == "qqxqqz"
