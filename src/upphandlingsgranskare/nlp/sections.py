"""Which headings put a requirement out of scope or on the solution: glossaries and definitions, contract and
bid sections, solution sections (the lexicons' ``*_sections`` lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..models import Language
from .lexicon import compile_phrase_regex
from .pipeline import get_pipeline


@dataclass(frozen=True)
class _Sections:
    solution: re.Pattern[str]
    out_of_scope: re.Pattern[str]
    definition: re.Pattern[str]
    narrative: re.Pattern[str] | None
    false_friends: re.Pattern[str] | None


@cache
def _sections(language: Language) -> _Sections:
    lex = get_pipeline(language).lexicon
    return _Sections(
        solution=compile_phrase_regex(lex.words("solution_sections")),
        out_of_scope=compile_phrase_regex(lex.words("out_of_scope_sections")),
        definition=compile_phrase_regex(lex.words("definition_sections")),
        narrative=_optional(lex.words("narrative_sections")),
        false_friends=_optional(lex.words("heading_false_friends")),
    )


def _optional(words: list[str]) -> re.Pattern[str] | None:
    return compile_phrase_regex(words) if words else None


_NUMBERING = re.compile(r"\s*(\d+(?:\.\d+)*)")
# "7.4.1 Introduction": a heading this deep in the numbering introduces a part of the specification, not the
# document, so its narrative word ("Introduction", "Overview") puts nothing out of scope.
_DEEP = 3


def numbering_depth(heading: str) -> int:
    """How many levels the heading's number has: "3.2.1.1 Flight Route Planning" 4, "1. Overview" 1, none 0."""
    numbering = _NUMBERING.match(heading)
    return len(numbering.group(1).split(".")) if numbering else 0


def definition_section(heading_path: tuple[str, ...], language: Language) -> str | None:
    """The heading when the innermost heading is a glossary, definitions, assumptions or scope limits."""
    if not heading_path:
        return None
    title = re.sub(r"^\s*[\w.]*\d[\w.]*\s*:?\s*", "", heading_path[-1])  # "Appendix A:", "1.3"
    return heading_path[-1] if _sections(language).definition.search(title) else None


def section_scope(heading_path: tuple[str, ...], language: Language) -> str | None:
    """'solution', 'out_of_scope' or None, from the innermost heading that says either."""
    sections = _sections(language)
    for heading in reversed(heading_path):
        title = re.sub(r"^\s*[\d.]+\s*", "", heading)
        if sections.false_friends is not None:
            title = sections.false_friends.sub(" ", title)  # "General purpose radio"
        if sections.narrative is not None and numbering_depth(heading) >= _DEEP:
            title = sections.narrative.sub(" ", title)
        if sections.solution.search(title):
            return "solution"
        if sections.out_of_scope.search(title):
            return "out_of_scope"
    return None
