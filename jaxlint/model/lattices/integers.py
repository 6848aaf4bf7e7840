"""Known integers: the value of an expression that is the same int on every path
(``1000``, ``N_STEPS`` bound once at module level, ``2 * N``, ``len((a, b, c))``), and
how many items iterating a value gives (``range(N)``, a tuple display,
``enumerate(range(N))``). Everything else is unknown (None): a name bound to different
ints on different paths, a parameter some call passes, an attribute, a call of anything but the few
builtins read here. A parameter is known only where no call in sight passes it: its
int default.
"""

from __future__ import annotations

import libcst as cst

from jaxlint.model.records import Binding, BindingKind, Scope, ScopeKind
from jaxlint.model.view import ModelView
from jaxlint.syntax.literals import display_elements, literal_int

#: Bindings whose value is what the name holds.
_VALUE_BINDINGS = frozenset({BindingKind.ASSIGN, BindingKind.ANNASSIGN})
#: Larger ints are not followed (``10 ** 10 ** 10`` must not be computed): no loop count
#: and no constant a rule compares with needs more.
_LARGEST = 1 << 62
#: How deep one question follows nested expressions and names.
_MAX_DEPTH = 50


def _bounded(value: int) -> int | None:
    return value if -_LARGEST <= value <= _LARGEST else None


def _binary(operator: cst.BaseBinaryOp, left: int, right: int) -> int | None:
    if isinstance(operator, cst.Add):
        return _bounded(left + right)
    if isinstance(operator, cst.Subtract):
        return _bounded(left - right)
    if isinstance(operator, cst.Multiply):
        return _bounded(left * right)
    if isinstance(operator, cst.FloorDivide | cst.Modulo):
        if right == 0:
            return None
        return left // right if isinstance(operator, cst.FloorDivide) else left % right
    if isinstance(operator, cst.Power):
        if right < 0 or right > 64 or abs(left) > (1 << 16):
            return None
        return _bounded(left**right)
    if isinstance(operator, cst.LeftShift):
        return _bounded(left << right) if 0 <= right <= 62 else None
    return None


class KnownInts:
    """One question's evaluator (its in-progress set is that question's); complete
    answers about bindings are kept in the model's cache for later questions."""

    def __init__(self, model: ModelView) -> None:
        self.model = model
        self.cache: dict[int, int | None] = model.int_cache()
        self.in_progress: set[int] = set()
        self.cut = False
        self.depth = 0

    def value(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> int | None:
        if self.depth >= _MAX_DEPTH:
            self.cut = True
            return None
        self.depth += 1
        try:
            return self._value(expr, scope, ordinal)
        finally:
            self.depth -= 1

    def _value(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> int | None:
        number = literal_int(expr)
        if number is not None:
            return number
        if isinstance(expr, cst.Name):
            return self.of_name(expr.value, scope, ordinal)
        if isinstance(expr, cst.BinaryOperation):
            left = self.value(expr.left, scope, ordinal)
            right = None if left is None else self.value(expr.right, scope, ordinal)
            return None if left is None or right is None else _binary(expr.operator, left, right)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
            operand = self.value(expr.expression, scope, ordinal)
            return None if operand is None else -operand
        if isinstance(expr, cst.Call) and self.builtin(expr, scope) == "len":
            if len(expr.args) == 1 and not expr.args[0].star and expr.args[0].keyword is None:
                return self.display_length(expr.args[0].value, scope, ordinal)
        return None

    def display_length(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> int | None:
        """The number of items of a list or tuple display without starred items, or of a
        name every binding of which binds a tuple display of that length (a list may grow
        after it is bound; a tuple cannot)."""
        elements = display_elements(expr)
        if elements is not None:
            return len(elements)
        if not isinstance(expr, cst.Name):
            return None
        bindings = self.bindings_seen(expr.value, scope, ordinal)
        if not bindings:
            return None
        lengths = set()
        for binding in bindings:
            value = binding.value
            if binding.kind not in _VALUE_BINDINGS or not isinstance(value, cst.Tuple):
                return None
            elements = display_elements(value)
            if elements is None:
                return None
            lengths.add(len(elements))
        return lengths.pop() if len(lengths) == 1 else None

    def builtin(self, call: cst.Call, scope: Scope) -> str | None:
        """The builtin ``call`` calls (``range``, ``len``), when the name is not rebound."""
        name = self.model.qualified_name(call.func, scope)
        return name.removeprefix("builtins.") if name and name.startswith("builtins.") else None

    def bindings_seen(self, name: str, scope: Scope, ordinal: int) -> list[Binding]:
        """The bindings whose value ``name`` may hold at ``ordinal``: for a local name
        those that reach it; for a global or a closure's name every binding, since the
        code around may run any of them first. None known: a builtin, a class attribute,
        or a module name another linted file rebinds."""
        found = self.model.lookup(name, scope)
        if found is None or found.owner.kind is ScopeKind.CLASS:
            return []
        owner, bindings = found
        if owner is scope:
            reached = self.model.reaching(name, scope, ordinal)
            return [] if reached is None else reached.bindings
        if owner is self.model.module_scope and name in self.model.external_rebound:
            return []
        return bindings

    def of_name(self, name: str, scope: Scope, ordinal: int) -> int | None:
        bindings = self.bindings_seen(name, scope, ordinal)
        values = {self.of_binding(binding) for binding in bindings}
        if len(values) != 1:
            return None
        return values.pop()

    def of_binding(self, binding: Binding) -> int | None:
        key = id(binding)
        if key in self.cache:
            return self.cache[key]
        if binding.kind is BindingKind.PARAM:
            return self.unpassed_default(binding)
        if binding.kind not in _VALUE_BINDINGS or binding.value is None or binding.in_handler:
            return None
        if key in self.in_progress:
            self.cut = True  # a cycle (``n = n + 1`` in a loop): unknown
            return None
        self.in_progress.add(key)
        outer_cut, self.cut = self.cut, False
        try:
            found = self.value(binding.value, binding.code_scope, binding.ordinal)
        finally:
            self.in_progress.discard(key)
        if not self.cut:
            self.cache[key] = found  # an answer no cycle or bound cut short holds for good
        self.cut = self.cut or outer_cut
        return found

    def unpassed_default(self, binding: Binding) -> int | None:
        """A parameter's literal int default, where every call of the function is in sight
        (its name used only to call it, see ``calls_in_sight``) and none passes the
        parameter: a Python int on every call, under ``jit`` too (a default is never
        traced)."""
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None or param.starred or param.default is None:
            return None
        default = literal_int(param.default)
        if default is None:
            return None
        sites = self.model.calls_in_sight(function)
        if not sites or any(arg.star for site in sites for arg in site.call.args):
            return None
        if any(site.argument(param) not in (None, param.default) for site in sites):
            return None
        return default

    def iteration_count(
        self, iterable: cst.BaseExpression, scope: Scope, ordinal: int
    ) -> int | None:
        """How many items iterating ``iterable`` gives: ``range(...)`` of known ints, a
        display (or a name bound only to tuple displays) of known length,
        ``enumerate``/``reversed`` of one, ``zip`` of known ones."""
        length = self.display_length(iterable, scope, ordinal)
        if length is not None:
            return length
        if not isinstance(iterable, cst.Call) or any(arg.star for arg in iterable.args):
            return None
        name = self.builtin(iterable, scope)
        arguments = [arg.value for arg in iterable.args if arg.keyword is None]
        if len(arguments) != len(iterable.args):
            # ``enumerate(xs, start=1)`` counts as ``xs``; ``zip(..., strict=True)`` too.
            keywords = {arg.keyword.value for arg in iterable.args if arg.keyword is not None}
            if name not in ("enumerate", "zip") or not keywords <= {"start", "strict"}:
                return None
        if name == "range" and 1 <= len(arguments) <= 3:
            bounds = [self.value(argument, scope, ordinal) for argument in arguments]
            if any(bound is None for bound in bounds) or (len(bounds) == 3 and bounds[2] == 0):
                return None
            try:
                return len(range(*bounds))  # type: ignore[arg-type]
            except OverflowError:  # longer than a machine int: no loop runs that long
                return None
        if name in ("enumerate", "reversed") and len(arguments) == 1:
            return self.iteration_count(arguments[0], scope, ordinal)
        if name == "zip" and arguments:
            counts = [self.iteration_count(argument, scope, ordinal) for argument in arguments]
            return None if any(count is None for count in counts) else min(counts)  # type: ignore[type-var]
        return None
