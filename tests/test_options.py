"""What a ruff user expects of the options: fix safety, configuration errors, selectors,
unknown commands (issue 13)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from click.testing import CliRunner

from jaxlint.cli import main


def run(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    """``jaxlint ARGS`` in ``cwd``: exit code, stdout, stderr."""
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


DISCARDED_UPDATE = textwrap.dedent("""
    import jax.numpy as jnp

    def reset(x):
        x.at[0].set(0.0)
        return x
    """)


def test_unused_update_fix_is_unsafe(tmp_path: Path) -> None:
    target = tmp_path / "reset.py"
    target.write_text(DISCARDED_UPDATE)
    code, out, _ = run(["--fix", "--no-cache", str(target)], cwd=tmp_path)
    assert code == 1
    assert target.read_text() == DISCARDED_UPDATE  # --fix alone leaves it
    assert f"{target}:5:5: JL008 The result" in out  # no [*]
    code, out, _ = run(["--fix", "--unsafe-fixes", "--no-cache", str(target)], cwd=tmp_path)
    assert code == 0
    assert "    x = x.at[0].set(0.0)\n" in target.read_text()


def test_invalid_pyproject_on_the_search_path_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL008"]\n')
    project = tmp_path / "project"
    project.mkdir()
    broken = project / "pyproject.toml"
    broken.write_text("[tool.jaxlint\nselect = [\n")
    (project / "reset.py").write_text(DISCARDED_UPDATE)
    code, out, err = run(["--no-cache", "."], cwd=project)
    assert (code, out) == (2, "")
    assert err.startswith(f"jaxlint: error: invalid TOML in {broken}: ")
    assert len(err.splitlines()) == 1
