"""spaCy pipelines built on ``spacy.blank`` (no model downloads): tokenizer, sentencizer that
knows Swedish/English abbreviations, and a Matcher over the lexicon's word lists."""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ..models import Language
from .bounded import process
from .lexicon import Lexicon, lexicon_patterns, load_lexicon, words_in_any_language

if TYPE_CHECKING:  # spaCy is imported lazily: `--help` must not pay for it
    from spacy.language import Language as SpacyLanguage
    from spacy.tokens import Doc


# The lexicon lists that hold modal verbs: a text with one of them is a sentence-form requirement.
MODAL_LABELS = ("modal_ska", "modal_bör", "need_modals", "story_modals", "weak_modals")


def _noun_after_modal(word: str) -> bool:
    """ "ska krav", "bör-krav", "shall requirements": the modal word is part of a noun (any language)."""
    return word.removeprefix("-") in words_in_any_language("requirement_nouns")


class LexiconMatcher:
    """The spaCy ``Matcher``'s results for the lexicon's patterns, computed without its per-token Python predicates.

    spaCy calls a Python function for every REGEX/IN token spec at every token and pattern state,
    which made the matcher most of the review's time. The lexicon's patterns only use ``LOWER``
    (exact, ``IN``, ``REGEX``) and ``IS_ALPHA`` specs with the quantifiers one and ``?``; a spec
    depends on the word alone, so the specs a word satisfies are worked out once per distinct word
    and cached, and the patterns are then matched over those sets. The result is exactly the
    Matcher's: every (label, start, end) whose tokens match a pattern of the label, once, end > start
    (``tests/test_lexicon_matcher.py`` checks it against spaCy's Matcher).
    """

    def __init__(self, patterns: dict[str, list[list[dict[str, Any]]]]):
        spec_ids: dict[str, int] = {}
        self._exact: dict[str, set[int]] = {}  # lower-cased word -> ids of the exact/IN specs it satisfies
        # "^word" and "word$" regexes (nearly all of them) are looked up as prefixes and suffixes:
        # one dictionary probe per length instead of one re.search per regex for every new word.
        self._prefixes: dict[str, list[int]] = {}
        self._suffixes: dict[str, list[int]] = {}
        self._regexes: list[tuple[re.Pattern[str], int]] = []
        self._alpha: list[int] = []
        self._patterns: list[tuple[str, tuple[tuple[int, bool], ...]]] = []
        # spec id -> (pattern index, position): the pattern can start with that token (the ones before it optional)
        self._starts: dict[int, list[tuple[int, int]]] = {}
        for label, label_patterns in patterns.items():
            for pattern in label_patterns:
                compiled = []
                for token in pattern:
                    spec = {k: v for k, v in token.items() if k != "OP"}
                    op = token.get("OP")
                    if op not in (None, "?") or len(spec) != 1:
                        raise ValueError(f"unsupported lexicon pattern token: {token}")
                    key = repr(sorted(spec.items()))
                    if key not in spec_ids:
                        spec_ids[key] = len(spec_ids)
                        self._add_spec(spec, spec_ids[key])
                    compiled.append((spec_ids[key], op == "?"))
                index = len(self._patterns)
                self._patterns.append((label, tuple(compiled)))
                for position, (spec_id, optional) in enumerate(compiled):
                    self._starts.setdefault(spec_id, []).append((index, position))
                    if not optional:
                        break
        # A word's (ORTH) specs and the patterns that may start at it: (label, pattern, position of the next token).
        self._words: dict[int, tuple[frozenset[int], tuple[tuple[str, tuple[tuple[int, bool], ...], int], ...]]] = {}
        self._specs_of: dict[tuple[int, int], frozenset[int]] = {}  # (LOWER, IS_ALPHA) -> specs
        # Every beginning of a listed prefix (end of a suffix) at least as long as the shortest one: a word's
        # prefixes are tried from the shortest up, and only while they still begin a listed one.
        self._head = min((len(affix) for affix in [*self._prefixes, *self._suffixes]), default=1)
        self._prefix_stems = {p[:k] for p in self._prefixes for k in range(self._head, len(p) + 1)}
        self._suffix_stems = {x[-k:] for x in self._suffixes for k in range(self._head, len(x) + 1)}

    def _add_spec(self, spec: dict[str, Any], spec_id: int) -> None:
        ((attr, value),) = spec.items()
        if attr == "IS_ALPHA" and value is True:
            self._alpha.append(spec_id)
        elif attr == "LOWER" and isinstance(value, str):
            self._exact.setdefault(value, set()).add(spec_id)
        elif attr == "LOWER" and isinstance(value, dict) and set(value) == {"IN"}:
            for word in value["IN"]:
                self._exact.setdefault(word, set()).add(spec_id)
        elif attr == "LOWER" and isinstance(value, dict) and set(value) == {"REGEX"}:
            regex = value["REGEX"]
            if (literal := _anchored_literal(regex, "^")) is not None:
                self._prefixes.setdefault(literal, []).append(spec_id)
            elif (literal := _anchored_literal(regex, "$")) is not None:
                self._suffixes.setdefault(literal, []).append(spec_id)
            else:
                self._regexes.append((re.compile(regex), spec_id))  # spaCy's REGEX is re.search
        else:
            raise ValueError(f"unsupported lexicon pattern spec: {spec}")

    def _word(
        self, orth: int, vocab
    ) -> tuple[frozenset[int], tuple[tuple[str, tuple[tuple[int, bool], ...], int], ...]]:  # noqa: ANN001
        """The specs a word satisfies (they depend on its LOWER and IS_ALPHA alone) and the patterns that may start there."""
        lexeme = vocab[orth]
        key = (lexeme.lower, int(lexeme.is_alpha))
        specs = self._specs_of.get(key)
        if specs is None:
            specs = self._specs_of[key] = self._word_specs(lexeme.lower_, lexeme.is_alpha)
        starting = (
            tuple(
                (self._patterns[index][0], self._patterns[index][1], position + 1)
                for spec_id in sorted(specs)
                for index, position in self._starts.get(spec_id, ())
            )
            if specs
            else ()
        )
        entry = self._words[orth] = (specs, starting)
        return entry

    def _word_specs(self, lower: str, is_alpha: bool) -> frozenset[int]:
        found = set(self._exact.get(lower, ()))
        head = self._head
        for length in range(head, len(lower) + 1):
            prefix = lower[:length]
            if prefix not in self._prefix_stems:
                break
            found.update(self._prefixes.get(prefix, ()))
        for length in range(head, len(lower) + 1):
            suffix = lower[-length:]
            if suffix not in self._suffix_stems:
                break
            found.update(self._suffixes.get(suffix, ()))
        found.update(spec_id for regex, spec_id in self._regexes if regex.search(lower))
        if is_alpha:
            found.update(self._alpha)
        return frozenset(found)

    def __call__(self, doc: Doc) -> dict[str, set[tuple[int, int]]]:
        """label -> the (start, end) token spans its patterns match in ``doc``."""
        from spacy.attrs import ORTH

        found: dict[str, set[tuple[int, int]]] = {}
        if not len(doc):
            return found
        known, vocab = self._words, doc.vocab
        entries = [known.get(orth) or self._word(orth, vocab) for orth in doc.to_array(ORTH).tolist()]
        sets = [specs for specs, _ in entries]
        n = len(sets)

        def ends(pattern: tuple[tuple[int, bool], ...], position: int, i: int, out: set[int]) -> None:
            while position < len(pattern):
                spec_id, optional = pattern[position]
                if not optional:
                    if i < n and spec_id in sets[i]:
                        position += 1
                        i += 1
                        continue
                    return
                if i < n and spec_id in sets[i]:
                    ends(pattern, position + 1, i + 1, out)
                position += 1  # the optional token skipped
            out.add(i)

        for start, (_, starting) in enumerate(entries):
            for label, pattern, position in starting:
                out: set[int] = set()
                ends(pattern, position, start + 1, out)
                if out:
                    spans = found.setdefault(label, set())
                    spans.update((start, end) for end in out)
        return found


_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])+")


def _anchored_literal(regex: str, anchor: str) -> str | None:
    """The plain text of ``^text`` (anchor "^") or ``text$`` (anchor "$"), or None for any other regex."""
    body = (
        regex[1:]
        if anchor == "^" and regex.startswith("^")
        else regex[:-1]
        if anchor == "$" and regex.endswith("$")
        else None
    )
    if not body or not _LITERAL.fullmatch(body) or body.endswith("\\"):
        return None
    return re.sub(r"\\(.)", r"\1", body)


# Docs kept per pipeline: segmentation, UG001, UG102 and UG103 each read the same requirement text,
# so it is tokenised once. Bounded, so a long document does not keep all its Docs: 256 outside a
# document's review (eval, lint_text), up to 5,000 while one document is reviewed (``document_docs``),
# since its checks read the requirements in several passes and a tender's texts recur: on a 1,000-page
# tender 6 % less time for 20 MB more, given back when the document is done.
_DOC_CACHE_SIZE = 256
_DOCUMENT_DOC_LIMIT = 5_000
_IN_DOCUMENT: ContextVar[bool] = ContextVar("upphandlingsgranskare_document_docs", default=False)
_BUILT: list[Pipeline] = []


@contextmanager
def document_docs() -> Iterator[None]:
    """While one document is reviewed, keep every Doc parsed (up to ``_DOCUMENT_DOC_LIMIT``), so each text is
    tokenised once by segmentation, labelling and every check; afterwards back to the small bound."""
    token = _IN_DOCUMENT.set(True)
    try:
        yield
    finally:
        _IN_DOCUMENT.reset(token)
        if not _IN_DOCUMENT.get():
            for pipeline in _BUILT:
                pipeline.keep_newest(_DOC_CACHE_SIZE)


@dataclass
class Pipeline:
    language: Language
    nlp: SpacyLanguage
    matcher: LexiconMatcher
    lexicon: Lexicon
    _docs: dict[str, Doc] = field(default_factory=dict, repr=False)

    def __call__(self, text: str) -> Doc:
        """The Doc of ``text``, shared by every caller: treat it as read-only."""
        doc = self._docs.pop(text, None)
        if doc is None:
            doc = process(self.nlp, text)  # long text in chunks: bounded time, no [E088]
            if len(self._docs) >= (_DOCUMENT_DOC_LIMIT if _IN_DOCUMENT.get() else _DOC_CACHE_SIZE):
                del self._docs[next(iter(self._docs))]  # the least recently used
        self._docs[text] = doc
        return doc

    def keep_newest(self, count: int) -> None:
        """Drop all but the ``count`` most recently used Docs."""
        for text in list(self._docs)[: max(len(self._docs) - count, 0)]:
            del self._docs[text]

    def matches(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        """Lexicon matches in ``doc``: label -> sorted [(start, end)] token offsets (shared: read-only)."""
        user_data: dict[Any, Any] = doc.user_data  # spaCy's own keys are tuples too; its stubs say str
        cached = user_data.get(("ug", "matches"))
        if cached is None:
            cached = user_data[("ug", "matches")] = self._matches(doc)
        return cached

    def _matches(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for label, start, end in sorted(
            (label, start, end) for label, spans in self.matcher(doc).items() for start, end in spans
        ):
            if label.startswith("modal_") or label == "weak_modals":
                if end < len(doc) and _noun_after_modal(doc[end].lower_):
                    continue  # "ska krav", "bör-krav": the noun, not the verb
                if start > 0 and doc[start - 1].lower_ in words_in_any_language("clause_openers"):
                    continue  # "vilken leverantör som ska kontaktas": a relative clause, not the requirement
            if label == "need_modals" and _in_relative_clause(doc, start):
                continue  # "vägval som projektet behöver göra": the need of a relative clause
            found.setdefault(label, []).append((start, end))
        for spans in found.values():
            spans.sort()
        return found


def lowers(doc: Doc) -> list[str]:
    """Every token's lower-cased text, computed once per Doc (``doc[i].lower_`` builds a Token each time)."""
    user_data: dict[Any, Any] = doc.user_data
    cached = user_data.get(("ug", "lowers"))
    if cached is None:
        from spacy.attrs import LOWER

        strings = doc.vocab.strings
        cached = user_data[("ug", "lowers")] = [strings[h] for h in doc.to_array(LOWER).tolist()] if len(doc) else []
    return cached


def _in_relative_clause(doc: Doc, start: int) -> bool:
    """A relative pronoun up to four words before ``start``, with no comma between."""
    for token in reversed(doc[max(0, start - 4) : start]):
        if token.text in {",", ";", ":"}:
            return False
        if token.lower_ in words_in_any_language("clause_openers"):
            return True
    return False


def _fix_abbreviation_boundaries(language: Language):
    abbreviations = set(load_lexicon(language).words("abbreviations"))

    def component(doc: Doc) -> Doc:
        from spacy.attrs import SENT_START

        if len(doc) < 3:
            return doc
        # Only the sentencizer's sentence starts are looked at (one Token object each, not one per token);
        # a token's decision reads its own start flag, so clearing one does not change the others.
        # The array is uint64 (-1 reads as 2**64 - 1): compare with 1, the value of a start.
        flags = doc.to_array(SENT_START)
        cleared = []
        for i in (flags == 1).nonzero()[0].tolist():
            if i < 2:
                continue
            token = doc[i]
            prev = doc[i - 1]
            before = doc[i - 2]
            abbreviation = None
            if prev.text == "." and before.whitespace_ == "":
                abbreviation = before.text.lower()
            elif prev.text.endswith(".") and len(prev.text) > 1:
                abbreviation = prev.text[:-1].lower()
            # A new sentence must start with an uppercase letter, a digit or a quote.
            starts_like_sentence = token.text[:1].isupper() or token.text[:1].isdigit() or token.text[:1] in "\"'(«"
            if (abbreviation and abbreviation in abbreviations) or not starts_like_sentence:
                cleared.append(i)
        if cleared:
            # One write for all: setting Token.is_sent_start scans the whole Doc each time (O(n) per token).
            flags[cleared] = flags.dtype.type(-1 & 0xFFFFFFFFFFFFFFFF)  # -1 ("not a start") in uint64
            doc.from_array([SENT_START], flags.reshape(-1, 1))  # type: ignore[arg-type]  # uint64, as to_array gave it
        return doc

    return component


def import_spacy():
    """``import spacy``, without the import of spaCy's own command line.

    spaCy's ``__init__`` imports ``spacy.cli`` (typer commands, requests, httpx, weasel) only to
    offer ``spacy.info``: about a third of spaCy's import time, on every review. A finder skips
    ``spacy.cli`` and ``spacy.cli.info`` during that one import and leaves ``spacy.info`` a stub
    that imports the real one on first call; afterwards ``import spacy.cli`` works as usual. On
    any surprise (another spaCy version) spaCy is imported the ordinary way.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    import importlib.abc
    import importlib.machinery

    skipped = ("spacy.cli", "spacy.cli.info")

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    class _SkipCli(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path, target=None):
            if name in skipped:
                return importlib.machinery.ModuleSpec(name, self, is_package=name == "spacy.cli")
            return None

        def create_module(self, spec):
            return None

        def exec_module(self, module) -> None:
            if module.__name__ == "spacy.cli.info":
                module.info = info

    finder = _SkipCli()
    sys.meta_path.insert(0, finder)
    try:
        import spacy
    except Exception:  # noqa: BLE001 - fall back to the ordinary import below
        spacy = None
    finally:
        sys.meta_path.remove(finder)
        stubs = [sys.modules.pop(name, None) for name in skipped]
    if spacy is None:
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy

        return spacy
    if getattr(spacy, "cli", None) is stubs[0]:
        del spacy.cli  # so that ``import spacy.cli`` loads the real package
    return spacy


# The lexical attributes the review reads (token.is_alpha, is_punct, is_space, like_num, lower_; LANG and
# NORM as spaCy sets them). spaCy computes every attribute of its language for each new word (shape,
# prefix, suffix, is_stop, like_url, …): with these alone a new word costs 22 % less. The others are
# left at their defaults, so code reading another attribute adds it here (tests/test_startup.py checks).
_READ_ATTRIBUTES = ("IS_ALPHA", "IS_PUNCT", "IS_SPACE", "LIKE_NUM", "LOWER", "NORM", "LANG")


def _keep_read_attributes(nlp: SpacyLanguage) -> None:
    from spacy import attrs

    keep = {attrs.IDS[name] for name in _READ_ATTRIBUTES}
    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]  # a Cython attribute the stubs leave out
    for attr in [a for a in getters if a not in keep]:
        del getters[attr]


@cache
def get_pipeline(language: Language) -> Pipeline:
    spacy = import_spacy()
    from spacy.language import Language as SpacyLanguage

    nlp = spacy.blank(language)
    _keep_read_attributes(nlp)
    nlp.add_pipe("sentencizer")
    name = f"ug_abbreviation_boundaries_{language}"
    if name not in SpacyLanguage.factories:
        SpacyLanguage.component(name, func=_fix_abbreviation_boundaries(language))
    nlp.add_pipe(name, after="sentencizer")
    lexicon = load_lexicon(language)
    pipeline = Pipeline(language=language, nlp=nlp, matcher=LexiconMatcher(lexicon_patterns(lexicon)), lexicon=lexicon)
    _BUILT.append(pipeline)
    # What is loaded so far lives as long as the process: out of the cyclic collector's reach, so the
    # full collections during a long review do not walk spaCy's and the word lists' objects again and again.
    gc.freeze()
    return pipeline
