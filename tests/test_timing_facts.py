"""The timing facts JL019 rests on (``jaxlint/facts/timing.py``), established by running
them with the installed jax on its default backend: a jitted call returns before its
result is computed, each synchronising call leaves it computed, ``copy_to_host_async``
does not, and the clocks are clocks. Then the fixture's verdicts agree with what its
functions leave in flight when they run."""

from __future__ import annotations

import importlib
import importlib.util
import io
import time
import timeit
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

import libcst as cst
import pytest

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import Clause, StatementKind, build_model

from conftest import FIXTURES, load_module, marked_functions

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")

SIZE = 600  # a fraction of a second of work per call: in flight when asked right away


@jax.jit
def _heavy(x: Any) -> Any:
    return jax.lax.fori_loop(0, 3, lambda _, y: jnp.tanh(y @ y), x).sum()


def _resolve(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _in_flight() -> Any:
    """A result of a jitted call that is not computed yet, or a skip where this backend
    dispatches synchronously (then nothing here can be observed)."""
    x = jnp.full((SIZE, SIZE), 1e-3)
    for _ in range(5):
        result = _heavy(x)
        if not result.is_ready():
            return result
    pytest.skip("jitted calls complete before they return on this backend")


def test_a_jitted_call_returns_before_its_result_is_computed() -> None:
    result = _in_flight()
    assert isinstance(result, jax.Array) and not result.is_ready()
    result.block_until_ready()
    assert result.is_ready()


#: How to apply each synchronising function to a scalar array in flight.
SYNCHRONISING: dict[str, Callable[[Any, Any], Any]] = {
    "builtins.format": lambda f, r: f(r, ".3f"),
}


@pytest.mark.parametrize("name", sorted(jf.SYNCHRONISING_CALLS))
def test_each_synchronising_call_leaves_the_result_computed(name: str) -> None:
    function = _resolve(name)
    result = _in_flight()
    apply = SYNCHRONISING.get(name, lambda f, r: f(r))
    with redirect_stdout(io.StringIO()):
        given = apply(function, result)
    assert result.is_ready(), name
    if name == "jax.block_until_ready":
        assert given is result  # waits, and hands the array back
    else:
        assert not isinstance(given, jax.Array)  # a host value (None for print)


#: How to give each host-converting function an array in flight (its JAX argument).
HOST_CONVERTING: dict[str, Callable[[Any, Any], Any]] = {
    "numpy.allclose": lambda f, r: f(r, r),
    "numpy.concatenate": lambda f, r: f([r, r]),
    "numpy.stack": lambda f, r: f([r, r]),
    "numpy.where": lambda f, r: f(r > 0, r, 0.0),
    "scipy.integrate.odeint": lambda f, r: f(lambda y, t: -y, r, np.linspace(0.0, 1.0, 3)),
    "scipy.integrate.solve_ivp": lambda f, r: f(lambda t, y: -y, (0.0, 1.0), r).y,
    "scipy.integrate.trapezoid": lambda f, r: f(r),
    "scipy.optimize.minimize": lambda f, r: f(lambda v: float((v**2).sum()), r).x,
    "scipy.optimize.root": lambda f, r: f(lambda v: v - 1.0, r).x,
}


@pytest.mark.parametrize("name", sorted(jf.HOST_CONVERTING_CALLS))
def test_each_host_converting_call_leaves_its_jax_argument_computed(name: str) -> None:
    """NumPy/SciPy functions given a JAX array convert it to a NumPy array, and so wait
    for it: JL019 takes a timed region that does so to measure the computation."""
    pytest.importorskip("scipy")
    function = _resolve(name)
    result = _in_flight_vector()
    given = HOST_CONVERTING.get(name, lambda f, r: f(r))(function, result)
    assert result.is_ready(), name
    assert not isinstance(given, jax.Array), name  # a host value: NumPy, not JAX
    assert isinstance(given, np.ndarray | np.generic | bool | float), name


def test_the_numpy_reductions_that_call_the_arrays_method_do_not_convert() -> None:
    """Not every NumPy function converts: these hand a JAX array back (dispatched)."""
    x = jnp.arange(4.0)
    for function in (np.sum, np.mean, np.max, np.flip, np.round):
        assert isinstance(function(x), jax.Array), function
        assert f"numpy.{function.__name__}" not in jf.HOST_CONVERTING_CALLS


def _in_flight_vector() -> Any:
    """A small vector computed from a result in flight: in flight too."""
    return _in_flight() * jnp.ones(3)


@pytest.mark.parametrize("method", sorted(jf.SYNCHRONISING_METHODS))
def test_each_synchronising_method_leaves_the_result_computed(method: str) -> None:
    result = _in_flight()
    getattr(result, method)()
    assert result.is_ready(), method


@pytest.mark.parametrize("method", sorted(jf.NON_WAITING_METHODS))
def test_the_non_waiting_methods_return_before_the_result_is_computed(method: str) -> None:
    seen_in_flight = False
    for _ in range(3):
        result = _in_flight()
        getattr(result, method)()
        seen_in_flight = seen_in_flight or not result.is_ready()
        result.block_until_ready()
    assert seen_in_flight, method


def test_the_clocks_are_clocks_and_timeit_times_a_callable() -> None:
    for name in jf.CLOCK_CALLS:
        first = _resolve(name)()
        second = _resolve(name)()
        assert isinstance(first, int | float) and second >= first, name
    assert _resolve("timeit.default_timer") is time.perf_counter
    assert {"timeit.timeit", "timeit.repeat"} == jf.TIMING_CALLS
    assert isinstance(timeit.timeit(lambda: None, number=2), float)
    assert all(isinstance(t, float) for t in timeit.repeat(lambda: None, number=1, repeat=2))


def test_the_plain_containers_and_iterators_are_builtins() -> None:
    for method in jf.REFERENCE_STORING_METHODS:
        assert callable(getattr([], method)), method
    for name in jf.PLAIN_ITERATORS:
        assert name.startswith("builtins.") and callable(_resolve(name)), name


# ------------------------------------------------------------------ the model's view


def test_the_model_records_each_scopes_statements_in_order_with_their_suites() -> None:
    source = (
        "import time\n"
        "def f(x):\n"
        "    t0 = time.time(); y = 1\n"
        "    for i in range(3):\n"
        "        if i:\n"
        "            pass\n"
        "        elif i > 1:\n"
        "            y = 2\n"
        "        else:\n"
        "            y = 3\n"
        "    try:\n"
        "        pass\n"
        "    except ValueError:\n"
        "        pass\n"
        "    finally:\n"
        "        z = 1\n"
        "    return time.time() - t0\n"
    )
    model = build_model(cst.parse_module(source))
    module_body = model.body(model.module_scope)
    assert module_body is not None
    assert [s.kind for s in module_body.statements] == [StatementKind.SIMPLE, StatementKind.DEF]
    function = model.functions[0]
    body = model.body(function)
    assert body is not None
    kinds = [s.kind for s in body.statements]
    assert kinds == [
        StatementKind.SIMPLE,
        StatementKind.SIMPLE,
        StatementKind.FOR,
        StatementKind.TRY,
        StatementKind.SIMPLE,
    ]
    loop = body.statements[2]
    (loop_body,) = loop.blocks
    (branch,) = loop_body.statements
    assert [b.clause for b in branch.blocks] == [Clause.BODY, Clause.ALTERNATIVE, Clause.ELSE]
    assert [b.clause for b in body.statements[3].blocks] == [
        Clause.BODY,
        Clause.HANDLER,
        Clause.FINALLY,
    ]
    # every call sits in the innermost statement that holds it
    clocks = [site for site in model.calls if site.qualified_name == "time.time"]
    assert [model.statement_at(site) for site in clocks] == [
        body.statements[0],
        body.statements[4],
    ]
    assert all(s.block is body for s in body.statements)


# ---------------------------------------------------------- runtime agreement


def test_the_fixture_flags_exactly_the_timings_that_return_with_work_in_flight() -> None:
    _in_flight()  # skips where dispatch is synchronous
    module = load_module(FIXTURES / "timing.py", "timing_fixture")
    flagged = marked_functions("timing.py", "JL019")
    timed = [name for name in vars(module) if name.startswith("time_")]
    assert len(flagged) >= 6 and len(set(timed) - flagged) >= 6
    x = jnp.full((SIZE, SIZE), 1e-3)
    checked = set()
    with redirect_stdout(io.StringIO()):
        for name in timed:
            function = getattr(module, name)
            function(x)  # compiles what it calls, outside the observation
            states = []
            for _ in range(2):
                elapsed, result = function(x)
                assert elapsed >= 0
                if not isinstance(result, jax.Array):
                    break  # nothing left to observe: a host copy, or no result
                states.append(result.is_ready())
                result.block_until_ready()
            if not states:
                continue
            checked.add(name)
            if name in flagged:
                assert not all(states), f"{name}: flagged, but its result was always ready"
            else:
                assert all(states), f"{name}: not flagged, but its result was still in flight"
    assert len(checked & flagged) >= 5 and len(checked - flagged) >= 5
