#!/usr/bin/env python3
"""Extract requirement candidate units from the PURE requirement-document corpus
(GitHub harshavardhan0707/NLP, folder data/req) into en-pure.jsonl.

Run with the project venv (needs pypdfium2) and the Debian tools `antiword`
(and `catdoc` as fallback) for .doc and `unrtf` for .rtf:

    /work/main/.venv/bin/python en-pure.extract.py

Input : the fetched mirror /work/.mirror/harshavardhan0707+NLP/repo (git dir);
        files are copied with `git show` into /work/scratch/pure/src/data/req/.
Output: /work/main/corpora/real/candidates/en-pure.jsonl
Spec  : /work/scratch/real-corpus-spec.md ; guide /work/shared/annotation-guide.md
"""
import html
import html.parser
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict

GITDIR = "/work/.mirror/harshavardhan0707+NLP/repo"
REPO = "harshavardhan0707/NLP"
COMMIT = "a3c75e3ceffc86eff12712f330584746426db589"
FOLDER = "data/req"
SCRATCH = "/work/scratch/pure"
SRC = os.path.join(SCRATCH, "src", FOLDER)
OUT = "/work/main/corpora/real/candidates/en-pure.jsonl"
PREFIX = "pure"
SEED = 16
CAP_PUBLIC = 45          # cap for public bodies / agencies / standards bodies
TARGET_TOTAL = 1800      # other organisations get a lower common cap (<=45) to reach ~this total
MAXLEN = 450

REPO_LICENCE = "none stated for the document (repository LICENSE file: MIT, for the repo's own code)"

# file name -> (organisation, public body?, licence override or None)
ORG = {
    "0000 - cctns.pdf": ("Ministry of Home Affairs, Government of India", True, None),
    "0000 - gamma j.pdf": ("unknown (GAMMA-J Web Store student project)", False, None),
    "0000 - inventory.pdf": ("unknown (IUfA UUIS inventory system, COMP5541 student project)", False, None),
    "1998 - themas.pdf": ("unknown (THEMAS Energy Management System, THEMAS Team)", False, None),
    "1999 - dii.htm": ("Defense Information Systems Agency (DISA), U.S. Department of Defense", True, None),
    "1999 - multi-mahjong.html": ("unknown (MultiMahjong project, K-Team)", False, None),
    "1999 - tcs.pdf": ("Naval Surface Warfare Center Dahlgren Division (U.S. Navy), Tactical Control System programme", True, None),
    "2000 - nasa x38.doc": ("National Aeronautics and Space Administration (NASA), Lyndon B. Johnson Space Center", True, None),
    "2001 - beyond.pdf": ("ITEA BEYOND project consortium (EUREKA ITEA 99002)", False, None),
    "2001 - ctc network.pdf": ("North Central Texas Council of Governments", True, None),
    "2001 - elsfork.pdf": ("Elforsk (Swedish Electrical Utilities' R&D Company)", False, None),
    "2001 - esa.pdf": ("Swedish Institute of Space Physics (IRF)", True, None),
    "2001 - hats.pdf": ("The University of Texas at El Paso (CS4311 student project)", False, None),
    "2001 - libra.doc": ("unknown (Libra cluster scheduler student project)", False, None),
    "2001 - npac.doc": ("North American Numbering Council (NANC)", True,
                        "GNU General Public License (as stated in the document; copyright NeuStar, Inc.)"),
    "2001 - space fractions.pdf": ("The University of Texas at Austin (student project, Team 10-2)", False, None),
    "2001 - telescope.pdf": ("Pennsylvania State University, Department of Astronomy and Astrophysics", True, None),
    "2002 - evla back.pdf": ("National Radio Astronomy Observatory (NRAO)", True, None),
    "2002 - evla corr.pdf": ("National Radio Astronomy Observatory (NRAO)", True, None),
    "2002 - sce api.pdf": ("SCE-API Consortium (Ikos Systems, Inc.)", False, None),
    "2003 - agentmom.pdf": ("Kansas State University (MSE project)", False, None),
    "2003 - pnnl.pdf": ("Pacific Northwest National Laboratory (for the U.S. Department of Energy)", True, None),
    "2003 - qheadache.pdf": ("unknown (Qheadache project)", False, None),
    "2003 - tachonet.pdf": ("European Commission, Directorate-General for Energy and Transport (DG TREN)", True, None),
    "2004 - colorcast.pdf": ("unknown (ABC Paint project, CS179G)", False, None),
    "2004 - e-procurement.rtf": ("Office of Government Commerce, HM Treasury (UK)", True, None),
    "2004 - grid bgc.pdf": ("National Center for Atmospheric Research (NCAR)", True, None),
    "2004 - ijis.doc": ("Tarrant County, Texas (Integrated Justice Information System)", True, None),
    "2004 - jse.doc": ("JSE Securities Exchange / STRATE / Money Market Forum (South Africa)", False, None),
    "2004 - philips.doc": ("Philips (PDSL), Platform-i MSN project", False, None),
    "2004 - rlcs.pdf": ("California Department of Transportation (Caltrans), District 11", True, None),
    "2004 - sprat.pdf": ("North Carolina State University (SPRAT project, ThePrivacyPlace)", False, None),
    "2004 - watcom gui.pdf": ("SciTech Software, Inc. (Open Watcom Linux port)", False, None),
    "2004 - watcom.pdf": ("SciTech Software, Inc. (Open Watcom Linux port)", False, None),
    "2005 - clarus high.doc": ("U.S. Department of Transportation, Federal Highway Administration (Clarus)", True, None),
    "2005 - clarus low.pdf": ("U.S. Department of Transportation, Federal Highway Administration (Clarus)", True, None),
    "2005 - grid 3D.pdf": ("National Institute for Medical Research (London)", True, None),
    "2005 - microcare.pdf": ("Microcare Ltd", False, None),
    "2005 - nenios.html": ("unknown (Nenios Child Care Center software project)", False, None),
    "2005 - phin.pdf": ("Centers for Disease Control and Prevention (CDC), Public Health Information Network (PHIN)", True, None),
    "2005 - pontis.pdf": ("American Association of State Highway and Transportation Officials (AASHTO)", True, None),
    "2005 - triangle.pdf": ("unknown (Triangulation Games student project)", False, None),
    "2005 - znix.pdf": ("unknown (Project ZNIX)", False, None),
    "2006 - eirene sys 15.pdf": ("International Union of Railways (UIC), EIRENE project", True, None),
    "2007 - eirene fun 7.pdf": ("International Union of Railways (UIC), EIRENE project", True, None),
    "2006 - stewards.pdf": ("U.S. Department of Agriculture, Agricultural Research Service (USDA-ARS)", True, None),
    "2007 - central trading system.pdf": ("unknown (Central Trading System student project)", False, None),
    "2007 - e-store.doc": ("unknown (E-Store project, Group-1)", False, None),
    "2007 - ertms.pdf": ("European Railway Agency (ERA), ERTMS/ETCS", True, None),
    "2007 - get real 0.2.pdf": ("Oregon University System (OUS Industry Affairs)", True, None),
    "2007 - mdot.pdf": ("Michigan Department of Transportation", True, None),
    "2007 - nde.pdf": ("National Oceanic and Atmospheric Administration (NOAA), NESDIS", True, None),
    "2007 - nlm.doc": ("National Library of Medicine (NLM)", True, None),
    "2007 - puget sound.pdf": ("University of Puget Sound (student project)", False, None),
    "2007 - water use.pdf": ("Southwest Florida Water Management District", True, None),
    "2008 - caiso.pdf": ("California Independent System Operator (CAISO)", True, None),
    "2008 - keepass.pdf": ("Aristotle University of Thessaloniki (student SRSs)", False,
                           "template: 'Copyright (c) 2002 by Karl E. Wiegers. Permission is granted to use, modify, and distribute this document.'"),
    "2008 - peering.pdf": ("The University of Melbourne, GRIDS Laboratory", False, None),
    "2008 - viper.doc": ("King Fahd University of Petroleum and Minerals (student project)", False, None),
    "2008 - virtual ed.doc": ("New Jersey Institute of Technology (NJIT) (student project)", False, None),
    "2008 - vub.pdf": ("Vrije Universiteit Brussel (student project)", False, None),
    "2009 - email.pdf": ("Agency for Enterprise Information Technology (AEIT), State of Florida", True, None),
    "2009 - gaia.pdf": ("Gaia Data Processing and Analysis Consortium (DPAC), CU2", True, None),
    "2009 - inventory 2.0.pdf": ("Summa Technologies, Inc. (for Construction Junction)", False, None),
    "2009 - library.doc": ("Georgia Public Library Service (PINES)", True, None),
    "2009 - library.pdf": ("Galecia Group (Integrated Library System requirements)", False, None),
    "2009 - model manager.pdf": ("unknown (Model Manager)", False, None),
    "2009 - peazip.pdf": ("Aristotle University of Thessaloniki (student SRSs)", False,
                          "template: 'Copyright (c) 2002 by Karl E. Wiegers. Permission is granted to use, modify, and distribute this document.'"),
    "2009 - peppol.pdf": ("PEPPOL project (Pan-European Public Procurement OnLine), EU CIP pilot", True, None),
    "2009 - video search.pdf": ("unknown (Video Search Engine student project, X-ray team)", False,
                                "template: 'Copyright (c) 2002 by Karl E. Wiegers. Permission is granted to use, modify, and distribute this document.'"),
    "2009 - warc III.pdf": ("International Internet Preservation Consortium (IIPC)", True, None),
    "2010 - blit draft.pdf": ("unknown (BLIT102 Functional Requirements Specification template)", False, None),
    "2010 - fishing.pdf": ("UK Fisheries Administrations", True, None),
    "2010 - gparted.pdf": ("Aristotle University of Thessaloniki (student SRSs)", False,
                           "GNU Free Documentation License 1.3 or later (as stated in the document)"),
    "2010 - home 1.3.pdf": ("HomeOwner Inc. (DigitalHome case study)", False, None),
    "2010 - mashboot.pdf": ("unknown (Mashbot project)", False, None),
    "2010 - split merge.pdf": ("Aristotle University of Thessaloniki (student SRSs)", False, None),
    "2011 - opensg 0.1.doc": ("UCA International Users Group (UCAIug), OpenSG", False, None),
}

MODAL = re.compile(r"\b(shall|must|should|will|may\s+not)\b", re.I)
BULLET = re.compile(r"^\s*(?:[•●▪■◦○□➢►▫·\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0e0\uf02d*]|[-–—](?=\s)|o(?=\s)|\(?[a-zA-Z]\)|\(?[ivxIVX]{1,4}\)|\(?\d{1,2}\)|\d{1,2}\.(?=\s)|[a-z]\.(?=\s))\s*")
HEADING = re.compile(r"^(?:(?:\d+(?:\.\d+)*\.?|[A-Z]\.\d+(?:\.\d+)*\.?|Appendix\s+[A-Z0-9]+[.:]?|Section\s+\d+[.:]?|Chapter\s+\d+[.:]?)\s+)([A-Z][^\n]{1,90})$")
SECNUM = re.compile(r"^((?:\d+(?:\.\d+)*|[A-Z]\.\d+(?:\.\d+)*))\.?\s")
LEADID = re.compile(r"^\s*(?:(?:\[?[A-Z][A-Za-z]{0,7}[-_ ]?\d+(?:[-_.]\d+)*[a-z]?\]?[:.)\-–]?\s+)|(?:\d+(?:\.\d+)+\.?\s+)|(?:\d{1,2}[.)]\s+)|(?:\(?[a-z][.)]\s+))+")
ABBR = ("e.g.", "i.e.", "etc.", "vs.", "Fig.", "fig.", "No.", "no.", "Dr.", "Mr.", "Ms.", "Mrs.", "Inc.", "Ltd.", "U.S.", "approx.", "Sec.", "cf.", "et al.", "Co.", "St.", "Rev.", "Vol.", "pp.", "ref.", "Ref.", "max.", "min.")
RAT_HDR = re.compile(r"^(rationale|purpose|justification|reason|motivation)s?\b", re.I)
REQ_HDR = re.compile(r"(requirement|description|text|specification|function)", re.I)
IDLIKE = re.compile(r"^[A-Z][A-Za-z]{0,8}[-_ .]?\d+(?:[-_.]\d+)*[a-z]?$|^\d+(?:\.\d+)+$|^[A-Z]{1,4}\d+$")


STOP = {"a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "with", "by", "at", "from", "as", "vs", "via", "per", "into"}
IDREQ = re.compile(r"^\[?((?:[A-Z]{1,6}[0-9]?(?:[-_][A-Z0-9]{1,6})*[-_]?\d+(?:[._-]\d+)*[a-z]?))\]?[:.)\-–]?\s+(?=[A-Z\"“(])")
EMBED = re.compile(r"(?:^|\s)(?:\d+(?:\.\d+)+[a-z]?|[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)*[-_]?[A-Z]*\d+[a-z]?)\s+(?=(?:The|A|An|All|Each|If|When|In|It|This|[A-Z][A-Za-z0-9]+ (?:shall|must|should|will))\b)")


def norm_ws(s):
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- sources
def ensure_sources():
    os.makedirs(SRC, exist_ok=True)
    ls = subprocess.run(["git", "--git-dir", GITDIR, "ls-tree", "-r", "--name-only", COMMIT, FOLDER],
                        capture_output=True, text=True, check=True).stdout.splitlines()
    missing = []
    for path in ls:
        dst = os.path.join(SRC, os.path.basename(path))
        if os.path.exists(dst) and os.path.getsize(dst) > 0:
            continue
        r = subprocess.run(["git", "--git-dir", GITDIR, "show", f"{COMMIT}:{path}"], capture_output=True)
        if r.returncode != 0:
            missing.append(path)
            continue
        with open(dst, "wb") as fh:
            fh.write(r.stdout)
    return ls, missing


# ---------------------------------------------------------------- blocks
# block: dict(kind=para|item|heading|row, text=..., cells=[...], header=[...], loc=str)

def vocab_join(a, b, vocab):
    """join 'require' + 'ments' -> 'requirements' when known, else keep hyphen."""
    w = (a + b).lower()
    if vocab.get(w, 0) > 0:
        return a + b
    return a + "-" + b


def fix_hyphens(text, vocab):
    # soft hyphen marker from pdfium (U+FFFE) and U+00AD, with or without line break
    text = re.sub(r"(\w+)[\ufffe\u00ad]\s*\n?\s*(\w+)", lambda m: vocab_join(m.group(1), m.group(2), vocab), text)
    return text


def pdf_pages(path):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path)
    pages = []
    for i in range(len(pdf)):
        t = pdf[i].get_textpage().get_text_range()
        pages.append(t.replace("\r\n", "\n").replace("\r", "\n"))
    return pages


def hf_key(line):
    k = re.sub(r"\d+", "#", norm_ws(line)).lower()
    return k


def strip_headers_footers(pages):
    """remove lines that recur near the top/bottom of many pages."""
    n = len(pages)
    cnt = Counter()
    split = []
    for p in pages:
        lines = [l for l in p.split("\n")]
        nonempty = [i for i, l in enumerate(lines) if l.strip()]
        cand = set(nonempty[:5] + nonempty[-5:])
        keys = set(hf_key(lines[i]) for i in cand)
        for k in keys:
            cnt[k] += 1
        split.append((lines, cand))
    thr = max(3, int(0.25 * n))
    out = []
    for lines, cand in split:
        keep = []
        for i, l in enumerate(lines):
            s = l.strip()
            if i in cand and (cnt[hf_key(l)] >= thr and len(s) < 160):
                continue
            if re.fullmatch(r"(?i)(page\s*)?[#\d]+(\s*(of|/)\s*\d+)?|[ivxlc]{1,6}|-\s*\d+\s*-", s):
                continue
            keep.append(l)
        out.append(keep)
    return out


def is_toc(s):
    return bool(re.search(r"\.{4,}|_{4,}|(\. ){4,}|…{2,}", s)) or bool(re.search(r"\s\d{1,3}\s*$", s) and HEADING.match(re.sub(r"\s\d{1,3}\s*$", "", s)) and not MODAL.search(s))


def heading_of(s):
    s = norm_ws(s)
    if len(s) > 100 or is_toc(s):
        return None
    m = HEADING.match(s)
    if m and not re.search(r"[.;,:]$", s) and not MODAL.search(s) and len(s.split()) <= 12:
        title = m.group(1)
        first = re.match(r"\d+", s)
        if first and int(first.group(0)) > 40:
            return None
        if not re.match(r"[A-Z][A-Za-z&/()\-]", title):
            return None
        if re.match(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", title):
            return None
        words = re.findall(r"[A-Za-z][\w'’-]*", title)
        low = [w for w in words if w[0].islower() and w.lower() not in STOP]
        if len(low) > 2 or (words and words[-1].lower() in STOP) or re.search(r":\s", title):
            return None
        return s
    return None


def lines_to_blocks(lines_with_loc):
    """lines_with_loc: list of (line, loc). Returns blocks."""
    blocks = []
    cur = None

    def flush():
        nonlocal cur
        if cur is not None:
            cur["text"] = norm_ws(cur["text"])
            if cur["text"]:
                blocks.append(cur)
        cur = None

    for line, loc in lines_with_loc:
        s = line.strip()
        if not s:
            flush()
            continue
        if is_toc(s):
            flush()
            continue
        h = heading_of(s)
        if h:
            flush()
            blocks.append({"kind": "heading", "text": h, "loc": loc})
            continue
        if BULLET.match(s) and not re.match(r"^\d+\.\d", s):
            flush()
            cur = {"kind": "item", "text": BULLET.sub("", s, count=1), "loc": loc}
            continue
        if IDREQ.match(s) or re.match(r"^\d+(?:\.\d+)+[a-z]?\.?\s+[A-Z]", s):
            flush()
            cur = {"kind": "para", "text": s, "loc": loc}
            continue
        if cur is None:
            cur = {"kind": "para", "text": s, "loc": loc}
            continue
        prev = cur["text"].rstrip()
        if prev.endswith("-") and re.match(r"[a-z]", s) and re.search(r"[A-Za-z]{2}-$", prev):
            # line-wrap hyphenation: decide with vocabulary later (mark)
            cur["text"] = prev[:-1] + "\u00ad" + s
            continue
        if re.search(r"[.!?:;]$", prev) and re.match(r"[A-Z\"“(]", s) and cur["kind"] == "item":
            flush()
            cur = {"kind": "para", "text": s, "loc": loc}
            continue
        cur["text"] = prev + " " + s
    flush()
    return blocks


def blocks_pdf(path):
    pages = pdf_pages(path)
    if os.path.basename(path) == "2009 - warc III.pdf":
        # this PDF renders the ligatures fi as '!' and fl as '#'
        pages = [re.sub(r"(?<=[A-Za-z])#(?=[a-z])|(?<![\w!#])#(?=[a-z])", "fl",
                 re.sub(r"(?<=[A-Za-z])!(?=[a-z])|(?<![\w!#])!(?=[a-z])", "fi", p)) for p in pages]
    pages = strip_headers_footers(pages)
    lines = []
    for pi, pl in enumerate(pages, 1):
        for l in pl:
            lines.append((l, f"page {pi}"))
        lines.append(("", f"page {pi}"))
    return lines_to_blocks(lines)


def split_row(line):
    cells = line.strip()
    if cells.startswith("|"):
        cells = cells[1:]
    if cells.endswith("|"):
        cells = cells[:-1]
    return [c.strip() for c in cells.split("|")]


def table_blocks(rows, loc):
    """rows: list of physical rows (list of cells). Merge continuation rows, return row blocks."""
    logical = []
    for cells in rows:
        if logical and (not cells[0]) and len(cells) == len(logical[-1]) and not any(
                c and re.match(r"[A-Z]", c) and re.search(r"[.!?]$", p) for p, c in zip(logical[-1], cells)):
            logical[-1] = [(a + " " + b).strip() for a, b in zip(logical[-1], cells)]
        else:
            logical.append(cells)
    if not logical:
        return []
    header = logical[0]
    out = [{"kind": "row", "cells": r, "header": header, "loc": loc, "text": ""} for r in logical[1:]]
    # if header row itself is a requirement row (no header), keep it too
    if any(MODAL.search(c) for c in header):
        out.insert(0, {"kind": "row", "cells": header, "header": [""] * len(header), "loc": loc, "text": ""})
    return out


def blocks_doc(path):
    r = subprocess.run(["antiword", "-w", "0", path], capture_output=True, text=True, errors="replace")
    t = r.stdout
    if r.returncode != 0 or len(t) < 500:
        t = subprocess.run(["catdoc", "-w", path], capture_output=True, text=True, errors="replace").stdout
    t = t.replace("\r", "")
    lines = t.split("\n")
    blocks = []
    i = 0
    buf = []
    heading_loc = "section ?"
    para_no = 0
    while i < len(lines):
        l = lines[i]
        if l.strip().startswith("|") and l.rstrip().endswith("|"):
            if buf:
                blocks.extend(lines_to_blocks(buf)); buf = []
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            blocks.extend(table_blocks(rows, None))
            continue
        # antiword: one paragraph per line; treat each non-empty line as its own paragraph
        buf.append((l, None))
        buf.append(("", None))
        i += 1
    if buf:
        blocks.extend(lines_to_blocks(buf))
    return blocks


def blocks_rtf(path):
    t = subprocess.run(["unrtf", "--text", path], capture_output=True, text=True, errors="replace").stdout
    t = re.sub(r"^###.*$", "", t, flags=re.M)
    t = t.split("-----------------", 1)[-1]
    lines = t.split("\n")
    blocks = []
    buf = []
    i = 0
    while i < len(lines):
        l = lines[i]
        if "\t" in l.strip("\t ") or l.count("\t") >= 2 and len([c for c in l.split("\t") if c.strip()]) >= 2:
            if buf:
                blocks.extend(lines_to_blocks(buf)); buf = []
            rows = []
            while i < len(lines) and ("\t" in lines[i].strip()) :
                cells = [c.strip() for c in lines[i].strip().split("\t")]
                rows.append(cells)
                i += 1
            # rtf tab rows: no continuation merge possible; each row independent
            hdr = rows[0]
            for rw in rows:
                blocks.append({"kind": "row", "cells": rw, "header": hdr if rw is not hdr else [""] * len(rw), "loc": None, "text": ""})
            continue
        buf.append((l, None))
        buf.append(("", None))
        i += 1
    if buf:
        blocks.extend(lines_to_blocks(buf))
    return blocks


class HTMLBlocks(html.parser.HTMLParser):
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "title", "dt", "dd", "blockquote", "pre", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.buf = []
        self.kind = "para"
        self.skip = 0
        self.row = None
        self.cell = None
        self.thead = None
        self.bold = False

    def flush(self):
        s = norm_ws("".join(self.buf))
        self.buf = []
        bold, self.bold = self.bold, False
        if s and bold and self.cell is None and len(s.split()) <= 10 and not MODAL.search(s) \
                and not re.search(r"[.:;,]$", s) and re.match(r"[A-Z0-9]", s):
            self.blocks.append({"kind": "heading", "text": s, "loc": None})
            self.kind = "para"
            return
        if s:
            if self.cell is not None:
                self.cell.append(s)
            else:
                h = heading_of(s) if self.kind == "heading" or heading_of(s) else None
                if self.kind == "heading":
                    self.blocks.append({"kind": "heading", "text": s, "loc": None})
                elif h:
                    self.blocks.append({"kind": "heading", "text": h, "loc": None})
                else:
                    self.blocks.append({"kind": self.kind, "text": s, "loc": None})
        self.kind = "para"

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag in ("b", "strong") and not norm_ws("".join(self.buf)):
            self.bold = True
            return
        if tag in ("td", "th"):
            self.flush()
            self.cell = []
            return
        if tag == "tr":
            self.flush()
            self.row = []
            return
        if tag in self.BLOCK:
            self.flush()
            if tag == "li":
                self.kind = "item"
            elif re.fullmatch(r"h[1-6]", tag):
                self.kind = "heading"

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th"):
            self.flush()
            if self.row is not None and self.cell is not None:
                self.row.append(" ".join(self.cell))
            self.cell = None
            return
        if tag == "tr":
            if self.row:
                cells = self.row
                if len([c for c in cells if c]) >= 2:
                    if self.thead is None:
                        self.thead = cells
                        self.blocks.append({"kind": "row", "cells": cells, "header": [""] * len(cells), "loc": None, "text": ""})
                    else:
                        self.blocks.append({"kind": "row", "cells": cells, "header": self.thead, "loc": None, "text": ""})
                else:
                    for c in cells:
                        if c:
                            self.blocks.append({"kind": "para", "text": c, "loc": None})
            self.row = None
            return
        if tag == "table":
            self.thead = None
        if tag in self.BLOCK:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        self.buf.append(data)


def blocks_html(path):
    raw = open(path, "rb").read()
    m = re.search(rb"charset=([A-Za-z0-9_-]+)", raw)
    enc = m.group(1).decode() if m else "latin-1"
    try:
        t = raw.decode(enc, errors="replace")
    except LookupError:
        t = raw.decode("latin-1")
    p = HTMLBlocks()
    p.feed(t)
    p.flush()
    return p.blocks


# ---------------------------------------------------------------- units
def split_sentences(text):
    prot = text
    for a in ABBR:
        prot = prot.replace(a, a.replace(".", "\u2024"))
    prot = re.sub(r"\b([A-Z])\.(?=[A-Z]\.)", "\\1\u2024", prot)
    parts = re.split(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(\[]?[A-Z0-9])", prot)
    return [p.replace("\u2024", ".").strip() for p in parts if p.strip()]


def cut_embedded(s):
    """PDF table cells merged before a requirement: keep the part after the last embedded id/number."""
    mm = MODAL.search(s)
    if not mm:
        return s
    last = None
    for m in EMBED.finditer(s[:mm.start()]):
        if m.start() > 0:
            last = m
    if last is not None:
        s = s[last.end():]
    return s


def clean_unit(s):
    s = cut_embedded(norm_ws(s))
    s = BULLET.sub("", s, count=1) if BULLET.match(s) else s
    s = re.sub(r"^(?:\d{1,2}\s+|Requirement\s+)(?=[A-Z][a-z]*\s)", "", s)
    s2 = LEADID.sub("", s, count=1)
    if s2 and s2 != s and re.match(r"[A-Z\"“(]", s2):
        s = s2
    return s.strip()


def garbled(s):
    if "\ufffd" in s or "ï¿½" in s:
        return True
    letters = sum(c.isalpha() for c in s)
    if letters < 0.6 * len(s):
        return True
    if re.search(r"(?:\b\w\s){5,}", s):          # S O U T H W E S T
        return True
    if re.search(r"\w{35,}", s):
        return True
    if re.search(r"\.{4,}|_{4,}|\s{3,}", s):
        return True
    if re.search(r"[a-z][A-Z][a-z]+[A-Z][a-z]+[A-Z]", s) and not re.search(r"[A-Z][a-z]+[A-Z]", s.split()[0] if s.split() else ""):
        pass
    if re.search(r"[A-Za-z][!#][a-z]", s):
        return True
    if " ~ " in s or s.count("“") != s.count("”") or s.count('"') % 2:
        return True
    if re.search(r"\[pic\]|\bpage \d+ of \d+\b|Error! Reference", s, re.I):
        return True
    return False


def ok_sentence(s):
    if len(s) > MAXLEN or len(s.split()) < 5:
        return False
    if not re.match(r"[A-Z\"“(0-9]", s):
        return False
    if not re.search(r"[.!?)\"”]$", s):
        return False
    if s.count("(") != s.count(")"):
        return False
    return not garbled(s)


def units_from_blocks(blocks, vocab):
    units = []
    heading = None
    last_para_sentence = None   # last sentence of previous paragraph (for lead-in)
    lead_in = None
    stems = Counter()
    for b in blocks:
        if b["kind"] in ("para", "item"):
            m0 = IDREQ.match(norm_ws(b["text"]))
            if m0:
                stems[re.sub(r"\d.*$", "", m0.group(1))] += 1
    for bi, b in enumerate(blocks):
        if b["kind"] == "heading":
            heading = norm_ws(fix_hyphens(b["text"], vocab))
            lead_in = None
            last_para_sentence = None
            continue
        loc = b["loc"]
        if loc is None:
            loc = (f'section "{heading[:80]}", paragraph {bi + 1}' if heading else f"paragraph {bi + 1}")
        if b["kind"] == "row":
            cells = [norm_ws(fix_hyphens(c, vocab)) for c in b["cells"]]
            hdr = [norm_ws(h) for h in b["header"]]
            rat = None
            reqcell = None
            for ci, h in enumerate(hdr):
                if ci < len(cells) and RAT_HDR.match(h) and cells[ci]:
                    rat = cells[ci]
            modal_cells = [c for c in cells if MODAL.search(c) and len(c.split()) >= 3]
            if modal_cells:
                reqcell = max(modal_cells, key=len)
            else:
                idrow = bool(cells and IDLIKE.match(cells[0]))
                hdrreq = any(REQ_HDR.search(h) for h in hdr)
                if idrow and hdrreq and len(cells) >= 2:
                    for ci, h in enumerate(hdr):
                        if ci > 0 and ci < len(cells) and REQ_HDR.search(h) and len(cells[ci].split()) >= 2:
                            reqcell = cells[ci]
                            break
            if reqcell and rat == reqcell:
                rat = None
            if reqcell:
                t = clean_unit(reqcell)
                if len(t) <= MAXLEN and len(t.split()) >= 2 and not garbled(t) and re.match(r"[A-Z\"“(0-9a-z]", t):
                    units.append({"text": t, "heading": heading, "rationale": rat, "lead_in": None,
                                  "table_row": True, "loc": loc})
            continue
        text = norm_ws(fix_hyphens(b["text"], vocab))
        if b["kind"] == "item":
            t = clean_unit(text)
            if lead_in and (MODAL.search(t) or MODAL.search(lead_in)) and len(t.split()) >= 5 \
                    and len(t) <= MAXLEN and not garbled(t) and re.match(r"[A-Za-z\"“(0-9]", t):
                units.append({"text": t, "heading": heading, "rationale": None, "lead_in": lead_in,
                              "table_row": False, "loc": loc})
            elif not lead_in:
                for s in split_sentences(t):
                    s = clean_unit(s)
                    if MODAL.search(s) and ok_sentence(s):
                        units.append({"text": s, "heading": heading, "rationale": None, "lead_in": None,
                                      "table_row": False, "loc": loc})
            continue
        idm = IDREQ.match(text)
        if idm and not MODAL.search(text) and re.search(r"\d", idm.group(1)) \
                and stems[re.sub(r"\d.*$", "", idm.group(1))] >= 4:
            t = norm_ws(text[idm.end():])
            if 3 <= len(t.split()) and len(t) <= 300 and not garbled(t) and t.count(":") <= 1 \
                    and not re.search(r"\b(?:Type|Location|Bits)\s*:", t):
                units.append({"text": t, "heading": heading, "rationale": None, "lead_in": None,
                              "table_row": False, "loc": loc})
            lead_in = None
            continue
        sents = split_sentences(text)
        lead_in = None
        for s in sents:
            s = clean_unit(s)
            if MODAL.search(s) and ok_sentence(s):
                units.append({"text": s, "heading": heading, "rationale": None, "lead_in": None,
                              "table_row": False, "loc": loc})
        if sents and sents[-1].rstrip().endswith(":"):
            li = clean_unit(sents[-1])
            if len(li) <= MAXLEN and not garbled(li):
                lead_in = li
    return units


def main():
    ls, missing = ensure_sources()
    files = sorted(os.path.basename(p) for p in ls)
    # vocabulary for de-hyphenation: word counts over quick raw text of all docs
    per_doc_blocks = {}
    skipped = {p: "blob absent from the fetched snapshot" for p in missing}
    for f in files:
        path = os.path.join(SRC, f)
        if not os.path.exists(path):
            continue
        ext = f.rsplit(".", 1)[-1].lower()
        try:
            if ext == "pdf":
                bl = blocks_pdf(path)
            elif ext == "doc":
                bl = blocks_doc(path)
            elif ext == "rtf":
                bl = blocks_rtf(path)
            elif ext in ("htm", "html"):
                bl = blocks_html(path)
            else:
                skipped[f"{FOLDER}/{f}"] = "unsupported format"
                continue
        except Exception as e:  # pragma: no cover
            skipped[f"{FOLDER}/{f}"] = f"extraction error: {e}"
            continue
        per_doc_blocks[f] = bl
    vocab = Counter()
    for bl in per_doc_blocks.values():
        for b in bl:
            txt = b.get("text") or " ".join(b.get("cells", []))
            for w in re.findall(r"[A-Za-z]+", txt.replace("\u00ad", " ").replace("\ufffe", " ")):
                vocab[w.lower()] += 1
    # eligible units, global dedup in file order
    seen = set()
    by_org = defaultdict(list)
    stats = {}
    for f in files:
        if f not in per_doc_blocks:
            continue
        org, public, lic = ORG[f]
        us = units_from_blocks(per_doc_blocks[f], vocab)
        n_el = 0
        for k, u in enumerate(us):
            u["text"] = u["text"].replace("\u00ad", "").replace("\ufffe", "")
            key = norm_ws(u["text"]).lower()
            if key in seen:
                continue
            seen.add(key)
            u.update({"file": f, "order": k, "org": org, "public": public, "lic": lic or REPO_LICENCE})
            by_org[org].append(u)
            n_el += 1
        stats[f] = n_el
    # caps: public bodies 45; others a common cap c<=45 so that the total is ~TARGET_TOTAL
    pub_total = sum(min(len(v), CAP_PUBLIC) for o, v in by_org.items() if v[0]["public"])
    other = [len(v) for o, v in by_org.items() if not v[0]["public"]]
    cap_other = CAP_PUBLIC
    while cap_other > 5 and pub_total + sum(min(n, cap_other) for n in other) > TARGET_TOTAL:
        cap_other -= 1
    rng = random.Random(SEED)
    chosen = []
    for org in sorted(by_org):
        v = by_org[org]
        cap = CAP_PUBLIC if v[0]["public"] else cap_other
        pick = rng.sample(v, cap) if len(v) > cap else list(v)
        pick.sort(key=lambda u: (u["file"], u["order"]))
        chosen.extend(pick)
    chosen.sort(key=lambda u: (u["file"], u["order"]))
    with open(OUT, "w", encoding="utf-8") as fh:
        for n, u in enumerate(chosen, 1):
            path = f"{FOLDER}/{u['file']}"
            rec = {"id": f"{PREFIX}-{n:04d}", "lang": "en", "text": u["text"],
                   "context": {"heading": u["heading"], "rationale": u["rationale"],
                               "lead_in": u["lead_in"], "table_row": u["table_row"]},
                   "organisation": u["org"],
                   "provenance": {"repo": REPO, "commit": COMMIT, "path": path, "locator": u["loc"],
                                  "licence": u["lic"]},
                   "source": f"real: {REPO}@{COMMIT[:8]} {path} {u['loc']}"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    # report
    rep = Counter(u["org"] for u in chosen)
    print(f"cap public={CAP_PUBLIC} cap other={cap_other}", file=sys.stderr)
    for f in files:
        print(f"  {stats.get(f, 0):5d} eligible  {f}", file=sys.stderr)
    for o, c in sorted(rep.items(), key=lambda x: -x[1]):
        print(f"{c:4d}  {o}  (eligible {len(by_org[o])})", file=sys.stderr)
    print(f"total {len(chosen)} items, {len(rep)} organisations", file=sys.stderr)
    for p, why in skipped.items():
        print(f"skipped {p}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
