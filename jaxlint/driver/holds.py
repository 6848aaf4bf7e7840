"""A process-wide setting held while any of overlapping blocks runs.

The collector's thresholds and libcst's node checks are each one setting for the whole
process, while an editor's threads may lint at once: the setting is applied when the
first block begins and restored when the last one ends. A forked child starts with no
block in progress (the threads that held it in the parent do not exist there), the lock
free and the setting as it was before any block.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator


class ProcessWideHold:
    """``apply`` on entering the first of overlapping ``held()`` blocks, ``restore`` on
    leaving the last."""

    def __init__(self, apply: Callable[[], None], restore: Callable[[], None]) -> None:
        self._apply = apply
        self._restore = restore
        self._lock = threading.Lock()
        self.depth = 0  # blocks in progress
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        self._lock = threading.Lock()
        if self.depth:
            self.depth = 0
            self._restore()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self.depth == 0:
                self._apply()
            self.depth += 1
        try:
            yield
        finally:
            with self._lock:
                self.depth -= 1
                if self.depth == 0:
                    self._restore()
