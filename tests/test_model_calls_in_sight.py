"""Array-ness through the calls of a host function in this file: a parameter of a
function no transformation traces holds what every call in sight passes (by position or
keyword, its default where left out), and a call of a helper of this file in host code
gives what the helper returns. Callers in other files are out of sight, so this is never
a proof for a safe fix (``array_proof`` is not CONSTRUCTED)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from jaxlint.model import ArrayProof, Fact, Point, build_model

jnp = pytest.importorskip("jax.numpy")

SOURCE = """
    import jax.numpy as jnp
    import numpy as np
    def solve(u):
        return -jnp.log(jnp.exp(-u).sum(axis=1))
    def by_keyword(u, f_init):
        return f_init
    def by_position(u, f_init):
        return f_init
    def mixed(f_init):
        return f_init
    def out_of_sight(f_init):
        return f_init
    def defaulted(f_init=jnp.zeros(3)):
        return f_init
    u = np.random.rand(3, 30)
    f = solve(u)
    by_keyword(u, f_init=f)
    by_position(u, f)
    mixed(f)
    mixed(np.zeros(3))
    out_of_sight(f)
    registry = [out_of_sight]
    defaulted()
    """


@pytest.fixture(scope="module")
def model():
    return build_model(cst.parse_module(textwrap.dedent(SOURCE)), ())


def param_fact(model, function: str) -> Fact:
    (scope,) = [f for f in model.functions if f.qualname == function]
    return model.array_fact(cst.Name("f_init"), Point(scope, 1 << 40))


def test_a_host_call_of_a_helper_gives_what_it_returns(model) -> None:
    assert model.array_fact(cst.Name("f"), Point(model.module_scope, 1 << 40)) is Fact.YES


@pytest.mark.parametrize("function", ["by_keyword", "by_position", "defaulted"])
def test_a_parameter_holds_what_every_call_in_sight_passes(model, function: str) -> None:
    assert param_fact(model, function) is Fact.YES


@pytest.mark.parametrize("function", ["mixed", "out_of_sight"])
def test_calls_that_disagree_or_are_out_of_sight_say_nothing(model, function: str) -> None:
    assert param_fact(model, function) is Fact.UNKNOWN


def test_calls_in_sight_are_no_proof_for_a_safe_fix(model) -> None:
    (scope,) = [f for f in model.functions if f.qualname == "by_keyword"]
    proof = model.array_proof(cst.Name("f_init"), Point(scope, 1 << 40))
    assert proof is ArrayProof.ANNOTATED


def test_a_jax_array_refuses_item_assignment() -> None:
    f_init = -jnp.log(jnp.exp(-jnp.ones((3, 4))).sum(axis=1))
    with pytest.raises(TypeError):
        f_init[0] = 0.0
