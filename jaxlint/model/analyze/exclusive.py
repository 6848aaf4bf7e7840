"""Whether two sites sit under guards that cannot both hold in one pass: ``if mode ==
"abl": ...`` and, further on, ``if mode != "abl": ...``, with ``mode`` not rebound
between. Two arms of one ``if`` are :meth:`SemanticModel.reaches`'s business; this is
about separate ``if`` statements whose tests contradict each other."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import libcst as cst

from jaxlint.model import Branch, Scope, SemanticModel, Site
from jaxlint.syntax.chains import dotted
from jaxlint.syntax.literals import constant_key


class Relation(enum.Enum):
    """What a guard says of the value it tests."""

    EQUAL = "=="  # ``x == c``, ``x is None``
    NOT_EQUAL = "!="  # ``x != c``, ``x is not None``
    TRUTHY = "truthy"  # ``if x:``
    FALSY = "falsy"  # ``if not x:``


@dataclass(frozen=True)
class Guard:
    """A test that holds whenever an arm runs: ``subject`` (a dotted name) stands in
    ``relation`` to a constant (``constant_key``; "" for a truth test)."""

    subject: str
    relation: Relation
    constant: str = ""


_NEGATED = {
    Relation.EQUAL: Relation.NOT_EQUAL,
    Relation.NOT_EQUAL: Relation.EQUAL,
    Relation.TRUTHY: Relation.FALSY,
    Relation.FALSY: Relation.TRUTHY,
}


def exclusive_guards(model: SemanticModel, scope: Scope, earlier: Site, later: Site) -> bool:
    """``earlier`` and ``later`` (sites of ``scope``'s code) sit in arms of two separate
    ``if`` statements whose guards contradict on a name or attribute chain that nothing
    rebinds between them: no pass through the code runs both."""
    own = _arms(earlier.branch)
    theirs = _arms(later.branch)
    shared = {id(arm) for arm in own} & {id(arm) for arm in theirs}
    for arm in own:
        if id(arm) in shared:
            continue
        for other in theirs:
            if id(other) in shared or other.node is arm.node:
                continue
            for guard in _guards(arm):
                if any(
                    _contradict(guard, against)
                    and not _rebound(model, scope, guard.subject, arm.ordinal, other.ordinal)
                    for against in _guards(other)
                ):
                    return True
    return False


def _arms(branch: Branch | None) -> list[Branch]:
    found = []
    while branch is not None:
        found.append(branch)
        branch = branch.parent
    return found


def _guards(arm: Branch) -> list[Guard]:
    """The guards that hold whenever ``arm`` runs: the conjuncts of its ``if`` test, or
    for the ``else`` arm the negation of each disjunct."""
    node = arm.node
    if not isinstance(node, cst.If | cst.IfExp):
        return []  # a match case
    joins = cst.And if arm.index == 0 else cst.Or
    found: list[Guard] = []
    stack: list[cst.BaseExpression] = [node.test]
    while stack:
        test = stack.pop()
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, joins):
            stack.extend((test.left, test.right))
            continue
        guard = _guard(test)
        if guard is not None:
            negate = arm.index != 0
            found.append(
                Guard(guard.subject, _NEGATED[guard.relation], guard.constant) if negate else guard
            )
    return found


def _guard(test: cst.BaseExpression) -> Guard | None:
    """``x == "a"``, ``x != 0``, ``x is None``, ``x is not None``, ``x``, ``not x``."""
    negated = False
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, negated = test.expression, not negated
    guard: Guard | None = None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator, against = test.comparisons[0].operator, test.comparisons[0].comparator
        subject, constant = dotted(test.left), constant_key(against)
        if subject is None or constant is None:
            return None
        if isinstance(operator, cst.Equal) or (isinstance(operator, cst.Is) and constant == "None"):
            guard = Guard(subject, Relation.EQUAL, constant)
        elif isinstance(operator, cst.NotEqual) or (
            isinstance(operator, cst.IsNot) and constant == "None"
        ):
            guard = Guard(subject, Relation.NOT_EQUAL, constant)
    elif isinstance(test, cst.Name | cst.Attribute):
        subject = dotted(test)
        guard = Guard(subject, Relation.TRUTHY) if subject is not None else None
    if guard is None or not negated:
        return guard
    return Guard(guard.subject, _NEGATED[guard.relation], guard.constant)


def _contradict(one: Guard, other: Guard) -> bool:
    """No value satisfies both: ``== c`` and ``!= c``; truthy and falsy; ``== "a"`` and
    ``== "b"`` (strings or None only: ``1 == 1.0``, so other constants may be equal)."""
    if one.subject != other.subject:
        return False
    relations = {one.relation, other.relation}
    if relations == {Relation.TRUTHY, Relation.FALSY}:
        return True
    if relations == {Relation.EQUAL, Relation.NOT_EQUAL}:
        return one.constant == other.constant
    if relations == {Relation.EQUAL}:
        distinct = one.constant != other.constant
        return distinct and all(_string_or_none(g.constant) for g in (one, other))
    return False


def _string_or_none(constant: str) -> bool:
    return constant == "None" or constant.startswith(("'", '"'))


def _rebound(model: SemanticModel, scope: Scope, subject: str, start: int, end: int) -> bool:
    """The chain's root name is bound, or the chain itself (or a prefix) assigned, in
    ``scope`` between the two tests."""
    start, end = min(start, end), max(start, end)
    root = subject.split(".")[0]
    if model.bound_between(root, scope, start - 1, end + 1):
        return True
    for store in model.attribute_stores:
        if store.scope is scope and start <= store.ordinal <= end:
            target = dotted(store.target)
            if target is not None and (subject == target or subject.startswith(target + ".")):
                return True
    return False
