"""From bytes to a libcst tree, safely: parse guards, JL000 findings, the JAX pre-filter.

CPython decides first (:mod:`jaxlint.syntax.compiled`): its parser and compiler give the
JL000 verdict, with the clearer message and position, and a depth measure keeps files
nested deep enough to crash libcst's native parser away from it.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import os
import re
import sys
import warnings
from collections.abc import Iterator

import libcst as cst

from jaxlint.config import Settings
from jaxlint.driver.validation import unchecked_nodes
from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Finding
from jaxlint.syntax.compiled import Refusal, python_tree

# A file worth modelling imports from the JAX ecosystem, imports relatively (a project
# module may), or already calls ``.at[...]`` on something.
_ECOSYSTEM = "|".join(map(re.escape, jf.JAX_ECOSYSTEM))
_AT = re.escape(jf.AT_PROPERTY)
#: Where a statement may start: the start of a line (``\n``, ``\r\n`` or a lone ``\r``, as
#: Python counts lines), then indentation. Never ``^\s*``: on a run of blank lines that
#: backtracks over every one of them from every line start (quadratic).
_LINE_START = r"(?:^|(?<=\r))[ \t\f]*"
_JAX_HINT = re.compile(
    rf"{_LINE_START}(?:from|import)\s+(?:\.|(?:{_ECOSYSTEM})\b)|\.{_AT}\[", re.MULTILINE
)


def parse_error_finding(path: str, error: Exception) -> Finding:
    """JL000 from a libcst or Python syntax error, or a decoding error."""
    line, column = 1, 1
    if isinstance(error, cst.ParserSyntaxError):
        line, column = error.raw_line, error.raw_column + 1
        message = error.message
    elif isinstance(error, SyntaxError):
        line, column = error.lineno or 1, (error.offset or 1)
        message = error.msg
    elif isinstance(error, ValueError) and "null bytes" in str(error):
        message = "source code cannot contain null bytes"
    elif isinstance(error, UnicodeDecodeError):
        message = f"cannot decode file: {error.reason} at byte {error.start}"
    else:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Finding(
        path, line, column, line, column, "JL000", "syntax-error", f"SyntaxError: {message}"
    )


def unreadable_file_finding(path: str, error: OSError) -> Finding:
    """JL000 for a file that cannot be read at all."""
    message = f"cannot read file: {error.strerror or error}"
    return Finding(path, 1, 1, 1, 1, "JL000", "syntax-error", message)


def parse(source: bytes, *, checked: bool = False, compiles: bool = True) -> cst.Module:
    """Parse bytes as libcst does (PEP 263 cookie, BOM), never returning half a tree.
    Unless ``checked`` (CPython's :func:`~jaxlint.syntax.compiled.python_tree` accepted
    these bytes already), CPython decides first: its syntax or compile error, or
    :class:`~jaxlint.syntax.compiled.TooDeep`, is raised, and libcst never sees a file
    nested deep enough to crash it."""
    if not checked:
        verdict = python_tree(source, compiles=compiles)  # not a notebook's joined cells
        if isinstance(verdict, Refusal) and not newer_python(source, verdict):
            raise verdict.error
    with unchecked_nodes():  # what the parser builds, its grammar accepted
        return cst.parse_module(source)


#: What Python 3.11's parser says of PEP 695 syntax: ``type X = ...`` and ``class C[T]``
#: are "invalid syntax", ``def f[T](...)`` is "expected '('" (as is ``def f x:``, which
#: libcst refuses too, so the error stands).
NEWER_GRAMMAR_MESSAGES = ("invalid syntax", "expected '('")


def newer_python(source: bytes, refusal: Refusal) -> bool:
    """Whether ``source`` is Python newer than this interpreter reads (``type X = ...``
    and ``def f[T]`` on Python 3.11): CPython's parser refuses it with one of
    ``NEWER_GRAMMAR_MESSAGES``, and libcst, which reads newer grammar, accepts it. Not a JL000: the file is
    valid where it runs. Never tried for nesting errors, which libcst could crash on."""
    error = refusal.error
    if not refusal.fails or not isinstance(error, SyntaxError):
        return False
    if error.msg not in NEWER_GRAMMAR_MESSAGES:
        return False
    if isinstance(error, IndentationError | TabError):
        return False
    try:
        cst.parse_module(source)
    except Exception:  # noqa: BLE001 - libcst refuses it too: CPython's error stands
        return False
    return True


def python_parses(source: bytes) -> bool:
    """CPython's own parser (no compilation, nothing run): about ten times faster than
    libcst, so files no rule looks at are only checked for JL000 this way."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escapes: not ours to report
            compile(source, "<jaxlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except Exception:  # noqa: BLE001 - any failure sends the file down the full path
        return False
    return True


def decoded_hint(source: bytes) -> str:
    """The text for the pre-filter and ``# noqa``: without the BOM, or ``^import jax``
    would not match on the first line; undecodable bytes replaced, never an error."""
    return source.decode("utf-8-sig", errors="replace")


#: Long operator chains (``a + b + ...`` with thousands of terms, as generated code has)
#: nest as deep in the tree; walking them needs more than Python's default 1000 frames.
RECURSION_LIMIT = 20_000


@contextlib.contextmanager
def deep_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@functools.lru_cache(maxsize=8)
def _project_import_hint(root: str) -> re.Pattern[str] | None:
    """Imports of the project's own top-level modules (at the root, or under ``src/``):
    such a module may bring JAX in, so a file importing one is worth modelling."""
    names: set[str] = set()
    for folder in (root, os.path.join(root, "src")):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name.removesuffix(".py")
            if name.isidentifier() and (
                entry.name.endswith(".py")
                or os.path.isfile(os.path.join(entry.path, "__init__.py"))
            ):
                names.add(name)
    names.difference_update(jf.JAX_ECOSYSTEM)
    if not names:
        return None
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"{_LINE_START}(?:from|import)\s+(?:{alternatives})\b", re.MULTILINE)


def looks_like_jax(text: str, settings: Settings) -> bool:
    """Whether a file may hold anything a rule can flag: every rule needs JAX in sight
    (an import from the ecosystem or from the project, or a configured decorator)."""
    if settings.traced_decorators or _JAX_HINT.search(text) is not None:
        return True
    project = _project_import_hint(os.path.abspath(settings.root))
    return project is not None and project.search(text) is not None
