"""JL018 unrolled-loop: a Python loop with a known, large count in staged code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, Fact, Loop, LoopKind, Point, Scope, SemanticModel, Site
from jaxlint.model.analyze.questions import traced_context, untraced_arm
from jaxlint.rules.base import Invalid, Rule, Valid, source_text
from jaxlint.rules.triggers import Trigger

YES = Fact.YES

#: Bindings whose value is computed once per pass through the loop body.
_OPERATION_VALUES = (cst.BinaryOperation, cst.UnaryOperation, cst.Subscript, cst.Call)


@dataclass(frozen=True)
class CountedLoop:
    """A loop whose iterations are known, in staged code."""

    site: Site
    loop: Loop
    iterable: cst.BaseExpression
    count: int


class UnrolledLoop(Rule):
    code = "JL018"
    name = "unrolled-loop"
    summary = "A Python loop with a known, large count inside staged code is unrolled"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside code staged by `jit`, `pmap`, `scan`/`fori_loop`/`while_loop`/`cond`
        bodies, `checkpoint` or a Pallas kernel (and the functions they call), checks for
        a `for` loop or a comprehension whose number of iterations is known and larger
        than `max-unrolled-iterations` (default 100): `range(N)` with `N` a literal, a
        constant (a name bound to the same int on every path, module-level constants
        included; a parameter's int default where no call of the function in sight
        passes the parameter) or arithmetic of those, a list or tuple display of that many items,
        and `enumerate`/`reversed`/`zip` of those. Nested loops count together: a loop of
        20 inside a loop of 20 runs its body 400 times.

        The loop is reported only when its body stages work on every iteration (a JAX
        operation or a traced value computed there, outside any `if`) and nothing cuts it
        short (`break`, `continue` or `return` in it). Loops over a few layers or
        settings, over `range(len(params))` or any count not known here (a parameter a call passes, a
        static argument, a shape), `while` loops, and loops outside staged code (under
        `grad` or `vmap` alone Python runs every call, nothing is unrolled) stay silent.

        Set the threshold in the configuration:
        `[tool.jaxlint] max-unrolled-iterations = 500`.
        """
    why_bad = """
        JAX traces Python once: a Python loop in a jitted function is not a loop in the
        compiled program, it is the body written out once per iteration. The program (its
        jaxpr and the XLA module) grows with the count, and so do trace and compile time:
        seconds for hundreds of steps, minutes for thousands, and memory with them. The
        same loop as `jax.lax.fori_loop` or `jax.lax.scan` is traced once and compiled
        once, whatever the count.
        """
    example = """
        import jax

        @jax.jit
        def simulate(x):
            for _ in range(1000):
                x = x + 0.01 * jax.numpy.sin(x)
            return x
        """
    use_instead = """
        import jax

        @jax.jit
        def simulate(x):
            return jax.lax.fori_loop(0, 1000, lambda i, x: x + 0.01 * jax.numpy.sin(x), x)
        """
    fix_safety = (
        "There is no automatic fix: `fori_loop` and `scan` need the loop's state as an "
        "explicit carry, and a body that builds Python values or indexes with the loop "
        "counter may need rewriting. A short loop unrolled on purpose (for speed on "
        "small bodies) is fine: raise `max-unrolled-iterations` or add `# noqa: JL018`."
    )
    valid = (
        Valid("""
            import jax
            @jax.jit
            def f(x):
                for _ in range(8):  # a few steps: unrolling is fine
                    x = x * 2
                return x
            """),
        Valid("""
            def f(x):  # not traced: Python runs the loop on every call
                for _ in range(1000):
                    x = x * 2
                return x
            """),
        Valid("""
            import jax
            def f(x):
                for _ in range(1000):
                    x = x * 2
                return x
            g = jax.grad(f)  # grad alone does not stage: nothing is unrolled
            """),
        Valid("""
            import jax
            @jax.jit
            def f(params, x):
                for i in range(len(params)):  # count unknown here
                    x = x @ params[i]
                return x
            """),
        Valid("""
            import jax
            @jax.jit
            def f(x):
                names = []
                for i in range(1000):  # builds Python values only: nothing staged
                    names.append(str(i))
                return x
            """),
        Valid("""
            import jax
            @jax.jit
            def f(x, stop):
                for i in range(1000):
                    if i == stop:
                        break  # may stop early
                    x = x + 1
                return x
            """),
        Valid("""
            import jax
            @jax.jit
            def f(x):
                return jax.lax.fori_loop(0, 1000, lambda i, x: x * 2, x)
            """),
        Valid("""
            import jax
            @jax.jit
            def sample(x, n_samps=1000):
                for _ in range(n_samps):  # a call passes its own count: unknown here
                    x = x * 2
                return x
            sample(1.0)
            sample(1.0, n_samps=5)
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def simulate(x):
                for _ in range(1000):
                    x = x + 0.01 * jnp.sin(x)
                return x
            """,
            line=5,
            column=14,
            message="`for` loop over `range(1000)` runs 1000 times while tracing",
        ),
        Invalid(
            """
            import jax
            STEPS = 250
            def body(carry, x):
                for _ in range(STEPS):
                    carry = carry * x
                return carry, carry
            def run(xs):
                return jax.lax.scan(body, 1.0, xs)
            """,
            message="`range(STEPS)`",
        ),
        Invalid(
            """
            import jax
            @jax.jit
            def grid(x):
                for i in range(20):
                    for j in range(20):
                        x = x.at[i, j].add(1.0)
                return x
            """,
            line=5,
            message="runs 400 times (20 × 20 with the loops around it)",
        ),
        Invalid(
            """
            import jax
            import jax.numpy as jnp
            @jax.jit
            def stack(x):
                return jnp.stack([x * i for i in range(512)])
            """,
        ),
        # A default no call in sight passes is a Python int under jit (jax issue 575).
        Invalid(
            """
            import jax
            @jax.jit
            def sample(x, n_samps=1000):
                for _ in range(n_samps):
                    x = x * 2
                return x
            sample(1.0)
            """,
            line=4,
            message="`for` loop over `range(n_samps)` runs 1000 times while tracing",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        limit = self.options.max_unrolled_iterations
        counted: dict[int, CountedLoop] = {}  # id(Loop) -> its count, outer loops first
        reported: set[int] = set()
        for site, loop in model.loops:
            found = self.counted(model, site, loop)
            if found is None:
                continue
            counted[id(loop)] = found
            total, around = self.total(model, found, counted)
            if total <= limit or any(id(outer.loop) in reported for outer in around):
                continue
            if not self.stages_every_iteration(model, found):
                continue
            reported.add(id(loop))
            yield self.finding(model, found, total, around)

    @staticmethod
    def staged(model: SemanticModel, site: Site) -> Scope | None:
        """The function around ``site`` when a transformation stages it into a program
        that is compiled (not only traced for shapes)."""
        function = site.scope.enclosing_function()
        if function is None:
            return None
        info = model.trace(function)
        if not info.traced:
            return None
        if not any(kind.stages_constants and not kind.trace_only for kind in info.kinds):
            return None
        return function

    def counted(self, model: SemanticModel, site: Site, loop: Loop) -> CountedLoop | None:
        if loop.kind is LoopKind.WHILE or loop.leaves_early:
            return None
        if self.staged(model, site) is None or model.eager_at(site.scope, site.ordinal):
            return None
        if untraced_arm(model, site):
            return None
        node = site.node
        if isinstance(node, cst.For):
            iterable = node.iter
        else:
            for_in: cst.CompFor = node.for_in  # type: ignore[attr-defined]
            if for_in.ifs or for_in.inner_for_in is not None or for_in.asynchronous:
                return None  # filtered or nested: how often the element runs is unknown
            iterable = for_in.iter
        if isinstance(node, cst.For) and node.asynchronous is not None:
            return None
        count = model.iteration_count(iterable, site)
        if count is None or count <= 0:
            return None
        return CountedLoop(site, loop, iterable, count)

    @staticmethod
    def unconditional(site: Site, loop: Loop) -> bool:
        """``site`` runs on every pass through ``loop``'s body: no ``if`` around it
        inside the loop."""
        branch = site.branch
        return branch is None or branch.ordinal < loop.start

    def total(
        self, model: SemanticModel, found: CountedLoop, counted: dict[int, CountedLoop]
    ) -> tuple[int, list[CountedLoop]]:
        """How often the loop's body runs in one trace, with the counted loops around
        it multiplied in (each runs it on every pass), and those loops."""
        total = found.count
        around: list[CountedLoop] = []
        inner = found
        outer = found.loop.parent
        while outer is not None:
            record = counted.get(id(outer))
            if record is None or not self.unconditional(inner.site, outer):
                break
            total *= record.count
            around.append(record)
            inner, outer = record, outer.parent
        return total, around

    def stages_every_iteration(self, model: SemanticModel, found: CountedLoop) -> bool:
        """A JAX operation, or a traced value computed, directly in the loop's body and
        outside any ``if`` in it: every iteration adds to the program."""
        loop = found.loop
        function = found.site.scope
        for call in model.calls:
            if call.loop is not loop or call.scope is not function:
                continue
            if not self.unconditional(call, loop) or untraced_arm(model, call):
                continue
            if (
                model.traced_fact(call.call, call) is YES
                or model.array_fact(call.call, call) is YES
            ):
                return True
        if loop.kind is LoopKind.COMPREHENSION:
            element = getattr(found.site.node, "elt", None)  # a dict comprehension has none
            return (
                isinstance(element, _OPERATION_VALUES)
                and model.traced_fact(element, Point(function, loop.start)) is YES
            )
        for bindings in function.bindings.values():
            for binding in bindings:
                if binding.loop is not loop or binding.value is None:
                    continue
                value: cst.CSTNode = binding.value
                if binding.kind is BindingKind.AUGASSIGN:
                    value = binding.node  # ``x += 1``: an operation on what ``x`` held
                elif not isinstance(value, _OPERATION_VALUES):
                    continue
                branch = binding.branch
                if branch is not None and branch.ordinal >= loop.start:
                    continue
                at = Point(function, binding.ordinal)
                if isinstance(value, cst.BaseExpression) and model.traced_fact(value, at) is YES:
                    return True
        return False

    def finding(
        self, model: SemanticModel, found: CountedLoop, total: int, around: list[CountedLoop]
    ) -> Diagnostic:
        function = self.staged(model, found.site)
        assert function is not None
        what = found.loop.describe()
        count = f"{total} times"
        if around:
            factors = " × ".join(str(record.count) for record in (found, *around))
            count += f" ({factors} with the loops around it)"
        return Diagnostic(
            self.code,
            found.iterable,
            f"{what[0].upper()}{what[1:]} over `{source_text(found.iterable, 40)}` runs "
            f"{count} while tracing "
            f"({traced_context(model, function)}): Python unrolls it into the program, "
            "whose size and compile time grow with the count; use `jax.lax.fori_loop` or "
            "`jax.lax.scan`",
        )
