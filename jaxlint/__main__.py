"""``python -m jaxlint`` and the ``jaxlint`` command.

Ctrl-C at any moment is one line and exit 130. From the moment this module is imported
(by the console script, before it calls :func:`run`) a SIGINT ends the process quietly;
:func:`run` then restores ``KeyboardInterrupt`` (which a fix run needs, to finish the
file it is writing) and imports the command line inside its guard, so that an interrupt
during start-up is no traceback either. This module imports nothing heavy.
"""

import signal
import sys
from types import FrameType


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    from jaxlint.fsio import INTERRUPTED

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing
    sys.stderr.write(INTERRUPTED + "\n")
    raise SystemExit(130)


# Only where Ctrl-C would raise KeyboardInterrupt: an ignored SIGINT (nohup) stays ignored.
_GUARDED = signal.getsignal(signal.SIGINT) is signal.default_int_handler
if _GUARDED:
    signal.signal(signal.SIGINT, _exit_quietly)


def _keep_dropped_interrupt(unraisable: object) -> None:
    """``sys.unraisablehook``: a KeyboardInterrupt raised where Python drops exceptions
    (a weakref callback, as an import releases its lock) is noted, not printed: it still
    ends the command (see :func:`jaxlint.fsio.note_dropped_interrupt`)."""
    if isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
        from jaxlint.fsio import note_dropped_interrupt

        note_dropped_interrupt()
        return
    sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]


def run() -> None:
    try:
        if _GUARDED:
            sys.unraisablehook = _keep_dropped_interrupt
            signal.signal(signal.SIGINT, signal.default_int_handler)
        from jaxlint.cli import main
        from jaxlint.fsio import interrupt_was_dropped

        if interrupt_was_dropped():
            raise KeyboardInterrupt
        try:
            main()
        except SystemExit as exit:
            if interrupt_was_dropped() and exit.code not in (130, 143):  # not said yet
                raise KeyboardInterrupt from None
            raise
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing
        from jaxlint.fsio import INTERRUPTED

        sys.stderr.write(INTERRUPTED + "\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
