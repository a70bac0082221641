#!/usr/bin/env python3
"""Extract requirement candidates from NHS England IT standards (nhsengland/it-standards, *.md).

Units: (a) sentences carrying a modal verb in prose paragraphs and table cells,
(b) list items that follow a lead-in sentence ending in ':' (lead-in kept in context.lead_in),
    or that carry a modal verb themselves, (c) rows of requirement tables (a column named NFR /
    Requirement): the requirement cell, table_row true.
Headings, front matter, code blocks, link-only list items and fragments < 5 words are skipped.
Files that are not NHS England standards text are excluded (Contributor Covenant, licence, navigation,
GitHub issue templates). Cap 120, random.Random(16), then document order.
"""
import os, re, subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import english_units, first_of_each, sample_and_write  # noqa: E402

REPO = "nhsengland/it-standards"
GITDIR = "/work/.mirror/nhsengland+it-standards/repo"
ORG = "NHS England"
PREFIX, CAP = "nhs", 120
LICENCE = "Open Government License v3 (LICENSE); MIT-LICENSE.md for code"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en-nhs.jsonl")
EXCLUDE = {"CODE_OF_CONDUCT.md", "MIT-LICENSE.md", "_navbar.md", "_sidebar.md"}
MODAL = re.compile(r"\b(shall|must|mustn't|should|shouldn't|will|won't|may not)\b", re.I)

git = lambda *a: subprocess.check_output(["git", "-C", GITDIR, *a], text=True)
commit = git("rev-parse", "HEAD").strip()
files = [p for p in git("ls-tree", "-r", "--name-only", commit).split("\n")
         if p.endswith(".md") and p not in EXCLUDE and not p.startswith(".github/")]


def clean(s):
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)            # images
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)          # links -> text
    s = re.sub(r"<br\s*/?>", " \n ", s, flags=re.I)
    s = re.sub(r"<[^>]+>", " ", s)
    s = re.sub(r"^\s*!>\s*", "", s)                          # docsify alert marker
    s = re.sub(r"(\*\*|__|`)", "", s)
    s = re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", s)  # *em* / _em_
    return s


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def sentences(s):
    out = []
    for block in clean(s).split("\n"):
        block = norm(block)
        if block:
            out += [norm(x) for x in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", block) if norm(x)]
    return out


def ok(t, table=False):
    if len(t) > 450 or not re.search(r"[A-Za-z]", t):
        return False
    if not table and len(t.split()) < 5:
        return False
    if re.search(r"https?://", t):
        return False
    return True


units = []


def process(path):
    lines = git("show", f"{commit}:{path}").split("\n")
    i, title = 0, None
    # front matter
    if lines and lines[0].strip() == "---":
        j = 1
        while j < len(lines) and lines[j].strip() != "---":
            m = re.match(r"title:\s*(.+)", lines[j])
            if m:
                title = norm(m.group(1))
            j += 1
        i = j + 1
    heading = title
    table_hdr = table_reqcol = None
    para, para_line = [], None
    last_sentence = None  # last sentence of the preceding paragraph (candidate lead-in)
    list_lead = {}        # indent -> lead-in for items at deeper level
    in_code = False
    table_hdr, table_reqcol = None, None

    def flush_para():
        nonlocal para, para_line, last_sentence
        if para:
            sents = sentences(" ".join(para))
            for s in sents:
                if MODAL.search(s) and ok(s):
                    units.append(dict(text=s, heading=heading, lead_in=None, table_row=False,
                                      path=path, locator=f"line {para_line}"))
            last_sentence = sents[-1] if sents else None
        para, para_line = [], None

    item, item_line, item_indent, item_lead = None, None, 0, None

    def flush_item():
        nonlocal item
        if item is not None:
            t = norm(clean(" ".join(item)).replace("\n", " "))
            raw = norm(" ".join(item))
            linkonly = re.fullmatch(r"\[[^\]]*\]\([^)]*\)[\s\-–:]*", raw) is not None
            if not linkonly and ok(t) and (item_lead or MODAL.search(t)):
                units.append(dict(text=t, heading=heading, lead_in=item_lead, table_row=False,
                                  path=path, locator=f"line {item_line}"))
            list_lead[item_indent] = t if t.endswith(":") else None
        item = None

    while i < len(lines):
        ln, no = lines[i], i + 1
        i += 1
        if ln.strip().startswith("```"):
            flush_para(); flush_item(); in_code = not in_code; continue
        if in_code:
            continue
        m = re.match(r"^(#{1,6})\s+(.*)", ln)
        if m:
            flush_para(); flush_item(); list_lead.clear(); last_sentence = None
            heading = norm(clean(m.group(2)).replace("\n", " ")); table_hdr = None
            continue
        if ln.strip().startswith("|"):
            flush_para(); flush_item(); list_lead.clear()
            cells = [c.strip() for c in ln.strip().strip("|").split("|")]
            if table_hdr is None:
                table_hdr = [c.lower() for c in cells]
                table_reqcol = next((k for k, c in enumerate(table_hdr)
                                     if c in ("nfr", "requirement", "requirements")), None)
                continue
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            if table_reqcol is not None and table_reqcol < len(cells):
                t = norm(clean(cells[table_reqcol]).replace("\n", " "))
                if ok(t, table=True):
                    units.append(dict(text=t, heading=heading, lead_in=None, table_row=True,
                                      path=path, locator=f"line {no}"))
            else:
                for c in cells:
                    for s in sentences(c):
                        if MODAL.search(s) and ok(s):
                            units.append(dict(text=s, heading=heading, lead_in=None, table_row=False,
                                              path=path, locator=f"line {no}"))
            continue
        table_hdr = None
        m = re.match(r"^(\s*)([-*+]|\d+[.)])\s+(.*)", ln)
        if m:
            flush_para(); flush_item()
            ind = len(m.group(1).expandtabs(4))
            for k in [k for k in list_lead if k > ind]:
                del list_lead[k]
            parents = [k for k in list_lead if k < ind]
            if parents:
                item_lead = list_lead[max(parents)]
            else:
                item_lead = last_sentence if (last_sentence and last_sentence.endswith(":")) else None
                if item_lead is None and ind == 0:
                    list_lead.clear()
            item, item_line, item_indent = [m.group(3)], no, ind
            continue
        if not ln.strip():
            if item is not None:
                # blank line inside a list: keep list context, close the item
                flush_item()
            else:
                flush_para()
            continue
        if item is not None and (ln.startswith(" ") or ln.startswith("\t")) and not para:
            item.append(ln.strip()); continue
        if item is not None:
            flush_item()
        if not para and list_lead and not ln.startswith(" "):
            list_lead.clear(); last_sentence = None
        if not para:
            para_line = no
        para.append(ln.strip())
    flush_para(); flush_item()


for path in files:
    process(path)

uniq = first_of_each(units, key=lambda u: norm(u["text"]).lower())
counts, _ = sample_and_write(english_units(uniq, org=ORG, repo=REPO, commit=commit, licence=LICENCE), {}, PREFIX, OUT,
                             default_cap=CAP)
print(f"{len(files)} files, {len(units)} units, {len(uniq)} unique, {sum(counts.values())} written to {OUT}")
