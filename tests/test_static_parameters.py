"""The probed table of parameters that must be static (jaxlint/facts/static_parameters.py),
checked against the installed jax: every claim re-run, and the probe of a few functions
compared with the table when the versions match. Regenerate after upgrading jax with
``python -m jaxlint.facts.static_probes --write``."""

from __future__ import annotations

import pytest

from jaxlint.facts import array_functions, static_probes
from jaxlint.facts import jaxfacts as jf
from jaxlint.facts import static_parameters as table
from jaxlint.facts.parameters import StaticParameter

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

CLAIMS: list[tuple[str, StaticParameter]] = [
    (name, parameter)
    for name, parameters in table.STATIC_PARAMETERS.items()
    for parameter in parameters.values()
]


@pytest.mark.parametrize(("name", "parameter"), CLAIMS, ids=[f"{n}:{p.name}" for n, p in CLAIMS])
def test_every_claim_holds_on_the_installed_jax(name: str, parameter: StaticParameter) -> None:
    # The call works with the constant and refuses the tracer.
    assert static_probes.rerun(name, parameter) is True


UNLOCKING = [
    (name, parameter, other, candidate)
    for name, parameter in CLAIMS
    for other, candidate in parameter.unless
]


@pytest.mark.parametrize(
    ("name", "parameter", "other", "candidate"),
    UNLOCKING,
    ids=[f"{n}:{p.name}:{o}" for n, p, o, _ in UNLOCKING],
)
def test_an_unlocking_option_lets_the_parameter_take_a_tracer(
    name: str, parameter: StaticParameter, other: str, candidate: object
) -> None:
    assert static_probes.unlocks(name, parameter, other, candidate)


def test_repeat_takes_traced_repeats_with_a_total_length() -> None:
    # The option that makes jnp.repeat's repeats traceable (a false alarm on jax's own
    # megablox kernels before options were probed).
    (unless,) = table.STATIC_PARAMETERS["jax.numpy.repeat"]["repeats"].unless
    assert unless[0] == "total_repeat_length"
    jax.jit(lambda r: jnp.repeat(jnp.arange(2), r, total_repeat_length=3))(jnp.array([1, 2]))


def test_the_facade_serves_the_table() -> None:
    assert jf.STATIC_PARAMETERS is table.STATIC_PARAMETERS


def test_the_two_tables_come_from_one_probe() -> None:
    assert table.GENERATED_WITH == array_functions.GENERATED_WITH


def test_every_function_listed_was_probed() -> None:
    probed = (
        array_functions.ARRAY_FUNCTIONS.keys()
        | array_functions.ARRAY_SEQUENCE_FUNCTIONS.keys()
        | array_functions.ARRAY_FUNCTIONS_BY_ARITY.keys()
        | array_functions.OTHER_FUNCTIONS
    )
    assert table.STATIC_PARAMETERS.keys() <= probed


#: Parameters users pass traced values to (issue 20's list), and those the hand table that
#: this one replaced held: each must be found by the probe.
EXPECTED = {
    "jax.numpy.linalg.norm": {"ord", "axis"},
    "jax.numpy.sum": {"axis"},
    "jax.numpy.linalg.matrix_power": {"n"},
    "jax.numpy.zeros": {"shape"},
    "jax.numpy.ones": {"shape"},
    "jax.numpy.empty": {"shape"},
    "jax.numpy.full": {"shape"},
    "jax.numpy.arange": {"start", "stop", "step"},
    "jax.numpy.eye": {"N", "M"},
    "jax.numpy.identity": {"n"},
    "jax.numpy.linspace": {"num"},
    "jax.numpy.reshape": {"shape"},
    "jax.numpy.broadcast_to": {"shape"},
    "jax.numpy.tile": {"reps"},
    "jax.numpy.nonzero": {"size"},
    "jax.lax.dynamic_slice": {"slice_sizes"},
    "jax.lax.top_k": {"k"},
    "jax.lax.reshape": {"new_sizes"},
    # the lax twins of jnp's creators: `lax.full`'s shape, probed as a tuple
    "jax.lax.full": {"shape"},
    "jax.lax.broadcast": {"sizes"},
    "jax.random.normal": {"shape"},
    # an axis only an array with a unit axis fits (probed on one): jax issue 12331
    "jax.numpy.squeeze": {"axis"},
    "jax.lax.squeeze": {"dimensions"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_known_static_parameters_are_found(name: str) -> None:
    assert EXPECTED[name] <= table.STATIC_PARAMETERS[name].keys()


#: Parameters that take tracers: never listed.
TRACEABLE = {
    "jax.lax.dynamic_slice": "start_indices",
    "jax.numpy.roll": "shift",
    "jax.numpy.full": "fill_value",
    "jax.numpy.linspace": "start",
}


@pytest.mark.parametrize("name", sorted(TRACEABLE))
def test_a_parameter_that_takes_a_tracer_is_not_listed(name: str) -> None:
    assert TRACEABLE[name] not in table.STATIC_PARAMETERS[name]


def test_a_traceable_parameter_shows_so_when_probed() -> None:
    shift = static_probes.shows_static(jnp.roll, (jnp.ones(3),), "shift", 1, 1)
    assert shift is False


def test_only_refusals_of_a_tracer_count() -> None:
    assert not static_probes.refuses_tracer(TypeError("add requires arguments of the same dtype"))
    assert static_probes.refuses_tracer(TypeError("unhashable type: 'DynamicJaxprTracer'"))
    with pytest.raises(jax.errors.ConcretizationTypeError) as raised:
        jax.jit(lambda axis: jnp.sum(jnp.ones((2, 2)), axis))(0)
    assert static_probes.refuses_tracer(raised.value)


PROBED_AGAIN = [
    "jax.numpy.linalg.norm",
    "jax.lax.top_k",
    "jax.numpy.zeros",
    "jax.numpy.take",
    "jax.numpy.squeeze",
]


@pytest.mark.parametrize("name", PROBED_AGAIN)
def test_a_fresh_probe_gives_the_table(name: str) -> None:
    if static_probes.probes.versions() != table.GENERATED_WITH:
        pytest.skip(f"table from {table.GENERATED_WITH}, installed")
    function = static_probes.probes.resolve(name)
    assert static_probes.probe_all([name]).get(name, {}) == table.STATIC_PARAMETERS.get(name, {})
    assert function is not None


def test_the_committed_table_is_what_the_generator_writes() -> None:
    # No hand edits: the module is exactly the rendering of its own entries.
    text = static_probes.render(table.STATIC_PARAMETERS, table.GENERATED_WITH)
    assert static_probes.TABLE.read_text(encoding="utf-8") == text
