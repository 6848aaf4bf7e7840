"""The array facts the rules rely on, checked against the installed jax (as
``test_numpy_facts.py`` checks the NumPy ones): a fact table that nothing runs is a guess."""

from __future__ import annotations

import pytest

from jaxlint.facts import jaxfacts as jf

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


@pytest.mark.parametrize("attribute", sorted(jf.STATIC_ATTRIBUTES))
def test_a_static_attribute_is_readable_after_donation(attribute: str) -> None:
    # JL015 lets `params.shape` (and the rest) be read after `params` was donated.
    array = jnp.ones(3)
    array.delete()
    getattr(array, attribute)


@pytest.mark.parametrize("attribute", sorted(jf.STATIC_ATTRIBUTES))
def test_a_static_attribute_is_never_a_tracer(attribute: str) -> None:
    # Reading one in traced code gives a Python value (or no value at all: `sharding`
    # raises on a tracer), never a traced one.
    seen: list[object] = []

    def read(x: object) -> object:
        try:
            seen.append(getattr(x, attribute))
        except AttributeError:
            seen.append(None)
        return x

    jax.jit(read)(jnp.ones(3))
    assert not isinstance(seen[0], jax.core.Tracer)


@pytest.mark.parametrize("method", sorted(jf.BUFFER_STATE_METHODS))
def test_a_buffer_state_method_runs_after_donation(method: str) -> None:
    array = jnp.ones(3)
    array.delete()
    getattr(array, method)()


@pytest.mark.parametrize("method", sorted(jf.STRUCTURE_METHODS))
def test_a_structure_method_runs_after_the_leaves_are_donated(method: str) -> None:
    # JL015 lets `batch["inputs"].keys()` be read after `batch` was donated.
    batch = {"inputs": {"rgb": jnp.ones(3), "depth": jnp.zeros(3)}}
    jax.tree_util.tree_map(lambda leaf: leaf.delete(), batch)
    assert list(getattr(batch["inputs"], method)()) == ["rgb", "depth"]
    with pytest.raises(RuntimeError, match="deleted"):
        batch["inputs"]["rgb"] + 1  # the leaves themselves are gone


@pytest.mark.parametrize(("name", "kind"), sorted(jf.CONTAINER_CALLS.items()))
def test_a_container_call_builds_its_kind(name: str, kind: str) -> None:
    import builtins

    module, _, attribute = name.partition(".")
    assert module == "builtins"
    assert type(getattr(builtins, attribute)()).__name__ == kind
