"""Ctrl-C and SIGTERM during ``check``: an exception in the main thread, raised wherever
the program is, so that cleanups run (workers stopped, the file being written finished)
and the command prints one line."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that cleanups run as for Ctrl-C. Not an
    ``Exception``, as ``KeyboardInterrupt`` is not: code that turns any error into a
    finding or a warning (a fix pass, a rule) must not swallow it."""


#: A signal whose exception Python dropped (it was raised inside a weakref callback or a
#: ``__del__``), raised again at the run's next :func:`checkpoint`.
_dropped: signal.Signals | None = None


def checkpoint() -> None:
    """Where a run may stop (before each file is taken in, before each write): raise the
    exception of a signal that was handled where Python drops exceptions."""
    if _dropped is not None:
        raise Terminated if _dropped == signal.SIGTERM else KeyboardInterrupt


@contextlib.contextmanager
def termination_as_exception() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` and SIGINT ``KeyboardInterrupt`` in the main
    thread; from the first of either, both are ignored: the run is ending, and a second
    signal (Ctrl-C pressed twice, or sent to the whole group by each worker) must not
    interrupt the one line that says so, nor end the process before it is written.

    Python runs a signal's handler between any two bytecodes, also inside a weakref
    callback or a ``__del__``, where an exception is printed ("Exception ignored in")
    and dropped: the run would go on, and end as if nothing had happened. Such an
    exception is kept instead, silently, and raised at the next :func:`checkpoint`, or
    as the block ends. (Raising the signal again from the hook that sees it dropped
    would run the handler at once, in that hook, where it is dropped too.)"""
    global _dropped
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return
    stopped: signal.Signals | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped
        stopped = signal.Signals(signum)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    def keep_dropped(unraisable: Any) -> None:
        # sys.unraisablehook: our exception, dropped where Python ignores exceptions.
        global _dropped
        ours = isinstance(unraisable.exc_value, (Terminated, KeyboardInterrupt))
        if stopped is None or not ours:
            unraisable_before(unraisable)
            return
        _dropped = stopped

    # An ignored SIGINT (nohup, a background job) stays ignored.
    caught = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        caught.append(signal.SIGINT)
    previous = {how: signal.signal(how, stop) for how in caught}
    unraisable_before = sys.unraisablehook
    sys.unraisablehook = keep_dropped
    try:
        yield
        checkpoint()
    finally:
        sys.unraisablehook = unraisable_before
        _dropped = None
        if stopped is None:
            for how, handler in previous.items():
                signal.signal(how, handler)
