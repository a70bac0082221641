#!/usr/bin/env python3
"""Extract requirement candidates from further public-body documents (markdown), prefix "misc".

Documents (each read from a mirrored git snapshot at a fixed commit):
  * Province of British Columbia, Digital Marketplace (bcgov/digital_marketplace @ 3a8c6c99, the last
    commit before the static markdown files were deleted): Sprint With Us RFP terms and conditions,
    Sprint With Us opportunity scope and proposal evaluation, Code With Us terms and conditions.
Units: prose sentences with a modal verb; list items after a lead-in ending in ':' or carrying a
modal; table rows (requirement/criteria cell = first cell) of tables in these files.
Cap 40 per organisation, random.Random(16), document order.
"""
import os, re, subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import english_units, first_of_each, sample_and_write  # noqa: E402

DOCS = [
    dict(repo="bcgov/digital_marketplace", gitdir="/work/.mirror/bcgov+digital_marketplace/repo",
         rev="3a8c6c99acdc15459b409f18f1f6befea58f673e", org="Province of British Columbia",
         licence="Apache License 2.0 (LICENSE.txt)",
         paths=["src/front-end/static/markdown/sprint-with-us-terms-and-conditions.md",
                "src/front-end/static/markdown/sprint-with-us-opportunity-scope.md",
                "src/front-end/static/markdown/sprint-with-us-proposal-evaluation.md",
                "src/front-end/static/markdown/code-with-us-terms-and-conditions.md"]),
]
PREFIX, CAP = "misc", 40
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en-misc.jsonl")
MODAL = re.compile(r"\b(shall|must|should|will|may not)\b", re.I)
norm = lambda s: re.sub(r"\s+", " ", s).strip()


def strip_enum(s):
    return re.sub(r"^\\?\(?(\d+|[ivxlc]+|[a-z])\\?\)\s+", "", s)


def clean(s):
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<[^>]+>", " ", s)
    return norm(re.sub(r"(\*\*|__|`)", "", s))


def sentences(s):
    return [x for x in (norm(y) for y in re.split(r"(?<=[.!?;])\s+(?=[A-Z\"'(“])", s)) if x]


def ok(t, table=False):
    return len(t) <= 450 and (table or len(t.split()) >= 5) and re.search(r"[A-Za-z]", t)


units = []
for d in DOCS:
    commit = subprocess.check_output(["git", "-C", d["gitdir"], "rev-parse", d["rev"]], text=True).strip()
    for path in d["paths"]:
        lines = subprocess.check_output(["git", "-C", d["gitdir"], "show", f"{commit}:{path}"], text=True).split("\n")
        heading, last, hdr = None, None, None
        para, para_no, stack = [], None, []

        def add(t, lead, table, no):
            t, lead = strip_enum(t), (strip_enum(lead) if lead else lead)
            units.append(dict(text=t, heading=heading, lead_in=lead, table_row=table, path=path,
                              loc=f"line {no}", org=d["org"], repo=d["repo"], commit=commit, licence=d["licence"]))

        for no, ln in enumerate(lines + [""], 1):
            if para and (not ln.strip() or re.match(r"^\s*(#|\||[-*]\s|\d+[.)]\s)", ln)):
                sents = sentences(clean(" ".join(para)))
                for s in sents:
                    if MODAL.search(s) and ok(s):
                        add(s, None, False, para_no)
                last = sents[-1] if sents else None
                para, para_no, stack = [], None, []
            m = re.match(r"^(#{1,6})\s+(.*)", ln)
            if m:
                heading, last, hdr, stack = clean(m.group(2)), None, None, []
                continue
            if ln.strip().startswith("|"):
                cells = [c.strip() for c in ln.strip().strip("|").split("|")]
                if hdr is None:
                    hdr = cells
                elif not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                    t = clean(cells[0])
                    if ok(t, True) and not re.fullmatch(r"[\d.%\s]+|total", t, re.I):
                        add(t, None, True, no)
                continue
            hdr = None
            m = re.match(r"^(\s*)(?:[-*]|\d+[.)])\s+(.*)", ln)
            if m:
                ind, t = len(m.group(1)), clean(m.group(2))
                t = re.sub(r"^\(?[a-z]\)\s+|^[a-z]\.\s+", "", t)
                stack = [(i, x) for i, x in stack if i < ind]
                lead = stack[-1][1] if stack and stack[-1][1].endswith(":") else (
                    last if (not stack and last and last.endswith(":")) else None)
                if ok(t) and (lead or MODAL.search(t)):
                    add(t, lead, False, no)
                stack.append((ind, t))
                continue
            if not ln.strip():
                continue
            if not para:
                para_no = no
            para.append(ln.strip())

uniq = first_of_each(units)
counts, _ = sample_and_write(english_units(uniq), {}, PREFIX, OUT, default_cap=CAP)
print(f"{len(units)} units, {len(uniq)} unique, {sum(counts.values())} written to {OUT}")
