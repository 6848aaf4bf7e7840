"""The child process that imports one user module and verifies its functions.

Run as `python -m jaxlint.verify.worker RESULT_FD PARENT_PID`, the job (JSON) on standard
input. It names the module and the functions; events go back as JSON lines on RESULT_FD,
never on stdout, which belongs to the user's code. The worker dies with PARENT_PID.

    {"event": "ready", "platform": ..., "device": ..., "count": ...}
                                                         jax is up on the chosen device
    {"event": "device_error", "message": ...}            the requested device is absent
    {"event": "import_error", "message": ...}            the module could not be imported
    {"event": "start", "qualname": ...}                  about to verify one function
    {"event": "result", "result": {...}}                 FunctionResult.to_json()
    {"event": "done"}

Anything the parent does not hear about (a crash, a hang) it reports itself.
"""

from __future__ import annotations

import faulthandler
import importlib
import inspect
import json
import os
import sys
import traceback
import types
from typing import Any, TextIO

from jaxlint.verify.lifeline import die_with_parent
from jaxlint.verify.result import CHECK_NAMES, SKIP, FunctionResult

DEVICE_ERROR_EXIT = 3


class Channel:
    """JSON lines to the parent, flushed one by one so a crash loses nothing sent."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def send(self, event: str, **fields: Any) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")
        self.stream.flush()


def describe_device(platform: str, device_kind: str) -> str:
    if not device_kind or device_kind.lower() == platform.lower():
        return platform
    return f"{platform}: {device_kind}"


def select_device(requested: str) -> tuple[str, str]:
    """(platform, description) of the device to verify on; raises LookupError if absent."""
    import jax

    if requested == "auto":
        platform = jax.default_backend()
        device = jax.devices()[0]
    else:
        try:
            devices = jax.devices(requested)
        except RuntimeError as error:
            available = sorted({device.platform for device in jax.devices()})
            raise LookupError(
                f"--device {requested} was asked for, but jax finds no {requested} device "
                f"(available: {', '.join(available)}): {str(error).splitlines()[0]}"
            ) from error
        if not devices:
            raise LookupError(f"--device {requested}: jax finds no {requested} device")
        device = devices[0]
        platform = device.platform
        jax.config.update("jax_default_device", device)
    # Full-precision matmuls: TF32 on a GPU would otherwise make jit and eager disagree.
    jax.config.update("jax_default_matmul_precision", "highest")
    return platform, describe_device(platform, getattr(device, "device_kind", ""))


def describe_import_error(error: BaseException, module_path: str) -> str:
    """The exception and the innermost frame inside the user's file."""
    location = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if os.path.abspath(frame.filename) == os.path.abspath(module_path):
            location = f" (line {frame.lineno})"
            break
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = f": {lines[0]}" if lines else ""
    return f"import failed: {type(error).__name__}{detail}{location}"


def function_line(fn: Any, fallback: int) -> int:
    if fallback:
        return fallback
    try:
        return inspect.getsourcelines(inspect.unwrap(fn))[1]
    except (OSError, TypeError):
        return 0


def planned_functions(job: dict[str, Any], module: types.ModuleType) -> list[dict[str, Any]]:
    """The job's functions, plus `JAXLINT_EXAMPLES` keys the parent could not read statically."""
    from jaxlint.verify.inputs import module_examples

    functions = list(job["functions"])
    known = {function["qualname"] for function in functions}
    flagged = set(job.get("flagged", ()))
    for name in module_examples(module):
        if not isinstance(name, str) or name in known:
            continue
        if job.get("only_flagged") and name not in flagged:
            continue
        functions.append({"qualname": name, "line": 0, "example": None})
    return functions


def verify_function(
    module: types.ModuleType,
    planned: dict[str, Any],
    *,
    path: str,
    device: str,
    checks: list[str],
) -> FunctionResult:
    from jaxlint.verify.checks import timed_run_checks
    from jaxlint.verify.inputs import (
        HOW_TO_GIVE_INPUTS,
        BadExample,
        NoInputs,
        resolve_example,
        resolve_function,
    )

    qualname = planned["qualname"]
    fn = resolve_function(module, qualname)
    result = FunctionResult(
        module=module.__name__,
        qualname=qualname,
        path=path,
        line=function_line(fn, int(planned.get("line") or 0)),
        device=device,
    )
    if fn is None:
        result.messages["hint"] = (
            f"`{qualname}` is not reachable as a module attribute (a nested function?); "
            "verify the function that defines or calls it instead"
        )
        return result
    if (
        "." in qualname
        and planned.get("example") is None
        and not _has_module_example(module, qualname)
    ):
        result.messages["hint"] = "a method needs its instance as first argument: " + (
            HOW_TO_GIVE_INPUTS.format(name=qualname, module=module.__name__)
        )
        return result
    try:
        example = resolve_example(module, qualname, fn, planned.get("example"))
    except NoInputs as error:
        result.messages["hint"] = str(error)
        return result
    except BadExample as error:
        result.fail_whole(str(error))
        return result
    report, seconds = timed_run_checks(fn, example.args, module=module, checks=checks)
    result.checks = report.checks
    result.messages.update(report.messages)
    result.seconds = seconds
    return result


def _has_module_example(module: types.ModuleType, qualname: str) -> bool:
    from jaxlint.verify.inputs import module_examples

    return qualname in module_examples(module)


def run_job(job: dict[str, Any], channel: Channel) -> int:
    try:
        platform, device = select_device(job["device"])
    except LookupError as error:
        channel.send("device_error", message=str(error))
        return DEVICE_ERROR_EXIT
    import jax

    channel.send("ready", platform=platform, device=device, count=len(jax.devices(platform)))
    if job.get("module") is None:
        channel.send("done")  # a device probe only
        return 0

    sys.path.insert(0, job["root"])
    try:
        module = importlib.import_module(job["module"])
    except BaseException as error:  # noqa: B036 - SystemExit at import is the user's failure too
        channel.send("import_error", message=describe_import_error(error, job["abspath"]))
        return 0
    checks = [name for name in CHECK_NAMES if name in job.get("checks", CHECK_NAMES)]
    for planned in planned_functions(job, module):
        channel.send("start", qualname=planned["qualname"])
        try:
            result = verify_function(
                module, planned, path=job["path"], device=device, checks=checks
            )
        except BaseException as error:  # noqa: B036 - keep going for the other functions
            result = FunctionResult(
                module=module.__name__,
                qualname=planned["qualname"],
                path=job["path"],
                line=int(planned.get("line") or 0),
                device=device,
                checks=dict.fromkeys(CHECK_NAMES, SKIP),
            )
            result.fail_whole(f"verification raised {type(error).__name__}: {error}")
        channel.send("result", result=result.to_json())
    channel.send("done")
    return 0


def main(argv: list[str]) -> int:
    result_fd, parent = int(argv[1]), int(argv[2])
    die_with_parent(parent)
    faulthandler.enable()  # a segfault leaves a Python traceback on stderr for the parent
    job = json.load(sys.stdin)
    # The user's code reads no job: standard input is empty from here on.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    with os.fdopen(result_fd, "w", encoding="utf-8") as stream:
        return run_job(job, Channel(stream))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
