"""Baselines: the findings a legacy code base already has, so CI reports only new ones.

An entry names a finding by its path (relative to the project root), its code, a
fingerprint of the reported line's content (whitespace-normalised), and an occurrence
index for the same content reported twice in one file. Line numbers are not part of
it: an edit above a finding does not resurrect it. SARIF's ``partialFingerprints``
come from the same fingerprint, so code scanning tracks findings across commits.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from jaxlint.config import ConfigError, Settings
from jaxlint.fix.findings import Finding
from jaxlint.fsio import read_source, write_atomically
from jaxlint.notebook import NotebookError, is_notebook, read_notebook

BASELINE_VERSION = 1


def content_fingerprint(content: str) -> str:
    """16 hex digits of the line's content, indentation and spacing aside."""
    normalised = " ".join(content.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, order=True)
class BaselineKey:
    path: str  # relative to the project root, with ``/``
    code: str
    fingerprint: str
    occurrence: int  # 0 for the first finding of this code on this content in the file


@dataclass
class SourceLines:
    """The lines findings point at, read once per file (notebooks: per cell)."""

    #: Sources not on disk (stdin), by the path findings carry.
    given: Mapping[str, bytes] = field(default_factory=dict)
    _lines: dict[tuple[str, int | None], list[str]] = field(default_factory=dict)

    def _load(self, path: str) -> None:
        try:
            source = self.given[path] if path in self.given else read_source(path)
        except OSError:
            source = b""
        if is_notebook(path):
            try:
                notebook = read_notebook(source)
            except NotebookError:
                notebook = None
            for cell in notebook.cells if notebook is not None else ():
                self._lines[(path, cell.number)] = cell.source.splitlines()
        from jaxlint.driver.source import decoded_hint  # with libcst: only when needed

        self._lines[(path, None)] = decoded_hint(source).splitlines()

    def line(self, finding: Finding) -> str:
        key = (finding.path, finding.cell)
        if key not in self._lines:
            self._load(finding.path)
        lines = self._lines.get(key, [])
        return lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""


def keys_of(
    findings: Sequence[Finding], settings: Settings, lines: SourceLines
) -> list[BaselineKey]:
    """One key per finding, in the order given (occurrences count in sorted order)."""
    keys: list[BaselineKey | None] = [None] * len(findings)
    seen: Counter[tuple[str, str, str]] = Counter()
    for index in sorted(range(len(findings)), key=lambda i: findings[i]):
        finding = findings[index]
        group = (
            settings.relative(finding.path),
            finding.code,
            content_fingerprint(lines.line(finding)),
        )
        keys[index] = BaselineKey(*group, seen[group])
        seen[group] += 1
    return [key for key in keys if key is not None]


def sarif_fingerprints(
    findings: Sequence[Finding], settings: Settings, lines: SourceLines
) -> list[str]:
    """``fingerprint:occurrence`` per finding, the form of SARIF's line hashes."""
    return [f"{key.fingerprint}:{key.occurrence}" for key in keys_of(findings, settings, lines)]


def write_baseline(
    path: str, findings: Sequence[Finding], settings: Settings, lines: SourceLines
) -> int:
    """Write every finding as a baseline entry (JSON); returns how many."""
    keys = keys_of(findings, settings, lines)
    entries = []
    for key, finding in sorted(zip(keys, findings, strict=True)):
        entry: dict[str, object] = {
            "path": key.path,
            "code": key.code,
            "fingerprint": key.fingerprint,
            "occurrence": key.occurrence,
        }
        if finding.cell is not None:
            entry["cell"] = finding.cell
        # For people reading the file; never used to match.
        entry["line"] = finding.line
        entry["message"] = finding.message
        entries.append(entry)
    document = {"version": BASELINE_VERSION, "tool": "jaxlint", "findings": entries}
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        write_atomically(path, data, create=True)
    except OSError as error:
        raise ConfigError(f"cannot write baseline {path}: {error.strerror or error}") from None
    return len(entries)


def read_baseline(path: str) -> frozenset[BaselineKey]:
    """The keys of a baseline file; a missing or malformed one is a usage error."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"baseline file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read baseline {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"baseline {path} is not valid JSON: {error}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("version") != BASELINE_VERSION:
        raise ConfigError(
            f"baseline {path} is not a jaxlint baseline (version {BASELINE_VERSION}); "
            "write one with --write-baseline"
        )
    keys = set()
    for entry in entries:
        try:
            keys.add(
                BaselineKey(
                    str(entry["path"]),
                    str(entry["code"]),
                    str(entry["fingerprint"]),
                    int(entry["occurrence"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"baseline {path}: malformed entry {entry!r}") from None
    return frozenset(keys)


@dataclass(frozen=True)
class BaselineFilter:
    """What a baseline leaves to report, and how much it hid."""

    new: list[Finding]
    known: int


def without_baseline(
    findings: Sequence[Finding],
    baseline: Iterable[BaselineKey],
    settings: Settings,
    lines: SourceLines,
) -> BaselineFilter:
    known = frozenset(baseline)
    keys = keys_of(findings, settings, lines)
    new = [finding for finding, key in zip(findings, keys, strict=True) if key not in known]
    return BaselineFilter(new, len(findings) - len(new))


__all__ = [
    "BaselineFilter",
    "BaselineKey",
    "SourceLines",
    "content_fingerprint",
    "keys_of",
    "read_baseline",
    "sarif_fingerprints",
    "without_baseline",
    "write_baseline",
]
