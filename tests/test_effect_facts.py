"""The host-effect facts JL004 relies on, checked by running them: every call in
``HOST_EFFECT_CALLS`` does what its entry says (reads the clock, writes a file, runs a
command, ...), every path method in ``PATH_EFFECT_METHODS`` touches the file system on the
paths ``PATH_CONSTRUCTORS`` make, every installed call in ``LOGGING_CALLS`` and every
``LOGGER_METHODS`` method of a logger from ``LOGGER_FACTORIES`` emits a record, the key
annotations in ``KEY_ANNOTATIONS`` name key types of the installed libraries, every
``NUMPY_BUFFER_CALLS`` call makes a new writable array, every ``DESCRIBING_CALLS`` call
shows a tracer in a string, and every ``PRINT_CALLS`` call prints."""

from __future__ import annotations

import importlib
import io
import json
import logging
import os
import pickle
import subprocess
import sys
import time
import typing
from collections.abc import Callable
from pathlib import Path

import pytest

from jaxlint.facts import jaxfacts as jf

np = pytest.importorskip("numpy")
jnp = pytest.importorskip("jax.numpy")


def _resolve(qualified: str) -> object:
    """The object a qualified name denotes, importing the longest importable module prefix."""
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            value = getattr(value, attribute)
        return value
    raise ImportError(qualified)


def _busy(seconds: float = 0.02) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _reads_clock(function: Callable[[], object]) -> bool:
    before = function()
    _busy()
    return function() != before


def _file(tmp: Path, name: str = "data.txt", text: str = "1 2\n3 4\n") -> Path:
    path = tmp / name
    path.write_text(text)
    return path


def _reads_file(load: Callable[[Path], object], tmp: Path) -> bool:
    """A loader that reads a file fails on a missing one."""
    try:
        load(tmp / "missing")
    except OSError:
        return True
    return False


def _consumes(load: Callable[[io.BufferedReader], object], path: Path) -> bool:
    with path.open("rb") as handle:
        load(handle)
        return handle.tell() > 0


def _writes(save: Callable[[Path], object], path: Path) -> bool:
    save(path)
    written = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    return bool(written) and written[0].stat().st_size > 0


def _runs(run: Callable[[list[str]], object], tmp: Path) -> bool:
    marker = tmp / "ran"
    run(["touch", str(marker)])
    return marker.exists()


def _reads_stdin(monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(sys, "stdin", io.StringIO("typed\n"))
    return input() == "typed" and sys.stdin.read() == ""


_Check = Callable[[Path, pytest.MonkeyPatch], bool]


def _clock_check(name: str) -> _Check:
    return lambda tmp, _: _reads_clock(_resolve(name))  # type: ignore[arg-type]


def _command_check(name: str) -> _Check:
    return lambda tmp, _: _runs(_resolve(name), tmp)  # type: ignore[arg-type]


def _pickled(tmp: Path) -> Path:
    path = tmp / "p.pickle"
    path.write_bytes(pickle.dumps([1]))
    return path


def _dump(dump: Callable[[object, object], None], path: Path, mode: str) -> None:
    with path.open(mode) as handle:
        dump([1], handle)


_ARRAY = np.arange(4.0)

#: How to show each host effect: a check that returns True when the call did it.
_EFFECTS: dict[str, _Check] = {
    "builtins.open": lambda tmp, _: open(tmp / "new", "w").close() or (tmp / "new").exists(),
    "builtins.input": lambda tmp, mp: _reads_stdin(mp),
    **{
        name: _clock_check(name)
        for name in (
            *("time.time", "time.time_ns", "time.perf_counter", "time.perf_counter_ns"),
            *("time.monotonic", "time.monotonic_ns", "time.process_time"),
            *("datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today"),
        )
    },
    "time.sleep": lambda tmp, _: (lambda t: time.sleep(0.02) or time.perf_counter() - t >= 0.02)(
        time.perf_counter()
    ),
    "sys.stdout.write": lambda tmp, _: sys.stdout.write("x") == 1,
    "sys.stderr.write": lambda tmp, _: sys.stderr.write("x") == 1,
    "numpy.load": lambda tmp, _: _reads_file(np.load, tmp),
    "numpy.loadtxt": lambda tmp, _: _reads_file(np.loadtxt, tmp),
    "numpy.genfromtxt": lambda tmp, _: _reads_file(np.genfromtxt, tmp),
    "numpy.fromfile": lambda tmp, _: _reads_file(np.fromfile, tmp),
    "jax.numpy.load": lambda tmp, _: _reads_file(jnp.load, tmp),
    "numpy.save": lambda tmp, _: _writes(lambda p: np.save(p, _ARRAY), tmp / "a"),
    "numpy.savez": lambda tmp, _: _writes(lambda p: np.savez(p, a=_ARRAY), tmp / "b"),
    "numpy.savez_compressed": lambda tmp, _: _writes(
        lambda p: np.savez_compressed(p, a=_ARRAY), tmp / "c"
    ),
    "numpy.savetxt": lambda tmp, _: _writes(lambda p: np.savetxt(p, _ARRAY), tmp / "d"),
    "jax.numpy.save": lambda tmp, _: _writes(lambda p: jnp.save(p, jnp.arange(4.0)), tmp / "e"),
    "jax.numpy.savez": lambda tmp, _: _writes(lambda p: jnp.savez(p, a=jnp.ones(2)), tmp / "f"),
    "pickle.load": lambda tmp, _: _consumes(pickle.load, _pickled(tmp)),
    "pickle.dump": lambda tmp, _: _writes(lambda p: _dump(pickle.dump, p, "wb"), tmp / "g"),
    "json.load": lambda tmp, _: _consumes(json.load, _file(tmp, "j.json", "[1]")),
    "json.dump": lambda tmp, _: _writes(lambda p: _dump(json.dump, p, "w"), tmp / "h"),
    "shutil.copy": lambda tmp, _: (
        _resolve("shutil.copy")(_file(tmp), tmp / "copy") and (tmp / "copy").exists()
    ),
    "shutil.copyfile": lambda tmp, _: (
        _resolve("shutil.copyfile")(_file(tmp), tmp / "copy2") and (tmp / "copy2").exists()
    ),
    "shutil.copytree": lambda tmp, _: (
        _resolve("shutil.copytree")(_file(tmp).parent, tmp.parent / (tmp.name + "-tree"))
        and (tmp.parent / (tmp.name + "-tree") / "data.txt").exists()
    ),
    "shutil.move": lambda tmp, _: (
        _resolve("shutil.move")(_file(tmp), tmp / "moved") and not (tmp / "data.txt").exists()
    ),
    "shutil.rmtree": lambda tmp, _: (
        (tmp / "tree").mkdir()
        or _resolve("shutil.rmtree")(tmp / "tree")
        or not (tmp / "tree").exists()
    ),
    "os.remove": lambda tmp, _: os.remove(_file(tmp)) or not (tmp / "data.txt").exists(),
    "os.unlink": lambda tmp, _: os.unlink(_file(tmp)) or not (tmp / "data.txt").exists(),
    "os.rename": lambda tmp, _: os.rename(_file(tmp), tmp / "r") or (tmp / "r").exists(),
    "os.replace": lambda tmp, _: os.replace(_file(tmp), tmp / "s") or (tmp / "s").exists(),
    "os.makedirs": lambda tmp, _: os.makedirs(tmp / "x" / "y") or (tmp / "x" / "y").is_dir(),
    "os.mkdir": lambda tmp, _: os.mkdir(tmp / "z") or (tmp / "z").is_dir(),
    "os.system": lambda tmp, _: _runs(lambda argv: os.system(" ".join(argv)), tmp),
    **{
        name: _command_check(name)
        for name in (
            *("subprocess.run", "subprocess.call"),
            *("subprocess.check_call", "subprocess.check_output"),
        )
    },
}


def test_every_host_effect_is_exercised() -> None:
    assert set(_EFFECTS) == set(jf.HOST_EFFECT_CALLS)


@pytest.mark.parametrize("name", sorted(jf.HOST_EFFECT_CALLS))
def test_a_host_effect_call_has_its_effect(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(_resolve(name))
    monkeypatch.chdir(tmp_path)
    assert _EFFECTS[name](tmp_path, monkeypatch)


#: How to call each path method on an existing file (or a new path for the makers).
_PATH_CALLS: dict[str, Callable[[Path], object]] = {
    "read_text": Path.read_text,
    "read_bytes": Path.read_bytes,
    "write_text": lambda p: p.write_text("new"),
    "write_bytes": lambda p: p.write_bytes(b"new"),
    "open": lambda p: p.open().close(),
    "unlink": Path.unlink,
    "touch": lambda p: p.touch(),
    "mkdir": lambda p: (p.parent / "folder").mkdir(),
    "rmdir": lambda p: ((p.parent / "gone").mkdir(), (p.parent / "gone").rmdir()),
    "rename": lambda p: p.rename(p.parent / "renamed"),
}


def test_every_path_method_is_exercised() -> None:
    assert set(_PATH_CALLS) == set(jf.PATH_EFFECT_METHODS)


@pytest.mark.parametrize("constructor", sorted(jf.PATH_CONSTRUCTORS))
@pytest.mark.parametrize("method", sorted(jf.PATH_EFFECT_METHODS))
def test_a_path_method_touches_the_file_system(
    constructor: str, method: str, tmp_path: Path
) -> None:
    path = _resolve(constructor)(tmp_path / "file")  # type: ignore[operator]
    assert callable(getattr(path, method))
    path.write_text("old")
    before = {
        (p.name, p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
        for p in tmp_path.iterdir()
    }
    # A read is seen by the access itself: a missing file makes a reader fail.
    if method.startswith("read") or method == "open":
        _PATH_CALLS[method](path)
        path.unlink()
        with pytest.raises(OSError):
            _PATH_CALLS[method](path)
        return
    time.sleep(0.01)  # a new modification time for `touch` and `open`
    _PATH_CALLS[method](path)
    after = {
        (p.name, p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
        for p in tmp_path.iterdir()
    }
    assert after != before or method == "rmdir"


def test_a_pure_path_has_no_effect_methods() -> None:
    # Why PurePath is not in PATH_CONSTRUCTORS: its methods only compute names.
    pure = _resolve("pathlib.PurePath")("x")  # type: ignore[operator]
    assert not any(hasattr(pure, method) for method in jf.PATH_EFFECT_METHODS)


def _installed(qualified: str) -> bool:
    try:
        _resolve(qualified)
    except (ImportError, AttributeError):
        return False
    return True


@pytest.mark.parametrize("name", sorted(jf.LOGGING_CALLS))
def test_a_logging_call_emits_a_record(name: str) -> None:
    module = name.rpartition(".")[0]
    if module in ("wandb", "mlflow"):
        pytest.importorskip(module)  # experiment trackers: not in the test extras
        assert callable(_resolve(name))
        return
    pytest.importorskip(module)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, level = Keep(level=logging.DEBUG), root.level
    root.addHandler(handler)
    absl = sys.modules.get("absl.logging")
    verbosity = absl.get_verbosity() if absl else None
    try:
        root.setLevel(logging.DEBUG)
        if absl:
            absl.set_verbosity(absl.DEBUG)
        function = _resolve(name)
        assert callable(function)
        if name.endswith(".log"):
            info = absl.INFO if module == "absl.logging" else logging.INFO  # type: ignore[union-attr]
            function(info, "message")  # type: ignore[operator]
        elif name.endswith(".vlog"):
            function(1, "message")  # type: ignore[operator]
        elif name == "absl.logging.fatal":
            _absl_fatal_logs()
            return
        else:
            function("message")  # type: ignore[operator]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        if absl and verbosity is not None:
            absl.set_verbosity(verbosity)
    assert [r.getMessage() for r in records] == ["message"]


def _absl_fatal_logs() -> None:
    # Under `absl.app` it also ends the process, so it runs in one of its own.
    code = "import absl.logging as l; l.fatal('message')"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "CRITICAL:absl:message" in ran.stderr


def test_absl_has_no_critical() -> None:
    # Why LOGGING_CALLS lists `logging.critical` but not `absl.logging.critical`.
    absl = pytest.importorskip("absl.logging")
    assert not hasattr(absl, "critical")


@pytest.mark.parametrize("factory", sorted(jf.LOGGER_FACTORIES))
@pytest.mark.parametrize("method", sorted(jf.LOGGER_METHODS))
def test_a_logger_method_emits_a_record(factory: str, method: str) -> None:
    pytest.importorskip(factory.rpartition(".")[0])
    made = _resolve(factory)
    logger = made("jaxlint-facts") if factory.endswith(("getLogger", "Logger")) else made()  # type: ignore[operator]
    assert isinstance(logger, logging.Logger)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, level, propagate = Keep(level=logging.DEBUG), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        call = getattr(logger, method)
        call(logging.INFO, "message") if method == "log" else call("message")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    assert [r.getMessage() for r in records] == ["message"]


#: Key annotations that the installed jax no longer has, with the jax release that removed
#: them: code written against older releases still annotates keys with them.
_RETIRED_KEY_ANNOTATIONS = {"jax.random.PRNGKeyArray": "0.4.24", "jax.random.KeyArray": "0.4.24"}


@pytest.mark.parametrize("name", sorted(jf.KEY_ANNOTATIONS))
def test_a_key_annotation_names_a_key_type(name: str) -> None:
    jax = pytest.importorskip("jax")
    if name in _RETIRED_KEY_ANNOTATIONS:
        assert not _installed(name), f"{name} is back in jax: check what it now means"
        return
    pytest.importorskip(name.rpartition(".")[0])
    annotation = _resolve(name)
    key = jax.random.key(0)
    if name.startswith("jaxtyping."):
        # A union of dtype-checking annotations: a typed and a raw key pass, a float array not.
        members = typing.get_args(annotation)
        for value in (key, jax.random.PRNGKey(0)):
            assert any(isinstance(value, member) for member in members)
        assert not any(isinstance(jnp.zeros(2), member) for member in members)
    else:
        assert isinstance(key, annotation)  # type: ignore[arg-type]


def test_a_key_from_a_seed_is_a_key_making_call() -> None:
    assert jf.KEY_FROM_SEED <= jf.KEY_MAKING_CALLS


#: How to call each NumPy buffer maker (a few need a first argument of their own kind).
_BUFFER_ARGUMENTS: dict[str, tuple[object, ...]] = {
    "numpy.zeros_like": (np.ones(3),),
    "numpy.ones_like": (np.ones(3),),
    "numpy.empty_like": (np.ones(3),),
    "numpy.full_like": (np.ones(3), 2.0),
    "numpy.array": ([1.0, 2.0],),
    "numpy.copy": (np.ones(3),),
    "numpy.full": (3, 2.0),
    "numpy.linspace": (0.0, 1.0, 3),
}


@pytest.mark.parametrize("name", sorted(jf.NUMPY_BUFFER_CALLS))
def test_a_numpy_buffer_call_makes_a_new_writable_array(name: str) -> None:
    source = np.ones(3)
    made = _resolve(name)(*_BUFFER_ARGUMENTS.get(name, (3,)))  # type: ignore[operator]
    assert isinstance(made, np.ndarray) and made.flags.writeable
    assert not np.shares_memory(made, source)  # a buffer of its own, even from a copy
    made[...] = 7  # written in place: what makes it state
    assert (made == 7).all()


@pytest.mark.parametrize("name", sorted(jf.DESCRIBING_CALLS))
def test_a_describing_call_returns_a_string_that_shows_a_tracer(name: str) -> None:
    jax = pytest.importorskip("jax")
    shown: list[str] = []

    def traced(x: object) -> object:
        shown.append(_resolve(name)(x))  # type: ignore[operator]
        return x

    jax.jit(traced)(jnp.ones(2))
    assert isinstance(shown[0], str) and "Trace" in shown[0]  # JitTracer(...) or Traced<...>


@pytest.mark.parametrize("name", sorted(jf.PRINT_CALLS))
def test_a_print_call_writes_its_argument_to_stdout(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _resolve(name)("printed")  # type: ignore[operator]
    assert "printed" in capsys.readouterr().out
