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
)
from jaxlint.model.analyze.questions import tests_tracerness, traced_context, untraced_arm
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
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
ERRORS = {
    "convert": "ConcretizationTypeError",
    "math": "ConcretizationTypeError",
    "range": "TracerIntegerConversionError",
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


class TracedControlFlow(Rule):
    code = "JL006"
    name = "traced-control-flow"
    summary = "Python control flow or conversion on a traced value"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside staged traced code (`jit`, `vmap`, `scan`/`cond`/`while_loop` bodies, ... and
        the functions they call), checks for Python constructs that need a concrete value
        from a traced one: `if`/`elif`/`while`/`assert` tests, conditional expressions,
        `and`/`or`/`not`, and `bool()`/`int()`/`float()`/`complex()`/`.item()`/`.tolist()`/
        `range(n)`.

        Only values known to be traced are flagged: non-static parameters of transformed
        functions and what is computed from them with JAX. Static facts are fine: `.shape`,
        `.ndim`, `.dtype`, `.size`, `len()`, `isinstance`, `x is None`, parameters named in
        `static_argnums`/`static_argnames`, Python constants and closed-over Python values.
        Code traced only by `grad`/`value_and_grad`, `custom_jvp`/`custom_vjp` (and their
        rules), `named_call`, flax `apply` or `hk.transform` runs Python on concrete values,
        so a value-dependent `if` works there: flagged only where jit & co. call it.
        """
    why_bad = """
        Under `jit` a traced value has a shape and a dtype but no value: Python cannot decide
        `if x > 0` and JAX raises `TracerBoolConversionError` (for `int(x)`,
        `ConcretizationTypeError`; for `range(n)`, `TracerIntegerConversionError`), the error
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
    valid = (
        Valid("""
            import jax
            from jax import lax
            @jax.jit
            def pad(x):
                # jax.lax holds configuration helpers too: these pads are Python ints.
                pads = lax.padtype_to_pads(x.shape, (3,), (1,), "SAME")
                if pads[0][0] > 0:
                    x = x + 1.0
                return x
            """),
        Valid("""
            import jax
            def normalize(x, center):
                if center:  # callers disagree: a literal in one, a traced value in another
                    x = x - x.mean()
                return x / x.std()
            @jax.jit
            def step(x):
                return normalize(x, True)
            @jax.jit
            def other(x, c):
                return normalize(x, c)
            """),
        Valid("""
            import jax
            def _is_none(x):
                return x is None
            def _materialise(is_zero, g):
                if is_zero:  # a leaf of a tree of Python bools
                    return None
                return g
            @jax.jit
            def fill(grads):
                zeros = jax.tree.map(_is_none, grads)  # what _is_none returns: bools
                return jax.tree.map(_materialise, zeros, grads)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def handle(pattern):
                symbol = jnp.sum(pattern).astype(jnp.uint32)
                if isinstance(symbol, jax.core.Tracer):
                    return symbol  # the tracer case leaves here
                return int(symbol)
            @jax.jit
            def solve(pattern, rhs):
                return rhs * handle(pattern)
            """),
        Valid("""
            from typing import NamedTuple, Optional, Sequence, Tuple
            import jax
            class State(NamedTuple):
                w: jax.Array
            # The truth of a container is its emptiness: static, whatever it holds.
            @jax.jit
            def f(x, extras: Tuple[jax.Array, ...], masks: Optional[Sequence[jax.Array]],
                  state: State, options: dict):
                if extras:
                    x = x + extras[0]
                if masks:
                    x = x * masks[0]
                if not options:
                    return x
                items = [x, state.w]
                if items and state:
                    return x + state.w
                return x
            """),
        Valid("""
            import jax
            def clip(x, limit=None):
                if limit is not None:
                    if x > limit:  # never traced: the jitted caller leaves `limit` at None
                        return limit
                return x
            @jax.jit
            def f(x):
                return clip(x) * 2
            """),
        Valid("""
            import functools
            import jax
            # in_axes=None passes the caller's value through unbatched: maybe a Python int.
            @functools.partial(jax.vmap, in_axes=[0] + [None] * 2)
            def f(x, n, mode):
                if n > 2 and mode == "fast":
                    return x * n
                return x
            """),
        Valid("""
            import jax
            import numpy as np
            from jax import lax
            # No tracer is an int or a NumPy value: isinstance asks whether it is concrete.
            def normalize(index, size):
                if isinstance(index, (int, np.integer)):
                    return index + size if index < 0 else index
                return lax.select(index < 0, index + size, index)
            @jax.jit
            def f(x, i):
                return x[normalize(i, x.shape[0])]
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            # A sequence by its default, or built by tuple(...): its truth is its length.
            def kernel(x, program_ids=()):
                if program_ids:
                    x = x + program_ids[0]
                return x
            @jax.jit
            def f(x, starts):
                starts = tuple(jnp.asarray(s) for s in starts)
                zero = starts[0] if starts else 0
                return kernel(x, (zero,)) + kernel(x)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x, mask=None):
                if x.ndim == 2 and x.shape[0] > 1:
                    x = x.sum(0)
                if mask is not None:
                    x = jnp.where(mask, x, 0)
                if len(x) > 3 or isinstance(x, tuple):
                    x = x[:3]
                for i in range(x.shape[0]):
                    x = x + i
                assert x.dtype == jnp.float32, "need float32"
                return x
            """),
        Valid("""
            import jax
            from functools import partial
            @partial(jax.jit, static_argnames=("training", "n"))
            def f(x, training, n):
                if training:
                    x = x * 0.5
                for _ in range(n):
                    x = x + 1
                return x
            """),
        Valid("""
            import jax
            def loss(x):
                if x > 0:  # grad-only: Python runs with concrete values every call
                    return x ** 2
                return -x
            g = jax.grad(loss)
            """),
        Valid("""
            import jax
            SCALE = 3
            def helper(x, clip):
                if clip:  # every traced caller passes a Python constant
                    return x * SCALE
                return x
            @jax.jit
            def f(x):
                if SCALE > 2:
                    x = helper(x, True)
                return helper(x, clip=False)
            """),
        Valid("""
            import jax
            def f(x):
                if x > 0:  # not traced
                    return int(x)
                return 0
            """),
        Valid("""
            import jax
            @jax.jit
            def f(params, x):
                for name, value in params.items():
                    if name.startswith("b"):
                        x = x + value
                if "w" in params:
                    x = x @ params["w"]
                n, d = x.shape
                if n > d:
                    x = x.T
                return x
            """),
        Valid("""
            import jax
            from jax import core
            def not_tracer(x):
                return not isinstance(x, core.Tracer)
            # Code guarded by a test of tracer-ness never sees a tracer.
            @jax.jit
            def f(x, n):
                if not_tracer(n) and n in range(3):
                    return x
                if isinstance(x, jax.core.Tracer):
                    return x * 2
                elif x > 0:
                    return x
                if jax.core.is_concrete(n):
                    return x * int(n)
                return x
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def as_vector(x):
                wrapped = x.ndim == 0
                return jnp.atleast_1d(x), wrapped
            @jax.jit
            def f(x):
                y, wrapped = as_vector(x)  # each part of what the helper returns
                return y[0] if wrapped else y
            """),
        Valid("""
            import jax
            # The treedef of tree_flatten is structure, known at trace time.
            @jax.jit
            def f(x, y):
                leaves, treedef = jax.tree_util.tree_flatten(x)
                if treedef == jax.tree_util.tree_structure(y):
                    return leaves[0]
                return y
            """),
        Valid("""
            from functools import partial
            import jax
            from jax import lax
            # psum of a Python constant is the axis size: a Python int.
            @partial(jax.pmap, axis_name="batch")
            def mean(x):
                n = lax.psum(1, "batch")
                if n > 1:
                    return lax.psum(x, "batch") / n
                return x
            """),
        Valid("""
            import functools
            import jax
            import jax.numpy as jnp
            def scale_leaf(n, x, mode="fast"):  # n, mode: bound by partial, not leaves
                return x * n if n > 2 and mode == "fast" else x
            @jax.jit
            def f(tree):
                with jax.ensure_compile_time_eval():  # eager: concrete, not traced
                    n = jnp.sum(jnp.arange(4))
                    count = int(n) if n > 3 else 3
                tree = jax.tree_util.tree_map(functools.partial(scale_leaf, count), tree)
                return jax.tree.map(functools.partial(scale_leaf, 1, mode="slow"), tree)
            """),
        Valid("""
            import equinox as eqx
            import jax.numpy as jnp
            @eqx.filter_jit  # traces arrays only: a parameter not known to be one may be
            def forward(x, flag, scale):  # a Python value, which stays static
                if flag and scale > 1:
                    x = x / scale
                return jnp.tanh(x)
            """),
    )
    invalid = (
        Invalid(
            """
            import math
            import jax
            @jax.jit
            def scale(x, d):
                return x / math.sqrt(d)  # math converts d to a Python float
            """,
            line=5,
        ),
        Invalid(
            """
            from typing import Literal
            import equinox as eqx
            @eqx.filter_jit  # traces array leaves only: Python bools, strings, ints are static
            def forward(x, training: bool, mode: Literal["fast", "slow"], n: int, flag=False):
                if training:
                    x = x * 0.5
                if mode == "fast":
                    x = x + 1
                for _ in range(n):
                    x = x * 2
                if flag:
                    x = -x
                if x.sum() > 0:  # x is an array leaf: traced
                    return x
                return -x
            """,
            line=13,
            message="`x.sum() > 0`",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def loss(p, x, clip):
                if clip > 0:  # unbatched by vmap, but jit still traces it
                    p = jnp.clip(p, -clip, clip)
                return (p * x).sum()
            batched_loss = jax.jit(jax.vmap(loss, in_axes=(0, None, None)))
            def sign_step(p, x):
                if x.sum() > 0:  # jit(grad(f)) traces f's arguments
                    return p
                return -p
            fast_grad = jax.jit(jax.grad(sign_step))
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            def loss_fn(p, x):
                return ((p * x) ** 2).sum()
            @jax.jit
            def train_step(p, x):
                loss, g = jax.value_and_grad(loss_fn)(p, x)  # traced results
                if loss > 1.0:
                    g = g * 0.5
                return p - g
            """,
            line=7,
            column=8,
            message="Python `if` on traced value `loss > 1.0` (in train_step, decorated with",
        ),
        Invalid("""
            import jax
            @jax.jit
            def relu(x):
                if x > 0:
                    return x
                return 0.0
            """),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x, y):
                z = jnp.sum(x * y)
                while z > 1.0:
                    z = z / 2
                assert y.min() >= 0
                return z if z > 0 else -z
            """,
            count=3,
        ),
        Invalid(
            """
            import jax
            @jax.vmap
            def f(x, n):
                total = 0.0
                for i in range(n):
                    total += float(x) * i
                return total
            """,
            count=2,
        ),
        Invalid("""
            from jax import lax
            def body(i, carry):
                if carry.sum() > 10 and i > 2:
                    return carry
                return carry + 1
            def run(x):
                return lax.fori_loop(0, 10, body, x)
            """),
        Invalid("""
            import jax
            def helper(x, threshold):
                return x if threshold else -x
            @jax.jit
            def step(x):
                return helper(x, x.mean() > 0)
            """),
        Invalid("""
            import jax
            @jax.jit
            def f(x):
                n = x.sum().item()
                return x * n
            """),
        Invalid(
            """
            import equinox as eqx
            import jax
            import jax.numpy as jnp
            from jaxtyping import Array, Float
            @eqx.filter_jit
            def step(x: jax.Array, y: Float[Array, ""], z, w, flag):
                if x > 0 or y > 0:  # annotated arrays
                    return x
                if jnp.abs(z) > 1:  # z is used as an array
                    return z
                if w > 0 and flag:  # every call passes an array for w
                    return w
                return x
            step(jnp.ones(()), jnp.ones(()), jnp.ones(()), jnp.zeros(()), True)
            """,
            count=3,
        ),
        Invalid(
            """
            import functools
            import jax
            def clip_leaf(limit, x):
                return limit if x > limit else x  # the leaf after the bound argument
            @jax.jit
            def clip_all(tree):
                return jax.tree_util.tree_map(functools.partial(clip_leaf, 1.0), tree)
            """,
            line=4,
            message="`x > limit`",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        covered: set[int] = set()
        for site in model.conditions:
            if id(site.node) in covered:
                continue
            diagnostic = self.check_condition(model, site, covered)
            if diagnostic is not None:
                yield diagnostic
        yield from reported(self.check_conversion(model, site) for site in model.calls)

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
        function = model.staged_function(site.scope)
        if function is None:
            return None
        for operand in operands:
            if model.container_fact(operand, site, defaults=True) is Fact.YES:
                continue  # `if params:` asks whether a container is empty: static
            if model.traced_fact(operand, site) is Fact.YES:
                kind = site.kind.value
                construct = {"elif": "if", "ternary": "if ... else"}.get(kind, kind)
                advice = ADVICE.get(kind, ADVICE["if"])
                return Diagnostic(
                    self.code,
                    site.test,
                    f"Python `{construct}` on traced value `{source_text(operand, 40)}` "
                    f"({traced_context(model, function)}) raises TracerBoolConversionError; "
                    f"{advice}",
                )
        return None

    def check_conversion(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        call = site.call
        if not call.args and not isinstance(call.func, cst.Attribute):
            return None
        function = model.staged_function(site.scope)
        if function is None or untraced_arm(model, site):
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
        for value in values:
            if model.traced_fact(value, site) is Fact.YES:
                return Diagnostic(
                    self.code,
                    call,
                    f"`{label}` on traced value `{source_text(value, 40)}` "
                    f"({traced_context(model, function)}) needs a concrete value and raises "
                    f"{ERRORS[kind]}; {ADVICE[kind]}",
                )
        return None
