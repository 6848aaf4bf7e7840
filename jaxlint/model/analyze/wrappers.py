"""Wrappers that trace anew: a compiling transformation applied, where it is bound, to a
new object (``jax.jit(jax.value_and_grad(loss))``, ``jax.jit(lambda p: loss(p))``) has a
trace cache of its own, so its first call traces again and reads module-level names as
they are then; ``jax.jit(loss)`` of the same ``loss`` shares ``loss``'s cache (JAX keys
its trace cache on the wrapped function object: ``tests/test_jit_cache_facts.py``)."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import Binding, SemanticModel


def fresh_wrapper_after(model: SemanticModel, binding: Binding, after: int) -> bool:
    """``binding``, made after ``after``, holds a compiling wrapper of a new object."""
    value = binding.value
    if binding.ordinal <= after or not isinstance(value, cst.Call) or not value.args:
        return False
    transform = jf.TRANSFORMS.get(model.called_name(value) or "")
    first = value.args[0]
    fresh = first.keyword is None and _new_object(model, first.value)
    return bool(transform and transform.compiles) and fresh


def _new_object(model: SemanticModel, expr: cst.BaseExpression) -> bool:
    """``expr`` makes a new function object each time it runs: a lambda, or a JAX
    transformation or ``functools.partial`` of something."""
    if isinstance(expr, cst.Lambda):
        return True
    if not isinstance(expr, cst.Call):
        return False
    name = model.called_name(expr) or ""
    return name in jf.TRANSFORMS or name == "functools.partial"


def compiled_wrapper(model: SemanticModel, name: str) -> bool:
    """Every module-level binding of ``name`` is a ``jax.jit``/``jax.pmap`` wrapper
    (``loss_grad_fn = jax.jit(jax.value_and_grad(loss))``): calling it gives arrays, never
    code (not ``equinox.filter_jit``, whose outputs may be any Python object)."""
    found = model.lookup(name, model.module_scope)
    if found is None or not found.bindings:
        return False
    return all(
        isinstance(b.value, cst.Call) and model.called_name(b.value) in jf.JIT_TRANSFORMS
        for b in found.bindings
    )


def wrapped_anew(model: SemanticModel) -> set[int] | None:
    """Where every compiling wrapper in the file wraps a new object (a lambda, or
    ``jax.jit(jax.value_and_grad(f))``: never ``jax.jit(f)`` or ``@jax.jit``, whose cache
    is ``f``'s own and outlives the wrapper), the ids of the calls that build those
    objects; else None."""
    for site in model.decorated_defs:
        for decorator in site.node.decorators:  # type: ignore[attr-defined]
            found = model.transform_of(decorator.decorator, site.scope)
            if found is not None and found[1].compiles:
                return None
    built: set[int] = set()
    for site in model.calls:
        transform = jf.TRANSFORMS.get(site.qualified_name or "")
        if transform is None or not transform.compiles:
            continue
        first = site.call.args[0] if site.call.args else None
        if first is None or first.keyword is not None or not _new_object(model, first.value):
            return None
        if isinstance(first.value, cst.Call):
            built.add(id(first.value))
    return built
