"""Two uses under guards that cannot both hold (``if mode == "a"`` and, later, ``if mode
!= "a"``) never run in one pass: the model says so, and JL005 needs both draws of a key
on one path before it calls the key reused."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.model import CallSite, build_model
from jaxlint.model.analyze.exclusive import exclusive_guards


def _draws(source: str) -> tuple[bool, bool]:
    """Whether the first and last ``draw(...)`` calls of ``run`` are kept apart by their
    guards, and whether the model's control flow alone lets the first reach the last."""
    model = build_model(cst.parse_module(textwrap.dedent(source)))
    sites: list[CallSite] = [
        site
        for site in model.calls
        if isinstance(site.call.func, cst.Name) and site.call.func.value == "draw"
    ]
    first, last = sites[0], sites[-1]
    return exclusive_guards(model, first.scope, first, last), model.reaches(first, last)


@pytest.mark.parametrize(
    ("tests", "expected"),
    [
        (('cfg.solver == "lu"', 'cfg.solver != "lu"'), True),
        (('cfg.solver == "lu" and n > 2', 'n > 2 and cfg.solver != "lu"'), True),
        (("prior is None", "prior is not None"), True),
        (("not cached", "cached"), True),
        (('kind == "gauss"', 'kind == "laplace"'), True),
        (('cfg.solver == "lu"', 'cfg.solver == "lu"'), False),
        (("n == 1", "n == 1.0"), False),  # 1 == 1.0: both may hold
        (('cfg.solver == "lu" or n > 2', 'cfg.solver != "lu"'), False),
        (('cfg.solver == "lu"', 'other.solver != "lu"'), False),
    ],
)
def test_contradicting_guards_of_two_ifs(tests: tuple[str, str], expected: bool) -> None:
    source = f"""
        def run(cfg, other, prior, cached, kind, n):
            if {tests[0]}:
                draw(1)
            log(n)
            if {tests[1]}:
                draw(2)
        """
    assert _draws(source) == (expected, True)


def test_an_else_arm_holds_the_negated_test() -> None:
    source = """
        def run(flags):
            if flags.train:
                log(0)
            else:
                draw(1)
            if flags.train:
                draw(2)
        """
    assert _draws(source) == (True, True)


def test_a_rebinding_between_the_tests_lifts_the_contradiction() -> None:
    source = """
        def run(mode):
            if mode == "fast":
                draw(1)
            mode = pick()
            if mode != "fast":
                draw(2)
        """
    assert _draws(source) == (False, True)


def test_an_attribute_assigned_between_the_tests_lifts_the_contradiction() -> None:
    source = """
        def run(cfg):
            if cfg.mode == "fast":
                draw(1)
            cfg.mode = "slow"
            if cfg.mode != "fast":
                draw(2)
        """
    assert _draws(source) == (False, True)


def _jl005(source: str) -> list[tuple[int, str]]:
    result = lint_python_source(textwrap.dedent(source), "example.py", Settings(select=("JL005",)))
    assert result.errors == []
    return [(finding.line, finding.code) for finding in result.findings]


def test_jl005_needs_both_draws_on_one_path() -> None:
    source = """
        import jax

        def init_weights(key, shape, scheme):
            weights = None
            if scheme == "orthogonal":
                weights = jax.random.orthogonal(key, shape[0])
            if scheme != "orthogonal":
                weights = jax.random.normal(key, shape) * 0.02
            return weights
        """
    assert _jl005(source) == []


def test_jl005_still_reports_draws_that_may_share_a_path() -> None:
    source = """
        import jax
        import jax.numpy as jnp

        def init_weights(key, shape, scheme, noisy):
            weights = jnp.zeros(shape)
            if scheme == "orthogonal":
                weights = jax.random.orthogonal(key, shape[0])
            if noisy:
                weights = weights + jax.random.uniform(key, shape)
            return weights
        """
    assert _jl005(source) == [(10, "JL005")]
