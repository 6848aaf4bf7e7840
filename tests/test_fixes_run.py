"""The fixes that rewrite code a user runs (JL017's double `where`, JL003/JL009's hoisted
`jax.jit`, JL005's key split), proven by running it: each fix is applied, the result
re-parsed and re-linted (its finding gone, no other one new), and the fixed functions run
under `jax.jit` (and `jax.grad`) beside the originals."""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.fix.edits import Applicability

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")


def _fixed(source: str, code: str, *, unsafe: bool) -> str:
    """``source`` after ``--fix`` of ``code``, checked: it parses, the rule's findings
    are gone, and every other rule finds what it found before."""
    settings = Settings(select=(code,))
    result = lint_python_source(source, "m.py", settings, fix=True, unsafe_fixes=unsafe)
    assert result.errors == [] and result.warnings == []
    assert result.fixed_source is not None
    fixed = result.fixed_source.decode()
    cst.parse_module(fixed)
    assert lint_python_source(fixed, "m.py", settings).findings == []
    everything = Settings(select=("ALL",))

    def others(text: str) -> Counter[str]:
        found = lint_python_source(text, "m.py", everything).findings
        return Counter(f.code for f in found if f.code != code)

    assert others(fixed) == others(source)
    return fixed


def _run(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "fixed_module"}
    exec(compile(source, "m.py", "exec"), namespace)  # noqa: S102 - the test's own code
    return namespace


def _fixes(source: str, code: str) -> list[tuple[int, Applicability | None]]:
    found = lint_python_source(source, "m.py", Settings(select=(code,))).findings
    return [(f.line, f.fix_available) for f in found]


# --------------------------------------------------------------------- JL017

NAN_GRADIENTS = textwrap.dedent(
    """\
    import jax
    import jax.numpy as jnp
    from jax import lax


    def norm(x):
        n2 = jnp.sum(x**2)
        return jnp.where(n2 > 0, jnp.sqrt(n2), 0.0)


    def entropy(p):
        return -jnp.sum(jnp.where(p > 0, p * jnp.log(p), 0.0))


    def mean(total, n):
        return jnp.where(n == 0, 0.0, total / n)


    def root(x):
        return jnp.where(0 < x, x**0.5 + lax.sqrt(x), 0.0).sum()


    def soft(x):
        return jnp.where(x > -1, jnp.log1p(x), 0.0).sum()


    def inverse(x):
        return jnp.where(x != 0, jnp.reciprocal(x), 0.0).sum()


    grads = [jax.grad(norm), jax.grad(entropy), jax.grad(mean), jax.grad(root)]
    grads += [jax.grad(soft), jax.grad(inverse)]
    """
)

#: Inputs on both sides of each guard, the boundary itself included.
NAN_INPUTS: dict[str, tuple[Any, ...]] = {
    "norm": (jnp.zeros(3), jnp.array([3.0, 4.0, 0.0])),
    "entropy": (jnp.array([0.0, 0.25, 0.75]), jnp.array([0.5, 0.5, 0.0])),
    "mean": ((jnp.float32(2.0), jnp.float32(0.0)), (jnp.float32(3.0), jnp.float32(4.0))),
    "root": (jnp.array([-1.0, 0.0, 4.0]), jnp.array([0.25, 9.0])),
    "soft": (jnp.array([-1.0, -2.0, 0.5]), jnp.array([0.0, 3.0])),
    "inverse": (jnp.array([0.0, 2.0, -4.0]), jnp.array([1.0, 0.5])),
}


def test_double_where_fix_is_safe_and_offered_for_every_unsafe_function() -> None:
    assert [fix for _, fix in _fixes(NAN_GRADIENTS, "JL017")] == [Applicability.SAFE] * 6
    fixed = _fixed(NAN_GRADIENTS, "JL017", unsafe=False)
    assert "jnp.sqrt(jnp.where(n2 > 0, n2, 1))" in fixed
    assert "total / jnp.where(n == 0, 1, n)" in fixed
    assert "jnp.where(0 < x, x, 1)**0.5 + lax.sqrt(jnp.where(0 < x, x, 1))" in fixed
    assert "jnp.log1p(jnp.where(x > -1, x, 0))" in fixed


@pytest.mark.parametrize("name", sorted(NAN_INPUTS))
def test_double_where_keeps_values_and_turns_nan_gradients_into_numbers(name: str) -> None:
    original = _run(NAN_GRADIENTS)[name]
    fixed = _run(_fixed(NAN_GRADIENTS, "JL017", unsafe=False))[name]
    repaired = 0
    for args in NAN_INPUTS[name]:
        args = args if isinstance(args, tuple) else (args,)
        before, after = jax.jit(original)(*args), jax.jit(fixed)(*args)
        assert before.dtype == after.dtype and before.shape == after.shape
        np.testing.assert_array_equal(np.asarray(before), np.asarray(after))
        grad_before = np.asarray(jax.jit(jax.grad(original))(*args))
        grad_after = np.asarray(jax.jit(jax.grad(fixed))(*args))
        assert np.isfinite(grad_after).all(), (name, args, grad_after)
        finite = np.isfinite(grad_before)
        np.testing.assert_allclose(grad_after[finite], grad_before[finite])
        repaired += int((~finite).any())
    assert repaired >= 1  # the boundary input did give the original NaN gradients


def test_double_where_has_no_fix_where_the_condition_may_change_between_reads() -> None:
    source = textwrap.dedent(
        """\
        import jax
        import jax.numpy as jnp


        def loss(x, scale):
            return jnp.where(x > 0, jnp.log(x) * scale(x), 0.0).sum()


        def ratio(x, stats):
            n = stats.count
            return x * jnp.where(n != 0, stats.total / n, 0.0)


        g = jax.grad(loss)
        h = jax.grad(ratio)
        """
    )
    # `scale` is a call we cannot see; `stats.total / n` on values not known to be
    # arrays may be Python's division, which the rewrite would turn into JAX's.
    assert _fixes(source, "JL017") == [(6, None), (11, None)]


# ------------------------------------------------------------- JL003, JL009

HOISTS = textwrap.dedent(
    """\
    from functools import partial

    import jax

    TRACES = []


    def loss(x):
        TRACES.append("loss")
        return x * 2.0


    def scale(x, factor):
        TRACES.append("scale")
        return x * factor


    def rewrap(xs):
        out = []
        for x in xs:
            out.append(jax.jit(loss)(x))
        return out


    def lambdas(xs):
        return [jax.jit(lambda v: loss(v) + 1.0)(x) for x in xs]


    def partials(xs):
        out = []
        for x in xs:
            step = jax.jit(partial(scale, factor=3.0))
            out.append(step(x))
        return out


    class Model:
        def __init__(self, w):
            self.w = w

        def predict(self, x):
            TRACES.append("predict")
            return x * self.w


    def methods(model: Model, xs):
        return [jax.jit(model.predict)(x) for x in xs]
    """
)


def test_hoisting_is_safe_only_for_a_rewrapped_def() -> None:
    assert _fixes(HOISTS, "JL009") == [(21, Applicability.SAFE)]
    assert _fixes(HOISTS, "JL003") == [
        (26, Applicability.UNSAFE),
        (32, Applicability.UNSAFE),
        (47, Applicability.UNSAFE),
    ]


def test_hoisted_jit_traces_once_and_gives_the_same_results() -> None:
    fixed = _fixed(_fixed(HOISTS, "JL009", unsafe=False), "JL003", unsafe=True)
    assert (
        "    loss_jit = jax.jit(loss)\n    for x in xs:\n        out.append(loss_jit(x))" in fixed
    )
    assert "    fn_jit = jax.jit(lambda v: loss(v) + 1.0)\n    return [fn_jit(x)" in fixed
    # `step` is assigned once: it keeps its name, and moves before the loop.
    assert "    step = jax.jit(partial(scale, factor=3.0))\n    for x in xs:\n" in fixed
    assert "    predict_jit = jax.jit(model.predict)\n" in fixed
    xs = [jnp.float32(value) for value in (1.0, 2.0, 3.0, 4.0)]
    before, after = _run(HOISTS), _run(fixed)
    for name, traced in (("rewrap", "loss"), ("lambdas", "loss"), ("partials", "scale")):
        counts = []
        for module in (before, after):
            module["TRACES"].clear()
            results = module[name](xs)
            counts.append(module["TRACES"].count(traced))
            assert [float(r) for r in results] == [float(r) for r in before[name](xs)]
        if name == "rewrap":
            assert counts == [1, 1]  # the cache hits either way: the fix is safe
        else:
            assert counts == [len(xs), 1]  # traced every iteration, then once
    for module in (before, after):
        module["TRACES"].clear()
        results = module["methods"](module["Model"](2.0), xs)
        assert [float(r) for r in results] == [2.0, 4.0, 6.0, 8.0]
    assert after["TRACES"].count("predict") == 1


def test_no_hoist_where_what_is_wrapped_varies_or_is_read_in_the_loop() -> None:
    source = textwrap.dedent(
        """\
        from functools import partial
        import jax


        def scale(x, factor):
            return x * factor


        def per_batch(batches, params):
            for batch in batches:
                jax.jit(lambda p: p * batch)(params)  # reads the loop variable


        def sweep(params, factors):
            for i in range(3):
                factor = factors[i]
                jax.jit(partial(scale, factor=factor))(params)  # bound in the loop
        """
    )
    assert _fixes(source, "JL003") == [(11, None), (17, None)]


def test_hoisting_a_parameter_or_with_options_is_unsafe() -> None:
    source = textwrap.dedent(
        """\
        import jax


        def loss(x, n):
            return x * n


        def run(fn, xs):
            return [jax.jit(fn)(x) for x in xs]  # a parameter: maybe not callable


        def run_static(xs):
            return [jax.jit(loss, static_argnums=1)(x, 2) for x in xs]  # checked on wrap
        """
    )
    assert _fixes(source, "JL009") == [(9, Applicability.UNSAFE), (13, Applicability.UNSAFE)]
    fixed = _fixed(source, "JL009", unsafe=True)
    assert "    fn_jit = jax.jit(fn)\n    return [fn_jit(x) for x in xs]" in fixed
    assert "    loss_jit = jax.jit(loss, static_argnums=1)\n" in fixed
    module = _run(fixed)
    assert [float(v) for v in module["run_static"]([1.0, 2.0])] == [2.0, 4.0]


def test_two_wrappers_hoisted_before_one_loop_get_one_name_each() -> None:
    source = textwrap.dedent(
        """\
        import jax


        def f(x):
            return x + 1


        def g(x):
            return x * 2


        def both(xs):
            out = []
            for x in xs:
                out.append(jax.jit(f)(x) + jax.jit(g)(x) + jax.jit(f)(x))
            return out
        """
    )
    fixed = _fixed(source, "JL009", unsafe=False)
    assert (
        "    f_jit = jax.jit(f)\n    g_jit = jax.jit(g)\n    for x in xs:\n"
        "        out.append(f_jit(x) + g_jit(x) + f_jit(x))\n"
    ) in fixed
    assert [float(v) for v in _run(fixed)["both"]([1.0])] == [6.0]


# --------------------------------------------------------------------- JL005

KEY_REUSE = textwrap.dedent(
    """\
    import jax
    import jax.random as jr


    def init(key):
        w = jax.random.normal(key, (3,))
        b = jax.random.uniform(key, (3,))
        return w, b


    def noise(key, steps):
        out = []
        for _ in range(steps):
            out.append(jr.normal(key, (2,)))
        return out
    """
)


@pytest.mark.parametrize("make_key", ["PRNGKey", "key"])
def test_split_key_runs_under_jit_and_draws_differ(make_key: str) -> None:
    assert [fix for _, fix in _fixes(KEY_REUSE, "JL005")] == [Applicability.UNSAFE] * 2
    fixed = _fixed(KEY_REUSE, "JL005", unsafe=True)
    assert "    key, subkey = jax.random.split(key)\n    w = jax.random.normal(subkey" in fixed
    assert "        key, subkey_2 = jr.split(key)\n        out.append(jr.normal(subkey_2" in fixed
    key = getattr(jax.random, make_key)(0)
    before, after = _run(KEY_REUSE), _run(fixed)
    w0, b0 = jax.jit(before["init"])(key)
    w1, b1 = jax.jit(after["init"])(key)
    for old, new in ((w0, w1), (b0, b1)):
        assert (old.shape, old.dtype) == (new.shape, new.dtype)
    # The same bits before: `uniform` and `normal` of one key are functions of each
    # other; after the split, no draw equals another.
    assert not np.array_equal(np.asarray(w1), np.asarray(w0))
    assert not np.array_equal(np.asarray(b1), np.asarray(b0))
    old_noise = jax.jit(before["noise"], static_argnums=1)(key, 3)
    new_noise = jax.jit(after["noise"], static_argnums=1)(key, 3)
    assert all(np.array_equal(old_noise[0], draw) for draw in old_noise)
    assert len({tuple(np.asarray(draw).tolist()) for draw in new_noise}) == 3
    assert [d.shape for d in new_noise] == [d.shape for d in old_noise]


def test_split_key_imports_jax_when_nothing_spells_jax_random() -> None:
    source = textwrap.dedent(
        """\
        from jax.random import normal


        def draw(key):
            a = normal(key, (2,))
            b = normal(key, (2,))
            return a, b
        """
    )
    fixed = _fixed(source, "JL005", unsafe=True)
    assert fixed.startswith("from jax.random import normal\nimport jax\n")
    assert "    key, subkey = jax.random.split(key)\n    a = normal(subkey, (2,))\n" in fixed
    a, b = jax.jit(_run(fixed)["draw"])(jax.random.key(1))
    assert not np.array_equal(np.asarray(a), np.asarray(b))


def test_no_key_split_across_blocks_or_in_comprehensions() -> None:
    source = textwrap.dedent(
        """\
        import jax


        def maybe(key, flag):
            if flag:
                a = jax.random.normal(key, ())
            b = jax.random.uniform(key, ())
            return b


        def many(key, shapes):
            return [jax.random.normal(key, s) for s in shapes]


        def twice(key, n):
            for _ in range(n):
                a = jax.random.normal(key, ())
                b = jax.random.uniform(key, ())
            return a, b
        """
    )
    # Two uses in one loop: splitting at the top would still give both one key.
    assert _fixes(source, "JL005") == [(7, None), (12, None), (17, None)]
