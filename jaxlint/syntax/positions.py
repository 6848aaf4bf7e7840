"""Source positions for the few nodes that are reported, and nothing else.

libcst's ``PositionProvider`` walks the whole tree with a visitor and then generates the
whole module's code, recording a range for every node: about as slow as parsing. We
need a handful of positions per file with findings, so we run the code generator alone,
track only the line and column (not the text), record only the wanted nodes, and stop
as soon as the last of them is done. The ranges are the same as ``PositionProvider``'s:
syntactic where a node records one, whitespace-inclusive otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Span:
    """1-based lines, 0-based columns, as libcst's ``CodeRange``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


class _AllFound(Exception):
    """Raised to stop code generation once every wanted node has its position."""


@dataclass
class _PositionState(CodegenState):
    wanted: set[int] = field(default_factory=set)
    helpers: set[int] = field(default_factory=set)  # children a wanted range is hoisted from
    found: dict[int, Span] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    starts: list[tuple[int, int]] = field(default_factory=list)

    def _advance(self, value: str) -> None:
        segments = _NEWLINE.split(value)
        if len(segments) == 1:
            self.column += len(value)
        else:
            self.line += len(segments) - 1
            self.column = len(segments[-1])

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self._advance(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        key = id(node)
        if key in self.wanted or key in self.helpers:
            if key not in self.found:  # a syntactic range, if recorded, wins
                self.found[key] = Span(start[0], start[1], self.line, self.column)
            if key in self.wanted:
                self.wanted.discard(key)
                if not self.wanted:
                    raise _AllFound

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        key = id(node)
        if key in self.wanted:
            self.helpers.update(id(n) for n in (start_node, end_node) if n is not None)
        try:
            yield
        finally:
            if key in self.wanted:
                if start_node is not None and id(start_node) in self.found:
                    hoisted = self.found[id(start_node)]
                    start = (hoisted.start_line, hoisted.start_column)
                end = (self.line, self.column)
                if end_node is not None and id(end_node) in self.found:
                    hoisted = self.found[id(end_node)]
                    end = (hoisted.end_line, hoisted.end_column)
                self.found[key] = Span(start[0], start[1], end[0], end[1])


def node_spans(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, Span]:
    """Positions of ``nodes`` (by ``id``) in ``module``."""
    return _generate(module, _PositionState, nodes).found


@dataclass(frozen=True)
class StatementAt:
    """A statement of a body, the line its code starts on (its leading blank and comment
    lines included), and the indentation its enclosing blocks give every line of it."""

    node: cst.BaseStatement
    line: int
    indents: tuple[str, ...]

    def code(self, module: cst.Module, node: cst.CSTNode | None = None) -> str:
        """The code of ``node`` (default: this statement) written in this statement's
        place: the text the module has there, indentation included."""
        state = CodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            indent_tokens=list(self.indents),
        )
        (self.node if node is None else node)._codegen(state)
        return "".join(state.tokens)


@dataclass
class _StatementState(_PositionState):
    stack: list[StatementAt] = field(default_factory=list)
    enclosing: dict[int, tuple[StatementAt, ...]] = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        # A statement of a body is one level deeper than the statements around it; an
        # `elif` is an `If` at its parent's level, not a statement of its own.
        if isinstance(node, cst.BaseStatement) and len(self.indent_tokens) == len(self.stack):
            self.stack.append(StatementAt(node, self.line, tuple(self.indent_tokens)))
        if id(node) in self.wanted:
            self.enclosing[id(node)] = tuple(self.stack)
        super().before_codegen(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self.stack and self.stack[-1].node is node:
            self.stack.pop()
        super().after_codegen(node)


def enclosing_statements(
    module: cst.Module, nodes: Iterable[cst.CSTNode]
) -> dict[int, tuple[StatementAt, ...]]:
    """For each of ``nodes`` (by ``id``), the statements that hold it, outermost first
    (a statement holds itself): in one code generation, stopped after the last node."""
    return _generate(module, _StatementState, nodes).enclosing


_State = TypeVar("_State", bound=_PositionState)


def _generate(module: cst.Module, state_type: type[_State], nodes: Iterable[cst.CSTNode]) -> _State:
    """Run the code generator with a state of ``state_type`` until the last of ``nodes``
    is done (not at all for none)."""
    wanted = {id(node) for node in nodes}
    state = state_type(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        wanted=wanted,
    )
    if wanted:
        try:
            module._codegen(state)
        except _AllFound:
            pass
    return state
