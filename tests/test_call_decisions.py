"""What one call of a function decides about its body (model/analyze/decided.py), and
which definition a call runs."""

from __future__ import annotations

import textwrap

import libcst as cst

from jaxlint.model import SemanticModel, build_model
from jaxlint.model.analyze.decided import skipped_for_call


def model_of(source: str) -> SemanticModel:
    return build_model(cst.parse_module(textwrap.dedent(source)))


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def test_a_call_runs_the_definition_that_reaches_it() -> None:
    model = model_of("""
        def compute(scale):
            return scale
        a = compute(1.0)
        def compute(key, scale):
            return key, scale
        b = compute(2, 3.0)
        """)
    found = {_code(site.call): site.callee for site in model.calls if site.callee is not None}
    assert list(found["compute(1.0)"].params) == ["scale"]
    assert list(found["compute(2, 3.0)"].params) == ["key", "scale"]


_POLICY = """
    import jax
    def policy(obs, key, deterministic=False, mode=None):
        if deterministic:
            return obs
        elif mode is None:
            raise ValueError("no mode")
        return obs + jax.random.normal(key, obs.shape)
    def run(obs, key, flag):
        a = policy(obs, key, deterministic=True)
        b = policy(obs, key, True)
        c = policy(obs, key)
        d = policy(obs, key, mode="sample")
        e = policy(obs, key, flag, mode="sample")
        f = policy(obs, key, False, "sample")
        return a, b, c, d, e, f
    """


def test_a_call_that_returns_before_the_draw_skips_it() -> None:
    model = model_of(_POLICY)
    (draw,) = [s for s in model.calls if s.qualified_name == "jax.random.normal"]
    skipped = {
        _code(site.call): skipped_for_call(model, draw, site)
        for site in model.calls
        if site.callee is not None
    }
    assert skipped == {
        "policy(obs, key, deterministic=True)": True,  # leaves at `return obs`
        "policy(obs, key, True)": True,
        "policy(obs, key)": True,  # mode left at None: the `elif` raises
        'policy(obs, key, mode="sample")': False,  # reaches the draw
        'policy(obs, key, flag, mode="sample")': False,  # the flag is unknown
        'policy(obs, key, False, "sample")': False,
    }
