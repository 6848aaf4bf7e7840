"""The probed table of jax's array functions (jaxlint/facts/array_functions.py), checked
against the installed jax: every claim re-run, and the whole table compared with a fresh
probe of the namespaces when the versions match. Regenerate after upgrading jax with
``python -m jaxlint.facts.probes --write``."""

from __future__ import annotations

import inspect
import math
import types
from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.facts import array_functions as table
from jaxlint.facts import jaxfacts as jf
from jaxlint.facts import probes
from jaxlint.facts.returns import Returns

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")

CLAIMS: list[tuple[str, str, Returns]] = [
    *((name, recipe, Returns.ARRAY) for name, recipe in table.ARRAY_FUNCTIONS.items()),
    *((name, recipe, Returns.SEQUENCE) for name, recipe in table.ARRAY_SEQUENCE_FUNCTIONS.items()),
    *(
        (name, recipe, kind)
        for name, arities in table.ARRAY_FUNCTIONS_BY_ARITY.items()
        for kind, recipe in arities.values()
    ),
]


@pytest.mark.parametrize(("name", "recipe", "kind"), CLAIMS)
def test_every_claim_holds_on_the_installed_jax(name: str, recipe: str, kind: Returns) -> None:
    assert probes.rerun(name, recipe) is kind


def _flags(name: str) -> list[str]:
    function = probes.resolve(name)
    assert function is not None
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if isinstance(p.default, bool)]


UNLISTED_FLAGS = [
    (name, recipe, kind, flag)
    for name, recipe, kind in CLAIMS
    for flag in _flags(name)
    if flag not in table.KIND_CHANGING_FLAGS.get(name, frozenset())
]


@pytest.mark.parametrize(("name", "recipe", "kind", "flag"), UNLISTED_FLAGS)
def test_an_unlisted_flag_keeps_what_comes_back(
    name: str, recipe: str, kind: Returns, flag: str
) -> None:
    function = probes.resolve(name)
    default = inspect.signature(function).parameters[flag].default
    args = probes._samples()[recipe]()
    result = probes._call(function, args, {flag: not default})
    assert probes._returned(function, args, result) is kind


def test_a_listed_flag_is_what_turns_unique_into_a_tuple() -> None:
    assert "return_counts" in table.KIND_CHANGING_FLAGS["jax.numpy.unique"]
    assert isinstance(jnp.unique(jnp.ones(3), return_counts=True), tuple)


def test_the_table_is_the_probe_of_the_installed_jax() -> None:
    if probes.versions() != table.GENERATED_WITH:
        pytest.skip(f"table from {table.GENERATED_WITH}, installed {probes.versions()}")
    probed = {name for name, _ in probes.public_functions()}
    listed = (
        table.ARRAY_FUNCTIONS.keys()
        | table.ARRAY_SEQUENCE_FUNCTIONS.keys()
        | table.ARRAY_FUNCTIONS_BY_ARITY.keys()
        | table.OTHER_FUNCTIONS
    )
    assert probed == listed


def test_no_claim_by_module_for_what_jax_lax_holds_besides_arrays() -> None:
    # The issue this table closes: jax.lax also holds configuration helpers and records.
    for name in ("jax.lax.padtype_to_pads", "jax.lax.conv_dimension_numbers"):
        assert jf.returned_by(name, 3, frozenset()) is None
    assert not isinstance(jax.lax.padtype_to_pads((4,), (3,), (1,), "SAME"), jax.Array)


def _leaves_are_tracers(run: Callable[[Any], Any]) -> bool:
    seen: list[bool] = []

    def staged(x: Any) -> Any:
        out = run(x)
        seen.extend(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(out))
        return out

    # Under a named axis, for the collectives; each example is a row of shape (3,).
    jax.jit(jax.vmap(staged, axis_name="i"))(jnp.ones((2, 3)))
    return bool(seen) and all(seen)


def _identity(x: Any) -> Any:
    return x


#: One call of each pytree operation, on the staged argument ``x`` (shape (3,)), under
#: an axis named "i" of size 2.
PYTREE_CALLS: dict[str, Callable[[Any], Any]] = {
    "jax.lax.scan": lambda x: jax.lax.scan(lambda c, e: (c + e, e), 0.0, x),
    "jax.lax.fori_loop": lambda x: jax.lax.fori_loop(0, 2, lambda i, c: c, {"a": x}),
    "jax.lax.while_loop": lambda x: jax.lax.while_loop(lambda c: c[0] < 2, lambda c: c, (x[0], x)),
    "jax.lax.cond": lambda x: jax.lax.cond(x[0] > 0, _identity, _identity, (x, x)),
    "jax.lax.switch": lambda x: jax.lax.switch(0, [_identity], {"a": x}),
    "jax.lax.map": lambda x: jax.lax.map(_identity, x),
    "jax.lax.associative_scan": lambda x: jax.lax.associative_scan(jnp.add, x),
    "jax.lax.reduce": lambda x: jax.lax.reduce(x, 0.0, jax.lax.add, (0,)),
    "jax.lax.sort": lambda x: jax.lax.sort((x, x), num_keys=1),
    "jax.lax.stop_gradient": lambda x: jax.lax.stop_gradient({"a": x}),
    "jax.lax.optimization_barrier": lambda x: jax.lax.optimization_barrier((x, x)),
    "jax.lax.custom_root": lambda x: jax.lax.custom_root(
        lambda y: y - x, x, lambda f, y: y - f(y), lambda g, y: y
    ),
    "jax.lax.custom_linear_solve": lambda x: jax.lax.custom_linear_solve(
        lambda y: y, x, lambda f, y: y
    ),
    "jax.lax.psum": lambda x: jax.lax.psum({"a": x}, "i"),
    "jax.lax.pmean": lambda x: jax.lax.pmean({"a": x}, "i"),
    "jax.lax.pmax": lambda x: jax.lax.pmax({"a": x}, "i"),
    "jax.lax.pmin": lambda x: jax.lax.pmin({"a": x}, "i"),
    "jax.lax.all_gather": lambda x: jax.lax.all_gather({"a": x}, "i"),
    "jax.lax.ppermute": lambda x: jax.lax.ppermute({"a": x}, "i", perm=[(0, 1), (1, 0)]),
}


def test_each_pytree_operation_has_a_call() -> None:
    assert PYTREE_CALLS.keys() == jf.PYTREE_OPERATIONS


@pytest.mark.parametrize("name", sorted(PYTREE_CALLS))
def test_a_pytree_operation_returns_tracers_in_staged_code(name: str) -> None:
    assert _leaves_are_tracers(PYTREE_CALLS[name])


def _numpy_arguments(recipe: str) -> tuple[Any, ...] | None:
    args = probes._samples()[recipe]()
    if any(isinstance(a, jax.Array) and jnp.issubdtype(a.dtype, jax.dtypes.prng_key) for a in args):
        return None
    return tuple(np.array(a) if isinstance(a, jax.Array) else a for a in args)


NAMESAKES = sorted(
    (f"numpy.{name.removeprefix('jax.numpy.')}", recipe)
    for name, recipe, _ in CLAIMS
    if name.startswith("jax.numpy.")
)


@pytest.mark.parametrize(("name", "recipe"), NAMESAKES)
def test_a_numpy_namesake_leaves_its_arguments_alone(name: str, recipe: str) -> None:
    assert name in jf.NUMPY_NAMESAKES
    function = probes.resolve(name)
    args = _numpy_arguments(recipe)
    if function is None or args is None:
        pytest.skip("NumPy has no such function, or the sample is a key")
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        probes._call(function, args)
    except Exception:
        pytest.skip("NumPy takes other arguments")
    for old, new in zip(before, args, strict=True):
        if isinstance(old, np.ndarray):
            np.testing.assert_array_equal(old, new)


def test_math_holds_functions_and_constants_only() -> None:
    # `math.` is pure as a module: no state, nothing that writes.
    for name in dir(math):
        if not name.startswith("_"):
            value = getattr(math, name)
            assert isinstance(value, types.BuiltinFunctionType | float), name


def _first_recipe(name: str) -> str:
    if name in table.ARRAY_FUNCTIONS:
        return table.ARRAY_FUNCTIONS[name]
    if name in table.ARRAY_SEQUENCE_FUNCTIONS:
        return table.ARRAY_SEQUENCE_FUNCTIONS[name]
    return next(iter(table.ARRAY_FUNCTIONS_BY_ARITY[name].values()))[1]


FLIPPED_FLAGS = [
    (name, flag)
    for name, flags in sorted(table.KIND_CHANGING_FLAGS.items())
    for flag in sorted(flags)
]


@pytest.mark.parametrize(("name", "flag"), FLIPPED_FLAGS)
def test_a_flipped_flag_still_gives_only_tracers_in_staged_code(name: str, flag: str) -> None:
    """jf.jax_operation: a kind-changing flag changes what comes back (`svd(x,
    compute_uv=False)` is one array), never whether it is traced in staged code: every
    leaf is a tracer, or the call raises there (then no value exists to be static)."""
    function = probes.resolve(name)
    default = inspect.signature(function).parameters[flag].default
    args = probes._samples()[_first_recipe(name)]()
    assert jf.jax_operation(name, len(args), frozenset({flag}))
    assert jf.returned_by(name, len(args), frozenset({flag})) is None  # kind unknown
    leaves: list[bool] = []

    def staged() -> int:
        out = function(*args, **{flag: not default})
        leaves.extend(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(out))
        return 0

    try:
        jax.make_jaxpr(staged)()
    except Exception:
        return  # refused under staging: the line fails whatever its result would be
    assert leaves and all(leaves)
