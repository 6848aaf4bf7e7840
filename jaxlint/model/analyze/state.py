"""Where the state lives that traced code writes: containers outside the function, the
traces that own them, and the classes whose instances hold state."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import (
    Binding,
    BindingKind,
    Fact,
    Point,
    Scope,
    ScopeKind,
    SemanticModel,
    StoreSite,
)
from jaxlint.model.analyze.questions import frozen_class
from jaxlint.model.lattices.containers import display_kind
from jaxlint.syntax.literals import literal_string

#: Where a container lives that the inner trace of a nested transformation writes into.
INNER_TRACE = "enclosing traced function's"
#: The kinds of display that build a mutable container (a tuple is immutable).
MUTABLE_DISPLAYS = frozenset({"list", "dict", "set"})


def owner_in_same_trace(model: SemanticModel, name: str, function: Scope) -> bool:
    """A closure variable of an enclosing function that is itself traced lives and
    dies inside the same trace: writing it is ordinary local computation."""
    found = model.lookup(name, function.parent or model.module_scope)
    if found is None:
        return False
    owner = found.owner.enclosing_function()
    return owner is not None and model.trace(owner).staged


def outer_container(model: SemanticModel, name: str, function: Scope) -> str | None:
    """'module-level' or 'closed-over' when ``name`` is a mutable container defined
    outside ``function``; None for locals, parameters and unknown objects."""
    if model.is_local(name, function) and name not in function.globals:
        return None
    found = model.lookup(name, function)
    if found is None:
        return None
    owner, bindings = found
    if owner is function or owner.kind is ScopeKind.CLASS:
        return None
    if not all(
        mutable_container(model, b.value) or mutable_argument(model, owner, b) for b in bindings
    ):
        return None
    if owner.is_function and model.trace(owner).staged:
        if own_transformation(model, function):
            return INNER_TRACE
        return None  # created by the same trace
    return "module-level" if owner.kind is ScopeKind.MODULE else "closed-over"


def mutable_argument(model: SemanticModel, owner: Scope, binding: Binding) -> bool:
    """``binding`` is a parameter of the factory ``owner`` that every call of it in this
    file (one at least) passes a new mutable container: ``make([0.0])``. A function
    returned by the factory holds that container, state outside any call of it."""
    param = owner.params.get(binding.name) if binding.kind is BindingKind.PARAM else None
    if param is None or param.starred or not owner.is_function:
        return False
    calls = [site for site in model.calls if site.callee is owner]
    return bool(calls) and all(
        site.scope is not owner and mutable_container(model, site.argument(param)) for site in calls
    )


def own_transformation(model: SemanticModel, function: Scope) -> bool:
    """``function`` is handed to a transformation of its own (a `scan` body, a
    `remat`ed helper, a `vmap`ped closure): its tracers belong to that inner trace,
    and any that are stored in the enclosing function's containers leak out of it."""
    return any(kind.traces_arguments for kind in model.trace(function).direct_kinds)


def mutable_container(model: SemanticModel, value: cst.BaseExpression | None) -> bool:
    """A value that is a new mutable container: a list, dict or set display, a call of a
    mutable container's constructor, or a NumPy buffer."""
    if value is not None and display_kind(value) in MUTABLE_DISPLAYS:
        return True
    if isinstance(value, cst.Call):
        name = model.called_name(value) or ""
        # A NumPy array is a mutable buffer: `buf[i] = x` in traced code writes once,
        # at trace time (and a tracer cannot even be stored in it).
        return name in jf.MUTABLE_CONTAINER_CALLS or name in jf.NUMPY_BUFFER_CALLS
    return False


def stateful_plain_class(model: SemanticModel, cls: Scope | None) -> bool:
    """A class whose instances traced code could update in place: not frozen, and not a
    module of a system (flax, equinox, ...) whose transformations track that state."""
    if cls is None or frozen_class(model, cls):
        return False
    return not any(name.startswith(jf.MODULE_SYSTEM_PREFIXES) for name in model.base_names(cls))


def mutable_receiver(model: SemanticModel, expr: cst.BaseExpression, at: Point) -> bool:
    """``expr`` is, on every path to ``at``, a builtin mutable container (a list, dict or
    set display, a call of a mutable container's constructor, a NumPy buffer): only then
    does ``expr.update(...)``, ``.append(...)``, ``.pop()``, ... mutate it. An optimizer's
    ``tx.update(grads, state)`` or any other object's method of the same name returns a
    value; what it does to its receiver is unknown. Names follow the bindings that reach
    ``at``; ``self.attr`` and ``obj.attr`` (``obj`` an instance or an annotated
    parameter of a class of this file) what the class's methods store in the attribute."""
    if isinstance(expr, cst.Name):
        found = model.reaching(expr.value, at.scope, at.ordinal)
        if found is None or not found.bindings:
            return False
        return all(_binds_mutable(model, binding.kind, binding.value) for binding in found.bindings)
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        cls = (
            model.self_attribute_class(expr, at.scope)
            or model.instance_class(expr.value, at.scope)
            or model.annotated_class(expr, at.scope)
        )
        if cls is None:
            return False
        stores = cls.instance_attrs.get(expr.attr.value)
        return bool(stores) and all(
            _stores_mutable(model, value, where, ordinal) for value, where, ordinal in stores
        )
    return False


def _binds_mutable(
    model: SemanticModel, kind: BindingKind, value: cst.BaseExpression | None
) -> bool:
    return kind in (BindingKind.ASSIGN, BindingKind.ANNASSIGN) and mutable_container(model, value)


def _stores_mutable(
    model: SemanticModel, value: cst.BaseExpression, where: Scope, ordinal: int
) -> bool:
    if mutable_container(model, value):
        return True
    return model.container_fact(value, Point(where, ordinal), MUTABLE_DISPLAYS) is Fact.YES


def scratch_attribute(model: SemanticModel, attr: str) -> bool:
    """An attribute named ``attr`` is scratch: every store of one in the file is a
    method's own ``self.<attr> = ...`` that the method reads back, and every load is a
    ``self.<attr>`` of a method that stored it first (on an earlier line, not inside the
    first store's value, which is no ``+=``);
    nothing else touches the name (no class-level default, no other object's
    ``x.<attr>``, no ``getattr(x, "<attr>")``). No value then passes through the
    attribute from one call to another, nor out to other code: it is a local variable
    spelled on ``self``, and a traced method that writes it once, at trace time, leaves
    nothing anyone reads."""
    first_stores: dict[int, StoreSite] = {}
    for store in model.attribute_stores:
        target = store.target
        if not (isinstance(target, cst.Attribute) and target.attr.value == attr):
            continue
        method, cls = store.scope, store.scope.enclosing_class()
        first = method.self_param()
        if cls is None or first is None or attr in cls.bindings or attr in cls.class_annotations:
            return False
        if not (isinstance(target.value, cst.Name) and target.value.value == first.name):
            return False
        opening = first_stores.setdefault(id(method), store)
        if store.ordinal < opening.ordinal:
            first_stores[id(method)] = store
    if not first_stores or any(_names_attribute(model, site.call, attr) for site in model.calls):
        return False
    after_store: set[int] = set()
    for opening in first_stores.values():
        if isinstance(opening.statement, cst.AugAssign):
            return False  # ``self.n += 1`` first: it reads what an earlier call left
        inside = {id(node) for node in _attributes_in(getattr(opening.statement, "value", None))}
        line = model.line_of(opening.statement)
        read_back = [
            id(node)
            for node in opening.scope.instance_reads.get(attr, ())
            if id(node) not in inside and model.line_of(node) > line
        ]
        if not read_back:
            return False  # written for others to read (``self.shadow = ...``): an output
        after_store.update(read_back)
    return all(id(node) in after_store for node in model.attribute_loads.get(attr, ()))


def _names_attribute(model: SemanticModel, call: cst.Call, attr: str) -> bool:
    """``getattr(x, "<attr>")`` and its kin (see ``NAMED_ATTRIBUTE_CALLS``)."""
    if model.called_name(call) not in jf.NAMED_ATTRIBUTE_CALLS or len(call.args) < 2:
        return False
    return literal_string(call.args[1].value) == attr


def _attributes_in(node: cst.CSTNode | None) -> Iterator[cst.Attribute]:
    """The attribute nodes inside one statement's value."""
    if node is None:
        return
    if isinstance(node, cst.Attribute):
        yield node
    for child in node.children:
        yield from _attributes_in(child)
