"""The result cache: per-file findings, reused while nothing they depend on changes.

One JSON file per (jaxlint build, effective configuration) under ``.jaxlint_cache/`` at
the project root (or in the user cache directory when there is none: see cache_folder), mapping each file's project-relative path to the key of the content it
was linted at and the findings found there. A file's key covers its bytes, the codes
enabled for it, and a *dependency fingerprint* (what its results depend on in other
files; empty until rules look across modules). JSON, never pickle: a cache folder can
come from anywhere, and reading it must not run code.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jaxlint._version import __version__
from jaxlint.config import Settings
from jaxlint.driver.results import FileResult
from jaxlint.fix.findings import Applicability, Finding, FixSuggestion, TextEdit
from jaxlint.fsio import write_atomically

CACHE_DIR = ".jaxlint_cache"
#: 2: each finding's fix is stored with its edits; 3: and its notebook cell; 4: a header
#: line with the checksum of the rest.
_FORMAT = 5
#: What marks a folder as a project root when no configuration file was found.
_VCS_MARKERS = (".git", ".hg")


def has_project_root(settings: Settings) -> bool:
    """A configuration file was found, or ``settings.root`` is inside a repository."""
    if settings.config_path is not None:
        return True
    folder = Path(os.path.abspath(settings.root))
    return any(
        (candidate / marker).exists()
        for candidate in (folder, *folder.parents)
        for marker in _VCS_MARKERS
    )


def cache_folder(settings: Settings) -> str:
    """``.jaxlint_cache/`` at the project root; without a project root (files linted
    from a scratch folder), a folder of the user cache directory, so that nothing is
    created next to the files (``$XDG_CACHE_HOME/jaxlint/``, else ``~/.cache/jaxlint/``)."""
    if settings.cache_dir is not None:
        return settings.cache_dir  # `--cache-dir`, JAXLINT_CACHE_DIR or `cache-dir`
    root = os.path.abspath(settings.root)
    if has_project_root(settings):
        return os.path.join(root, CACHE_DIR)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.blake2b(root.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return os.path.join(base, "jaxlint", name)


def source_digest(source: bytes) -> str:
    return hashlib.blake2b(source, digest_size=16).hexdigest()


def entry_key(digest: str, codes: Iterable[str], dependencies: str = "") -> str:
    """The key of one file's results: its content digest, the codes enabled for it (which
    per-file ignores change), and ``dependencies`` -- the dependency-fingerprint hook, to
    be given ``ProjectIndex.fingerprint(path)`` once results depend on other files."""
    text = "\0".join((digest, ",".join(sorted(codes)), dependencies))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def build_fingerprint() -> str:
    """The jaxlint version plus the size and mtime of every module of the package, so an
    edited (editable-installed) rule never serves results of its previous self."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__, str(_FORMAT)]
    for path in sorted(package.rglob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def _stored_fix(fix: FixSuggestion | None) -> list[Any] | None:
    if fix is None:
        return None
    edits = [[e.line, e.column, e.end_line, e.end_column, e.content] for e in fix.edits]
    return [fix.applicability.value, fix.message, edits]


def _fix(stored: Any) -> FixSuggestion | None:
    """A stored fix back (a damaged one raises TypeError or ValueError: a miss)."""
    if stored is None:
        return None
    applicability, message, edits = stored
    return FixSuggestion(
        Applicability(applicability),
        _text(message),
        tuple(
            TextEdit(_int(line), _int(column), _int(end_line), _int(end_column), _text(content))
            for line, column, end_line, end_column, content in edits
        ),
    )


def _checksum(payload: str) -> str:
    return hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("a position is an integer")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a code, name or message is text")
    return value


def _finding(path: str, stored: Any) -> Finding:
    """A stored finding back, every field type-checked (a damaged one raises TypeError
    or ValueError: a miss)."""
    line, column, end_line, end_column, code, rule, message, fix, cell = stored
    return Finding(
        path,
        _int(line),
        _int(column),
        _int(end_line),
        _int(end_column),
        _text(code),
        _text(rule),
        _text(message),
        _fix(fix),
        cell=None if cell is None else _int(cell),
    )


class _UsedKeys(dict[str, Any]):
    """A dict that knows which keys this run read or wrote: only those are saved, so
    summaries of old file contents do not pile up."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.touched: set[str] = set()
        self.changed = False

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key in self:
            self.touched.add(key)
        return super().get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.touched.add(key)
        self.changed = True
        super().__setitem__(key, value)

    def used(self) -> dict[str, Any]:
        if not self.touched:
            return dict(self)  # the index was not needed this run: keep what we had
        return {key: self[key] for key in self.touched if key in self}


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class ResultCache:
    """Cached results for one project root and one configuration."""

    def __init__(self, settings: Settings) -> None:
        self.root = os.path.abspath(settings.root)
        self.folder = cache_folder(settings)
        name = hashlib.blake2b(
            f"{build_fingerprint()}\0{settings.cache_key()}".encode(), digest_size=12
        ).hexdigest()
        self.file = os.path.join(self.folder, f"results-{name}.json")
        #: The index's module summaries live apart: most runs (a warm one) never read them.
        self.index_file = os.path.join(self.folder, f"index-{name}.json")
        self.entries: dict[str, dict[str, Any]] = {}
        self.project: dict[str, Any] = {}
        self._index: _UsedKeys | None = None
        self.seen: set[str] = set()
        self.dirty = False
        self.stats = CacheStats()
        #: What went wrong with the cache itself, for the run to report once.
        self.warnings: list[str] = []
        data = self._read(self.file)
        if data is None:
            self.dirty = True  # damaged: rewrite it whole
        elif isinstance(data.get("entries"), dict):
            self.entries = data["entries"]
            if isinstance(data.get("project"), dict):
                self.project = data["project"]

    @property
    def index_summaries(self) -> _UsedKeys:
        """Module summaries for the project index, by content key (see ProjectIndex),
        read on first use."""
        if self._index is None:
            data = self._read(self.index_file)
            stored = data.get("index") if data is not None else None
            self._index = _UsedKeys(stored if isinstance(stored, dict) else {})
            if data is None:
                self._index.changed = True  # damaged: rewrite it
        return self._index

    def _read(self, file: str) -> dict[str, Any] | None:
        """A cache file's content: a header line (format, checksum of the rest), then the
        payload. A missing file or one of another format reads as empty, silently; a
        damaged one (truncated, edited, too deeply nested to read) is ignored with one
        warning (None: rewrite it), never served and never a crash."""
        try:
            with open(file, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return {}
        header, _, payload = text.partition("\n")
        try:
            head = json.loads(header)
        except (ValueError, RecursionError):
            head = None
        if isinstance(head, dict) and head.get("format") != _FORMAT:
            return {}  # written by another version of jaxlint
        try:
            if not isinstance(head, dict) or head.get("checksum") != _checksum(payload):
                raise ValueError("checksum")
            data = json.loads(payload)
        except (ValueError, RecursionError):
            self.warnings.append(f"ignored a damaged cache file: {file}")
            return None
        return data if isinstance(data, dict) else {}

    def project_state(self, files: Iterable[tuple[str, str]]) -> str:
        """A digest of which files a run sees and what each holds ((path, digest) pairs):
        all that cross-module facts (``ProjectIndex``) are computed from."""
        text = "\n".join(sorted(f"{self._name(path)}\t{digest}" for path, digest in files))
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def project_fingerprints(self, state: str) -> dict[str, str] | None:
        """The dependency fingerprints stored for ``state``, by path; None if other."""
        if self.project.get("state") != state:
            return None
        stored = self.project.get("fingerprints")
        if not isinstance(stored, dict):
            return None
        return {name: value for name, value in stored.items() if isinstance(value, str)}

    def remember_project(self, state: str, fingerprints: dict[str, str]) -> None:
        by_name = {self._name(path): value for path, value in fingerprints.items() if value}
        if self.project != {"state": state, "fingerprints": by_name}:
            self.project = {"state": state, "fingerprints": by_name}
            self.dirty = True

    def fingerprint_lookup(self, stored: dict[str, str]) -> Callable[[str], str]:
        return lambda path: stored.get(self._name(path), "")

    def _name(self, path: str) -> str:
        absolute = os.path.abspath(path)
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive, on Windows
            return absolute
        return absolute if relative.startswith("..") else relative.replace(os.sep, "/")

    def get(self, path: str, key: str) -> FileResult | None:
        name = self._name(path)
        self.seen.add(name)
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            self.stats.misses += 1
            return None
        try:
            findings = [_finding(path, stored) for stored in entry["findings"]]
            warnings = [f"{path}: {_text(warning)}" for warning in entry["warnings"]]
        except (KeyError, TypeError, ValueError):
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return FileResult(path, findings=findings, warnings=warnings)

    def put(self, path: str, key: str, result: FileResult) -> None:
        """Remember a plain lint result (one with internal errors is never stored)."""
        if result.errors:
            return
        prefix = f"{path}: "
        if not all(warning.startswith(prefix) for warning in result.warnings):
            return
        name = self._name(path)
        self.seen.add(name)
        self.entries[name] = {
            "key": key,
            "findings": [
                [
                    f.line,
                    f.column,
                    f.end_line,
                    f.end_column,
                    f.code,
                    f.name,
                    f.message,
                    _stored_fix(f.fix),
                    f.cell,  # a notebook's cell, else None
                ]
                for f in result.findings
            ],
            "warnings": [warning[len(prefix) :] for warning in result.warnings],
        }
        self.dirty = True

    def save(self) -> None:
        """Write the cache (atomically; a concurrent run's copy may win, which only costs
        it a re-lint). Entries of files that no longer exist are dropped."""
        for name in list(self.entries):
            if name not in self.seen and not os.path.exists(os.path.join(self.root, name)):
                del self.entries[name]
                self.dirty = True
        index = self._index
        if not self.dirty and (index is None or not index.changed):
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as handle:
                    handle.write("# Automatically created by jaxlint.\n*\n")
            if self.dirty:
                _write(self.file, {"entries": self.entries, "project": self.project})
            if index is not None and index.changed:
                _write(self.index_file, {"index": index.used()})
        except OSError as error:
            # A read-only project still lints; it just is not cached.
            self.warnings.append(f"could not write the cache ({error.strerror or error})")
            return
        self.dirty = False
        if index is not None:
            index.changed = False


def _write(file: str, content: dict[str, Any]) -> None:
    """Write a cache file (atomically; a concurrent run's copy may win, which only costs
    it a re-lint): a header line with the format and the payload's checksum, then it."""
    payload = json.dumps(content)
    header = json.dumps({"format": _FORMAT, "checksum": _checksum(payload)})
    write_atomically(file, f"{header}\n{payload}".encode(), create=True, durable=False)
