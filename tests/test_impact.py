"""A run on some files of a project (pre-commit's) also reports, in the project's other
files, what those files cause there through the cross-module index, and nothing else."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

HELPER = textwrap.dedent("""\
    def log_loss(loss):
        print("loss", loss)
        return loss
    """)
UNTRACED_TRAIN = textwrap.dedent("""\
    import jax.numpy as jnp


    def step(x):
        return jnp.sum(x)
    """)
JITTED_TRAIN = textwrap.dedent("""\
    import jax
    import jax.numpy as jnp

    from helpers import log_loss


    @jax.jit
    def step(x):
        return log_loss(jnp.sum(x))
    """)
CAUSED = (
    "helpers.py:2:5: JL004 `print` in traced code (in log_loss, called from the jitted step "
    "in train.py:9) runs once, at trace time, and shows tracers, not values; use "
    "`jax.debug.print` (caused by a change in train.py)"
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _hook(repo: Path, *files: str, output: str = "concise") -> subprocess.CompletedProcess[str]:
    """What the pre-commit hook runs (.pre-commit-hooks.yaml's entry) on ``files``."""
    return subprocess.run(
        [sys.executable, "-m", "jaxlint", "check", "--force-exclude", "--format", output, *files],
        cwd=repo,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Commit 1: an untraced helper that prints, and a module that does not use it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    (repo / "helpers.py").write_text(HELPER)
    (repo / "train.py").write_text(UNTRACED_TRAIN)
    _git(repo, "add", ".")
    return repo


def test_the_commit_that_jits_a_helper_is_blocked_by_the_helpers_print(repo: Path) -> None:
    first = _hook(repo, "helpers.py", "train.py")
    assert (first.returncode, first.stdout) == (0, "All checks passed!\n"), first.stderr
    _git(repo, "commit", "-qm", "an untraced helper")

    # Commit 2 changes only train.py, which now jits the helper.
    (repo / "train.py").write_text(JITTED_TRAIN)
    _git(repo, "add", "train.py")
    second = _hook(repo, "train.py")
    assert second.returncode == 1, second.stderr
    assert second.stdout.splitlines() == [CAUSED, "Found 1 problem."]

    as_json = json.loads(_hook(repo, "train.py", output="json").stdout)
    assert [(f["path"], f["line"], f["code"], f["fix"]) for f in as_json] == [
        ("helpers.py", 2, "JL004", None)
    ]
    assert as_json[0]["message"].endswith("(caused by a change in train.py)")

    # A whole-project run reports the same finding as the helper's own, unmarked.
    whole = _hook(repo, ".")
    assert whole.stdout.splitlines() == [
        CAUSED.removesuffix(" (caused by a change in train.py)"),
        "Found 1 problem.",
    ]


def test_a_finding_that_other_files_already_cause_is_not_reported_again(repo: Path) -> None:
    """eval.py, not given, already jits the helper: its print is CI's old finding, not
    one the change to train.py makes, and a run on train.py stays quiet about it."""
    (repo / "eval.py").write_text(JITTED_TRAIN.replace("def step", "def evaluate"))
    (repo / "train.py").write_text(JITTED_TRAIN)
    done = _hook(repo, "train.py")
    assert (done.returncode, done.stdout) == (0, "All checks passed!\n"), done.stderr


def test_a_rebound_global_elsewhere_is_reported_as_caused(repo: Path) -> None:
    (repo / "settings.py").write_text(
        textwrap.dedent("""\
        import jax

        scale = 1.0


        @jax.jit
        def scaled(x):
            return x * scale
        """)
    )
    (repo / "train.py").write_text(
        textwrap.dedent("""\
        import jax

        import settings


        def run(x):
            first = settings.scaled(x)
            settings.scale = 2.0  # the compiled scaled keeps 1.0
            return first, jax.jit(settings.scaled)(x)
        """)
    )
    done = _hook(repo, "train.py")
    assert done.returncode == 1, done.stderr
    reported = [line for line in done.stdout.splitlines() if ": JL" in line]
    assert [line.split(" ", 2)[:2] for line in reported] == [["settings.py:8:16:", "JL010"]]
    assert reported[0].endswith("(caused by a change in train.py)")
    # The settings module alone, as before: its own finding, unmarked.
    alone = _hook(repo, "settings.py")
    assert [line.split(" ", 2)[:2] for line in alone.stdout.splitlines() if ": JL" in line] == [
        ["settings.py:8:16:", "JL010"]
    ]
    assert "caused by" not in alone.stdout


def test_a_folder_of_the_project_is_some_of_its_files_too(repo: Path) -> None:
    (repo / "app").mkdir()
    (repo / "app" / "train.py").write_text(JITTED_TRAIN)
    (repo / "train.py").unlink()
    for given in ("app", "app/train.py"):
        done = _hook(repo, given)
        assert done.stdout.splitlines() == [
            CAUSED.replace("train.py:9", "app/train.py:9").replace(
                "change in train.py", "change in app/train.py"
            ),
            "Found 1 problem.",
        ], given
    # The whole project, or the helper's own folder with it, is no subset: no marks.
    assert "caused by" not in _hook(repo, ".").stdout


def test_a_module_in_the_middle_of_a_traced_chain_is_named_as_the_cause(repo: Path) -> None:
    """step (jitted, train.py) -> middle.relay -> helpers.log_loss: the change to the
    middle module alone, which now calls the helper, makes the print traced."""
    (repo / "train.py").write_text(
        JITTED_TRAIN.replace("from helpers import log_loss", "from middle import relay").replace(
            "log_loss(jnp.sum(x))", "relay(jnp.sum(x))"
        )
    )
    (repo / "middle.py").write_text(
        "from helpers import log_loss\n\n\ndef relay(x):\n    return log_loss(x)\n"
    )
    done = _hook(repo, "middle.py")
    reported = [line for line in done.stdout.splitlines() if ": JL" in line]
    assert [line.split(" ", 2)[:2] for line in reported] == [["helpers.py:2:5:", "JL004"]]
    assert reported[0].endswith("(caused by a change in middle.py)")
