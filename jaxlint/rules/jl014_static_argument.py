"""JL014 static-argument: an unhashable value passed for a static argument of a jitted
function."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Scope, SemanticModel
from jaxlint.rules._jitted import calls_of, jitted_options, selected_arguments
from jaxlint.rules.base import Invalid, Rule, Valid, source_text

#: Expressions that build an unhashable value, and what it is.
UNHASHABLE_NODES: dict[type, str] = {
    cst.List: "list",
    cst.ListComp: "list",
    cst.Dict: "dict",
    cst.DictComp: "dict",
    cst.Set: "set",
    cst.SetComp: "set",
}
#: Calls that make arrays (unhashable) or mutable containers.
UNHASHABLE_CALLS: dict[str, str] = {
    **{
        f"{module}.{function}": "array"
        for module in ("jax.numpy", "numpy")
        for function in ("array", "asarray", "zeros", "ones", "arange", "full")
    },
    "builtins.list": "list",
    "builtins.dict": "dict",
    "builtins.set": "set",
}


class StaticArgument(Rule):
    code = "JL014"
    name = "static-argument"
    summary = "An unhashable value passed for a static argument of a jitted function"
    what_it_does = """
        Checks calls of functions jitted in this module with `static_argnums` or
        `static_argnames` (`@partial(jax.jit, static_argnames=...)`, `g = jax.jit(f,
        static_argnums=...)`) for a static argument that is unhashable: a list, dict or set
        display or comprehension, `list(...)`/`dict(...)`/`set(...)`, a NumPy or JAX array
        made in place, or a name bound only to one of those.
        """
    why_bad = """
        `jit` looks compiled code up by the static arguments' hash, so each must be
        hashable: an unhashable one raises `ValueError: Non-hashable static arguments are
        not supported` at the call.
        """
    example = """
        from functools import partial
        import jax

        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)

        total(x, axes=[0, 1])
        """
    use_instead = """
        from functools import partial
        import jax

        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)

        total(x, axes=(0, 1))  # a tuple is hashable
        """
    fix_safety = (
        "There is no automatic fix: a tuple often works for a list, but the function may "
        "rely on a list's methods."
    )
    valid = (
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="axes")
            def total(x, axes):
                return x.sum(axis=axes)
            def run(x):
                return total(x, axes=(0, 1)) + total(x, (0,))
            """),
        Valid("""
            import jax
            def total(x, axes):
                return x.sum(axis=axes)
            total_jit = jax.jit(total, static_argnums=1)
            def run(x):
                return total(x, [0, 1]) + total_jit([1.0, 2.0], 0)  # not static: a pytree
            """),
        Valid("""
            import jax
            def apply(x, config):
                return x * config["scale"]
            apply_jit = jax.jit(apply)  # nothing static: a dict is a pytree
            def run(x):
                return apply_jit(x, {"scale": 2.0})
            """),
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def f(x, shape):
                return x.reshape(shape)
            def run(x, shape):
                return f(x, shape) + f(x, tuple([2, 3]))  # unknown, and a tuple
            """),
    )
    invalid = (
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="axes")
            def total(x, axes):
                return x.sum(axis=axes)
            def run(x):
                return total(x, axes=[0, 1])
            """,
            line=7,
            column=26,
            message="static argument `axes` of `total` is a list",
        ),
        Invalid("""
            import jax
            import numpy as np
            def take(x, idx):
                return x[idx]
            take_jit = jax.jit(take, static_argnums=(1,))
            def run(x):
                return take_jit(x, np.array([0, 2]))
            """),
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames=("options", "names"))
            def f(x, options, names):
                return x
            def run(x):
                options = {"mode": "fast"}
                return f(x, options, names={n for n in "ab"})
            """,
            count=2,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        statics = jitted_options(model, "static_argnums", "static_argnames")
        for site, option in calls_of(model, statics):
            params = self.parameter_names(model, site)
            for value in selected_arguments(site, option):
                kind = self.unhashable(model, site, value)
                if kind is None:
                    continue
                label = params.get(id(value), "")
                article = "an" if kind == "array" else "a"
                yield Diagnostic(
                    self.code,
                    value,
                    f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
                    f"is {article} {kind} (`{source_text(value, 30)}`), which is unhashable: `jit` "
                    "raises `ValueError: Non-hashable static arguments are not supported`; "
                    "pass a tuple or another hashable value, or make the argument non-static",
                )

    def parameter_names(self, model: SemanticModel, site: CallSite) -> dict[int, str]:
        """The parameter each argument of ``site`` binds, by the argument's id, where known."""
        names: dict[int, str] = {}
        callee = self.callee(model, site)
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

    def callee(self, model: SemanticModel, site: CallSite) -> Scope | None:
        """The jitted function itself (for ``g = jax.jit(f)``, ``f``)."""
        func = site.call.func
        if not isinstance(func, cst.Name):
            return None
        found = model.lookup(func.value, site.scope)
        if found is None:
            return None
        binding = found[1][0]
        if binding.kind is BindingKind.DEF:
            return model.scope_of_node.get(id(binding.node))
        value = binding.value
        if isinstance(value, cst.Call) and value.args:
            return model.function_of(value.args[0].value, binding.code_scope)
        return None

    def unhashable(
        self, model: SemanticModel, site: CallSite, value: cst.BaseExpression
    ) -> str | None:
        kind = self.unhashable_expression(model, site, value)
        if kind is not None or not isinstance(value, cst.Name):
            return kind
        found = model.reaching(value.value, site.scope, site.ordinal)
        if found is None:
            return None
        kinds: set[str] = set()
        for binding in found[1]:
            if binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return None
            kind = self.unhashable_expression(model, site, binding.value)
            if kind is None:
                return None
            kinds.add(kind)
        return kinds.pop() if len(kinds) == 1 else None

    def unhashable_expression(
        self, model: SemanticModel, site: CallSite, value: cst.BaseExpression
    ) -> str | None:
        kind = UNHASHABLE_NODES.get(type(value))
        if kind is not None:
            return kind
        if isinstance(value, cst.Call):
            return UNHASHABLE_CALLS.get(model.qualified_name(value.func, site.scope) or "")
        return None
