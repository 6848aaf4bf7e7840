"""Flag values: whether a test of a flag parameter (``if return_counts:``, ``if size is
None:``) holds for what every traced caller passes. Its answers must agree: callers that
pass ``True`` and ``False`` leave the test UNKNOWN."""

from __future__ import annotations

import enum

import libcst as cst

from jaxlint.facts.transforms import TransformKind
from jaxlint.model.lattices.values import NO, UNKNOWN, YES, Evaluator, agreeing
from jaxlint.model.records import Binding, BindingKind, Fact, Scope, TraceInfo
from jaxlint.model.view import ModelView
from jaxlint.syntax.literals import literal_int


class FlagTest(enum.Enum):
    """What a test asks of a flag's value."""

    TRUTHY = "truthy"  # ``if flag:``
    IS_NONE = "is_none"  # ``if flag is None:``


#: Expressions that cannot be None: enough to decide ``if size is None`` for a caller
#: that passes ``size=x.size``.
NEVER_NONE = (
    cst.BaseNumber,
    cst.BaseString,
    cst.Tuple,
    cst.List,
    cst.Dict,
    cst.BinaryOperation,
    cst.Comparison,
)
#: Attributes of an array that are never None (its size and shape).
NEVER_NONE_ATTRIBUTES = frozenset({"size", "shape", "ndim"})
_CONSTANTS: dict[str, object] = {"None": None, "True": True, "False": False}


def callers_in_sight(info: TraceInfo) -> bool:
    """Traced only through calls in this file: what they pass is all it gets."""
    return (
        bool(info.traced_callers)
        and not info.direct_kinds
        and (TransformKind.EXTERNAL not in info.kinds)
    )


class FlagFacts(Evaluator):
    """Does ``test`` hold for the value? Decided for ``None``/``True``/``False``, integer
    literals and values that cannot be None; a parameter holds what the traced callers of
    its function pass (all of them in this file, none transformed directly), and a caller
    that passes one of its own parameters on (``size=size``) is followed to its callers."""

    join = staticmethod(agreeing)  # type: ignore[assignment]

    def __init__(self, model: ModelView, test: FlagTest) -> None:
        self.lattice = f"flag:{test.value}"  # one cache per test: truth is not None-ness
        super().__init__(model)
        self.test = test

    def of(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if isinstance(expr, cst.Name) and expr.value in _CONSTANTS:
            return self.of_value(_CONSTANTS[expr.value])
        return super().of(expr, scope, ordinal)

    def of_value(self, value: object) -> Fact:
        holds = value is None if self.test is FlagTest.IS_NONE else bool(value)
        return YES if holds else NO

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        number = literal_int(expr)
        if number is not None:
            return self.of_value(number)
        never_none = isinstance(expr, NEVER_NONE) or (
            isinstance(expr, cst.Attribute) and expr.attr.value in NEVER_NONE_ATTRIBUTES
        )
        return NO if never_none and self.test is FlagTest.IS_NONE else UNKNOWN

    def of_name(self, name: str, scope: Scope, ordinal: int) -> Fact:
        found = self.model.reaching(name, scope, ordinal)
        if found is None or found.owner is not scope:
            return UNKNOWN  # a builtin, a global or a closure's: not a flag passed in
        return self.join(self.of_binding(binding) for binding in found.bindings)

    def binding_fact(self, binding: Binding) -> Fact:
        if binding.kind is not BindingKind.PARAM:
            return UNKNOWN
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None or not callers_in_sight(self.model.trace(function)):
            return UNKNOWN
        passed = self.from_callers(function, param)
        return UNKNOWN if passed is None else passed
