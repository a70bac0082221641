# ---- common helpers (shared by the nordic/sv extraction scripts) ----
import json, random, re, subprocess, unicodedata

MODAL = {
    "sv": re.compile(r"\b(ska|skall|bör|måste|får\s+(inte|ej))\b", re.I),
    "no": re.compile(r"\b(skal|bør|må|skal\s+ikke|må\s+ikke|skulle)\b", re.I),
    "da": re.compile(r"\b(skal|bør|må|skal\s+ikke|må\s+ikke)\b", re.I),
}
EN_WORDS = set("the and of to is are be shall must should will with for that this which from".split())
SV_WORDS = set("och att det som är för med ska en ett av på till den de inte har kan".split())

ABBR = ["t.ex.", "bl.a.", "m.m.", "s.k.", "dvs.", "d.v.s.", "etc.", "ca.", "nr.", "kap.", "t.o.m.",
        "enl.", "jfr.", "jf.", "f.eks.", "bl.a", "o.l.", "osv.", "m.v.", "mv.", "evt.", "pga.", "ev.",
        "inkl.", "ift.", "pkt.", "st.", "e.g.", "i.e.", "resp.", "fr.o.m.", "p.g.a.", "v.h.a.", "ol.",
        "m.fl.", "f.o.m.", "bla.", "jfr", "tlf.", "kl.", "vs.", "art.", "nr", "t.o.m", "s.", "ff."]


def norm(s):
    s = unicodedata.normalize("NFC", s or "")
    s = s.replace("\u00ad", "")  # soft hyphen
    return re.sub(r"\s+", " ", s).strip()


def split_sentences(text):
    """Split a paragraph into sentences; protects common abbreviations and numbers."""
    t = norm(text)
    if not t:
        return []
    prot = t
    for i, a in enumerate(sorted(set(ABBR), key=len, reverse=True)):
        prot = re.sub(r"(?i)(?<![\w])" + re.escape(a), lambda m: m.group(0).replace(".", "\x00"), prot)
    # numbers like 6.3.20 or 1. (ordinal) are not sentence ends when followed by lower case / digit
    parts = re.split(r"(?<=[.!?])\s+(?=[\"'«»(\[]?[A-ZÅÄÖÆØÉ0-9])", prot)
    return [norm(p.replace("\x00", ".")) for p in parts if norm(p)]


def has_modal(text, lang):
    return bool(MODAL[lang].search(text))


def looks_english(text):
    w = re.findall(r"[a-zåäöæø]+", text.lower())
    en = sum(1 for x in w if x in EN_WORDS)
    sv = sum(1 for x in w if x in SV_WORDS)
    return en >= 2 and en > sv


def nwords(text):
    return len(text.split())


def git_show(repo_dir, commit, path, binary=False):
    out = subprocess.run(["git", "-C", repo_dir, "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
    return out if binary else out.decode("utf-8", errors="replace")


def git_ls(repo_dir, commit):
    out = subprocess.run(["git", "-C", repo_dir, "ls-tree", "-r", "--name-only", "-z", commit],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [p for p in out.split("\x00") if p]


class Collector:
    """Collects candidate units; applies the spec's eligibility rules and dedup (per output file)."""

    def __init__(self):
        self.units = []      # eligible, in document order
        self.seen = set()
        self.skipped = {"too_long": 0, "too_short": 0, "duplicate": 0, "no_modal": 0, "english": 0, "broken": 0}

    def add(self, org, text, heading=None, rationale=None, lead_in=None, table_row=False,
            repo=None, commit=None, path=None, locator=None, licence="none stated", lang="sv",
            need_modal=True, check_english=False):
        text = norm(text)
        text = re.sub(r"^[\-\u2013\u2022*•]\s+", "", text)
        if not text:
            return False
        if len(text) > 450:
            self.skipped["too_long"] += 1
            return False
        if not table_row and nwords(text) < 5:
            self.skipped["too_short"] += 1
            return False
        if need_modal and not table_row and not has_modal(text, lang) and not (lead_in and has_modal(lead_in, lang)):
            self.skipped["no_modal"] += 1
            return False
        if check_english and looks_english(text):
            self.skipped["english"] += 1
            return False
        key = re.sub(r"\s+", " ", text.lower()).strip()
        if key in self.seen:
            self.skipped["duplicate"] += 1
            return False
        self.seen.add(key)
        self.units.append(dict(org=org, text=text, heading=norm(heading) or None if heading else None,
                               rationale=norm(rationale) or None if rationale else None,
                               lead_in=norm(lead_in) or None if lead_in else None, table_row=bool(table_row),
                               repo=repo, commit=commit, path=path, locator=locator, licence=licence, lang=lang))
        return True


def sample_and_write(units, caps, prefix, out_path, default_cap=None):
    """caps: dict org -> cap (or default_cap). Random(16) sample per organisation, keep document order."""
    by_org = {}
    for i, u in enumerate(units):
        by_org.setdefault(u["org"], []).append(i)
    keep = set()
    for org, idxs in by_org.items():
        cap = caps.get(org, default_cap)
        if cap is None or len(idxs) <= cap:
            keep.update(idxs)
        else:
            keep.update(random.Random(16).sample(idxs, cap))
    n = 0
    counts = {}
    with open(out_path, "w", encoding="utf-8") as f:
        for i, u in enumerate(units):
            if i not in keep:
                continue
            n += 1
            counts[u["org"]] = counts.get(u["org"], 0) + 1
            rec = {"id": f"{prefix}-{n:04d}", "lang": u["lang"], "text": u["text"],
                   "context": {"heading": u["heading"], "rationale": u["rationale"], "lead_in": u["lead_in"],
                               "table_row": u["table_row"]},
                   "organisation": u["org"],
                   "provenance": {"repo": u["repo"], "commit": u["commit"], "path": u["path"],
                                  "locator": u["locator"], "licence": u["licence"]},
                   "source": f"real: {u['repo']}@{u['commit'][:8]} {u['path']} {u['locator']}"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return counts, {o: len(v) for o, v in by_org.items()}


# ---- markdown helpers ----
def md_inline(s):
    s = re.sub(r"<!--.*?-->", " ", s, flags=re.S)
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)               # images
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)             # links
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"<br\s*/?>", " ", s, flags=re.I)
    s = re.sub(r"</?(a|b|i|em|strong|sup|sub|span|code|u)\b[^>]*>", "", s, flags=re.I)
    s = re.sub(r"<[^>]+>", " ", s)
    s = re.sub(r":[a-z_]+:", " ", s)                           # emoji shortcodes
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", r"\1", s)
    s = s.replace("`", "")
    s = re.sub(r"\\([\[\]()*_#<>|`~.!-])", r"\1", s)        # markdown backslash escapes
    s = s.replace("&ndash;", "–").replace("&mdash;", "—").replace("&nbsp;", " ").replace("&amp;", "&")
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return norm(s)


def md_blocks(text):
    """Yield (kind, text, lineno, heading) with kind in para|item|tablecell; skips code fences and html tables."""
    lines = text.split("\n")
    heading = None
    in_code = False
    para, para_line = [], 0
    item, item_line, item_indent = None, 0, 0
    out = []

    def flush_para():
        nonlocal para
        if para:
            out.append(("para", " ".join(para), para_line, heading))
        para = []

    def flush_item():
        nonlocal item
        if item is not None:
            out.append(("item", item, item_line, heading))
        item = None

    for n, raw in enumerate(lines, 1):
        raw = re.sub(r"^\s{0,3}>+\s?(\[!\w+\])?", "", raw)   # blockquotes / admonitions
        line = raw.rstrip()
        br_end = bool(re.search(r"(<br\s*/?>|\s{2,})$", line))
        if re.match(r"^\s*(```|~~~)", line):
            flush_para(); flush_item()
            in_code = not in_code
            continue
        if in_code:
            continue
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            flush_para(); flush_item()
            heading = md_inline(m.group(2))
            continue
        if not line.strip():
            flush_para(); flush_item()
            continue
        if re.match(r"^\s*\|", line) or re.match(r"^\s*<\/?(table|tr|td|th|thead|tbody)", line, re.I):
            flush_para(); flush_item()
            if line.strip().startswith("|") and not re.match(r"^\s*\|[\s:\-|]+\|?\s*$", line):
                for c in line.strip().strip("|").split("|"):
                    out.append(("tablecell", c, n, heading))
            continue
        m = re.match(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$", line)
        if m:
            flush_para(); flush_item()
            item, item_line, item_indent = m.group(3), n, len(m.group(1))
            continue
        if item is not None and (raw.startswith("  ") or raw.startswith("\t")):
            item += " " + line.strip()
            continue
        if item is not None:
            flush_item()
        if not para:
            para_line = n
        para.append(line.strip())
        if br_end:
            flush_para()
    flush_para(); flush_item()
    return out
# ---- end common helpers ----
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
