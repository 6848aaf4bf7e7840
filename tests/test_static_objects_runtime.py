"""What fixtures/static_objects.py marks really goes wrong on the installed jax, its
look-alikes really work, and JL014's list-to-tuple fix gives a function that jits and
matches the unjitted one: static arguments that cannot be hashed raise, objects hashed
by identity and then changed run the old program."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.run.check import CheckOptions, lint_paths

from conftest import FIXTURES, expected_marks, load_module

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

NAME = "static_objects.py"
#: The functions whose JL014 finding is an unhashable value: each raises at the call.
UNHASHABLE = {
    "default_config",
    "named_config",
    "ordered_config",
    "compared_options",
    "picked_rows",
    "summed_axes",
}
#: The functions whose JL013 finding is a stale static argument, with the values the
#: program compiled first gives, and those the changed object asks for.
STALE = {"rescaled", "annealed", "warmed"}
#: The look-alikes, each called with the fixture's array: they run and are current.
TRAPS = (
    "frozen_config",
    "hashed_config",
    "value_options",
    "identity_config",
    "picked_tuple",
)


def _flagged(code: str) -> set[str]:
    """The fixture's functions whose body holds a mark for ``code``."""
    lines = (FIXTURES / NAME).read_text().splitlines()
    marked = {
        line for (path, line, mark) in expected_marks(FIXTURES) if (path, mark) == (NAME, code)
    }
    found: set[str] = set()
    current = None
    for number, text in enumerate(lines, 1):
        if text.startswith("def "):
            current = text[4:].split("(")[0]
        if number in marked and current is not None:
            found.add(current)
    return found


def test_the_marks_are_the_runtime_cases() -> None:
    assert _flagged("JL014") == UNHASHABLE
    assert _flagged("JL013") == STALE


def test_unhashable_static_arguments_raise_and_hashable_ones_run() -> None:
    module = load_module(FIXTURES / NAME, "static_objects_fixture")
    x = jnp.arange(1.0, 5.0)
    for name in sorted(UNHASHABLE):
        with pytest.raises(ValueError, match="Non-hashable static arguments are not supported"):
            getattr(module, name)(x)
    for name in TRAPS:
        getattr(module, name)(x)
    assert module.apply(x, module.FrozenConfig(3.0)).tolist() == (x * 3.0).tolist()


def test_changed_static_objects_run_the_old_program_and_the_traps_are_current() -> None:
    jax.clear_caches()
    module = load_module(FIXTURES / NAME, "static_objects_fixture_stale")
    x = jnp.ones(2)
    first, second = module.rescaled(x)
    assert second.tolist() == first.tolist() == [2.0, 2.0]  # not [5.0, 5.0]
    assert module.annealed(x, 3).tolist() == [1.0, 1.0]  # the scale stays 1.0
    assert [y.tolist() for y in module.warmed(x, 3)] == [[1.0, 1.0]] * 3  # not 2.0, 3.0
    # The traps see the current values.
    assert [y.tolist() for y in module.renamed(x)] == [[2.0, 2.0], [2.0, 2.0]]
    assert [y.tolist() for y in module.maybe_rescaled(x, False)] == [[2.0, 2.0], [2.0, 2.0]]
    assert [y.tolist() for y in module.cleared(x)] == [[2.0, 2.0], [5.0, 5.0]]
    assert module.fresh_each_step(x, 3).tolist() == [6.0, 6.0]  # 1 * 2 * 3
    assert [y.tolist() for y in module.tracked_scale(x)] == [[1.0, 1.0], [2.0, 2.0]]


def test_the_tuple_fix_removes_the_finding_and_the_fixed_calls_match(tmp_path: Path) -> None:
    work = tmp_path / NAME
    shutil.copy(FIXTURES / NAME, work)
    settings = Settings(root=str(tmp_path), select=("JL014",))
    run = lint_paths([str(work)], settings, CheckOptions(fix=True, unsafe_fixes=True))
    assert run.errors == []
    source = work.read_text()
    assert "pick(x, rows=(0, 2))" in source and "total(x, axes=(0, 1))" in source
    again = lint_python_source(source.encode(), NAME, settings)
    lines = {f.line for f in again.findings}
    assert {f.code for f in again.findings} == {"JL014"}
    assert len(lines) == 4  # the four unhashable instances: no fix, and no new finding
    fixed = load_module(work, "static_objects_fixed")
    x = jnp.arange(1.0, 5.0)
    assert float(fixed.picked_rows(x)) == float((x[0] + x[2]) / 2)
    assert float(fixed.pick.__wrapped__(x, rows=[0, 2])) == float(fixed.picked_rows(x))
    y = jnp.arange(6.0).reshape(2, 3)
    assert float(fixed.summed_axes(y)) == float(jnp.sum(y)) == 15.0


def test_the_safe_fix_is_marked_safe_and_the_other_unsafe() -> None:
    source = (FIXTURES / NAME).read_text().encode()
    result = lint_python_source(source, NAME, Settings(select=("JL014",)))
    fixes = {f.line: f.fix.applicability.value for f in result.findings if f.fix is not None}
    lines = source.decode().splitlines()
    picked = lines.index("    return pick(x, rows=[0, 2])  # expect: JL014") + 1
    summed = lines.index("    return total(x, axes=[0, 1])  # expect: JL014") + 1
    assert fixes == {picked: "safe", summed: "unsafe"}


CROSS_MODULE = {
    "config.py": """
        import dataclasses
        @dataclasses.dataclass
        class Config:
            scale: float = 2.0
        @dataclasses.dataclass(frozen=True)
        class Frozen:
            scale: float = 2.0
        class Options:
            def __eq__(self, other):
                return True
        class Derived(Config):  # its base is in sight, but the index reads no bases
            pass
        if Config:
            class Options2:
                pass
        """,
    "train.py": """
        from functools import partial
        import jax
        from config import Config, Derived, Frozen, Options
        @partial(jax.jit, static_argnums=1)
        def apply(x, cfg):
            return x * cfg.scale
        def run(x):
            cfg = Config()
            return apply(x, cfg) + apply(x, Frozen()) + apply(x, Derived())
        def run_options(x):
            return apply(x, Options())
        """,
}


def test_classes_of_another_module_are_read_through_the_project_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textwrap

    from jaxlint.project.index import ProjectIndex

    paths = []
    for name, text in CROSS_MODULE.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
        paths.append(str(tmp_path / name))
    train = str(tmp_path / "train.py")
    index = ProjectIndex(paths)
    assert index.external_classes(train) == {
        "Config": "unhashable:dataclass",
        "Frozen": "value:dataclass",
        "Options": "unhashable",
    }
    assert str(tmp_path / "config.py") in index.causes(train)
    settings = Settings(root=str(tmp_path), select=("JL014",))
    run = lint_paths([str(tmp_path)], settings, CheckOptions())
    assert [(Path(f.path).name, f.line) for f in run.findings] == [
        ("train.py", 10),
        ("train.py", 12),
    ]
    # train.py alone cannot see how config.py's classes hash: silent, not wrong.
    assert lint_paths([train], settings, CheckOptions()).findings == []
    # And the installed jax agrees on both.
    monkeypatch.syspath_prepend(str(tmp_path))
    module = load_module(tmp_path / "train.py", "cross_module_train")
    for function in (module.run, module.run_options):
        with pytest.raises(ValueError, match="Non-hashable static arguments"):
            function(jnp.ones(2))
