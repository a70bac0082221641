#!/usr/bin/env python3
"""Extract requirement candidates from the viaSport BC "Strength in Numbers" RFP and its system
requirements addendum (vburghelea/solstice @ 47404df4, docs/sin-rfp/source/VIASPORT-PROVIDED-*.md;
the files are removed at HEAD, so they are read from that commit).

Units: requirement-table rows (Description cell; table_row true), list items (lead-in = preceding
sentence ending in ':'; nested items get "<outer lead-in> <parent item>"), and prose sentences with a
modal verb. Leading list numbering ("1.", "a.") stripped; fragments < 5 words skipped.
Cap 40, random.Random(16), document order.
"""
import os, re, subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import english_units, first_of_each, sample_and_write  # noqa: E402

REPO = "vburghelea/solstice"
GITDIR = "/work/.mirror/vburghelea+solstice/repo"
REV = "47404df4"
FILES = ["docs/sin-rfp/source/VIASPORT-PROVIDED-viasport-sin-rfp.md",
         "docs/sin-rfp/source/VIASPORT-PROVIDED-system-requirements-addendum.md"]
ORG = "viaSport British Columbia"
PREFIX, CAP = "viasport", 40
LICENCE = "none stated"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en-viasport.jsonl")
MODAL = re.compile(r"\b(shall|must|should|will|may not)\b", re.I)

git = lambda *a: subprocess.check_output(["git", "-C", GITDIR, *a], text=True)
commit = git("rev-parse", REV).strip()
norm = lambda s: re.sub(r"\s+", " ", s).strip()
clean = lambda s: norm(re.sub(r"(\*\*|__|`)", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)))


def sentences(s):
    return [x for x in (norm(y) for y in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", s)) if x]


def ok(t, table=False):
    return len(t) <= 450 and (table or len(t.split()) >= 5)


units = []
for path in FILES:
    lines = git("show", f"{commit}:{path}").split("\n")
    heading, last, hdr, desc = None, None, None, None
    stack = []  # (indent, text)
    para, para_no = [], None

    for no, ln in enumerate(lines + [""], 1):
        if para and (not ln.strip() or ln.lstrip().startswith(("#", "|", "-", "*")) or re.match(r"^\s*\d+\.\s", ln)):
            sents = sentences(clean(" ".join(para)))
            for s in sents:
                if MODAL.search(s) and ok(s):
                    units.append(dict(text=s, heading=heading, lead_in=None, table_row=False, path=path, loc=f"line {para_no}"))
            last = sents[-1] if sents else None
            para, para_no = [], None
            stack = []
        m = re.match(r"^(#{1,6})\s+(.*)", ln)
        if m:
            heading, last, hdr, stack = clean(m.group(2)), None, None, []
            continue
        if ln.strip().startswith("|"):
            cells = [c.strip() for c in ln.strip().strip("|").split("|")]
            if hdr is None:
                hdr = [c.lower() for c in cells]
                desc = hdr.index("description") if "description" in hdr else None
            elif not all(re.fullmatch(r":?-+:?", c) for c in cells if c) and desc is not None:
                t = clean(cells[desc])
                if ok(t, True):
                    rid = cells[0]
                    units.append(dict(text=t, heading=heading, lead_in=None, table_row=True, path=path,
                                      loc=f"line {no} ({rid})"))
            continue
        hdr = None
        m = re.match(r"^(\s*)(?:[-*]|\d+\.)\s+(.*)", ln)
        if m:
            ind, t = len(m.group(1)), clean(m.group(2))
            t = re.sub(r"^[a-z]\.\s+", "", t)
            stack = [(i, x) for i, x in stack if i < ind]
            if stack:
                lead = norm(f"{last or ''} {stack[-1][1]}") if last else stack[-1][1]
            else:
                lead = last if (last and last.endswith(":")) else None
            if ok(t):
                units.append(dict(text=t, heading=heading, lead_in=lead, table_row=False, path=path, loc=f"line {no}"))
            stack.append((ind, t))
            continue
        if not ln.strip() or ln.strip() == "---":
            if ln.strip() == "---":
                last = None
            continue
        if not para:
            para_no = no
        para.append(ln.strip())

uniq = first_of_each(units)
counts, _ = sample_and_write(english_units(uniq, org=ORG, repo=REPO, commit=commit, licence=LICENCE), {}, PREFIX, OUT,
                             default_cap=CAP)
print(f"{len(units)} units, {len(uniq)} unique, {sum(counts.values())} written to {OUT}")
