"""The application corpus list (benchmarks/app_corpus.toml) pins every repository and keeps
the held-out split its rule assigns, and a heldout split that the rule never moves; the
builder selects JAX code and counts notebook lines by their code cells. Building needs the
network or mirrors, so no test builds it."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_app_corpus() -> ModuleType:
    path = ROOT / "benchmarks" / "app_corpus.py"
    spec = importlib.util.spec_from_file_location("app_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolves annotations through sys.modules
    spec.loader.exec_module(module)
    return module


app_corpus = _load_app_corpus()


def test_every_repository_is_pinned_once_with_a_split() -> None:
    repositories = app_corpus.load()
    assert len(repositories) >= 50
    names = [r.name for r in repositories]
    assert len(set(names)) == len(names)
    for repository in repositories:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repository.name), repository.name
        assert re.fullmatch(r"[0-9a-f]{40}", repository.commit), repository.name
        assert repository.split in (
            "tune",
            "validation",
            "heldout1",
            "heldout2",
            "heldout3",
            "heldout",
        ), repository.name


def test_recorded_split_is_the_one_the_rule_assigns() -> None:
    entries = [
        e
        for e in app_corpus.tomllib.loads(app_corpus.LIST.read_text())["repository"]
        if e["split"] not in ("heldout1", "heldout2", "heldout3", "heldout")
    ]
    lines = {e["repo"]: e["lines"] for e in entries}
    assert sum(lines.values()) >= 1_000_000
    assert app_corpus.assign_splits(lines) == {e["repo"]: e["split"] for e in entries}
    held_out = sum(e["lines"] for e in entries if e["split"] == "validation")
    assert 0.30 <= held_out / sum(lines.values()) <= 1 / 3


@pytest.mark.parametrize(
    ("split", "repositories", "lines"),
    [
        ("heldout1", 50, 300_000),
        ("heldout2", 37, 250_000),
        ("heldout3", 77, 250_000),
        ("heldout", 72, 345_000),
    ],
)
def test_heldout_split_is_large_and_left_out_of_all(
    split: str, repositories: int, lines: int
) -> None:
    every_repository = app_corpus.load()
    entries = app_corpus.tomllib.loads(app_corpus.LIST.read_text())["repository"]
    held_out = [e for e in entries if e["split"] == split]
    assert len(held_out) >= repositories
    assert sum(e["lines"] for e in held_out) >= lines
    assert {r.name for r in app_corpus.of_split(split, every_repository)} == {
        e["repo"] for e in held_out
    }
    every = app_corpus.of_split("all", every_repository)
    assert not {r.name for r in every} & {e["repo"] for e in held_out}
    assert all(r.split in ("tune", "validation") for r in every)


def test_split_never_moves_a_heldout_repository(tmp_path: Path, monkeypatch) -> None:
    listing = tmp_path / "list.toml"
    entries = [("o/big", "tune", 1), ("o/small", "tune", 1), ("o/kept", "heldout", 7)]
    listing.write_text(
        "# comment kept\n"
        + "".join(
            f'\n[[repository]]\nrepo = "{name}"\ncommit = "{"0" * 40}"\n'
            f'lines = {lines}\nsplit = "{split}"\n'
            for name, split, lines in entries
        )
    )
    dest = tmp_path / "corpus"
    # 9 lines and 3 lines; the heldout folder is larger than both, so counting it would
    # change which of the two the rule sends to validation.
    for folder, lines in (("o+big", 9), ("o+small", 3), ("o+kept", 100)):
        (dest / folder).mkdir(parents=True)
        (dest / folder / "a.py").write_text("import jax\n" * lines)
    monkeypatch.setattr(app_corpus, "LIST", listing)
    assert app_corpus.split(argparse.Namespace(dest=dest)) == 0
    after = {r.name: r.split for r in app_corpus.load(listing)}
    expected = app_corpus.assign_splits({"o/big": 9, "o/small": 3})
    assert after == {**expected, "o/kept": "heldout"}
    assert expected == {"o/big": "tune", "o/small": "validation"}
    text = listing.read_text()
    assert text.startswith("# comment kept\n")
    assert 'repo = "o/kept"\ncommit = "' + "0" * 40 + '"\nlines = 7\nsplit = "heldout"' in text


def test_selection_takes_jax_code_and_counts_notebook_code_cells() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# import jax\n", "prose\n"]},
            {"cell_type": "code", "source": ["import jax.numpy as jnp\n", "x = jnp.ones(3)"]},
            {"cell_type": "code", "source": "print(x)"},
        ]
    }
    data = json.dumps(notebook).encode()
    assert app_corpus.is_jax_code("a.ipynb", data)
    assert app_corpus.code_lines("a.ipynb", data) == 3
    assert app_corpus.is_jax_code("a.py", b"import os\nfrom flax import linen as nn\n")
    assert not app_corpus.is_jax_code(
        "a.py", b"import numpy as np\n# import jax\nx = 'import jax'\n"
    )
    assert not app_corpus.is_jax_code(
        "b.ipynb", json.dumps({"cells": notebook["cells"][:1]}).encode()
    )


def test_repository_takes_only_its_subfolders_and_not_its_exclusions() -> None:
    repository = app_corpus.Repository("o/n", "0" * 40, ("proj",), ("proj/third_party",), "tune")
    assert repository.takes("proj/train.py")
    assert repository.takes("proj/notes/demo.ipynb")
    assert not repository.takes("proj/third_party/lib.py")
    assert not repository.takes("other/train.py")
    assert not repository.takes("proj/README.md")


def test_every_verdict_names_a_listed_repository_a_known_verdict_and_a_reason() -> None:
    import csv

    path = ROOT / "benchmarks" / "app_corpus_verdicts.tsv"
    names = {r.name for r in app_corpus.load()}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) >= 400
    for row in rows:
        assert row["repo"] in names, row
        assert row["verdict"] in app_corpus.VERDICTS, row
        assert re.fullmatch(r"JL\d{3}", row["code"]), row
        assert re.fullmatch(r"\d+(:\d+)?", row["line"]), row
        assert row["reason"].strip(), row
    # Two findings of one code on one line (two names) share a key: they must agree.
    verdicts: dict[tuple[str, ...], set[str]] = {}
    for row in rows:
        key = (row["repo"], row["path"], row["line"], row["code"])
        verdicts.setdefault(key, set()).add(row["verdict"])
    assert all(len(v) == 1 for v in verdicts.values())
