"""What the user silenced: ``# jaxlint: skip-file`` and ``# noqa`` comments."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jaxlint.findings import Finding

SKIP_FILE = re.compile(r"#\s*jaxlint:\s*skip-file", re.IGNORECASE)
NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE
)


def skips_file(text: str) -> bool:
    """Whether the file asks not to be linted at all."""
    return SKIP_FILE.search(text) is not None


def suppressed(lines: Sequence[str], finding: Finding) -> bool:
    """Whether a ``# noqa`` on the finding's first or last line silences it: a bare
    ``# noqa`` silences every code, ``# noqa: JL001, JL004`` only those."""
    for line_number in {finding.line, finding.end_line}:
        if 0 < line_number <= len(lines):
            match = NOQA.search(lines[line_number - 1])
            if match is None:
                continue
            codes = match.group("codes")
            if codes is None:
                return True
            if finding.code in {code.strip().upper() for code in codes.split(",")}:
                return True
    return False
