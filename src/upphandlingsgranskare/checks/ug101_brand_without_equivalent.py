"""UG101 brand-without-equivalent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

from ..labels import Label, Reason
from ..models import Finding, Language, Requirement
from ..nlp.pipeline import get_pipeline
from . import messages
from ._support import load_data
from .base import Check, DocumentContext
from .ug101_context import chosen_products, document_note, is_chosen, jurisdiction
from .ug101_words import any_language, equivalence_tokens, experience_pattern, in_use, is_existing, joined

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc


@dataclass(frozen=True)
class BrandMention:
    """One brand named in a requirement; ``start``/``end`` are character offsets into its text."""

    text: str  # as written in the requirement
    start: int
    end: int
    brand: str  # the brand list entry that matched
    category: str  # category key in checks/data/brands.yaml
    covered: bool  # followed by "eller likvärdigt"/"or equivalent", or equivalents are accepted
    existing: bool  # named as the buyer's existing environment ("vårt befintliga ekonomisystem X")

    @property
    def flagged(self) -> bool:
        return not (self.covered or self.existing)


# A person's knowledge of a product is a demand on the supplier's staff, not a product specification.
_EXPERIENCE = experience_pattern()


class BrandWithoutEquivalent(Check):
    """UG101 brand-without-equivalent: a requirement names a brand or product without "eller likvärdigt".

    Flags a requirement that names a brand, product, trademark, proprietary technology or a
    maker ("Microsoft Teams", "Windows 11", "Apple iPad", "Oracle", "SAP", "Excel", "Cisco",
    "Scrive", "Procapita") when the mention is not covered by "eller likvärdigt"/"eller
    likvärdig(a)"/"likvärdig med"/"eller motsvarande" (English: "or equivalent", "or equal",
    "an equivalent", "equivalent to"). A mention is covered when the equivalence wording follows
    it later in the same sentence, stands right before it ("likvärdig med X"), or stands in a
    sentence of its own that names no brand ("Likvärdiga produkter godtas."), or anywhere in the
    attached rationale. Each brand counts on its own: in "iPhone 15 eller likvärdig, och
    skyddsfodral av märket Otterbox" Otterbox is still flagged.

    Brands come from ``checks/data/brands.yaml`` (about 650 names in categories: office and
    collaboration, operating systems and devices, databases, ERP/finance/HR, case and document
    management systems common in Swedish public sector, cloud platforms, GIS, e-signing,
    telephony and network, security, payment services and goods), matched with spaCy
    PhraseMatchers on a tokenizer that also splits compounds, so "Excel-format",
    "Teams-möten" and "HP:s" are found. Names are matched case-sensitively (attr ORTH); names
    that are no ordinary word also lower-cased (attr LOWER: "sharepoint"); names that are also
    ordinary words ("Teams", "Windows", "Word", "Edge", "Lex", "Evolution") are not matched at
    the start of a sentence, where the capital letter says nothing.

    Not flagged, by decision:

    * Open standards are no brands: PDF/A, HL7 FHIR, SAML 2.0, OpenID Connect, OpenAPI,
      Office Open XML/DOCX/XLSX, ODF, SIE, Svefaktura/Peppol, ISO, SS-EN and WCAG. They are
      listed in the data file so no brand entry can swallow them.
    * National e-identification schemes and shared public infrastructure: BankID, Freja eID,
      SITHS, EFOS, Svensk e-legitimation, eIDAS, Sambi, Skolfederation, Mina meddelanden,
      SDK, Swish, Bankgirot. LOU 9 kap. 4 § forbids references that favour or eliminate
      certain undertakings or products. A requirement that the delivered solution supports
      BankID does not buy BankID: it names the identity infrastructure the buyer's users
      already hold. Every tenderer can integrate with it, so no tenderer is favoured, and the
      subject matter justifies the reference (9 kap. 4 § andra stycket 1), which needs no
      "eller likvärdigt" and where the words would make no sense (a citizen cannot log in
      with an "equivalent" that the service does not accept). Whether a buyer should accept
      all e-IDs with the Svensk e-legitimation quality mark rather than BankID alone (DIGG's
      advice) is a question of equal treatment that this check leaves alone.
    * The buyer's existing environment: a brand marked as what the buyer already has
      ("kommunens befintliga ekonomisystem Raindance", "regionens Microsoft Entra ID", "vårt
      nuvarande HR-system Heroma", "ersätta Procapita", "the existing Microsoft 365 tenant",
      "the council's ...", or the only brand of a sentence that says it is in use already:
      "redan", "i dag", "använder", "already", "currently") is the environment the delivery
      must fit, justified by the subject matter (9 kap. 4 § andra stycket 1).
    * Products the document names as chosen, owned or to be worked with, anywhere in it: "VDOT has
      selected Oracle HCM Cloud Services", "kommunen har upphandlat X", "VDOT's Dynamics 365
      environment", a system the solution integrates with or takes data from ("integreras med
      Microsoft Teams", "hämta brukaruppgifter från Treserva", "flytt av PKI från Telia"). An existing
      system the solution must work with is a fact, not a preference. Every requirement naming such a
      product passes, and one note (info, about the document) names them once and asks to confirm it.
    * Requirements that are not on the solution (supplier, contract and bid terms, text that is no
      requirement): they specify no product.
    * The buyer's e-procurement platform named as the channel for tenders ("lämnas via
      upphandlingsverktyget TendSign"): tenderers use it, the procurement does not buy it.
    * Legal terms and words that only look like brands ("Lex Maria", "Lex Sarah", "team",
      "windows" in lower case).
    * A brand named only in the rationale.

    "t.ex. Excel" ("such as Excel") is still flagged: the law names the words "eller
    likvärdigt", and an evaluator may read the example as the yardstick. Excel is flagged like
    any brand, and the message suggests "i ett format som kan öppnas i kalkylprogram, t.ex.
    Excel eller likvärdigt".

    Why it matters
    --------------
    Naming a product in a technical specification shuts out every supplier who offers
    something else that does the job, and makes the procurement open to review
    (överprövning): LOU 9 kap. 4 § (Directive 2014/24/EU art. 42(4)) forbids references to a
    specific make, source, process, trademark, patent, type or origin that favour or
    eliminate certain undertakings or products, unless the subject matter justifies it; where
    the object cannot otherwise be described precisely and intelligibly, the reference must be
    followed by "eller likvärdigt". Describing function and performance instead also says what
    the organisation actually needs.

    Bad
    ---
        Systemet ska integreras med Microsoft Teams.
        Lärarna ska förses med Apple iPad med 64 GB lagring.
        Users shall be able to export reports to Excel.

    Good
    ----
        Systemet ska integreras med Microsoft Teams eller likvärdigt.
        Surfplattorna ska ha minst 10 tums skärm och 64 GB lagring, t.ex. Apple iPad eller likvärdig.
        Systemet ska integreras med kommunens befintliga ekonomisystem Raindance.
        Medborgare ska kunna logga in med BankID.
        Reports shall be exportable in a format that spreadsheet software can open, such as XLSX.

    Severity: error (a breach of LOU 9 kap. 4 § can overturn the procurement).
    Legal reference, by the document's jurisdiction: Swedish documents LOU (2016:1145) 9 kap. 4 §
    (for utilities LUF 9 kap. 4 §); English documents citing EU/EEA procurement law (2014/24/EU, the
    Official Journal, the Public Contracts Regulations) Directive 2014/24/EU art. 42(4); US federal
    solicitations (FAR, 48 CFR) the "brand name or equal" rule, FAR 52.211-6; any other document (a US
    state, an English document citing no procurement law) a plain-language reason, no foreign law.
    The suggestion keeps the requirement word for word and inserts "eller likvärdigt" /
    "or equivalent" right after each uncovered brand mention (after the whole compound and
    any version or model designation: "Excel-format eller likvärdigt", "Windows 11 Pro eller
    likvärdigt"; once after a list of brands: "Chrome, Edge och Firefox eller likvärdigt").
    ``mentions()`` reports every brand with its character offsets in the requirement text;
    the finding's ``evidence`` quotes the flagged mentions.
    """

    code = "UG101"
    name = "brand-without-equivalent"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    def mentions(self, requirement: Requirement) -> tuple[BrandMention, ...]:
        """Every brand mention in the requirement's text, flagged or not, in text order."""
        return find_mentions(requirement.text, requirement.language, rationale=requirement.rationale)

    # Requirements that specify a product: features, and goods put out of scope for naming no IT solution
    # ("Skrivarna ska använda HP:s drivrutiner"); not a need, text that is no requirement, supplier, contract and
    # bid terms, nor a person's experience of the buyer's systems ("erfarenhet av Raindance").
    scope = frozenset({Label.FEATURE_WITHOUT_NEED, Label.FEATURE_WITH_NEED, Label.OUT_OF_SCOPE})
    goods = frozenset({Reason.NO_SOLUTION_TERM})

    def applies_to(self, requirement: Requirement) -> bool:
        if not super().applies_to(requirement) or (
            requirement.label == Label.OUT_OF_SCOPE and requirement.label_reason not in self.goods
        ):
            return False
        return not _EXPERIENCE.search(requirement.text)

    def _unexcused(
        self, requirement: Requirement, context: DocumentContext
    ) -> tuple[list[BrandMention], list[BrandMention]]:
        """(flagged mentions, mentions of products the document names as chosen, owned or integrated with)."""
        mentions = [m for m in self.mentions(requirement) if not m.covered]
        if not mentions:
            return [], []
        chosen = chosen_products(context.text, requirement.language)
        if not all(m.existing or is_chosen(m.brand, chosen) for m in mentions):
            # Read the requirement's own sentences only when the document's do not excuse its brands already.
            chosen = chosen | chosen_products(requirement.text, requirement.language)
        flagged: list[BrandMention] = []
        excused: list[BrandMention] = []
        for m in mentions:
            (excused if m.existing or is_chosen(m.brand, chosen) else flagged).append(m)
        return flagged, excused

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        flagged, _ = self._unexcused(requirement, context)
        if not flagged:
            return []
        language = requirement.language
        basis = jurisdiction(context.text, language)
        return [
            self.make_finding(
                requirement,
                message=message(language, flagged, basis),
                question=question(language, flagged),
                suggestion=rewrite(requirement.text, language, flagged),
                evidence="; ".join(m.text for m in flagged),
            )
        ]

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        """One note for the document on the products it names as chosen, owned or integrated with (they
        pass in every requirement), anchored on the first requirement on the solution that names one."""
        anchor: Requirement | None = None
        brands: list[str] = []
        for requirement in requirements:
            if not self.applies_to(requirement):
                continue
            _, excused = self._unexcused(requirement, context)
            if excused and anchor is None:
                anchor = requirement
            brands.extend(m.text for m in excused)
        if anchor is None:
            return []
        text, ask, suggestion = document_note(anchor.language, brands)
        return [
            self.make_finding(
                anchor,
                message=text,
                question=ask,
                suggestion=suggestion,
                severity="info",
                subject="document",
                evidence="; ".join(dict.fromkeys(brands)),
            )
        ]


# --------------------------------------------------------------------------- matching


@dataclass
class _Matchers:
    nlp: _Tokenize
    orth: PhraseMatcher
    lower: PhraseMatcher
    entries: dict[str, dict[str, Any]]  # match label -> entry (name, category, ordinary_word, hint)


_ALNUM_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _FirstWords:
    """The first run of letters and digits of every brand name ("Microsoft Teams" -> "Microsoft", ".NET" -> "NET").

    The tokenizer starts a token where a run starts, so a text that holds a brand's tokens holds that run as
    a run of its own: a text none of whose runs is one of these names no brand, and is not tokenised at all
    (most requirements name none). The one exception is a split inside a run: a unit suffix makes "Hi3G"
    the tokens "Hi3" "G", so "Hi3 G", written apart, is not looked for.
    Runs as written for the brands matched as written, lower-cased for those matched in any case.
    """

    as_written: frozenset[str]
    any_case: frozenset[str]
    always: bool  # a brand name without a letter or digit: every text is a candidate

    @classmethod
    def of(cls, as_written: set[str], any_case: set[str]) -> _FirstWords:
        runs = [(_ALNUM_RUN.search(word), word) for word in as_written | any_case]
        return cls(
            frozenset(run.group() for run, word in runs if run and word in as_written),
            frozenset(run.group().lower() for run, word in runs if run and word in any_case),
            always=any(run is None for run, _ in runs),
        )

    def search(self, text: str) -> bool:
        if self.always:
            return True
        runs = set(_ALNUM_RUN.findall(text))
        return not runs.isdisjoint(self.as_written) or not {r.lower() for r in runs}.isdisjoint(self.any_case)


class _Tokenize:
    """``make_doc`` of a pipeline with UG101's own tokenizer; long text in chunks, as the pipeline's."""

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer

    def make_doc(self, text: str) -> Doc:
        from ..nlp.bounded import process

        return process(self.tokenizer, text)  # long text in chunks, each far below max_length


@cache
def _matchers(language: Language) -> _Matchers:
    from ..nlp.pipeline import import_spacy

    import_spacy()
    from spacy.matcher import PhraseMatcher
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex

    # The review pipeline's tokenizer and vocabulary (a second spacy.blank cost a tenth of a second of
    # every run), with more infixes: split compounds and genitives too ("Excel-format", "HP:s"): the
    # Swedish tokenizer keeps them whole.
    base = get_pipeline(language).nlp
    infixes = list(base.Defaults.infixes or ()) + [r"(?<=[\w°])-(?=\w)", r"(?<=[A-Za-z0-9])[:’'](?=[a-zåäö]{1,4}\b)"]
    tokenizer = cast("Tokenizer", base.tokenizer)  # spacy.blank's is a Tokenizer; the stubs say any callable
    nlp = _Tokenize(
        Tokenizer(
            base.vocab,
            rules=tokenizer.rules,
            prefix_search=tokenizer.prefix_search,
            suffix_search=tokenizer.suffix_search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=tokenizer.token_match,
            url_match=tokenizer.url_match,
            faster_heuristics=tokenizer.faster_heuristics,
        )
    )
    orth = PhraseMatcher(base.vocab, attr="ORTH")
    lower = PhraseMatcher(base.vocab, attr="LOWER")
    entries = brand_entries(language)
    for label, entry in entries.items():
        pattern = nlp.make_doc(entry["name"])
        orth.add(label, [pattern])
        if _any_case(entry, language):
            lower.add(label, [pattern])
    for group, names in load_data("brands")["not_brands"].items():
        orth.add(f"not\x1f{group}", [nlp.make_doc(str(n)) for n in names])
    return _Matchers(nlp=nlp, orth=orth, lower=lower, entries=entries)


def _any_case(entry: dict[str, Any], language: Language) -> bool:
    any_case = entry.get("any_case")
    return any_case is True or any_case == language


@cache
def brand_entries(language: Language) -> dict[str, dict[str, Any]]:
    """Every brand of ``language``'s lists by its match label: name, category, ordinary_word, hint."""
    entries: dict[str, dict[str, Any]] = {}
    for category, spec in load_data("brands")["categories"].items():
        for raw in spec["brands"]:
            entry = {"name": raw} if isinstance(raw, str) else dict(raw)
            langs = entry.get("langs")
            if langs and language not in langs:
                continue
            entry["category"] = category
            entry.setdefault("hint", spec.get("hint"))
            entries[f"brand\x1f{category}\x1f{entry['name']}"] = entry
    return entries


@cache
def _first_words(language: Language) -> _FirstWords:
    """The prefilter, from the brand names alone: a document naming no brand never builds the tokenizer and
    the matchers (a tenth of a second of a short review)."""
    names = [entry["name"] for entry in brand_entries(language).values()]
    any_case = {entry["name"] for entry in brand_entries(language).values() if _any_case(entry, language)}
    return _FirstWords.of(set(names), any_case)


_SENTENCE_END = {".", "!", "?"}
_STARTERS = _SENTENCE_END | {":", "•", "–", "—", "*", "▪", "·"}
_LIST_LABEL = re.compile(r"^(\d+(\.\d+)*\.?|[a-zA-Z]\)|\d+\))$")


def _sentence_initial(doc: Doc, i: int) -> bool:
    if i == 0:
        return True
    prev = doc[i - 1]
    if prev.is_space or prev.text in _STARTERS:
        return True
    # A list label ("1.", "a)") that itself opens the text or a sentence.
    return bool(_LIST_LABEL.match(prev.text)) and _sentence_initial(doc, i - 1)


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for token in doc:
        if token.text in _SENTENCE_END:
            bounds.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        bounds.append((start, len(doc)))
    return bounds


def _same_sentence(sentences: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a < t and s <= b < t for s, t in sentences)


def _spans(text: str, language: Language) -> tuple[Doc, list[tuple[int, int, str]]]:
    from spacy.tokens import Span
    from spacy.util import filter_spans

    m = _matchers(language)
    doc = m.nlp.make_doc(text)
    spans = []
    for matcher in (m.orth, m.lower):
        for match_id, start, end in matcher(doc):
            spans.append(Span(doc, start, end, label=match_id))
    kept: list[tuple[int, int, str]] = []
    # Longest match wins: "Microsoft Teams" over "Teams", "SQL Server" over "SQL", "Lex Maria" over "Lex".
    for span in sorted(filter_spans(spans), key=lambda s: s.start):
        label = span.label_
        if not label.startswith("brand\x1f"):
            continue
        entry = m.entries[label]
        if entry.get("ordinary_word") and _sentence_initial(doc, span.start):
            continue
        if kept and kept[-1][1] == span.start:
            # "Apple iPad Air": a maker right before its product is one mention (the product names it).
            kept[-1] = (kept[-1][0], span.end, label)
            continue
        kept.append((span.start, span.end, label))
    return doc, kept


@lru_cache(maxsize=4096)  # requirements repeat across a tender and a batch; the result is immutable
def find_mentions(text: str, language: Language, *, rationale: str | None = None) -> tuple[BrandMention, ...]:
    if not _first_words(language).search(text):
        return ()
    m = _matchers(language)
    doc, spans = _spans(text, language)
    if not spans:
        return ()
    sentences = _sentence_bounds(doc)
    equivalents = equivalence_tokens(doc, language)
    rationale_accepts = bool(rationale and equivalence_tokens(m.nlp.make_doc(rationale), language))
    # A sentence accepting equivalents that names no brand covers every mention ("Likvärdiga produkter godtas.").
    general = any(
        any(s <= e < t for e in equivalents) and not any(s <= a < t for a, _, _ in spans) for s, t in sentences
    )
    # An equivalence phrase covers the nearest brand before it in its sentence, with the brands
    # listed together with that one ("Chrome, Edge och Firefox eller likvärdiga"), not a brand
    # further back that other words separate from it ("... Heroma till SAP och visas i Power BI
    # eller likvärdigt" covers Power BI only).
    covered_by_after: set[int] = set()
    for e in equivalents:
        before_e = [k for k, (s, t, _) in enumerate(spans) if t <= e and _same_sentence(sentences, s, e)]
        if not before_e:
            continue
        k = before_e[-1]
        covered_by_after.add(k)
        while k > 0 and joined(doc, spans[k - 1][1], spans[k][0]) and _same_sentence(sentences, spans[k - 1][0], e):
            k -= 1
            covered_by_after.add(k)
    mentions = []
    for index, (start, end, label) in enumerate(spans):
        entry = m.entries[label]
        sentence = next(b for b in sentences if b[0] <= start < b[1])
        # "likvärdig med X", "equivalent to X": the comparison admits equivalents itself.
        before = any(
            e + 2 <= start <= e + 4 and doc[e + 1].lower_ in any_language("equivalent_to") for e in equivalents
        )
        covered = general or rationale_accepts or index in covered_by_after or before
        span = doc[start:end]
        mentions.append(
            BrandMention(
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                brand=entry["name"],
                category=entry["category"],
                covered=covered,
                existing=is_existing(doc, start, end, sentence, language)
                or (
                    sum(1 for a, _, _ in spans if sentence[0] <= a < sentence[1]) == 1
                    and in_use(doc, sentence, language)
                ),
            )
        )
    return tuple(mentions)


from .ug101_messages import message, question, rewrite  # noqa: E402 - they read the matchers above
