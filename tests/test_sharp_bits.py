"""JL004-JL007 beyond their examples: the unsafe fixes really run under jit, traced-ness
crosses modules through the project index, and the model's new facts hold."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts import jaxfacts as jf
from jaxlint.model import Fact, Point, build_model
from jaxlint.project.index import ProjectIndex
from jaxlint.run.check import CheckOptions, lint_paths

from conftest import FIXTURES, load_module


def _fix(tmp_path: Path, fixture: str, code: str) -> Path:
    target = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, target)
    settings = Settings(root=str(tmp_path), select=(code,))
    run = lint_paths([str(target)], settings, CheckOptions(fix=True, unsafe_fixes=True))
    assert run.errors == []
    assert run.fixed > 0
    cst.parse_module(target.read_bytes())  # the fixed file parses
    again = lint_paths([str(target)], settings, CheckOptions(fix=True, unsafe_fixes=True))
    assert again.fixed == 0  # idempotent
    return target


def test_print_fix_runs_under_jit(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    jax = pytest.importorskip("jax")
    fixed = _fix(tmp_path, "side_effects.py", "JL004")
    text = fixed.read_text()
    assert 'jax.debug.print("loss {loss}", loss=loss)  # expect: JL004' in text
    assert 'jax.debug.print("pred {pred} target {y}", pred=pred, y=y)  # expect: JL004' in text
    assert 'print("compiling sgd_step for", x.shape, x.dtype)' in text  # static: untouched
    module = load_module(fixed, "fixed_side_effects")
    params, x, y = module.JAXLINT_EXAMPLES["sgd_step"]()
    for _ in range(2):  # jax.debug.print prints on every call, not only while tracing
        new_params, loss = module.sgd_step(params, x, y)
        jax.block_until_ready(loss)
    jax.effects_barrier()
    out = capfd.readouterr().out
    assert out.count("loss 9.0") == 2, out
    assert "Tracer" not in out


def test_unfixed_print_shows_a_tracer_once(capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("jax")
    module = load_module(FIXTURES / "side_effects.py", "original_side_effects")
    args = module.JAXLINT_EXAMPLES["sgd_step"]()
    module.sgd_step(*args)
    module.sgd_step(*args)
    out = capfd.readouterr().out
    assert out.count("loss ") == 1 and "Trace" in out, out  # Tracer (new jax), Traced<> (old)


def test_numpy_fix_runs_under_jit(tmp_path: Path) -> None:
    jax = pytest.importorskip("jax")
    np = pytest.importorskip("numpy")
    original = load_module(FIXTURES / "numpy_on_tracer.py", "original_numpy_on_tracer")
    with pytest.raises(jax.errors.TracerArrayConversionError):
        original.normalize(*original.JAXLINT_EXAMPLES["normalize"]())

    fixed = _fix(tmp_path, "numpy_on_tracer.py", "JL007")
    text = fixed.read_text()
    assert "import numpy as np\nimport jax.numpy as jnp\n" not in text  # jnp already there
    assert "total = np.sum(x**2)  # runs" in text  # delegates to x.sum(): not flagged
    assert "norm = jnp.sqrt(total)  # expect: JL007" in text
    assert "tail = jnp.log1p(jnp.exp(-magnitude))  # expect: JL007" in text
    assert "return np.linalg.norm(x, ord=2)  # expect: JL007" in text  # no jnp twin: kept
    assert "scale = np.prod(x.shape)" in text  # static: untouched
    module = load_module(fixed, "fixed_numpy_on_tracer")
    for name, reference in module.NUMPY_REFERENCES.items():
        (x,) = module.JAXLINT_EXAMPLES[name]()
        got = getattr(module, name)(x)
        np.testing.assert_allclose(np.asarray(got), reference(np.asarray(x)), rtol=1e-5)


def test_numpy_fix_adds_the_import() -> None:
    source = textwrap.dedent("""
        import jax
        import numpy as onp

        @jax.jit
        def f(x):
            return onp.tanh(x)
        """)
    result = lint_python_source(
        source, "f.py", Settings(select=("JL007",)), fix=True, unsafe_fixes=True
    )
    assert result.fixed_source is not None
    fixed = result.fixed_source.decode()
    assert "import numpy as onp\nimport jax.numpy as jnp\n" in fixed
    assert "return jnp.tanh(x)" in fixed
    namespace: dict[str, object] = {}
    pytest.importorskip("jax")
    exec(compile(fixed, "f.py", "exec"), namespace)  # noqa: S102 - our own fixed text
    assert float(namespace["f"](0.0)) == 0.0  # type: ignore[operator]


def test_numpy_twins_exist_in_both_libraries() -> None:
    np = pytest.importorskip("numpy")
    jnp = pytest.importorskip("jax.numpy")
    missing = sorted(
        name
        for name in jf.NUMPY_JNP_SAME_SIGNATURE
        if not (hasattr(np, name) and hasattr(jnp, name))
    )
    assert missing == []


def test_cross_module_findings_say_how(tmp_path: Path) -> None:
    # A copy outside any project root: the index covers exactly the linted files.
    package = tmp_path / "crossmod"
    shutil.copytree(FIXTURES / "crossmod", package)
    run = lint_paths([str(package)], Settings(root=str(tmp_path)), CheckOptions())
    assert run.errors == []
    found = sorted((Path(f.path).name, f.line, f.code) for f in run.findings)
    assert found == [
        ("utils.py", 12, "JL004"),
        ("utils.py", 13, "JL002"),
        ("utils.py", 14, "JL004"),
    ]
    message = run.findings[0].message
    assert "in log_metrics, called from the jitted train_step in train.py:19" in message
    # Alone, and outside a project, utils.py has no traced code (inside a project the
    # index covers the project: tests/test_scope.py).
    alone = lint_paths([str(package / "utils.py")], Settings(root=str(tmp_path)), CheckOptions())
    assert alone.findings == []


def _write(root: Path, files: dict[str, str]) -> list[str]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        paths.append(str(path))
    return paths


def test_index_follows_aliases_reexports_and_chains(tmp_path: Path) -> None:
    paths = _write(
        tmp_path,
        {
            "pkg/__init__.py": "from .ops import scale\n",
            "pkg/ops.py": """
                from pkg import deep
                def scale(x):
                    return deep.leaf(x) * 2
                def unused(x):
                    return x
                """,
            "pkg/deep.py": """
                def leaf(x):
                    return x
                """,
            "pkg/step.py": """
                import jax
                import pkg.ops as o
                from pkg import scale
                def local_helper(x):
                    return scale(x)
                @jax.jit
                def step(x):
                    return o.scale(local_helper(x))
                """,
        },
    )
    index = ProjectIndex(paths)
    ops, deep, step = (str(tmp_path / "pkg" / name) for name in ("ops.py", "deep.py", "step.py"))
    assert index.external_traced(step) == {}  # its own traced code is the model's business
    assert set(index.external_traced(ops)) == {"scale"}
    assert index.external_traced(ops) == {"scale": "called from the jitted step in step.py:9"}
    assert index.external_traced(deep) == {
        "leaf": "called from scale in ops.py:4, reached from the jitted step in step.py:8"
    }
    assert index.fingerprint(step) == ""
    assert index.fingerprint(ops) == ProjectIndex(list(reversed(paths))).fingerprint(ops)
    assert index.fingerprint(ops) != index.fingerprint(deep)


def test_index_cites_the_first_call_it_meets(tmp_path: Path) -> None:
    paths = _write(
        tmp_path,
        {
            "helpers.py": "def log(x):\n    return x\n\ndef inner(x):\n    return x\n",
            "train.py": """
                import jax
                from helpers import inner, log
                @jax.jit
                def step(x):
                    y = log(x)
                    return log(y)[inner(y)]
                """,
        },
    )
    index = ProjectIndex(paths)
    assert index.external_traced(paths[0]) == {
        "log": "called from the jitted step in train.py:6",
        "inner": "called from the jitted step in train.py:7",
    }


CROSS_MODULE_STALE = {
    "stalecfg/__init__.py": "",
    "stalecfg/config.py": """
        import jax
        scale = 1.0
        offset = 0.5
        @jax.jit
        def apply(x):
            return x * scale + offset
        """,
    "stalecfg/train.py": """
        import jax
        import jax.numpy as jnp
        from stalecfg import config
        def run():
            first = config.apply(jnp.ones(2))
            config.scale = 2.0  # the compiled apply keeps 1.0
            return first, config.apply(jnp.ones(2)), jax.jit(lambda x: x)(first)
        """,
}


def test_a_name_another_module_rebinds_is_a_stale_global(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _write(tmp_path, CROSS_MODULE_STALE)
    config = str(tmp_path / "stalecfg" / "config.py")
    index = ProjectIndex(paths)
    assert index.external_rebound(config) == {"scale": "train.py:7"}
    assert index.external_rebound(str(tmp_path / "stalecfg" / "train.py")) == {}
    assert index.fingerprint(config) != ""
    run = lint_paths([str(tmp_path / "stalecfg")], Settings(root=str(tmp_path)), CheckOptions())
    found = [(Path(f.path).name, f.line, f.code) for f in run.findings]
    assert found == [("config.py", 7, "JL010")]  # `scale`; `offset` is never rebound
    assert "rebound at train.py:7" in run.findings[0].message
    # Alone, config.py has nothing to say: the rebinding is in the other file.
    alone = lint_paths([config], Settings(root=str(tmp_path)), CheckOptions())
    assert alone.findings == []
    # And at runtime the compiled function keeps the value it was traced with.
    jnp = pytest.importorskip("jax.numpy")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("stalecfg", "stalecfg.config", "stalecfg.train"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    train = importlib.import_module("stalecfg.train")
    first, second, _ = train.run()
    assert float(second[0]) == float(first[0]) == 1.5
    eager = train.config.apply.__wrapped__  # the same code, not compiled
    assert float(eager(jnp.ones(2))[0]) == 2.5


CROSS_MODULE_OPTIONS = {
    "steps.py": """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="step")
        def train_step(params, step):
            return params * 0.99 if step % 2 else params
        def _update(params, grads):
            return params - grads
        update = jax.jit(_update, donate_argnums=0)
        """,
    "run.py": """
        from steps import train_step, update
        def train(params, grads, num_steps):
            for step in range(num_steps):
                params = train_step(params, step)  # a new program per step
            new = update(params, grads)
            return new + params  # params was donated to update
        def sweep(params):
            return [train_step(params, step) for step in (0, 1)]  # two settings: fine
        """,
}


def test_calls_of_functions_jitted_in_another_module_are_checked(tmp_path: Path) -> None:
    paths = _write(tmp_path, CROSS_MODULE_OPTIONS)
    run_py = str(tmp_path / "run.py")
    index = ProjectIndex(paths)
    assert index.external_jitted(run_py) == {
        "train_step": {"static_argnums": ((1,), ("step",))},
        "update": {"donate_argnums": ((0,), ("params",))},
    }
    assert index.fingerprint(run_py) != ""
    run = lint_paths([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions())
    found = [(Path(f.path).name, f.line, f.code) for f in run.findings]
    assert found == [("run.py", 5, "JL014"), ("run.py", 7, "JL015")]
    # run.py alone cannot know what steps.py jits: silent, not wrong.
    assert lint_paths([run_py], Settings(root=str(tmp_path)), CheckOptions()).findings == []


def test_index_ignores_grad_only_callers_and_broken_files(tmp_path: Path) -> None:
    paths = _write(
        tmp_path,
        {
            "a.py": """
                import jax
                from b import helper
                def loss(x):
                    return helper(x)
                g = jax.grad(loss)
                """,
            "b.py": "def helper(x):\n    print(x)\n    return x\n",
            "c.py": "def broken(:\n",
        },
    )
    index = ProjectIndex(paths)
    assert index.external_traced(str(tmp_path / "b.py")) == {}


def _model(source: str):
    return build_model(cst.parse_module(textwrap.dedent(source)))


def test_traced_value_oracle() -> None:
    model = _model("""
        import jax
        import jax.numpy as jnp
        import math
        K = 3
        @jax.jit
        def f(x, y=2):
            a = x * 2
            n = x.shape[0]
            b = jnp.zeros(n)
            c = len(x) + K + math.pi
            d, e = x.shape
            return a
        """)
    function = next(s for s in model.functions if s.name == "f")
    values = {
        b.name: model.traced_fact(b.value, Point(function, b.ordinal))
        for name in "abcden"
        for b in function.bindings[name]
    }
    yes, no = Fact.YES, Fact.NO
    assert values == {"a": yes, "n": no, "b": yes, "c": no, "d": no, "e": no}


def test_reaches_respects_arms_and_returns() -> None:
    model = _model("""
        def f(c, d):
            if c:
                g(1)
                return
            elif d:
                g(2)
            else:
                g(3)
            g(4)
        """)
    calls = {site.node.args[0].value.value: site for site in model.calls}  # type: ignore[attr-defined]
    assert not model.reaches(calls["1"], calls["4"])
    assert not model.reaches(calls["2"], calls["3"])
    assert model.reaches(calls["2"], calls["4"])
    assert model.reaches(calls["3"], calls["4"])


def test_index_stops_at_memoized_setup(tmp_path: Path) -> None:
    """A memoized function (functools.lru_cache, or a helper named ``cache``) runs once per
    process: what it reaches is setup, not traced code, in another module or its own."""
    paths = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/backend.py": """
                import functools
                import json
                def _read_config(path):
                    with open(path) as f:
                        return json.load(f)
                @functools.lru_cache
                def get_backend():
                    return _read_config("plugins.json")
                def platform():
                    return "cpu"
                """,
            "pkg/step.py": """
                import jax
                from pkg import backend
                @jax.jit
                def step(x):
                    backend.get_backend()
                    backend.platform()
                    return x
                """,
        },
    )
    index = ProjectIndex(paths)
    assert set(index.external_traced(str(tmp_path / "pkg" / "backend.py"))) == {"platform"}
    result = lint_paths([str(tmp_path)], Settings(root=str(tmp_path)), CheckOptions())
    assert [f.code for f in result.findings] == []
