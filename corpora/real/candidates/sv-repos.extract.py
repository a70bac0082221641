import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import add_docx, add_pdf, git_ls, git_show, mirror, re  # noqa: E402,F401
# ---- sv-repos: Swedish public bodies' own documents found in other parties' stored repositories ----
# Inera's RIV-TA service-domain documents (copied into a converter project), Västra Götalandsregionen's
# integration guidelines (its own open-source repository) and E-hälsomyndigheten's 2014 IT-drift tender,
# which survives only as quoted passages in a vendor's classifier tests. Read from the snapshots that
# `fetch` brought to /work/.mirror; only the original DOCX/PDF text or the verbatim quotes are used (the
# converter's own Markdown conversions are not).
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sv-repos.jsonl")
INERA = "Inera AB"
VGR = "Västra Götalandsregionen (VGR)"
EHM = "E-hälsomyndigheten"

TKB_REPO, TKB_COMMIT = "oskthu2/tkb-converter", "72263d8d8f48bafe2739e4cb01880c4be8cb9a4e"
VGR_REPO, VGR_COMMIT = "Vastra-Gotalandsregionen/oppna-program-icc", "e2315d08ab7efdcf9e75a185e55c9c76d37625ee"
EHM_REPO, EHM_COMMIT = "Linusdalin/itClarifiesSystem", "db10d852ab6f4bdbebf03b7a0fb277965d260dd6"
EHM_REPO2, EHM_COMMIT2 = "Linusdalin/AnalysisModule", "4fe0e966fb0634b83722309d321472a5fb0d0668"
INERA_LICENCE = "none stated (Inera's documents in a third party's repository)"
VGR_LICENCE = "none stated for the documents (repository code: LGPL; NOTICES: Copyright Västra Götalandsregionen)"
EHM_LICENCE = "none stated (tender text quoted in a vendor's test code)"


def java_literals(s):
    return "".join(bytes(p, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                   for p in re.findall(r'"((?:[^"\\]|\\.)*)"', s))


def add_ehm(col):
    """The vendor's tests quote the tender's passages as string literals after a 'Document: "<name>"'
    comment, or in MTClassification(…, "<document>", …, "<text>") rows; the passages of E-hälsomyndigheten's
    documents are kept, minus a Swedavia passage filed among them and placeholders."""
    sources = [(EHM_REPO, EHM_COMMIT), (EHM_REPO2, EHM_COMMIT2)]
    for repo, commit in sources:
        for path in sorted(p for p in git_ls(mirror(repo), commit) if p.endswith(".java")):
            text = git_show(mirror(repo), commit, path)
            found = []
            for m in re.finditer(r'new MTClassification\(\s*"[^"]*"\s*,\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"\s*,\s*\d+\s*,'
                                 r'\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)', text):
                found.append((m.group(1), java_literals(m.group(2)), text[:m.start()].count("\n") + 1))
            parts = re.split(r'Document:\s*"([^"]*)"', text)
            offset = len(parts[0])
            for i in range(1, len(parts), 2):
                body = parts[i + 1]
                for m in re.finditer(r'new ClassificationTester\(\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)\)', body):
                    line = text[:offset + len(parts[i]) + m.start()].count("\n") + 1
                    found.append((parts[i].strip(), java_literals(m.group(1)), line))
                offset += len(parts[i]) + len(body)
            for document, unit, line in found:
                if not re.search(r"EHM|IT[ -_]Drift|IT-drift", document, re.I) or "Swedavia" in unit:
                    continue
                if "[" in unit and "XXXX" in unit:
                    continue
                col.add(EHM, unit, heading=None, repo=repo, commit=commit, path=path,
                        locator=f"line {line} (quotes \"{document}\")", licence=EHM_LICENCE, lang="sv")


def main():
    col = Collector()
    # 1. Inera: the service domains' requirement list (KRAV), contract descriptions (TKB) and the
    # connection self-declarations (SjD); the copies under source/ only (input/ repeats them).
    files = git_ls(mirror(TKB_REPO), TKB_COMMIT)
    wanted = re.compile(r"/(KRAV_|TKB_|SjD_T[KP]_|AB_)[^/]*\.docx$")
    for path in sorted(p for p in files if "/source/" in p and wanted.search(p)):
        add_docx(col, INERA, TKB_REPO, TKB_COMMIT, path, INERA_LICENCE)
    # 2. Västra Götalandsregionen: integration strategy, its checklist and the application guidelines (PDF),
    # and the region's own TKBs (DOCX, at the commit where they still exist).
    for path in ("wiki/dokument/Integrationsstrategi.pdf", "wiki/dokument/Integrationsstrategi_checklista.pdf",
                 "wiki/dokument/Tillampningsriktlinjer_Integration.pdf"):
        add_pdf(col, VGR, VGR_REPO, VGR_COMMIT, path, VGR_LICENCE)
    old = "17d05edb69c0c80d16a2780d40a64cae39138e5e"
    for path in sorted(p for p in git_ls(mirror(VGR_REPO), old)
                       if re.search(r"wiki/specifications/rivta/.*tkb[^/]*\.docx$", p, re.I)):
        add_docx(col, VGR, VGR_REPO, old, path, VGR_LICENCE)
    # 3. E-hälsomyndigheten's IT-drift 2014 tender, as quoted.
    add_ehm(col)
    counts, eligible = sample_and_write(col.units, {}, "svr", OUT, default_cap=80)
    print("eligible", eligible, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
