"""JL007 numpy-on-tracer: classic NumPy applied to a traced value."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint.findings import Diagnostic, Fix
from jaxlint.model import BindingKind, CallSite, Fact, SemanticModel
from jaxlint.rules._analysis import traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text


def _statement_of(model: SemanticModel, small: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The module-level line holding ``small`` (an import), if it is at module level."""
    for statement in model.module.body:
        if isinstance(statement, cst.SimpleStatementLine) and any(
            part is small for part in statement.body
        ):
            return statement
    return None


class NumpyOnTracer(Rule):
    code = "JL007"
    name = "numpy-on-tracer"
    summary = "Classic NumPy function applied to a traced value"
    fix = "sometimes"
    what_it_does = """
        Inside staged traced code (`jit`, `vmap`, `scan` bodies, ... and the functions they
        call), checks for calls of classic NumPy (`numpy.*`, through any alias: `import numpy
        as np`, `import numpy as onp`, `from numpy import sin`) with an argument that is a
        traced value. `import jax.numpy as np` is JAX, not classic NumPy, and is never flagged.

        NumPy on static values is fine and not flagged: `np.prod(x.shape)`, `np.pi`,
        `np.float32` as a dtype, `np.arange(static_n)`, `np.dtype(x.dtype)`, any `np.*` whose
        arguments are all static. `np.random.*` is reported by JL004 instead.
        """
    why_bad = """
        NumPy needs concrete values: on a tracer it raises `TracerArrayConversionError`
        (`np.asarray(x)`, `np.sin(x)`), or, for functions that defer to array methods, it
        works by accident and hides the mistake until a function that does not. Even where it
        works outside `jit`, it pulls the data to the host and back on every call.
        """
    example = """
        import jax
        import numpy as np

        @jax.jit
        def f(x):
            return np.sin(x) * 2
        """
    use_instead = """
        import jax
        import jax.numpy as jnp
        import numpy as np

        @jax.jit
        def f(x):
            return jnp.sin(x) * 2
        """
    fix_safety = """
        `np.X(...)` becomes `jnp.X(...)` (adding `import jax.numpy as jnp` after the NumPy
        import if needed), offered only when `jax.numpy` has `X` with the same call signature
        for the arguments used (positional arguments and `axis`/`keepdims`/`dtype`/`axes`;
        never `out=`), and an argument is traced. The fix is unsafe: dtypes can differ
        (NumPy defaults to float64 and keeps Python scalars' precision, JAX to float32 with
        weak types), and a few functions differ at the edges (`jnp.round` rounds halves to
        even like NumPy, but integer overflow, NaN handling in sorting and out-of-bounds
        indexing can differ).
        """
    valid = (
        Valid("""
            import jax
            import numpy as np
            @jax.jit
            def f(x):
                n = np.prod(x.shape)
                y = x.astype(np.float32) * np.pi
                idx = np.arange(x.shape[0])
                return x.reshape(n) + np.sqrt(2.0), idx, np.dtype(x.dtype)
            """),
        Valid("""
            import jax.numpy as np  # JAX, not classic NumPy
            import jax
            @jax.jit
            def f(x):
                return np.sin(x)
            """),
        Valid("""
            import numpy as np
            def host(x):
                return np.sin(x)  # not traced
            """),
        Valid("""
            import jax
            import numpy as onp
            from functools import partial
            @partial(jax.jit, static_argnums=1)
            def f(x, n):
                table = onp.linspace(0.0, 1.0, n)
                return x * table.sum()
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            import numpy as np

            @jax.jit
            def f(x):
                return np.sin(x) * 2
            """,
            fixed="""
            import jax
            import numpy as np
            import jax.numpy as jnp

            @jax.jit
            def f(x):
                return jnp.sin(x) * 2
            """,
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            import numpy as onp

            def body(carry, x):
                total = onp.sum(x * carry, axis=0)
                return carry, onp.asarray(total)

            def run(xs):
                return jax.lax.scan(body, 1.0, xs)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            import numpy as onp

            def body(carry, x):
                total = jnp.sum(x * carry, axis=0)
                return carry, jnp.asarray(total)

            def run(xs):
                return jax.lax.scan(body, 1.0, xs)
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            import numpy as np
            @jax.vmap
            def f(x):
                out = np.empty(3)
                return np.linalg.norm(x), np.sum(x, out=out)  # no jnp twin / out=: no fix
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            from numpy import exp
            @jax.jit
            def f(x):
                return exp(-x)
            """,
            fixed="""
            import jax
            from numpy import exp
            import jax.numpy as jnp
            @jax.jit
            def f(x):
                return jnp.exp(-x)
            """,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        call = site.call
        name = site.qualified_name
        if name is None or not name.startswith("numpy.") or name.startswith("numpy.random."):
            return None
        if name in jf.STATIC_RESULT_CALLS:
            return None
        function = model.staged_function(site.scope)
        if function is None:
            return None
        traced = next(
            (arg.value for arg in call.args if model.traced_fact(arg.value, site) is Fact.YES),
            None,
        )
        if traced is None:
            return None
        label = "np." + name[len("numpy.") :]
        fix = self.jnp_fix(model, site, name)
        message = (
            f"`{label}` is classic NumPy, applied to traced value `{source_text(traced, 40)}` "
            f"({traced_context(model, function)}): it needs a concrete array and raises "
            "TracerArrayConversionError under tracing"
        )
        if fix is not None:
            message += f"; use `{fix.description}`"
        else:
            message += "; use the `jax.numpy` equivalent"
        return Diagnostic(self.code, call, message, fix)

    def jnp_fix(self, model: SemanticModel, site: CallSite, name: str) -> Fix | None:
        call = site.call
        function_name = name[len("numpy.") :]
        if function_name not in jf.NUMPY_JNP_SAME_SIGNATURE:
            return None
        if any(
            arg.star or (arg.keyword is not None and arg.keyword.value not in jf.NUMPY_JNP_KEYWORDS)
            for arg in call.args
        ):
            return None
        replacements: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        jnp_name = model.qualified_name(cst.Name("jnp"), site.scope)
        if jnp_name == "builtins.jnp":  # not bound: import it after the NumPy import
            root = call.func
            while isinstance(root, cst.Attribute):
                root = root.value
            found = model.lookup(root.value, site.scope) if isinstance(root, cst.Name) else None
            if found is None or found[1][-1].kind is not BindingKind.IMPORT:
                return None
            anchor = _statement_of(model, found[1][-1].node)
            if anchor is None:
                return None
            new_import = cst.parse_statement("import jax.numpy as jnp\n")
            replacements.append((anchor, cst.FlattenSentinel([anchor, new_import])))
        elif jnp_name != "jax.numpy":
            return None  # `jnp` means something else here
        new_func = cst.Attribute(cst.Name("jnp"), cst.Name(function_name))
        replacements.insert(0, (call.func, new_func))
        return Fix(f"jnp.{function_name}(...)", tuple(replacements), safe=False)
