"""Which text of a tender is a stated goal, and the ids goals are referred to by.

Segmentation asks this module about every block under a goal or background heading:

- an identified goal ("Effektmål 2: ...", "O3: ..." in a goal section, "Effektmål 2: ..." anywhere),
  and each list item and table row of a goal section (Syfte, Mål, Effektmål, Behov; Objectives,
  Business need), is a goal as it stands;
- a paragraph is read sentence by sentence: a sentence is a goal when it states one, by a goal or
  need phrase ("behöver", "målet är", "syftet med ... är att"; "needs to", "the aim is") or a
  modal with an effect verb ("ska minska", "shall reduce"); in a goal section a weaker sign is
  enough ("kortare", "färre"; "faster", "fewer");
- under Bakgrund/Background only the first kind counts: the facts there ("Under 2025 var den
  genomsnittliga handläggningstiden tio veckor") describe today, they set no goal;
- a sentence that announces the goals ("Kommunen har formulerat följande effektmål") is none.

Then ``finalise`` drops the prose of a section that also lists identified goals (its purpose is the
introduction the listed goals refine, and requirements trace to those), and gives every goal
without an id a generated one, "M1", "M2" … in document order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from .._yaml import load_data_file
from ..models import Goal, Language
from ..nlp.lexicon import compile_phrase_regex, load_lexicon

SectionKind = Literal["goal", "background"]
GENERATED_PREFIX = "M"  # "Mål": the Swedish word, used for both languages so ids stay the same across them


@cache
def _goal_titles(language: Language) -> re.Pattern[str]:
    """``data/goal_sections.yaml``: goal-section titles as real tenders write them ("Benefits", "Bakgrund och behov")."""
    data = load_data_file(__package__, "data", "goal_sections.yaml")
    return compile_phrase_regex(data[language])


@dataclass(frozen=True)
class _Rules:
    goal_section: re.Pattern[str]
    background_section: re.Pattern[str]
    statements: re.Pattern[str]
    effects: re.Pattern[str]
    lead_ins: re.Pattern[str]
    modal_effect: re.Pattern[str]


@cache
def _rules(language: Language) -> _Rules:
    lex = load_lexicon(language)
    modals = [m for group in lex.modals.values() for m in group if " " not in m]
    effect_verbs = compile_phrase_regex(lex.words("effect_verbs")).pattern
    # "ska minska", "ska i genomsnitt minska", "needs to fall": a modal, up to three words, an effect verb.
    modal_effect = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(m) for m in modals + ["behöver", "need", "needs"]) + r")"
        r"(?:\s+(?:to\s+)?[\w-]+){0,3}?\s+(?:to\s+)?" + effect_verbs,
        re.IGNORECASE,
    )
    return _Rules(
        goal_section=compile_phrase_regex(lex.words("goal_sections")),
        background_section=compile_phrase_regex(lex.words("background_sections")),
        statements=compile_phrase_regex(lex.words("goal_statements")),
        effects=compile_phrase_regex(lex.words("goal_effects")),
        lead_ins=compile_phrase_regex(lex.words("goal_lead_ins")),
        modal_effect=modal_effect,
    )


def section_kind(heading: str, language: Language) -> SectionKind | None:
    """'goal' (Syfte, Mål, Behov …), 'background' (Bakgrund, Nuläge …) or None, from a heading's title."""
    title = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s*", "", heading)
    rules = _rules(language)
    if _goal_titles(language).search(title) or rules.goal_section.search(title):
        return "goal"
    if rules.background_section.search(title):
        return "background"
    return None


def is_lead_in(text: str, language: Language) -> bool:
    """A sentence that introduces goals rather than stating one ("… följande effektmål:")."""
    return text.rstrip().endswith(":") or bool(_rules(language).lead_ins.search(text))


def states_goal(sentence: str, language: Language, section: SectionKind) -> bool:
    """Whether a sentence of a goal or background section states a goal or need."""
    if is_lead_in(sentence, language):
        return False
    rules = _rules(language)
    if rules.statements.search(sentence) or rules.modal_effect.search(sentence):
        return True
    return section == "goal" and bool(rules.effects.search(sentence))


@dataclass(frozen=True)
class GoalCandidate:
    """A goal as segmentation found it; ``structured``: an identified goal, list item or table row."""

    goal: Goal
    structured: bool


def finalise(candidates: Sequence[GoalCandidate]) -> list[Goal]:
    """The document's goals: prose under listed goals dropped, generated ids given (see the module doc)."""
    listed_sections = {c.goal.heading for c in candidates if c.structured}
    kept = _without_repeats([c.goal for c in candidates if c.structured or c.goal.heading not in listed_sections])
    taken = {g.id.casefold() for g in kept if g.id}
    out: list[Goal] = []
    counter = 0
    for goal in kept:
        if goal.id:
            out.append(goal)
            continue
        counter += 1
        while f"{GENERATED_PREFIX}{counter}".casefold() in taken:
            counter += 1  # never reuse an id the document gives one of its own goals
        out.append(goal.model_copy(update={"id": f"{GENERATED_PREFIX}{counter}", "generated": True}))
    return out


def _without_repeats(goals: Sequence[Goal]) -> list[Goal]:
    """Each goal once: a goal written again with the same id and words (a summary repeating the goal
    section, a chapter reprinted) is the same goal, kept where it first stands. Repeats would also
    make every requirement's goal comparison grow with the document's length."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for goal in goals:
        key = (goal.id.casefold() if goal.id else None, " ".join(goal.text.casefold().split()))
        if key not in seen:
            seen.add(key)
            out.append(goal)
    return out


def goal_name(goal: Goal, language: Language, *, words: int = 6) -> str:
    """How a message names a goal: "effektmål 2", "mål O3", or "målet ”Handläggningstiden ska …”" for a
    generated id, which the reader of the tender cannot look up."""
    if goal.id and not goal.generated:
        if re.match(r"(?i)(?:effekt|projekt|verksamhets)?mål|objective|goal|business", goal.id):
            return goal.id[0].lower() + goal.id[1:]
        return f"mål {goal.id}" if language == "sv" else f"objective {goal.id}"
    parts = goal.text.split()
    short = " ".join(parts[:words]) + (" …" if len(parts) > words else "")
    return f"målet ”{short}”" if language == "sv" else f'the goal "{short}"'


def goal_line(goal: Goal) -> str:
    """The goal as one line with the id the document gives it: "Effektmål 1: Handläggningstiden …"."""
    return f"{goal.id}: {goal.text}" if goal.id and not goal.generated else goal.text


# "The project should be completed by June 1, 2023", "Systemet ska vara klart senast 2026-06-01": a date
# to meet, listed among the objectives, is a contract term, not an effect to reach.
_DEADLINE = re.compile(
    r"\b(?:completed|complete|finished|delivered|implemented|live|klar[at]?|färdig[at]?|"
    r"levererad[et]?|införd[at]?|i drift)\b[^.]{0,40}?\b(?:by|before|no later than|senast|före|"
    r"innan)\b[^.]{0,30}?\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def is_goal_item(text: str) -> bool:
    """Whether a list item of a goal section states a goal: not a one-word principle ("Secure",
    "Scaleable", as the Virginia statement lists them under Business Need) nor a deadline."""
    return len(text.split()) >= 2 and not _DEADLINE.search(text)
