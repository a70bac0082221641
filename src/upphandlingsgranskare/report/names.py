"""File names in reports: names that are not valid UTF-8, and names too long for an output.

On Linux a file name is bytes; Python hands an undecodable byte over as a lone surrogate
(``b"\\xff"`` -> ``"\\udcff"``), which no UTF-8 report can hold (a PydanticSerializationError in
JSON, a traceback in SARIF and in the index). Reports show such a byte as U+FFFD (``readable``);
SARIF URIs percent-encode the real bytes instead, so they still find the file. Output names are
the input's name plus a suffix, which can pass the file system's 255-byte limit: ``fit_name``
shortens them, with a digest of the whole name so two long names never collide.
"""

from __future__ import annotations

import hashlib
import os

from ..models import DocumentReview

MAX_NAME_BYTES = 255  # ext4, XFS, APFS, NTFS (in UTF-16 units, fewer than this in practice)


def readable(text: str) -> str:
    """``text`` with undecodable file-name bytes (lone surrogates) as U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def readable_review(review: DocumentReview) -> DocumentReview:
    """The review with every file name in it readable (a copy only when one is not)."""
    if readable(review.path) == review.path:
        return review

    def clean(value: object) -> object:
        if isinstance(value, str):
            return readable(value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return DocumentReview.model_validate(clean(review.model_dump()))


def fit_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """``name`` when it fits in ``limit`` bytes, else its start, a digest of it, and its last suffixes."""
    encoded = os.fsencode(name)
    if len(encoded) <= limit:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    dot = name.find(".", max(0, len(name) - 40))  # keep ".granskning.html", ".granskad.docx"
    tail = name[dot:] if dot > 0 else ""
    room = limit - len(os.fsencode(tail)) - len(digest) - 1
    head = os.fsencode(name[: len(name) - len(tail)])[:room].decode("utf-8", "ignore")
    return os.fsdecode(os.fsencode(head)) + "~" + digest + tail
