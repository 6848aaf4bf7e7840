"""Where the model says Python asks a value for its truth (``model.conditions``): the
hidden ones too, such as every link but the last of a chained comparison."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from jaxlint.model import ConditionKind, build_model

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def conditions(source: str) -> list[tuple[ConditionKind, str]]:
    module = cst.parse_module(textwrap.dedent(source))
    model = build_model(module, ())
    return [(site.kind, module.code_for_node(site.test)) for site in model.conditions]


def test_a_chained_comparison_asks_every_link_but_the_last_for_its_truth() -> None:
    found = conditions("""
        def f(x, y):
            a = 0.0 < x < 1.0
            b = x < y <= 2 < 3
            c = x < y
        """)
    assert found == [(ConditionKind.CHAIN, "0.0 < x"), (ConditionKind.CHAIN, "x < y <= 2")]


def test_the_library_agrees_a_chained_comparison_of_a_tracer_raises() -> None:
    # `0.0 < x < 1.0` is `(0.0 < x) and (x < 1.0)`: `and` asks the tracer for a bool.
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(lambda x: jnp.where(0.0 < x < 1.0, x, 0.0))(0.5)
    # Only the last link traced: the earlier ones are Python bools, the last is returned.
    assert jax.jit(lambda x: jnp.where(0 < 1 < x, x, 0.0))(2.0) == 2.0
    # lax.switch stages its branches, even where only grad is applied around it.
    branches = [lambda x: jnp.where(0.0 < x < 1.0, x, 0.0), lambda x: x]
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.grad(lambda x: jax.lax.switch(0, branches, x))(0.5)
