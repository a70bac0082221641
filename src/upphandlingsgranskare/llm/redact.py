"""Replace personal data (personnummer, e-mail addresses, phone numbers, names of people) with
numbered placeholders before text leaves the machine for an LLM, and put the originals back afterwards.

Precision matters as much as recall: a tender document is full of dates, amounts, section
numbers, standards and organisation numbers that the LLM needs to see unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSONNUMMER, EMAIL, PHONE, NAME = "PERSONNUMMER", "E-POST", "TELEFON", "NAMN"

_PLACEHOLDER = re.compile(rf"\[(?:{PERSONNUMMER}|{EMAIL}|{PHONE}|{NAME})-\d+\]")

# Common first names (Statistics Sweden's most frequent, and English ones), without those that are also
# ordinary words a capitalised word may follow ("Per", "Max", "Mark", "May", "Bill", "Frank", "Rose").
_FIRST_NAMES = """
Anna Eva Maria Karin Kristina Lena Kerstin Sara Emma Ingrid Marie Malin Jenny Hanna Annika Linda Susanne Elin
Monica Birgitta Sofia Johanna Inger Carina Elisabeth Julia Ulla Katarina Linnea Helena Cecilia Camilla Åsa
Ida Therese Anneli Ebba Louise Amanda Matilda Frida Josefin Alice Elsa Agnes Klara Maja Moa Lisa Ulrika Petra
Lars Mikael Anders Johan Erik Karl Peter Jan Thomas Daniel Fredrik Hans Andreas Stefan Mats Mattias Magnus
Jonas Bengt Sven Marcus Martin Niklas Björn Oskar Gustav Henrik Patrik Viktor Simon David Christer Tommy Ulf
Joakim Emil Alexander Sebastian Robert Kjell Håkan Leif Göran Rolf Bo Åke Nils Olof Lennart Roger Jonathan
Carl Axel Filip Hugo Lucas Isak Anton Elias Ludvig Oliver Adam Albin Wilhelm Gunnar Torbjörn Pontus Rasmus
John James Michael William Richard Joseph Charles Christopher Matthew Anthony Steven Paul Andrew Joshua
Kenneth Kevin Brian George Edward Ronald Timothy Jason Jeffrey Ryan Jacob Gary Nicholas Eric Stephen Larry
Mary Patricia Jennifer Elizabeth Linda Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret Betty Sandra
Ashley Dorothy Kimberly Emily Donna Michelle Carol Melissa Deborah Stephanie Rebecca Laura Sharon Cynthia
""".split()
_SURNAME = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?"
_NAME = re.compile(
    rf"(?<![\w-])(?:{'|'.join(sorted(set(_FIRST_NAMES), key=len, reverse=True))})"
    rf"(?:\s+[A-ZÅÄÖ]\.)?(?:\s+{_SURNAME}){{1,2}}(?![\w-])"
)
# Capitalised words after a first name that make the pair a place, an organisation or a product, not a person.
_NOT_A_SURNAME = frozenset(
    """
Kommun Kommuns Region Regionen Län Stad Skola Skolan Sjukhus Sjukhuset Kyrka Kyrkan Gata Gatan Väg Vägen Park
Parken Center Centrum Universitet Institutet Stiftelse Stiftelsen AB Ab Group Inc Ltd University School Hospital
County City Street Road Church Foundation Systemet Ska Skall Bör Och The And Shall Should Must
""".split()
)

_EMAIL = re.compile(
    r"(?<![\w.%+\-])"
    r"[\w%+\-]+(?:\.[\w%+\-]+)*"  # \w is Unicode: å, ä, ö and friends
    r"@(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_]{2,}"
    r"(?![\w\-])"
)

# 10 or 12 digits, optionally YYMMDD-XXXX / YYMMDD+XXXX; the century only when 12 digits follow.
_PERSONNUMMER = re.compile(
    r"(?<![\w+\-–/])(?<!\d[.,:])"
    r"(?:(?:18|19|20)(?=\d{6}[-+]?\d{4}(?!\d)))?"
    r"(?P<date>\d{6})[-+]?(?P<serial>\d{4})"
    r"(?!\d)(?![.,:\-+/]\d)"
)

_SEP = r"[ \u00a0\-–]"
# Possessive quantifiers take whole digit runs, so a candidate never starts or ends inside one;
# the digit-count rules and trimming live in _phone_end.
_PHONE = re.compile(
    rf"(?<![\w+\-–/])(?<!\d[.,:])"
    rf"(?:(?P<intl>(?:\+|00[ \u00a0]?)[1-9]\d*+(?:{_SEP}?\(0\))?(?:{_SEP}?\d++)*+)"
    rf"|(?P<national>(?:\(0[1-9]\d{{0,3}}\)|0[1-9]\d*+)(?:{_SEP}\d++)*+))"
    r"(?!\w)(?![.,:]\d)"
)
_DIGIT_RUN = re.compile(r"\d+")
_DATE_LIKE = re.compile(r"(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])-\d{4}")
_HOURS = r"(?:[01]\d|2[0-4])[-–](?:[01]\d|2[0-4])"
_OPENING_HOURS = re.compile(rf"{_HOURS}(?:[ \u00a0]{_HOURS})+")  # "08-12 13-16"
_THOUSANDS = re.compile(r"\d{3}(?:[ \u00a0]\d{3})*")  # the tail of "1 050 000"
_DIGIT_SPACE_BEFORE = re.compile(r"\d[ \u00a0]$")
_AMOUNT_AFTER = re.compile(
    r"\s*(?:kr|kronor|sek|tkr|mkr|msek|eur|euro|usd|€|\$|%|procent|percent)(?!\w)", re.IGNORECASE
)
_CLOCK_BEFORE = re.compile(r"(?<!\w)kl\.?\s*$", re.IGNORECASE)

_NATIONAL_DIGITS = (7, 10)  # 0 + at most 9 digits in the Swedish numbering plan
_INTL_DIGITS = (7, 15)  # E.164, country code included, international prefix excluded
_SWEDISH_INTL_MAX = 11  # 46 + 9


def luhn_ok(digits: str) -> bool:
    """Luhn check over a digit string, check digit last (Skatteverket's rule for personnummer)."""
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if (len(digits) - i) % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_personnummer(m: re.Match[str]) -> bool:
    date = m["date"]
    month, day = int(date[2:4]), int(date[4:6])
    # Organisation numbers have a "month" of 20 or more and are not personal data.
    if not 1 <= month <= 12:
        return False
    if not (1 <= day <= 31 or 61 <= day <= 91):  # 61-91: samordningsnummer (day + 60)
        return False
    if luhn_ok(date + m["serial"]):
        return True
    # A wrong check digit is still someone's number, or a typo of it: with the "-"/"+" of a personnummer, or
    # the century of the 12-digit form, it is one. A bare 10-digit run needs the check digit (phone numbers).
    return bool(re.search(r"\d[-+]\d", m.group())) or len(re.sub(r"\D", "", m.group())) == 12


def _phone_end(m: re.Match[str], text: str) -> int | None:
    """Where the phone number matched by m ends, or None when it is not one."""
    s, intl = m.group(), m["intl"] is not None
    runs = []  # (end offset in s, digits that count)
    for run in _DIGIT_RUN.finditer(s):
        n = len(run.group())
        if intl and run.start() == 0 and s.startswith("00"):
            n -= 2  # the 00 international prefix
        elif s[run.start() - 1 : run.end() + 1] == "(0)":
            n = 0  # the optional trunk zero in "+46 (0)8"
        runs.append((run.end(), n))
    if intl:
        lo, hi = _INTL_DIGITS
        prefix = s.lstrip("+0 \u00a0")
        if prefix.startswith("46"):
            hi = _SWEDISH_INTL_MAX
    else:
        lo, hi = _NATIONAL_DIGITS
        # An area code has 1-3 digits after the 0; "010203-1234" is a date-based number, not a phone.
        if len(runs) > 1 and not 2 <= runs[0][1] <= 4:
            return None
    # A trailing group can belong to the next thing in the sentence ("070-123 45 67 2024").
    while sum(n for _, n in runs) > hi and len(runs) > 1:
        runs.pop()
    digits = sum(n for _, n in runs)
    if not lo <= digits <= hi:
        return None
    end = m.start() + runs[-1][0]
    candidate = text[m.start() : end]
    if not intl and (_DATE_LIKE.fullmatch(candidate) or _OPENING_HOURS.fullmatch(candidate)):
        return None
    if _THOUSANDS.fullmatch(candidate) and _DIGIT_SPACE_BEFORE.search(text, 0, m.start()):
        return None
    if _AMOUNT_AFTER.match(text, end) or _CLOCK_BEFORE.search(text, 0, m.start()):
        return None
    return end


_PLACE_AFTER = re.compile(
    r"\s+(?:gata|gatan|väg|vägen|torg|torget|plan|skola|skolan|park|parken|gård|gården|"
    r"street|road|avenue|square|school|hall)(?!\w)",
    re.IGNORECASE,
)


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _NAME.finditer(text):
        if _PLACE_AFTER.match(text, m.end()):
            continue  # "Karl Johans gata", "Anna Lindh school": a place named after a person
        words = m.group().split()
        kept = 1
        for word in words[1:]:
            if word.rstrip(".") in _NOT_A_SURNAME:
                break
            kept += 1
        if kept >= 2 and not (kept == 2 and len(words[1]) == 2 and words[1].endswith(".")):
            end = m.start() + len(" ".join(words[:kept])) if " ".join(words) == m.group() else None
            if end is None:  # a newline or double space inside: cut at the last kept word
                end = m.start() + m.group().index(words[kept - 1]) + len(words[kept - 1])
            spans.append((m.start(), end))
    return spans


def _spans(kind: str, text: str) -> list[tuple[int, int]]:
    if kind == NAME:
        return _name_spans(text)
    if kind == EMAIL:
        return [m.span() for m in _EMAIL.finditer(text)]
    if kind == PERSONNUMMER:
        return [m.span() for m in _PERSONNUMMER.finditer(text) if _is_personnummer(m)]
    spans, pos = [], 0
    while m := _PHONE.search(text, pos):
        end = _phone_end(m, text)
        if end is not None:
            spans.append((m.start(), end))
        pos = end or m.end()  # after trimming, the rest of the match may be the next number
    return spans


@dataclass(frozen=True)
class Redaction:
    text: str  # the redacted text
    replacements: dict[str, str]  # placeholder -> original, for the placeholders in this text


class Redactor:
    """Replaces personnummer/samordningsnummer, e-mail addresses, phone numbers and names of people (a
    common first name and a capitalised surname) with numbered placeholders ([PERSONNUMMER-1], [E-POST-1],
    [TELEFON-1], [NAMN-1]; counted per kind from 1).

    One Redactor is used for a whole document so the same value always gets the same placeholder.
    "Same" means the same characters: "070-123 45 67" and "0701234567" get different placeholders,
    which is what lets restore() give back exactly the text that went in.
    """

    # E-mail first (a local part may hold a phone number), then personnummer (whose 10-digit form
    # could otherwise pass for a phone number), then phones.
    _ORDER = (EMAIL, PERSONNUMMER, PHONE, NAME)

    def __init__(self) -> None:
        self._placeholder_of: dict[tuple[str, str], str] = {}
        self._original_of: dict[str, str] = {}
        self._count: dict[str, int] = {}

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._placeholder_of:
            self._count[kind] = self._count.get(kind, 0) + 1
            placeholder = f"[{kind}-{self._count[kind]}]"
            self._placeholder_of[key] = placeholder
            self._original_of[placeholder] = value
        return self._placeholder_of[key]

    def redact(self, text: str) -> Redaction:
        used: dict[str, str] = {}
        for kind in self._ORDER:
            parts, last = [], 0
            for start, end in _spans(kind, text):
                placeholder = self._placeholder(kind, text[start:end])
                used[placeholder] = text[start:end]
                parts += [text[last:start], placeholder]
                last = end
            text = "".join(parts) + text[last:]
        return Redaction(text, used)

    def restore(self, text: str) -> str:
        """Put the originals back for every placeholder this Redactor issued; others stay as they are."""
        return _PLACEHOLDER.sub(lambda m: self._original_of.get(m.group(), m.group()), text)

    @property
    def replacements(self) -> dict[str, str]:
        """Every placeholder issued so far -> its original (a copy)."""
        return dict(self._original_of)
