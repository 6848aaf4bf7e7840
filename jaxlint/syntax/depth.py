"""How deep a source nests, measured on CPython's tree without recursion.

libcst's parser recurses once per nesting level, in native code and in time that grows
faster than the depth (a 1,000-deep subscript chain: 1.5 s; 3,000 deep: 200 s), and past
about 10,000 levels it overflows the C stack: a segfault no ``except`` can catch. So the
depth is measured first, on the tree CPython's parser already made, and a file beyond
:data:`MAX_DEPTH` never reaches libcst. CPython 3.11's compiler itself refuses most
nestings a little below that (a sum of about 1,900 terms), so the limit mostly bites on
what CPython keeps flat.

The measure counts what libcst nests and CPython's tree does not: a chain of ``and``/``or``
(one node in ``ast``, one level per operator in libcst) and a dotted import name (a
string in ``ast``, one attribute level per dot in libcst).
"""

from __future__ import annotations

import ast

#: The deepest nesting (in the levels counted here) that jaxlint hands to libcst: a
#: 2,000-term ``and`` chain lints in 3 s.
MAX_DEPTH = 2000


def _extra_levels(node: ast.AST) -> int:
    """Levels libcst has below ``node`` that CPython's tree folds into it."""
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, ast.alias):
        return node.name.count(".")
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").count(".")
    return 0


def deeper_than(tree: ast.AST, limit: int = MAX_DEPTH) -> bool:
    """Whether ``tree`` nests deeper than ``limit`` levels.

    Each level takes at least one character of source, so a node written on one line
    whose width (doubled: a statement and its expression share their span) still fits
    under the limit is not entered: only multi-line nodes and wide lines are walked.
    """
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    pop, push = stack.pop, stack.append
    node_class = ast.AST
    while stack:
        node, depth = pop()
        depth += 1 + _extra_levels(node)
        if depth > limit:
            return True
        start = getattr(node, "lineno", None)
        if start is not None and start == getattr(node, "end_lineno", None):
            width = (node.end_col_offset or 0) - (node.col_offset or 0)  # type: ignore[attr-defined]
            if depth + 2 * width <= limit:
                continue
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        push((item, depth))
            elif isinstance(value, node_class):
                push((value, depth))
    return False
