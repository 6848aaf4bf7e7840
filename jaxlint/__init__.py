"""jaxlint: a purity and side-effect linter for JAX code.

``jaxlint.check(paths)`` and ``jaxlint.lint_source(source, path=...)`` lint from Python
(see :mod:`jaxlint.api`); they are imported on first use, so that ``import
jaxlint`` stays cheap.
"""

from __future__ import annotations

from jaxlint._version import __version__

__all__ = [
    "CheckFailed",
    "ConfigError",
    "JaxlintWarning",
    "ReportedFinding",
    "__version__",
    "check",
    "lint_source",
]
_PYTHON_API = frozenset(__all__) - {"__version__"}

#: ``typing.TYPE_CHECKING`` without importing typing: the command line's first imports
#: are kept few, so that Ctrl-C finds its handler in place almost at once.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from jaxlint.api import (
        CheckFailed,
        ConfigError,
        JaxlintWarning,
        ReportedFinding,
        check,
        lint_source,
    )


def __getattr__(name: str) -> Any:
    if name in _PYTHON_API:
        from jaxlint import api as python_api

        return getattr(python_api, name)
    raise AttributeError(f"module 'jaxlint' has no attribute {name!r}")
