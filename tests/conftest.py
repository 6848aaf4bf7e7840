from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")


def expected_marks(folder: Path) -> Counter[tuple[str, int, str]]:
    """(path relative to folder, line, code) for every `# expect: JL00N` mark."""
    marks: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(folder.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    marks[(path.relative_to(folder).as_posix(), number, code.strip())] += 1
    return marks


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
