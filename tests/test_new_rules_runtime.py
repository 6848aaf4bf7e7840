"""What the fixtures of JL010, JL012, JL015, JL016 and JL017 mark really goes wrong when
it runs, and their look-alikes (and JL012's fixes) really work, with the installed jax."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.facts import jaxfacts as jf
from jaxlint.rules.base import RuleOptions
from jaxlint.run.check import CheckOptions, lint_paths

from conftest import FIXTURES, load_module, marked_functions

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")


def test_nan_gradient_fixtures_have_finite_values_and_nan_gradients() -> None:
    module = load_module(FIXTURES / "nan_gradients.py", "nan_gradients_fixture")
    flagged = marked_functions("nan_gradients.py", "JL017")
    assert flagged == set(module.NAN_INPUTS)
    for name, x in module.NAN_INPUTS.items():
        function = getattr(module, name)
        assert bool(jnp.isfinite(function(x))), name
        assert bool(jnp.isnan(jax.grad(function)(x)).any()), name
    # the double-where idiom gives finite gradients at the same inputs
    assert not jnp.isnan(jax.grad(module.safe_norm_fixed)(module.NAN_INPUTS["safe_norm"])).any()
    assert not jnp.isnan(jax.grad(module.entropy_fixed)(module.NAN_INPUTS["entropy"])).any()


@pytest.mark.parametrize("name", sorted(jf.UNSAFE_AT_BOUNDARY))
def test_a_where_guard_below_its_threshold_still_differentiates_the_edge(name: str) -> None:
    """``where(x > c, f(x), x)`` with ``f``'s edge below ``c``: at the edge the branch is
    not taken, yet its gradient is NaN (0 * inf); the double-where idiom is finite there."""
    module, _, attribute = name.rpartition(".")
    function = getattr(pytest.importorskip(module), attribute)
    edge = jf.UNSAFE_AT_BOUNDARY[name]
    threshold = edge + 1.0

    def guarded(x: Any) -> Any:
        return jnp.where(x > threshold, function(x), x)

    def double_where(x: Any) -> Any:
        safe = jnp.where(x > threshold, x, threshold + 1.0)
        return jnp.where(x > threshold, function(safe), x)

    assert float(guarded(edge)) == edge  # the forward pass takes the safe branch
    assert bool(jnp.isnan(jax.grad(guarded)(edge)))
    assert float(jax.grad(double_where)(edge)) == 1.0


SEQUENCE_CALLS = {
    "total_loss": lambda f: f({"a": jnp.float32(1.0), "b": jnp.float32(2.0)}),
    "mean_of_pair": lambda f: f(jnp.float32(1.0), jnp.float32(2.0)),
    "max_over_layers": lambda f: f([jnp.ones(2), -jnp.ones(2)]),
    "norms": lambda f: f([jnp.ones(2)]),
    "floor_at": lambda f: f(jnp.ones(3)),
    "log_partition": lambda f: f(jnp.ones(2), jnp.ones(2)),
}


def test_sequence_input_fixtures_raise_and_their_fixes_run(tmp_path: Path) -> None:
    assert marked_functions("sequence_inputs.py", "JL012") == set(SEQUENCE_CALLS)
    original = load_module(FIXTURES / "sequence_inputs.py", "sequence_inputs_fixture")
    for name, call in SEQUENCE_CALLS.items():
        with pytest.raises(TypeError):
            call(getattr(original, name))
    work = tmp_path / "sequence_inputs.py"
    shutil.copy(FIXTURES / "sequence_inputs.py", work)
    run = lint_paths(
        [str(work)], Settings(root=str(tmp_path), select=("JL012",)), CheckOptions(fix=True)
    )
    assert run.errors == []
    fixed = load_module(work, "sequence_inputs_fixed")
    results = {name: call(getattr(fixed, name)) for name, call in SEQUENCE_CALLS.items()}
    assert float(results["total_loss"]) == 3.0
    assert float(results["mean_of_pair"]) == 1.5
    assert float(results["max_over_layers"]) == 1.0
    assert results["floor_at"].tolist() == [1.0, 1.0, 1.0]


def test_stale_global_fixture_keeps_the_traced_value() -> None:
    module = load_module(FIXTURES / "stale_globals.py", "stale_globals_fixture")
    assert {"sgd_step", "schedule", "noisy", "scaled_loss", "unscale"} <= marked_functions(
        "stale_globals.py", "JL010"
    )
    first = float(module.schedule_jit(2000.0))
    module.warmup = 5.0
    assert float(module.schedule(2000.0)) == 5.0  # eager code sees the new value
    assert float(module.schedule_jit(2000.0)) == first  # the compiled one does not
    w = jnp.ones(2)
    before = module.sgd_step(w, w)
    module.weight_decay = 100.0
    assert module.sgd_step(w, w).tolist() == before.tolist()


def test_constant_key_fixture_draws_the_same_numbers_every_call() -> None:
    pytest.importorskip("flax")
    module = load_module(FIXTURES / "constant_keys.py", "constant_keys_fixture")
    x = jnp.ones(64)
    assert module.dropout(x, 0.5).tolist() == module.dropout(x, 0.5).tolist()
    masks = module.perturb(jnp.ones((2, 8)), 1.0)
    assert masks[0].tolist() == masks[1].tolist()  # even across the batch
    fresh = [module.dropout_with_key(jax.random.key(i), x).tolist() for i in range(2)]
    assert fresh[0] != fresh[1]


def test_donating_one_array_twice_in_a_call_raises() -> None:
    """On every backend, the CPU's included: the same buffer given for two donated
    arguments is refused before the program runs."""
    module = load_module(FIXTURES / "donation.py", "donation_twice_fixture")
    with pytest.raises(Exception, match="INVALID_ARGUMENT: Attempt to (donate|use) "):
        module.averaged_round(4)
    params, average = module.averaged_round_copy(4)
    assert params.tolist() == [0.5] * 4 and average["z"].tolist() == [1.0] * 4


def test_an_array_donated_and_passed_again_in_one_call_raises() -> None:
    """JL015's `f(x, x)` with one position donated: refused on every backend, whichever
    argument is the donated one; a NumPy array given twice is copied per argument."""
    blend = jax.jit(lambda a, b: a + b[0], donate_argnames="b")
    frame = jnp.linspace(0.0, 1.0, 4)
    with pytest.raises(Exception, match="INVALID_ARGUMENT: Attempt to (donate|use) "):
        blend(frame, (frame, 2))
    scale = jax.jit(lambda a, b: a * b, donate_argnums=0)
    frame = jnp.linspace(0.0, 1.0, 4)
    with pytest.raises(Exception, match="INVALID_ARGUMENT: Attempt to (donate|use) "):
        scale(frame, frame)
    host = np.linspace(0.0, 1.0, 4, dtype=np.float32)
    assert scale(host, host).tolist() == (host * host).tolist()


def test_donation_fixture_deletes_the_donated_state() -> None:
    module = load_module(FIXTURES / "donation.py", "donation_fixture")
    if jax.default_backend() == "cpu":
        pytest.skip("the CPU backend ignores donation")
    state = jnp.ones(4)
    with pytest.raises(RuntimeError, match="deleted"):
        module.train_and_compare(state, jnp.ones(4))
    with pytest.raises(RuntimeError, match="deleted"):
        module.scales_then_reads(jnp.ones(4), jnp.ones(4))  # jitted by rebinding the name
    assert float(module.scales_and_rebinds(jnp.ones(4), jnp.ones(4))) == 12.0
    assert module.train(jnp.ones(4), [jnp.ones(4)] * 3).shape == (4,)


def test_donating_a_numpy_batch_deletes_only_its_device_copy() -> None:
    """What JL015 stays silent on: a batch taken from an iterator may be host (NumPy)
    data, whose donation frees the device copy made for the call and leaves the NumPy
    array readable; a JAX array given the same way is deleted."""
    if jax.default_backend() == "cpu":
        pytest.skip("the CPU backend ignores donation")
    step = jax.jit(lambda state, batch: (state + batch.sum(), batch.sum()), donate_argnums=(0, 1))
    batches = iter([np.ones(4, np.float32)])
    batch = next(batches)
    state, _ = step(jnp.zeros(4), batch)
    assert batch.tolist() == [1.0] * 4 and state.tolist() == [4.0] * 4
    device_batch = jnp.ones(4)
    step(state, device_batch)
    assert device_batch.is_deleted()


#: fixtures/static_arguments.py's loops whose static argument changes every iteration,
#: with the jitted function each calls (the rest of its marks are unhashable values).
LOOP_VARYING = {"train": "decayed_update", "warmup_curve": "warmup", "ramp": "scaled"}


def test_static_argument_fixtures_raise_and_the_rest_run() -> None:
    module = load_module(FIXTURES / "static_arguments.py", "static_arguments_fixture")
    flagged = marked_functions("static_arguments.py", "JL014") - set(LOOP_VARYING)
    assert len(flagged) == 6
    x = jnp.ones((4, 4))
    for name in flagged:
        with pytest.raises(ValueError, match="Non-hashable static arguments"):
            getattr(module, name)(x)
    for name in ("summed_tuple", "pooled_tuple", "selected_int", "plain_call", "pytree_argument"):
        getattr(module, name)(x)


def test_loop_varying_static_arguments_compile_every_iteration() -> None:
    module = load_module(FIXTURES / "static_arguments.py", "static_arguments_fixture_loops")
    assert set(LOOP_VARYING) <= marked_functions("static_arguments.py", "JL014")
    x = jnp.ones(3)
    steps = 6

    def new_programs(jitted: str, run: Any) -> int:
        before = getattr(module, jitted)._cache_size()
        run()
        return getattr(module, jitted)._cache_size() - before

    # Flagged: one new program per iteration (ramp counts from 1: steps - 1 of them).
    assert new_programs("decayed_update", lambda: module.train(x, x, steps)) == steps
    assert new_programs("warmup", lambda: module.warmup_curve(x, steps)) == steps
    assert new_programs("scaled", lambda: module.ramp(x, steps)) == steps - 1
    # A second run of a flagged loop compiles nothing new: the values repeat. It is the
    # first run, of every training loop, that runs at compile speed.
    assert new_programs("decayed_update", lambda: module.train(x, x, steps)) == 0
    # The traps: at most one program per setting, however long the loop.
    assert new_programs("scaled", lambda: module.scale_sweep(x)) == 2
    assert new_programs("warmup", lambda: module.few_warmups(x)) == 1  # t=1, 2 are cached
    assert new_programs("scaled", lambda: module.alternating(x, 50)) == 2  # 0 and 1
    assert new_programs("scaled", lambda: module.per_factor(x, (3, 3, 3))) == 1


JIT_METHODS = """
import functools
import jax
from jax.tree_util import register_pytree_node_class

class Scaler:
    def __init__(self, w):
        self.w = w

    @jax.jit
    def __call__(self, x):
        return x * self.w

    @functools.partial(jax.jit, static_argnames="n")
    def repeat(self, x, n):
        return x * n

class Frozen:
    @functools.partial(jax.jit, static_argnums=0)
    def apply(self, x):
        return x * 2

@register_pytree_node_class
class Box:
    def __init__(self, v):
        self.v = v

    def tree_flatten(self):
        return (self.v,), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    @jax.jit
    def doubled(self):
        return self.v * 2

class Grid:
    @classmethod
    @jax.jit
    def zeros(cls, n):
        return jax.numpy.zeros(3) * n

    @classmethod
    @functools.partial(jax.jit, static_argnums=0)
    def ones(cls, n):
        return jax.numpy.ones(3) * n
"""


def test_jit_method_findings_raise_and_pytrees_run(tmp_path: Path) -> None:
    path = tmp_path / "jit_methods_example.py"
    path.write_text(JIT_METHODS)
    run = lint_paths([str(path)], Settings(root=str(tmp_path), select=("JL013",)), CheckOptions())
    assert [(f.code, f.line) for f in run.findings] == [
        ("JL013", 10), ("JL013", 14), ("JL013", 41),
    ]  # fmt: skip
    module = load_module(path, "jit_methods_example")
    with pytest.raises(TypeError, match="abstract array"):
        module.Grid.zeros(2.0)  # the class is passed as `cls`, a traced argument
    assert module.Grid.ones(2.0).tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(TypeError):
        module.Scaler(2.0)(1.0)
    with pytest.raises(TypeError):
        module.Scaler(2.0).repeat(1.0, 3)
    assert float(module.Frozen().apply(1.0)) == 2.0
    assert float(module.Box(1.5).doubled()) == 3.0


#: Where fixtures/jit_methods.py's static-self classes start: they need only jax, while
#: the file's pytree classes above need flax and equinox, which tests do not install.
STATIC_SELF_SECTION = "# Static `self` with the default hash"


def test_static_self_fixtures_keep_the_first_attribute_values(tmp_path: Path) -> None:
    text = (FIXTURES / "jit_methods.py").read_text()
    section = text[text.index(STATIC_SELF_SECTION) :]
    path = tmp_path / "static_self.py"
    path.write_text("import functools\nimport jax\nimport jax.numpy as jnp\n\n" + section)
    run = lint_paths([str(path)], Settings(root=str(tmp_path), select=("JL013",)), CheckOptions())
    flagged = {f.message.split("`")[3] for f in run.findings}
    assert flagged == {
        "EpsilonGreedy.explore_probability", "ScheduledSGD.apply", "Classifier.decide",
    }  # fmt: skip
    module = load_module(path, "static_self_fixture")
    q = jnp.zeros(2)
    greedy = module.EpsilonGreedy(0.5)
    assert greedy.explore_probability(q).tolist() == [0.5, 0.5]
    greedy.decay()
    assert greedy.epsilon == 0.25
    # The same object, so the program compiled for epsilon=0.5 runs again.
    assert greedy.explore_probability(q).tolist() == [0.5, 0.5]
    sgd = module.ScheduledSGD(1.0)
    params, grads = {"w": jnp.ones(2)}, {"w": jnp.ones(2)}
    assert sgd.apply(params, grads)["w"].tolist() == [0.0, 0.0]
    sgd.set_learning_rate(0.5)
    assert sgd.apply(params, grads)["w"].tolist() == [0.0, 0.0]  # not [0.5, 0.5]
    classifier = module.Classifier(0.5)
    scores = jnp.array([0.2, 0.6])
    assert classifier.decide(scores).tolist() == [False, True]
    classifier.calibrate(jnp.array([0.0, 0.1]))
    assert classifier.decide(scores).tolist() == [False, True]  # threshold 0.05 unseen
    # The traps: a class hashed by value compiles once per value; a class whose read
    # attributes never change gives the same answer anyway.
    threshold = module.Threshold(0.5)
    assert threshold.mask(scores).tolist() == [False, True]
    assert threshold.raised_to(0.1).mask(scores).tolist() == [True, True]
    student = module.Student(2.0)
    student.record(1.0)
    assert student.soften(jnp.ones(1)).tolist() == [0.5]
    decayed = module.Decayed(2.0)
    decayed.set_rate(3.0)
    assert decayed.eager(1.0) == 3.0 and float(decayed.doubled(1.0)) == 2.0


def test_dynamic_shape_fixtures_fail_under_jit_and_the_rest_run() -> None:
    module = load_module(FIXTURES / "dynamic_shapes.py", "dynamic_shapes_fixture")
    x = jnp.arange(4.0)
    failing = {
        "positive_indices": (module.positive_indices, (x,)),
        "distinct_labels": (module.distinct_labels, (x,)),
        "where_positive": (module.where_positive, (x,)),
        "padded_range": (module.padded_range_jit, (x, 3)),
        "scan_body": (module.scan_rows, (jnp.ones((2, 3)), 3)),
        "grid": (module.grid, (x, 5)),
        "mean_of_positive": (module.mean_of_positive, (x,)),
        "zero_nans": (module.zero_nans, (x,)),
        "window": (module.window, (x, 1)),
        "to_rows": (module.to_rows, (x, 2)),
    }
    assert marked_functions("dynamic_shapes.py", "JL011") == set(failing)
    for function, arguments in failing.values():
        # NonConcreteBooleanIndexError is an IndexError, as is a traced slice bound's.
        with pytest.raises((jax.errors.ConcretizationTypeError, TypeError, IndexError)):
            function(*arguments)
    module.positive_indices_padded(x)
    module.masked_sum(x)
    module.static_range(x, length=3)
    module.shaped_like(x)
    module.eye_of_input(x)
    module.mean_of_positive_masked(x)
    module.zero_nans_where(x)
    module.window_dynamic(x, 1)
    module.halves(x)
    assert int(module.count_positive(x)) == 3


def _equations(jaxpr: Any) -> int:
    """The equations of a jaxpr and of every jaxpr inside it (a jit, scan or loop body)."""
    total = 0
    for equation in jaxpr.eqns:
        total += 1
        for value in equation.params.values():
            for inner in value if isinstance(value, list | tuple) else (value,):
                inner = getattr(inner, "jaxpr", inner)  # a ClosedJaxpr holds its jaxpr
                if hasattr(inner, "eqns"):
                    total += _equations(inner)
    return total


def _program_size(function: Any, *args: Any) -> int:
    return _equations(jax.make_jaxpr(function)(*args).jaxpr)


def test_unrolled_loop_fixtures_write_their_body_out_once_per_iteration() -> None:
    module = load_module(FIXTURES / "unrolled_loops.py", "unrolled_loops_fixture")
    flagged = marked_functions("unrolled_loops.py", "JL018")
    assert len(flagged) == 8 and flagged <= set(module.STAGED)
    # Each iteration adds at least one equation: a loop run more than ``limit`` times
    # makes more than ``limit``; the look-alikes' bodies are small enough to show none is.
    limit = RuleOptions().max_unrolled_iterations
    for name, (staged, args) in module.STAGED.items():
        size = _program_size(staged, *args)
        assert (size > limit) == (name in flagged), (name, size)
    for name, (function, args) in module.UNSTAGED.items():
        assert name not in flagged
        assert function(*args).shape == (3,)


def test_an_unrolled_loop_grows_the_program_and_a_fori_loop_does_not() -> None:
    def unrolled(steps: int) -> Any:
        def run(x: Any) -> Any:
            for _ in range(steps):
                x = x + 0.01 * jnp.sin(x)
            return x

        return jax.jit(run)

    def rolled(steps: int) -> Any:
        return jax.jit(lambda x: jax.lax.fori_loop(0, steps, lambda i, x: x + 0.01 * jnp.sin(x), x))

    x = jnp.ones(3)
    sizes = {steps: _program_size(unrolled(steps), x) for steps in (10, 100, 1000)}
    assert sizes[100] > 9 * sizes[10] and sizes[1000] > 9 * sizes[100]
    loops = {steps: _program_size(rolled(steps), x) for steps in (10, 100, 1000)}
    assert loops[10] == loops[100] == loops[1000] < sizes[10]
    # and the compiled results agree
    assert jnp.allclose(unrolled(100)(x), rolled(100)(x))


#: The arguments each function of fixtures/lost_updates.py is run on.
LOST_UPDATE_CALLS: dict[str, tuple[Any, ...]] = {
    "clamp": (jnp.array([-1.0, 0.5, 2.0]),),
    "to_float": (jnp.array([1, 2], dtype=jnp.int32),),
    "rank": (jnp.array([3.0, 1.0, 2.0]),),
    "to_device": (np.array([1.0, 2.0]),),
    "relu": (jnp.array([-1.0, 2.0]),),
    "flatten": (jnp.ones((2, 2)),),
    "drop_nans": (jnp.array([1.0, jnp.nan]),),
    "sgd": (jnp.ones(2), jnp.ones(2), 0.5),
    "apply_grads": (jnp.ones(2), jnp.ones(2), jnp.ones(2), jnp.ones(2)),
    "normalize_rows": (jnp.full((2, 2), 2.0),),
}


def _same(a: Any, b: Any) -> bool:
    return all(
        type(x) is type(y)
        and x.dtype == y.dtype
        and np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)
        for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True)
    )


def test_lost_update_fixtures_leave_their_values_unchanged_and_the_look_alikes_work() -> None:
    assert marked_functions("lost_updates.py", "JL008") == set(LOST_UPDATE_CALLS)
    module = load_module(FIXTURES / "lost_updates.py", "lost_updates_fixture")
    for name, args in LOST_UPDATE_CALLS.items():
        before = jax.tree.map(lambda leaf: getattr(leaf, "copy", lambda: leaf)(), args)
        returned = getattr(module, name)(*args)
        expected = before[0] if len(before) == 1 or name == "normalize_rows" else before[:2]
        assert _same(returned, expected), name  # the update was lost
    # the look-alikes: assigned back, validated, or NumPy's in-place writes
    assert module.clamp_fixed(jnp.array([2.0])).tolist() == [1.0]
    assert module.convertible([1.0]) and not module.convertible(object())
    assert module.convertible_quietly([1.0]) and not module.convertible_quietly(object())
    assert module.rank_numpy(np.array([3.0, 1.0])).tolist() == [1.0, 3.0]
    w, b = module.sgd_numpy(np.ones(2), np.ones(2), 0.5)
    assert w.tolist() == b.tolist() == [0.5, 0.5]
    assert module.last_row_scaled(jnp.ones((2, 2))).tolist() == [2.0, 2.0]
    assert [p.tolist() for p in module.scaled(jnp.ones(1), jnp.ones(1))] == [[2.0], [2.0]]
    module.test_clip_runs()


def test_lost_update_fixes_assign_back_and_the_fixed_functions_update(tmp_path: Path) -> None:
    work = tmp_path / "lost_updates.py"
    shutil.copy(FIXTURES / "lost_updates.py", work)
    settings = Settings(root=str(tmp_path), select=("JL008",))
    run = lint_paths([str(work)], settings, CheckOptions(fix=True, unsafe_fixes=True))
    assert run.errors == [] and run.fixed == 7
    text = work.read_text()
    for line in (
        "x = jnp.clip(x, 0.0, 1.0)  # expect: JL008",
        "x = x.astype(jnp.float32)  # expect: JL008",
        "scores = scores.sort()  # expect: JL008",
        "batch = jax.device_put(batch)  # expect: JL008",
        "x = x.reshape(-1)  # expect: JL008",
        "x = x.clip(0.0)  # expect: JL008",
        "loss = jnp.nan_to_num(loss, copy=False)  # expect: JL008",
    ):
        assert line in text
    # Re-linted: only the findings without a fix remain (the loops).
    again = lint_paths([str(work)], settings, CheckOptions())
    assert sorted(f.line for f in again.findings) == [50, 56, 62]
    fixed = load_module(work, "lost_updates_fixed")
    assert fixed.clamp(jnp.array([-1.0, 2.0])).tolist() == [0.0, 1.0]
    assert fixed.to_float(jnp.array([1], dtype=jnp.int32)).dtype == jnp.float32
    assert fixed.rank(jnp.array([3.0, 1.0])).tolist() == [1.0, 3.0]
    assert isinstance(fixed.to_device(np.ones(2)), jax.Array)
    assert fixed.flatten(jnp.ones((2, 2))).shape == (4,)
    assert fixed.drop_nans(jnp.array([jnp.nan])).tolist() == [0.0]
