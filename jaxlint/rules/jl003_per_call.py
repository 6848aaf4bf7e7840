"""JL003's question about a function that builds a wrapper on every call: whether it runs
the wrapper there, and whether what it wraps is the same program on every call."""

from __future__ import annotations

import libcst as cst

from jaxlint.model import BindingKind, CallSite, Scope, SemanticModel


def loaded_names(expr: cst.CSTNode) -> set[str]:
    """The names ``expr`` reads, when it runs or (in a lambda's body) when what it builds
    is called: not attribute names, keywords, or a lambda's own parameters."""
    found: set[str] = set()
    stack: list[tuple[cst.CSTNode, frozenset[str]]] = [(expr, frozenset())]
    while stack:
        node, own = stack.pop()
        if isinstance(node, cst.Name):
            if node.value not in own:
                found.add(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append((node.value, own))
        elif isinstance(node, cst.Arg):
            stack.append((node.value, own))
        elif isinstance(node, cst.Lambda):
            params = node.params
            every = (*params.posonly_params, *params.params, *params.kwonly_params)
            starred = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
            stack.extend((p.default, own) for p in every if p.default is not None)
            inner = own | {p.name.value for p in (*every, *starred)}
            stack.append((node.body, inner))
        else:
            stack.extend((child, own) for child in node.children)
    return found


def varies_per_call(model: SemanticModel, function: Scope, wrapped: cst.BaseExpression) -> bool:
    """What ``wrapped`` reads, the bodies of functions ``function`` defines included,
    has a name ``function`` binds (a parameter, a value it computes)."""
    pending, seen = list(loaded_names(wrapped)), set()
    while pending:
        name = pending.pop()
        if name in seen or name not in function.bindings:
            continue
        seen.add(name)
        defined = [b for b in function.bindings[name] if b.kind is BindingKind.DEF]
        if len(defined) != len(function.bindings[name]):
            return True
        inner = model.scope_of_node.get(id(defined[0].node))
        if inner is None:
            return True
        pending += [n for n in inner.loads if n not in inner.bindings]
    return False


def runs_here(site: CallSite) -> bool:
    """The wrapper ``site`` builds is called in its function: at once, or through the
    one name it is assigned to."""
    scope = site.scope
    if any(other.call.func is site.call for other in scope.calls):
        return True
    names = [n for n, bs in scope.bindings.items() if any(b.value is site.call for b in bs)]
    if len(names) != 1 or len(scope.bindings[names[0]]) != 1:
        return False
    return any(
        isinstance(other.call.func, cst.Name) and other.call.func.value == names[0]
        for other in scope.calls
    )
