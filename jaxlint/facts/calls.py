"""What individual calls do, as data: which ``jax.random`` calls consume a key, which
calls have effects on the host, which NumPy functions work on a tracer and which convert
it, which ``jax.numpy`` functions take Python sequences or sizes. Re-exported by
:mod:`jaxlint.facts.jaxfacts`; the NumPy and jax.numpy lists are checked against the installed
jax by tests (``tests/test_numpy_facts.py``, ``tests/test_jnp_sequence_facts.py``).
"""

from __future__ import annotations

#: ``jax.random`` functions that do not consume their key argument: constructors,
#: derivations meant to be repeated with different data, and inspection.
RANDOM_NON_CONSUMING = frozenset(
    {
        "jax.random.PRNGKey",
        "jax.random.key",
        "jax.random.fold_in",
        "jax.random.key_data",
        "jax.random.wrap_key_data",
        "jax.random.key_impl",
        "jax.random.default_prng_impl",
        "jax.random.clone",
        "jax.random.threefry2x32_p",
    }
)
#: ``jax.random`` draws that pick an order or a selection of indices: one key given to
#: every leaf of a tree (every array of a batch) picks the same rows of each, the idiom
#: that keeps them aligned (a minibatch shuffle), not a reuse that correlates values.
RANDOM_SELECTING = frozenset({"jax.random.permutation", "jax.random.choice"})
#: Annotations of a PRNG key.
KEY_ANNOTATIONS = frozenset(
    {"jax.random.PRNGKeyArray", "jax.random.KeyArray", "chex.PRNGKey", "jaxtyping.PRNGKeyArray"}
)
#: ``jax.random`` functions whose result is a PRNG key (or, ``split``, an array of keys):
#: a name bound to one holds a key (JL005's evidence that ``key=`` carries one).
KEY_MAKING_CALLS = frozenset(
    {
        "jax.random.key",
        "jax.random.PRNGKey",
        "jax.random.split",
        "jax.random.fold_in",
        "jax.random.clone",
        "jax.random.wrap_key_data",
    }
)
#: Keyword names under which a call receives a PRNG key (``seed=``: the samplers of
#: TensorFlow Probability's and distrax's distributions, ``dist.sample(seed=key)``).
KEY_PARAMETER_NAMES = frozenset(
    {"key", "rng", "prng_key", "rng_key", "prngkey", "random_key", "seed"}
)
#: Calls that store their keyword arguments as fields of a copy of a record, unchanged
#: (``state.replace(rng=rng)`` keeps the key in a checkpointed state: no draw). Functions
#: by qualified name, and methods by name: ``replace`` of ``flax.struct``, ``chex`` and
#: flax's ``TrainState`` dataclasses, ``_replace`` of a NamedTuple. A method of another
#: receiver by that name stores nothing we know of either, so a key given to it is
#: UNKNOWN, never a draw. tests/test_random_facts.py runs each.
FIELD_STORING_CALLS = frozenset({"dataclasses.replace"})
FIELD_STORING_METHODS = frozenset({"replace", "_replace"})
#: Calls that only trace their function abstractly, for shapes and dtypes: the values
#: they pass it (a key among them) are never computed, so nothing is drawn.
#: tests/test_random_facts.py checks that the result holds no values.
SHAPE_ONLY_CALLS = frozenset({"jax.eval_shape"})

#: Calls with effects on the host (trace-time only inside traced code). ``print`` and
#: logging are flagged only when they show a traced value; the rest always are.
HOST_EFFECT_CALLS: dict[str, str] = {
    "builtins.open": "opens a file",
    "builtins.input": "reads from stdin",
    "time.time": "reads the clock",
    "time.time_ns": "reads the clock",
    "time.perf_counter": "reads the clock",
    "time.perf_counter_ns": "reads the clock",
    "time.monotonic": "reads the clock",
    "time.monotonic_ns": "reads the clock",
    "time.process_time": "reads the clock",
    "time.sleep": "sleeps",
    "datetime.datetime.now": "reads the clock",
    "datetime.datetime.utcnow": "reads the clock",
    "datetime.datetime.today": "reads the clock",
    "sys.stdout.write": "writes to stdout",
    "sys.stderr.write": "writes to stderr",
    "numpy.load": "reads a file",
    "numpy.loadtxt": "reads a file",
    "numpy.genfromtxt": "reads a file",
    "numpy.fromfile": "reads a file",
    "numpy.save": "writes a file",
    "numpy.savez": "writes a file",
    "numpy.savez_compressed": "writes a file",
    "numpy.savetxt": "writes a file",
    "jax.numpy.load": "reads a file",
    "jax.numpy.save": "writes a file",
    "jax.numpy.savez": "writes a file",
    "pickle.load": "reads a file",
    "pickle.dump": "writes a file",
    "json.load": "reads a file",
    "json.dump": "writes a file",
    "shutil.copy": "copies a file",
    "shutil.copyfile": "copies a file",
    "shutil.copytree": "copies files",
    "shutil.move": "moves a file",
    "shutil.rmtree": "deletes files",
    "os.remove": "deletes a file",
    "os.unlink": "deletes a file",
    "os.rename": "renames a file",
    "os.replace": "renames a file",
    "os.makedirs": "creates folders",
    "os.mkdir": "creates a folder",
    "os.system": "runs a command",
    "subprocess.run": "runs a command",
    "subprocess.call": "runs a command",
    "subprocess.check_call": "runs a command",
    "subprocess.check_output": "runs a command",
}
#: ``pathlib.Path`` methods that do I/O, and what they do.
PATH_EFFECT_METHODS: dict[str, str] = {
    "read_text": "reads a file",
    "read_bytes": "reads a file",
    "write_text": "writes a file",
    "write_bytes": "writes a file",
    "open": "opens a file",
    "unlink": "deletes a file",
    "touch": "creates a file",
    "mkdir": "creates a folder",
    "rmdir": "deletes a folder",
    "rename": "renames a file",
}
#: Calls that make a ``pathlib`` path with the methods above (a ``PurePath`` has none).
PATH_CONSTRUCTORS = frozenset({"pathlib.Path", "pathlib.PosixPath"})
#: Namespaces of host random number generators: draws are frozen into the trace.
HOST_RANDOM_NAMESPACES = ("random.", "numpy.random.")
#: Module-level functions that emit a log record (checked by running each that is installed:
#: ``tests/test_effect_facts.py``): the standard library's and absl's loggers, and the
#: experiment trackers (``wandb.log({"loss": loss})`` in a jitted step logs a tracer once).
LOGGING_CALLS = frozenset(
    {
        *(
            f"{module}.{function}"
            for module in ("logging", "absl.logging")
            for function in (
                "debug",
                "info",
                "warning",
                "warn",
                "error",
                "exception",
                "fatal",
                "log",
            )
        ),
        "logging.critical",
        "absl.logging.vlog",
        "wandb.log",
        *("mlflow.log_metric", "mlflow.log_metrics"),
    }
)
#: Methods of a logger (made by a call in LOGGER_FACTORIES) that emit a record.
LOGGER_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
#: NumPy calls that build a new, mutable ``ndarray`` buffer.
NUMPY_BUFFER_CALLS = frozenset(
    "numpy." + name
    for name in """zeros ones empty full array zeros_like ones_like empty_like full_like
    arange linspace eye identity copy""".split()
)
#: Calls that print their arguments to stdout.
PRINT_CALLS = frozenset({"builtins.print", "pprint.pprint", "pprint.pp"})
#: Builtins that return a Python string describing a value: of a tracer, the string shows
#: the tracer (``Traced<float32[]>``), though it is not traced itself.
DESCRIBING_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.ascii", "builtins.format"})
#: Calls that return a logger object.
LOGGER_FACTORIES = frozenset(
    {"logging.getLogger", "absl.logging.get_absl_logger", "logging.Logger"}
)

#: Classic NumPy functions that ``jax.numpy`` provides with the same call signature for
#: positional arguments and the keywords in NUMPY_JNP_KEYWORDS (``np.X`` -> ``jnp.X``).
NUMPY_JNP_SAME_SIGNATURE = frozenset(
    """abs absolute add all allclose amax amin any arccos arccosh arcsin arcsinh arctan arctan2
    arctanh argmax argmin around asarray ceil clip concatenate cos cosh cumprod cumsum deg2rad
    degrees divide dot equal exp exp2 expand_dims expm1 fabs floor floor_divide fmax fmin fmod
    greater greater_equal hypot isclose isfinite isinf isnan linspace log log10 log1p log2
    logaddexp logical_and logical_not logical_or logical_xor matmul max maximum mean median min
    minimum mod multiply negative nan_to_num nanmax nanmean nanmin nanstd nansum nanvar
    not_equal outer power prod rad2deg radians reciprocal remainder reshape round sign sin
    sinh sqrt square squeeze stack std subtract sum swapaxes take tan tanh tensordot trace
    transpose tril triu true_divide var vstack hstack where zeros_like ones_like full_like
    einsum float32 float64 int32 int64 float16 uint8 int8 bool_ exp log abs cbrt sort
    argsort flip roll tile repeat diag diagonal kron cross inner vdot""".split()
)
NUMPY_JNP_KEYWORDS = frozenset({"axis", "keepdims", "dtype", "axes"})

# Classic NumPy on a tracer splits in two (tests/test_numpy_facts.py runs every name below
# on a tracer under ``jax.jit`` with the installed jax and NumPy, and checks which side it
# is on). JL007 reports only the second kind: the first works.

#: NumPy functions that hand an argument which is not an ndarray to that object's own
#: method (``np.sum(x)`` calls ``x.sum()``, ``np.moveaxis`` calls ``x.transpose``,
#: ``np.flip`` indexes): on a JAX array or tracer the JAX method runs and nothing is
#: converted. They still convert a list of tracers (``np.sum([a, b])``), and the JAX
#: methods reject ``out=``.
NUMPY_DELEGATES_TO_METHOD = frozenset(
    """all amax amin any argmax argmin around cumprod cumsum flip imag max mean min moveaxis
    permute_dims prod real repeat reshape rollaxis round searchsorted squeeze std sum swapaxes
    transpose var""".split()
)
#: NumPy functions that convert their array arguments to ``numpy.ndarray`` first
#: (``np.asarray``, every ufunc, ``np.ravel``, ``np.concatenate``, ...): on a tracer they
#: raise ``TracerArrayConversionError``. (``np.argsort`` and ``np.take`` fail on a tracer
#: too, but later and otherwise -- a ``TypeError`` inside ``lax.sort``, an unsupported
#: ``mode="raise"`` -- so they are in neither list, and JL007 stays silent on them.)
NUMPY_CONVERTS_TO_NDARRAY = frozenset(
    # ufuncs
    """abs absolute acos acosh add arccos arccosh arcsin arcsinh arctan arctan2 arctanh asin
    asinh atan atan2 atanh bitwise_and bitwise_count bitwise_invert bitwise_left_shift
    bitwise_not bitwise_or bitwise_right_shift bitwise_xor cbrt ceil conj conjugate copysign
    cos cosh deg2rad degrees divide divmod equal exp exp2 expm1 fabs float_power floor
    floor_divide fmax fmin fmod frexp gcd greater greater_equal heaviside hypot invert
    isfinite isinf isnan lcm ldexp left_shift less less_equal log log10 log1p log2 logaddexp
    logaddexp2 logical_and logical_not logical_or logical_xor matmul maximum minimum mod modf
    multiply negative nextafter not_equal positive pow power rad2deg radians reciprocal
    remainder right_shift rint sign signbit sin sinh spacing sqrt square subtract tan tanh
    true_divide trunc
    """
    # array construction and conversion, scalar types
    """array asarray asanyarray ascontiguousarray atleast_1d atleast_2d atleast_3d copy
    zeros_like ones_like full_like empty_like float16 float32 float64 int8 int16 int32 int64
    uint8 uint32 bool_ complex64 complex128
    """
    # functions that start with ``asarray``/``asanyarray`` or a C-level conversion
    """allclose isclose average median percentile quantile nanargmax nanargmin
    nancumprod nancumsum nanmax nanmean nanmedian nanmin nanpercentile nanprod nanquantile
    nanstd nansum nanvar nan_to_num ptp argpartition partition sort unique nonzero
    argwhere flatnonzero count_nonzero clip compress choose concatenate stack hstack vstack
    dstack column_stack expand_dims broadcast_to ravel roll tile tril triu diag diagonal
    trace diff ediff1d cumulative_sum cumulative_prod dot vdot inner outer kron cross
    tensordot einsum where convolve correlate interp pad histogram bincount digitize
    matrix_transpose lexsort append insert delete fliplr flipud rot90 meshgrid trapezoid
    polyval vander cov corrcoef isin in1d setdiff1d intersect1d union1d unwrap gradient
    sinc i0 angle""".split()
)
#: Whole NumPy namespaces that convert their arguments (``np.linalg.norm``, ``np.fft.fft``).
NUMPY_CONVERTING_NAMESPACES = ("numpy.linalg.", "numpy.fft.")
#: SciPy converts its array arguments to NumPy arrays (``jax.scipy`` is JAX's own).
SCIPY_NAMESPACE = "scipy."
#: ... except these, which take sizes, not arrays (``np.fft.fftfreq(n, d=traced)`` works).
NUMPY_NAMESPACE_NON_CONVERTING = frozenset({"numpy.fft.fftfreq", "numpy.fft.rfftfreq"})

# Issue 11: the rest of the sharp bits (JL010-JL017).

#: ``jax.numpy`` functions that reject a Python list or tuple where an array goes
#: (``jnp.sum([1, 2])`` raises ``TypeError: sum requires ndarray or scalar arguments``),
#: with the positional arguments that must be arrays. tests/test_numpy_facts.py calls
#: each with a list in each listed position and expects that TypeError.
JNP_REJECTS_SEQUENCES: dict[str, tuple[int, ...]] = {
    **{
        name: (0,)
        for name in """sum mean max min prod std var exp log sin cos tanh sqrt abs absolute
        argmax argmin cumsum cumprod square sign floor ceil round clip transpose reshape
        ravel squeeze expand_dims any all sort argsort flip roll tile repeat log1p expm1
        isnan isfinite nan_to_num pad diff median nanmean nansum trace diag diagonal tril
        triu count_nonzero take moveaxis swapaxes broadcast_to zeros_like ones_like
        full_like cumulative_sum exp2 log2 log10 negative reciprocal sinh cosh arctan arcsin
        arccos real imag conj angle logical_not""".split()
    },
    **{
        name: (0, 1)
        for name in """matmul dot maximum minimum add multiply subtract divide power mod
        logaddexp outer inner kron tensordot isclose allclose logical_and equal greater
        less""".split()
    },
    "linalg.norm": (0,),
}
#: ``jax.numpy`` functions that take Python sequences (of arrays or numbers) by design:
#: JL012 never flags them (tests/test_numpy_facts.py checks that each accepts a list).
JNP_ACCEPTS_SEQUENCES = frozenset(
    "array asarray stack hstack vstack dstack column_stack block concatenate".split()
)
#: Calls that make a PRNG key from a seed (JL016: a constant seed in traced code).
KEY_FROM_SEED = frozenset({"jax.random.PRNGKey", "jax.random.key"})
#: Functions that run once to initialise, where a constant key is intended (JL016).
INIT_FUNCTION_NAMES = frozenset({"init", "setup", "__init__", "__post_init__"})
#: ``jax.numpy`` functions whose result's size is the number of true or distinct values
#: of their first argument: under ``jit`` they need ``size=`` (JL011).
JNP_VALUE_SIZED = frozenset("nonzero argwhere flatnonzero unique compress extract".split())
#: Array methods whose arguments are the result's shape (JL011): ``x.reshape(n, -1)``.
ARRAY_SHAPE_METHODS = frozenset({"reshape"})
#: Calls whose result is boolean (a mask): indexing with one, traced, has a shape that
#: depends on its values (JL011).
BOOLEAN_RESULT_CALLS = frozenset(
    [
        f"jax.numpy.{name}"
        for name in (
            "isnan isinf isfinite isneginf isposinf isnat isclose isin isreal iscomplex "
            "signbit logical_and logical_or logical_not logical_xor greater greater_equal "
            "less less_equal equal not_equal"
        ).split()
    ]
    + ["jax.random.bernoulli"]
)
#: Functions that pick each element of their result from one of their value arguments,
#: by the position those start at (``where(condition, x, y)``, ``select_n(which, *cases)``):
#: two draws from one key given to different value arguments never meet in one element
#: of the result (JL005). tests/test_random_facts.py runs each.
ELEMENTWISE_SELECTS: dict[str, int] = {
    "jax.numpy.where": 1,
    "jax.lax.select": 1,
    "jax.lax.select_n": 1,
}
#: Builtins whose iteration is as long as their first argument's (``enumerate``,
#: ``reversed``) or as the shortest of their arguments (``zip``): a loop over one of a
#: display written out in the code runs a few times, known by reading it.
#: tests/test_random_facts.py runs each.
SAME_LENGTH_ITERATORS = frozenset({"builtins.enumerate", "builtins.reversed"})
SHORTEST_LENGTH_ITERATORS = frozenset({"builtins.zip"})
#: Calls that run one of the functions they are given (``lax.cond``'s two branches, the
#: branches ``lax.switch`` is given in a list): what two of them compute never meets in
#: the result. tests/test_random_facts.py runs each, eagerly and under jit.
ALTERNATIVE_BRANCHES = frozenset({"jax.lax.cond", "jax.lax.switch"})
#: Functions whose derivative is infinite or NaN at or past a boundary: the edge of the
#: domain, which a guard ``x > boundary`` keeps them away from in the forward pass only.
UNSAFE_AT_BOUNDARY: dict[str, float] = {
    "jax.numpy.sqrt": 0.0,
    "jax.numpy.log": 0.0,
    "jax.numpy.log2": 0.0,
    "jax.numpy.log10": 0.0,
    "jax.numpy.log1p": -1.0,
    "jax.numpy.reciprocal": 0.0,
    "jax.lax.sqrt": 0.0,
    "jax.lax.log": 0.0,
    "jax.lax.rsqrt": 0.0,
    "jax.lax.log1p": -1.0,
}
#: Context managers under which code runs to see whether it raises or warns, so that a
#: call there is made for that and its result may well be dropped: pytest's, NumPy's
#: testing helpers and ``contextlib.suppress``, and jax's checking modes, which turn a NaN
#: or an implicit rank promotion into an error (tests/test_lost_updates.py runs each).
CHECKING_CONTEXTS = frozenset(
    {
        "pytest.raises",
        "pytest.warns",
        "pytest.deprecated_call",
        "contextlib.suppress",
        "numpy.testing.assert_raises",
        "numpy.testing.assert_warns",
        "jax.debug_nans",
        "jax.debug_infs",
        "jax.numpy_rank_promotion",
        "jax.numpy_dtype_promotion",
    }
)
#: unittest's (and absltest's) methods of the same kind, by name: ``self.assertRaises``.
CHECKING_CONTEXT_METHODS = frozenset(
    {
        "assertRaises",
        "assertRaisesRegex",
        "assertWarns",
        "assertWarnsRegex",
        "assertRaisesWithLiteralMatch",
        "assertRaisesWithPredicateMatch",
    }
)
