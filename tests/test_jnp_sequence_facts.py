"""The ``jax.numpy`` facts JL012 rests on, established by calling every listed function
with a Python list in each listed position, with the installed jax."""

from __future__ import annotations

from typing import Any

import pytest

from jaxlint.facts import jaxfacts as jf

jnp = pytest.importorskip("jax.numpy")


def _function(name: str) -> Any:
    found: Any = jnp
    for part in name.split("."):
        found = getattr(found, part)
    return found


REJECTING = [
    pytest.param(name, position, id=f"{name}-{position}")
    for name, positions in sorted(jf.JNP_REJECTS_SEQUENCES.items())
    for position in positions
]


#: The further arguments some functions need after their array arguments.
EXTRA: dict[str, tuple[Any, ...]] = {
    "broadcast_to": ((3,),),
    "reshape": ((3,),),
    "tile": (2,),
    "repeat": (2,),
    "take": (0,),
    "moveaxis": (0, 0),
    "swapaxes": (0, 0),
    "roll": (1,),
    "full_like": (0.0,),
    "tensordot": (1,),
    "expand_dims": (0,),
    "pad": (1,),
}


@pytest.mark.parametrize(("name", "position"), REJECTING)
def test_listed_function_rejects_a_list(name: str, position: int) -> None:
    positions = jf.JNP_REJECTS_SEQUENCES[name]
    arguments: list[Any] = [jnp.ones(3) for _ in range(max(positions) + 1)]
    arguments[position] = [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="requires ndarray or scalar arguments"):
        _function(name)(*arguments, *EXTRA.get(name, ()))


@pytest.mark.parametrize("name", sorted(jf.JNP_ACCEPTS_SEQUENCES))
def test_listed_function_accepts_a_list(name: str) -> None:
    result = _function(name)([jnp.ones(3), jnp.ones(3)])
    assert result.size == 6


def test_the_two_lists_do_not_overlap() -> None:
    assert not set(jf.JNP_REJECTS_SEQUENCES) & jf.JNP_ACCEPTS_SEQUENCES
