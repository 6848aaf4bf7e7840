"""What a call gives back, as the fact probes classify it (:mod:`jaxlint.facts.probes`)."""

from __future__ import annotations

import enum


class Returns(enum.Enum):
    """What one sample call of a function gave back."""

    ARRAY = "array"  # one jax.Array
    SEQUENCE = "sequence"  # a non-empty tuple or list of jax.Arrays
    OTHER = "other"  # anything else, or a pytree when given a pytree
