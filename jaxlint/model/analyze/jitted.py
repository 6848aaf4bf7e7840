"""Names bound to functions jitted in this file with literal argument options
(``donate_argnums``/``donate_argnames``, ``static_argnums``/``static_argnames``), and
the arguments a call of one passes for them: what JL014 and JL015 ask."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import BindingKind, CallSite, Scope, SemanticModel
from jaxlint.model.tracing import transform_options
from jaxlint.syntax.options import selected_parameters


@dataclass(frozen=True)
class ArgumentOption:
    """The arguments one option pair selects: positions and keyword names."""

    name: str  # how calls name the jitted function
    positions: frozenset[int]
    names: frozenset[str]


def option_of(
    options: Sequence[cst.Arg], function: Scope | None, name: str, argnums: str, argnames: str
) -> ArgumentOption | None:
    """What ``argnums=``/``argnames=`` select, when both are literals (None when neither
    is given or either is unknown). Names and positions are completed from the
    function's parameters; without the function, names alone are unknown positions."""
    if function is not None and any(p.starred for p in function.params.values()):
        return None  # *args/**kwargs: positions beyond the signature
    positional = None if function is None else [p.name for p in function.positional_params()]
    selected = selected_parameters(options, (argnums,), (argnames,), positional)
    if selected is None or not selected.complete:
        return None
    if function is None and selected.names:
        return None  # names whose positions are unknown
    return ArgumentOption(name, selected.positions, selected.names)


def jitted_options(model: SemanticModel, argnums: str, argnames: str) -> dict[int, ArgumentOption]:
    """Bindings (by id) of names whose value is a function jitted here with the option
    pair: ``@partial(jax.jit, donate_argnums=0) def f`` and ``g = jax.jit(f, ...)``."""
    found: dict[int, ArgumentOption] = {}
    for site in model.decorated_defs:
        node: cst.FunctionDef = site.node  # type: ignore[assignment]
        function = model.scope_of_node.get(id(node))
        for decorator in node.decorators:
            transform = model.transform_of(decorator.decorator, site.scope)
            if transform is None or transform[0] not in jf.JIT_TRANSFORMS:
                continue
            options = transform_options(decorator.decorator, transform[2])
            option = option_of(options, function, node.name.value, argnums, argnames)
            if option is None:
                continue
            for binding in site.scope.bindings.get(node.name.value, ()):
                if binding.node is node:
                    found[id(binding)] = option
    for scope in model.scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                value = binding.value
                if binding.kind is not BindingKind.ASSIGN or not isinstance(value, cst.Call):
                    continue
                if model.qualified_name(value.func, binding.code_scope) not in jf.JIT_TRANSFORMS:
                    continue
                if not value.args or value.args[0].keyword is not None:
                    continue
                function = model.function_of(value.args[0].value, binding.code_scope)
                option = option_of(value.args[1:], function, name, argnums, argnames)
                if option is not None:
                    found[id(binding)] = option
    # `from steps import train_step`, jitted there with the options (the project index).
    for name, options in model.external_jitted.items():
        selected = options.get(argnums)
        for binding in model.module_scope.bindings.get(name, ()):
            if selected is not None and binding.kind is BindingKind.IMPORT:
                positions, names = selected
                found[id(binding)] = ArgumentOption(name, frozenset(positions), frozenset(names))
    return found


def calls_of(
    model: SemanticModel, options: dict[int, ArgumentOption]
) -> Iterator[tuple[CallSite, ArgumentOption]]:
    """The calls, by a plain name bound once, of the functions in ``options``."""
    if not options:
        return
    for site in model.calls:
        func = site.call.func
        if not isinstance(func, cst.Name):
            continue
        found = model.lookup(func.value, site.scope)
        if found is None or len(found.bindings) != 1:
            continue
        option = options.get(id(found.bindings[0]))
        if option is not None:
            yield site, option


def selected_arguments(site: CallSite, option: ArgumentOption) -> Iterator[cst.BaseExpression]:
    """The arguments ``site`` passes in the option's positions or under its names;
    nothing at all when a starred argument makes positions unknown."""
    if any(arg.star for arg in site.call.args):
        return
    positional = 0
    for arg in site.call.args:
        if arg.keyword is None:
            selected = positional in option.positions
            positional += 1
        else:
            selected = arg.keyword.value in option.names
        if selected:
            yield arg.value


def jitted_value(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> bool:
    """``expr`` makes a jitted function: ``jax.jit(f)``, ``jax.jit(f, static_argnums=1)``,
    ``jax.jit(static_argnums=1)(f)``, ``partial(jax.jit, donate_argnums=0)(f)``."""
    if not isinstance(expr, cst.Call) or not expr.args or expr.args[0].keyword is not None:
        return False
    found = model.transform_of(expr.func, scope)
    return found is not None and found[0] in jf.JIT_TRANSFORMS


def jitted_definition(model: SemanticModel, function: Scope) -> bool:
    """``function`` is defined under a ``jax.jit`` (or ``pmap``) decorator, in any form."""
    node = function.node
    if not isinstance(node, cst.FunctionDef):
        return False
    outer = function.parent or model.module_scope
    for decorator in node.decorators:
        found = model.transform_of(decorator.decorator, outer)
        if found is not None and found[0] in jf.JIT_TRANSFORMS:
            return True
    return False


def calls_jitted(model: SemanticModel, site: CallSite) -> bool:
    """``site`` calls a function jitted in this file: ``jax.jit(f)(x)``, a name every
    binding of which (reaching the call) is a jitted definition or ``jax.jit(...)`` of a
    function, or a method defined under ``@jax.jit``. Such a call dispatches the compiled
    program and returns before it has run."""
    func = site.call.func
    if isinstance(func, cst.Call):
        return jitted_value(model, func, site.scope)
    if isinstance(func, cst.Name):
        found = model.reaching(func.value, site.scope, site.ordinal)
        if found is None or not found.bindings:
            return False
        for binding in found.bindings:
            if binding.kind is BindingKind.DEF:
                function = model.scope_of_node.get(id(binding.node))
                if function is None or not jitted_definition(model, function):
                    return False
            elif binding.kind is BindingKind.ASSIGN and binding.value is not None:
                if not jitted_value(model, binding.value, binding.code_scope):
                    return False
            else:
                return False
        return True
    callee = site.callee
    return callee is not None and jitted_definition(model, callee)
