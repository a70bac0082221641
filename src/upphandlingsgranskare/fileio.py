"""Writing outputs atomically: a reader never sees half a report, and a crash never leaves one."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

# Why a write failed, in words a user can act on; other errors give the system's own words.
_WRITE_PROBLEMS = {
    errno.ENOSPC: "disken är full / the disk is full",
    errno.EDQUOT: "diskkvoten är slut / the disk quota is used up",
    errno.EFBIG: "filen blir större än tillåtet (ulimit -f?) / the file would be larger than allowed (ulimit -f?)",
    errno.EROFS: "filsystemet är skrivskyddat / the file system is read-only",
    errno.EACCES: "saknar behörighet att skriva / permission denied",
    errno.EPERM: "saknar behörighet att skriva / permission denied",
    errno.ENAMETOOLONG: "namnet är för långt / the name is too long",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp / part of the path is not a folder",
    errno.EISDIR: "sökvägen är en mapp / the path is a folder",
}


class WriteError(OSError):
    """An output could not be written; ``str()`` is the one line to show (file, what happened)."""

    def __init__(self, target: Path, error: OSError) -> None:
        super().__init__(error.errno, error.strerror, str(target))
        problem = _WRITE_PROBLEMS.get(error.errno or 0) or f"{error.strerror or error}"
        self.message = f"{target}: kunde inte skriva / could not write: {problem}"

    def __str__(self) -> str:
        return self.message


def cache_dir() -> Path:
    """The user's cache folder for files the tool can always rebuild (lemma tables, compiled data, LLM answers)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "upphandlingsgranskare"


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; raises ``WriteError``."""
    target = Path(path)
    try:
        _write_atomic(target, data)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(target, error) from error


def _write_atomic(target: Path, data: str | bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _locked_temporary(target)
    try:
        # mkstemp creates 0600; a report should get the permissions any new file would (or keep the old file's).
        os.chmod(tmp, _target_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, target)  # still open, so still locked, until renamed
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _locked_temporary(target: Path) -> tuple[int, str]:
    """A new temporary file next to ``target``, locked until it is renamed or this process dies, so
    ``remove_half_written`` (another run's --resume) leaves it alone."""
    # The temporary name adds 14 bytes: a name near the 255-byte limit is cut short here, not refused.
    name = target.name if len(os.fsencode(target.name)) <= 200 else target.name[:100]
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target.parent)
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; half-written files are then left in place
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(fd), os.stat(tmp)):
                return fd, tmp
        except FileNotFoundError:
            pass
        os.close(fd)  # removed as stale in the instant before the lock: take another


_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")  # write_atomic's names: .<name>.<8 random>.tmp


def remove_half_written(folder: str | os.PathLike) -> int:
    """Delete what ``write_atomic`` left behind when its process was killed before the rename: its
    temporary files in ``folder`` that no living writer holds locked. Returns how many."""
    try:
        import fcntl
    except ImportError:
        return 0
    removed = 0
    for parent, _, names in os.walk(os.fspath(folder)):
        for name in names:
            if not _TEMPORARY.match(name):
                continue
            path = os.path.join(parent, name)
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a writer is at work
                os.unlink(path)
                removed += 1
            except OSError:
                continue
            finally:
                os.close(fd)
    return removed


def _target_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def _read_umask() -> int:
    # os.umask can only be read by setting it; do it once, before any threads write files.
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()
