"""Two one-file exemptions, JL002's scratch attributes and JL005's exclusive guards, and
what another module can do to them, run on jax. Each can only keep a rule silent, so
another file can make it miss a bug but never make a finding wrong; the project index
cannot tell either case (it reads no attribute loads, and that a name is rebound
elsewhere does not say it is rebound between two tests), so the rules claim nothing
there: UNKNOWN, silent."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from jaxlint import api

jax = pytest.importorskip("jax")

SAMPLER = """
import jax

import xm_switches

MODE = "train"


def sample(key, seen):
    if MODE == "train":
        seen.append(jax.random.key_data(key))
        x = jax.random.normal(key, (2,))
        xm_switches.to_eval()
    if MODE != "train":
        seen.append(jax.random.key_data(key))
        x = jax.random.normal(key, (2,))  # runs too: another module rebound MODE
    return x
"""
SWITCHES = """
import xm_sampler


def to_eval():
    xm_sampler.MODE = "eval"
"""
MODEL = """
import functools

import jax


class Cell:
    @functools.partial(jax.jit, static_argnums=0)
    def step(self, x):
        self.hidden = x * 2.0  # scratch in this file: stored, then read back here only
        return self.hidden + 1.0
"""
TRAIN = """
import jax.numpy as jnp

from xm_model import Cell

cell = Cell()
out = cell.step(jnp.ones(3))
leaked = cell.hidden  # another module reads what the trace left
"""


def _project(tmp_path: Path, files: dict[str, str]) -> list[str]:
    paths = []
    for name, source in files.items():
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        paths.append(str(path))
    return paths


def _import(tmp_path: Path, name: str) -> object:
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("xm_")]:
            del sys.modules[module]


def test_exclusive_guards_stay_silent_where_another_module_rebinds_the_subject(
    tmp_path: Path,
) -> None:
    paths = _project(tmp_path, {"xm_sampler": SAMPLER, "xm_switches": SWITCHES})
    sampler = _import(tmp_path, "xm_sampler")
    seen: list[object] = []
    sampler.sample(jax.random.key(0), seen)  # type: ignore[attr-defined]
    assert len(seen) == 2 and bool((seen[0] == seen[1]).all())  # one key, drawn twice
    # Only the call between could make both arms run: unprovable from either file.
    assert api.check(paths, select="JL005") == []


def test_a_scratch_attribute_stays_silent_where_another_module_reads_it(tmp_path: Path) -> None:
    paths = _project(tmp_path, {"xm_model": MODEL, "xm_train": TRAIN})
    train = _import(tmp_path, "xm_train")
    assert isinstance(train.leaked, jax.core.Tracer)  # type: ignore[attr-defined]
    # `cell.hidden` names an attribute, not a class: no proof that it is Cell's.
    assert api.check(paths, select="JL002") == []
