"""JL014 static-argument: an unhashable value passed for a static argument of a jitted
function."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    BindingKind,
    CallSite,
    Fact,
    Loop,
    LoopKind,
    Point,
    Scope,
    SemanticModel,
)
from jaxlint.model.analyze.classes import (
    InstanceOf,
    constructions,
    hashable_instances,
    hashes_every_argument,
    instance_of,
)
from jaxlint.model.analyze.jitted import (
    ArgumentOption,
    argument_parameters,
    calls_of,
    immediate_calls_of,
    jitted_function,
    jitted_options,
    selected_arguments,
)
from jaxlint.model.analyze.questions import literal_collection, traced_array
from jaxlint.model.analyze.uses import parameter_uses
from jaxlint.rules.base import Rule, source_text
from jaxlint.rules.jl014_examples import INVALID, VALID
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
        imported from (`from steps import train_step`), or returned by a factory of this
        module on every path (`run = make_runner(step)`, the factory returning one function
        jitted in it), for a static argument that is unhashable: a list, dict or set
        display or comprehension, `list(...)`/`dict(...)`/`set(...)`, a NumPy or JAX array
        made in place, or a name bound only to one of those.

        Also checks, in traced code, for a static argument given a traced value (a
        parameter of the enclosing jitted function that it does not mark static): a
        tracer is unhashable.

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
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        # pmap names its static positions `static_broadcasted_argnums`, and no names.
        statics = {
            **jitted_options(model, "static_broadcasted_argnums", ""),
            **jitted_options(model, "static_argnums", "static_argnames"),
        }
        immediate = itertools.chain(
            immediate_calls_of(model, "static_argnums", "static_argnames"),
            immediate_calls_of(model, "static_broadcasted_argnums", ""),
        )
        for site, option in itertools.chain(calls_of(model, statics), immediate):
            params = argument_parameters(model, site)
            for value in selected_arguments(site, option):
                label = params.get(id(value), "")
                loop = self.varying_loop(model, site, value)
                if loop is not None:
                    yield self.loop_varying(option, value, label, loop)
                    continue
                if self.traced(model, site, value):
                    yield self.traced_value(option, value, label)
                    continue
                kind = self.unhashable(model, site, value)
                if kind is not None:
                    yield self.unhashable_value(model, site, option, value, label, kind)
                    continue
                cls = instance_of(model, value, site)
                if cls is not None and hashable_instances(model, cls) is Fact.NO:
                    yield self.unhashable_instance(option, value, label, cls)
                    continue
                held = self.unhashable_field(model, site, value, cls)
                if held is not None:
                    yield self.unhashable_record(option, value, label, cls, *held)  # type: ignore[arg-type]

    @staticmethod
    def traced(model: SemanticModel, site: CallSite, value: cst.BaseExpression) -> bool:
        """``value`` is a tracer for sure: a traced array, or a traced parameter as it
        came (not a part unpacked from a traced tuple, which may be a Python value)."""
        if traced_array(model, value, site):
            return True
        if not isinstance(value, cst.Name) or model.traced_fact(value, site) is not Fact.YES:
            return False
        found = model.reaching(value.value, site.scope, site.ordinal)
        return found is not None and all(b.kind is BindingKind.PARAM for b in found.bindings)

    def traced_value(
        self, option: ArgumentOption, value: cst.BaseExpression, label: str
    ) -> Diagnostic:
        """In traced code, a tracer given for a static argument: a tracer is unhashable."""
        return Diagnostic(
            self.code,
            value,
            f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
            f"gets a traced value (`{source_text(value, 30)}`), and a tracer is unhashable: "
            "`jit` raises `ValueError: Non-hashable static arguments are not supported`; "
            "make it static in the enclosing transformation too, or make the argument "
            "non-static",
        )

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

    def unhashable_field(
        self,
        model: SemanticModel,
        site: CallSite,
        value: cst.BaseExpression,
        cls: InstanceOf | None,
    ) -> tuple[str, cst.BaseExpression] | None:
        """An unhashable argument (its kind and itself) of every call that made ``value``,
        an instance of a class whose hash hashes each argument it was made with (a
        NamedTuple, a dataclass with a generated ``__hash__``)."""
        if cls is None or cls.scope is None or not hashes_every_argument(model, cls.scope):
            return None
        made = constructions(model, value, site)
        held: tuple[str, cst.BaseExpression] | None = None
        for call, where in made or ():
            found = None
            for arg in call.args:
                if arg.star:
                    return None
                kind = self.unhashable(model, where, arg.value)
                if kind is not None:
                    found = (kind, arg.value)
                    break
            if found is None:
                return None  # a path where every field may hash
            held = held or found
        return held

    def unhashable_record(
        self,
        option: ArgumentOption,
        value: cst.BaseExpression,
        label: str,
        cls: InstanceOf,
        kind: str,
        field: cst.BaseExpression,
    ) -> Diagnostic:
        article = "an" if kind == "array" else "a"
        return Diagnostic(
            self.code,
            value,
            f"The static argument {f'`{label}` ' if label else ''}of `{option.name}` "
            f"is an instance of `{cls.name}` (`{source_text(value, 30)}`) holding "
            f"{article} {kind} (`{source_text(field, 30)}`): its hash hashes every field, "
            f"and {article} {kind} is unhashable, so `jit` raises `ValueError: Non-hashable "
            "static arguments are not supported`; hold a tuple or another hashable value, "
            "or make the argument non-static",
        )

    def unhashable(
        self, model: SemanticModel, site: Point, value: cst.BaseExpression
    ) -> str | None:
        """``list``/``dict``/``set``/``array`` when ``value`` is one for sure, else None."""
        kind = self.made_unhashable(model, site, value)
        if kind is None and self.passed_unhashable(model, site, value):
            return "array"
        return kind

    def made_unhashable(
        self, model: SemanticModel, site: Point, value: cst.BaseExpression
    ) -> str | None:
        kind = model.container_kind(value, site, UNHASHABLE_CONTAINERS)
        if kind is not None:
            return kind
        if model.array_fact(value, site) is Fact.YES or self.numpy_array(model, site, value):
            return "array"
        return None

    def passed_unhashable(
        self, model: SemanticModel, site: Point, value: cst.BaseExpression
    ) -> bool:
        """A parameter, as it came, of a plain function every call of which in this file
        passes an array for it (``sampler(key_a, ...)`` with ``key_a`` from ``split``)."""
        function = site.scope.enclosing_function()
        if not isinstance(value, cst.Name) or function is None:
            return False
        param = function.params.get(value.value)
        found = model.reaching(value.value, site.scope, site.ordinal)
        if param is None or param.starred or found is None or found.owner is not function:
            return False
        if any(binding.kind is not BindingKind.PARAM for binding in found.bindings):
            return False
        sites = model.calls_in_sight(function) or ()
        passed = [(other.argument(param), other) for other in sites]
        return bool(passed) and all(
            arg is not None
            and arg is not param.default
            and self.made_unhashable(model, other, arg) == "array"
            for arg, other in passed
        )

    @staticmethod
    def numpy_array(model: SemanticModel, site: Point, value: cst.BaseExpression) -> bool:
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
