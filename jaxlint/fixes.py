"""Fixes: the edits a rule proposes, how safe they are, the imports they need, and
applying them to a tree.

A fix is taken whole or not at all. In one pass, a fix whose edits touch a node that a
fix already taken replaces (the same node, one inside it, or one around it) waits for
the next pass, where it is found again on the re-linted tree: nested fixes never
silently overwrite each other, and the count of applied fixes is the count of fixes
whose edits are all in the new tree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from jaxlint.model import Scope, SemanticModel


class Applicability(enum.Enum):
    """Safe fixes keep the program's meaning wherever the original could run; unsafe
    ones may change it (each rule says how) and need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, eq=False)
class Replace:
    """Replace the node ``old`` of the tree (by identity) with ``new``."""

    old: cst.CSTNode
    new: cst.CSTNode


@dataclass(frozen=True, eq=False)
class InsertAfter:
    """Insert ``statement`` after the statement ``anchor`` of a body. Fixes of one pass
    asking for the same statement at the same anchor get it once."""

    anchor: cst.BaseStatement
    statement: cst.BaseStatement
    code: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", cst.Module(body=[]).code_for_node(self.statement))


Edit = Replace | InsertAfter


@dataclass(frozen=True, eq=False)
class Fix:
    """What ``--fix`` does for one finding: a description and the edits, all or none."""

    description: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


def module_import_anchor(
    model: SemanticModel, skip_modules: Iterable[str] = ()
) -> cst.SimpleStatementLine | None:
    """The first module-level import line other than ``__future__`` imports and imports
    of ``skip_modules`` (top-level package names): where a new import goes."""
    skipped = {"__future__", *skip_modules}
    for statement in model.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        first = statement.body[0]
        if isinstance(first, cst.ImportFrom):
            if first.relative or first.module is None:
                return statement
            module = cst.Module(body=[]).code_for_node(first.module)
            if module == "__future__" or module.split(".")[0] in skipped:
                continue
            return statement
        if isinstance(first, cst.Import):
            names = [cst.Module(body=[]).code_for_node(alias.name) for alias in first.names]
            if any(name.split(".")[0] in skipped for name in names):
                continue
            return statement
    return None


def ensure_import(
    model: SemanticModel,
    module: str,
    alias: str,
    *,
    scope: Scope,
    after: cst.BaseStatement | None,
) -> tuple[Edit, ...] | None:
    """The edits that make ``alias`` name ``module`` in ``scope``: none when an import
    already binds it (``model.qualified_name`` says ``alias`` is ``module``), adding
    ``import module as alias`` after ``after`` when ``alias`` is unbound, and None (no
    fix) when ``alias`` means something else there or there is nowhere to import."""
    bound = model.qualified_name(cst.Name(alias), scope)
    if bound == module:
        return ()
    if bound != f"builtins.{alias}" or after is None:
        return None
    spelled = f"import {module}" if module == alias else f"import {module} as {alias}"
    return (InsertAfter(after, cst.parse_statement(spelled + "\n")),)


def _subtree(node: cst.CSTNode) -> set[int]:
    """Identities of ``node`` and every node under it."""
    found: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        found.add(id(current))
        stack.extend(current.children)
    return found


@dataclass
class _Taken:
    """What the fixes taken in this pass touch."""

    replaced: set[int] = field(default_factory=set)  # nodes replaced
    under_replaced: set[int] = field(default_factory=set)  # those nodes and all inside
    anchors: dict[int, set[str]] = field(default_factory=dict)  # anchor -> statements
    inserted: dict[str, int] = field(default_factory=dict)  # statement -> its anchor
    subtrees: dict[int, set[int]] = field(default_factory=dict)  # memo of _subtree

    def subtree(self, node: cst.CSTNode) -> set[int]:
        found = self.subtrees.get(id(node))
        if found is None:
            found = self.subtrees[id(node)] = _subtree(node)
        return found

    def conflicts(self, edit: Edit) -> bool:
        if isinstance(edit, Replace):
            if id(edit.old) in self.under_replaced or id(edit.old) in self.anchors:
                return True
            inside = self.subtree(edit.old)
            return not inside.isdisjoint(self.replaced) or not inside.isdisjoint(self.anchors)
        if id(edit.anchor) in self.under_replaced:
            return True
        if not self.subtree(edit.anchor).isdisjoint(self.replaced):
            return True
        # The same statement at another anchor: once it is in, the next pass needs none.
        anchor = self.inserted.get(edit.code)
        return anchor is not None and anchor != id(edit.anchor)

    def take(self, edit: Edit) -> None:
        if isinstance(edit, Replace):
            self.replaced.add(id(edit.old))
            self.under_replaced |= self.subtree(edit.old)
        else:
            self.anchors.setdefault(id(edit.anchor), set()).add(edit.code)
            self.inserted[edit.code] = id(edit.anchor)


class _Editor(cst.CSTTransformer):
    def __init__(
        self,
        replacements: dict[int, cst.CSTNode],
        insertions: dict[int, list[cst.BaseStatement]],
    ) -> None:
        super().__init__()
        self.replacements = replacements
        self.insertions = insertions

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def, override]
        new = self.replacements.get(id(original_node), updated_node)
        extra = self.insertions.get(id(original_node))
        if extra:
            return cst.FlattenSentinel([new, *extra])
        return new


@dataclass(frozen=True)
class FixPass:
    """One pass of fixes: the new tree, the fixes in it, the fixes left for later."""

    module: cst.Module
    applied: tuple[Fix, ...]
    deferred: tuple[Fix, ...]


def apply_fixes(module: cst.Module, fixes: Sequence[Fix]) -> FixPass:
    """Apply, in order, each fix that touches nothing a fix taken before it touches."""
    taken = _Taken()
    applied: list[Fix] = []
    deferred: list[Fix] = []
    replacements: dict[int, cst.CSTNode] = {}
    insertions: dict[int, list[cst.BaseStatement]] = {}
    for fix in fixes:
        if any(taken.conflicts(edit) for edit in fix.edits):
            deferred.append(fix)
            continue
        for edit in fix.edits:
            if isinstance(edit, Replace):
                replacements[id(edit.old)] = edit.new
            elif edit.code not in taken.anchors.get(id(edit.anchor), ()):
                insertions.setdefault(id(edit.anchor), []).append(edit.statement)
            taken.take(edit)
        applied.append(fix)
    if not applied:
        return FixPass(module, (), tuple(deferred))
    edited = module.visit(_Editor(replacements, insertions))
    return FixPass(edited, tuple(applied), tuple(deferred))  # type: ignore[arg-type]
