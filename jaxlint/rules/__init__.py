"""The rules, one module per rule. The registry (:mod:`jaxlint.rules.registry`) loads them
all, and libcst with them, so it is imported on first use of one of its names: the
commands that only describe rules read :mod:`jaxlint.rules.catalog` and start fast."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jaxlint.rules.registry import (
        ALL_CODES,
        ALL_RULES,
        MODEL_RULES,
        OPT_IN_CODES,
        PREVIEW_CODES,
        RULES_BY_CODE,
        Invalid,
        Rule,
        RuleInfo,
        RuleOptions,
        Valid,
        rules_for,
    )

__all__ = [
    "ALL_CODES",
    "ALL_RULES",
    "MODEL_RULES",
    "OPT_IN_CODES",
    "PREVIEW_CODES",
    "RULES_BY_CODE",
    "Invalid",
    "Rule",
    "RuleInfo",
    "RuleOptions",
    "Valid",
    "rules_for",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("jaxlint.rules.registry"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
