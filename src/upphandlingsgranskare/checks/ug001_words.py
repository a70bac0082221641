"""UG001's question and rewrite, built from the requirement's own feature and user.

Every UG001 used to ask the same sentence. Here the question names what the requirement prescribes
and whom it is for ("Vilket problem ska inloggning med BankID lösa för sökande, och hur märks det?"),
the rewrite offers first the goal the requirement most resembles, in that goal's own words, and a
matrix row whose table has a rationale column gets its suggestion for that column, not for its text.
Word lists: ``checks/data/ug001_words.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from ..models import Block, Goal, GoalLink, Language, Location, Requirement
from ..nlp.patterns import literal_alternatives
from ..trace import goal_name
from . import messages
from ._support import load_data

MAX_GOALS_NAMED = 4  # a question or rewrite names at most this many of the document's goals: more is a list
NOUN_PHRASE_MAX_WORDS = 12  # a short item without a modal verb is a noun phrase ("Inloggning med SITHS-kort")
GOAL_WORDS_QUOTED = 6  # a goal quoted in a rewrite by its first words


def _any_language(key: str) -> list[str]:
    """A ug001_words list of every language together, in the file's order."""
    return [word for spec in load_data("ug001_words").values() for word in spec[key]]


@lru_cache(maxsize=1)
def _negated() -> re.Pattern[str]:
    """A negated modal ("får inte", "shall not"): the words of each phrase apart by any white space."""
    phrases = [r"\s+".join(re.escape(w) for w in p.split()) for p in _any_language("negated")]
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _dropped_from_goals() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-]){literal_alternatives(_any_language('dropped_from_goals'))}(?![\w-])\s*", re.IGNORECASE
    )


@lru_cache(maxsize=1)
def _any_modal() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){literal_alternatives(_any_language('modals'))}(?![\w-])", re.IGNORECASE)


@cache
def _words(language: Language) -> tuple[re.Pattern[str], tuple[str, ...], str]:
    data = load_data("ug001_words")[language]
    users = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(u) for u in sorted(data["users"], key=len, reverse=True)) + r")(?![\w-])",
        re.IGNORECASE,
    )
    openers = tuple(sorted(data["openers"], key=len, reverse=True))
    return users, openers, data["default_user"]


def user_of(requirement: Requirement) -> str | None:
    """Whom the requirement's feature is for: a user named in its text, else in its headings or lead-in."""
    users, _, _ = _words(requirement.language)
    for text in (requirement.text, *reversed(requirement.heading_path), requirement.context or ""):
        match = users.search(text)
        if match:
            return match.group(1).lower()
    return None


def _short(text: str, words: int = 10) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _lower_first(text: str) -> str:
    """ "Påminnelse till …" -> "påminnelse till …"; "BankID", "SAML 2.0" keep their capitals."""
    words = text.split(" ", 2)
    first = words[0]
    if len(first) > 1 and (first[1:].lower() != first[1:] or any(ch.isdigit() for ch in first)):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text  # a name: "Microsoft Entra ID"
    return text[:1].lower() + text[1:]


def feature_phrase(requirement: Requirement, feature: str | None) -> str:
    """What the requirement prescribes, as a noun phrase: "inloggning med BankID och Freja eID+",
    "möjligheten att exportera ärendelistor till Excel"; a negated or unclear one as the requirement quoted."""
    language = requirement.language
    text = requirement.text.strip().rstrip(".;:")
    if not _any_modal().search(text) and len(text.split()) <= NOUN_PHRASE_MAX_WORDS and not _negated().search(text):
        return _lower_first(text)  # a noun-phrase row or item: "Inloggning med SITHS-kort"
    if not feature or _negated().search(requirement.text) or ":" in feature:
        return messages.text("UG001", "quoted_requirement", language, text=_short(text))
    _, openers, _ = _words(language)
    phrase, verb_phrase = feature.strip().rstrip(".,;"), True
    at = text.find(phrase)
    if at >= 0 and "," in text[at + len(phrase) : at + len(phrase) + 2]:
        phrase = text[at:]  # the rules' feature stops at a list's first comma: "i formaten PDF, DWG och JPEG"
    stripped = True
    while stripped:
        stripped = False
        for opener in openers:
            if phrase.lower().startswith(opener + " "):
                phrase = phrase[len(opener) + 1 :]
                # "ha stöd för inloggning": a noun follows; "kunna exportera", "stöd för att ladda": a verb.
                verb_phrase = opener.endswith(("att", "to", "kunna")) or opener in ("automatiskt", "automatically")
                stripped = True
                break
    phrase = _short(phrase)
    if len(phrase.split()) < 2:  # "krypteras": too little to ask about on its own
        return messages.text("UG001", "quoted_requirement", language, text=_short(text))
    if verb_phrase:
        return messages.text("UG001", "ability", language, phrase=phrase)
    return _lower_first(phrase)


def question(requirement: Requirement, feature: str | None, goal: Goal | None, goal_ids: Sequence[str]) -> str:
    """The question for the business owner, from the requirement's own feature and user."""
    language = requirement.language
    _, _, default_user = _words(language)
    user = user_of(requirement) or default_user
    np = feature_phrase(requirement, feature)
    asked = messages.text("UG001", "question", language, feature=np, user=user)
    if goal is not None:
        return asked + messages.text("UG001", "question_goal", language, goal=goal_name(goal, language))
    if goal_ids:
        return asked + messages.text("UG001", "question_goals", language, goals=", ".join(goal_ids[:MAX_GOALS_NAMED]))
    return asked


def rationale_key(location: Location) -> str | None:
    """Which table a row belongs to, for looking up its rationale column: the sheet, or the DOCX table."""
    if location.sheet is not None:
        return f"sheet:{location.sheet}"
    if location.table is not None:
        return f"table:{location.table}"
    return None


def rewrite(
    requirement: Requirement,
    goal: Goal | None,
    link: GoalLink | None,
    goal_ids: Sequence[str],
    *,
    matrix_row: bool,
    rationale_column: str | None,
) -> str:
    """The requirement word for word with the reason to fill in: the goal it most resembles first, in that
    goal's own words; for a matrix row with a rationale column, what to write in that column instead."""
    language = requirement.language
    original = requirement.text.strip().rstrip(".;:").rstrip()
    _, _, default_user = _words(language)
    user = user_of(requirement) or default_user
    choices = " / ".join(goal_ids[:MAX_GOALS_NAMED])
    if goal is not None:
        # The goal's own words, those the requirement shares with it first; no modal verb of the goal's
        # enters the rewrite, which must keep the requirement's ska/bör as they are.
        words = ", ".join((link.terms if link is not None else ())[:3]) or _short(
            _dropped_from_goals().sub("", goal.text), GOAL_WORDS_QUOTED
        )
        name = goal.id if goal.id and not goal.generated else None
        others = " / ".join(g for g in goal_ids if g != name)  # the document's other goals, after it
        target = (
            messages.text("UG001", "target_named", language, name=name, words=words)
            if name
            else messages.text("UG001", "target_unnamed", language, words=words)
        )
        joiner = messages.text("UG001", "joiner_goal", language)
        reason = messages.text("UG001", "reason_goal", language, target=target)
        if others:
            reason += messages.text("UG001", "reason_other_goals", language, goals=others)
    else:
        joiner = messages.text("UG001", "joiner_problem", language)
        reason = messages.text("UG001", "reason_problem", language, user=user)
        if goal_ids:
            reason += messages.text("UG001", "reason_problem_goals", language, goals=choices)
    if matrix_row and rationale_column:
        return messages.text("UG001", "fill_column", language, column=rationale_column, reason=reason)
    if matrix_row:
        return messages.text("UG001", "matrix_row", language, requirement=original, reason=reason)
    return messages.text("UG001", "sentence", language, requirement=original, joiner=joiner, reason=reason)


def rationale_columns(blocks: Sequence[Block]) -> dict[str, str]:
    """The header of each table's rationale column (``CellRole.RATIONALE``), by ``rationale_key``."""
    from ..models import CellRole

    found: dict[str, str] = {}
    for block in blocks:
        key = rationale_key(block.location) if block.cells else None
        if key is None or key in found:
            continue
        for cell in block.cells:
            if cell.role is CellRole.RATIONALE and (cell.header or (block.is_header and cell.text)):
                found[key] = (cell.header or cell.text).strip()
                break
    return found
