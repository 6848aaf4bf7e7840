"""What ``jax.jit`` re-built in a loop costs, run with the installed jax: JL003 says a
new callable recompiles every iteration, JL009 that the same function object hits the
cache. A bound method is a new object at each access (``obj.method is obj.method`` is
False), so ``jax.jit(obj.method)(x)`` in a loop traces and compiles every iteration."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

ITERATIONS = 4


class _Compiles(logging.Handler):
    """Counts the "Compiling jit(...)" records ``jax_log_compiles`` logs."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Compiling "):
            self.count += 1


@contextmanager
def _counting_compiles() -> Iterator[_Compiles]:
    handler = _Compiles()
    logger = logging.getLogger("jax")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        with jax.log_compiles(True):
            yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class _Model:
    def __init__(self) -> None:
        self.traces = 0
        self.stored = self._plain  # a function stored in an attribute: one object

    def predict(self, x: Any) -> Any:
        self.traces += 1
        return jnp.tanh(x * 2.0)

    def _plain(self, x: Any) -> Any:
        return self.predict(x)


def _rewrapped(get: Callable[[], Callable[[Any], Any]]) -> int:
    """Compilations of ``jax.jit(get())(x)`` called ``ITERATIONS`` times."""
    x = jnp.ones(3)
    with _counting_compiles() as compiles:
        for _ in range(ITERATIONS):
            jax.jit(get())(x).block_until_ready()
    return compiles.count


def test_a_bound_method_rewrapped_in_a_loop_traces_and_compiles_every_iteration() -> None:
    model = _Model()
    assert model.predict is not model.predict  # a new bound method at each access
    compiles = _rewrapped(lambda: model.predict)
    assert model.traces == ITERATIONS
    assert compiles == ITERATIONS


def test_the_same_function_object_rewrapped_in_a_loop_hits_the_cache() -> None:
    model = _Model()
    stored = model.stored
    assert _rewrapped(lambda: stored) == 1  # one object: traced and compiled once
    assert model.traces == 1
    method = model.predict  # bound once, before the loop: one object too
    assert _rewrapped(lambda: method) == 1
    assert model.traces == 2


def _findings(source: str) -> list[tuple[str, int, str]]:
    settings = Settings(select=("JL003", "JL009"))
    result = lint_python_source(textwrap.dedent(source), "example.py", settings)
    return [(f.code, f.line, f.message) for f in result.findings]


def test_the_linter_does_not_say_the_cache_hits_for_what_may_be_a_bound_method() -> None:
    found = _findings("""
        import jax

        class Model:
            def predict(self, x):
                return x * 2

        def known(model: Model, batches):
            return [jax.jit(model.predict)(b) for b in batches]

        def unknown(model, batches):
            return [jax.jit(model.predict)(b) for b in batches]

        def stable(batches):
            return [jax.jit(helper)(b) for b in batches]

        def helper(x):
            return x
        """)
    codes = [(code, line) for code, line, _ in found]
    assert codes == [("JL003", 9), ("JL009", 12), ("JL009", 15)]
    assert "a new bound method" in found[0][2]
    assert "if it is a bound method" in found[1][2]
    assert "every iteration traces and compiles again" in found[1][2]
    assert "the compilation cache hits" in found[2][2]


def test_a_partial_per_setting_compiles_once_per_setting_and_its_repeats_hit_the_cache() -> None:
    """JL003 is silent on ``closed = jax.jit(partial(f, x, s=s))`` in ``for s in settings``
    when ``closed`` runs several times in the iteration: each setting compiles once (the
    bound value is baked in), and its repeated calls reuse that program. Run once per build,
    the same wrapper compiles on every call (the bug JL003 reports)."""
    from functools import partial

    def solve(y: Any, sigmasq: float) -> Any:
        return jnp.tanh(y * sigmasq)

    y = jnp.ones(3)
    settings = [1.0, 2.0, 3.0]
    with _counting_compiles() as reused:
        for sigmasq in settings:
            closed = jax.jit(partial(solve, y, sigmasq=sigmasq))
            for _ in range(ITERATIONS):
                closed().block_until_ready()
    assert reused.count == len(settings)  # one compile per setting, not per call
    with _counting_compiles() as once:
        for sigmasq in settings:
            jax.jit(partial(solve, sigmasq=sigmasq))(y).block_until_ready()
    assert once.count == len(settings)  # one compile per call: each call pays it


def test_a_global_read_is_stale_through_the_same_function_and_fresh_through_a_new_object() -> None:
    """JL010 in a notebook: ``jax.jit(f)`` built again around the same ``f`` shares ``f``'s
    trace cache (the old global stays baked in); ``jax.jit(jax.value_and_grad(f))`` or a
    lambda built again is a new object, traced anew with the new value."""
    namespace: dict[str, Any] = {"jax": jax}
    exec(  # noqa: S102 - a module-level global, as a notebook has
        textwrap.dedent("""
            g = 0.0
            def f(x):
                return x * 0.0 + g
            first = float(jax.jit(f)(1.0))
            first_grad = float(jax.jit(jax.value_and_grad(f))(1.0)[0])
            first_lambda = float(jax.jit(lambda x: f(x))(1.0))
            g = 10.0
            same = float(jax.jit(f)(1.0))
            fresh = float(jax.jit(jax.value_and_grad(f))(1.0)[0])
            fresh_lambda = float(jax.jit(lambda x: f(x))(1.0))
            """),
        namespace,
    )
    assert namespace["first"] == namespace["first_grad"] == namespace["first_lambda"] == 0.0
    assert namespace["same"] == 0.0  # stale: the cache is the function's
    assert namespace["fresh"] == namespace["fresh_lambda"] == 10.0
