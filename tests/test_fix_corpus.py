"""Fix safety at scale: --fix over copies of real JAX libraries, seeded with fixable bugs,
leaves every file parsing, and a second --fix changes nothing. Slow; skipped when the
corpus is absent (fetch it with ../shared/corpus.sh; $JAXLINT_CORPUS points elsewhere),
except under CI, where a missing corpus fails: a skip there would pass unseen."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.run.check import CheckOptions, lint_paths

CORPUS = Path(os.environ.get("JAXLINT_CORPUS", Path.home() / ".cache" / "jaxlint-corpus"))
LIBRARIES = ("flax-*", "optax-*", "equinox-*")

# The corpus is correct code with next to nothing to fix, so bugs are seeded: every
# ``x = x.at[i].set(v)`` line becomes ``x[i] = v`` again, and every file gets a jitted
# probe with in-place updates and a print, after whatever the file already holds.
AT_SET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<name>\w+) = (?P=name)\.at\[(?P<index>[^\]\n]+)\]\.set\((?P<value>[^()\n]+)\)[ \t]*$",
    re.MULTILINE,
)
PROBE = """

import jax as _jaxlint_jax
import jax.numpy as _jaxlint_jnp


@_jaxlint_jax.jit
def _jaxlint_probe(i, v):
    x = _jaxlint_jnp.zeros(4)
    x[i] = v
    x[i] += v
    print(x)
    return x
"""


def _libraries(corpus: Path) -> list[Path]:
    found = [sorted(corpus.glob(pattern)) for pattern in LIBRARIES] if corpus.is_dir() else []
    return [matches[-1] for matches in found if matches]


def _under_ci() -> bool:
    # CI services set CI (GitHub and GitLab to "true", some to "1" or "yes").
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _required_libraries(corpus: Path) -> list[Path]:
    """The newest copy of each library in ``corpus``; where one is missing, the test
    skips, or fails under CI."""
    libraries = _libraries(corpus)
    if len(libraries) != len(LIBRARIES):
        missing = f"corpus not found under {corpus} (run ../shared/corpus.sh)"
        if _under_ci():
            pytest.fail(f"{missing}; CI must run the corpus test, not skip it")
        pytest.skip(missing)
    return libraries


def test_a_missing_corpus_skips_locally_and_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "flax-0.12.8").mkdir()  # one library of three is not a corpus
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _required_libraries(tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the corpus test"):
        _required_libraries(tmp_path)
    for name in ("optax-0.2.8", "equinox-0.13.8"):
        (tmp_path / name).mkdir()
    assert [path.name for path in _required_libraries(tmp_path)] == [
        "flax-0.12.8",
        "optax-0.2.8",
        "equinox-0.13.8",
    ]


def _seed(path: Path) -> bool:
    """Add fixable bugs to ``path``; False where the seeded text would not compile."""
    text = path.read_text(encoding="utf-8")
    seeded = AT_SET.sub(r"\g<indent>\g<name>[\g<index>] = \g<value>", text)
    seeded = seeded + ("" if seeded.endswith("\n") else "\n") + PROBE
    try:
        compile(seeded, str(path), "exec", dont_inherit=True)
    except SyntaxError:
        return False
    path.write_text(seeded, encoding="utf-8")
    return True


@pytest.mark.slow
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fix_over_the_corpus_is_safe_and_idempotent(tmp_path: Path, unsafe: bool) -> None:
    libraries = _required_libraries(CORPUS)
    for library in libraries:
        shutil.copytree(library, tmp_path / library.name)
    seeded = [path for path in sorted(tmp_path.rglob("*.py")) if _seed(path)]
    assert len(seeded) > 250
    before = {path: path.read_bytes() for path in tmp_path.rglob("*.py")}
    settings = Settings(root=str(tmp_path))
    options = CheckOptions(fix=True, unsafe_fixes=unsafe, jobs=None)

    first = lint_paths([str(tmp_path)], settings, options)
    assert first.errors == []
    for path, data in before.items():
        after = path.read_bytes()
        if after != data:
            cst.parse_module(after)
            compile(after, str(path), "exec", dont_inherit=True)
    for path in seeded:
        text = path.read_text(encoding="utf-8")
        assert "    x = x.at[i].set(v)\n    x = x.at[i].add(v)\n" in text, path
        probe = text.rsplit("def _jaxlint_probe", 1)[1]
        assert ("debug.print(" in probe) == unsafe, path
    assert first.fixed >= (3 if unsafe else 2) * len(seeded)
    assert list(tmp_path.rglob(".jaxlint-*.tmp")) == []

    after_first = {path: path.read_bytes() for path in before}
    second = lint_paths([str(tmp_path)], settings, options)
    assert second.errors == [] and second.fixed == 0
    assert {path: path.read_bytes() for path in before} == after_first
    assert second.findings == first.findings
