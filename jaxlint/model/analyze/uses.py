"""How a function uses one of its parameters: which attributes of it the function's own
code reads, and whether it only reads it as a sequence (indexes, iterates, measures it),
so that a tuple would do wherever a list is passed.

The walk record says where a name is loaded, not what is done with it; this reads the
function's own body once per question, on demand (asked only where a finding already
stands).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import BindingKind, Fact, Scope, SemanticModel

#: Nodes that open a scope of their own: a use inside one may run at any time, or never.
NESTED_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@dataclass
class ParameterUses:
    """What a function's own code does with one parameter."""

    #: ``p.attr`` loads, by attribute
    attributes: set[str] = field(default_factory=set)
    #: one answer per load: does it only read ``p`` as a list and a tuple both allow,
    #: with the same result (YES), use it as only a list can be used (NO: ``p.append``,
    #: ``p == [1]``, ``p + [2]``, ``p[0] = 1``), or something the model cannot tell
    #: (UNKNOWN: passed to other code, returned, sliced)
    sequence_reads: list[Fact] = field(default_factory=list)
    #: rebound in the body, or used in a nested function, lambda or class
    unknown: bool = False

    def only_reads_sequence(self) -> Fact:
        if Fact.NO in self.sequence_reads:
            return Fact.NO
        if self.unknown or Fact.UNKNOWN in self.sequence_reads:
            return Fact.UNKNOWN
        return Fact.YES


def parameter_uses(model: SemanticModel, function: Scope, name: str) -> ParameterUses:
    """What ``function``'s own code does with its parameter ``name``."""
    uses = ParameterUses()
    bindings = function.bindings.get(name, ())
    node = function.node
    if (
        name not in function.params
        or any(b.kind is not BindingKind.PARAM for b in bindings)
        or not isinstance(node, cst.FunctionDef)
    ):
        uses.unknown = True
        return uses
    node.body.visit(_Collector(model, function, name, uses))
    return uses


class _Collector(cst.CSTVisitor):
    """Classifies each load of the parameter by the nodes around it."""

    def __init__(self, model: SemanticModel, function: Scope, name: str, uses: ParameterUses):
        super().__init__()
        self.model = model
        self.function = function
        self.name = name
        self.uses = uses
        self.stack: list[cst.CSTNode] = []
        self.nested = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value == self.name and self.is_load(node):
            if self.nested:
                self.uses.unknown = True
            else:
                self.uses.sequence_reads.append(self.classify(node))
        if isinstance(node, NESTED_SCOPES):
            self.nested += 1
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        if isinstance(original_node, NESTED_SCOPES):
            self.nested -= 1

    def is_load(self, node: cst.Name) -> bool:
        """Not the name of an attribute, a keyword, a parameter or a definition."""
        parent = self.stack[-1] if self.stack else None
        if isinstance(parent, cst.Attribute):
            return parent.value is node
        if isinstance(parent, cst.Arg):
            return parent.value is node
        if isinstance(parent, cst.Param | cst.FunctionDef | cst.ClassDef):
            return parent.name is not node  # a default or annotation is a load
        return True

    def classify(self, node: cst.Name) -> Fact:
        parent = self.stack[-1]
        above = self.stack[-2] if len(self.stack) > 1 else None
        if isinstance(parent, cst.Attribute):
            if not self.stored(parent, above):
                self.uses.attributes.add(parent.attr.value)
            called = isinstance(above, cst.Call) and above.func is parent
            return (
                Fact.YES
                if called and parent.attr.value in jf.SEQUENCE_READING_METHODS
                else (Fact.NO)
            )
        if isinstance(parent, cst.Subscript):
            if any(not isinstance(element.slice, cst.Index) for element in parent.slice):
                return Fact.UNKNOWN  # a slice of a list is a list, of a tuple a tuple
            return Fact.NO if self.stored(parent, above) else Fact.YES
        if isinstance(parent, cst.For | cst.CompFor):
            return Fact.YES if parent.iter is node else Fact.UNKNOWN
        if isinstance(parent, cst.StarredElement):
            return Fact.YES  # `[*p]`: its items
        if isinstance(parent, cst.Arg):
            return self.argument(parent, above)
        if isinstance(parent, cst.ComparisonTarget | cst.Comparison):
            return self.compared(parent)
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add):
            return Fact.NO  # a tuple and a list do not concatenate
        if isinstance(parent, cst.Assign) and all(
            isinstance(target.target, cst.Tuple | cst.List) for target in parent.targets
        ):
            return Fact.YES  # `a, b = p`
        return Fact.UNKNOWN

    def argument(self, arg: cst.Arg, call: cst.CSTNode | None) -> Fact:
        if arg.star == "*":
            return Fact.YES  # `f(*p)`: its items
        if not isinstance(call, cst.Call) or arg.keyword is not None or arg.star:
            return Fact.UNKNOWN
        called = self.model.qualified_name(call.func, self.function)
        return Fact.YES if called in jf.SEQUENCE_READING_CALLS else Fact.UNKNOWN

    @staticmethod
    def compared(parent: cst.ComparisonTarget | cst.Comparison) -> Fact:
        """``x in p`` reads it (``parent`` is the target of which it is the comparator);
        ``p == [0, 1]`` tells a list from a tuple."""
        target = parent.comparisons[0] if isinstance(parent, cst.Comparison) else parent
        if isinstance(target.operator, cst.Equal | cst.NotEqual):
            return Fact.NO  # `[0, 1] == (0, 1)` is False
        if isinstance(parent, cst.ComparisonTarget) and isinstance(
            target.operator, cst.In | cst.NotIn
        ):
            return Fact.YES
        return Fact.UNKNOWN

    @staticmethod
    def stored(node: cst.CSTNode, above: cst.CSTNode | None) -> bool:
        """``node`` is the target of an assignment or a ``del``, not a load."""
        if isinstance(above, cst.AssignTarget | cst.AugAssign | cst.AnnAssign):
            return above.target is node
        return isinstance(above, cst.Del)
