"""Mutable refs: whether a value is a ``jax.new_ref``/Pallas ref or a flax NNX Variable,
written in place by design. A may-question (any binding that makes it a ref suffices),
answered on evidence: YES for what a ref call made, a kernel's parameter (of a
transformation of KERNEL kind, facts/transforms.py), a field of the pytree of refs a
kernel receives, what a kernel passes on to a helper; UNKNOWN where only a name says so
(``x_ref``, ``self.o_ref``, ``storage.ref``): no claim either way; NO otherwise."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.records import BindingKind, Fact, Scope
from jaxlint.model.view import ModelView

YES, NO, UNKNOWN = Fact.YES, Fact.NO, Fact.UNKNOWN


def ref_fact(model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
    """Whether ``expr`` is a mutable ref: YES on evidence, UNKNOWN where only its name
    (or the name of what holds it) calls it one, NO otherwise. Bounded in depth."""
    return _ref(model, expr, scope, ordinal, 0)


def is_mutable_ref(model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool:
    """A ref by evidence (see :func:`ref_fact`)."""
    return ref_fact(model, expr, scope, ordinal) is YES


def _strongest(facts: list[Fact]) -> Fact:
    """The join of a may-question: a ref if one way makes it one, else unknown if a name
    says so on one way."""
    if YES in facts:
        return YES
    return UNKNOWN if UNKNOWN in facts else NO


def _named_ref(name: str) -> bool:
    return name.endswith("_ref")


def _ref(
    model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int
) -> Fact:
    if depth > _MAX_REF_DEPTH:
        return NO
    if isinstance(expr, cst.Call):
        return YES if model.qualified_name(expr.func, scope) in jf.REF_CALLS else NO
    if isinstance(expr, cst.Name):
        facts = [UNKNOWN if _named_ref(expr.value) else NO]
        found = model.reaching(expr.value, scope, ordinal)
        for binding in found.bindings if found is not None else ():
            if binding.kind is BindingKind.PARAM:
                # a kernel's parameter, or a helper's that a kernel hands one
                facts.append(kernel_argument(model, expr, scope, ordinal, depth + 1))
                if facts[-1] is YES:
                    return YES
            elif binding.value is not None:
                fact = _ref(model, binding.value, binding.scope, binding.ordinal, depth + 1)
                if fact is YES:
                    return YES
                facts.append(fact)
        return _strongest(facts)
    if not isinstance(expr, cst.Attribute):
        return NO
    attr = expr.attr.value
    facts = [UNKNOWN if attr == "ref" or _named_ref(attr) else NO]  # `storage.ref`, `self.o_ref`
    if attr not in jf.ARRAY_ATTRIBUTES:
        # `meta_ref.offsets`: a leaf of a pytree of refs a kernel receives, or, in a
        # helper, a field of a struct of refs.
        if isinstance(expr.value, cst.Name):
            facts.append(kernel_argument(model, expr.value, scope, ordinal, depth + 1))
        facts.append(_ref(model, expr.value, scope, ordinal, depth + 1))
    if isinstance(expr.value, cst.Name) and YES not in facts:
        function = scope.enclosing_function()
        cls = function.enclosing_class() if function else None
        if cls is not None:
            for value, where, at in cls.instance_attrs.get(attr, ()):
                facts.append(_ref(model, value, where, at, depth + 1))
                if facts[-1] is YES:
                    break
    return _strongest(facts)


def kernel_argument(
    model: ModelView, expr: cst.Name, scope: Scope, ordinal: int, depth: int
) -> Fact:
    """Whether ``expr`` may hold what a Pallas kernel receives: a ref, or a pytree of
    refs (a registered dataclass of refs, as a pytree of block or scratch specs gives).
    YES for a parameter of a kernel, or one that a call in this file passes such an
    argument (``fill(meta_ref)`` from the kernel); UNKNOWN where only a ``*_ref`` name
    says so. A may-question, bounded in depth."""
    if depth > _MAX_REF_DEPTH:
        return NO
    facts = [UNKNOWN if _named_ref(expr.value) else NO]
    found = model.reaching(expr.value, scope, ordinal)
    for binding in found.bindings if found is not None else ():
        if binding.kind is not BindingKind.PARAM:
            continue
        function = binding.scope
        if model.trace(function).ref_params:
            return YES
        param = function.params.get(binding.name)
        if param is None or param.starred:
            continue
        for site in model.calls:
            if site.callee is not function:
                continue
            passed = site.argument(param)
            if isinstance(passed, cst.Name):
                fact = kernel_argument(model, passed, site.scope, site.ordinal, depth + 1)
                if fact is YES:
                    return YES
                facts.append(fact)
    return _strongest(facts)


_MAX_REF_DEPTH = 10
