"""The long mutation fuzz: tests/test_mutation_fuzz.py over many more mutants of real files.

    python benchmarks/mutation_fuzz.py [--n 30000] [--sources FOLDER]

Sources default to the corpus ($JAXLINT_CORPUS or ~/.cache/jaxlint-corpus; see
../shared/corpus.sh), or the fixtures where it is absent. Each mutant is one source file
with one token deleted or doubled, linted and fixed (unsafe fixes included) in this
process; it fails on an exception or internal error, on a JL000 for a mutant CPython
compiles, or on a fix that makes such a mutant uncompilable. Prints programs run and
failures (the first few in full); exit status 1 when any failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000, help="mutants (default 30000)")
    parser.add_argument("--sources", type=Path, help="a folder of .py files")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    corpus = Path(os.environ.get("JAXLINT_CORPUS", Path.home() / ".cache" / "jaxlint-corpus"))
    sources = args.sources or (corpus if corpus.is_dir() else ROOT / "fixtures")
    os.environ["JAXLINT_MUTATION_SOURCES"] = str(sources)  # read when the module loads
    sys.path.insert(0, str(ROOT / "tests"))
    import test_mutation_fuzz as fuzz

    start = time.perf_counter()
    made = fuzz.mutants(args.n, args.seed)
    failures: list[str] = []
    for name, source in made:
        problem = fuzz.failure(source)
        if problem is not None:
            failures.append(f"{name}: {problem}")
    minutes = (time.perf_counter() - start) / 60
    for line in failures[:20]:
        print(line)
    print(
        f"mutation fuzz: {len(made)} mutants of files under {sources}, "
        f"{len(failures)} failures, {minutes:.1f} min"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
