"""`pytest --jax-verify`: the plugin on a small JAX project with its own test suite.

The project is written once per module and its suite run twice in subprocesses, as a
user would run it: plainly, and under pytest-xdist with the ini switch and
`--jax-verify-warn`. The other tests observe functions in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from jaxlint.pytest_plugin import _pyproject_switch, claim_function, merge_reports

STEPS = """
from functools import partial

import jax
import jax.numpy as jnp


@jax.jit
def train_step(w, x):
    return w - 0.1 * jnp.mean(jnp.tanh(x @ w), axis=0)


@partial(jax.jit, static_argnums=1)
def scale_by_step(x, step):
    return x * step


_seen = []


@jax.jit
def leaky_step(x):
    _seen.append(x)  # a tracer kept after the trace
    return x * 2.0


@jax.jit
def noisy_step(key, x):
    noise = jax.random.normal(key, x.shape)
    keep = jax.random.bernoulli(key, 0.5, x.shape)  # the same key again
    return jnp.where(keep, x + noise, x)


@jax.custom_vjp
def wrong_sin(x):
    return jnp.sin(x)


def _wrong_sin_fwd(x):
    return jnp.sin(x), x


def _wrong_sin_bwd(x, cotangent):
    return (2.0 * jnp.cos(x) * cotangent,)  # the derivative of sin is cos


wrong_sin.defvjp(_wrong_sin_fwd, _wrong_sin_bwd)


@jax.jit
def sin_loss(x):
    return jnp.sum(wrong_sin(x))


@jax.jit
def relu_loss(x):
    return jnp.sum(jax.nn.relu(x))


def power_norm(x, ord):
    return jnp.sum(jnp.abs(x) ** ord) ** (1.0 / ord)
"""

USER_TESTS = """
from functools import partial

import jax
import jax.numpy as jnp

from mlproj.steps import (
    leaky_step, noisy_step, power_norm, relu_loss, scale_by_step, sin_loss, train_step,
)


def test_train_step():
    assert train_step(jnp.eye(2), jnp.ones((3, 2))).shape == (2, 2)


def test_scale_by_step_every_step():
    for step in range(1, 4):  # a Python counter as a static argument
        assert float(scale_by_step(jnp.ones(2), step)[0]) == step


def test_leaky_step():
    assert float(leaky_step(jnp.ones(2))[0]) == 2.0


def test_noisy_step():
    assert noisy_step(jax.random.key(0), jnp.ones(3)).shape == (3,)


def test_sin_loss():
    assert float(sin_loss(jnp.zeros(2))) == 0.0


def test_relu_loss_at_its_kink():  # relu has no derivative at 0.0
    assert float(relu_loss(jnp.array([-1.0, 0.0, 2.0]))) == 2.0


def test_fifty_norms():  # fifty functions, each traced once
    for order in range(1, 51):
        assert float(jax.jit(partial(power_norm, ord=float(order)))(jnp.ones(2))) > 0


def test_norm_again():  # the same partial rebuilt in another test: traced once per test
    assert float(jax.jit(partial(power_norm, ord=1.0))(jnp.ones(2))) > 0


def test_the_jitted_api_still_works():
    assert train_step.__wrapped__.__name__ == "train_step"
    lowered = train_step.lower(jnp.eye(2), jnp.ones((3, 2)))
    assert lowered.compile()(jnp.eye(2), jnp.ones((3, 2))).shape == (2, 2)
    assert train_step.eval_shape(jnp.eye(2), jnp.ones((3, 2))).shape == (2, 2)
    train_step.clear_cache()
"""

ALL_PASS = dict.fromkeys(("jit", "grad", "retrace", "leaks", "effects", "keys"), "pass")
EXPECTED_CHECKS = {
    "train_step": ALL_PASS,
    "scale_by_step": {**ALL_PASS, "retrace": "fail"},
    "leaky_step": {**ALL_PASS, "leaks": "fail", "effects": "fail"},
    "noisy_step": {**ALL_PASS, "keys": "fail"},
    "sin_loss": {**ALL_PASS, "grad": "fail"},
    "relu_loss": ALL_PASS,
    "power_norm": ALL_PASS,
}


def _environment(platforms: str = "cpu") -> dict[str, str]:
    environment = dict(os.environ)
    environment["JAX_PLATFORMS"] = platforms
    environment["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    environment.pop("PYTEST_XDIST_WORKER", None)  # this suite may itself run under xdist
    environment.pop("PYTEST_ADDOPTS", None)
    return environment


def _run_pytest(project: Path, *args: str, platforms: str = "cpu") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=_environment(platforms),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("jax")
    root = tmp_path_factory.mktemp("jaxproject")
    (root / "mlproj").mkdir()
    (root / "mlproj" / "__init__.py").write_text("")
    (root / "mlproj" / "steps.py").write_text(STEPS.lstrip())
    (root / "tests").mkdir()
    (root / "tests" / "test_steps.py").write_text(USER_TESTS.lstrip())
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    return root


@pytest.fixture(scope="module")
def plain_run(project: Path) -> tuple[subprocess.CompletedProcess, list[dict[str, Any]]]:
    completed = _run_pytest(project, "--jax-verify", "--jax-verify-report=plain.json")
    return completed, json.loads((project / "plain.json").read_text())


@pytest.fixture(scope="module")
def xdist_run(project: Path) -> tuple[subprocess.CompletedProcess, list[dict[str, Any]]]:
    pytest.importorskip("xdist")
    completed = _run_pytest(
        project, "-n", "2", "-o", "jax_verify=true", "--jax-verify-warn",
        "--jax-verify-report=xdist.json",
    )  # fmt: skip
    return completed, json.loads((project / "xdist.json").read_text())


def _without_times(report: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in row.items() if key != "seconds"} for row in report]


def test_verdicts_on_the_inputs_the_tests_used(plain_run: tuple) -> None:
    completed, report = plain_run
    assert [row["function"] for row in report] == [
        "mlproj.steps:train_step", "mlproj.steps:scale_by_step", "mlproj.steps:leaky_step",
        "mlproj.steps:noisy_step", "mlproj.steps:sin_loss", "mlproj.steps:relu_loss",
        "mlproj.steps:power_norm",
    ]  # fmt: skip
    rows = {row["function"].split(":")[1]: row for row in report}
    assert {name: row["checks"] for name, row in rows.items()} == EXPECTED_CHECKS
    assert {name: row["verdict"] for name, row in rows.items()} == {
        "train_step": "pass", "scale_by_step": "fail", "leaky_step": "fail",
        "noisy_step": "fail", "sin_loss": "fail", "relu_loss": "pass", "power_norm": "pass",
    }  # fmt: skip
    assert [(row["path"], row["line"]) for row in report] == [
        ("mlproj/steps.py", 7), ("mlproj/steps.py", 12), ("mlproj/steps.py", 20),
        ("mlproj/steps.py", 26), ("mlproj/steps.py", 49), ("mlproj/steps.py", 54),
        ("mlproj/steps.py", 59),
    ]  # fmt: skip
    assert {row["device"] for row in report} == {"cpu"}
    retrace = rows["scale_by_step"]["messages"]["retrace"]
    assert retrace.startswith(
        "the tests traced it 3 times (3 compiled) for one input signature (float32[2], int);"
        " at most 1 allowed (--jax-max-traces); cause: "
    )
    assert "Static(val=2)" in retrace  # explain_cache_misses names the static argument
    assert "`_seen" in rows["leaky_step"]["messages"]["leaks"]
    assert rows["noisy_step"]["messages"]["keys"].startswith("a PRNG key is used twice: ")
    assert "finite differences" in rows["sin_loss"]["messages"]["grad"]


def test_the_users_tests_still_pass_and_failed_checks_fail_the_run(plain_run: tuple) -> None:
    completed, _ = plain_run
    assert completed.stdout.splitlines()[-1].startswith("9 passed in "), completed.stdout
    assert completed.returncode == 1, completed.stdout + completed.stderr
    section = completed.stdout.split(" jaxlint verify ", 1)[1].splitlines()[1:]
    assert section[0].split() == [
        "function", "file:line", "device", "verdict", "jit", "grad", "retrace", "leaks",
        "effects", "keys",
    ]  # fmt: skip
    assert section[1].split() == [
        "mlproj.steps:train_step", "mlproj/steps.py:7", "cpu", "pass", *["pass"] * 6,
    ]  # fmt: skip
    assert section[2].split()[:4] == ["mlproj.steps:scale_by_step", "mlproj/steps.py:12", "cpu", "fail"]  # fmt: skip
    assert section[3].startswith("    retrace: the tests traced it 3 times")
    assert (
        "Verified 7 jitted functions the tests called, on cpu: 3 passed, 4 failed, 0 skipped."
        in section
    )


def test_xdist_workers_give_the_same_report(plain_run: tuple, xdist_run: tuple) -> None:
    completed, report = xdist_run
    assert _without_times(report) == _without_times(plain_run[1])
    assert completed.stdout.splitlines()[-1].startswith("9 passed in "), completed.stdout
    # The ini switch turned it on; --jax-verify-warn keeps the failures out of the exit code.
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "(--jax-verify-warn: failed checks do not fail the run)" in completed.stdout


def test_advisory_checks_report_their_failures_without_failing_the_run(project: Path) -> None:
    selected = ("-k", "noisy_step or sin_loss", "--jax-verify")  # keys and grad fail
    keys_still_fail = _run_pytest(project, *selected, "--jax-verify-warn-checks", "grad")
    assert keys_still_fail.returncode == 1, keys_still_fail.stdout + keys_still_fail.stderr
    advisory = _run_pytest(project, *selected, "--jax-verify-warn-checks=grad, keys")
    assert advisory.returncode == 0, advisory.stdout + advisory.stderr
    assert "2 failed, 0 skipped." in advisory.stdout  # still reported
    assert "(--jax-verify-warn-checks: failed grad, keys checks do not fail" in advisory.stdout
    unknown = _run_pytest(project, "--jax-verify", "--jax-verify-warn-checks", "speed")
    assert unknown.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--jax-verify-warn-checks: unknown check(s) speed" in unknown.stderr


def _has_gpu() -> bool:
    if not any(os.path.exists(path) for path in ("/dev/nvidiactl", "/dev/nvidia0")):
        return False  # no NVIDIA driver: do not even start jax to ask
    probe = "import jax; print(jax.default_backend())"
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
        env=_environment(platforms=""),
    )  # fmt: skip
    return completed.stdout.strip() == "gpu"


@pytest.mark.gpu
def test_plugin_on_the_gpu_names_the_device_and_gives_the_same_verdicts(project: Path) -> None:
    if not _has_gpu():
        pytest.skip("no GPU here")
    completed = _run_pytest(project, "--jax-verify", "--jax-verify-report=gpu.json", platforms="")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    report = json.loads((project / "gpu.json").read_text())
    assert all(row["device"].startswith("gpu: ") for row in report), report
    assert {row["function"].split(":")[1]: row["checks"] for row in report} == EXPECTED_CHECKS
    print(completed.stdout.split(" jaxlint verify ", 1)[1])  # the report, for the record


def test_the_plugin_is_inert_without_the_switch(request: pytest.FixtureRequest) -> None:
    import jax

    if request.config.getoption("jax_verify"):
        pytest.skip("this run has --jax-verify on")
    assert request.config.pluginmanager.get_plugin("jaxlint-verify") is None
    assert getattr(jax.jit, "_jaxlint_observer", None) is None


def test_pyproject_switch(tmp_path: Path) -> None:
    assert not _pyproject_switch(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.jaxlint.verify]\npytest = true\n")
    assert _pyproject_switch(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint.verify]\npytest = "yes"\n')
    assert not _pyproject_switch(tmp_path)  # only a TOML boolean switches it on


def test_merged_reports_keep_each_functions_worst_verdict() -> None:
    row = {
        "function": "m:f", "path": "m.py", "line": 3, "device": "cpu", "verdict": "pass",
        "checks": ALL_PASS, "messages": {}, "seconds": 0.5,
    }  # fmt: skip
    failed = {**row, "verdict": "fail", "checks": {**ALL_PASS, "jit": "fail"}, "seconds": 0.1}
    other = {**row, "function": "m:g", "line": 9}
    merged = merge_reports([[row, other], [failed]])
    assert [(r.function, r.verdict) for r in merged] == [("m:f", "fail"), ("m:g", "pass")]
    assert merge_reports([[failed], [row, other]])[0].to_json() == merged[0].to_json()


def test_a_function_two_workers_saw_is_verified_by_the_first_to_claim_it(tmp_path: Path) -> None:
    assert claim_function(str(tmp_path), "m.py:3:m:f")
    assert not claim_function(str(tmp_path), "m.py:3:m:f")  # the other worker
    assert claim_function(str(tmp_path), "m.py:9:m:g")
    # A folder that cannot be written: each worker verifies what it saw.
    assert claim_function(str(tmp_path / "missing"), "m.py:3:m:f")


def test_merged_reports_add_the_retraces_a_non_claiming_worker_saw() -> None:
    checked = {
        "function": "m:f", "path": "m.py", "line": 3, "device": "cpu", "verdict": "pass",
        "checks": ALL_PASS, "messages": {}, "seconds": 0.5,
    }  # fmt: skip
    only_traced = {
        **checked, "verdict": "fail", "seconds": 0.0,
        "checks": {**dict.fromkeys(ALL_PASS, "skip"), "retrace": "fail"},
        "messages": {"retrace": "the tests traced it 2 times"},
    }  # fmt: skip
    for order in ([[checked], [only_traced]], [[only_traced], [checked]]):
        (merged,) = merge_reports(order)
        assert merged.checks == {**ALL_PASS, "retrace": "fail"}
        assert merged.messages == {"retrace": "the tests traced it 2 times"}
        assert merged.verdict == "fail"
    untraced = {**only_traced, "verdict": "pass", "checks": {**only_traced["checks"], "retrace": "pass"}, "messages": {}}  # fmt: skip
    (merged,) = merge_reports([[untraced], [checked]])
    assert merged.checks == ALL_PASS and merged.verdict == "pass"


# --- the proxy, in this process ----------------------------------------------------------


@pytest.fixture()
def observed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A module of the 'project' at tmp_path, imported while jax.jit is observed."""
    pytest.importorskip("jax")
    from jaxlint.verify.observe import Observer

    (tmp_path / "observed_mod.py").write_text(
        textwrap.dedent(
            """
            import copy
            from functools import partial

            import jax
            import jax.numpy as jnp


            @jax.jit
            def double(x):
                return x * 2.0


            @partial(jax.jit, static_argnames="power")
            def raise_to(x, power=2):
                return x**power


            class Model:
                def __init__(self, scale):
                    self.scale = scale

                def __deepcopy__(self, memo):
                    raise TypeError("not copyable")

                @partial(jax.jit, static_argnums=0)
                def apply(self, x):
                    return x * self.scale

                def __hash__(self):
                    return 1

                def __eq__(self, other):
                    return isinstance(other, Model)


            @jax.jit
            def outer(x):
                return double(x) + 1.0


            def minus_one(x):
                return x - 1.0


            @jax.pmap
            def per_device(x):
                return jnp.cos(x)
            """
        )
    )
    observer = Observer(str(tmp_path))
    observer.install()
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import observed_mod

        yield observer, observed_mod
    finally:
        observer.uninstall()
        sys.modules.pop("observed_mod", None)


def test_observed_functions_return_what_jax_returns_and_keep_their_api(observed: Any) -> None:
    import jax
    import jax.numpy as jnp

    observer, module = observed
    assert getattr(jax.jit, "_jaxlint_observer", None) is observer
    x = jnp.arange(3.0)
    assert jnp.array_equal(module.double(x), x * 2.0)
    assert jnp.array_equal(module.raise_to(x, power=3), x**3)
    assert module.double.__name__ == "double"
    assert module.double.__wrapped__(x) is not None  # the plain Python function
    assert module.double.lower(x).compile()(x).shape == (3,)
    assert module.double.trace(x).jaxpr is not None
    assert module.double.eval_shape(x).shape == (3,)
    module.double.clear_cache()
    assert jnp.array_equal(module.Model(3.0).apply(x), x * 3.0)  # a jitted method binds
    assert jnp.array_equal(module.outer(x), x * 2.0 + 1.0)


def test_observation_records_first_concrete_calls_only(observed: Any) -> None:
    import jax.numpy as jnp

    from jaxlint.verify.session import rebuild_arguments, verify_observed

    observer, module = observed
    module.outer(jnp.ones(2))  # calls `double` with tracers: not a concrete call of it
    module.raise_to(jnp.ones(2), power=2)
    module.raise_to(jnp.full(2, 3.0), power=3)
    module.Model(2.0).apply(jnp.ones(2))
    assert module.per_device(jnp.zeros((1, 2))).tolist() == [[1.0, 1.0]]
    by_name = {obs.qualname: obs for obs in observer.observations.values()}
    assert by_name["double"].concrete_calls == 0 and by_name["double"].nested_calls == 1
    args, kwargs = rebuild_arguments(by_name["raise_to"])
    assert kwargs == {"power": 2} and args[0].tolist() == [1.0, 1.0]  # the first call
    # A number passed as a static argument is not part of the signature: one signature.
    assert sum(by_name["raise_to"].traces.values()) == 2
    assert len(by_name["raise_to"].traces) == 1
    module.jax.jit(module.Model.__init__)  # wrapped, never called: not reported
    # jax caches traces by function: jitting the same function again does not retrace.
    for _ in range(3):
        module.jax.jit(module.minus_one)(jnp.ones(4))
    minus_one = next(o for o in observer.observations.values() if o.qualname == "minus_one")
    assert list(minus_one.traces.values()) == [1]
    results = {r.qualname: r for r in verify_observed(observer, checks=["jit", "retrace"])}
    assert "Model.__init__" in {obs.qualname for obs in observer.observations.values()}
    assert set(results) == {"double", "raise_to", "Model.apply", "outer", "minus_one", "per_device"}
    assert results["per_device"].verdict == "pass"
    assert results["double"].verdict == "skip"
    assert "only inside other transformations" in results["double"].messages["hint"]
    assert results["raise_to"].checks["retrace"] == "fail"
    assert results["Model.apply"].checks["jit"] == "pass"  # an uncopyable self is kept as is
    assert results["outer"].verdict == "pass"


def test_functions_outside_the_project_are_not_observed(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    import jax

    from jaxlint.verify.observe import ObservedFunction, Observer

    observer = Observer(str(tmp_path / "elsewhere"))
    observer.install()
    try:
        jitted = jax.jit(lambda x: x + 1)  # defined in this test file: not the project's
    finally:
        observer.uninstall()
    assert not isinstance(jitted, ObservedFunction)
    assert observer.observations == {}


def test_inputs_that_cannot_be_recorded_are_a_skip_with_the_reason(observed: Any) -> None:
    import jax.numpy as jnp

    from jaxlint.verify.session import verify_observed

    observer, module = observed
    observer.record_limit = 8  # bytes: a float32[3] argument is over it
    assert module.double(jnp.ones(3)).tolist() == [2.0, 2.0, 2.0]
    (result,) = verify_observed(observer)
    assert result.verdict == "skip"
    assert result.messages["hint"] == (
        "its first arguments could not be recorded: they hold 12 bytes of arrays, over the "
        "8 bytes recording limit"
    )


def test_nans_option_turns_on_jax_nan_and_inf_checks(request: pytest.FixtureRequest) -> None:
    jax = pytest.importorskip("jax")
    from types import SimpleNamespace

    from jaxlint.pytest_plugin import JaxVerifyPlugin

    plugin = JaxVerifyPlugin(request.config, observing=True)
    before = (jax.config.jax_debug_nans, jax.config.jax_debug_infs)
    try:
        plugin.start_observing(SimpleNamespace(jax_verify_nans=True))
        assert plugin.problem is None
        assert (jax.config.jax_debug_nans, jax.config.jax_debug_infs) == (True, True)
        assert getattr(jax.jit, "_jaxlint_observer", None) is plugin.observer
    finally:
        if plugin.observer is not None:
            plugin.observer.uninstall()
        jax.config.update("jax_debug_nans", before[0])
        jax.config.update("jax_debug_infs", before[1])
    assert getattr(jax.jit, "_jaxlint_observer", None) is None
