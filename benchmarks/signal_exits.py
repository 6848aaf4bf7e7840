"""Send SIGINT or SIGTERM to ``jaxlint --fix`` at random moments and count the exits that
print more than the one line (a traceback from an exit hook, a second message) or end
with another status than 130/143.

    python benchmarks/signal_exits.py [--tries 200] [--jobs 2] [--files 60] [--busy]

``--busy`` runs a busy loop beside the runs (the load under which races show). The last
line is ``tries N  bad M  start-up K``; each bad exit's status and stderr are printed as
they come. A signal that lands while the interpreter starts, before jaxlint's handlers
are in place, ends the process by its default action (SIGTERM) or by Python's own
(SIGINT: KeyboardInterrupt, then the status of a death by SIGINT, or a "Fatal Python
error: init_..." while the interpreter initialises its streams or ``site``): those are counted apart, as start-up, since no code of jaxlint's can
run before it is imported.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: ``python -m jaxlint`` with Ctrl-C raising KeyboardInterrupt, as from a terminal.
_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'jaxlint'; runpy.run_module('jaxlint', run_name='__main__')"
)
BAD = "import jax.numpy as jnp\n\ndef f(i):\n    x = jnp.zeros(3)\n    x[i] = 1.0\n    return x\n"
PADDING = "".join(
    f"\n\ndef pad{k}(a, b):\n    return [a + b * {k} for _ in range(3)]\n" for k in range(60)
)
EXPECTED = {
    signal.SIGINT: (
        130,
        "jaxlint: interrupted; files already fixed are complete, the rest untouched",
    ),
    signal.SIGTERM: (
        143,
        "jaxlint: terminated; files already fixed are complete, the rest untouched",
    ),
}


def _busy() -> None:
    while True:
        pass


def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # not ignored, as in a background job


def one_try(folder: Path, files: int, jobs: int, signum: int, delay: float) -> str | None:
    """None where the run ended as it should; "start-up" where the signal ended the
    interpreter before jaxlint's handlers; otherwise what went wrong."""
    for path in folder.glob("*.py"):
        path.unlink()
    for n in range(files):
        (folder / f"m{n:03}.py").write_text(BAD + PADDING)
    process = subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, "--no-cache", "--fix", "--jobs", str(jobs), "."],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_from_a_terminal,
    )
    time.sleep(delay)
    if process.poll() is not None:
        process.communicate()
        return None  # finished before the signal: nothing to judge
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    code, line = EXPECTED[signum]
    lines = err.splitlines()
    # Ctrl-C during start-up is the short line of jaxlint.__main__.
    if process.returncode == code and len(lines) == 1 and lines[0].startswith(line[:20]):
        return None
    if process.returncode == -signum or "Fatal Python error: init_" in err:
        return "start-up"  # the interpreter's own start-up, or an import before the guard
    return f"exit {process.returncode}:\n{err}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--max-delay", type=float, default=3.0)
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    randomly = random.Random(arguments.seed)
    busy = multiprocessing.Process(target=_busy, daemon=True) if arguments.busy else None
    if busy is not None:
        busy.start()
    bad = early = 0
    try:
        with tempfile.TemporaryDirectory(prefix="jaxlint-signals-") as folder:
            for attempt in range(arguments.tries):
                signum = randomly.choice([signal.SIGINT, signal.SIGTERM])
                delay = randomly.uniform(0.0, arguments.max_delay)
                wrong = one_try(Path(folder), arguments.files, arguments.jobs, signum, delay)
                if wrong == "start-up":
                    early += 1
                elif wrong is not None:
                    bad += 1
                    name = signal.Signals(signum).name
                    print(f"try {attempt}: {name} after {delay:.3f} s: {wrong}", flush=True)
    finally:
        if busy is not None:
            busy.terminate()
    print(f"tries {arguments.tries}  bad {bad}  start-up {early}")


if __name__ == "__main__":
    main()
