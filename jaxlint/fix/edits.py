"""Fixes: the edits a rule proposes, how safe they are, the imports they need, and
applying them to a tree.

A fix is taken whole or not at all. In one pass, a fix whose edits touch a node that a
fix already taken replaces (the same node, one inside it, or one around it) waits for
the next pass, where it is found again on the re-linted tree: nested fixes never
silently overwrite each other, and the count of applied fixes is the count of fixes
whose edits are all in the new tree.
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from jaxlint.fix.suggestions import Applicability, FixSuggestion, TextEdit
from jaxlint.syntax.positions import StatementAt, enclosing_statements, node_spans

if TYPE_CHECKING:
    from jaxlint.model import Scope, SemanticModel


@dataclass(frozen=True, eq=False)
class Replace:
    """Replace the node ``old`` of the tree (by identity) with ``new``; a statement may
    be removed (``new`` is ``cst.RemoveFromParent()``: an emptied body becomes ``pass``)."""

    old: cst.CSTNode
    new: cst.CSTNode | cst.RemovalSentinel


@dataclass(frozen=True, eq=False)
class Insert:
    """Insert ``statement`` beside the statement ``anchor`` of a body. Fixes of one pass
    asking for the same statement at the same anchor get it once."""

    anchor: cst.BaseStatement
    statement: cst.BaseStatement
    code: str = field(init=False)
    #: the names a plain assignment ``statement`` binds: two fixes of one pass may not
    #: bind one name to different values at one anchor
    binds: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", cst.Module(body=[]).code_for_node(self.statement))
        object.__setattr__(self, "binds", _assigned_names(self.statement))


class InsertAfter(Insert):
    """Insert ``statement`` after ``anchor`` (an import after the imports)."""


class InsertBefore(Insert):
    """Insert ``statement`` before ``anchor`` (a key split before its first use, a
    ``jax.jit`` hoisted out of a loop)."""


def _assigned_names(statement: cst.BaseStatement) -> frozenset[str]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return frozenset()
    names: set[str] = set()
    for small in statement.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                parts = target.target.elements if isinstance(target.target, cst.Tuple) else ()
                for node in (target.target, *(part.value for part in parts)):
                    if isinstance(node, cst.Name):
                        names.add(node.value)
    return frozenset(names)


Edit = Replace | InsertAfter | InsertBefore


@dataclass(frozen=True, eq=False)
class Fix:
    """What ``--fix`` does for one finding: its title and the edits, all or none.

    The title is the whole one-line help, written by the rule as an imperative ("Replace
    with `x = x.at[0].set(v)`", "Wrap in `jnp.asarray(...)`"): every output prints it as
    is, so only the rule decides how its fix reads."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


# Lines end as libcst ends them: at "\n", "\r\n" or a lone "\r".
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def _lines(text: str) -> list[str]:
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _advance(line: int, column: int, text: str) -> tuple[int, int]:
    """The position after ``text`` written from ``line:column``."""
    parts = _LINE_END.split(text)  # "ab\ncd" -> ["ab\n", "cd"]; "ab\n" -> ["ab\n", ""]
    if len(parts) == 1:
        return line, column + len(text)
    return line + len(parts) - 1, 1 + len(parts[-1])


def text_edits(before: str, after: str) -> tuple[TextEdit, ...]:
    """Edits that turn ``before`` into ``after``: one per block of changed lines, each
    cut down to the characters that change."""
    old, new = _lines(before), _lines(after)
    edits: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        prefix = _cut(removed, added, "\r\n")
        suffix = _cut(removed[prefix:][::-1], added[prefix:][::-1], "\n\r")
        start = _advance(i1 + 1, 1, removed[:prefix])
        end = _advance(*start, removed[prefix : len(removed) - suffix])
        content = added[prefix : len(added) - suffix]
        edits.append(TextEdit(start[0], start[1], end[0], end[1], content))
    return tuple(edits)


def apply_text_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """``text`` with ``edits`` made (ranges of the original text, none overlapping)."""
    starts = [0]
    for line in _lines(text):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[min(line, len(starts)) - 1] + column - 1

    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        text = text[:start] + edit.content + text[end:]
    return text


def _cut(first: str, second: str, line_end: str) -> int:
    """The length of the common prefix of ``first`` and ``second``, cut back so that no
    name or number is split (``np.sqrt`` -> ``jnp.sqrt`` replaces ``np``, rather than
    inserting ``j``), nor the ``line_end`` pair ("\r\n", or "\n\r" read backwards)."""
    size = len(os.path.commonprefix([first, second]))

    def splits(text: str) -> bool:
        if not 0 < size < len(text):
            return False
        before, after = text[size - 1], text[size]
        if before + after == line_end:
            return True
        return (before.isalnum() or before == "_") and (after.isalnum() or after == "_")

    while splits(first) or splits(second):
        size -= 1
    return size


def fix_suggestions(module: cst.Module, fixes: Sequence[Fix]) -> list[FixSuggestion]:
    """Each fix as text edits of ``module``'s code: what applying it alone changes, so
    that a tool can apply it without jaxlint. A fix is applied to the innermost statement
    that holds all its edits, not to the whole module nor to the whole class around it:
    a file with many fixes costs one code generation plus the fixed statements, not one
    module (or one class) per fix."""
    if not fixes:
        return []
    statements = _TopLevelStatements(module, [edit for fix in fixes for edit in fix.edits])
    return [
        FixSuggestion(fix.applicability, fix.title, statements.text_edits(fix)) for fix in fixes
    ]


def _edited_node(edit: Edit) -> cst.CSTNode:
    return edit.old if isinstance(edit, Replace) else edit.anchor


class _TopLevelStatements:
    """A module's code, top-level statement by statement, with where each begins."""

    def __init__(self, module: cst.Module, edits: Sequence[Edit]) -> None:
        self.module = module
        self.codes = [module.code_for_node(statement) for statement in module.body]
        # Each header line is one line; each statement's code ends with its line break.
        self.first_lines = [1 + len(module.header)]
        for code in self.codes:
            self.first_lines.append(self.first_lines[-1] + len(_lines(code)))
        edited = [_edited_node(edit) for edit in edits]
        self.spans = node_spans(module, edited)
        self.enclosing = enclosing_statements(module, edited)
        self.whole_text: str | None = None

    def owner(self, line: int) -> int | None:
        """The index of the top-level statement whose code holds ``line``."""
        index = bisect.bisect_right(self.first_lines, line) - 1
        return index if 0 <= index < len(self.codes) else None

    def text_edits(self, fix: Fix) -> tuple[TextEdit, ...]:
        innermost = self._innermost(fix)
        if innermost is not None:
            edits = self._edits_in(fix, innermost)
            if edits:
                return edits
        owners: list[int | None] = []
        for edit in fix.edits:
            span = self.spans.get(id(_edited_node(edit)))
            if span is None:
                owners.append(None)
                continue
            last = span.end_line if span.end_column > 0 else max(span.start_line, span.end_line - 1)
            owners += [self.owner(span.start_line), self.owner(last)]
        last_statement = len(self.codes) - 1
        if (
            owners
            and None not in owners
            and (self.module.has_trailing_newline or last_statement not in owners)
        ):
            first, last = min(owners), max(owners)  # type: ignore[type-var]
            edits = self._edits_within(fix, first, last)  # type: ignore[arg-type]
            if edits:
                return edits
        # An edit outside every statement, or in a last line without its line break:
        # apply the fix to the whole module.
        if self.whole_text is None:
            self.whole_text = self.module.code
        return text_edits(self.whole_text, apply_fixes(self.module, [fix]).module.code)

    def _innermost(self, fix: Fix) -> StatementAt | None:
        """The innermost statement that holds every edit of ``fix``; None where the edits
        lie in different top-level statements, or in a last line without its line break
        (the module's code drops that one, a statement's code does not)."""
        found = [self.enclosing.get(id(_edited_node(edit))) for edit in fix.edits]
        stacks = [stack for stack in found if stack]
        if not stacks or len(stacks) != len(found):
            return None
        shared = 0
        while all(len(stack) > shared for stack in stacks) and all(
            stack[shared].node is stacks[0][shared].node for stack in stacks
        ):
            shared += 1
        # A statement the fix removes is written by its parent (an emptied body gets `pass`).
        removed = {
            id(edit.old)
            for edit in fix.edits
            if isinstance(edit, Replace) and isinstance(edit.new, cst.RemovalSentinel)
        }
        while shared > 0 and id(stacks[0][shared - 1].node) in removed:
            shared -= 1
        if shared == 0:
            return None
        if stacks[0][0].node is self.module.body[-1] and not self.module.has_trailing_newline:
            return None
        return stacks[0][shared - 1]

    def _edits_in(self, fix: Fix, statement: StatementAt) -> tuple[TextEdit, ...]:
        edited = statement.node.visit(_Editor(*_edit_maps([fix])))
        if isinstance(edited, cst.FlattenSentinel):
            nodes: list[cst.CSTNode] = list(edited.nodes)
        else:
            nodes = [edited] if isinstance(edited, cst.CSTNode) else []
        before = statement.code(self.module)
        after = "".join(statement.code(self.module, node) for node in nodes)
        shift = statement.line - 1
        return tuple(
            TextEdit(e.line + shift, e.column, e.end_line + shift, e.end_column, e.content)
            for e in text_edits(before, after)
        )

    def _edits_within(self, fix: Fix, first: int, last: int) -> tuple[TextEdit, ...]:
        editor = _Editor(*_edit_maps([fix]))
        new: list[str] = []
        for statement in self.module.body[first : last + 1]:
            edited = statement.visit(editor)
            if isinstance(edited, cst.FlattenSentinel):
                new.extend(self.module.code_for_node(node) for node in edited.nodes)
            elif isinstance(edited, cst.CSTNode):
                new.append(self.module.code_for_node(edited))
        before, after = "".join(self.codes[first : last + 1]), "".join(new)
        shift = self.first_lines[first] - 1
        return tuple(
            TextEdit(e.line + shift, e.column, e.end_line + shift, e.end_column, e.content)
            for e in text_edits(before, after)
        )


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


def _insertion_key(edit: Insert) -> str:
    """What makes two insertions the same: the statement, and on which side."""
    return f"{type(edit).__name__}:{edit.code}"


@dataclass
class _Taken:
    """What the fixes taken in this pass touch."""

    replaced: set[int] = field(default_factory=set)  # nodes replaced
    under_replaced: set[int] = field(default_factory=set)  # those nodes and all inside
    anchors: dict[int, set[str]] = field(default_factory=dict)  # anchor -> insertions
    inserted: dict[str, int] = field(default_factory=dict)  # insertion -> its anchor
    bound: dict[tuple[int, str], str] = field(default_factory=dict)  # (anchor, name) -> insertion
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
        # An anchor replaced, or inside a node replaced, would drop the insertion; nodes
        # replaced inside the anchor do not (two hoists out of one loop, one pass).
        if id(edit.anchor) in self.under_replaced:
            return True
        key = _insertion_key(edit)
        # Another value for a name another fix binds at this anchor: the later fix would
        # see the wrong one. It waits, and picks another name on the re-linted tree.
        if any(self.bound.get((id(edit.anchor), name), key) != key for name in edit.binds):
            return True
        # The same statement at another anchor: once it is in, the next pass needs none.
        anchor = self.inserted.get(key)
        return anchor is not None and anchor != id(edit.anchor)

    def take(self, edit: Edit) -> None:
        if isinstance(edit, Replace):
            self.replaced.add(id(edit.old))
            self.under_replaced |= self.subtree(edit.old)
        else:
            key = _insertion_key(edit)
            self.anchors.setdefault(id(edit.anchor), set()).add(key)
            self.inserted[key] = id(edit.anchor)
            for name in edit.binds:
                self.bound[(id(edit.anchor), name)] = key


_Insertions = dict[int, tuple[list[cst.BaseStatement], list[cst.BaseStatement]]]


class _Editor(cst.CSTTransformer):
    def __init__(
        self,
        replacements: dict[int, cst.CSTNode | cst.RemovalSentinel],
        insertions: _Insertions,
    ) -> None:
        super().__init__()
        self.replacements = replacements
        self.insertions = insertions  # anchor -> (statements before, statements after)

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def, override]
        new = self.replacements.get(id(original_node), updated_node)
        beside = self.insertions.get(id(original_node))
        if beside and isinstance(new, cst.CSTNode):
            return cst.FlattenSentinel([*beside[0], new, *beside[1]])
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
    for fix in fixes:
        if any(taken.conflicts(edit) for edit in fix.edits):
            deferred.append(fix)
            continue
        for edit in fix.edits:
            taken.take(edit)
        applied.append(fix)
    if not applied:
        return FixPass(module, (), tuple(deferred))
    edited = module.visit(_Editor(*_edit_maps(applied)))
    return FixPass(edited, tuple(applied), tuple(deferred))  # type: ignore[arg-type]


def _edit_maps(
    fixes: Sequence[Fix],
) -> tuple[dict[int, cst.CSTNode | cst.RemovalSentinel], _Insertions]:
    """What ``fixes`` (which do not conflict) replace, by node, and insert, by anchor:
    the same statement at the same anchor once."""
    replacements: dict[int, cst.CSTNode | cst.RemovalSentinel] = {}
    insertions: _Insertions = {}
    inserted: dict[int, set[str]] = {}
    for fix in fixes:
        for edit in fix.edits:
            if isinstance(edit, Replace):
                replacements[id(edit.old)] = edit.new
                continue
            key = _insertion_key(edit)
            if key not in inserted.setdefault(id(edit.anchor), set()):
                inserted[id(edit.anchor)].add(key)
                before, after = insertions.setdefault(id(edit.anchor), ([], []))
                (before if isinstance(edit, InsertBefore) else after).append(edit.statement)
    return replacements, insertions
