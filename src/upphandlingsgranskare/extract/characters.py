"""Text normalisation: the characters that render as a space or as nothing, as the readers and the
annotated reports (which find the extracted text again in the document) both need it."""

from __future__ import annotations

import re

# Characters that render as a plain space, and characters that render as nothing.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000\t\v\f"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# Bidi marks and embeddings, and control characters other than whitespace: never part of the words,
# and an item holding only them would become an invisible requirement.
_INVISIBLE.update(
    dict.fromkeys(
        [
            0x061C,
            0x200E,
            0x200F,
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
            *range(0x09),
            0x0E,
            0x0F,
            *range(0x10, 0x20),
            *range(0x7F, 0xA0),
        ],
        None,
    )
)
for _keep in (0x0A, 0x0D, 0x85):  # line breaks: whitespace, collapsed like any other
    _INVISIBLE.pop(_keep, None)
# PDFium marks a hyphen it found at a line end with U+FFFE; in the real exports it is a
# visible hyphen ("e-post", "kontakta-oss"), so it becomes "-".
_PDFIUM = {0xFFFE: "-", 0xFFFF: None}
_TRANSLATION = {**_SPACES, **_INVISIBLE, **_PDFIUM}
_WS = re.compile(r"\s+")
# Every whitespace character but the space (``str.isspace``): ``tests/test_extract_text.py`` checks the list.
_OTHER_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A character the table changes or whitespace other than a space: a line without one and without two spaces in a
# row (nearly every line) is already normal but for its ends, and one search is cheaper than translate and sub.
_NOT_NORMAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TRANSLATION)) + _OTHER_WHITESPACE + "]")


def normalize(text: str) -> str:
    """One line of text: NBSP/soft hyphen fixed, whitespace runs collapsed, stripped."""
    if _NOT_NORMAL.search(text) is None and "  " not in text:
        return text.strip()
    return _WS.sub(" ", text.translate(_TRANSLATION)).strip()
