"""``jaxlint server``: a language server over stdio, on pygls (the ``lsp`` extra).

Diagnostics on open, change and save, from the same engine as ``jaxlint check``
(:meth:`jaxlint.driver.engine.FileLinter.lint_located`: skip-file, the pre-filter, JL000,
the rules), with the configuration found for each file and the project's cross-module
index (built from the files as saved, rebuilt when one is saved); per finding, a quick fix
carrying the text edits of that one fix (those of ``--output-format json``) and a "disable
for this line" action; "Fix all jaxlint problems" (what ``--fix`` would write); hover with
the rule's summary. What ``check`` would warn about (a file libcst cannot parse) goes to the
client's log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from jaxlint._version import __version__
from jaxlint.config import ConfigError, Settings, load_settings
from jaxlint.driver.engine import FileLinter
from jaxlint.driver.fixer import Located, fix_until_clean
from jaxlint.driver.source import parse
from jaxlint.driver.suppression import comment_layout, noqa_codes, noqa_line
from jaxlint.fix.edits import TextEdit, apply_text_edits, text_edits
from jaxlint.fix.findings import Diagnostic, Finding
from jaxlint.project.discovery import discover
from jaxlint.project.index import CrossModuleFacts, ProjectIndex
from jaxlint.project.root import project_index, project_root, rooted
from jaxlint.rules import RULES_BY_CODE
from jaxlint.run.cache import ResultCache

SOURCE = "jaxlint"
FIX_ALL_TITLE = "Fix all jaxlint problems"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.jaxlint"
_log = logging.getLogger(__name__)


# ---------------------------------------------------------------- editor-free core


@dataclass
class Analysis:
    """One lint of one text: what was found, on which tree (the fixes' nodes are in it)."""

    path: str
    text: str
    settings: Settings
    #: None where the engine needed no tree: skipped, ruled out, or not parsed
    module: cst.Module | None = None
    #: each finding with the diagnostic it came from (JL000 has none, so is not here)
    located: Located = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: what ``check`` would print as warnings (e.g. libcst cannot parse the file)
    warnings: list[str] = field(default_factory=list)
    #: what other files trace or rebind in this one (from the project index)
    external: CrossModuleFacts | None = None


def analyse(
    path: str, text: str, settings: Settings, project: ProjectIndex | None = None
) -> Analysis:
    """Lint ``text`` as the file ``path``, as ``jaxlint check`` would."""
    external = project.external(path) if project is not None else None
    linted = FileLinter(path, settings, external).lint_located(text.encode("utf-8"))
    for error in linted.result.errors:
        _log.error("%s", error)
    return Analysis(
        path,
        text,
        settings,
        module=linted.module,
        located=linted.located,
        findings=linted.result.findings,
        warnings=linted.result.warnings,
        external=external,
    )


def one_fix_edits(analysis: Analysis, finding: Finding) -> tuple[TextEdit, ...] | None:
    """The text edits of ``finding``'s fix alone; None if the result would not parse."""
    if finding.fix is None:
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


# ---------------------------------------------------------------- the server


def _kind(kind: types.CodeActionKind | str | None) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else str(kind or "")


class JaxlintLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("jaxlint", __version__)
        #: The cross-module index per (project root, configuration), from saved files.
        self.indexes: dict[tuple[str, str], ProjectIndex] = {}
        self.analyses: dict[str, tuple[int | None, Analysis]] = {}

    # --------------------------------------------------------- linting

    def settings_for(self, document: TextDocument) -> Settings | None:
        if not document.uri.startswith("file:"):
            return Settings()
        try:
            return load_settings(None, document.path)
        except ConfigError as error:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"jaxlint: {error}")
            )
            return None

    def wanted(self, document: TextDocument, settings: Settings) -> bool:
        """Whether ``check --force-exclude`` would lint the file (excludes, .gitignore)."""
        if not document.uri.startswith("file:"):
            return True
        if not os.path.exists(document.path):
            return not settings.is_excluded(document.path)
        forced = replace(settings, force_exclude=True)
        return bool(discover([document.path], forced, []))

    def index_for(self, path: str, settings: Settings) -> ProjectIndex | None:
        root = project_root(settings)
        if root is None:
            return None
        key = (root, settings.cache_key())
        index = self.indexes.get(key)
        if index is None:
            cache = ResultCache(rooted(settings))
            index = project_index([path], settings, cache.index_summaries)
            cache.save()  # module summaries, for the next index and the command line
            self.indexes[key] = index
        return index

    def analysis(self, document: TextDocument) -> Analysis | None:
        """The current analysis of ``document``, linting it again if it changed."""
        known = self.analyses.get(document.uri)
        if (
            known is not None
            and known[0] == document.version
            and known[1].text == (document.source)
        ):
            return known[1]
        if not document.uri.startswith(("file:", "untitled:")):
            return None  # e.g. notebook cells, which are parts of one module, not modules
        settings = self.settings_for(document)
        if settings is None or not self.wanted(document, settings):
            self.analyses.pop(document.uri, None)
            return None
        project = (
            self.index_for(document.path, settings) if document.uri.startswith("file:") else None
        )
        result = analyse(document.path, document.source, settings, project)
        for warning in result.warnings:
            # What ``check`` prints to stderr: the client's log, not a pop-up per keystroke.
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Warning, message=warning)
            )
        self.analyses[document.uri] = (document.version, result)
        return result

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        analysis = self.analysis(document)
        diagnostics = [] if analysis is None else self.diagnostics(document, analysis)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=document.version, diagnostics=diagnostics
            )
        )

    # --------------------------------------------------------- conversions

    def diagnostics(self, document: TextDocument, analysis: Analysis) -> list[types.Diagnostic]:
        return [self.diagnostic(document, finding) for finding in analysis.findings]

    def diagnostic(self, document: TextDocument, finding: Finding) -> types.Diagnostic:
        where = types.Range(
            start=types.Position(line=finding.line - 1, character=finding.column - 1),
            end=types.Position(line=finding.end_line - 1, character=finding.end_column - 1),
        )
        return types.Diagnostic(
            range=document.range_to_client_units(where),
            message=finding.message,
            severity=types.DiagnosticSeverity.Warning,
            code=finding.code,
            source=SOURCE,
            data={"fix": finding.fix_available.value if finding.fix_available else None},
        )

    def text_edits(self, document: TextDocument, edits: Sequence[TextEdit]) -> list[types.TextEdit]:
        """jaxlint's edits (1-based, in characters) in the client's units (0-based)."""
        converted = []
        for edit in edits:
            where = types.Range(
                start=types.Position(line=edit.line - 1, character=edit.column - 1),
                end=types.Position(line=edit.end_line - 1, character=edit.end_column - 1),
            )
            converted.append(
                types.TextEdit(range=document.range_to_client_units(where), new_text=edit.content)
            )
        return converted

    def workspace_edit(
        self, document: TextDocument, edits: Sequence[TextEdit]
    ) -> types.WorkspaceEdit:
        return types.WorkspaceEdit(changes={document.uri: self.text_edits(document, edits)})

    # --------------------------------------------------------- requests

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        analysis = self.analysis(document)
        if analysis is None:
            return []
        wanted = document.range_from_client_units(params.range)
        actions: list[types.CodeAction] = []
        for finding, diagnostic in analysis.located:
            # Whole lines: a cursor anywhere on a finding's lines offers its actions.
            if finding.end_line - 1 < wanted.start.line or finding.line - 1 > wanted.end.line:
                continue
            actions.extend(self.finding_actions(document, analysis, finding, diagnostic))
        fix_all = fix_all_edits(analysis)
        if fix_all is not None:
            actions.append(
                types.CodeAction(
                    title=FIX_ALL_TITLE,
                    kind=FIX_ALL_KIND,
                    edit=self.workspace_edit(document, fix_all),
                )
            )
        only = params.context.only
        if only:
            actions = [
                action
                for action in actions
                if any(_kind(action.kind).startswith(_kind(kind)) for kind in only)
            ]
        return actions

    def finding_actions(
        self,
        document: TextDocument,
        analysis: Analysis,
        finding: Finding,
        diagnostic: Diagnostic,
    ) -> list[types.CodeAction]:
        shown = self.diagnostic(document, finding)
        actions = []
        if diagnostic.fix is not None and finding.fix_available is not None:
            edits = one_fix_edits(analysis, finding)
            if edits is not None:
                safety = finding.fix_available.value
                actions.append(
                    types.CodeAction(
                        title=f"Fix {finding.code}: {diagnostic.fix.title} ({safety} fix)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[shown],
                        is_preferred=finding.fixable(),
                        edit=self.workspace_edit(document, edits),
                    )
                )
        noqa = noqa_edit(analysis.text, finding)
        if noqa is not None:
            actions.append(
                types.CodeAction(
                    title=f"Disable {finding.code} for this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    edit=self.workspace_edit(document, [noqa]),
                )
            )
        return actions

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        document = self.workspace.get_text_document(params.text_document.uri)
        analysis = self.analysis(document)
        if analysis is None:
            return None
        at = document.position_from_client_units(params.position)
        here = (at.line + 1, at.character + 1)
        parts = []
        for finding in analysis.findings:
            if (finding.line, finding.column) <= here <= (finding.end_line, finding.end_column):
                rule = RULES_BY_CODE[finding.code]
                parts.append(
                    f"**{rule.code} {rule.name}**: {rule.summary}\n\n{finding.message}\n\n"
                    f"Full documentation: run `jaxlint rule {rule.code}` in a terminal."
                )
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
            )
        )

    def saved(self, uri: str) -> None:
        """A saved file may change what other files' functions are traced by."""
        self.indexes.clear()
        self.analyses.clear()
        for open_uri in list(self.workspace.text_documents):
            self.publish(open_uri)


def build_server() -> JaxlintLanguageServer:
    server = JaxlintLanguageServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: JaxlintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: JaxlintLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: JaxlintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: JaxlintLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.analyses.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(
        ls: JaxlintLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: JaxlintLanguageServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params)

    return server


def serve() -> None:
    """Run the server on stdin and stdout until the client shuts it down."""
    build_server().start_io()
