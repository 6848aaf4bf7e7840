"""JL012 non-array-input: a Python list or tuple where a ``jax.numpy`` function wants an array."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import CallSite, SemanticModel
from jaxlint.model.analyze.questions import jnp_function
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
from jaxlint.rules.triggers import Trigger

#: The Python sequences (a generator is not an array either) that ``jax.numpy`` rejects.
SEQUENCES = ("list", "tuple", "generator")


class NonArrayInput(Rule):
    code = "JL012"
    name = "non-array-input"
    summary = "A Python list or tuple passed where a `jax.numpy` function needs an array"
    fix = "sometimes"
    triggers = frozenset({Trigger.ARRAY_FUNCTION_AND_DISPLAY})
    what_it_does = """
        Checks for calls of `jax.numpy` functions that require arrays (`jnp.sum`,
        `jnp.mean`, `jnp.exp`, `jnp.reshape`, `jnp.maximum`, ...) whose array argument is a
        list or tuple literal, a comprehension, a generator, or a name bound only to one.

        Functions that take sequences by design (`jnp.array`, `jnp.asarray`, `jnp.stack`,
        `jnp.concatenate`, `jnp.hstack`, `jnp.vstack`, ...) are never flagged, nor are the
        arguments that are shapes, axes or repetitions (`jnp.reshape(x, [2, 3])`).
        """
    why_bad = """
        Unlike NumPy, `jax.numpy` does not convert Python sequences implicitly: converting a
        list means one transfer per element and hides a silent performance cost, so JAX
        raises `TypeError: sum requires ndarray or scalar arguments, got <class 'list'> at
        position 0`, in eager code and under `jit` alike.
        """
    example = """
        import jax.numpy as jnp

        losses = [loss_a, loss_b, loss_c]
        total = jnp.sum(losses)
        """
    use_instead = """
        import jax.numpy as jnp

        losses = [loss_a, loss_b, loss_c]
        total = jnp.sum(jnp.asarray(losses))  # or jnp.stack(losses)
        """
    fix_safety = """
        The fix wraps the argument in `jnp.asarray(...)`, through the name the call already
        uses for `jax.numpy`; it is safe, since the original always raises, except in the
        body of a `try` or of a block that expects an error (`pytest.raises`, ...), where the
        code may run to show the error: there it is unsafe. It is not offered
        where `jax.numpy` is reached only through `from jax.numpy import ...`.
        """
    valid = (
        Valid("""
            import jax.numpy as jnp
            def total(parts=()):  # the default is one caller's value, not every caller's
                return jnp.sum(parts)
            print(total(jnp.ones(3)))
            """),
        Valid("""
            import jax.numpy as jnp
            def f(a, b):
                x = jnp.stack([a, b])
                y = jnp.concatenate([a, b], axis=0)
                z = jnp.asarray([1.0, 2.0])
                return jnp.sum(x) + jnp.sum(y) + jnp.sum(z)
            """),
        Valid("""
            import jax.numpy as jnp
            def f(x):
                y = jnp.reshape(x, [2, 3])
                y = jnp.transpose(y, (1, 0))
                y = jnp.tile(y, [2, 1])
                return jnp.sum(y, axis=(0, 1))
            """),
        Valid("""
            import jax.numpy as jnp
            def f(xs):
                parts = [x * 2 for x in xs]
                parts = jnp.stack(parts)  # rebound to an array before the sum
                return jnp.sum(parts)
            """),
        Valid("""
            import numpy as np
            def f():
                return np.sum([1, 2, 3])  # NumPy converts lists
            """),
        Valid("""
            import jax.numpy as jnp
            def f(xs):
                return jnp.sum(xs) + jnp.max(*xs)  # unknown: stay silent
            """),
    )
    invalid = (
        Invalid(
            """
            import jax.numpy as jnp
            def f(a, b):
                return jnp.sum([a, b])
            """,
            fixed="""
            import jax.numpy as jnp
            def f(a, b):
                return jnp.sum(jnp.asarray([a, b]))
            """,
            line=3,
            column=20,
            message="`jnp.sum` rejects a Python list",
        ),
        Invalid(
            """
            import jax.numpy as jnp
            def f(xs):
                losses = [x ** 2 for x in xs]
                return jnp.mean(losses) + jnp.maximum(0.0, (1.0, 2.0))
            """,
            fixed="""
            import jax.numpy as jnp
            def f(xs):
                losses = [x ** 2 for x in xs]
                return jnp.mean(jnp.asarray(losses)) + jnp.maximum(0.0, jnp.asarray((1.0, 2.0)))
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            def f(xs):
                return jax.numpy.linalg.norm([x.sum() for x in xs])
            """,
            fixed="""
            import jax
            def f(xs):
                return jax.numpy.linalg.norm(jax.numpy.asarray([x.sum() for x in xs]))
            """,
        ),
        Invalid(
            """
            from jax.numpy import exp
            def f(a):
                return exp((a, a))  # no fix: no name for jax.numpy here
            """,
            message="`jnp.exp` rejects a Python tuple",
        ),
        Invalid(
            """
            import jax.numpy as jnp
            try:
                jnp.sum([1.0, 2.0])  # a lesson: this raises, and the handler shows it
            except TypeError as error:
                print(error)
            """,
            fixed="""
            import jax.numpy as jnp
            try:
                jnp.sum(jnp.asarray([1.0, 2.0]))  # a lesson: this raises, and the handler shows it
            except TypeError as error:
                print(error)
            """,
            fixes=("unsafe",),
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        function = jnp_function(site)
        if function is None:
            return None
        positions = jf.JNP_REJECTS_SEQUENCES.get(function)
        if positions is None:
            return None
        positional: list[cst.BaseExpression] = []
        for arg in site.call.args:
            if arg.star:
                return None  # which argument lands where is unknown
            if arg.keyword is None:
                positional.append(arg.value)
        for position in positions:
            if position >= len(positional):
                break
            value = positional[position]
            kind = self.sequence_of(model, value, site)
            if kind is None:
                continue
            shown = "jnp." + function
            error = (
                f"TypeError: {function.split('.')[-1]} requires ndarray or scalar arguments"
                if kind != "generator"
                else "TypeError (a generator is not an array)"
            )
            return Diagnostic(
                self.code,
                value,
                f"`{shown}` rejects a Python {kind} (`{source_text(value, 40)}`) and raises "
                f"{error}; convert it first with `jnp.asarray(...)` (or `jnp.stack(...)` for "
                "arrays)",
                self.fix_for(model, site, value),
            )
        return None

    def sequence_of(
        self, model: SemanticModel, value: cst.BaseExpression, site: CallSite
    ) -> str | None:
        """``list``/``tuple``/``generator`` when ``value`` is one for sure, else None."""
        return model.container_kind(value, site, SEQUENCES)

    def fix_for(
        self, model: SemanticModel, site: CallSite, value: cst.BaseExpression
    ) -> Fix | None:
        namespace = site.call.func
        while isinstance(namespace, cst.Attribute):
            namespace = namespace.value
            if model.qualified_name(namespace, site.scope) == "jax.numpy":
                converter = cst.Attribute(namespace.deep_clone(), cst.Name("asarray"))
                inner = value.deep_clone()
                if isinstance(inner, cst.GeneratorExp):
                    # asarray needs the values, not a generator of them
                    inner = cst.ListComp(inner.elt, inner.for_in)
                wrapped = cst.Call(converter, [cst.Arg(inner)])
                edits = (Replace(value, wrapped),)
                if model.checks_for_errors(site):
                    # In a `try` or under `pytest.raises`: the error may be the point.
                    title = "Wrap in `jnp.asarray(...)` (unsafe: the code runs to see it raise)"
                    return Fix(title, edits, Applicability.UNSAFE)
                return Fix("Wrap in `jnp.asarray(...)`", edits, Applicability.SAFE)
        return None
