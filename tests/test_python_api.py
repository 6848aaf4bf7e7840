"""The Python API (issue 13): ``jaxlint.check`` and ``jaxlint.lint_source`` return
findings with the fields of the JSON output, and ``import jaxlint`` stays light."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import jaxlint

from conftest import invoke_cli

SOURCE = textwrap.dedent("""\
    import jax.numpy as jnp


    def f(x):
        y = jnp.zeros(3)
        y[0] = 1.0
        x.at[1].set(2.0)
        return y
    """)


def test_import_jaxlint_is_light() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import jaxlint, sys; print(*sorted(sys.modules), sep=chr(10))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split())
    assert {"libcst", "click", "jaxlint.config", "jaxlint.api"} & loaded == set()


def test_lint_source_returns_json_shaped_findings() -> None:
    found = jaxlint.lint_source(SOURCE, path="pkg/m.py")
    assert [(f.path, f.line, f.column, f.code, f.fixable) for f in found] == [
        ("pkg/m.py", 6, 5, "JL001", True),
        ("pkg/m.py", 7, 5, "JL008", False),  # unsafe fix: not applied without unsafe_fixes
    ]
    assert isinstance(found[0], jaxlint.ReportedFinding)
    assert [field.name for field in dataclasses.fields(found[0])] == [
        "path", "line", "column", "end_line", "end_column", "code", "name", "message", "fixable",
        "fix", "doc",
        "cell",  # a notebook's cell; None (and absent from as_json) elsewhere
    ]  # fmt: skip
    assert "cell" not in found[0].as_json()
    only = jaxlint.lint_source(SOURCE, path="m.py", select=["JL008"], unsafe_fixes=True)
    assert [(f.code, f.fixable) for f in only] == [("JL008", True)]


def test_check_equals_the_json_output(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL008"]\n')
    (tmp_path / "m.py").write_text(SOURCE)
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert code == 1
    found = jaxlint.check(tmp_path)  # finds the configuration from the path
    assert [finding.as_json() for finding in found] == [
        {**entry, "path": str(tmp_path / entry["path"])} for entry in json.loads(out)
    ]
    assert [finding.code for finding in found] == ["JL001"]


def test_check_fixes_and_reports_what_is_left(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(SOURCE)
    left = jaxlint.check([str(target)], fix=True)
    assert [finding.code for finding in left] == ["JL008"]
    assert "    y = y.at[0].set(1.0)\n" in target.read_text()


def test_check_warns_and_raises_config_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.warns(jaxlint.JaxlintWarning, match="no Python files found"):
        assert jaxlint.check(tmp_path / "empty") == []
    with pytest.raises(jaxlint.ConfigError, match="unknown rule selector `JL9`"):
        jaxlint.check(tmp_path, select="JL9")
