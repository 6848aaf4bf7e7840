"""JL011 dynamic-shape: in staged code, an array whose shape depends on traced values."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.parameters import StaticParameter
from jaxlint.facts.transforms import TransformKind
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import CallSite, Fact, Scope, SemanticModel, Site
from jaxlint.model.analyze.questions import jnp_function, traced_context, untraced_arm
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
from jaxlint.rules.jl011_examples import INVALID_MORE, VALID_MORE
from jaxlint.rules.triggers import Trigger

YES = Fact.YES

#: Transformations that stage shapes out once: every shape must be concrete there. Not
#: ``grad`` (concrete values every call) nor ``vmap`` alone (an unbatched argument may be
#: a Python value).
SHAPE_STAGING_KINDS = frozenset({TransformKind.JIT, TransformKind.LOOP, TransformKind.SHAPE})


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def short_name(qualified: str) -> str:
    """``jnp.linalg.norm`` for ``jax.numpy.linalg.norm``, ``lax.top_k`` for
    ``jax.lax.top_k``: the names users write."""
    for prefix, short in (("jax.numpy.", "jnp."), ("jax.lax.", "lax.")):
        if qualified.startswith(prefix):
            return short + qualified[len(prefix) :]
    return qualified


def _may_take_tracer(
    parameter: StaticParameter, positional: int, keywords: Collection[str]
) -> bool:
    """A call with ``positional`` arguments and ``keywords`` may pass an option that lets
    ``parameter`` take a tracer (``parameter.unless``): given by name, or positionally
    after it."""
    return bool(parameter.unless) and (
        any(name in keywords for name, _ in parameter.unless)
        or positional > (parameter.position or 0) + 1
    )


class DynamicShape(Rule):
    code = "JL011"
    name = "dynamic-shape"
    summary = "In staged code, a shape or another must-be-static parameter given a traced value"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside code staged by `jit`, `scan`/`fori_loop`/`cond` bodies or `eval_shape` (and
        the functions they call), checks for:

        - `jnp.nonzero`, `argwhere`, `flatnonzero`, `unique`, `compress`, `extract` of a
          traced value (in jitted code, of a constant too) without `size=`, and
          `jnp.where(cond)` with one argument;
        - a traced value for a parameter that must be static: a shape or size
          (`jnp.zeros`, `arange`, `linspace(num=...)`, `reshape`, `tile`, `eye`,
          `jax.random.normal(key, shape)`, `nonzero(size=...)`, `x.reshape(...)`) or another
          parameter jax needs concrete (`ord` and `axis` of `jnp.linalg.norm`, `axis` of
          reductions, `n` of `jnp.linalg.matrix_power`, `k` of `lax.top_k`, `slice_sizes`
          of `lax.dynamic_slice`, `new_sizes` of `lax.reshape`, ...). Which parameters of
          `jax.numpy`, `jax.lax`, `jax.nn`, `jax.random` and `jax.scipy` functions must be
          static is not a hand list: each was found by calling the function under tracing
          with a tracer there (jaxlint/facts/static_parameters.py, generated from the
          installed jax and re-run by the tests); a function or parameter the probe could
          not call is never reported;
        - indexing with a traced boolean mask (`x[x > 0]`, `x.at[jnp.isnan(x)].set(0)`,
          `x[mask] = v`): a comparison, `~`/`&`/`|` of masks, a predicate such as
          `jnp.isnan` or `jnp.logical_and`, a cast to `bool`, or a name bound to one;
        - slices with a traced bound (`x[i:i + n]`);
        - anywhere, a library function given by name to a transformation that calls it
          on tracers: `jax.jit(multigammaln)(a, d)` (every argument traced, `d` among
          them), `jnp.apply_along_axis(jnp.where, 1, x)` (one-argument `where` of a
          traced row).

        Sizes from `x.shape`, `len(x)`, static arguments and Python constants are fine, and
        so are the parameters of a function that only `vmap` (or `grad`) is applied to,
        even when it is called from jitted code. Code under a flag test that no traced
        caller takes (`if return_counts:` where every jitted caller leaves the default
        `False`) never runs traced, and is not checked.
        """
    why_bad = """
        XLA compiles for fixed shapes, so every shape must be known at trace time. A size
        that depends on the values of a traced array is not: JAX raises
        `ConcretizationTypeError` (or `TypeError: Shapes must be 1D sequences of concrete
        values of integer type`) when the function is traced. A parameter that selects
        the program (an axis, a norm's order, a count of steps) is the same: a tracer
        there raises `ConcretizationTypeError` or one of its kin
        (`TracerBoolConversionError`, `TracerIntegerConversionError`, "Non-hashable
        static arguments"). A traced boolean mask
        raises `NonConcreteBooleanIndexError` (its number of `True` values is the
        result's length), and a traced slice bound `IndexError: Slice entries must be
        static integers`.
        """
    example = """
        import jax
        import jax.numpy as jnp

        @jax.jit
        def positive_indices(x):
            return jnp.nonzero(x > 0)[0]
        """
    use_instead = """
        import jax
        import jax.numpy as jnp

        @jax.jit
        def positive_indices(x):
            return jnp.nonzero(x > 0, size=x.shape[0], fill_value=-1)[0]
        """
    fix_safety = (
        "There is no automatic fix: the right `size=` (an upper bound) and `fill_value=` "
        "depend on the data, and a traced size has to become a static argument."
    )
    valid = (
        Valid("""
            import jax
            import jax.numpy as jnp
            CLASSES = jnp.array([3, 1, 3, 2])
            @jax.jit
            def n_classes(x):
                with jax.ensure_compile_time_eval():  # runs eagerly on the constant
                    return x.size + jnp.unique(CLASSES).size
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x):
                idx = jnp.nonzero(x > 0, size=x.shape[0], fill_value=0)
                return jnp.zeros(x.shape) + jnp.arange(len(x)) + jnp.ones((x.shape[0],))
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            from functools import partial
            @partial(jax.jit, static_argnames="n")
            def f(x, n):
                return jnp.arange(n) * x + jnp.zeros(n)
            """),
        Valid("""
            import jax.numpy as jnp
            def f(x, n):  # not traced
                return jnp.nonzero(x)[0] + jnp.arange(n)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x):
                return jnp.where(x > 0, x, 0.0)  # three arguments: fixed shape
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def f(x):
                return jnp.unique(x)  # grad only: concrete values every call
            g = jax.grad(lambda x: f(x).sum())
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x, start):
                kept = jnp.where(jnp.isnan(x), 0.0, x).sum(where=x > 0)
                window = jax.lax.dynamic_slice(x, (start,), (4,))
                return kept + window + x[: x.shape[0] // 2].reshape(2, -1) + x[start]
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def counts(mask, size=None, return_counts=False):
                if return_counts:  # no jitted caller asks: never traced
                    return jnp.nonzero(mask)[0]
                return mask.sum()
            @jax.jit
            def f(x):
                return counts(x > 0, size=x.size)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x):
                with jax.ensure_compile_time_eval():  # eager: n is a concrete array
                    n = jnp.sum(jnp.ones(3, dtype=jnp.int32))
                    pad = jnp.zeros(n)
                return x + pad.sum()
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            from functools import partial
            @partial(jax.jit, static_argnames=("order", "k"))
            def f(x, order, k, shift, start, fill):
                top = jax.lax.top_k(x, k)[0] + jnp.linalg.norm(x, ord=order)
                moved = jnp.roll(x, shift) + jax.lax.dynamic_slice(x, (start,), (2,)).sum()
                return top.sum() + moved + jnp.full(x.shape, fill) + jnp.sum(x, axis=-1)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            def ramp(n):
                return jnp.arange(0, n, 1)  # the traced wrapper is never called
            ramp_jit = jax.jit(ramp)
            ramp_static = jax.jit(ramp, static_argnums=0)
            ramp_static(5)
            """),
    ) + VALID_MORE
    invalid = (
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def positive_indices(x):
                return jnp.nonzero(x > 0)[0]
            """,
            line=5,
            column=12,
            message="`jnp.nonzero` of traced `x > 0` has a size that depends on its values",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def body(carry, x):
                return carry, jnp.where(x > carry)
            def run(xs):
                return jax.lax.scan(body, 0.0, xs)
            @jax.jit
            def grid(n, x):
                return jnp.linspace(0.0, 1.0, n) + jnp.zeros((n, 2)).sum() + x
            """,
            count=3,
        ),
        Invalid("""
            import jax
            import jax.numpy as jnp
            def padded(x, length):
                return jnp.arange(length) + x.sum()
            f = jax.jit(padded)
            """),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def clean(x, start, rows):
                bad = jnp.isnan(x) | (x < 0)
                y = x.at[bad].set(0.0)
                return x[x > 0].mean(), y[start : start + 4], y.reshape(rows, -1)
            """,
            count=4,
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def normalized(x, order):
                return x / jnp.linalg.norm(x, ord=order)
            """,
            line=5,
            column=39,
            message="`jnp.linalg.norm` gets traced `order` for `ord`",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def f(x, k, n, axis, key):
                best = jax.lax.top_k(x, k)[0] + jnp.sum(x, axis=axis)
                noise = jax.random.normal(key, (n,))
                return best + noise + jnp.linalg.matrix_power(x, n)
            """,
            count=4,
        ),
        Invalid(
            """
            import jax
            from jax import lax
            def padded(row, rows):
                return lax.full((rows, row.shape[0]), 0.0).at[0].set(row)  # lax, as jnp.full
            padded_jit = jax.jit(padded)
            """,
            line=4,
            message="`lax.full` gets traced `(rows, row.shape[0])` for `shape`",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            def ramp(n):
                return jnp.arange(0, n, 1)  # traced by `ramp_jit`, whatever `ramp_static` does
            ramp_jit = jax.jit(ramp)
            ramp_jit(5)
            ramp_static = jax.jit(ramp, static_argnums=0)
            ramp_static(5)
            """,
            line=4,
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            from jax.scipy.special import multigammaln
            def rows(x):
                return jnp.apply_along_axis(jnp.where, 1, x)  # jnp.where(row): no size
            def log_gamma(a, d):
                return jax.jit(multigammaln)(a, d)  # d is traced, and must be static
            """,
            count=2,
        ),
    ) + INVALID_MORE

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)
        yield from reported(self.check_applied(model, site) for site in model.calls)
        stored = {id(store.target) for store in model.subscript_stores}
        yield from reported(
            self.check_subscript(model, site, id(site.node) in stored) for site in model.subscripts
        )

    def shape_staged(self, site: Site, model: SemanticModel) -> Scope | None:
        """The function around ``site`` when it is staged with fixed shapes."""
        function = site.scope.enclosing_function()
        if function is None:
            return None
        info = model.trace(function)
        if not info.staged or not info.kinds & SHAPE_STAGING_KINDS:
            return None
        if info.direct_kinds and not info.direct_kinds & SHAPE_STAGING_KINDS:
            # Its parameters come from vmap (or grad) alone, even inside a jitted caller:
            # an unbatched one may be a Python value (equinox.filter_vmap passes every
            # non-array through).
            return None
        return function

    def finding(
        self, model: SemanticModel, site: Site, node: cst.CSTNode, message: str
    ) -> Diagnostic | None:
        """The diagnostic, unless ``site`` sits where traced code never runs it."""
        return None if untraced_arm(model, site) else Diagnostic(self.code, node, message)

    def check_subscript(self, model: SemanticModel, site: Site, stored: bool) -> Diagnostic | None:
        function = self.shape_staged(site, model)
        if function is None:
            return None
        subscript = site.node
        assert isinstance(subscript, cst.Subscript)
        base = subscript.value
        context = traced_context(model, function)
        for element in subscript.slice:
            index = element.slice
            if isinstance(index, cst.Slice):
                bounds = [b for b in (index.lower, index.upper, index.step) if b is not None]
                traced = next((b for b in bounds if model.traced_fact(b, site) is YES), None)
                if traced is None or not self.indexes_array(model, base, site):
                    continue
                return self.finding(
                    model,
                    site,
                    subscript,
                    f"Slice `{source_text(subscript, 40)}` with traced bound "
                    f"`{source_text(traced, 30)}` ({context}): slice bounds must be static "
                    "under `jit` (IndexError); use `lax.dynamic_slice(x, (i,), (n,))` with a "
                    "static length `n`, or make the bound a static argument",
                )
            mask = index.value
            if model.boolean_fact(mask, site) is not YES:
                continue
            if model.traced_fact(mask, site) is not YES:
                continue
            if not self.indexes_array(model, base, site):
                continue
            updated = isinstance(base, cst.Attribute) and base.attr.value == "at"
            instead = (
                "`jnp.where(mask, new_values, x)`"
                if updated or stored
                else "`jnp.where(mask, x, 0)` (or a reduction's `where=mask`)"
            )
            return self.finding(
                model,
                site,
                subscript,
                f"`{source_text(subscript, 40)}` indexes with traced boolean mask "
                f"`{source_text(mask, 30)}`: the result's shape depends on its values "
                f"({context}) and raises NonConcreteBooleanIndexError; use {instead}",
            )
        return None

    @staticmethod
    def indexes_array(model: SemanticModel, base: cst.BaseExpression, site: Site) -> bool:
        """``base`` is a JAX array or a traced value (``x.at`` of one included)."""
        if isinstance(base, cst.Attribute) and base.attr.value == "at":
            base = base.value
        return model.array_fact(base, site) is YES or model.traced_fact(base, site) is YES

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        function = self.shape_staged(site, model)
        if function is None:
            return None
        context = traced_context(model, function)
        function_name = jnp_function(site)
        func = site.call.func
        if function_name is None and isinstance(func, cst.Attribute):
            if func.attr.value in jf.ARRAY_SHAPE_METHODS and self.indexes_array(
                model, func.value, site
            ):
                return self.check_shape_method(model, site, func.attr.value, context)
        static = jf.STATIC_PARAMETERS.get(site.qualified_name or "")
        if function_name not in jf.JNP_VALUE_SIZED and function_name != "where":
            if static is None:
                return None
        args = site.call.args
        if any(arg.star for arg in args):
            return None
        positional = [arg.value for arg in args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in args if arg.keyword is not None}
        if static is not None:
            finding = self.check_static_arguments(
                model, site, static, positional, keywords, context
            )
            if finding is not None:
                return finding
        if function_name in jf.JNP_VALUE_SIZED or function_name == "where":
            if function_name == "where" and (len(positional) != 1 or keywords):
                return None
            if "size" in keywords or not positional:
                return None
            value = positional[0]
            of = f"traced `{source_text(value, 30)}`"
            if model.traced_fact(value, site) is not YES:
                # Staged code stages the argument too: a NumPy or JAX constant becomes a
                # tracer there, so the size is as unknown (tests/test_static_facts.py).
                if not model.trace(function).stages_constants or model.eager_at(
                    site.scope, site.ordinal
                ):
                    return None
                of = f"`{source_text(value, 30)}` (a constant, staged as a tracer here)"
            return self.finding(
                model,
                site,
                site.call,
                f"`jnp.{function_name}` of {of} has a size that "
                f"depends on its values ({context}) and raises ConcretizationTypeError; pass "
                "`size=` (an upper bound) with `fill_value=`, or use `jnp.where(mask, x, 0)`",
            )
        return None

    def check_applied(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        """A library function given by name to a transformation that calls it on tracers
        (``jax.jit(multigammaln)(1.0, 2)``, ``jnp.apply_along_axis(jnp.where, 1, x)``):
        each traced argument it gets is checked as in staged code, wherever the call is."""
        call = site.call
        if isinstance(call.func, cst.Call):
            transform, given, args = call.func.func, call.func.args, call.args
            application = jf.APPLIED_ON_TRACERS.get(
                model.qualified_name(transform, site.scope) or ""
            )
            if application is not jf.Application.WRAPPED or len(given) != 1:
                return None  # options (static_argnums, in_axes) may keep arguments static
        else:
            transform, given, args = call.func, call.args, ()
            application = jf.APPLIED_ON_TRACERS.get(site.qualified_name or "")
            if application is not jf.Application.SLICES:
                return None
        if not given or given[0].keyword is not None or any(a.star for a in (*given, *args)):
            return None
        applied = model.qualified_name(given[0].value, site.scope)
        if applied is None or applied.rsplit(".", 1)[-1].startswith("_"):
            return None
        if application is jf.Application.SLICES:
            # f(slice, *args, **kwargs): only the slice is traced.
            positional = [True] + [False for a in given[3:] if a.keyword is None]
            keywords = {a.keyword.value: False for a in given[3:] if a.keyword is not None}
        else:
            # Every argument is traced, but None, which is an empty pytree.
            positional = [not _is_none(a.value) for a in args if a.keyword is None]
            keywords = {a.keyword.value: not _is_none(a.value) for a in args if a.keyword}
        label = f"`{source_text(transform, 40)}`"
        short = source_text(given[0].value, 30)
        for parameter in jf.STATIC_PARAMETERS.get(applied, {}).values():
            if _may_take_tracer(parameter, len(positional), keywords):
                continue
            position = parameter.position
            if position is not None and position < len(positional):
                traced = positional[position]
            else:
                traced = keywords.get(parameter.name, False)
            if traced:
                return self.finding(
                    model,
                    site,
                    call,
                    f"{label} calls `{short}` with a tracer for `{parameter.name}`, which "
                    "must be static: this raises at trace time (ConcretizationTypeError or a "
                    f"kin); bind it first (`partial({short}, {parameter.name}=...)`) or call "
                    f"`{short}` inside a function that keeps it static",
                )
        name = applied.removeprefix("jax.numpy.") if applied.startswith("jax.numpy.") else None
        sized = name in jf.JNP_VALUE_SIZED or (name == "where" and len(positional) == 1)
        if sized and positional[:1] == [True] and "size" not in keywords:
            return self.finding(
                model,
                site,
                call,
                f"{label} calls `{short}` on a tracer without `size=`: its result's "
                "size depends on the values, and this raises ConcretizationTypeError; pass a "
                f"function that calls `jnp.{name}(..., size=...)` with an upper bound",
            )
        return None

    def check_static_arguments(
        self,
        model: SemanticModel,
        site: CallSite,
        static: dict[str, StaticParameter],
        positional: list[cst.BaseExpression],
        keywords: dict[str, cst.BaseExpression],
        context: str,
    ) -> Diagnostic | None:
        """A traced value for a parameter that the probed table says must be static."""
        for parameter in static.values():
            if _may_take_tracer(parameter, len(positional), keywords):
                continue
            position = parameter.position
            if position is not None and position < len(positional):
                value = positional[position]
            elif parameter.name in keywords:
                value = keywords[parameter.name]
            else:
                continue
            if model.traced_fact(value, site) is not YES:
                continue
            callee = short_name(site.qualified_name or "")
            return self.finding(
                model,
                site,
                value,
                f"`{callee}` gets traced `{source_text(value, 30)}` for `{parameter.name}` "
                f"({context}): `{parameter.name}` must be static under `jit`, and a tracer "
                "there raises at trace time (ConcretizationTypeError or a kin); mark it "
                "static (`static_argnames`) or compute it from static values (`x.shape`, "
                "Python constants)",
            )
        return None

    def check_shape_method(
        self, model: SemanticModel, site: CallSite, method: str, context: str
    ) -> Diagnostic | None:
        """``x.reshape(n, -1)``: every argument is part of the new shape."""
        args = site.call.args
        if any(arg.star for arg in args):
            return None
        for arg in args:
            if arg.keyword is not None and arg.keyword.value not in ("shape", "newshape"):
                continue
            if model.traced_fact(arg.value, site) is YES:
                return self.finding(
                    model,
                    site,
                    arg.value,
                    f"`.{method}` with traced size `{source_text(arg.value, 30)}` ({context}): "
                    "shapes must be concrete under `jit`; mark it static (`static_argnames`) "
                    "or derive it from `x.shape`",
                )
        return None
