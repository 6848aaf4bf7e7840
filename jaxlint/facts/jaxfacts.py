"""Facts about the JAX ecosystem that the semantic model relies on.

Everything here is keyed by canonical dotted names (``jax.numpy.zeros``), after
import aliases have been resolved. Keep this module data-only.
"""

from __future__ import annotations

import functools

#: Top-level packages whose import marks a file as JAX code worth modelling.
#: (numpyro: its MCMC kernels and effect handlers are transformations, facts/transforms.py)
JAX_ECOSYSTEM = (
    "jax",
    "jaxlib",
    "flax",
    "equinox",
    "optax",
    "haiku",
    "chex",
    "jaxtyping",
    "orbax",
    "numpyro",
)

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


#: Annotations that mean a Python container, with the kinds of container each admits: its
#: truth is its emptiness, static even when it holds tracers.
_SEQUENCE = frozenset({"list", "tuple"})
CONTAINER_ANNOTATIONS: dict[str, frozenset[str]] = {
    "builtins.list": frozenset({"list"}),
    "builtins.tuple": frozenset({"tuple"}),
    "builtins.dict": frozenset({"dict"}),
    "builtins.set": frozenset({"set"}),
    "builtins.frozenset": frozenset({"set"}),
    "typing.List": frozenset({"list"}),
    "typing.Tuple": frozenset({"tuple"}),
    "typing.Dict": frozenset({"dict"}),
    "typing.Set": frozenset({"set"}),
    "typing.FrozenSet": frozenset({"set"}),
    "typing.Sequence": _SEQUENCE,
    "typing.MutableSequence": _SEQUENCE,
    "typing.Mapping": frozenset({"dict"}),
    "typing.MutableMapping": frozenset({"dict"}),
    "collections.abc.Sequence": _SEQUENCE,
    "collections.abc.MutableSequence": _SEQUENCE,
    "collections.abc.Mapping": frozenset({"dict"}),
    "collections.abc.MutableMapping": frozenset({"dict"}),
}
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
#: Array annotations that admit Python scalars too (``jax.typing.ArrayLike``): no evidence
#: of an array where Python scalars stay static (equinox's ``filter_jit``).
SCALAR_ADMITTING_ANNOTATIONS = frozenset({"jax.typing.ArrayLike"})
#: jaxtyping dtype markers: ``Float[Array, "b n"]`` is a JAX array when its first item is.
JAXTYPING_MODULE = "jaxtyping"
#: Modules whose pytree nodes act as arrays: a flax NNX Variable has ``.shape``, ``.at``,
#: takes ``jnp`` operations and item assignment (written in place by design), and ``jit``
#: and the rest hand it through as itself. Where a file imports one, using an argument as
#: an array does not prove it a JAX array (tests/test_entry_facts.py runs flax's).
GRAPH_NODE_MODULES = frozenset({"flax.nnx"})

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

#: The namespaces of jax's array functions: what returns an array there is probed, one
#: function at a time, into :mod:`jaxlint.facts.array_functions` (never claimed by
#: prefix); the prefilter looks for calls into them.
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

#: lax operations that take and give back a pytree (control flow and collectives
#: included): in staged code every leaf they return is a tracer (the probes cannot call
#: them without functions or a named axis; tests/test_array_functions.py runs each).
PYTREE_OPERATIONS = frozenset(
    {
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
        "jax.lax.custom_root",
        "jax.lax.custom_linear_solve",
        "jax.lax.psum",
        "jax.lax.pmean",
        "jax.lax.pmax",
        "jax.lax.pmin",
        "jax.lax.all_gather",
        "jax.lax.ppermute",
    }
)

#: Other calls that return a JAX array.
ARRAY_CALLS = frozenset({"jax.device_put", "jax.numpy.asarray", "jax.numpy.array"})
#: Sample sites of a probabilistic program: a draw (a tracer where the program is staged,
#: as under an MCMC kernel), unless given ``obs=``, when the observation comes back as it
#: was given (a NumPy array stays one). tests/test_transform_facts.py runs numpyro's.
SAMPLE_SITE_CALLS = frozenset({"numpyro.sample"})
SAMPLE_SITE_OBSERVED = "obs"

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
#: Methods of a JAX array that only compute a new array: jax arrays are immutable, so
#: even NumPy's in-place ``x.sort()`` gives back a sorted copy and leaves ``x`` alone. Not
#: ``block_until_ready``: it waits for the computation (tests/test_lost_updates.py runs
#: each on an array and compares the receiver).
RESULT_ONLY_ARRAY_METHODS = (ARRAY_METHODS - {"block_until_ready"}) | {
    "sort",
    "argsort",
    "any",
    "all",
}
#: Attributes of a JAX array that are JAX arrays.
ARRAY_ATTRIBUTES = frozenset({"T", "mT", "real", "imag"})

#: ``x.at[i]``: the property a JAX array's functional updates go through.
AT_PROPERTY = "at"
#: ``x.at[i].<op>(...)`` update methods.
AT_METHODS = frozenset(
    {"set", "add", "subtract", "multiply", "mul", "divide", "power", "min", "max", "apply", "get"}
)
AT_UPDATE_METHODS = AT_METHODS - {"get"}
#: Elementwise functions an ``.at[]`` method applies: ``x[i] = jnp.minimum(x[i], v)`` is
#: ``x = x.at[i].min(v)``.
ELEMENTWISE_AT_METHODS = {"jax.numpy.minimum": "min", "jax.numpy.maximum": "max"}


# ---------------------------------------------------------------- trace-time facts

#: Attributes of an array that are its metadata (shapes and types, not values): static at
#: trace time, and still readable after the array's buffer is donated.
STATIC_ATTRIBUTES = frozenset(
    {"shape", "ndim", "dtype", "size", "sharding", "aval", "weak_type", "itemsize", "nbytes"}
)
#: Methods of an array that ask about or end its buffer, not its values: safe to call
#: after the buffer is donated.
BUFFER_STATE_METHODS = frozenset({"is_deleted", "delete"})
#: Methods of a container (a pytree's dict) that give its structure, not its leaves:
#: still answered after the arrays it holds are donated.
STRUCTURE_METHODS = frozenset({"keys"})
#: Calls whose result is static metadata: recording it at trace time is a known idiom
#: (capturing the output tree structure inside a custom_vjp rule).
STATIC_METADATA_CALLS = frozenset(
    {
        "jax.tree_util.tree_structure",
        "jax.tree.structure",
        "jax.tree_util.tree_flatten",
        "jax.tree.flatten",
        "jax.eval_shape",
        "jax.numpy.shape",
        "jax.numpy.result_type",
    }
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
#: Builtins that compare their arguments (or the items of one display) with ``<`` and
#: ask Python for the answer's truth: on a tracer, TracerBoolConversionError
#: (tests/test_grad_facts.py runs each under jit). Each needs two items to compare.
COMPARING_BUILTINS = frozenset({"builtins.max", "builtins.min", "builtins.sorted"})
#: Builtins that ask for the truth of the items of their argument, first item first.
TRUTH_TESTING_BUILTINS = frozenset({"builtins.any", "builtins.all"})
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
#: The conversions above that refuse even a JVP tracer (code traced only by ``grad``,
#: whose tracers hold concrete values): ``float()``, ``complex()``, ``.tolist()`` and the
#: ``math`` functions raise ConcretizationTypeError there, while ``bool()``, ``int()`` and
#: ``.item()`` (so ``if x > 0``) work.
GRAD_REFUSED_CONVERSIONS = frozenset({"builtins.float", "builtins.complex"}) | MATH_FLOAT_FUNCTIONS
GRAD_REFUSED_METHODS = frozenset({"tolist"})

#: Array-like receivers' methods whose result is traced when the receiver is.
TRACED_METHODS = ARRAY_METHODS | frozenset({"any", "all", "nonzero", "argsort", "sort", "dot"})


# What individual calls do (NumPy and jax.numpy functions one by one, host effects,
# logging, key consumption) lives in its own module.
from jaxlint.facts.calls import (  # noqa: E402, F401 - re-exported
    ALTERNATIVE_BRANCHES,
    ARRAY_SHAPE_METHODS,
    BOOLEAN_RESULT_CALLS,
    CHECKING_CONTEXT_METHODS,
    CHECKING_CONTEXTS,
    DESCRIBING_CALLS,
    ELEMENTWISE_SELECTS,
    FIELD_STORING_CALLS,
    FIELD_STORING_METHODS,
    HOST_EFFECT_CALLS,
    HOST_RANDOM_NAMESPACES,
    INIT_FUNCTION_NAMES,
    JNP_ACCEPTS_SEQUENCES,
    JNP_REJECTS_SEQUENCES,
    JNP_VALUE_SIZED,
    KEY_ANNOTATIONS,
    KEY_FROM_SEED,
    KEY_MAKING_CALLS,
    KEY_PARAMETER_NAMES,
    LOGGER_FACTORIES,
    LOGGER_METHODS,
    LOGGING_CALLS,
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
    RANDOM_SELECTING,
    SAME_LENGTH_ITERATORS,
    SCIPY_NAMESPACE,
    SHAPE_ONLY_CALLS,
    SHORTEST_LENGTH_ITERATORS,
    UNSAFE_AT_BOUNDARY,
)

# How transformations trace functions, and what Python objects and classes are (mutable,
# frozen, constructed), live in their own modules.
from jaxlint.facts.objects import (  # noqa: E402, F401 - re-exported  # noqa: E402, F401 - re-exported
    CONSTRUCTION_METHODS,
    CONTAINER_CALLS,
    DATACLASS_DECORATORS,
    DATACLASS_HASHING,
    DATACLASS_KEYWORDS,
    FIELD_TUPLE_BASES,
    FROZEN_BASES,
    FROZEN_DATACLASS_DECORATORS,
    MODULE_SYSTEM_PREFIXES,
    MUTABLE_CONTAINER_CALLS,
    MUTATING_METHODS,
    NAMED_ATTRIBUTE_CALLS,
    PLAIN_CLASS_HASHING,
    SEQUENCE_READING_CALLS,
    SEQUENCE_READING_METHODS,
    UNSTORED_FIELD_ANNOTATIONS,
    Hashing,
    class_hashing,
)
from jaxlint.facts.results import (  # noqa: E402, F401 - re-exported
    NUMPY_NAMESAKES,
    PURE_BUILTINS,
    REPLACED_ARGUMENT,
    REPLACING_ARRAY_METHODS,
    RESULT_ONLY_CALLS,
    is_pure_call,
    jax_operation,
    only_returns,
    returned_by,
)
from jaxlint.facts.returns import Returns  # noqa: E402, F401 - re-exported
from jaxlint.facts.static_parameters import STATIC_PARAMETERS  # noqa: E402, F401 - re-exported
from jaxlint.facts.timing import (  # noqa: E402, F401 - re-exported
    CLOCK_CALLS,
    HOST_CONVERTING_CALLS,
    NON_WAITING_METHODS,
    PLAIN_ITERATORS,
    REFERENCE_STORING_METHODS,
    SYNCHRONISING_CALLS,
    SYNCHRONISING_METHODS,
    TIMING_CALLS,
)
from jaxlint.facts.transforms import (  # noqa: E402, F401 - re-exported
    APPLIED_ON_TRACERS,
    CUSTOM_RULE_METHODS,
    DIFFERENTIATING_ARGNUMS,
    EAGER_CONTEXTS,
    HOST_CALLBACKS,
    JIT_TRANSFORMS,
    MEMOIZING_NAMES,
    STATIC_ARGNAMES,
    STATIC_ARGNUMS,
    TRACED_MODULE_BASES,
    TRACED_MODULE_METHODS,
    TRANSFORMS,
    TREE_MAP_CALLS,
    Application,
    Transform,
    TransformKind,
    memoizing,
)
