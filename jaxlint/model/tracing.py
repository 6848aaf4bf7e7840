"""Which functions JAX traces, how, and with which parameters static.

A function is traced when it is decorated with or passed to a transformation, or reached
from traced code through calls in this file (or, through :mod:`jaxlint.project.index`, from
another module). What the model knows about each function's tracing is a
:class:`TraceInfo` in a side table (``model.trace(scope)``), not a field of the scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.model.names import MAX_ALIAS_CHAIN, dotted
from jaxlint.model.records import (
    BindingKind,
    CallSite,
    Scope,
    TraceInfo,
    TransformForm,
)
from jaxlint.model.view import ModelView
from jaxlint.syntax.literals import literal_int
from jaxlint.syntax.options import selected_parameters

#: What a configured ``traced-decorators`` wrapper does: traces, like jit, never compiles.
USER_TRANSFORM = jf.Transform(TransformKind.USER)


def _axes_elements(axes: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The axes of ``(0, None)``, ``[0, None]`` and of list arithmetic on displays,
    ``[0] + [None] * 9``; None when they are not spelled out."""
    if isinstance(axes, cst.Tuple | cst.List):
        if any(isinstance(element, cst.StarredElement) for element in axes.elements):
            return None
        return [element.value for element in axes.elements]
    if isinstance(axes, cst.BinaryOperation):
        if isinstance(axes.operator, cst.Add):
            left, right = _axes_elements(axes.left), _axes_elements(axes.right)
            return None if left is None or right is None else left + right
        if isinstance(axes.operator, cst.Multiply):
            repeated, count = _axes_elements(axes.left), literal_int(axes.right)
            if repeated is None or count is None or count > 64:
                return None
            return repeated * count
    return None


def transform_named(name: str | None, traced_decorators: frozenset[str]) -> jf.Transform | None:
    """The transformation a canonical dotted name is, builtin or configured."""
    if name is None:
        return None
    transform = jf.TRANSFORMS.get(name)
    if transform is None and name in traced_decorators:
        return USER_TRANSFORM
    return transform


Expr = TypeVar("Expr")


def decorator_transform(
    expr: Expr,
    qualify: Callable[[Expr], str | None],
    call_parts: Callable[[Expr], tuple[Expr, Expr | None] | None],
    traced_decorators: frozenset[str],
) -> tuple[str, jf.Transform, TransformForm] | None:
    """``@jax.jit``, ``@jax.jit(static_argnames=...)``, ``@partial(jax.jit, ...)``.

    Written once for both trees: ``qualify`` gives an expression's canonical name and
    ``call_parts`` splits a call into its callee and first positional argument (None for
    anything that is not a call). The libcst model and the ``ast`` project index each
    pass their own.
    """
    name = qualify(expr)
    transform = transform_named(name, traced_decorators)
    if transform is not None:
        return name, transform, TransformForm.BARE  # type: ignore[return-value]
    parts = call_parts(expr)
    if parts is None:
        return None
    func, first = parts
    name = qualify(func)
    transform = transform_named(name, traced_decorators)
    if transform is not None:
        return name, transform, TransformForm.CONFIGURED  # type: ignore[return-value]
    if name == "functools.partial" and first is not None:
        name = qualify(first)
        transform = transform_named(name, traced_decorators)
        if transform is not None:
            return name, transform, TransformForm.PARTIAL  # type: ignore[return-value]
    return None


def _cst_call_parts(
    expr: cst.BaseExpression,
) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    if not isinstance(expr, cst.Call):
        return None
    return expr.func, expr.args[0].value if expr.args else None


def transform_options(expr: cst.BaseExpression, form: TransformForm) -> Sequence[cst.Arg]:
    """The arguments that configure a transformation written in ``form``."""
    if form is TransformForm.CONFIGURED:
        return expr.args  # type: ignore[attr-defined, no-any-return]
    if form is TransformForm.PARTIAL:
        return expr.args[1:]  # type: ignore[attr-defined, no-any-return]
    return ()


class TraceResolver:
    """Marks which functions are traced: decorated with or passed to a transformation,
    or reached from one through calls in this file."""

    def __init__(self, model: ModelView, external_traced: Mapping[str, str]) -> None:
        self.model = model
        self.external_traced = external_traced
        #: id(tree_map call site) -> the function of this file it applies to leaves
        self.tree_mapped: dict[int, Scope] = {}
        #: id(transformation call site) -> the functions it runs where it is made (a lax
        #: loop's body, ``jax.vmap(f)(x)``, ``handlers.seed(model, key)(x)``): they run
        #: inside whatever traces the code that makes it
        self.run_in_place: dict[int, list[Scope]] = {}
        self.called: set[int] = set()  # id(expr) of every expression that is called

    def run(self) -> None:
        model = self.model
        if self.external_traced:
            for function in model.functions:
                via = self.external_traced.get(function.qualname)
                if via is not None:
                    # Traced from another module: staged, but what its parameters hold
                    # is decided there, so they stay unknown here.
                    info = model.trace_of_function(function)
                    info.kinds.add(TransformKind.EXTERNAL)
                    info.via = info.via or via
        for site in model.decorated_defs:
            self.from_decorators(site.node, site.scope)  # type: ignore[arg-type]
        self.called = {id(site.call.func) for site in model.calls}
        for site in model.calls:
            self.from_call(site)
        for cls in model.classes:
            if model.base_names(cls) & jf.TRACED_MODULE_BASES:
                for method_name in jf.TRACED_MODULE_METHODS:
                    method = model.method(cls, method_name)
                    if method is not None:
                        self.mark(
                            method, TransformKind.MODULE, f"{method_name} of flax module {cls.name}"
                        )
        self.propagate()

    def mark(
        self, function: Scope, kind: TransformKind, via: str, *, filtering: bool = False
    ) -> TraceInfo:
        """``function`` is traced by ``kind`` directly; ``filtering`` transformations
        (equinox's ``filter_*``) trace only its array leaves."""
        info = self.model.trace_of_function(function)
        if filtering:
            info.filtered = True
        else:
            info.unfiltered = True
        info.direct_kinds.add(kind)
        if kind not in info.kinds:
            info.kinds.add(kind)
            if not info.via:
                info.via = via
        return info

    def from_decorators(self, node: cst.FunctionDef, scope: Scope) -> None:
        model = self.model
        function = model.scope_of_node[id(node)]
        for decorator in node.decorators:
            expr = decorator.decorator
            found = model.transform_of(expr, scope)
            if found is not None:
                name, transform, form = found
                info = self.mark(
                    function,
                    transform.kind,
                    f"decorated with @{name}",
                    filtering=transform.array_leaves_only,
                )
                self.static_from_options(function, transform_options(expr, form), 0)
                self.differentiated_from_options(name, function, transform_options(expr, form), 0)
                if transform.kind.passes_arrays:
                    info.wrapped_where_defined = True
                if transform.kind is TransformKind.KERNEL:
                    info.ref_params = True
            elif isinstance(expr, cst.Attribute) and expr.attr.value in jf.CUSTOM_RULE_METHODS:
                self.mark(
                    function,
                    TransformKind.CUSTOM_RULE,
                    f"registered with @{dotted(expr) or expr.attr.value}",
                )

    def from_call(self, site: CallSite) -> None:
        model = self.model
        call, scope = site.call, site.scope
        if site.qualified_name in jf.HOST_CALLBACKS and call.args:
            target = model.function_of(call.args[0].value, scope)
            if target is not None:
                model.trace_of_function(target).host = True
            return
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in jf.CUSTOM_RULE_METHODS:
            for arg in call.args:
                target = model.function_of(arg.value, scope)
                if target is not None:
                    self.mark(
                        target,
                        TransformKind.CUSTOM_RULE,
                        f"registered with .{call.func.attr.value}()",
                    )
            return
        if site.qualified_name in jf.TREE_MAP_CALLS and call.args:
            target = model.function_of(call.args[0].value, scope)
            if target is not None:
                model.trace_of_function(target).leaf_callers.append(site)
                self.tree_mapped[id(site)] = target
            return
        found = model.transform_of(call.func, scope)
        if found is None:
            return
        name, transform, form = found
        options = transform_options(call.func, form)
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if options and isinstance(call.func, cst.Call):
            # jax.jit(static_argnums=1)(f) / partial(jax.jit, ...)(f): f is the first argument.
            candidates = positional[:1]
        else:
            candidates = [positional[i] for i in transform.function_args if i < len(positional)]
            candidates += [
                arg
                for arg in call.args
                if arg.keyword is not None and arg.keyword.value in transform.function_keywords
            ]
            options = call.args
        for arg in candidates:
            # lax.switch branches: a display, or a name bound to one.
            found_elements = model.sequence_elements(arg.value, scope)
            values, where = (
                (found_elements[0], found_elements[1].scope)
                if found_elements
                else ([arg.value], scope)
            )
            for value in values:
                # The function the name holds where the transformation runs (a later
                # `def` of the same name is another function).
                target = (
                    model.function_at(value, scope, site.ordinal)
                    if where is scope
                    else model.function_of(value, where)
                )
                if target is None:
                    # jax.jit(jax.vmap(f, in_axes=(0, None))): jit traces f's arguments
                    # too, whatever the inner transformation leaves unbatched.
                    for inner in self.transformed_functions(value, where):
                        self.mark(
                            inner,
                            transform.kind,
                            f"passed to {name}",
                            filtering=transform.array_leaves_only,
                        )
                        self.static_from_options(inner, options, 0)
                    continue
                info = self.mark(
                    target,
                    transform.kind,
                    f"passed to {name}",
                    filtering=transform.array_leaves_only,
                )
                if transform.kind is TransformKind.LOOP or id(call) in self.called:
                    self.run_in_place.setdefault(id(site), []).append(target)
                partials = self.partial_calls(value, where)
                bound = sum(partial_positional_count(partial) for partial in partials)
                if model.bound_method(value, where):
                    bound += 1  # jax.jit(self.step, static_argnums=0): 0 is after `self`
                info.partial_bound |= partial_bound_names(partials, target, bound)
                self.static_from_options(target, options, bound)
                self.differentiated_from_options(name, target, options, bound)
                if transform.kind is TransformKind.JIT and options is call.args and not bound:
                    self.record_wrapper(site, target, options)
                if (
                    transform.kind is TransformKind.VMAP
                    and len(positional) > 1
                    and options is call.args
                ):
                    self.unmapped_from_axes(target, positional[1].value, bound)
                if transform.kind is TransformKind.KERNEL:
                    info.ref_params = True

    def memoized(self, function: Scope) -> bool:
        """Decorated with ``functools.lru_cache``/``cache`` (or a helper named so): setup
        that runs once per process and arguments, not traced code (see jaxfacts)."""
        node = function.node
        decorators = getattr(node, "decorators", ())
        parent = function.parent or self.model.module_scope
        return any(
            jf.memoizing(
                self.model.qualified_name(
                    d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator, parent
                )
            )
            for d in decorators
        )

    def transformed_functions(self, expr: cst.BaseExpression, scope: Scope) -> list[Scope]:
        """For ``jax.vmap(f, ...)`` (a transformation applied to functions of this file,
        nested to any depth: ``jax.grad(jax.vmap(f))``), those functions."""
        model = self.model
        if not isinstance(expr, cst.Call):
            return []
        found = model.transform_of(expr.func, scope)
        if found is None or found[2] is not TransformForm.BARE:
            return []
        positional = [arg.value for arg in expr.args if arg.keyword is None and not arg.star]
        functions: list[Scope] = []
        for index in found[1].function_args:
            if index < len(positional):
                target = model.function_of(positional[index], scope)
                if target is not None:
                    functions.append(target)
                else:
                    functions.extend(self.transformed_functions(positional[index], scope))
        return functions

    def partial_calls(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.Call]:
        """The ``functools.partial(f, ...)`` calls that ``expr`` is, or names, outermost
        first: ``partial(step_partial, key=k)`` where ``step_partial = partial(step,
        flag=c)`` binds both ``key`` and ``flag`` before a transformation sees ``step``."""
        calls: list[cst.Call] = []
        found = partial_call(self.model, expr, scope)
        while found is not None and found[0].args and len(calls) < MAX_ALIAS_CHAIN:
            call, where, _ = found
            calls.append(call)
            found = partial_call(self.model, call.args[0].value, where)
        return calls

    def static_from_options(self, function: Scope, options: Sequence[cst.Arg], bound: int) -> None:
        # What is literal is static even where the rest is not (``(0, n)`` still says 0).
        static = selected_parameters(
            options,
            jf.STATIC_ARGNUMS,
            jf.STATIC_ARGNAMES,
            [param.name for param in function.positional_params()],
            bound,
        )
        if static is not None:
            self.model.trace_of_function(function).static_params.update(static.names)
        for arg in options:
            if arg.keyword is not None and arg.keyword.value == "in_axes":
                self.unmapped_from_axes(function, arg.value, bound)

    def record_wrapper(self, site: CallSite, function: Scope, options: Sequence[cst.Arg]) -> None:
        """``g = jax.jit(f, ...)``: a wrapper whose static parameters its literal options
        tell; with options that are not literal, no record."""
        keywords = {arg.keyword.value for arg in options if arg.keyword is not None}
        static_keywords = keywords & {*jf.STATIC_ARGNUMS, *jf.STATIC_ARGNAMES}
        if any(arg.star for arg in options) or sum(arg.keyword is None for arg in options) > 1:
            return
        positional = [param.name for param in function.positional_params()]
        static = selected_parameters(options, jf.STATIC_ARGNUMS, jf.STATIC_ARGNAMES, positional)
        if static_keywords and (static is None or not static.complete):
            return  # which parameters it keeps static is unknown
        names = frozenset() if static is None else static.names
        self.model.trace_of_function(function).wrappers.append((site, names))

    def differentiated_from_options(
        self, name: str, function: Scope, options: Sequence[cst.Arg], bound: int
    ) -> None:
        """``jax.grad(f, argnums=...)``: the parameters it differentiates (by default the
        first positional one) arrive as JVP tracers. Non-literal ``argnums`` say nothing."""
        if name not in jf.DIFFERENTIATING_ARGNUMS:
            return
        positional = [param.name for param in function.positional_params()]
        if any(arg.star for arg in options) or sum(arg.keyword is None for arg in options) > 1:
            return  # ``grad(f, 1)``, ``grad(f, *options)``: argnums not spelled as a keyword
        if not any(arg.keyword is not None and arg.keyword.value == "argnums" for arg in options):
            if bound < len(positional):
                self.model.trace_of_function(function).differentiated_params.add(positional[bound])
            return
        selected = selected_parameters(options, ("argnums",), (), positional, bound)
        if selected is not None:
            self.model.trace_of_function(function).differentiated_params.update(selected.names)

    def unmapped_from_axes(self, function: Scope, axes: cst.BaseExpression, bound: int) -> None:
        """``vmap(f, in_axes=(0, None))``: a ``None`` axis passes the argument through
        unbatched, so it is whatever the caller gave (maybe a Python value)."""
        elements = _axes_elements(axes)
        if elements is None:
            return
        positional = function.positional_params()
        info = self.model.trace_of_function(function)
        for number, value in enumerate(elements):
            index = number + bound
            if isinstance(value, cst.Name) and value.value == "None" and index < len(positional):
                info.unmapped_params.add(positional[index].name)

    def propagate(self) -> None:
        """Callees of traced functions are traced; so is code nested in them."""
        model = self.model
        nested_in: dict[int, list[Scope]] = {}
        loaders: dict[str, list[Scope]] = {}  # the scopes whose code loads each name
        for scope in model.scopes:
            for name in scope.loads:
                loaders.setdefault(name, []).append(scope)
        for function in model.functions:
            if function.parent is not None and not self.never_used(function, loaders):
                nested_in.setdefault(id(function.parent), []).append(function)
        pending = [f for f in model.functions if model.trace(f).traced]
        while pending:
            caller = pending.pop()
            caller_info = model.trace(caller)
            reached: list[Scope] = []
            for site in caller.calls:
                callee = site.callee or site.constructor  # `Cls(x)` runs `Cls.__init__`
                if callee is not None and callee is not caller:
                    callers = model.trace_of_function(callee).traced_callers
                    if site not in callers:
                        callers.append(site)
                    reached.append(callee)
                mapped = self.tree_mapped.get(id(site))
                if mapped is not None:
                    reached.append(mapped)  # its leaf_callers say what it receives
                reached.extend(self.run_in_place.get(id(site), ()))
            reached.extend(nested_in.get(id(caller), ()))
            for callee in reached:
                info = model.trace_of_function(callee)
                if info.host or callee is caller or self.memoized(callee):
                    continue
                new = caller_info.kinds - info.kinds
                if new:
                    if not info.via:
                        info.via = f"called from traced {caller.qualname}"
                    info.kinds |= new
                    pending.append(callee)

    def never_used(self, function: Scope, loaders: dict[str, list[Scope]]) -> bool:
        """A nested ``def`` without decorators whose name no code reads: nothing can call
        it (a callback whose ``io_callback(callback, ...)`` was commented out), so it
        never runs, traced or not."""
        node = function.node
        if not isinstance(node, cst.FunctionDef) or node.decorators or function.parent is None:
            return False
        name, owner = node.name.value, function.parent
        for scope in loaders.get(name, ()):
            found = self.model.lookup(name, scope)
            if found is None or found.owner is owner:
                return False
        return True


def partial_call(
    model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int = 0
) -> tuple[cst.Call, Scope, int] | None:
    """The ``functools.partial(f, ...)`` call that ``expr`` (at ``ordinal`` of ``scope``)
    is, or names (``inner = partial(...)``), with where its arguments are evaluated."""
    if isinstance(expr, cst.Name):
        found = model.lookup(expr.value, scope)
        if (
            found is not None
            and len(found.bindings) == 1
            and found.bindings[0].kind is BindingKind.ASSIGN
        ):
            binding = found.bindings[0]
            expr = binding.value  # type: ignore[assignment]
            scope, ordinal = binding.code_scope, binding.ordinal
    if isinstance(expr, cst.Call) and model.qualified_name(expr.func, scope) == "functools.partial":
        return expr, scope, ordinal
    return None


def partial_positional_count(call: cst.Call | None) -> int:
    """How many leading positional arguments a ``partial(f, ...)`` binds."""
    if call is None:
        return 0
    return sum(1 for arg in call.args[1:] if arg.keyword is None and not arg.star)


def partial_bound_names(partials: Sequence[cst.Call], function: Scope, bound: int) -> set[str]:
    """Parameters that ``partial(f, a, k=v)`` (or a chain of partials around ``f``) fixes
    before a transformation sees ``f``."""
    if not partials:
        return set()
    names = {p.name for p in function.positional_params()[:bound]}
    for partial in partials:
        names.update(arg.keyword.value for arg in partial.args[1:] if arg.keyword is not None)
    return names & set(function.params)


def cst_transform_of(
    model: ModelView, expr: cst.BaseExpression, scope: Scope
) -> tuple[str, jf.Transform, TransformForm] | None:
    """:func:`decorator_transform` on a libcst expression, resolved from ``scope``."""
    return decorator_transform(
        expr,
        lambda e: model.qualified_name(e, scope),
        _cst_call_parts,
        model.traced_decorators,
    )
