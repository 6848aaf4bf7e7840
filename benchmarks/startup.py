"""How fast jaxlint starts: wall time and what it imports, per command.

    python benchmarks/startup.py [--runs N]

For ``--version``, ``rules`` and a check of one small file (no cache), runs this
interpreter's ``python -m jaxlint`` N times (default 7) and prints the median and best
wall time and the median CPU time, then runs it once under ``python -X importtime`` and
prints the total import time and the five slowest top-level imports. Targets (issue
22): ``--version`` at most 0.2 s, a one-file check at most 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As ``python -m jaxlint`` runs it, so that any version of jaxlint can be measured.
ENTRY = (
    "import runpy, sys; sys.argv[0] = 'jaxlint'; runpy.run_module('jaxlint', run_name='__main__')"
)

SMALL_FILE = """\
import jax
import jax.numpy as jnp


@jax.jit
def step(x):
    print(x)
    return jnp.sin(x) * 2
"""


def timings(args: list[str], cwd: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system) of ``runs`` runs. On a loaded machine the
    CPU time is the steadier measure of what start-up costs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=cwd, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def import_profile(args: list[str], cwd: Path) -> tuple[float, list[tuple[float, str]]]:
    """Total import time (s) and the slowest imports made at top level (s, module)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", ENTRY, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    top: list[tuple[float, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name[1:].startswith(" "):  # a top-level import (nested ones are indented)
            top.append((int(cumulative) / 1e6, name.strip()))
    return sum(seconds for seconds, _ in top), sorted(top, reverse=True)[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "small.py").write_text(SMALL_FILE)
        cases = {
            "--version": ["--version"],
            "rules": ["rules"],
            "check small.py": ["check", "--no-cache", "small.py"],
        }
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        header = f"{'command':<16} {'wall s':>7} {'best s':>7} {'cpu s':>6} {'imports s':>10}"
        print(f"{header}  slowest imports (median wall, best wall, median CPU time)")
        for label, args in cases.items():
            walls, cpus = timings(args, folder, options.runs)
            total, slowest = import_profile(args, folder)
            names = ", ".join(f"{name} {seconds:.3f}" for seconds, name in slowest)
            print(
                f"{label:<16} {statistics.median(walls):>7.3f} {min(walls):>7.3f} "
                f"{statistics.median(cpus):>6.3f} {total:>10.3f}  {names}"
            )


if __name__ == "__main__":
    main()
