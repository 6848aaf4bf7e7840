"""The syntax layer's readers give one answer for both trees (libcst and CPython ``ast``)."""

from __future__ import annotations

import ast
from collections.abc import Callable

import libcst as cst
import pytest

from jaxlint.syntax.chains import chain_parts, dotted
from jaxlint.syntax.imports import ImportStatement, import_table, imported_names
from jaxlint.syntax.literals import (
    Expression,
    literal_int,
    literal_ints,
    literal_strings,
    literal_value,
)
from jaxlint.syntax.options import selected_parameters


def _cst(text: str) -> Expression:
    return cst.parse_expression(text)


def _ast(text: str) -> Expression:
    return ast.parse(text, mode="eval").body


TREES = pytest.mark.parametrize("parse", [_cst, _ast], ids=["libcst", "ast"])


@TREES
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32", 32),
        ("0x20", 32),
        ("0X20", 32),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000", 1000),
        ("-3", -3),
        ("-0x4", -4),
        ("+7", 7),
        ("x", None),
        ("True", None),
        ("1.5", None),
        ("'3'", None),
        ("n + 1", None),
        ("-x", None),
    ],
)
def test_literal_int(parse: Callable[[str], Expression], text: str, expected: int | None) -> None:
    assert literal_int(parse(text)) == expected


@TREES
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0x20", (32,)),
        ("(0, 0b1)", (0, 1)),
        ("[0o2, (3, (4,))]", (2, 3, 4)),
        ("range(0x4)", (0, 1, 2, 3)),
        ("range(1, 7, 2)", (1, 3, 5)),
        ("(0, range(2, 4))", (0, 2, 3)),
        ("()", ()),
        ("(0, n)", None),
        ("(0, *rest)", None),
        ("range(n)", None),
        ("range(0, 4, 0)", None),
        ("range(10**9)", None),
        ("list(range(4))", None),
        ("(0, 'a')", None),
        ("n", None),
    ],
)
def test_literal_ints(
    parse: Callable[[str], Expression], text: str, expected: tuple[int, ...] | None
) -> None:
    assert literal_ints(parse(text)) == expected


@TREES
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'a'", ("a",)),
        ("('a', \"b\")", ("a", "b")),
        ("['a' 'b']", ("ab",)),
        ("(b'a',)", None),
        ("(f'{x}',)", None),
        ("('a', name)", None),
    ],
)
def test_literal_strings(
    parse: Callable[[str], Expression], text: str, expected: tuple[str, ...] | None
) -> None:
    assert literal_strings(parse(text)) == expected


@TREES
def test_literal_value_keeps_the_shape(parse: Callable[[str], Expression]) -> None:
    assert literal_value(parse("(1, ['a', -0x2], range(3))")) == (1, ("a", -2), range(3))
    assert literal_value(parse("{1: 2}")) is None


@TREES
def test_dotted_chains(parse: Callable[[str], Expression]) -> None:
    assert dotted(parse("a")) == "a"
    assert dotted(parse("jax.numpy.sum")) == "jax.numpy.sum"
    assert chain_parts(parse("jax.numpy.sum")) == ["jax", "numpy", "sum"]
    assert dotted(parse("f().sum")) is None
    assert chain_parts(parse("a[0].b")) is None


def _options_cst(text: str) -> list[cst.Arg]:
    call = cst.parse_expression(f"jit(f, {text})")
    assert isinstance(call, cst.Call)
    return list(call.args)


def _options_ast(text: str) -> list[ast.keyword]:
    call = ast.parse(f"jit(f, {text})", mode="eval").body
    assert isinstance(call, ast.Call)
    return call.keywords


OPTION_TREES = pytest.mark.parametrize(
    "options", [_options_cst, _options_ast], ids=["libcst", "ast"]
)
STATIC = (("static_argnums",), ("static_argnames",))


@OPTION_TREES
def test_selection_is_completed_from_the_parameters(options: Callable[[str], list]) -> None:
    params = ["x", "n", "mode"]
    found = selected_parameters(options("static_argnums=0x1"), *STATIC, params)
    assert found is not None
    assert (found.positions, found.names, found.complete) == ({1}, {"n"}, True)
    found = selected_parameters(options("static_argnames=('mode',)"), *STATIC, params)
    assert found is not None and (found.positions, found.names) == ({2}, {"mode"})
    found = selected_parameters(
        options("static_argnums=(0,), static_argnames='mode'"), *STATIC, params
    )
    assert found is not None and (found.positions, found.names) == ({0, 2}, {"x", "mode"})


@OPTION_TREES
def test_selection_without_parameters_or_with_bound_ones(options: Callable[[str], list]) -> None:
    found = selected_parameters(
        options("donate_argnums=0, donate_argnames='y'"),
        ("donate_argnums",),
        ("donate_argnames",),
        None,
    )
    assert found is not None and (found.positions, found.names) == ({0}, {"y"})
    # partial(f, a) bound the first parameter: argnum 0 is the second one.
    found = selected_parameters(options("static_argnums=0"), *STATIC, ["a", "b"], bound=1)
    assert found is not None and (found.positions, found.names) == ({0}, {"b"})


@OPTION_TREES
def test_selection_that_is_not_literal(options: Callable[[str], list]) -> None:
    params = ["x", "n"]
    assert selected_parameters(options("static_argnums=n"), *STATIC, params) is None
    assert selected_parameters(options("donate_argnums=0"), *STATIC, params) is None
    assert selected_parameters(options("static_argnums=()"), *STATIC, params) is None
    partly = selected_parameters(options("static_argnums=(0, n)"), *STATIC, params)
    assert partly is not None and partly.names == {"x"} and not partly.complete
    # A negative argnum counts from each call's last positional argument.
    negative = selected_parameters(options("static_argnums=(0, -1)"), *STATIC, params)
    assert negative is not None and negative.positions == {0} and not negative.complete
    named = selected_parameters(options("static_argnames=('x', name)"), *STATIC, params)
    assert named is not None and named.names == {"x"} and not named.complete


def _statements_cst(text: str) -> list[ImportStatement]:
    module = cst.parse_module(text)
    return [
        small
        for line in module.body
        if isinstance(line, cst.SimpleStatementLine)
        for small in line.body
        if isinstance(small, cst.Import | cst.ImportFrom)
    ]


def _statements_ast(text: str) -> list[ImportStatement]:
    return [node for node in ast.parse(text).body if isinstance(node, ast.Import | ast.ImportFrom)]


IMPORT_TREES = pytest.mark.parametrize(
    "statements", [_statements_cst, _statements_ast], ids=["libcst", "ast"]
)
IMPORTS = """
import jax
import jax.numpy as jnp
import os.path
from functools import partial as bind, reduce
from . import sibling
from .utils import helper as h
from ..core import base
from ... import far
from mod import *
"""


@IMPORT_TREES
def test_import_table_resolves_relative_imports(statements: Callable[[str], list]) -> None:
    table = import_table(statements(IMPORTS), package="pkg.sub")
    assert table == {
        "jax": {"jax"},
        "jnp": {"jax.numpy"},
        "os": {"os"},
        "bind": {"functools.partial"},
        "reduce": {"functools.reduce"},
        "sibling": {"pkg.sub.sibling"},
        "h": {"pkg.sub.utils.helper"},
        "base": {"pkg.core.base"},
        "far": {"...far"},  # above the top-level package: left as written
    }


@IMPORT_TREES
def test_import_table_without_a_package_keeps_the_dots(statements: Callable[[str], list]) -> None:
    table = import_table(statements(IMPORTS))
    assert table["sibling"] == {".sibling"}
    assert table["h"] == {".utils.helper"}
    assert table["base"] == {"..core.base"}
    assert table["far"] == {"...far"}


@IMPORT_TREES
def test_import_table_of_a_top_level_module(statements: Callable[[str], list]) -> None:
    assert import_table(statements("from . import a\nfrom .b import c"), package="") == {
        "a": {"a"},
        "c": {"b.c"},
    }


@IMPORT_TREES
def test_one_name_imported_twice(statements: Callable[[str], list]) -> None:
    text = "import numpy as np\nimport jax.numpy as np"
    assert import_table(statements(text)) == {"np": {"numpy", "jax.numpy"}}
    assert list(imported_names(statements(text)[1])) == [("np", "jax.numpy")]
