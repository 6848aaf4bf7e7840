from __future__ import annotations

import importlib.util
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.driver import engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")


def expected_marks(folder: Path) -> Counter[tuple[str, int, str]]:
    """(path relative to folder, line, code) for every `# expect: JL00N` mark."""
    marks: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(folder.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    marks[(path.relative_to(folder).as_posix(), number, code.strip())] += 1
    return marks


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` (a fixture, run for real)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raising_calls(source: str, errors: tuple[type[BaseException], ...]) -> set[str]:
    """Run ``source`` for real and call each entry of its ``CALLS`` dict (label ->
    thunk): the labels whose call raises one of ``errors``."""
    namespace: dict[str, object] = {}
    exec(compile(source, "example.py", "exec"), namespace)
    raising = set()
    for label, call in namespace["CALLS"].items():  # type: ignore[attr-defined]
        try:
            call()
        except errors:
            raising.add(label)
    return raising


def marked_functions(name: str, code: str) -> set[str]:
    """The top-level functions of fixture ``name`` whose body holds a mark for ``code``."""
    lines = (FIXTURES / name).read_text().splitlines()
    marked = {
        line for (path, line, mark) in expected_marks(FIXTURES) if path == name and mark == code
    }
    found: set[str] = set()
    current = None
    for number, text in enumerate(lines, 1):
        if text.startswith("def "):
            current = text[4:].split("(")[0]
        elif text and not text.startswith((" ", "#", "@", ")")):
            current = None
        if number in marked and current is not None:
            found.add(current)
    return found


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _user_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Runs without a project root cache in the user cache directory: keep it out of $HOME."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture(autouse=True)
def _no_colour_settings_from_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output is compared as text: a NO_COLOR or FORCE_COLOR in the caller's
    environment (CI often sets FORCE_COLOR) must not change it."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def invoke_cli(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    """``jaxlint ARGS`` in ``cwd``, in this process: exit code, stdout, stderr."""
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def libcst_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """The sources the engine hands to libcst in this process."""
    seen: list[bytes] = []
    parse = engine.parse

    def counted(source: bytes, *, checked: bool = False):  # type: ignore[no-untyped-def]
        seen.append(source)
        return parse(source, checked=checked)

    monkeypatch.setattr(engine, "parse", counted)
    yield seen
