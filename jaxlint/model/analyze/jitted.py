"""Names bound to functions jitted in this file with literal argument options
(``donate_argnums``/``donate_argnames``, ``static_argnums``/``static_argnames``), and
the arguments a call of one passes for them: what JL013, JL014 and JL015 ask; and the
static arguments that go stale (an object hashed by identity, changed between calls)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.model import Binding, BindingKind, CallSite, LoopKind, Scope, SemanticModel, StoreSite
from jaxlint.model.analyze.classes import instance_class, instance_hashing
from jaxlint.model.analyze.questions import frozen_class
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
    for name, binding, value in _bound_calls(model):
        if model.qualified_name(value.func, binding.code_scope) not in jf.JIT_TRANSFORMS:
            continue
        if not value.args or value.args[0].keyword is not None:
            continue
        function = model.function_of(value.args[0].value, binding.code_scope)
        option = option_of(value.args[1:], function, name, argnums, argnames)
        if option is not None:
            found[id(binding)] = option
    _made_by_factories(model, found)
    # `from steps import train_step`, jitted there with the options (the project index).
    for name, options in model.external_jitted.items():
        selected = options.get(argnums)
        for binding in model.module_scope.bindings.get(name, ()):
            if selected is not None and binding.kind is BindingKind.IMPORT:
                positions, names = selected
                found[id(binding)] = ArgumentOption(name, frozenset(positions), frozenset(names))
    return found


def _made_by_factories(model: SemanticModel, found: dict[int, ArgumentOption]) -> None:
    """Add to ``found`` the names bound to what a factory of this file returns, where
    every return of that factory gives back one function jitted in it with the same
    options: ``run = make_runner(step)`` after ``def make_runner(...): @partial(jax.jit,
    static_argnums=...) def run(...): ...; return run``."""
    if not found:
        return
    for name, binding, value in _bound_calls(model):
        factory = model.function_of(value.func, binding.code_scope)
        option = None if factory is None else _returned_option(model, factory, found)
        if option is not None:
            found[id(binding)] = ArgumentOption(name, option.positions, option.names)


def _bound_calls(model: SemanticModel) -> Iterator[tuple[str, Binding, cst.Call]]:
    """Every name bound by an assignment of a call's result, in every scope, with its
    binding and the call (`step = jax.jit(f)`, `run = make_runner(step)`)."""
    for scope in model.scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                value = binding.value
                if binding.kind is BindingKind.ASSIGN and isinstance(value, cst.Call):
                    yield name, binding, value


def _returned_option(
    model: SemanticModel, factory: Scope, found: dict[int, ArgumentOption]
) -> ArgumentOption | None:
    """The options of the jitted function every return of ``factory`` gives back, the
    same on every path; else None."""
    bindings = _returned_bindings(model, factory)
    options = [found.get(id(binding)) for binding in bindings or ()]
    if not options or None in options:
        return None
    first = options[0]
    assert first is not None
    same = all(
        o is not None and (o.positions, o.names) == (first.positions, first.names) for o in options
    )
    return first if same else None


def _returned_bindings(model: SemanticModel, factory: Scope) -> list[Binding] | None:
    """The bindings of ``factory``'s own names that its returns give back, on every path
    (``return run``, each name bound in the factory); None where a return gives anything
    else."""
    if factory.generator or not factory.returns or not factory.is_function:
        return None
    found: list[Binding] = []
    for returned, ordinal in factory.returns:
        if not isinstance(returned, cst.Name):
            return None
        reaching = model.reaching(returned.value, factory, ordinal)
        if reaching is None or reaching.owner is not factory or not reaching.bindings:
            return None
        found += reaching.bindings
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
        if found is None:
            continue
        binding = rebound_by_jit(model, site, found.bindings)
        if binding is None and len(found.bindings) == 1:
            binding = found.bindings[0]
        option = options.get(id(binding)) if binding is not None else None
        if option is not None:
            yield site, option


def immediate_calls_of(
    model: SemanticModel, argnums: str, argnames: str
) -> Iterator[tuple[CallSite, ArgumentOption]]:
    """Calls of a function jitted in place with a literal option pair:
    ``jax.pmap(f, static_broadcasted_argnums=0)(c, x)``, ``jax.jit(f, donate_argnums=0)(x)``."""
    for site in model.calls:
        made = site.call.func
        if not isinstance(made, cst.Call) or not made.args or made.args[0].keyword is not None:
            continue
        if model.qualified_name(made.func, site.scope) not in jf.JIT_TRANSFORMS:
            continue
        wrapped = made.args[0].value
        function = model.function_of(wrapped, site.scope)
        name = wrapped.value if isinstance(wrapped, cst.Name) else "the jitted function"
        option = option_of(made.args[1:], function, name, argnums, argnames)
        if option is not None:
            yield site, option


def rebound_by_jit(
    model: SemanticModel, site: CallSite, bindings: Sequence[Binding]
) -> Binding | None:
    """For a call inside a function of a module-level name bound twice, ``def f`` and
    then ``f = jax.jit(f, ...)`` (decorating by rebinding), the rebinding: the function
    body runs after the module has, so the call runs the jitted function."""
    if len(bindings) != 2 or site.scope.enclosing_function() is None:
        return None
    definition, rebinding = sorted(bindings, key=lambda binding: binding.ordinal)
    if (
        definition.scope is not model.module_scope
        or rebinding.scope is not model.module_scope
        or definition.kind is not BindingKind.DEF
        or rebinding.kind is not BindingKind.ASSIGN
        or rebinding.value is None
        or not jitted_value(model, rebinding.value, model.module_scope)
    ):
        return None
    wrapped = rebinding.value.args[0].value  # type: ignore[attr-defined]
    if not isinstance(wrapped, cst.Name) or wrapped.value != definition.name:
        return None
    return rebinding


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


#: Transformations whose wrapper, called, runs the function it wraps on the caller's
#: values at once (not staged by themselves): wrapping a jitted function, it runs that
#: compiled program (``jax.vmap(jitted)(x)``, ``jax.grad(jitted)(x)``).
CALLING_KINDS = frozenset({TransformKind.VMAP, TransformKind.GRAD, TransformKind.JVP})


def calls_jitted(model: SemanticModel, site: CallSite) -> bool:
    """``site`` calls a function jitted in this file: ``jax.jit(f)(x)``, a name every
    binding of which (reaching the call) is a jitted definition or ``jax.jit(...)`` of a
    function, a method defined under ``@jax.jit``, or ``vmap``/``grad`` of one of those.
    Such a call dispatches the compiled program and returns before it has run."""
    func = site.call.func
    if isinstance(func, cst.Name | cst.Call):
        return _jitted_callable(model, func, site.scope, site.ordinal, 0)
    callee = site.callee
    return callee is not None and jitted_definition(model, callee)


def _jitted_callable(
    model: SemanticModel, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int
) -> bool:
    """``expr``, evaluated at ``ordinal`` of ``scope``, is a jitted function, or a
    ``vmap``/``grad`` wrapper of one (a few wrappers deep)."""
    if depth > 3:
        return False
    if isinstance(expr, cst.Call):
        if jitted_value(model, expr, scope):
            return True
        found = model.transform_of(expr.func, scope)
        if found is None or found[1].kind not in CALLING_KINDS:
            return False
        if not expr.args or expr.args[0].keyword is not None or expr.args[0].star:
            return False
        return _jitted_callable(model, expr.args[0].value, scope, ordinal, depth + 1)
    if not isinstance(expr, cst.Name):
        return False
    found_bindings = model.reaching(expr.value, scope, ordinal)
    if found_bindings is None or not found_bindings.bindings:
        return False
    for binding in found_bindings.bindings:
        if binding.kind is BindingKind.DEF:
            function = model.scope_of_node.get(id(binding.node))
            if function is None or not jitted_definition(model, function):
                return False
        elif binding.kind is BindingKind.ASSIGN and binding.value is not None:
            where = binding.code_scope
            if not _jitted_callable(model, binding.value, where, binding.ordinal, depth + 1):
                return False
        else:
            return False
    return True


def jitted_function(model: SemanticModel, site: CallSite) -> Scope | None:
    """The function a call of a jitted name runs, when defined in this file: for
    ``@jax.jit def f``, ``f``; for ``g = jax.jit(f)`` and ``jax.jit(f)(x)``, ``f``."""
    func = site.call.func
    if isinstance(func, cst.Call) and jitted_value(model, func, site.scope):
        return model.function_of(func.args[0].value, site.scope)  # jax.jit(f)(x)
    if not isinstance(func, cst.Name):
        return None
    found = model.lookup(func.value, site.scope)
    if found is None:
        return None
    binding = found.bindings[0]
    if binding.kind is BindingKind.DEF:
        return model.scope_of_node.get(id(binding.node))
    value = binding.value
    if not isinstance(value, cst.Call):
        return None
    factory = model.function_of(value.func, binding.code_scope)
    if factory is not None:  # `run = make_runner(step)`: the function the factory returns
        returned = _returned_bindings(model, factory) or []
        nodes = {id(b.node) for b in returned}
        if len(nodes) != 1 or any(b.kind is not BindingKind.DEF for b in returned):
            return None
        return model.scope_of_node.get(nodes.pop())
    if value.args:
        return model.function_of(value.args[0].value, binding.code_scope)
    return None


def argument_parameters(model: SemanticModel, site: CallSite) -> dict[int, str]:
    """The parameter each argument of a call of a jitted name binds, by the argument's
    id, where known (keywords always; positions when the function is in this file)."""
    names: dict[int, str] = {}
    callee = jitted_function(model, site)
    positional = callee.positional_params() if callee is not None else []
    index = 0
    for arg in site.call.args:
        if arg.keyword is not None:
            names[id(arg.value)] = arg.keyword.value
        else:
            if index < len(positional):
                names[id(arg.value)] = positional[index].name
            index += 1
    return names


# ------------------------------------------------ static arguments that go stale


def clears_compiled(site: CallSite) -> bool:
    """``jax.clear_caches()`` or ``f.clear_cache()``: the next call compiles again."""
    func = site.call.func
    return site.qualified_name == "jax.clear_caches" or (
        isinstance(func, cst.Attribute) and func.attr.value == "clear_cache"
    )


def identity_hashed(
    model: SemanticModel, site: CallSite, value: cst.BaseExpression
) -> tuple[Binding, Scope] | None:
    """The one binding of ``value`` (a name) at ``site`` and the class, when it holds an
    instance of a class hashed by identity whose attributes can be reassigned."""
    if not isinstance(value, cst.Name):
        return None
    found = model.reaching(value.value, site.scope, site.ordinal)
    if found is None or found.owner is not site.scope or len(found.bindings) != 1:
        return None
    cls = instance_class(model, value, site)
    if cls is None or instance_hashing(model, cls) is not jf.Hashing.IDENTITY:
        return None
    if frozen_class(model, cls) or "__setattr__" in cls.bindings:
        return None
    return found.bindings[0], cls


def stale_call(
    model: SemanticModel,
    site: CallSite,
    option: ArgumentOption,
    store: StoreSite,
    binding: Binding,
    sites: list[tuple[CallSite, ArgumentOption]],
) -> CallSite | None:
    """The call that runs the old program after ``store``: ``site`` itself, when
    another call with the same object ran before the store in the same straight-line
    code; or, in a loop around both, ``site`` before the store (the next iteration's
    call). None when the code may clear the compiled programs in between."""
    loop = site.loop
    if store.loop is loop and site.ordinal < store.ordinal and loop is not None:
        if loop.kind is LoopKind.COMPREHENSION or loop.contains(binding.ordinal):
            return None
        if clears_between(model, site.scope, loop.start, loop.end):
            return None
        return site
    if store.ordinal >= site.ordinal or store.loop is not loop:
        return None
    for earlier, other in sites:
        if (
            other is option
            and earlier.scope is site.scope
            and earlier.branch is site.branch
            and earlier.loop is loop
            and earlier.ordinal < store.ordinal
            and binding.ordinal < earlier.ordinal
            and any(
                isinstance(argument, cst.Name) and argument.value == binding.name
                for argument in selected_arguments(earlier, option)
            )
            and not clears_between(model, site.scope, earlier.ordinal, site.ordinal)
        ):
            return site
    return None


def clears_between(model: SemanticModel, scope: Scope, start: int, end: int) -> bool:
    """Compiled programs cleared in ``scope`` between the two ordinals."""
    return any(
        call.scope is scope and start < call.ordinal < end and clears_compiled(call)
        for call in model.calls
    )


def attribute_stores(
    model: SemanticModel, site: CallSite, name: str, attributes: set[str], cls: Scope
) -> Iterator[StoreSite]:
    """``name.attr = ...`` for ``attr`` in ``attributes``, in the code of ``site`` and
    in the same arm of every ``if`` as it; not where ``cls`` defines ``attr`` with
    ``def`` (a property's setter may do anything)."""
    attributes = {
        attr
        for attr in attributes
        if all(b.kind is not BindingKind.DEF for b in cls.bindings.get(attr, ()))
    }
    for store in model.attribute_stores:
        target = store.target
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == name
            and target.attr.value in attributes
            and store.scope is site.scope
            and store.branch is site.branch
        ):
            yield store
