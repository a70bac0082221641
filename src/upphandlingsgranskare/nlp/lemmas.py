"""spaCy's lookup-table lemmas (spacy-lookups-data), read from a compact cache file.

Reading the gzip JSON table and building a dict of its 660,000 Swedish entries takes about half a
second per process, more than the rest of a short review. The table is therefore converted once
into a file of sorted keys and lemmas with offset arrays (``LemmaTable``), which opens without
parsing: a lookup is a binary search, memoised per word. The file lives in the user's cache
folder (``$XDG_CACHE_HOME/upphandlingsgranskare`` or ``~/.cache/upphandlingsgranskare``), is named
after the language and the source table's path and records the source's size and modification
time, so an upgraded spacy-lookups-data is converted again. It is written atomically (temporary
file and rename); where it cannot be written the table is converted in memory for that process.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from functools import cache
from pathlib import Path

from ..fileio import cache_dir, write_atomic
from ..models import Language

MAGIC = b"UGLEMMA\x01"  # bump the last byte when the layout changes
_HEADER_LEN = struct.Struct("<I")


class LemmaTable:
    """Read-only word -> lemma lookup over the compact layout; ``is_lemma`` tells whether a word is some entry's lemma."""

    def __init__(self, data: bytes, header: dict):
        self.header = header
        base = len(MAGIC) + _HEADER_LEN.size + header["header_bytes"]
        n, m = header["keys"], header["lemmas"]
        view = memoryview(data)
        sections = []
        for size in (4 * (n + 1), header["key_blob"], 4 * n, 4 * (m + 1), header["lemma_blob"]):
            sections.append((base, base + size))
            base += size
        if base != len(data):
            raise ValueError("lemma cache file has the wrong size")
        (a, b), (c, d), (e, f), (g, h), (i, j) = sections
        self._key_offsets = view[a:b].cast("I")
        self._keys = data[c:d]
        self._key_lemma = view[e:f].cast("I")
        self._lemma_offsets = view[g:h].cast("I")
        self._lemmas = data[i:j]
        self._n, self._m = n, m
        self._memo: dict[str, str | None] = {}
        self._lemma_memo: dict[str, bool] = {}

    def __len__(self) -> int:
        return self._n

    @staticmethod
    def _search(offsets, blob: bytes, count: int, key: bytes) -> int:
        lo, hi = 0, count
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[offsets[mid] : offsets[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < count and blob[offsets[lo] : offsets[lo + 1]] == key:
            return lo
        return -1

    def _lookup(self, word: str) -> str | None:
        found = self._memo.get(word, self)
        if found is self:
            index = self._search(self._key_offsets, self._keys, self._n, word.encode("utf-8", "surrogatepass"))
            if index < 0:
                found = None
            else:
                k = self._key_lemma[index]
                found = self._lemmas[self._lemma_offsets[k] : self._lemma_offsets[k + 1]].decode(
                    "utf-8", "surrogatepass"
                )
            self._memo[word] = found
        return found  # type: ignore[return-value]

    def get(self, word: str, default: str | None = None) -> str | None:
        found = self._lookup(word)
        return default if found is None else found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def is_lemma(self, word: str) -> bool:
        found = self._lemma_memo.get(word)
        if found is None:
            key = word.encode("utf-8", "surrogatepass")
            found = self._lemma_memo[word] = self._search(self._lemma_offsets, self._lemmas, self._m, key) >= 0
        return found

    def items(self):
        """Every (word, lemma), in the file's order (for tests and checks of the cache)."""
        for index in range(self._n):
            k = self._key_lemma[index]
            yield (
                self._keys[self._key_offsets[index] : self._key_offsets[index + 1]].decode("utf-8", "surrogatepass"),
                self._lemmas[self._lemma_offsets[k] : self._lemma_offsets[k + 1]].decode("utf-8", "surrogatepass"),
            )


def encode(table: dict[str, str], source: dict) -> bytes:
    """The compact layout of ``table``: keys sorted by their UTF-8 bytes, each with the index of its lemma."""
    from array import array

    keys = sorted((k.encode("utf-8", "surrogatepass"), v) for k, v in table.items())
    lemmas = sorted({v.encode("utf-8", "surrogatepass") for v in table.values()})
    lemma_index = {v: i for i, v in enumerate(lemmas)}

    def blob(items: list[bytes]) -> tuple[bytes, array]:
        offsets = array("I", [0])
        total = 0
        for item in items:
            total += len(item)
            offsets.append(total)
        return b"".join(items), offsets

    key_blob, key_offsets = blob([k for k, _ in keys])
    lemma_blob, lemma_offsets = blob(lemmas)
    key_lemma = array("I", (lemma_index[v.encode("utf-8", "surrogatepass")] for _, v in keys))
    if len(key_blob) >= 2**32 or len(lemma_blob) >= 2**32:
        raise ValueError("lemma table too large for the cache layout")
    header = {
        **source,
        "byteorder": sys.byteorder,
        "keys": len(keys),
        "lemmas": len(lemmas),
        "key_blob": len(key_blob),
        "lemma_blob": len(lemma_blob),
    }
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    return b"".join(
        [
            MAGIC,
            _HEADER_LEN.pack(len(header_bytes)),
            header_bytes,
            key_offsets.tobytes(),
            key_blob,
            key_lemma.tobytes(),
            lemma_offsets.tobytes(),
            lemma_blob,
        ]
    )


def decode(data: bytes) -> LemmaTable:
    if not data.startswith(MAGIC):
        raise ValueError("not a lemma cache file")
    (length,) = _HEADER_LEN.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _HEADER_LEN.size
    header = json.loads(data[start : start + length].decode("utf-8"))
    header["header_bytes"] = length
    if header.get("byteorder") != sys.byteorder:
        raise ValueError("lemma cache file written on another byte order")
    return LemmaTable(data, header)


def _source_path(language: Language) -> Path:
    """The table spaCy itself would read (its lookups registry, filled by spacy-lookups-data)."""
    from spacy.util import registry

    return Path(registry.lookups.get(language)["lemma_lookup"])


def _stamp(path: Path) -> dict:
    stat = path.stat() if path.exists() else Path(f"{path}.gz").stat()  # spaCy reads "x.json" or "x.json.gz"
    return {"source": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _read_source(path: Path) -> dict[str, str]:
    from spacy.util import load_language_data

    return dict(load_language_data(path))


def _cache_file(language: Language, source: Path, folder: Path) -> Path:
    digest = hashlib.sha1(str(source).encode("utf-8")).hexdigest()[:12]
    return folder / f"lemmas-{language}-{digest}.bin"


def _index_file(language: Language, folder: Path) -> Path:
    """Where the last converted table's source is noted, so a warm start needs no spaCy import to find it."""
    return folder / f"lemmas-{language}.source"


def _try_cached(language: Language, folder: Path) -> LemmaTable | None:
    """The cached table when the noted source is unchanged; None on any miss (then it is converted)."""
    try:
        source = Path(_index_file(language, folder).read_text("utf-8").strip())
        data = _cache_file(language, source, folder).read_bytes()
        table = decode(data)
        stamp = _stamp(source)
    except (OSError, ValueError, KeyError, struct.error):
        return None
    if any(table.header.get(k) != v for k, v in stamp.items()):
        return None
    return table


def load_table(language: Language, folder: Path | None = None) -> LemmaTable:
    """The lemma table of ``language``: from the cache file, converting (and caching) it on a miss."""
    folder = cache_dir() if folder is None else folder
    table = _try_cached(language, folder)
    if table is not None:
        return table
    source = _source_path(language)
    stamp = _stamp(source)
    data = encode(_read_source(source), stamp)
    try:
        write_atomic(_cache_file(language, source, folder), data)
        write_atomic(_index_file(language, folder), str(source))
    except OSError:
        pass  # a read-only or missing cache folder: this process uses the table it converted in memory
    return decode(data)


@cache
def lemma_table(language: Language) -> LemmaTable:
    """The process's one table per language."""
    return load_table(language)
