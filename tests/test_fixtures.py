"""The bundled fixtures: findings equal the `# expect:` marks, and fixes really work."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from jaxlint.config import Settings
from jaxlint.fix.edits import Applicability
from jaxlint.rules import OPT_IN_CODES
from jaxlint.run.check import CheckOptions, lint_paths

from conftest import FIXTURES, expected_marks, load_module


def _found(folder: Path, settings: Settings) -> Counter[tuple[str, int, str]]:
    run = lint_paths([str(folder)], settings, CheckOptions())
    assert run.errors == []
    return Counter(
        (Path(f.path).relative_to(folder).as_posix(), f.line, f.code) for f in run.findings
    )


@pytest.mark.parametrize("select", [None, ("ALL",)], ids=["default", "all"])
def test_findings_equal_marks(select: tuple[str, ...] | None) -> None:
    marks = expected_marks(FIXTURES)
    assert marks, "fixtures carry no marks"
    if select is None:
        # Opt-in rules (JL009) report nothing unless selected by name or ALL.
        marks = Counter({mark: n for mark, n in marks.items() if mark[2] not in OPT_IN_CODES})
        settings = Settings(root=str(FIXTURES))
    else:
        assert any(mark[2] in OPT_IN_CODES for mark in marks), "no opt-in rule is marked"
        settings = Settings(root=str(FIXTURES), select=select)
    found = _found(FIXTURES, settings)
    missing = marks - found
    unexpected = found - marks
    assert (dict(missing), dict(unexpected)) == ({}, {})


def test_fixed_inplace_functions_run_under_jit(tmp_path: Path) -> None:
    jax = pytest.importorskip("jax")
    np = pytest.importorskip("numpy")
    work = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, work)
    settings = Settings(root=str(work))
    run = lint_paths([str(work)], settings, CheckOptions(fix=True))
    assert run.errors == []
    assert run.fixed >= 8

    fixed_text = (work / "inplace_updates.py").read_text()
    assert "x = x.at[0].set(jnp.clip(x[0], -1.0, 1.0))  # expect: JL001" in fixed_text
    # Only annotations call `params` a JAX array (a NumPy array annotated so would take
    # the in-place update): that fix needs --unsafe-fixes.
    assert "    params[:] -= lr * velocity  # expect: JL001" in fixed_text
    assert "m = m.at[k, k].multiply(scale)  # expect: JL001" in fixed_text
    assert "x = x.at[k, 0].max(0.0)  # expect: JL001" in fixed_text
    assert "    tokens.at[:, 0].set(1)  # expect: JL008" in fixed_text  # unsafe: not applied

    # Only findings without a safe fix remain; a second --fix changes nothing.
    again = lint_paths([str(work)], settings, CheckOptions(fix=True))
    assert again.fixed == 0
    assert Applicability.SAFE not in {f.fix_available for f in again.findings}
    left = {(f.code, f.fix_available) for f in again.findings}
    assert {("JL008", Applicability.UNSAFE), ("JL001", Applicability.UNSAFE)} <= left

    # The JL008 fix changes later reads of `tokens`, and JL001's rests on annotations
    # (`velocity`, `params`, `x` in `normalize_rows`, `stats.count`): they need
    # --unsafe-fixes.
    unsafe = lint_paths(
        [str(work / "inplace_updates.py")],
        Settings(root=str(work), select=("JL001", "JL008")),
        CheckOptions(fix=True, unsafe_fixes=True),
    )
    assert unsafe.fixed == 5
    fixed_text = (work / "inplace_updates.py").read_text()
    assert "tokens = tokens.at[:, 0].set(1)  # expect: JL008" in fixed_text
    assert "params = params.at[:].subtract(lr * velocity)  # expect: JL001" in fixed_text

    module = load_module(work / "inplace_updates.py", "fixed_inplace_updates")
    for name, reference in module.NUMPY_REFERENCES.items():
        args = module.JAXLINT_EXAMPLES[name]()
        function = getattr(module, name)
        compiled = function if hasattr(function, "lower") else jax.jit(function)
        got = compiled(*args)
        expected = reference(*[np.asarray(a) if hasattr(a, "shape") else a for a in args])
        got_leaves = jax.tree_util.tree_leaves(got)
        expected_leaves = jax.tree_util.tree_leaves(expected)
        assert len(got_leaves) == len(expected_leaves), name
        for got_leaf, expected_leaf in zip(got_leaves, expected_leaves, strict=True):
            np.testing.assert_allclose(np.asarray(got_leaf), expected_leaf, rtol=1e-6, err_msg=name)


def test_unfixed_functions_really_fail(tmp_path: Path) -> None:
    """The fixture is honest: before the fix, the in-place code raises under jit."""
    jax = pytest.importorskip("jax")
    module = load_module(FIXTURES / "inplace_updates.py", "original_inplace_updates")
    with pytest.raises(TypeError):
        module.clip_first_row(*module.JAXLINT_EXAMPLES["clip_first_row"]())
    with pytest.raises(TypeError):
        jax.jit(module.normalize_rows)(*module.JAXLINT_EXAMPLES["normalize_rows"]())
