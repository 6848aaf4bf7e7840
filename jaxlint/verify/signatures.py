"""Input signatures of observed calls: what the retrace check counts traces by, and how a
signature is shown in a message (shapes and dtypes, not values)."""

from __future__ import annotations

import enum
import functools
from typing import Any

#: Where the tree structure starts in a signature (after the leaves).
STRUCTURE_MARK = "structure="


def byte_size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def is_array(leaf: Any) -> bool:
    import jax
    import numpy as np

    return isinstance(leaf, (jax.Array, np.ndarray))


@functools.cache
def dtype_name(dtype: Any) -> str:
    """`str(dtype)`, which numpy builds anew each time: this runs on every observed call."""
    return str(dtype)


def signature_of(leaves: list[Any], treedef: Any) -> str:
    """Shapes and dtypes of the arrays, the type of numbers and objects, and the value of
    flags (bool, str, None, enums): calls that differ only in a number passed as a static
    argument share a signature, so a counter that recompiles every step is seen."""
    parts = []
    for leaf in leaves:
        if is_array(leaf):
            shape = ",".join(str(size) for size in leaf.shape)
            parts.append(f"{dtype_name(leaf.dtype)}[{shape}]")
        elif leaf is None or isinstance(leaf, (bool, str, enum.Enum)):
            parts.append(repr(leaf))
        else:
            parts.append(type(leaf).__name__)
    # The structure tells apart calls whose leaves agree but whose pytrees do not; it is
    # left out of messages (`shown_signature`).
    return f"({', '.join(parts)}) {STRUCTURE_MARK}{treedef}"


def shown_signature(signature: str) -> str:
    return signature.split(f" {STRUCTURE_MARK}", 1)[0]
