import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- no-noark: arkivverket/noark5-standard requirement tables (kapitler/*.rst list-tables) ----
import os
REPO = "arkivverket/noark5-standard"
REPO_DIR = "/work/.mirror/arkivverket+noark5-standard/repo"
COMMIT = "cfda5e6b8f2377b8bda9e190b64e4e34a9b6a590"
ORG = "Arkivverket"
LICENCE = "see LICENCE file (copyright licence text of Arkivverket; not a standard SPDX licence)"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-noark.jsonl")
REASON = re.compile(r"\b(for å|fordi|ettersom|siden|på grunn av|av hensyn til|med tanke på|hensikten|formålet)\b", re.I)


def rst_inline(s):
    s = norm(s)
    s = re.sub(r"\[\d+\]_", "", s)                 # footnote references
    s = re.sub(r":[a-z]+:`([^`]*)`", r"\1", s)
    s = s.replace("``", "")
    s = re.sub(r"(?<![\w*])\*\*?(?!\s)(.+?)(?<!\s)\*\*?(?![\w*])", r"\1", s)
    s = re.sub(r"\*+(?=\w)|(?<=\w)\*+", "", s)     # stray emphasis markers in the source
    s = s.replace("\u00ad", "")
    return norm(s)


def parse_list_tables(text):
    """Yield (title, section_heading, header_cells, [(line, cells)]) for each list-table."""
    lines = text.split("\n")
    i, heading = 0, None
    while i < len(lines):
        ln = lines[i]
        if i + 1 < len(lines) and re.match(r"^([=\-~^\"'`#*+])\1{3,}\s*$", lines[i + 1]) and ln.strip() \
                and not re.match(r"^([=\-~^\"'`#*+])\1{3,}\s*$", ln):
            heading = norm(ln)
        m = re.match(r"^\.\. list-table::\s*(.*)$", ln)
        if not m:
            i += 1
            continue
        title = rst_inline(m.group(1))
        i += 1
        rows, cur, row_line, rind = [], None, 0, 0
        while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
            l = lines[i]
            if re.match(r"^\s+:\w+:", l):
                i += 1
                continue
            mr = re.match(r"^(\s*)\* - ?(.*)$", l)
            ind = len(l) - len(l.lstrip(" "))
            if mr:
                if cur is not None:
                    rows.append((row_line, cur))
                cur, row_line, rind = [mr.group(2)], i + 1, len(mr.group(1))
            elif cur is not None and ind == rind + 2 and l.lstrip().startswith("-"):
                cur.append(re.sub(r"^-\s?", "", l.lstrip()))
            elif cur is not None:
                cur[-1] += "\n" + l
            i += 1
        if cur is not None:
            rows.append((row_line, cur))
        if rows:
            yield title, heading, rows[0][1], rows[1:]


def cell_text(c):
    # keep nested bullet lists as written ("- Arkiv - Arkivdel"), whitespace normalised
    return rst_inline(c)


def main():
    col = Collector()
    stats = {"tables": 0, "rows": 0, "merknad_as_rationale": 0}
    files = sorted(p for p in git_ls(REPO_DIR, COMMIT) if re.match(r"kapitler/0\d\d-.*\.rst$", p))
    for path in files:
        text = git_show(REPO_DIR, COMMIT, path)
        for title, heading, hdr, rows in parse_list_tables(text):
            if not hdr or not norm(hdr[0]).lower().startswith("krav nr"):
                continue
            stats["tables"] += 1
            hdrn = [norm(h).lower() for h in hdr]
            mi = hdrn.index("merknad") if "merknad" in hdrn else None
            for line, cells in rows:
                if len(cells) < 2:
                    continue
                stats["rows"] += 1
                nr = norm(cells[0])
                txt = cell_text(cells[1])
                merk = cell_text(cells[mi]) if mi is not None and mi < len(cells) else ""
                # "Merknad" is a remark (mostly conditions such as "Obligatorisk for sakarkiv");
                # used as rationale only when it states a reason
                rat = merk if merk and REASON.search(merk) else None
                if rat:
                    stats["merknad_as_rationale"] += 1
                col.add(ORG, txt, heading=title or heading, rationale=rat, table_row=True, repo=REPO,
                        commit=COMMIT, path=path, locator=f"line {line} (krav {nr})", licence=LICENCE, lang="no")
    counts, elig = sample_and_write(col.units, {ORG: 120}, "noark", OUT)
    print("stats", stats, "eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
