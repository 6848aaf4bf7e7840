"""`jaxlint server` end to end: a real LSP client (pytest-lsp) talking to
`python -m jaxlint server` over stdio."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

import libcst as cst  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from jaxlint.config import Settings  # noqa: E402
from jaxlint.driver import engine  # noqa: E402
from jaxlint.driver.engine import lint_python_source  # noqa: E402
from jaxlint.server.core import analyse  # noqa: E402

from conftest import FIXTURES, invoke_cli  # noqa: E402

BAD = "import jax.numpy as jnp\n\n\ndef f():\n    x = jnp.zeros(3)\n    x[0] = 1.0\n    return x\n"
DISCARDED = (
    "import jax.numpy as jnp\n\n\ndef f():\n    x = jnp.zeros(3)\n"
    "    x.at[0].set(1.0)  # noqa: JL004\n    return x\n"
)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "jaxlint", "server"])
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=pytest_lsp.client_capabilities("visual-studio-code"))
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project (its root marked by .git) with a buggy file and a two-module package."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "discarded.py").write_text(DISCARDED)
    shutil.copytree(FIXTURES / "crossmod", tmp_path / "crossmod")
    return tmp_path


async def _open(client: LanguageClient, path: Path) -> list[types.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=path.read_text()
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def _change(client: LanguageClient, path: Path, text: str, version: int) -> list:
    uri = path.as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def _spans(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diagnostics
    ]


def _apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """Apply the edits of ``uri`` (ASCII text: code units are characters)."""
    assert edit.changes is not None and list(edit.changes) == [uri]
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[min(position.line, len(lines))] + position.character

    for text_edit in sorted(edit.changes[uri], key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(text_edit.range.start), offset(text_edit.range.end)
        text = text[:start] + text_edit.new_text + text[end:]
    return text


async def _actions(client: LanguageClient, path: Path, line: int) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(
                start=types.Position(line=line, character=0),
                end=types.Position(line=line, character=0),
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]


@pytest.mark.asyncio
async def test_quick_fix_makes_the_diagnostic_disappear(client: LanguageClient, project: Path):
    path = project / "model.py"
    diagnostics = await _open(client, path)
    assert _spans(diagnostics) == [("JL001", 5, 4, 5, 8)]
    assert diagnostics[0].source == "jaxlint"
    assert diagnostics[0].message.startswith("In-place update of JAX array `x`")

    actions = await _actions(client, path, 5)
    assert [(a.title, a.kind) for a in actions] == [
        ("Fix JL001: Replace with `x = x.at[0].set(1.0)` (safe fix)", "quickfix"),
        ("Disable JL001 for this line", "quickfix"),
        ("Fix all jaxlint problems", "source.fixAll.jaxlint"),
    ]
    fix = actions[0].edit
    assert fix is not None and fix.changes is not None
    edits = [(e.range.start, e.range.end, e.new_text) for e in fix.changes[path.as_uri()]]
    # The characters the fix rewrites, and nothing else (the edits of the JSON output).
    assert edits == [
        (types.Position(5, 5), types.Position(5, 14), " = x.at[0].set(1.0)"),
    ]
    fixed = _apply(BAD, fix, path.as_uri())
    assert fixed == BAD.replace("x[0] = 1.0", "x = x.at[0].set(1.0)")
    assert await _change(client, path, fixed, 2) == []


@pytest.mark.asyncio
async def test_disable_for_this_line_adds_or_merges_noqa(client: LanguageClient, project: Path):
    path = project / "model.py"
    await _open(client, path)
    disable = (await _actions(client, path, 5))[1]
    assert disable.title == "Disable JL001 for this line" and disable.edit is not None
    silenced = _apply(BAD, disable.edit, path.as_uri())
    assert silenced == BAD.replace("x[0] = 1.0\n", "x[0] = 1.0  # noqa: JL001\n")
    assert await _change(client, path, silenced, 2) == []

    merged_path = project / "discarded.py"
    assert _spans(await _open(client, merged_path)) == [("JL008", 5, 4, 5, 20)]
    actions = await _actions(client, merged_path, 5)
    assert [a.title for a in actions] == [
        "Fix JL008: Assign the result to `x` (unsafe fix)",
        "Disable JL008 for this line",
    ]  # no fix-all: the only fix is unsafe, and unsafe fixes are not configured
    merged = _apply(DISCARDED, actions[1].edit, merged_path.as_uri())  # type: ignore[arg-type]
    assert "    x.at[0].set(1.0)  # noqa: JL004, JL008\n" in merged
    assert await _change(client, merged_path, merged, 2) == []


@pytest.mark.asyncio
async def test_cross_module_findings_and_hover(client: LanguageClient, project: Path):
    path = project / "crossmod" / "utils.py"
    diagnostics = await _open(client, path)
    # Only train.py's jit makes these traced: the server uses the project's index.
    assert _spans(diagnostics) == [
        ("JL004", 11, 4, 11, 38),
        ("JL002", 12, 4, 12, 24),
        ("JL004", 13, 4, 13, 32),
    ]
    assert "called from the jitted train_step in crossmod/train.py:19" in diagnostics[0].message
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=12, character=10),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**JL002 global-mutation**: ")
    assert "`jaxlint rule JL002`" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=0, character=0),
        )
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_ranges_count_utf16_code_units(client: LanguageClient, project: Path):
    path = project / "wide.py"
    path.write_text(BAD.replace("    x[0] = 1.0", '    s = "\U0001f642"; x[0] = 1.0'))
    # `x` is at code point 13 of its line; the emoji is two UTF-16 code units.
    assert _spans(await _open(client, path)) == [("JL001", 5, 14, 5, 18)]


@pytest.mark.asyncio
async def test_fix_all_applies_every_safe_fix(client: LanguageClient, project: Path):
    path = project / "two.py"
    text = BAD.replace("    x[0] = 1.0\n", "    x[0] = 1.0\n    x[1] += 2.0\n")
    path.write_text(text)
    assert [d.code for d in await _open(client, path)] == ["JL001", "JL001"]
    actions = await _actions(client, path, 0)  # no finding on line 1: only fix-all
    assert [a.title for a in actions] == ["Fix all jaxlint problems"]
    fixed = _apply(text, actions[0].edit, path.as_uri())  # type: ignore[arg-type]
    assert "    x = x.at[0].set(1.0)\n    x = x.at[1].add(2.0)\n" in fixed
    assert await _change(client, path, fixed, 2) == []


def test_without_pygls_the_command_says_what_to_install() -> None:
    hidden = "import sys; sys.modules['pygls'] = None; from jaxlint.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", hidden, "server"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr == (
        'jaxlint: error: the language server needs pygls: pip install "jaxlint-purity[lsp]"\n'
    )


@pytest.mark.asyncio
async def test_the_projects_configuration_applies(client: LanguageClient, project: Path):
    (project / "jaxlint.toml").write_text('ignore = ["JL008"]\nextend-exclude = ["generated/"]\n')
    (project / "generated").mkdir()
    shutil.copy(project / "model.py", project / "generated" / "model.py")
    assert await _open(client, project / "discarded.py") == []  # JL008 is ignored
    assert await _open(client, project / "generated" / "model.py") == []  # excluded
    assert _spans(await _open(client, project / "model.py")) == [("JL001", 5, 4, 5, 8)]
    (project / "jaxlint.toml").write_text('selct = ["JL001"]\n')
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier((project / "model.py").as_uri())
        )
    )
    message = await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert message.type == types.MessageType.Error
    assert "unknown option `selct` (did you mean `select`?)" in message.message


#: Imports JAX, so only the pre-filter tells that no rule can report: a string key is no
#: array update.
RULED_OUT = 'import jax.numpy as jnp\n\ntable = {}\ntable["dtype"] = jnp.float32\n'
UNPARSABLE = "import jax\n\n\ndef f(:\n    return jax\n"


def _cli_spans(folder: Path, name: str) -> list[tuple]:
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", name], cwd=folder)
    assert code in (0, 1)
    return [
        (f["code"], f["line"] - 1, f["column"] - 1, f["end_line"] - 1, f["end_column"] - 1)
        for f in json.loads(out)
    ]


@pytest.mark.asyncio
async def test_the_server_finds_what_the_command_line_finds(client: LanguageClient, project: Path):
    for name, text in (("ruled_out.py", RULED_OUT), ("unparsable.py", UNPARSABLE)):
        (project / name).write_text(text)
    assert _spans(await _open(client, project / "ruled_out.py")) == _cli_spans(
        project, "ruled_out.py"
    )
    unparsable = await _open(client, project / "unparsable.py")
    assert _spans(unparsable) == _cli_spans(project, "unparsable.py") == [("JL000", 3, 6, 3, 6)]
    assert unparsable[0].message.startswith("SyntaxError: ")


def test_the_pre_filter_spares_the_server_a_parse(tmp_path: Path) -> None:
    path = str(tmp_path / "ruled_out.py")
    analysis = analyse(path, RULED_OUT, Settings())
    assert analysis.module is None  # the engine's pre-filter ruled it out: no libcst tree
    assert analysis.findings == lint_python_source(RULED_OUT, path).findings == []
    # Without the pre-filter's verdict the same file is parsed and modelled.
    assert analyse(path, RULED_OUT + "x = jnp.zeros(2)\nx[0] = 1\n", Settings()).module


def test_where_only_libcst_refuses_the_file_the_server_warns_as_check_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: bytes, *, checked: bool = False) -> cst.Module:
        raise cst.ParserSyntaxError("beyond this grammar", lines=[""], raw_line=1, raw_column=0)

    monkeypatch.setattr(engine, "parse", refuse)  # valid Python that libcst cannot read
    path = str(tmp_path / "model.py")
    analysis = analyse(path, BAD, Settings())
    expected = lint_python_source(BAD, path)
    assert analysis.findings == expected.findings == []
    assert analysis.warnings == expected.warnings
    assert analysis.warnings[0].startswith(f"{path}: skipped (libcst cannot parse it: ")


# ---------------------------------------------------------------- keeping up
#
# These drive their own server (a recording client, and a linter that can be held back)
# and wait for named versions, each wait bounded: a stale publish or a hang fails them.

WAIT = 120.0  # seconds: generous for a loaded machine; reaching it is a failure

#: `python -c` a server whose lint of a text holding "# hold" waits, with no checkpoint,
#: until the file $JAXLINT_TEST_GATE exists (it first creates $JAXLINT_TEST_GATE.held):
#: a slow lint of an old version that the test lets finish when it chooses.
HELD_SERVER = """
import os, time
from jaxlint.server import lsp

gate = os.environ["JAXLINT_TEST_GATE"]
lint = lsp.JaxlintLanguageServer.lint

def held(self, snapshot, checkpoint):
    if "# hold" in snapshot.text:
        open(gate + ".held", "w").close()
        deadline = time.monotonic() + 120
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.01)
    return lint(self, snapshot, checkpoint)

lsp.JaxlintLanguageServer.lint = held
lsp.serve()
"""


def _recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record}
    )
    return client


@contextlib.asynccontextmanager
async def _session(tmp_path: Path, *, held: bool = False, debounce_ms: int | None = None):
    gate = tmp_path / "gate"
    command = [sys.executable, "-c", HELD_SERVER] if held else [sys.executable, "-m", "jaxlint"]
    config = ClientServerConfig(
        server_command=command if held else [*command, "server"],
        client_factory=_recording_client,
        server_env={
            **os.environ,
            "JAXLINT_TEST_GATE": str(gate),
            "XDG_CACHE_HOME": str(tmp_path / "user-cache"),
        },
    )
    client = await config.start()
    options = None if debounce_ms is None else {"debounceMs": debounce_ms}
    await client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            initialization_options=options,
        )
    )
    try:
        yield client
    finally:
        await asyncio.wait_for(client.shutdown_session(), WAIT)
        await client.stop()


def _versions(client: LanguageClient, uri: str) -> list[int | None]:
    return [p.version for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


async def _published(client: LanguageClient, uri: str, version: int | None) -> list:
    """Wait (bounded) for the diagnostics of ``version`` of ``uri``."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for params in client.published:  # type: ignore[attr-defined]
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics for version {version} of {uri}: {_versions(client, uri)}")


async def _until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT} s for {what}"
        await asyncio.sleep(0.02)


def _send_open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def _send_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _send_insert(client: LanguageClient, uri: str, version: int, line: int, text: str) -> None:
    at = types.Position(line=line, character=0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=at, end=at), text=text
                )
            ],
        )
    )


def _send_save(client: LanguageClient, path: Path) -> None:
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(path.as_uri()))
    )


def _hover_at(client: LanguageClient, path: Path, line: int, character: int):  # type: ignore[no-untyped-def]
    return client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=line, character=character),
        )
    )


@pytest.mark.asyncio
async def test_a_burst_publishes_the_final_text_only(project: Path, tmp_path: Path):
    path = project / "model.py"
    async with _session(tmp_path, held=True) as client:
        uri = _send_open(client, path, "import jax\n")
        assert await _published(client, uri, 1) == []
        # Version 2's lint starts and is held (it has no checkpoint to stop at) ...
        _send_text(client, uri, 2, "import jax\n# hold\n")
        await _until((tmp_path / "gate.held").exists, "the held lint")
        # ... while the user goes on typing: versions 3 to 10, the last one BAD.
        for version in range(3, 10):
            _send_text(client, uri, version, f"import jax\n# typing {version}\n")
        _send_text(client, uri, 10, BAD)
        # Answered after the changes before it are read: the server knows version 10.
        await _hover_at(client, path, 0, 0)
        (tmp_path / "gate").touch()  # version 2's lint finishes now, after all of them
        assert _spans(await _published(client, uri, 10)) == [("JL001", 5, 4, 5, 8)]
        # A hover round trip: anything published before it would have arrived by now.
        await _hover_at(client, path, 0, 0)
    # Neither the lint that finished late (2) nor the versions typed over were published.
    assert _versions(client, uri) == [1, 10]


@pytest.mark.asyncio
async def test_hover_and_code_actions_answer_while_a_lint_runs(project: Path, tmp_path: Path):
    path = project / "model.py"
    async with _session(tmp_path, held=True) as client:
        uri = _send_open(client, path)
        assert _spans(await _published(client, uri, 1)) == [("JL001", 5, 4, 5, 8)]
        _send_text(client, uri, 2, BAD + "# hold\n")
        await _until((tmp_path / "gate.held").exists, "the held lint")
        # Version 2 is being linted: hover answers from version 1's lint, at once.
        hover = await asyncio.wait_for(_hover_at(client, path, 5, 4), WAIT)
        assert hover is not None and hover.contents.value.startswith("**JL001 inplace-update**")
        # Code actions answer too, with nothing: version 1's edits would not fit version 2.
        assert await asyncio.wait_for(_actions(client, path, 5), WAIT) == []
        assert _versions(client, uri) == [1]  # both answered while the lint was held
        (tmp_path / "gate").touch()
        assert _spans(await _published(client, uri, 2)) == [("JL001", 5, 4, 5, 8)]
        titles = [a.title for a in await _actions(client, path, 5)]
        assert titles[0] == "Fix JL001: Replace with `x = x.at[0].set(1.0)` (safe fix)"


@pytest.mark.asyncio
async def test_a_save_lints_the_saved_file_and_the_open_files_it_changed(
    project: Path, tmp_path: Path
):
    utils, train = project / "crossmod" / "utils.py", project / "crossmod" / "train.py"
    model, other = project / "model.py", project / "discarded.py"
    async with _session(tmp_path) as client:
        for path in (utils, train, model):
            assert len(await _published(client, _send_open(client, path), 1)) > 0 or path == train
        untraced = train.read_text().replace("@jax.jit\n", "")
        _send_text(client, train.as_uri(), 2, untraced)
        await _published(client, train.as_uri(), 2)
        train.write_text(untraced)
        _send_save(client, train)
        # train.py is linted again, and utils.py, which train.py no longer traces.
        await _until(lambda: len(_versions(client, utils.as_uri())) == 2, "utils.py again")
        assert list(client.diagnostics[utils.as_uri()]) == []
        # model.py's facts did not change. Another file opened now is linted after
        # anything queued before it: by its diagnostics, model.py would have had its own.
        await _published(client, _send_open(client, other), 1)
        assert _versions(client, model.as_uri()) == [1]
        assert _versions(client, train.as_uri()) == [1, 2, 2]
        # A save that changes no other file's facts lints the saved file only.
        _send_save(client, model)
        await _until(lambda: len(_versions(client, model.as_uri())) == 2, "model.py again")
        await _hover_at(client, model, 0, 0)
        assert len(_versions(client, utils.as_uri())) == 2
        assert _versions(client, train.as_uri()) == [1, 2, 2]
    assert not list(project.rglob(".jaxlint_cache"))  # nothing written into the workspace


@pytest.mark.asyncio
async def test_edits_and_positions_past_the_end_do_not_break_the_server(
    project: Path, tmp_path: Path
):
    path = project / "model.py"
    async with _session(tmp_path) as client:
        uri = _send_open(client, path)
        await _published(client, uri, 1)
        # A hover far past the end, and an edit far past the end.
        assert await asyncio.wait_for(_hover_at(client, path, 10_000, 3), WAIT) is None
        _send_insert(client, uri, 2, 10_000, "# past the end\n")
        _send_text(client, uri, 3, BAD)
        assert _spans(await _published(client, uri, 3)) == [("JL001", 5, 4, 5, 8)]


@pytest.mark.asyncio
async def test_two_hundred_quick_changes_to_a_20k_line_file(project: Path, tmp_path: Path):
    path = project / "big.py"
    text = "".join(f"value_{n} = {n}\n" for n in range(20_000)) + BAD
    path.write_text(text)
    async with _session(tmp_path, debounce_ms=300) as client:
        uri = _send_open(client, path)
        assert _spans(await _published(client, uri, 1)) == [("JL001", 20_005, 4, 20_005, 8)]
        for version in range(2, 202):  # one line inserted at the top, 200 times
            _send_insert(client, uri, version, 0, f"inserted_{version} = 0\n")
        assert _spans(await _published(client, uri, 201)) == [("JL001", 20_205, 4, 20_205, 8)]
        await _hover_at(client, path, 0, 0)
        versions = _versions(client, uri)
    assert versions == sorted(versions) and versions[-1] == 201
    assert len(versions) < 20  # the burst was linted a few times, not 200


class _RawClient:
    """Speaks LSP to `jaxlint server` byte by byte, to send what no client library would."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jaxlint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        self.messages: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while header := stream.readline():
            if header.lower().startswith(b"content-length:"):
                length = int(header.split(b":")[1])
                while stream.readline().strip():
                    pass
                self.messages.put(json.loads(stream.read(length)))

    def send(self, body: bytes | dict) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        self.process.stdin.flush()

    def answer(self, identifier: int) -> dict:
        """The response to request ``identifier`` (other messages are passed over)."""
        deadline = time.monotonic() + WAIT
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if message.get("id") == identifier and "method" not in message:
                return message


def test_unreadable_messages_are_answered_or_passed_over(tmp_path: Path) -> None:
    raw = _RawClient(tmp_path)
    try:
        raw.send(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
        )
        assert "capabilities" in raw.answer(1)["result"]
        raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        raw.send(b"{not json")
        raw.send(b'{"jsonrpc": "2.0", "method": 3}')
        raw.send(b"[1, 2, 3]")
        # A request without its parameters gets an error, not silence.
        raw.send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {}})
        assert raw.answer(2)["error"]["code"] == -32602  # invalid params
        raw.send({"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}})
        assert raw.answer(3)["error"]["code"] == -32601  # method not found
        # A hover of a document never opened: nothing to say, and still alive.
        hover = {
            "textDocument": {"uri": (tmp_path / "unknown.py").as_uri()},
            "position": {"line": 0, "character": 0},
        }
        raw.send({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": hover})
        assert raw.answer(4) == {"id": 4, "jsonrpc": "2.0", "result": None}
        raw.send({"jsonrpc": "2.0", "id": 5, "method": "shutdown"})
        assert raw.answer(5)["result"] is None
        raw.send({"jsonrpc": "2.0", "method": "exit"})
        assert raw.process.wait(WAIT) == 0
    finally:
        if raw.process.poll() is None:
            raw.process.kill()


def test_the_server_answers_initialize_before_it_imports_the_linter() -> None:
    # `jaxlint server` with its input closed: it loads pygls, reads end of input and
    # stops, never having been initialized; the linter is the worker's to import.
    probe = (
        "import sys\n"
        "from jaxlint.__main__ import run\n"
        "sys.argv = ['jaxlint', 'server']\n"
        "try:\n    run()\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('libcst', 'jaxlint.driver.engine', 'jaxlint.rules',\n"
        "    'jaxlint.server.core', 'pygls.lsp.server') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=WAIT,
    )
    assert done.stdout.splitlines()[-1] == "['pygls.lsp.server']", done.stderr


def test_the_debounce_delay_comes_from_the_initialization_options() -> None:
    from jaxlint.server.lsp import DEFAULT_DELAY, _delay

    assert _delay({"debounceMs": 40}) == 0.04
    assert _delay({"debounceMs": 0}) == 0.0
    for unusable in (None, {}, {"debounceMs": "fast"}, {"debounceMs": -1}, {"debounceMs": True}):
        assert _delay(unusable) == DEFAULT_DELAY == 0.15


@pytest.mark.asyncio
async def test_saving_a_configuration_file_lints_every_open_file_again(
    project: Path, tmp_path: Path
):
    discarded, config = project / "discarded.py", project / "jaxlint.toml"
    config.write_text("")
    async with _session(tmp_path) as client:
        uri = _send_open(client, discarded)
        assert _spans(await _published(client, uri, 1)) == [("JL008", 5, 4, 5, 20)]
        assert await _published(client, _send_open(client, config), 1) == []  # not Python
        config.write_text('ignore = ["JL008"]\n')
        _send_save(client, config)
        await _until(lambda: len(_versions(client, uri)) == 2, "discarded.py again")
        assert list(client.diagnostics[uri]) == []
