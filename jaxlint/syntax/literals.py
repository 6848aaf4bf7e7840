"""Values written literally, read once for both trees (libcst and CPython ``ast``).

Integers follow Python's own rules (``int(text, 0)``: ``0x20``, ``0o17``, ``0b101``,
``1_000``) with an optional sign, strings are their evaluated text, tuples and lists
of literals are tuples, and ``range(...)`` of literal ints is a ``range``. Anything
else (a name, a call, an f-string, a starred element) is not a literal: None.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

#: An expression of either tree.
Expression = cst.BaseExpression | ast.expr
#: What a literal reads as.
Literal = int | str | range | tuple["Literal", ...]

#: Ranges longer than this are not spelled out into ints: nobody selects that many
#: arguments, and a ``range(10**9)`` must not cost memory.
MAX_RANGE_INTS = 1024


def literal_int(expr: Expression) -> int | None:
    """``32``, ``0x20``, ``0o17``, ``0b101``, ``1_000``, ``-3``; None for anything else
    (``True`` is a bool, not an int literal)."""
    sign = 1
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus | cst.Plus):
        sign = -1 if isinstance(expr.operator, cst.Minus) else 1
        expr = expr.expression
    elif isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(expr.op, ast.USub) else 1
        expr = expr.operand
    if isinstance(expr, cst.Integer):
        try:
            return sign * int(expr.value, 0)
        except ValueError:  # ``0777``, which libcst parses and Python 3 does not
            return None
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return sign * expr.value
    return None


def literal_string(expr: Expression) -> str | None:
    """``"a"``, ``'a' 'b'``: the text; None for bytes, f-strings and anything else."""
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def display_elements(expr: Expression) -> Sequence[Expression] | None:
    """The elements of a tuple or list display with no starred element, else None."""
    if isinstance(expr, cst.Tuple | cst.List):
        if any(isinstance(element, cst.StarredElement) for element in expr.elements):
            return None
        return [element.value for element in expr.elements]
    if isinstance(expr, ast.Tuple | ast.List):
        if any(isinstance(element, ast.Starred) for element in expr.elts):
            return None
        return expr.elts
    return None


def literal_range(expr: Expression) -> range | None:
    """``range(4)``, ``range(0x2, 10, 2)``: the range, when every argument is a literal
    int passed by position. The name is read as written: syntax knows no shadowing."""
    if isinstance(expr, cst.Call):
        if not isinstance(expr.func, cst.Name) or expr.func.value != "range":
            return None
        if any(arg.keyword is not None or arg.star for arg in expr.args):
            return None
        arguments: Sequence[Expression] = [arg.value for arg in expr.args]
    elif isinstance(expr, ast.Call):
        if not isinstance(expr.func, ast.Name) or expr.func.id != "range" or expr.keywords:
            return None
        arguments = expr.args
    else:
        return None
    if not 1 <= len(arguments) <= 3:
        return None
    numbers = [literal_int(argument) for argument in arguments]
    if any(number is None for number in numbers):
        return None
    try:
        return range(*numbers)  # type: ignore[arg-type]
    except ValueError:  # a zero step
        return None


def literal_value(expr: Expression) -> Literal | None:
    """An int, a string, a tuple of literals (for a tuple or a list display) or a range."""
    number = literal_int(expr)
    if number is not None:
        return number
    text = literal_string(expr)
    if text is not None:
        return text
    elements = display_elements(expr)
    if elements is not None:
        values = [literal_value(element) for element in elements]
        if any(value is None for value in values):
            return None
        return tuple(values)  # type: ignore[arg-type]
    return literal_range(expr)


def literal_ints(expr: Expression) -> tuple[int, ...] | None:
    """The ints ``1``, ``(1, 2)``, ``[0, (1, 2)]`` or ``range(3)`` spell, flattened;
    None unless every part is a literal int."""
    return _flat(literal_value(expr), int)  # type: ignore[return-value]


def literal_strings(expr: Expression) -> tuple[str, ...] | None:
    """The strings ``"a"`` or ``("a", "b")`` spell, flattened; None unless every part
    is a literal string."""
    return _flat(literal_value(expr), str)  # type: ignore[return-value]


def _flat(value: Literal | None, kind: type) -> tuple[int | str, ...] | None:
    if value is None:
        return None
    if isinstance(value, range):
        if kind is not int or len(value) > MAX_RANGE_INTS:
            return None
        return tuple(value)
    if isinstance(value, tuple):
        found: list[int | str] = []
        for element in value:
            flat = _flat(element, kind)
            if flat is None:
                return None
            found.extend(flat)
        return tuple(found)
    return (value,) if isinstance(value, kind) else None


#: Immutable values a constant expression may evaluate to (a list or a dict is a new,
#: mutable object each time it is evaluated, so two displays are never "the same value").
_CONSTANT_TYPES = (int, float, complex, str, bytes, bool, type(None))
_EMPTY_MODULE = cst.Module(body=[])


def constant_key(expr: cst.BaseExpression) -> str | None:
    """A key equal for two expressions exactly when they evaluate to the same immutable
    constant: a number, string, bytes, bool, None or a tuple of those (``256``,
    ``-1e-3``, ``("a", 2)``). Types count (``1``, ``1.0`` and ``True`` differ: JAX
    traces them to different dtypes) and so does the sign of a zero. None when ``expr``
    is not such a constant."""
    if not isinstance(
        expr,
        cst.BaseNumber | cst.BaseString | cst.Name | cst.UnaryOperation | cst.Tuple,
    ):
        return None  # cheap first test: most values are calls or names
    try:
        value = ast.literal_eval(_EMPTY_MODULE.code_for_node(expr).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not _immutable_constant(value):
        return None
    return repr(value)  # repr tells the types, -0.0 and 0.0 apart


def _immutable_constant(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_immutable_constant(item) for item in value)
    return isinstance(value, _CONSTANT_TYPES)
