"""Turning ``print(...)`` in traced code into ``jax.debug.print(...)``: its arguments as a
format string and keywords, where they convert cleanly."""

from __future__ import annotations

import ast
import re

import libcst as cst

from jaxlint.model import dotted

#: Keyword names ``jax.debug.print`` takes itself: never usable for a printed value.
_RESERVED_KEYWORDS = frozenset({"fmt", "ordered", "partitioned"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _formats_at_trace_time(expr: cst.BaseExpression) -> bool:
    """A string built in Python from its operands (``str(x)``, ``repr(x)``, ``"%s" % x``,
    ``"{}".format(x)``): handed to ``jax.debug.print`` it would still show the tracer."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
        return isinstance(expr.left, cst.BaseString)
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    if isinstance(func, cst.Attribute):
        return func.attr.value == "format" and isinstance(func.value, cst.BaseString)
    return isinstance(func, cst.Name) and func.value in ("str", "repr", "ascii", "format")


def _string_literal(value: str) -> str:
    """A double-quoted Python literal for ``value``."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _keyword_for(expr: cst.BaseExpression, taken: dict[str, str], code: str) -> str:
    """A keyword name for a printed expression: its own name where it has one."""
    base = (dotted(expr) or "").replace(".", "_") or "value"
    if not _IDENTIFIER.match(base) or base in _RESERVED_KEYWORDS:
        base = "value"
    name, number = base, 1
    while name in taken and taken[name] != code:
        number += 1
        name = f"{base}{number}"
    taken[name] = code
    return name


class _PrintConversion:
    """``print(...)`` arguments as a ``jax.debug.print`` format string and keywords."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.keywords: dict[str, cst.BaseExpression] = {}
        self.taken: dict[str, str] = {}

    def placeholder(self, expr: cst.BaseExpression) -> str:
        code = cst.Module(body=[]).code_for_node(expr)
        name = _keyword_for(expr, self.taken, code)
        self.keywords.setdefault(name, expr)
        return "{" + name + "}"

    def add(self, value: cst.BaseExpression) -> bool:
        """Convert one positional argument of ``print``; False where it is not clean."""
        if isinstance(value, cst.SimpleString):
            text = value.evaluated_value
            if not isinstance(text, str):
                return False
            self.pieces.append(text.replace("{", "{{").replace("}", "}}"))
            return True
        if isinstance(value, cst.FormattedString):
            if value.prefix.lower() != "f":
                return False  # raw or bytes f-strings: keep it simple
            quote = value.end
            piece = []
            for part in value.parts:
                if isinstance(part, cst.FormattedStringText):
                    # The text keeps its escapes and doubled braces, which a format
                    # string wants too; only the backslash escapes need evaluating.
                    piece.append(ast.literal_eval(quote + part.value + quote))
                elif (
                    part.conversion is not None
                    or part.format_spec is not None
                    or part.equal is not None
                ):
                    return False  # `{x!r}`, `{x:.3f}`, `{x=}` do not carry over to arrays
                else:
                    piece.append(self.placeholder(part.expression))
            self.pieces.append("".join(piece))
            return True
        if isinstance(value, cst.ConcatenatedString | cst.StarredElement):
            return False
        if _formats_at_trace_time(value):
            return False  # `repr(x)`, `"%s" % x`: a string made from the tracer, not its value
        self.pieces.append(self.placeholder(value))
        return True


def debug_print_of(call: cst.Call) -> cst.Call | None:
    """``jax.debug.print("loss {loss}", loss=loss)`` for ``print(f"loss {loss}")``; None
    where an argument does not convert cleanly (keywords, ``*args``, ``repr(x)``, ...)."""
    if any(arg.keyword is not None or arg.star for arg in call.args):
        return None
    conversion = _PrintConversion()
    if not all(conversion.add(arg.value) for arg in call.args):
        return None
    no_space = cst.SimpleWhitespace("")
    args = [cst.Arg(cst.SimpleString(_string_literal(" ".join(conversion.pieces))))]
    args += [
        cst.Arg(
            value,
            keyword=cst.Name(keyword),
            equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
        )
        for keyword, value in conversion.keywords.items()
    ]
    return call.with_changes(func=cst.parse_expression("jax.debug.print"), args=args)
