"""JL011 dynamic-shape: in staged code, an array whose shape depends on traced values."""

from __future__ import annotations

from collections.abc import Iterator

from jaxlint import jaxfacts as jf
from jaxlint.findings import Diagnostic
from jaxlint.jaxfacts import TransformKind
from jaxlint.model import CallSite, Fact, SemanticModel
from jaxlint.rules._analysis import guarded_by_tracer_test, jnp_function, traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text

#: Transformations that stage shapes out once: every shape must be concrete there. Not
#: ``grad`` (concrete values every call) nor ``vmap`` alone (an unbatched argument may be
#: a Python value).
SHAPE_STAGING_KINDS = frozenset({TransformKind.JIT, TransformKind.LOOP, TransformKind.SHAPE})


class DynamicShape(Rule):
    code = "JL011"
    name = "dynamic-shape"
    summary = "In staged code, an array whose shape depends on a traced value"
    what_it_does = """
        Inside code staged by `jit`, `scan`/`fori_loop`/`cond` bodies or `eval_shape` (and
        the functions they call), checks for:

        - `jnp.nonzero`, `argwhere`, `flatnonzero`, `unique`, `compress`, `extract` of a
          traced value without `size=`, and `jnp.where(cond)` with one argument;
        - `jnp.arange`, `zeros`, `ones`, `empty`, `full`, `eye`, `identity` and
          `linspace(num=...)` whose size is a traced value.

        Sizes from `x.shape`, `len(x)`, static arguments and Python constants are fine, and
        so are the parameters of a function that only `vmap` (or `grad`) is applied to,
        even when it is called from jitted code.
        """
    why_bad = """
        XLA compiles for fixed shapes, so every shape must be known at trace time. A size
        that depends on the values of a traced array is not: JAX raises
        `ConcretizationTypeError` (or `TypeError: Shapes must be 1D sequences of concrete
        values of integer type`) when the function is traced.
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
    )
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
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        function_name = jnp_function(site)
        if function_name is None:
            return None
        if (
            function_name not in jf.JNP_VALUE_SIZED
            and function_name not in (jf.JNP_SHAPE_ARGUMENTS)
            and function_name != "where"
        ):
            return None
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
        if guarded_by_tracer_test(model, site.branch, site.scope):
            return None
        args = site.call.args
        if any(arg.star for arg in args):
            return None
        positional = [arg.value for arg in args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in args if arg.keyword is not None}
        context = traced_context(model, function)
        if function_name in jf.JNP_VALUE_SIZED or function_name == "where":
            if function_name == "where" and (len(positional) != 1 or keywords):
                return None
            if "size" in keywords or not positional:
                return None
            value = positional[0]
            if model.traced_fact(value, site) is not Fact.YES:
                return None
            return Diagnostic(
                self.code,
                site.call,
                f"`jnp.{function_name}` of traced `{source_text(value, 30)}` has a size that "
                f"depends on its values ({context}) and raises ConcretizationTypeError; pass "
                "`size=` (an upper bound) with `fill_value=`, or use `jnp.where(mask, x, 0)`",
            )
        positions, names = jf.JNP_SHAPE_ARGUMENTS[function_name]
        sizes = [positional[i] for i in positions if i < len(positional)]
        sizes += [keywords[k] for k in names if k in keywords]
        for size in sizes:
            if model.traced_fact(size, site) is Fact.YES:
                return Diagnostic(
                    self.code,
                    size,
                    f"`jnp.{function_name}` with traced size `{source_text(size, 30)}` "
                    f"({context}): shapes must be concrete under `jit`; mark it static "
                    "(`static_argnames`), derive it from `x.shape`, or use "
                    "`lax.dynamic_slice(x, (i,), (n,))` with a static `n`",
                )
        return None
