"""What a call returns and whether it is pure, asked of the probed tables
(:mod:`jaxlint.facts.array_functions`): one answer per name, never a guess by module."""

from __future__ import annotations

from jaxlint.facts.array_functions import (
    ARRAY_FUNCTIONS,
    ARRAY_FUNCTIONS_BY_ARITY,
    ARRAY_SEQUENCE_FUNCTIONS,
    KIND_CHANGING_FLAGS,
)
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


def is_pure_call(name: str) -> bool:
    """Whether a call of ``name`` has no side effects: jax's probed array functions (jax
    computes new arrays), their NumPy namesakes, ``math`` and a few builtins."""
    return (
        name in _PROBED
        or name in NUMPY_NAMESAKES
        or name in PURE_BUILTINS
        or name.startswith(PURE_MODULES)
    )
