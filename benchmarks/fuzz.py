"""The long robustness run: the generated-programs test of tests/test_fuzz.py, N times.

    python benchmarks/fuzz.py --n 50000

Each example is a program from hypothesmith (grammar- and libcst-based), linted and fixed
(unsafe fixes included) at module level and inside a jitted function; it fails on any
internal error or any --fix output that does not parse. Exit status as pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="examples (default 50000)")
    args = parser.parse_args()
    env = {**os.environ, "JAXLINT_FUZZ_EXAMPLES": str(args.n)}
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            str(ROOT / "tests" / "test_fuzz.py"),
        ],
        cwd=ROOT,
        env=env,
    )
    minutes = (time.perf_counter() - start) / 60
    verdict = "passed" if done.returncode == 0 else "FAILED"
    print(f"fuzz: {args.n} generated programs, {verdict}, {minutes:.1f} min")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
