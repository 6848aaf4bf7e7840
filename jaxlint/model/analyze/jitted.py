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
