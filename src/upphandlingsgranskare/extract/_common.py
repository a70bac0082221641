"""Line patterns shared by the format readers."""

from __future__ import annotations

import re

# Bullet glyphs seen in PDFs and DOCX symbol fonts (Wingdings/Symbol map to U+F0xx).
BULLET_CHARS = "•●○◦▪■□▫◆◇►▸‣⁃∙·❖➢✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf06e\uf071\uf0a8"

# A lone bullet on its own line (TendSign puts it after the item's text).
LONE_BULLET = re.compile(rf"^[{BULLET_CHARS}]$")

# The start of a list item: bullet, dash, "o " (Word's second-level bullet), "a)", "1)", "a.", "iv.".
LIST_ITEM = re.compile(
    rf"^(?P<label>[{BULLET_CHARS}]|[-–*+o](?=\s)|\(?[a-zA-Z]\)|\(?\d{{1,2}}\)|[a-z]\.(?=\s)|"
    rf"(?:i{{1,3}}|iv|v|vi{{1,3}}|ix|x)[.)](?=\s)|\d{{1,2}}\.(?=\s))\s*(?P<text>\S.*)$"
)

# A line that starts with a requirement id: "K12 ...", "REQ-001: ...", "SKA-krav 7: ...", "Krav 3: ...".
REQUIREMENT_ID = re.compile(
    r"^(?:[A-ZÅÄÖÆØ]{1,5}[-_.]?\d+(?:\.\d+)*[:.)]?\s"
    r"|(?i:ska|skall|bör|must|shall|should|mandatory)[- ]?(?i:krav|requirement)\s*\d+(?:\.\d+)*\s*[:.)]?(?:\s|$)"
    r"|(?i:krav|requirement|req)\.?\s*(?i:nr\.?\s*)?\d+(?:\.\d+)*\s*[:.)](?:\s|$))"
)

# "1.2 Bakgrund", "2. Krav på utförandet", "4.2.1. Inloggning": number, optional final dot, title.
NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})(?P<dot>\.?)\s+(?P<title>\S.*)$")


def starts_uppercase(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
        if ch.isdigit():
            return False
    return False


def plausible_heading_title(title: str, max_words: int = 15) -> bool:
    """The text after a heading number: starts with a capital, short, not a long sentence."""
    if not title or not title[0].isalpha() or not title[0].isupper():
        return False
    words = title.split()
    if len(words) > max_words:
        return False
    if title.endswith(".") and len(words) > 12:
        return False
    return True
