"""JL009 jit-rewrap-in-loop: the same function wrapped with ``jax.jit`` on every iteration."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.fix.findings import Diagnostic
from jaxlint.model import CallSite, SemanticModel
from jaxlint.rules.base import Invalid, Valid, source_text
from jaxlint.rules.jl003_jit_in_loop import Hoists, JitInLoop
from jaxlint.rules.triggers import Trigger


class JitRewrapInLoop(JitInLoop):
    code = "JL009"
    name = "jit-rewrap-in-loop"
    summary = "A stable function is re-wrapped with `jax.jit` on every iteration"
    default_enabled = False
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for `jax.jit(f)`, `jax.pmap(f)`, `equinox.filter_jit(f)` (and their aliases)
        evaluated inside a loop or comprehension where `f` is the same function object on
        every iteration: a module-level function, a parameter, a name bound outside the loop.

        Off by default: enable it with `--select JL009`, `extend-select = ["JL009"]` or
        `select = ["ALL"]`. What really recompiles in a loop (a lambda, a `partial`, a bound
        method, a function defined in the loop) is JL003, which is on by default.

        `jax.jit(obj.attr)` where `obj`'s class is unknown is reported here too, with a
        message that says what it costs either way: a bound method is a new object at each
        access, so every iteration traces and compiles again (about 37 ms a time for a small
        function on a CPU, jax 0.10), where a function stored in an attribute hits the cache.
        """
    why_bad = """
        `jax.jit` caches compiled code per function object, so re-wrapping a stable function
        hits the cache: nothing recompiles. The cost is the wrapping itself, about 30 µs per
        iteration on a CPU (measured with jax 0.10: 35 µs for `jax.jit(f)(x)` in a loop
        against 4 µs for a hoisted `f_jit(x)`, where a new lambda costs 24 ms per iteration).
        That matters in a tight loop of small steps, and the code is one edit away from
        recompiling (wrap a lambda instead, and every iteration compiles).
        """
    example = """
        import jax

        def evaluate(params, batches):
            losses = []
            for batch in batches:
                losses.append(jax.jit(loss_fn)(params, batch))
            return losses
        """
    use_instead = """
        import jax

        loss_jit = jax.jit(loss_fn)

        def evaluate(params, batches):
            return [loss_jit(params, batch) for batch in batches]
        """
    fix = "sometimes"
    fix_safety = """
        The fix builds the wrapper once, just before the outermost loop around it (before
        the statement that holds a comprehension), and the loop uses it:
        `loss_jit = jax.jit(loss_fn)`. A wrapper assigned alone on its line
        (`g = jax.jit(f)`, the only binding of `g`) keeps its name and moves; otherwise
        the new name is one the file does not use. It is offered only where everything
        the wrapper reads is the same on every iteration: no name it reads is bound in
        the loop, or from another function (`global`, `nonlocal`) or another file.

        Re-wrapping the same function hits the compilation cache, so the loop traces and
        compiles as often as before, and computes the same results. The fix is safe for
        `jax.jit(f)` without options, where `f` is defined once, unconditionally, before
        the loop (a `def` of this file) and the transformation is imported once: building
        the wrapper cannot fail then, even when the loop runs no iteration. It is unsafe
        otherwise: for a parameter or an imported name (which may not be callable), or
        with options such as `static_argnums` (which `jax.jit` checks against `f` when it
        wraps it), the hoisted wrapper is built, and may raise, where the loop runs no
        iteration and the original built nothing. For `jax.jit(obj.attr)` of an unknown
        class it is unsafe too: a bound method re-wrapped every iteration is traced
        again each time and reads its object's fields afresh, where the hoisted wrapper
        traces once.
        """
    valid = (
        Valid("""
            import jax
            def loss(x):
                return x * 2
            loss_jit = jax.jit(loss)
            for x in range(3):
                loss_jit(x)
            """),
        Valid("""
            import jax
            for batch in range(10):
                out = jax.jit(lambda x: x * batch)(1.0)  # recompiles: JL003, not JL009
            """),
        Valid("""
            import jax
            def compile_all(functions, x):
                return [jax.jit(fn)(x) for fn in functions]  # a different function each time
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            def loss(x):
                return x * 2
            for x in range(3):
                jax.jit(loss)(x)
            """,
            fixed="""
            import jax
            def loss(x):
                return x * 2
            loss_jit = jax.jit(loss)
            for x in range(3):
                loss_jit(x)
            """,
        ),
        Invalid(
            """
            import equinox as eqx
            def predict(model, xs):
                return [eqx.filter_jit(model)(x) for x in xs]
            """,
            fixed="""
            import equinox as eqx
            def predict(model, xs):
                model_jit = eqx.filter_jit(model)
                return [model_jit(x) for x in xs]
            """,
        ),
        Invalid(
            """
            import jax
            def evaluate(model, batches):
                return [jax.jit(model.predict)(b) for b in batches]
            """,
            fixed="""
            import jax
            def evaluate(model, batches):
                predict_jit = jax.jit(model.predict)
                return [predict_jit(b) for b in batches]
            """,
            fixes=("unsafe",),
            message="`jax.jit` inside a comprehension re-wraps `model.predict` every iteration: "
            "if it is a bound method, each access makes a new one and every iteration traces "
            "and compiles again",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        hoists = Hoists(model)
        for site, name, cause in self.built_in_loops(model):
            if cause:
                continue
            where = site.loop.describe()  # type: ignore[union-attr]
            wrapped = self.wrapped_function(site.call)
            if self.maybe_bound_method(model, site, wrapped):
                # `jax.jit(model.predict)`: a bound method is a new object at each access,
                # and jit's cache is keyed on the object: every iteration traces and
                # compiles again (tests/test_jit_cache_facts.py). Only a function stored
                # in an attribute hits the cache, and which one this is is unknown.
                label = source_text(wrapped, 40)  # type: ignore[arg-type]
                yield Diagnostic(
                    self.code,
                    site.call,
                    f"`{name}` inside a {where} re-wraps `{label}` every iteration: if it "
                    "is a bound method, each access makes a new one and every iteration "
                    "traces and compiles again (the cache hits only for a function stored "
                    "in an attribute); hoist it out of the loop",
                    hoists.fix(site, recompiles=True),
                )
                continue
            yield Diagnostic(
                self.code,
                site.call,
                f"`{name}` inside a {where} re-wraps the same function every iteration "
                "(the compilation cache hits: about 30 µs of wrapping each time); hoist "
                "it out of the loop",
                hoists.fix(site, recompiles=False),
            )

    @staticmethod
    def maybe_bound_method(
        model: SemanticModel, site: CallSite, wrapped: cst.BaseExpression | None
    ) -> bool:
        """``obj.attr`` that is not a module's function nor a function of this file: a
        method of an object whose class is unknown may be bound afresh at each access."""
        return (
            isinstance(wrapped, cst.Attribute)
            and model.qualified_name(wrapped, site.scope) is None
            and model.function_of(wrapped, site.scope) is None
            and model.class_named(wrapped.value, site.scope) is None
        )
