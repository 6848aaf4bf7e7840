"""The fix layer: overlapping fixes wait for the next pass, imports are added once, and
``--fix`` reports the number of fixes really applied."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.fix.edits import (
    Applicability,
    Fix,
    InsertAfter,
    InsertBefore,
    Replace,
    apply_fixes,
    apply_text_edits,
    ensure_import,
    fix_suggestions,
    text_edits,
)
from jaxlint.model import build_model

PRINT_OF_NUMPY = """\
import jax
import numpy as np


@jax.jit
def step(x):
    print(np.sqrt(x))
    return x
"""
PRINT_OF_NUMPY_FIXED = """\
import jax
import numpy as np
import jax.numpy as jnp


@jax.jit
def step(x):
    jax.debug.print("{value}", value=jnp.sqrt(x))
    return x
"""


def test_nested_fixes_are_both_applied_over_two_passes_and_counted_once_each() -> None:
    found = lint_python_source(PRINT_OF_NUMPY, "step.py")
    assert [(f.code, f.line, f.column) for f in found.findings] == [
        ("JL004", 7, 5),
        ("JL007", 7, 11),
    ]
    fixed = lint_python_source(PRINT_OF_NUMPY, "step.py", fix=True, unsafe_fixes=True)
    assert fixed.errors == [] and fixed.warnings == []
    assert fixed.fixed_source is not None
    assert fixed.fixed_source.decode() == PRINT_OF_NUMPY_FIXED
    assert fixed.findings == []
    assert fixed.fixes_applied == 2


def test_fix_summary_line_counts_fixes_applied(tmp_path: Path) -> None:
    target = tmp_path / "step.py"
    target.write_text(PRINT_OF_NUMPY)
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--fix", "--unsafe-fixes", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Found 2 problems (2 fixed, 0 remaining)."
    assert target.read_text() == PRINT_OF_NUMPY_FIXED


def _nodes(module: cst.Module) -> dict[str, cst.CSTNode]:
    """The nodes of ``y = f(g(x))`` / ``z = 1`` by name."""
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    outer = assign.value
    assert isinstance(outer, cst.Call)
    inner = outer.args[0].value
    other = module.body[1]
    assert isinstance(other, cst.SimpleStatementLine)
    other_assign = other.body[0]
    assert isinstance(other_assign, cst.Assign)
    return {
        "statement": statement,
        "outer": outer,
        "inner": inner,
        "other": other,
        "one": other_assign.value,
    }


def test_apply_fixes_defers_fixes_that_overlap_one_already_taken() -> None:
    module = cst.parse_module("y = f(g(x))\nz = 1\n")
    nodes = _nodes(module)
    outer = Fix("outer", (Replace(nodes["outer"], cst.parse_expression("h(x)")),))
    inside = Fix("inside", (Replace(nodes["inner"], cst.parse_expression("k(x)")),))
    around = Fix("around", (Replace(nodes["statement"], cst.parse_statement("y = 0\n")),))
    same = Fix("same", (Replace(nodes["outer"], cst.parse_expression("m(x)")),))
    unrelated = Fix("unrelated", (Replace(nodes["one"], cst.Integer("2")),))
    # Whole or nothing: its unrelated edit is not applied without its overlapping one.
    partly = Fix(
        "partly",
        (
            Replace(nodes["other"], cst.parse_statement("w = 3\n")),
            Replace(nodes["inner"], cst.parse_expression("n(x)")),
        ),
    )

    result = apply_fixes(module, [outer, inside, around, same, unrelated, partly])

    assert result.module.code == "y = h(x)\nz = 2\n"
    assert [fix.title for fix in result.applied] == ["outer", "unrelated"]
    assert [fix.title for fix in result.deferred] == ["inside", "around", "same", "partly"]


def test_apply_fixes_takes_the_inner_fix_when_it_comes_first() -> None:
    module = cst.parse_module("y = f(g(x))\nz = 1\n")
    nodes = _nodes(module)
    inside = Fix("inside", (Replace(nodes["inner"], cst.parse_expression("k(x)")),))
    outer = Fix("outer", (Replace(nodes["outer"], cst.parse_expression("h(x)")),))
    result = apply_fixes(module, [inside, outer])
    assert result.module.code == "y = f(k(x))\nz = 1\n"
    assert [fix.title for fix in result.deferred] == ["outer"]


def test_apply_fixes_inserts_a_statement_asked_for_twice_once() -> None:
    module = cst.parse_module("import numpy as np\ny = 1\nz = 1\n")
    anchor = module.body[0]
    y_value = module.body[1].body[0].value  # type: ignore[attr-defined]
    z_value = module.body[2].body[0].value  # type: ignore[attr-defined]
    statement = "import jax.numpy as jnp\n"
    fixes = [
        Fix(
            name,
            (
                Replace(value, cst.Integer("2")),
                InsertAfter(anchor, cst.parse_statement(statement)),  # type: ignore[arg-type]
            ),
        )
        for name, value in (("y", y_value), ("z", z_value))
    ]
    result = apply_fixes(module, fixes)
    assert result.module.code == "import numpy as np\nimport jax.numpy as jnp\ny = 2\nz = 2\n"
    assert len(result.applied) == 2 and result.deferred == ()


def test_the_same_import_at_another_anchor_waits_for_the_next_pass() -> None:
    module = cst.parse_module("import numpy as np\nimport numpy as onp\n")
    first, second = module.body
    statement = "import jax.numpy as jnp\n"
    at_first = Fix("first", (InsertAfter(first, cst.parse_statement(statement)),))  # type: ignore[arg-type]
    at_second = Fix("second", (InsertAfter(second, cst.parse_statement(statement)),))  # type: ignore[arg-type]
    result = apply_fixes(module, [at_first, at_second])
    assert (
        result.module.code == "import numpy as np\nimport jax.numpy as jnp\nimport numpy as onp\n"
    )
    assert [fix.title for fix in result.deferred] == ["second"]


def test_two_numpy_fixes_add_one_jnp_import_in_one_pass() -> None:
    source = textwrap.dedent(
        """\
        import jax
        import numpy as np


        @jax.jit
        def step(x):
            y = np.sin(x)
            return np.cos(y)
        """
    )
    found = lint_python_source(source, "step.py", Settings(select=("JL007",)))
    assert [(f.code, f.line) for f in found.findings] == [("JL007", 7), ("JL007", 8)]
    assert {f.fix_available for f in found.findings} == {Applicability.UNSAFE}
    fixed = lint_python_source(
        source, "step.py", Settings(select=("JL007",)), fix=True, unsafe_fixes=True
    )
    assert fixed.fixes_applied == 2 and fixed.findings == []
    assert fixed.fixed_source is not None
    assert fixed.fixed_source.decode() == textwrap.dedent(
        """\
        import jax
        import numpy as np
        import jax.numpy as jnp


        @jax.jit
        def step(x):
            y = jnp.sin(x)
            return jnp.cos(y)
        """
    )


def test_ensure_import_finds_the_alias_or_refuses_a_name_taken() -> None:
    bound = build_model(cst.parse_module("import jax.numpy as jnp\nimport numpy as np\n"))
    scope = bound.module_scope
    assert ensure_import(bound, "jax.numpy", "jnp", scope=scope, after=None) == ()

    unbound = build_model(cst.parse_module("import numpy as np\n"))
    anchor = unbound.module.body[0]
    edits = ensure_import(unbound, "jax.numpy", "jnp", scope=unbound.module_scope, after=anchor)
    assert edits is not None and len(edits) == 1
    (edit,) = edits
    assert isinstance(edit, InsertAfter) and edit.anchor is anchor
    assert edit.code == "import jax.numpy as jnp\n"
    # Unbound but nowhere to put the import: no fix.
    assert (
        ensure_import(unbound, "jax.numpy", "jnp", scope=unbound.module_scope, after=None) is None
    )

    taken = build_model(cst.parse_module("import numpy as jnp\n"))
    assert ensure_import(taken, "jax.numpy", "jnp", scope=taken.module_scope, after=None) is None


def test_fix_summary_line_counts_what_was_found_fixed_and_left(tmp_path: Path) -> None:
    target = tmp_path / "step.py"
    target.write_text(
        # `x.ndim`: one array, not a list of tracers, so `x[0] = 1.0` surely fails
        "import jax\n\n\n@jax.jit\ndef step(x):\n    x[0] = 1.0\n    print(x)\n"
        "    return x * x.ndim\n"
    )
    result = CliRunner().invoke(main, ["check", "--no-cache", "--fix", str(target)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in lines[:-2]] == ["JL004"]
    assert lines[-2:] == [
        "Found 2 problems (1 fixed, 1 remaining).",
        "(1 hidden fix can be enabled with --unsafe-fixes.)",
    ]
    assert "    x = x.at[0].set(1.0)\n    print(x)\n" in target.read_text()


def test_text_edits_applied_give_the_new_text() -> None:
    """What the language server checks before offering a fix: the edits, made on the old
    text, give the new one (line breaks of every kind, a last line without one)."""
    pairs = [
        ("a = 1\nb = 2\n", "a = 1\nb = x.at[0].set(2)\nc = 3\n"),
        ("x[0] = 1\r\ny = 2\r\n", "x = x.at[0].set(1)\r\ny = 2\r\n"),
        ("import numpy as np\rnp.sqrt(x)", "import jax.numpy as jnp\rjnp.sqrt(x)\n"),
        ("keep\ndrop\n", "keep\n"),
        ("", "new\n"),
    ]
    for before, after in pairs:
        edits = text_edits(before, after)
        assert edits and apply_text_edits(before, edits) == after
        assert apply_text_edits(before, ()) == before


def test_insert_before_and_remove_a_statement_as_text_edits_too() -> None:
    """A hoist: a statement inserted before a loop, one removed from its body (an
    emptied body becomes `pass`); the text edits give the same code as the tree edits."""
    module = cst.parse_module("for x in xs:\n    g = f\nfor y in ys:\n    h(y)\n    k = 1\n")
    first, second = module.body
    assert isinstance(first, cst.For) and isinstance(second, cst.For)
    moved = first.body.body[0]  # type: ignore[index]
    dropped = second.body.body[1]  # type: ignore[index]
    fixes = [
        Fix(
            "hoist",
            (
                InsertBefore(first, cst.parse_statement("g = f\n")),
                Replace(moved, cst.RemoveFromParent()),
            ),
        ),
        Fix("drop", (Replace(dropped, cst.RemoveFromParent()),)),
    ]
    result = apply_fixes(module, fixes)
    assert result.module.code == "g = f\nfor x in xs:\n    pass\nfor y in ys:\n    h(y)\n"
    assert len(result.applied) == 2
    text = module.code
    for suggestion, fix in zip(fix_suggestions(module, fixes), fixes, strict=True):
        assert apply_text_edits(text, suggestion.edits) == apply_fixes(module, [fix]).module.code


def test_one_name_bound_to_two_values_at_one_anchor_waits_for_the_next_pass() -> None:
    module = cst.parse_module("for x in xs:\n    a(x)\n    b(x)\n")
    loop = module.body[0]
    assert isinstance(loop, cst.For)
    calls = [line.body[0].value.func for line in loop.body.body]  # type: ignore[attr-defined]

    def hoist(title: str, code: str, call: cst.CSTNode) -> Fix:
        statement = cst.parse_statement(f"f_jit = {code}\n")
        return Fix(title, (InsertBefore(loop, statement), Replace(call, cst.Name("f_jit"))))

    same = [hoist("a", "jit(f)", calls[0]), hoist("b", "jit(f)", calls[1])]
    result = apply_fixes(module, same)
    assert result.module.code == "f_jit = jit(f)\nfor x in xs:\n    f_jit(x)\n    f_jit(x)\n"
    other = [hoist("a", "jit(f)", calls[0]), hoist("b", "jit(g)", calls[1])]
    result = apply_fixes(module, other)
    assert [fix.title for fix in result.deferred] == ["b"]
    assert result.module.code == "f_jit = jit(f)\nfor x in xs:\n    f_jit(x)\n    b(x)\n"


NESTED = (
    "import jax.numpy as jnp\n"
    "\n"
    "class Model:\n"
    "\t# tab-indented class\n"
    "\tdef first(self, x):\n"
    "\t\tif x.ndim:\n"
    "\t\t\tpass\n"
    "\t\telif x.size:\n"
    "\n"
    "\t\t\t# a comment line before the statement\n"
    "\t\t\ty = jnp.zeros(3)\n"
    "\t\treturn x\n"
    "\n"
    "\tdef second(self, x):\n"
    "\t\tz = jnp.ones(3)\n"
    "\t\treturn z\n"
)


def test_fix_edits_inside_nested_statements_reproduce_the_applied_fix() -> None:
    """A fix's text edits are computed on the innermost statement that holds it (so that a
    class with many fixes costs no more than its methods): made on the file, they give what
    applying the fix to the whole module gives, for replacements and insertions in nested
    blocks, after comment lines, in an `elif` branch, with tabs."""
    module = cst.parse_module(NESTED)
    assignments = [
        node
        for node in _walk(module)
        if isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], cst.Assign)
    ]
    first, second = assignments
    value = first.body[0].value  # type: ignore[attr-defined]
    fixes = [
        Fix("replace a call", (Replace(value, cst.parse_expression("jnp.ones(4)")),)),
        Fix("insert after", (InsertAfter(first, cst.parse_statement("w = y\n")),)),
        Fix("replace a statement", (Replace(second, cst.parse_statement("z = jnp.eye(3)\n")),)),
        Fix(
            "two methods at once",
            (
                Replace(value, cst.parse_expression("jnp.ones(5)")),
                InsertAfter(second, cst.parse_statement("q = z\n")),
            ),
        ),
    ]
    for fix, suggestion in zip(fixes, fix_suggestions(module, fixes), strict=True):
        assert suggestion.edits, fix.title
        expected = apply_fixes(module, [fix]).module.code
        assert apply_text_edits(NESTED, suggestion.edits) == expected, fix.title


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found = [node]
    for child in node.children:
        found += _walk(child)
    return found


def test_fix_edits_of_a_removed_sole_statement_keep_its_body_valid() -> None:
    """A fix that removes the only statement of a body: the text edits, like the fix,
    leave `pass` there (the body is written by the statement around it)."""
    source = "def f(x):\n    for i in x:\n        y = i\n    return x\n"
    module = cst.parse_module(source)
    sole = [node for node in _walk(module) if isinstance(node, cst.SimpleStatementLine)][0]
    fix = Fix("remove it", (Replace(sole, cst.RemoveFromParent()),))
    (suggestion,) = fix_suggestions(module, [fix])
    fixed = apply_text_edits(source, suggestion.edits)
    assert fixed == apply_fixes(module, [fix]).module.code
    assert fixed == "def f(x):\n    for i in x:\n        pass\n    return x\n"
