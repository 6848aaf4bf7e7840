"""The NumPy facts JL007 rests on, established by running every listed function on a
tracer under ``jax.jit`` with the installed jax and NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.facts import jaxfacts as jf

np = pytest.importorskip("numpy")
jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

Call = Callable[[Any, Any], Any]  # (numpy function, tracer of shape (3, 3)) -> result


def _two(function: Any, t: Any) -> Any:
    return function(t, t)


#: How to call the functions that need more than one tracer argument; the rest get ``f(t)``.
CALLS: dict[str, Call] = {
    # delegating functions
    "moveaxis": lambda f, t: f(t, 0, 1),
    "permute_dims": lambda f, t: f(t, (1, 0)),
    "repeat": lambda f, t: f(t, 2),
    "reshape": lambda f, t: f(t, (9,)),
    "rollaxis": lambda f, t: f(t, 1),
    "searchsorted": lambda f, t: f(t[0], 0.5),
    "swapaxes": lambda f, t: f(t, 0, 1),
    # converting functions
    "lexsort": lambda f, t: f((t[0], t[1])),
    "append": _two,
    "insert": lambda f, t: f(t, 0, 1.0),
    "delete": lambda f, t: f(t, 0),
    "meshgrid": lambda f, t: f(t[0], t[1]),
    "polyval": lambda f, t: f(t[0], t[1]),
    "isin": _two,
    "in1d": _two,
    "setdiff1d": _two,
    "intersect1d": _two,
    "union1d": _two,
    "allclose": _two,
    "isclose": _two,
    "percentile": lambda f, t: f(t, 50),
    "nanpercentile": lambda f, t: f(t, 50),
    "quantile": lambda f, t: f(t, 0.5),
    "nanquantile": lambda f, t: f(t, 0.5),
    "argpartition": lambda f, t: f(t, 1),
    "partition": lambda f, t: f(t, 1),
    "clip": lambda f, t: f(t, 0.0, 1.0),
    "compress": lambda f, t: f([True, False, True], t, axis=0),
    "choose": lambda f, t: f(0, [t]),
    "concatenate": lambda f, t: f([t, t]),
    "stack": lambda f, t: f([t, t]),
    "hstack": lambda f, t: f([t, t]),
    "vstack": lambda f, t: f([t, t]),
    "dstack": lambda f, t: f([t, t]),
    "column_stack": lambda f, t: f([t, t]),
    "expand_dims": lambda f, t: f(t, 0),
    "broadcast_to": lambda f, t: f(t, (2, 3, 3)),
    "roll": lambda f, t: f(t, 1),
    "tile": lambda f, t: f(t, 2),
    "full_like": lambda f, t: f(t, 1.0),
    "dot": _two,
    "vdot": _two,
    "inner": _two,
    "outer": _two,
    "kron": _two,
    "cross": _two,
    "tensordot": _two,
    "einsum": lambda f, t: f("ij,ij->", t, t),
    "where": lambda f, t: f(t > 0, t, 0.0),
    "convolve": lambda f, t: f(t[0], t[1]),
    "correlate": lambda f, t: f(t[0], t[1]),
    "interp": lambda f, t: f(t[0], t[1], t[2]),
    "pad": lambda f, t: f(t, 1),
    "digitize": lambda f, t: f(t, np.array([0.0, 1.0])),
    "bincount": lambda f, t: f(t[0]),
    "ediff1d": lambda f, t: f(t[0]),
    # numpy.linalg and numpy.fft
    "linalg.solve": _two,
    "linalg.lstsq": _two,
    "linalg.tensorsolve": _two,
    "linalg.matrix_power": lambda f, t: f(t, 2),
    "linalg.multi_dot": lambda f, t: f([t, t]),
    "linalg.cross": _two,
    "linalg.outer": lambda f, t: f(t[0], t[0]),
    "linalg.tensordot": _two,
    "linalg.matmul": _two,
    "linalg.vecdot": _two,
}


def _numpy_function(name: str) -> Any:
    owner: Any = np
    for part in name.split("."):
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    return owner


def _call_for(name: str, function: Any) -> Call:
    if name in CALLS:
        return CALLS[name]
    if isinstance(function, np.ufunc):
        return lambda f, t: f(*([t] * f.nin))
    return lambda f, t: f(t)


def _run_on_tracer(name: str) -> BaseException | None:
    """The error ``np.<name>`` raises on a tracer under ``jax.jit``; None if it runs."""
    function = _numpy_function(name)
    assert function is not None, f"numpy has no {name}"
    call = _call_for(name, function)
    try:
        jax.jit(lambda t: call(function, t))(jnp.linspace(0.1, 0.9, 9).reshape(3, 3))
    except Exception as error:  # the verdict is the exception itself
        return error
    return None


def _namespace_functions(prefix: str) -> list[str]:
    module = _numpy_function(prefix.removeprefix("numpy.").rstrip("."))
    names = getattr(module, "__all__", [])
    relative = prefix.removeprefix("numpy.")
    return [
        relative + name
        for name in names
        if callable(getattr(module, name))
        and not isinstance(getattr(module, name), type)
        and f"{prefix}{name}" not in jf.NUMPY_NAMESPACE_NON_CONVERTING
    ]


def _present(names: frozenset[str]) -> list[str]:
    """Listed names this NumPy has (``permute_dims`` and the bitwise aliases are NumPy 2)."""
    return sorted(name for name in names if _numpy_function(name) is not None)


@pytest.mark.parametrize("name", _present(jf.NUMPY_DELEGATES_TO_METHOD))
def test_delegating_functions_work_on_a_tracer(name: str) -> None:
    error = _run_on_tracer(name)
    assert error is None, f"np.{name} failed on a tracer: {type(error).__name__}: {error}"


@pytest.mark.parametrize(
    "name",
    _present(jf.NUMPY_CONVERTS_TO_NDARRAY)
    + [name for prefix in jf.NUMPY_CONVERTING_NAMESPACES for name in _namespace_functions(prefix)],
)
def test_converting_functions_raise_tracer_array_conversion(name: str) -> None:
    error = _run_on_tracer(name)
    assert isinstance(error, jax.errors.TracerArrayConversionError), (
        f"np.{name} on a tracer: {type(error).__name__ if error else 'no error'}: {error}"
    )


def test_frequency_helpers_work_with_a_traced_spacing() -> None:
    for name in sorted(jf.NUMPY_NAMESPACE_NON_CONVERTING):
        function = _numpy_function(name.removeprefix("numpy."))
        jax.jit(lambda d, f=function: f(4, d))(jnp.float32(0.5))


def test_the_lists_do_not_overlap() -> None:
    assert jf.NUMPY_DELEGATES_TO_METHOD & jf.NUMPY_CONVERTS_TO_NDARRAY == frozenset()


def test_delegation_breaks_on_a_list_of_tracers_and_on_out() -> None:
    x = jnp.ones(3)
    with pytest.raises(jax.errors.TracerArrayConversionError):
        jax.jit(lambda t: np.sum([t, t]))(x)
    with pytest.raises(NotImplementedError):
        jax.jit(lambda t: np.sum(t, out=np.empty(())))(x)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: __import__("scipy.special").special.erf(t),
        lambda t: __import__("scipy.linalg").linalg.expm(t),
        lambda t: __import__("scipy.stats").stats.norm.cdf(t),
    ],
    ids=["special.erf", "linalg.expm", "stats.norm.cdf"],
)
def test_scipy_converts_its_arguments(call: Callable[[Any], Any]) -> None:
    """What JL007's SciPy check rests on (``jf.SCIPY_NAMESPACE``)."""
    pytest.importorskip("scipy")
    with pytest.raises(jax.errors.TracerArrayConversionError):
        jax.jit(call)(jnp.eye(3))


@pytest.mark.parametrize("name", sorted(jf.MATH_FLOAT_FUNCTIONS))
def test_math_functions_need_a_concrete_value(name: str) -> None:
    """What JL006's ``math`` check rests on: each converts a tracer to a Python float."""
    import math

    function = getattr(math, name.removeprefix("math."), None)
    if function is None:
        pytest.skip(f"{name} is not in this Python")
    arity = {"atan2": 2, "pow": 2, "hypot": 2, "copysign": 2, "fmod": 2, "isclose": 2}
    count = arity.get(name.removeprefix("math."), 1)

    def call(t: Any) -> Any:
        if name == "math.fsum":
            return function([t, t])
        if name == "math.ldexp":
            return function(t, 2)
        return function(*[t] * count)

    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.jit(call)(jnp.float32(0.5))
