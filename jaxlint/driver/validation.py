"""libcst's node checks while a file is parsed.

libcst checks every node as it is built (``CSTNode.__post_init__`` calls ``_validate``: a
regular expression per whitespace node, the brackets of each expression, the spaces
around each keyword). That is what stops code building nodes by hand (a fix) from making
a tree that prints as other code. A tree libcst's parser builds from source is made of
what its grammar accepted, which the checks restate (libcst's own note on
``__post_init__`` says they could be skipped when parsing); over jax's files they are a
twelfth of the parse (1.6 of 19 CPU s). So they are left out while a source is parsed,
and nodes built anywhere else, fixes included, are still checked; a fixed tree is still
re-parsed (libcst's parser and CPython's decide whether it is code) before it is written.
"""

from __future__ import annotations

import contextlib

from libcst import CSTNode

from jaxlint.driver.holds import ProcessWideHold

#: The check every node runs as it is built, restored once the last parse ends.
_CHECKED = CSTNode.__dict__.get("__post_init__")


def _unchecked(self: CSTNode) -> None:
    """A node built by the parser: what it holds, the grammar accepted."""


def _skip_checks() -> None:
    CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign]


def _check_again() -> None:
    CSTNode.__post_init__ = _CHECKED  # type: ignore[method-assign]


_HOLD = ProcessWideHold(_skip_checks, _check_again)


def unchecked_nodes() -> contextlib.AbstractContextManager[None]:
    """Nodes are built unchecked while the block runs (a parse), checked again once the
    last of overlapping blocks ends (the hook is libcst's, for the whole process). Where
    libcst has no such hook (another version), nothing changes."""
    return _HOLD.held() if _CHECKED is not None else contextlib.nullcontext()
