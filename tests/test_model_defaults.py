"""Known ints through parameters: a parameter no call in sight passes holds its int
default (``model.int_value``), under ``jit`` too, where a default is never traced."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from jaxlint.model import Point, build_model

jax = pytest.importorskip("jax")


def known(source: str, function: str, name: str) -> int | None:
    model = build_model(cst.parse_module(textwrap.dedent(source)), ())
    (scope,) = [f for f in model.functions if f.qualname == function]
    return model.int_value(cst.Name(name), Point(scope, 1 << 40))


def test_a_default_no_call_in_sight_passes_is_known() -> None:
    source = """
        import jax
        @jax.jit
        def sample(x, n=100, m=3, k=7.5):
            return x
        sample(1.0)
        sample(2.0, m=3)
        """
    assert known(source, "sample", "n") == 100
    assert known(source, "sample", "m") is None  # passed (the same value, but passed)
    assert known(source, "sample", "k") is None  # not an int


def test_a_function_used_out_of_sight_keeps_its_parameters_unknown() -> None:
    source = """
        def run(x, n=100):
            return x
        run(1.0)
        handlers = [run]  # may be called with any n
        """
    assert known(source, "run", "n") is None
    assert known("def run(x, n=100):\n    return x\n", "run", "n") is None  # no call seen


def test_jit_keeps_an_unpassed_default_a_python_int() -> None:
    seen = []

    @jax.jit
    def sample(x, n=100):
        seen.append(type(n))
        return x

    sample(1.0)
    assert seen == [int]
