"""CPython's verdict on a source: its syntax tree, or why jaxlint must not parse it.

Three checks, cheapest first, each by CPython itself (nothing is run):

1. the parser (syntax errors, null bytes, undecodable bytes);
2. the compiler, from the tree the parser made (about two thirds of a parse): errors
   CPython reports only at compile time, such as ``return`` or ``yield`` outside a
   function, ``break`` outside a loop, ``nonlocal`` at module level or an unknown
   ``__future__`` feature;
3. the nesting depth (:mod:`jaxlint.syntax.depth`), beyond which libcst takes minutes
   or crashes the process.

Parser and compiler run under the recursion limit a fresh interpreter has, so a file
nested too deep for ``python`` to import is refused as ``python`` refuses it, whatever
limit the caller raised for its own tree walks.
"""

from __future__ import annotations

import ast
import contextlib
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from jaxlint.syntax.depth import MAX_DEPTH, deeper_than

#: ``sys.getrecursionlimit()`` of a fresh interpreter.
DEFAULT_RECURSION_LIMIT = 1000


@dataclass(frozen=True)
class Refusal:
    """Why a source gets no libcst tree: ``fails`` when CPython itself refuses it (a
    JL000 finding), otherwise it is valid Python nested beyond what jaxlint parses."""

    error: Exception
    fails: bool


class TooDeep(Exception):
    """Valid Python, nested deeper than :data:`~jaxlint.syntax.depth.MAX_DEPTH` levels."""

    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_DEPTH} levels, too deep for libcst")


def _stack_depth() -> int:
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


@contextlib.contextmanager
def fresh_interpreter_recursion() -> Iterator[None]:
    """The recursion limit ``python`` would compile this module under (which bounds the
    nesting CPython's parser and compiler accept, up to Python 3.11)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + DEFAULT_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _too_deep_for_python(error: BaseException) -> SyntaxError:
    # RecursionError's text names no line; MemoryError (the parser's stack) has none.
    return SyntaxError(f"too deeply nested for Python's parser ({type(error).__name__})")


def _compile_tree(source: bytes, tree: ast.Module) -> None:
    """Compile from the tree, which spares a second parse. Reading a tree object back
    into C counts each level harder than the parser does (3.11: a 1,500-term sum is
    refused from the tree, compiled from the text), so only the text has the last word
    on depth."""
    try:
        compile(tree, "<jaxlint>", "exec", dont_inherit=True)
    except RecursionError:
        compile(source, "<jaxlint>", "exec", dont_inherit=True)


def python_tree(source: bytes, *, compiles: bool = True) -> ast.Module | Refusal:
    """CPython's syntax tree of ``source`` once it parses, compiles and nests no deeper
    than libcst can take; otherwise the :class:`Refusal`. Not ``compiles`` for a
    notebook's cells joined into one module: Jupyter compiles each cell alone (a
    ``from __future__`` import opening a later cell, a top-level ``await``), so the
    joined module's compile errors prove nothing; parse errors still do."""
    try:
        with warnings.catch_warnings(), fresh_interpreter_recursion():
            warnings.simplefilter("ignore")  # e.g. invalid escapes: not ours to report
            tree = compile(source, "<jaxlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            if compiles:
                _compile_tree(source, tree)
    except (SyntaxError, ValueError) as error:  # UnicodeDecodeError is a ValueError
        return Refusal(error, fails=True)
    except (RecursionError, MemoryError) as error:
        return Refusal(_too_deep_for_python(error), fails=True)
    if deeper_than(tree):
        return Refusal(TooDeep(), fails=False)
    return tree  # type: ignore[no-any-return]
