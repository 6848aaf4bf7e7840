"""``--fix`` replaces a file only where that loses nothing: an edit saved while jaxlint ran,
a symbolic link, a hard link and the file's owner all survive. A file whose fixes are not
written (for any of those reasons, a failed write or a fix whose result would not parse)
is reported as it is on disk: its findings are listed and counted as remaining, and the
run fails for them (exit 1, or 2 for a failed write), as ruff's and flake8's users expect
of a finding nobody fixed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jaxlint.config import Settings
from jaxlint.driver import engine
from jaxlint.fsio import WriteRefused, replace_source
from jaxlint.run.check import CheckOptions, run_check

BUGGY = "import jax.numpy as jnp\n\ndef f():\n    x = jnp.zeros(3)\n    x[0] = 1.0\n    return x\n"
FIXED = "import jax.numpy as jnp\n\ndef f():\n    x = jnp.zeros(3)\n    x = x.at[0].set(1.0)\n    return x\n"


def _fix(root: Path, *paths: Path) -> tuple[int, str]:
    code, _, err = _fix_report(root, *paths)
    return code, err


def _fix_report(root: Path, *paths: Path) -> tuple[int, str, str]:
    """Exit code, report (concise) and stderr of ``--fix`` on ``paths``."""
    out, err = io.StringIO(), io.StringIO()
    options = CheckOptions(fix=True, use_cache=False, jobs=1, output_format="concise")
    code = run_check([str(p) for p in paths], Settings(root=str(root)), options, out, err)
    return code, out.getvalue(), err.getvalue()


#: What ``--fix`` reports of BUGGY (line 5) left unfixed at ``path``.
def _unfixed(path: Path, line: int = 5) -> list[str]:
    return [
        f"{path}:{line}:5: JL001 [*] In-place update of JAX array `x`: JAX arrays are "
        "immutable; use `x = x.at[0].set(1.0)`",
        "Found 1 problem (1 fixable with --fix).",
    ]


def _leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(".jaxlint-")]


def test_a_fix_is_written(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    code, _ = _fix(tmp_path, source)
    assert code == 0
    assert source.read_text() == FIXED


def test_an_edit_saved_while_jaxlint_ran_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    real_lint = engine.FileLinter.lint

    def lint_then_edit(self: engine.FileLinter, *args: object, **kwargs: object) -> object:
        result = real_lint(self, *args, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("fix"):  # the user saves an edit while the fix is computed
            with open(source, "a") as handle:
                handle.write("# saved by the user\n")
        return result

    monkeypatch.setattr(engine.FileLinter, "lint", lint_then_edit)
    code, out, err = _fix_report(tmp_path, source)
    assert source.read_text() == BUGGY + "# saved by the user\n"
    assert "fixes not written: it changed on disk while jaxlint ran" in err
    assert _leftovers(tmp_path) == []
    # Nothing was lost, and nothing fixed: the finding of the file as saved is reported.
    assert code == 1
    assert out.splitlines() == _unfixed(source)


def test_a_symlink_is_fixed_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(BUGGY)
    (tmp_path / ".git").mkdir()
    link = tmp_path / "link.py"
    link.symlink_to(target)
    _fix(tmp_path, link)
    assert link.is_symlink()
    assert target.read_text() == FIXED


def test_a_symlink_out_of_the_project_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    project = tmp_path / "project"
    outside.mkdir()
    project.mkdir()
    (project / ".git").mkdir()
    target = outside / "real.py"
    target.write_text(BUGGY)
    link = project / "link.py"
    link.symlink_to(target)
    code, out, err = _fix_report(project, link)
    assert link.is_symlink()
    assert target.read_text() == BUGGY
    assert "outside the project" in err
    assert code == 1 and out.splitlines() == _unfixed(link)


def test_a_folder_linked_from_outside_the_project_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    project = tmp_path / "project"
    outside.mkdir()
    project.mkdir()
    (project / ".git").mkdir()
    (outside / "real.py").write_text(BUGGY)
    (project / "linked").symlink_to(outside, target_is_directory=True)
    _, err = _fix(project, project)  # the folder link is found, not named
    assert (outside / "real.py").read_text() == BUGGY
    assert "linked/real.py: fixes not written: it links to" in err
    assert "outside the project" in err
    assert _leftovers(outside) == []


def test_a_hard_linked_file_is_left_whole(tmp_path: Path) -> None:
    first = tmp_path / "a.py"
    first.write_text(BUGGY)
    second = tmp_path / "b.py"
    os.link(first, second)
    code, out, err = _fix_report(tmp_path, first)
    assert first.read_text() == second.read_text() == BUGGY
    assert os.stat(first).st_ino == os.stat(second).st_ino
    assert "other hard links" in err
    assert code == 1 and out.splitlines() == _unfixed(first)


def test_a_file_whose_owner_cannot_be_kept_is_left_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)

    def refused(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    # The file seems another user's, whom this process may not give a file to.
    monkeypatch.setattr(os, "getuid", lambda: os.stat(source).st_uid + 1)
    monkeypatch.setattr(os, "chown", refused)
    code, out, err = _fix_report(tmp_path, source)
    assert source.read_text() == BUGGY
    assert f"warning: {source}: fixes not written: its owner and group could not be kept" in err
    assert code == 1 and out.splitlines() == _unfixed(source)
    assert _leftovers(tmp_path) == []


def test_a_failed_write_is_an_error_and_the_finding_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jaxlint.run.check.replace_source", full_disk)
    code, out, err = _fix_report(tmp_path, source)
    assert source.read_text() == BUGGY
    assert f"error: {source}: could not write fixes: [Errno 28] No space left on device" in err
    assert code == 2 and out.splitlines() == _unfixed(source)


def test_a_fix_whose_result_would_not_parse_is_reported_unfixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)

    def unparsable(*args: object, **kwargs: object) -> None:
        raise SyntaxError("on purpose")

    monkeypatch.setattr("jaxlint.driver.fixer.parse", unparsable)
    code, out, err = _fix_report(tmp_path, source)
    assert source.read_text() == BUGGY
    assert "a fix was not applied because the result would not parse (SyntaxError)" in err
    assert code == 1 and out.splitlines() == _unfixed(source)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_the_owner_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    os.chown(source, 1234, 5678)
    _fix(tmp_path, source)
    info = os.stat(source)
    assert source.read_text() == FIXED
    assert (info.st_uid, info.st_gid) == (1234, 5678)


def test_replace_source_refuses_a_changed_file(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_bytes(b"changed\n")
    with pytest.raises(WriteRefused, match="changed on disk"):
        replace_source(str(source), b"original\n", b"fixed\n")
    assert source.read_bytes() == b"changed\n"
    assert _leftovers(tmp_path) == []


def test_a_dead_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    # A writer killed outright (SIGKILL) between creating its temporary file and renaming
    # it leaves the file behind: the next write in that folder removes it, but never one
    # whose writer still lives (another run's write in progress).
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(finished.stdout)
    stale = tmp_path / f".jaxlint-{dead}-{'a' * 32}.tmp"
    live = tmp_path / f".jaxlint-{os.getpid()}-{'b' * 32}.tmp"
    unrelated = tmp_path / f".jaxlint-{dead}-notours.tmp"
    for path in (stale, live, unrelated):
        path.write_text("partial")
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    code, _ = _fix(tmp_path, source)
    assert code == 0 and source.read_text() == FIXED
    assert sorted(_leftovers(tmp_path)) == sorted([live.name, unrelated.name])
