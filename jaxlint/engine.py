"""Lint one source or many files: parse once, model once, run the enabled rules."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import sys
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint import prefilter
from jaxlint.config import Settings
from jaxlint.findings import Diagnostic, Finding, Fix
from jaxlint.model import SemanticModel, build_model
from jaxlint.positions import node_spans
from jaxlint.rules import RULES_BY_CODE, Rule, rules_for

SKIP_FILE = re.compile(r"#\s*jaxlint:\s*skip-file", re.IGNORECASE)
NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
# A file worth modelling imports from the JAX ecosystem, imports relatively (a project
# module may), or already calls ``.at[...]`` on something.
_JAX_HINT = re.compile(
    r"^\s*(?:from|import)\s+(?:\.|(?:" + "|".join(jf.JAX_ECOSYSTEM) + r")\b)|\.at\[",
    re.MULTILINE,
)
MAX_FIX_PASSES = 10


class InternalError(Exception):
    """A rule crashed on a file: reported with the file and rule named, exit code 2."""


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed_source: bytes | None = None  # the new content when fixes were applied
    original_source: bytes | None = None
    fixes_applied: int = 0
    errors: list[str] = field(default_factory=list)  # internal errors (exit 2)
    warnings: list[str] = field(default_factory=list)  # skipped files, refused fixes


@dataclass(frozen=True)
class FunctionSummary:
    """A function as the static engine sees it, for ``jaxlint verify``."""

    qualname: str
    line: int
    traced: bool
    codes: tuple[str, ...]


def parse_error_finding(path: str, error: Exception) -> Finding:
    """JL000 from a libcst or Python syntax error, or a decoding error."""
    line, column = 1, 1
    if isinstance(error, cst.ParserSyntaxError):
        line, column = error.raw_line, error.raw_column + 1
        message = error.message
    elif isinstance(error, SyntaxError):
        line, column = error.lineno or 1, (error.offset or 1)
        message = error.msg
    elif isinstance(error, ValueError) and "null bytes" in str(error):
        message = "source code cannot contain null bytes"
    elif isinstance(error, UnicodeDecodeError):
        message = f"cannot decode file: {error.reason} at byte {error.start}"
    else:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Finding(
        path, line, column, line, column, "JL000", "syntax-error", f"SyntaxError: {message}"
    )


def python_syntax_error(source: bytes) -> Exception | None:
    """Python's own verdict (compile only, never run), for clearer messages and positions."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are not ours to print
            compile(source, "<jaxlint>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        return error
    except (MemoryError, RecursionError):
        return None
    return None


# Every byte but the brackets, for ``bytes.translate`` to delete at C speed.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"([{)]}")
_OPENERS = frozenset(b"([{")
#: CPython refuses more nested brackets than this; libcst's parser overflows its stack
#: (a segfault) a little beyond, so such files go to CPython's parser first.
MAX_NESTING = 200


def _nesting_depth_exceeds(source: bytes, limit: int) -> bool:
    brackets = source.translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:
        return False
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def parse(source: bytes) -> cst.Module:
    """Parse bytes as libcst does (PEP 263 cookie, BOM), never returning half a tree."""
    if b"\x00" in source:
        raise SyntaxError("source code cannot contain null bytes")
    if _nesting_depth_exceeds(source, MAX_NESTING):
        # Brackets in strings and comments count too: only CPython's verdict decides.
        error = python_syntax_error(source)
        if error is not None:
            raise error
    return cst.parse_module(source)


#: Long operator chains (``a + b + ...`` with thousands of terms, as generated code has)
#: nest as deep in the tree; walking them needs more than Python's default 1000 frames.
RECURSION_LIMIT = 20_000


@contextlib.contextmanager
def deep_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@functools.lru_cache(maxsize=8)
def _project_import_hint(root: str) -> re.Pattern[str] | None:
    """Imports of the project's own top-level modules (at the root, or under ``src/``):
    such a module may bring JAX in, so a file importing one is worth modelling."""
    names: set[str] = set()
    for folder in (root, os.path.join(root, "src")):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name.removesuffix(".py")
            if name.isidentifier() and (
                entry.name.endswith(".py")
                or os.path.isfile(os.path.join(entry.path, "__init__.py"))
            ):
                names.add(name)
    names.difference_update(jf.JAX_ECOSYSTEM)
    if not names:
        return None
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"^\s*(?:from|import)\s+(?:{alternatives})\b", re.MULTILINE)


def looks_like_jax(text: str, settings: Settings) -> bool:
    """Whether a file may hold anything a rule can flag: every rule needs JAX in sight
    (an import from the ecosystem or from the project, or a configured decorator)."""
    if settings.traced_decorators or _JAX_HINT.search(text) is not None:
        return True
    project = _project_import_hint(os.path.abspath(settings.root))
    return project is not None and project.search(text) is not None


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def, override]
        return self.replacements.get(id(original_node), updated_node)


class FileLinter:
    """Lints one file's source with one configuration."""

    def __init__(
        self, path: str, settings: Settings, external_traced: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.settings = settings
        # functions of this file that other linted files trace (see jaxlint.project)
        self.external_traced = external_traced
        self.codes = settings.codes_for(path)
        self.rules: list[Rule] = rules_for(self.codes)

    def wants_model(self, text: str) -> bool:
        """Whether any enabled rule may report on this file (rules may opt out of the
        JAX pre-filter with ``needs_model = False``)."""
        if not self.rules:
            return False
        if self.external_traced or any(
            not getattr(rule, "needs_model", True) for rule in self.rules
        ):
            return True  # traced from another file: JAX need not be imported here
        return looks_like_jax(text, self.settings)

    def may_report(self, source: bytes, text: str) -> bool:
        """False only when the file parses (CPython's parser: no JL000) and no enabled
        rule can report on it, so that it needs no libcst tree (see jaxlint.prefilter)."""
        decorators = self.settings.traced_decorators
        known = prefilter.remembered(source, decorators)  # the project index's verdict
        tree = None
        if known is None:
            tree = prefilter.python_tree(source)
            if tree is None:
                return True  # the full path reports JL000, or why libcst cannot parse it
        if not self.wants_model(text):
            return False
        if self.external_traced or not prefilter.ENABLED:
            return True
        if tree is not None:
            known = prefilter.reportable_codes(tree, decorators)
        assert known is not None
        return prefilter.could_report(known, self.codes)

    def diagnose(
        self, module: cst.Module, text: str | None = None
    ) -> tuple[SemanticModel | None, list[Diagnostic]]:
        # ``module.code`` regenerates the whole source (as costly as half a parse), so the
        # caller passes the text it already has.
        if not self.wants_model(module.code if text is None else text):
            return None, []
        try:
            model = build_model(module, self.settings.traced_decorators, self.external_traced)
        except Exception as error:  # noqa: BLE001 - reported as an internal error, exit 2
            raise InternalError(
                f"{self.path}: internal error in the semantic model: "
                f"{type(error).__name__}: {error}"
            ) from error
        diagnostics: list[Diagnostic] = []
        for rule in self.rules:
            try:
                diagnostics.extend(rule.check(model))
            except Exception as error:  # noqa: BLE001 - one rule must not sink the run
                raise InternalError(
                    f"{self.path}: internal error in {rule.code} ({rule.name}): "
                    f"{type(error).__name__}: {error}"
                ) from error
        return model, diagnostics

    def locate(
        self, module: cst.Module, diagnostics: Sequence[Diagnostic], text: str | None = None
    ) -> list[tuple[Finding, Diagnostic]]:
        """Positions for the reported nodes only, then ``# noqa`` filtering."""
        if not diagnostics:
            return []
        spans = node_spans(module, (diagnostic.node for diagnostic in diagnostics))
        # The source text, for ``# noqa``; regenerating it from the tree costs a codegen.
        lines = (module.code if text is None else text).splitlines()
        located: list[tuple[Finding, Diagnostic]] = []
        for diagnostic in diagnostics:
            where = spans[id(diagnostic.node)]
            finding = Finding(
                self.path,
                where.start_line,
                where.start_column + 1,
                where.end_line,
                where.end_column + 1,
                diagnostic.code,
                RULES_BY_CODE[diagnostic.code].name,
                diagnostic.message,
                ("safe" if diagnostic.fix.safe else "unsafe") if diagnostic.fix else "",
            )
            if not _suppressed(lines, finding):
                located.append((finding, diagnostic))
        return located

    def lint(self, source: bytes, *, fix: bool = False, unsafe_fixes: bool = False) -> FileResult:
        with deep_recursion():
            return self._lint(source, fix, unsafe_fixes)

    def _lint(self, source: bytes, fix: bool, unsafe_fixes: bool) -> FileResult:
        result = FileResult(self.path, original_source=source)
        try:
            # Without the BOM, or ``^import jax`` would not match on the first line.
            text_hint = source.decode("utf-8-sig", errors="replace")
        except Exception:  # pragma: no cover - errors="replace" cannot fail
            text_hint = ""
        if SKIP_FILE.search(text_hint):
            return result
        if not self.may_report(source, text_hint):
            # No rule can report here and it parses: JL000 is all there was to check.
            return result
        try:
            module = parse(source)
        except Exception as error:  # noqa: BLE001 - any parse failure is a finding
            python_error = python_syntax_error(source)
            if python_error is None and not isinstance(error, UnicodeDecodeError):
                # Valid for this Python, but beyond libcst's grammar: skip, don't cry wolf.
                result.warnings.append(f"{self.path}: skipped (libcst cannot parse it: {error})")
            elif "JL000" in self.codes:
                result.findings.append(parse_error_finding(self.path, python_error or error))
            return result
        try:
            model, located = self._lint_module(module, text_hint)
            if fix:
                module, located, applied = self._fix(module, located, unsafe_fixes, result)
                if applied:
                    result.fixes_applied = applied
                    result.fixed_source = module.bytes
        except InternalError as error:
            result.errors.append(str(error))
            return result
        result.findings = sorted(finding for finding, _ in located)
        return result

    def _lint_module(
        self, module: cst.Module, text: str | None = None
    ) -> tuple[SemanticModel | None, list[tuple[Finding, Diagnostic]]]:
        model, diagnostics = self.diagnose(module, text)
        return model, self.locate(module, diagnostics, text)

    def _fix(
        self,
        module: cst.Module,
        located: list[tuple[Finding, Diagnostic]],
        unsafe_fixes: bool,
        result: FileResult,
    ) -> tuple[cst.Module, list[tuple[Finding, Diagnostic]], int]:
        applied = 0
        for _ in range(MAX_FIX_PASSES):
            fixes = [
                diagnostic.fix
                for finding, diagnostic in located
                if diagnostic.fix is not None and finding.fixable(unsafe_fixes)
            ]
            if not fixes:
                break
            candidate = apply_fixes(module, fixes)
            try:
                reparsed = parse(candidate.bytes)
            except Exception as error:  # noqa: BLE001 - refuse, never write broken code
                result.warnings.append(
                    f"{self.path}: a fix was not applied because the result would not parse "
                    f"({type(error).__name__}); please report this"
                )
                break
            applied += len(fixes)
            module = reparsed
            _, located = self._lint_module(
                module, candidate.bytes.decode("utf-8", errors="replace")
            )
        return module, located, applied


def apply_fixes(module: cst.Module, fixes: Iterable[Fix]) -> cst.Module:
    replacements: dict[int, cst.CSTNode] = {}
    for fix in fixes:
        for old, new in fix.replacements:
            replacements.setdefault(id(old), new)
    return module.visit(_Replacer(replacements))  # type: ignore[return-value]


def _suppressed(lines: list[str], finding: Finding) -> bool:
    for line_number in {finding.line, finding.end_line}:
        if 0 < line_number <= len(lines):
            match = NOQA.search(lines[line_number - 1])
            if match is None:
                continue
            codes = match.group("codes")
            if codes is None:
                return True
            if finding.code in {code.strip().upper() for code in codes.split(",")}:
                return True
    return False


def lint_source(
    source: bytes | str,
    path: str = "<string>",
    settings: Settings | None = None,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
) -> FileResult:
    """Lint one source text. ``--fix`` results are in ``fixed_source``; nothing is written."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return FileLinter(path, settings or Settings()).lint(data, fix=fix, unsafe_fixes=unsafe_fixes)


def read_source(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def lint_file(
    path: str,
    settings: Settings,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    external_traced: Mapping[str, str] | None = None,
) -> FileResult:
    """Lint a file on disk; an unreadable file is a JL000 finding."""
    try:
        source = read_source(path)
    except FileNotFoundError:
        # Listed, then gone (deleted or renamed while we ran): nothing left to check.
        return FileResult(path, warnings=[f"{path}: skipped (it vanished during the run)"])
    except OSError as error:
        result = FileResult(path)
        if "JL000" in settings.codes_for(path):
            message = f"cannot read file: {error.strerror or error}"
            result.findings.append(Finding(path, 1, 1, 1, 1, "JL000", "syntax-error", message))
        return result
    linter = FileLinter(path, settings, external_traced)
    return linter.lint(source, fix=fix, unsafe_fixes=unsafe_fixes)


_DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, so an interrupt never lands between
    creating a temporary file and renaming it (where it would leave one behind)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, keeping its permissions."""
    directory = os.path.dirname(os.path.abspath(path))
    with signals_deferred():
        mode = os.stat(path).st_mode & 0o7777
        # The name is chosen before the file exists, so that a Ctrl-C whose Python handler
        # was already pending when the signals were blocked still finds it to remove.
        temporary = os.path.join(directory, f".jaxlint-{os.getpid()}-{uuid.uuid4().hex}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def function_summaries(path: str, settings: Settings | None = None) -> list[FunctionSummary]:
    """Every function in ``path`` with whether it is traced and the codes found in it."""
    settings = settings or Settings()
    try:
        module = parse(read_source(path))
    except Exception:  # noqa: BLE001 - unparsable files have no functions to verify
        return []
    linter = FileLinter(path, settings)
    model = build_model(module, settings.traced_decorators)
    diagnostics: list[Diagnostic] = []
    for rule in linter.rules:
        diagnostics.extend(rule.check(model))
    located = linter.locate(module, diagnostics)
    functions = [
        function
        for function in model.functions
        if function.kind == "function" and "<locals>" not in function.qualname
    ]
    spans = node_spans(module, (function.node for function in functions))
    summaries = []
    for function in functions:
        where = spans[id(function.node)]
        start, end = where.start_line, where.end_line
        codes = sorted({f.code for f, _ in located if start <= f.line <= end})
        summaries.append(FunctionSummary(function.qualname, start, function.traced, tuple(codes)))
    return summaries
