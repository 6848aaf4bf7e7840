"""JL008 unused-update: ``x.at[i].set(v)`` whose result is thrown away."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import SemanticModel, at_update, dotted
from jaxlint.model.analyze.questions import rebind_obstacle
from jaxlint.rules.base import Invalid, Rule, Valid
from jaxlint.rules.triggers import Trigger


class UnusedUpdate(Rule):
    code = "JL008"
    name = "unused-update"
    summary = "Result of an `.at[...]` update is discarded"
    fix = "sometimes"
    triggers = frozenset({Trigger.AT_UPDATE_STATEMENT})
    what_it_does = """
        Checks for `x.at[i].set(v)`, `.add(...)`, `.multiply(...)` and the other `.at[]`
        updates used as a statement on their own, anywhere (traced or not).
        """
    why_bad = """
        `.at[...]` updates never modify `x`: they return a new array. As a bare statement the
        new array is dropped and the line does nothing, silently. It is almost always a
        half-finished rewrite of `x[i] = v`.
        """
    example = """
        def reset(x):
            x.at[0].set(0.0)
            return x
        """
    use_instead = """
        def reset(x):
            x = x.at[0].set(0.0)
            return x
        """
    fix_safety = """
        The fix assigns the result back (`x = x.at[0].set(0.0)`), which is what the statement
        most likely meant; it is offered only when `x` is a local name (or a non-frozen
        `self` attribute) that can be reassigned at that point.

        The fix is unsafe: the statement did nothing before and changes `x` after, so every
        later read of `x` sees the update. Code that ran (and tests that passed) on the old
        `x` can behave differently; that is the point of the fix, but only you can tell it
        is what was meant. `--fix` applies it only with `--unsafe-fixes`.
        """
    valid = (
        Valid("""
            def reset(x):
                return x.at[0].set(0.0)
            """),
        Valid("""
            def reset(x):
                y = x.at[0].set(0.0)
                return y
            """),
        Valid("""
            def read(x):
                x.at[0].get()
            """),
    )
    invalid = (
        Invalid(
            """
            def reset(x):
                x.at[0].set(0.0)  # forgot to assign
                return x
            """,
            fixed="""
            def reset(x):
                x = x.at[0].set(0.0)  # forgot to assign
                return x
            """,
        ),
        Invalid(
            """
            import jax.numpy as jnp
            STATE = jnp.zeros(3)
            def bump():
                STATE.at[1].add(1.0)
            """,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        for site in model.expression_statements:
            statement: cst.Expr = site.node  # type: ignore[assignment]
            call = statement.value
            if not isinstance(call, cst.Call):
                continue
            found = at_update(call)
            if found is None:
                continue
            base, _, method = found
            label = dotted(base) or "x"
            message = (
                f"The result of `{label}.at[...].{method}(...)` is discarded: `.at[]` updates "
                "return a new array and leave the original unchanged"
            )
            fix = None
            if dotted(base) is not None:
                obstacle = rebind_obstacle(model, base, site)
                if obstacle is None:
                    replacement = cst.Assign(
                        targets=[cst.AssignTarget(base.deep_clone())],
                        value=call,
                        semicolon=statement.semicolon,
                    )
                    fix = Fix(
                        f"Assign the result to `{label}`",
                        (Replace(statement, replacement),),
                        Applicability.UNSAFE,  # later reads of the name now see the update
                    )
                    message += f"; assign it: `{label} = {label}.at[...].{method}(...)`"
                else:
                    message += f" (no automatic fix: {obstacle})"
            yield Diagnostic(self.code, call, message, fix)
