"""Stopping a batch cleanly: Ctrl-C and SIGTERM end the run and its worker processes, never leaving a
worker orphaned, and the run says how to continue.

The parent turns SIGTERM into ``Terminated`` (a ``KeyboardInterrupt``), so both signals unwind the
same way: the review loop kills its workers on the way out (``stop_workers``) and the command prints
one line. Each worker ignores Ctrl-C (the terminal sends it to the whole process group; the parent
decides) and asks the kernel to kill it when the parent dies, even by SIGKILL (Linux).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + the signal number, as shells report them


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""


_requested: type[KeyboardInterrupt] | None = None


def _interrupt(signum, frame) -> None:  # noqa: ANN001 - signal handler signature
    global _requested
    _requested = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
    raise _requested()


def check_terminated() -> None:
    """Raise the interruption again if Ctrl-C or SIGTERM came: a signal's exception raised inside a
    callback whose errors Python ignores (a weakref callback during an import) is lost, so safe points
    between documents ask again."""
    if _requested is not None:
        raise _requested()


def _quiet_unraisable(previous):
    def hook(unraisable) -> None:  # noqa: ANN001 - sys.UnraisableHookArgs
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            return  # the interruption a callback swallowed: check_terminated raises it where it counts
        previous(unraisable)

    return hook


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` and Ctrl-C ``KeyboardInterrupt`` in the main thread, and
    ``check_terminated`` raises them again at safe points (elsewhere than the main thread: nothing changes)."""
    import threading

    global _requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _requested = None
    previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGTERM, signal.SIGINT)}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_unraisable(previous_hook)
    try:
        yield
    except KeyboardInterrupt:
        raise
    except Exception as error:
        if _requested is None:
            raise
        # The interruption hit code that wrapped it in an error of its own (pydantic's JSON serializer gives
        # "PydanticSerializationError: … KeyboardInterrupt"): the run was interrupted, not broken.
        raise _requested() from error
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        sys.unraisablehook = previous_hook
        _requested = None


def worker_init(parent: int) -> None:
    """In a freshly forked worker: the default SIGTERM, Ctrl-C ignored, and death with the parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def stop_workers(pools: Sequence) -> None:
    """Kill the pools' worker processes now, without waiting for the documents they are reading."""
    for pool in pools:
        # ProcessPoolExecutor has no public way to end a busy worker before Python 3.14.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                process.join(5)
            except (OSError, ValueError, AssertionError, AttributeError):
                pass


def interrupted_line(interrupt: KeyboardInterrupt, folder_mode: bool) -> tuple[str, int]:
    """The one line an interrupted review prints, and its exit code."""
    what = "avbruten (SIGTERM) / terminated" if isinstance(interrupt, Terminated) else "avbruten / interrupted"
    code = EXIT_TERMINATED if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED
    if not folder_mode:
        return f"upphandlingsgranskare: {what}", code
    return (
        f"upphandlingsgranskare: {what}; färdiga dokument är sparade, kör samma kommando med --resume för att "
        "fortsätta / finished documents are kept: run the same command with --resume to continue"
    ), code


def run_interruptibly(run: Callable[[], int], folder_mode: Callable[[], bool]) -> int:
    """``run()``'s exit code; on Ctrl-C or SIGTERM, the one line saying so (``interrupted_line``) and 130/143."""
    try:
        with sigterm_interrupts():
            return run()
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM (Terminated)
        line, code = interrupted_line(interrupt, folder_mode())
        print(line, file=sys.stderr, flush=True)
        return code
