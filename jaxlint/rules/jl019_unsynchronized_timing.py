"""JL019 unsynchronized-timing: a clock read after JAX work that nothing waited for."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Point, Scope, SemanticModel, Statement
from jaxlint.model.analyze.inflight import Event, Flow, Region, State
from jaxlint.rules.base import Invalid, Rule, Valid, source_text
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.evaluation import differences, first_evaluated


class UnsynchronizedTiming(Rule):
    code = "JL019"
    name = "unsynchronized-timing"
    summary = "A clock is read after JAX work that nothing waited for"
    triggers = frozenset({Trigger.CLOCK_READ})
    what_it_does = """
        Checks for two clock reads (`time.time()`, `time.perf_counter()`,
        `time.monotonic()`, `timeit.default_timer()`, ...) whose difference is used, in
        host code, where every path between them ends with JAX work nobody waited for: a
        call of a function jitted in this file, or a `jax.numpy`/`jax.lax`/`jax.random`
        computation, with no `jax.block_until_ready(...)`, `.block_until_ready()`,
        `.item()`, `float(...)`, `np.asarray(...)`, `jax.device_get(...)` or `print(...)`
        of a result after it. Also `timeit.timeit(lambda: f(x))` and `timeit.repeat`
        where the timed lambda ends with such a call.

        It stays silent where it cannot tell: any call it does not know (which may wait),
        a branch or a loop where some path waits, a `with`, `try` or `while` block after
        the last dispatch, the timing of compilation (`.lower(...).compile()` is not a
        dispatch), and code traced by a transformation (JL004 is about that). A loop
        between the reads is taken to run at least once. It is also silent where every
        path between the reads waits for JAX work it started: a host conversion of a
        result (`float(y)`, `np.asarray(y)`, a SciPy or NumPy function that converts the
        JAX array it is given, such as `scipy.optimize.root` or `scipy.integrate.trapezoid`,
        or a function of this file that does): the clock then measures the computation,
        and only what is dispatched after the wait may be missing.
        """
    why_bad = """
        JAX dispatches work asynchronously: a jitted call or a `jax.numpy` operation
        returns an array whose value may still be being computed, and the Python program
        runs on. The second clock read then measures how long it took to *dispatch* the
        work, not to do it: benchmarks look orders of magnitude faster than they are, and
        comparisons between versions mean nothing (see JAX's FAQ, "Benchmarking JAX
        code").
        """
    example = """
        import time
        import jax

        @jax.jit
        def step(x):
            return x @ x

        start = time.perf_counter()
        out = step(x)
        print(time.perf_counter() - start)
        """
    use_instead = """
        import time
        import jax

        @jax.jit
        def step(x):
            return x @ x

        start = time.perf_counter()
        out = step(x).block_until_ready()
        print(time.perf_counter() - start)
        """
    valid = (
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            y = f(x)
            jax.block_until_ready(y)
            print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            for _ in range(10):
                y = f(x)
            y.block_until_ready()
            print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            y = f(x)
            log(y)  # unknown: it may wait
            print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            loss = float(f(x))
            print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            compiled = f.lower(x).compile()
            print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            def bench(x, sync):
                t0 = time.time()
                y = f(x)
                if sync:
                    y.block_until_ready()
                return time.time() - t0
            """),
        Valid("""
            import time, jax
            predict = jax.jit(lambda x: (x, x + 1))
            for _ in range(3):
                t0 = time.time()
                boxes, logits = predict(x)
                _ = jax.block_until_ready((boxes, logits))  # a tuple of arrays: waits
                print(time.time() - t0)
            """),
        Valid("""
            import time, jax
            @jax.jit
            def step(x):
                t0 = time.time()  # at trace time: JL004's business
                y = x * 2
                print(time.time() - t0)
                return y
            """),
        Valid("""
            import time, jax
            f = jax.jit(lambda x: x * 2)
            t0 = time.time()
            y = f(x)
            t1 = time.time()
            t0 = t1 - 1.0  # the difference below is not the timed region's
            print(t1 - t0)
            """),
        Valid("""
            import time
            import jax
            import jax.numpy as jnp
            per_row = jax.vmap(jax.jit(jnp.linalg.norm))
            def bench(rows):
                t0 = time.monotonic()
                jax.block_until_ready(per_row(rows))
                return time.monotonic() - t0
            """),
        Valid("""
            import time
            import jax.numpy as jnp
            from scipy import integrate, optimize
            def obtain_root(theta):
                guess = jnp.zeros(2)
                return optimize.root(residual, x0=guess, args=(theta,)).x  # converts: waits
            def bench(theta, weights, t):
                t0 = time.time_ns()
                grid = jnp.einsum("iN,ijN->jN", weights, weights)
                total = grid[0] + integrate.trapezoid(grid, t)  # waits for `grid`
                elapsed = time.time_ns() - t0  # only the last add may be in flight
                t1 = time.time_ns()
                x = obtain_root(theta)  # starts JAX work and waits for it
                step = jnp.linalg.solve(jacobian(x), x)
                return elapsed, time.time_ns() - t1
            """),
    )
    invalid = (
        Invalid(
            """
            import time
            import jax

            @jax.jit
            def step(x):
                return x @ x

            def bench(x):
                start = time.perf_counter()
                out = step(x)
                return time.perf_counter() - start
            """,
            line=11,
            message="`step(x)` (line 11)",
        ),
        Invalid(
            """
            import time
            import jax.numpy as jnp

            t0 = time.time()
            for _ in range(100):
                y = jnp.dot(a, a)
            t1 = time.time()
            print(f"{(t1 - t0) / 100:.4f} s")
            """,
            line=7,
        ),
        Invalid(
            """
            import timeit
            import jax
            f = jax.jit(lambda x: x + 1)
            seconds = timeit.timeit(lambda: f(x), number=100)
            """,
            message="`f(x)`",
        ),
        Invalid(
            """
            import time
            import jax

            step = jax.jit(lambda x: x @ x)
            outputs = []
            t0 = time.perf_counter()
            out = step(x)
            outputs.append(out)  # keeps a reference: waits for nothing
            rows = len(out)  # reads the shape: waits for nothing
            print(rows, "rows in", time.perf_counter() - t0)
            """,
            line=10,
            column=24,
            message="`step(x)`",
        ),
        Invalid(
            """
            import time
            import jax
            import jax.numpy as jnp

            loss = jax.jit(lambda w: jnp.sum(w**2))
            slope = jax.grad(loss)  # runs the compiled loss: dispatches as it does
            def bench(w):
                t0 = time.monotonic()
                slope(w)
                return time.monotonic() - t0
            """,
            line=10,
            message="`slope(w)` (line 10)",
        ),
        Invalid(
            """
            import time
            import numpy as np
            import jax
            step = jax.jit(lambda x: x @ x)
            def bench(previous, x):
                t0 = time.time()
                host = np.asarray(previous)  # waits, but for work started before `t0`
                y = step(x)
                return time.time() - t0
            """,
            line=9,
            message="`step(x)` (line 9)",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        for site in model.calls:
            name = site.qualified_name
            if name in jf.CLOCK_CALLS:
                diagnostic = self.check_clock(model, site, name)
            elif name in jf.TIMING_CALLS:
                diagnostic = self.check_timeit(model, site, name)
            else:
                continue
            if diagnostic is not None:
                yield diagnostic

    # ------------------------------------------------------------ the two reads

    def check_clock(self, model: SemanticModel, second: CallSite, clock: str) -> Diagnostic | None:
        if host_scope(model, second.scope) is None:
            return None
        statement = model.statement_at(second)
        if statement is None or statement.block is None:
            return None
        start = self.start_name(model, statement, second)
        if start is None:
            return None
        first = self.first_read(model, start, statement)
        if first is None:
            return None
        block = statement.block
        region = block.statements[
            block.statements.index(first) + 1 : block.statements.index(statement)
        ]
        state = Region(model).run(region, State(Flow.SETTLED), loops=0)
        if state.flow is not Flow.PENDING or state.dispatch is None or state.waited:
            return None  # settled, or it measured computation it waited for
        dispatched = source_text(state.dispatch, 40)
        return Diagnostic(
            self.code,
            second.node,
            f"`{source_text(second.node, 40)}` is read after `{dispatched}` "
            f"({model.line_name(state.dispatch)}) without waiting for its result: JAX "
            "dispatches asynchronously, so the elapsed time measures the dispatch, not the "
            "computation; call `jax.block_until_ready(...)` on the result before reading "
            "the clock",
        )

    def start_name(
        self, model: SemanticModel, statement: Statement, second: CallSite
    ) -> str | None:
        """The name of the first read that the elapsed time subtracts: ``clock() - t0``
        in the second read's statement, evaluated before anything else there; or
        ``t1 = clock()`` and ``t1 - t0`` in a later statement of the same block."""
        node = statement.node
        value = getattr(node, "value", None)
        if isinstance(node, cst.Assign | cst.AnnAssign) and value is second.node:
            targets = node.targets if isinstance(node, cst.Assign) else [node]
            if len(targets) != 1 or not isinstance(targets[0].target, cst.Name):
                return None
            end = targets[0].target.value
            block = statement.block
            assert block is not None
            for later in block.statements[block.statements.index(statement) + 1 :]:
                for left, right in differences(later.node):
                    if (
                        left == end
                        and self.reaches_only(model, end, later, statement)
                        and self.same_binding(model, right, later, statement)
                    ):
                        return right
            return None
        if not isinstance(node, cst.Expr | cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Return):
            return None
        if value is None:
            return None
        path = first_evaluated(value, second.node)
        if path is None or len(path) < 2:
            return None
        parent = path[-2]
        if (
            isinstance(parent, cst.BinaryOperation)
            and isinstance(parent.operator, cst.Subtract)
            and parent.left is second.node
            and isinstance(parent.right, cst.Name)
        ):
            return parent.right.value
        return None

    @staticmethod
    def reaches_only(model: SemanticModel, name: str, at: Statement, binder: Statement) -> bool:
        """The only binding of ``name`` that reaches ``at`` is made by ``binder``."""
        found = model.reaching(name, at.scope, at.ordinal)
        return (
            found is not None
            and len(found.bindings) == 1
            and binder.contains(found.bindings[0].ordinal)
            and found.owner is at.scope
        )

    @staticmethod
    def same_binding(model: SemanticModel, name: str, at: Statement, before: Statement) -> bool:
        """One binding of ``name`` reaches both statements, the same one."""
        here = model.reaching(name, at.scope, at.ordinal)
        there = model.reaching(name, before.scope, before.ordinal)
        return (
            here is not None
            and there is not None
            and len(here.bindings) == 1
            and here.bindings == there.bindings
        )

    def first_read(self, model: SemanticModel, name: str, second: Statement) -> Statement | None:
        """The statement ``name = clock()`` that alone reaches ``second``, in its block."""
        found = model.reaching(name, second.scope, second.ordinal)
        if found is None or len(found.bindings) != 1 or found.owner is not second.scope:
            return None
        binding = found.bindings[0]
        value = binding.value
        if binding.kind not in (BindingKind.ASSIGN, BindingKind.ANNASSIGN):
            return None
        if not isinstance(value, cst.Call) or model.called_name(value) not in jf.CLOCK_CALLS:
            return None
        first = model.statement_at(Point(binding.code_scope, binding.ordinal))
        if first is None or first.block is not second.block or first.ordinal >= second.ordinal:
            return None
        return first

    # ------------------------------------------------------------------ timeit

    def check_timeit(self, model: SemanticModel, site: CallSite, name: str) -> Diagnostic | None:
        if host_scope(model, site.scope) is None:
            return None
        statement = model.statement_at(site)
        if statement is None or (
            isinstance(statement.node, cst.Expr) and statement.node.value is site.node
        ):
            return None  # the time it returns is thrown away
        timed = next(
            (
                arg.value
                for arg in site.call.args
                if (arg.keyword is None and not arg.star)
                or (arg.keyword and arg.keyword.value == "stmt")
            ),
            None,
        )
        if not isinstance(timed, cst.Lambda) or timed.params.params:
            return None
        scope = model.scope_of_node.get(id(timed))
        if scope is None:
            return None
        effect = Region(model).effect(timed.body, Point(scope, site.ordinal))
        if effect.event is not Event.DISPATCH or effect.dispatch is None:
            return None
        dispatched = source_text(effect.dispatch, 40)
        return Diagnostic(
            self.code,
            site.node,
            f"`{name.rpartition('.')[2]}` times a lambda that returns right after "
            f"dispatching `{dispatched}`, without waiting for its result: the time measures "
            "the dispatch, not the computation; time "
            f"`lambda: jax.block_until_ready({dispatched})` instead",
        )


def host_scope(model: SemanticModel, scope: Scope) -> Scope | None:
    """``scope``, unless a transformation traces the function it is in (JL004's domain)."""
    function = scope.enclosing_function()
    if function is not None and model.trace(function).traced:
        return None
    return scope
