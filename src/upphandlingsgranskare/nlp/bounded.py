"""spaCy on text of any length in bounded time and memory: long text goes through in chunks.

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters: "[E088]"), its tokenizer's
affix search is quadratic in the length of a run without whitespace (10,000 underscores or emoji:
11 s), and parts of a pipeline may be superlinear in a text's tokens. A text longer than
``MAX_CHUNK`` characters is therefore cut into chunks of at most that many, at a sentence end where
there is one, else at a space, and a run of more than ``MAX_RUN`` characters without whitespace is
cut into pieces of ``MAX_RUN``; each piece goes through spaCy alone (the time budget is checked
between them) and the Docs are joined into one whose text is the original text. Real tender text
is not touched: a sentence or a word that long does not occur in one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..budget import check_budget

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_CHUNK = 5_000  # characters per spaCy call
MAX_RUN = 400  # characters without whitespace per spaCy call (a long URL is 200)

_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")
# Where a chunk may end, best first: after a sentence end, a line break, any whitespace.
_SENTENCE_END = re.compile(r"[.!?;:]\s+|\n\s*")
_SPACE = re.compile(r"\s+")


def needs_chunks(text: str) -> bool:
    return len(text) > MAX_CHUNK or (len(text) > MAX_RUN and _LONG_RUN.search(text) is not None)


def chunks(text: str) -> list[str]:
    """``text`` cut into pieces of at most ``MAX_CHUNK`` characters and runs of at most ``MAX_RUN``
    non-space characters; ``"".join(chunks(text)) == text``."""
    pieces: list[str] = []
    start = 0
    for run in _LONG_RUN.finditer(text):
        pieces.extend(_by_length(text[start : run.start()]))
        pieces.extend(text[i : min(i + MAX_RUN, run.end())] for i in range(run.start(), run.end(), MAX_RUN))
        start = run.end()
    pieces.extend(_by_length(text[start:]))
    return [p for p in pieces if p]


def _by_length(text: str) -> list[str]:
    pieces = []
    start = 0
    while len(text) - start > MAX_CHUNK:
        window = text[start : start + MAX_CHUNK]
        cut = _last_end(_SENTENCE_END, window) or _last_end(_SPACE, window) or MAX_CHUNK
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _last_end(pattern: re.Pattern[str], window: str) -> int:
    """End of the last match in the second half of ``window`` (0 when none): chunks stay large."""
    last = 0
    for match in pattern.finditer(window, len(window) // 2):
        last = match.end()
    return last


def process(make: Callable[[str], Doc], text: str) -> Doc:
    """``make(text)`` (an ``nlp`` or a tokenizer), chunk by chunk when ``text`` is long; one Doc."""
    if not needs_chunks(text):
        return make(text)
    from spacy.tokens import Doc

    docs = []
    for piece in chunks(text):
        check_budget()
        docs.append(make(piece))
    check_budget()
    return Doc.from_docs(docs, ensure_whitespace=False)
