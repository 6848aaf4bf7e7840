"""What ``jaxlint verify`` asks of the static linter: each function of a file, whether it
is traced, and the codes found in it -- by the same :class:`FileLinter`, with the same
settings (``traced-decorators``, selection, per-file ignores, ``# noqa``) as ``check``."""

from __future__ import annotations

from dataclasses import dataclass

from jaxlint.config import Settings
from jaxlint.driver.engine import FileLinter
from jaxlint.driver.source import decoded_hint, deep_recursion, parse
from jaxlint.fsio import read_source
from jaxlint.model import ScopeKind
from jaxlint.syntax.positions import node_spans


@dataclass(frozen=True)
class StaticVerdict:
    """A function as the static engine sees it, for ``jaxlint verify``."""

    qualname: str
    line: int
    traced: bool
    codes: tuple[str, ...]


def static_verdicts(path: str, settings: Settings | None = None) -> list[StaticVerdict]:
    """Every module-level function and method in ``path``, with whether it is traced and
    the codes found in it."""
    settings = settings or Settings()
    try:
        source = read_source(path)
        module = parse(source)
    except Exception:  # noqa: BLE001 - unparsable files have no functions to verify
        return []
    with deep_recursion():
        linter = FileLinter(path, settings)
        model, located = linter.analyse(
            module, decoded_hint(source), model_always=True, fix_edits=False
        )
        if model is None:  # pragma: no cover - model_always
            return []
        functions = [
            function
            for function in model.functions
            if function.kind is ScopeKind.FUNCTION and "<locals>" not in function.qualname
        ]
        spans = node_spans(module, (function.node for function in functions))
    verdicts = []
    for function in functions:
        where = spans[id(function.node)]
        start, end = where.start_line, where.end_line
        codes = sorted({f.code for f, _ in located if start <= f.line <= end})
        traced = model.trace(function).traced
        verdicts.append(StaticVerdict(function.qualname, start, traced, tuple(codes)))
    return verdicts
