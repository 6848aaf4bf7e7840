"""JL008 unused-update: ``x.at[i].set(v)`` whose result is thrown away."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    Binding,
    BindingKind,
    Fact,
    Loop,
    LoopKind,
    Point,
    Scope,
    SemanticModel,
    Site,
    at_update,
    dotted,
    names_read,
)
from jaxlint.model.analyze.liveness import never_read_after
from jaxlint.model.analyze.questions import rebind_obstacle
from jaxlint.rules.base import Invalid, Rule, Valid, source_text
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.calls import keyword_names, positional_count


class UnusedUpdate(Rule):
    code = "JL008"
    name = "unused-update"
    summary = (
        "Result of an update is discarded: a dropped `.at[]` or pure JAX call, a lost loop update"
    )
    fix = "sometimes"
    triggers = frozenset(
        {Trigger.AT_UPDATE_STATEMENT, Trigger.ARRAY_CALL_STATEMENT, Trigger.LOOP_TARGET_UPDATE}
    )
    what_it_does = """
        Checks, anywhere (traced or not), for updates whose result is thrown away:

        - `x.at[i].set(v)`, `.add(...)`, `.multiply(...)` and the other `.at[]` updates used
          as a statement on their own;
        - a statement that only calls a pure JAX function whose result is a new version of
          one argument, and drops it: `jnp.clip(x, 0, 1)`, `jnp.nan_to_num(x, copy=False)`,
          `jax.device_put(x, device)`, `optax.apply_updates(params, updates)`; or an array
          method that converts or rearranges a value that is a JAX array on every path
          (`x.astype(jnp.float32)`, `x.reshape(...)`, `x.sort()`). A reduction or another
          value computed and dropped (`jnp.sum(x)`, `x.mean()`) is a value looked at, as in
          a bug report's transcript, and is not flagged;
        - `for p in params: p -= lr * g` (or `p = p - lr * g`) where every element of
          `params` is a JAX array (a display of arrays, `jnp.split(...)`, the rows of an
          array; through `zip` and `enumerate` too) and nothing reads the new `p` afterwards:
          not the rest of the pass, not a loop around it, not the code after the loop.

        Nothing is flagged as the last line of a notebook cell: its value is shown. A
        dropped call is not flagged where it may be made for the error it raises: in a
        `try` body or a `with pytest.raises(...)`, `self.assertRaises(...)`,
        `contextlib.suppress(...)` or jax checking-mode (`jax.debug_nans`) block, or in a
        `test*` function or a function it defines (a smoke test); nor when it reads no
        variable (`jnp.zeros(1)` to start the backend), passes `out=` or a function for
        jax to call, passes `donate=` to `device_put`, or calls `block_until_ready`.
        """
    why_bad = """
        JAX arrays are immutable: `.at[...]` updates, `jnp` functions and array methods never
        modify their arguments, they return a new array. As a bare statement the new array
        is dropped and the line does nothing, silently (NumPy's in-place `x.sort()` is a
        sorted copy here). It is almost always a half-finished rewrite of `x[i] = v` or a
        missing `x = `.

        In the loop, `p -= lr * g` cannot change the array `p` names (JAX arrays have no
        in-place operators): it binds `p` to a new array, which the next pass replaces.
        `params` keeps its old values, and training silently does nothing. With NumPy arrays
        the same line writes in place and works, which is why the elements must be known
        JAX arrays.
        """
    example = """
        import jax.numpy as jnp

        def reset(x):
            x.at[0].set(0.0)
            jnp.clip(x, 0.0, 1.0)
            return x
        """
    use_instead = """
        import jax.numpy as jnp

        def reset(x):
            x = x.at[0].set(0.0)
            x = jnp.clip(x, 0.0, 1.0)
            return x
        """
    fix_safety = """
        The fix assigns the result back (`x = x.at[0].set(0.0)`), which is what the statement
        most likely meant; it is offered only when `x` is a local name (or a non-frozen
        `self` attribute) that can be reassigned at that point. For a dropped call it is
        offered only where the result replaces one argument: an array method that converts
        or rearranges the receiver (`x = x.astype(...)`, `.reshape`, `.clip`, `.sort`, ...;
        not a reduction such as `.sum()`), and `jax.device_put`, `jnp.clip`,
        `jnp.nan_to_num` and optax's `apply_updates` (`params = ...`) and
        `incremental_update` (the target parameters), whose results have that argument's
        structure, shapes and dtypes (a test runs each).

        The fix is unsafe: the statement did nothing before and changes `x` after, so every
        later read of `x` sees the update. Code that ran (and tests that passed) on the old
        `x` can behave differently; that is the point of the fix, but only you can tell it
        is what was meant. `--fix` applies it only with `--unsafe-fixes`. A lost loop update
        has no automatic fix: build the new sequence (`[p - lr * g for p, g in zip(params,
        grads)]`) or use `jax.tree.map`.
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
        Valid("""
            import jax.numpy as jnp
            def check(x):
                try:
                    jnp.asarray(x)  # validation: raises on what is not array-like
                except TypeError:
                    return False
                return True
            """),
        Valid("""
            import numpy as np
            def rank(scores: np.ndarray):
                scores.sort()  # NumPy sorts in place
                return scores
            """),
        Valid("""
            import jax
            def sync(x: jax.Array):
                x.block_until_ready()
            """),
        Valid("""
            import jax.numpy as jnp
            def test_clip_runs():
                jnp.clip(jnp.ones(3), 0.0, 1.0)  # a smoke test
            """),
        Valid("""
            import jax.numpy as jnp
            jnp.zeros(1)  # start the backend
            """),
        Valid("""
            import numpy as np
            def sgd(w: np.ndarray, b: np.ndarray, lr):
                for p in (w, b):
                    p -= lr  # NumPy: in place
                return w, b
            """),
        Valid("""
            import jax
            def last_scaled(xs: jax.Array):
                for row in xs:
                    row *= 2.0
                return row  # the last row's update is read
            """),
        Valid("""
            import jax
            def scaled(w: jax.Array, b: jax.Array):
                out = []
                for p in (w, b):
                    p = p * 2.0
                    out.append(p)
                return out
            """),
        Valid("""
            import jax
            def f(w: jax.Array, b: jax.Array):
                total = 0.0
                for p in (w, b):
                    for _ in range(3):
                        total += p.sum()  # the next inner pass reads the new `p`
                        p -= 1.0
                return total
            """),
        Valid("""
            import jax
            def g(w: jax.Array, b: jax.Array):
                p = w
                for _ in range(3):
                    print(p)  # the next outer pass reads the last `p`
                    for p in (w, b):
                        p = p * 2.0
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
        Invalid(
            """
            import jax.numpy as jnp
            def clamp(x):
                jnp.clip(x, 0.0, 1.0)
                return x
            """,
            fixed="""
            import jax.numpy as jnp
            def clamp(x):
                x = jnp.clip(x, 0.0, 1.0)
                return x
            """,
            message="The result of `jnp.clip(...)` is discarded",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def prepare(x: jax.Array):
                x.astype(jnp.float32)
                return x
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            def prepare(x: jax.Array):
                x = x.astype(jnp.float32)
                return x
            """,
        ),
        Invalid(
            """
            import optax
            def step(params, updates):
                optax.apply_updates(params, updates)
                return params
            """,
            fixed="""
            import optax
            def step(params, updates):
                params = optax.apply_updates(params, updates)
                return params
            """,
        ),
        Invalid(
            """
            import jax
            def sgd(w: jax.Array, b: jax.Array, gw: jax.Array, gb: jax.Array, lr: float):
                for p, g in zip((w, b), (gw, gb)):
                    p -= lr * g
                return w, b
            """,
            line=4,
            column=9,
            message="The loop variable `p` is rebound here and its new value is never read",
        ),
        Invalid(
            """
            import jax
            def h(w: jax.Array, b: jax.Array):
                for p in (w, b):
                    p -= 1.0
                for p in (w, b):
                    print(p)  # the second loop's own elements
            """,
            line=4,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        for site in model.expression_statements:
            statement: cst.Expr = site.node  # type: ignore[assignment]
            call = statement.value
            if not isinstance(call, cst.Call):
                continue
            if at_update(call) is not None:
                if not model.shown_by_notebook(site):  # a cell's last line: its value is shown
                    yield _dropped_at_update(model, site, statement, call)
                continue
            found = _dropped_result(model, site, statement, call)
            if found is not None:
                yield found
        yield from _lost_loop_updates(model)


def _dropped_at_update(
    model: SemanticModel, site: Site, statement: cst.Expr, call: cst.Call
) -> Diagnostic:
    found = at_update(call)
    assert found is not None
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
            fix = _assign_back(statement, base, f"Assign the result to `{label}`")
            message += f"; assign it: `{label} = {label}.at[...].{method}(...)`"
        else:
            message += f" (no automatic fix: {obstacle})"
    return Diagnostic(UnusedUpdate.code, call, message, fix)


def _assign_back(statement: cst.Expr, target: cst.BaseExpression, title: str) -> Fix:
    replacement = cst.Assign(
        targets=[cst.AssignTarget(target.deep_clone())],
        value=statement.value,
        semicolon=statement.semicolon,
    )
    # Unsafe: later reads of the name now see the new value.
    return Fix(title, (Replace(statement, replacement),), Applicability.UNSAFE)


def _made_to_fail(model: SemanticModel, site: Site) -> bool:
    """A statement whose call may be made for the error it raises: in a ``try`` body or
    a ``with pytest.raises(...)``-like block, in a test function or one it defines (a
    smoke test: it passes when the call does not raise), or a notebook cell's last line
    (shown)."""
    if model.checks_for_errors(site) or model.shown_by_notebook(site):
        return True
    # The functions a test defines (a function it differentiates) are test code too.
    scope: Scope | None = site.scope
    while scope is not None:
        if scope.is_function and scope.name.startswith("test"):
            return True
        scope = scope.parent
    return False


#: Bindings that name code, not values: ``jnp.float32`` reads no variable.
_DEFINITIONS = (BindingKind.IMPORT, BindingKind.DEF, BindingKind.CLASS)


def _reads_a_variable(model: SemanticModel, call: cst.Call, site: Site) -> bool:
    """Whether an argument reads a variable: a call on constants, modules and builtins
    only (``jnp.zeros(1)`` to start the backend) updates nothing."""
    for arg in call.args:
        for name in names_read(arg.value):
            found = model.lookup(name, site.scope)
            if found is not None and any(b.kind not in _DEFINITIONS for b in found.bindings):
                return True
    return False


def _dropped_result(
    model: SemanticModel, site: Site, statement: cst.Expr, call: cst.Call
) -> Diagnostic | None:
    """``jnp.clip(x, 0, 1)`` or ``x.astype(jnp.float32)`` (``x`` a JAX array) on a line of
    its own: a call whose only effect is the value it gives back."""
    func = call.func
    name = model.called_name(call)
    target: cst.BaseExpression | None = None
    if name is None and isinstance(func, cst.Attribute):
        method = func.attr.value
        receiver = func.value
        # An update: a converted or rearranged receiver, not a reduction looked at.
        if method not in jf.REPLACING_ARRAY_METHODS:
            return None
        if model.array_fact(receiver, site) is not Fact.YES or _made_to_fail(model, site):
            return None
        label = source_text(receiver, 40)
        message = (
            f"The result of `{label}.{method}(...)` is discarded: JAX arrays are immutable, "
            f"so `.{method}()` returns a new array and leaves `{label}` unchanged"
        )
        target = receiver
    else:
        positional, keywords = positional_count(call), keyword_names(call)
        if name is None or not jf.only_returns(name, positional, keywords):
            return None
        # An update: a new version of one argument (`jnp.clip(x, 0, 1)`), not a value
        # computed to be looked at (`jnp.sum(x)` in a bug report's transcript).
        if name not in jf.REPLACED_ARGUMENT:
            return None
        if not _reads_a_variable(model, call, site):
            return None
        if _made_to_fail(model, site):
            return None
        callee = source_text(func, 40)
        message = (
            f"The result of `{callee}(...)` is discarded: it returns a new value and leaves "
            "its arguments unchanged, so this line does nothing"
        )
        position = jf.REPLACED_ARGUMENT.get(name)
        if position is not None and positional is not None and position < positional:
            target = call.args[position].value
    fix = None
    label = dotted(target) if target is not None else None
    if target is not None and label is not None:
        obstacle = rebind_obstacle(model, target, site)
        if obstacle is None:
            fix = _assign_back(statement, target, f"Assign the result to `{label}`")
            message += f"; assign it: `{label} = {source_text(call, 60)}`"
    return Diagnostic(UnusedUpdate.code, call, message, fix)


#: How a loop variable is rebound in place of an update: ``p -= g``, ``p = p - g``.
_REBINDINGS = (BindingKind.AUGASSIGN, BindingKind.ASSIGN)


def _lost_loop_updates(model: SemanticModel) -> Iterator[Diagnostic]:
    """``for p in params: p -= lr * g``, with JAX arrays in ``params``: the new ``p`` is
    never read, and ``params`` is unchanged."""
    for scope in model.scopes:
        for bindings in scope.bindings.values():
            for loop_binding in bindings:
                loop = loop_binding.loop
                if (
                    loop_binding.kind is not BindingKind.FOR
                    or loop is None
                    or loop.kind is not LoopKind.FOR
                    or loop_binding.value is None
                ):
                    continue
                yield from _lost_in_loop(model, loop_binding, loop, bindings)


def _lost_in_loop(
    model: SemanticModel, loop_binding: Binding, loop: Loop, bindings: list[Binding]
) -> Iterator[Diagnostic]:
    inside = [b for b in bindings if b is not loop_binding and loop.contains(b.ordinal)]
    if not inside or any(b.kind not in _REBINDINGS for b in inside):
        return  # not rebound in the loop, or rebound some other way (`with`, unpacking)
    name = loop_binding.name
    for rebinding in inside:
        value = rebinding.value
        if value is None:
            continue
        if rebinding.kind is BindingKind.ASSIGN and name not in set(names_read(value)):
            continue  # `p = other`: not an update of the element
        if not never_read_after(model, rebinding, loop):
            continue
        source = loop_binding.value
        assert source is not None
        node: cst.For = loop.node  # type: ignore[assignment]
        if not isinstance(node.target, cst.Name):
            # `for p, g in zip(params, grads)`: each name draws from one iterable.
            iterated = (
                model.qualified_name(node.iter.func, loop_binding.scope)
                if isinstance(node.iter, cst.Call)
                else None
            )
            if iterated not in ("builtins.zip", "builtins.enumerate") or not any(
                isinstance(element.value, cst.Name) and element.value.value == name
                for element in getattr(node.target, "elements", ())
            ):
                continue
        at = Point(loop_binding.code_scope, loop_binding.ordinal)
        if model.elements_fact(source, at) is not Fact.YES:
            continue  # a NumPy array's `p -= g` writes in place: elements must be JAX arrays
        label = source_text(source, 40)
        yield Diagnostic(
            UnusedUpdate.code,
            rebinding.node,
            f"The loop variable `{name}` is rebound here and its new value is never read: "
            f"the elements of `{label}` are JAX arrays, which are immutable, so "
            f"`{label}` is unchanged; build a new sequence (`[{name} - ... for {name} in "
            f"{label}]`) or use `jax.tree.map`",
        )
