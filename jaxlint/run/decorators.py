"""Whether each ``traced-decorators`` entry can name anything: a typo there silently
leaves a wrapper's functions unchecked, so an entry that resolves to nothing is warned
about (once per run).

An entry is a dotted name as imports produce it (``mylib.compiled_step``). It resolves
when its first part is a package Python can import here (a library: nothing more is
checked, nothing is imported), or when it names a module of the project -- a ``.py`` file
or package under the project root, its ``src/`` folder, or the folder above a linted
file's top package -- and, where the rest of the name goes past that module, the next
part occurs as a word in the module's source (a function, class or re-export of that
name). Everything else resolves to nothing.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from jaxlint.config import Settings


def _importable(top: str) -> bool:
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _package_roots(files: Iterable[str]) -> set[Path]:
    """The folder above each linted file's top package (the file's own folder if none)."""
    roots: set[Path] = set()
    for file in files:
        folder = Path(os.path.abspath(file)).parent
        while (folder / "__init__.py").is_file() and folder.parent != folder:
            folder = folder.parent
        roots.add(folder)
    return roots


def _project_module(roots: Sequence[Path], parts: Sequence[str]) -> Path | None:
    """The file (or namespace folder) of module ``parts`` under one of ``roots``."""
    for root in roots:
        base = root.joinpath(*parts)
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py")
        if (base / "__init__.py").is_file():
            return base / "__init__.py"
        if base.is_dir():
            return base
    return None


def resolves(name: str, roots: Sequence[Path]) -> bool:
    parts = name.split(".")
    if not all(part.isidentifier() for part in parts):
        return False
    if _importable(parts[0]):
        return True
    for end in range(len(parts), 0, -1):
        found = _project_module(roots, parts[:end])
        if found is None:
            continue
        if end == len(parts):
            return True
        if found.is_dir():
            return False  # a namespace folder holds modules, and the next part is not one
        try:
            text = found.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True  # cannot tell: do not warn
        return re.search(rf"\b{re.escape(parts[end])}\b", text) is not None
    return False


def unresolved_decorators(
    files: Sequence[str], settings_of: Callable[[str], Settings]
) -> list[str]:
    """The ``traced-decorators`` entries that resolve to nothing, in the order met, once
    each: every file's own configuration's entries, looked for from that configuration's
    root and the package roots of the files it governs."""
    governed: dict[int, tuple[Settings, list[str]]] = {}  # by configuration
    for file in files:
        own = settings_of(file)
        if own.traced_decorators:
            governed.setdefault(id(own), (own, []))[1].append(file)
    unresolved: dict[str, None] = {}
    for own, its_files in governed.values():
        project = Path(os.path.abspath(own.root))
        roots = [project, project / "src", *sorted(_package_roots(its_files) - {project})]
        for name in dict.fromkeys(own.traced_decorators):
            if name not in unresolved and not resolves(name, roots):
                unresolved[name] = None
    return list(unresolved)
