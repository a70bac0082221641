#!/usr/bin/env python3
"""Extract requirements from Promise+ (carvalhosilva42/Promise-, Promise+.arff: ProjectID, text, class).

Rows grouped by project id; organisation "unknown (PROMISE project N)" (the dataset names no
organisations). Projects visited in random order (random.Random(16).shuffle); per project up to
25 rows (random.Random(16).sample); stop at 300 items in total; output in file order.
The class label is NOT copied. ARFF escapes (\\92 = cp1252 byte, \\') are decoded.
"""
import json, os, random, re, subprocess

REPO = "carvalhosilva42/Promise-"
GITDIR = "/work/.mirror/carvalhosilva42+Promise-/repo"
PATH = "Promise+.arff"
PREFIX, CAP, TOTAL = "promise", 25, 300
LICENCE = "GNU General Public License v3 (LICENSE)"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en-promise.jsonl")

git = lambda *a: subprocess.check_output(["git", "-C", GITDIR, *a])
commit = git("rev-parse", "HEAD").decode().strip()
raw = git("show", f"{commit}:{PATH}").decode("utf-8", errors="replace")


def unescape(s):
    s = re.sub(r"\\([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]).decode("cp1252", "replace"), s)
    return s.replace("\\'", "'").replace('\\"', '"')


units, seen, data = [], set(), False
for no, line in enumerate(raw.splitlines(), 1):
    if line.strip().upper().startswith("@DATA"):
        data = True
        continue
    if not data or not line.strip() or line.startswith("%"):
        continue
    m = re.match(r"^\s*(\d+)\s*,\s*'(.*)'\s*,?\s*([A-Z]+)\s*$", line)
    if not m:
        continue
    t = re.sub(r"\s+", " ", unescape(m.group(2))).strip()
    if len(t.split()) < 5 or len(t) > 450:
        continue
    if t.lower() in seen:
        continue
    seen.add(t.lower())
    units.append(dict(pid=int(m.group(1)), text=t, locator=f"line {no}"))

pids = sorted({u["pid"] for u in units})
random.Random(16).shuffle(pids)
chosen = []
for pid in pids:
    if len(chosen) >= TOTAL:
        break
    ix = [i for i, u in enumerate(units) if u["pid"] == pid]
    pick = random.Random(16).sample(ix, min(CAP, len(ix)))
    chosen += pick[: TOTAL - len(chosen)]
chosen.sort()
with open(OUT, "w", encoding="utf-8") as f:
    for n, i in enumerate(chosen, 1):
        u = units[i]
        rec = {"id": f"{PREFIX}-{n:04d}", "lang": "en", "text": u["text"],
               "context": {"heading": None, "rationale": None, "lead_in": None, "table_row": True},
               "organisation": f"unknown (PROMISE project {u['pid']})",
               "provenance": {"repo": REPO, "commit": commit, "path": PATH,
                              "locator": f"{u['locator']} (ProjectID {u['pid']})", "licence": LICENCE},
               "source": f"real: {REPO}@{commit[:8]} {PATH} {u['locator']}"}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
print(f"{len(units)} unique rows in {len(pids)} projects; {len(chosen)} written to {OUT}")
