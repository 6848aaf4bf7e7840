"""Observe the functions a test suite wraps with JAX transformations.

While installed, `jax.jit` and `jax.pmap` (and `pjit`, `equinox.filter_jit`,
`flax.nnx.jit` where they are installed) return a thin proxy around what the real transformation returns. The
proxy calls it with the same arguments and returns its result unchanged; on the side it
records the first concrete arguments of every function defined in the project, counts
traces and compilations per input signature and, when a signature is traced again,
keeps the cause that `jax.explain_cache_misses` logs. At the end of the session the
verify checks run on the recorded inputs (`verify_observed`).

Nothing here runs unless the pytest plugin is switched on (`pytest --jax-verify`).
"""

from __future__ import annotations

import contextlib
import copy
import enum
import fnmatch
import functools
import importlib
import importlib.util
import inspect
import itertools
import logging
import os
import re
import sys
import threading
import types
import warnings
import weakref
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jaxlint.verify.signatures import byte_size, is_array, signature_of

# (module, attribute) of the transformations observed, when the module is installed.
TRANSFORMS: tuple[tuple[str, str], ...] = (
    ("jax", "jit"),
    ("jax", "pmap"),
    ("jax.experimental.pjit", "pjit"),
    ("equinox", "filter_jit"),
    ("flax.nnx", "jit"),
)
BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
#: The loggers through which jax explains its cache misses.
CACHE_MISS_LOGGERS = (
    "jax._src.interpreters.partial_eval",
    "jax._src.compiler",
    "jax._src.compilation_cache",
    "jax._src.pjit",
    "jax._src.interpreters.pxla",
)
#: First arguments larger than this (all array leaves together) are not recorded.
DEFAULT_RECORD_LIMIT = 64 << 20
LIBRARY_FOLDERS = ("site-packages", "dist-packages")
#: Python values a bound argument is compared by; anything else is compared by identity.
VALUE_TYPES = (type(None), bool, int, float, complex, str, bytes, enum.Enum)


class LeafKind(enum.Enum):
    """How a recorded argument leaf is rebuilt for the checks."""

    JAX_ARRAY = "jax"
    NUMPY_ARRAY = "numpy"
    TYPED_KEY = "key"
    PYTHON = "python"


@dataclass
class RecordedLeaf:
    kind: LeafKind
    value: Any
    key_impl: Any = None


#: What jax's trace cache tells apart: one function object (`FunctionKey`) called with one
#: input signature (`signature_of`).
FunctionKey = Hashable
TraceKey = tuple[FunctionKey, str]


@dataclass
class Observation:
    """What the tests did with one transformed function."""

    module: str
    qualname: str
    path: str
    line: int
    transform: str
    transformed: Any = None  # the real transformation's result, for the checks
    treedef: Any = None
    leaves: list[RecordedLeaf] | None = None
    not_recorded: str | None = None  # why the first concrete call could not be recorded
    concrete_calls: int = 0
    nested_calls: int = 0  # calls inside another transformation (tracer arguments)
    # Per function object and input signature: several functions defined on one line
    # (partials with different arguments, one closure per test) are traced once each.
    traces: Counter[TraceKey] = field(default_factory=Counter)
    compiles: Counter[TraceKey] = field(default_factory=Counter)
    causes: dict[TraceKey, str] = field(default_factory=dict)


@dataclass
class _Frame:
    observation: Observation
    trace_key: TraceKey
    explained: list[str] = field(default_factory=list)  # cache misses jax explained


class Observer:
    """The registry of observations and the patches that feed it."""

    def __init__(
        self,
        root: str,
        *,
        report_base: str | None = None,
        test_file_patterns: Sequence[str] = ("test_*.py", "*_test.py"),
        record_limit: int = DEFAULT_RECORD_LIMIT,
    ) -> None:
        self.root = os.path.realpath(root)
        # Reported paths are relative to this folder (where pytest was started).
        self.report_base = os.path.realpath(report_base or root)
        self.test_file_patterns = (*test_file_patterns, "conftest.py")
        self.record_limit = record_limit
        self.observations: dict[tuple[str, int, str], Observation] = {}
        self.local = threading.local()
        # (module, attribute, original, whether the module defined it or its __getattr__)
        self.patched: list[tuple[Any, str, Any, bool]] = []
        self.listener: Callable[..., None] | None = None
        self.counting_wrappers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self.current_test: str | None = None  # set by the pytest plugin
        self.explaining_before: bool | None = None  # the user's jax_explain_cache_misses
        self.catcher: _CacheMissCatcher | None = None
        # A serial number per function object, for `function_key`; never reused, unlike id().
        self.function_serials: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        # Library folders: functions defined there are not the project's.
        self.excluded = tuple(
            os.path.realpath(folder)
            for folder in {sys.prefix, sys.base_prefix, sys.exec_prefix}
            if not self.root.startswith(os.path.realpath(folder) + os.sep)
        )

    # --- installing ------------------------------------------------------------------

    def install(self) -> None:
        import jax

        from jaxlint.verify.probe import prepare_fresh_traces

        # Now, before the tests compile anything: made later, it would make each of their
        # programs compile again for the checks.
        prepare_fresh_traces()
        for module_name, attribute in TRANSFORMS:
            if importlib.util.find_spec(module_name.split(".")[0]) is None:
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception:
                continue  # an optional library that does not import here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pjit is a deprecated alias in recent jax
                original = getattr(module, attribute, None)
            if original is None or getattr(original, "_jaxlint_observer", None) is self:
                continue
            if any(original is patched for _, _, patched, _ in self.patched):
                continue  # pjit is jit in some jax versions: one proxy is enough
            replacement = self._patched_transform(original, f"{module_name}.{attribute}")
            defined_here = attribute in vars(module)
            setattr(module, attribute, replacement)
            self.patched.append((module, attribute, original, defined_here))
        if hasattr(jax.monitoring, "register_event_duration_secs_listener"):
            self.listener = self._on_event
            jax.monitoring.register_event_duration_secs_listener(self.listener)
        self._explain_cache_misses()

    def uninstall(self) -> None:
        import jax

        for module, attribute, original, defined_here in reversed(self.patched):
            if defined_here:
                setattr(module, attribute, original)
            else:  # served by the module's __getattr__ (a deprecation shim): leave it so
                delattr(module, attribute)
        self.patched.clear()
        self._stop_explaining()
        if self.listener is not None:
            with contextlib.suppress(Exception):
                jax.monitoring.unregister_event_duration_listener(self.listener)
            self.listener = None

    def _patched_transform(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        observer = self

        @functools.wraps(original)
        def transform(*args: Any, **kwargs: Any) -> Any:
            fun = args[0] if args else kwargs.get("fun", kwargs.get("f"))
            if not callable(fun):
                # Used as a decorator factory: `@jax.jit(static_argnames=...)`.
                decorator = original(*args, **kwargs)
                if not callable(decorator):
                    return decorator

                @functools.wraps(decorator)
                def decorate(inner: Any, *more: Any, **more_kwargs: Any) -> Any:
                    return observer.wrap(decorator, inner, name, (inner, *more), more_kwargs)

                return decorate
            return observer.wrap(original, fun, name, args, kwargs)

        transform._jaxlint_observer = self  # type: ignore[attr-defined]
        return transform

    def wrap(
        self,
        transformation: Callable[..., Any],
        fun: Callable[..., Any],
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """The transformation applied to `fun`, observed when `fun` is the project's."""
        try:
            observation = self._observation_for(fun, name)
        except Exception:
            observation = None  # never let observing stand in the way of the user's code
        if observation is None:
            return transformation(*args, **kwargs)
        try:
            counted = self._counted(fun, observation)
            if args:
                transformed = transformation(counted, *args[1:], **kwargs)
            else:
                key = "fun" if "fun" in kwargs else "f"
                transformed = transformation(**{**kwargs, key: counted})
            observed = ObservedFunction(transformed, fun, observation, self, self.function_key(fun))
        except Exception:
            # Whatever went wrong (the user's own mistake included), the plain
            # transformation says it, or works, exactly as without the plugin.
            return transformation(*args, **kwargs)
        if observation.transformed is None:
            observation.transformed = transformed
        return observed

    def _counted(self, fun: Callable[..., Any], observation: Observation) -> Any:
        """One counting wrapper per function: jax caches traces by the function object, so
        `jax.jit(f)` built twice must still hand jax the same object, as without us."""
        try:
            counted = self.counting_wrappers.get(fun)
        except TypeError:  # not weak-referenceable or not hashable
            return _counting(fun, self, observation)
        if counted is None:
            counted = _counting(fun, self, observation)
            with contextlib.suppress(TypeError):
                self.counting_wrappers[fun] = counted
        return counted

    def function_key(self, fun: Any) -> FunctionKey:
        """What tells `fun` apart for jax's trace cache. A `partial` is its function and
        bound arguments: jax retraces a new partial of the same arguments, so those count
        as one function retraced, while partials of different arguments are different
        functions. A bound method is its function and instance; anything else (a closure
        made per test, say) is its own object."""
        if isinstance(fun, functools.partial):
            return (
                "partial",
                self.function_key(fun.func),
                _bound_key(fun.args),
                _bound_key(tuple(sorted(fun.keywords.items()))),
            )
        if isinstance(fun, types.MethodType):
            return ("method", self.function_key(fun.__func__), id(fun.__self__))
        try:
            serial = self.function_serials.get(fun)
            if serial is None:
                serial = self.function_serials[fun] = next(_SERIALS)
        except TypeError:  # not weak-referenceable or not hashable
            return ("object", id(fun))
        return ("function", serial)

    # --- which functions ---------------------------------------------------------------

    def _observation_for(self, fun: Callable[..., Any], transform: str) -> Observation | None:
        target = inspect.unwrap(fun)
        while isinstance(target, functools.partial):
            target = inspect.unwrap(target.func)
        code = getattr(target, "__code__", None)
        if code is None:
            return None
        filename = os.path.realpath(code.co_filename)
        if not self._is_project_file(filename):
            return None
        qualname = getattr(target, "__qualname__", getattr(target, "__name__", "<function>"))
        module = getattr(target, "__module__", None) or "<unknown>"
        path = os.path.relpath(filename, self.report_base)
        if path.startswith(os.pardir + os.sep):
            path = filename
        key = (path, code.co_firstlineno, qualname)
        if key not in self.observations:
            self.observations[key] = Observation(
                module=module,
                qualname=qualname,
                path=path,
                line=code.co_firstlineno,
                transform=transform,
            )
        return self.observations[key]

    def _is_project_file(self, filename: str) -> bool:
        if not filename.startswith(self.root + os.sep):
            return False
        if any(filename.startswith(folder + os.sep) for folder in self.excluded):
            return False
        parts = filename.split(os.sep)
        if any(part in LIBRARY_FOLDERS for part in parts):
            return False
        base = os.path.basename(filename)
        return not any(fnmatch.fnmatch(base, pattern) for pattern in self.test_file_patterns)

    # --- calls -------------------------------------------------------------------------

    def frames(self) -> list[_Frame]:
        if not hasattr(self.local, "frames"):
            self.local.frames = []
        return self.local.frames

    def call(self, proxy: ObservedFunction, args: tuple[Any, ...], kwargs: dict) -> Any:
        observation = proxy._jaxlint_observation
        try:
            signature = self._before_call(observation, args, kwargs)
        except Exception:
            signature = None
        if signature is None:
            return proxy._jaxlint_transformed(*args, **kwargs)
        frames = self.frames()
        # Per test: a function rebuilt in each test (equal partials included) is traced
        # once per test, which is no defect; a retrace within one test is.
        function = (proxy._jaxlint_function_key, self.current_test)
        frame = _Frame(observation, (function, signature))
        frames.append(frame)
        traced_before = observation.traces[frame.trace_key]
        try:
            return proxy._jaxlint_transformed(*args, **kwargs)
        finally:
            frames.pop()
            retraced = traced_before > 0 and observation.traces[frame.trace_key] > traced_before
            if retraced and frame.explained:
                with contextlib.suppress(Exception):
                    cause = _name_arguments(self._cause(frame), proxy._jaxlint_function)
                    observation.causes.setdefault(frame.trace_key, cause)

    def _before_call(
        self, observation: Observation, args: tuple[Any, ...], kwargs: dict
    ) -> str | None:
        """The call's input signature, after recording its arguments if they are the first
        concrete ones; None for a call inside another transformation."""
        import jax

        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        if any(isinstance(leaf, jax.core.Tracer) for leaf in leaves):
            observation.nested_calls += 1
            return None
        observation.concrete_calls += 1
        if observation.leaves is None and observation.not_recorded is None:
            try:
                observation.leaves = self._record(leaves)
                observation.treedef = treedef
            except Exception as error:
                observation.not_recorded = f"its first arguments could not be recorded: {error}"
        return signature_of(leaves, treedef)

    def _record(self, leaves: list[Any]) -> list[RecordedLeaf]:
        import jax
        import numpy as np

        total = sum(int(getattr(leaf, "nbytes", 0) or 0) for leaf in leaves if is_array(leaf))
        if total > self.record_limit:
            raise ValueError(
                f"they hold {byte_size(total)} of arrays, over the "
                f"{byte_size(self.record_limit)} recording limit"
            )
        recorded = []
        for leaf in leaves:
            if isinstance(leaf, jax.Array) and jax.dtypes.issubdtype(
                leaf.dtype, jax.dtypes.prng_key
            ):
                data = np.array(jax.random.key_data(leaf), copy=True)
                recorded.append(RecordedLeaf(LeafKind.TYPED_KEY, data, jax.random.key_impl(leaf)))
            elif isinstance(leaf, jax.Array):
                recorded.append(RecordedLeaf(LeafKind.JAX_ARRAY, np.array(leaf, copy=True)))
            elif isinstance(leaf, np.ndarray):
                recorded.append(RecordedLeaf(LeafKind.NUMPY_ARRAY, leaf.copy()))
            else:
                try:
                    value = copy.deepcopy(leaf)
                except Exception:
                    value = leaf  # not copyable: the test's own object
                recorded.append(RecordedLeaf(LeafKind.PYTHON, value))
        return recorded

    def _cause(self, frame: _Frame) -> str:
        """The explanation of this function's own cache miss: functions it calls that
        were traced for the first time inside it are explained too (and before it)."""
        from jaxlint.verify.checks import _condense_cache_miss

        where = f"{os.path.basename(frame.observation.path)}:{frame.observation.line}"
        own = [text for text in frame.explained if where in text]
        return _condense_cache_miss((own or frame.explained)[-1])

    def _explain_cache_misses(self) -> None:
        """Have jax explain every tracing cache miss for the whole session, caught by a
        filter on the loggers that explain them (`_CacheMissCatcher`). Switching it on
        around each call instead costs more than the call: a context manager and a log
        handler per call of every observed function."""
        import jax

        with contextlib.suppress(Exception):
            self.explaining_before = bool(jax.config.jax_explain_cache_misses)
            jax.config.update("jax_explain_cache_misses", True)
            self.catcher = _CacheMissCatcher(self, keep_in_log=self.explaining_before)
            for name in CACHE_MISS_LOGGERS:
                logging.getLogger(name).addFilter(self.catcher)

    def _stop_explaining(self) -> None:
        import jax

        if self.catcher is not None:
            for name in CACHE_MISS_LOGGERS:
                logging.getLogger(name).removeFilter(self.catcher)
            self.catcher = None
        if self.explaining_before is not None:
            with contextlib.suppress(Exception):
                jax.config.update("jax_explain_cache_misses", self.explaining_before)
            self.explaining_before = None

    def _on_event(self, event: str, *_args: Any, **_kwargs: Any) -> None:
        if event != BACKEND_COMPILE_EVENT:
            return
        frames = getattr(self.local, "frames", None)
        if frames:
            frame = frames[-1]
            frame.observation.compiles[frame.trace_key] += 1

    def traced(self, observation: Observation) -> None:
        """Called from inside the function each time jax traces it, and each time it runs
        under `jax.disable_jit()` (chex's `without_jit` variants, say): not a trace."""
        import jax

        if jax.config.jax_disable_jit:
            return
        frames = getattr(self.local, "frames", None)
        if frames and frames[-1].observation is observation:
            observation.traces[frames[-1].trace_key] += 1


class _CacheMissCatcher(logging.Filter):
    """Keeps each cache-miss explanation for the observed call in progress, and out of
    the tests' log unless the user had asked jax for explanations."""

    def __init__(self, observer: Observer, *, keep_in_log: bool) -> None:
        super().__init__()
        self.observer = observer
        self.keep_in_log = keep_in_log

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        if "CACHE MISS" not in message:
            return True
        frames = getattr(self.observer.local, "frames", None)
        if frames:
            frames[-1].explained.append(message)
        return self.keep_in_log


def _counting(fun: Callable[..., Any], observer: Observer, observation: Observation) -> Any:
    """`fun`, counting the traces jax makes of it (its body runs once per trace)."""

    @functools.wraps(fun)
    def counted(*args: Any, **kwargs: Any) -> Any:
        observer.traced(observation)
        return fun(*args, **kwargs)

    return counted


_SERIALS = itertools.count()
# How `explain_cache_misses` points at an argument: into `(args, kwargs)` of the call.
POSITIONAL_PATH = re.compile(r"input path \[0\]\[(\d+)\]")
KEYWORD_PATH = re.compile(r"input path \[1\]\['(\w+)'\]")


def _name_arguments(cause: str, fun: Callable[..., Any]) -> str:
    """The cause with the argument it points at named: `at input path [0][1]` becomes
    `at argument `steps` (input path [0][1])`."""
    try:
        parameters = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]

    def positional_name(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(positional):
            return match.group(0)
        return f"argument `{positional[index]}` ({match.group(0)})"

    cause = POSITIONAL_PATH.sub(positional_name, cause)
    return KEYWORD_PATH.sub(lambda m: f"argument `{m.group(1)}` ({m.group(0)})", cause)


def _bound_key(values: Any) -> Hashable:
    """Bound arguments compared as jax would see them differ: Python values by value (a
    partial of the same number is the same function again), other objects by identity."""
    if isinstance(values, tuple):
        return tuple(_bound_key(value) for value in values)
    if isinstance(values, VALUE_TYPES):
        return (type(values).__name__, values)
    return ("id", id(values))


class ObservedFunction:
    """A transformed function, observed. Calls and attributes go to the real one."""

    def __init__(
        self,
        transformed: Any,
        fun: Callable[..., Any],
        observation: Observation,
        observer: Observer,
        function_key: FunctionKey,
    ) -> None:
        functools.update_wrapper(self, transformed)
        self._jaxlint_transformed = transformed
        self._jaxlint_function_key = function_key
        self._jaxlint_function = fun
        self._jaxlint_observation = observation
        self._jaxlint_observer = observer
        self.__wrapped__ = getattr(transformed, "__wrapped__", fun)
        if self.__wrapped__ is not fun and getattr(self.__wrapped__, "__wrapped__", None) is fun:
            self.__wrapped__ = fun  # our counting wrapper is no business of the user's

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._jaxlint_observer.call(self, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set here: .lower, .trace, .eval_shape, ...
        if name.startswith("_jaxlint_"):
            raise AttributeError(name)
        return getattr(self._jaxlint_transformed, name)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __repr__(self) -> str:
        return repr(self._jaxlint_transformed)
