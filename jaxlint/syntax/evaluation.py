"""Where an expression sits in Python's order of evaluation, and the differences of two
names in a statement: shapes only, no semantics."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from jaxlint.syntax.chains import dotted


def _plain(expr: cst.BaseExpression) -> bool:
    """Evaluating it runs no code of the program: a name, a dotted name, a literal."""
    return dotted(expr) is not None or isinstance(expr, cst.BaseNumber | cst.SimpleString)


def first_evaluated(root: cst.BaseExpression, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from ``root`` down to ``target`` (both included) when nothing but plain
    names and literals is evaluated before ``target`` in ``root`` (``print("took",
    clock() - t0)``, ``f"{clock() - t0:.2f}"``, ``times.append(clock() - t0)``); else
    None."""
    if root is target:
        return [root]
    children: Sequence[cst.BaseExpression]
    if isinstance(root, cst.Call):
        if dotted(root.func) is None or any(arg.star for arg in root.args):
            return None
        children = [arg.value for arg in root.args]
    elif isinstance(root, cst.BinaryOperation):
        children = [root.left, root.right]
    elif isinstance(root, cst.UnaryOperation):
        children = [root.expression]
    elif isinstance(root, cst.Tuple | cst.List):
        children = [element.value for element in root.elements]
    elif isinstance(root, cst.FormattedString):
        children = []
        for part in root.parts:
            if isinstance(part, cst.FormattedStringExpression):
                children.append(part.expression)
    else:
        return None
    for child in children:
        found = first_evaluated(child, target)
        if found is not None:
            return [root, *found]
        if not _plain(child):
            return None
    return None


def differences(root: cst.CSTNode) -> list[tuple[str, str]]:
    """Every ``a - b`` of two names in ``root`` (nested functions included), as pairs."""
    found: list[tuple[str, str]] = []

    class Collect(cst.CSTVisitor):
        def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
            if (
                isinstance(node.operator, cst.Subtract)
                and isinstance(node.left, cst.Name)
                and isinstance(node.right, cst.Name)
            ):
                found.append((node.left.value, node.right.value))

    root.visit(Collect())
    return found
