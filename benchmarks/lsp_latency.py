"""Time from ``didOpen`` (and ``didChange``) to ``publishDiagnostics`` in ``jaxlint server``.

    python benchmarks/lsp_latency.py FILE [--changes N]

Starts ``python -m jaxlint server`` with a real LSP client (pytest-lsp), opens FILE,
then sends N whole-document changes, and prints the seconds each took.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities


async def measure(path: Path, changes: int) -> None:
    config = ClientServerConfig(server_command=[sys.executable, "-m", "jaxlint", "server"])
    client = await config.start()
    await client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    started = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    opened = time.perf_counter() - started
    found = len(client.diagnostics[uri])
    timings = []
    for version in range(2, changes + 2):
        text += f"\n# edit {version}\n"
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        timings.append(time.perf_counter() - started)
    await client.shutdown_session()
    await client.stop()
    lines = text.count("\n")
    print(f"{path} ({lines} lines, {found} findings): didOpen -> diagnostics {opened:.3f} s")
    if timings:
        print(f"didChange -> diagnostics: median {statistics.median(timings):.3f} s over {changes}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--changes", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(measure(arguments.file, arguments.changes))


if __name__ == "__main__":
    main()
