"""Reading sources and replacing files: every write jaxlint makes is atomic (a temporary
file renamed over the target), with interrupts held so none lands in between."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import uuid
from collections.abc import Callable, Iterator


def read_source(path: str) -> bytes:
    """The bytes of a regular file. A FIFO, a device or a socket (a link to ``/dev/zero``,
    a named pipe given by mistake) is an error, never a read that hangs or never ends:
    opening without blocking lets the type be checked before anything is read."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return handle.read()


_DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: What the command line prints on Ctrl-C, wherever it lands (then exit 130).
INTERRUPTED = "jaxlint: interrupted"
#: Ctrl-Cs whose KeyboardInterrupt Python dropped outside the check's own handling (raised
#: inside a weakref callback, as an import releases its lock): noted by the command line,
#: so that a check stops before it starts and the command still exits as interrupted.
_dropped_interrupts: list[bool] = []


def note_dropped_interrupt() -> None:
    _dropped_interrupts.append(True)


def interrupt_was_dropped() -> bool:
    return bool(_dropped_interrupts)


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


class WriteRefused(Exception):
    """A source left as it is rather than replaced, with the reason as the message."""


def _within(path: str, root: str) -> bool:
    root = os.path.realpath(root)
    return os.path.commonpath([path, root]) == root


def replace_source(path: str, original: bytes, data: bytes, *, root: str | None = None) -> None:
    """Replace a source that was read as ``original`` with ``data`` (a fix), atomically,
    and only where that loses nothing; otherwise raise :class:`WriteRefused`.

    - a symbolic link is followed: its target is fixed and the link stays a link, but only
      when the target is inside ``root`` (when given);
    - a file with other hard links is left alone: a rename would split it from them;
    - the owner and group are kept (a rename makes the file the writer's), or the file is
      left alone when they cannot be;
    - the file must still hold ``original`` just before the rename: an edit saved while
      jaxlint ran is never overwritten.
    """
    target = os.path.realpath(path)
    if root is not None and target != os.path.abspath(path) and not _within(target, root):
        raise WriteRefused(f"it links to {target}, outside the project")
    info = os.stat(target)
    if info.st_nlink > 1:
        raise WriteRefused("it has other hard links, which replacing it would break")

    def before_rename(temporary: str) -> None:
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except PermissionError:
                raise WriteRefused("its owner and group could not be kept") from None
        if read_source(target) != original:
            raise WriteRefused("it changed on disk while jaxlint ran")

    write_atomically(target, data, before_rename=before_rename)


#: A temporary file of :func:`write_atomically`: the writer's process id, then a random
#: name.
_TEMPORARY = re.compile(r"\.jaxlint-(\d+)-[0-9a-f]{32}\.tmp")
#: Folders already rid of stale temporary files by this process.
_SWEPT: set[str] = set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's: alive
        return True
    return True


def remove_stale_temporaries(directory: str) -> None:
    """Remove the temporary files that writers which have died left in ``directory``. A
    process killed outright (SIGKILL, a power cut) between creating its temporary file and
    renaming it, a window of an fsync, cannot remove it itself; its next write there does.
    A file whose writer still lives (another run, this one) is left alone; so is one whose
    process id was reused, which costs only a leftover."""
    if directory in _SWEPT:
        return
    _SWEPT.add(directory)
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is not None and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def write_atomically(
    path: str,
    data: bytes,
    *,
    create: bool = False,
    durable: bool = True,
    before_rename: Callable[[str], None] | None = None,
) -> None:
    """Replace ``path`` with ``data`` in one rename, keeping its permissions. A missing
    file is an error (a source deleted while we ran stays deleted) unless ``create``:
    then it is made private to the user, as ``mkstemp`` makes files. ``durable`` data
    reaches the disk before the rename: a crash must never leave a source empty, whereas
    a cache is only worth the time it saves. ``before_rename(temporary)`` runs last, and
    may raise to abandon the write (the temporary file is removed)."""
    directory = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(directory)
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
            if before_rename is not None:
                before_rename(temporary)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
