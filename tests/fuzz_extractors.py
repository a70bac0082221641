"""Bounded-time mutation fuzzing of the extractors.

Takes sample documents, mutates them (byte flips, truncation, chunk duplication/removal,
PDF numbers and keywords; for DOCX/XLSX also zip-aware mutations: bytes or values inside one
XML member re-zipped, members deleted, [Content_Types].xml corrupted) and runs ``extract()``
on each mutant in a worker process with a per-case time limit and an address-space limit.

Outcomes per case:
    ok                the document was read (its blocks and offsets are checked too)
    extraction_error  ExtractionError: the file was refused with a message (fine)
    exception         any other exception escaped extract()                       BUG
    timeout           the case ran past the per-case time limit (a hang)           BUG
    memory            MemoryError anywhere in the chain, or peak RSS over the limit BUG
    crash             the worker process died (segfault, abort)                   BUG
    invalid           read "ok" but the blocks break ExtractedDocument's guarantees BUG

Each bug's mutant is saved in ``out_dir`` with a .txt beside it (mutations, traceback, and
the command that replays it). Case N of a seed is always the same mutant, so
``--replay N`` re-creates it and runs extract() in this process, traceback and all.

Usage:
    python tests/fuzz_extractors.py --seconds 600 --seed 1 --out fuzz-findings/
    python tests/fuzz_extractors.py --seed 1 --replay 123 --out fuzz-findings/
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "corpora" / "samples"
FUZZ_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".txt", ".md")
BUG_OUTCOMES = ("exception", "timeout", "memory", "crash", "invalid")
OUTCOMES = ("ok", "extraction_error", *BUG_OUTCOMES)

if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))  # run as a script from a checkout without an install

# A Markdown seed: the sample corpus has no .txt/.md, and the text reader is an extractor too.
MARKDOWN_SEED = """# Kravspecifikation

## 1 Bakgrund

Kommunen har behov av ett nytt ärendehanteringssystem.

## 2 Krav på lösningen

K1 Systemet ska ha stöd för inloggning med BankID.
K2: Systemet ska stödja följande:
- påminnelser till handläggare
- export till PDF
• SITHS-kort

Motivering: handläggarna arbetar i flera system.

| Id | Krav | Motivering |
|----|------|------------|
| K3 | Lösningen ska logga alla händelser. | Spårbarhet |
| K4 | Lösningen bör fungera offline. | |

1.2 Undantag
Bör-krav 3. Appen ska fungera på engelska, t.ex. för nyanlända.
"""


# -- report ---------------------------------------------------------------------------------


@dataclass
class Bug:
    case: int
    outcome: str
    sample: str
    mutations: list[str]
    detail: str  # traceback, or what was exceeded
    saved: str | None = None  # the saved mutant


@dataclass
class FuzzReport:
    seed: int
    seconds: float  # the budget
    elapsed: float = 0.0
    cases: int = 0
    counts: Counter = field(default_factory=Counter)
    # Library exceptions that extract() turned into ExtractionError: fine, but worth knowing.
    wrapped: Counter = field(default_factory=Counter)
    wrapped_example: dict[str, int] = field(default_factory=dict)  # origin -> first case, for --replay
    per_sample: dict[str, Counter] = field(default_factory=dict)
    bugs: list[Bug] = field(default_factory=list)
    slowest: tuple[float, int, str] = (0.0, -1, "")  # (seconds, case, sample)
    peak_rss_mb: float = 0.0

    @property
    def bug_count(self) -> int:
        return sum(self.counts[o] for o in BUG_OUTCOMES)

    def summary(self) -> str:
        lines = [
            (
                f"fuzz: seed {self.seed}, {self.cases} cases in {self.elapsed:.1f} s "
                f"({self.cases / max(self.elapsed, 1e-9):.1f}/s), bugs: {self.bug_count}"
            ),
            "  outcomes: " + ", ".join(f"{o} {self.counts[o]}" for o in OUTCOMES),
        ]
        for sample, counts in sorted(self.per_sample.items()):
            lines.append(f"  {sample}: " + ", ".join(f"{o} {n}" for o, n in counts.most_common()))
        if self.wrapped:
            lines.append("  errors extract() turned into ExtractionError (fine; raised in our own code marked *):")
            for origin, n in self.wrapped.most_common():
                own = "*" if "upphandlingsgranskare/" in origin else " "
                lines.append(f"   {own}{n:6d}  {origin} (e.g. case {self.wrapped_example.get(origin)})")
        lines.append(
            f"  slowest case: {self.slowest[0]:.2f} s (case {self.slowest[1]}, {self.slowest[2]}); "
            f"worker peak RSS {self.peak_rss_mb:.0f} MB"
        )
        for bug in self.bugs:
            last = bug.detail.strip().splitlines()[-1] if bug.detail.strip() else ""
            lines.append(f"  BUG case {bug.case} {bug.outcome} {bug.sample} [{'; '.join(bug.mutations)}]: {last}")
            if bug.saved:
                lines.append(f"      saved: {bug.saved}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        data = asdict(self)
        data["counts"] = dict(self.counts)
        data["wrapped"] = dict(self.wrapped)
        data["per_sample"] = {k: dict(v) for k, v in self.per_sample.items()}
        data["bug_count"] = self.bug_count
        return data


# -- mutations --------------------------------------------------------------------------------

_INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x20, 0x0A, 0x0D, 0x25, 0x3C, 0x3E, 0x28, 0x29, 0x2F, 0x5B, 0x5D, 0x22]
_HUGE_NUMBERS = [
    b"0",
    b"-1",
    b"2147483647",
    b"4294967296",
    b"99999999999999999999",
    b"1e308",
    b"-0",
    b"65535",
    b"1048576",
    b"16384",
]
_PDF_KEYWORDS = [
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"xref",
    b"trailer",
    b"startxref",
    b"/Count",
    b"/Kids",
    b"/Length",
    b"/Root",
    b"/Type",
    b"/Page",
    b"/Pages",
    b"/Font",
    b"/Contents",
    b"/Filter",
    b"/FlateDecode",
    b"/ToUnicode",
    b"R",
    b"<<",
    b">>",
    b"[",
    b"]",
]


def _span(rng: random.Random, size: int, max_len: int) -> tuple[int, int]:
    start = rng.randrange(size)
    return start, min(size, start + rng.randint(1, max(1, max_len)))


def flip_bits(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "flip: empty"
    out = bytearray(data)
    positions = sorted(rng.randrange(len(out)) for _ in range(rng.randint(1, 16)))
    for pos in positions:
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out), f"flip {len(positions)} bits at {positions[:4]}{'...' if len(positions) > 4 else ''}"


def interesting_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "set: empty"
    out = bytearray(data)
    positions = sorted(rng.randrange(len(out)) for _ in range(rng.randint(1, 8)))
    for pos in positions:
        out[pos] = rng.choice(_INTERESTING)
    return bytes(out), f"set {len(positions)} bytes to special values at {positions[:4]}"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    keep = rng.randrange(len(data)) if data else 0
    return data[:keep], f"truncate to {keep} of {len(data)} bytes"


def duplicate_chunk(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "duplicate: empty"
    start, end = _span(rng, len(data), max(64, len(data) // 8))
    times = rng.choice([1, 1, 2, 8, 64])
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * times + data[at:], f"duplicate bytes {start}:{end} x{times} at {at}"


def remove_chunk(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "remove: empty"
    start, end = _span(rng, len(data), max(64, len(data) // 8))
    return data[:start] + data[end:], f"remove bytes {start}:{end}"


def insert_random(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    junk = rng.randbytes(rng.randint(1, 256))
    return data[:at] + junk + data[at:], f"insert {len(junk)} random bytes at {at}"


def replace_number(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A number in the file (PDF object numbers, /Length, /Count, XML attributes) made absurd."""
    numbers = [m.span() for m in re.finditer(rb"(?<![\w.])\d{1,10}(?![\w.])", data[:2_000_000])]
    if not numbers:
        return interesting_bytes(rng, data)
    start, end = rng.choice(numbers)
    new = rng.choice(_HUGE_NUMBERS)
    return data[:start] + new + data[end:], f"number {data[start:end].decode()!r} at {start} -> {new.decode()!r}"


def pdf_keyword(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    hits = [(m.span(), kw) for kw in _PDF_KEYWORDS for m in re.finditer(re.escape(kw), data[:2_000_000])]
    if not hits:
        return flip_bits(rng, data)
    (start, end), kw = rng.choice(hits)
    new = rng.choice([b"", *_PDF_KEYWORDS])
    return data[:start] + new + data[end:], f"keyword {kw.decode()!r} at {start} -> {new.decode()!r}"


GENERIC = (flip_bits, interesting_bytes, truncate, duplicate_chunk, remove_chunk, insert_random, replace_number)
PDF_ONLY = (replace_number, pdf_keyword)


def xml_edit(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Structure-aware edits of an XML member: drop or repeat an element, absurd attribute values."""
    choice = rng.randrange(4)
    tags = [m.span() for m in re.finditer(rb"<[^<>]{1,200}>", data[:2_000_000])]
    if choice == 0 and tags:
        start, end = rng.choice(tags)
        return data[:start] + data[end:], f"xml: drop tag {data[start:end][:40]!r}"
    if choice == 1 and tags:
        # Repeat an element from its start tag to a later tag (nesting may break: that is the point).
        i = rng.randrange(len(tags))
        j = min(len(tags) - 1, i + rng.randint(0, 6))
        start, end = tags[i][0], tags[j][1]
        times = rng.choice([2, 10, 200])
        return data[:end] + data[start:end] * (times - 1) + data[end:], f"xml: repeat {start}:{end} x{times}"
    values = [m.span(1) for m in re.finditer(rb'="([^"]{0,40})"', data[:2_000_000])]
    if choice == 2 and values:
        start, end = rng.choice(values)
        new = rng.choice([*_HUGE_NUMBERS, b"", b"A1:XFD1048576", b"&amp;", b"x" * 300, b"\xff\xfe"])
        return data[:start] + new + data[end:], f"xml: attribute {data[start:end][:30]!r} -> {new[:30]!r}"
    texts = [m.span(1) for m in re.finditer(rb">([^<>]{1,200})<", data[:2_000_000])]
    if texts:
        start, end = rng.choice(texts)
        new = rng.choice(
            ["\u200e\u00a0\x0b", "x" * 5000, "&#0;", "&#xFFFE;", "ska " * 2000, "<![CDATA[", "&undefined;"]
        )
        return data[:start] + new.encode() + data[end:], f"xml: text {data[start:end][:30]!r} -> {new[:20]!r}"
    return flip_bits(rng, data)


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in members:
            # The member's own timestamp: a name alone stamps the current time, and a case would then
            # differ from its --replay whenever the two straddle a two-second tick.
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zf.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(info, zf.read(info)) for info in zf.infolist()]
    except Exception:  # noqa: BLE001 - an earlier mutation broke the zip: fall back to bytes
        return None


def zip_member(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    members = _members(data)
    if not members:
        return flip_bits(rng, data)
    xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))]
    index = rng.choice(xml or range(len(members)))
    info, content = members[index]
    mutate = rng.choice((xml_edit, xml_edit, flip_bits, interesting_bytes, truncate, duplicate_chunk, remove_chunk))
    new, what = mutate(rng, content)
    members[index] = (info, new)
    return _rezip(members), f"{info.filename}: {what}"


def zip_delete(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    members = _members(data)
    if not members:
        return truncate(rng, data)
    gone = rng.sample(range(len(members)), k=min(len(members), rng.choice([1, 1, 2])))
    names = [members[i][0].filename for i in gone]
    return _rezip([m for i, m in enumerate(members) if i not in gone]), f"delete members {names}"


def zip_content_types(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    members = _members(data)
    if not members:
        return flip_bits(rng, data)
    index = next((i for i, (info, _) in enumerate(members) if info.filename == "[Content_Types].xml"), None)
    if index is None:
        return zip_member(rng, data)
    info, content = members[index]
    how = rng.randrange(5)
    if how == 0:
        new, what = content[: rng.randrange(len(content) or 1)], "truncated"
    elif how == 1:
        new, what = rng.randbytes(rng.randint(0, 200)), "replaced with random bytes"
    elif how == 2:
        overrides = list(re.finditer(rb"<Override[^>]*/>", content))
        if overrides:
            m = rng.choice(overrides)
            new, what = content[: m.start()] + content[m.end() :], f"removed {m.group()[:60]!r}"
        else:
            new, what = content.replace(b"<Default", b"<Defualt", 1), "misspelt Default"
    elif how == 3:
        new, what = (
            re.sub(rb'ContentType="[^"]*"', b'ContentType="application/x-bogus"', content, count=3),
            "bogus content types",
        )
    else:
        return _rezip([m for i, m in enumerate(members) if i != index]), "[Content_Types].xml deleted"
    members[index] = (info, new)
    return _rezip(members), f"[Content_Types].xml {what}"


ZIP_AWARE = (zip_member, zip_member, zip_member, zip_delete, zip_content_types)


def mutate(rng: random.Random, data: bytes, ext: str) -> tuple[bytes, list[str]]:
    """1-3 stacked mutations, chosen by the file's kind."""
    done: list[str] = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if ext in (".docx", ".xlsx") and rng.random() < 0.7:
            mutator = rng.choice(ZIP_AWARE)
        elif ext == ".pdf" and rng.random() < 0.35:
            mutator = rng.choice(PDF_ONLY)
        else:
            mutator = rng.choice(GENERIC)
        data, what = mutator(rng, data)
        done.append(f"{mutator.__name__}: {what}")
    return data, done


def make_case(seed: int, case: int, samples: list[Path], cache: dict[Path, bytes]) -> tuple[Path, bytes, list[str]]:
    """Case ``case`` of ``seed``: always the same sample and the same mutant."""
    rng = random.Random(f"{seed}:{case}")
    sample = samples[case % len(samples)]  # round robin: every sample gets its share
    if sample not in cache:
        cache[sample] = sample.read_bytes()
    data, mutations = mutate(rng, cache[sample], sample.suffix.lower())
    return sample, data, mutations


# -- the worker -------------------------------------------------------------------------------


def _status_kb(field_name: str) -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak_rss() -> None:
    # Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each case gets its own peak.
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _cause_chain(error: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def _origin(error: BaseException) -> str:
    """``KeyError at openpyxl/reader/excel.py:123``: the type and the frame that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    where = last.filename.replace(os.sep, "/")
    for marker in ("site-packages/", "/src/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    else:
        where = re.sub(r"^.*/lib/python\d+\.\d+/", "", where)  # the standard library
    return f"{type(error).__name__} at {where}:{last.lineno}"


def check_document(document, path: str) -> str | None:
    """What is wrong with an extracted document, or None: the guarantees of extract()."""
    if not document.blocks:
        return "no blocks (extract() promises ExtractionError instead)"
    position = 0
    for i, block in enumerate(document.blocks):
        if not block.text:
            return f"block {i} is empty"
        if (block.location.start, block.location.end) != (position, position + len(block.text)):
            return f"block {i} offsets {block.location.start}:{block.location.end}, expected {position}:{position + len(block.text)}"
        if block.location.file != path:
            return f"block {i} names file {block.location.file!r}, not {path!r}"
        position += len(block.text) + 1
    if len(document.text) != position - 1:
        return f"text length {len(document.text)} != {position - 1}"
    return None


def run_one(path: str, memory_limit_mb: float) -> tuple[str, str, str | None]:
    """extract() one file: (outcome, detail, wrapped library error type)."""
    from upphandlingsgranskare.extract import extract
    from upphandlingsgranskare.models import ExtractionError

    baseline = _status_kb("VmRSS")
    try:
        document = extract(path)
    except ExtractionError as error:
        chain = _cause_chain(error)
        if any(isinstance(e, MemoryError) for e in chain):
            return "memory", "".join(traceback.format_exception(error)), "MemoryError"
        wrapped = _origin(chain[-1]) if len(chain) > 1 else None
        return "extraction_error", error.reason[:300], wrapped
    except BaseException as error:  # noqa: BLE001 - anything else escaping extract() is the bug we hunt
        outcome = "memory" if isinstance(error, MemoryError) else "exception"
        return outcome, "".join(traceback.format_exception(error)), None
    peak_mb = (_status_kb("VmHWM") - baseline) / 1024
    if peak_mb > memory_limit_mb:
        return "memory", f"peak RSS grew by {peak_mb:.0f} MB (limit {memory_limit_mb:.0f} MB)", None
    problem = check_document(document, path)
    if problem:
        return "invalid", problem, None
    return "ok", f"{len(document.blocks)} blocks", None


def _worker_main(conn, memory_limit_mb: float, quiet: bool) -> None:
    import warnings

    warnings.simplefilter("ignore")
    if quiet:  # PDFium and openpyxl write to stderr; a fuzz run would drown in it
        import faulthandler

        faulthandler.disable()  # pytest's handler writes to its own copy of stderr; a crash is reported anyway
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    import upphandlingsgranskare.extract  # noqa: F401 - import before measuring the baseline
    from upphandlingsgranskare.extract import docx_reader, pdf, text, xlsx  # noqa: F401

    # Address-space cap: what the process maps now plus the budget. RLIMIT_RSS is not
    # enforced by Linux, so RLIMIT_AS is the limit that makes a blow-up fail fast.
    if hasattr(resource, "RLIMIT_AS"):
        vm = _status_kb("VmSize") * 1024
        cap = vm + int(memory_limit_mb * 1024 * 1024)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    conn.send(("ready", os.getpid()))
    while True:
        path = conn.recv()
        if path is None:
            break
        _reset_peak_rss()
        started = time.perf_counter()
        outcome, detail, wrapped = run_one(path, memory_limit_mb)
        conn.send((outcome, detail, wrapped, time.perf_counter() - started, _status_kb("VmHWM") / 1024))


class Worker:
    """One long-lived worker process; killed and replaced after a timeout or crash."""

    def __init__(self, memory_limit_mb: float, quiet: bool = True):
        self.memory_limit_mb = memory_limit_mb
        self.quiet = quiet
        # fork: a replacement worker starts in milliseconds, with the readers already imported.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx = multiprocessing.get_context(method)
        self.process = None
        self.conn = None
        self.start()

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.process = self.ctx.Process(
            target=_worker_main, args=(child, self.memory_limit_mb, self.quiet), daemon=True
        )
        self.process.start()
        child.close()
        self.conn = parent
        if not parent.poll(120) or parent.recv()[0] != "ready":
            raise RuntimeError("fuzz worker did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process = None

    def restart(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()  # only our own worker, by its handle
        if self.process is not None:
            self.process.join()
            self.conn.close()
            self.process = None
        self.start()

    def run(self, path: str, timeout: float) -> tuple[str, str, str | None, float, float]:
        started = time.perf_counter()
        try:
            self.conn.send(path)
            if not self.conn.poll(timeout):
                self.restart()
                return "timeout", f"no answer within {timeout:.0f} s", None, time.perf_counter() - started, 0.0
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.process.join(5)
            code = self.process.exitcode
            name = signal.Signals(-code).name if code is not None and code < 0 else f"exit code {code}"
            self.restart()
            return "crash", f"worker died: {name}", None, time.perf_counter() - started, 0.0


# -- the loop ---------------------------------------------------------------------------------


def default_samples(seed_dir: Path | None = None) -> list[Path]:
    """The sample corpus, plus a Markdown seed written to ``seed_dir`` (the corpus has none)."""
    samples = sorted(p for p in SAMPLES_DIR.glob("*") if p.suffix.lower() in FUZZ_EXTENSIONS)
    if seed_dir is not None:
        seed_dir.mkdir(parents=True, exist_ok=True)
        md = seed_dir / "seed-kravspec.md"
        md.write_text(MARKDOWN_SEED, encoding="utf-8")
        samples.append(md)
    return samples


def _save(
    out_dir: Path,
    seed: int,
    case: int,
    sample: Path,
    data: bytes,
    mutations: list[str],
    outcome: str,
    detail: str,
    replay_args: str,
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{outcome}-seed{seed}-case{case:05d}-{sample.stem}"
    mutant = out_dir / f"{stem}{sample.suffix}"
    mutant.write_bytes(data)
    (out_dir / f"{stem}.txt").write_text(
        f"outcome: {outcome}\nsample: {sample}\nseed: {seed}\ncase: {case}\n"
        f"mutations:\n"
        + "".join(f"  - {m}\n" for m in mutations)
        + f"replay: python tests/fuzz_extractors.py --seed {seed} --replay {case}{replay_args}\n\n"
        + detail
        + "\n",
        encoding="utf-8",
    )
    return mutant


def fuzz(
    seconds: float,
    seed: int,
    samples: list[Path],
    out_dir: Path,
    *,
    case_timeout: float = 10.0,
    memory_limit_mb: float = 1024,
    max_cases: int | None = None,
    quiet: bool = True,
    progress=None,
) -> FuzzReport:
    """Mutate ``samples`` and extract() each mutant until ``seconds`` have passed.

    Bugs (see the module docstring) are saved to ``out_dir``; ``report.json`` is written there
    when there is anything to save. A case may overrun the budget by at most ``case_timeout``.
    """
    samples = [Path(s) for s in samples]
    if not samples:
        raise ValueError("no samples to fuzz")
    # Case N depends on the sample list: name it in the replay command unless it is the default.
    defaults = [p.name for p in default_samples()] + ["seed-kravspec.md"]
    replay_args = "" if [p.name for p in samples] == defaults else "".join(f" --sample {p}" for p in samples)
    report = FuzzReport(seed=seed, seconds=seconds)
    cache: dict[Path, bytes] = {}
    started = time.monotonic()
    deadline = started + seconds
    worker = Worker(memory_limit_mb, quiet=quiet)
    try:
        with tempfile.TemporaryDirectory(prefix="fuzz-extract-") as tmp:
            case = 0
            while time.monotonic() < deadline and (max_cases is None or case < max_cases):
                sample, data, mutations = make_case(seed, case, samples, cache)
                # The same name every time: the reader sees only its suffix and the bytes.
                path = Path(tmp) / f"mutant{sample.suffix}"
                path.write_bytes(data)
                outcome, detail, wrapped, took, peak = worker.run(str(path), case_timeout)
                report.cases += 1
                report.counts[outcome] += 1
                report.per_sample.setdefault(sample.name, Counter())[outcome] += 1
                report.peak_rss_mb = max(report.peak_rss_mb, peak)
                if wrapped:
                    report.wrapped[wrapped] += 1
                    report.wrapped_example.setdefault(wrapped, case)
                if took > report.slowest[0]:
                    report.slowest = (took, case, sample.name)
                if outcome in BUG_OUTCOMES:
                    saved = _save(out_dir, seed, case, sample, data, mutations, outcome, detail, replay_args)
                    report.bugs.append(Bug(case, outcome, sample.name, mutations, detail, str(saved)))
                if progress is not None:
                    progress(report)
                case += 1
    finally:
        worker.stop()
        report.elapsed = time.monotonic() - started
    if report.bugs:
        (out_dir / "report.json").write_text(
            json.dumps(report.to_json(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return report


def replay(seed: int, case: int, samples: list[Path], out_dir: Path) -> int:
    """Re-create case ``case`` and run extract() in this process, showing what happens."""
    from upphandlingsgranskare.extract import extract

    sample, data, mutations = make_case(seed, case, samples, {})
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"replay-seed{seed}-case{case:05d}-{sample.stem}{sample.suffix}"
    path.write_bytes(data)
    print(f"case {case} of seed {seed}: {sample.name}\n  " + "\n  ".join(mutations) + f"\n  mutant: {path}")
    started = time.perf_counter()
    try:
        document = extract(path)
    except Exception:  # noqa: BLE001 - show whatever it is
        traceback.print_exc()
        print(f"({time.perf_counter() - started:.2f} s)")
        return 1
    print(
        f"ok: {len(document.blocks)} blocks ({time.perf_counter() - started:.2f} s); "
        f"check: {check_document(document, str(path)) or 'fine'}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="time budget (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="where bugs are saved")
    parser.add_argument(
        "--sample",
        type=Path,
        action="append",
        default=[],
        help="a seed document (repeatable; default: corpora/samples plus a Markdown seed)",
    )
    parser.add_argument("--case-timeout", type=float, default=10.0, help="seconds per case before it counts as a hang")
    parser.add_argument("--memory-mb", type=float, default=1024, help="memory budget per case (MB)")
    parser.add_argument("--replay", type=int, metavar="CASE", help="re-create one case and extract it here")
    parser.add_argument("--verbose", action="store_true", help="keep the readers' stderr")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fuzz-seeds-") as seeds:
        samples = args.sample or default_samples(Path(seeds))
        if args.replay is not None:
            return replay(args.seed, args.replay, samples, args.out)
        print(
            f"fuzzing {len(samples)} samples for {args.seconds:g} s, seed {args.seed}: "
            + ", ".join(s.name for s in samples),
            flush=True,
        )
        last = [time.monotonic()]

        def progress(report: FuzzReport) -> None:
            if time.monotonic() - last[0] >= 10:
                last[0] = time.monotonic()
                print(
                    f"  {report.cases} cases, bugs {report.bug_count}: "
                    + ", ".join(f"{o} {n}" for o, n in report.counts.most_common()),
                    flush=True,
                )

        report = fuzz(
            args.seconds,
            args.seed,
            samples,
            args.out,
            case_timeout=args.case_timeout,
            memory_limit_mb=args.memory_mb,
            quiet=not args.verbose,
            progress=progress,
        )
    print(report.summary())
    return 1 if report.bug_count else 0


if __name__ == "__main__":
    raise SystemExit(main())
