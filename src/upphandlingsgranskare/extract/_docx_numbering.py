"""DOCX list numbering: renders the labels Word shows ("1.", "4.2", "a)", "K3", "•") from numbering.xml.

Moved out of ``docx_reader`` so both modules stay small; ``docx_reader`` imports ``_Numbering`` from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ._list_numbers import format_number

if TYPE_CHECKING:
    from .docx_reader import _Styles

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_VAL = f"{{{W_NS}}}val"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class _Numbering:
    """Renders list labels ("1.", "4.2", "a)", "K3", "•") from numbering.xml.

    Counters are kept per numId (one list instance); numbering a level resets the deeper ones.
    """

    element: etree._Element | None
    styles: _Styles
    _levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    _counters: dict[str, list[int | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.element is None:
            return
        abstract: dict[str, etree._Element] = {
            a.get(_w("abstractNumId")): a for a in self.element.iterchildren(_w("abstractNum"))
        }
        for num in self.element.iterchildren(_w("num")):
            num_id = num.get(_w("numId"))
            abs_el = num.find(_w("abstractNumId"))
            if num_id is None or abs_el is None:
                continue
            definition = abstract.get(abs_el.get(W_VAL))
            definition = self._follow_style_link(definition, abstract)
            levels = self._parse_levels(definition) if definition is not None else {}
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")))
                if ilvl is None:
                    continue
                lvl_el = override.find(_w("lvl"))
                if lvl_el is not None:
                    levels[ilvl] = self._parse_level(lvl_el)
                start = override.find(_w("startOverride"))
                if start is not None:
                    levels.setdefault(ilvl, _Level()).start = _int(start.get(W_VAL)) or 0
            self._levels[num_id] = levels

    def _follow_style_link(
        self, definition: etree._Element | None, abstract: dict[str, etree._Element]
    ) -> etree._Element | None:
        """An abstractNum with numStyleLink takes its levels from the list style's numbering."""
        if definition is None:
            return None
        link = definition.find(_w("numStyleLink"))
        if link is None or self.element is None:
            return definition
        num_id, _ = self.styles.numbering(link.get(W_VAL))
        for num in self.element.iterchildren(_w("num")):
            if num.get(_w("numId")) == num_id:
                abs_el = num.find(_w("abstractNumId"))
                target = abstract.get(abs_el.get(W_VAL)) if abs_el is not None else None
                if target is not None and target.find(_w("numStyleLink")) is None:
                    return target
        return definition

    def _parse_levels(self, definition: etree._Element) -> dict[int, _Level]:
        levels = {}
        for lvl in definition.iterchildren(_w("lvl")):
            ilvl = _int(lvl.get(_w("ilvl")))
            if ilvl is not None:
                levels[ilvl] = self._parse_level(lvl)
        return levels

    @staticmethod
    def _parse_level(lvl: etree._Element) -> _Level:
        def val(tag: str) -> str | None:
            el = lvl.find(_w(tag))
            return el.get(W_VAL) if el is not None else None

        fmt = val("numFmt") or "decimal"
        if lvl.find(_w("isLgl")) is not None and fmt != "bullet":
            fmt = "decimal"
        start = _int(val("start"))
        return _Level(start=1 if start is None else start, fmt=fmt, text=val("lvlText") or "")

    def label(self, num_id: str | None, ilvl: int | None) -> str | None:
        """Advance the counter of (num_id, ilvl) and return the rendered label."""
        if not num_id or num_id == "0" or num_id not in self._levels:
            return None
        levels = self._levels[num_id]
        ilvl = ilvl or 0
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(num_id, [None] * 9)
        if ilvl < len(counters):
            current = counters[ilvl]
            counters[ilvl] = level.start if current is None else current + 1
            for deeper in range(ilvl + 1, len(counters)):
                counters[deeper] = None
        if level.fmt == "bullet":
            return "•"
        if level.fmt == "none":
            return None

        def render(m: re.Match[str]) -> str:
            i = int(m[1]) - 1
            lvl = levels.get(i, _Level())
            current = counters[i] if 0 <= i < len(counters) else None
            value = lvl.start if current is None else current
            return format_number(value, lvl.fmt)  # capped: a list may start at 10**12

        text = re.sub(r"%(\d)", render, level.text).strip()
        return text or None
