"""The cycle collector's thresholds while a file is linted, and after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from jaxlint.driver.collector import LINT_GC_THRESHOLDS, fewer_collections
from jaxlint.driver.engine import lint_python_source

SOURCE = "import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n    return x\n"


@pytest.fixture
def own_thresholds() -> Iterator[tuple[int, int, int]]:
    previous = gc.get_threshold()
    mine = (123, 4, 5)
    gc.set_threshold(*mine)
    try:
        yield mine
    finally:
        gc.set_threshold(*previous)


def test_a_lint_leaves_the_process_thresholds_as_they_were(
    own_thresholds: tuple[int, int, int],
) -> None:
    result = lint_python_source(SOURCE, "f.py")
    assert [f.code for f in result.findings] == ["JL004"]  # print in traced code
    assert gc.get_threshold() == own_thresholds


def test_overlapping_blocks_restore_once_the_last_ends(
    own_thresholds: tuple[int, int, int],
) -> None:
    # Two editors' threads linting at once: the first to finish must not restore the
    # defaults under the other, nor the second restore the lint thresholds for good.
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def first() -> None:
        with fewer_collections():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.get_threshold())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with fewer_collections():
        seen.append(gc.get_threshold())
    second_done.set()
    thread.join(5)
    assert seen == [LINT_GC_THRESHOLDS, LINT_GC_THRESHOLDS]
    assert gc.get_threshold() == own_thresholds
