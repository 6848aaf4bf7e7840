"""What a call returns and whether it is pure, asked of the probed tables
(:mod:`jaxlint.facts.array_functions`): one answer per name, never a guess by module."""

from __future__ import annotations

from jaxlint.facts.array_functions import (
    ARRAY_FUNCTIONS,
    ARRAY_FUNCTIONS_BY_ARITY,
    ARRAY_SEQUENCE_FUNCTIONS,
    KIND_CHANGING_FLAGS,
)
from jaxlint.facts.numpy_out import NUMPY_OUT_POSITIONS
from jaxlint.facts.returns import Returns

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
#: ``math`` has no state: every function in it is pure (a test checks the module).
PURE_MODULES = ("math.",)

_PROBED = ARRAY_FUNCTIONS.keys() | ARRAY_SEQUENCE_FUNCTIONS.keys() | ARRAY_FUNCTIONS_BY_ARITY.keys()
#: NumPy's namesakes of jax.numpy's array functions: they compute a new array and leave
#: their arguments alone (a test runs each on NumPy arrays and compares the inputs).
NUMPY_NAMESAKES = frozenset(
    "numpy." + name.removeprefix("jax.numpy.") for name in _PROBED if name.startswith("jax.numpy.")
)


def returned_by(
    name: str, positional: int | None, keywords: frozenset[str] | None
) -> Returns | None:
    """What a call of ``name`` gives back, as the probes showed, or None where they cannot
    tell. ``positional``: how many positional arguments it passes (None behind a
    ``*args``); ``keywords``: the keyword names it passes (None behind a ``**kwargs``)."""
    flags = KIND_CHANGING_FLAGS.get(name)
    if flags and (keywords is None or keywords & flags):
        return None  # jnp.unique(x, return_counts=True) is a tuple
    if name in ARRAY_FUNCTIONS:
        return Returns.ARRAY
    if name in ARRAY_SEQUENCE_FUNCTIONS:
        return Returns.SEQUENCE
    by_arity = ARRAY_FUNCTIONS_BY_ARITY.get(name)
    if by_arity is not None and positional is not None and positional in by_arity:
        return by_arity[positional][0]
    return None


def jax_operation(name: str, positional: int | None, keywords: frozenset[str] | None) -> bool:
    """A call of ``name`` gives jax arrays (or a tuple of them) whatever the boolean
    options it passes: with a kind-changing flag flipped, every leaf of what it gives is
    still a tracer in staged code, or the call raises (tests/test_array_functions.py runs
    each). So its result is traced there though its shape of result is unknown."""
    flags = KIND_CHANGING_FLAGS.get(name, frozenset())
    if keywords is not None:
        keywords = keywords - flags
    return returned_by(name, positional, keywords) is not None


#: The keyword through which NumPy-style functions write their result into an array
#: they are given (``np.clip(x, 0, 1, out=x)``): a call that passes it is not pure.
OUT_KEYWORD = "out"

#: Probed functions that call a function they are given, by that parameter's name and
#: position (``jnp.piecewise(x, conds, funclist)``): a call that passes it runs the
#: caller's code, which may do anything (tests/test_lost_updates.py reads every probed
#: signature for ``Callable`` parameters and runs each listed one with a counting callback).
CALLBACK_PARAMETERS: dict[str, tuple[str, int]] = {
    "jax.lax.linalg.schur": ("select_callable", 3),
    "jax.numpy.fromfunction": ("function", 0),
    "jax.numpy.pad": ("mode", 2),
    "jax.numpy.piecewise": ("funclist", 2),
    "jax.scipy.linalg.funm": ("func", 1),
}


def _passes(
    parameter: tuple[str, int | None], positional: int | None, keywords: frozenset[str] | None
) -> bool:
    """Whether a call with this argument shape may pass ``parameter`` (name, position;
    None: keyword-only)."""
    name, position = parameter
    if keywords is None or name in keywords:
        return True
    return position is not None and (positional is None or positional > position)


def is_pure_call(name: str, positional: int | None, keywords: frozenset[str] | None) -> bool:
    """Whether a call of ``name`` has no side effects: jax's probed array functions (jax
    computes new arrays), their NumPy namesakes, ``math`` and a few builtins; not when it
    passes ``out`` (by keyword, by position for NumPy, or maybe behind ``**kwargs``), nor
    a function for a probed function to call. ``positional``: how many positional
    arguments it passes (None behind a ``*args``); ``keywords``: the keyword names it
    passes (None behind a ``**kwargs``)."""
    if name in PURE_BUILTINS or name.startswith(PURE_MODULES):
        return True
    if name in _PROBED:
        if keywords is None or OUT_KEYWORD in keywords:
            return False  # jax's functions refuse `out`: a NumPy habit, not a pure call
        callback = CALLBACK_PARAMETERS.get(name)
        return callback is None or not _passes(callback, positional, keywords)
    if name in NUMPY_NAMESAKES:
        # NumPy's namesakes take their callbacks where jax's functions do (a test checks).
        callback = CALLBACK_PARAMETERS.get("jax." + name)
        if callback is not None and _passes(callback, positional, keywords):
            return False
        if name not in NUMPY_OUT_POSITIONS:
            return True
        return not _passes((OUT_KEYWORD, NUMPY_OUT_POSITIONS[name]), positional, keywords)
    return False


# ------------------------------------------------------------ results that are all


#: Calls besides jax's probed array functions whose only effect is the value they give
#: back (a copy placed on a device, an updated tree of parameters), with the keywords
#: that would give them another (``donate=True`` frees the argument's buffer): a
#: statement that drops the result does nothing. tests/test_lost_updates.py runs each
#: and checks that its arguments are unchanged.
RESULT_ONLY_CALLS: dict[str, frozenset[str]] = {
    "jax.device_put": frozenset({"donate", "may_alias"}),
    "optax.apply_updates": frozenset(),
    "optax.incremental_update": frozenset(),
}

#: Of ``RESULT_ONLY_ARRAY_METHODS`` (in jaxfacts), the ones that give back the receiver's elements converted or rearranged (as
#: many of them: not a reduction): ``x.astype(jnp.float32)`` on its own line was meant as
#: ``x = x.astype(jnp.float32)``.
REPLACING_ARRAY_METHODS = frozenset(
    {"reshape", "astype", "transpose", "squeeze", "ravel", "flatten", "clip", "round"}
    | {"conj", "copy", "swapaxes", "view", "sort"}
)
#: Calls whose result is meant to replace one argument, by its position (the result has
#: that argument's structure, shapes and dtypes; a test runs each):
#: ``params = optax.apply_updates(params, updates)``.
REPLACED_ARGUMENT: dict[str, int] = {
    "jax.device_put": 0,
    "jax.numpy.clip": 0,
    "jax.numpy.nan_to_num": 0,
    "optax.apply_updates": 0,
    "optax.incremental_update": 1,
}


def only_returns(name: str, positional: int | None, keywords: frozenset[str] | None) -> bool:
    """Whether a call of ``name`` does nothing but compute the value it gives back, so that
    a statement dropping that value does nothing: one of jax's probed array functions
    called purely (:func:`is_pure_call`), or a call of ``RESULT_ONLY_CALLS`` without the
    keywords that give it another effect."""
    if name.startswith("jax.") and name in _PROBED:
        return is_pure_call(name, positional, keywords)
    effects = RESULT_ONLY_CALLS.get(name)
    return effects is not None and keywords is not None and not keywords & effects
