"""JL002 global-mutation: traced code that changes state outside itself."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    BindingKind,
    CallSite,
    Fact,
    Point,
    Scope,
    ScopeKind,
    SemanticModel,
    StoreSite,
    dotted,
    names_read,
)
from jaxlint.model.analyze.state import (
    INNER_TRACE,
    mutable_receiver,
    outer_container,
    owner_in_same_trace,
    scratch_attribute,
    stateful_plain_class,
)
from jaxlint.rules.base import Rule, reported
from jaxlint.rules.jl002_examples import INVALID, VALID
from jaxlint.rules.triggers import Trigger


def _shaped_afresh(model: SemanticModel, function: Scope) -> bool:
    """Every call that hands ``function`` to a transformation only traces it for shapes
    (``jax.eval_shape``) and makes the callable right there, a bound method or a
    ``partial`` (``eval_shape(partial(self.init_weights, ...), key)``). The trace is
    cached on the callable, which is new each time: the trace, and the writes in it,
    run again at every call, not once."""
    node = function.node
    outer = function.parent or model.module_scope
    if isinstance(node, cst.FunctionDef) and any(
        model.transform_of(d.decorator, outer) is not None for d in node.decorators
    ):
        return False  # transformed once, where it is defined
    handed = False
    for site in model.calls:
        found = model.transform_of(site.call.func, site.scope)
        if found is None:
            continue
        for arg in site.call.args:
            value = arg.value
            if isinstance(value, cst.Name):
                held = model.reaching(value.value, site.scope, site.ordinal)
                if held is not None and len(held.bindings) == 1 and held.bindings[0].value:
                    value = held.bindings[0].value  # `init_fn = partial(...)` just before
            if model.function_at(value, site.scope, site.ordinal) is not function:
                continue
            fresh = isinstance(value, cst.Attribute) or (
                isinstance(value, cst.Call)
                and model.qualified_name(value.func, site.scope) == "functools.partial"
            )
            if not (found[1].kind.trace_only and fresh):
                return False
            handed = True
    return handed


class GlobalMutation(Rule):
    code = "JL002"
    name = "global-mutation"
    summary = "Traced code mutates state outside the function"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside traced code (jit, vmap, scan bodies, ... and the functions they call), checks
        for writes to state that outlives the call: assignments to names declared `global` or
        `nonlocal`; `.append`/`.extend`/`.update`/`.pop`/`.setdefault`/... and item or
        attribute assignment on module-level or closed-over objects; and `self.attr = <traced
        value>` outside `__init__` and flax `setup`. A closed-over parameter of a factory
        counts as a container when every call of the factory in the file passes a new
        list, dict or set (`make([0.0])`). Containers created inside the function are fine,
        and so is storing one of the function's own parameters, as given, into an object
        whose method the function then calls (`model.params = params;
        model.generate(...)`): the trace hands each call's argument to the method.
        A write to `self` in a method of a plain class that is itself handed to a
        transformation updates the object once; not where every call traces it afresh for
        shapes only (`jax.eval_shape(partial(self.init_weights, ...), key)`: a new
        callable each time, so a new trace, writes and all).
        """
    why_bad = """
        A traced function's Python body runs once, at trace time, with abstract tracers. A
        mutation there happens once and then never again on later calls, silently; and a
        tracer stored outside the function leaks (`UnexpectedTracerError` later, far away).
        """
    example = """
        import jax

        history = []

        @jax.jit
        def step(x):
            history.append(x)  # runs once, stores a tracer
            return x * 2
        """
    use_instead = """
        import jax

        @jax.jit
        def step(x):
            return x * 2, x  # return what you want to keep

        history = []
        y, seen = step(1.0)
        history.append(seen)
        """
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        self.tested = self.tested_names(model)
        for site in model.global_writes:
            function = model.staged_function(site.scope)
            if function is not None:
                name = site.node.value if isinstance(site.node, cst.Name) else "name"  # type: ignore[attr-defined]
                declared = "global" if name in function.globals else "nonlocal"
                if declared == "nonlocal" and owner_in_same_trace(model, name, function):
                    continue
                if self.static_metadata(model, name, function):
                    continue
                found = model.lookup(name, function)
                written = [
                    b.value for b in (found.bindings if found else ()) if b.written_in is function
                ]
                if self.guarded_untraced_write(model, name, function, written, site.ordinal):
                    continue
                yield Diagnostic(
                    self.code,
                    site.node,
                    f"`{name}` is declared `{declared}` and assigned inside traced "
                    f"`{function.qualname}`: the write happens once, at trace time"
                    f"{self.via(model, function)}",
                )
        yield from reported(self.method_mutation(model, site) for site in model.calls)
        yield from reported(
            self.store_mutation(model, store)
            for store in (*model.subscript_stores, *model.attribute_stores)
        )

    @staticmethod
    def tested_names(model: SemanticModel) -> dict[int, set[str]]:
        """For each function, the names its own conditions read (``if _cache is None``,
        ``if key not in table``): state it checks before it writes."""
        tested: dict[int, set[str]] = {}
        for site in model.conditions:
            tested.setdefault(id(site.scope), set()).update(names_read(site.test))
        return tested

    def guarded_untraced_write(
        self,
        model: SemanticModel,
        name: str,
        function: Scope,
        values: Iterable[cst.BaseExpression | None],
        ordinal: int,
    ) -> bool:
        """Lazy initialisation, registries and memo tables of Python objects: the function
        checks the state before writing it (``if _backend is None``, ``if k not in table``),
        so running once is the intent. A guarded cache of traced values still leaks tracers,
        so it stays flagged."""
        if name not in self.tested.get(id(function), ()):
            return False
        at = Point(function, ordinal)
        return all(
            value is None or model.traced_fact(value, at) is not Fact.YES for value in values
        )

    @staticmethod
    def tests_chain(model: SemanticModel, function: Scope, chain: str | None) -> bool:
        """A condition of ``function`` reads the attribute chain ``chain`` (``if
        self.table is None``): like a tested name, state the function checks before it
        writes, a set-up meant to run once."""
        for site in model.conditions_in(function) if chain is not None else ():
            stack: list[cst.CSTNode] = [site.test]
            while stack:
                node = stack.pop()
                if isinstance(node, cst.Attribute) and dotted(node) == chain:
                    return True
                stack.extend(node.children)
        return False

    @staticmethod
    def static_metadata(model: SemanticModel, name: str, function: Scope) -> bool:
        """Every value written to ``name`` in ``function`` is static metadata."""
        found = model.lookup(name, function)
        values = [b.value for b in (found.bindings if found else ()) if b.written_in is function]
        return bool(values) and all(
            isinstance(v, cst.Call) and model.called_name(v) in jf.STATIC_METADATA_CALLS
            for v in values
        )

    @staticmethod
    def via(model: SemanticModel, function: Scope) -> str:
        via = model.trace(function).via
        return f" ({function.qualname} is traced: {via})" if via else ""

    @staticmethod
    def stores_tracer(
        model: SemanticModel,
        values: Iterable[cst.BaseExpression | None],
        at: Point,
    ) -> bool:
        return any(
            value is not None
            and (
                model.array_fact(value, at) is Fact.YES or model.traced_fact(value, at) is Fact.YES
            )
            for value in values
        )

    def method_mutation(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        call = site.call
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in jf.MUTATING_METHODS):
            return None
        function = model.staged_function(site.scope)
        if function is None:
            return None
        if isinstance(func.value, cst.Attribute) and mutable_receiver(model, func.value, site):
            return self.attribute_method_mutation(model, site, function, func.value)
        if not isinstance(func.value, cst.Name):
            return None
        name = func.value.value
        where = outer_container(model, name, function)
        if where is None:
            return None
        arguments = [arg.value for arg in call.args]
        if where is INNER_TRACE:
            if not self.stores_tracer(model, arguments, site):
                return None  # shapes, names: Python values collected at trace time
            return Diagnostic(
                self.code,
                call,
                f"`{name}.{func.attr.value}(...)` in `{function.qualname}` stores a tracer of "
                f"its own trace ({model.trace(function).via}) in a container of the enclosing "
                "function: it leaks out of that trace; return the value instead",
            )
        if self.guarded_untraced_write(model, name, function, arguments, site.ordinal):
            return None
        return Diagnostic(
            self.code,
            call,
            f"`{name}.{func.attr.value}(...)` mutates a {where} container inside traced "
            f"`{function.qualname}`: it runs once, at trace time, and may store tracers"
            f"{self.via(model, function)}; return the value instead",
        )

    def store_mutation(self, model: SemanticModel, store: StoreSite) -> Diagnostic | None:
        function = model.staged_function(store.scope)
        if function is None:
            return None
        target = store.target
        base = target.value  # type: ignore[attr-defined]
        if isinstance(target, cst.Attribute) and isinstance(base, cst.Name):
            first = function.self_param()
            if first is not None and base.value == first.name:
                return self.self_store(model, store, function)
            if model.is_local(base.value, function) and base.value not in function.globals:
                return None
            found = model.lookup(base.value, function)
            if found is None or found.owner is function or found.owner.kind is ScopeKind.CLASS:
                return None
            value = getattr(store.statement, "value", None)
            if self.tests_chain(model, function, dotted(target)) and (
                value is None or model.traced_fact(value, store) is not Fact.YES
            ):
                return None  # `elif self.scale is not None: self.scale = dict(...)`: set up
            if self.passed_through(model, function, store, base.value, value):
                return None
            where = "module-level" if found.owner.kind is ScopeKind.MODULE else "closed-over"
            return Diagnostic(
                self.code,
                target,
                f"`{dotted(target)} = ...` sets an attribute of a {where} object inside traced "
                f"`{function.qualname}`: it happens once, at trace time"
                f"{self.via(model, function)}",
            )
        while isinstance(base, cst.Subscript):
            base = base.value
        if isinstance(target, cst.Subscript) and isinstance(base, cst.Attribute):
            return self.attribute_item_store(model, store, function, base)
        if isinstance(target, cst.Subscript) and isinstance(base, cst.Name):
            where = outer_container(model, base.value, function)
            if where is None:
                return None
            value = getattr(store.statement, "value", None)
            if where is INNER_TRACE:
                # `seq[0] += 1` stores what the old item plus one is: as traced as the item.
                written = target if isinstance(store.statement, cst.AugAssign) else value
                if not self.stores_tracer(model, [written], store):
                    return None
                return Diagnostic(
                    self.code,
                    target,
                    f"`{base.value}[...] = ...` in `{function.qualname}` stores a tracer of its "
                    f"own trace ({model.trace(function).via}) in a container of the enclosing "
                    "function: it leaks out of that trace; return the value instead",
                )
            if self.guarded_untraced_write(model, base.value, function, [value], store.ordinal):
                return None
            return Diagnostic(
                self.code,
                target,
                f"`{base.value}[...] = ...` writes into a {where} container inside traced "
                f"`{function.qualname}`: it happens once, at trace time, and may store tracers"
                f"{self.via(model, function)}",
            )
        return None

    @staticmethod
    def passed_through(
        model: SemanticModel,
        function: Scope,
        store: StoreSite,
        base: str,
        value: cst.BaseExpression | None,
    ) -> bool:
        """``model.params = params; model.generate(...)``: the store hands one of the
        traced function's own parameters, as given, to a method of the object that the
        function calls after it. The trace then computes with the argument of each call
        (the compiled function takes it as an input), so nothing is lost after the
        first call; the tracer left in the attribute fails loudly if read outside
        (``UnexpectedTracerError``), never silently."""
        if not isinstance(value, cst.Name) or value.value not in function.params:
            return False
        if len(function.bindings.get(value.value, ())) != 1:
            return False  # rebound in the body: not the argument as given
        return any(
            site.ordinal > store.ordinal
            and isinstance(func := site.call.func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == base
            for site in function.calls
        )

    def attribute_item_store(
        self, model: SemanticModel, store: StoreSite, function: Scope, holder: cst.Attribute
    ) -> Diagnostic | None:
        """``registry.table[k] = v``: an item of an attribute of an object that lives
        outside the traced function."""
        value = getattr(store.statement, "value", None)
        where = self.outer_object(model, holder, function, [value], store.ordinal)
        if where is None:
            return None
        return Diagnostic(
            self.code,
            store.target,
            f"`{dotted(holder)}[...] = ...` writes into an attribute of a {where} object inside "
            f"traced `{function.qualname}`: it happens once, at trace time, and may store "
            f"tracers{self.via(model, function)}",
        )

    def outer_object(
        self,
        model: SemanticModel,
        holder: cst.Attribute,
        function: Scope,
        values: list[cst.BaseExpression | None],
        ordinal: int,
    ) -> str | None:
        """'module-level' or 'closed-over' when ``holder`` (``registry.table``) is an
        attribute of an object bound outside ``function`` (a module-level or closed-over
        instance); None for ``self``, imported modules, refs, and guarded memo tables."""
        root: cst.BaseExpression = holder
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or dotted(holder) is None:
            return None
        first = function.self_param()
        if first is not None and root.value == first.name:
            return None
        if model.is_local(root.value, function) and root.value not in function.globals:
            return None
        found = model.lookup(root.value, function)
        if found is None:
            return None
        owner, bindings = found
        if owner is function or owner.kind is ScopeKind.CLASS:
            return None
        if owner.is_function and model.trace(owner).staged:
            return None  # created by the same trace
        if any(b.kind is not BindingKind.ASSIGN for b in bindings):
            return None  # imports, definitions, parameters: not known to be an object here
        if model.ref_fact(holder, Point(function, ordinal)) is not Fact.NO:
            return None  # `state.ref[...] = v`: a ref (or one by name) is written in place
        if self.guarded_untraced_write(model, root.value, function, values, ordinal):
            return None
        return "module-level" if owner.kind is ScopeKind.MODULE else "closed-over"

    def attribute_method_mutation(
        self, model: SemanticModel, site: CallSite, function: Scope, holder: cst.Attribute
    ) -> Diagnostic | None:
        """``registry.items.append(x)`` on an outside object, and ``self.history.append(x)``
        of a tracer in a method of a plain class: the list outlives the trace."""
        call = site.call
        method = call.func.attr.value  # type: ignore[attr-defined]
        arguments = [arg.value for arg in call.args]
        root = holder.value
        first = function.self_param()
        if isinstance(root, cst.Name) and first is not None and root.value == first.name:
            cls = function.enclosing_class()
            if not stateful_plain_class(model, cls) or function.name in jf.CONSTRUCTION_METHODS:
                return None
            if not self.stores_tracer(model, arguments, site):
                return None
            return Diagnostic(
                self.code,
                call,
                f"`{dotted(holder)}.{method}(...)` inside traced `{function.qualname}` keeps a "
                f"tracer on the object: it leaks out of the trace{self.via(model, function)}; "
                "return the value instead",
            )
        where = self.outer_object(model, holder, function, arguments, site.ordinal)
        if where is None:
            return None
        return Diagnostic(
            self.code,
            call,
            f"`{dotted(holder)}.{method}(...)` mutates an attribute of a {where} object inside "
            f"traced `{function.qualname}`: it runs once, at trace time, and may store tracers"
            f"{self.via(model, function)}; return the value instead",
        )

    @staticmethod
    def jitted_stateful_method(model: SemanticModel, function: Scope) -> bool:
        """A method of a plain class handed to a staging transformation itself
        (``jax.jit(counter.count)``, ``@jax.jit`` on a method): its caller expects each
        call to update the object. Not a method that traced code merely calls (a trace-time
        name counter is the intent there), nor flax/equinox modules, whose transforms own
        their state."""
        cls = function.enclosing_class()
        if not stateful_plain_class(model, cls):
            return False
        if not any(kind.stages_python for kind in model.trace(function).direct_kinds):
            return False
        return not _shaped_afresh(model, function)

    def self_store(
        self, model: SemanticModel, store: StoreSite, function: Scope
    ) -> Diagnostic | None:
        if function.name in jf.CONSTRUCTION_METHODS:
            return None
        target = store.target
        if isinstance(target, cst.Attribute) and scratch_attribute(model, target.attr.value):
            return None  # written and read only here, in one trace: nothing else sees it
        if self.jitted_stateful_method(model, function):
            return Diagnostic(
                self.code,
                store.target,
                f"`{dotted(store.target)}` is written in `{function.qualname}`, which is itself "
                f"transformed ({model.trace(function).via}): the object is updated once, at "
                "trace time, and never on later calls; keep the state in arguments and "
                "return values instead",
            )
        statement = store.statement
        value = getattr(statement, "value", None)
        if value is None or model.array_fact(value, Point(function, store.ordinal)) is not Fact.YES:
            return None
        return Diagnostic(
            self.code,
            store.target,
            f"`{dotted(store.target)} = <traced value>` inside traced `{function.qualname}` "
            f"stores a tracer on the object: it leaks out of the trace"
            f"{self.via(model, function)}; "
            "return the value instead",
        )
