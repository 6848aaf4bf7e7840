"""The runtime checks: jit, leaks, retrace, grad, effects and keys, run on one function.

Used inside the worker process (one user module per process) and by
`jaxlint.testing.assert_jax_safe` (in the caller's process). The order of the probes
matters. The probes that watch trace time (jit and effects, leaks, keys) trace under
`fresh_traces`, because `jit`, `make_jaxpr` and `.trace()` share one trace cache: a probe
that found a warm cache would not see the trace-time behaviour it is looking for. Nothing
else is cleared: the programs the tests compiled serve `retrace` and the differences of
`grad`, and eager operations compile once per process.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import io
import logging
import re
import time
import types
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxlint.verify.grad import check_grad
from jaxlint.verify.keys import check_keys
from jaxlint.verify.probe import (
    MESSAGE_LIMIT,
    CheckReport,
    block,
    describe_exception,
    fresh_args,
    fresh_traces,
    jit_wrapper,
    shorten,
    trace_or_call,
)
from jaxlint.verify.result import CHECK_NAMES, FAIL, NOT_SELECTED, PASS, SKIP

__all__ = ["MESSAGE_LIMIT", "CheckReport", "compare_outputs", "run_checks", "timed_run_checks"]
RETRACE_CALLS = 5
# Named by jax's dispatch module; spelled out for versions that do not export the constant.
JAXPR_TRACE_EVENT = "/jax/core/compile/jaxpr_trace_duration"


@dataclass
class ObservedCall:
    """One call of the function, with what it printed and which module globals it changed."""

    output: Any = None
    error: BaseException | None = None
    printed: str = ""
    changed_globals: tuple[str, ...] = ()


def run_checks(
    fn: Callable[..., Any],
    args: Sequence[Any],
    *,
    module: types.ModuleType | None = None,
    checks: Sequence[str] = CHECK_NAMES,
) -> CheckReport:
    """Run the selected checks on `fn(*args)`; never raises for anything the function does."""
    report = CheckReport()
    selected = set(checks)
    for name in CHECK_NAMES:
        if name not in selected:
            report.set(name, SKIP, NOT_SELECTED)
    args = tuple(args)
    if module is None:
        module = inspect.getmodule(inspect.unwrap(fn))

    # Tracers leaked before this function ran (by another function of the module) are
    # not this function's fault.
    earlier_tracers = {id(tracer) for _, tracer in _reachable_tracers(fn, module)}
    # `retrace` first, before any probe traced the function under `fresh_traces`: jax
    # explains a cache miss by the closest earlier key, and a key of another context
    # would be the closest, hiding the argument that changed.
    retrace_raised = False
    if "retrace" in selected:
        # What the other probes print is not under test; keep it out of the caller's output.
        with contextlib.redirect_stdout(io.StringIO()):
            retrace_raised = _check_retrace(fn, args, report)
    jit_error: str | None = None
    if selected & {"jit", "effects"}:
        jit_error = _check_jit_and_effects(fn, args, module, report, selected)
    if retrace_raised and jit_error is not None:
        report.set("retrace", SKIP, "not run: the function does not jit")
    with contextlib.redirect_stdout(io.StringIO()):
        if "leaks" in selected:
            _check_leaks(fn, args, module, report, jit_error, earlier_tracers)
        if "grad" in selected:
            check_grad(fn, args, report, jit_error)
        if "keys" in selected:
            check_keys(fn, args, module, report, jit_error)
        block(None)
    return report


# --- arguments ---------------------------------------------------------------------------


def _fingerprint(value: Any) -> Hashable:
    """Changes when a global is rebound or a container or numpy array in it is mutated."""
    try:
        if isinstance(value, dict):
            return (id(value), tuple((repr(k), id(v)) for k, v in list(value.items())[:1000]))
        if isinstance(value, (list, set, bytearray)):
            return (id(value), len(value), tuple(id(item) for item in list(value)[:1000]))
        if isinstance(value, np.ndarray) and value.nbytes <= 1 << 20:
            return (id(value), hash(value.tobytes()))
    except Exception:
        pass
    return id(value)


def _module_state(module: types.ModuleType | None) -> dict[str, Hashable]:
    if module is None:
        return {}
    state = {}
    for name, value in list(vars(module).items()):
        if name.startswith("__") or name == "JAXLINT_EXAMPLES":
            continue
        if isinstance(value, (types.ModuleType, type, types.FunctionType)):
            continue
        state[name] = _fingerprint(value)
    return state


def _changed(before: dict[str, Hashable], after: dict[str, Hashable]) -> tuple[str, ...]:
    names = set(before) | set(after)
    return tuple(sorted(n for n in names if before.get(n, ...) != after.get(n, ...)))


def _observe(
    fn: Callable[..., Any], args: tuple[Any, ...], module: types.ModuleType | None
) -> ObservedCall:
    observed = ObservedCall()
    before = _module_state(module)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        try:
            observed.output = block(fn(*args))
        except Exception as error:
            observed.error = error
    observed.printed = stdout.getvalue()
    observed.changed_globals = _changed(before, _module_state(module))
    return observed


# --- jit and effects ---------------------------------------------------------------------


def _check_jit_and_effects(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    module: types.ModuleType | None,
    report: CheckReport,
    selected: set[str],
) -> str | None:
    """Eager twice, then a fresh jit twice; compare call k with call k.

    Returns a description of the failure when the function could not run at all, so
    the later probes can skip instead of repeating the same error.
    """
    eager_calls = []
    with jax.disable_jit():
        for _ in range(2):
            eager_calls.append(_observe(fn, fresh_args(args), module))
            if eager_calls[-1].error is not None:
                break
    eager_error = eager_calls[-1].error
    if eager_error is not None:
        message = f"eager call raised {describe_exception(eager_error)}"
        if "jit" in selected:
            report.set("jit", FAIL, message)
        if "effects" in selected:
            report.set("effects", SKIP, "not run: the eager call raised")
        return message

    jit_calls = (
        _jit_calls_reusing_its_program(fn, args, module)
        if is_jitted(fn)
        else _jit_calls_afresh(fn, args, module)
    )
    jit_error = jit_calls[-1].error
    if jit_error is not None:
        message = f"under jax.jit: {describe_exception(jit_error)}"
        if "jit" in selected:
            report.set("jit", FAIL, message)
        if "effects" in selected:
            report.set("effects", SKIP, "not run: the function does not jit")
        return message

    if "jit" in selected:
        mismatch = None
        for index, (eager, jitted_call) in enumerate(zip(eager_calls, jit_calls, strict=True)):
            mismatch = compare_outputs(eager.output, jitted_call.output)
            if mismatch:
                mismatch = f"call {index + 1}: jit differs from eager: {mismatch}"
                break
        report.set("jit", FAIL if mismatch else PASS, mismatch)
    if "effects" in selected:
        difference = _compare_effects(eager_calls, jit_calls)
        report.set("effects", FAIL if difference else PASS, difference)
    return None


def is_jitted(fn: Callable[..., Any]) -> bool:
    """Whether `fn` is a function jax compiles on its own (`jax.jit`, `pmap`, or a
    partial of one): its calls then reuse the programs its earlier calls compiled."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return callable(getattr(fn, "lower", None)) and callable(getattr(fn, "trace", None))


def _jit_calls_afresh(
    fn: Callable[..., Any], args: tuple[Any, ...], module: types.ModuleType | None
) -> list[ObservedCall]:
    """Two calls of a fresh `jax.jit` of `fn`: the first traces and compiles it."""
    jitted, arrays_of = jit_wrapper(fn, args)
    # Copies made outside the fresh context, whose eager operations would compile again.
    call_args = [tuple(arrays_of(fresh_args(args))) for _ in range(2)]
    calls: list[ObservedCall] = []
    with fresh_traces():
        for arrays in call_args:
            calls.append(_observe(jitted, arrays, module))
            if calls[-1].error is not None:
                break
    return calls


def _jit_calls_reusing_its_program(
    fn: Callable[..., Any], args: tuple[Any, ...], module: types.ModuleType | None
) -> list[ObservedCall]:
    """Two calls of a jitted `fn` as a fresh jit would see them, without compiling it
    again: the first call's trace-time effects come from a fresh trace (no compile), its
    output and run-time effects from the program compiled for these inputs already
    (by the tests, or by the `retrace` probe), as do the second call's."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            block(fn(*fresh_args(args)))  # warm: the program exists before anything is watched
        except Exception:
            return _jit_calls_afresh(fn, args, module)
    jitted, arrays_of = jit_wrapper(fn, args)
    arrays = arrays_of(fresh_args(args))
    with fresh_traces():
        traced = _observe(lambda *leaves: trace_or_call(jitted, list(leaves)), arrays, module)
    if traced.error is not None:
        return [traced]
    call_args = [fresh_args(args) for _ in range(2)]
    first = _observe(fn, call_args[0], module)
    first.printed = traced.printed + first.printed
    first.changed_globals = tuple(sorted({*traced.changed_globals, *first.changed_globals}))
    if first.error is not None:
        return [first]
    return [first, _observe(fn, call_args[1], module)]


def _tolerances(dtype: np.dtype) -> tuple[float, float] | None:
    """(rtol, atol) for a dtype, or None for exact comparison."""
    if not (jnp.issubdtype(dtype, jnp.floating) or jnp.issubdtype(dtype, jnp.complexfloating)):
        return None
    bits = np.dtype(dtype).itemsize * 8
    if jnp.issubdtype(dtype, jnp.complexfloating):
        bits //= 2
    if bits <= 16:
        return 1e-2, 1e-2
    if bits <= 32:
        return 1e-4, 1e-5
    return 1e-9, 1e-12


def compare_outputs(expected: Any, actual: Any) -> str | None:
    """None when the two pytrees match; otherwise what differs, naming the first leaf."""
    expected_leaves, expected_tree = jax.tree_util.tree_flatten_with_path(expected)
    actual_leaves, actual_tree = jax.tree_util.tree_flatten_with_path(actual)
    if expected_tree != actual_tree:
        return f"output structure differs: {expected_tree} vs {actual_tree}"
    for (path, want), (_, got) in zip(expected_leaves, actual_leaves, strict=True):
        where = "output" + jax.tree_util.keystr(path)
        try:
            want_array, got_array = np.asarray(want), np.asarray(got)
        except Exception:
            if want != got:
                return f"{where}: {want!r} vs {got!r}"
            continue
        if want_array.shape != got_array.shape:
            return f"{where}: shape {want_array.shape} vs {got_array.shape}"
        if want_array.dtype == object or got_array.dtype == object:
            if not np.array_equal(want_array, got_array):
                return f"{where}: {want!r} vs {got!r}"
            continue
        tolerances = _tolerances(np.result_type(want_array.dtype, got_array.dtype))
        if tolerances is None:
            equal = np.array_equal(want_array, got_array)
        else:
            rtol, atol = tolerances
            equal = np.allclose(
                want_array.astype(np.complex128 if want_array.dtype.kind == "c" else np.float64),
                got_array.astype(np.complex128 if got_array.dtype.kind == "c" else np.float64),
                rtol=rtol,
                atol=atol,
                equal_nan=True,
            )
        if not equal:
            return f"{where}: {_summarize_difference(want_array, got_array)}"
    return None


def _summarize_difference(want: np.ndarray, got: np.ndarray) -> str:
    if want.size == 1:
        return f"eager {want.reshape(()).item()!r}, jit {got.reshape(()).item()!r}"
    with contextlib.suppress(Exception):
        difference = np.abs(want.astype(np.float64) - got.astype(np.float64))
        index = np.unravel_index(np.nanargmax(difference), difference.shape)
        return (
            f"max abs difference {difference[index]:.6g} at index {tuple(int(i) for i in index)}"
            f" (eager {want[index]!r}, jit {got[index]!r})"
        )
    return "values differ"


def _compare_effects(eager_calls: list[ObservedCall], jit_calls: list[ObservedCall]) -> str | None:
    for index, (eager, jitted) in enumerate(zip(eager_calls, jit_calls, strict=True)):
        eager_lines = len(eager.printed.splitlines())
        jit_lines = len(jitted.printed.splitlines())
        if eager_lines != jit_lines:
            return (
                f"call {index + 1}: printed {eager_lines} line(s) eagerly but {jit_lines} under"
                f" jit (a print that runs at trace time?): eager {eager.printed.strip()!r},"
                f" jit {jitted.printed.strip()!r}"
            )
        if eager.changed_globals != jitted.changed_globals:
            return (
                f"call {index + 1}: module globals changed eagerly: "
                f"{', '.join(eager.changed_globals) or 'none'}; under jit: "
                f"{', '.join(jitted.changed_globals) or 'none'}"
            )
    return None


# --- leaks -------------------------------------------------------------------------------


def _check_leaks(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    module: types.ModuleType | None,
    report: CheckReport,
    jit_error: str | None,
    earlier_tracers: set[int],
) -> None:
    jitted, arrays_of = jit_wrapper(fn, args)
    arrays = arrays_of(fresh_args(args))
    detected: str | None = None
    try:
        with fresh_traces(), jax.check_tracer_leaks(True), _older_objects_frozen():
            trace_or_call(jitted, arrays)
    except Exception as error:
        if "leak" not in str(error).lower():
            if jit_error is None:
                report.set("leaks", FAIL, f"under jax.jit: {describe_exception(error)}")
            else:
                report.set("leaks", SKIP, "not run: the function does not jit")
            return
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        detected = "jax.check_tracer_leaks: " + " ".join(lines[:2])
    for where, tracer in _reachable_tracers(fn, module):
        if id(tracer) not in earlier_tracers:
            found = f"{where} holds a leaked tracer {shorten(repr(tracer), 60)}"
            detected = f"{found} ({detected})" if detected else found
            break
    if detected:
        report.set("leaks", FAIL, shorten(detected))
    else:
        report.set("leaks", PASS)


@contextlib.contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """The leak checker collects garbage after each trace whose objects outlive it, and a
    collection walks every object of the process (a test suite's hundreds of thousands,
    for each nested jitted function). Objects that existed before the trace cannot be
    garbage it made: frozen, they are left out of the walk. A tracer that one of them
    holds is still found: the tracer itself is new."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _reachable_tracers(
    fn: Callable[..., Any], module: types.ModuleType | None
) -> Iterator[tuple[str, Any]]:
    """(where, tracer) for tracers reachable from the module's globals or fn's closure."""
    roots: list[tuple[str, str, Any]] = []
    target = inspect.unwrap(fn)
    for cell_name, cell in zip(
        getattr(getattr(target, "__code__", None), "co_freevars", ()),
        getattr(target, "__closure__", None) or (),
        strict=False,
    ):
        with contextlib.suppress(ValueError):
            roots.append(("closure variable", cell_name, cell.cell_contents))
    if module is not None:
        for name, value in list(vars(module).items()):
            if not name.startswith("__") and not isinstance(value, types.ModuleType):
                roots.append(("module global", name, value))
    seen: set[int] = set()
    for kind, name, value in roots:
        for where, tracer in _tracer_paths(value, "", seen, depth=0):
            yield f"{kind} `{name}{where}`", tracer


def _tracer_paths(value: Any, path: str, seen: set[int], depth: int) -> Iterator[tuple[str, Any]]:
    if isinstance(value, jax.core.Tracer):
        yield path, value
        return
    if depth > 4 or id(value) in seen:
        return
    seen.add(id(value))
    items: Iterator[tuple[str, Any]]
    if isinstance(value, dict):
        items = ((f"[{key!r}]", item) for key, item in list(value.items())[:1000])
    elif isinstance(value, (list, tuple)):
        items = ((f"[{index}]", item) for index, item in enumerate(list(value)[:1000]))
    elif isinstance(value, (set, frozenset)):
        items = (("{...}", item) for item in list(value)[:1000])
    else:
        return
    for suffix, item in items:
        yield from _tracer_paths(item, path + suffix, seen, depth + 1)


# --- retrace -----------------------------------------------------------------------------


class _TraceCounter:
    """Counts jaxpr traces reported through `jax.monitoring` while active."""

    def __init__(self) -> None:
        self.count = 0
        self.active = False

    def __call__(self, event: str, *_args: Any, **_kwargs: Any) -> None:
        if self.active and event == JAXPR_TRACE_EVENT:
            self.count += 1


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


def _check_retrace(fn: Callable[..., Any], args: tuple[Any, ...], report: CheckReport) -> bool:
    """Traces counted over repeated calls with same-shaped inputs; True when the first
    call raised (a `fail` that the caller makes a `skip` where the function does not jit)."""
    monitoring = jax.monitoring
    if not hasattr(monitoring, "register_event_duration_secs_listener"):
        report.set("retrace", SKIP, "this jax has no trace events to count")
        return False
    try:
        # The tests' own compiled program where they called it with these inputs.
        block(fn(*fresh_args(args)))
    except Exception as error:
        report.set("retrace", FAIL, f"warm-up call raised {describe_exception(error)}")
        return True
    # Copies made before counting: copying an array may itself trace a small computation.
    call_args = [fresh_args(args) for _ in range(RETRACE_CALLS)]
    counter = _TraceCounter()
    monitoring.register_event_duration_secs_listener(counter)
    capture = _LogCapture()
    jax_logger = logging.getLogger("jax")
    jax_logger.addHandler(capture)
    explain = getattr(jax, "explain_cache_misses", None)
    try:
        with explain(True) if explain is not None else contextlib.nullcontext():
            counter.active = True
            for call in call_args:
                block(fn(*call))
    except Exception as error:
        report.set("retrace", FAIL, f"a repeated call raised {describe_exception(error)}")
        return False
    finally:
        counter.active = False
        jax_logger.removeHandler(capture)
        with contextlib.suppress(Exception):
            monitoring.unregister_event_duration_listener(counter)
    if counter.count == 0:
        report.set("retrace", PASS)
        return False
    message = (
        f"traced {counter.count} more time(s) in {RETRACE_CALLS} calls with same-shaped inputs"
    )
    causes = [record for record in capture.records if "CACHE MISS" in record]
    if causes:
        message += f"; {_condense_cache_miss(causes[0])}"
    report.set("retrace", FAIL, message)
    return False


CACHE_MISS_NOISE = (
    re.compile(r"<class '[^']*'> with pytree metadata "),
    re.compile(r", so the pytree node metadata does not match"),
)


def _condense_cache_miss(text: str) -> str:
    """The useful part of an `explain_cache_misses` log record, on one line."""
    lines = [line.strip(" *") for line in text.splitlines() if line.strip()]
    kept = [
        line
        for line in lines
        if not line.startswith(("TRACING CACHE MISS", "all previously seen", "never seen"))
    ]
    condensed = " ".join(kept or lines)
    for noise in CACHE_MISS_NOISE:
        condensed = noise.sub("", condensed)
    # Full paths make the line long and say little: the row already names the module.
    condensed = re.sub(r"(?:[^\s:]*/)([^/\s:]+\.py)", r"\1", condensed)
    return shorten("cause: " + condensed, 300)


# --- grad --------------------------------------------------------------------------------


def timed_run_checks(
    fn: Callable[..., Any],
    args: Sequence[Any],
    *,
    module: types.ModuleType | None = None,
    checks: Sequence[str] = CHECK_NAMES,
) -> tuple[CheckReport, float]:
    """`run_checks`, with the wall time it took (compiles included)."""
    start = time.perf_counter()
    report = run_checks(fn, args, module=module, checks=checks)
    return report, time.perf_counter() - start
