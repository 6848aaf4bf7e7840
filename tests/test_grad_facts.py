"""The differentiation facts JL006 rests on outside staged code, established by running
them with the installed jax: which arguments ``grad``-like transformations make JVP
tracers (``jf.DIFFERENTIATING_ARGNUMS``), and which conversions refuse those tracers
although they hold concrete values (``jf.GRAD_REFUSED_CONVERSIONS``,
``jf.GRAD_REFUSED_METHODS``). Each claim is also checked against what the linter says
of the same code."""

from __future__ import annotations

import builtins
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts import jaxfacts as jf

from conftest import raising_calls

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

#: Arity of the ``math`` functions that take more than one number.
MATH_ARITY = {"atan2": 2, "pow": 2, "hypot": 2, "copysign": 2, "fmod": 2, "isclose": 2}


def _resolve(dotted: str) -> Any:
    module_name, _, attribute = dotted.rpartition(".")
    module = builtins if module_name == "builtins" else pytest.importorskip(module_name)
    return getattr(module, attribute, None)


def _converting(name: str) -> Callable[[Any], Any]:
    """A scalar function of ``t`` that passes ``t`` through the conversion ``name``."""
    function = _resolve(name)
    if function is None:
        pytest.skip(f"{name} is not in this Python")
    short = name.rpartition(".")[2]
    if name == "math.fsum":
        return lambda t: function([t, t]) * t
    if name == "math.ldexp":
        return lambda t: function(t, 2) * t
    if name in ("math.modf", "math.frexp"):
        return lambda t: function(t)[0] * t
    if name == "builtins.complex":
        return lambda t: function(t).real * t
    return lambda t: function(*[t] * MATH_ARITY.get(short, 1)) * t


@pytest.mark.parametrize("name", sorted(jf.GRAD_REFUSED_CONVERSIONS))
def test_conversions_refuse_a_jvp_tracer(name: str) -> None:
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.grad(_converting(name))(0.5)


def test_tolist_refuses_a_jvp_tracer_and_item_does_not() -> None:
    assert jf.GRAD_REFUSED_METHODS == frozenset({"tolist"})
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.grad(lambda t: t.tolist() * t)(0.5)
    assert jax.grad(lambda t: t.item() * t)(0.5) == 0.5


@pytest.mark.parametrize("name", sorted(jf.PYTHON_CONVERSIONS - jf.GRAD_REFUSED_CONVERSIONS))
def test_other_conversions_work_on_a_jvp_tracer(name: str) -> None:
    """Why ``bool()`` and ``int()`` (so ``if x > 0``) are not listed: grad alone is fine."""
    function = _resolve(name)
    assert jax.grad(lambda t: function(t) * t)(1.5) == function(1.5)


@pytest.mark.parametrize("name", sorted(jf.DIFFERENTIATING_ARGNUMS))
def test_argnums_selects_the_jvp_tracers(name: str) -> None:
    """``argnums`` defaults to 0, and only the arguments it selects are tracers: the
    others are the caller's concrete values."""
    transform = _resolve(name)
    seen: dict[str, bool] = {}

    def function(x: Any, y: Any) -> Any:
        seen["x"] = isinstance(x, jax.core.Tracer)
        seen["y"] = isinstance(y, jax.core.Tracer)
        return x * y

    transform(function)(0.5, 2.0)
    assert seen == {"x": True, "y": False}
    transform(function, argnums=1)(0.5, 2.0)
    assert seen == {"x": False, "y": True}


GRAD_SOURCE = """
import math
from functools import partial

import jax


def first(x, y):
    return float(x) * y  # flagged


def second(x, y):
    return float(y) * x  # flagged


def not_differentiated(x, y):
    return x * float(y)


def branches(x):
    if x > 0:
        return x * int(x)
    return x * math.exp(x)  # flagged


def helper(v):
    return complex(v).real  # flagged


def calls_helper(x):
    return helper(x * 2.0) * x


@partial(jax.grad, argnums=(0, 1))
def decorated(x, y):
    return x * float(y)  # flagged


def positional_argnums(x, y):
    return float(y) * x


CALLS = {
    "first": lambda: jax.grad(first)(0.5, 2.0),
    "second": lambda: jax.grad(second, argnums=1)(0.5, 2.0),
    "not_differentiated": lambda: jax.grad(not_differentiated)(0.5, 2.0),
    "branches": lambda: jax.grad(branches)(-0.5),
    "calls_helper": lambda: jax.value_and_grad(calls_helper)(0.5),
    "decorated": lambda: decorated(0.5, 2.0),
    "positional_argnums": lambda: jax.grad(positional_argnums, 1)(0.5, 2.0),
}
"""


def test_linter_flags_exactly_the_conversions_that_raise_under_grad() -> None:
    source = textwrap.dedent(GRAD_SOURCE)
    raising = raising_calls(source, (jax.errors.ConcretizationTypeError,))
    # Each raising function's conversion; argnums given positionally is not read: silent.
    assert raising == {
        "first",
        "second",
        "branches",
        "calls_helper",
        "decorated",
        "positional_argnums",
    }
    expected = [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# flagged")]
    assert len(expected) == 5
    result = lint_python_source(source, "example.py", Settings(select=("JL006",)))
    assert result.errors == []
    assert [finding.line for finding in result.findings] == expected
