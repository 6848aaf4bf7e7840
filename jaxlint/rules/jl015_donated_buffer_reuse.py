"""JL015 donated-buffer-reuse: an array read again after it was donated to a jitted call."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Fact, Param, ScopeKind, SemanticModel, Site
from jaxlint.model.analyze.jitted import (
    ArgumentOption,
    calls_of,
    immediate_calls_of,
    jitted_options,
    selected_arguments,
)
from jaxlint.model.records import argument_for
from jaxlint.rules.base import Rule
from jaxlint.rules.jl015_examples import INVALID, VALID
from jaxlint.rules.triggers import Trigger


def _reads(expr: cst.BaseExpression, name: str) -> cst.Name | None:
    """Where ``expr`` reads the value of ``name`` (not only its shape or dtype)."""
    if isinstance(expr, cst.Name):
        return expr if expr.value == name else None
    if isinstance(expr, cst.Attribute):
        if expr.attr.value in jf.STATIC_ATTRIBUTES | jf.BUFFER_STATE_METHODS:
            return None
        if expr.attr.value in jf.STRUCTURE_METHODS:
            return None  # `batch["inputs"].keys()`: the dict's keys, not its arrays
        return _reads(expr.value, name)
    children: list[cst.BaseExpression] = []
    if isinstance(expr, cst.Subscript):
        children.append(expr.value)
    elif isinstance(expr, cst.BinaryOperation | cst.BooleanOperation):
        children += [expr.left, expr.right]
    elif isinstance(expr, cst.UnaryOperation):
        children.append(expr.expression)
    elif isinstance(expr, cst.Call):
        children.append(expr.func)
        children += [arg.value for arg in expr.args]
    elif isinstance(expr, cst.Tuple | cst.List):
        children += [element.value for element in expr.elements]
    for child in children:
        found = _reads(child, name)
        if found is not None:
            return found
    return None


def holds(model: SemanticModel, site: CallSite, holder: str, argument: cst.Name) -> bool:
    """At ``site``, local ``holder`` is a container that holds the JAX array ``argument``
    names itself: bound once, before, to a display with it among the values, or to a call
    of a local function every return of which is a display holding the parameter that
    the call passes it for; not rebound since."""
    scope, held = site.scope, argument.value
    found = model.reaching(holder, scope, site.ordinal)
    if found is None or found.owner is not scope or len(found.bindings) != 1:
        return False
    binding = found.bindings[0]
    value = binding.value
    if binding.kind is not BindingKind.ASSIGN or value is None or binding.ordinal > site.ordinal:
        return False
    if model.bound_between(held, scope, binding.ordinal, site.ordinal):
        return False
    if model.array_fact(argument, site) is not Fact.YES:
        return False
    if _displays(value, held):
        return True
    if not isinstance(value, cst.Call) or any(arg.star for arg in value.args):
        return False
    callee = model.function_of(value.func, scope)
    if callee is None or callee.enclosing_class() is not None or not callee.returns:
        return False
    for param in callee.params.values():
        passed = argument_for(param, value, 0)
        if not (isinstance(passed, cst.Name) and passed.value == held):
            continue
        if len(callee.bindings.get(param.name, ())) != 1:
            return False  # rebound inside the helper
        return all(
            returned is not None and _displays(returned, param.name)
            for returned, _ in callee.returns
        )
    return False


def _displays(expr: cst.BaseExpression, name: str) -> bool:
    """``expr`` is a dict, list or tuple display (nested ones too) with ``name`` itself
    among its values."""
    if isinstance(expr, cst.Dict):
        values = [e.value for e in expr.elements if isinstance(e, cst.DictElement)]
    elif isinstance(expr, cst.List | cst.Tuple):
        values = [e.value for e in expr.elements if not isinstance(e, cst.StarredElement)]
    else:
        return False
    return any((isinstance(v, cst.Name) and v.value == name) or _displays(v, name) for v in values)


def _passed_again(site: CallSite, donated: cst.Name) -> cst.BaseExpression | None:
    """Another argument of the call at ``site`` that is the donated name itself, or a
    display holding it: ``f(x, x)``, ``f(x, (x, y))``. XLA refuses a buffer read after
    it was donated in the same call, whichever argument is donated."""
    for arg in site.call.args:
        value = arg.value
        if value is donated:
            continue
        if (isinstance(value, cst.Name) and value.value == donated.value) or _displays(
            value, donated.value
        ):
            return value
    return None


def _maps_without_reading(site: CallSite) -> bool:
    """``jax.tree.map(lambda h: h.delete(), batch)``: the mapped lambda uses each leaf it
    is given only for its metadata or buffer state, so the trees are not read."""
    leaf = jf.TREE_MAP_CALLS.get(site.qualified_name or "")
    function = site.call.args[0].value if site.call.args else None
    if leaf is None or not isinstance(function, cst.Lambda):
        return False
    params = function.params
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None:
        return False
    leaves = params.params[leaf:]
    return bool(leaves) and all(_reads(function.body, p.name.value) is None for p in leaves)


def _iterator_element(model: SemanticModel, value: cst.BaseExpression | None) -> bool:
    """``value`` is ``next(it)``: an element of an iterator, which in a data pipeline is
    a host (NumPy) batch as often as a device one."""
    return isinstance(value, cst.Call) and model.called_name(value) == "builtins.next"


def _maybe_host_batch(model: SemanticModel, site: CallSite, name: str) -> bool:
    """``name`` may hold host data at ``site``: some binding that reaches it takes an
    iterator's element (``batch = next(it)``, or a part of what a local helper returns
    as ``return next(it), task``), and nothing shows it to be a JAX array. Donating a
    NumPy array donates the device copy made for the call; the NumPy array stays
    readable (tests/test_donation_facts.py), so a later read fails only if it was one."""
    if model.array_fact(cst.Name(name), site) is Fact.YES:
        return False
    found = model.reaching(name, site.scope, site.ordinal)
    for binding in found.bindings if found is not None else ():
        value = binding.value
        if binding.kind in (BindingKind.ASSIGN, BindingKind.WALRUS):
            if _iterator_element(model, value):
                return True
        if binding.kind is not BindingKind.UNPACK or binding.position is None:
            continue
        if not isinstance(value, cst.Call):
            continue
        helper = model.function_of(value.func, binding.code_scope)
        if helper is None or not helper.returns:
            continue
        position = binding.position
        if all(
            isinstance(returned, cst.Tuple)
            and len(returned.elements) > position
            and _iterator_element(model, returned.elements[position].value)
            for returned, _ in helper.returns
        ):
            return True
    return False


class DonatedBufferReuse(Rule):
    code = "JL015"
    name = "donated-buffer-reuse"
    summary = "An array read again after it was donated to a jitted function"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for calls of a function jitted with `donate_argnums` or `donate_argnames`
        (in this module or, through the project index, in the linted module it is
        imported from) whose donated argument is a local name that is read again later
        in the same function (or, in a script, at module level) before it is rebound:
        passed to another call, returned, or donated again on the next iteration of a
        loop.

        A host function that passes its own parameter, as it came, to such a call on
        every call (or under `if flag:` where the call leaves or sets `flag` to `True`)
        donates it too: its callers are checked as callers of the jitted function are.

        A module-level `step = jax.jit(step, donate_argnums=0)` after `def step` is
        decorating by rebinding: calls of `step` in function bodies donate, and so does
        a transform called where it is made, `jax.jit(step, donate_argnums=0)(state, b)`.
        Also flagged: two donated arguments of one call that share an array (`opt_state =
        {"z": params}`, or a local helper returning `params` in a display, donated with
        `params`), and a JAX array donated and passed again in the same call (`f(x, x)`
        with only `x`'s first position donated).
        The usual form, `state = train_step(state, batch)`, rebinds the name to the result
        and is fine, and so is reading only the metadata (`x.shape`, `x.dtype`) or a donated
        dict's keys (`batch.keys()`). A batch taken from an iterator (`batch = next(it)`,
        or returned so by a local helper) and not shown to be a JAX array may be host
        (NumPy) data, whose donation frees only the device copy: not flagged.
        """
    why_bad = """
        Donation hands the argument's buffer to XLA for the outputs: after the call the
        array is deleted, and any use of it raises `RuntimeError: Array has been deleted`
        (on GPU and TPU; the CPU backend ignores donation with a warning, so the code
        passes tests on a laptop and fails on the accelerator).
        """
    example = """
        from functools import partial
        import jax

        @partial(jax.jit, donate_argnums=0)
        def update(params, grads):
            return jax.tree.map(lambda p, g: p - 0.1 * g, params, grads)

        def train(params, grads):
            new_params = update(params, grads)
            return new_params, params  # params was donated: deleted
        """
    use_instead = """
        from functools import partial
        import jax

        @partial(jax.jit, donate_argnums=0)
        def update(params, grads):
            return jax.tree.map(lambda p, g: p - 0.1 * g, params, grads)

        def train(params, grads):
            params = update(params, grads)
            return params
        """
    fix_safety = "There is no automatic fix: keep a copy, or stop donating the argument."
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        donations = jitted_options(model, "donate_argnums", "donate_argnames")
        immediate = immediate_calls_of(model, "donate_argnums", "donate_argnames")
        for site, donation in itertools.chain(calls_of(model, donations), immediate):
            if site.scope.kind is ScopeKind.CLASS or site.scope.enclosing_function() not in (
                site.scope,
                None,
            ):
                continue  # a function's or a script's own statements, in order
            if model.trace(site.scope).stages_constants:
                continue  # staged into an outer jaxpr (scan, cond, jit): nothing is donated
            names = [v for v in selected_arguments(site, donation) if isinstance(v, cst.Name)]
            for name in names:
                diagnostic = self.reused(model, site, name.value, donation)
                if diagnostic is not None:
                    yield diagnostic
            yield from self.donated_twice(model, site, names, donation)
            for outer, name, through in self.through_wrapper(model, site, names):
                diagnostic = self.reused(model, outer, name, through)
                if diagnostic is not None:
                    yield diagnostic

    @staticmethod
    def through_wrapper(
        model: SemanticModel, site: CallSite, names: list[cst.Name]
    ) -> Iterator[tuple[CallSite, str, ArgumentOption]]:
        """Calls of the host function around ``site`` that donate their own arguments
        through it: ``site`` passes a parameter as it came (a donated name), runs on every
        call (no return before it; at most under ``if flag:``, a parameter that the call
        leaves or sets to the literal ``True``)."""
        function = site.scope
        if not function.is_function or site.loop is not None or model.trace(function).traced:
            return
        if any(o < site.ordinal and v is not site.call for v, o in function.returns):
            return  # a path that returns before it
        flag: Param | None = None
        branch = site.branch
        if branch is not None:
            test = getattr(branch.node, "test", None)
            if branch.parent is not None or branch.index != 0 or not isinstance(test, cst.Name):
                return
            flag = function.params.get(test.value)
            if flag is None or len(function.bindings[flag.name]) != 1:
                return
        donated = [
            function.params[name.value]
            for name in names
            if name.value in function.params and len(function.bindings[name.value]) == 1
        ]
        option = ArgumentOption(function.name, frozenset(), frozenset())
        for outer in model.calls_reaching(function) if donated else ():
            if flag is not None:
                value = outer.argument(flag)
                if not (isinstance(value, cst.Name) and value.value == "True"):
                    continue
            for param in donated:
                passed = outer.argument(param)
                if isinstance(passed, cst.Name) and passed is not param.default:
                    yield outer, passed.value, option

    def donated_twice(
        self, model: SemanticModel, site: CallSite, names: list[cst.Name], donation: ArgumentOption
    ) -> Iterator[Diagnostic]:
        """Two donated arguments that share a buffer: ``state = {"z": params}`` (or a
        local helper that returns its argument in a display) donated with ``params``."""
        for argument in names:
            again = _passed_again(site, argument)
            if again is not None and model.array_fact(argument, site) is Fact.YES:
                yield Diagnostic(
                    self.code,
                    again,
                    f"`{argument.value}` is donated to `{donation.name}` and passed again in "
                    "the same call: the call raises `INVALID_ARGUMENT` (a buffer used after "
                    "its donation in the call); pass a copy "
                    f"(`jnp.array({argument.value}, copy=True)`) or do not donate it",
                )
                return
        for holder in names:
            for argument in names:
                held = argument.value
                if held != holder.value and holds(model, site, holder.value, argument):
                    yield Diagnostic(
                        self.code,
                        site.call,
                        f"`{held}` is donated twice to `{donation.name}`: `{holder.value}` holds the "
                        "same array, and the call raises `INVALID_ARGUMENT` (one buffer "
                        "donated twice, or used after its donation in the call); pass a copy "
                        f"(`jnp.array({held}, copy=True)`) or donate only one of them",
                    )
                    return

    def reused(
        self, model: SemanticModel, site: CallSite, name: str, donation: ArgumentOption
    ) -> Diagnostic | None:
        scope = site.scope
        if not model.is_local(name, scope):
            return None
        bindings = scope.bindings[name]
        if any(binding.value is site.call for binding in bindings):
            return None  # `x = f(x)`: rebound to the result
        if _maybe_host_batch(model, site, name):
            return None  # the donated buffer may be only the device copy of a host batch
        where = (
            f"`{name}` was donated to `{donation.name}` at {model.line_name(site.call)} "
            "(its buffer is deleted: on GPU/TPU this raises `RuntimeError: Array has been "
            "deleted`)"
        )
        advice = f"rebind it from the result (`{name} = {donation.name}(...)`), or do not donate it"
        later: list[tuple[Site, cst.BaseExpression]] = [
            # the module's calls too: a script donates at top level (`f_jit(buf); f_jit(buf)`)
            (other, other.call)
            for other in (scope.calls if scope.is_function else model.calls)
            if other.scope is scope and other.ordinal > site.ordinal
        ]
        if site.branch is None:
            # returns carry no branch: only when the donation runs on every path
            later += [
                (Site(scope, ordinal, value), value)
                for value, ordinal in scope.returns
                if value is not None and ordinal > site.ordinal
            ]
        later.sort(key=lambda pair: pair[0].ordinal)
        for other, expr in later:
            if model.bound_between(name, scope, site.ordinal, other.ordinal):
                break
            if other is not site and isinstance(other, CallSite) and other.call is site.call:
                continue
            if not isinstance(other, CallSite) or model.reaches(site, other):
                node = _reads(expr, name) if not isinstance(other, CallSite) else None
                if isinstance(other, CallSite):
                    parts = [other.call.func, *(arg.value for arg in other.call.args)]
                    if _maps_without_reading(other):
                        parts = parts[:2]  # the trees go only to a lambda that reads no leaf
                    node = next(
                        (found for part in parts if (found := _reads(part, name)) is not None),
                        None,
                    )
                if node is not None:
                    return Diagnostic(self.code, node, f"{where} and is read again here; {advice}")
        loop = site.loop
        if loop is not None and not any(loop.contains(b.ordinal) for b in bindings):
            return Diagnostic(
                self.code,
                site.call,
                f"{where} and donated again by the next iteration of the {loop.describe()}; "
                f"{advice}",
            )
        return None
