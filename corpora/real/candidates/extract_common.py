"""Helpers shared by the extraction scripts beside this file: sentence splitting and modal detection (the
Swedish, Norwegian and Danish ones), dedup, sampling per organisation and record writing (all), and the
DOCX and PDF readers for documents in a fetched snapshot (sv-repos, sv-sdk)."""
import json, os, random, re, subprocess, unicodedata

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


def first_of_each(units, key=lambda u: u["text"].lower()):
    """The units whose key has not come before, in document order."""
    seen, out = set(), []
    for u in units:
        k = key(u)
        if k not in seen:
            seen.add(k)
            out.append(u)
    return out


def english_units(units, **fixed):
    """English units as ``sample_and_write`` reads them: the fields a script fixes for all of them (org,
    repo, commit, licence), no rationale, and ``loc`` under its record name ``locator``."""
    out = []
    for u in units:
        unit = {"lang": "en", "rationale": None, "heading": None, "lead_in": None, "table_row": False, **fixed, **u}
        if "loc" in unit:
            unit["locator"] = unit.pop("loc")
        out.append(unit)
    return out


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


# ---- documents in a fetched snapshot (DOCX and PDF, read by the review's own libraries) ----
MIRROR = "/work/.mirror"


def mirror(repo):
    return os.path.join(MIRROR, repo.replace("/", "+"), "repo")


def docx_blocks(document):
    """Paragraphs and tables in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, document)
        elif child.tag.endswith("}tbl"):
            yield Table(child, document)


def is_heading(paragraph):
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    return style.startswith(("heading", "rubrik", "title"))


def add_docx(col, org, repo, commit, path, licence):
    """Every sentence with a modal verb, and every table row whose longest cell has one (the row's text is
    that cell; the other cells are ids, sources or answer boxes)."""
    import io

    import docx

    document = docx.Document(io.BytesIO(git_show(mirror(repo), commit, path, binary=True)))
    heading, paragraph_no, table_no = None, 0, 0
    for block in docx_blocks(document):
        if not hasattr(block, "rows"):  # a paragraph
            text = norm(block.text)
            if not text:
                continue
            paragraph_no += 1
            if is_heading(block):
                heading = text
                continue
            for sentence in split_sentences(text):
                col.add(org, sentence, heading=heading, repo=repo, commit=commit, path=path,
                        locator=f"paragraph {paragraph_no}", licence=licence, lang="sv")
        else:
            table_no += 1
            for row_no, row in enumerate(block.rows, 1):
                try:
                    cells = [norm(c.text) for c in row.cells]
                except (IndexError, ValueError):
                    col.skipped["broken"] += 1
                    continue
                modal = [c for c in dict.fromkeys(cells) if has_modal(c, "sv")]
                if not modal:
                    continue
                col.add(org, max(modal, key=len), heading=heading, table_row=True, repo=repo, commit=commit,
                        path=path, locator=f"table {table_no}, row {row_no}", licence=licence, lang="sv")


def pdf_lines(repo, commit, path):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(git_show(mirror(repo), commit, path, binary=True))
    for page_no in range(len(pdf)):
        text = pdf[page_no].get_textpage().get_text_range().replace("\ufffe", "")  # pdfium's soft hyphen
        for line in text.replace("\r", "").split("\n"):
            yield page_no + 1, line.strip()


def add_pdf(col, org, repo, commit, path, licence):
    """Lines joined into paragraphs (a short line without a full stop, followed by a capital, is a heading);
    every sentence with a modal verb. Contents pages (dotted leaders) and page numbers are skipped."""
    heading, buffer, start = None, [], 1

    def flush():
        if buffer:
            paragraph = re.sub(r"(\w)- (\w)", r"\1\2", " ".join(buffer))
            for sentence in split_sentences(paragraph):
                col.add(org, sentence, heading=heading, repo=repo, commit=commit, path=path,
                        locator=f"page {start}", licence=licence, lang="sv")
        buffer.clear()

    for page, line in pdf_lines(repo, commit, path):
        if not line or re.fullmatch(r"\d+", line) or "....." in line:
            flush()
            continue
        if len(line) < 70 and not re.search(r"[.,:;]$", line) and line[0].isupper() and not buffer:
            heading = line
            continue
        if not buffer:
            start = page
        buffer.append(line)
        if re.search(r"[.:!?]$", line):
            flush()
    flush()
