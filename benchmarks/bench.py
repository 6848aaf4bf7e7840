"""Time jaxlint against a bare libcst parse of the same files, and print a table.

    python benchmarks/bench.py [FOLDER] [--jobs N]

FOLDER defaults to the jax corpus ($JAXLINT_CORPUS or ~/.cache/jaxlint-corpus, the
newest ``jax-<version>`` in it; see ../shared/corpus.sh). jaxlint runs as a subprocess
(``python -m jaxlint`` of this interpreter) on a temporary copy of FOLDER, so the cache
starts empty and nothing in FOLDER is touched. Each measurement runs in its own
subprocess, whose peak resident memory (the largest single process: the main one or a
worker) is read from ``getrusage(RUSAGE_CHILDREN)`` of a small wrapper around it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Runs COMMAND... and prints its wall time, the CPU time of its process tree (user +
# system, workers included) and its peak RSS (KiB on Linux, bytes on macOS) as JSON; the
# wrapper's own start-up is not counted.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss
if sys.platform == "darwin":
    peak //= 1024
print(json.dumps({"seconds": seconds, "peak_kib": peak, "rc": done.returncode,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""

# Parses every file with libcst in one process: the floor jaxlint is measured against
# (libcst's own parse_module, node checks and all; see jaxlint/driver/validation.py).
_BARE_PARSE = """
import sys, libcst
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        libcst.parse_module(source)
    except Exception:
        pass
"""


@dataclass
class Measurement:
    label: str
    seconds: float
    cpu_seconds: float
    peak_mib: float
    note: str = ""


def default_corpus() -> Path | None:
    base = Path(os.environ.get("JAXLINT_CORPUS", Path.home() / ".cache" / "jaxlint-corpus"))
    candidates = sorted(base.glob("jax-[0-9]*")) if base.is_dir() else []
    return candidates[-1] if candidates else None


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if p.is_file())


def measure(label: str, command: list[str], cwd: Path, note: str = "") -> Measurement:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    if data["rc"] not in (0, 1):
        sys.stderr.write(f"{label}: exit {data['rc']}\n{data['stderr']}\n")
        note = f"{note} (exit {data['rc']})".strip()
    return Measurement(label, data["seconds"], data["cpu"], data["peak_kib"] / 1024, note)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="default: the jax corpus")
    parser.add_argument("--jobs", type=int, default=None, help="for the default-jobs run")
    args = parser.parse_args()
    folder = args.folder or default_corpus()
    if folder is None or not folder.is_dir():
        parser.error("no FOLDER given and no jax corpus found (run ../shared/corpus.sh)")
    folder = folder.resolve()

    with tempfile.TemporaryDirectory(prefix="jaxlint-bench-") as scratch:
        work = Path(scratch) / folder.name
        shutil.copytree(folder, work, symlinks=True)
        files = python_files(work)
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        relative = [str(path.relative_to(work)) for path in files]
        jaxlint = [sys.executable, "-m", "jaxlint", "check", ".", "--exit-zero"]
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        # A project in a git repository, as most are: its root (where the cache lives) is
        # the copy itself, not a user cache folder keyed by the path.
        (work / ".git").mkdir(exist_ok=True)
        cache = work / ".jaxlint_cache"

        results = [
            measure(
                "libcst.parse_module (1 process)",
                [sys.executable, "-c", _BARE_PARSE, *relative],
                work,
            )
        ]
        shutil.rmtree(cache, ignore_errors=True)
        results.append(measure("jaxlint cold, default jobs", [*jaxlint, *jobs], work))
        shutil.rmtree(cache, ignore_errors=True)
        results.append(measure("jaxlint cold, --jobs 1", [*jaxlint, "--jobs", "1"], work))
        results.append(measure("jaxlint warm rerun", [*jaxlint, *jobs], work))
        by_size = sorted(files, key=lambda p: p.stat().st_size)
        for which, touched in (("median", by_size[len(by_size) // 2]), ("largest", by_size[-1])):
            with open(touched, "ab") as handle:
                handle.write(b"\n# touched by bench.py\n")
            results.append(
                measure(
                    f"jaxlint, one file touched ({which})",
                    [*jaxlint, *jobs],
                    work,
                    note=f"{touched.relative_to(work)}, {touched.stat().st_size // 1024} KiB",
                )
            )
        ruff = shutil.which("ruff") or shutil.which("ruff", path=os.path.dirname(sys.executable))
        if ruff:
            results.append(
                measure(
                    "ruff check (reference)",
                    [ruff, "check", "--no-cache", "--exit-zero", "--quiet", "."],
                    work,
                )
            )

    bare = results[0].seconds
    bare_cpu = results[0].cpu_seconds
    cold = results[1].seconds
    print(f"{folder}: {len(files)} files, {lines} lines, {os.cpu_count()} cores")
    print()
    header = (
        f"| {'run':<34} | {'seconds':>8} | {'lines/s':>9} | {'x bare parse':>12} "
        f"| {'CPU s':>7} | {'CPU x bare':>10} | {'peak MiB':>8} | note"
    )
    print(header)
    print("|" + "|".join("-" * (len(part) + 0) for part in header.split("|")[1:-1]) + "|------")
    for m in results:
        rate = lines / m.seconds if m.seconds else float("inf")
        note = m.note
        if m.label.startswith("jaxlint warm"):
            note = f"{m.seconds / cold:.1%} of cold" + (f"; {note}" if note else "")
        print(
            f"| {m.label:<34} | {m.seconds:8.2f} | {rate:9.0f} | {m.seconds / bare:12.2f} "
            f"| {m.cpu_seconds:7.2f} | {m.cpu_seconds / bare_cpu:10.2f} | {m.peak_mib:8.0f} | {note}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
