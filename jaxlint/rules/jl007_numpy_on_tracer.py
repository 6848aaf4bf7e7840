"""JL007 numpy-on-tracer: classic NumPy applied to a traced value."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint.findings import Diagnostic
from jaxlint.fixes import Applicability, Edit, Fix, Replace, ensure_import
from jaxlint.model import SemanticModel, Site
from jaxlint.rules.base import Invalid, Rule, Valid, source_text


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
        for site in model.calls:
            diagnostic = self.check_call(model, site)
            if diagnostic is not None:
                yield diagnostic

    def check_call(self, model: SemanticModel, site: Site) -> Diagnostic | None:
        call: cst.Call = site.node  # type: ignore[assignment]
        name = model.qualified_name(call.func, site.scope)
        if name is None or not name.startswith("numpy.") or name.startswith("numpy.random."):
            return None
        if name in jf.STATIC_RESULT_CALLS:
            return None
        function = site.scope.staged_function()
        if function is None:
            return None
        traced = next(
            (
                arg.value
                for arg in call.args
                if model.is_traced_value(arg.value, site.scope, site.ordinal)
            ),
            None,
        )
        if traced is None:
            return None
        label = "np." + name[len("numpy.") :]
        fix = self.jnp_fix(model, site, name)
        message = (
            f"`{label}` is classic NumPy, applied to traced value `{source_text(traced, 40)}` "
            f"({model.traced_context(function)}): it needs a concrete array and raises "
            "TracerArrayConversionError under tracing"
        )
        if fix is not None:
            message += f"; use `{fix.description}`"
        else:
            message += "; use the `jax.numpy` equivalent"
        return Diagnostic(self.code, call, message, fix)

    def jnp_fix(self, model: SemanticModel, site: Site, name: str) -> Fix | None:
        call: cst.Call = site.node  # type: ignore[assignment]
        function_name = name[len("numpy.") :]
        if function_name not in jf.NUMPY_JNP_SAME_SIGNATURE:
            return None
        if any(
            arg.star or (arg.keyword is not None and arg.keyword.value not in jf.NUMPY_JNP_KEYWORDS)
            for arg in call.args
        ):
            return None
        # After the NumPy import the call goes through, when `jnp` is not bound yet.
        root = call.func
        while isinstance(root, cst.Attribute):
            root = root.value
        found = model.lookup(root.value, site.scope) if isinstance(root, cst.Name) else None
        anchor = None
        if found is not None and found[1][-1].kind == "import":
            anchor = _statement_of(model, found[1][-1].node)
        imports = ensure_import(model, "jax.numpy", "jnp", scope=site.scope, after=anchor)
        if imports is None:
            return None  # `jnp` means something else here, or nowhere to import it
        new_func = cst.Attribute(cst.Name("jnp"), cst.Name(function_name))
        edits: tuple[Edit, ...] = (Replace(call.func, new_func), *imports)
        return Fix(f"jnp.{function_name}(...)", edits, Applicability.UNSAFE)
