"""What JAX work is in flight at a point of host code: the code between two points of one
body, followed statement by statement through the model's ordered view of statements
(``model.body``), keeping what every path leaves behind (JL019).

JAX dispatches work asynchronously: a jitted call or a ``jax.numpy`` operation returns
before its result is computed. :class:`Region` tells, for a run of statements, whether
every path through them ends with such work that nothing waited for (``PENDING``), using
the array lattice, the jitted functions of the file and the tables of
:mod:`jaxlint.facts.timing`. Unknown code may wait: it settles the flow.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import (
    BindingKind,
    Clause,
    Fact,
    Point,
    Scope,
    SemanticModel,
    Statement,
    StatementKind,
)
from jaxlint.model.analyze.jitted import calls_jitted

YES, NO = Fact.YES, Fact.NO


class Event(enum.Enum):
    """What evaluating some code does to the JAX work in flight, as far as its end."""

    INERT = "inert"  # waits for nothing and starts nothing
    DISPATCH = "dispatch"  # ends by starting JAX work and returning before it is done
    MAY_WAIT = "may-wait"  # ends in code that waits, or may (unknown code)


@dataclass(frozen=True)
class Effect:
    event: Event
    dispatch: cst.CSTNode | None = None  # the last dispatch, for DISPATCH
    #: it surely waits, before it dispatches anything, for the JAX work in flight when it
    #: starts (a host conversion of a JAX array: ``float(y)``, ``np.asarray(y)``)
    waits: bool = False
    #: it surely starts JAX work and then waits for it (``np.asarray(f(x))``)
    waited: bool = False
    #: it surely starts JAX work: a dispatch, or a transfer (``jnp.array([0.0])``)
    started: bool = False


INERT = Effect(Event.INERT)
MAY_WAIT = Effect(Event.MAY_WAIT)
WAITS = Effect(Event.MAY_WAIT, waits=True)


def then(*effects: Effect) -> Effect:
    """The effect of running ``effects`` in order: the last one that is not inert; it
    waits first where one waits before any dispatches, and has waited for its own work
    where one waits after another dispatched (or has waited itself)."""
    found, waits, waited, started = INERT, False, False, False
    for effect in effects:
        waited = waited or effect.waited or (effect.waits and started)
        waits = waits or (effect.waits and not started)
        started = started or effect.started or effect.event is Event.DISPATCH
        if effect.event is not Event.INERT:
            found = effect
    return Effect(found.event, found.dispatch, waits, waited, started)


class Flow(enum.Enum):
    """What every path that reaches a point leaves behind."""

    PENDING = "pending"  # JAX work nothing has waited for, on every path
    SETTLED = "settled"  # no such work on some path, or the model cannot tell
    DEAD = "dead"  # no path reaches (every one returned or raised)


@dataclass(frozen=True)
class State:
    flow: Flow
    dispatch: cst.CSTNode | None = None
    #: every path has waited for JAX work it started (a host conversion of a result):
    #: time read now measures computation, not only its dispatch
    waited: bool = False
    #: every path has started JAX work (a dispatch or a transfer)
    started: bool = False

    def after(self, effect: Effect) -> State:
        if self.flow is Flow.DEAD or effect.event is Event.INERT:
            return self
        waited = self.waited or effect.waited or (effect.waits and self.started)
        started = self.started or effect.started or effect.event is Event.DISPATCH
        if effect.event is Event.DISPATCH:
            return State(Flow.PENDING, effect.dispatch, waited, started)
        return State(Flow.SETTLED, None, waited, started)


SETTLED = State(Flow.SETTLED)
DEAD = State(Flow.DEAD)


def join(states: Iterable[State]) -> State:
    """Pending only where every live path is; waited only where every live path has."""
    live = [state for state in states if state.flow is not Flow.DEAD]
    if not live:
        return DEAD
    waited = all(state.waited for state in live)
    started = all(state.started for state in live)
    if all(state.flow is Flow.PENDING for state in live):
        return State(Flow.PENDING, live[0].dispatch, waited, started)
    return State(Flow.SETTLED, None, waited, started)


class _LeavesLoop(Exception):
    """A ``break``/``continue`` inside a loop the region follows: not modelled."""


class Region:
    """Follows the code between two clock reads, statement by statement, keeping what
    every path leaves in flight (see :class:`Flow`)."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.summaries: dict[int, bool] = {}  # function scope id -> its body waits

    # -------------------------------------------------------------- statements

    def run(self, statements: list[Statement], state: State, loops: int) -> State:
        for statement in statements:
            state = self.statement(statement, state, loops)
            if state.flow is Flow.DEAD:
                return state
        return state

    def statement(self, statement: Statement, state: State, loops: int) -> State:
        node = statement.node
        at = Point(statement.scope, statement.ordinal)
        kind = statement.kind
        if kind is StatementKind.SIMPLE:
            if isinstance(node, cst.Return | cst.Raise):
                return DEAD  # this path never reaches the second read
            if isinstance(node, cst.Break | cst.Continue):
                if loops:
                    raise _LeavesLoop
                return DEAD  # leaves the region's own loop: the second read is not reached
            return state.after(self.simple(node, at))
        if kind is StatementKind.IF:
            return self.branches(statement, state, at, loops)
        if kind is StatementKind.FOR:
            try:
                return self.loop(statement, state, at, loops)
            except _LeavesLoop:
                return SETTLED
        if kind is StatementKind.DEF:
            function: cst.FunctionDef = node  # type: ignore[assignment]
            defaults = [p.default for p in function.params.params if p.default is not None]
            if function.decorators or defaults:
                return state.after(MAY_WAIT)
            return state
        # while, with (its __exit__ runs unknown code), try, match, class: not modelled.
        return state.after(MAY_WAIT)

    def simple(self, node: cst.CSTNode, at: Point) -> Effect:
        if isinstance(node, cst.Expr):
            return self.effect(node.value, at)
        if isinstance(node, cst.Assign):
            stores = [self.store(target.target, node.value, at) for target in node.targets]
            return then(self.effect(node.value, at), *stores)
        if isinstance(node, cst.AnnAssign):
            if node.value is None:
                return INERT
            return then(self.effect(node.value, at), self.store(node.target, node.value, at))
        if isinstance(node, cst.AugAssign):
            if not isinstance(node.target, cst.Name):
                return MAY_WAIT
            operation = self.operator(node, node.target, node.value, at)
            return then(self.effect(node.value, at), operation)
        if isinstance(node, cst.Pass | cst.Del | cst.Global | cst.Nonlocal):
            return INERT
        return MAY_WAIT  # assert (a truth test), imports (module code), ...

    def store(self, target: cst.BaseExpression, value: cst.BaseExpression, at: Point) -> Effect:
        model = self.model
        if isinstance(target, cst.Name):
            return INERT
        if isinstance(target, cst.Attribute):
            return self.effect(target.value, at)  # attribute writes are taken not to wait
        if isinstance(target, cst.Tuple | cst.List):
            # Unpacking iterates the value: a tuple, list or JAX array (slices, no wait),
            # or the pytree a jitted function returns.
            if not all(isinstance(e.value, cst.Name) for e in target.elements):
                return MAY_WAIT
            iterable = (
                model.array_fact(value, at) is YES
                or model.container_kind(value, at, ("tuple", "list")) is not None
                or (
                    isinstance(value, cst.Call)
                    and (site := model.call_site(value)) is not None
                    and calls_jitted(model, site)
                )
            )
            return INERT if iterable else MAY_WAIT
        if isinstance(target, cst.Subscript):
            container = model.container_kind(target.value, at, ("list", "dict")) is not None
            keys = [e.slice for e in target.slice]
            plain = all(
                isinstance(k, cst.Index) and model.array_fact(k.value, at) is NO for k in keys
            )
            return then(self.effect(target.value, at)) if container and plain else MAY_WAIT
        return MAY_WAIT

    def branches(self, statement: Statement, state: State, at: Point, loops: int) -> State:
        tests: list[Effect] = []
        node: cst.BaseCompoundStatement | cst.BaseSuite | None = statement.node  # type: ignore[assignment]
        while isinstance(node, cst.If):
            tests.append(then(self.effect(node.test, at), self.truth(node.test, at)))
            node = node.orelse  # type: ignore[assignment]
        # Every arm is entered after the tests: a later arm has run them all; an earlier
        # one fewer, which only keeps the flow settled where a test may wait.
        entered = state.after(then(*tests))
        arms = [self.run(block.statements, entered, loops) for block in statement.blocks]
        if not any(block.clause is Clause.ELSE for block in statement.blocks):
            arms.append(entered)
        return join(arms)

    def loop(self, statement: Statement, state: State, at: Point, loops: int) -> State:
        node: cst.For = statement.node  # type: ignore[assignment]
        if node.asynchronous is not None:
            return state.after(MAY_WAIT)
        body = next((b for b in statement.blocks if b.clause is Clause.BODY), None)
        orelse = next((b for b in statement.blocks if b.clause is Clause.ELSE), None)
        if body is None:
            return state.after(MAY_WAIT)
        step = INERT if self.plain_iterable(node.iter, at) else MAY_WAIT
        # The last pass may be any of them: join the states the passes end in (a loop
        # between the reads is taken to run at least once).
        current = state.after(then(self.effect(node.iter, at), step))
        ends: list[State] = []
        for _ in range(3):
            end = self.run(body.statements, current, loops + 1)
            if end in ends:
                break
            ends.append(end)
            current = end.after(step)
        after = join(ends).after(step)
        return self.run(orelse.statements, after, loops) if orelse is not None else after

    def plain_iterable(self, expr: cst.BaseExpression, at: Point) -> bool:
        """Iterating ``expr`` runs no code that could wait: ``range``, ``enumerate`` or
        ``zip`` of such, a tuple, list or dict, or a JAX array (iterated by slicing)."""
        model = self.model
        if isinstance(expr, cst.Call):
            name = model.called_name(expr)
            if name == "builtins.range":
                return True
            if name in jf.PLAIN_ITERATORS:
                return all(
                    arg.keyword is None and not arg.star and self.plain_iterable(arg.value, at)
                    for arg in expr.args
                )
        if model.container_kind(expr, at, ("tuple", "list", "dict")) is not None:
            return True
        return model.array_fact(expr, at) is YES

    # ------------------------------------------------------------- expressions

    def effect(self, expr: cst.BaseExpression, at: Point) -> Effect:
        """What evaluating ``expr`` leaves, in Python's order of evaluation."""
        if isinstance(expr, cst.Name | cst.BaseNumber | cst.SimpleString | cst.Ellipsis):
            return INERT
        if isinstance(expr, cst.Lambda):
            return INERT
        if isinstance(expr, cst.Attribute):
            return self.effect(expr.value, at)  # attribute reads are taken not to wait
        if isinstance(expr, cst.NamedExpr):
            return self.effect(expr.value, at)
        if isinstance(expr, cst.Tuple | cst.List | cst.Set):
            if any(isinstance(e, cst.StarredElement) for e in expr.elements):
                return MAY_WAIT
            return then(*(self.effect(e.value, at) for e in expr.elements))
        if isinstance(expr, cst.Call):
            return self.call(expr, at)
        if isinstance(expr, cst.Subscript):
            return self.subscript(expr, at)
        if isinstance(expr, cst.BinaryOperation):
            return then(
                self.effect(expr.left, at),
                self.effect(expr.right, at),
                self.operator(expr, expr.left, expr.right, at),
            )
        if isinstance(expr, cst.UnaryOperation):
            inner = self.effect(expr.expression, at)
            fact = self.model.array_fact(expr.expression, at)
            if isinstance(expr.operator, cst.Not):
                return then(inner, self.truth(expr.expression, at))
            if fact is YES:
                return then(inner, Effect(Event.DISPATCH, expr))
            return then(inner, INERT if fact is NO else MAY_WAIT)
        return MAY_WAIT  # comparisons, f-strings, comprehensions, ...: not modelled

    def truth(self, expr: cst.BaseExpression, at: Point) -> Effect:
        """Taking the truth of ``expr``: waits when it is a JAX array."""
        return INERT if self.model.array_fact(expr, at) is NO else MAY_WAIT

    def operator(
        self, node: cst.CSTNode, left: cst.BaseExpression, right: cst.BaseExpression, at: Point
    ) -> Effect:
        """An arithmetic operator: a dispatch when JAX's operator runs (the left operand
        is a JAX array, or a number with a JAX array on the right), nothing to JAX when
        neither operand is one, else unknown."""
        model = self.model
        first, second = model.array_fact(left, at), model.array_fact(right, at)
        if first is YES or (second is YES and isinstance(left, cst.BaseNumber)):
            return Effect(Event.DISPATCH, node)
        return (
            INERT if self.holds_no_array(left, at) and self.holds_no_array(right, at) else MAY_WAIT
        )

    def holds_no_array(self, expr: cst.BaseExpression, at: Point) -> bool:
        """Neither a JAX array nor a container (which may hold some): a number, a
        string, a NumPy array. What a conversion or an operator then reads waits for
        nothing."""
        model = self.model
        return model.array_fact(expr, at) is NO and model.container_fact(expr, at) is NO

    def subscript(self, expr: cst.Subscript, at: Point) -> Effect:
        model = self.model
        parts = [self.effect(expr.value, at)]
        for element in expr.slice:
            if isinstance(element.slice, cst.Index):
                parts.append(self.effect(element.slice.value, at))
            else:
                return MAY_WAIT  # slices with computed bounds: not modelled
        indices = [element.slice.value for element in expr.slice]  # type: ignore[attr-defined]
        if model.array_fact(expr.value, at) is YES:
            # Indexing a JAX array gathers (a dispatch); a boolean mask needs its count.
            if all(model.boolean_fact(index, at) is NO for index in indices):
                return then(*parts, Effect(Event.DISPATCH, expr))
            return MAY_WAIT
        if model.container_kind(expr.value, at, ("tuple", "list", "dict")) is not None and all(
            model.array_fact(index, at) is NO for index in indices
        ):
            return then(*parts)
        return MAY_WAIT

    def call(self, call: cst.Call, at: Point) -> Effect:
        func = call.func
        receiver = func.value if isinstance(func, cst.Attribute) else None
        parts = [self.effect(receiver, at)] if receiver is not None else []
        if not isinstance(func, cst.Name | cst.Attribute):
            parts.append(self.effect(func, at) if not isinstance(func, cst.Call) else INERT)
        for arg in call.args:
            if arg.star:
                return MAY_WAIT
            parts.append(self.effect(arg.value, at))
        return then(*parts, self.call_event(call, receiver, at))

    def call_event(self, call: cst.Call, receiver: cst.BaseExpression | None, at: Point) -> Effect:
        """What the call itself does, once its receiver and arguments are evaluated."""
        model = self.model
        site = model.call_site(call)
        if site is None:
            return MAY_WAIT
        point: Point = site
        name = site.qualified_name
        arguments = [arg.value for arg in call.args]
        if name in jf.CLOCK_CALLS:
            return INERT
        if calls_jitted(model, site):
            return Effect(Event.DISPATCH, call)
        if name in jf.SYNCHRONISING_CALLS or name in jf.PURE_BUILTINS:
            # float(3), print("done"), range(n): given no JAX array, nothing to wait for.
            if name == "builtins.len" and len(arguments) == 1:
                known = model.array_fact(arguments[0], point) is not Fact.UNKNOWN or self.jax_value(
                    arguments[0], point
                )
            else:
                known = all(self.holds_no_array(a, point) for a in arguments)
            if name in jf.SYNCHRONISING_CALLS and any(self.jax_value(a, point) for a in arguments):
                return WAITS  # float(y), np.asarray(y): a host value, once computed
            return INERT if known else MAY_WAIT
        if name in jf.HOST_CONVERTING_CALLS and any(self.jax_value(a, point) for a in arguments):
            return WAITS  # SciPy or NumPy given a JAX array converts it first
        if name is None and receiver is not None and isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in jf.NON_WAITING_METHODS and self.jax_value(receiver, point):
                return INERT
            if method in jf.SYNCHRONISING_METHODS and self.jax_value(receiver, point):
                return WAITS
            if (
                method in jf.REFERENCE_STORING_METHODS
                and model.container_kind(receiver, point, ("list",)) is not None
            ):
                return INERT
        if self.dispatches(call, name, point):
            return Effect(Event.DISPATCH, call)
        if name in jf.ARRAY_CALLS:
            return Effect(Event.MAY_WAIT, started=True)  # a transfer, waited for or not
        if site.callee is not None and self.body_waits(site.callee):
            return Effect(Event.MAY_WAIT, waits=True, waited=True, started=True)
        return MAY_WAIT

    def body_waits(self, function: Scope) -> bool:
        """Every path through ``function``'s body (a function of this file, not traced)
        starts JAX work and waits for it (``root(residual, x0=jnp.zeros(2))``): a call of
        it has waited for work of its own when it returns, and for the work in flight
        when it was called (a device runs its work in the order it was given). Bodies of simple
        statements only (and local ``def``s), up to a ``return``: no branch or loop."""
        key = id(function)
        if key not in self.summaries:
            self.summaries[key] = False  # a recursive call: not known to wait
            body = self.model.body(function)
            if body is not None and not self.model.trace(function).traced:
                self.summaries[key] = self.straight_waits(body.statements)
        return self.summaries[key]

    def straight_waits(self, statements: list[Statement]) -> bool:
        state = State(Flow.SETTLED)
        for statement in statements:
            node = statement.node
            if statement.kind is StatementKind.SIMPLE and isinstance(node, cst.Return):
                at = Point(statement.scope, statement.ordinal)
                value = node.value
                return (state.after(self.effect(value, at)) if value is not None else state).waited
            if statement.kind not in (StatementKind.SIMPLE, StatementKind.DEF):
                return False
            if isinstance(node, cst.Raise | cst.Break | cst.Continue):
                return False
            state = self.statement(statement, state, 0)
        return state.waited

    def jax_value(self, expr: cst.BaseExpression, at: Point) -> bool:
        """A JAX array, or a name every reaching binding of which is the result of a
        jitted call: a pytree of arrays (an array method on another leaf raises, and a
        raising path never reaches the clock)."""
        model = self.model
        if model.array_fact(expr, at) is YES:
            return True
        if not isinstance(expr, cst.Name):
            return False
        found = model.reaching(expr.value, at.scope, at.ordinal)
        if found is None or not found.bindings:
            return False
        for binding in found.bindings:
            value = binding.value
            if binding.kind is not BindingKind.ASSIGN or not isinstance(value, cst.Call):
                return False
            site = model.call_site(value)
            if site is None or not calls_jitted(model, site):
                return False
        return True

    def dispatches(self, call: cst.Call, name: str | None, at: Point) -> bool:
        """A JAX computation the model knows returns an array: jax's probed array
        functions and array methods of JAX arrays. Not the conversions and transfers
        (``jnp.asarray``, ``device_put``), nor the functions whose result's size is a
        count of the input's values (``jnp.nonzero``: they wait for the input)."""
        if name in jf.ARRAY_CALLS:
            return False
        if name is not None and name.startswith("jax.numpy."):
            if name.removeprefix("jax.numpy.") in jf.JNP_VALUE_SIZED:
                return False
        if name is None and isinstance(call.func, cst.Attribute):
            if call.func.attr.value in jf.SYNCHRONISING_METHODS:
                return False
        return self.model.array_fact(call, at) is YES
