"""JL017 nan-gradient-where: ``jnp.where`` guarding the domain of a function in
differentiated code, whose untaken branch still makes the gradient NaN."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import ArrayProof, CallSite, Fact, SemanticModel
from jaxlint.model.analyze.questions import traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
from jaxlint.rules.triggers import Trigger

#: Comparisons whose true side is the domain (``x > 0``: the first branch is the safe
#: one), and their mirror images (``x <= 0``: the second branch is).
GUARDS_FIRST = (cst.GreaterThan, cst.GreaterThanEqual, cst.NotEqual)
GUARDS_SECOND = (cst.LessThan, cst.LessThanEqual, cst.Equal)
MIRROR: dict[type, type] = {
    cst.GreaterThan: cst.LessThan,
    cst.GreaterThanEqual: cst.LessThanEqual,
    cst.LessThan: cst.GreaterThan,
    cst.LessThanEqual: cst.GreaterThanEqual,
    cst.Equal: cst.Equal,
    cst.NotEqual: cst.NotEqual,
}


def _number(expr: cst.BaseExpression) -> float | None:
    sign = 1.0
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        sign, expr = -1.0, expr.expression
    if isinstance(expr, cst.Integer | cst.Float):
        return sign * float(expr.evaluated_value)
    return None


def _code(node: cst.CSTNode) -> str:
    return " ".join(source_text(node).split())


def _rereadable(expr: cst.BaseExpression) -> bool:
    """Reading ``expr`` again gives the same value and does nothing else: a name, an
    attribute of one, or an element at a constant or named index."""
    if isinstance(expr, cst.Name):
        return True
    if isinstance(expr, cst.Attribute):
        return _rereadable(expr.value)
    if isinstance(expr, cst.Subscript):
        return _rereadable(expr.value) and all(
            isinstance(element.slice, cst.Index) and _index_part(element.slice.value)
            for element in expr.slice
        )
    return False


def _index_part(expr: cst.BaseExpression) -> bool:
    return _number(expr) is not None or _rereadable(expr)


def _operand(use: cst.CSTNode) -> cst.BaseExpression:
    """The value an unsafe use applies its function to: ``x`` of ``jnp.log(x)``,
    ``y / x``, ``x ** 0.5``, ``jnp.power(x, 0.5)``."""
    if isinstance(use, cst.Call):
        return use.args[0].value
    assert isinstance(use, cst.BinaryOperation)
    return use.right if isinstance(use.operator, cst.Divide) else use.left


class NanGradientWhere(Rule):
    code = "JL017"
    name = "nan-gradient-where"
    summary = "`jnp.where` guards a function's domain in differentiated code: NaN gradients"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        In code differentiated by `jax.grad`, `value_and_grad`, `jacrev`, ... (directly or
        through calls), checks for `jnp.where(cond, a, b)` where `cond` compares a value
        `x` with the edge of a function's domain and the guarded branch applies that
        function to the same `x`: `jnp.where(x > 0, jnp.sqrt(x), 0.0)`, `jnp.log(x)`,
        `jnp.log1p(x)` against `-1`, `y / x` against `x != 0`, `x ** 0.5`; or with a
        threshold above the edge, which leaves the branch untaken at the edge too
        (`jnp.where(x < 1.0, x, jnp.sqrt(x))` takes `x` at 0). Not in code only
        forward-mode differentiation reaches (`jacfwd`, `jvp`): it selects the taken
        branch's tangent, so no untaken infinity is multiplied.
        """
    why_bad = """
        `where` selects values, but both branches are computed, and so are both branches'
        gradients. Where `cond` is false, the guarded branch's derivative is infinite or
        NaN (`d sqrt(x)/dx` at 0 is `inf`), and `where`'s backward pass multiplies it by
        zero: `0 * inf = NaN`. The loss is finite and the gradient is NaN (JAX FAQ:
        "gradients contain NaN where using where").
        """
    example = """
        import jax
        import jax.numpy as jnp

        def safe_norm(x):
            n2 = jnp.sum(x**2)
            return jnp.where(n2 > 0, jnp.sqrt(n2), 0.0)

        jax.grad(safe_norm)(jnp.zeros(3))  # [nan nan nan]
        """
    use_instead = """
        import jax
        import jax.numpy as jnp

        def safe_norm(x):
            n2 = jnp.sum(x**2)
            n2_safe = jnp.where(n2 > 0, n2, 1.0)  # the double-where idiom
            return jnp.where(n2 > 0, jnp.sqrt(n2_safe), 0.0)

        jax.grad(safe_norm)(jnp.zeros(3))  # [0. 0. 0.]
        """
    fix = "sometimes"
    fix_safety = """
        The fix feeds every guarded use in the branch a value inside the function's
        domain where the condition is false: `jnp.sqrt(x)` becomes
        `jnp.sqrt(jnp.where(x > 0, x, 1))` (`0` for `log1p`, which is safe at 0). The
        safe value is an integer literal, so the inner `where` keeps the dtype of `x`.

        The fix is safe. Where the condition is true, the inner `where` passes `x` as it
        is, so the function sees the same value; where it is false, the outer `where`
        discards the function's result either way. The value is therefore the same
        everywhere, and so is every gradient that was a number: the untaken branch
        contributed `0 * f'(x)`, which is 0 when `f'(x)` is finite, as it is now. Only
        the NaN gradients change, to the gradient of the taken branch.

        It is offered only where the condition compares `x` (a name, an attribute, or an
        element at a constant index) with the boundary, so evaluating it again has no
        effect; where the `where` calls nothing but JAX functions (nothing between the
        two evaluations can change `x`); and, for `/` and `**`, where `x` is a JAX array
        (Python numbers divide and raise to powers differently). That `x` is one must be
        proved by how it was made (a JAX function, a tracer of a staging transformation or
        an argument `grad` differentiates); where only an annotation (`x: jax.Array`) says
        so, or `x` is another argument of a differentiated function (the caller's value,
        maybe a Python number), the fix is unsafe and its title says why.
        """
    valid = (
        Valid("""
            import jax
            import jax.numpy as jnp
            def safe_norm(x):
                n2 = jnp.sum(x**2)
                n2_safe = jnp.where(n2 > 0, n2, 1.0)
                return jnp.where(n2 > 0, jnp.sqrt(n2_safe), 0.0)
            g = jax.grad(safe_norm)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x):  # not differentiated: the forward pass is fine
                return jnp.where(x > 0, jnp.log(x), 0.0)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def loss(x, y):
                return jnp.where(x > 0, jnp.log(y), 0.0).sum()  # the guard is on another value
            g = jax.grad(loss)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def loss(x):
                # untaken only at 1.0, and where x < -2, far from log1p's edge at -1
                return jnp.where(x == 1.0, x, jnp.log(x)).sum() + jnp.where(
                    x < -2.0, x, jnp.log1p(x)
                ).sum()
            g = jax.grad(loss)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def loss(x):
                return jnp.where(x > 0, x, 0.0).sum() + jnp.where(x > 0).size
            g = jax.grad(loss)
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def safe_norm(x):
                n2 = jnp.sum(x**2)
                return jnp.where(n2 > 0, jnp.sqrt(n2), 0.0)
            g = jax.grad(safe_norm)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            def safe_norm(x):
                n2 = jnp.sum(x**2)
                return jnp.where(n2 > 0, jnp.sqrt(jnp.where(n2 > 0, n2, 1)), 0.0)
            g = jax.grad(safe_norm)
            """,
            line=5,
            column=12,
            message="`jnp.sqrt(n2)` is guarded by `n2 > 0` only in the forward pass",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def mean_loss(losses, mask):
                n = mask.sum()
                total = jnp.sum(losses * mask)
                return jnp.where(n == 0, 0.0, total / n)
            def entropy(p):
                return -jnp.sum(jnp.where(p > 0, p * jnp.log(p), 0.0))
            g1 = jax.value_and_grad(mean_loss)
            g2 = jax.grad(entropy)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            def mean_loss(losses, mask):
                n = mask.sum()
                total = jnp.sum(losses * mask)
                return jnp.where(n == 0, 0.0, total / jnp.where(n == 0, 1, n))
            def entropy(p):
                return -jnp.sum(jnp.where(p > 0, p * jnp.log(jnp.where(p > 0, p, 1)), 0.0))
            g1 = jax.value_and_grad(mean_loss)
            g2 = jax.grad(entropy)
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def loss(x):
                return jnp.where(0 < x, x ** 0.5, 0.0).sum() + helper(x)
            def helper(x):
                return jnp.where(x > -1, jnp.log1p(x), 0.0).sum()
            g = jax.grad(loss)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            def loss(x):
                return jnp.where(0 < x, jnp.where(0 < x, x, 1) ** 0.5, 0.0).sum() + helper(x)
            def helper(x):
                return jnp.where(x > -1, jnp.log1p(jnp.where(x > -1, x, 0)), 0.0).sum()
            g = jax.grad(loss)
            """,
            count=2,
        ),
        Invalid(
            """
            import jax.numpy as np
            from jax import grad
            def f(x):
                return np.where(x < 1.0, x, np.sqrt(x))
            df = grad(f)
            """,
            line=4,
            message="`np.sqrt(x)` is guarded by `x < 1.0` only in the forward pass",
            fixed="""
            import jax.numpy as np
            from jax import grad
            def f(x):
                return np.where(x < 1.0, x, np.sqrt(np.where(x < 1.0, 2, x)))
            df = grad(f)
            """,
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def scaled(w, n: jax.Array):
                # grad differentiates w only: n is what the caller passes, maybe a float
                return w * jnp.where(n > 0, n ** 0.5, 0.0)
            def root(n):
                return jnp.where(n > 0, n ** 0.5, 0.0)  # n is differentiated: a tracer
            g = jax.grad(scaled)
            h = jax.grad(root)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            def scaled(w, n: jax.Array):
                # grad differentiates w only: n is what the caller passes, maybe a float
                return w * jnp.where(n > 0, jnp.where(n > 0, n, 1) ** 0.5, 0.0)
            def root(n):
                return jnp.where(n > 0, jnp.where(n > 0, n, 1) ** 0.5, 0.0)  # n is differentiated: a tracer
            g = jax.grad(scaled)
            h = jax.grad(root)
            """,
            count=2,
            fixes=("unsafe", "safe"),
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_where(model, site) for site in model.calls)

    def check_where(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        if site.qualified_name != "jax.numpy.where":
            return None
        args = site.call.args
        if len(args) != 3 or any(arg.keyword is not None or arg.star for arg in args):
            return None
        function = site.scope.enclosing_function()
        # Reverse mode only: forward mode (jacfwd, jvp) selects the taken branch's tangent.
        if function is None or TransformKind.GRAD not in model.trace(function).kinds:
            return None
        guard = self.guard(args[0].value)
        if guard is None:
            return None
        guarded, boundary, first, exact = guard
        branch = args[1].value if first else args[2].value
        uses = self.unsafe_uses(model, site, branch, guarded, boundary, exact)
        if not uses:
            return None
        unsafe = uses[0]
        safe = f"{guarded}_safe" if guarded.isidentifier() else "x_safe"
        # The safe input keeps the guarded value on the same side of the same condition
        # as the original `where` (`n == 0` guards the second branch), 1.0 on the other.
        condition = source_text(args[0].value)
        condition = condition if len(condition) <= 30 else "cond"
        sides = f"{guarded}, 1.0" if first else f"1.0, {guarded}"
        return Diagnostic(
            self.code,
            site.call,
            f"`{source_text(unsafe, 40)}` is guarded by `{source_text(args[0].value, 30)}` only "
            f"in the forward pass ({traced_context(model, function)}): `where` still "
            "differentiates the untaken branch, and 0 * inf gives NaN gradients; use the "
            f"double-where idiom: `{safe} = jnp.where({condition}, {sides})` and apply the "
            f"function to `{safe}`",
            self.double_where(model, site, uses, boundary, first),
        )

    def double_where(
        self,
        model: SemanticModel,
        site: CallSite,
        uses: list[cst.CSTNode],
        boundary: float,
        first: bool,
    ) -> Fix | None:
        """The double-where rewrite of every unsafe use in the guarded branch, where the
        condition can be evaluated again with the same result."""
        where = site.call
        condition = where.args[0].value
        guarded = _operand(uses[0])
        if not _rereadable(guarded) or not (boundary + 1).is_integer():
            return None
        if any(isinstance(node, cst.NamedExpr) for node in _nodes(where)):
            return None
        for node in _nodes(where):
            if isinstance(node, cst.Call) and not (model.called_name(node) or "").startswith(
                "jax."
            ):
                return None  # a call we cannot see may change `x` between the two reads
        grounds = [self.jax_operator(model, site, use) for use in uses]
        if ArrayProof.UNKNOWN in grounds:
            return None
        edits = []
        for use in uses:
            operand, safe = _operand(use), cst.Integer(str(int(boundary + 1)))
            chosen = (operand.deep_clone(), safe) if first else (safe, operand.deep_clone())
            inner = cst.Call(
                where.func.deep_clone(),
                [cst.Arg(condition.deep_clone()), *(cst.Arg(value) for value in chosen)],
            )
            edits.append(Replace(operand, inner))
        rewritten = uses[0].deep_replace(_operand(uses[0]), edits[0].new)
        shown = source_text(rewritten, 70)
        title = f"Use the double-where idiom: `{shown}`"
        if ArrayProof.ANNOTATED in grounds or ArrayProof.EXPOSED in grounds:
            title += " (unsafe: the operand may be a Python number, whose `/` and `**` differ)"
            return Fix(title, tuple(edits), Applicability.UNSAFE)
        return Fix(title, tuple(edits))

    def guard(self, cond: cst.BaseExpression) -> tuple[str, float, bool, bool] | None:
        """For ``x > c`` (and the like): the guarded expression's code, ``c``, whether
        the first branch of the ``where`` is the guarded one, and whether the guard leaves
        that branch untaken at ``c`` alone (``==``, ``!=``) rather than everywhere below
        ``c`` (``x > c``, ``x >= c``, ``x < c`` guarding the second branch, ...)."""
        if not isinstance(cond, cst.Comparison) or len(cond.comparisons) != 1:
            return None
        comparison = cond.comparisons[0]
        operator = type(comparison.operator)
        left, right = cond.left, comparison.comparator
        constant = _number(right)
        if constant is None:
            constant = _number(left)
            if constant is None or operator not in MIRROR:
                return None
            left, operator = right, MIRROR[operator]
        if not isinstance(left, cst.Name | cst.Attribute | cst.Subscript):
            return None
        exact = operator in (cst.Equal, cst.NotEqual)
        if operator in GUARDS_FIRST:
            return _code(left), constant, True, exact
        if operator in GUARDS_SECOND:
            return _code(left), constant, False, exact
        return None

    @staticmethod
    def jax_operator(model: SemanticModel, site: CallSite, use: cst.CSTNode) -> ArrayProof:
        """Whether ``/`` or ``**`` is applied as JAX applies it, with or without the
        rewrite: ``x`` is a JAX array (or a tracer), or for ``/`` the dividend is one
        (JAX's division converts ``x`` as ``jnp.where`` does). CONSTRUCTED where that is
        proved (a function use always is), ANNOTATED where it rests on annotations or on
        the assumption that a differentiated function's other arguments are tracers,
        else UNKNOWN."""
        if not isinstance(use, cst.BinaryOperation):
            return ArrayProof.CONSTRUCTED
        arrays = [_operand(use)]
        if isinstance(use.operator, cst.Divide):
            arrays.append(use.left)
        proofs = {_jax_value(model, site, value) for value in arrays}
        for proof in (ArrayProof.CONSTRUCTED, ArrayProof.EXPOSED, ArrayProof.ANNOTATED):
            if proof in proofs:
                return proof
        return ArrayProof.UNKNOWN

    def unsafe_uses(
        self,
        model: SemanticModel,
        site: CallSite,
        branch: cst.BaseExpression,
        guarded: str,
        boundary: float,
        exact: bool,
    ) -> list[cst.CSTNode]:
        """The applications, inside ``branch``, to the guarded expression of a function
        unsafe at a point where the guard leaves ``branch`` untaken: ``boundary`` itself,
        or for an inequality any point below it (``where(x < 1, x, sqrt(x))`` takes
        ``x`` at 0, and still differentiates ``sqrt`` there), in source order."""
        found: list[cst.CSTNode] = []

        def untaken_at(edge: float) -> bool:
            return edge == boundary or (not exact and edge < boundary)

        class Finder(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> bool:
                name = model.called_name(node)  # resolved once, by the model
                if (
                    name in jf.UNSAFE_AT_BOUNDARY
                    and untaken_at(jf.UNSAFE_AT_BOUNDARY[name])
                    and node.args
                    and node.args[0].keyword is None
                    and _code(node.args[0].value) == guarded
                ):
                    found.append(node)
                elif name in ("jax.numpy.power", "jax.lax.pow") and len(node.args) == 2:
                    if untaken_at(0.0) and _code(node.args[0].value) == guarded:
                        exponent = _number(node.args[1].value)
                        if exponent is not None and (exponent < 0 or not exponent.is_integer()):
                            found.append(node)
                return True

            def visit_BinaryOperation(self, node: cst.BinaryOperation) -> bool:
                if not untaken_at(0.0):
                    return True
                if isinstance(node.operator, cst.Divide) and _code(node.right) == guarded:
                    found.append(node)
                elif isinstance(node.operator, cst.Power) and _code(node.left) == guarded:
                    exponent = _number(node.right)
                    if exponent is not None and (exponent < 0 or not exponent.is_integer()):
                        found.append(node)
                return True

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

        branch.visit(Finder())
        return found


def _nodes(root: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _jax_value(model: SemanticModel, site: CallSite, value: cst.BaseExpression) -> ArrayProof:
    """Whether ``value`` is a JAX value at ``site``: CONSTRUCTED for a tracer (of a staging
    transformation, or of the arguments ``grad`` differentiates) or an array JAX made;
    ANNOTATED for one only annotations say is an array, or only the JVP assumption says
    is traced (the other arguments of a differentiated function: the caller's values)."""
    if model.grad_traced_fact(value, site) is Fact.YES:
        return ArrayProof.CONSTRUCTED
    proof = model.array_proof(value, site)
    if proof is ArrayProof.UNKNOWN and model.traced_fact(value, site, jvp=True) is Fact.YES:
        return ArrayProof.ANNOTATED
    return proof
