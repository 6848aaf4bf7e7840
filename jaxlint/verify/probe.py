"""What every runtime check shares: the report, messages, and calling a function afresh
under `jax.jit` on copies of its arguments."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxlint.verify.result import CHECK_NAMES, SKIP

MESSAGE_LIMIT = 400


@dataclass
class CheckReport:
    """Statuses and messages for the checks of one function."""

    checks: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CHECK_NAMES, SKIP))
    messages: dict[str, str] = field(default_factory=dict)

    def set(self, check: str, status: str, message: str | None = None) -> None:
        self.checks[check] = status
        if message:
            self.messages[check] = message
        else:
            self.messages.pop(check, None)


def describe_exception(error: BaseException) -> str:
    """`TypeName: first line of the message`, short enough for a table row."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return shorten(text)


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_array(leaf: Any) -> bool:
    return isinstance(leaf, (jax.Array, np.ndarray, np.generic))


def fresh_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Copies of the array arguments, so a function that mutates or donates one cannot
    change what the next call sees."""

    def copy(leaf: Any) -> Any:
        if isinstance(leaf, np.ndarray):
            return leaf.copy()
        if isinstance(leaf, jax.Array):
            return jnp.array(leaf, copy=True)
        return leaf

    return jax.tree_util.tree_map(copy, args)


def jit_wrapper(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Callable[..., Any], list]:
    """A fresh `jax.jit` of `fn` that traces the array arguments and holds every other
    leaf (Python scalars, strings, objects) fixed, as `static_argnums` would."""
    leaves, treedef = jax.tree_util.tree_flatten(args)
    array_positions = [i for i, leaf in enumerate(leaves) if is_array(leaf)]

    def call_with_arrays(*arrays: Any) -> Any:
        merged = list(leaves)
        for position, array in zip(array_positions, arrays, strict=True):
            merged[position] = array
        return fn(*jax.tree_util.tree_unflatten(treedef, merged))

    def arrays_of(call_args: tuple[Any, ...]) -> list:
        call_leaves = jax.tree_util.tree_leaves(call_args)
        return [call_leaves[i] for i in array_positions]

    return jax.jit(call_with_arrays), arrays_of  # type: ignore[return-value]


_fresh_context: Any = None
_fresh_values = itertools.count()


def prepare_fresh_traces() -> None:
    """Create the context `fresh_traces` keys on. Creating one lengthens every cache key,
    so that each program compiled before compiles again once: the pytest plugin calls this
    before the tests compile anything."""
    global _fresh_context
    make_context = getattr(jax, "make_user_context", None)
    if _fresh_context is None and make_context is not None:
        _fresh_context = make_context(None)


@contextlib.contextmanager
def fresh_traces() -> Iterator[None]:
    """Within it, every jitted function traces afresh: its body and those of the jitted
    functions it calls run again, as the probes that watch trace time (leaks, keys,
    effects) need. It keys jax's caches on a value never used before (a user context,
    which jax adds to its tracing and compilation keys) instead of clearing them: clearing
    every cache (`jax.clear_caches`) makes each later call of every function and primitive
    compile again, which was most of the plugin's cost on a real suite. Eager operations
    started outside it keep their compiled programs."""
    prepare_fresh_traces()
    if _fresh_context is None:  # an older jax: the blunt way
        jax.clear_caches()
        yield
        return
    with _fresh_context(("jaxlint-verify", next(_fresh_values))):
        yield


def trace_or_call(jitted: Any, arrays: list[Any]) -> Any:
    """Trace `jitted` without compiling it where jax can (`.trace`), else call it: for
    probes that look at trace time only (the leak and key-reuse checkers)."""
    trace = getattr(jitted, "trace", None)
    if trace is not None:
        return trace(*arrays)
    return block(jitted(*arrays))


def block(output: Any) -> Any:
    """Wait for the device, and for `jax.debug.print` callbacks, before reading stdout."""
    with contextlib.suppress(Exception):
        jax.block_until_ready(output)
    with contextlib.suppress(Exception):
        jax.effects_barrier()
    return output


# --- module state ------------------------------------------------------------------------
