"""JAX facts live in ``jaxlint/facts/``, once: no rule module and no shared question keeps
its own table of qualified names (``"jax.jit"``, ``"numpy.asarray"``), where a second copy
would drift from the first."""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jaxlint"
CHECKED = sorted([*PACKAGE.glob("rules/*.py"), *PACKAGE.glob("model/analyze/*.py")])
#: ``jax.jit``, ``numpy.asarray``, or a prefix of such names (``"flax."``).
QUALIFIED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\.|[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
DISPLAYS = (cst.Set, cst.Tuple, cst.List, cst.Dict, cst.SetComp, cst.ListComp, cst.DictComp)
WRAPPERS = ("frozenset", "set", "tuple", "list", "dict")


def _table_of_qualified_names(value: cst.BaseExpression) -> str | None:
    """The first qualified name held by ``value`` if it is a display (or a ``frozenset``,
    ``set``, ``tuple``, ``list`` or ``dict`` call of one), else None."""
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in WRAPPERS
    ):
        return next(
            (found for arg in value.args if (found := _table_of_qualified_names(arg.value))),
            None,
        )
    if isinstance(value, cst.BinaryOperation):  # `A | frozenset({...})`
        return _table_of_qualified_names(value.left) or _table_of_qualified_names(value.right)
    if not isinstance(value, DISPLAYS):
        return None
    for node in _strings(value):
        text = node.evaluated_value if isinstance(node, cst.SimpleString) else None
        if isinstance(text, str) and QUALIFIED_NAME.fullmatch(text):
            return text
    return None


def _strings(node: cst.CSTNode) -> list[cst.BaseString]:
    found: list[cst.BaseString] = []

    class Collect(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

        def visit_FormattedString(self, string: cst.FormattedString) -> None:
            found.append(string)

    node.visit(Collect())
    return found


def _tables(path: Path) -> list[str]:
    """``NAME = {...}`` at module or class level holding a qualified name."""
    module = cst.parse_module(path.read_text())
    bodies: list[cst.BaseSuite | cst.Module] = [module]
    bodies += [s.body for s in module.body if isinstance(s, cst.ClassDef)]
    found: list[str] = []
    for body in bodies:
        statements = body.body if isinstance(body, cst.Module) else body.body
        for statement in statements:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                value = small.value if isinstance(small, cst.Assign | cst.AnnAssign) else None
                name = value is not None and _table_of_qualified_names(value)
                if name:
                    found.append(
                        f"{cst.Module([]).code_for_node(small).split('=')[0].strip()}"
                        f" holds {name!r}"
                    )
    return found


@pytest.mark.parametrize("path", CHECKED, ids=[str(p.relative_to(PACKAGE)) for p in CHECKED])
def test_no_table_of_qualified_names_outside_facts(path: Path) -> None:
    assert _tables(path) == [], f"move these tables to jaxlint/facts/: {_tables(path)}"


@pytest.mark.parametrize(
    "source",
    [
        'CALLS = frozenset({"jax.jit", "jax.pmap"})',
        'CALLS = ("print", "logging.info")',
        'class Rule:\n    NAMES: dict[str, str] = {"numpy.asarray": "array"}',
        'TABLE = {f"{m}.zeros": "array" for m in ("jax.numpy", "numpy")}',
    ],
)
def test_the_check_finds_a_table(source: str, tmp_path: Path) -> None:
    path = tmp_path / "rule.py"
    path.write_text(source + "\n")
    assert _tables(path)


@pytest.mark.parametrize(
    "source",
    ['METHODS = ("__init__", "setup")', 'MESSAGE = "see jax.jit"', "KINDS = (cst.List,)"],
)
def test_the_check_passes_other_assignments(source: str, tmp_path: Path) -> None:
    path = tmp_path / "rule.py"
    path.write_text(source + "\n")
    assert _tables(path) == []
