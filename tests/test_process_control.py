"""Stopping a batch: SIGTERM to the parent of `--jobs 2` leaves no worker behind, Ctrl-C prints one line
with the --resume hint, and --resume removes the temporary file a SIGKILL left between fsync and rename
(but not one a living writer holds)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.fileio import remove_half_written

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough documents that a two-process review is still busy a few seconds in."""
    folder = tmp_path_factory.mktemp("batch")
    sources = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".xlsx"))
    for n in range(6):
        for source in sources:
            shutil.copy(source, folder / f"{n}-{source.name}")
    return folder


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "upphandlingsgranskare", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_workers(process: subprocess.Popen, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children(process.pid)
        if workers:
            time.sleep(1.0)  # the workers are reading documents now
            return children(process.pid)
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    pytest.fail("no worker process started")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_sigterm_to_the_parent_leaves_no_worker_behind(batch: Path, tmp_path: Path) -> None:
    process = start(
        ["review", str(batch), "-f", "json,markdown", "-o", str(tmp_path / "out"), "--jobs", "2", "--no-progress"]
    )
    workers = wait_for_workers(process)
    assert workers
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "a worker outlived its parent"
    assert "--resume" in stderr


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_ctrl_c_prints_one_line_with_the_resume_hint(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = start(["review", str(batch), "-f", "json,markdown", "-o", str(out), "--jobs", "2", "--no-progress"])
    workers = wait_for_workers(process)
    process.send_signal(signal.SIGINT)
    for pid in workers:  # the terminal sends Ctrl-C to the whole process group
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and "--resume" in lines[-1] and "interrupted" in lines[-1], stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert not list(out.rglob("*.tmp"))


def test_resume_removes_a_temporary_file_left_by_a_killed_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", folder / "krav.docx")
    out = tmp_path / "out"
    args = ["review", str(folder), "-f", "json,markdown", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 1
    # A run killed between fsync and rename leaves its temporary file, named as write_atomic names them.
    left = out / ".krav.docx.granskning.json.k3j_x9q2.tmp"
    left.write_text('{"half": ', "utf-8")
    # One a living writer holds (another run writing into the folder right now) stays.
    busy = out / ".index.html.abcd1234.tmp"
    busy.write_text("<html>", "utf-8")
    holder = os.open(busy, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        result = runner.invoke(app, [*args, "--resume"])
    finally:
        os.close(holder)
    assert result.exit_code == 1, result.output
    assert not left.exists() and busy.exists()
    assert "1 halvskrivna filer borttagna / half-written files removed" in result.stderr
    assert remove_half_written(out) == 1 and not busy.exists()
    other = out / "notes.tmp"  # not a name write_atomic makes: never touched
    other.write_text("x", "utf-8")
    assert remove_half_written(out) == 0 and other.exists()


@pytest.mark.parametrize("signum, expected", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, "Terminated")])
def test_an_interruption_that_code_wrapped_in_its_own_error_is_still_an_interruption(signum, expected) -> None:
    """pydantic's JSON serializer turns a KeyboardInterrupt into PydanticSerializationError; the run was
    interrupted all the same (exit 130 or 143, not a traceback and 1)."""
    from upphandlingsgranskare import process_control

    expected_type = process_control.Terminated if expected == "Terminated" else expected

    def wrapping_code() -> None:
        try:
            os.kill(os.getpid(), signum)
            time.sleep(1)  # the handler raises here
        except KeyboardInterrupt as interrupt:
            raise ValueError("Error serializing to JSON: KeyboardInterrupt") from interrupt

    with pytest.raises(expected_type) as raised, process_control.sigterm_interrupts():
        wrapping_code()
    assert type(raised.value) is expected_type and isinstance(raised.value.__cause__, ValueError)
    with pytest.raises(ValueError), process_control.sigterm_interrupts():  # no interruption: the error stands
        raise ValueError("a real error")
