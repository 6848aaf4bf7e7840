"""Dotted chains of names, ``a.b.c``, read once for both trees (libcst and ``ast``)."""

from __future__ import annotations

import ast

import libcst as cst

from jaxlint.syntax.literals import Expression


def chain_parts(expr: Expression) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; None for anything but names and attributes
    (``f().b`` and ``a[0].b`` are not chains). The tree is told apart once, not at each
    step: the prefilter asks this of every attribute of every file."""
    parts: list[str] = []
    if isinstance(expr, ast.AST):
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        parts.append(expr.id)
    else:
        while isinstance(expr, cst.Attribute):
            parts.append(expr.attr.value)
            expr = expr.value
        if not isinstance(expr, cst.Name):
            return None
        parts.append(expr.value)
    parts.reverse()
    return parts


def dotted(expr: Expression) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    # Most chains are one name: answer those without building a list.
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, ast.Name):
        return expr.id
    parts = chain_parts(expr)
    return ".".join(parts) if parts is not None else None
