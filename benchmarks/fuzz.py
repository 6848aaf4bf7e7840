"""The long robustness run: the generated programs of tests/test_fuzz.py, many times over.

    python benchmarks/fuzz.py --n 50000 [--jobs 2] [--batch 200] [--seed 0]

Each program comes from hypothesmith (grammar- and libcst-based) and is linted and fixed
(unsafe fixes included) at module level and inside a jitted function, in-process, as
tests/test_fuzz.py's ``check`` does; it fails on an exception, an internal error, or a
--fix output that does not parse. Prints programs run and failures (the first few in
full); exit status 1 when any failed.

Where the time goes (200 programs, one process): hypothesmith's generation is about 98 %
of it (``from_node`` about 0.2 s a program, ``from_grammar`` 0.05 s), linting the two
variants about 2.5 ms, so the run is made cheaper by generating more cheaply and in
parallel: batches of ``--batch`` programs, each drawn with its own seed
(``--seed`` + batch number) by a process forked from one that has already built the
strategies (the grammar's parser takes seconds), ``--jobs`` at a time
(forked_batches.py); generation only (no shrinking, no example database, no deadline), so
that no engine grows past one batch. Measured under load on two shared cores (nice 10,
300 programs): the pytest run this replaces took 118 s, this one with ``--jobs 1`` 66 s.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from forked_batches import Note, run_batches  # noqa: E402 - after the path above


def check_drawn(seed: int, count: int, note: Note) -> tuple[int, list[str]]:
    """Check ``count`` programs drawn with ``seed``: (programs checked, failures)."""
    import test_fuzz
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    warnings.simplefilter("ignore")  # CPython's own SyntaxWarnings about odd programs
    checked = 0
    failures: list[str] = []

    @with_seed(seed)
    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(test_fuzz.programs)
    def one(source: str) -> None:
        nonlocal checked
        note(f"seed {seed}, program {checked}", source)
        checked += 1
        try:
            test_fuzz.check(source)
        except Exception as error:  # noqa: BLE001 - the very thing this run looks for
            failures.append(f"seed {seed}: {type(error).__name__}: {error}\n{source!r}")

    one()
    return checked, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="programs (default 50000)")
    parser.add_argument("--jobs", type=int, default=2, help="batches at once (default 2)")
    parser.add_argument("--batch", type=int, default=200, help="programs a batch (200)")
    parser.add_argument("--seed", type=int, default=0, help="the first batch's seed")
    args = parser.parse_args()
    # Build the strategies (the grammar's parser) here, once, before any fork.
    warm_checked, warm_failures = check_drawn(args.seed - 1, 1, lambda name, source: None)
    sizes = [min(args.batch, args.n - start) for start in range(0, args.n, args.batch)]

    def batch(number: int, note: Note) -> tuple[int, list[str]]:
        return check_drawn(args.seed + number, sizes[number], note)

    checked, failures = run_batches(batch, len(sizes), args.jobs, "fuzz")
    checked, failures = checked + warm_checked, warm_failures + failures
    for failure in failures[:10]:
        print(failure)
    print(f"fuzz: {checked} generated programs (of {args.n}), {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
