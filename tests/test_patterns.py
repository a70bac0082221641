"""The one pattern compiler (nlp/patterns.py): one word syntax, read by the Matcher, the regex and the
trace vocabulary's term matcher."""

from __future__ import annotations

from upphandlingsgranskare.nlp.patterns import (
    TermPattern,
    WordPattern,
    compile_phrase_regex,
    matcher_pattern,
    parse_word,
    standalone_ids,
)


def test_parse_word_reads_every_form():
    assert parse_word("leverantör") == WordPattern("exact", "leverantör")
    assert parse_word("leverantör*") == WordPattern("prefix", "leverantör")
    assert parse_word("*samtal") == WordPattern("suffix", "samtal")
    assert parse_word("*väntetid*") == WordPattern("infix", "väntetid")
    assert parse_word("?tydligt") == WordPattern("exact", "tydligt", optional=True)
    assert parse_word("fall|falls") == WordPattern("any_of", "fall|falls")
    assert parse_word("~").kind == "any_word"
    assert parse_word("#").kind == "number"
    assert parse_word("o#") == WordPattern("code_number", "o")


def test_matcher_pattern():
    assert matcher_pattern("ska ?kunna stöd*") == [
        {"LOWER": "ska"},
        {"LOWER": "kunna", "OP": "?"},
        {"LOWER": {"REGEX": "^stöd"}},
    ]
    assert matcher_pattern("for ~ purposes")[1] == {"IS_ALPHA": True}
    assert matcher_pattern("o#") == [{"LOWER": {"REGEX": r"^o\d+[.,:)]?$"}}]
    assert matcher_pattern("fall|falls") == [{"LOWER": {"IN": ["fall", "falls"]}}]


def test_phrase_regex_whole_words_any_case():
    regex = compile_phrase_regex(["krav på lösning*", "*dokument", "bilaga #"])
    assert regex.search("4 Krav på  lösningen")
    assert regex.search("se Driftdokument")
    assert regex.search("Bilaga 3")
    assert not regex.search("kravet på lösningen")
    assert not regex.search("bilaga-x")


def test_term_pattern_reads_word_and_lemma():
    pattern = TermPattern.compile("Samtal* *väntetid*")
    assert pattern.match_at([("x", "x"), ("samtalen", "samtal"), ("kortare-väntetider", "")], 1)
    assert not pattern.match_at([("samtalen", "samtal")], 0)  # too few words left
    assert TermPattern.compile("beslut").match_at([("besluten", "beslut")], 0)  # by lemma


def test_standalone_ids():
    regex = standalone_ids(("O3", "Effektmål 2"))
    assert regex is not None and regex.search("enligt O3.") and not regex.search("O31") and not regex.search("PO3-x")
    assert standalone_ids(("",)) is None


def test_lexicon_and_trace_use_the_one_compiler():
    from upphandlingsgranskare.nlp import lexicon
    from upphandlingsgranskare.trace import link, terms

    assert lexicon.compile_phrase_regex is compile_phrase_regex
    assert link.compile_phrase_regex is compile_phrase_regex
    concepts = terms.vocabulary("sv").concepts
    assert all(isinstance(p, TermPattern) for _, patterns in concepts for p in patterns)


def test_alternatives_for_larger_regexes():
    import re

    from upphandlingsgranskare.nlp.patterns import literal_alternatives, phrase_alternatives, word_alternatives

    assert re.fullmatch(phrase_alternatives(["ta emot", "läs* in"]), "läser  in")
    assert not re.fullmatch(phrase_alternatives(["ta emot"]), "taemot")
    assert re.fullmatch(word_alternatives(["migrer*", "byte"]), "migreringen")
    assert re.fullmatch(literal_alternatives(["resp.", "resp"]), "resp.")
    assert not re.fullmatch(literal_alternatives(["resp."]), "respx")  # the dot is literal
