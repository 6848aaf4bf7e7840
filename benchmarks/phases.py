"""Where a cold run's CPU time goes, phase by phase, in one process.

    python benchmarks/phases.py [FOLDER] [--select SELECTORS]

FOLDER defaults to the jax corpus ($JAXLINT_CORPUS or ~/.cache/jaxlint-corpus, the newest
``jax-<version>`` in it; see ../shared/corpus.sh). The run is ``jaxlint --no-cache --jobs 1``
on FOLDER, in this process, with a CPU timer around each phase (no profiler: a profiler
slows Python code and not libcst's native parser, which would skew the shares):

- project index: reading every file with ``ast`` and summarising what it traces, jits
  and rebinds for the other files;
- pre-filter: CPython's parse and compile check of each file, and the rule triggers that
  decide whether it needs a libcst tree at all;
- libcst parse: of the files the pre-filter lets through;
- semantic model: building the model of each parsed file;
- rules: every enabled rule asking the model;
- positions, noqa, fix edits: lines and columns of the reported nodes, ``# noqa``, and
  each fix as text edits;
- rest: reading files, discovery, configuration, output (the run's total less the above).

With ``--why``, it then says why each file the pre-filter let through reaches libcst:
the triggers of enabled rules it shows (:mod:`jaxlint.rules.triggers`), or facts from
other files (a function of it traced there, a name rebound, a jitted function imported),
which let a file through whatever it shows. Each reason's files are weighed by their
libcst parse CPU in the run, the cost a finer pre-filter would save.

A bare libcst parse of every file is timed after, as the floor the cold-run target is
stated against (issue 23: CPU at most 1.0x of it): libcst's own ``parse_module``, node
checks and all, where jaxlint's parse leaves those out (:mod:`jaxlint.driver.validation`).
Run it on a quiet machine; it prints
the load average so that a reader can judge the numbers. Workers (``--jobs N``) add the
pickling of results on top: see benchmarks/bench.py for the multi-process runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import default_corpus, python_files  # noqa: E402 - after the path

_spent: dict[str, float] = defaultdict(float)
_depth: list[str] = []


@contextlib.contextmanager
def _phase(name: str) -> Iterator[None]:
    """Charge the CPU time of the block to ``name``, and none of it to an enclosing phase."""
    start = time.process_time()
    _depth.append(name)
    try:
        yield
    finally:
        _depth.pop()
        spent = time.process_time() - start
        _spent[name] += spent
        if _depth:
            _spent[_depth[-1]] -= spent


def _timed(owner: Any, attribute: str, name: str) -> None:
    original: Callable[..., Any] = getattr(owner, attribute)

    def timed(*args: Any, **kwargs: Any) -> Any:
        with _phase(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, timed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--select", default=None, help="as jaxlint's --select (default: its)")
    parser.add_argument("--why", action="store_true", help="why files reach libcst, by cost")
    args = parser.parse_args()
    folder = args.folder or default_corpus()
    if folder is None:
        raise SystemExit("no jax corpus: run ../shared/corpus.sh, or give a FOLDER")
    folder = folder.resolve()

    import libcst

    from jaxlint.config import load_settings, with_overrides
    from jaxlint.driver import engine
    from jaxlint.project import index
    from jaxlint.run import check

    _timed(index.ProjectIndex, "__init__", "project index")
    _timed(engine.FileLinter, "may_report", "pre-filter")
    _timed(engine, "parse", "libcst parse")
    let_through = _record_let_through(engine) if args.why else {}
    _timed(engine, "build_model", "semantic model")
    _timed(engine.FileLinter, "diagnose", "rules")  # less the model, charged above
    _timed(engine.FileLinter, "locate", "positions, noqa, fix edits")

    settings = load_settings(None, str(folder))
    if args.select:
        settings = with_overrides(settings, select=args.select.split(","))
    options = check.CheckOptions(jobs=1, use_cache=False)
    # --jobs 1 lints in a forked worker (a native crash then costs one file), where the
    # timers above would see nothing: lint in this process, as where forking is unsafe.
    import multiprocessing

    from jaxlint.run import parallel

    parallel._context = lambda: multiprocessing.get_context("spawn")
    start = time.process_time()
    run = check.lint_paths([str(folder)], settings, options)
    total = time.process_time() - start
    files = python_files(folder)
    bare_start = time.process_time()
    for path in files:
        with contextlib.suppress(Exception):
            libcst.parse_module(path.read_bytes())
    bare = time.process_time() - bare_start

    measured = sum(_spent.values())
    rows = [*sorted(_spent.items(), key=lambda item: -item[1]), ("rest", total - measured)]
    print(f"{folder}: {len(files)} .py files, {len(run.findings)} findings; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("\n| phase | CPU s | share | x bare parse |\n|---|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {seconds / bare:.2f} |")
    print(f"| **total (jaxlint --jobs 1)** | {total:.2f} | 100% | {total / bare:.2f} |")
    print(f"| bare libcst parse of every file | {bare:.2f} | | 1.00 |")
    if args.why:
        _print_why(let_through)
    return 0


def _record_let_through(engine: Any) -> dict[str, tuple[Any, bytes, float]]:
    """path -> (its linter, its bytes, its libcst parse CPU) for each file parsed by
    libcst, recorded around the (already timed) pre-filter and parse of a --jobs 1 run."""
    recorded: dict[str, tuple[Any, bytes, float]] = {}
    current: list[tuple[Any, bytes]] = []
    may_report = engine.FileLinter.may_report
    parse = engine.parse

    def recording_may_report(self: Any, source: bytes, text: str) -> Any:
        current[:] = [(self, source)]
        return may_report(self, source, text)

    def recording_parse(source: bytes, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return parse(source, **kwargs)
        finally:
            if current and current[0][1] is source:
                linter = current[0][0]
                recorded[linter.path] = (linter, source, time.process_time() - start)

    engine.FileLinter.may_report = recording_may_report
    engine.parse = recording_parse
    return recorded


def _print_why(let_through: dict[str, tuple[Any, bytes, float]]) -> None:
    """Each file let through, under the reason it was: facts from other files first (they
    let a file through whatever it shows), else the enabled rules' triggers it shows."""
    from jaxlint.project import prefilter
    from jaxlint.syntax.compiled import Refusal

    cost: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for linter, source, seconds in let_through.values():
        external = linter.external
        if external is not None:
            kinds = [k for k in ("traced", "rebound", "jitted", "classes") if getattr(external, k)]
            reason = "from other files: " + ", ".join(kinds)
        else:
            tree = prefilter.python_tree(source)
            if isinstance(tree, Refusal):
                reason = "no CPython tree (newer syntax)"
            else:
                shown = prefilter.shown_triggers(tree, linter.settings.traced_decorators)
                needed = {t.value for t in shown for rule in linter.rules if t in rule.triggers}
                reason = "triggers: " + (", ".join(sorted(needed)) or "a rule declaring none")
        cost[reason] += seconds
        count[reason] += 1
    total = sum(cost.values())
    print(f"\n{len(let_through)} files reached libcst ({total:.2f} s parse CPU), because:")
    print("\n| reason | files | parse CPU s | share |\n|---|---|---|---|")
    for reason in sorted(cost, key=lambda r: -cost[r]):
        print(f"| {reason} | {count[reason]} | {cost[reason]:.2f} | {cost[reason] / total:.0%} |")


if __name__ == "__main__":
    raise SystemExit(main())
