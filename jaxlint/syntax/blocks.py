"""Where a node sits among statements, and which names a tree spells: what a fix that
inserts a statement needs (the model records sites, not their statements). Each helper
searches once, and only where a finding has a fix to build."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


def path_to(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from ``root`` down to ``target`` (both included), or None when
    ``target`` is not under ``root``."""
    path: list[cst.CSTNode] = []
    stack: list[Iterator[cst.CSTNode]] = [iter((root,))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            if path:
                path.pop()
            continue
        path.append(node)
        if node is target:
            return path
        stack.append(iter(node.children))
    return None


def statement_in_block(
    path: list[cst.CSTNode], below: int = 0
) -> tuple[cst.BaseStatement, cst.IndentedBlock | cst.Module] | None:
    """The innermost statement of ``path`` (from ``path[below]`` down) that sits in a
    block, with that block: where a statement may be inserted before it. None when the
    innermost one is inside a one-line suite (``if x: f(key)``)."""
    for index in range(len(path) - 1, below, -1):
        node, parent = path[index], path[index - 1]
        if isinstance(parent, cst.IndentedBlock | cst.Module) and isinstance(
            node, cst.BaseStatement
        ):
            return node, parent
        if isinstance(node, cst.BaseSmallStatement | cst.BaseCompoundStatement):
            if isinstance(parent, cst.SimpleStatementSuite):
                return None
    return None


def spelled_names(root: cst.CSTNode) -> set[str]:
    """Every identifier ``root`` spells (names, attributes, keywords, parameters): a
    new name outside this set shadows nothing and is shadowed by nothing."""
    found: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            found.add(node.value)
        stack.extend(node.children)
    return found


class FreshNames:
    """New names for the fixes of one file: none the file spells, and none given out
    before (two fixes never bind one new name). The file is read only when a fix first
    asks for a name."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.taken: set[str] | None = None

    def fresh(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``, ...: the first that is free."""
        if self.taken is None:
            self.taken = spelled_names(self.module)
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}_{number}"
        self.taken.add(name)
        return name
