"""The result model shared by the parent process, the worker and `assert_jax_safe`.

Nothing here imports jax: the parent process renders reports without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHECK_NAMES: tuple[str, ...] = ("jit", "grad", "retrace", "leaks", "effects", "keys")

PASS = "pass"
FAIL = "fail"
SKIP = "skip"
NOT_SELECTED = "not selected"  # the message of a check left out by --select-checks


@dataclass
class FunctionResult:
    """What verification found for one function."""

    module: str
    qualname: str
    path: str
    line: int
    device: str = ""
    checks: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CHECK_NAMES, SKIP))
    # Keyed by check name, plus "error" (the module or function could not run) and "hint".
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # Set when something outside the checks (import, crash, timeout) failed the function.
    forced_fail: bool = False

    @property
    def function(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def lacks_inputs(self) -> bool:
        """Skipped because no example inputs could be found (the hint says how to give them)."""
        return self.verdict == SKIP and "hint" in self.messages

    @property
    def verdict(self) -> str:
        return verdict_of(self.checks, forced_fail=self.forced_fail)

    def to_json(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "path": self.path,
            "line": self.line,
            "device": self.device,
            "verdict": self.verdict,
            "checks": {name: self.checks.get(name, SKIP) for name in CHECK_NAMES},
            "messages": dict(self.messages),
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunctionResult:
        module, _, qualname = data["function"].partition(":")
        checks = {name: data.get("checks", {}).get(name, SKIP) for name in CHECK_NAMES}
        return cls(
            module=module,
            qualname=qualname,
            path=data["path"],
            line=int(data["line"]),
            device=data.get("device", ""),
            checks=checks,
            messages=dict(data.get("messages", {})),
            seconds=float(data.get("seconds", 0.0)),
            forced_fail=data.get("verdict") == FAIL and FAIL not in checks.values(),
        )

    def fail_whole(self, reason: str) -> None:
        """Mark the function failed for a reason outside the checks (crash, timeout, import)."""
        self.forced_fail = True
        self.messages["error"] = reason


def verdict_of(checks: dict[str, str], *, forced_fail: bool = False) -> str:
    """`fail` if anything failed, `pass` if something ran and nothing failed, else `skip`.

    A check that could not apply (say `grad` on integer-only arguments) does not stop a
    function from passing; a function where nothing at all could run is a `skip`.
    """
    statuses = set(checks.values())
    if forced_fail or FAIL in statuses:
        return FAIL
    if PASS in statuses:
        return PASS
    return SKIP
