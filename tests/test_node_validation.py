"""libcst's node checks: left out while a source is parsed, kept for every node built
otherwise (a fix's), and restored after overlapping parses and in forked children."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import libcst as cst
import pytest

from jaxlint.driver import validation
from jaxlint.driver.engine import lint_python_source
from jaxlint.driver.source import parse
from jaxlint.driver.validation import unchecked_nodes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE = "import jax\nimport jax.numpy as jnp\n\n@jax.jit\ndef f(x):\n    x = jnp.asarray(x)\n    x[0] = 1.0\n    return x\n"


def invalid_whitespace() -> cst.SimpleWhitespace:
    """A node libcst's check refuses: whitespace that is not whitespace."""
    return cst.SimpleWhitespace("not whitespace")


def test_a_node_built_by_hand_is_checked_before_and_after_a_parse() -> None:
    with pytest.raises(cst.CSTValidationError):
        invalid_whitespace()
    parse(SOURCE.encode())
    with pytest.raises(cst.CSTValidationError):
        invalid_whitespace()


def test_nodes_are_unchecked_only_inside_the_block() -> None:
    with unchecked_nodes():
        assert invalid_whitespace().value == "not whitespace"
    with pytest.raises(cst.CSTValidationError):
        invalid_whitespace()


def test_a_fix_still_builds_checked_nodes() -> None:
    result = lint_python_source(SOURCE, "f.py", fix=True)
    assert result.fixed_source is not None
    assert b"x = x.at[0].set(1.0)" in result.fixed_source
    with pytest.raises(cst.CSTValidationError):
        invalid_whitespace()


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: p.name)
def test_the_tree_is_the_one_a_checked_parse_makes(path: Path) -> None:
    source = path.read_bytes()
    try:
        checked = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - a fixture of broken code: nothing to compare
        pytest.skip("libcst refuses it")
    with unchecked_nodes():
        unchecked = cst.parse_module(source)
    assert unchecked.deep_equals(checked)
    assert unchecked.bytes == source


def test_overlapping_parses_check_again_once_the_last_ends() -> None:
    # Two editors' threads parsing at once: the first to finish must not turn checks
    # back on under the other, nor the second leave them off for good.
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def checked() -> bool:
        try:
            invalid_whitespace()
        except cst.CSTValidationError:
            return True
        return False

    def first() -> None:
        with unchecked_nodes():
            first_in.set()
            second_done.wait(5)
            seen.append(checked())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with unchecked_nodes():
        seen.append(checked())
    second_done.set()
    thread.join(5)
    assert seen == [False, False]
    assert checked()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_during_a_parse_checks_its_nodes() -> None:
    with unchecked_nodes():
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's verdict is its exit status
            try:
                invalid_whitespace()
            except cst.CSTValidationError:
                os._exit(0 if validation._HOLD.depth == 0 else 2)
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
