"""The ordered view of each scope's statements, recorded during the one walk.

Each scope's body is a :class:`Block` of :class:`Statement` records in source order; a
compound statement holds its suites as blocks (an ``if`` its arms, a loop its body and
``else``, a ``try`` its handlers). A rule that must follow what runs between two points
of one body (JL019: what runs between two clock reads) reads this view instead of walking
the tree again.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from jaxlint.model.records import Block, Clause, Scope, Statement, StatementKind

#: The statements the view records, by kind.
STATEMENT_KINDS: dict[type, StatementKind] = {
    **dict.fromkeys(
        (
            cst.Assign,
            cst.AugAssign,
            cst.AnnAssign,
            cst.Expr,
            cst.Return,
            cst.Pass,
            cst.Break,
            cst.Continue,
            cst.Raise,
            cst.Del,
            cst.Assert,
            cst.Global,
            cst.Nonlocal,
            cst.Import,
            cst.ImportFrom,
        ),
        StatementKind.SIMPLE,
    ),
    cst.If: StatementKind.IF,
    cst.For: StatementKind.FOR,
    cst.While: StatementKind.WHILE,
    cst.With: StatementKind.WITH,
    cst.Try: StatementKind.TRY,
    cst.TryStar: StatementKind.TRY,
    cst.Match: StatementKind.MATCH,
    cst.FunctionDef: StatementKind.DEF,
    cst.ClassDef: StatementKind.CLASS,
}
#: Nodes that open a suite of the compound statement around them.
SUITES = frozenset({cst.IndentedBlock, cst.SimpleStatementSuite})
#: Nodes whose suite is a clause other than the body (an ``elif`` arm is not a node of
#: its own to the walk: a later suite of an ``if`` without a marker is one).
CLAUSE_MARKERS: dict[type, Clause] = {
    cst.Else: Clause.ELSE,
    cst.ExceptHandler: Clause.HANDLER,
    cst.ExceptStarHandler: Clause.HANDLER,
    cst.Finally: Clause.FINALLY,
}
#: Every node type the recorder looks at: the walk asks once per node.
RECORDED = frozenset(STATEMENT_KINDS) | SUITES | frozenset(CLAUSE_MARKERS)


class BodyRecorder:
    """Builds the ordered view as the walk enters statements and suites."""

    def __init__(self, bodies: dict[int, Block], module_scope: Scope) -> None:
        self.bodies = bodies
        self.block: Block | None = Block(Clause.BODY, None)
        bodies[id(module_scope)] = self.block
        self.statement: Statement | None = None
        self.clause: Clause | None = None

    def enter(
        self, node: cst.CSTNode, scope: Scope, ordinal: Callable[[], int], visit: Callable
    ) -> None:
        """Record ``node`` (a statement, a suite or a clause) around ``visit(node)``, the
        walk's own handling of it."""
        kind = node.__class__
        if kind in CLAUSE_MARKERS:
            self.clause = CLAUSE_MARKERS[kind]
            visit(node)
            return
        if kind in SUITES:
            self.enter_suite(scope, visit, node)
            return
        statement = Statement(node, STATEMENT_KINDS[kind], scope, ordinal(), block=self.block)
        if self.block is not None:
            self.block.statements.append(statement)
        saved = self.statement
        self.statement = statement
        visit(node)
        self.statement = saved
        statement.end = ordinal() + 1

    def enter_suite(self, scope: Scope, visit: Callable, node: cst.CSTNode) -> None:
        owner = self.statement
        if owner is None:
            block = self.bodies[id(scope)] = Block(Clause.BODY, None)  # a def's or class's body
        else:
            clause = self.clause or (Clause.ALTERNATIVE if owner.blocks else Clause.BODY)
            block = Block(clause, owner)
            owner.blocks.append(block)
        self.clause = None
        saved = self.block
        self.block = block
        visit(node)
        self.block = saved

    def open_scope(self) -> tuple[Block | None, Statement | None]:
        """Entering a function's or class's body: its suite starts the scope's own view."""
        saved = self.block, self.statement
        self.block, self.statement = None, None
        return saved

    def close_scope(self, saved: tuple[Block | None, Statement | None]) -> None:
        self.block, self.statement = saved
