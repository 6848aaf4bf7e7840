"""What linting one file gives: findings, maybe a fixed text, errors and warnings.

Apart from :mod:`jaxlint.driver.engine` so that the cache and the reporters handle
results without importing libcst (a run served from the cache imports no linter).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jaxlint.fix.findings import Finding


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed_source: bytes | None = None  # the new content when fixes were applied
    original_source: bytes | None = None
    fixes_applied: int = 0
    errors: list[str] = field(default_factory=list)  # internal errors (exit 2)
    warnings: list[str] = field(default_factory=list)  # skipped files, refused fixes
