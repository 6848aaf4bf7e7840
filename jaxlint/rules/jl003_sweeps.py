"""JL003's question about a loop over settings written out in the code: a new program
per setting is meant (a sweep), not a wrapper rebuilt by mistake."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import BindingKind, Loop, SemanticModel, Site
from jaxlint.rules.jl003_per_call import loaded_names


def written_out(model: SemanticModel, iterable: cst.BaseExpression, site: Site) -> bool:
    """``iterable`` is a collection written out in the code: a display (``[1, 5, 10]``,
    ``(a, b)``), a name bound only to one, or ``zip``/``enumerate``/``reversed`` of one
    (``zip`` stops at its shortest argument)."""
    if isinstance(iterable, cst.List | cst.Tuple | cst.Set):
        return not any(isinstance(e, cst.StarredElement) for e in iterable.elements)
    if isinstance(iterable, cst.Name):
        found = model.reaching(iterable.value, site.scope, site.ordinal)
        bindings = found.bindings if found is not None else []
        return (
            len(bindings) == 1
            and bindings[0].kind is BindingKind.ASSIGN
            and isinstance(bindings[0].value, cst.List | cst.Tuple | cst.Set)
            and written_out(model, bindings[0].value, site)
        )
    if isinstance(iterable, cst.Call):
        called = model.called_name(iterable)
        values = [arg.value for arg in iterable.args if arg.keyword is None and not arg.star]
        if called in jf.SHORTEST_LENGTH_ITERATORS:
            return any(written_out(model, value, site) for value in values)
        if called in jf.SAME_LENGTH_ITERATORS and values:
            return written_out(model, values[0], site)
    return False


def built_from_iteration(model: SemanticModel, site: Site, wrapped: cst.BaseExpression) -> bool:
    """``wrapped`` (seen through transformation wrappers: ``jax.vmap(make(m))``) is a
    function a factory builds from what the loop changes on each iteration (``for m in
    molecules: jax.jit(make_orbitals(m))``): its loop variable, or a name the loop body
    binds from one. Each iteration is another program, and there is no one function to
    build outside the loop. Not a ``partial`` or a lambda, which only close over the
    value: that value could have been an argument of one compiled function."""
    while isinstance(wrapped, cst.Call) and model.called_name(wrapped) in jf.TRANSFORMS:
        positional = [arg for arg in wrapped.args if arg.keyword is None and not arg.star]
        if not positional:
            return False
        wrapped = positional[0].value
    if not isinstance(wrapped, cst.Call) or model.called_name(wrapped) == "functools.partial":
        return False
    varying = _changed_each_iteration(model, site)
    return any(loaded_names(arg.value) & varying for arg in wrapped.args)


def _changed_each_iteration(model: SemanticModel, site: Site) -> set[str]:
    """The targets of the loops around ``site``, and the names the innermost loop's body
    binds, before ``site``, from a value that reads one (``count = int(batch["n"])``)."""
    loop = site.loop
    varying: set[str] = set()
    while loop is not None:
        varying |= loop.targets
        loop = loop.parent
    inner = site.loop
    if inner is None:
        return varying
    bindings = sorted(
        (
            binding
            for found in site.scope.bindings.values()
            for binding in found
            if inner.contains(binding.ordinal) and binding.ordinal < site.ordinal
        ),
        key=lambda binding: binding.ordinal,
    )
    for binding in bindings:
        if binding.value is not None and loaded_names(binding.value) & varying:
            varying.add(binding.name)
    return varying


def compiled_per_setting(model: SemanticModel, site: Site, wrapped: cst.BaseExpression) -> bool:
    """``wrapped`` (seen through transformation wrappers) is a ``partial`` that binds, or a
    lambda that closes over, what the loop changes on each iteration (``partial(solve,
    y[b], sigmasq=sigmasq)`` in ``for sigmasq in sigmasqs``), and the wrapper is used
    more than once in that iteration (a warm-up call then timed repeats, calls in an
    inner loop): each iteration compiles its own program once and runs it many times.
    There is no one function to build outside the loop, and the compile is not wasted.
    Run once per build, the same wrapper is the compile-per-call bug: the changing value
    should be an argument of one compiled function."""
    while isinstance(wrapped, cst.Call) and model.called_name(wrapped) in jf.TRANSFORMS:
        positional = [arg for arg in wrapped.args if arg.keyword is None and not arg.star]
        if not positional:
            return False
        wrapped = positional[0].value
    closes = isinstance(wrapped, cst.Lambda)
    if not closes and not (
        isinstance(wrapped, cst.Call) and model.called_name(wrapped) == "functools.partial"
    ):
        return False
    if not loaded_names(wrapped) & _changed_each_iteration(model, site):
        return False
    return _used_again(model, site)


def _used_again(model: SemanticModel, site: Site) -> bool:
    """The wrapper ``site`` builds is bound to one name whose value is read, later in the
    same iteration, twice or more, or once inside a loop nested in that iteration."""
    loop, scope = site.loop, site.scope
    names = [n for n, bs in scope.bindings.items() if any(b.value is site.node for b in bs)]
    if loop is None or len(names) != 1:
        return False
    reads = [o for o in scope.loads.get(names[0], []) if o > site.ordinal and loop.contains(o)]
    if len(reads) > 1:
        return True
    inner = [
        other
        for _, other in model.loops
        if other.parent is not None and other.start > site.ordinal and _within(other, loop)
    ]
    return any(other.contains(read) for read in reads for other in inner)


def _within(inner: Loop, outer: Loop) -> bool:
    current = inner.parent
    while current is not None:
        if current is outer:
            return True
        current = current.parent
    return False
