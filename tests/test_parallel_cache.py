"""--jobs gives the same report as one process; the cache serves only what is still true."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jaxlint.config import Settings, load_settings, with_overrides
from jaxlint.driver import engine
from jaxlint.project import index, prefilter
from jaxlint.run.cache import CACHE_DIR, _checksum
from jaxlint.run.check import CheckOptions, lint_paths

ROOT = Path(__file__).resolve().parent.parent

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f(i):
        x = jnp.zeros(3)
        x[i] = 1.0
        return x
    """)
PLAIN = "def g(a):\n    return a + 1\n"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaxlint", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Fixtures, broken files and many small files in nested folders."""
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "fixtures", root / "pkg")
    (root / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (root / "pkg" / "broken.py").write_text("def f(:\n    pass\n")
    for n in range(24):
        folder = root / "many" / f"sub{n % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{n:02}.py").write_text(BAD if n % 3 == 0 else PLAIN)
    return root


class ParseLog:
    """Every parse (libcst or CPython's) the engine does, with the source: in this process
    or in a forked worker (even ``--jobs 1`` lints in one), which inherits the counting
    functions but sends back only results, so each parse is a line in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clear()

    def record(self, kind: str, source: bytes) -> None:
        with open(self.path, "a", encoding="ascii") as log:
            log.write(f"{kind} {source.hex()}\n")

    def entries(self) -> list[tuple[str, bytes]]:
        lines = self.path.read_text(encoding="ascii").splitlines()
        return [(kind, bytes.fromhex(data)) for kind, _, data in (s.partition(" ") for s in lines)]

    def clear(self) -> None:
        self.path.write_text("", encoding="ascii")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ParseLog]:
    """Every parse the engine does in this process and its workers."""
    seen = ParseLog(tmp_path / "parses.log")
    libcst_parse = engine.parse
    python_tree = prefilter.python_tree

    def counted_parse(source: bytes, *, checked: bool = False, compiles: bool = True):  # type: ignore[no-untyped-def]
        seen.record("libcst", source)
        return libcst_parse(source, checked=checked, compiles=compiles)

    def counted_python(source: bytes, *, compiles: bool = True):  # type: ignore[no-untyped-def]
        seen.record("python", source)
        return python_tree(source, compiles=compiles)

    monkeypatch.setattr(engine, "parse", counted_parse)
    monkeypatch.setattr(prefilter, "python_tree", counted_python)
    yield seen


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_jobs_output_identical_and_ordered(project: Path, output_format: str) -> None:
    one = run_cli(".", "--no-cache", "--jobs", "1", "--format", output_format, cwd=project)
    two = run_cli(".", "--no-cache", "--jobs", "2", "--format", output_format, cwd=project)
    three = run_cli(".", "--no-cache", "--jobs", "3", "--format", output_format, cwd=project)
    assert one.returncode == two.returncode == three.returncode == 1, one.stderr
    assert one.stdout == two.stdout == three.stdout
    assert one.stderr == two.stderr == three.stderr
    if output_format == "json":
        findings = json.loads(one.stdout)
        keys = [(f["path"], f["line"], f["column"]) for f in findings]
        assert keys == sorted(keys)
        assert {f["code"] for f in findings} >= {"JL000", "JL001"}


def test_jobs_fix_matches_one_process(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(project, other)
    one = run_cli(".", "--no-cache", "--fix", "--jobs", "1", cwd=project)
    two = run_cli(".", "--no-cache", "--fix", "--jobs", "2", cwd=other)
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)
    for path in sorted(project.rglob("*.py")):
        assert path.read_bytes() == (other / path.relative_to(project)).read_bytes()


def options(**changes: object) -> CheckOptions:
    return CheckOptions(use_cache=True, jobs=1, **changes)  # type: ignore[arg-type]


def test_warm_rerun_parses_nothing(project: Path, parses: ParseLog) -> None:
    settings = load_settings(None, str(project))
    cold = lint_paths([str(project)], settings, options())
    files = len(cold.results)
    assert parses.entries() and cold.cache.hits == 0 and cold.cache.misses == files
    assert (project / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"

    parses.clear()
    warm = lint_paths([str(project)], settings, options())
    assert parses.entries() == []
    assert warm.cache.hits == files and warm.cache.misses == 0
    assert warm.findings == cold.findings
    assert warm.warnings == cold.warnings


def test_changed_file_relinted_alone(project: Path, parses: ParseLog) -> None:
    settings = load_settings(None, str(project))
    first = lint_paths([str(project)], settings, options())
    target = project / "many" / "sub1" / "m01.py"
    assert not [f for f in first.findings if f.path == str(target)]
    target.write_text(BAD)

    parses.clear()
    second = lint_paths([str(project)], settings, options())
    # CPython's parser first (the pre-filter finds a candidate), then libcst's.
    assert [kind for kind, _ in parses.entries()] == ["python", "libcst"]
    assert second.cache.misses == 1
    assert [(f.line, f.code) for f in second.findings if f.path == str(target)] == [(6, "JL001")]


def test_configuration_and_dependencies_are_part_of_the_key(
    project: Path, parses: ParseLog
) -> None:
    settings = load_settings(None, str(project))
    lint_paths([str(project)], settings, options())

    parses.clear()
    narrower = with_overrides(settings, select=["JL003"])
    run = lint_paths([str(project)], narrower, options())
    assert run.cache.hits == 0 and parses.entries()
    assert {f.code for f in run.findings} <= {"JL003"}

    version = {"m00.py": "v1"}

    def fingerprint(path: str) -> str:
        return version.get(os.path.basename(path), "")

    lint_paths([str(project)], settings, options(), dependencies=fingerprint)
    version["m00.py"] = "v2"  # what m00.py depends on elsewhere changed
    parses.clear()
    run = lint_paths([str(project)], settings, options(), dependencies=fingerprint)
    assert run.cache.misses == 1 and [kind for kind, _ in parses.entries()] == ["python", "libcst"]


def test_per_file_ignores_change_the_key(tmp_path: Path, parses: ParseLog) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text("[tool.jaxlint]\n")
    before = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), options())
    assert [f.code for f in before.findings] == ["JL001"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint.per-file-ignores]\n"a.py" = ["JL001"]\n'
    )
    after = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), options())
    assert after.findings == []


def test_no_cache_neither_reads_nor_writes(project: Path) -> None:
    done = run_cli(".", "--no-cache", cwd=project)
    assert done.returncode == 1
    assert not (project / CACHE_DIR).exists()
    run_cli(".", cwd=project)
    assert (project / CACHE_DIR).is_dir()


def test_cached_report_equals_fresh_report(project: Path) -> None:
    fresh = run_cli(".", "--no-cache", "--format", "json", cwd=project)
    cold = run_cli(".", "--format", "json", cwd=project)
    warm = run_cli(".", "--format", "json", cwd=project)
    assert fresh.stdout == cold.stdout == warm.stdout
    assert fresh.stderr == cold.stderr == warm.stderr
    assert fresh.returncode == cold.returncode == warm.returncode == 1


def test_fix_is_never_served_stale(project: Path, parses: ParseLog) -> None:
    settings = load_settings(None, str(project))
    lint_paths([str(project)], settings, options())  # findings with fixes now cached
    target = project / "many" / "sub0" / "m00.py"

    parses.clear()
    fixed = lint_paths([str(project)], settings, options(fix=True))
    assert "x = x.at[i].set(1.0)" in target.read_text()
    assert fixed.fixed > 0
    # Only files with something fixable were linted again.
    linted = {source for _, source in parses.entries()}
    assert BAD.encode() in linted and PLAIN.encode() not in linted

    parses.clear()
    again = lint_paths([str(project)], settings, options(fix=True))
    assert again.fixed == 0 and parses.entries() == []
    plain = lint_paths([str(project)], Settings(root=str(project)), CheckOptions())
    assert again.findings == plain.findings


def test_diff_run_does_not_poison_the_cache(project: Path) -> None:
    settings = load_settings(None, str(project))
    diff = lint_paths([str(project)], settings, options(diff=True))
    assert diff.diffs
    after = lint_paths([str(project)], settings, options())
    plain = lint_paths([str(project)], settings, CheckOptions())
    assert after.findings == plain.findings
    assert any(f.code == "JL001" for f in after.findings)


def test_damaged_cache_is_ignored(project: Path) -> None:
    settings = load_settings(None, str(project))
    first = lint_paths([str(project)], settings, options())
    for cache_file in (project / CACHE_DIR).glob("results-*.json"):
        cache_file.write_text('{"entries": {"pkg/broken.py": {"key": 1}}, ')
    second = lint_paths([str(project)], settings, options())
    assert second.findings == first.findings
    assert second.cache.hits == 0
    assert [w for w in second.warnings if "damaged cache" in w] != []


def _payload_edit(cache_file: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    header, _, payload = cache_file.read_text().partition("\n")
    data = json.loads(payload)
    edit(data)
    cache_file.write_text(header + "\n" + json.dumps(data))


def test_a_cache_edited_behind_jaxlints_back_is_never_served(project: Path) -> None:
    settings = load_settings(None, str(project))
    first = lint_paths([str(project)], settings, options())
    (cache_file,) = (project / CACHE_DIR).glob("results-*.json")

    def forge(data: dict[str, Any]) -> None:  # valid JSON, plausible, and wrong
        for entry in data["entries"].values():
            entry["findings"] = []

    _payload_edit(cache_file, forge)
    second = lint_paths([str(project)], settings, options())
    assert second.findings == first.findings
    assert second.cache.hits == 0
    assert sum("damaged cache" in w for w in second.warnings) == 1
    third = lint_paths([str(project)], settings, options())  # rewritten whole
    assert third.cache.misses == 0 and third.warnings == []


@pytest.mark.parametrize(
    "damage",
    [
        "[" * 100_000 + "]" * 100_000,  # too deep for the JSON reader
        '{"format": 4, "checksum": "x"}\n{}',  # a checksum that does not match
        "",  # truncated to nothing
    ],
)
def test_a_damaged_cache_never_crashes(project: Path, damage: str) -> None:
    settings = load_settings(None, str(project))
    first = lint_paths([str(project)], settings, options())
    (cache_file,) = (project / CACHE_DIR).glob("results-*.json")
    cache_file.write_text(damage)
    second = lint_paths([str(project)], settings, options())
    assert second.findings == first.findings


def test_mistyped_entries_are_misses(project: Path) -> None:

    settings = load_settings(None, str(project))
    first = lint_paths([str(project)], settings, options())
    (cache_file,) = (project / CACHE_DIR).glob("results-*.json")
    header, _, payload = cache_file.read_text().partition("\n")
    data = json.loads(payload)
    for entry in data["entries"].values():
        for finding in entry["findings"]:
            finding[0] = str(finding[0])  # a line number as text
    payload = json.dumps(data)
    head = json.loads(header)
    head["checksum"] = _checksum(payload)
    cache_file.write_text(json.dumps(head) + "\n" + payload)
    second = lint_paths([str(project)], settings, options())
    assert second.findings == first.findings


def test_deleted_files_leave_the_cache(project: Path) -> None:
    settings = load_settings(None, str(project))
    lint_paths([str(project)], settings, options())
    (project / "many" / "sub2" / "m02.py").unlink()
    lint_paths([str(project / "pkg")], settings, options())  # a run over another folder
    (cache_file,) = (project / CACHE_DIR).glob("results-*.json")
    entries = json.loads(cache_file.read_text().partition("\n")[2])["entries"]
    assert "many/sub2/m02.py" not in entries
    assert "many/sub2/m06.py" in entries


def test_unwritable_cache_folder_still_lints(project: Path) -> None:
    (project / CACHE_DIR).write_text("a file where the folder should be")
    done = run_cli(".", cwd=project)
    assert done.returncode == 1
    assert "JL001" in done.stdout
    assert "Traceback" not in done.stderr
    assert done.stderr.count("could not write the cache") == 1


def test_in_process_pool_matches_serial(project: Path) -> None:
    settings = load_settings(None, str(project))
    serial = lint_paths([str(project)], settings, CheckOptions(jobs=1))
    pooled = lint_paths([str(project)], settings, CheckOptions(jobs=2))
    assert pooled.findings == serial.findings
    assert [r.path for r in pooled.results] == [r.path for r in serial.results]
    assert pooled.warnings == serial.warnings
    assert os.listdir(project / "many")  # nothing was written or removed


def test_cross_module_facts_are_cached_and_invalidated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    # No JAX import here: only train.py's jit makes log() traced.
    (pkg / "util.py").write_text("def log(x):\n    print(x)\n    return x\n")
    jitted = "import jax\nfrom pkg.util import log\n\n\n@jax.jit\ndef step(x):\n    return log(x)\n"
    (pkg / "train.py").write_text(jitted)
    settings = Settings(root=str(tmp_path))
    built: list[int] = []
    real_index = index.ProjectIndex

    def counted_index(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        return real_index(*args, **kwargs)

    # The run imports the index where it builds one (a cached run never does).
    monkeypatch.setattr(index, "ProjectIndex", counted_index)

    def codes() -> list[tuple[str, str]]:
        run = lint_paths([str(tmp_path)], settings, options())
        return [(Path(f.path).name, f.code) for f in run.findings]

    assert codes() == [("util.py", "JL004")] and built == [1]
    assert codes() == [("util.py", "JL004")] and built == [1]  # warm: no index built
    (pkg / "train.py").write_text(jitted.replace("@jax.jit\n", ""))
    assert codes() == [] and built == [1, 1]  # util.py unchanged, yet linted again


def test_four_concurrent_cached_runs_agree_with_no_cache_run_after_run(project: Path) -> None:
    """Four runs at once on one cache, three times over with an edit in between (a new
    finding, then a fixed file): each run's report is the ``--no-cache`` one, whichever
    run wrote an entry first and whatever the others read meanwhile."""
    args = ["--output-format", "json", "--jobs", "2", "."]
    edits = [
        None,
        ("many/sub1/m01.py", BAD),  # a plain file gains a finding
        ("many/sub0/m00.py", PLAIN),  # a buggy one loses its finding
    ]
    for edit in edits:
        if edit is not None:
            (project / edit[0]).write_text(edit[1])
        fresh = run_cli("check", "--no-cache", *args, cwd=project)
        assert fresh.returncode == 1, fresh.stderr
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "jaxlint", "check", *args],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert run.returncode == 1, err
            assert json.loads(out) == json.loads(fresh.stdout), edit
            assert "Traceback" not in err and "cache" not in err, err
