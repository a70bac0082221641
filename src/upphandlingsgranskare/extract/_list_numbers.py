"""A list counter as Word shows it: 1, a, A, i, I, 01."""

from __future__ import annotations

# Word's own ceilings: roman numerals to 3999, letters to 780 ("zzz…" 30 times). Above them the number is
# written in digits: a list starting at 10**12 would otherwise be a billion "m"s (7.7 GB).
_MAX_ROMAN = 3999
_MAX_LETTER = 780


def format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        if value < 1 or value > _MAX_LETTER:
            return str(value)
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    if value < 1 or value > _MAX_ROMAN:
        return str(value)
    out = []
    for n, s in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while value >= n:
            out.append(s)
            value -= n
    return "".join(out)
