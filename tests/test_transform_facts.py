"""The transformation facts the tracing model rests on (facts/transforms.py), established
by running each claim with the installed jax (and equinox, flax, haiku where installed):
which transformations stage Python out, which trace their arguments, what
``functools.partial`` binds, what ``ensure_compile_time_eval`` makes concrete and what
equinox's ``filter_*`` family keeps static. Each claim is also checked against what the
linter says of the same code."""

from __future__ import annotations

import importlib
import importlib.util
import textwrap
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts import jaxfacts as jf

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")


def _resolve(dotted: str) -> Any:
    """The object a canonical dotted name names in the installed libraries."""
    module_name, _, attribute = dotted.rpartition(".")
    module = pytest.importorskip(module_name)
    return getattr(module, attribute)


def _raises_on_tracer(call: Any) -> bool:
    """Whether ``call()`` fails because Python asked a tracer for a concrete value."""
    try:
        call()
    except jax.errors.ConcretizationTypeError:  # TracerBoolConversionError's base
        return True
    return False


def _jl006_lines(source: str) -> list[int]:
    result = lint_python_source(textwrap.dedent(source), "example.py", Settings(select=("JL006",)))
    assert result.errors == []
    return [finding.line for finding in result.findings]


def _run(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(source), "example.py", "exec"), namespace)
    return namespace


# ------------------------------------------------------- ensure_compile_time_eval

EAGER_SOURCE = """
import jax
import jax.numpy as jnp

@jax.jit
def constants(x):
    with jax.ensure_compile_time_eval():
        n = jnp.sum(jnp.arange(4))
        scale = 2.0 if n > 3 else 3.0
        count = int(n)
    return x * scale * count

@jax.jit
def on_argument(x):
    with jax.ensure_compile_time_eval():
        y = jnp.sum(x)
        if y > 0:
            return x
    return -x
"""


@pytest.mark.parametrize("name", sorted(jf.EAGER_CONTEXTS))
def test_eager_contexts_name_jax_s_context_manager(name: str) -> None:
    assert _resolve(name) is jax.ensure_compile_time_eval


def test_ensure_compile_time_eval_makes_constants_concrete_but_not_tracers() -> None:
    functions = _run(EAGER_SOURCE)
    assert float(functions["constants"](1.0)) == 12.0
    assert _raises_on_tracer(lambda: functions["on_argument"](1.0))
    # The linter agrees: only the test on the traced argument's sum is flagged.
    assert _jl006_lines(EAGER_SOURCE) == [17]


# ------------------------------------------------------------ functools.partial

PARTIAL_SOURCE = """
import functools
import jax
import jax.numpy as jnp

def add_if(x, flag):
    if flag:
        return x + 1
    return x

def scale_leaf(n, x):
    if n > 2:
        return x * n
    return x

def clip_leaf(limit, x):
    if x > limit:
        return limit
    return x

keyword_bound = jax.jit(functools.partial(add_if, flag=True))
positional_bound = jax.vmap(functools.partial(scale_leaf, 3))

@jax.jit
def scale_all(tree):
    return jax.tree_util.tree_map(functools.partial(scale_leaf, 3), tree)

@jax.jit
def clip_all(tree):
    return jax.tree_util.tree_map(functools.partial(clip_leaf, 1.0), tree)
"""


def test_arguments_bound_by_partial_are_constants_and_the_rest_are_traced() -> None:
    functions = _run(PARTIAL_SOURCE)
    assert float(functions["keyword_bound"](1.0)) == 2.0
    assert functions["positional_bound"](jnp.ones(2)).tolist() == [3.0, 3.0]
    assert [float(v) for v in functions["scale_all"]([1.0, 2.0])] == [3.0, 6.0]
    assert _raises_on_tracer(lambda: functions["clip_all"]([1.0, 2.0]))
    # The linter agrees: only clip_leaf's test of its leaf is flagged.
    assert _jl006_lines(PARTIAL_SOURCE) == [17]


# ------------------------------------------------- equinox: array leaves only

FILTER_SOURCE = """
import equinox as eqx
import jax
import jax.numpy as jnp

@eqx.filter_jit
def forward(x, flag, scale):
    if flag:
        x = x * scale
    if scale > 1:
        x = x / scale
    return jnp.tanh(x)

@eqx.filter_jit
def annotated(x: jax.Array):
    if x > 0:
        return x
    return -x

@eqx.filter_jit
def used(x):
    y = jnp.abs(x)
    if x > 0:
        return y
    return -y

@eqx.filter_grad
def loss(x, flag):
    if flag:
        return x * x
    return x
"""


def test_filter_transformations_trace_arrays_and_keep_python_values_static() -> None:
    pytest.importorskip("equinox")
    functions = _run(FILTER_SOURCE)
    one = jnp.ones(())
    assert float(functions["forward"](one, True, 2.0)) == pytest.approx(float(jnp.tanh(1.0)))
    assert float(functions["loss"](one, True)) == 2.0
    assert _raises_on_tracer(lambda: functions["annotated"](one))
    assert _raises_on_tracer(lambda: functions["used"](one))
    # A Python scalar stays static under filter_jit, even where an array would be traced.
    assert float(functions["annotated"](2.0)) == 2.0
    # The linter agrees: parameters are traced only where they are known to be arrays.
    assert _jl006_lines(FILTER_SOURCE) == [16, 23]


def test_array_leaves_only_is_what_equinox_does() -> None:
    """Every ``array_leaves_only`` entry names an equinox function, and equinox's own
    predicate for what its filters trace says: arrays yes, Python values no."""
    eqx = pytest.importorskip("equinox")
    import numpy as np

    filtering = [name for name, t in jf.TRANSFORMS.items() if t.array_leaves_only]
    assert filtering and all(name.startswith("equinox.") for name in filtering)
    for name in filtering:
        assert callable(_resolve(name)), name
    assert [eqx.is_array(v) for v in (jnp.ones(()), np.ones(()), True, 2.0, 3, "a")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


# ------------------------------------------------- what each transformation does

Body = Any  # the function handed to a transformation: one argument, returns it


def _observe(harness: Any, transform: Any) -> tuple[bool, bool]:
    """Call ``transform`` on a function as ``harness`` does, at top level, and say
    whether the function's argument, and a JAX operation on constants in it, were tracers
    without a concrete value."""
    seen: list[tuple[bool, bool]] = []

    def body(x: Any) -> Any:
        seen.append((not _concrete(x), not _concrete(jnp.sum(jnp.ones(2)))))
        return x

    harness(transform, body)
    assert seen, "the function was never called"
    # Some transformations call the function more than once (flax's nn.scan first with
    # known constants, then staged): Python control flow fails if it fails in any call.
    return any(a for a, _ in seen), any(c for _, c in seen)


ONE = jnp.ones(())


def _custom_jvp(t: Any, f: Body) -> None:
    wrapped = t(f)
    wrapped.defjvp(lambda primals, tangents: (primals[0], tangents[0]))
    wrapped(ONE)


def _custom_vjp(t: Any, f: Body) -> None:
    wrapped = t(f)
    wrapped.defvjp(lambda x: (x, None), lambda residual, g: (g,))
    wrapped(ONE)


def _shard_map(t: Any, f: Body) -> None:
    import numpy as np
    from jax.sharding import Mesh, PartitionSpec

    mesh = Mesh(np.array(jax.devices()[:1]), ("i",))
    t(f, mesh=mesh, in_specs=PartitionSpec(), out_specs=PartitionSpec())(ONE)


def _nnx_scan(t: Any, f: Body) -> None:
    nnx = pytest.importorskip("flax.nnx")
    t(lambda c, x: (f(c), x), in_axes=(nnx.Carry, 0), out_axes=(nnx.Carry, 0))(ONE, jnp.ones(1))


def _pallas(t: Any, f: Body) -> None:
    def kernel(x_ref: Any, o_ref: Any) -> None:
        o_ref[...] = f(x_ref[...])

    t(kernel, out_shape=jax.ShapeDtypeStruct((1,), jnp.float32), interpret=True)(jnp.ones(1))


def _linen(t: Any, f: Body) -> None:
    """A flax linen module whose ``__call__`` calls ``f``, lifted by ``t`` (``nn.jit``,
    ``nn.remat``, ...; ``nn.compact`` decorates the method), then applied."""
    nn = pytest.importorskip("flax.linen")
    if t is nn.compact:

        class Compact(nn.Module):
            @nn.compact
            def __call__(self, x: Any) -> Any:
                return f(x)

        Compact().apply({}, ONE)
        return

    class Plain(nn.Module):
        def __call__(self, x: Any) -> Any:
            return f(x)

    if t is nn.scan:
        lifted = t(
            type("Step", (nn.Module,), {"__call__": lambda self, c, x: (f(c), x)}),
            variable_broadcast="params",
            split_rngs={"params": False},
        )
        lifted().apply({}, ONE, jnp.ones(1))
    elif t is nn.vmap:
        t(Plain, variable_axes={}, split_rngs={"params": False})().apply({}, jnp.ones(2))
    else:
        t(Plain)().apply({}, ONE)


def _haiku(inner: Any) -> Any:
    """Run ``inner(t, f)`` inside ``hk.transform``: haiku's lifted jax transformations
    only work there."""

    def harness(t: Any, f: Body) -> None:
        hk = pytest.importorskip("haiku")
        hk.transform(lambda: inner(t, f)).apply({}, None)

    return harness


def _numpyro_kernel(t: Any, f: Body) -> None:
    """An MCMC kernel given a model with one latent site that also runs ``f`` on the
    model's argument; a few steps of sampling."""
    numpyro = pytest.importorskip("numpyro")
    from numpyro import distributions
    from numpyro.infer import MCMC

    def model(x: Any) -> None:
        numpyro.sample("a", distributions.Normal(0.0, 1.0))
        f(x)

    MCMC(t(model), num_warmup=2, num_samples=2, progress_bar=False).run(jax.random.key(0), ONE)


def _numpyro_handler(t: Any, f: Body) -> None:
    pytest.importorskip("numpyro")
    if t.__name__ == "seed":
        t(f, rng_seed=0)(ONE)
    elif t.__name__ in ("substitute", "condition"):
        t(f, {})(ONE)
    else:
        t(f)(ONE)


HARNESSES: dict[str, Any] = {
    "call": lambda t, f: t(f)(ONE),
    "pmap": lambda t, f: t(f)(jnp.ones((1,))),
    "vmap": lambda t, f: t(f)(jnp.ones((2,))),
    "shard_map": _shard_map,
    "jvp": lambda t, f: t(f, (ONE,), (ONE,)),
    "vjp": lambda t, f: t(f, ONE),
    "custom_jvp": _custom_jvp,
    "custom_vjp": _custom_vjp,
    "custom_gradient": lambda t, f: t(lambda x: (f(x), lambda g: g))(ONE),
    "eval_shape": lambda t, f: t(f, ONE),
    "scan": lambda t, f: t(lambda c, _: (f(c), None), ONE, None, length=1),
    "fori_loop": lambda t, f: t(0, 1, lambda i, c: f(c), ONE),
    "while_loop": lambda t, f: t(lambda c: f(c) < 0, lambda c: c, ONE),
    "cond": lambda t, f: t(True, f, f, ONE),
    "switch": lambda t, f: t(0, [f, f], ONE),
    "map": lambda t, f: t(f, jnp.ones((2,))),
    "associative_scan": lambda t, f: t(lambda a, b: f(a) + b, jnp.ones((2,))),
    "custom_root": lambda t, f: t(lambda x: x - 2.0, ONE, lambda g, y: f(y), lambda g, y: y),
    "custom_linear_solve": lambda t, f: t(f, ONE, lambda matvec, b: b),
    "nnx_scan": _nnx_scan,
    "pallas": _pallas,
    "linen": _linen,
    "haiku_transform": lambda t, f: t(f).apply({}, None, ONE),
    "haiku_transform_with_state": lambda t, f: t(f).apply({}, {}, None, ONE),
    "haiku_call": _haiku(lambda t, f: t(f)(ONE)),
    "haiku_vmap": _haiku(lambda t, f: t(f, split_rng=False)(jnp.ones((2,)))),
    "haiku_scan": _haiku(lambda t, f: t(lambda c, _: (f(c), None), ONE, None, length=1)),
    "haiku_fori_loop": _haiku(lambda t, f: t(0, 1, lambda i, c: f(c), ONE)),
    "haiku_while_loop": _haiku(lambda t, f: t(lambda c: f(c) < 0, lambda c: c, ONE)),
    "haiku_cond": _haiku(lambda t, f: t(True, f, f, ONE)),
    "haiku_switch": _haiku(lambda t, f: t(0, [f, f], ONE)),
    "haiku_map": _haiku(lambda t, f: t(f, jnp.ones((2,)))),
    "numpyro_kernel": _numpyro_kernel,
    "numpyro_handler": _numpyro_handler,
}

#: How to call each table entry (a key of HARNESSES).
HOW: dict[str, str] = {
    "jax.jit": "call",
    "jax.pmap": "pmap",
    "jax.vmap": "vmap",
    "jax.shard_map": "shard_map",
    "jax.grad": "call",
    "jax.value_and_grad": "call",
    "jax.jacfwd": "call",
    "jax.jacrev": "call",
    "jax.jacobian": "call",
    "jax.hessian": "call",
    "jax.jvp": "jvp",
    "jax.vjp": "vjp",
    "jax.linearize": "vjp",
    "jax.checkpoint": "call",
    "jax.remat": "call",
    "jax.named_call": "call",
    "jax.custom_jvp": "custom_jvp",
    "jax.custom_vjp": "custom_vjp",
    "jax.custom_gradient": "custom_gradient",
    "jax.eval_shape": "eval_shape",
    "jax.make_jaxpr": "call",
    "jax.lax.scan": "scan",
    "jax.lax.fori_loop": "fori_loop",
    "jax.lax.while_loop": "while_loop",
    "jax.lax.cond": "cond",
    "jax.lax.switch": "switch",
    "jax.lax.map": "map",
    "jax.lax.associative_scan": "associative_scan",
    "jax.lax.custom_root": "custom_root",
    "jax.lax.custom_linear_solve": "custom_linear_solve",
    "jax.experimental.checkify.checkify": "call",
    "jax.experimental.pallas.pallas_call": "pallas",
    "equinox.filter_jit": "call",
    "equinox.filter_pmap": "pmap",
    "equinox.filter_vmap": "vmap",
    "equinox.filter_grad": "call",
    "equinox.filter_value_and_grad": "call",
    "equinox.filter_jvp": "jvp",
    "equinox.filter_vjp": "vjp",
    "equinox.filter_checkpoint": "call",
    "equinox.filter_custom_jvp": "custom_jvp",
    "equinox.filter_custom_vjp": "custom_vjp",
    "equinox.filter_eval_shape": "eval_shape",
    "equinox.filter_make_jaxpr": "call",
    "flax.linen.jit": "linen",
    "flax.linen.vmap": "linen",
    "flax.linen.scan": "linen",
    "flax.linen.remat": "linen",
    "flax.linen.checkpoint": "linen",
    "flax.linen.compact": "linen",
    "flax.nnx.jit": "call",
    "flax.nnx.pmap": "pmap",
    "flax.nnx.vmap": "vmap",
    "flax.nnx.shard_map": "shard_map",
    "flax.nnx.grad": "call",
    "flax.nnx.value_and_grad": "call",
    "flax.nnx.remat": "call",
    "flax.nnx.scan": "nnx_scan",
    "flax.nnx.fori_loop": "fori_loop",
    "flax.nnx.while_loop": "while_loop",
    "flax.nnx.cond": "cond",
    "flax.nnx.switch": "switch",
    "flax.nnx.eval_shape": "eval_shape",
    "flax.nnx.custom_vjp": "custom_vjp",
    "haiku.transform": "haiku_transform",
    "haiku.transform_with_state": "haiku_transform_with_state",
    "haiku.vmap": "haiku_vmap",
    "haiku.remat": "haiku_call",
    "haiku.scan": "haiku_scan",
    "haiku.fori_loop": "haiku_fori_loop",
    "haiku.while_loop": "haiku_while_loop",
    "haiku.cond": "haiku_cond",
    "haiku.switch": "haiku_switch",
    "haiku.map": "haiku_map",
    "numpyro.infer.NUTS": "numpyro_kernel",
    "numpyro.infer.HMC": "numpyro_kernel",
    "numpyro.handlers.seed": "numpyro_handler",
    "numpyro.handlers.trace": "numpyro_handler",
    "numpyro.handlers.substitute": "numpyro_handler",
    "numpyro.handlers.condition": "numpyro_handler",
}

#: Entries not called here, and why: names the installed jax no longer has (kept for
#: code written against older versions), and Pallas entry points that only run inside a
#: kernel or on a TPU/GPU mesh.
NOT_CALLED: dict[str, str] = {
    "jax.pjit": "absent from the installed jax",
    "jax.checkify.checkify": "absent from the installed jax",
    "jax.xla_computation": "absent from the installed jax",
    "jax.experimental.pallas.emit_pipeline": "absent from the installed jax",
    "jax.experimental.pallas.core_map": "needs a TPU/GPU mesh",
    "jax.experimental.pallas.kernel": "needs a TPU/GPU mesh",
    "jax.experimental.pallas.run_scoped": "runs only inside a kernel",
}


def test_every_transformation_is_called_or_says_why_not() -> None:
    assert sorted(HOW.keys() | NOT_CALLED.keys()) == sorted(jf.TRANSFORMS)
    assert not HOW.keys() & NOT_CALLED.keys()
    assert set(HOW.values()) == set(HARNESSES)


@pytest.mark.parametrize("name", [n for n, why in NOT_CALLED.items() if why.startswith("absent")])
def test_entries_kept_for_older_jax_are_absent_from_the_installed_one(name: str) -> None:
    module_name, _, attribute = name.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return
    assert not hasattr(module, attribute), f"{name} is back: call it in HOW"


@pytest.mark.filterwarnings("ignore:As of Equinox")  # filter_custom_jvp.defjvp
@pytest.mark.parametrize("name", sorted(HOW))
def test_transformation_kind_says_what_the_transformation_does(name: str) -> None:
    kind = jf.TRANSFORMS[name].kind
    arguments_traced, constants_traced = _observe(HARNESSES[HOW[name]], _resolve(name))
    # A kernel's arguments are refs; a program's are what `run` was given, and a JAX
    # array there only looks traced here (an operation on it is staged): see below.
    if kind not in (jf.TransformKind.KERNEL, jf.TransformKind.PROGRAM):
        assert kind.traces_arguments == arguments_traced, (name, kind)
    assert kind.stages_constants == constants_traced, (name, kind)
    assert kind.stages_python == (arguments_traced or constants_traced), (name, kind)


def test_custom_derivative_rules_run_on_concrete_values_under_grad() -> None:
    """custom_vjp's fwd/bwd and custom_jvp's jvp rule, differentiated at top level, get
    concrete values: CUSTOM_RULE stages nothing by itself."""
    seen: list[tuple[bool, bool]] = []

    def record(value: Any) -> None:
        traced = isinstance(value, jax.core.Tracer) and not _concrete(value)
        seen.append((traced, not _concrete(jnp.sum(jnp.ones(2)))))

    def fwd(x: Any) -> Any:
        record(x)
        return x, x

    def bwd(residual: Any, g: Any) -> Any:
        record(residual)
        return (g,)

    def jvp_rule(primals: Any, tangents: Any) -> Any:
        record(primals[0])
        return primals[0], tangents[0]

    by_vjp = jax.custom_vjp(lambda x: x)
    by_vjp.defvjp(fwd, bwd)
    by_jvp = jax.custom_jvp(lambda x: x)
    by_jvp.defjvp(jvp_rule)
    jax.grad(by_vjp)(1.0)
    jax.grad(by_jvp)(1.0)
    kind = jf.TransformKind.CUSTOM_RULE
    assert len(seen) == 3
    assert {kind.traces_arguments, kind.stages_constants, kind.stages_python} == {False}
    assert all(arguments == kind.traces_arguments for arguments, _ in seen)
    assert all(constants == kind.stages_constants for _, constants in seen)


def _concrete(value: Any) -> bool:
    try:
        bool(jnp.sum(value) > 0)
    except jax.errors.ConcretizationTypeError:
        return False
    return True


UNSTAGED_SOURCE = """
import jax
import jax.numpy as jnp

@jax.custom_vjp
def safe_abs(x):
    if x > 0:
        return x
    return -x

def safe_abs_fwd(x):
    return safe_abs(x), x

def safe_abs_bwd(x, g):
    return (g if x > 0 else -g,)

safe_abs.defvjp(safe_abs_fwd, safe_abs_bwd)

@jax.custom_jvp
def clipped(x):
    if x > 1:
        return jnp.ones_like(x)
    return x

clipped.defjvp(lambda primals, tangents: (jnp.minimum(primals[0], 1.0), tangents[0]))

def loss(x):
    return x * x if x > 0 else -x

grad_loss = jax.grad(loss)
named_loss = jax.named_call(loss)

@jax.jit
def staged(x):
    return clipped(x)
"""


def test_transformations_that_do_not_stage_leave_control_flow_to_an_enclosing_one() -> None:
    """grad, named_call and custom_jvp/vjp primals and rules run Python on concrete values
    at top level; only under a staging transformation (here ``jax.jit``, which calls
    ``clipped``) does Python control flow on their values raise."""
    functions = _run(UNSTAGED_SOURCE)
    assert float(functions["safe_abs"](-2.0)) == 2.0
    assert float(jax.grad(functions["safe_abs"])(-2.0)) == -1.0
    assert float(functions["clipped"](0.5)) == 0.5
    assert float(jax.grad(functions["clipped"])(0.5)) == 1.0
    assert float(functions["grad_loss"](2.0)) == 4.0
    assert float(functions["named_loss"](-2.0)) == 2.0
    assert _raises_on_tracer(lambda: functions["staged"](0.5))
    # The linter agrees: only the primal that the jitted function calls is flagged.
    assert _jl006_lines(UNSTAGED_SOURCE) == [21]


MODULE_SOURCE = """
import flax.linen as nn
import haiku as hk
import jax
import jax.numpy as jnp

class Gate(nn.Module):
    @nn.compact
    def __call__(self, x):
        if x > 0:
            return x
        return jnp.zeros_like(x)

def forward(x):
    if x > 0:
        return x
    return -x

net = hk.transform(forward)
"""


def test_flax_and_haiku_apply_run_python_on_the_callers_values() -> None:
    pytest.importorskip("flax")
    pytest.importorskip("haiku")
    functions = _run(MODULE_SOURCE)
    assert float(functions["Gate"]().apply({}, 2.0)) == 2.0
    assert float(functions["net"].apply({}, None, -2.0)) == 2.0
    assert _raises_on_tracer(lambda: jax.jit(functions["Gate"]().apply)({}, 2.0))
    assert _raises_on_tracer(lambda: jax.jit(functions["net"].apply)({}, None, 2.0))
    # Nothing in the file stages them: the linter says nothing.
    assert _jl006_lines(MODULE_SOURCE) == []


@pytest.mark.parametrize("keyword", [*jf.STATIC_ARGNUMS, *jf.STATIC_ARGNAMES])
def test_a_static_argument_keyword_is_one_of_jax(keyword: str) -> None:
    # jit's static_argnums, custom_vjp's nondiff_argnums, pmap's static_broadcasted_argnums.
    import inspect

    transforms = (jax.jit, jax.pmap, jax.custom_vjp, jax.custom_jvp)
    assert any(keyword in inspect.signature(t).parameters for t in transforms)


def test_pmap_keeps_a_static_broadcasted_argument_a_python_value() -> None:
    seen: list[object] = []

    def f(x, k):
        seen.append(k)
        return x * k

    jax.pmap(f, static_broadcasted_argnums=(1,))(jnp.ones((1, 2)), 3)
    assert seen == [3]


def test_a_shape_trace_of_a_callable_made_afresh_runs_its_python_every_call() -> None:
    """JL002 does not call a write in a method ``eval_shape`` traces "updated once" when
    each call hands over a new bound method or ``partial``: the trace is cached on the
    callable, so a new one is traced again, writes and all. The same function object
    handed over again is traced once."""
    import functools

    class Model:
        def __init__(self) -> None:
            self.traces = 0

        def init(self, x: Any, scale: float = 1.0) -> Any:
            self.traces += 1
            return x * scale

    model = Model()
    for _ in range(3):
        jax.eval_shape(functools.partial(model.init, scale=2.0), jnp.ones(3))
    assert model.traces == 3
    for _ in range(3):
        jax.eval_shape(model.init, jnp.ones(3))
    assert model.traces == 6
    kinds = {jf.TRANSFORMS[name].kind for name in ("jax.eval_shape",)}
    assert all(kind.trace_only for kind in kinds)
    once = functools.partial(model.init, scale=2.0)
    for _ in range(3):
        jax.eval_shape(once, jnp.ones(3))
    assert model.traces == 7


# ------------------------------------------- operators on arrays known at trace time

CONSTANT_SOURCE = """
import jax
import jax.numpy as jnp

Y = jnp.arange(3.0)

@jax.jit
def staged(x):
    if Y[0] <= 0:
        return x
    return -x

@jax.vmap
def mapped(x):
    if Y[0] <= 0:
        return x
    return -x

@jax.jit
def eager(x):
    with jax.ensure_compile_time_eval():
        if Y[0] <= 0:
            return x
    return -x
"""


@pytest.mark.parametrize(
    "operation",
    [
        lambda y: y <= 0,
        lambda y: y == 1,
        lambda y: y + 1,
        lambda y: 2.0 * y,
        lambda y: -y,
        lambda y: abs(y),
        lambda y: ~(y > 0),
        lambda y: y[0],
        lambda y: y[1:],
    ],
)
def test_an_operator_on_a_concrete_array_in_staged_code_yields_a_tracer(operation: Any) -> None:
    """A JAX array made before tracing (a module constant, a closed-over array) is
    concrete, but an operator or an index applied to it under jit is a JAX operation and
    gives a tracer (omnistaging); under vmap alone, or ensure_compile_time_eval, it runs
    eagerly."""
    y = jnp.arange(3.0)
    kinds: list[bool] = []

    def probe(x: Any) -> Any:
        kinds.append(isinstance(operation(y), jax.core.Tracer))
        return x

    jax.jit(probe)(1.0)
    jax.vmap(probe)(jnp.ones(2))
    with jax.ensure_compile_time_eval():
        jax.jit(probe)(2.0)
    assert kinds == [True, False, False]


def test_control_flow_on_an_operator_of_a_concrete_array_raises_only_where_staged() -> None:
    functions = _run(CONSTANT_SOURCE)
    assert _raises_on_tracer(lambda: functions["staged"](1.0))
    assert float(functions["mapped"](jnp.ones(2))[0]) == 1.0
    assert float(functions["eager"](1.0)) == 1.0
    # The linter agrees: only the staged test is flagged.
    assert _jl006_lines(CONSTANT_SOURCE) == [9]


# ------------------------------------------------ builtins that compare their items

COMPARING_SOURCE = """
import jax

@jax.jit
def largest(x, y):
    return max(x, 0.0) + min(x, y) + sorted([x, y])[0]

@jax.jit
def tested(x, y):
    return any([x > 0, y > 0]) + all((y > 0, True))

@jax.jit
def unreached(x, y):
    return any([True, x > 0]) + max([x]) + max(x.shape[0], 1) * y
"""


@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: max(x, y),
        lambda x, y: min(x, 0.0),
        lambda x, y: sorted([x, y]),
        lambda x, y: sorted((1.0, x)),
        lambda x, y: any([x > 0, True]),
        lambda x, y: all([y > 0]),
    ],
)
def test_comparing_builtins_ask_a_tracer_for_a_bool(call: Any) -> None:
    """max/min/sorted compare their items with `<`, any/all test their truth: on tracers
    under jit, TracerBoolConversionError; under grad alone the values are concrete."""
    assert {name.rpartition(".")[2] for name in jf.COMPARING_BUILTINS} == {"max", "min", "sorted"}
    assert {name.rpartition(".")[2] for name in jf.TRUTH_TESTING_BUILTINS} == {"any", "all"}
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(call)(1.0, 2.0)
    jax.grad(lambda x: jnp.sum(jnp.asarray(call(x, 2.0), dtype=float)))(1.0)


def test_the_linter_flags_the_comparing_builtins_that_raise() -> None:
    functions = _run(COMPARING_SOURCE)
    for name in ("largest", "tested"):
        with pytest.raises(jax.errors.TracerBoolConversionError):
            functions[name](1.0, 2.0)
    # A first item that decides any(), one item to compare, a static shape: no bool asked;
    # the others are flagged once a call.
    assert float(functions["unreached"](jnp.ones(2), 2.0)[0]) == 6.0
    assert _jl006_lines(COMPARING_SOURCE) == [6, 6, 6, 10, 10]  # one per call


# ------------------------------------------------------------- Pallas pytrees of refs

PYTREE_OF_REFS_SOURCE = """
import dataclasses
import functools
import jax
import jax.numpy as jnp
from jax.experimental import pallas as pl
from jax.experimental.pallas import tpu as pltpu

@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Meta:
    offsets: jax.Array  # annotated loosely: a ref in the kernel

seen = []

def fill(meta: Meta, n):
    seen.append(meta.offsets)
    meta.offsets[0] = n

def kernel(x_ref, meta_ref: Meta, o_ref, *, n):
    fill(meta_ref, n)
    o_ref[...] = x_ref[...] + meta_ref.offsets[0]

def scratch_kernel(x_ref, o_ref, meta_ref: Meta, *, n):
    fill(meta_ref, n)
    o_ref[...] = x_ref[...] + meta_ref.offsets[0]

OUT = jax.ShapeDtypeStruct((4,), jnp.float32)

def from_inputs(x):
    run = pl.pallas_call(functools.partial(kernel, n=2.0), out_shape=OUT, interpret=True)
    return run(x, Meta(offsets=jnp.zeros(2)))

def from_scratch(x):
    return pl.pallas_call(
        functools.partial(scratch_kernel, n=3.0),
        out_shape=OUT,
        scratch_shapes=[Meta(offsets=pltpu.SMEM((2,), jnp.float32))],
        interpret=True,
    )(x)
"""


def test_a_kernel_receives_a_pytree_of_refs_whose_fields_take_item_assignment() -> None:
    """An input or a scratch shape that is a registered dataclass reaches the kernel as
    that dataclass with refs for leaves, however they are annotated: item assignment on
    its fields writes the buffer (the model's KERNEL fact, for the parts of parameters),
    and the linter, told the same code, says nothing."""
    namespace = _run(PYTREE_OF_REFS_SOURCE)
    ones = jnp.ones(4, jnp.float32)
    assert namespace["from_inputs"](ones).tolist() == [3.0] * 4
    assert namespace["from_scratch"](ones).tolist() == [4.0] * 4
    seen = namespace["seen"]
    assert len(seen) == 2 and not any(isinstance(leaf, jax.Array) for leaf in seen)
    assert all(str(leaf.aval).startswith("Ref") for leaf in seen), seen
    result = lint_python_source(PYTREE_OF_REFS_SOURCE, "example.py", Settings(select=("ALL",)))
    assert result.errors == []
    assert [(f.code, f.line) for f in result.findings if f.code == "JL001"] == []


def test_a_sample_site_draws_a_tracer_where_staged_and_gives_back_an_observation() -> None:
    """SAMPLE_SITE_CALLS: under jit a draw is a tracer; given `obs=`, the observation
    comes back as it was given, a NumPy array included."""
    numpyro = pytest.importorskip("numpyro")
    from numpyro import distributions, handlers

    assert jf.SAMPLE_SITE_CALLS == {"numpyro.sample"} and jf.SAMPLE_SITE_OBSERVED == "obs"
    seen: dict[str, Any] = {}
    observation = np.ones(2)

    def model() -> None:
        seen["draw"] = numpyro.sample("a", distributions.Normal(0.0, 1.0))
        seen["observed"] = numpyro.sample("b", distributions.Normal(0.0, 1.0), obs=observation)

    jax.jit(lambda key: handlers.seed(model, key)() or 0)(jax.random.key(0))
    assert isinstance(seen["draw"], jax.core.Tracer)
    assert seen["observed"] is observation


def test_functions_a_transformation_runs_in_place_are_staged_under_jit() -> None:
    """A function handed to a transformation whose result is called where it is made
    (`jax.vmap(g)(x)`, `handlers.seed(model, key)(x)`) runs inside the enclosing trace:
    a JAX operation on constants in it gives a tracer."""
    seen: list[bool] = []

    def g(x: Any) -> Any:
        seen.append(not _concrete(jnp.sum(jnp.ones(2))))
        return x

    jax.vmap(g)(jnp.ones(2))
    jax.jit(lambda x: jax.vmap(g)(x))(jnp.ones(2))
    assert seen == [False, True]


@pytest.mark.parametrize("name", ["numpyro.infer.NUTS", "numpyro.infer.HMC"])
def test_an_mcmc_kernel_gives_the_model_its_arguments_as_given(name: str) -> None:
    """PROGRAM: a NumPy array given to `MCMC.run` reaches the model as that NumPy array
    (classic NumPy on it works), while its sample sites are tracers."""
    numpyro = pytest.importorskip("numpyro")
    from numpyro import distributions
    from numpyro.infer import MCMC

    seen: list[tuple[bool, bool]] = []

    def model(counts: Any) -> None:
        a = numpyro.sample("a", distributions.Normal(0.0, 1.0))
        seen.append((isinstance(counts, np.ndarray), isinstance(a, jax.core.Tracer)))
        numpyro.sample("y", distributions.Normal(a, 1.0), obs=counts * 1.0)

    counts = np.array([0, 1, 1, 2])
    MCMC(_resolve(name)(model), num_warmup=2, num_samples=2, progress_bar=False).run(
        jax.random.key(0), counts
    )
    assert all(given for given, _ in seen) and any(traced for _, traced in seen)


#: A donating jit (``f``, doubling) called inside each staging transformation's trace,
#: reading its argument again after the call; and what that computes from ones.
_DONATE_INSIDE: dict[str, tuple[Any, float]] = {
    "jit": (lambda f: jax.jit(lambda x: x + f(x))(jnp.ones(3)), 3.0),
    "scan": (
        lambda f: jax.lax.scan(lambda c, _: (c + f(c), None), jnp.ones(3), None, length=2)[0],
        9.0,
    ),
    "cond": (lambda f: jax.lax.cond(True, lambda x: x + f(x), lambda x: x, jnp.ones(3)), 3.0),
    "fori_loop": (lambda f: jax.lax.fori_loop(0, 2, lambda i, x: x + f(x), jnp.ones(3)), 9.0),
}


@pytest.mark.parametrize("staging", sorted(_DONATE_INSIDE))
def test_a_donating_jit_donates_only_at_top_level(staging: str) -> None:
    """JL015 claims a donated buffer is deleted: true of a top-level call, while a call
    staged into an outer trace is inlined into its jaxpr and donates nothing, so reading
    the argument again works; the linter says so of the same code."""
    double = jax.jit(lambda x: x * 2.0, donate_argnums=0)
    x = jnp.ones(3)
    double(x)
    assert x.is_deleted()
    run, expected = _DONATE_INSIDE[staging]
    assert run(double).tolist() == [expected] * 3  # the argument was read after the call
    source = textwrap.dedent("""
        import jax
        import jax.numpy as jnp
        double = jax.jit(lambda x: x * 2.0, donate_argnums=0)
        def body(c, _):
            y = double(c)
            return c + y, None
        out = jax.lax.scan(body, jnp.ones(3), None, length=2)
        def eager(x):
            y = double(x)
            return x + y
        """)
    found = lint_python_source(source, "example.py", Settings(select=("JL015",))).findings
    assert [(f.code, f.line) for f in found] == [("JL015", 11)]


def test_only_reverse_mode_multiplies_the_untaken_branch_of_where() -> None:
    """JL017 claims NaN gradients from `where(r > 0, 1 / r, 0)` at 0: true of reverse
    mode (GRAD), whose backward pass multiplies the untaken branch's infinite derivative
    by zero; forward mode (every JVP entry) selects the taken branch's tangent and gives
    0. The linter reports the first and not the second."""
    guarded = lambda r: jnp.where(r > 0, 1.0 / r, 0.0)  # noqa: E731
    forward = {name for name, t in jf.TRANSFORMS.items() if t.kind is jf.TransformKind.JVP}
    assert {"jax.jacfwd", "jax.jvp", "jax.linearize"} <= forward
    runs = {
        "jax.jacfwd": lambda: jax.jacfwd(guarded)(0.0),
        "jax.jvp": lambda: jax.jvp(guarded, (0.0,), (1.0,))[1],
        "jax.linearize": lambda: jax.linearize(guarded, 0.0)[1](1.0),
        "equinox.filter_jvp": lambda: _resolve("equinox.filter_jvp")(guarded, (0.0,), (1.0,))[1],
    }
    assert runs.keys() == forward
    for name in sorted(forward):
        if importlib.util.find_spec(name.split(".")[0]) is None:
            continue  # equinox not installed: its entry is checked where it is
        assert float(runs[name]()) == 0.0, name
    assert bool(jnp.isnan(jax.grad(guarded)(0.0)))
    assert bool(jnp.isnan(jax.jacrev(guarded)(0.0)))
    source = textwrap.dedent("""
        import jax
        import jax.numpy as jnp
        def inverse(r):
            return jnp.where(r > 0, 1.0 / r, 0.0)
        def inverse_fwd(r):
            return jnp.where(r > 0, 1.0 / r, 0.0)
        slope = jax.grad(inverse)
        tangent = jax.jacfwd(inverse_fwd)
        """)
    found = lint_python_source(source, "example.py", Settings(select=("JL017",))).findings
    assert [(f.code, f.line) for f in found] == [("JL017", 5)]


def test_linearize_is_forward_mode_until_its_linear_function_is_transposed() -> None:
    """``jax.linearize`` is a JVP entry: the function it returns pushes tangents forward,
    and the untaken branch of ``where`` gives no NaN there (inside ``jit`` too). Only
    transposing that function (``jax.linear_transpose``, which ``vjp`` does in one step)
    multiplies the untaken branch's infinite derivative by zero. ``linear_transpose``
    takes the linear function, not the primal: JL017 stays silent on what ``linearize``
    is given (a miss where the result is transposed, never a false alarm)."""
    guarded = lambda r: jnp.where(r > 0, 1.0 / r, 0.0)  # noqa: E731
    _, pushed = jax.linearize(guarded, 0.0)
    assert float(pushed(1.0)) == 0.0
    assert float(jax.jit(lambda r: jax.linearize(guarded, r)[1](1.0))(0.0)) == 0.0
    (pulled,) = jax.linear_transpose(pushed, 1.0)(1.0)
    assert bool(jnp.isnan(pulled))
    (reverse,) = jax.vjp(guarded, 0.0)[1](1.0)
    assert bool(jnp.isnan(reverse))
    assert jf.TRANSFORMS["jax.linearize"].kind is jf.TransformKind.JVP
    assert jf.TRANSFORMS["jax.vjp"].kind is jf.TransformKind.GRAD
    assert "jax.linear_transpose" not in jf.TRANSFORMS
    source = textwrap.dedent("""
        import jax
        import jax.numpy as jnp
        def inverse(r):
            return jnp.where(r > 0, 1.0 / r, 0.0)
        def inverse_rev(r):
            return jnp.where(r > 0, 1.0 / r, 0.0)
        primal, pushed = jax.linearize(inverse, 0.0)
        primal, pulled = jax.vjp(inverse_rev, 0.0)
        """)
    found = lint_python_source(source, "example.py", Settings(select=("JL017",))).findings
    assert [(f.code, f.line) for f in found] == [("JL017", 7)]
