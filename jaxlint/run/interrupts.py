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

from jaxlint.fsio import interrupt_was_dropped


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that cleanups run as for Ctrl-C. Not an
    ``Exception``, as ``KeyboardInterrupt`` is not: code that turns any error into a
    finding or a warning (a fix pass, a rule) must not swallow it."""


#: The signal that is ending the run, from the moment its handler ran: its exception may
#: have been dropped or turned into another on its way (see below), and is raised again
#: at the run's next :func:`checkpoint`.
_received: signal.Signals | None = None


def _exception_of(signum: signal.Signals) -> BaseException:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def checkpoint() -> None:
    """Where a run may stop (before each file is taken in, before each write): raise the
    exception of a signal whose own exception never reached the top."""
    if _received is not None:
        raise _exception_of(_received)


@contextlib.contextmanager
def termination_as_exception() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` and SIGINT ``KeyboardInterrupt`` in the main
    thread; from the first of either, both are ignored: the run is ending, and a second
    signal (Ctrl-C pressed twice, or sent to the whole group by each worker) must not
    interrupt the one line that says so, nor end the process before it is written.

    Python runs a signal's handler between any two bytecodes, wherever that is. Inside
    a weakref callback or a ``__del__`` the exception is printed ("Exception ignored
    in") and dropped, and the run would go on to its end; that print is silenced, and
    the exception raised again at the next :func:`checkpoint` or as the block ends.
    Inside a descriptor's ``__set_name__`` (a class made while a module is imported)
    Python 3.11 wraps it in a RuntimeError, which any ``except Exception`` on the way
    may turn into a file's internal error: from a signal on, whatever error ends the
    block ends it as that signal. (Raising the signal again from the hook that sees an
    exception dropped does not work: ``raise_signal``, ``os.kill`` and
    ``interrupt_main`` all run the handler at once, inside that hook.)"""
    global _received
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return
    if interrupt_was_dropped():  # a Ctrl-C before the check began (jaxlint.__main__)
        raise KeyboardInterrupt

    def stop(signum: int, frame: FrameType | None) -> None:
        global _received
        _received = signal.Signals(signum)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _exception_of(_received)

    def silenced(unraisable: Any) -> None:
        # sys.unraisablehook: no "Exception ignored" for the signal's own exception.
        ours = isinstance(unraisable.exc_value, (Terminated, KeyboardInterrupt))
        if _received is None or not ours:
            unraisable_before(unraisable)

    # An ignored SIGINT (nohup, a background job) stays ignored.
    caught = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        caught.append(signal.SIGINT)
    previous = {how: signal.signal(how, stop) for how in caught}
    unraisable_before = sys.unraisablehook
    sys.unraisablehook = silenced
    try:
        yield
        checkpoint()
    except Exception:
        if _received is None:
            raise
        raise _exception_of(_received) from None
    finally:
        sys.unraisablehook = unraisable_before
        received, _received = _received, None
        if received is None:
            for how, handler in previous.items():
                signal.signal(how, handler)
