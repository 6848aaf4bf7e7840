"""Run a real library's own tests with and without `pytest --jax-verify`; compare.

    python benchmarks/verify_suites.py SUITE --source DIR [--python PY] [-n N]
                                       [--tests PATH ...] [--keep DIR]

SUITE is one of the pinned libraries below; DIR holds its source at the pinned commit
(a clone checked out there, or an export of it: the script does not download). PY is an
interpreter with jax, jaxlint (this checkout), pytest and the library's test
dependencies installed; it defaults to this one. The suite runs twice on CPU in DIR,
plainly and with `--jax-verify --jax-verify-report`, and the script prints both wall
and CPU times, the overhead, the load average before and after each run (on a busy
machine wall times say little: compare CPU times), the tests' own outcome line for each
run, the verdict counts, the time the checks themselves took (the rest of the overhead
is observing the tests and the recompilations it causes), and each failed function with
its failed checks and causes.
Exit status: 0 when both runs pass and no function fails, 1 otherwise.

Heavy on a shared machine: prefix with `nice -n 10`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Suite:
    repository: str
    commit: str
    tests: tuple[str, ...]  # test files run by default, relative to the source folder


SUITES = {
    "optax": Suite(
        "https://github.com/google-deepmind/optax",
        "2edbcbe2390da13983b92cbef94ac0460ecde1c5",
        (
            "optax/_src/numerics_test.py",
            "optax/_src/utils_test.py",
            "optax/_src/update_test.py",
            "optax/_src/transform_test.py",
            "optax/transforms/_clipping_test.py",
            "optax/projections/_projections_test.py",
            "optax/losses/_regression_test.py",
            "optax/losses/_smoothing_test.py",
        ),
    ),
    "dm_pix": Suite(
        "https://github.com/google-deepmind/dm_pix",
        "ae478298f3dc6f611fb968fe2e831e8c9925b243",
        (
            "dm_pix/_src/interpolation_test.py",
            "dm_pix/_src/depth_and_space_test.py",
            "dm_pix/_src/patch_test.py",
            "dm_pix/_src/metrics_test.py",
            "dm_pix/_src/augment_test.py",
        ),
    ),
}


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of pytest and its workers: steadier on a busy machine
    exit_code: int
    outcome: str  # pytest's closing line
    load: tuple[float, float]  # the 1-minute load average before and after: how busy it was


def run_pytest(python: str, source: Path, tests: list[str], extra: list[str]) -> Run:
    environment = dict(os.environ, JAX_PLATFORMS="cpu")
    environment.pop("PYTEST_ADDOPTS", None)
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, *tests]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command, cwd=source, env=environment, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    closing = next(
        (line.strip("= ") for line in reversed(lines) if " in " in line and "passed" in line),
        lines[-1] if lines else completed.stderr.strip()[-300:],
    )
    return Run(
        seconds, cpu_seconds, completed.returncode, closing, (load_before, os.getloadavg()[0])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--source", type=Path, required=True, help="the library's source")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("-n", "--numprocesses", default=None, help="pytest-xdist workers")
    parser.add_argument("--tests", nargs="+", default=None, help="instead of the defaults")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the JSON report")
    options = parser.parse_args(argv)
    suite = SUITES[options.suite]
    source = options.source.resolve()
    tests = options.tests or list(suite.tests)
    missing = [test for test in tests if not (source / test).exists()]
    if missing:
        print(
            f"{source} lacks {', '.join(missing)}: check out {suite.repository} at "
            f"{suite.commit} there",
            file=sys.stderr,
        )
        return 2
    extra = ["-n", options.numprocesses] if options.numprocesses else []
    report_folder = options.keep or Path(tempfile.mkdtemp(prefix="verify_suites_"))
    report_folder.mkdir(parents=True, exist_ok=True)
    report = report_folder / f"{options.suite}.json"

    print(f"{options.suite} at {suite.commit[:12]}: {len(tests)} test files, {' '.join(extra)}")
    plain = run_pytest(options.python, source, tests, extra)
    print(
        f"plain:         {plain.seconds:7.1f} s wall {plain.cpu_seconds:7.1f} s CPU"
        f"  load {plain.load[0]:.1f}-{plain.load[1]:.1f}  exit {plain.exit_code}  {plain.outcome}"
    )
    verified = run_pytest(
        options.python, source, tests, [*extra, "--jax-verify", f"--jax-verify-report={report}"]
    )
    print(
        f"--jax-verify:  {verified.seconds:7.1f} s wall {verified.cpu_seconds:7.1f} s CPU"
        f"  load {verified.load[0]:.1f}-{verified.load[1]:.1f}  exit {verified.exit_code}  {verified.outcome}"
    )
    print(
        f"overhead:      {100 * (verified.seconds / plain.seconds - 1):+.0f} % wall, "
        f"{100 * (verified.cpu_seconds / plain.cpu_seconds - 1):+.0f} % CPU"
    )
    rows = json.loads(report.read_text()) if report.is_file() else []
    verdicts = Counter(row["verdict"] for row in rows)
    checked = sum(row.get("seconds", 0.0) for row in rows)
    print(
        f"functions:     {len(rows)} observed: {verdicts['pass']} passed, "
        f"{verdicts['fail']} failed, {verdicts['skip']} skipped; checks took {checked:.1f} s"
    )
    per_check = Counter((name, status) for row in rows for name, status in row["checks"].items())
    names = sorted({name for name, _ in per_check})
    print(
        "per check:     "
        + "; ".join(
            f"{name} {per_check[(name, 'pass')]}/{per_check[(name, 'fail')]}/"
            f"{per_check[(name, 'skip')]}"
            for name in names
        )
        + "  (pass/fail/skip)"
    )
    for row in rows:
        if row["verdict"] != "fail":
            continue
        failed = [name for name, status in row["checks"].items() if status == "fail"]
        print(f"FAIL {row['function']} ({row['path']}:{row['line']}): {', '.join(failed)}")
        for key, message in row["messages"].items():
            if key in failed or key == "error":
                print(f"    {key}: {message}")
    print(f"report: {report}")
    clean = plain.exit_code == 0 and verified.exit_code == 0 and not verdicts["fail"]
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
