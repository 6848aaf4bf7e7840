"""JL006 traced-control-flow: Python control flow on a traced value."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    CallSite,
    ConditionKind,
    ConditionSite,
    Fact,
    SemanticModel,
    Site,
)
from jaxlint.model.analyze.questions import (
    tests_tracerness,
    traced_array,
    traced_context,
    untraced_arm,
)
from jaxlint.rules.base import Rule, reported, source_text
from jaxlint.rules.jl006_examples import INVALID, VALID
from jaxlint.rules.triggers import Trigger

#: What to use instead, by the construct that needs a concrete bool.
ADVICE = {
    "if": "use `jnp.where(...)` or `lax.cond(...)`, or mark the argument static with "
    "`static_argnames`",
    "while": "use `lax.while_loop(...)`, or mark the bound static with `static_argnames`",
    "assert": "use `checkify.check(...)` (jax.experimental.checkify) or "
    "`equinox.error_if`, or assert on static facts only (`x.shape`, `x.dtype`)",
    "convert": "keep it an array (`jnp.asarray`, `.astype(...)`), or mark the argument static "
    "with `static_argnames`",
    "range": "use `lax.fori_loop(...)` with a traced bound, or mark the bound static with "
    "`static_argnames`",
}
ADVICE["math"] = "use the `jax.numpy` function of the same name (`jnp.sqrt`, `jnp.exp`, ...)"
ADVICE["compare"] = (
    "use `jnp.maximum`/`jnp.minimum`, `jnp.sort`, `jnp.any`/`jnp.all` on a stacked array"
)
ADVICE["chained comparison"] = (
    "`a < x < b` means `(a < x) and (x < b)`, which asks for a bool: write `(a < x) & (x < b)`"
)
#: Python's sequences: indexing one asks the index for an int.
SEQUENCES = frozenset({"list", "tuple"})
ERRORS = {
    "convert": "ConcretizationTypeError",
    "math": "ConcretizationTypeError",
    "range": "TracerIntegerConversionError",
    "compare": "TracerBoolConversionError",
}


def _truth_tested(
    expr: cst.BaseExpression, covered: set[int], guard: Callable[[cst.BaseExpression], bool]
) -> Iterator[cst.BaseExpression]:
    """The operands whose truth Python asks for when it asks for ``expr``'s, through
    ``and``/``or``/``not``; the boolean nodes crossed are added to ``covered``. After an
    operand that ``guard`` says tests tracer-ness (``not_tracer(x) and x > 0``), the rest
    runs only where the value is concrete: it is not an operand to check."""
    if isinstance(expr, cst.BooleanOperation):
        covered.add(id(expr))
        yield from _truth_tested(expr.left, covered, guard)
        if guard(expr.left):
            covered.update(id(node) for node in _boolean_nodes(expr.right))
        else:
            yield from _truth_tested(expr.right, covered, guard)
    elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
        covered.add(id(expr))
        yield from _truth_tested(expr.expression, covered, guard)
    else:
        yield expr


def _boolean_nodes(expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """``expr`` and the ``and``/``or``/``not`` nodes nested in it."""
    yield expr
    if isinstance(expr, cst.BooleanOperation):
        yield from _boolean_nodes(expr.left)
        yield from _boolean_nodes(expr.right)
    elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
        yield from _boolean_nodes(expr.expression)


def _compared_items(call: cst.Call, first_only: bool) -> list[cst.BaseExpression]:
    """The items a comparing builtin surely asks a bool of: for ``max(a, b)`` its
    arguments, for ``sorted([a, b])`` the items of a display of two or more (each is
    compared at least once); for ``any([a, b])``, the first item only (a later one may
    never be reached). Nothing for keywords (``key=`` may compare something else), a
    starred item, or one argument that is not a list or tuple display."""
    if any(arg.keyword is not None or arg.star for arg in call.args):
        return []
    if first_only or len(call.args) == 1:
        if len(call.args) != 1 or not isinstance(call.args[0].value, cst.List | cst.Tuple):
            return []
        elements = call.args[0].value.elements
        if any(isinstance(element, cst.StarredElement) for element in elements):
            return []
        items = [element.value for element in elements]
    else:
        items = [arg.value for arg in call.args]
    if first_only:
        return items[:1]
    return items if len(items) >= 2 else []


class TracedControlFlow(Rule):
    code = "JL006"
    name = "traced-control-flow"
    summary = "Python control flow or conversion on a traced value"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside staged traced code (`jit`, `vmap`, `scan`/`cond`/`while_loop` bodies, ... and
        the functions they call), checks for Python constructs that need a concrete value
        from a traced one: `if`/`elif`/`while`/`assert` tests, conditional expressions,
        `and`/`or`/`not`, chained comparisons (`0.0 < x < 1.0` is `(0.0 < x) and (x <
        1.0)`: every link but the last), and `bool()`/`int()`/`float()`/`complex()`/`.item()`/`.tolist()`/
        `range(n)`; the builtins that compare with `<` or test truth, `max(x, 0.0)`,
        `min(a, b)`, `sorted([a, b])` and the first item of `any([...])`/`all([...])`;
        and a Python list, tuple or dict indexed by a traced value
        (`RATES[step]`, `(a, b)[i]`, `table[:n]`, `SCALES[level]`) when it is one on every
        path that reaches the index: Python asks the index for an int, or the key for its
        hash.

        Only values known to be traced are flagged: non-static parameters of transformed
        functions and what is computed from them with JAX. Static facts are fine: `.shape`,
        `.ndim`, `.dtype`, `.size`, `len()`, `isinstance`, `x is None`, parameters named in
        `static_argnums`/`static_argnames`, Python constants and closed-over Python values.
        Code traced only by `grad`/`value_and_grad`, `custom_jvp`/`custom_vjp` (and their
        rules), `named_call`, flax `apply` or `hk.transform` runs Python on concrete values,
        so a value-dependent `if` works there: flagged only where jit & co. call it. But
        `float()`, `complex()`, `.tolist()` and the `math` functions refuse even grad's
        tracers: they are flagged on the arguments `grad` differentiates (its `argnums`,
        by default the first) and what is computed from them, with no jit at all.
        """
    why_bad = """
        Under `jit` a traced value has a shape and a dtype but no value: Python cannot decide
        `if x > 0` and JAX raises `TracerBoolConversionError` (for `int(x)`,
        `ConcretizationTypeError`; for `range(n)` and a list index,
        `TracerIntegerConversionError`; for a dict key, `TypeError: unhashable`), the error
        JAX users report most. It surfaces only at run time, often deep in a training job.
        """
    example = """
        import jax

        @jax.jit
        def relu(x):
            if x > 0:
                return x
            return 0.0
        """
    use_instead = """
        import jax
        import jax.numpy as jnp

        @jax.jit
        def relu(x):
            return jnp.where(x > 0, x, 0.0)
        """
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        covered: set[int] = set()
        for site in model.conditions:
            if id(site.node) in covered:
                continue
            diagnostic = self.check_condition(model, site, covered)
            if diagnostic is not None:
                yield diagnostic
        yield from reported(self.check_conversion(model, site) for site in model.calls)
        yield from reported(self.check_index(model, site) for site in model.subscripts)

    def check_index(self, model: SemanticModel, site: Site) -> Diagnostic | None:
        """``table[i]`` with ``table`` a Python list, tuple or dict on every path and ``i``
        traced: Python asks the tracer for an int (``__index__``) or a hash."""
        subscript = site.node
        assert isinstance(subscript, cst.Subscript)
        if len(subscript.slice) != 1:
            return None
        index = subscript.slice[0].slice
        if isinstance(index, cst.Slice):
            keys = [b for b in (index.lower, index.upper, index.step) if b is not None]
        else:
            keys = [index.value]
        function = model.staged_function(site.scope)
        if function is None or untraced_arm(model, site):
            return None
        traced = next((k for k in keys if traced_array(model, k, site)), None)
        if traced is None:
            return None
        kind = model.container_kind(subscript.value, site, ("list", "tuple"))
        if kind is None and model.container_fact(subscript.value, site, SEQUENCES) is Fact.YES:
            kind = "sequence"  # a list or a tuple (annotated ``Sequence[...]``)
        if kind is None and not isinstance(index, cst.Slice):
            kind = model.container_kind(subscript.value, site, ("dict",))
        if kind is None:
            return None
        table = source_text(subscript.value, 30)
        context = traced_context(model, function)
        if kind == "dict":
            return Diagnostic(
                self.code,
                subscript,
                f"Python dict `{table}` looked up with traced key `{source_text(traced, 30)}` "
                f"({context}): a tracer is unhashable and raises TypeError; key it by a "
                "static value, or keep the values in an array indexed with `jnp.take`",
            )
        return Diagnostic(
            self.code,
            subscript,
            f"Python {kind} `{table}` indexed by traced value `{source_text(traced, 30)}` "
            f"({context}) needs a concrete index and raises TracerIntegerConversionError; "
            f"index an array instead (`jnp.asarray({source_text(subscript.value, 20)})`, "
            "`jnp.stack(...)`), use `lax.switch` to choose a function, or mark the index "
            "static with `static_argnames`",
        )

    def check_condition(
        self, model: SemanticModel, site: ConditionSite, covered: set[int]
    ) -> Diagnostic | None:
        if untraced_arm(model, site):
            return None

        def guard(operand: cst.BaseExpression) -> bool:
            return tests_tracerness(model, operand, site.scope)

        if site.kind in (ConditionKind.AND, ConditionKind.OR):
            # Python asks for the truth of every operand but the last, which it returns.
            node: cst.BooleanOperation = site.node  # type: ignore[assignment]
            if guard(node.left):
                covered.update(id(n) for n in _boolean_nodes(node))
                return None
            operands = list(_truth_tested(node.left, covered, guard))
            covered.add(id(node))
            if isinstance(node.right, cst.BooleanOperation):
                covered.discard(id(node.right))
        else:
            operands = list(_truth_tested(site.test, covered, guard))
        # `if a < x < b:` is one finding, at the `if`, not a second at its chained comparison.
        covered.update(id(operand) for operand in operands if isinstance(operand, cst.Comparison))
        function = model.staged_function(site.scope)
        if function is None:
            return None
        for operand in operands:
            if model.container_fact(operand, site, defaults=True) is Fact.YES:
                continue  # `if params:` asks whether a container is empty: static
            if model.traced_fact(operand, site) is Fact.YES:
                kind = site.kind.value
                construct = {"elif": "if", "ternary": "if ... else"}.get(kind, kind)
                construct = f"`{construct}`"
                advice = ADVICE.get(kind, ADVICE["if"])
                chained = site.kind is ConditionKind.CHAIN  # its test is no node of the tree
                if chained:
                    construct = f"chained comparison `{source_text(site.node, 40)}`"
                return Diagnostic(
                    self.code,
                    site.node if chained else site.test,
                    f"Python {construct} on traced value `{source_text(operand, 40)}` "
                    f"({traced_context(model, function)}) raises TracerBoolConversionError; "
                    f"{advice}",
                )
        return None

    def check_conversion(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        call = site.call
        if not call.args and not isinstance(call.func, cst.Attribute):
            return None
        function = site.scope.enclosing_function()
        if function is None or not model.trace(function).traced or untraced_arm(model, site):
            return None
        name = site.qualified_name
        if name in jf.PYTHON_CONVERSIONS or name == "builtins.range":
            values = [arg.value for arg in call.args if arg.keyword is None]
            kind = "range" if name == "builtins.range" else "convert"
            label = f"{name.split('.')[-1]}()"
        elif name in jf.MATH_FLOAT_FUNCTIONS:
            # math.sqrt(x) converts x to a Python float first.
            values = [arg.value for arg in call.args if arg.keyword is None]
            kind = "math"
            label = f"{name}()"
        elif name in jf.COMPARING_BUILTINS or name in jf.TRUTH_TESTING_BUILTINS:
            values = _compared_items(call, name in jf.TRUTH_TESTING_BUILTINS)
            kind = "compare"
            label = f"{name.split('.')[-1]}()"
        elif (
            name is None
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in jf.CONCRETE_METHODS
            and not call.args
        ):
            values = [call.func.value]
            kind = "convert"
            label = f".{call.func.attr.value}()"
        else:
            return None
        if name in jf.GRAD_REFUSED_CONVERSIONS or (
            name is None and call.func.attr.value in jf.GRAD_REFUSED_METHODS  # type: ignore[attr-defined]
        ):
            # float(x) refuses grad's JVP tracers too: no staging transformation needed.
            traced = model.grad_traced_fact
        elif model.trace(function).staged:
            traced = model.traced_fact
        else:
            return None
        for value in values:
            if traced(value, site) is Fact.YES:
                return Diagnostic(
                    self.code,
                    call,
                    f"`{label}` on traced value `{source_text(value, 40)}` "
                    f"({traced_context(model, function)}) needs a concrete value and raises "
                    f"{ERRORS[kind]}; {ADVICE[kind]}",
                )
        return None
