"""`jaxlint server` end to end: a real LSP client (pytest-lsp) talking to
`python -m jaxlint server` over stdio."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

import libcst as cst  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from jaxlint.config import Settings  # noqa: E402
from jaxlint.driver import engine  # noqa: E402
from jaxlint.driver.engine import lint_python_source  # noqa: E402
from jaxlint.server import analyse  # noqa: E402

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


@pytest.mark.asyncio
async def test_saving_another_module_updates_open_files(client: LanguageClient, project: Path):
    utils = project / "crossmod" / "utils.py"
    train = project / "crossmod" / "train.py"
    assert len(await _open(client, utils)) == 3
    await _open(client, train)
    untraced = train.read_text().replace("@jax.jit\n", "")
    await _change(client, train, untraced, 2)
    train.write_text(untraced)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(train.as_uri()))
    )
    for _ in range(2):  # both open files are linted again
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[utils.as_uri()]) == []


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
