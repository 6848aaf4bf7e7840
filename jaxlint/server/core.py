"""The editor-free half of ``jaxlint server``: lint one document's text as ``jaxlint check``
would, and answer from that lint (diagnostics, hover, fixes), with no pygls in sight.

A lint goes through the driver (:meth:`jaxlint.driver.engine.FileLinter.lint_located`:
skip-file, the pre-filter, JL000, the rules), with the file's configuration and its
project's cross-module index (:class:`ProjectIndexes`: built from the saved files, kept in
memory, never written into the workspace). Fixes' text edits are computed when a code
action first asks for them, not with the diagnostics: most lints are never asked. A lint
run in a child process (see :mod:`jaxlint.server.child`) brings back its findings only:
its tree stays there, so the first code action that needs one lints the text again here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

import libcst as cst

from jaxlint.config import ConfigError, Settings, load_settings
from jaxlint.driver.engine import FileLinter, with_fix_edits
from jaxlint.driver.fixer import Located, fix_until_clean
from jaxlint.driver.source import parse
from jaxlint.driver.suppression import comment_layout, noqa_codes, noqa_line
from jaxlint.fix.edits import TextEdit, apply_text_edits, text_edits
from jaxlint.fix.findings import Finding
from jaxlint.project.configurations import Configurations
from jaxlint.project.discovery import discover
from jaxlint.project.index import CrossModuleFacts, DecoratorsOf, ProjectIndex
from jaxlint.project.root import index_files, index_root, rooted
from jaxlint.rules import RULES_BY_CODE
from jaxlint.run.cache import ResultCache

_log = logging.getLogger(__name__)


@dataclass
class Analysis:
    """One lint of one text: what was found, on which tree (the fixes' nodes are in it)."""

    path: str
    text: str
    settings: Settings
    #: None where the engine needed no tree: skipped, ruled out, or not parsed
    module: cst.Module | None = None
    #: each finding with the diagnostic it came from (JL000 has none, so is not here);
    #: the findings' fixes carry no edits yet (see :meth:`with_edits`)
    located: Located = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: what ``check`` would print as warnings (e.g. libcst cannot parse the file)
    warnings: list[str] = field(default_factory=list)
    #: internal errors (``check`` would exit 2)
    errors: list[str] = field(default_factory=list)
    #: what other files trace or rebind in this one (from the project index)
    external: CrossModuleFacts | None = None
    #: linted in a child process: ``module`` and ``located`` are made here when first
    #: needed (see :meth:`attached`)
    detached: bool = False
    _edited: Located | None = field(default=None, repr=False)
    _fix_all: tuple[TextEdit, ...] | None = field(default=None, repr=False)
    _fix_all_known: bool = field(default=False, repr=False)
    # code actions may ask from several threads at once; each answer is computed once
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def attached(self) -> Located:
        """:attr:`located`, the text linted again here first if it was linted elsewhere."""
        with self._lock:
            return self._attach()

    def _attach(self) -> Located:
        if self.detached:
            if self.findings:  # nothing found: no tree is ever asked for
                linter = FileLinter(self.path, self.settings, self.external)
                linted = linter.lint_located(self.text.encode("utf-8"), fix_edits=False)
                self.module, self.located = linted.module, linted.located
            self.detached = False
        return self.located

    def with_edits(self) -> Located:
        """:attr:`located` with each fix's text edits (as ``--output-format json`` has them)."""
        with self._lock:
            self._attach()
            if self._edited is None:
                self._edited = (
                    with_fix_edits(self.module, self.located) if self.module is not None else []
                )
            return self._edited

    def fix_all(self) -> tuple[TextEdit, ...] | None:
        """The edits of every fix ``--fix`` would apply (unsafe ones if so configured)."""
        with self._lock:
            self._attach()
            if not self._fix_all_known:
                self._fix_all = fix_all_edits(self)
                self._fix_all_known = True
            return self._fix_all


def analyse(
    path: str,
    text: str,
    settings: Settings,
    project: ProjectIndex | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> Analysis:
    """Lint ``text`` as the file ``path``, as ``jaxlint check`` would; ``checkpoint``
    raises to abandon the lint (see :class:`FileLinter`)."""
    external = project.external(path) if project is not None else None
    linter = FileLinter(path, settings, external, checkpoint=checkpoint)
    linted = linter.lint_located(text.encode("utf-8"), fix_edits=False)
    return Analysis(
        path,
        text,
        settings,
        module=linted.module,
        located=linted.located,
        findings=linted.result.findings,
        warnings=linted.result.warnings,
        errors=linted.result.errors,
        external=external,
    )


#: A module every rule looks at, linted once when the server starts (see :func:`warm_up`).
_WARM_UP = """\
import jax
import jax.numpy as jnp


@jax.jit
def step(x, values):
    print(x)
    values[0] = 1.0
    return jnp.sin(x) + values[0]
"""


def warm_up() -> None:
    """Lint a small module with every rule and its fixes' edits, so that what lints
    import or load on first use (libcst's parser, the rules' tables) is loaded."""
    analysis = analyse("warm_up.py", _WARM_UP, Settings())
    analysis.with_edits()


def one_fix_edits(analysis: Analysis, finding: Finding) -> tuple[TextEdit, ...] | None:
    """The text edits of ``finding``'s fix alone (a finding of
    :meth:`Analysis.with_edits`); None if there is none or the result would not parse."""
    if finding.fix is None or not finding.fix.edits:
        return None
    fixed = apply_text_edits(analysis.text, finding.fix.edits)
    try:
        parse(fixed.encode("utf-8"))
    except Exception:  # noqa: BLE001 - never offer an edit that breaks the file
        return None
    return finding.fix.edits


def fix_all_edits(analysis: Analysis) -> tuple[TextEdit, ...] | None:
    """The edits of every fix ``--fix`` would apply (unsafe ones if so configured)."""
    if analysis.module is None or not analysis.located:
        return None
    outcome = fix_until_clean(
        analysis.path,
        analysis.module,
        analysis.located,
        lambda tree, text: _relint(analysis, tree, text),
        unsafe_fixes=analysis.settings.unsafe_fixes,
    )
    return text_edits(analysis.text, outcome.module.code) if outcome.applied else None


def _relint(analysis: Analysis, tree: cst.Module, text: str) -> Located:
    linter = FileLinter(analysis.path, analysis.settings, analysis.external)
    return linter.analyse(tree, text, fix_edits=False)[1]


def noqa_edit(text: str, finding: Finding) -> TextEdit | None:
    """The edit that adds ``# noqa: CODE`` for ``finding`` where ``--add-noqa`` puts it
    (see :func:`jaxlint.driver.suppression.noqa_line`), merged into a ``# noqa: ...`` already there;
    None where it is silenced already."""
    layout = comment_layout(text)
    number = noqa_line(finding, layout.targets)
    lines = text.splitlines()
    if not 0 < number <= len(lines):
        return None
    line = lines[number - 1]
    match = layout.noqa_on(line, number)
    if match is None:
        content_end = len(line.rstrip())
        return TextEdit(number, content_end + 1, number, len(line) + 1, f"  # noqa: {finding.code}")
    codes = match.group("codes")
    if codes is None or finding.code in noqa_codes(codes):
        return None  # silenced already
    start, end = match.span("codes")
    return TextEdit(number, start + 1, number, end + 1, f"{codes}, {finding.code}")


def hover_text(analysis: Analysis, line: int, column: int) -> str | None:
    """Markdown for the findings at 1-based (``line``, ``column``): each rule's summary."""
    here = (line, column)
    parts = []
    for finding in analysis.findings:
        if (finding.line, finding.column) <= here <= (finding.end_line, finding.end_column):
            rule = RULES_BY_CODE[finding.code]
            parts.append(
                f"**{rule.code} {rule.name}**: {rule.summary}\n\n{finding.message}\n\n"
                f"Full documentation: run `jaxlint rule {rule.code}` in a terminal."
            )
    return "\n\n---\n\n".join(parts) if parts else None


# ---------------------------------------------------------------- one document


@dataclass
class Outcome:
    """What linting one document gave: its analysis (None where it is not linted: not a
    file, excluded, or its configuration is broken) and what to tell the user."""

    analysis: Analysis | None
    #: a broken configuration: shown to the user
    error: str | None = None
    #: what ``check`` prints to stderr: the client's log, not a pop-up per keystroke
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """What a lint in a child process brings back: no tree, no diagnostics (their nodes)."""

    findings: list[Finding]
    warnings: list[str]
    errors: list[str]


def _found(path: str, text: str, settings: Settings, external: CrossModuleFacts | None) -> Found:
    linter = FileLinter(path, settings, external)
    result = linter.lint_located(text.encode("utf-8"), fix_edits=False).result
    return Found(result.findings, result.warnings, result.errors)


def lint_document(
    uri: str,
    path: str,
    text: str,
    indexes: ProjectIndexes,
    checkpoint: Callable[[], None] | None = None,
    isolated: Callable[[Callable[[], Found]], Found] | None = None,
) -> Outcome:
    """Lint an editor's document as ``jaxlint check --force-exclude`` would lint the file.
    With ``isolated`` (see :meth:`jaxlint.server.scheduler.LintScheduler.isolated`), the
    lint itself runs where it can be killed; the configuration and the project index are
    read here first, so that they are kept."""
    if not uri.startswith(("file:", "untitled:")):
        return Outcome(None)  # e.g. notebook cells, which are parts of one module, not modules
    on_disk = uri.startswith("file:")
    try:
        settings = load_settings(None, path) if on_disk else Settings()
    except ConfigError as error:
        return Outcome(None, error=f"jaxlint: {error}")
    if on_disk and not _wanted(path, settings):
        return Outcome(None)
    project = indexes.index_for(path, settings) if on_disk else None
    if isolated is None:
        analysis = analyse(path, text, settings, project, checkpoint)
    else:
        external = project.external(path) if project is not None else None
        found = isolated(partial(_found, path, text, settings, external))
        analysis = Analysis(
            path,
            text,
            settings,
            findings=found.findings,
            warnings=found.warnings,
            errors=found.errors,
            external=external,
            detached=True,
        )
    for error in analysis.errors:
        _log.error("%s", error)
    return Outcome(analysis, warnings=list(analysis.warnings))


def _wanted(path: str, settings: Settings) -> bool:
    """Whether ``check --force-exclude`` would lint the file (excludes, .gitignore)."""
    if not os.path.exists(path):
        return not settings.is_excluded(path)
    return bool(discover([path], replace(settings, force_exclude=True), []))


# ---------------------------------------------------------------- project indexes


@dataclass
class _Project:
    files: list[str]
    #: each module's own configuration's decorators, as ``jaxlint check`` takes them
    traced_decorators: DecoratorsOf
    #: module summaries by content key: an unchanged file is never parsed again
    summaries: dict[str, object]
    index: ProjectIndex


class ProjectIndexes:
    """The cross-module index of each project (root, configuration) the editor has files
    of, built from the saved files. Kept in memory: the server writes no cache into the
    workspace; it only reads the module summaries a ``jaxlint check`` run left there."""

    def __init__(self) -> None:
        self._projects: dict[tuple[str, str], _Project] = {}
        #: a file's folder -> the root of the project it belongs to (None: none)
        self._roots: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def index_for(self, path: str, settings: Settings) -> ProjectIndex | None:
        # Each file of the project with its nearest configuration, as `check` has it.
        start = os.path.dirname(os.path.abspath(path))
        configurations = Configurations(settings, fixed=False, start=start)
        with self._lock:
            if start not in self._roots:  # a walk up the folders, not one per keystroke
                self._roots[start] = index_root(configurations)  # as `check` indexes it
            root = self._roots[start]
            if root is None:
                return None
            key = (root, settings.cache_key())
            project = self._projects.get(key)
            if project is None:
                summaries = dict(ResultCache(rooted(settings)).index_summaries)  # read only
                files = index_files([path], configurations)
                decorators = configurations.traced_decorators
                index = ProjectIndex(files, decorators, summaries)
                project = self._projects[key] = _Project(files, decorators, summaries, index)
            return project.index

    def refresh(self, saved: str, open_paths: Iterable[str]) -> list[str]:
        """Index ``saved`` again as it is now on disk, in each project holding it (only it
        is parsed again: the others' summaries are known), and return those of
        ``open_paths`` whose cross-module facts changed."""
        saved = os.path.abspath(saved)
        changed: list[str] = []
        with self._lock:
            for (root, _), project in self._projects.items():
                if not saved.startswith(os.path.join(root, "")):
                    continue
                if saved not in map(os.path.abspath, project.files):
                    project.files.append(saved)  # a new module of the project
                before = project.index
                after = ProjectIndex(project.files, project.traced_decorators, project.summaries)
                project.index = after
                for path in open_paths:
                    if path != saved and before.external(path) != after.external(path):
                        changed.append(path)
        return changed

    def clear(self) -> None:
        with self._lock:
            self._projects.clear()
            self._roots.clear()
