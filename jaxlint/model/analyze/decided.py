"""Code of a function that one call of it never runs, because the call decides a flag
the function tests: ``load(rng, shuffle=False)`` skips the arm ``if shuffle:``, and
``policy(obs, key, deterministic=True)`` leaves at ``if deterministic: return mean``
before it reaches the draw below."""

from __future__ import annotations

import libcst as cst

from jaxlint.model import CallSite, Fact, Point, Scope, SemanticModel, Site
from jaxlint.model.lattices.flags import FlagTest
from jaxlint.model.records import StatementKind
from jaxlint.syntax.statements import FlowExit, flow_exit


def flag_test(test: cst.BaseExpression) -> tuple[cst.Name, FlagTest, bool] | None:
    """``flag``, ``not flag``, ``flag is None``, ``flag is not None``: the name tested,
    what is asked of it, and whether the answer is negated."""
    if isinstance(test, cst.Name):
        return test, FlagTest.TRUTHY, False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = flag_test(test.expression)
        return None if inner is None else (inner[0], inner[1], not inner[2])
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        operator = test.comparisons[0].operator
        if isinstance(operator, cst.Is | cst.IsNot):
            return test.left, FlagTest.IS_NONE, isinstance(operator, cst.IsNot)
    return None


def passes_for_call(model: SemanticModel, test: cst.BaseExpression, call: CallSite) -> Fact:
    """Whether ``test``, a test in the body of the function ``call`` calls, passes in
    that call: YES or NO where it reads a flag parameter (``deterministic``, ``not
    training``, ``rng is None``) for which the call passes, or leaves at its default, a
    value that decides it; UNKNOWN otherwise."""
    function = call.callee
    flag = flag_test(test)
    if function is None or flag is None:
        return Fact.UNKNOWN
    name, asked, negated = flag
    param = function.params.get(name.value)
    passed = None if param is None else call.argument(param)
    if param is None or passed is None:
        return Fact.UNKNOWN
    where = Point(call.scope, call.ordinal)
    if passed is param.default:
        where = Point(function.parent or model.module_scope, 0)  # any binding
    holds = model.flag_fact(passed, where, asked)
    if holds is Fact.UNKNOWN:
        return Fact.UNKNOWN
    return Fact.YES if (holds is Fact.YES) != negated else Fact.NO


def skipped_for_call(model: SemanticModel, inner: Site, call: CallSite) -> bool:
    """``inner``, code of the function ``call`` calls, never runs in this call: it sits
    in an arm whose test the call decides for the other arm (``if shuffle:`` with
    ``shuffle=False``), or after an ``if`` whose test the call decides for an arm that
    returns or raises on every path (``if deterministic: return mean`` with
    ``deterministic=True``)."""
    function = call.callee
    if function is None or inner.scope is not function:
        return False
    arm = inner.branch
    while arm is not None:
        test = getattr(arm.node, "test", None)
        passes = Fact.UNKNOWN if test is None else passes_for_call(model, test, call)
        if passes is not Fact.UNKNOWN and (passes is Fact.YES) != (arm.index == 0):
            return True  # arm 0 runs when the test passes, the others when it fails
        arm = arm.parent
    return _left_before(model, function, inner.ordinal, call)


def _left_before(model: SemanticModel, function: Scope, ordinal: int, call: CallSite) -> bool:
    """An ``if`` that runs before the code at ``ordinal`` on every path to it (a
    statement before it in a block around it) leaves the function in the arm that
    ``call`` decides its test for."""
    block = model.body(function)
    while block is not None:
        inside = None
        for statement in block.statements:
            if statement.contains(ordinal):
                inside = statement
                break
            if statement.kind is StatementKind.IF and _decided_return(model, statement.node, call):
                return True
        if inside is None:
            return False
        block = next(
            (b for b in inside.blocks if any(s.contains(ordinal) for s in b.statements)), None
        )
    return False


def _decided_return(model: SemanticModel, node: cst.CSTNode, call: CallSite) -> bool:
    """The ``if`` ``node`` returns or raises on every path of the arm that ``call``
    decides its test (and those of its ``elif``\\ s) for."""
    if not isinstance(node, cst.If):
        return False
    passes = passes_for_call(model, node.test, call)
    if passes is Fact.YES:
        return flow_exit(node.body) is FlowExit.RETURN
    if passes is Fact.UNKNOWN or node.orelse is None:
        return False
    if isinstance(node.orelse, cst.If):
        return _decided_return(model, node.orelse, call)
    return flow_exit(node.orelse) is FlowExit.RETURN
