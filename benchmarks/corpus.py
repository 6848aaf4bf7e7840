"""Lint every project of the corpus and save, or compare, the findings.

    python benchmarks/corpus.py OUT [--against BEFORE] [--select CODES] [--jobs N]

Runs ``jaxlint check --no-cache --exit-zero --format json`` (this interpreter's jaxlint)
on each ``<name>-<version>/`` folder of the corpus ($JAXLINT_CORPUS or
~/.cache/jaxlint-corpus; see ../shared/corpus.sh) and writes ``OUT/<project>.json``.
With ``--against BEFORE`` (a folder written the same way, by another version of
jaxlint), it prints every finding that appeared or disappeared, per project, and a table
of counts per project and code: the check that a refactoring changed no result, or the
list of what a precision change did.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

Key = tuple[str, int, int, str, str]


def corpus_root() -> Path:
    return Path(os.environ.get("JAXLINT_CORPUS", Path.home() / ".cache" / "jaxlint-corpus"))


def findings_of(path: Path) -> list[dict[str, object]]:
    return json.loads(path.read_text()) if path.is_file() else []


def key(finding: dict[str, object], project: Path) -> Key:
    where = os.path.relpath(str(finding["path"]), project)
    return (
        where,
        int(finding["line"]),
        int(finding["column"]),
        str(finding["code"]),
        str(finding["message"]),
    )  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--against", type=Path, help="a folder of findings to compare with")
    parser.add_argument("--select", help="passed on to jaxlint")
    parser.add_argument("--jobs", type=int, help="passed on to jaxlint")
    args = parser.parse_args()
    root = corpus_root()
    projects = sorted(p for p in root.glob("*-*") if p.is_dir() and not p.name.startswith("."))
    if not projects:
        parser.error(f"no corpus in {root} (run ../shared/corpus.sh)")
    args.out.mkdir(parents=True, exist_ok=True)
    extra = (["--select", args.select] if args.select else []) + (
        ["--jobs", str(args.jobs)] if args.jobs else []
    )
    counts: dict[str, Counter[str]] = {}
    changed = 0
    for project in projects:
        out = args.out / f"{project.name}.json"
        done = subprocess.run(
            [sys.executable, "-m", "jaxlint", "check", "--no-cache", "--exit-zero",
             "--format", "json", *extra, str(project)],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            print(f"{project.name}: exit {done.returncode}\n{done.stderr[-2000:]}")
        out.write_text(done.stdout)
        now = findings_of(out)
        counts[project.name] = Counter(str(f["code"]) for f in now)
        if args.against is None:
            continue
        before = {key(f, project) for f in findings_of(args.against / out.name)}
        after = {key(f, project) for f in now}
        for sign, keys in (("-", before - after), ("+", after - before)):
            for where, line, column, code, message in sorted(keys):
                changed += 1
                print(f"{sign} {project.name}/{where}:{line}:{column}: {code} {message}")
    codes = sorted({code for counter in counts.values() for code in counter})
    print("\n| project | " + " | ".join(codes) + " | total |")
    print("|---" * (len(codes) + 2) + "|")
    for name, counter in counts.items():
        cells = " | ".join(str(counter.get(code, 0)) for code in codes)
        print(f"| {name} | {cells} | {sum(counter.values())} |")
    if args.against is not None:
        print(f"\n{changed} finding(s) changed against {args.against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
