#!/usr/bin/env python3
"""Extraction of Swedish public-body requirement units from stored web pages (sv-pages).

SOURCE AND METHOD
-----------------
Text comes from the `search` tool's "pages" corpus (stored public web pages). That corpus returns
only an excerpt of each page (about the first 2,000 characters, "each from its beginning"); no
whole page can be read. The passages of the excerpts that were used were copied verbatim (only
whitespace normalised; page chrome, menus and cookie text left out) into

    /work/scratch/svpages/excerpts.json

one entry per page (url, authoring organisation, licence as stated -- none of the pages states
one), split into blocks:
    para  -- one paragraph of running text; cut here into sentences, and only sentences carrying a
             modal (ska/skall/bör/måste/får inte/får ej) are kept;
    item  -- one list item; kept with the sentence that introduces the list in context.lead_in;
    row   -- one row of a requirement table / "Krav N.N" form (table_row = true).
Each block carries its nearest heading and a locator (section / paragraph / list item / Krav-nr).

Rules applied (spec /work/scratch/real-corpus-spec.md): text <= 450 chars (longer: skipped, never
cut); non-row units under 5 words skipped; exact duplicates (whitespace+case normalised) skipped
across the file; at most 80 units per organisation, sampled with random.Random(16) if more (none
reached the cap), document order kept. Ids svp-0001..., lang "sv". Provenance for pages:
{"url", "locator", "licence"}; source = "real: <url> <locator>".

Pages used are listed in excerpts.json; pages seen but rejected are listed in sv-pages.extract.md
(beside the output).

Run:  python3 sv-pages.extract.py [excerpts.json] [out.jsonl]
"""
import json, random, re, sys, unicodedata

SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/scratch/svpages/excerpts.json"
OUT = sys.argv[2] if len(sys.argv) > 2 else "/work/main/corpora/real/candidates/sv-pages.jsonl"
CAP = 80
PREFIX = "svp"

MODAL = re.compile(r"\b(ska|skall|bör|måste|får\s+(inte|ej|aldrig))\b", re.I)
ABBR = ["t.ex.", "bl.a.", "m.m.", "s.k.", "dvs.", "d.v.s.", "etc.", "ca.", "t ex", "inkl.", "osv."]


def norm(s):
    s = unicodedata.normalize("NFC", s or "").replace("\u00ad", "")
    return re.sub(r"\s+", " ", s).strip()


def split_sentences(text):
    t = norm(text)
    for a in sorted(ABBR, key=len, reverse=True):
        t = re.sub(r"(?i)(?<!\w)" + re.escape(a), lambda m: m.group(0).replace(".", "\x00"), t)
    parts = re.split(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-ZÅÄÖÉ0-9])", t)
    return [norm(p.replace("\x00", ".")) for p in parts if norm(p)]


def main():
    data = json.load(open(SRC, encoding="utf-8"))
    units, seen = [], set()
    skipped = {"no_modal": 0, "too_short": 0, "too_long": 0, "duplicate": 0}

    def add(page, blk, text, table_row, lead_in, locator):
        text = norm(text)
        if len(text) > 450:
            skipped["too_long"] += 1; return
        if not table_row and len(text.split()) < 5:
            skipped["too_short"] += 1; return
        key = text.lower()
        if key in seen:
            skipped["duplicate"] += 1; return
        seen.add(key)
        units.append({"org": page["org"], "text": text, "heading": blk.get("heading"),
                      "lead_in": norm(lead_in) if lead_in else None, "table_row": table_row,
                      "url": page["url"], "locator": locator, "licence": page.get("licence", "none stated")})

    for page in data["pages"]:
        for blk in page["blocks"]:
            kind = blk["kind"]
            if kind == "para":
                sents = split_sentences(blk["text"])
                for i, s in enumerate(sents, 1):
                    if not MODAL.search(s):
                        skipped["no_modal"] += 1; continue
                    loc = blk["locator"] + (f", sentence {i}" if len(sents) > 1 else "")
                    add(page, blk, s, False, None, loc)
            elif kind == "item":
                add(page, blk, blk["text"], False, blk.get("lead_in"), blk["locator"])
            elif kind == "row":
                add(page, blk, blk["text"], True, None, blk["locator"])

    by_org = {}
    for i, u in enumerate(units):
        by_org.setdefault(u["org"], []).append(i)
    keep = set()
    for org, idxs in by_org.items():
        keep.update(idxs if len(idxs) <= CAP else random.Random(16).sample(idxs, CAP))

    n, counts = 0, {}
    with open(OUT, "w", encoding="utf-8") as f:
        for i, u in enumerate(units):
            if i not in keep:
                continue
            n += 1
            counts[u["org"]] = counts.get(u["org"], 0) + 1
            rec = {"id": f"{PREFIX}-{n:04d}", "lang": "sv", "text": u["text"],
                   "context": {"heading": u["heading"], "rationale": None, "lead_in": u["lead_in"],
                               "table_row": u["table_row"]},
                   "organisation": u["org"],
                   "provenance": {"url": u["url"], "locator": u["locator"], "licence": u["licence"]},
                   "source": f"real: {u['url']} {u['locator']}"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for o, c in counts.items():
        print(f"{c:3d}  {o}")
    print("total", n, "skipped", skipped)


if __name__ == "__main__":
    main()
