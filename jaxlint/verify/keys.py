"""The `keys` check: jax's key-reuse checker on a fresh jit of the function."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxlint.verify.probe import (
    CheckReport,
    describe_exception,
    fresh_traces,
    jit_wrapper,
    shorten,
    trace_or_call,
)
from jaxlint.verify.result import FAIL, PASS, SKIP

RAW_KEYS_UNSEEN = (
    "raw uint32 keys used as plain arrays: their reuse cannot be seen "
    "(jax's checker tracks typed keys, made with jax.random.key)"
)


def _key_data_shape() -> tuple[int, ...]:
    return tuple(jax.random.key_data(jax.random.key(0)).shape)


def _is_raw_key(leaf: Any, key_shape: tuple[int, ...]) -> bool:
    """A uint32 array shaped like the default PRNG's key data (or a batch of them)."""
    return (
        isinstance(leaf, (jax.Array, np.ndarray))
        and leaf.dtype == np.uint32
        and tuple(leaf.shape[-len(key_shape) :]) == key_shape
        and not jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key)
    )


def _promote_raw_keys(args: tuple[Any, ...]) -> tuple[tuple[Any, ...], int]:
    """`args` with raw key arguments wrapped as typed keys, and how many were wrapped."""
    key_shape = _key_data_shape()
    promoted = 0

    def promote(leaf: Any) -> Any:
        nonlocal promoted
        if _is_raw_key(leaf, key_shape):
            promoted += 1
            return jax.random.wrap_key_data(jnp.asarray(leaf))
        return leaf

    return jax.tree_util.tree_map(promote, args), promoted


@contextlib.contextmanager
def _typed_legacy_keys(module: types.ModuleType | None) -> Iterator[None]:
    """`jax.random.PRNGKey` made to return typed keys (which every `jax.random` function
    accepts), so that the checker can follow keys the function creates itself."""
    original = jax.random.PRNGKey

    def typed_key(seed: Any, impl: Any = None) -> Any:
        return jax.random.key(seed, impl=impl)

    aliases = (
        [name for name, value in vars(module).items() if value is original]
        if module is not None
        else []
    )
    jax.random.PRNGKey = typed_key  # type: ignore[assignment]
    for name in aliases:
        setattr(module, name, typed_key)
    try:
        yield
    finally:
        jax.random.PRNGKey = original  # type: ignore[assignment]
        for name in aliases:
            setattr(module, name, original)


def _key_reuse_call(fn: Callable[..., Any], args: tuple[Any, ...]) -> BaseException | None:
    """A fresh trace of `fn` under jax's key-reuse checker (which judges the traced
    program); the error it raised."""
    jitted, arrays_of = jit_wrapper(fn, args)
    arrays = arrays_of(args)
    try:
        with fresh_traces(), jax.debug_key_reuse(True):
            trace_or_call(jitted, arrays)
    except Exception as error:
        return error
    return None


def check_keys(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    module: types.ModuleType | None,
    report: CheckReport,
    jit_error: str | None,
) -> None:
    """jax's key-reuse checker (`jax.debug_key_reuse`) on a fresh jit of the function.

    The checker follows typed keys only. Raw uint32 keys, passed in or made with
    `jax.random.PRNGKey`, are checked as typed keys where the function accepts those
    (it only hands them to `jax.random`); where it does not, the message says so.
    """
    reuse_error = getattr(jax.errors, "KeyReuseError", None)
    if reuse_error is None or not hasattr(jax, "debug_key_reuse"):
        report.set("keys", SKIP, f"this jax ({jax.__version__}) has no key-reuse checker")
        return
    typed_args, promoted = _promote_raw_keys(args)
    with _typed_legacy_keys(module):
        error = _key_reuse_call(fn, typed_args)
    note = None
    if error is not None and not isinstance(error, reuse_error):
        # The function treats its raw keys as arrays: check it as it is.
        note = RAW_KEYS_UNSEEN
        error = _key_reuse_call(fn, args)
    if error is None:
        report.set("keys", PASS, note)
    elif isinstance(error, reuse_error):
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        detail = " ".join(line for line in lines[:2] if not line.startswith("See https://"))
        raw = " (raw keys, checked as typed keys)" if promoted and note is None else ""
        report.set("keys", FAIL, shorten(f"a PRNG key is used twice{raw}: {detail}"))
    elif jit_error is None:
        report.set("keys", FAIL, f"under jax.jit: {describe_exception(error)}")
    else:
        report.set("keys", SKIP, "not run: the function does not jit")
