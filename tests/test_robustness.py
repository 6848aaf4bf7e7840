"""Bad inputs give a JL000 finding or a clean skip, never a traceback; a crash in one rule
is named and the run goes on; --fix keeps bytes it must not touch and survives signals;
and linting never runs the code it reads."""

from __future__ import annotations

import builtins
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver import engine
from jaxlint.rules.jl001_inplace_update import InplaceUpdate
from jaxlint.run import check
from jaxlint.run.check import CheckOptions, lint_paths, run_check

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f(i):
        x = jnp.zeros(3)
        x[i] = 1.0
        return x
    """)
FIXED_LINE = "    x = x.at[i].set(1.0)"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaxlint", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def json_findings(*args: str, cwd: Path) -> tuple[int, list[dict[str, object]], str]:
    done = cli(*args, "--format", "json", cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout or "[]"), done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"import jax\nx = '\xff\xfe'\n", "decode"),
        (b"import jax\nx = 1\x00\n", "null bytes"),
        (b"# -*- coding: latin-1 -*-\nimport jax\nname = '\xe9'\ndef f(:\n", "SyntaxError"),
    ],
)
def test_undecodable_or_invalid_bytes_are_jl000(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.py").write_bytes(content)
    (tmp_path / "good.py").write_text(BAD)
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert code == 1
    by_file = {(f["path"], f["code"]) for f in findings}
    assert by_file == {("bad.py", "JL000"), ("good.py", "JL001")}
    (bad,) = [f for f in findings if f["path"] == "bad.py"]
    assert message in str(bad["message"])


def test_bom_and_crlf_are_linted_and_kept_by_fix(tmp_path: Path) -> None:
    path = tmp_path / "crlf.py"
    original = b"\xef\xbb\xbf" + BAD.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    os.chmod(path, 0o751)
    code, findings, _ = json_findings("crlf.py", cwd=tmp_path)
    assert (code, [(f["line"], f["code"]) for f in findings]) == (1, [(6, "JL001")])

    done = cli("crlf.py", "--fix", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    assert data.count(b"\r\n") == data.count(b"\n") == original.count(b"\n")
    assert (FIXED_LINE + "\r\n").encode() in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    cst.parse_module(data)


def test_fix_keeps_a_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    text = "# -*- coding: latin-1 -*-\n" + BAD.replace("1.0", "1.0  # café")
    path.write_bytes(text.encode("latin-1"))
    done = cli("latin.py", "--fix", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = path.read_bytes()
    assert "café".encode("latin-1") in data and "café".encode() not in data
    assert FIXED_LINE in data.decode("latin-1")


def test_empty_file_is_clean(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_bytes(b"\n\n   \n")
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert (code, findings) == (0, [])


def test_a_module_level_global_statement_is_linted(tmp_path: Path) -> None:
    # CPython accepts `global depth` at module level; name lookup looped on it forever
    # (found in maxdiffusion's pedagogical examples).
    source = "import jax.numpy as jnp\nglobal depth\ndepth = 64\nx = jnp.zeros((depth,))\n"
    (tmp_path / "script.py").write_text(source)
    code, findings, _ = json_findings(".", "--select", "ALL", cwd=tmp_path)
    assert (code, findings) == (0, [])


def test_python_newer_than_the_interpreter_is_linted_not_jl000(tmp_path: Path) -> None:
    # PEP 695's `type X = ...` is invalid syntax to Python 3.11's parser, valid where the
    # code runs; libcst reads it, so the file is linted (on any Python) and fixed.
    source = "import jax.numpy as jnp\ntype Alias = int\nx = jnp.zeros(3)\nx[0] = 1.0\n"
    (tmp_path / "new.py").write_text(source)
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert (code, [(f["code"], f["line"]) for f in findings]) == (1, [("JL001", 4)])
    fixed = cli("--fix", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "x = x.at[0].set(1.0)" in (tmp_path / "new.py").read_text()


def test_generic_functions_of_newer_python_are_linted_not_jl000(tmp_path: Path) -> None:
    # Python 3.11 says "expected '('" of PEP 695's `def f[T](...)`, valid on 3.12 (found in
    # jaqmc); a real `def f x:` gets the same message and stays a JL000.
    source = "import jax.numpy as jnp\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n"
    source += "x = jnp.zeros(3)\nx[0] = 1.0\n"
    (tmp_path / "generic.py").write_text(source)
    (tmp_path / "broken.py").write_text("import jax\ndef f x:\n    pass\n")
    code, findings, _ = json_findings(".", cwd=tmp_path)
    found = sorted((f["path"], f["code"], f["line"]) for f in findings)
    assert (code, found) == (1, [("broken.py", "JL000", 2), ("generic.py", "JL001", 5)])


def test_five_megabyte_generated_file(tmp_path: Path) -> None:
    # Shaped like generated code (a protobuf module): a huge serialized blob, then code.
    blob = "".join(f"\\x{n % 256:02x}" for n in range(5 * 1024 * 1024 // 4))
    source = f"import jax.numpy as jnp\n\nDESCRIPTOR = b'{blob}'\n\n\n" + BAD.split("\n", 2)[2]
    path = tmp_path / "generated_pb2.py"
    path.write_text(source)
    assert path.stat().st_size > 5 * 1024 * 1024
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert (code, [(f["line"], f["code"]) for f in findings]) == (1, [(9, "JL001")])


def test_deep_nesting_is_jl000_and_long_chains_lint(tmp_path: Path) -> None:
    # libcst's parser overflows its stack on thousands of nested brackets; CPython refuses
    # more than 200, so this is a syntax error, not a crash.
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    # Valid, and deeper than Python's default recursion limit once parsed.
    (tmp_path / "chain.py").write_text(
        BAD + "\n\ndef g(a):\n    return " + " + ".join(["a"] * 1500) + "\n"
    )
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["code"]) for f in findings] == [
        ("chain.py", "JL001"),
        ("deep.py", "JL000"),
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_are_skipped_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(BAD)
    os.symlink("..", tmp_path / "pkg" / "up")  # a folder loop
    os.symlink("self.py", tmp_path / "pkg" / "self.py")  # a file loop
    code, findings, err = json_findings(".", cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["code"]) for f in findings] == [("pkg/mod.py", "JL001")]
    assert "pkg/self.py: skipped (Too many levels of symbolic links)" in err

    given = cli("pkg/self.py", cwd=tmp_path)
    assert given.returncode == 1 and "Traceback" not in given.stderr
    assert "pkg/self.py:1:1: JL000" in given.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_device_named_explicitly_is_jl000_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")  # reading it would wait for a writer forever
    os.symlink(os.devnull if os.name == "nt" else "/dev/zero", tmp_path / "zero.py")
    (tmp_path / "mod.py").write_text(BAD)
    given = subprocess.run(
        [sys.executable, "-m", "jaxlint", "--no-cache", "pipe.py", "zero.py", "mod.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert given.returncode == 1 and "Traceback" not in given.stderr
    assert "pipe.py:1:1: JL000 cannot read file: not a regular file" in given.stdout
    assert "zero.py:1:1: JL000 cannot read file: not a regular file" in given.stdout
    assert "mod.py:6:5: JL001" in given.stdout


def test_cr_only_line_endings_keep_a_later_import_in_sight(tmp_path: Path) -> None:
    # Old Mac line endings: Python counts each lone \r as a line break, so `import jax`
    # on line 2 is an import, and the file is linted like its \n twin.
    (tmp_path / "cr.py").write_bytes(("x = 1\n" + BAD).replace("\n", "\r").encode())
    code, findings, _ = json_findings("cr.py", cwd=tmp_path)
    assert (code, [(f["line"], f["code"]) for f in findings]) == (1, [(7, "JL001")])


def test_a_long_run_of_blank_lines_still_finds_the_import_after_it(tmp_path: Path) -> None:
    # The JAX hint once backtracked over every blank line from every line start
    # (32,000 blank lines: 8 s); this is the same file, checked for its finding.
    (tmp_path / "blank.py").write_text("\n" * 32_000 + BAD)
    code, findings, _ = json_findings("blank.py", cwd=tmp_path)
    assert (code, [f["code"] for f in findings]) == (1, ["JL001"])


def test_directory_named_like_a_module(tmp_path: Path) -> None:
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_text(BAD)
    code, findings, _ = json_findings(".", cwd=tmp_path)
    assert (code, [f["path"] for f in findings]) == (1, ["x.py/inner.py"])
    code, findings, _ = json_findings("x.py", cwd=tmp_path)
    assert (code, [f["path"] for f in findings]) == (1, ["x.py/inner.py"])


def test_unreadable_file_is_jl000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(BAD)
    (tmp_path / "other.py").write_text(BAD)
    os.chmod(locked, 0)
    if os.access(locked, os.R_OK):  # root reads anything: make the read fail instead
        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(file).endswith("locked.py"):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        real_os_open = os.open

        def refusing_os_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(file).endswith("locked.py"):
                raise PermissionError(13, "Permission denied", str(file))
            return real_os_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)
        monkeypatch.setattr(os, "open", refusing_os_open)
    try:
        for use_cache in (False, True):
            out, err = io.StringIO(), io.StringIO()
            settings = Settings(root=str(tmp_path))
            options = CheckOptions(output_format="json", use_cache=use_cache)
            code = run_check([str(tmp_path)], settings, options, out, err)
            findings = json.loads(out.getvalue())
            assert code == 1
            assert sorted((Path(f["path"]).name, f["code"]) for f in findings) == [
                ("locked.py", "JL000"),
                ("other.py", "JL001"),
            ]
            assert "cannot read file: Permission denied" in out.getvalue()
    finally:
        os.chmod(locked, 0o644)


def test_file_vanishing_during_the_run_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(BAD)
    real_discover = check.discover

    def discover_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        files = real_discover(*args, **kwargs)
        os.unlink(tmp_path / "b.py")  # listed, then gone
        return files

    monkeypatch.setattr(check, "discover", discover_then_delete)
    out, err = io.StringIO(), io.StringIO()
    code = run_check([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions(), out, err)
    assert code == 1
    assert "b.py: skipped (it vanished during the run)" in err.getvalue()
    assert [Path(line.split(":")[0]).name for line in out.getvalue().splitlines()[:2]] == [
        "a.py",
        "c.py",
    ]


def test_a_crashing_rule_is_named_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "boom.py").write_text(BAD.replace("def f", "def boom"))
    (tmp_path / "c.py").write_text(BAD)
    real_check = InplaceUpdate.check

    def sometimes_crashing(self, model):  # type: ignore[no-untyped-def]
        if "def boom" in model.module.code:
            raise ZeroDivisionError("on purpose")
        return real_check(self, model)

    monkeypatch.setattr(InplaceUpdate, "check", sometimes_crashing)
    out, err = io.StringIO(), io.StringIO()
    code = run_check([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions(), out, err)
    assert code == 2
    assert "boom.py: internal error in JL001 (inplace-update): ZeroDivisionError" in err.getvalue()
    reported = [Path(line.split(":")[0]).name for line in out.getvalue().splitlines()[:-1]]
    assert reported == ["a.py", "c.py"]
    assert "Traceback" not in err.getvalue()


def test_a_crash_outside_the_rules_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    real_locate = engine.FileLinter.locate

    def crash_on_b(self, module, diagnostics, text=None, **options):  # type: ignore[no-untyped-def]
        if self.path.endswith("b.py"):
            raise KeyError("positions")
        return real_locate(self, module, diagnostics, text, **options)

    monkeypatch.setattr(engine.FileLinter, "locate", crash_on_b)
    run = lint_paths([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions())
    assert [Path(f.path).name for f in run.findings] == ["a.py"]
    assert len(run.errors) == 1 and "b.py: internal error: KeyError" in run.errors[0]


def _padding(n: int) -> str:
    return "".join(
        f"\n\ndef pad{k}(a, b):\n    return [a + b * {k} for _ in range(3)]\n" for k in range(n)
    )


#: ``python -m jaxlint`` with Ctrl-C raising KeyboardInterrupt, as from a terminal: a suite
#: started with SIGINT ignored (in the background, say) would pass that on to the child.
_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'jaxlint'; runpy.run_module('jaxlint', run_name='__main__')"
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_fix_leaves_no_half_written_file(
    tmp_path: Path, signum: int, jobs: str
) -> None:
    original = BAD + _padding(60)
    fixed = original.replace("    x[i] = 1.0", FIXED_LINE)
    for n in range(160):
        (tmp_path / f"m{n:03}.py").write_text(original)
    process = subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, "--no-cache", "--fix", "--jobs", jobs, "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if FIXED_LINE in (tmp_path / "m000.py").read_text():
            break  # writing has begun
        time.sleep(0.005)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], out + err
    assert "Traceback" not in err
    assert "jaxlint: " in err
    contents = [path.read_text() for path in sorted(tmp_path.glob("m*.py"))]
    assert len(contents) == 160
    assert all(text in (original, fixed) for text in contents)
    assert contents[0] == fixed and contents[-1] == original  # really stopped midway
    for text in contents:
        cst.parse_module(text)
    assert list(tmp_path.glob(".jaxlint-*")) == []


def test_linting_never_imports_or_runs_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "marker"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(payload)
    (pkg / "evil.py").write_text(payload + BAD)
    (pkg / "user.py").write_text("import jax\nfrom pkg import evil\nfrom . import evil as e\n")
    (tmp_path / "conftest.py").write_text(payload)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\ntraced-decorators = ["pkg.evil.decorate"]\n'
    )
    # In-process, with eval/exec and the import machinery watched. jaxlint imports parts
    # of itself, and of the standard library, on first use (dataclasses and namedtuples
    # exec their generated methods): only code run in another namespace counts.
    calls: list[str] = []
    real_import = builtins.__import__
    real_exec = builtins.exec

    def watched_import(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.split(".")[0] in ("pkg", "evil", "conftest", "user"):
            calls.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    def ours(namespace: object) -> bool:
        name = namespace.get("__name__", "") if isinstance(namespace, dict) else ""
        top = str(name).split(".")[0]
        return top in ("jaxlint", "_pytest") or top in sys.stdlib_module_names

    def forbidden(what: str):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if what == "exec" and len(args) > 1 and ours(args[1]):
                return real_exec(*args, **kwargs)
            calls.append(what)
            raise AssertionError(f"{what} called while linting")

        return call

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "__import__", watched_import)
        patch.setattr(builtins, "eval", forbidden("eval"))
        patch.setattr(builtins, "exec", forbidden("exec"))
        patch.syspath_prepend(str(tmp_path))
        run = lint_paths([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions(fix=True))
    assert calls == [] and not marker.exists()
    assert run.fixed == 1

    # And as a command, in worker processes, fixing.
    (pkg / "evil.py").write_text(payload + BAD)
    for args in ([], ["--fix", "--unsafe-fixes"], ["--jobs", "2"]):
        done = cli(".", *args, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        assert not marker.exists(), args


def _interrupt_at(delay: float, cwd: Path, args: list[str]) -> tuple[int, str]:
    """Start ``jaxlint ARGS`` as its console script does, with Ctrl-C working, and press
    Ctrl-C ``delay`` seconds after its entry point is called: to the whole process group,
    as a terminal does. (Before that, Ctrl-C stops Python's own start-up, with Python's
    own messages: the console script's two lines, a few milliseconds, are all jaxlint
    adds to that.)"""
    ready, started = os.pipe()
    script = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        f"sys.argv = ['jaxlint', *{args!r}]; "
        f"from jaxlint.__main__ import run; os.write({started}, b'.'); run()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        pass_fds=(started,),
    )
    os.close(started)
    os.read(ready, 1)
    os.close(ready)
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGINT)
    except ProcessLookupError:
        pass  # already done
    _, err = process.communicate(timeout=120)
    return process.returncode, err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path: Path) -> None:
    for n in range(40):
        (tmp_path / f"m{n:02}.py").write_text(BAD + _padding(40))
    interrupted = 0
    # From the first imports to the workers' results: each moment is one line, exit 130.
    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.5, 0.8, 1.2):
        code, err = _interrupt_at(delay, tmp_path, ["--no-cache", "--jobs", "2", "."])
        assert "Traceback" not in err, (delay, err)
        if code == 130:
            interrupted += 1
            assert len(err.splitlines()) == 1 and err.startswith("jaxlint: interrupted"), err
        elif code == -signal.SIGINT:  # before Python itself handles it: the shell says 130
            assert err == "", (delay, err)
        else:  # finished before the signal, or before Ctrl-C was restored
            assert code == 1, (delay, code, err)
    assert interrupted >= 3
