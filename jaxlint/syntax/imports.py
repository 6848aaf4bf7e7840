"""What an import statement binds, read once for both trees (libcst and ``ast``):
local name -> the dotted name it stands for."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

import libcst as cst

from jaxlint.syntax.chains import dotted

ImportStatement = cst.Import | cst.ImportFrom | ast.Import | ast.ImportFrom


def imported_names(
    statement: ImportStatement, package: str | None = None
) -> Iterator[tuple[str, str]]:
    """(local name, dotted target) for each name ``statement`` binds.

    ``import a.b`` binds ``a`` to ``a``; ``import a.b as c`` binds ``c`` to ``a.b``;
    ``from x import y as z`` binds ``z`` to ``x.y``; ``from x import *`` binds nothing
    we can name. Relative imports are resolved against ``package`` (the package the
    module is in; a package's ``__init__`` is in itself); without one they keep their
    dots (``from ..x import y`` -> ``..x.y``), as they do when they climb above it.
    """
    if isinstance(statement, cst.Import | ast.Import):
        for name, alias in _aliases(statement):
            if alias is not None:
                yield alias, name
            else:
                top = name.split(".")[0]
                yield top, top
        return
    if isinstance(statement, cst.ImportFrom):
        if isinstance(statement.names, cst.ImportStar):
            return
        level = len(statement.relative)
        module = dotted(statement.module) if statement.module is not None else ""
    else:
        level, module = statement.level, statement.module or ""
    base = _resolved(level, module or "", package)
    for name, alias in _aliases(statement):
        if name == "*":
            continue
        if not base or base.endswith("."):  # ``from . import y``: no dot to add
            target = base + name
        else:
            target = f"{base}.{name}"
        yield alias or name, target


def import_table(
    statements: Iterable[ImportStatement], package: str | None = None
) -> dict[str, set[str]]:
    """Local name -> every dotted name the statements bind it to (an ``import`` in an
    ``if``/``try`` may bind one name to several modules)."""
    table: dict[str, set[str]] = {}
    for statement in statements:
        for local, target in imported_names(statement, package):
            table.setdefault(local, set()).add(target)
    return table


def _aliases(statement: ImportStatement) -> Iterator[tuple[str, str | None]]:
    """(imported dotted name, ``as`` name or None) for each alias of the statement."""
    if isinstance(statement, ast.Import | ast.ImportFrom):
        for alias in statement.names:
            yield alias.name, alias.asname
        return
    if isinstance(statement.names, cst.ImportStar):
        return
    for item in statement.names:
        asname = item.asname.name if item.asname is not None else None
        yield (
            dotted(item.name) or "",
            asname.value if isinstance(asname, cst.Name) else None,
        )


def _resolved(level: int, module: str, package: str | None) -> str:
    """The absolute module ``from <level dots><module> import`` names, when ``package``
    is known and deep enough; else the relative spelling, dots and all."""
    if level == 0:
        return module
    anchor = package.split(".") if package else []
    # Each dot past the first climbs one package; climbing past the top is an error
    # to Python. (A module outside any package reads ``from . import x`` as ``x``.)
    if package is None or (level > 1 and level - 1 >= len(anchor)):
        return "." * level + module
    anchor = anchor[: len(anchor) - (level - 1)]
    return ".".join([*anchor, module] if module else anchor)
