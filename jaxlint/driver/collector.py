"""Python's cycle collector while a file is linted.

A libcst tree and its model are millions of young objects, nearly all acyclic (freed by
reference counting alone). At Python's default thresholds the collector runs every 700
allocations and, as the heap of live nodes grows, its older generations are walked
again and again: a fifth of a run's time, and more the larger the file (linting a
module of 4,000 classes took 6.1 s with the default thresholds, 4.5 s with these). The
few cycles (a model's scopes) simply wait longer to be freed.
"""

from __future__ import annotations

import contextlib
import gc

from jaxlint.driver.holds import ProcessWideHold

#: Collector thresholds while linting: a young collection every 50,000 allocations, an
#: older one every 20 of those, a full one every 20 older ones (and only once the heap
#: has grown by a quarter since the last, as Python always asks).
LINT_GC_THRESHOLDS = (50_000, 20, 20)

_previous: list[tuple[int, int, int]] = []  # the thresholds the process had before


def _lint_thresholds() -> None:
    _previous.append(gc.get_threshold())
    gc.set_threshold(*LINT_GC_THRESHOLDS)


def _own_thresholds() -> None:
    if _previous:
        gc.set_threshold(*_previous.pop())


_HOLD = ProcessWideHold(_lint_thresholds, _own_thresholds)


def fewer_collections() -> contextlib.AbstractContextManager[None]:
    """:data:`LINT_GC_THRESHOLDS` while the block runs; the thresholds the process had
    before once the last of overlapping blocks ends (the thresholds are process-wide)."""
    return _HOLD.held()
