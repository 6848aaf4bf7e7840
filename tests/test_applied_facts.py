"""How transformations call the function they are given (``jf.APPLIED_ON_TRACERS``),
established by running each with the installed jax, and JL011's reading of it for a
library function given by name: its findings are exactly the calls that raise."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts import jaxfacts as jf

from conftest import raising_calls

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")


def _resolve(dotted: str) -> Any:
    module_name, _, attribute = dotted.rpartition(".")
    return getattr(pytest.importorskip(module_name), attribute)


def _recorder(seen: list[tuple[bool, ...]]) -> Any:
    """A function that records which of its arguments are tracers."""

    def record(*args: Any, **kwargs: Any) -> Any:
        seen.append(tuple(isinstance(v, jax.core.Tracer) for v in (*args, *kwargs.values())))
        return args[0]

    return record


@pytest.mark.parametrize(
    "name", sorted(n for n, a in jf.APPLIED_ON_TRACERS.items() if a is jf.Application.WRAPPED)
)
def test_wrapping_transformations_trace_every_argument(name: str) -> None:
    seen: list[tuple[bool, ...]] = []
    batch = jnp.ones((1, 2))  # one device for pmap, one batch row for vmap
    _resolve(name)(_recorder(seen))(batch, batch, scale=batch)
    assert seen[0] == (True, True, True)


def test_apply_along_axis_traces_the_slice_only() -> None:
    assert {n for n, a in jf.APPLIED_ON_TRACERS.items() if a is jf.Application.SLICES} == {
        "jax.numpy.apply_along_axis"
    }
    seen: list[tuple[bool, ...]] = []
    jnp.apply_along_axis(_recorder(seen), 1, np.ones((2, 3)), 2, scale=3.0)
    assert seen[0] == (True, False, False)


APPLIED_SOURCE = """
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.nn import one_hot
from jax.scipy.special import multigammaln

x = np.array([[0, 0, 1, 1], [1, 1, 0, 0], [0, 1, 1, 0]])
labels = jnp.array([1, 2])

CALLS = {
    "where_rows": lambda: jnp.apply_along_axis(jnp.where, 1, x),  # flagged
    "nonzero_jit": lambda: jax.jit(jnp.nonzero)(x),  # flagged
    "unique_vmap": lambda: jax.vmap(jnp.unique)(x),  # flagged
    "multigammaln_jit": lambda: jax.jit(multigammaln)(1.0, 2),  # flagged
    "one_hot_jit": lambda: jax.jit(one_hot)(labels, num_classes=3),  # flagged
    "where_three": lambda: jnp.apply_along_axis(jnp.where, 1, x > 0, 1, 0),
    "sum_axis": lambda: jnp.apply_along_axis(jnp.sum, 1, x, 0),
    "sized": lambda: jnp.apply_along_axis(lambda r: jnp.where(r, size=2)[0], 1, x),
    "bound_first": lambda: jax.jit(partial(multigammaln, d=2))(1.0),
    "static_option": lambda: jax.jit(one_hot, static_argnames="num_classes")(labels, 3),
    "sum_flat": lambda: jax.jit(jnp.sum)(x, None),  # None is no tracer
    "sum_axis_jit": lambda: jax.jit(jnp.sum)(x, 1),  # flagged
}
"""


def test_linter_flags_exactly_the_applied_calls_that_raise() -> None:
    source = textwrap.dedent(APPLIED_SOURCE)
    raising = raising_calls(source, (jax.errors.ConcretizationTypeError, TypeError))
    assert raising == {
        "where_rows", "nonzero_jit", "unique_vmap", "multigammaln_jit", "one_hot_jit",
        "sum_axis_jit",
    }  # fmt: skip
    lines = source.splitlines()
    expected = [n for n, line in enumerate(lines, 1) if line.endswith("# flagged")]
    result = lint_python_source(source, "example.py", Settings(select=("JL011",)))
    assert result.errors == []
    assert [finding.line for finding in result.findings] == expected
