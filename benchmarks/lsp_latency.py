"""How fast ``jaxlint server`` answers: start, a keystroke, a burst of keystrokes, hovers.

    python benchmarks/lsp_latency.py [--runs N]           # every mode below
    python benchmarks/lsp_latency.py start|keystroke|burst [--runs N]
    python benchmarks/lsp_latency.py file FILE [--changes N]

Starts ``python -m jaxlint server`` (this interpreter's jaxlint: prepend a checkout to
``PYTHONPATH`` to measure another) with a real LSP client (pytest-lsp), and prints:

- ``start``: spawn -> ``initialize`` answered (median of N starts), and the server's CPU
  seconds by then;
- ``keystroke``: on a generated 1,500-line module, one keystroke (an incremental change)
  -> the diagnostics of that version (median of N, a second apart);
- ``burst``: on a generated 9,500-line module, one lint's time (a lone keystroke, as
  above), then 10 keystrokes 200 ms apart with a hover between each two: last keystroke
  -> the diagnostics of the last version, each hover's latency, and how many versions
  were published;
- ``file``: didOpen -> diagnostics for FILE, then N whole-document changes, each waited for.

Targets (issue 22): final diagnostics of a burst within one lint's time of the last
keystroke; on 1,500 lines, diagnostics within 0.3 s of a keystroke; start within 1 s. The
load average is printed first, and each wall time with the server's CPU seconds over the
same span: on a loaded machine the CPU time is the steadier measure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "jaxlint", "server"]
POLL = 0.005  # seconds between looks at what has arrived


def generated_module(lines: int) -> str:
    """A JAX module of about ``lines`` lines: jitted steps and helpers, a finding in one
    function of seven (a print under jit) and in one of eleven (an in-place update)."""
    parts = ["import jax\nimport jax.numpy as jnp\n\nSCALE = 2.0\n"]
    count = 0
    number = 0
    while count < lines:
        effect = "        print(z)\n" if number % 7 == 0 else ""
        update = "    total[0] = 1.0\n" if number % 11 == 0 else ""
        part = (
            f"\n\n@jax.jit\ndef step_{number}(x, y):\n    z = jnp.sin(x) * SCALE + y\n"
            f"    for k in range(3):\n        z = z + jnp.cos(z) * k\n{effect}"
            f"    return z.sum()\n\n\ndef helper_{number}(values):\n"
            f"    total = jnp.zeros(3)\n{update}    return total, [v * 2 for v in values]\n"
        )
        parts.append(part)
        count += part.count("\n")
        number += 1
    return "".join(parts)


class Recorder:
    """Every publishDiagnostics with when it arrived."""

    def __init__(self) -> None:
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []

    def client(self) -> LanguageClient:
        client = LanguageClient(converter_factory=default_converter)

        def record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params))

        features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record}
        register_lsp_features(client, features)
        return client

    async def wait(self, uri: str, version: int, timeout: float = 600.0) -> float:
        """When the diagnostics of ``version`` of ``uri`` arrived."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, params in self.published:
                if params.uri == uri and params.version == version:
                    return at
            await asyncio.sleep(POLL)
        raise TimeoutError(f"no diagnostics for version {version} of {uri}")

    def versions(self, uri: str) -> list[int | None]:
        return [params.version for _, params in self.published if params.uri == uri]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far, its reaped children's included
    (the server lints in child processes) (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[n]) for n in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


class Session:
    """A started, initialized server and its client."""

    def __init__(self, recorder: Recorder, client: LanguageClient) -> None:
        self.recorder = recorder
        self.client = client
        self.pid: int = client._server.pid  # type: ignore[attr-defined]  # noqa: SLF001
        self.version = 1

    @classmethod
    async def start(cls) -> tuple[Session, float, float]:
        """A session, the seconds from spawn to ``initialize`` answered, and the CPU
        seconds the server had spent by then."""
        recorder = Recorder()
        started = time.perf_counter()
        config = ClientServerConfig(server_command=SERVER, client_factory=recorder.client)
        client = await config.start()
        await client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
        )
        answered = time.perf_counter() - started
        session = cls(recorder, client)
        return session, answered, cpu_seconds(session.pid)

    async def stop(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )
        return uri

    def keystroke(self, uri: str, line: int) -> int:
        """Type one character at the start of ``line`` (0-based); the new version."""
        self.version += 1
        at = types.Position(line=line, character=0)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.version),
                [types.TextDocumentContentChangePartial(range=types.Range(at, at), text="#")],
            )
        )
        return self.version

    async def hover(self, uri: str, line: int) -> float:
        started = time.perf_counter()
        await self.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 10))
        )
        return time.perf_counter() - started

    async def timed(self, action: Callable[[], int], uri: str) -> tuple[float, float]:
        """Wall and server CPU seconds from ``action`` to its version's diagnostics."""
        cpu = cpu_seconds(self.pid)
        started = time.perf_counter()
        version = action()
        arrived = await self.recorder.wait(uri, version)
        return arrived - started, cpu_seconds(self.pid) - cpu


def _comment_line(text: str) -> int:
    """A blank line near the end of ``text``: a keystroke there (``#``) makes a comment."""
    lines = text.splitlines()
    return next(n for n in range(len(lines) - 1, 0, -1) if not lines[n].strip())


async def measure_start(runs: int) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        session, answered, cpu = await Session.start()
        walls.append(answered)
        cpus.append(cpu)
        await session.stop()
    print(
        f"start: spawn -> initialize answered: median {statistics.median(walls):.3f} s "
        f"(best {min(walls):.3f}), server CPU {statistics.median(cpus):.3f} s (target <= 1 s)"
    )


async def measure_keystroke(folder: Path, runs: int) -> None:
    text = generated_module(1500)
    session, _, _ = await Session.start()
    uri = session.open(folder / "keystroke.py", text)
    await session.recorder.wait(uri, 1)
    line = _comment_line(text)
    walls, cpus = [], []
    for _ in range(runs):
        await asyncio.sleep(1.0)  # a keystroke after a pause, not part of a burst
        wall, cpu = await session.timed(lambda: session.keystroke(uri, line), uri)
        walls.append(wall)
        cpus.append(cpu)
    await session.stop()
    print(
        f"keystroke ({text.count(chr(10))} lines): -> diagnostics median "
        f"{statistics.median(walls):.3f} s (best {min(walls):.3f}), server CPU "
        f"{statistics.median(cpus):.3f} s (target <= 0.3 s)"
    )


async def measure_burst(folder: Path, runs: int) -> None:
    text = generated_module(9500)
    session, _, _ = await Session.start()
    uri = session.open(folder / "burst.py", text)
    await session.recorder.wait(uri, 1)
    line = _comment_line(text)
    finding_line = text.splitlines().index("        print(z)")
    for run in range(runs):
        await asyncio.sleep(1.0)
        lint_wall, lint_cpu = await session.timed(lambda: session.keystroke(uri, line), uri)
        await asyncio.sleep(1.0)
        first = session.version + 1
        cpu = cpu_seconds(session.pid)
        hovers: list[asyncio.Task[float]] = []
        for stroke in range(10):
            session.keystroke(uri, line)
            last = time.perf_counter()
            if stroke < 9:
                await asyncio.sleep(0.1)
                hovers.append(asyncio.create_task(session.hover(uri, finding_line)))
                await asyncio.sleep(0.1)
        arrived = await session.recorder.wait(uri, session.version)
        final_cpu = cpu_seconds(session.pid) - cpu
        latencies = [await hover for hover in hovers]
        published = [v for v in session.recorder.versions(uri) if v is not None and v >= first]
        print(
            f"burst {run + 1} ({text.count(chr(10))} lines): one lint {lint_wall:.3f} s "
            f"(CPU {lint_cpu:.3f}); last keystroke -> final diagnostics "
            f"{arrived - last:.3f} s ({(arrived - last) / lint_wall:.2f} lints; server CPU "
            f"over the burst {final_cpu:.3f} s); hover median "
            f"{statistics.median(latencies):.3f} s, max {max(latencies):.3f} s; "
            f"{len(published)} of 10 versions published"
        )
    await session.stop()


async def measure_file(path: Path, changes: int) -> None:
    session, _, _ = await Session.start()
    text = path.read_text(encoding="utf-8")
    started = time.perf_counter()
    uri = session.open(path, text)
    opened = await session.recorder.wait(uri, 1) - started
    timings = []
    for version in range(2, changes + 2):
        text += f"\n# edit {version}\n"
        session.version = version
        started = time.perf_counter()
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        timings.append(await session.recorder.wait(uri, version) - started)
        await asyncio.sleep(0.5)  # apart: each change is linted on its own
    await session.stop()
    print(f"{path} ({text.count(chr(10))} lines): didOpen -> diagnostics {opened:.3f} s")
    if timings:
        print(f"didChange -> diagnostics: median {statistics.median(timings):.3f} s over {changes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mode", nargs="?", default="all", choices=["all", "start", "keystroke", "burst", "file"]
    )
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=5)
    options = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if options.mode == "file":
        if options.file is None:
            parser.error("file: which FILE?")
        asyncio.run(measure_file(options.file, options.changes))
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if options.mode in ("all", "start"):
            asyncio.run(measure_start(options.runs))
        if options.mode in ("all", "keystroke"):
            asyncio.run(measure_keystroke(folder, options.runs))
        if options.mode in ("all", "burst"):
            asyncio.run(measure_burst(folder, max(1, options.runs // 2)))


if __name__ == "__main__":
    main()
