"""The long mutation fuzz: tests/test_mutation_fuzz.py over many more mutants of real files.

    python benchmarks/mutation_fuzz.py [--n 30000] [--jobs 2] [--batch 500] [--sources FOLDER]

Sources default to the corpus ($JAXLINT_CORPUS or ~/.cache/jaxlint-corpus; see
../shared/corpus.sh), or the fixtures where it is absent. Each mutant is one source file
with one token deleted or doubled, linted and fixed (unsafe fixes included) in-process;
it fails on an exception or internal error, on a JL000 for a mutant CPython compiles, or
on a fix that makes such a mutant uncompilable. Mutants are made and checked in batches
of ``--batch``, each from its own seed (``--seed`` + batch number) in a forked process,
``--jobs`` at a time (forked_batches.py: a crash in native code costs one batch and is
reported with its mutant). Prints programs run and failures (the first few in full);
exit status 1 when any failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from forked_batches import Note, run_batches  # noqa: E402 - after the path above


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000, help="mutants (default 30000)")
    parser.add_argument("--sources", type=Path, help="a folder of .py files")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--jobs", type=int, default=2, help="batches at once (default 2)")
    parser.add_argument("--batch", type=int, default=500, help="mutants a batch (500)")
    args = parser.parse_args()
    corpus = Path(os.environ.get("JAXLINT_CORPUS", Path.home() / ".cache" / "jaxlint-corpus"))
    sources = args.sources or (corpus if corpus.is_dir() else ROOT / "fixtures")
    os.environ["JAXLINT_MUTATION_SOURCES"] = str(sources)  # read when the module loads
    sys.path.insert(0, str(ROOT / "tests"))
    import test_mutation_fuzz as fuzz

    sizes = [min(args.batch, args.n - start) for start in range(0, args.n, args.batch)]

    def batch(number: int, note: Note) -> tuple[int, list[str]]:
        failures: list[str] = []
        made = fuzz.mutants(sizes[number], args.seed + number)
        for name, source in made:
            note(name, source)
            problem = fuzz.failure(source)
            if problem is not None:
                failures.append(f"{name}: {problem}")
        return len(made), failures

    checked, failures = run_batches(batch, len(sizes), args.jobs, "mutation fuzz")
    for line in failures[:20]:
        print(line)
    print(f"mutation fuzz: {checked} mutants of files under {sources}, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
