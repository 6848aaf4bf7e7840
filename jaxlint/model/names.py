"""Name resolution: what a name or a dotted expression refers to, from a scope.

:class:`NameResolver` is the part of the model that answers these questions; it only
reads what the walk recorded (scopes and bindings) and memoises ``qualified_name``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.records import (
    END_OF_FILE,
    Binding,
    BindingKind,
    Bindings,
    Branch,
    Loop,
    Point,
    Resolved,
    Scope,
    ScopeKind,
)
from jaxlint.syntax.chains import dotted as dotted  # re-exported: rules import it from the model
from jaxlint.syntax.literals import display_elements, literal_range
from jaxlint.syntax.statements import FlowExit

#: How many aliases or wrappers name resolution follows before it gives up.
MAX_ALIAS_CHAIN = 8


class NameResolver:
    """Scopes and bindings, and the questions they answer (pyflakes-style)."""

    module_scope: Scope
    scope_of_node: dict[int, Scope]  # id(FunctionDef/Lambda/ClassDef) -> scope

    def __init__(self) -> None:
        self._qualified: dict[tuple[int, int], str | None] = {}

    def lookup(self, name: str, scope: Scope) -> Resolved | None:
        """Resolve ``name`` as Python would from ``scope``: local, enclosing, module."""
        current: Scope | None = scope
        first = True
        while current is not None:
            # `global x` sends the lookup to the module (where it is a no-op: CPython
            # accepts `global x` at module level, and it must not loop here).
            if name in current.globals and current is not self.module_scope:
                current = self.module_scope
                continue
            # Class bodies are not visible from the functions nested in them.
            if current.kind is not ScopeKind.CLASS or first:
                found = current.bindings.get(name)
                if found:
                    return Resolved(current, found)
            first = False
            current = current.parent
        return None

    def qualified_name(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """The canonical dotted name ``expr`` refers to, through imports and aliases."""
        key = (id(expr), id(scope))
        if key not in self._qualified:
            self._qualified[key] = self._qualify(expr, scope, 0)
        return self._qualified[key]

    def _qualify(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> str | None:
        if depth > MAX_ALIAS_CHAIN:
            return None
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, scope)
            if found is None:
                return "builtins." + expr.value
            _, bindings = found
            binding = _primary(bindings)
            if binding.kind is BindingKind.IMPORT:
                return jf.canonical(binding.imported)
            if (
                binding.kind is BindingKind.ASSIGN
                and len(bindings) == 1
                and binding.scope.kind is ScopeKind.MODULE
                and isinstance(binding.value, cst.Name | cst.Attribute)
            ):
                # ``jit = jax.jit`` at module level is an alias.
                return self._qualify(binding.value, binding.scope, depth + 1)
            return None
        if isinstance(expr, cst.Attribute):
            base = self._qualify(expr.value, scope, depth + 1)
            if base is None or base.startswith("builtins."):
                return None
            return jf.canonical(f"{base}.{expr.attr.value}")
        return None

    def function_of(self, expr: cst.BaseExpression, scope: Scope, _depth: int = 0) -> Scope | None:
        """The function (defined in this file) that ``expr`` evaluates to, if known."""
        if _depth > MAX_ALIAS_CHAIN:
            return None
        if isinstance(expr, cst.Lambda | cst.FunctionDef):
            return self.scope_of_node.get(id(expr))
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, scope)
            if found is None:
                return None
            _, bindings = found
            binding = bindings[-1]
            if binding.kind is BindingKind.DEF:
                return self.scope_of_node.get(id(binding.node))
            if (
                binding.kind is BindingKind.ASSIGN
                and binding.value is not None
                and len(bindings) == 1
            ):
                return self.function_of(binding.value, binding.scope, _depth + 1)
            return None
        if isinstance(expr, cst.Call):
            # functools.partial(f, ...) is f with some arguments bound.
            if self.qualified_name(expr.func, scope) == "functools.partial" and expr.args:
                return self.function_of(expr.args[0].value, scope, _depth + 1)
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            # self.method / cls.method inside a method of the same class.
            function = scope.enclosing_function()
            first = function.self_param() if function is not None else None
            if first is not None and first.name == expr.value.value:
                return self.method(function.enclosing_class(), expr.attr.value)  # type: ignore[union-attr, arg-type]
            # Counter.count, counter.count where `counter = Counter(...)`, and
            # model.predict of a parameter `model: Model`.
            cls = (
                self.class_named(expr.value, scope)
                or self.instance_class(expr.value, scope)
                or self.annotated_class(expr, scope)
            )
            if cls is not None:
                return self.method(cls, expr.attr.value)
        return None

    def function_at(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Scope | None:
        """The function ``expr`` evaluates to where it runs, at ``ordinal`` in ``scope``:
        a name that ``scope`` itself binds to a function more than once (``def step``
        redefined further down) holds the definition that reaches ``ordinal``, not its
        last one. Elsewhere, what ``function_of`` says."""
        if (
            isinstance(expr, cst.Call)
            and expr.args
            and self.qualified_name(expr.func, scope) == "functools.partial"
        ):
            return self.function_at(expr.args[0].value, scope, ordinal)
        if isinstance(expr, cst.Name):
            found = self.reaching(expr.value, scope, ordinal)
            if found is not None and found.owner is scope and len(found.bindings) == 1:
                (binding,) = found.bindings
                if binding.kind is BindingKind.DEF:
                    return self.scope_of_node.get(id(binding.node))
        return self.function_of(expr, scope)

    def instance_class(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None:
        """The class of this file that ``expr`` (a name bound once, to ``Cls(...)``) is an
        instance of."""
        if not isinstance(expr, cst.Name):
            return None
        found = self.lookup(expr.value, scope)
        if found is None or len(found.bindings) != 1:
            return None
        binding = found.bindings[0]
        if binding.kind is not BindingKind.ASSIGN or not isinstance(binding.value, cst.Call):
            return None
        return self.class_named(binding.value.func, binding.scope)

    def sequence_elements(
        self, expr: cst.BaseExpression, scope: Scope
    ) -> tuple[list[cst.BaseExpression], Point] | None:
        """The elements of a list or tuple display, or of the one display a name is bound
        to (``branches = [f, g]``), with the point where they are evaluated."""
        at = Point(scope, END_OF_FILE)
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, scope)
            if (
                found is None
                or len(found.bindings) != 1
                or found.bindings[0].kind is not BindingKind.ASSIGN
            ):
                return None
            binding = found.bindings[0]
            expr, at = binding.value, Point(binding.code_scope, binding.ordinal)  # type: ignore[assignment]
        if isinstance(expr, cst.List | cst.Tuple):
            if any(isinstance(e, cst.StarredElement) for e in expr.elements):
                return None
            return [element.value for element in expr.elements], at
        return None

    def constructor_of(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None:
        """The ``__init__`` that calling ``expr``, a class defined in this file, runs."""
        cls = self.class_named(expr, scope)
        return None if cls is None else self.method(cls, "__init__")

    def method(self, cls: Scope, name: str) -> Scope | None:
        for binding in cls.bindings.get(name, ()):
            if binding.kind is BindingKind.DEF:
                return self.scope_of_node.get(id(binding.node))
        return None

    def self_attribute_class(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None:
        """For ``self.attr`` inside a method, the method's class."""
        if not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
            return None
        function = scope.enclosing_function()
        first = function.self_param() if function is not None else None
        if first is None or first.name != expr.value.value:
            return None
        return function.enclosing_class()  # type: ignore[union-attr]

    def bound_method(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """``self.step``, ``model.predict``: a method of this file reached through an
        instance, which binds its first parameter (not ``Cls.step``, nor ``cls.step`` in a
        classmethod, which hand over the plain function)."""
        if not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
            return False
        target = self.function_of(expr, scope)
        if target is None or target.enclosing_class() is None:
            return False
        if self.decorated_with(target, "builtins.staticmethod"):
            return False
        if self.class_named(expr.value, scope) is not None:
            return False
        function = scope.enclosing_function()
        first = function.self_param() if function is not None else None
        if first is not None and first.name == expr.value.value:
            return not self.decorated_with(function, "builtins.classmethod")  # type: ignore[arg-type]
        return True

    def decorated_with(self, function: Scope, name: str) -> bool:
        """``function`` has a decorator that is ``name`` (a qualified name)."""
        decorators = getattr(function.node, "decorators", ())
        parent = function.parent or self.module_scope
        return any(self.qualified_name(d.decorator, parent) == name for d in decorators)

    def class_named(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None:
        """The class defined in this file that ``expr`` (a name) refers to, if one."""
        if not isinstance(expr, cst.Name):
            return None
        found = self.lookup(expr.value, scope)
        if (
            found is None
            or len(found.bindings) != 1
            or found.bindings[0].kind is not BindingKind.CLASS
        ):
            return None
        cls = self.scope_of_node.get(id(found.bindings[0].node))
        return cls if cls is not None and cls.kind is ScopeKind.CLASS else None

    def annotated_class(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None:
        """For ``stats.mean`` where ``stats`` is a parameter annotated with a class of this
        file (``stats: RunningMean``), that class: its declared fields say what
        ``stats.mean`` holds."""
        if not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name):
            return None
        function = scope.enclosing_function()
        if function is None:
            return None
        param = function.params.get(expr.value.value)
        if param is None or param.annotation is None:
            return None
        found = self.lookup(param.name, scope)
        if found is None or any(b.kind is not BindingKind.PARAM for b in found.bindings):
            return None  # rebound in the body: the annotation no longer says what it is
        return self.class_named(param.annotation, function.parent or self.module_scope)

    def ancestor_bases(self, cls: Scope) -> Iterator[tuple[cst.Arg, Scope, Scope | None]]:
        """Each base of ``cls`` and of its ancestors defined in this file, each class once,
        depth first: the base as written, the scope its name resolves in, and the class
        of this file it names (None for a base of another file or ``object``). ``Base[T]``
        names ``Base``. Keywords (``metaclass=...``) are not bases: the builder keeps
        only the positional ones."""
        pending = [cls]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            where = current.parent or self.module_scope
            for arg in current.bases:
                local = self.class_named(_generic_origin(arg.value), where)
                yield arg, where, local
                if local is not None:
                    pending.append(local)

    def base_names(self, cls: Scope) -> set[str]:
        """Canonical names of a class's bases, following classes defined in this file."""
        names: set[str] = set()
        for arg, where, _ in self.ancestor_bases(cls):
            qualified = self.qualified_name(_generic_origin(arg.value), where)
            if qualified:
                names.add(qualified)
        return names

    def is_local(self, name: str, function: Scope) -> bool:
        """Bound in ``function`` itself (a parameter, an assignment, a loop target, ...)."""
        return (
            name in function.bindings
            and name not in function.globals
            and name not in function.nonlocals
        )

    def bound_between(self, name: str, scope: Scope, start: int, end: int) -> bool:
        """Whether ``name`` is (re)bound in ``scope`` after ordinal ``start``, before ``end``."""
        return any(start < b.ordinal < end for b in scope.bindings.get(name, ()))

    def reaching(self, name: str, scope: Scope, ordinal: int) -> Resolved | None:
        """The bindings of ``name`` that may hold its value at ``ordinal`` in ``scope``,
        with the scope that owns them; None for an unbound name (a builtin)."""
        found = self.lookup(name, scope)
        if found is None:
            return None
        owner, bindings = found
        # A closure or a global may see any binding: the enclosing code runs around it.
        return Resolved(
            owner, reaching_bindings(bindings, ordinal if owner is scope else END_OF_FILE)
        )


def _generic_origin(base: cst.BaseExpression) -> cst.BaseExpression:
    """``Base`` of a ``Base[T]`` base (``Generic[T]``-style), else the base itself."""
    return base.value if isinstance(base, cst.Subscript) else base


def _primary(bindings: list[Binding]) -> Binding:
    """What a name means for resolution: its last binding, except that a fallback bound
    in an ``except`` handler (``except ImportError: nn = None``) does not hide the one
    import outside it: code that uses the name runs where the import succeeded."""
    outside = [b for b in bindings if not b.in_handler]
    if len(outside) == 1 and outside[0].kind is BindingKind.IMPORT:
        return outside[0]
    return bindings[-1]


def reaching_bindings(bindings: list[Binding], ordinal: int) -> list[Binding]:
    """The bindings whose value ``ordinal`` may see, in source order; all of them if none
    comes before it (a loop-carried value, a closure).

    Flow-sensitive over the structure of the code: a binding in an arm that returns,
    raises or breaks out of the loop around ``ordinal`` does not reach it; one in an arm
    that falls through reaches it along with those before the ``if`` unless every arm of
    an ``if`` with an ``else`` binds the name (or leaves); a binding in a loop body that
    does not hold ``ordinal`` may not run (the loop may run no time; unless it surely
    runs its whole body, as ``for i in range(8)`` with no ``break``), and neither may one
    in an ``except`` handler. Inside a loop, later bindings in the loop reach the next
    iteration.
    """
    cut = bisect.bisect_left(bindings, ordinal, key=_ordinal)  # source order: a binary search
    if cut == 0:
        return bindings
    if ordinal >= END_OF_FILE:
        return _nearest(bindings, bindings[:cut], ordinal)
    found: list[Binding] = []
    covered: set[int] = set()  # arms apart from ``ordinal`` that bind on every path
    killed_at = -1
    for index in range(cut - 1, -1, -1):
        binding = bindings[index]
        closed = _closed_arms(binding, ordinal)
        if any(id(arm) in covered for arm in closed):
            continue  # rebound later in the same arm
        if any(_cuts_off(arm, ordinal) for arm in closed):
            continue
        found.append(binding)
        if _always_runs(binding, ordinal) and _cover(closed, covered, ordinal):
            killed_at = binding.ordinal
            break
    found.reverse()
    # Only a binding in a loop is seen again from before it (on the loop's next pass).
    later = bindings.in_loops() if isinstance(bindings, Bindings) else bindings
    start = bisect.bisect_right(later, ordinal, key=_ordinal)
    found += [b for b in later[start:] if _carried(b, ordinal, killed_at)]
    return found


def _ordinal(binding: Binding) -> int:
    return binding.ordinal


def _nearest(bindings: list[Binding], before: list[Binding], ordinal: int) -> list[Binding]:
    """Source order, for a point after all the code (a closure's view of its parents):
    the last binding, and with it those of the loop it sits in."""
    last = before[-1]
    if last.loop is not None and last.loop.contains(ordinal):
        return [last] + [
            b for b in bindings if b.ordinal > ordinal and last.loop.contains(b.ordinal)
        ]
    return [last]


def _closed_arms(binding: Binding, ordinal: int) -> list[Branch]:
    """The arms around ``binding`` that do not hold ``ordinal``, innermost first."""
    arms: list[Branch] = []
    arm = binding.branch if binding.written_in in (None, binding.scope) else None
    while arm is not None and not arm.contains(ordinal):
        arms.append(arm)
        arm = arm.parent
    return arms


def _cuts_off(arm: Branch, ordinal: int) -> bool:
    """Nothing bound in ``arm`` reaches ``ordinal``: the arm returns or raises, or breaks
    out of a loop that holds ``ordinal`` (a ``continue`` reaches it on the next pass)."""
    if arm.exit is FlowExit.RETURN:
        return True
    return arm.exit is FlowExit.BREAK and arm.loop is not None and arm.loop.contains(ordinal)


def _always_runs(binding: Binding, ordinal: int) -> bool:
    """Whether ``binding`` runs on every pass that reaches ``ordinal`` through the arms
    that hold it: not in a loop body or handler apart from ``ordinal``, nor written by
    another scope (a ``global`` statement in a function)."""
    if binding.in_handler or binding.written_in not in (None, binding.scope):
        return False
    loop = binding.loop
    while loop is not None:
        if not loop.contains(ordinal) and not _runs_whole_body(loop, binding.scope):
            return False
        loop = loop.parent
    return True


def _runs_whole_body(loop: Loop, scope: Scope) -> bool:
    """Whether every statement of ``loop``'s body runs at least once before the code
    after it: a ``for`` over a literal non-empty ``range(...)`` (the builtin) or a
    display with elements, with no ``break``, ``continue`` or ``return`` that could cut
    an iteration short. ``done = 0; for i in range(8): done += hit`` leaves ``done`` as
    the body made it, never as it was before the loop."""
    node = loop.node
    if not isinstance(node, cst.For) or node.asynchronous is not None or loop.leaves_early:
        return False
    elements = display_elements(node.iter)
    if elements is not None:
        return len(elements) > 0
    counted = literal_range(node.iter)
    if counted is None or len(counted) == 0:
        return False
    shadowing: Scope | None = scope
    while shadowing is not None:
        if "range" in shadowing.bindings:
            return False  # not the builtin
        shadowing = shadowing.parent
    return True


def _cover(closed: list[Branch], covered: set[int], ordinal: int) -> bool:
    """Record that the innermost arm in ``closed`` binds on every path, and each arm
    above whose ``if`` then binds on every path (all its arms do, or leave); True when
    that reaches the arms that hold ``ordinal``: the binding is there on every path."""
    for position, arm in enumerate(closed):
        covered.add(id(arm))
        if not arm.exhaustive:
            return False
        if not all(id(other) in covered or other.skips(ordinal) for other in arm.arms):
            return False
        if position + 1 < len(closed):
            covered.add(id(closed[position + 1]))
    return True


def _carried(binding: Binding, ordinal: int, killed_at: int) -> bool:
    """A binding after ``ordinal`` in a loop around both, whose value the next pass
    sees: unless a binding on every path between the loop's start and ``ordinal``
    replaces it, or its arm returns or leaves that loop."""
    loop = binding.loop
    while loop is not None and not loop.contains(ordinal):
        loop = loop.parent
    if loop is None or killed_at >= loop.start:
        return False
    arm = binding.branch
    while arm is not None and not arm.contains(ordinal):
        if arm.exit is FlowExit.RETURN or (arm.exit is FlowExit.BREAK and arm.loop is loop):
            return False
        arm = arm.parent
    return True


def at_update(call: cst.Call) -> tuple[cst.BaseExpression, cst.Subscript, str] | None:
    """For ``base.at[idx].op(...)`` return (base, the ``base.at[idx]`` subscript, op)."""
    func = call.func
    if (
        isinstance(func, cst.Attribute)
        and func.attr.value in jf.AT_UPDATE_METHODS
        and isinstance(func.value, cst.Subscript)
        and isinstance(func.value.value, cst.Attribute)
        and func.value.value.attr.value == "at"
    ):
        return func.value.value.value, func.value, func.attr.value
    return None


def string_key(subscript: cst.Subscript) -> bool:
    """``d["w"]``: a string key means a dict (a pytree of params), not an array."""
    return any(
        isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.BaseString)
        for e in subscript.slice
    )


def array_only_index(subscript: cst.Subscript) -> bool:
    """``[:, 0]``, ``[..., 1]``, ``[None, :]``: an index with several parts, one a slice,
    ``...`` or ``None``, that only an array accepts (a list takes one int or slice, and a
    dict key with a slice in it is unhashable)."""
    elements = subscript.slice
    if len(elements) < 2:
        return False
    return any(
        isinstance(e.slice, cst.Slice)
        or (isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.Ellipsis))
        or (
            isinstance(e.slice, cst.Index)
            and isinstance(e.slice.value, cst.Name)
            and e.slice.value.value == "None"
        )
        for e in elements
    )


def names_read(expr: cst.CSTNode) -> Iterator[str]:
    """Plain names an expression reads, through comparisons, calls and attributes, in
    source order. A loop, not recursion: on a long ``and`` chain (one nesting level per
    operand) recursive generators passed each name up through every level."""
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        parts: list[cst.CSTNode] = []
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, cst.Attribute | cst.Subscript):
            parts = [node.value]
        elif isinstance(node, cst.UnaryOperation):
            parts = [node.expression]
        elif isinstance(node, cst.BooleanOperation | cst.BinaryOperation):
            parts = [node.left, node.right]
        elif isinstance(node, cst.Comparison):
            parts = [node.left, *(target.comparator for target in node.comparisons)]
        elif isinstance(node, cst.Call):
            parts = [node.func, *(arg.value for arg in node.args)]
        stack.extend(reversed(parts))
