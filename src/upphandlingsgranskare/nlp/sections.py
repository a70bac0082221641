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


@cache
def _sections(language: Language) -> _Sections:
    lex = get_pipeline(language).lexicon
    return _Sections(
        solution=compile_phrase_regex(lex.words("solution_sections")),
        out_of_scope=compile_phrase_regex(lex.words("out_of_scope_sections")),
        definition=compile_phrase_regex(lex.words("definition_sections")),
    )


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
        if sections.solution.search(title):
            return "solution"
        if sections.out_of_scope.search(title):
            return "out_of_scope"
    return None
