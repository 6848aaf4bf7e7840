"""`jaxlint verify --jobs N`: modules verified in parallel worker processes.

Each module already runs in its own child process, so the parent only needs threads to
wait on several children at once. Results and progress lines come out in plan order,
whatever order the workers finish in, so the report is the same as with `--jobs 1`.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from jaxlint.verify.discover import ModulePlan
from jaxlint.verify.runner import ModuleOutcome, probe_device, verify_module

# Variables that give each GPU worker its own device; a TPU host's chips are held by
# one process, so TPU modules run one at a time.
GPU_VISIBLE = "CUDA_VISIBLE_DEVICES"


def visible_gpus(count: int) -> list[str]:
    """The GPU ids a worker may be pinned to: those already visible, else 0..count-1."""
    already = os.environ.get(GPU_VISIBLE)
    if already:
        return [part.strip() for part in already.split(",") if part.strip()][:count]
    return [str(index) for index in range(count)]


def usable_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def worker_slots(device: str, jobs: int | None, module_count: int) -> tuple[list[dict], str | None]:
    """One environment per parallel worker slot, and a device error if the probe found one.

    With `jobs` unset: all cores on CPU, one worker per device on GPU, one on TPU.
    Nothing is probed when only one module (or one job) is asked for.
    """
    if module_count <= 1 or jobs == 1:
        return [{}], None
    platform = "cpu" if device == "cpu" else None
    device_count = 1
    if platform is None:
        header = probe_device(device)
        if header.device_error:
            return [{}], header.device_error
        platform, device_count = header.platform or "cpu", header.device_count
    if platform == "gpu":
        gpus = visible_gpus(device_count)
        slots = jobs if jobs is not None else len(gpus)
        if slots <= len(gpus):
            return [{GPU_VISIBLE: gpus[index]} for index in range(slots)], None
        # More workers than GPUs share them, round robin, each taking memory as it goes
        # rather than most of the device up front.
        shared = {"XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
        return [{GPU_VISIBLE: gpus[index % len(gpus)], **shared} for index in range(slots)], None
    if platform == "tpu":
        return [{}], None
    slots = jobs if jobs is not None else usable_cores()
    return [{} for _ in range(max(1, slots))], None


def verify_in_parallel(
    plans: list[ModulePlan],
    *,
    device: str,
    timeout: float,
    checks: list[str],
    slots: list[dict[str, str]],
    on_start: Callable[[int, ModulePlan], None],
) -> Iterator[tuple[int, ModulePlan, ModuleOutcome, float]]:
    """(index, plan, outcome, seconds) for every plan, in plan order.

    `on_start` is called, in plan order too, just before a module's outcome is yielded
    when several run at once (and as the module starts when only one slot exists), so
    progress lines read as with `--jobs 1`.
    """
    if len(slots) == 1:
        for index, plan in enumerate(plans, start=1):
            on_start(index, plan)
            started = time.perf_counter()
            outcome = verify_module(
                plan, device=device, timeout=timeout, checks=checks, environment=slots[0]
            )
            yield index, plan, outcome, time.perf_counter() - started
        return

    free: queue.Queue[dict[str, str]] = queue.Queue()
    for slot in slots:
        free.put(slot)
    cancelled = threading.Event()

    def run(plan: ModulePlan) -> tuple[ModuleOutcome, float]:
        slot = free.get()
        try:
            if cancelled.is_set():
                return ModuleOutcome(), 0.0
            started = time.perf_counter()
            outcome = verify_module(
                plan, device=device, timeout=timeout, checks=checks, environment=slot
            )
            return outcome, time.perf_counter() - started
        finally:
            free.put(slot)

    with ThreadPoolExecutor(max_workers=min(len(slots), len(plans))) as pool:
        futures: list[Future[tuple[ModuleOutcome, float]]] = [
            pool.submit(run, plan) for plan in plans
        ]
        try:
            for index, (plan, future) in enumerate(zip(plans, futures, strict=True), start=1):
                outcome, seconds = future.result()
                on_start(index, plan)
                yield index, plan, outcome, seconds
        finally:
            cancelled.set()  # a device error or an early stop: start no more workers
            for future in futures:
                future.cancel()
