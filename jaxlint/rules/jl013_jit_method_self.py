"""JL013 jit-method-self: ``@jax.jit`` on a method of a plain class, whose ``self`` is
not a JAX type."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    BindingKind,
    CallSite,
    Scope,
    SemanticModel,
    StoreSite,
)
from jaxlint.model.analyze.jitted import (
    ArgumentOption,
    argument_parameters,
    attribute_stores,
    calls_of,
    clears_compiled,
    identity_hashed,
    jitted_function,
    jitted_options,
    option_of,
    selected_arguments,
    stale_call,
)
from jaxlint.model.analyze.uses import parameter_uses
from jaxlint.model.records import TransformForm
from jaxlint.model.tracing import transform_options
from jaxlint.rules.base import Rule, source_text
from jaxlint.rules.jl013_examples import INVALID, VALID
from jaxlint.rules.triggers import Trigger

#: Calls that register a class with JAX's pytree or static machinery.
REGISTRATION_PREFIX = "jax.tree_util.register"
#: Methods with which a class defines when two instances are equal static values.
USER_HASHING = ("__hash__", "__eq__")


def _decorator_label(decorator: cst.BaseExpression) -> str:
    """The decorator as a message quotes it: whole when short, else its call with the
    options left out (`partial(jax.jit, ...)`), never cut inside an argument."""
    text = source_text(decorator)
    if len(text) <= 40 or not isinstance(decorator, cst.Call):
        return source_text(decorator, 40)
    function = source_text(decorator.func, 30)
    positional = [arg for arg in decorator.args if arg.keyword is None and not arg.star]
    if positional and len(source_text(positional[0].value)) <= 20:
        return f"{function}({source_text(positional[0].value)}, ...)"
    return f"{function}(...)"


def _first_may_be_static(decorator: cst.BaseExpression, form: TransformForm, method: Scope) -> bool:
    """The jit decorator's options may keep the method's first argument static: they
    name it in ``static_argnums``/``static_argnames``, or say it in a way not read here
    (positional options, static options that are not literals)."""
    if form is TransformForm.BARE:
        return False
    options = transform_options(decorator, form)
    if any(arg.keyword is None for arg in options):
        return True
    static = option_of(options, method, "", "static_argnums", "static_argnames")
    if static is None:
        return any(
            arg.keyword is not None and arg.keyword.value in ("static_argnums", "static_argnames")
            for arg in options
        )
    return 0 in static.positions


class JitMethodSelf(Rule):
    code = "JL013"
    name = "jit-method-self"
    summary = (
        "`@jax.jit` on a method of a plain class: `self` is not a valid JAX type, or is "
        "static while its attributes change; or a static argument changed between calls"
    )
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for methods decorated with `@jax.jit` (or `@partial(jax.jit, ...)` that
        leaves `self` non-static) in a plain class: one with no base classes and no class
        decorators, that is not registered as a pytree in this module
        (`jax.tree_util.register_pytree_node_class`, `register_dataclass`, ...).

        Only methods whose first parameter is `self` are checked (a function in a class
        body called through the class takes no instance). Classes with bases (flax and equinox modules, `NamedTuple`, pytree base classes)
        and decorated classes (`flax.struct.dataclass`, `chex.dataclass`, registered
        dataclasses) may well be pytrees, and are left alone. In any class, `@classmethod`
        directly over `@jax.jit` is flagged unless the first parameter is static: every
        call passes the class, and a type is never a JAX type.

        The opposite trap: a method of such a class jitted with `self` static
        (`static_argnums=0`, `static_argnames="self"`, `jax.jit(Cls.method,
        static_argnums=0)`) that reads an attribute (`self.w`, directly or in a method it
        calls through `self`) which another method reassigns after construction (a
        `self.w = ...` outside `__init__`, `__post_init__`, `setup` and the methods they
        call). Classes that define `__hash__` or `__eq__` say themselves when two
        instances are the same static value, and are left alone; so are writes in the
        jitted method itself (JL002's), and in a method that then clears the compiled
        code (`jax.clear_caches()`, `self.apply.clear_cache()`).

        The same trap for any static argument: an instance of a class of this module
        hashed by identity (no base class but `object`, no `__eq__`/`__hash__`, not
        frozen: a plain class or `@dataclass(eq=False)`), held in one name bound once,
        passed for a `static_argnums`/`static_argnames` argument of a function jitted in
        this module, and an attribute of it that the function reads (`cfg.scale`)
        reassigned before the function is called again with the same object: between two
        calls in the same straight-line code, or after the call in a loop around both
        (the loop's next iteration calls it again). Reassignments in an `if` arm of their
        own, a new object per iteration, and code that clears the compiled programs in
        between are left alone.
        """
    why_bad = """
        `jit` traces every non-static argument, and `self` is an argument: for an instance
        of a plain class the call raises `TypeError: Error interpreting argument to ... as
        an abstract array` (older jax: `Argument 'self' ... is not a valid JAX type`).

        A static `self` is looked up by its hash and equality, which for a plain class are
        its identity: after `model.w = new_w`, the next call finds the program compiled
        for the same object and runs it with the old `w` baked in, silently. So does any
        static argument hashed by identity: after `cfg.scale = 5.0`, `f(x, cfg)` still
        multiplies by the old scale.
        """
    example = """
        import jax

        class Scaler:
            def __init__(self, w):
                self.w = w

            @jax.jit
            def __call__(self, x):
                return x * self.w
        """
    use_instead = """
        import jax

        @jax.jit
        def scale(w, x):
            return x * w

        class Scaler:
            def __init__(self, w):
                self.w = w

            def __call__(self, x):
                return scale(self.w, x)
        """
    fix_safety = (
        "There is no automatic fix: make the class a pytree, mark `self` static (if it is "
        "hashable and never changes), or move the computation into a pure function."
    )
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        registered = self.registered_classes(model)
        for cls in model.classes:
            if not self.plain(cls) or id(cls) in registered:
                continue
            for method, node in self.instance_methods(model, cls):
                if "self" in model.trace(method).static_params:
                    diagnostic = self.check_static_self(model, cls, method, node)
                else:
                    diagnostic = self.check_method(model, cls, method, node)
                if diagnostic is not None:
                    yield diagnostic
        yield from self.check_static_arguments(model)
        for cls in model.classes:
            for bindings in cls.bindings.values():
                for binding in bindings:
                    method = model.scope_of_node.get(id(binding.node))
                    if method is not None and isinstance(binding.node, cst.FunctionDef):
                        diagnostic = self.check_classmethod(model, cls, method, binding.node)
                        if diagnostic is not None:
                            yield diagnostic

    def check_classmethod(
        self, model: SemanticModel, cls: Scope, method: Scope, node: cst.FunctionDef
    ) -> Diagnostic | None:
        """``@classmethod`` directly over ``@jax.jit``: the call passes the class as the
        first argument, and a type is never a JAX type, whatever the class is."""
        decorators = [decorator.decorator for decorator in node.decorators]
        for outer, inner in zip(decorators, decorators[1:], strict=False):
            if model.qualified_name(outer, cls) != "builtins.classmethod":
                continue
            transform = model.transform_of(inner, cls)
            if transform is None or transform[0] not in jf.JIT_TRANSFORMS:
                return None
            positional = method.positional_params()
            if not positional or any(p.starred for p in method.params.values()):
                return None
            if _first_may_be_static(inner, transform[2], method):
                return None
            first = positional[0].name
            return Diagnostic(
                self.code,
                inner,
                f"`@{_decorator_label(inner)}` under `@classmethod` on `{cls.name}."
                f"{node.name.value}` traces its first argument `{first}`, which every call "
                f"passes the class `{cls.name}`: a type is not a JAX type, and calls raise "
                f"TypeError; mark it static (`static_argnums=0`) or use `@staticmethod`",
            )
        return None

    def instance_methods(
        self, model: SemanticModel, cls: Scope
    ) -> Iterator[tuple[Scope, cst.FunctionDef]]:
        """The methods of ``cls`` whose first parameter is ``self``, not static or class
        methods: called through the class, a first `x` is no instance."""
        for bindings in cls.bindings.values():
            for binding in bindings:
                node = binding.node
                if not isinstance(node, cst.FunctionDef):
                    continue
                method = model.scope_of_node.get(id(node))
                first = method.self_param() if method is not None else None
                if method is None or first is None or first.name != "self":
                    continue
                if model.decorated_with(method, "builtins.staticmethod") or (
                    model.decorated_with(method, "builtins.classmethod")
                ):
                    continue
                yield method, node

    def plain(self, cls: Scope) -> bool:
        node: cst.ClassDef = cls.node  # type: ignore[assignment]
        if node.decorators:
            return False
        if node.keywords:
            return False  # a metaclass may make it anything
        return all(
            isinstance(arg.value, cst.Name) and arg.value.value == "object" for arg in node.bases
        )

    def registered_classes(self, model: SemanticModel) -> set[int]:
        found: set[int] = set()
        for site in model.calls:
            name = site.qualified_name or ""
            if name.startswith(REGISTRATION_PREFIX) and site.call.args:
                target = site.call.args[0].value
                if isinstance(target, cst.Name):
                    located = model.lookup(target.value, site.scope)
                    if located is not None:
                        for binding in located.bindings:
                            scope = model.scope_of_node.get(id(binding.node))
                            if scope is not None:
                                found.add(id(scope))
        return found

    def check_method(
        self, model: SemanticModel, cls: Scope, method: Scope, node: cst.FunctionDef
    ) -> Diagnostic | None:
        parent = cls
        jitted: cst.Decorator | None = None
        for decorator in node.decorators:
            expr = decorator.decorator
            name = model.qualified_name(expr, parent)
            if name in ("builtins.staticmethod", "builtins.classmethod", "builtins.property"):
                return None
            transform = model.transform_of(expr, parent)
            if transform is None:
                continue
            if transform[0] not in jf.JIT_TRANSFORMS:
                return None  # another transformation first: not this rule's to judge
            if _first_may_be_static(expr, transform[2], method):
                return None
            jitted = decorator
        if jitted is None:
            return None
        self_name = method.self_param().name  # type: ignore[union-attr]
        return Diagnostic(
            self.code,
            jitted.decorator,
            f"`@{_decorator_label(jitted.decorator)}` on method `{cls.name}.{node.name.value}` "
            f"traces `{self_name}`, an "
            f"instance of the plain class `{cls.name}`, which is not a JAX type: calls raise "
            f"TypeError; make `{cls.name}` a pytree, mark `{self_name}` static "
            "(`static_argnums=0`), or jit a pure function",
        )

    def check_static_self(
        self, model: SemanticModel, cls: Scope, method: Scope, node: cst.FunctionDef
    ) -> Diagnostic | None:
        """``self`` static with the default hash (identity): the compiled code keeps the
        attribute values of the first call, however the instance changes later."""
        if not model.trace(method).compiled:
            return None
        if any(name in cls.bindings for name in USER_HASHING):
            return None  # the class says when two instances are the same static value
        traced = self.self_calls(cls, [method])
        construction = self.self_calls(cls, self.construction_methods(model, cls))
        for attr in self.attributes_read(model, traced):
            for _, writer, _ in cls.instance_attrs.get(attr, ()):
                if writer in construction or writer in traced:
                    continue  # the first value, or a write in traced code (JL002's)
                first = writer.self_param()
                if first is None or first.name != "self" or self.clears_caches(writer):
                    continue
                where = self.jit_decorator(model, cls, node)
                return Diagnostic(
                    self.code,
                    where if where is not None else node.name,
                    f"`self` is static in `{cls.name}.{node.name.value}` but `self.{attr}` "
                    f"is reassigned in `{cls.name}.{writer.name}`: jit looks compiled code "
                    "up by the instance's identity, so the compiled method keeps the value "
                    f"it saw first; make `{cls.name}` a pytree, or pass `{attr}` as an "
                    "argument",
                )
        return None

    @staticmethod
    def construction_methods(model: SemanticModel, cls: Scope) -> list[Scope]:
        found: list[Scope] = []
        for name in jf.CONSTRUCTION_METHODS:
            for binding in cls.bindings.get(name, ()):
                scope = model.scope_of_node.get(id(binding.node))
                if binding.kind is BindingKind.DEF and scope is not None:
                    found.append(scope)
        return found

    @staticmethod
    def self_calls(cls: Scope, methods: list[Scope]) -> set[Scope]:
        """``methods`` and the methods of ``cls`` they call through ``self``, transitively."""
        found: set[Scope] = set(methods)
        pending = list(methods)
        while pending:
            for site in pending.pop().calls:
                callee = site.callee
                if (
                    site.binds_self
                    and callee is not None
                    and callee.enclosing_class() is cls
                    and callee not in found
                ):
                    found.add(callee)
                    pending.append(callee)
        return found

    @staticmethod
    def attributes_read(model: SemanticModel, methods: set[Scope]) -> list[str]:
        """The ``self.<attr>`` the methods load, in source order (of the methods)."""
        found: dict[str, None] = {}
        for scope in model.scopes:
            if scope in methods:
                found.update(dict.fromkeys(scope.instance_reads))
        return list(found)

    @staticmethod
    def clears_caches(method: Scope) -> bool:
        """``jax.clear_caches()`` or ``self.apply.clear_cache()``: the next call compiles
        again, with the new value."""
        return any(clears_compiled(site) for site in method.calls)

    @staticmethod
    def jit_decorator(
        model: SemanticModel, cls: Scope, node: cst.FunctionDef
    ) -> cst.CSTNode | None:
        """The ``@jax.jit``/``@partial(jax.jit, ...)`` decorator of the method, if any."""
        for decorator in node.decorators:
            found = model.transform_of(decorator.decorator, cls)
            if found is not None and found[0] in jf.JIT_TRANSFORMS:
                return decorator.decorator
        return None

    def check_static_arguments(self, model: SemanticModel) -> Iterator[Diagnostic]:
        """An instance of a class hashed by identity, passed static to a jitted function
        of this file, whose attribute (one the function reads) is reassigned before the
        function is called again with the same object: a cache hit on the old program."""
        statics = jitted_options(model, "static_argnums", "static_argnames")
        sites = list(calls_of(model, statics))
        reported: set[int] = set()
        for site, option in sites:
            function = jitted_function(model, site)
            if function is None or model.staged_function(site.scope) is not None:
                continue  # calls in traced code run once, at trace time
            params = argument_parameters(model, site)
            for value in selected_arguments(site, option):
                label = params.get(id(value), "")
                found = identity_hashed(model, site, value) if label else None
                if found is None:
                    continue
                binding, cls = found
                read = parameter_uses(model, function, label).attributes
                for store in attribute_stores(model, site, binding.name, read, cls):
                    later = stale_call(model, site, option, store, binding, sites)
                    if later is not None and id(store.node) not in reported:
                        reported.add(id(store.node))
                        yield self.stale_argument(model, store, option, label, later)

    def stale_argument(
        self,
        model: SemanticModel,
        store: StoreSite,
        option: ArgumentOption,
        label: str,
        later: CallSite,
    ) -> Diagnostic:
        target = source_text(store.target, 40)
        name = source_text(store.target.value, 20)  # type: ignore[attr-defined]
        where = (
            "the next iteration's call"
            if later.ordinal < store.ordinal
            else f"the call at {model.line_name(later.node)}"
        )
        return Diagnostic(
            self.code,
            store.target,
            f"`{target}` is reassigned after `{name}` was passed as the static argument "
            f"`{label}` of `{option.name}`, which reads it: jit looks compiled code up by "
            f"the object's identity, so {where} runs the program compiled with the old "
            f"value, silently; pass a new object, or pass `{target}` as a traced argument",
        )
