"""Whether the value a binding gives a name can ever be read (JL008's lost loop updates)."""

from __future__ import annotations

from jaxlint.model import Binding, BindingKind, Loop, SemanticModel


def _outermost_between(inner: Loop | None, stop: Loop | None) -> Loop | None:
    """The outermost loop around ``inner`` (``inner`` included) strictly inside ``stop``;
    None when ``inner`` is ``stop`` (or None)."""
    found = None
    loop = inner
    while loop is not None and loop is not stop:
        found = loop
        loop = loop.parent
    return found


def never_read_after(model: SemanticModel, binding: Binding, anchor: Loop) -> bool:
    """Whether no code can read the value ``binding`` gives its name, where ``anchor`` is
    the ``for`` loop that binds the name afresh before each pass of the loop's body that
    holds ``binding``. A read may see it when it comes later in the same scope (the rest
    of the pass, the loop's ``else``, the code after the loop), when it sits in a loop
    inside ``anchor`` that runs ``binding`` again, or in a loop around ``anchor`` outside
    it (the next pass of that loop reads the last value), or in a nested scope that sees
    the name (a closure). Reads in ``anchor``'s body before ``binding`` see the element
    the next pass binds, not this value; so do reads inside another loop that binds the
    name (``for p in ...`` again)."""
    scope = binding.scope
    name = binding.name
    if binding.code_scope is not scope or name in scope.globals or name in scope.nonlocals:
        return False
    inner = _outermost_between(binding.loop, anchor)
    outer = _outermost_between(anchor.parent, None)
    # Other loops (and comprehensions) that bind the name: a read inside one sees their
    # element, or what their body made of it.
    rebinding_loops = [
        b.loop
        for b in scope.bindings.get(name, ())
        if b.kind is BindingKind.FOR
        and b.loop is not None
        and b.loop is not anchor
        and not b.loop.contains(binding.ordinal)
    ]
    for load in scope.loads.get(name, ()):
        if any(loop.contains(load) for loop in rebinding_loops):
            continue
        if load > binding.ordinal:
            return False
        if inner is not None and inner.contains(load):
            return False
        if outer is not None and outer.contains(load) and not anchor.contains(load):
            return False
    for other in model.scopes:
        if other is scope or name not in other.loads:
            continue
        found = model.lookup(name, other)
        if found is not None and found.owner is scope:
            return False  # a closure, or a function reading the module's name
    return True
