"""Runs one worker process per module and turns whatever happened into results.

The parent never imports user code (or jax): a module that raises at import, calls
`os.abort()`, segfaults or hangs only costs that module's functions a `fail`.
POSIX only: the worker's events arrive on an inherited pipe read with `select`.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from jaxlint.verify.discover import ModulePlan
from jaxlint.verify.lifeline import WORKERS, kill_group
from jaxlint.verify.result import CHECK_NAMES, SKIP, FunctionResult

# Seconds allowed for Python and jax to start before the user's module is imported;
# --timeout covers only the user's code, so a slow machine does not eat into it.
STARTUP_ALLOWANCE = 120.0
STDERR_TAIL = 4000


@dataclass
class WorkerRun:
    events: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    stderr: str = ""

    def first(self, name: str) -> dict[str, Any] | None:
        return next((event for event in self.events if event["event"] == name), None)


@dataclass
class ModuleOutcome:
    results: list[FunctionResult] = field(default_factory=list)
    platform: str | None = None
    device: str | None = None
    device_error: str | None = None
    device_count: int = 1


def _worker_environment(device: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(extra or {})
    if device == "cpu":
        # Keep a CPU run off any accelerator: no GPU memory taken, no plugin start-up.
        environment["JAX_PLATFORMS"] = "cpu"
    # The worker must import this very jaxlint, installed or not.
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    existing = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [existing, package_root]))
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def run_worker(
    job: dict[str, Any],
    *,
    device: str,
    timeout: float,
    environment: dict[str, str] | None = None,
) -> WorkerRun:
    run = WorkerRun()
    # Anonymous files: nothing is left on disk however the parent ends.
    with (
        tempfile.TemporaryFile() as job_file,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        job_file.write(json.dumps(job).encode("utf-8"))
        job_file.seek(0)
        read_fd, write_fd = os.pipe()
        try:
            process = WORKERS.start(
                [sys.executable, "-m", "jaxlint.verify.worker", str(write_fd), str(os.getpid())],
                stdin=job_file,
                stdout=stdout,
                stderr=stderr,
                pass_fds=(write_fd,),
                env=_worker_environment(device, environment),
                start_new_session=True,  # so a timeout can kill what the module started
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        try:
            _collect_events(process, read_fd, run, timeout)
        finally:
            os.close(read_fd)
            if process.poll() is None:
                kill_group(process)
            run.returncode = process.wait()
            WORKERS.finished(process)
        stderr.seek(0)
        run.stderr = stderr.read()[-STDERR_TAIL:].decode("utf-8", "replace")
    return run


def _collect_events(
    process: subprocess.Popen[bytes], read_fd: int, run: WorkerRun, timeout: float
) -> None:
    deadline = time.monotonic() + STARTUP_ALLOWANCE
    pending = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            run.timed_out = True
            kill_group(process)
            return
        readable, _, _ = select.select([read_fd], [], [], remaining)
        if not readable:
            continue
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            return  # the worker closed the pipe: finished or died
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            run.events.append(event)
            if event.get("event") == "ready":
                deadline = time.monotonic() + timeout


def probe_device(device: str) -> ModuleOutcome:
    """Start jax on the requested device without importing any user module."""
    run = run_worker({"module": None, "device": device}, device=device, timeout=60.0)
    return _outcome_header(run)


def _outcome_header(run: WorkerRun) -> ModuleOutcome:
    outcome = ModuleOutcome()
    ready = run.first("ready")
    if ready is not None:
        outcome.platform, outcome.device = ready["platform"], ready["device"]
        outcome.device_count = int(ready.get("count") or 1)
    device_error = run.first("device_error")
    if device_error is not None:
        outcome.device_error = device_error["message"]
    elif ready is None:
        outcome.device_error = "the verify worker could not start jax: " + _last_line(run.stderr)
    return outcome


def verify_module(
    plan: ModulePlan,
    *,
    device: str,
    timeout: float,
    checks: list[str],
    environment: dict[str, str] | None = None,
) -> ModuleOutcome:
    """Verify one module in its own worker; `environment` adds to the worker's variables
    (`CUDA_VISIBLE_DEVICES`, to give parallel workers a GPU each)."""
    job = {
        "module": plan.module,
        "root": plan.root,
        "path": plan.path,
        "abspath": plan.abspath,
        "device": device,
        "checks": checks,
        "functions": [function.to_job() for function in plan.functions],
        "flagged": list(plan.flagged),
        "only_flagged": plan.only_flagged,
    }
    run = run_worker(job, device=device, timeout=timeout, environment=environment)
    outcome = _outcome_header(run)
    if run.first("device_error") is not None:
        return outcome
    shown_device = outcome.device or device
    reported: dict[str, FunctionResult] = {}
    for event in run.events:
        if event["event"] == "result":
            result = FunctionResult.from_json(event["result"])
            reported[result.qualname] = result
    started = [event["qualname"] for event in run.events if event["event"] == "start"]
    running = started[-1] if started and started[-1] not in reported else None

    results = []
    for function in plan.functions:
        result = reported.pop(function.qualname, None)
        if result is None:
            result = FunctionResult(
                module=plan.module,
                qualname=function.qualname,
                path=plan.path,
                line=function.line,
                device=shown_device,
                checks=dict.fromkeys(CHECK_NAMES, SKIP),
            )
            result.fail_whole(_missing_reason(run, plan, function.qualname, running, timeout))
        results.append(result)
    # Functions from a JAXLINT_EXAMPLES dict that the parent could not read statically.
    results.extend(reported.values())
    if running is not None and running not in {result.qualname for result in results}:
        crashed = FunctionResult(
            module=plan.module, qualname=running, path=plan.path, line=0, device=shown_device
        )
        crashed.fail_whole(_missing_reason(run, plan, running, running, timeout))
        results.append(crashed)
    if not results and run.first("done") is None:
        # Nothing was planned statically and the module never got as far as listing any.
        module_row = FunctionResult(
            module=plan.module, qualname="<module>", path=plan.path, line=1, device=shown_device
        )
        module_row.fail_whole(_missing_reason(run, plan, "<module>", None, timeout))
        results.append(module_row)
    outcome.results = results
    return outcome


def _missing_reason(
    run: WorkerRun, plan: ModulePlan, qualname: str, running: str | None, timeout: float
) -> str:
    """Why a function has no result, in one line."""
    import_error = run.first("import_error")
    if import_error is not None:
        return import_error["message"]
    if run.first("ready") is None and not run.timed_out:
        return "the verify worker could not start: " + _last_line(run.stderr)
    if run.timed_out:
        what = f"timed out after {timeout:g}s"
    elif run.returncode is not None and run.returncode < 0:
        what = f"worker crashed ({_signal_name(-run.returncode)})"
    elif run.returncode:
        what = f"worker exited with code {run.returncode} ({_last_line(run.stderr)})"
    else:
        return "no result from the worker"
    location = _crash_location(run.stderr, plan.abspath) if not run.timed_out else ""
    if running is None:
        if run.first("start") is None:
            return f"{what} while importing the module{location}"
        return f"{what} after the last function finished{location}"
    if running == qualname:
        return f"{what} while running this function{location}"
    return f"not run: {what} while running `{running}`"


def _signal_name(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
    if name == "SIGABRT":
        return "SIGABRT: os.abort() or a native abort"
    if name == "SIGSEGV":
        return "SIGSEGV: segmentation fault"
    return name


def _crash_location(stderr: str, module_path: str) -> str:
    """The innermost line of the user's file in faulthandler's traceback, if any."""
    pattern = re.compile(r'File "([^"]+)", line (\d+)')
    for file_name, line in pattern.findall(stderr):
        if os.path.abspath(file_name) == module_path:
            return f" at line {line}"
    return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
