"""Which files to lint: folders recursively, minus excludes and what .gitignore and
.git/info/exclude say; files named explicitly, unless ``force-exclude``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from jaxlint.config import ConfigError, Settings
from jaxlint.project.configurations import Configurations, as_configurations

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    negate: bool
    directory_only: bool


def _glob_to_regex(glob: str) -> str:
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i + 1)
            if end == -1:
                out.append(re.escape(glob[i]))
                i += 1
            else:
                body = glob[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


class GitIgnore:
    """The patterns of one .gitignore file, matched relative to its folder."""

    def __init__(self, base: str, text: str) -> None:
        self.base = base
        self.patterns: list[_Pattern] = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            directory_only = line.endswith("/")
            line = line.rstrip("/")
            anchored = "/" in line
            line = line.lstrip("/")
            if not line:
                continue
            prefix = "^" if anchored else "^(?:.*/)?"
            regex = re.compile(prefix + _glob_to_regex(line) + "$")
            self.patterns.append(_Pattern(regex, negate, directory_only))

    @classmethod
    def load(cls, folder: str, path: str | None = None) -> GitIgnore | None:
        """``folder``'s .gitignore (or the patterns file ``path``, matched from ``folder``)."""
        path = path or os.path.join(folder, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return cls(folder, handle.read())
        except OSError:
            return None

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by ``!``; None: no pattern speaks."""
        relative = os.path.relpath(path, self.base).replace(os.sep, "/")
        if relative.startswith(".."):
            return None
        result = None
        for pattern in self.patterns:
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                result = not pattern.negate
        return result


def _ignored(ignores: Sequence[GitIgnore], path: str, is_dir: bool) -> bool:
    result = False
    for ignore in ignores:  # deeper files come later and take precedence
        verdict = ignore.verdict(path, is_dir)
        if verdict is not None:
            result = verdict
    return result


def _git_directory(root: str) -> str | None:
    """The git directory of the work tree at ``root``: ``root/.git``, or where a ``.git``
    file points (``gitdir: ...``, as in linked worktrees and submodules)."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(root, first[len("gitdir:") :].strip()))


def _info_exclude(root: str) -> GitIgnore | None:
    """The repository's ``info/exclude`` (shared by linked worktrees), matched from ``root``."""
    git_directory = _git_directory(root)
    if git_directory is None:
        return None
    common = git_directory
    try:  # a linked worktree keeps info/ in the main repository's git directory
        with open(os.path.join(git_directory, "commondir"), encoding="utf-8") as handle:
            common = os.path.normpath(os.path.join(git_directory, handle.read().strip()))
    except OSError:
        pass
    return GitIgnore.load(root, os.path.join(common, "info", "exclude"))


def _folder_ignores(folder: str) -> list[GitIgnore]:
    """What ``folder`` itself contributes: at a repository root, ``.git/info/exclude``
    (weaker), then its ``.gitignore``."""
    found = []
    if os.path.lexists(os.path.join(folder, ".git")):
        exclude = _info_exclude(folder)
        if exclude is not None:
            found.append(exclude)
    own = GitIgnore.load(folder)
    if own is not None:
        found.append(own)
    return found


def _parent_ignores(folder: str) -> list[GitIgnore]:
    """Ignore files above ``folder`` up to the repository root, outermost first."""
    found: list[list[GitIgnore]] = []
    current = os.path.dirname(os.path.abspath(folder))
    while True:
        found.append(_folder_ignores(current))
        if os.path.lexists(os.path.join(current, ".git")):
            break
        parent = os.path.dirname(current)
        if parent == current:
            return []  # not inside a git repository: parents' .gitignore files do not apply
        current = parent
    return [ignore for level in reversed(found) for ignore in level]


def _git_ignored(path: str, is_dir: bool) -> bool:
    """Whether git ignores ``path``, named explicitly: it, or a folder above it (whose
    contents nothing can re-include)."""
    ignores = _parent_ignores(path)
    if not ignores:
        return False
    absolute = os.path.abspath(path)
    folders = []
    folder = os.path.dirname(absolute)
    while not os.path.lexists(os.path.join(folder, ".git")):
        folders.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return any(_ignored(ignores, folder, True) for folder in reversed(folders)) or _ignored(
        ignores, absolute, is_dir
    )


def _is_python_script(path: str) -> bool:
    """A file without a suffix whose first line is a Python shebang (``bin/tool``)."""
    if os.path.splitext(path)[1]:
        return False
    if not os.path.isfile(path):
        return False  # a FIFO or a device: reading it could hang
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def discover(
    paths: Sequence[str],
    settings: Settings | Configurations,
    warnings: list[str] | None = None,
    missing: list[str] | None = None,
    *,
    force_exclude: bool | None = None,
) -> list[str]:
    """The files to lint, in a stable order. A path that does not exist is a usage error,
    or, given a ``missing`` list, is added to it (as ruff reports it and lints the rest).

    Files found in folders honour ``exclude``, ``.gitignore`` and ``.git/info/exclude``,
    each folder's as its own configuration says. A file or folder named explicitly is
    linted even so (as ruff does), unless its settings' ``force_exclude`` (or the
    ``force_exclude`` given here); a file that is not Python is skipped with a warning.
    """
    configurations = as_configurations(settings)
    warnings = warnings if warnings is not None else []
    files: list[str] = []
    seen: set[str] = set()
    for given in paths:
        if not os.path.lexists(given):
            if missing is not None:
                missing.append(given)
                continue
            raise ConfigError(f"{given}: no such file or directory")
        is_dir = os.path.isdir(given)
        own = configurations.for_path(given)
        forced = own.force_exclude if force_exclude is None else force_exclude
        if forced and (own.is_excluded(given) or _git_ignored(given, is_dir)):
            continue
        if is_dir:
            for path in _walk(given, configurations, warnings):
                key = os.path.realpath(path)
                if key not in seen:
                    seen.add(key)
                    files.append(path)
            continue
        if not (
            given.endswith(PYTHON_SUFFIXES) or own.is_included(given) or _is_python_script(given)
        ):
            warnings.append(f"{given}: skipped (not a Python file)")
            continue
        key = os.path.realpath(given)
        if key not in seen:
            seen.add(key)
            files.append(given)
    return files


def _walk(top: str, configurations: Configurations, warnings: list[str]) -> Iterator[str]:
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[str, list[GitIgnore]]] = [(top, _parent_ignores(top))]
    while stack:
        folder, ignores = stack.pop()
        try:
            info = os.stat(folder)
        except OSError as error:
            warnings.append(f"{folder}: skipped ({error.strerror})")
            continue
        if (info.st_dev, info.st_ino) in visited:
            warnings.append(f"{folder}: skipped (symlink loop)")
            continue
        visited.add((info.st_dev, info.st_ino))
        ignores = [*ignores, *_folder_ignores(folder)]
        settings = configurations.for_folder(folder)  # its nearest configuration's
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            warnings.append(f"{folder}: skipped ({error.strerror})")
            continue
        subfolders = []
        for entry in entries:
            path = entry.path if folder != "." else entry.name
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as error:  # e.g. a symlink to itself: say so, go on
                if entry.name.endswith(PYTHON_SUFFIXES):
                    warnings.append(f"{path}: skipped ({error.strerror or error})")
                continue
            if is_dir:
                if settings.is_excluded(path) or _ignored(ignores, path, True):
                    continue
                subfolders.append(path)
            elif is_file and settings.is_included(path):
                if settings.is_excluded(path) or _ignored(ignores, path, False):
                    continue
                yield path
            elif entry.is_symlink() and settings.is_included(path):
                warnings.append(f"{path}: skipped (broken symlink)")
        for sub in reversed(subfolders):
            stack.append((sub, ignores))
