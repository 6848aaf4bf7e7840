"""Facts about the JAX ecosystem that the semantic model relies on.

Everything here is keyed by canonical dotted names (``jax.numpy.zeros``), after
import aliases have been resolved. Keep this module data-only.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

#: Top-level packages whose import marks a file as JAX code worth modelling.
JAX_ECOSYSTEM = ("jax", "jaxlib", "flax", "equinox", "optax", "haiku", "chex", "jaxtyping", "orbax")

#: Private jax modules that re-export the public API under another name.
CANONICAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("jax._src.numpy.lax_numpy.", "jax.numpy."),
    ("jax._src.numpy.", "jax.numpy."),
    ("jax._src.lax.lax.", "jax.lax."),
    ("jax._src.lax.control_flow.", "jax.lax."),
    ("jax._src.lax.slicing.", "jax.lax."),
    ("jax._src.lax.convolution.", "jax.lax."),
    ("jax._src.lax.parallel.", "jax.lax."),
    ("jax._src.lax.special.", "jax.lax."),
    ("jax._src.lax.windowed_reductions.", "jax.lax."),
    ("jax._src.lax.linalg.", "jax.lax.linalg."),
    ("jax._src.random.", "jax.random."),
    ("jax._src.nn.functions.", "jax.nn."),
    ("jax._src.api.", "jax."),
    ("jax._src.pjit.", "jax."),
    ("jax._src.ad_checkpoint.", "jax."),
    ("jax._src.custom_derivatives.", "jax."),
    ("jax.experimental.pjit.pjit", "jax.jit"),
    ("jax.ad_checkpoint.", "jax."),
    ("jax.experimental.shard_map.", "jax."),
    ("jax.experimental.pallas.tpu.", "jax.experimental.pallas."),
    ("jax.experimental.pallas.mosaic_gpu.", "jax.experimental.pallas."),
    ("jax.experimental.pallas.triton.", "jax.experimental.pallas."),
    ("flax.linen.module.", "flax.linen."),
    ("flax.linen.transforms.", "flax.linen."),
    ("equinox._jit.", "equinox."),
    ("equinox._ad.", "equinox."),
    ("equinox._vmap_pmap.", "equinox."),
    ("equinox._module.", "equinox."),
)


@functools.lru_cache(maxsize=65536)
def canonical(name: str) -> str:
    """Map a private or re-exported JAX path to its public spelling.

    A module alias maps too: ``from jax._src.lax import lax`` binds ``jax.lax``.
    """
    for prefix, public in CANONICAL_PREFIXES:
        stem = prefix.rstrip(".")
        if name == stem:
            return public.rstrip(".")
        if prefix.endswith(".") and name.startswith(prefix):
            return public + name[len(prefix) :]
    return name


class TransformKind(enum.Enum):
    """What a transformation does to the Python function it is given."""

    JIT = "jit"  # stage out once, compile, cache (jit, pmap, checkify, filter_jit)
    VMAP = "vmap"  # stage out once per call shape, batched
    GRAD = "grad"  # Python runs on every call, with JVP tracers (grad, jacfwd, vjp, ...)
    SHAPE = "shape"  # traced once for shapes or a jaxpr, never run (eval_shape, make_jaxpr)
    LOOP = "loop"  # a lax control-flow body (scan, fori_loop, cond, ...)
    CHECKPOINT = "checkpoint"  # remat / checkpoint
    CUSTOM = "custom"  # custom_jvp / custom_vjp primal
    MODULE = "module"  # a flax linen module method (__call__, setup, @compact)
    KERNEL = "kernel"  # a Pallas kernel: parameters are mutable refs
    USER = "user"  # a configured `traced-decorators` wrapper
    CUSTOM_RULE = "custom_rule"  # a jvp/vjp rule registered with .defjvp/.defvjp
    EXTERNAL = "external"  # traced from another module of the project

    @property
    def stages_python(self) -> bool:
        """Python runs once, at trace time, on tracers (everything but `grad`, which
        runs Python on every call with concrete values)."""
        return self is not TransformKind.GRAD

    @property
    def trace_only(self) -> bool:
        """Only traced (for shapes or a jaxpr), never run: trace time is the only time."""
        return self is TransformKind.SHAPE

    @property
    def traces_arguments(self) -> bool:
        """The function's non-static arguments are tracers. Not CUSTOM_RULE: a jvp/vjp
        rule also receives the primal's nondiff arguments, in positions its registration
        does not tell; not GRAD: its tracers hold concrete values."""
        return self in _TRACING_KINDS

    @property
    def passes_arrays(self) -> bool:
        """The function's non-static arguments are arrays (or pytrees of them)."""
        return self in _TRACING_KINDS or self is TransformKind.MODULE


_TRACING_KINDS = frozenset(
    {
        TransformKind.JIT,
        TransformKind.VMAP,
        TransformKind.SHAPE,
        TransformKind.LOOP,
        TransformKind.CHECKPOINT,
        TransformKind.CUSTOM,
        TransformKind.USER,
    }
)


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
    "jax.shard_map": _F(TransformKind.VMAP),
    "jax.grad": _F(TransformKind.GRAD),
    "jax.value_and_grad": _F(TransformKind.GRAD),
    "jax.jacfwd": _F(TransformKind.GRAD),
    "jax.jacrev": _F(TransformKind.GRAD),
    "jax.jacobian": _F(TransformKind.GRAD),
    "jax.hessian": _F(TransformKind.GRAD),
    "jax.jvp": _F(TransformKind.GRAD),
    "jax.vjp": _F(TransformKind.GRAD),
    "jax.linearize": _F(TransformKind.GRAD),
    "jax.checkpoint": _F(TransformKind.CHECKPOINT),
    "jax.remat": _F(TransformKind.CHECKPOINT),
    "jax.named_call": _F(TransformKind.CHECKPOINT),
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
    "jax.lax.associative_scan": _F(TransformKind.LOOP, (0,), ("fn",)),
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
    "equinox.filter_jvp": _F(TransformKind.GRAD, array_leaves_only=True),
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
    "flax.nnx.shard_map": _F(TransformKind.VMAP),
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


#: Annotations that mean a Python container: its truth is its emptiness, static even
#: when it holds tracers.
CONTAINER_ANNOTATIONS = frozenset(
    {
        "builtins.list",
        "builtins.tuple",
        "builtins.dict",
        "builtins.set",
        "builtins.frozenset",
        "typing.List",
        "typing.Tuple",
        "typing.Dict",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Sequence",
        "typing.MutableSequence",
        "typing.Mapping",
        "typing.MutableMapping",
        "collections.abc.Sequence",
        "collections.abc.MutableSequence",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
    }
)
NAMED_TUPLE_BASES = frozenset({"typing.NamedTuple"})

#: Annotations of Python values that a filtering transformation (equinox's ``filter_jit``)
#: keeps static: only array leaves are traced.
STATIC_UNDER_FILTERING_ANNOTATIONS = frozenset(
    {
        "builtins.bool",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "typing.Literal",
        "typing.Callable",
        "collections.abc.Callable",
    }
)

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
STATIC_ARGNUMS = ("static_argnums", "nondiff_argnums")
STATIC_ARGNAMES = ("static_argnames", "nondiff_argnames")

#: Base classes whose ``__call__``/``setup`` and ``@compact`` methods are traced (flax linen).
TRACED_MODULE_BASES = frozenset({"flax.linen.Module"})
TRACED_MODULE_METHODS = frozenset({"__call__", "setup"})

#: Base classes of frozen pytree classes: assigning ``self.attr`` outside ``__init__`` fails.
FROZEN_BASES = frozenset(
    {
        "flax.linen.Module",
        "equinox.Module",
        "flax.struct.PyTreeNode",
        "typing.NamedTuple",
        "chex.dataclass",
    }
)

#: Type annotations that mean "a JAX array".
ARRAY_ANNOTATIONS = frozenset(
    {
        "jax.Array",
        "jax.numpy.ndarray",
        "jax.numpy.DeviceArray",
        "jax.typing.ArrayLike",
        "jaxtyping.Array",
        "chex.Array",
        "chex.ArrayDevice",
    }
)
#: jaxtyping dtype markers: ``Float[Array, "b n"]`` is a JAX array when its first item is.
JAXTYPING_MODULE = "jaxtyping"

#: Annotations that mean "not a JAX array" (a plain Python value, a container, NumPy).
NON_ARRAY_ANNOTATIONS = frozenset(
    {
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.str",
        "builtins.bytes",
        "builtins.list",
        "builtins.dict",
        "builtins.tuple",
        "builtins.set",
        "typing.List",
        "typing.Dict",
        "typing.Tuple",
        "typing.Sequence",
        "typing.Mapping",
        "typing.Callable",
        "typing.Any",
        "numpy.ndarray",
        "collections.abc.Callable",
        "collections.abc.Sequence",
        "collections.abc.Mapping",
    }
)

#: Namespaces whose calls return JAX arrays, minus the exceptions below.
ARRAY_NAMESPACES = ("jax.numpy.", "jax.random.", "jax.nn.", "jax.lax.", "jax.scipy.")
#: Where PRNG keys are made, split and consumed.
RANDOM_NAMESPACE = "jax.random."

#: Shape, dtype and type queries, in jax.numpy and NumPy alike: they return static
#: metadata (never an array, never a tracer), even when given a traced array.
_METADATA_FUNCTIONS = (
    "broadcast_shapes",
    "shape",
    "ndim",
    "size",
    "dtype",
    "result_type",
    "iinfo",
    "finfo",
    "issubdtype",
    "isdtype",
    "can_cast",
    "promote_types",
    "isscalar",
    "iscomplexobj",
    "isrealobj",
)
ARRAY_METADATA_CALLS = frozenset(
    f"{namespace}.{name}" for namespace in ("jax.numpy", "numpy") for name in _METADATA_FUNCTIONS
) | {"jax.lax.broadcast_shapes"}

#: Calls that return a tuple or list whose every part is a JAX array: unpacking one
#: (``a, b = jnp.split(x, 2)``) binds arrays.
ARRAY_SEQUENCE_CALLS = frozenset(
    {
        "jax.numpy.split",
        "jax.numpy.array_split",
        "jax.numpy.hsplit",
        "jax.numpy.vsplit",
        "jax.numpy.dsplit",
        "jax.numpy.meshgrid",
        "jax.numpy.nonzero",
        "jax.numpy.unique",
        "jax.numpy.histogram",
        "jax.numpy.histogram2d",
        "jax.numpy.histogramdd",
        "jax.numpy.divmod",
        "jax.numpy.frexp",
        "jax.numpy.modf",
        "jax.numpy.broadcast_arrays",
        "jax.numpy.tril_indices",
        "jax.numpy.triu_indices",
        "jax.numpy.diag_indices",
        "jax.numpy.unravel_index",
        "jax.numpy.ix_",
        "jax.numpy.linalg.eig",
        "jax.numpy.linalg.eigh",
        "jax.numpy.linalg.svd",
        "jax.numpy.linalg.qr",
        "jax.numpy.linalg.slogdet",
        "jax.numpy.linalg.lstsq",
        "jax.lax.sort_key_val",
        "jax.lax.top_k",
        "jax.lax.linalg.eigh",
        "jax.lax.linalg.qr",
        "jax.lax.linalg.svd",
        "jax.lax.linalg.lu",
    }
)

#: Calls in those namespaces that return something other than one array.
NON_ARRAY_CALLS = (
    ARRAY_METADATA_CALLS
    | ARRAY_SEQUENCE_CALLS
    | frozenset(
        {
            # printing and saving
            "jax.numpy.printoptions",
            "jax.numpy.set_printoptions",
            "jax.numpy.get_printoptions",
            "jax.numpy.save",
            "jax.numpy.savez",
            # pytree-polymorphic lax operations and control flow
            "jax.lax.scan",
            "jax.lax.fori_loop",
            "jax.lax.while_loop",
            "jax.lax.cond",
            "jax.lax.switch",
            "jax.lax.map",
            "jax.lax.associative_scan",
            "jax.lax.reduce",
            "jax.lax.sort",
            "jax.lax.stop_gradient",
            "jax.lax.optimization_barrier",
            "jax.lax.psum",
            "jax.lax.pmean",
            "jax.lax.pmax",
            "jax.lax.pmin",
            "jax.lax.all_gather",
            "jax.lax.all_to_all",
            "jax.lax.ppermute",
            "jax.lax.custom_root",
            "jax.lax.custom_linear_solve",
            "jax.lax.dtype",
            "jax.random.key_impl",
            "jax.random.default_prng_impl",
        }
    )
)
NON_ARRAY_NAMESPACES = ("jax.nn.initializers.", "jax.lax.linalg.", "jax.random.key_impl")

#: Other calls that return a JAX array.
ARRAY_CALLS = frozenset({"jax.device_put", "jax.numpy.asarray", "jax.numpy.array"})

#: Calls that return a mutable reference, which is legitimately written in place.
REF_CALLS = frozenset(
    {
        "jax.new_ref",
        "jax.experimental.mutable_array",
        "jax.experimental.new_ref",
        "flax.nnx.Variable",
        "flax.nnx.Param",
        "flax.nnx.BatchStat",
        "flax.nnx.Cache",
        "flax.nnx.Intermediate",
    }
)

#: Methods of a JAX array that return a JAX array.
ARRAY_METHODS = frozenset(
    {
        "reshape",
        "astype",
        "sum",
        "mean",
        "max",
        "min",
        "prod",
        "transpose",
        "squeeze",
        "ravel",
        "flatten",
        "clip",
        "round",
        "conj",
        "copy",
        "cumsum",
        "cumprod",
        "dot",
        "argmax",
        "argmin",
        "std",
        "var",
        "swapaxes",
        "take",
        "repeat",
        "view",
        "block_until_ready",
    }
)
#: Attributes of a JAX array that are JAX arrays.
ARRAY_ATTRIBUTES = frozenset({"T", "mT", "real", "imag"})

#: ``x.at[i]``: the property a JAX array's functional updates go through.
AT_PROPERTY = "at"
#: ``x.at[i].<op>(...)`` update methods.
AT_METHODS = frozenset(
    {"set", "add", "subtract", "multiply", "mul", "divide", "power", "min", "max", "apply", "get"}
)
AT_UPDATE_METHODS = AT_METHODS - {"get"}

#: Calls without side effects: evaluating them once or twice, early or late, is the same.
PURE_BUILTINS = frozenset(
    {
        "builtins.len",
        "builtins.range",
        "builtins.slice",
        "builtins.min",
        "builtins.max",
        "builtins.abs",
        "builtins.int",
        "builtins.float",
        "builtins.tuple",
    }
)
PURE_NAMESPACES = ("jax.numpy.", "jax.lax.", "jax.random.", "numpy.", "math.")

# ---------------------------------------------------------------- trace-time facts

#: Attributes of an array that are static at trace time (shapes and types, not values).
STATIC_ATTRIBUTES = frozenset(
    {"shape", "ndim", "dtype", "size", "sharding", "aval", "weak_type", "itemsize", "nbytes"}
)

#: Calls whose result is a plain Python value known at trace time, whatever their
#: arguments (shapes, dtypes, tree structure, device counts, type tests).
STATIC_RESULT_CALLS = ARRAY_METADATA_CALLS | frozenset(
    {
        "builtins.len",
        "builtins.isinstance",
        "builtins.issubclass",
        "builtins.hasattr",
        "builtins.type",
        "builtins.callable",
        "builtins.id",
        "builtins.repr",
        "builtins.str",
        "jax.eval_shape",
        "jax.tree_util.tree_structure",
        "jax.tree.structure",
        "jax.device_count",
        "jax.local_device_count",
        "jax.devices",
        "jax.local_devices",
        "jax.process_index",
        "jax.process_count",
        "jax.default_backend",
        "jax.typeof",
        "jax.dtypes.canonicalize_dtype",
        "jax.dtypes.result_type",
        "jax.dtypes.issubdtype",
        "jax.lax.axis_size",
        "jax.lax.dtype",
        "jax.core.get_aval",
    }
)

#: Calls whose result has static parts: position in the returned tuple. The treedef of
#: ``leaves, treedef = jax.tree_util.tree_flatten(x)`` is structure, known at trace time.
STATIC_RESULT_PARTS: dict[str, frozenset[int]] = {
    "jax.tree_util.tree_flatten": frozenset({1}),
    "jax.tree.flatten": frozenset({1}),
    "jax.tree_util.tree_flatten_with_path": frozenset({1}),
    "jax.tree.flatten_with_path": frozenset({1}),
}
#: Calls that return a Python value when their first argument is one: ``lax.psum(1,
#: axis_name)`` is the size of the named axis, a Python int, even under ``jit``.
STATIC_WHEN_STATIC_CALLS = frozenset({"jax.lax.psum"})

#: Methods of dicts and NamedTuples that JAX arrays lack: a traced argument they are
#: called on is a pytree of leaves, not an array.
MAPPING_METHODS = frozenset({"keys", "items", "values", "get", "setdefault", "_replace", "_asdict"})
#: Classes no tracer is an instance of: ``isinstance(x, (int, np.integer))`` asks whether
#: ``x`` is concrete, as ``isinstance(x, jax.core.Tracer)`` does.
CONCRETE_VALUE_CLASSES = frozenset(
    {
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.complex",
        "numbers.Number",
        "numbers.Integral",
        "numbers.Real",
        "numpy.integer",
        "numpy.floating",
        "numpy.number",
        "numpy.generic",
        "numpy.bool_",
        "numpy.ndarray",
    }
)
#: Calls that ask whether a value is concrete (not a tracer): code they guard runs only
#: where the answer is known.
TRACER_TEST_CALLS = frozenset(
    {
        "jax.core.is_concrete",
        "jax._src.core.is_concrete",
        "jax.core.is_constant_dim",
        "jax._src.core.is_constant_dim",
        "jax.core.is_constant_shape",
        "jax._src.core.is_constant_shape",
    }
)

#: Builtins that turn a value into a concrete Python value (fail on a tracer).
PYTHON_CONVERSIONS = frozenset(
    {"builtins.bool", "builtins.int", "builtins.float", "builtins.complex"}
)
#: ``math`` functions, which convert their arguments to Python floats first (on a tracer:
#: ConcretizationTypeError). Not ``math.prod``: it multiplies, which works on tracers.
MATH_FLOAT_FUNCTIONS = frozenset(
    "math." + name
    for name in """sqrt exp exp2 log log2 log10 log1p expm1 sin cos tan asin acos atan atan2
    sinh cosh tanh asinh acosh atanh floor ceil isnan isinf isfinite fabs pow hypot erf
    erfc gamma lgamma degrees radians copysign fmod fsum isclose modf frexp ldexp cbrt""".split()
)
#: Array methods that turn a value into concrete Python values (fail on a tracer).
CONCRETE_METHODS = frozenset({"item", "tolist"})

#: Array-like receivers' methods whose result is traced when the receiver is.
TRACED_METHODS = ARRAY_METHODS | frozenset({"any", "all", "nonzero", "argsort", "sort", "dot"})


# What individual calls do (NumPy and jax.numpy functions one by one, host effects,
# logging, key consumption) lives in its own module.
from jaxlint.facts.calls import (  # noqa: E402, F401 - re-exported
    ARRAY_SHAPE_METHODS,
    BOOLEAN_RESULT_CALLS,
    DESCRIBING_CALLS,
    HOST_EFFECT_CALLS,
    HOST_RANDOM_NAMESPACES,
    INIT_FUNCTION_NAMES,
    JNP_ACCEPTS_SEQUENCES,
    JNP_REJECTS_SEQUENCES,
    JNP_SHAPE_ARGUMENTS,
    JNP_VALUE_SIZED,
    KEY_ANNOTATIONS,
    KEY_FROM_SEED,
    KEY_PARAMETER_NAMES,
    LOGGER_FACTORIES,
    LOGGING_FUNCTIONS,
    LOGGING_MODULES,
    NUMPY_BUFFER_CALLS,
    NUMPY_CONVERTING_NAMESPACES,
    NUMPY_CONVERTS_TO_NDARRAY,
    NUMPY_DELEGATES_TO_METHOD,
    NUMPY_JNP_KEYWORDS,
    NUMPY_JNP_SAME_SIGNATURE,
    NUMPY_NAMESPACE_NON_CONVERTING,
    PATH_CONSTRUCTORS,
    PATH_EFFECT_METHODS,
    PRINT_CALLS,
    RANDOM_NON_CONSUMING,
    SCIPY_NAMESPACE,
)
