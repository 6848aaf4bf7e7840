"""Mutated real files: one token deleted or duplicated, many times over. Whatever comes
out, linting and fixing it never fails inside jaxlint, and a mutant CPython compiles is
never called a syntax error (JL000).

Generated programs (tests/test_fuzz.py) are valid and small; these are the near-misses
of real code an editor sends while someone types. The sources are the fixtures
(``JAXLINT_MUTATION_SOURCES``: any folder of ``.py`` files, e.g. the corpus), the count
``JAXLINT_MUTATION_PROGRAMS`` (default 300, what CI runs); ``benchmarks/mutation_fuzz.py``
is the long run.
"""

from __future__ import annotations

import io
import os
import random
import tokenize
import warnings
from pathlib import Path

import pytest

from jaxlint.driver.engine import lint_python_source

from conftest import ROOT

PROGRAMS = int(os.environ.get("JAXLINT_MUTATION_PROGRAMS", "300"))
SOURCES = Path(os.environ.get("JAXLINT_MUTATION_SOURCES", ROOT / "fixtures"))
#: Larger files cost more per program than they add in kinds of mutant.
MAX_SOURCE_BYTES = 64 * 1024
SEED = 23


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each token with text (comments and strings included)."""
    offsets = _line_offsets(text)
    spans: list[tuple[int, int]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT) or token.start == token.end:
                continue
            start = offsets[token.start[0] - 1] + token.start[1]
            end = offsets[token.end[0] - 1] + token.end[1]
            spans.append((start, end))
    except (tokenize.TokenError, SyntaxError):
        pass  # a source that does not tokenize to the end: mutate what did
    return spans


def mutants(count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """``count`` (name, source) pairs: a source file with one token deleted or doubled.
    Files are read and tokenized when first drawn (a corpus has thousands)."""
    files = sorted(
        path
        for path in SOURCES.rglob("*.py")
        if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES
    )
    read: dict[Path, tuple[str, list[tuple[int, int]]]] = {}
    generator = random.Random(seed)
    made: list[tuple[str, str]] = []
    while files and len(made) < count:
        path = generator.choice(files)
        if path not in read:
            text = path.read_text("utf-8", "replace")
            read[path] = (text, token_spans(text))
        text, spans = read[path]
        if not spans:
            continue
        start, end = generator.choice(spans)
        name = f"{path.relative_to(SOURCES)}: token {start}-{end}"
        if generator.random() < 0.5:
            made.append((f"{name} deleted", text[:start] + text[end:]))
        else:
            made.append((f"{name} doubled", text[:end] + text[start:]))
    return made


def python_compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<mutant>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def failure(source: str) -> str | None:
    """What went wrong inside jaxlint on ``source``, or None."""
    try:
        result = lint_python_source(source, "mutant.py", fix=True, unsafe_fixes=True)
    except Exception as error:  # noqa: BLE001 - the very thing this test looks for
        return f"raised {type(error).__name__}: {error}"
    if result.errors:
        return f"internal error: {result.errors}"
    if python_compiles(source):
        wrong = [finding for finding in result.findings if finding.code == "JL000"]
        if wrong:
            return f"JL000 on a file CPython compiles: {wrong[0].message}"
        fixed = result.fixed_source
        if fixed is not None and not python_compiles(fixed.decode("utf-8")):
            return "--fix made a file CPython compiles into one it does not"
    return None


def test_mutants_are_varied() -> None:
    made = mutants(60)
    assert len(made) == 60
    assert len({name.split(":")[0] for name, _ in made}) > 5  # many files
    kinds = {python_compiles(source) for _, source in made}
    assert kinds == {True, False}  # both broken and still-valid mutants


@pytest.mark.parametrize("chunk", range(3))
def test_mutated_files_lint_and_fix_without_internal_error(chunk: int) -> None:
    made = mutants(PROGRAMS)
    failures = [
        f"{name}: {problem}"
        for name, source in made[chunk::3]
        if (problem := failure(source)) is not None
    ]
    assert failures == []
