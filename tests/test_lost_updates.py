"""The facts JL008's dropped results and lost loop updates rest on, checked by running
them on the installed jax, NumPy and optax: which calls only compute their result, which
take ``out`` or a function to call, which contexts run code to see it fail, and that a
JAX array's in-place operator rebinds where NumPy's writes."""

from __future__ import annotations

import contextlib
import inspect
import unittest
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts import numpy_out, probes, results

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")
optax = pytest.importorskip("optax")

# ------------------------------------------------------------------- purity


def _callable_parameters(name: str) -> list[tuple[str, int]]:
    function = probes.resolve(name)
    assert function is not None, name
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return []
    return [
        (p.name, index)
        for index, p in enumerate(parameters)
        if "Callable" in str(p.annotation) and not p.name.startswith("_")
    ]


def test_every_probed_function_that_takes_a_function_is_listed() -> None:
    found = {
        name: parameters[0]
        for name in sorted(results._PROBED)
        if (parameters := _callable_parameters(name))
    }
    assert found == results.CALLBACK_PARAMETERS


#: A call of each listed function that passes ``callback`` where it takes a function.
CALLBACK_RUNS: dict[str, Callable[[Callable[..., Any]], Any]] = {
    "jax.numpy.fromfunction": lambda f: jnp.fromfunction(f, (2, 2)),
    "jax.numpy.pad": lambda f: jnp.pad(jnp.ones(3), 1, f),
    "jax.numpy.piecewise": lambda f: jnp.piecewise(jnp.ones(3), [jnp.ones(3) > 0], [f]),
    "jax.scipy.linalg.funm": lambda f: jax.scipy.linalg.funm(jnp.eye(2), f),
}


@pytest.mark.parametrize("name", sorted(CALLBACK_RUNS))
def test_a_listed_function_calls_the_function_it_is_given(name: str) -> None:
    calls: list[int] = []

    def callback(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return args[0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CALLBACK_RUNS[name](callback)
    assert calls


def test_numpy_takes_callbacks_where_jax_does() -> None:
    for name, (parameter, position) in results.CALLBACK_PARAMETERS.items():
        namesake = "numpy." + name.removeprefix("jax.numpy.")
        if not name.startswith("jax.numpy.") or namesake not in results.NUMPY_NAMESAKES:
            continue
        parameters = list(inspect.signature(probes.resolve(namesake)).parameters)
        assert parameters.index(parameter) == position, namesake


def test_the_out_table_is_read_from_the_installed_numpy() -> None:
    if np.__version__ != numpy_out.GENERATED_WITH_NUMPY:
        pytest.skip(f"table from NumPy {numpy_out.GENERATED_WITH_NUMPY}")
    assert probes.numpy_out_positions(results.NUMPY_NAMESAKES) == numpy_out.NUMPY_OUT_POSITIONS


def test_a_positional_out_writes_into_the_array() -> None:
    position = numpy_out.NUMPY_OUT_POSITIONS["numpy.add"]
    target = np.zeros(2)
    np.add(np.ones(2), np.ones(2), target)
    assert position == 2 and target.tolist() == [2.0, 2.0]
    np.clip(target, 0.0, 1.0, out=target)
    assert target.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("name", "positional", "keywords", "pure"),
    [
        ("jax.numpy.clip", 3, frozenset(), True),
        ("jax.numpy.sum", 1, frozenset({"out"}), False),
        ("jax.numpy.sum", 1, None, False),  # **kwargs may pass out
        ("jax.numpy.pad", 2, frozenset(), True),
        ("jax.numpy.pad", 3, frozenset(), False),  # mode may be a function
        ("jax.numpy.pad", 2, frozenset({"mode"}), False),
        ("numpy.add", 2, frozenset(), True),
        ("numpy.add", 3, frozenset(), False),
        ("numpy.clip", 3, frozenset({"out"}), False),
        ("numpy.fill_diagonal", 2, frozenset(), False),  # not a namesake: it writes
        ("math.sqrt", 1, frozenset(), True),
    ],
)
def test_is_pure_call_reads_the_call_shape(
    name: str, positional: int, keywords: frozenset[str] | None, pure: bool
) -> None:
    assert jf.is_pure_call(name, positional, keywords) is pure


def test_jax_refuses_out() -> None:
    with pytest.raises(NotImplementedError):
        jnp.sum(jnp.ones(2), out=jnp.zeros(()))


# ---------------------------------------------------------- results that are all


def _unchanged(before: Any, after: Any) -> bool:
    leaves_before, tree_before = jax.tree.flatten(before)
    leaves_after, tree_after = jax.tree.flatten(after)
    return tree_before == tree_after and all(
        type(a) is type(b) and np.array_equal(np.asarray(a), np.asarray(b))
        for a, b in zip(leaves_before, leaves_after, strict=True)
    )


def _copy(tree: Any) -> Any:
    return jax.tree.map(lambda leaf: leaf.copy(), tree)


#: A call of each listed function, on arguments it must leave as they were.
RESULT_ONLY_RUNS: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
    "jax.device_put": (jax.device_put, (np.ones(3, dtype=np.float32),)),
    "optax.apply_updates": (
        optax.apply_updates,
        ({"w": jnp.ones(2)}, {"w": jnp.full(2, 0.5)}),
    ),
    "optax.incremental_update": (
        optax.incremental_update,
        ({"w": jnp.ones(2)}, {"w": jnp.zeros(2)}, 0.1),
    ),
}


def test_each_result_only_call_has_a_run() -> None:
    assert RESULT_ONLY_RUNS.keys() == results.RESULT_ONLY_CALLS.keys()


@pytest.mark.parametrize("name", sorted(RESULT_ONLY_RUNS))
def test_a_result_only_call_leaves_its_arguments_alone(name: str) -> None:
    function, args = RESULT_ONLY_RUNS[name]
    assert probes.resolve(name) is function
    before = [_copy(arg) if not isinstance(arg, float) else arg for arg in args]
    result = function(*args)
    assert result is not None and all(map(_unchanged, before, args))
    for keyword in results.RESULT_ONLY_CALLS[name]:  # what gives it another effect
        assert (
            inspect.signature(function).parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY
        )


@pytest.mark.parametrize("name", sorted(results.REPLACED_ARGUMENT))
def test_a_replacing_call_gives_back_the_argument_s_kind(name: str) -> None:
    runs = {
        **RESULT_ONLY_RUNS,
        "jax.numpy.clip": (jnp.clip, (jnp.arange(4.0), 0.0, 1.0)),
        "jax.numpy.nan_to_num": (jnp.nan_to_num, (jnp.array([1.0, jnp.nan]),)),
    }
    function, args = runs[name]
    replaced = args[results.REPLACED_ARGUMENT[name]]
    result = function(*args)
    assert jax.tree.structure(result) == jax.tree.structure(replaced)
    for old, new in zip(jax.tree.leaves(replaced), jax.tree.leaves(result), strict=True):
        assert (np.shape(old), np.asarray(old).dtype) == (new.shape, new.dtype)


#: Arguments for the array methods that need some.
METHOD_ARGUMENTS: dict[str, tuple[Any, ...]] = {
    "reshape": (-1,),
    "astype": (jnp.int32,),
    "clip": (0.0, 1.0),
    "dot": (jnp.eye(2, dtype=jnp.float32),),
    "swapaxes": (0, 1),
    "take": (jnp.array([0, 1]),),
    "repeat": (2,),
    "view": (jnp.int32,),
}


@pytest.mark.parametrize("method", sorted(jf.RESULT_ONLY_ARRAY_METHODS))
def test_an_array_method_gives_a_new_array_and_leaves_the_receiver(method: str) -> None:
    x = jnp.array([[2.5, 0.5], [0.25, 1.5]], dtype=jnp.float32)
    before = np.asarray(x).copy()
    result = getattr(x, method)(*METHOD_ARGUMENTS.get(method, ()))
    assert isinstance(result, jax.Array) and result is not x
    np.testing.assert_array_equal(np.asarray(x), before)
    if method in results.REPLACING_ARRAY_METHODS:
        assert result.size == x.size  # the receiver's elements, converted or rearranged


def test_sort_is_in_place_in_numpy_and_a_copy_in_jax() -> None:
    numbers = np.array([3.0, 1.0, 2.0])
    numbers.sort()
    assert numbers.tolist() == [1.0, 2.0, 3.0]
    array = jnp.array([3.0, 1.0, 2.0])
    array.sort()
    assert array.tolist() == [3.0, 1.0, 2.0]


def test_block_until_ready_is_not_a_result_only_method() -> None:
    assert "block_until_ready" in jf.ARRAY_METHODS
    assert "block_until_ready" not in jf.RESULT_ONLY_ARRAY_METHODS


# ------------------------------------------------------------ checking contexts


def _absorbs(manager: Any, failing: Callable[[], None]) -> None:
    with manager:
        failing()


def _raise_value_error() -> None:
    raise ValueError("checked")


def _warn() -> None:
    warnings.warn("checked", DeprecationWarning, stacklevel=2)


def _makes_raise(manager: Any, call: Callable[[], Any]) -> None:
    call()  # silent outside
    with pytest.raises((FloatingPointError, ValueError, TypeError)), manager:
        jax.block_until_ready(call())


#: Code each context runs to see it fail: the context absorbs it, or makes it raise.
CHECKS: dict[str, Callable[[], None]] = {
    "pytest.raises": lambda: _absorbs(pytest.raises(ValueError), _raise_value_error),
    "pytest.warns": lambda: _absorbs(pytest.warns(DeprecationWarning), _warn),
    "pytest.deprecated_call": lambda: _absorbs(pytest.deprecated_call(), _warn),
    "contextlib.suppress": lambda: _absorbs(contextlib.suppress(ValueError), _raise_value_error),
    "numpy.testing.assert_raises": lambda: _absorbs(
        np.testing.assert_raises(ValueError), _raise_value_error
    ),
    "numpy.testing.assert_warns": lambda: _absorbs(
        np.testing.assert_warns(DeprecationWarning), _warn
    ),
    "jax.debug_nans": lambda: _makes_raise(jax.debug_nans(True), lambda: jnp.log(-jnp.ones(2))),
    "jax.debug_infs": lambda: _makes_raise(jax.debug_infs(True), lambda: jnp.log(jnp.zeros(2))),
    "jax.numpy_rank_promotion": lambda: _makes_raise(
        jax.numpy_rank_promotion("raise"), lambda: jnp.ones(2) + jnp.ones((2, 2))
    ),
    "jax.numpy_dtype_promotion": lambda: _makes_raise(
        jax.numpy_dtype_promotion("strict"),
        lambda: jnp.ones(2, jnp.int32) + jnp.ones(2, jnp.float32),
    ),
}


def test_each_checking_context_has_a_check() -> None:
    assert CHECKS.keys() == jf.CHECKING_CONTEXTS


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_checking_context_runs_code_to_see_it_fail(name: str) -> None:
    assert probes.resolve(name) is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CHECKS[name]()


def test_the_checking_methods_are_test_case_methods() -> None:
    absltest = pytest.importorskip("absl.testing.absltest")
    for method in jf.CHECKING_CONTEXT_METHODS:
        assert hasattr(unittest.TestCase, method) or hasattr(absltest.TestCase, method)


# ------------------------------------------------------------ loop variables


def test_an_augmented_assignment_rebinds_a_jax_array_and_writes_a_numpy_array() -> None:
    jax_params = (jnp.ones(2), jnp.ones(2))
    for p in jax_params:
        p -= 1.0
    assert [a.tolist() for a in jax_params] == [[1.0, 1.0], [1.0, 1.0]]
    assert not hasattr(jax_params[0], "__isub__")
    numpy_params = (np.ones(2), np.ones(2))
    for q in numpy_params:
        q -= 1.0
    assert [a.tolist() for a in numpy_params] == [[0.0, 0.0], [0.0, 0.0]]
