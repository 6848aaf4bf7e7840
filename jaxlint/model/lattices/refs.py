"""Mutable refs: whether a value is a ``jax.new_ref``/Pallas ref or a flax NNX Variable,
written in place by design (a may-question: any binding that makes it one suffices)."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.records import BindingKind, Scope
from jaxlint.model.view import ModelView


def is_mutable_ref(model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool:
    """A ``jax.new_ref``/Pallas ref or a flax NNX Variable: written in place by design.

    A may-question (any binding that makes it a ref suffices), bounded in depth."""
    return _is_ref(model, expr, scope, ordinal, 0)


def _is_ref(
    model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int
) -> bool:
    if depth > _MAX_REF_DEPTH:
        return False
    if isinstance(expr, cst.Call):
        return model.qualified_name(expr.func, scope) in jf.REF_CALLS
    if isinstance(expr, cst.Name):
        if expr.value.endswith("_ref"):
            return True
        found = model.reaching(expr.value, scope, ordinal)
        if found is None:
            return False
        for binding in found.bindings:
            if binding.kind is BindingKind.PARAM and model.trace(binding.scope).ref_params:
                return True
            if binding.value is not None and _is_ref(
                model, binding.value, binding.scope, binding.ordinal, depth + 1
            ):
                return True
        return False
    if isinstance(expr, cst.Attribute) and (
        expr.attr.value == "ref" or expr.attr.value.endswith("_ref")
    ):
        return True  # `storage.ref`, `self.o_ref`: named as refs, like `x_ref`
    if (
        isinstance(expr, cst.Attribute)
        and expr.attr.value not in jf.ARRAY_ATTRIBUTES
        and (
            (
                isinstance(expr.value, cst.Name)
                and kernel_argument(model, expr.value, scope, ordinal, depth + 1)
            )
            # `metadata_ref.offsets` in a helper: a field of a struct of refs is a ref
            or _is_ref(model, expr.value, scope, ordinal, depth + 1)
        )
    ):
        return True  # `meta_ref.offsets`: a leaf of a pytree of refs a kernel receives
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        function = scope.enclosing_function()
        cls = function.enclosing_class() if function else None
        if cls is not None:
            for value, where, at in cls.instance_attrs.get(expr.attr.value, ()):
                if _is_ref(model, value, where, at, depth + 1):
                    return True
    return False


def kernel_argument(
    model: ModelView, expr: cst.Name, scope: Scope, ordinal: int, depth: int
) -> bool:
    """``expr`` may hold what a Pallas kernel receives: a ref, or a pytree of refs (a
    registered dataclass of refs, as a pytree of block or scratch specs gives). Named
    ``*_ref``, a parameter of a kernel, or a parameter that a call in this file passes
    one (``fill(meta_ref)`` from the kernel). A may-question, bounded in depth."""
    if depth > _MAX_REF_DEPTH:
        return False
    if expr.value.endswith("_ref"):
        return True
    found = model.reaching(expr.value, scope, ordinal)
    if found is None:
        return False
    for binding in found.bindings:
        if binding.kind is not BindingKind.PARAM:
            continue
        function = binding.scope
        if model.trace(function).ref_params:
            return True
        param = function.params.get(binding.name)
        if param is None or param.starred:
            continue
        for site in model.calls:
            if site.callee is not function:
                continue
            passed = site.argument(param)
            if isinstance(passed, cst.Name) and kernel_argument(
                model, passed, site.scope, site.ordinal, depth + 1
            ):
                return True
    return False


_MAX_REF_DEPTH = 10
