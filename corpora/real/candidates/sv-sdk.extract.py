import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import add_pdf, git_ls, has_modal, mirror, nwords, re  # noqa: E402,F401
# ---- sv-sdk: DIGG's Säker digital kommunikation (SDK) specifications ----
# The access-point operators' rules, component and message specifications (PDF) as published in
# diggsweden/sdk-docs at the last commit that holds all of them (most are deleted at HEAD). DIGG is
# already an organisation of the corpus (sv-digg, sv-other); this adds its requirements on components.
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sv-sdk.jsonl")
DIGG = "Myndigheten för digital förvaltning (DIGG)"
REPO, COMMIT = "diggsweden/sdk-docs", "9de1dcdd524228a712f7775cdba3960d2d81194c"
LICENCE = "CC0-1.0 (repository LICENSE)"


# PDF layout debris: schema-tree rows ("1..1 • • xha:FromParty"), XML, page footers, index entries, section
# titles run into the text ("3.6.1 IT-säkerhet De certifikat …"), addresses.
DEBRIS = re.compile(r"•|<\w|/digg\.se|Q\{urn|\d\.\.[\d*n]|\.{4}|(^|\s)\d+(\.\d+)+\s+[A-ZÅÄÖ]|\d{3} \d{2} [A-ZÅÄÖ]")
# A numbered rule often follows its section title on the same line: "3.5.2.1 Kanoniseringsalgoritm [a] …".
RULE_START = re.compile(r"^.*?(?=\[[a-z]\] )")


def clean(units):
    """The units without layout debris, each starting at its rule marker when it has one; no heading, since
    the PDFs' table cells and running titles read as headings (the units keep their page in the locator)."""
    out = []
    for unit in units:
        if DEBRIS.search(unit["text"]):
            continue
        text = RULE_START.sub("", unit["text"], count=1)
        if not has_modal(text, "sv") or nwords(text) < 5:
            continue
        out.append({**unit, "text": text, "heading": None})
    return out


def main():
    col = Collector()
    for path in sorted(p for p in git_ls(mirror(REPO), COMMIT) if p.lower().endswith(".pdf")):
        add_pdf(col, DIGG, REPO, COMMIT, path, LICENCE)
    counts, eligible = sample_and_write(clean(col.units), {}, "sdk", OUT, default_cap=80)
    print("eligible", eligible, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
