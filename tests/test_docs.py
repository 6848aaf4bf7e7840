"""The README promises what CI runs and what the rules are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from jaxlint.rules import ALL_RULES

from conftest import ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    install_and_lint, install_and_test = _quick_start()
    assert install_and_lint.endswith("jaxlint fixtures/")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci[-1] == install_and_test


def test_ci_stops_when_the_corpus_download_fails(tmp_path: Path) -> None:
    """.ci/run fetches the corpus first; a failed fetch ends it before anything else runs."""
    repo, shared, bin_ = tmp_path / "repo", tmp_path / "shared", tmp_path / "bin"
    for folder in (repo / ".ci", shared, bin_):
        folder.mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    (shared / "corpus.sh").write_text("#!/bin/sh\nexit 3\n")
    # Whatever comes after the download starts with python3: a stand-in records it.
    marker = tmp_path / "python3-ran"
    (bin_ / "python3").write_text(f"#!/bin/sh\ntouch {marker}\nexit 0\n")
    for script in (repo / ".ci" / "run", shared / "corpus.sh", bin_ / "python3"):
        script.chmod(0o755)
    done = subprocess.run(
        [str(repo / ".ci" / "run")],
        env={**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3, done.stderr
    assert not marker.exists()


def test_readme_rule_table_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = re.findall(r"^\| (JL\d{3}) \| ([a-z-]+) \|", readme, re.MULTILINE)
    assert [(rule.code, rule.name) for rule in ALL_RULES] == [
        pair for pair in listed if pair[0] in {rule.code for rule in ALL_RULES}
    ]


def _distribution_name() -> str:
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^\[project\]\n(?:#.*\n)*name = "([^"]+)"', pyproject, re.MULTILINE)
    assert match is not None
    return match.group(1)


def test_every_install_line_installs_this_project() -> None:
    """`jaxlint` on PyPI is another project: the README installs the distribution name
    of pyproject.toml, or a local checkout, never `jaxlint` itself."""
    name = _distribution_name()
    assert name != "jaxlint"
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"pip install (?:-e )?(\"[^\"]+\"|\S+)", readme)
    assert len(targets) >= 8
    for target in targets:
        target = target.strip('"`,')
        # The name, an extra of it, a checkout, or the name from a git URL (PEP 508).
        assert target == name or target.startswith((".", f"{name}[", f"{name} @ git+")), target
    assert f"The distribution is called **`{name}`**" in readme
    assert f'additional_dependencies: ["{name}==' in readme


def test_the_pre_commit_recipes_use_a_clone_or_a_git_url() -> None:
    """No placeholder repository: the recipes name a clone's path or a git URL, the forms
    tests/test_precommit.py runs (the published ones only "once published")."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## pre-commit", 1)[1].split("## Editors", 1)[0]
    assert "example.invalid" not in readme and "PLACEHOLDER" not in readme
    repos = re.findall(r"- repo: (\S+)", section)
    assert repos == ["/path/to/jaxlint", "local"]
    assert 'additional_dependencies: ["/path/to/jaxlint"]' in section
    assert "Once `jaxlint-purity` is published" in section


def test_messages_of_the_package_install_this_project() -> None:
    name = _distribution_name()
    told = [
        (path.name, target)
        for path in sorted((ROOT / "jaxlint").rglob("*.py"))
        for target in re.findall(r"pip install ['\"]?([\w.-]+)", path.read_text())
    ]
    assert ("cli.py", name) in told and ("__init__.py", name) in told
    assert all(target == name for _, target in told), told


def test_readme_layout_table_lists_every_package_and_top_level_module() -> None:
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("### Layout", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `(jaxlint/[\w.]+/?)` \|", layout, re.MULTILINE)
    package = ROOT / "jaxlint"
    present = [
        f"jaxlint/{entry.name}/" for entry in package.iterdir() if (entry / "__init__.py").is_file()
    ] + [f"jaxlint/{entry.name}" for entry in package.glob("*.py")]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(present)
