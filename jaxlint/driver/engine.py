"""Lint one source or one file: parse once, model once, run the enabled rules.

The pieces live next door: :mod:`jaxlint.driver.source` (parse guards, JL000, the JAX
pre-filter), :mod:`jaxlint.driver.suppression` (``# noqa``, skip-file), :mod:`jaxlint.driver.fixer`
(the ``--fix`` loop), :mod:`jaxlint.fsio` (reading and atomic writes) and
:mod:`jaxlint.run.static_verdicts` (what ``jaxlint verify`` asks of the linter).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from jaxlint.config import Settings
from jaxlint.driver.collector import fewer_collections
from jaxlint.driver.fixer import Located, fix_until_clean
from jaxlint.driver.results import FileResult
from jaxlint.driver.source import (
    decoded_hint,
    deep_recursion,
    looks_like_jax,
    newer_python,
    parse,
    parse_error_finding,
    unreadable_file_finding,
)
from jaxlint.driver.suppression import (
    ContinuationNoqa,
    file_noqa,
    noqa_comments,
    skips_file,
    suppressed,
)
from jaxlint.fix.edits import fix_suggestions
from jaxlint.fix.findings import Diagnostic, Finding, FixSuggestion
from jaxlint.fsio import read_source
from jaxlint.model import SemanticModel, build_model
from jaxlint.notebook import NotebookError, in_cells, is_notebook, read_notebook
from jaxlint.project import prefilter
from jaxlint.project.index import CrossModuleFacts
from jaxlint.rules import RULES_BY_CODE, Rule, RuleOptions, rules_for
from jaxlint.syntax.compiled import Refusal
from jaxlint.syntax.positions import node_spans


class InternalError(Exception):
    """A rule crashed on a file: reported with the file and rule named, exit code 2."""


@dataclass
class LocatedLint:
    """A lint as an editor needs it: the result, the tree it was read from (where the
    fixes' nodes are) and each finding with the diagnostic it came from (JL000 has none)."""

    result: FileResult
    module: cst.Module | None = None
    located: Located = field(default_factory=list)


def rule_options(settings: Settings) -> RuleOptions:
    """The rule options the configuration states, over the rules' defaults."""
    if settings.max_unrolled_iterations is None:
        return RuleOptions()
    return RuleOptions(max_unrolled_iterations=settings.max_unrolled_iterations)


class FileLinter:
    """Lints one file's source with one configuration."""

    def __init__(
        self,
        path: str,
        settings: Settings,
        external: CrossModuleFacts | None = None,
        line_names: Callable[[int], str] | None = None,
        cell_of: Callable[[int], int] | None = None,
        checkpoint: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        # called between the steps of a lint (pre-filter, parse, model, each rule,
        # positions): an editor's raises there to abandon a lint of text already replaced
        self.checkpoint = checkpoint or _carry_on
        # how messages cite a line when the linted module is not the file (a notebook),
        # and the cell a line of a notebook's module is in
        self.line_names = line_names
        self.cell_of = cell_of
        self.settings = settings
        # what other linted files trace or rebind in this one (see jaxlint.project.index)
        self.external = external
        self.codes = settings.codes_for(path)
        self.rules: list[Rule] = rules_for(self.codes, rule_options(settings))

    def wants_model(self, text: str) -> bool:
        """Whether any enabled rule may report on this file."""
        if not self.rules:
            return False
        if self.external is not None and (self.external.traced or self.external.jitted):
            return True  # traced from, or calling what is jitted in, another file: JAX need not be imported here
        return looks_like_jax(text, self.settings)

    def may_report(self, source: bytes, text: str) -> bool | Refusal:
        """False only when the file parses (CPython's parser: no JL000) and no enabled
        rule can report on it, so that it needs no libcst tree (see jaxlint.project.prefilter);
        a :class:`Refusal` when CPython refuses it or it nests too deep for libcst."""
        decorators = self.settings.traced_decorators
        known = prefilter.remembered_verdict(source, decorators)  # the project index's
        tree = None
        if known is None:
            # A notebook's joined cells are not what Jupyter compiles: parse them only.
            tree = prefilter.python_tree(source, compiles=not is_notebook(self.path))
            if isinstance(tree, Refusal):
                if newer_python(source, tree):
                    return True  # no Python tree for the pre-filter: lint it all
                return tree
        if not self.wants_model(text):
            return False
        external = self.external
        if not prefilter.ENABLED or (
            external is not None and (external.rebound or external.jitted or external.classes)
        ):
            return True
        if tree is not None:
            known = prefilter.file_verdict(tree, decorators)
        assert known is not None
        # Functions traced from other files: the rules about traced code look there only.
        traced = external.traced if external is not None else {}
        if known.needs_regions(self.rules, traced):
            if tree is None:  # the index's verdict: a CPython parse, for these few files
                tree = prefilter.python_tree(source, compiles=not is_notebook(self.path))
            if isinstance(tree, Refusal):
                return True
            known = prefilter.with_regions(known, tree)
        return known.may_report(self.rules, traced)

    def diagnose(
        self, module: cst.Module, text: str | None = None, *, model_always: bool = False
    ) -> tuple[SemanticModel | None, list[Diagnostic]]:
        """The model and the rules' diagnostics; no model when no enabled rule looks at
        the file, unless ``model_always`` (verify needs traced-ness even so)."""
        # ``module.code`` regenerates the whole source (as costly as half a parse), so the
        # caller passes the text it already has.
        if not model_always and not self.wants_model(module.code if text is None else text):
            return None, []
        self.checkpoint()
        try:
            external = self.external or CrossModuleFacts()
            model = build_model(
                module,
                self.settings.traced_decorators,
                external.traced,
                external.rebound,
                external.jitted,
                self.line_names,
                self.cell_of,
                external_classes=external.classes,
            )
        except Exception as error:  # noqa: BLE001 - reported as an internal error, exit 2
            raise InternalError(
                f"{self.path}: internal error in the semantic model: "
                f"{type(error).__name__}: {error}"
            ) from error
        diagnostics: list[Diagnostic] = []
        for rule in self.rules:
            self.checkpoint()
            try:
                diagnostics.extend(rule.check(model))
            except Exception as error:  # noqa: BLE001 - one rule must not sink the run
                raise InternalError(
                    f"{self.path}: internal error in {rule.code} ({rule.name}): "
                    f"{type(error).__name__}: {error}"
                ) from error
        return model, diagnostics

    def locate(
        self,
        module: cst.Module,
        diagnostics: Sequence[Diagnostic],
        text: str | None = None,
        *,
        fix_edits: bool = True,
    ) -> Located:
        """Positions for the reported nodes only, then ``# noqa`` filtering. With
        ``fix_edits``, each fix this run may apply comes with its edits as text (which
        costs applying it alone: the ``--fix`` loop's passes leave them out)."""
        if not diagnostics:
            return []
        self.checkpoint()
        spans = node_spans(module, (diagnostic.node for diagnostic in diagnostics))
        # The source text, for noqa comments; regenerating it from the tree costs a codegen.
        text = module.code if text is None else text
        # `--ignore-noqa` reports what every noqa comment silences (the file's as well).
        honoured = "" if self.settings.ignore_noqa else text
        noqa = noqa_comments(honoured)
        at_continuation_end = ContinuationNoqa(honoured)
        everywhere = file_noqa(honoured)
        located: Located = []
        for diagnostic in diagnostics:
            where = spans[id(diagnostic.node)]
            suggestion = None
            fix = diagnostic.fix
            if fix is not None and self.settings.can_fix(diagnostic.code):
                suggestion = FixSuggestion(fix.applicability, fix.title, ())
            finding = Finding(
                self.path,
                where.start_line,
                where.start_column + 1,
                where.end_line,
                where.end_column + 1,
                diagnostic.code,
                RULES_BY_CODE[diagnostic.code].name,
                diagnostic.message,
                suggestion,
            )
            if everywhere is not None and everywhere.silences(finding.code):
                continue
            if not suppressed(noqa, finding) and not at_continuation_end.silences(finding):
                located.append((finding, diagnostic))
        return with_fix_edits(module, located) if fix_edits else located

    def analyse(
        self,
        module: cst.Module,
        text: str | None = None,
        *,
        model_always: bool = False,
        fix_edits: bool = True,
    ) -> tuple[SemanticModel | None, Located]:
        """The model (see :meth:`diagnose`) and the findings left after ``# noqa``, each
        with the diagnostic it came from."""
        model, diagnostics = self.diagnose(module, text, model_always=model_always)
        return model, self.locate(module, diagnostics, text, fix_edits=fix_edits)

    def lint(self, source: bytes, *, fix: bool = False, unsafe_fixes: bool = False) -> FileResult:
        with deep_recursion(), fewer_collections():
            return self._lint(source, fix, unsafe_fixes)

    def lint_located(self, source: bytes, *, fix_edits: bool = True) -> LocatedLint:
        """What :meth:`lint` finds (no fixing), with the tree and each finding's
        diagnostic: an editor offers the fixes one by one, or all at once. Without
        ``fix_edits`` the fixes carry no edits yet (see :func:`with_fix_edits`): an editor
        shows the diagnostics first and computes edits when a fix is asked for."""
        with deep_recursion(), fewer_collections():
            result, module, text = self._parsed(source)
            if module is None:
                return LocatedLint(result)
            try:
                _, located = self.analyse(module, text, fix_edits=fix_edits)
            except InternalError as error:
                result.errors.append(str(error))
                return LocatedLint(result, module)
            result.findings = sorted(finding for finding, _ in located)
            return LocatedLint(result, module, located)

    def _parsed(self, source: bytes) -> tuple[FileResult, cst.Module | None, str]:
        """The steps before the rules: skip-file, the pre-filter, the parse (JL000, or a
        warning where only libcst refuses the file). No tree: nothing more to check."""
        result = FileResult(self.path, original_source=source)
        text_hint = decoded_hint(source)
        if skips_file(text_hint):
            return result, None, text_hint
        verdict = self.may_report(source, text_hint)
        if isinstance(verdict, Refusal):
            if verdict.fails:
                if "JL000" in self.codes:
                    result.findings.append(parse_error_finding(self.path, verdict.error))
            else:
                result.warnings.append(f"{self.path}: skipped ({verdict.error})")
            return result, None, text_hint
        if not verdict:
            # No rule can report here and it parses: JL000 is all there was to check.
            return result, None, text_hint
        self.checkpoint()
        try:
            # CPython accepted it above (or the project index did): only libcst is left.
            module = parse(source, checked=True)
        except UnicodeDecodeError as error:  # bytes CPython decodes and libcst does not
            if "JL000" in self.codes:
                result.findings.append(parse_error_finding(self.path, error))
            return result, None, text_hint
        except Exception as error:  # noqa: BLE001 - valid Python beyond libcst's grammar
            result.warnings.append(f"{self.path}: skipped (libcst cannot parse it: {error})")
            return result, None, text_hint
        return result, module, text_hint

    def _lint(self, source: bytes, fix: bool, unsafe_fixes: bool) -> FileResult:
        result, module, text_hint = self._parsed(source)
        if module is None:
            return result
        try:
            _, located = self.analyse(module, text_hint, fix_edits=not fix)
            if fix:
                outcome = fix_until_clean(
                    self.path,
                    module,
                    located,
                    lambda tree, text: self.analyse(tree, text, fix_edits=False)[1],
                    unsafe_fixes=unsafe_fixes,
                )
                result.warnings.extend(outcome.warnings)
                if outcome.applied:
                    result.fixes_applied = outcome.applied
                    result.fixed_source = outcome.module.bytes
                # What is left, with its fixes' edits as text of the code now written.
                located = with_fix_edits(outcome.module, outcome.located)
        except InternalError as error:
            result.errors.append(str(error))
            return result
        result.findings = sorted(finding for finding, _ in located)
        return result


def _carry_on() -> None:
    """The checkpoint of a lint that nobody abandons."""


def with_fix_edits(module: cst.Module, located: Located) -> Located:
    """``located`` with the edits of each fix it offers, as text of ``module``'s code."""
    offered = [
        index
        for index, (finding, diagnostic) in enumerate(located)
        if finding.fix is not None and diagnostic.fix is not None
    ]
    suggestions = fix_suggestions(module, [located[i][1].fix for i in offered])  # type: ignore[misc]
    edited = list(located)
    for index, suggestion in zip(offered, suggestions, strict=True):
        finding, diagnostic = edited[index]
        edited[index] = (replace(finding, fix=suggestion), diagnostic)
    return edited


def lint_python_source(
    source: bytes | str,
    path: str = "<string>",
    settings: Settings | None = None,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
) -> FileResult:
    """Lint one source text. ``--fix`` results are in ``fixed_source``; nothing is written."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return lint_bytes(path, data, settings or Settings(), fix=fix, unsafe_fixes=unsafe_fixes)


def lint_bytes(
    path: str,
    source: bytes,
    settings: Settings,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    external: CrossModuleFacts | None = None,
) -> FileResult:
    """Lint a file's bytes: a Python source, or a Jupyter notebook (by its suffix)."""
    if path.endswith(".ipynb"):
        return lint_notebook(
            path,
            source,
            settings,
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            external=external,
        )
    linter = FileLinter(path, settings, external)
    return linter.lint(source, fix=fix, unsafe_fixes=unsafe_fixes)


def lint_file(
    path: str,
    settings: Settings,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    external: CrossModuleFacts | None = None,
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
            result.findings.append(unreadable_file_finding(path, error))
        return result
    return lint_bytes(path, source, settings, fix=fix, unsafe_fixes=unsafe_fixes, external=external)


def lint_notebook(
    path: str,
    source: bytes,
    settings: Settings,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    external: CrossModuleFacts | None = None,
) -> FileResult:
    """Lint a notebook's code cells as one module; findings are placed in their cells,
    and fixes go back into the cells' sources (see :meth:`Notebook.with_module`)."""
    result = FileResult(path, original_source=source)
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        if "JL000" in settings.codes_for(path):
            result.findings.append(Finding(path, 1, 1, 1, 1, "JL000", "syntax-error", str(error)))
        return result
    if notebook is None:
        return result  # another kernel's language: nothing for a Python linter
    linter = FileLinter(path, settings, external, notebook.line_name, notebook.cell_number)
    module = notebook.module.encode("utf-8")
    if fix and not notebook.splittable:
        result.warnings.append(f"{path}: fixes not applied (a cell contains jaxlint's markers)")
        fix = False
    inner = linter.lint(module, fix=fix, unsafe_fixes=unsafe_fixes)
    if inner.fixed_source is not None:
        try:
            result.fixed_source = notebook.with_module(inner.fixed_source.decode("utf-8"))
            result.fixes_applied = inner.fixes_applied
        except NotebookError as error:
            result.warnings.append(f"{path}: fixes not applied ({error})")
            inner = linter.lint(module)
    result.errors.extend(inner.errors)
    result.warnings.extend(inner.warnings)
    result.findings = sorted(in_cells(notebook, finding) for finding in inner.findings)
    return result
