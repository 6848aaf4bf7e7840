"""Clocks, and the calls that wait for a JAX result: what a timed region needs (JL019).

JAX dispatches work asynchronously (JAX's FAQ, "Benchmarking JAX code", and the
"Asynchronous dispatch" page): a jitted call or a ``jax.numpy`` operation returns an array
whose value may still be being computed. A clock read right after it measures the
dispatch; a benchmark must wait for the result first. ``tests/test_timing_facts.py`` runs
every entry here against the installed jax.
"""

from __future__ import annotations

#: Calls that read a clock.
CLOCK_CALLS = frozenset(
    {
        "time.time",
        "time.perf_counter",
        "time.monotonic",
        "time.time_ns",
        "time.perf_counter_ns",
        "time.monotonic_ns",
        "timeit.default_timer",
    }
)
#: Calls that time a callable themselves (their first argument, ``stmt``) and return the
#: elapsed seconds.
TIMING_CALLS = frozenset({"timeit.timeit", "timeit.repeat"})

#: Functions that wait until the JAX arrays they are given are computed: they bring the
#: value to the host (a number, a string, a NumPy array, printed text) or return the
#: arrays once ready.
SYNCHRONISING_CALLS = frozenset(
    {
        "jax.block_until_ready",
        "jax.device_get",
        "numpy.asarray",
        "numpy.array",
        "builtins.float",
        "builtins.int",
        "builtins.bool",
        "builtins.complex",
        "builtins.print",
        "builtins.str",
        "builtins.repr",
        "builtins.format",
    }
)
#: Array methods that wait until the array is computed.
SYNCHRONISING_METHODS = frozenset({"block_until_ready", "item", "tolist"})
#: Array methods that do not wait: ``copy_to_host_async`` starts the transfer and
#: returns, ``is_ready`` only asks. Neither is a synchronisation.
NON_WAITING_METHODS = frozenset({"copy_to_host_async", "is_ready"})
#: Methods of a Python list that store a reference without looking at the value
#: (``times.append(out)`` keeps the array as it is, computed or not).
REFERENCE_STORING_METHODS = frozenset({"append", "insert"})
#: Calls that iterate without running code of their own: a loop over ``range(n)`` or
#: ``enumerate`` of it runs nothing between two passes that could wait.
PLAIN_ITERATORS = frozenset({"builtins.range", "builtins.enumerate", "builtins.zip"})
#: NumPy and SciPy functions that convert the JAX arrays they are given to NumPy arrays
#: (through ``__array__``), and so wait until those are computed, before anything else
#: they do: calling back into user code (``scipy.optimize.root``'s ``fun``), which may
#: start JAX work again. Not every NumPy function converts: ``numpy.sum``, ``numpy.mean``,
#: ``numpy.max``, ``numpy.flip``, ``numpy.round`` and ``numpy.reshape`` call the JAX
#: array's own method and return a JAX array, dispatched, not waited for.
HOST_CONVERTING_CALLS = frozenset(
    {
        "numpy.allclose",
        "numpy.concatenate",
        "numpy.copy",
        "numpy.isnan",
        "numpy.linalg.norm",
        "numpy.stack",
        "numpy.where",
        "scipy.integrate.odeint",
        "scipy.integrate.solve_ivp",
        "scipy.integrate.trapezoid",
        "scipy.optimize.minimize",
        "scipy.optimize.root",
    }
)
