"""A statistical second opinion on the rules' label: multinomial logistic regression.

The rules (``classify``) read the requirement clause by clause and say *why* they chose a label.
They are exact where their word lists reach and brittle where real tenders word things in
ways the lists did not foresee. This model sees the rules' label and reason together with
the item's words, lexicon hits, heading, rationale cell and lead-in, and has learned from the
labelled training corpus (``corpora/training/``) and the dev split when the rules' label holds
and when it does not. Its label replaces the rules' label under three thresholds (``override_above``,
``flag_above``, ``rescope_above``; see ``LabelModel``), the first two chosen by cross-validation on
training data, never on the test split.

Pure numpy, about 16,000 hashed features × 4 labels in a packaged ``label_model.npz`` (0.3 MB),
no download and about 0.1 ms per requirement on top of the rules. ``eval/train_label_model.py`` trains it; the
model file records the sha256 of every training file, and a test checks that they match.
"""

from __future__ import annotations

import gc
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from ..labels import LABELS, Reason
from ..models import Language
from .sections import numbering_depth

if TYPE_CHECKING:
    from ..checks.base import DocumentContext
    from ..models import Requirement
    from .classify import Assessment

MODEL_FILE = "label_model.npz"
# The same model trained with each item's sentence embedding beside its features (``--embeddings``,
# ``nlp/embeddings.py``): its probabilities need the requirement's vector.
EMBEDDINGS_MODEL_FILE = "label_model_embeddings.npz"
# Rules' reasons the model never overrides: a lone lead-in ("… shall meet the following:" with no list
# after it), which no training item is; and the annotation guide's boundary rules that a word decides:
# a row asking the bidder to describe or state something, a penalty or support term, and a requirement on
# the solution put through the bidder ("The bidder confirms that the proposed solution will …").
RULES_FINAL = frozenset({Reason.LEAD_IN, Reason.BID_INSTRUCTION, Reason.CONTRACT_TERM, Reason.SOLUTION_CLAUSE})
# Rules' reasons under which the model never flags: a rationale cell that states a reason settles the
# need whatever its length (the annotation guide: "Patientsäkerhet" is a stated reason). The model may
# still put such a row out of scope.
NEVER_FLAGGED = frozenset({Reason.RATIONALE})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+", re.UNICODE)
_MAX_TEXT_WORDS = 60


@dataclass(frozen=True)
class ItemView:
    """What the model reads of one requirement: the same inputs the rules get."""

    text: str  # with its lead-in, as classify() gets it
    language: Language
    rationale: str | None
    heading: str | None
    table_row: bool


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def features(
    view: ItemView, assessment: Assessment, match_labels: Iterable[tuple[str, str]], structure: Iterable[str] = ()
) -> list[str]:
    """Feature strings of one item. ``match_labels``: (lexicon list, "pre"|"post") for each lexicon hit,
    "pre" when it stands before the requirement's modal verb; ``structure``: what kind of statement it is
    and whose obligation (``statement_structure``)."""
    lang = view.language
    found: list[str] = [
        "bias",
        f"lang={lang}",
        f"rl={assessment.label}",
        f"rr={assessment.reason}",
        f"rl={assessment.label}|{lang}",
        f"rr={assessment.reason}|{lang}",
        f"row={view.table_row}",
    ]
    for label, where in sorted(set(match_labels)):
        found.append(f"m={label}")
        found.append(f"m={label}|{where}")
        found.append(f"m={label}|{where}|rl={assessment.label}")
        found.append(
            f"m={label}|{where}|rr={assessment.reason}"
        )  # e.g. an actor noun before the modal when the rules saw a purpose
    words = _words(view.text)[:_MAX_TEXT_WORDS]
    for part in structure:
        found.append(f"s={part}")
        found.append(f"s={part}|rl={assessment.label}")
    found.append(f"len={min(len(words) // 5, 8)}")
    for i, word in enumerate(words):
        found.append(f"{lang}:u={word}")
        if i + 1 < len(words):
            found.append(f"{lang}:b={word}_{words[i + 1]}")
    if words:
        found.append(f"{lang}:f1={words[0]}")
        found.append(f"{lang}:f2={'_'.join(words[:2])}")
    if view.heading:
        heading_words = [w for w in _words(view.heading) if not w.isdigit()]
        found.extend(f"{lang}:h={w}" for w in heading_words[:8])
        # How deep in the numbering: "3.2.1.1 Flight Route Planning" specifies, "1. Overview" introduces.
        found.append(f"hdepth={min(numbering_depth(view.heading), 4)}")
    rationale = (view.rationale or "").strip(" -–—.")
    if rationale:
        rationale_words = _words(rationale)
        found.append(f"rat=words{min(len(rationale_words), 6)}")
        found.extend(f"{lang}:r={w}" for w in rationale_words[:12])
    else:
        found.append("rat=none")
    return found


def label_model_fingerprint() -> str:
    """A hash of what the model's features are made of: the word lists, the rules (their labels and
    reasons are features) and the feature code. The model records it when trained; a test fails when
    it no longer matches, so a new reason or word list never goes unnoticed by a stale model."""
    import hashlib
    import inspect

    from .. import labels
    from . import classify, sections, statement_kind

    digest = hashlib.sha256()
    lexicons = resources.files("upphandlingsgranskare.nlp").joinpath("lexicons")
    for name in sorted(p.name for p in lexicons.iterdir() if p.name.endswith(".yaml")):
        digest.update(lexicons.joinpath(name).read_bytes())
    for rules in (labels, classify, sections, statement_kind):
        digest.update(inspect.getsource(rules).encode("utf-8"))
    for part in (features, _item_features, _side, statement_structure, _behaviour_verb):
        digest.update(inspect.getsource(part).encode("utf-8"))
    return digest.hexdigest()


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


_MAX_CACHED_ITEMS = 4096  # items' probabilities kept (about 3 MB with their features)
_MAX_CACHED_FEATURES = 100_000  # about 10 MB at the most (a 1,000-page tender has some 60,000 distinct features)


class LabelModel:
    """Weights per hashed feature and label; ``probabilities`` is a softmax over the four labels.

    ``flag_above``: the model flags (feature_without_need) only at this probability or more, else it
    gives its best other label; a linter's false alarm costs the officer more than a miss.
    ``override_above``: the model's label replaces the rules' label only at this probability or more.
    ``rescope_above``: a requirement the rules put out of scope is brought into scope only at this
    probability or more, since the other checks (UG103, UG2xx) then judge it too: a wrong move
    into scope costs more findings than one label.
    ``dense``: weights per dimension of the requirement's sentence embedding and label (the embeddings
    model), added to the hashed features' logits; such a model needs the vector for every item.
    """

    def __init__(
        self,
        keys: np.ndarray,
        weights: np.ndarray,
        override_above: float,
        meta: dict,
        flag_above: float = 0.5,
        rescope_above: float = 0.0,
        dense: np.ndarray | None = None,
    ) -> None:
        order = np.argsort(keys)
        self.keys = keys[order].astype(np.uint32)
        self.weights = weights[order].astype(np.float32)
        self.override_above = float(override_above)
        self.flag_above = float(flag_above)
        self.rescope_above = float(rescope_above)
        self.dense = None if dense is None else np.asarray(dense, np.float32)
        self.meta = meta
        self._index = {int(k): i for i, k in enumerate(self.keys)}
        # Feature string -> its weight row (-1: not in the model). Features repeat from requirement to
        # requirement, and a dict lookup is cheaper than hashing the string again.
        self._row_of: dict[str, int] = {}
        # Features of an item -> its probabilities (never written to): a requirement recurs within a tender and across
        # a batch, and its features come from one cache (``_item_features``), so the tuple is hashed cheaply.
        self._probabilities_of: dict[tuple, np.ndarray] = {}

    @property
    def needs_vector(self) -> bool:
        return self.dense is not None

    def _rows(self, feature_strings: Sequence[str]) -> list[int]:
        """The distinct weight rows of the features, sorted: then the float sum and hence the label never
        depend on string hashing (PYTHONHASHSEED). Two features with one hash count once, as one row."""
        row_of = self._row_of
        if len(row_of) > _MAX_CACHED_FEATURES:
            row_of.clear()
        rows = set()
        for feature in feature_strings:
            row = row_of.get(feature)
            if row is None:
                row = row_of[feature] = self._index.get(_hash(feature), -1)
            if row >= 0:
                rows.add(row)
        return sorted(rows)

    def probabilities(self, feature_strings: Sequence[str], vector: np.ndarray | None = None) -> np.ndarray:
        rows = self._rows(feature_strings)
        logits = self.weights[rows].sum(axis=0) if rows else np.zeros(len(LABELS), np.float32)
        if self.dense is not None:
            if vector is None:
                raise ValueError("this label model reads sentence embeddings: give the requirement's vector")
            logits = logits + np.asarray(vector, np.float32) @ self.dense
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def label_of(self, probs: np.ndarray) -> int:
        if probs[0] >= self.flag_above:
            return 0
        return 1 + int(probs[1:].argmax())

    def decide(
        self,
        feature_strings: Sequence[str],
        rules_label: str,
        rules_reason: str | None = None,
        vector: np.ndarray | None = None,
    ) -> tuple[str, float]:
        """The label to report and the model's probability for it: the model's label where its
        probability reaches ``override_above``, else the rules' label. ``vector``: the requirement's
        sentence embedding, for a model with ``dense`` weights."""
        features = tuple(feature_strings)
        key: tuple = features if vector is None or self.dense is None else (features, vector.tobytes())
        probs = self._probabilities_of.get(key)
        if probs is None:
            if len(self._probabilities_of) >= _MAX_CACHED_ITEMS:
                self._probabilities_of.clear()
            probs = self._probabilities_of[key] = self.probabilities(features, vector)
        label = self.combine(probs, rules_label, rules_reason)
        return label, float(probs[LABELS.index(label)])

    def combine(self, probs: np.ndarray, rules_label: str, rules_reason: str | None = None) -> str:
        best = LABELS[self.label_of(probs)]
        if best == rules_label or probs[LABELS.index(best)] < self.override_above:
            return rules_label
        if rules_reason in RULES_FINAL:
            return rules_label
        if best == LABELS[0] and rules_reason in NEVER_FLAGGED:
            return rules_label
        if rules_label == "out_of_scope" and probs[LABELS.index(best)] < self.rescope_above:
            return rules_label
        return best

    def save(self, path) -> None:
        arrays: dict[str, Any] = {
            "keys": self.keys,
            "weights": self.weights,
            "override_above": np.array(self.override_above),
            "flag_above": np.array(self.flag_above),
            "rescope_above": np.array(self.rescope_above),
            "meta": np.array(json.dumps(self.meta, ensure_ascii=False, sort_keys=True)),
        }
        if self.dense is not None:
            arrays["dense"] = self.dense
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path) -> LabelModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["keys"],
                data["weights"],
                float(data["override_above"]),
                json.loads(str(data["meta"])),
                flag_above=float(data["flag_above"]),
                rescope_above=float(data["rescope_above"]),
                dense=data["dense"] if "dense" in data else None,
            )


@lru_cache(maxsize=2)
def packaged_model(embeddings: bool = False) -> LabelModel | None:
    """The shipped model, or None when the package has none (the rules then decide alone);
    ``embeddings``: the one that reads sentence embeddings too."""
    resource = resources.files("upphandlingsgranskare.nlp").joinpath(
        EMBEDDINGS_MODEL_FILE if embeddings else MODEL_FILE
    )
    if not resource.is_file():
        return None
    with resources.as_file(resource) as path:
        model = LabelModel.load(path)
    gc.freeze()  # loaded for the life of the process: kept out of the cyclic collector's full passes
    return model


# -- reading a requirement -----------------------------------------------------------------


def item_features(view: ItemView, assessment: Assessment) -> list[str]:
    """``features`` with the lexicon hits of the item's text, read by the language's pipeline."""
    return list(_item_features(view, assessment))


@lru_cache(maxsize=4096)  # the same requirement recurs within a tender and across a batch; both keys are immutable
def _item_features(view: ItemView, assessment: Assessment) -> tuple[str, ...]:
    from .classify import strip_leading_id
    from .pipeline import MODAL_LABELS, get_pipeline
    from .statement_kind import inverted_subject

    pipeline = get_pipeline(view.language)
    doc = pipeline(strip_leading_id(view.text))  # the Doc classify() parsed: pipelines share one per text
    matches = pipeline.matches(doc)
    modal_at = min(
        (spans[0][0] for label, spans in matches.items() if label in MODAL_LABELS and spans), default=len(doc)
    )
    subject_at = inverted_subject(doc, modal_at, pipeline.lexicon.words("inversion_starters"), _AFTER_MODAL_SKIP)
    hits = [(label, _side(start, modal_at, subject_at)) for label, spans in matches.items() for start, _ in spans]
    return tuple(features(view, assessment, hits, statement_structure(doc, modal_at, view.language, subject_at)))


def _side(start: int, modal_at: int, subject_at: int | None) -> str:
    """Where a lexicon hit stands: "pre" in the subject (before the modal; in an inverted clause, the subject
    after it), "adv" in an inverted clause's opening adverbial ("Om betalningen misslyckas ska …"), else "post"."""
    if subject_at is None:
        return "pre" if start < modal_at else "post"
    if start < modal_at:
        return "adv"
    return "pre" if start == subject_at else "post"


# Words that say little about whose obligation a statement is, skipped when reading the verb after the modal.
_AFTER_MODAL_SKIP = frozenset(
    """
    not also only always then able to be kunna inte också även alltid endast därför ikke kunne være bli vara have
    ha further automatically automatiskt
    """.split()
)
_PASSIVE_AUXILIARIES = frozenset({"be", "been", "bli", "vara", "være", "bliva"})
_PRONOUNS = frozenset(
    """
    we i it they this these you he she our vi jag det den de man detta dessa du vår vårt våra hon han
    """.split()
)


def statement_structure(doc, modal_at: int, language: str, subject_at: int | None = None) -> list[str]:
    """What kind of statement an item is and whose obligation, in terms that carry across buyers: the modal
    verb, the shape of the word before it (the subject's head: a pronoun such as "we", an acronym naming a
    system such as "TCS", a capitalised name, or the word itself), whether the verb after it is passive,
    the verb itself and the pair of subject and verb, how many sentences the item has (descriptive text runs
    to several) and where the modal stands in them (``clause_shape``). ``subject_at``: the subject after the
    modal in an inverted clause (``inverted_subject``)."""
    from .statement_kind import clause_shape, is_acronym, subject_head

    out = [f"sents={min(sum(1 for _ in doc.sents), 3)}"]
    if modal_at >= len(doc):
        out.append("modal=none")
        return out
    out.append(f"{language}:modal={doc[modal_at].lower_}")
    head = subject_head(doc, modal_at) if subject_at is None else doc[subject_at]
    # shape: the subject as the machine-verb feature pools it (none, pron, acronym, name or word)
    if head is None:
        subject, shape = "subj=none", "none"
    elif head.lower_ in _PRONOUNS:
        subject, shape = f"{language}:subj=pron:{head.lower_}", "pron"
    elif is_acronym(head):
        subject, shape = "subj=acronym", "acronym"
    elif head.text[:1].isupper() and head.i > 0:
        subject, shape = "subj=name", "name"
    else:
        subject, shape = f"{language}:subj={head.lower_}", "word"
    out.append(subject)
    verb_from = modal_at + 1 if subject_at is None else subject_at + 1
    after = [t for t in doc[verb_from : verb_from + 5] if t.is_alpha]
    if after and after[0].lower_ in _PASSIVE_AUXILIARIES:
        out.append("voice=passive")
    verb = next((t for t in after if t.lower_ not in _AFTER_MODAL_SKIP), None)
    if verb is not None:
        out.append(f"{language}:verb={verb.lower_}")
        # Who does what: a named body that provides or undertakes ("SwRI shall provide …") is no system.
        out.append(f"{language}:{subject.split(':', 1)[-1]}|verb={verb.lower_}")
        if _behaviour_verb(verb.lower_, language):
            # What a machine does ("Grid objects will contain …", "the XCP will reboot"), pooled over the verbs
            # and the subject's shape, so that a part of the system no solution word names reads as the system.
            out.append("verb=behaviour")
            out.append(f"verb=behaviour|subj={shape}")
    return out + clause_shape(doc, modal_at)


def _behaviour_verb(word: str, language: str) -> bool:
    """Whether the word's lemma is in the language's ``behaviour_verbs`` (what a machine does)."""
    from .lemmas import lemma_table

    verbs = _behaviour_verbs(language)
    return bool(verbs) and lemma_table(language).get(word, word) in verbs


@lru_cache(maxsize=8)
def _behaviour_verbs(language: str) -> frozenset[str]:
    from .pipeline import get_pipeline

    return frozenset(get_pipeline(language).lexicon.words("behaviour_verbs"))


def as_lead_in(text: str | None) -> str | None:
    """A list's lead-in as the item is read with it, ending in ":" ("Staff should have the ability to:").

    Segmentation sets a requirement's ``context`` only to the lead-in of its list, which may lack the
    colon; a gold item's ``lead_in`` is one by definition. Both are read the same way."""
    if not text or not text.strip():
        return None
    text = text.rstrip()
    return text if text.endswith(":") else text + ":"


def requirement_view(requirement: Requirement, context: DocumentContext) -> ItemView:
    """What UG001 judges, for the rules and this model alike: a list item with its lead-in
    ("Systemet ska stödja följande: ..."), the rationale unless the policy is "inline" (then only the
    requirement's own words count)."""
    text = requirement.text
    lead = as_lead_in(requirement.context)
    if lead:
        text = f"{lead} {requirement.text}"
    return ItemView(
        text=text,
        language=requirement.language,
        rationale=None if context.rationale_policy == "inline" else requirement.rationale,
        heading=requirement.heading_path[-1] if requirement.heading_path else None,
        table_row=requirement.matrix_row,
    )
