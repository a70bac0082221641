import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- no-indigo: Indigo IKT IKS, "Felles skjemaløsning" SSA-L Bilag 1 (DOCX requirement tables) ----
import io, os
import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
REPO = "Am11n/digiskjema"
REPO_DIR = "/work/.mirror/Am11n+digiskjema/repo"
COMMIT = "132f21f4ed53b3db8bdef3ca8ff4554cc27204fc"
PATH = "documentation/tender/00-source/Del II - SSA-L Bilag 1 - Kundens kravspesifikasjon.docx"
ORG = "Indigo IKT IKS"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-indigo.jsonl")


def main():
    d = docx.Document(io.BytesIO(git_show(REPO_DIR, COMMIT, PATH, binary=True)))
    licence = "none stated"
    # section numbers come from the table of contents ("7.4<TAB>Funksjonalitetskrav<TAB>12")
    toc = {}
    for p in d.paragraphs:
        if p.style.name.lower().startswith("toc"):
            parts = [x for x in p.text.split("\t") if x.strip()]
            if len(parts) >= 2:
                toc[norm(parts[1])] = norm(parts[0]) + " " + norm(parts[1])
    col = Collector()
    stats = {"req_tables": 0, "rows": 0}
    heading, tno = None, 0
    for el in d.element.body.iterchildren():
        tag = el.tag.split("}")[1]
        if tag == "p":
            p = Paragraph(el, d)
            if p.style.name.startswith("Heading") and norm(p.text):
                heading = toc.get(norm(p.text), norm(p.text))
            continue
        if tag != "tbl":
            continue
        tno += 1
        t = Table(el, d)
        hdr_seen, ci, ri = False, None, 0
        for r in t.rows:
            ri += 1
            cells = [c.text for c in r.cells]
            if not hdr_seen:
                for k, c in enumerate(cells):
                    if "Kundens behov" in c:
                        hdr_seen, ci = True, k
                if hdr_seen:
                    stats["req_tables"] += 1
                continue
            raw = cells[ci] if ci < len(cells) else ""
            if not norm(raw):
                continue
            stats["rows"] += 1
            loc = f"table {tno} row {ri}"
            # the whole requirement cell is one unit (cells over 450 characters are skipped, not cut);
            # the table has no rationale column ("Krav type" is A/V/AV, "Krav til besvarelse" is the
            # bid-response instruction)
            col.add(ORG, raw, heading=heading, table_row=True, repo=REPO, commit=COMMIT, path=PATH,
                    locator=loc, licence=licence, lang="no")
    counts, elig = sample_and_write(col.units, {ORG: 116}, "indigo", OUT)
    print("stats", stats, "eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
