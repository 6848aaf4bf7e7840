"""JL005's questions about where a key goes: calls that take a key without drawing from
it, and two uses that sit on separate paths of one call (the value arguments of a
select, the branches of ``lax.cond``)."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import CallSite, Fact, Scope, SemanticModel
from jaxlint.rules.jl005_key_split import KeyUse
from jaxlint.syntax.blocks import path_to


def stores_or_only_traces(call: cst.Call, name: str | None) -> bool:
    """A call that takes a key without drawing from it: it stores its keywords as fields
    of a record's copy (``state.replace(rng=rng)``), or traces its function only for
    shapes (``jax.eval_shape(init, rng=rng)``)."""
    if name is not None and name in jf.FIELD_STORING_CALLS | jf.SHAPE_ONLY_CALLS:
        return True
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value in jf.FIELD_STORING_METHODS


def selected_apart(scope: Scope, first: KeyUse, second: KeyUse) -> bool:
    """The two uses sit in different value arguments of one call that picks each element
    of its result from one of them (``lax.select(c, normal(key), uniform(key))``): no
    element of what it gives holds both draws, so their shared bits never meet."""
    for site in scope.calls:
        start = jf.ELEMENTWISE_SELECTS.get(site.qualified_name or "")
        if start is None:
            continue
        values = [arg.value for arg in site.call.args[start:] if not arg.keyword and not arg.star]
        holders = [
            next((i for i, value in enumerate(values) if path_to(value, use.site.node)), None)
            for use in (first, second)
        ]
        if None not in holders and holders[0] != holders[1]:
            return True
    return False


def branches_apart(model: SemanticModel, scope: Scope, first: KeyUse, second: KeyUse) -> bool:
    """The two uses make different branches of one ``lax.cond``/``lax.switch``
    (``cond(p, partial(f, key=key), partial(g, key=key))``, or names bound to such
    partials): one branch runs, so only one of the draws reaches the result."""
    for site in scope.calls:
        name = site.qualified_name or ""
        if name not in jf.ALTERNATIVE_BRANCHES:
            continue
        positional = [arg.value for arg in site.call.args if not arg.keyword and not arg.star]
        branches: list[cst.BaseExpression] = []
        for index in jf.TRANSFORMS[name].function_args:
            if index < len(positional):
                given = positional[index]
                displayed = isinstance(given, cst.List | cst.Tuple)
                branches += [e.value for e in given.elements] if displayed else [given]
        holders = [_branch_of(model, site, branches, use) for use in (first, second)]
        if None not in holders and holders[0] != holders[1]:
            return True
    return False


def _branch_of(
    model: SemanticModel, site: CallSite, branches: list[cst.BaseExpression], use: KeyUse
) -> int | None:
    """Which of ``branches`` holds ``use``: written in it, or bound once to a name it is."""
    for index, branch in enumerate(branches):
        if path_to(branch, use.site.call):
            return index
        if isinstance(branch, cst.Name):
            found = model.reaching(branch.value, site.scope, site.ordinal)
            bindings = found.bindings if found is not None else []
            value = bindings[0].value if len(bindings) == 1 else None
            if value is not None and path_to(value, use.site.call):
                return index
    return None


def leaf_mapping(model: SemanticModel, site: CallSite, name: str) -> CallSite | None:
    """The ``jax.tree.map(f, tree)`` call that applies the function around ``site`` to
    every leaf of a tree, where that function consumes the key ``name`` of an enclosing
    scope and never rebinds it: every leaf's call draws from the same key (``tree_map(
    lambda g: g + normal(rng, g.shape), grads)``). Not where every tree mapped is one
    array (one leaf, one draw). Only for a ``jax.random`` draw of values written in the
    function: not ``permutation`` or ``choice`` (one order for every leaf keeps a batch
    aligned), not ``split`` or a helper, which may do either."""
    name = site.qualified_name or ""
    if not name.startswith("jax.random.") or name in jf.RANDOM_SELECTING:
        return None
    if name in jf.KEY_MAKING_CALLS:
        return None
    function = site.scope
    if not function.is_function or name in function.bindings:
        return None
    if name in function.globals or name in function.nonlocals:
        return None
    callers = model.trace(function).leaf_callers
    for caller in callers:
        trees = [arg.value for arg in caller.call.args[1:] if arg.keyword is None and not arg.star]
        if not trees or any(arg.star for arg in caller.call.args[1:]):
            continue
        if all(model.array_fact(tree, caller) is Fact.YES for tree in trees):
            continue  # one leaf: one call
        return caller
    return None


def per_leaf_message(model: SemanticModel, name: str, consumer: str, mapping: CallSite) -> str:
    """JL005's words for a key drawn from once per leaf of ``mapping``'s tree."""
    return (
        f"PRNG key `{name}` is consumed by {consumer} in a function that "
        f"`{mapping.qualified_name}` on {model.line_name(mapping.node)} calls once per leaf, "
        f"but it is never split there: every leaf draws the same random bits; map over a "
        f"tree of keys too (`jax.random.split({name}, n)` unflattened like the tree)"
    )
