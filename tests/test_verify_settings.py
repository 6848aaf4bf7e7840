"""`jaxlint verify` plans with the linter's own configuration and discovery: the
functions a `traced-decorators` entry makes traced are verified, excluded folders are
not imported, and module names are the linter's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.config import Settings, load_settings
from jaxlint.run.static_verdicts import static_verdicts
from jaxlint.verify.discover import ModulePlan, iter_python_files, module_plans, plan_module

MODULE = """\
import jax.numpy as jnp
from mylib import staged


@staged
def step(x):
    return jnp.sin(x)


def helper(x):
    return x
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\ntraced-decorators = ["mylib.staged"]\nextend-exclude = ["generated"]\n'
        '[tool.jaxlint.verify.examples]\n"pkg.steps:step" = "(jnp.ones(3),)"\n'
    )
    (tmp_path / "mylib.py").write_text("def staged(function):\n    return function\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "steps.py").write_text(MODULE)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "steps_copy.py").write_text(MODULE)
    return tmp_path


def test_traced_decorators_setting_makes_a_function_traced_for_verify(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = str(project / "pkg" / "steps.py")
    settings = load_settings(None, str(project))

    traced = {v.qualname: v.traced for v in static_verdicts(path, settings)}
    assert traced == {"step": True, "helper": False}
    # Without the setting nothing tells the linter that @staged traces.
    assert not any(v.traced for v in static_verdicts(path, Settings(root=str(project))))

    plan = plan_module(path, {}, only_flagged=False, settings=settings)
    assert plan is not None
    assert (plan.module, plan.root) == ("pkg.steps", str(project))
    assert [(f.qualname, f.line) for f in plan.functions] == [("step", 6)]
    assert plan_module(path, {}, only_flagged=False, settings=Settings(root=str(project))) is None


def test_verify_reads_examples_and_excludes_through_the_linter_config(tmp_path: Path) -> None:
    project = _project(tmp_path)
    settings = load_settings(None, str(project))
    assert settings.verify_examples == {"pkg.steps:step": "(jnp.ones(3),)"}
    files = sorted(
        Path(p).relative_to(project).as_posix() for p in iter_python_files([str(project)], settings)
    )
    assert files == ["mylib.py", "pkg/__init__.py", "pkg/steps.py"]
    # A file named explicitly is verified even inside an excluded folder.
    explicit = str(project / "generated" / "steps_copy.py")
    assert list(iter_python_files([explicit], settings)) == [explicit]


def _two_configurations(tmp_path: Path) -> Path:
    """A root configuration where `@mylib.staged` traces, with its examples, and `sub/`
    with its own where nothing says so (and other examples)."""
    project = _project(tmp_path)
    (project / "a.py").write_text(MODULE)
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text(
        '[tool.jaxlint]\n[tool.jaxlint.verify.examples]\n"b:helper" = "(1,)"\n'
    )
    (sub / "b.py").write_text(MODULE)
    return project


def _planned(plans: list[ModulePlan]) -> dict[str, list[tuple[str, str | None]]]:
    return {plan.module: [(f.qualname, f.example) for f in plan.functions] for plan in plans}


def test_verify_plans_each_file_with_its_nearest_configuration(tmp_path: Path) -> None:
    project = _two_configurations(tmp_path)
    a, b = str(project / "a.py"), str(project / "sub" / "b.py")
    expected = {
        # the root's `traced-decorators` make `step` traced in a.py, not in sub/b.py,
        "a": [("step", None)],
        # where sub's own examples name `helper`
        "b": [("helper", "(1,)")],
    }
    assert _planned(module_plans([a, b])) == expected
    assert _planned(module_plans([b, a])) == expected  # whatever the order
    # A folder run plans sub/b.py as the file run does.
    assert _planned(module_plans([str(project)]))["b"] == expected["b"]
    # `--config`: one configuration for every file.
    root = load_settings(str(project / "pyproject.toml"))
    assert _planned(module_plans([b, a], root)) == {"a": [("step", None)], "b": [("step", None)]}


def test_verify_cli_reads_each_files_configuration(tmp_path: Path) -> None:
    """`jaxlint verify` plans as :func:`module_plans` does: a broken configuration of
    the second path's folder is the usage error it would be for `check`."""
    project = _two_configurations(tmp_path)
    (project / "sub" / "pyproject.toml").write_text("[tool.jaxlint]\nselect = 3\n")
    result = CliRunner().invoke(
        main, ["verify", str(project / "a.py"), str(project / "sub" / "b.py")]
    )
    assert result.exit_code == 2, result.output
    assert result.output == "jaxlint verify: error: `select` must be a list of strings\n"
