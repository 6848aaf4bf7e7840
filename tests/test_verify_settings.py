"""`jaxlint verify` plans with the linter's own configuration and discovery: the
functions a `traced-decorators` entry makes traced are verified, excluded folders are
not imported, and module names are the linter's."""

from __future__ import annotations

from pathlib import Path

from jaxlint.config import Settings, load_settings
from jaxlint.run.static_verdicts import static_verdicts
from jaxlint.verify.discover import iter_python_files, plan_module

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
