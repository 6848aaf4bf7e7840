"""What IPython does with a notebook cell's text before Python sees it, as far as the
linter needs to know: which one-line cells it runs as a line magic. Checked against
IPython by tests/test_notebooks.py."""

from __future__ import annotations

import ast
import re

#: IPython's line magics and aliases that cells call without ``%`` (automagic, on by
#: default): ``pip list``, ``cd data``. IPython applies automagic to a cell of one line only
#: (after its leading blank lines), and a name shadowed by a variable is no magic, so a
#: line is masked for it only where it is not Python. tests/test_notebooks.py checks
#: each name and the one-line condition against IPython.
AUTOMAGIC_NAMES = frozenset(
    {"pip", "conda", "mamba", "micromamba", "uv", "cd", "pwd", "ls", "cat", "cp", "mv", "rm"}
    | {"mkdir", "rmdir", "env", "set_env", "load_ext", "matplotlib", "run", "time", "timeit"}
)
_FIRST_WORD = re.compile(r"[ \t]*([A-Za-z_]\w*)")


def automagic_cell(source: str) -> bool:
    """A cell IPython runs as a line magic by automagic: after its leading blank lines,
    one line, which starts with a magic's name and is not Python (``pip list -v``)."""
    lines = source.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if len(lines) != 1:
        return False
    word = _FIRST_WORD.match(lines[0])
    if word is None or word.group(1) not in AUTOMAGIC_NAMES:
        return False
    try:
        compile(lines[0].strip(), "<cell>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except Exception:  # noqa: BLE001 - not Python: IPython's magic runs it
        return True
    return False
