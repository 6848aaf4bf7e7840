"""Reading sources and replacing files: every write jaxlint makes is atomic (a temporary
file renamed over the target), with interrupts held so none lands in between."""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from collections.abc import Iterator


def read_source(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


_DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, so an interrupt never lands between
    creating a temporary file and renaming it (where it would leave one behind)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomically(path: str, data: bytes, *, create: bool = False, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` in one rename, keeping its permissions. A missing
    file is an error (a source deleted while we ran stays deleted) unless ``create``:
    then it is made private to the user, as ``mkstemp`` makes files. ``durable`` data
    reaches the disk before the rename: a crash must never leave a source empty, whereas
    a cache is only worth the time it saves."""
    directory = os.path.dirname(os.path.abspath(path))
    with signals_deferred():
        try:
            mode: int | None = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            if not create:
                raise
            mode = None
        # The name is chosen before the file exists, so that a Ctrl-C whose Python handler
        # was already pending when the signals were blocked still finds it to remove.
        temporary = os.path.join(directory, f".jaxlint-{os.getpid()}-{uuid.uuid4().hex}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
