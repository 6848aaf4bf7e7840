"""Statement and target shapes the model's walk reads, without semantics: which fields of a
libcst node hold code, whether a block always leaves (``return``/``raise``/``continue``/
``break`` last), and what the targets of a destructuring assignment or loop draw from."""

from __future__ import annotations

import dataclasses

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
_FLOW_ENDS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


def code_fields(node_type: type) -> tuple[str, ...]:
    names = _fields_by_type.get(node_type)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(node_type) if f.name in _CODE_FIELDS)
        _fields_by_type[node_type] = names
    return names


def ends_flow(body: cst.CSTNode) -> bool:
    """A block whose last statement is ``return``/``raise``/``continue``/``break``."""
    if isinstance(body, cst.Else):
        body = body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return bool(body.body) and isinstance(body.body[-1], _FLOW_ENDS)
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False  # an expression (the arm of a conditional expression)
    last = body.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], _FLOW_ENDS)


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
