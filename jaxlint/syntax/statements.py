"""Statement and target shapes the model's walk reads, without semantics: which fields of a
libcst node hold code, whether and how a block always leaves (``return``/``raise``/
``continue``/``break`` on every path), and what the targets of a destructuring assignment or loop draw from."""

from __future__ import annotations

import dataclasses
import enum

import libcst as cst

# Fields of libcst nodes that hold code (as opposed to whitespace, punctuation,
# or names that are bindings rather than uses). Walking only these keeps the
# pass cheap.
_CODE_FIELDS = frozenset(
    """annotation args bases body bound cases cause cls comparator comparisons decorator
    decorators default elements elt exc expression finalbody for_in format_spec func guard
    handlers inner_for_in item items iter key keywords kwds kwonly_params left lower msg
    orelse params parts pattern patterns posonly_params rest returns right slice star_arg
    star_kwarg step subject target targets test type type_parameters upper value""".split()
)
_fields_by_type: dict[type, tuple[str, ...]] = {}
NOT_NODES = frozenset({type(None), cst.MaybeSentinel, str})


class FlowExit(enum.IntEnum):
    """How a block that never falls through leaves, weakest first: a block whose paths
    leave in different ways leaves in the weakest of them (``min``)."""

    CONTINUE = 1  # to the next iteration of the innermost loop
    BREAK = 2  # past the innermost loop
    RETURN = 3  # out of the function (``return`` or ``raise``)


_EXITS: dict[type, FlowExit] = {
    cst.Continue: FlowExit.CONTINUE,
    cst.Break: FlowExit.BREAK,
    cst.Return: FlowExit.RETURN,
    cst.Raise: FlowExit.RETURN,
}


def code_fields(node_type: type) -> tuple[str, ...]:
    names = _fields_by_type.get(node_type)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(node_type) if f.name in _CODE_FIELDS)
        _fields_by_type[node_type] = names
    return names


def ends_flow(body: cst.CSTNode) -> bool:
    """A block that never falls through to what follows it (see :func:`flow_exit`)."""
    return flow_exit(body) is not None


def flow_exit(body: cst.CSTNode | None) -> FlowExit | None:
    """How a block leaves when none of its paths falls through to what follows it: its
    last statement is ``return``/``raise``/``continue``/``break``, or an ``if`` whose
    every arm (an ``else`` included) leaves, or a ``with``/``try`` whose body leaves (and,
    for a ``try``, each handler). None when some path may fall through."""
    if isinstance(body, cst.Else | cst.Finally):
        body = body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return _EXITS.get(type(body.body[-1])) if body.body else None
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None  # an expression (the arm of a conditional expression)
    return statement_exit(body.body[-1])


def ends_in_raise(body: cst.CSTNode | None) -> bool:
    """A block whose last statement raises: ``raise ...``, or ``assert False`` (an
    ``assert`` of a false literal, which raises whenever it runs)."""
    if isinstance(body, cst.Else | cst.Finally | cst.MatchCase):
        body = body.body
    if isinstance(body, cst.IndentedBlock) and body.body:
        last = body.body[-1]
        if not isinstance(last, cst.SimpleStatementLine):
            return False
        body = last
    if not isinstance(body, cst.SimpleStatementLine | cst.SimpleStatementSuite) or not body.body:
        return False
    final = body.body[-1]
    if isinstance(final, cst.Raise):
        return True
    if isinstance(final, cst.Assert):
        test = final.test
        falsy = isinstance(test, cst.Name) and test.value in ("False", "None")
        return falsy or (isinstance(test, cst.Integer) and test.value == "0")
    return False


def arm_body(node: cst.CSTNode, index: int) -> cst.CSTNode | None:
    """The suite of the arm ``index`` of an ``if`` (0: its body, 1: its ``else`` or
    ``elif``) or of a ``match`` (its case's position)."""
    if isinstance(node, cst.If):
        return node.body if index == 0 else node.orelse
    if isinstance(node, cst.Match) and index < len(node.cases):
        return node.cases[index].body
    return None


def statement_exit(last: cst.BaseStatement) -> FlowExit | None:
    if isinstance(last, cst.SimpleStatementLine):
        return _EXITS.get(type(last.body[-1]))
    if isinstance(last, cst.If):
        orelse = last.orelse
        if orelse is None:
            return None  # the test may be false: it falls through
        first = flow_exit(last.body)
        second = statement_exit(orelse) if isinstance(orelse, cst.If) else flow_exit(orelse)
        return None if first is None or second is None else min(first, second)
    if isinstance(last, cst.With):
        return flow_exit(last.body)
    if isinstance(last, cst.Try):
        if last.finalbody is not None and (final := flow_exit(last.finalbody)) is not None:
            return final
        exits = [flow_exit(last.body), *(flow_exit(h.body) for h in last.handlers)]
        if any(exit is None for exit in exits):
            return None
        return min(exit for exit in exits if exit is not None)
    return None


def element_sources(
    iterable: cst.BaseExpression | None, count: int
) -> list[cst.BaseExpression | None] | None:
    """For ``for a, b in zip(xs, ys)`` the iterable each target draws from; for
    ``for i, x in enumerate(xs)``, nothing known for ``i`` (a counter) and ``xs`` for x."""
    if not isinstance(iterable, cst.Call) or not isinstance(iterable.func, cst.Name):
        return None
    args = [arg.value for arg in iterable.args if arg.keyword is None and not arg.star]
    if iterable.func.value == "zip" and len(args) == count:
        return list(args)
    if iterable.func.value == "enumerate" and count == 2 and args:
        return [None, args[0]]
    return None


def literal_parts(value: cst.BaseExpression | None, count: int) -> list[cst.BaseExpression] | None:
    """The parts of a tuple or list display of ``count`` elements, none starred."""
    if not isinstance(value, cst.Tuple | cst.List) or len(value.elements) != count:
        return None
    if any(isinstance(element, cst.StarredElement) for element in value.elements):
        return None
    return [element.value for element in value.elements]


def loop_targets(target: cst.BaseExpression) -> frozenset[str]:
    if isinstance(target, cst.Name):
        return frozenset([target.value])
    if isinstance(target, cst.Tuple | cst.List):
        names: set[str] = set()
        for element in target.elements:
            names |= loop_targets(element.value)
        return frozenset(names)
    if isinstance(target, cst.StarredElement):
        return loop_targets(target.value)
    return frozenset()
