"""JL014 static-argument: an unhashable value passed for a static argument of a jitted
function."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Fact, Loop, LoopKind, Scope, SemanticModel
from jaxlint.model.analyze.jitted import (
    ArgumentOption,
    calls_of,
    jitted_options,
    selected_arguments,
)
from jaxlint.model.analyze.questions import literal_collection
from jaxlint.rules.base import Invalid, Rule, Valid, source_text
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.literals import literal_int

#: The Python containers that are unhashable.
UNHASHABLE_CONTAINERS = ("list", "dict", "set")
#: Arithmetic that keeps a loop counter new every iteration (``step + 1``, ``2 * i``);
#: ``i % k`` and ``i // k`` repeat values, and are not counted.
VARYING_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply)
#: A ``range`` of at most this many literal steps is a sweep of settings, each compiled
#: once on purpose (``for depth in range(3)``).
FEW_ITERATIONS = 16


class StaticArgument(Rule):
    code = "JL014"
    name = "static-argument"
    summary = (
        "An unhashable value passed for a static argument of a jitted function, or one "
        "that changes every loop iteration"
    )
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks calls of functions jitted with `static_argnums` or `static_argnames`
        (`@partial(jax.jit, static_argnames=...)`, `g = jax.jit(f, static_argnums=...)`),
        in this module or, through the project index, in the linted module they are
        imported from (`from steps import train_step`), for a static argument that is unhashable: a list, dict or set
        display or comprehension, `list(...)`/`dict(...)`/`set(...)`, a NumPy or JAX array
        made in place, or a name bound only to one of those.

        Also checks for a static argument that is the counter of an enclosing `for` loop
        or comprehension over `range(...)` with many or unknown many steps (`range(n)`,
        `range(1000)`), or that counter plus, minus or times a number (`step + 1`). A
        sweep over a few settings is left alone: a literal display (`for lr in (0.1,
        0.01)`), a `range` of at most 16 literal steps, or any other iterable (its items
        may be a few modules or configurations); so are counters rebound in the body, `i %
        k` (it repeats), and calls in traced code (they run once, at trace time).
        """
    why_bad = """
        `jit` looks compiled code up by the static arguments' hash, so each must be
        hashable: an unhashable one raises `ValueError: Non-hashable static arguments are
        not supported` at the call.

        Each new value of a static argument is a new program: a loop that passes its
        step counter as one traces and compiles again every iteration, and keeps every
        program in the cache, so it runs at compile speed and its memory grows.
        """
    example = """
        from functools import partial
        import jax

        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)

        total(x, axes=[0, 1])
        """
    use_instead = """
        from functools import partial
        import jax

        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)

        total(x, axes=(0, 1))  # a tuple is hashable
        """
    fix_safety = (
        "There is no automatic fix: a tuple often works for a list, but the function may "
        "rely on a list's methods."
    )
    valid = (
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="axes")
            def total(x, axes):
                return x.sum(axis=axes)
            def run(x):
                return total(x, axes=(0, 1)) + total(x, (0,))
            """),
        Valid("""
            import jax
            def total(x, axes):
                return x.sum(axis=axes)
            total_jit = jax.jit(total, static_argnums=1)
            def run(x):
                return total(x, [0, 1]) + total_jit([1.0, 2.0], 0)  # not static: a pytree
            """),
        Valid("""
            import jax
            def apply(x, config):
                return x * config["scale"]
            apply_jit = jax.jit(apply)  # nothing static: a dict is a pytree
            def run(x):
                return apply_jit(x, {"scale": 2.0})
            """),
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def f(x, shape):
                return x.reshape(shape)
            def run(x, shape):
                return f(x, shape) + f(x, tuple([2, 3]))  # unknown, and a tuple
            """),
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="depth")
            def encode(x, depth):
                for _ in range(depth):
                    x = x * 2
                return x
            def sweep(x, layers):
                for depth in range(3):  # a few settings, each compiled once
                    x = encode(x, depth=depth)
                for depth in (4, 8):
                    x = encode(x, depth=depth)
                for block in layers:  # any items: maybe a few
                    x = encode(x, depth=block)
                return x
            """),
        Valid("""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def step(x, phase):
                return x * phase
            def train(x, n):
                for i in range(n):
                    x = step(x, i % 2)  # two programs
                    phase = 0
                    x = step(x, phase)
                return x
            @jax.jit
            def unrolled(x):
                for i in range(100):  # traced: the inner calls are traced once
                    x = step(x, i)
                return x
            """),
    )
    invalid = (
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="axes")
            def total(x, axes):
                return x.sum(axis=axes)
            def run(x):
                return total(x, axes=[0, 1])
            """,
            line=7,
            column=26,
            message="static argument `axes` of `total` is a list",
        ),
        Invalid(
            """
            from functools import partial
            import jax
            import jax.numpy as jnp
            @partial(jax.jit, static_argnums=1)
            def scale(x, grid):
                return x * len(grid)
            def run(x):
                grid = jnp.linspace(0, 1, 3)  # an array, as jnp.zeros(3) is
                return scale(x, grid) + scale(x, jnp.zeros(3))
            """,
            count=2,
        ),
        Invalid("""
            import jax
            import numpy as np
            def take(x, idx):
                return x[idx]
            take_jit = jax.jit(take, static_argnums=(1,))
            def run(x):
                return take_jit(x, np.array([0, 2]))
            """),
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames=("options", "names"))
            def f(x, options, names):
                return x
            def run(x):
                options = {"mode": "fast"}
                return f(x, options, names={n for n in "ab"})
            """,
            count=2,
        ),
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=(2,))
            def train_step(params, batch, step):
                return params - 0.1 * batch.mean() / (step + 1)
            def train(params, batches, num_steps):
                for step in range(num_steps):
                    params = train_step(params, batches[step], step)
                return params
            """,
            line=8,
            column=52,
            message="static argument `step` of `train_step` changes every iteration",
        ),
        Invalid("""
            import jax
            def warmup(x, t):
                return x * min(1.0, t / 100)
            warmup_jit = jax.jit(warmup, static_argnames="t")
            def schedule(x):
                return [warmup_jit(x, t=t + 1) for t in range(1000)]
            """),
        # A hexadecimal bound is read as Python reads it: as many values as range(32).
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def f(x, n): return x * n
            def run(x):
                for i in range(0x20): x = f(x, i)
                return x
            """,
            line=6,
            column=36,
            message="The static argument `n` (`i`) of `f` changes every iteration",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        statics = jitted_options(model, "static_argnums", "static_argnames")
        for site, option in calls_of(model, statics):
            params = self.parameter_names(model, site)
            for value in selected_arguments(site, option):
                label = params.get(id(value), "")
                loop = self.varying_loop(model, site, value)
                if loop is not None:
                    yield self.loop_varying(option, value, label, loop)
                    continue
                kind = self.unhashable(model, site, value)
                if kind is None:
                    continue
                article = "an" if kind == "array" else "a"
                yield Diagnostic(
                    self.code,
                    value,
                    f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
                    f"is {article} {kind} (`{source_text(value, 30)}`), which is unhashable: `jit` "
                    "raises `ValueError: Non-hashable static arguments are not supported`; "
                    "pass a tuple or another hashable value, or make the argument non-static",
                )

    def parameter_names(self, model: SemanticModel, site: CallSite) -> dict[int, str]:
        """The parameter each argument of ``site`` binds, by the argument's id, where known."""
        names: dict[int, str] = {}
        callee = self.callee(model, site)
        positional = callee.positional_params() if callee is not None else []
        index = 0
        for arg in site.call.args:
            if arg.keyword is not None:
                names[id(arg.value)] = arg.keyword.value
            else:
                if index < len(positional):
                    names[id(arg.value)] = positional[index].name
                index += 1
        return names

    def callee(self, model: SemanticModel, site: CallSite) -> Scope | None:
        """The jitted function itself (for ``g = jax.jit(f)``, ``f``)."""
        func = site.call.func
        if not isinstance(func, cst.Name):
            return None
        found = model.lookup(func.value, site.scope)
        if found is None:
            return None
        binding = found.bindings[0]
        if binding.kind is BindingKind.DEF:
            return model.scope_of_node.get(id(binding.node))
        value = binding.value
        if isinstance(value, cst.Call) and value.args:
            return model.function_of(value.args[0].value, binding.code_scope)
        return None

    def unhashable(
        self, model: SemanticModel, site: CallSite, value: cst.BaseExpression
    ) -> str | None:
        """``list``/``dict``/``set``/``array`` when ``value`` is one for sure, else None."""
        kind = model.container_kind(value, site, UNHASHABLE_CONTAINERS)
        if kind is not None:
            return kind
        if model.array_fact(value, site) is Fact.YES or self.numpy_array(model, site, value):
            return "array"
        return None

    @staticmethod
    def numpy_array(model: SemanticModel, site: CallSite, value: cst.BaseExpression) -> bool:
        """A NumPy array made in place (``np.array([0, 2])``), or a name bound only to one."""
        values: list[tuple[cst.BaseExpression, Scope]] = [(value, site.scope)]
        if isinstance(value, cst.Name):
            found = model.reaching(value.value, site.scope, site.ordinal)
            if found is None or any(b.kind is not BindingKind.ASSIGN for b in found.bindings):
                return False
            values = [(b.value, b.code_scope) for b in found.bindings if b.value is not None]
        return bool(values) and all(
            isinstance(made, cst.Call)
            and model.qualified_name(made.func, scope) in jf.NUMPY_BUFFER_CALLS
            for made, scope in values
        )

    def loop_varying(
        self, option: ArgumentOption, value: cst.BaseExpression, label: str, loop: Loop
    ) -> Diagnostic:
        text = source_text(value, 30)
        argument = f"`{label}`" if label else f"`{text}`"
        if label and label != text:
            argument += f" (`{text}`)"
        return Diagnostic(
            self.code,
            value,
            f"The static argument {argument} of `{option.name}` changes every iteration of "
            f"the {loop.describe()}: jit compiles a new program for each value; pass it as "
            "a traced argument (remove it from `static_argnums`/`static_argnames`)",
        )

    def varying_loop(
        self, model: SemanticModel, site: CallSite, value: cst.BaseExpression
    ) -> Loop | None:
        """The loop of the call whose counter ``value`` is (or is plus, minus or times
        something), when the loop counts through many values: every iteration passes a
        static value not seen before. Calls in traced code run once, at trace time."""
        function = site.scope.enclosing_function()
        if function is not None and model.trace(function).staged:
            return None
        name = self.counter_name(value)
        if name is None:
            return None
        loop = site.loop
        while loop is not None and name not in loop.targets:
            loop = loop.parent
        if loop is None or loop.kind is LoopKind.WHILE:
            return None
        found = model.reaching(name, site.scope, site.ordinal)
        if found is None or found.owner is not site.scope:
            return None
        bindings = found.bindings
        if any(b.kind is not BindingKind.FOR or b.loop is not loop for b in bindings):
            return None  # rebound in the body: not (only) the counter
        if any(not isinstance(b.node, cst.Name) for b in bindings):
            return None
        iterable = bindings[0].value
        if loop.kind is LoopKind.COMPREHENSION:
            iterable = self.comprehension_iterable(loop, name)
        if iterable is None or not self.counts_many(model, iterable, site.scope):
            return None
        return loop

    def counter_name(self, value: cst.BaseExpression) -> str | None:
        """``step``, ``step + 1``, ``2 * i``, ``-i``: the one name the value varies with."""
        if isinstance(value, cst.Name):
            return value.value
        if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
            return self.counter_name(value.expression)
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, VARYING_OPERATORS):
            left, right = value.left, value.right
            if isinstance(right, cst.BaseNumber):
                return self.counter_name(left)
            if isinstance(left, cst.BaseNumber):
                return self.counter_name(right)
        return None

    @staticmethod
    def comprehension_iterable(loop: Loop, name: str) -> cst.BaseExpression | None:
        clause: cst.CompFor | None = loop.node.for_in  # type: ignore[attr-defined]
        while clause is not None:
            if isinstance(clause.target, cst.Name) and clause.target.value == name:
                return clause.iter
            clause = clause.inner_for_in
        return None

    @staticmethod
    def counts_many(model: SemanticModel, iterable: cst.BaseExpression, scope: Scope) -> bool:
        """``range(n)``, ``range(1000)``: a counter through many (or unknown many) values;
        not ``range(3)``, nor a display of literal settings, nor other iterables (their
        elements may be a few settings: a list of modules, of configurations)."""
        if literal_collection(iterable) or not isinstance(iterable, cst.Call):
            return False
        if model.qualified_name(iterable.func, scope) != "builtins.range":
            return False
        args = iterable.args
        if any(arg.keyword is not None or arg.star for arg in args) or not 1 <= len(args) <= 3:
            return False
        literals = [literal_int(arg.value) for arg in args]
        if any(number is None for number in literals):
            return True  # range(n), range(start, n): as many as the caller asks
        if len(literals) == 3 and literals[2] == 0:
            return False  # range(a, b, 0) raises before any iteration
        return len(range(*literals)) > FEW_ITERATIONS  # type: ignore[arg-type]
