"""Boolean-ness: whether a value is an array (or scalar) of booleans, a mask. Indexing
with a traced mask gives a shape that depends on its values (JL011)."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.lattices.values import (
    ARRAY_VALUE_BINDINGS,
    NO,
    UNKNOWN,
    YES,
    Evaluator,
    agreeing,
)
from jaxlint.model.records import Binding, Fact, Scope

#: Comparison operators whose result is a boolean (elementwise on arrays).
_COMPARING = (
    cst.LessThan,
    cst.GreaterThan,
    cst.LessThanEqual,
    cst.GreaterThanEqual,
    cst.Equal,
    cst.NotEqual,
)
#: Operators that keep a boolean a boolean (and an integer an integer).
_BITWISE = (cst.BitAnd, cst.BitOr, cst.BitXor)


def _names_bool_dtype(expr: cst.BaseExpression) -> bool:
    """``bool``, ``jnp.bool_``, ``np.bool_``, ``"bool"``: a boolean dtype, by its spelling."""
    if isinstance(expr, cst.Name):
        return expr.value in ("bool", "bool_")
    if isinstance(expr, cst.Attribute):
        return expr.attr.value in ("bool", "bool_")
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value == "bool"
    return False


class BooleanFacts(Evaluator):
    """Is the value boolean? YES: a comparison, ``~``/``&``/``|`` of booleans, a
    ``jnp.isnan``-like predicate, a cast to ``bool``. NO: a number, a string, a slice
    (answers must agree across the bindings that reach a name)."""

    lattice = "boolean"
    join = staticmethod(agreeing)  # type: ignore[assignment]

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if isinstance(expr, cst.Comparison):
            comparing = all(isinstance(c.operator, _COMPARING) for c in expr.comparisons)
            return YES if comparing else UNKNOWN
        if isinstance(expr, cst.BaseNumber | cst.BaseString):
            return NO
        if isinstance(expr, cst.UnaryOperation):
            if isinstance(expr.operator, cst.BitInvert):
                return self.of(expr.expression, scope, ordinal)
            return NO if isinstance(expr.operator, cst.Minus | cst.Plus) else UNKNOWN
        if isinstance(expr, cst.BinaryOperation):
            if not isinstance(expr.operator, _BITWISE):
                return UNKNOWN
            left = self.of(expr.left, scope, ordinal)
            return agreeing((left, self.of(expr.right, scope, ordinal)))
        if isinstance(expr, cst.Subscript):
            # An element or a slice of a mask is a mask.
            return YES if self.of(expr.value, scope, ordinal) is YES else UNKNOWN
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope)
        return UNKNOWN

    def of_call(self, call: cst.Call, scope: Scope) -> Fact:
        name = self.model.qualified_name(call.func, scope)
        if name in jf.BOOLEAN_RESULT_CALLS:
            return YES
        dtype = next(
            (arg.value for arg in call.args if arg.keyword and arg.keyword.value == "dtype"),
            None,
        )
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "astype":
            dtype = call.args[0].value if call.args else None
        return YES if dtype is not None and _names_bool_dtype(dtype) else UNKNOWN

    def binding_fact(self, binding: Binding) -> Fact:
        if binding.kind in ARRAY_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, binding.code_scope, binding.ordinal)
        return UNKNOWN
