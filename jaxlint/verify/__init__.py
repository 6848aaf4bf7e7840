"""`jaxlint verify`: run user functions under jit and grad and check they still behave.

This package's top level runs in the parent process and never imports jax or user
code; `worker` does both, one module per child process.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, TextIO

from jaxlint.config import ConfigError, Settings
from jaxlint.verify.result import CHECK_NAMES, FAIL, FunctionResult

if TYPE_CHECKING:
    from jaxlint.project.configurations import Configurations
    from jaxlint.verify.discover import ModulePlan

__all__ = ["CHECK_NAMES", "DEVICES", "FunctionResult", "run_verify"]

DEVICES = ("auto", "cpu", "gpu", "tpu")
FORMATS = ("text", "json")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parse_checks(select_checks: list[str] | None) -> list[str]:
    """Check names, accepting repeated options and comma-separated lists."""
    if not select_checks:
        return list(CHECK_NAMES)
    names = [part.strip() for item in select_checks for part in item.split(",") if part.strip()]
    unknown = [name for name in names if name not in CHECK_NAMES]
    if unknown:
        raise ValueError(
            f"unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECK_NAMES)}"
        )
    return [name for name in CHECK_NAMES if name in names]


def run_verify(
    paths: list[str],
    *,
    device: str = "auto",
    only_flagged: bool = False,
    output_format: str = "text",
    timeout: float = 120.0,
    select_checks: list[str] | None = None,
    examples: dict[str, str] | None = None,
    settings: Settings | Configurations | None = None,
    jobs: int | None = None,
    fail_on_skip: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Verify the functions under `paths`; print the report; return the exit code.

    `settings` are the linter's (when not given, each file's nearest configuration, as
    `check` resolves it; one `Settings` is one for every file): they say which files a
    folder holds, which functions are traced, and the example inputs (`examples`, when
    given, replaces every configuration's `[tool.jaxlint.verify.examples]`). `jobs`
    modules are verified at once (default: all cores on CPU, one per GPU, one on TPU);
    the report is the same whatever the number. With `fail_on_skip`, functions skipped
    for want of example inputs make the exit code 1."""
    # Imported here: the pytest plugin imports this package (for `verify.result`) in every
    # test run, where discovery's parser would cost most of a second for nothing.
    from jaxlint.verify.discover import module_plans
    from jaxlint.verify.lifeline import WORKERS, StoppedError, signals_judged_by_sender
    from jaxlint.verify.report import module_tally, render_json, render_text
    from jaxlint.verify.runner import probe_device
    from jaxlint.verify.schedule import verify_in_parallel, worker_slots

    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    paths = list(paths) or ["."]

    def usage(message: str) -> int:
        err.write(f"jaxlint verify: error: {message}\n")
        return EXIT_USAGE

    if device not in DEVICES:
        return usage(f"--device must be one of {', '.join(DEVICES)}, not {device!r}")
    if output_format not in FORMATS:
        return usage(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if jobs is not None and jobs < 1:
        return usage(f"--jobs must be a positive number, not {jobs!r}")
    if not timeout > 0:
        return usage(f"--timeout must be a positive number of seconds, not {timeout!r}")
    try:
        checks = _parse_checks(select_checks)
    except ValueError as error:
        return usage(str(error))
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        return usage(f"no such file or directory: {', '.join(missing)}")
    if importlib.util.find_spec("jax") is None:
        return usage("jax is not installed; install it with: pip install 'jaxlint-purity[verify]'")
    started = time.perf_counter()
    try:
        plans = module_plans(paths, settings, examples, only_flagged=only_flagged)
    except ConfigError as error:
        return usage(str(error))
    results: list[FunctionResult] = []
    device_name: str | None = None

    def announce(index: int, plan: ModulePlan) -> None:
        count = len(plan.functions)
        planned = f"{count} function{'s' if count != 1 else ''}"
        if plan.dynamic_examples:
            planned += " and those its JAXLINT_EXAMPLES names"
        err.write(
            f"jaxlint verify: [{index}/{len(plans)}] {plan.module} ({plan.path}, {planned})\n"
        )
        err.flush()

    try:
        with signals_judged_by_sender(WORKERS):
            if not plans:
                header = probe_device(device)  # a missing GPU is an error with nothing to run
                if header.device_error:
                    return usage(header.device_error)
                device_name = header.device
            slots, device_error = worker_slots(device, jobs, len(plans))
            if device_error:
                return usage(device_error)
            outcomes = verify_in_parallel(
                plans, device=device, timeout=timeout, checks=checks, slots=slots, on_start=announce
            )
            for index, plan, outcome, seconds in outcomes:
                if WORKERS.stop_signal is not None:
                    break
                if outcome.device_error:
                    return usage(outcome.device_error)
                device_name = device_name or outcome.device
                results.extend(outcome.results)
                err.write(
                    f"jaxlint verify: [{index}/{len(plans)}] {plan.module}: "
                    f"{module_tally(outcome.results)} in {seconds:.1f}s\n"
                )
                err.flush()
    except StoppedError:
        pass
    if WORKERS.stop_signal is not None:
        stopped = "interrupted" if WORKERS.stop_signal == signal.SIGINT else "terminated"
        err.write(f"jaxlint verify: {stopped}; its workers are stopped, no report\n")
        return 128 + WORKERS.stop_signal
    if WORKERS.ignored:
        err.write(
            f"jaxlint verify: ignored {len(WORKERS.ignored)} stop signal(s) that the code under "
            f"verification sent to jaxlint ({WORKERS.ignored[0]})\n"
        )

    if output_format == "json":
        out.write(render_json(results))
    else:
        elapsed = time.perf_counter() - started
        out.write(render_text(results, device=device_name, seconds=elapsed))
    out.flush()
    if any(result.verdict == FAIL for result in results):
        return EXIT_FAILED
    if fail_on_skip and any(result.lacks_inputs for result in results):
        return EXIT_FAILED
    return EXIT_OK
