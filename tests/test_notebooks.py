"""Jupyter notebooks (issue 10.1): code cells linted as one module, IPython syntax
skipped, findings per cell in every format, ``--fix`` touching only cell sources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, invoke_cli

TRAINING = ROOT / "tests" / "notebooks" / "training.ipynb"


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    """A copy of a notebook as Jupyter saves it: magics, shell escapes, a ``%%bash``
    cell, a help line, outputs (text and an image), execution counts, metadata."""
    target = tmp_path / "training.ipynb"
    shutil.copyfile(TRAINING, target)
    return target


def _code_cell(source: Any, count: int | None = 1) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def _notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_findings_are_reported_per_cell(notebook: Path) -> None:
    code, out, err = invoke_cli(["--no-cache", "training.ipynb"], cwd=notebook.parent)
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        "training.ipynb:cell 4:3:1: JL001 [*] In-place update of JAX array `x`: JAX arrays "
        "are immutable; use `x = x.at[0].set(1.0)`",
        "training.ipynb:cell 5:4:5: JL004 `print` in traced code (in step, decorated with "
        "@jax.jit) runs once, at trace time, and shows tracers, not values; use "
        "`jax.debug.print`",
        "Found 2 problems (1 fixable with --fix).",
        "(1 hidden fix can be enabled with --unsafe-fixes.)",
    ]
    # Not reported: the magics (no JL000), `x[0] = 1` in the %%bash cell, and the
    # `x[i] = 2.0` line of cell 4, which has a noqa comment for JL001.


def test_cells_share_names(tmp_path: Path) -> None:
    """``x[0] = 1.0`` is an in-place update because an earlier cell made ``x`` an array."""
    use = _code_cell(["x[0] = 1.0\n"], 2)
    (tmp_path / "both.ipynb").write_text(
        json.dumps(
            _notebook(
                _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(3)"]),
                {"cell_type": "markdown", "metadata": {}, "source": ["text"]},
                use,
            )
        )
    )
    (tmp_path / "alone.ipynb").write_text(json.dumps(_notebook(use)))
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["cell"], f["line"], f["code"]) for f in json.loads(out)] == [
        ("both.ipynb", 3, 1, "JL001")
    ]


def test_json_github_and_sarif_carry_the_cell(notebook: Path) -> None:
    cwd = notebook.parent
    _, out, _ = invoke_cli(["--no-cache", "--format", "json", "training.ipynb"], cwd=cwd)
    first = json.loads(out)[0]
    # The fix's edits count lines in the cell, as the finding does.
    assert [edit["location"]["line"] for edit in first.pop("fix")["edits"]] == [3]
    assert first.pop("doc") == "jaxlint rule JL001"
    assert first == {
        "path": "training.ipynb",
        "line": 3,
        "column": 1,
        "end_line": 3,
        "end_column": 5,
        "code": "JL001",
        "name": "inplace-update",
        "message": "In-place update of JAX array `x`: JAX arrays are immutable; use "
        "`x = x.at[0].set(1.0)`",
        "fixable": True,
        "cell": 4,
    }
    # GitHub and SARIF place a finding on a line of the file as stored: the line of the
    # .ipynb JSON holding the cell's line (83: `"x[0] = 1.0\n",`), without columns; the
    # title, message and properties say where in the cell.
    _, out, _ = invoke_cli(["--no-cache", "--format", "github", "training.ipynb"], cwd=cwd)
    assert out.splitlines() == [
        "::error file=training.ipynb,line=83,title=JL001 inplace-update "
        "(cell 4%2C line 3%2C column 1)::In-place update of JAX array `x`: JAX arrays are "
        "immutable; use `x = x.at[0].set(1.0)`",
        "::error file=training.ipynb,line=120,title=JL004 trace-time-side-effect "
        "(cell 5%2C line 4%2C column 5)::`print` in traced code (in step, decorated with "
        "@jax.jit) runs once, at trace time, and shows tracers, not values; use "
        "`jax.debug.print`",
    ]
    lines = notebook.read_text(encoding="utf-8").splitlines()
    assert lines[82].strip() == '"x[0] = 1.0\\n",'
    assert lines[119].strip() == '"    print(\\"tracing\\", params)\\n",'
    _, out, _ = invoke_cli(["--no-cache", "--format", "sarif", "training.ipynb"], cwd=cwd)
    results = json.loads(out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"] for r in results] == [
        {
            "artifactLocation": {"uri": "training.ipynb", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line},
        }
        for line in (83, 120)
    ]
    assert [r["properties"] for r in results] == [
        {"cell": 4, "cellLine": 3, "cellColumn": 1, "cellEndLine": 3, "cellEndColumn": 5},
        {"cell": 5, "cellLine": 4, "cellColumn": 5, "cellEndLine": 4, "cellEndColumn": 29},
    ]
    assert results[0]["message"]["text"].endswith(
        "`x = x.at[0].set(1.0)` (cell 4, line 3, column 1)"
    )


def test_fix_rewrites_only_the_cell_sources(notebook: Path) -> None:
    before = notebook.read_text(encoding="utf-8")
    code, out, _ = invoke_cli(
        ["--no-cache", "--fix", "--unsafe-fixes", "training.ipynb"], cwd=notebook.parent
    )
    assert code == 0
    assert out == "Found 2 problems (2 fixed, 0 remaining).\n"
    after = notebook.read_text(encoding="utf-8")
    # Byte for byte, the file is the original with the two fixed lines replaced: outputs,
    # the image, execution counts, metadata, indentation, key order, the µ and the —,
    # and the final newline are untouched.
    expected = before.replace('"x[0] = 1.0\\n"', '"x = x.at[0].set(1.0)\\n"').replace(
        '"    print(\\"tracing\\", params)\\n"',
        '"    jax.debug.print(\\"tracing {params}\\", params=params)\\n"',
    )
    assert expected != before
    assert after == expected
    assert invoke_cli(["--no-cache", "training.ipynb"], cwd=notebook.parent)[0] == 0


def test_fix_keeps_another_writers_json_style(tmp_path: Path) -> None:
    """Two-space indentation, escaped non-ASCII, sources as one string, unsorted keys,
    no final newline: re-encoding the edited notebook in that style gives the file."""
    data = _notebook(
        _code_cell("import jax.numpy as jnp\n\nx = jnp.zeros(2)  # café\nx[1] = 3.0"),
        {"cell_type": "markdown", "metadata": {"z": 1, "a": 2}, "source": "naïve"},
    )
    path = tmp_path / "styled.ipynb"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=True))
    code, _, _ = invoke_cli(["--no-cache", "--fix", "styled.ipynb"], cwd=tmp_path)
    assert code == 0
    data["cells"][0]["source"] = (
        "import jax.numpy as jnp\n\nx = jnp.zeros(2)  # café\nx = x.at[1].set(3.0)"
    )
    assert path.read_text() == json.dumps(data, indent=2, ensure_ascii=True)


def test_fix_that_adds_a_line_keeps_the_list_layout(tmp_path: Path) -> None:
    """A fix that inserts an import grows the cell's list of lines, indented as before."""
    data = _notebook(
        _code_cell(["import numpy as np\n", "import jax\n"]),
        _code_cell(["@jax.jit\n", "def f(x):\n", "    return np.sin(x)"], 2),
    )
    path = tmp_path / "grow.ipynb"
    path.write_text(json.dumps(data, indent=1) + "\n")
    code, out, _ = invoke_cli(["--no-cache", "--fix", "--unsafe-fixes", "grow.ipynb"], cwd=tmp_path)
    assert (code, out) == (0, "Found 1 problem (1 fixed, 0 remaining).\n")
    fixed = json.loads(path.read_text())
    assert fixed["cells"][0]["source"] == [
        "import numpy as np\n",
        "import jax.numpy as jnp\n",
        "import jax\n",
    ]
    assert fixed["cells"][1]["source"][2] == "    return jnp.sin(x)"
    data["cells"] = fixed["cells"]
    assert path.read_text() == json.dumps(data, indent=1) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cells": [', "malformed notebook: invalid JSON at line 1 column 12"),
        ('{"cells": 3}', "malformed notebook: no list of `cells` at the top level"),
        (
            '{"cells": [{"cell_type": "code", "source": 7}]}',
            "malformed notebook: the source of cell 1 is not text",
        ),
        (
            # JSON's escape for half a surrogate pair: no text, and no UTF-8 for Python.
            '{"cells": [{"cell_type": "code", "source": "import jax\\nx = \\"\\ud800\\"\\n"}]}',
            "malformed notebook: cell 1 contains a lone surrogate (U+D800), which is not text",
        ),
    ],
)
def test_a_malformed_notebook_is_a_jl000(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "broken.ipynb").write_text(text)
    code, out, _ = invoke_cli(["--no-cache", "broken.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith(f"broken.ipynb:1:1: JL000 {message}")


def test_a_syntax_error_in_a_cell_is_placed_in_it(tmp_path: Path) -> None:
    data = _notebook(_code_cell(["%time 1\n", "x = 1\n"]), _code_cell(["y = (\n", "z = 2\n"]))
    (tmp_path / "bad.ipynb").write_text(json.dumps(data))
    code, out, _ = invoke_cli(["--no-cache", "bad.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("bad.ipynb:cell 2:1:")
    assert " JL000 " in out.splitlines()[0]


def test_cells_compile_alone_as_jupyter_compiles_them(tmp_path: Path) -> None:
    """A later cell may open with a ``from __future__`` import (Jupyter compiles each
    cell alone): no JL000 for the joined module, the findings are still reported, and
    ``--fix`` still writes."""
    data = _notebook(
        _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(3)\n"]),
        _code_cell(["from __future__ import annotations\n", "x[0] = 1.0\n"], 2),
    )
    (tmp_path / "future.ipynb").write_text(json.dumps(data))
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    assert [(f["cell"], f["line"], f["code"]) for f in json.loads(out)] == [(2, 2, "JL001")]
    code, _, _ = invoke_cli(["--no-cache", "--fix", "."], cwd=tmp_path)
    assert code == 0
    fixed = json.loads((tmp_path / "future.ipynb").read_text())
    assert "x = x.at[0].set(1.0)" in "".join(fixed["cells"][1]["source"])


def test_cells_ipython_runs_as_written_are_no_syntax_errors(tmp_path: Path) -> None:
    """A Colab form's comment lines before a cell magic (`%%latex` is still the cell's
    magic), and a cell indented as a whole (IPython strips the first line's indentation
    from every line): no JL000; the indented cell is linted, at its own columns, and
    fixed in place. A cell whose lines do not share the indentation stays an error."""
    data = _notebook(
        _code_cell(["import jax.numpy as jnp\n"]),
        _code_cell(["# @title Answer\n", "%%latex\n", "\\begin{aligned} f(x) \\\\\n"], 2),
        _code_cell(["  x = jnp.zeros(3)\n", "\n", "  for i in range(2):\n", "    x[i] = 1.0\n"], 3),
    )
    (tmp_path / "forms.ipynb").write_text(json.dumps(data))
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    found = [(f["cell"], f["line"], f["column"], f["code"]) for f in json.loads(out)]
    assert found == [(3, 4, 5, "JL001")]
    code, _, _ = invoke_cli(["--no-cache", "--fix", "."], cwd=tmp_path)
    assert code == 0
    fixed = json.loads((tmp_path / "forms.ipynb").read_text())
    assert fixed["cells"][2]["source"][3] == "    x = x.at[i].set(1.0)\n"
    assert fixed["cells"][:2] == data["cells"][:2]
    ragged = _notebook(_code_cell(["import jax\n"]), _code_cell(["    x = 1\n", "  y = 2\n"], 2))
    (tmp_path / "forms.ipynb").write_text(json.dumps(ragged))
    code, out, _ = invoke_cli(["--no-cache", "."], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("forms.ipynb:cell 2:2:")
    assert " JL000 " in out.splitlines()[0]


def test_a_one_line_automagic_cell_is_no_syntax_error(tmp_path: Path) -> None:
    """``pip install x`` alone in a cell runs as ``%pip`` (IPython's automagic, applied
    to one-line cells only): no JL000, and the fix leaves it as written. The same line
    followed by code is a syntax error where IPython runs it."""
    data = _notebook(
        _code_cell(["pip install -q numpyro\n"]),
        _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(3)\n", "x[0] = 1.0\n"], 2),
    )
    (tmp_path / "magic.ipynb").write_text(json.dumps(data))
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    assert [(f["cell"], f["line"], f["code"]) for f in json.loads(out)] == [(2, 3, "JL001")]
    code, _, _ = invoke_cli(["--no-cache", "--fix", "."], cwd=tmp_path)
    assert code == 0
    fixed = json.loads((tmp_path / "magic.ipynb").read_text())
    assert fixed["cells"][0] == data["cells"][0]
    two_lines = _notebook(_code_cell(["pip install -q numpyro\n", "import jax\n"]))
    (tmp_path / "magic.ipynb").write_text(json.dumps(two_lines))
    code, out, _ = invoke_cli(["--no-cache", "."], cwd=tmp_path)
    assert code == 1
    assert out.startswith("magic.ipynb:cell 1:1:") and " JL000 " in out.splitlines()[0]


def test_automagic_names_are_ipython_magics_on_one_line_cells_only() -> None:
    from jaxlint.facts.ipython import AUTOMAGIC_NAMES

    interactive = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactive.InteractiveShell.instance()
    magics = set(shell.magics_manager.magics["line"])
    for name in sorted(AUTOMAGIC_NAMES):
        assert name in magics, name
        assert shell.transform_cell(f"{name} -x y") == (
            f"get_ipython().run_line_magic('{name}', '-x y')\n"
        )
        assert shell.transform_cell(f"\n{name} -x y\n") != f"\n{name} -x y\n"
        assert shell.transform_cell(f"{name} -x y\nz = 1") == f"{name} -x y\nz = 1\n"
    assert shell.transform_cell("pip = 3") == "pip = 3\n"  # a variable, not the magic


def test_notebooks_in_folders_and_the_include_setting(tmp_path: Path) -> None:
    shutil.copyfile(TRAINING, tmp_path / "training.ipynb")
    checkpoints = tmp_path / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copyfile(TRAINING, checkpoints / "training-checkpoint.ipynb")
    _, out, _ = invoke_cli(["--no-cache", "."], cwd=tmp_path)
    assert {line.split(":")[0] for line in out.splitlines() if " JL" in line} == {"training.ipynb"}
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\ninclude = ["*.py"]\n')
    code, out, _ = invoke_cli(["--no-cache", "."], cwd=tmp_path)
    assert (code, out) == (0, "All checks passed!\n")
    # Named explicitly, a notebook is linted whatever `include` says.
    assert invoke_cli(["--no-cache", "training.ipynb"], cwd=tmp_path)[0] == 1
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\ninclude = ["*.py"]\nextend-include = ["notebooks/*.ipynb"]\n'
    )
    (tmp_path / "notebooks").mkdir()
    shutil.copyfile(TRAINING, tmp_path / "notebooks" / "kept.ipynb")
    _, out, _ = invoke_cli(["--no-cache", "."], cwd=tmp_path)
    assert {line.split(":")[0] for line in out.splitlines() if " JL" in line} == {
        "notebooks/kept.ipynb"
    }


def test_a_non_python_notebook_is_not_linted(tmp_path: Path) -> None:
    data = _notebook(_code_cell(["x[0] <- 1\n"]))
    data["metadata"]["language_info"] = {"name": "R"}
    (tmp_path / "analysis.ipynb").write_text(json.dumps(data))
    assert invoke_cli(["--no-cache", "analysis.ipynb"], cwd=tmp_path) == (
        0,
        "All checks passed!\n",
        "",
    )


def test_the_python_api_reports_the_cell(notebook: Path) -> None:
    import jaxlint

    found = jaxlint.check(notebook)
    assert [(f.cell, f.line, f.code) for f in found] == [(4, 3, "JL001"), (5, 4, "JL004")]
    assert found[0].as_json()["cell"] == 4


def test_ipython_syntax_inside_strings_and_brackets_is_code(tmp_path: Path) -> None:
    """Only lines that start a statement can be IPython syntax: a docstring line ending
    in `?` or starting with `!`, or a `%` continuing a bracket, is Python."""
    from jaxlint.notebook import read_notebook

    source = [
        "import jax.numpy as jnp\n",
        'DOC = """Why?\n',
        "!important\n",
        '%s"""\n',
        "y = (3\n",
        "  % 2)\n",
        "x = jnp.zeros(2)\n",
        "x[0] = 1.0\n",
        "x.shape?",
    ]
    raw = json.dumps(_notebook(_code_cell(source))).encode()
    notebook = read_notebook(raw)
    assert notebook is not None
    assert notebook.module.splitlines()[:8] == [line.rstrip("\n") for line in source[:8]]
    assert notebook.module.splitlines()[8].startswith("pass  #jaxlint-magic:")
    (tmp_path / "s.ipynb").write_bytes(raw)
    code, out, _ = invoke_cli(["--no-cache", "s.ipynb"], cwd=tmp_path)
    assert code == 1
    assert [line.split(" ")[0:2] for line in out.splitlines()[:-1]] == [["s.ipynb:cell", "1:8:1:"]]


def test_fix_is_refused_when_a_cell_holds_jaxlints_markers(tmp_path: Path) -> None:
    data = _notebook(
        _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(2)  #jaxlint-cell-boundary\n"]),
        _code_cell(["x[0] = 1.0\n"]),
    )
    path = tmp_path / "m.ipynb"
    path.write_text(json.dumps(data))
    before = path.read_text()
    code, out, err = invoke_cli(["--no-cache", "--fix", "m.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.startswith("m.ipynb:cell 2:1:1: JL001")
    assert "m.ipynb: fixes not applied (a cell contains jaxlint's markers)" in err
    assert path.read_text() == before


def test_fix_writes_a_notebook_with_metadata_nested_as_deep_as_linting_reads(
    tmp_path: Path,
) -> None:
    nested: Any = 0
    for _ in range(900):  # json.loads reads it; a recursive scan of the text did not
        nested = [nested]
    cell = _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(3)\n", "x[0] = 1.0\n"])
    cell["metadata"] = {"deep": nested}
    path = tmp_path / "deep.ipynb"
    path.write_text(json.dumps(_notebook(cell), indent=1))
    code, out, err = invoke_cli(["--no-cache", "--fix", "deep.ipynb"], cwd=tmp_path)
    assert (code, err) == (0, "")
    written = json.loads(path.read_text())
    assert written["cells"][0]["source"][2] == "x = x.at[0].set(1.0)\n"
    assert written["cells"][0]["metadata"] == {"deep": nested}


def test_messages_cite_lines_in_cells(tmp_path: Path) -> None:
    """A message citing another line names its cell: the module's line 5 is in no cell."""
    (tmp_path / "keys.ipynb").write_text(
        json.dumps(
            _notebook(
                _code_cell(["import jax\n", "key = jax.random.PRNGKey(0)\n"]),
                {"cell_type": "markdown", "metadata": {}, "source": ["# draw"]},
                _code_cell(["a = jax.random.normal(key, (3,))\n"]),
                _code_cell(["b = jax.random.normal(key, (3,))\n"]),
            )
        )
    )
    code, out, _ = invoke_cli(["--no-cache", "--select", "JL005", "keys.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0] == (
        "keys.ipynb:cell 4:1:5: JL005 PRNG key `key` is reused: it was already consumed by "
        "`jax.random.normal` on cell 3, line 1, so both draw the same random bits; split it "
        "first (`key, subkey = jax.random.split(key)`)"
    )


def test_full_format_quotes_the_cell(notebook: Path) -> None:
    code, out, _ = invoke_cli(
        ["--no-cache", "--output-format", "full", "--select", "JL004", "training.ipynb"],
        cwd=notebook.parent,
    )
    assert code == 1
    assert out.splitlines()[1:8] == [
        "  |",
        "2 | @jax.jit",
        "3 | def step(params):",
        '4 |     print("tracing", params)',
        "  |     ^^^^^^^^^^^^^^^^^^^^^^^^ JL004",
        "5 |     return params * 2",
        "  |",
    ]


def test_diff_is_per_cell_python(notebook: Path) -> None:
    code, out, _ = invoke_cli(
        ["--no-cache", "--diff", "--unsafe-fixes", "training.ipynb"], cwd=notebook.parent
    )
    assert code == 1
    assert out == (
        "--- a/training.ipynb:cell 4\n"
        "+++ b/training.ipynb:cell 4\n"
        "@@ -1,6 +1,6 @@\n"
        " jnp.zeros?\n"
        " files = !ls\n"
        "-x[0] = 1.0\n"
        "+x = x.at[0].set(1.0)\n"
        " \n"
        " for i in range(2):\n"
        "     !echo {i}\n"
        "--- a/training.ipynb:cell 5\n"
        "+++ b/training.ipynb:cell 5\n"
        "@@ -1,7 +1,7 @@\n"
        " %%time\n"
        " @jax.jit\n"
        " def step(params):\n"
        '-    print("tracing", params)\n'
        '+    jax.debug.print("tracing {params}", params=params)\n'
        "     return params * 2\n"
        " \n"
        " step(x)\n"
    )
    assert notebook.read_bytes() == TRAINING.read_bytes()  # --diff writes nothing


def test_rerunning_an_equal_constant_is_not_a_stale_global(tmp_path: Path) -> None:
    """`BLOCK = 256` in three cells never changes the value the jitted function saw; a
    different value does once a later cell calls the function again, and the message
    cites the cell line that rebinds it."""
    setup = _code_cell(["import jax\n", "BLOCK = 256\n"])
    kernel = _code_cell(["@jax.jit\n", "def f(x):\n", "    return x * BLOCK\n"])
    again = _code_cell(["BLOCK = 256\n", "f(1.0)\n"])
    (tmp_path / "same.ipynb").write_text(json.dumps(_notebook(setup, kernel, again, again)))
    code, out, _ = invoke_cli(["--no-cache", "--select", "JL010", "same.ipynb"], cwd=tmp_path)
    assert (code, out) == (0, "All checks passed!\n")
    changed = _code_cell(["f(1.0)\n", "BLOCK = 512\n"])
    (tmp_path / "same.ipynb").write_text(json.dumps(_notebook(setup, kernel, again, changed)))
    code, out, _ = invoke_cli(["--no-cache", "--select", "JL010", "same.ipynb"], cwd=tmp_path)
    # No later cell calls f again: nothing imports a notebook, so no call sees the
    # stale value.
    assert (code, out) == (0, "All checks passed!\n")
    rerun = _code_cell(["f(2.0)\n"])
    (tmp_path / "same.ipynb").write_text(
        json.dumps(_notebook(setup, kernel, again, changed, rerun))
    )
    code, out, _ = invoke_cli(["--no-cache", "--select", "JL010", "same.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0] == (
        "same.ipynb:cell 2:3:16: JL010 Module-level `BLOCK` is read in traced code (in f, "
        "decorated with @jax.jit) and rebound at cell 4, line 2: the compiled function "
        "keeps the value it saw when traced; pass it as an argument, or mark it static"
    )


def test_a_stale_global_needs_a_later_cell_that_runs_the_function(tmp_path: Path) -> None:
    """After `scale = 3.0` the old trace is stale only for code that runs `step` again:
    not `print(y)` (what a jitted call gives back is arrays, never code), not the
    `agent` name once a cell rebinds it to an agent built without `step`; the
    original agent, run again, is."""
    setup = _code_cell(["import jax\n", "scale = 2.0\n"])
    kernel = _code_cell(
        [
            "@jax.jit\n",
            "def step(x):\n",
            "    return x * scale\n",
            "class Agent:\n",
            "    def __init__(self, fn):\n",
            "        self.fn = fn\n",
            "    def run(self):\n",
            "        return self.fn(1.0)\n",
        ]
    )
    trained = _code_cell(["agent = Agent(step)\n", "agent.run()\n", "y = step(2.0)\n"])
    rebind = _code_cell(["scale = 3.0\n"])
    other = _code_cell(["agent = Agent(abs)\n", "print(y, agent.run())\n"])
    notebook = tmp_path / "agent.ipynb"
    notebook.write_text(json.dumps(_notebook(setup, kernel, trained, rebind, other)))
    command = ["--no-cache", "--select", "JL010", "agent.ipynb"]
    code, out, _ = invoke_cli(command, cwd=tmp_path)
    assert (code, out) == (0, "All checks passed!\n")
    again = _code_cell(["agent.run()\n"])
    notebook.write_text(json.dumps(_notebook(setup, kernel, trained, rebind, again)))
    code, out, _ = invoke_cli(command, cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith(
        "agent.ipynb:cell 2:3:16: JL010 Module-level `scale` is read in traced code"
    )
    assert "rebound at cell 4, line 1:" in out.splitlines()[0]


def test_a_wrapper_built_anew_after_the_rebinding_traces_anew(tmp_path: Path) -> None:
    """A cell that rebinds `model` and builds `jax.jit(jax.value_and_grad(loss))` again
    calls a new wrapper of a new object: its first call traces with the new `model`
    (``tests/test_jit_cache_facts.py`` runs it). `jax.jit(loss)` of the same `loss`
    shares `loss`'s cache, so the old trace runs again: stale."""
    setup = _code_cell(["import jax\n", "def loss(p):\n", "    return model(p)\n"])
    cell = [
        "model = abs\n",
        "loss_grad_fn = jax.jit(jax.value_and_grad(loss))\n",
        "value, grads = loss_grad_fn(1.0)\n",
        "print(grads)\n",
    ]
    first, second = _code_cell(cell), _code_cell([cell[0].replace("abs", "round"), *cell[1:]])
    notebook = tmp_path / "fresh.ipynb"
    notebook.write_text(json.dumps(_notebook(setup, first, second)))
    command = ["--no-cache", "--select", "JL010", "fresh.ipynb"]
    code, out, _ = invoke_cli(command, cwd=tmp_path)
    assert (code, out) == (0, "All checks passed!\n")
    same = [line.replace("jax.value_and_grad(loss)", "loss") for line in cell]
    first, second = _code_cell(same), _code_cell([same[0].replace("abs", "round"), *same[1:]])
    notebook.write_text(json.dumps(_notebook(setup, first, second)))
    code, out, _ = invoke_cli(command, cwd=tmp_path)
    assert code == 1
    assert "Module-level `model` is read in traced code" in out.splitlines()[0]


def test_github_places_a_one_string_source_on_its_json_line(tmp_path: Path) -> None:
    """A cell whose source is one JSON string keeps all its lines on one file line."""
    document = _notebook(_code_cell("import jax.numpy as jnp\nx = jnp.zeros(3)\nx[0] = 1.0\n"))
    text = json.dumps(document, indent=1)
    (tmp_path / "one.ipynb").write_text(text)
    source_line = next(
        number for number, line in enumerate(text.splitlines(), 1) if '"source"' in line
    )
    code, out, _ = invoke_cli(["--no-cache", "--format", "github", "one.ipynb"], cwd=tmp_path)
    assert code == 1
    assert out.startswith(
        f"::error file=one.ipynb,line={source_line},title=JL001 inplace-update "
        "(cell 1%2C line 3%2C column 1)::"
    )


def test_a_cells_last_expression_is_shown_not_discarded(tmp_path: Path) -> None:
    """IPython displays the value of a cell's last expression: `x.at[0].set(1.0)` or
    `jnp.clip(x, 0, 1)` there is looked at, not lost (JL008); earlier in the cell, or with
    a `;` after it, the value is dropped."""
    (tmp_path / "shown.ipynb").write_text(
        json.dumps(
            _notebook(
                _code_cell(["import jax.numpy as jnp\n", "x = jnp.zeros(3)\n", "x.at[0].set(1.0)"]),
                _code_cell(["jnp.clip(x, 0, 1)\n", "x.at[1].set(2.0)"], 2),
                _code_cell(["jnp.clip(x, 0, 1);"], 3),
            )
        )
    )
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    assert [(f["cell"], f["line"], f["code"]) for f in json.loads(out)] == [
        (2, 1, "JL008"),
        (3, 1, "JL008"),
    ]
