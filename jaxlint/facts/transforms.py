"""How JAX transformations trace the functions they are given: the kinds of tracing,
each transformation's table entry, and the options and registrations that decide which
functions and parameters are traced. Re-exported by :mod:`jaxlint.facts.jaxfacts`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class TransformKind(enum.Enum):
    """What a transformation does to the Python function it is given.

    Its properties say what ``tests/test_transform_facts.py`` observes by calling every
    table entry below with the installed libraries, at top level (no enclosing ``jit``):
    whether the function's arguments arrive as tracers without a concrete value, and
    whether a JAX operation on constants in it gives one. Under an enclosing staging
    transformation everything is staged; the tracing model propagates that through calls.
    """

    JIT = "jit"  # stage out once, compile, cache (jit, pmap, checkify, filter_jit)
    VMAP = "vmap"  # batch: arguments are batch tracers; constants stay concrete
    GRAD = "grad"  # Python runs on every call, with JVP tracers (grad, jacrev, vjp, ...)
    #: forward mode only (jacfwd, jvp, linearize): as GRAD, but nothing is transposed, so
    #: a ``where`` selects the taken branch's tangent and never multiplies an untaken one
    JVP = "jvp"
    SHAPE = "shape"  # traced once for shapes or a jaxpr, never run (eval_shape, make_jaxpr)
    LOOP = "loop"  # a lax control-flow body (scan, fori_loop, cond, ...)
    CHECKPOINT = "checkpoint"  # remat / checkpoint
    CUSTOM = "custom"  # custom_jvp / custom_vjp primal: called as is, on the caller's values
    MODULE = "module"  # a flax linen module method, a haiku transformed function: applied eagerly
    #: a Pallas kernel: parameters are mutable refs, or pytrees of them (a registered
    #: dataclass of inputs or scratch shapes arrives with refs for leaves, whatever its
    #: fields' annotations say), as are the parts a helper of the kernel is passed
    KERNEL = "kernel"
    USER = "user"  # a configured `traced-decorators` wrapper
    CUSTOM_RULE = "custom_rule"  # a jvp/vjp rule registered with .defjvp/.defvjp
    EAGER = "eager"  # runs on the caller's values (named_call, shard_map, associative_scan)
    EXTERNAL = "external"  # traced from another module of the project
    #: a probabilistic program run by an inference algorithm (numpyro's NUTS, HMC): staged
    #: under the sampler's own jit, its sample sites tracers, its arguments as given
    PROGRAM = "program"

    @property
    def traces_arguments(self) -> bool:
        """The function's non-static arguments are tracers with no concrete value: Python
        control flow on them raises. Not GRAD (its JVP tracers hold concrete values), nor
        the kinds that pass the caller's values through (CUSTOM, MODULE, EAGER); not
        CUSTOM_RULE (a rule gets what its primal got, nondiff arguments in positions its
        registration does not tell), nor KERNEL (mutable refs)."""
        return self in _TRACING_KINDS

    @property
    def stages_constants(self) -> bool:
        """A JAX operation in the function gives a tracer even on constants
        (``jnp.sum(jnp.ones(2))``): the function is staged out into a jaxpr. Not VMAP:
        batching only touches values that depend on the batched arguments."""
        return self in _STAGING_KINDS

    @property
    def stages_python(self) -> bool:
        """Python control flow on the function's traced values raises: its arguments are
        tracers, or it is staged out. The kinds that do neither (grad, custom_jvp/vjp
        primals and rules, flax and haiku apply, named_call) make such control flow an
        error only where a staging transformation encloses them."""
        return self.traces_arguments or self.stages_constants

    @property
    def trace_only(self) -> bool:
        """Only traced (for shapes or a jaxpr), never run: trace time is the only time."""
        return self is TransformKind.SHAPE

    @property
    def passes_arrays(self) -> bool:
        """The function's non-static arguments are arrays (or pytrees of them)."""
        return self in _TRACING_KINDS


_TRACING_KINDS = frozenset(
    {
        TransformKind.JIT,
        TransformKind.VMAP,
        TransformKind.SHAPE,
        TransformKind.LOOP,
        TransformKind.CHECKPOINT,
        TransformKind.USER,
    }
)
#: EXTERNAL: traced from a module where a staging transformation roots the trace.
_STAGING_KINDS = (_TRACING_KINDS - {TransformKind.VMAP}) | {
    TransformKind.KERNEL,
    TransformKind.EXTERNAL,
    TransformKind.PROGRAM,
}


@dataclass(frozen=True)
class Transform:
    """A JAX transformation: which kind of tracing it applies and where its functions go."""

    kind: TransformKind
    function_args: tuple[int, ...] = (0,)  # positional indices that take a function
    function_keywords: tuple[str, ...] = ("fun", "f")
    compiles: bool = False  # builds a compiled, cached callable (for jit-in-loop)
    #: traces only the array leaves of the arguments; the rest is static (equinox)
    array_leaves_only: bool = False


_F = Transform
TRANSFORMS: dict[str, Transform] = {
    "jax.jit": _F(TransformKind.JIT, compiles=True),
    "jax.pmap": _F(TransformKind.JIT, compiles=True),
    "jax.pjit": _F(TransformKind.JIT, compiles=True),
    "jax.vmap": _F(TransformKind.VMAP),
    "jax.shard_map": _F(TransformKind.EAGER),
    "jax.grad": _F(TransformKind.GRAD),
    "jax.value_and_grad": _F(TransformKind.GRAD),
    "jax.jacfwd": _F(TransformKind.JVP),
    "jax.jacrev": _F(TransformKind.GRAD),
    "jax.jacobian": _F(TransformKind.GRAD),
    "jax.hessian": _F(TransformKind.GRAD),
    "jax.jvp": _F(TransformKind.JVP),
    "jax.vjp": _F(TransformKind.GRAD),
    "jax.linearize": _F(TransformKind.JVP),
    "jax.checkpoint": _F(TransformKind.CHECKPOINT),
    "jax.remat": _F(TransformKind.CHECKPOINT),
    "jax.named_call": _F(TransformKind.EAGER),
    "jax.custom_jvp": _F(TransformKind.CUSTOM),
    "jax.custom_vjp": _F(TransformKind.CUSTOM),
    "jax.custom_gradient": _F(TransformKind.CUSTOM),
    "jax.eval_shape": _F(TransformKind.SHAPE),
    "jax.make_jaxpr": _F(TransformKind.SHAPE),
    "jax.xla_computation": _F(TransformKind.SHAPE),
    "jax.lax.scan": _F(TransformKind.LOOP, (0,), ("f",)),
    "jax.lax.fori_loop": _F(TransformKind.LOOP, (2,), ("body_fun",)),
    "jax.lax.while_loop": _F(TransformKind.LOOP, (0, 1), ("cond_fun", "body_fun")),
    "jax.lax.cond": _F(TransformKind.LOOP, (1, 2), ("true_fun", "false_fun")),
    "jax.lax.switch": _F(TransformKind.LOOP, (1,), ("branches",)),
    "jax.lax.map": _F(TransformKind.LOOP, (0,), ("f",)),
    # associative_scan calls fn eagerly on slices of its concrete inputs: no staging.
    "jax.lax.associative_scan": _F(TransformKind.EAGER, (0,), ("fn",)),
    "jax.lax.custom_root": _F(TransformKind.LOOP, (1, 2, 3), ()),
    "jax.lax.custom_linear_solve": _F(TransformKind.LOOP, (0, 2, 3), ()),
    "jax.checkify.checkify": _F(TransformKind.JIT),
    "jax.experimental.checkify.checkify": _F(TransformKind.JIT),
    "jax.experimental.pallas.pallas_call": _F(TransformKind.KERNEL, (0,), ("kernel",)),
    "jax.experimental.pallas.core_map": _F(TransformKind.KERNEL, (0,), ()),
    "jax.experimental.pallas.kernel": _F(TransformKind.KERNEL, (0,), ("body",)),
    "jax.experimental.pallas.run_scoped": _F(TransformKind.KERNEL, (0,), ()),
    "jax.experimental.pallas.emit_pipeline": _F(TransformKind.KERNEL, (0,), ("body",)),
    "equinox.filter_jit": _F(TransformKind.JIT, compiles=True, array_leaves_only=True),
    "equinox.filter_pmap": _F(TransformKind.JIT, compiles=True, array_leaves_only=True),
    "equinox.filter_vmap": _F(TransformKind.VMAP, array_leaves_only=True),
    "equinox.filter_grad": _F(TransformKind.GRAD, array_leaves_only=True),
    "equinox.filter_value_and_grad": _F(TransformKind.GRAD, array_leaves_only=True),
    "equinox.filter_jvp": _F(TransformKind.JVP, array_leaves_only=True),
    "equinox.filter_vjp": _F(TransformKind.GRAD, array_leaves_only=True),
    "equinox.filter_checkpoint": _F(TransformKind.CHECKPOINT, array_leaves_only=True),
    "equinox.filter_custom_jvp": _F(TransformKind.CUSTOM, array_leaves_only=True),
    "equinox.filter_custom_vjp": _F(TransformKind.CUSTOM, array_leaves_only=True),
    "equinox.filter_eval_shape": _F(TransformKind.SHAPE, array_leaves_only=True),
    "equinox.filter_make_jaxpr": _F(TransformKind.SHAPE, array_leaves_only=True),
    "flax.linen.jit": _F(TransformKind.JIT, compiles=True),
    "flax.linen.vmap": _F(TransformKind.VMAP),
    "flax.linen.scan": _F(TransformKind.LOOP),
    "flax.linen.remat": _F(TransformKind.CHECKPOINT),
    "flax.linen.checkpoint": _F(TransformKind.CHECKPOINT),
    "flax.linen.compact": _F(TransformKind.MODULE),
    # Flax NNX lifts the jax transformations over modules: the same tracing, the same traps.
    "flax.nnx.jit": _F(TransformKind.JIT, compiles=True),
    "flax.nnx.pmap": _F(TransformKind.JIT, compiles=True),
    "flax.nnx.vmap": _F(TransformKind.VMAP),
    "flax.nnx.shard_map": _F(TransformKind.EAGER),
    "flax.nnx.grad": _F(TransformKind.GRAD),
    "flax.nnx.value_and_grad": _F(TransformKind.GRAD),
    "flax.nnx.remat": _F(TransformKind.CHECKPOINT),
    "flax.nnx.scan": _F(TransformKind.LOOP, (0,), ("f",)),
    "flax.nnx.fori_loop": _F(TransformKind.LOOP, (2,), ("body_fun",)),
    "flax.nnx.while_loop": _F(TransformKind.LOOP, (0, 1), ("cond_fun", "body_fun")),
    "flax.nnx.cond": _F(TransformKind.LOOP, (1, 2), ("true_fun", "false_fun")),
    "flax.nnx.switch": _F(TransformKind.LOOP, (1,), ("branches",)),
    "flax.nnx.eval_shape": _F(TransformKind.SHAPE),
    "flax.nnx.custom_vjp": _F(TransformKind.CUSTOM),
    # Haiku: a transformed function runs like a flax module method; hk.* control flow and
    # vmap/remat are the jax ones, inside it.
    "haiku.transform": _F(TransformKind.MODULE),
    "haiku.transform_with_state": _F(TransformKind.MODULE),
    "haiku.vmap": _F(TransformKind.VMAP),
    "haiku.remat": _F(TransformKind.CHECKPOINT),
    "haiku.scan": _F(TransformKind.LOOP, (0,), ("f",)),
    "haiku.fori_loop": _F(TransformKind.LOOP, (2,), ("body_fun",)),
    "haiku.while_loop": _F(TransformKind.LOOP, (0, 1), ("cond_fun", "body_fun")),
    "haiku.cond": _F(TransformKind.LOOP, (1, 2), ("true_fun", "false_fun")),
    "haiku.switch": _F(TransformKind.LOOP, (1,), ("branches",)),
    "haiku.map": _F(TransformKind.LOOP, (0,), ("mapped_fun",)),
    # NumPyro: MCMC kernels stage the model under the sampler's own jit (its sample sites
    # are tracers, its arguments what `run` was given: a NumPy array stays one); effect
    # handlers call the model they wrap on the caller's values.
    "numpyro.infer.NUTS": _F(TransformKind.PROGRAM, (0,), ("model",)),
    "numpyro.infer.HMC": _F(TransformKind.PROGRAM, (0,), ("model",)),
    "numpyro.handlers.seed": _F(TransformKind.EAGER, (0,), ("fn",)),
    "numpyro.handlers.trace": _F(TransformKind.EAGER, (0,), ("fn",)),
    "numpyro.handlers.substitute": _F(TransformKind.EAGER, (0,), ("fn",)),
    "numpyro.handlers.condition": _F(TransformKind.EAGER, (0,), ("fn",)),
}

#: Decorators that memoize a function (``functools.lru_cache``, ``functools.cache``, and
#: project helpers named so: ``util.cache``, ``memoize``): its body runs once per process
#: and argument set, so what it does when first called from traced code is setup, meant to
#: happen once, and the functions only it calls are not traced code.
MEMOIZING_NAMES = frozenset(
    {"cache", "lru_cache", "memoize", "memoized", "cached", "weakref_lru_cache"}
)


def memoizing(name: str | None) -> bool:
    return name is not None and name.rsplit(".", 1)[-1] in MEMOIZING_NAMES


#: Context managers under which JAX operations on concrete inputs run eagerly, even
#: inside staged code: ``with jax.ensure_compile_time_eval(): n = jnp.sum(...)`` gives a
#: concrete array (an operation on a tracer still gives a tracer).
EAGER_CONTEXTS = frozenset({"jax.ensure_compile_time_eval", "jax.core.ensure_compile_time_eval"})

#: Functions handed to these run on the host with concrete values: never traced.
HOST_CALLBACKS = frozenset(
    {
        "jax.debug.callback",
        "jax.pure_callback",
        "jax.experimental.io_callback",
        "jax.experimental.host_callback.id_tap",
        "jax.experimental.host_callback.call",
        "jax.experimental.pure_callback",
        "jax.io_callback",
    }
)

#: ``f.defjvp(g)``-style registrations: the functions passed are traced rules.
#: Calls that apply a function to the leaves of pytrees, with how many leading arguments
#: of that function are not leaves (``tree_map_with_path`` passes the key path first):
#: ``tree_map(f, a, b)`` calls ``f(leaf_of_a, leaf_of_b)``.
TREE_MAP_CALLS: dict[str, int] = {
    "jax.tree_util.tree_map": 0,
    "jax.tree.map": 0,
    "jax.tree_map": 0,
    "jax.tree_util.tree_map_with_path": 1,
    "jax.tree.map_with_path": 1,
}
CUSTOM_RULE_METHODS = frozenset({"defjvp", "defvjp", "defjvps", "def_fwd", "def_bwd"})

#: Keyword arguments of jit-like transformations that make parameters static.
STATIC_ARGNUMS = ("static_argnums", "nondiff_argnums", "static_broadcasted_argnums")
STATIC_ARGNAMES = ("static_argnames", "nondiff_argnames")

#: Base classes whose ``__call__``/``setup`` and ``@compact`` methods are traced (flax linen).
TRACED_MODULE_BASES = frozenset({"flax.linen.Module"})
TRACED_MODULE_METHODS = frozenset({"__call__", "setup"})


class Application(enum.Enum):
    """How a transformation calls the function it is given, as seen from a call of it:
    which of that call's arguments reach the function as tracers."""

    #: ``T(f)(*args, **kwargs)``, ``T`` given no options: ``f`` gets every argument as
    #: given, each (each leaf) a tracer, Python numbers included.
    WRAPPED = "wrapped"
    #: ``T(f, axis, arr, *args, **kwargs)``: ``f`` gets a traced slice of ``arr``, then
    #: ``args`` and ``kwargs`` as given, concrete.
    SLICES = "slices"


#: Transformations that call a function on tracers, and how (JL011 reads it for a
#: library function given by name: ``jax.jit(jnp.unique)(x)``,
#: ``jnp.apply_along_axis(jnp.where, 1, x)``).
APPLIED_ON_TRACERS: dict[str, Application] = {
    "jax.jit": Application.WRAPPED,
    "jax.pmap": Application.WRAPPED,
    "jax.vmap": Application.WRAPPED,
    "jax.numpy.apply_along_axis": Application.SLICES,
}

#: Differentiating transformations whose ``argnums`` (default 0: the first positional
#: argument) says which arguments arrive as JVP tracers; the others are the caller's values.
DIFFERENTIATING_ARGNUMS = frozenset(
    {"jax.grad", "jax.value_and_grad", "jax.jacfwd", "jax.jacrev", "jax.jacobian", "jax.hessian"}
)

#: Transformations that take ``*_argnums``/``*_argnames`` options for their arguments.
JIT_TRANSFORMS = frozenset({"jax.jit", "jax.pmap"})
