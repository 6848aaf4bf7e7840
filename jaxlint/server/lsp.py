"""The language server: pygls on one side, :mod:`jaxlint.server.core` on the other.

The editor's thread only reads messages and answers from what is known: each change is
handed to the :class:`~jaxlint.server.scheduler.LintScheduler` (one worker thread, the
newest version of each document, after a pause in typing), hover and code actions answer
from the last finished lint of their document, and a finished lint is published only if
its version is still the document's. The linter (libcst, the engine, the rules) is
imported by the worker thread once ``initialize`` is answered, so the server starts fast.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument

from jaxlint._version import __version__
from jaxlint.server.scheduler import LintScheduler, Snapshot

if TYPE_CHECKING:
    from jaxlint.driver.fixer import Located
    from jaxlint.fix.edits import TextEdit
    from jaxlint.fix.findings import Diagnostic, Finding
    from jaxlint.server.core import Analysis, Outcome, ProjectIndexes

SOURCE = "jaxlint"
FIX_ALL_TITLE = "Fix all jaxlint problems"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.jaxlint"
#: Seconds of quiet a change waits for when it follows another closely
#: (``initializationOptions``: ``{"debounceMs": 150}``): a burst of keystrokes is linted
#: once, at its end (longer while keystrokes come faster than the lint, see
#: :class:`LintScheduler`); a change after a quiet spell is linted at once.
DEFAULT_DELAY = 0.15
_log = logging.getLogger(__name__)


def _kind(kind: types.CodeActionKind | str | None) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else str(kind or "")


def _delay(options: Any, default: float = DEFAULT_DELAY) -> float:
    """The debounce delay asked for in ``initializationOptions``, else ``default``."""
    if isinstance(options, dict):
        asked = options.get("debounceMs")
        if isinstance(asked, (int, float)) and not isinstance(asked, bool) and asked >= 0:
            return min(float(asked), 10_000.0) / 1000
    return default


def _is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi", ".ipynb"))


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, answering a request it cannot read (wrong parameters) with an
    error instead of leaving the client waiting for an answer that never comes."""

    def structure_message(self, data: Any) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            identifier = data.get("id") if isinstance(data, dict) else None
            if "method" in data and isinstance(identifier, (int, str)):
                self._send_response(identifier, None, error.to_response_error())
            raise


class JaxlintLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("jaxlint", __version__, protocol_cls=_Protocol)
        #: uri -> (version, analysis) of the last lint published: what requests answer from
        self.analyses: dict[str, tuple[int | None, Analysis]] = {}
        self.scheduler: LintScheduler[Outcome] = LintScheduler(
            self.lint, self._delivered, DEFAULT_DELAY, prepare=self._import_linter, fork=True
        )
        self._indexes: ProjectIndexes | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: files saved since the worker last refreshed the project index, each with the
        #: paths of the documents open then (whose facts may change); None for a saved
        #: configuration (every index is built again)
        self._saved: list[tuple[str, list[str]] | None] = []
        self._saved_lock = threading.Lock()

    # --------------------------------------------------------- the worker's side

    def _import_linter(self) -> None:
        # The linter's modules live as long as the server: no collection walks them, while
        # they are made or ever after.
        gc.disable()
        try:
            from jaxlint.server.core import ProjectIndexes, warm_up

            # Whatever a lint imports on first use, imported here once: not again in
            # every lint's child process.
            warm_up()
        finally:
            gc.enable()
        self._indexes = ProjectIndexes()
        gc.collect()
        gc.freeze()

    def lint(self, snapshot: Snapshot, checkpoint: Any) -> Outcome:
        """Lint one snapshot (on the worker thread); saved files are indexed first."""
        from jaxlint.server.core import lint_document

        assert self._indexes is not None
        self._refresh_index()
        isolated = self.scheduler.isolated if self.scheduler.forks else None
        return lint_document(
            snapshot.uri, snapshot.path, snapshot.text, self._indexes, checkpoint, isolated
        )

    def _refresh_index(self) -> None:
        with self._saved_lock:
            saved, self._saved = self._saved, []
        assert self._indexes is not None
        for save in saved:
            if save is None:
                self._indexes.clear()
                continue
            path, open_paths = save
            changed = self._indexes.refresh(path, open_paths)
            if changed:
                self._on_loop(self._relint_paths, changed)

    def _delivered(self, snapshot: Snapshot, outcome: Outcome) -> None:
        self._on_loop(self._publish, snapshot, outcome)

    def _on_loop(self, function: Any, *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(function, *args)

    # --------------------------------------------------------- the editor's side

    def start(self) -> None:
        """Start the worker (which imports the linter first): once ``initialize`` is
        answered, or at the first document of a client that never says ``initialized``."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self.scheduler.start()

    def snapshot(self, uri: str) -> Snapshot:
        document = self.workspace.get_text_document(uri)
        return Snapshot(uri, document.version, document.source, document.path)

    def changed(self, uri: str, delay: float | None = None) -> None:
        self.start()
        self.scheduler.submit(self.snapshot(uri), delay)

    def _publish(self, snapshot: Snapshot, outcome: Outcome) -> None:
        """On the editor's thread: publish a finished lint unless its text is stale."""
        document = self.workspace.text_documents.get(snapshot.uri)
        if document is None or document.version != snapshot.version:
            return  # closed, or changed since: a newer lint is on its way
        if outcome.error is not None:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=outcome.error)
            )
        for warning in outcome.warnings:
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Warning, message=warning)
            )
        analysis = outcome.analysis
        if analysis is None:
            self.analyses.pop(snapshot.uri, None)
            diagnostics = []
        else:
            self.analyses[snapshot.uri] = (snapshot.version, analysis)
            diagnostics = [self.diagnostic(document, f) for f in analysis.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=snapshot.uri, version=snapshot.version, diagnostics=diagnostics
            )
        )

    def saved(self, uri: str) -> None:
        """Lint the saved document again; the worker indexes it first and lints the open
        documents whose cross-module facts that changed. A saved configuration (any file
        not Python: pyproject.toml, jaxlint.toml, .gitignore) may change every file."""
        if uri not in self.workspace.text_documents:
            return
        path = self.workspace.get_text_document(uri).path
        open_uris = [u for u in self.workspace.text_documents if u.startswith("file:")]
        if not _is_python(path):
            with self._saved_lock:  # the worker builds the indexes again, not this thread
                self._saved.append(None)
            for open_uri in open_uris:
                self.changed(open_uri, 0.0)
            return
        open_paths = [self.workspace.get_text_document(u).path for u in open_uris]
        with self._saved_lock:
            self._saved.append((path, open_paths))
        self.changed(uri, 0.0)

    def _relint_paths(self, paths: list[str]) -> None:
        wanted = {os.path.abspath(path) for path in paths}
        for uri, document in list(self.workspace.text_documents.items()):
            if uri.startswith("file:") and os.path.abspath(document.path) in wanted:
                self.changed(uri, 0.0)

    def closed(self, uri: str) -> None:
        self.scheduler.forget(uri)
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def last_analysis(self, uri: str) -> tuple[int | None, Analysis] | None:
        """The last published lint of ``uri``, if its document is still open."""
        if uri not in self.workspace.text_documents:
            return None
        return self.analyses.get(uri)

    # --------------------------------------------------------- conversions

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
        """From the last finished lint, and only while it is of the document's current
        text: an edit computed for other text would break the file."""
        uri = params.text_document.uri
        known = self.last_analysis(uri)
        document = self.workspace.get_text_document(uri)
        if known is None or known[0] != document.version:
            return []
        analysis = known[1]
        wanted = document.range_from_client_units(params.range)
        actions: list[types.CodeAction] = []
        for finding, diagnostic in self._in_range(analysis, wanted):
            actions.extend(self.finding_actions(document, analysis, finding, diagnostic))
        only = params.context.only
        # "Fix all" costs a --fix run: only when the client may show it.
        wants_fix_all = not only or any(FIX_ALL_KIND.startswith(_kind(kind)) for kind in only)
        fix_all = analysis.fix_all() if wants_fix_all else None
        if fix_all is not None:
            actions.append(
                types.CodeAction(
                    title=FIX_ALL_TITLE,
                    kind=FIX_ALL_KIND,
                    edit=self.workspace_edit(document, fix_all),
                )
            )
        if only:
            actions = [
                action
                for action in actions
                if any(_kind(action.kind).startswith(_kind(kind)) for kind in only)
            ]
        return actions

    @staticmethod
    def _in_range(analysis: Analysis, wanted: types.Range) -> Located:
        """The findings on the lines of ``wanted`` (whole lines: a cursor anywhere on a
        finding's lines offers its actions), with their fixes' edits."""
        hit = [
            index
            for index, (finding, _) in enumerate(analysis.attached())
            if not (finding.end_line - 1 < wanted.start.line or finding.line - 1 > wanted.end.line)
        ]
        if not hit:
            return []
        edited = analysis.with_edits()
        return [edited[index] for index in hit]

    def finding_actions(
        self,
        document: TextDocument,
        analysis: Analysis,
        finding: Finding,
        diagnostic: Diagnostic,
    ) -> list[types.CodeAction]:
        from jaxlint.server.core import noqa_edit, one_fix_edits

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
                        # preferred where `--fix` would apply it in this file
                        is_preferred=finding.fixable(analysis.settings.unsafe_fixes),
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
        """From the last finished lint, even of an older version: never waits for one."""
        from jaxlint.server.core import hover_text

        uri = params.text_document.uri
        known = self.last_analysis(uri)
        if known is None:
            return None
        document = self.workspace.get_text_document(uri)
        at = document.position_from_client_units(params.position)
        text = hover_text(known[1], at.line + 1, at.character + 1)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def build_server() -> JaxlintLanguageServer:
    server = JaxlintLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: JaxlintLanguageServer, params: types.InitializeParams) -> None:
        # A lint in a child process is killed when typed over: no debounce unless asked.
        default = 0.0 if ls.scheduler.forks else DEFAULT_DELAY
        ls.scheduler.delay = _delay(params.initialization_options, default)

    @server.feature(types.INITIALIZED)
    def initialized(ls: JaxlintLanguageServer, params: types.InitializedParams) -> None:
        ls.start()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: JaxlintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, 0.0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: JaxlintLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: JaxlintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: JaxlintLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    @server.thread()  # a fix's edits cost a code generation: not on the editor's thread
    def code_action(
        ls: JaxlintLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: JaxlintLanguageServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: JaxlintLanguageServer, params: None) -> None:
        ls.scheduler.stop()

    return server


def serve() -> None:
    """Run the server on stdin and stdout until the client shuts it down."""
    build_server().start_io()
