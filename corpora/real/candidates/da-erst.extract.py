import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- da-erst: Erhvervsstyrelsen, DA2 call-off, Bilag 1 Kundens behov (DOCX prose + lists) ----
import io, os
import docx
from docx.text.paragraph import Paragraph
REPO = "nielspeter/agent-orchestration-system"
REPO_DIR = "/work/.mirror/nielspeter+agent-orchestration-system/repo"
COMMIT = "5493af471868a38c412ae03ef5ee70aa5ffb5b27"
PATH = "packages/examples/udbud/dokumenter/udbud/DA 2 - Bilag 1 - Kundens behov.docx"
ORG = "Erhvervsstyrelsen"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "da-erst.jsonl")


def is_list(p):
    return p.style.name.lower().startswith("list") or p._p.pPr is not None and p._p.pPr.numPr is not None


def docx_units(col, d, org, repo, commit, path, lang, licence="none stated", list_need_modal=False):
    heading, lead, pno = None, None, 0
    for el in d.element.body.iterchildren():
        if el.tag.split("}")[1] != "p":
            continue  # tables: contact list and role overview only (no requirement rows)
        p = Paragraph(el, d)
        pno += 1
        txt = norm(p.text)
        if not txt:
            continue
        if p.style.name.startswith("Heading") or p.style.name.lower().startswith("toc"):
            if p.style.name.startswith("Heading"):
                heading, lead = txt, None
            continue
        loc = f"paragraph {pno}"
        if is_list(p) and not p.style.name.lower().startswith("list number heading"):
            col.add(org, txt, heading=heading, lead_in=lead, repo=repo, commit=commit, path=path, locator=loc,
                    licence=licence, lang=lang, need_modal=list_need_modal)
            continue
        sents = split_sentences(txt)
        for s in sents:
            col.add(org, s, heading=heading, repo=repo, commit=commit, path=path, locator=loc, licence=licence,
                    lang=lang)
        # the sentence introducing a following list (also short label paragraphs such as "Afklaringsopgaver")
        lead = sents[-1] if sents else None


def main():
    d = docx.Document(io.BytesIO(git_show(REPO_DIR, COMMIT, PATH, binary=True)))
    col = Collector()
    docx_units(col, d, ORG, REPO, COMMIT, PATH, "da")
    counts, elig = sample_and_write(col.units, {}, "da2", OUT, default_cap=None)
    print("eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
