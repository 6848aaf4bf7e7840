"""The shape of a call's argument list, as the fact tables key on it."""

from __future__ import annotations

import libcst as cst


def positional_count(call: cst.Call) -> int | None:
    """How many positional arguments ``call`` passes; None behind a ``*args``."""
    count = 0
    for arg in call.args:
        if arg.star == "*":
            return None
        if arg.keyword is None and arg.star == "":
            count += 1
    return count


def keyword_names(call: cst.Call) -> frozenset[str] | None:
    """The keyword names ``call`` passes; None behind a ``**kwargs``."""
    names: set[str] = set()
    for arg in call.args:
        if arg.star == "**":
            return None
        if arg.keyword is not None:
            names.add(arg.keyword.value)
    return frozenset(names)
