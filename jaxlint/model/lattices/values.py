"""What an expression's value is: one evaluator over expressions, five lattices.

*Array-ness* (:class:`~jaxlint.model.lattices.arrays.ArrayFacts`, in ``arrays.py``): whether a value is a JAX array. Its answers must
agree: a name bound to an array on one path and to a list on another is UNKNOWN.

*Traced-ness* (:class:`~jaxlint.model.lattices.traced.TracedFacts`, in ``traced.py``): whether a value is a tracer when its function runs
under a transformation. One traced part makes the whole traced; it is static (NO) only
when every part is. Across paths (the bindings that reach a name, the callers of a
helper) the answers must agree: traced on one path and static on another is UNKNOWN.

*Boolean-ness* (:class:`~jaxlint.model.lattices.booleans.BooleanFacts`, in ``booleans.py``):
whether a value is boolean, a mask when it is an array. Its answers must agree.

*Container-ness* (:class:`~jaxlint.model.lattices.containers.ContainerFacts`, in
``containers.py``): whether a value is a Python list, tuple, dict or set (or a generator)
of the kinds asked about. Its answers must agree.

*Flag values* (:class:`~jaxlint.model.lattices.flags.FlagFacts`, in ``flags.py``): whether
a test of a flag parameter (``if flag:``, ``if size is None:``) holds for what its traced
callers pass. Its answers must agree.

The shared machinery (:class:`Evaluator`, here) follows names to the bindings that reach them
and parameters to what traced callers pass. Cycles (loop-carried names) stop at an
in-progress set and a depth bound; an answer that either cut short is not kept, so a
cached answer is the one any question would get, whatever was asked before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import libcst as cst

from jaxlint.model.records import (
    Binding,
    BindingKind,
    CallSite,
    Fact,
    Param,
    Scope,
    argument_for,
)
from jaxlint.model.tracing import partial_call
from jaxlint.model.view import ModelView

YES, NO, UNKNOWN = Fact.YES, Fact.NO, Fact.UNKNOWN


def any_yes(facts: Iterable[Fact]) -> Fact:
    """YES if any part is; NO if every part is NO; else UNKNOWN (stops at the first YES)."""
    every_no = True
    for fact in facts:
        if fact is YES:
            return YES
        if fact is UNKNOWN:
            every_no = False
    return NO if every_no else UNKNOWN


def agreeing(facts: Iterable[Fact]) -> Fact:
    """The one answer all parts give, else UNKNOWN."""
    found = set(facts)
    return found.pop() if len(found) == 1 else UNKNOWN


def every_path(facts: Iterable[Fact]) -> Fact:
    """For facts of the paths that reach a point: YES only if every path gives YES, NO
    only if every path gives NO (a claim must hold whichever path ran)."""
    return agreeing(facts)


class Evaluator:
    """Evaluates one fact of expressions; a fresh one per question (its in-progress set
    and its memo of cut-short answers belong to that question)."""

    #: The cache of complete answers in the model, one per lattice.
    lattice: str
    #: How deep one question may go, in nested expressions and bindings followed.
    MAX_DEPTH = 100

    def __init__(self, model: ModelView) -> None:
        self.model = model
        self.cache = model.fact_cache(self.lattice)
        self.in_progress: set[int] = set()
        self.cut_short: dict[int, Fact] = {}  # answers a bound or a cycle cut short
        self.cut = False
        self.depth = 0

    # ------------------------------------------------------------- to define

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        raise NotImplementedError

    def join(self, facts: Iterable[Fact]) -> Fact:
        """The fact of a value made of parts (or, unless ``path_join`` says otherwise,
        reached along several paths)."""
        raise NotImplementedError

    def path_join(self, facts: Iterable[Fact]) -> Fact:
        """The fact of a name at a point several bindings may reach, or of a parameter
        that several callers pass: by default as of parts."""
        return self.join(facts)

    def binding_fact(self, binding: Binding) -> Fact:
        raise NotImplementedError

    def owner_fact(self, name: str, owner: Scope) -> Fact | None:
        """An answer decided by where the name is bound, before its bindings are read."""
        return None

    unbound_fact = UNKNOWN  # what a name bound nowhere in the file (a builtin) holds

    # --------------------------------------------------------------- shared

    def of(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if self.depth >= self.MAX_DEPTH:
            self.cut = True
            return UNKNOWN
        self.depth += 1
        try:
            # What both lattices read the same way; the rest is each lattice's own.
            if isinstance(expr, cst.Name):
                if expr.value in ("None", "True", "False"):
                    return NO
                return self.of_name(expr.value, scope, ordinal)
            if isinstance(expr, cst.NamedExpr):
                return self.of(expr.value, scope, ordinal)
            if isinstance(expr, cst.IfExp):
                body = self.of(expr.body, scope, ordinal)
                return self.path_join((body, self.of(expr.orelse, scope, ordinal)))
            return self.evaluate(expr, scope, ordinal)
        finally:
            self.depth -= 1

    def of_name(self, name: str, scope: Scope, ordinal: int) -> Fact:
        found = self.model.reaching(name, scope, ordinal)
        if found is None:
            return self.unbound_fact
        owner, bindings = found
        decided = self.owner_fact(name, owner)
        if decided is not None:
            return decided
        return self.path_join(self.of_binding(binding) for binding in bindings)

    def of_binding(self, binding: Binding) -> Fact:
        return self.memoized(id(binding), lambda: self.binding_fact(binding))

    def of_returns(self, function: Scope) -> Fact:
        """What calling a function of this file gives: its return values, joined (a
        bare return or falling off the end gives None)."""
        if function.generator:
            return UNKNOWN
        return self.memoized(id(function), lambda: self.returns_fact(function))

    def of_local_call(self, call: cst.Call, scope: Scope) -> Fact:
        """A call, in traced code, of a function defined in this file: what it returns
        (its parameters hold what its traced callers pass, this call among them)."""
        function = scope.enclosing_function()
        if function is None or not self.model.trace(function).traced:
            return UNKNOWN
        callee = self.model.function_of(call.func, scope)
        return UNKNOWN if callee is None else self.of_returns(callee)

    def of_returned_part(
        self, call: cst.BaseExpression, scope: Scope, position: int
    ) -> Fact | None:
        """``a, b = helper(x)`` in traced code, where every ``return`` of ``helper`` is a
        tuple display: the ``position``-th part of each, joined. None where the parts
        cannot be seen (not such a helper, or not traced code)."""
        function = scope.enclosing_function()
        if not isinstance(call, cst.Call) or function is None:
            return None
        if not self.model.trace(function).traced:
            return None
        callee = self.model.function_of(call.func, scope)
        if callee is None or callee.generator or not callee.returns:
            return None
        parts: list[Fact] = []
        for value, ordinal in callee.returns:
            if not isinstance(value, cst.Tuple | cst.List) or len(value.elements) <= position:
                return None
            if any(isinstance(element, cst.StarredElement) for element in value.elements):
                return None
            parts.append(self.of(value.elements[position].value, callee, ordinal))
        return self.path_join(parts)

    def returns_fact(self, function: Scope) -> Fact:
        returned = [
            NO if value is None else self.of(value, function, ordinal)
            for value, ordinal in function.returns
        ]
        return self.path_join(returned) if returned else NO

    def memoized(self, key: int, compute: Callable[[], Fact]) -> Fact:
        """An answer kept for every later question unless a bound or a cycle cut it
        short; a cut answer is kept for this question only."""
        fact = self.cache.get(key)
        if fact is None:
            fact = self.cut_short.get(key)
        if fact is not None:
            return fact
        if key in self.in_progress:
            self.cut = True  # a cycle through this binding: unknown on this path
            return UNKNOWN
        self.in_progress.add(key)
        outer_cut, self.cut = self.cut, False
        self.depth += 1
        try:
            fact = compute()
        finally:
            self.depth -= 1
            self.in_progress.discard(key)
        (self.cut_short if self.cut else self.cache)[key] = fact
        self.cut = self.cut or outer_cut
        return fact

    def from_callers(self, function: Scope, param: Param) -> Fact | None:
        """What the traced callers in this file pass for ``param``, joined; None when no
        traced caller is in sight (callers in other modules are out of sight)."""
        callers = self.model.trace(function).traced_callers
        if not callers:
            return None
        return self.path_join(self.passed(site, param) for site in callers)

    def passed(self, site: CallSite, param: Param) -> Fact:
        """What ``site`` passes for ``param``. A call of ``g = partial(f, a, k=v)`` passes
        ``a`` and ``v`` (evaluated where the partial was made) and its own arguments for
        the parameters after ``a``."""
        found = partial_call(self.model, site.call.func, site.scope, site.ordinal)
        if found is None:
            expr = site.argument(param)
            return UNKNOWN if expr is None else self.of(expr, site.scope, site.ordinal)
        partial, where, ordinal = found
        bound = partial.args[1:]
        if any(arg.star for arg in bound):
            return UNKNOWN
        positional = [arg.value for arg in bound if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in bound if arg.keyword is not None}
        if param.name in keywords:
            return self.of(keywords[param.name], where, ordinal)
        if 0 <= param.index < len(positional):
            return self.of(positional[param.index], where, ordinal)
        if param.index >= 0:
            param = Param(param.name, param.node, param.index - len(positional), param.kind)
        expr = argument_for(param, site.call, 0)
        return UNKNOWN if expr is None else self.of(expr, site.scope, site.ordinal)


DEFINITIONS = frozenset({BindingKind.DEF, BindingKind.CLASS, BindingKind.IMPORT})
#: Bindings whose value is what the name holds, for array-ness (an unpacked name holds a
#: part of its value, whose array-ness is not the whole's).
ARRAY_VALUE_BINDINGS = frozenset({BindingKind.ASSIGN, BindingKind.ANNASSIGN, BindingKind.WALRUS})
#: For traced-ness a part of a traced value (``a, b = x``, ``for row in x``) is traced.
TRACED_VALUE_BINDINGS = ARRAY_VALUE_BINDINGS | {BindingKind.UNPACK, BindingKind.FOR}
