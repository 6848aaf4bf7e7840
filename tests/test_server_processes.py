"""`jaxlint server`'s lint processes (Linux): each lint runs in a child forked ahead of
it, and no child outlives the server, whether it is shut down or killed outright."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from test_server import BAD, WAIT, _RawClient  # noqa: E402

from jaxlint.server.child import FORKS  # noqa: E402

pytestmark = pytest.mark.skipif(not FORKS, reason="lints run in child processes on Linux only")


def _children(pid: int) -> set[int]:
    """The pids of process ``pid``'s children."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def _gone(pid: int) -> bool:
    """Whether process ``pid`` ended (a zombie has: only its exit status is left)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT} s for {what}"
        time.sleep(0.02)


def _linted_once(tmp_path: Path) -> tuple[_RawClient, set[int]]:
    """A server that published one document's diagnostics, and its children then: the
    standby forked for the next lint."""
    path = tmp_path / "model.py"
    path.write_text(BAD)
    raw = _RawClient(tmp_path)
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    raw.answer(1)
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    document = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": BAD}
    raw.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": document},
        }
    )
    while True:
        message = raw.messages.get(timeout=WAIT)
        if message.get("method") == "textDocument/publishDiagnostics":
            break
    codes = [diagnostic["code"] for diagnostic in message["params"]["diagnostics"]]
    assert codes == ["JL001"]
    children = _children(raw.process.pid)
    assert len(children) == 1  # the lint's child is reaped; the standby waits
    return raw, children


def test_a_shut_down_server_leaves_no_child(tmp_path: Path) -> None:
    raw, children = _linted_once(tmp_path)
    try:
        raw.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        raw.answer(2)
        raw.send({"jsonrpc": "2.0", "method": "exit"})
        assert raw.process.wait(WAIT) == 0
        _until(lambda: all(_gone(pid) for pid in children), "the standby to end")
    finally:
        if raw.process.poll() is None:
            raw.process.kill()


def test_a_killed_server_leaves_no_child(tmp_path: Path) -> None:
    raw, children = _linted_once(tmp_path)
    try:
        os.kill(raw.process.pid, signal.SIGKILL)
        raw.process.wait(WAIT)
        _until(lambda: all(_gone(pid) for pid in children), "the standby to die with it")
    finally:
        if raw.process.poll() is None:
            raw.process.kill()
