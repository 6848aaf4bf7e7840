"""JL014 static-argument: an unhashable value passed for a static argument of a jitted
function."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Fact, Loop, LoopKind, Scope, SemanticModel
from jaxlint.model.analyze.classes import InstanceOf, hashable_instances, instance_of
from jaxlint.model.analyze.jitted import (
    ArgumentOption,
    argument_parameters,
    calls_of,
    jitted_function,
    jitted_options,
    selected_arguments,
)
from jaxlint.model.analyze.questions import literal_collection
from jaxlint.model.analyze.uses import parameter_uses
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


def hashable_literal(expr: cst.BaseExpression) -> bool:
    """A number, string, ``None``/``True``/``False``, or a tuple of those: hashable."""
    if isinstance(expr, cst.Tuple):
        return all(hashable_literal(element.value) for element in expr.elements)
    return not isinstance(expr, cst.List | cst.Set) and literal_collection(expr)


class StaticArgument(Rule):
    code = "JL014"
    name = "static-argument"
    summary = (
        "An unhashable value passed for a static argument of a jitted function, or one "
        "that changes every loop iteration"
    )
    fix = "sometimes"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks calls of functions jitted with `static_argnums` or `static_argnames`
        (`@partial(jax.jit, static_argnames=...)`, `g = jax.jit(f, static_argnums=...)`),
        in this module or, through the project index, in the linted module they are
        imported from (`from steps import train_step`), for a static argument that is unhashable: a list, dict or set
        display or comprehension, `list(...)`/`dict(...)`/`set(...)`, a NumPy or JAX array
        made in place, or a name bound only to one of those.

        Also checks for a static argument that is an instance of an unhashable class of
        this module or, through the project index, of the linted module it is imported
        from (`from config import Config`): a `@dataclass` with `eq` (the default) and
        without `frozen=True` or `unsafe_hash=True`, or a plain class that defines
        `__eq__` without `__hash__` (Python then sets `__hash__` to None). The value
        must be the class's call
        (`f(x, Config())`) or a name bound only to such calls; the class must show how it
        hashes: no base class other than `object`, no metaclass, no `__new__`, and no
        decorator other than `dataclasses.dataclass` with literal options (a base class,
        `flax.struct.dataclass` or `chex.dataclass` may hash otherwise, and are left
        alone).

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
    fix_safety = """
        A list display of literals (`[0, 1]`) becomes a tuple (`(0, 1)`). The fix is safe
        where the jitted function is in this module and only reads the parameter in ways
        a list and a tuple answer alike: indexing it, iterating over it, `len`, `in`,
        unpacking it, `sorted`/`sum`/`tuple`/... of it, its `index`/`count` methods. It is
        unsafe where the function does anything else with it (passes it to other code,
        such as `x.sum(axis=axes)`, slices or returns it), or is not in sight: a tuple
        usually works there too, but the model cannot prove it. There is no fix where the
        function uses it as only a list can be used (`axes.append(...)`, `axes ==
        [0]`, `axes + [1]`), nor for dicts, sets, arrays, comprehensions or names.
        """
    valid = (
        Valid("""
            import dataclasses
            from functools import partial
            import jax
            from flax import struct
            @dataclasses.dataclass(frozen=True)
            class Frozen:
                scale: float = 2.0
            @dataclasses.dataclass(eq=False)
            class ByIdentity:
                scale: float = 2.0
            @struct.dataclass
            class Node:  # flax decides how it hashes: not in sight
                scale: float = 2.0
            @dataclasses.dataclass
            class Derived(Base):  # the base may define __hash__
                scale: float = 2.0
            @partial(jax.jit, static_argnums=1)
            def apply(x, config):
                return x * config.scale
            def run(x, flag):
                config = Config() if flag else Frozen()
                return (apply(x, Frozen()) + apply(x, ByIdentity()) + apply(x, Node())
                        + apply(x, Derived()) + apply(x, config))
            @dataclasses.dataclass
            class Config:
                scale: float = 2.0
            """),
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
            fixed="""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnames="axes")
            def total(x, axes):
                return x.sum(axis=axes)
            def run(x):
                return total(x, axes=(0, 1))
            """,
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
        # The function only indexes and measures it: the tuple is a safe fix.
        Invalid(
            """
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def pick(x, rows):
                return sum(x[r] for r in rows) / len(rows) + x[rows[0]]
            def run(x):
                return pick(x, [0]) + pick(x, [1, 2])
            """,
            count=2,
            fixed="""
            from functools import partial
            import jax
            @partial(jax.jit, static_argnums=1)
            def pick(x, rows):
                return sum(x[r] for r in rows) / len(rows) + x[rows[0]]
            def run(x):
                return pick(x, (0,)) + pick(x, (1, 2))
            """,
        ),
        Invalid(
            """
            from dataclasses import dataclass
            from functools import partial
            import jax
            @dataclass
            class Config:
                scale: float = 2.0
            @partial(jax.jit, static_argnames="config")
            def apply(x, config):
                return x * config.scale
            def run(x):
                config = Config(scale=3.0)
                return apply(x, config=config)
            """,
            line=12,
            column=28,
            message="is an instance of `Config` (`config`), whose class sets `__hash__` to None",
        ),
        Invalid(
            """
            import jax
            class Options:
                def __init__(self, mode):
                    self.mode = mode
                def __eq__(self, other):
                    return self.mode == other.mode
            def step(x, options):
                return x * 2 if options.mode == "double" else x
            step_jit = jax.jit(step, static_argnums=1)
            def run(x):
                return step_jit(x, Options("double"))
            """,
            message="it defines `__eq__` without `__hash__`",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        statics = jitted_options(model, "static_argnums", "static_argnames")
        for site, option in calls_of(model, statics):
            params = argument_parameters(model, site)
            for value in selected_arguments(site, option):
                label = params.get(id(value), "")
                loop = self.varying_loop(model, site, value)
                if loop is not None:
                    yield self.loop_varying(option, value, label, loop)
                    continue
                kind = self.unhashable(model, site, value)
                if kind is not None:
                    yield self.unhashable_value(model, site, option, value, label, kind)
                    continue
                cls = instance_of(model, value, site)
                if cls is not None and hashable_instances(model, cls) is Fact.NO:
                    yield self.unhashable_instance(option, value, label, cls)

    def unhashable_value(
        self,
        model: SemanticModel,
        site: CallSite,
        option: ArgumentOption,
        value: cst.BaseExpression,
        label: str,
        kind: str,
    ) -> Diagnostic:
        article = "an" if kind == "array" else "a"
        message = (
            f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
            f"is {article} {kind} (`{source_text(value, 30)}`), which is unhashable: `jit` "
            "raises `ValueError: Non-hashable static arguments are not supported`; "
            "pass a tuple or another hashable value, or make the argument non-static"
        )
        fix = None
        if isinstance(value, cst.List) and all(hashable_literal(e.value) for e in value.elements):
            fix, obstacle = self.tuple_fix(model, site, value, label)
            if obstacle:
                message += f" (no automatic fix: {obstacle})"
        return Diagnostic(self.code, value, message, fix)

    def tuple_fix(
        self, model: SemanticModel, site: CallSite, value: cst.List, label: str
    ) -> tuple[Fix | None, str]:
        """The list display written as a tuple: safe where the jitted function only reads
        the parameter as a sequence (indexes, iterates, ``len``, ``in``); none where it
        uses it as only a list can be used; unsafe where the model cannot tell."""
        callee = jitted_function(model, site)
        reads = Fact.UNKNOWN
        if callee is not None and label:
            reads = parameter_uses(model, callee, label).only_reads_sequence()
        if reads is Fact.NO:
            return None, f"`{callee.name}` uses `{label}` as only a list can be used"  # type: ignore[union-attr]
        elements = [cst.Element(e.value, comma=e.comma) for e in value.elements]
        if len(elements) == 1 and elements[0].comma is cst.MaybeSentinel.DEFAULT:
            elements[0] = elements[0].with_changes(comma=cst.Comma())
        replacement = cst.Tuple(
            elements,
            lpar=[cst.LeftParen(whitespace_after=value.lbracket.whitespace_after)],
            rpar=[cst.RightParen(whitespace_before=value.rbracket.whitespace_before)],
        )
        applicability = Applicability.SAFE if reads is Fact.YES else Applicability.UNSAFE
        title = f"Pass the tuple `{cst.Module([]).code_for_node(replacement)}`"
        return Fix(title, (Replace(value, replacement),), applicability), ""

    def unhashable_instance(
        self, option: ArgumentOption, value: cst.BaseExpression, label: str, cls: InstanceOf
    ) -> Diagnostic:
        reason, remedy = (
            (
                "a `@dataclass` with `eq` and without `frozen=True` or `unsafe_hash=True`",
                "`@dataclass(frozen=True)`",
            )
            if cls.dataclass
            else ("it defines `__eq__` without `__hash__`", "define `__hash__`")
        )
        return Diagnostic(
            self.code,
            value,
            f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
            f"is an instance of `{cls.name}` (`{source_text(value, 30)}`), whose class "
            f"sets `__hash__` to None ({reason}): "
            "`jit` raises `ValueError: Non-hashable static arguments are not supported`; "
            f"make `{cls.name}` hashable ({remedy}), or make the argument "
            "non-static",
        )

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
