"""The trigger vocabulary: syntactic evidence a file must show for a rule to report on it.

Each :class:`~jaxlint.rules.base.Rule` declares the triggers it needs (any one suffices);
:mod:`jaxlint.project.prefilter` decides from CPython's syntax tree which triggers a file
shows, over-approximately, and spares libcst a file where no enabled rule's trigger is
shown. The names say what is in the file, not which rule looks at it, so that a new rule
picks among them rather than adding a special case to the prefilter.
"""

from __future__ import annotations

import enum


class Trigger(enum.Enum):
    """Evidence in a file's syntax (names resolved through imports and aliases, in any
    scope, so a name may stand for more than it does)."""

    #: A function may be traced: a transformation, a configured traced decorator or a
    #: flax module base in a decorator, in the callee of a call with arguments or in a
    #: class's bases, or a ``defjvp``-style custom-rule registration.
    TRACED_CODE = "traced-code"
    #: An item assignment keyed by something other than a string (``x[i] = v``), with a
    #: JAX array possibly in sight: traced code, a JAX array namespace, array-making call
    #: or array annotation, or an ``.at`` attribute somewhere in the file.
    ARRAY_ITEM_STORE = "array-item-store"
    #: A ``jax.random`` name or a PRNG key annotation somewhere in the file.
    RANDOM_KEY_NAME = "random-key-name"
    #: ``x.at[i].set(v)`` (or another ``.at`` update) as an expression statement.
    AT_UPDATE_STATEMENT = "at-update-statement"
    #: A call as an expression statement: of a JAX array namespace's function or of a
    #: call whose result is all it does (``optax.apply_updates``), or of an array's
    #: method (``x.astype(...)``) with a JAX array possibly in sight (traced code, a JAX
    #: array namespace name, an array-making call or annotation, an ``.at`` attribute).
    ARRAY_CALL_STATEMENT = "array-call-statement"
    #: A ``for`` loop whose target name is rebound by an assignment (``p -= g``,
    #: ``p = p - g``), with a JAX array possibly in sight (as above, or a call whose
    #: result is all it does).
    LOOP_TARGET_UPDATE = "loop-target-update"
    #: A name from the JAX array namespaces (or another array source) and a list or tuple
    #: display or comprehension, both somewhere in the file.
    ARRAY_FUNCTION_AND_DISPLAY = "array-function-and-display"
    #: A clock read (``time.perf_counter``, ``timeit.default_timer``, ...) or a ``timeit``
    #: call somewhere in the file.
    CLOCK_READ = "clock-read"


#: Every trigger: what a file is taken to show when the prefilter cannot prove otherwise.
ALL_TRIGGERS: frozenset[Trigger] = frozenset(Trigger)
