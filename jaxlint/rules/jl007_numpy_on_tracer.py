"""JL007 numpy-on-tracer: classic NumPy applied to a traced value."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Edit, Fix, Replace, ensure_import
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Fact, SemanticModel, Site
from jaxlint.model.analyze.questions import traced_array, traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
from jaxlint.rules.triggers import Trigger


def _statement_of(model: SemanticModel, small: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The module-level line holding ``small`` (an import), if it is at module level."""
    for statement in model.module.body:
        if isinstance(statement, cst.SimpleStatementLine) and any(
            part is small for part in statement.body
        ):
            return statement
    return None


def _writes_to_out(call: cst.Call) -> bool:
    return any(
        arg.keyword is not None
        and arg.keyword.value == "out"
        and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
        for arg in call.args
    )


#: The question for a NumPy array made by ``np.zeros``, ``np.array``, ...
NDARRAY_KIND = frozenset({"ndarray"})
#: The Python sequences that NumPy converts element by element.
SEQUENCES = frozenset({"list", "tuple", "generator"})


def _sequence_of_tracers(model: SemanticModel, site: CallSite, call: cst.Call) -> bool:
    """Whether the array argument of a delegating call is a Python list or tuple holding
    tracers (``np.sum([a, b])``): it has no ``.sum`` method, so NumPy converts it."""
    array = next((arg.value for arg in call.args if arg.keyword is None and not arg.star), None)
    if array is None or model.traced_fact(array, site, jvp=True) is not Fact.YES:
        return False
    return model.container_fact(array, site, SEQUENCES) is Fact.YES


class NumpyOnTracer(Rule):
    code = "JL007"
    name = "numpy-on-tracer"
    summary = "Classic NumPy function applied to a traced value"
    fix = "sometimes"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside traced code (`jit`, `vmap`, `scan` bodies, ... and the functions they call,
        and code traced only by `grad`/`value_and_grad`/`jacfwd`/`jacrev`/`hessian`, whose
        JVP tracers NumPy cannot convert either), checks for calls of classic NumPy (`numpy.*`, through any alias: `import numpy
        as np`, `import numpy as onp`, `from numpy import sin`) with an argument that is a
        traced value, for the NumPy functions that convert their arguments to `numpy.ndarray`:
        every ufunc (`np.sin`, `np.sqrt`, `np.maximum`, ...), `np.asarray`, `np.ravel`,
        `np.concatenate`, `np.where`, `np.clip`, `np.median`, `np.linalg.*`, `np.fft.*` and
        more. `import jax.numpy as np` is JAX, not classic NumPy, and is never flagged. SciPy
        functions (`scipy.special.erf`, `scipy.linalg.expm`, ...) convert their arguments
        the same way and are flagged too; `jax.scipy` is JAX.

        Functions that hand an argument that is not an ndarray to its own method work on a
        tracer and are not flagged: `np.sum(x)` runs `x.sum()`, and so do `np.mean`, `np.max`,
        `np.min`, `np.prod`, `np.std`, `np.var`, `np.argmax`, `np.cumsum`, `np.transpose`,
        `np.reshape`, `np.squeeze`, `np.round`, `np.any`, `np.all` and a few others. They are
        flagged only where they fail after all: on a list of tracers (`np.sum([a, b])`) or with
        `out=`. Both lists are checked by running each function on a tracer under `jax.jit`.

        In staged code (`jit`, `vmap`, `scan` bodies, ...), a NumPy array indexed by a
        traced value is flagged too (`WEIGHTS[i]`, `table[i, 0] = v`, `table[i:]`), when
        the array is one on every path that reaches the index: made by `np.zeros`,
        `np.ones`, `np.empty`, `np.full`, `np.array`, `np.arange`, `np.linspace`, `np.eye`,
        `np.copy`, ... (`jnp.asarray(WEIGHTS)[i]` is a JAX array and fine).

        NumPy on static values is fine and not flagged: `np.prod(x.shape)`, `np.pi`,
        `np.float32` as a dtype, `np.arange(static_n)`, `np.dtype(x.dtype)`, any `np.*` whose
        arguments are all static. `np.random.*` is reported by JL004 instead.
        """
    why_bad = """
        These functions need concrete values: on a tracer they raise
        `TracerArrayConversionError` (`np.asarray(x)`, `np.sin(x)`, and a NumPy array
        indexed by a tracer, whose index NumPy converts), so the function fails under
        `jit`. Outside `jit` the same code pulls the data to the host and back on every
        call, and returns a NumPy array where a JAX array was meant.
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
        never `out=`), and an argument is traced; never for `np.sum([a, b])` and the other
        delegating functions given a list (their `jnp` twins reject lists). The fix is unsafe: dtypes can differ
        (NumPy defaults to float64 and keeps Python scalars' precision, JAX to float32 with
        weak types), and a few functions differ at the edges (`jnp.round` rounds halves to
        even like NumPy, but integer overflow, NaN handling in sorting and out-of-bounds
        indexing can differ).
        """
    valid = (
        # An MCMC kernel hands the model its arguments as given: NumPy stays NumPy.
        Valid("""
            import numpy as np
            import numpyro
            import numpyro.distributions as dist
            from numpyro.infer import MCMC, NUTS
            def model(group, y=None):
                a = numpyro.sample("a", dist.Normal(0.0, 1.0).expand([len(np.unique(group))]))
                numpyro.sample("y", dist.Normal(a[group], 1.0), obs=y)
            MCMC(NUTS(model), num_warmup=10, num_samples=10).run(None, np.array([0, 1, 1]))
            """),
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
        Valid("""
            import jax
            import numpy as np
            @jax.jit
            def f(x):  # these call x.sum(), x.mean(), ...: they work on a tracer
                centered = x - np.mean(x, axis=0)
                return np.sum(centered**2), np.transpose(x), np.argmax(x), np.round(x, 2)
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            import numpy as np
            @jax.jit
            def f(x):
                with jax.ensure_compile_time_eval():  # eager: a concrete array
                    mask = np.asarray(jnp.arange(4) > 1)
                return x * mask.sum()
            """),
        Valid("""
            import jax
            import jax.numpy as jnp
            import numpy as np
            WEIGHTS = np.linspace(0.0, 1.0, 8)
            @jax.jit
            def f(x, i):
                table = np.zeros(4)
                return x * jnp.asarray(WEIGHTS)[i] + WEIGHTS[0] + table[1:] + x[i]
            """),
    )
    invalid = (
        Invalid(
            """
            import haiku as hk
            import numpy as np
            def forward(x):
                x = np.asarray(x)  # under jax.jit(net.apply), a tracer
                return hk.Linear(4)(x)
            net = hk.transform(forward)
            """,
            fixed="""
            import haiku as hk
            import numpy as np
            import jax.numpy as jnp
            def forward(x):
                x = jnp.asarray(x)  # under jax.jit(net.apply), a tracer
                return hk.Linear(4)(x)
            net = hk.transform(forward)
            """,
            line=4,
        ),
        Invalid(
            """
            import jax
            import scipy.special
            @jax.jit
            def gelu(x):
                return 0.5 * x * (1 + scipy.special.erf(x / 2**0.5))  # use jax.scipy
            """,
            line=5,
        ),
        Invalid(
            """
            import jax
            import numpy as np
            @jax.jit
            def shift(tree):
                return jax.tree.map(lambda x: np.append(x[0], x[:-1]), tree)  # leaves are traced
            """,
            line=5,
        ),
        Invalid(
            """
            import flax.linen as nn
            import numpy as np
            class Dense(nn.Module):
                @nn.compact
                def __call__(self, x):
                    x = np.asarray(x)  # applied inside jitted training steps: a tracer
                    return nn.Dense(4)(x)
            """,
            fixed="""
            import flax.linen as nn
            import numpy as np
            import jax.numpy as jnp
            class Dense(nn.Module):
                @nn.compact
                def __call__(self, x):
                    x = jnp.asarray(x)  # applied inside jitted training steps: a tracer
                    return nn.Dense(4)(x)
            """,
            line=6,
        ),
        Invalid(
            """
            import jax
            import numpy as np
            @jax.jit
            def order(modes):
                return np.lexsort((modes[:, 1], modes[:, 0]))
            """,
            line=5,
        ),
        Invalid(
            """
            import jax
            import numpy as np
            def loss(x):
                return np.sqrt(x).sum()  # grad-only: a JVPTracer, which NumPy cannot convert
            g = jax.grad(loss)
            """,
            fixed="""
            import jax
            import numpy as np
            import jax.numpy as jnp
            def loss(x):
                return jnp.sqrt(x).sum()  # grad-only: a JVPTracer, which NumPy cannot convert
            g = jax.grad(loss)
            """,
        ),
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
                total = onp.sum(x * carry, axis=0)  # x.sum(): fine
                return carry, onp.sqrt(onp.asarray(total))

            def run(xs):
                return jax.lax.scan(body, 1.0, xs)
            """,
            fixed="""
            import jax
            import jax.numpy as jnp
            import numpy as onp

            def body(carry, x):
                total = onp.sum(x * carry, axis=0)  # x.sum(): fine
                return carry, jnp.sqrt(jnp.asarray(total))

            def run(xs):
                return jax.lax.scan(body, 1.0, xs)
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            import numpy as np
            @jax.jit
            def f(x, y):
                return np.sum([x, y])  # a list has no .sum(): NumPy converts it; no fix
            """,
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
        Invalid(
            """
            import jax
            import numpy as np
            WEIGHTS = np.linspace(0.0, 1.0, 8)
            @jax.jit
            def weight(x, i):
                return x * WEIGHTS[i]
            """,
            line=6,
            column=16,
            message="NumPy array `WEIGHTS` indexed by traced value `i`",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)
        yield from reported(self.check_subscript(model, site) for site in model.subscripts)

    def check_subscript(self, model: SemanticModel, site: Site) -> Diagnostic | None:
        """``table[i]`` (read or written) with ``table`` a NumPy array on every path and
        ``i`` traced: NumPy converts the index to an array (TracerArrayConversionError),
        or a traced slice bound to an int (TracerIntegerConversionError)."""
        subscript = site.node
        assert isinstance(subscript, cst.Subscript)
        # Staged code only: under grad alone an index is a Python int, not a JVP tracer.
        function = model.staged_function(site.scope)
        if function is None:
            return None
        for element in subscript.slice:
            index = element.slice
            if isinstance(index, cst.Slice):
                bounds = [b for b in (index.lower, index.upper, index.step) if b is not None]
                error = "TracerIntegerConversionError"
            else:
                bounds = [index.value]
                error = "TracerArrayConversionError"
            traced = next((b for b in bounds if traced_array(model, b, site)), None)
            if traced is None:
                continue
            if model.container_fact(subscript.value, site, NDARRAY_KIND) is not Fact.YES:
                return None
            return Diagnostic(
                self.code,
                subscript,
                f"NumPy array `{source_text(subscript.value, 30)}` indexed by traced value "
                f"`{source_text(traced, 30)}` ({traced_context(model, function)}): NumPy "
                f"needs a concrete index and raises {error} under tracing; make it a JAX "
                f"array (`jnp.asarray({source_text(subscript.value, 20)})`) or build it "
                "with `jax.numpy`",
            )
        return None

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        call = site.call
        name = site.qualified_name
        if name is None or name in jf.STATIC_RESULT_CALLS:
            return None
        if not name.startswith("numpy.") or name.startswith("numpy.random."):
            return self.check_scipy(model, site, name)
        short = name[len("numpy.") :]
        delegates = short in jf.NUMPY_DELEGATES_TO_METHOD
        converts = short in jf.NUMPY_CONVERTS_TO_NDARRAY or (
            name.startswith(jf.NUMPY_CONVERTING_NAMESPACES)
            and name not in jf.NUMPY_NAMESPACE_NON_CONVERTING
        )
        if not (delegates or converts):
            return None  # not known to fail on a tracer
        # Staged code, and code traced only by grad: NumPy cannot convert a JVPTracer
        # either, though Python control flow on one works.
        function = site.scope.enclosing_function()
        if function is None or not model.trace(function).traced:
            return None
        traced = next(
            (
                arg.value
                for arg in call.args
                if model.traced_fact(arg.value, site, jvp=True) is Fact.YES
            ),
            None,
        )
        if traced is None:
            return None
        failure = "it needs a concrete array and raises TracerArrayConversionError under tracing"
        if delegates:
            if _writes_to_out(call):
                failure = "the JAX array method it calls rejects `out=` (NotImplementedError)"
            elif not _sequence_of_tracers(model, site, call):
                return None  # np.sum(x) runs x.sum(): it works on a tracer
        label = "np." + short
        # A delegating call is flagged for a list (jnp.sum rejects lists too) or for out=
        # (which jnp rejects): neither has a jnp rewrite.
        fix = None if delegates else self.jnp_fix(model, site, name)
        message = (
            f"`{label}` is classic NumPy, applied to traced value `{source_text(traced, 40)}` "
            f"({traced_context(model, function)}): {failure}"
        )
        if fix is not None:
            message += f"; use `jnp.{short}(...)`"
        else:
            message += "; use the `jax.numpy` equivalent"
        return Diagnostic(self.code, call, message, fix)

    def check_scipy(self, model: SemanticModel, site: CallSite, name: str) -> Diagnostic | None:
        """SciPy (``scipy.special.erf``, ``scipy.linalg.expm``, ``scipy.stats.norm.cdf``)
        converts its array arguments to NumPy arrays: a tracer raises there too."""
        if not name.startswith(jf.SCIPY_NAMESPACE):
            return None
        function = site.scope.enclosing_function()
        if function is None or not model.trace(function).traced:
            return None
        traced = next(
            (
                a.value
                for a in site.call.args
                if model.traced_fact(a.value, site, jvp=True) is Fact.YES
            ),
            None,
        )
        if traced is None:
            return None
        return Diagnostic(
            self.code,
            site.call,
            f"`{name}` is SciPy, applied to traced value `{source_text(traced, 40)}` "
            f"({traced_context(model, function)}): it converts its arguments to NumPy arrays "
            "and raises TracerArrayConversionError under tracing; use `jax.scipy` or "
            "`jax.numpy`, or `jax.pure_callback` to run SciPy on the host",
        )

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
        # After the NumPy import the call goes through, when `jnp` is not bound yet.
        root = call.func
        while isinstance(root, cst.Attribute):
            root = root.value
        found = model.lookup(root.value, site.scope) if isinstance(root, cst.Name) else None
        anchor = None
        if found is not None and found.bindings[-1].kind is BindingKind.IMPORT:
            anchor = _statement_of(model, found.bindings[-1].node)
        imports = ensure_import(model, "jax.numpy", "jnp", scope=site.scope, after=anchor)
        if imports is None:
            return None  # `jnp` means something else here, or nowhere to import it
        new_func = cst.Attribute(cst.Name("jnp"), cst.Name(function_name))
        edits: tuple[Edit, ...] = (Replace(call.func, new_func), *imports)
        title = f"Replace `{source_text(call.func)}` with `jnp.{function_name}`"
        return Fix(title, edits, Applicability.UNSAFE)
