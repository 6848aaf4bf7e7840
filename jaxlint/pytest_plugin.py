"""pytest plugin: `pytest --jax-verify` verifies every jitted function the tests call.

Registered through the `pytest11` entry point and inert unless switched on, by
`--jax-verify`, `jax_verify = true` in pytest's ini options, or `pytest = true` under
`[tool.jaxlint.verify]` in pyproject.toml. Then, in each process that runs tests:

- `jax.jit` and friends are observed (`jaxlint.verify.observe`): first concrete
  arguments recorded, traces and compilations counted per input signature;
- at the end, the verify checks run on the recorded inputs, `retrace` also failing a
  function the tests traced more than `--jax-max-traces` times for one signature;
- the report is a terminal-summary section and, with `--jax-verify-report FILE`, the
  JSON of `jaxlint verify --format json`. A failed check makes the run exit 1, unless
  `--jax-verify-warn` (all checks advisory) or `--jax-verify-warn-checks` names it.

Under pytest-xdist each worker observes its own tests and checks the functions it is the
first to claim (a file per function in a folder the controller makes), so a function
two workers saw is verified once; the controller merges their reports. Nothing here imports jax until the plugin is switched on, and nothing the
plugin does makes a passing test fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pytest

from jaxlint.config import ConfigError, load_settings
from jaxlint.verify.result import CHECK_NAMES, FAIL, PASS, SKIP, FunctionResult

if TYPE_CHECKING:
    from jaxlint.verify.observe import Observer

WORKER_OUTPUT_KEY = "jaxlint_verify"
#: The folder in which xdist workers claim the functions they verify.
CLAIMS_KEY = "jaxlint_verify_claims"
VERDICT_RANK = {FAIL: 0, PASS: 1, SKIP: 2}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jaxlint", "jaxlint: runtime checks of the jitted functions tested")
    group.addoption(
        "--jax-verify",
        action="store_true",
        default=False,
        help="Verify every function wrapped by jax.jit (pmap, pjit, filter_jit, nnx.jit) that "
        "the tests call, on the inputs they call it with.",
    )
    group.addoption(
        "--jax-verify-warn",
        action="store_true",
        default=False,
        help="Report failed checks without failing the run.",
    )
    group.addoption(
        "--jax-verify-warn-checks",
        default=None,
        metavar="CHECKS",
        help="Report failures of these checks (comma-separated) without failing the run; "
        "the other checks still fail it.",
    )
    group.addoption(
        "--jax-verify-nans",
        action="store_true",
        default=False,
        help="Run the tests with jax_debug_nans and jax_debug_infs on.",
    )
    group.addoption(
        "--jax-verify-report",
        metavar="FILE",
        default=None,
        help="Write the report as JSON (the shape of `jaxlint verify --format json`).",
    )
    group.addoption(
        "--jax-max-traces",
        type=int,
        default=1,
        metavar="N",
        help="Fail `retrace` for a function traced more than N times for one input "
        "signature (default 1).",
    )
    group.addoption(
        "--jax-verify-checks",
        default=None,
        metavar="CHECKS",
        help=f"Checks to run, comma-separated: {', '.join(CHECK_NAMES)} (default: all).",
    )
    parser.addini("jax_verify", type="bool", default=False, help="Switch on --jax-verify.")


def _pyproject_switch(root: Any) -> bool:
    """`[tool.jaxlint.verify] pytest = true` in the project's configuration, read as the
    linter reads it. A broken configuration leaves the plugin off: the user's tests run."""
    try:
        return load_settings(None, str(root)).verify_pytest
    except ConfigError:
        return False


def _switched_on(config: pytest.Config, options: Any) -> bool:
    if getattr(options, "jax_verify", False):
        return True
    try:
        if config.getini("jax_verify"):
            return True
    except (ValueError, KeyError):
        pass
    return _pyproject_switch(config.rootpath)


def _is_xdist_controller(options: Any) -> bool:
    """The process that hands tests to xdist workers and runs none itself."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return False
    # `-n N` (N > 0, or auto) distributes; xdist turns the default `--dist no` into load.
    return bool(getattr(options, "numprocesses", None))


class JaxVerifyPlugin:
    """One session's observation, checks and report."""

    def __init__(self, config: pytest.Config, *, observing: bool) -> None:
        self.config = config
        self.observing = observing
        self.observer: Observer | None = None
        self.results: list[FunctionResult] = []
        self.worker_reports: list[list[dict[str, Any]]] = []
        self.problem: str | None = None  # the plugin's own failure, reported not raised
        self.claims: str | None = None  # xdist controller: the workers' claims folder

    # --- set up ------------------------------------------------------------------------

    def start_observing(self, options: Any) -> None:
        if not self.observing or self.observer is not None:
            return
        try:
            import jax

            from jaxlint.verify.observe import Observer

            if getattr(options, "jax_verify_nans", False):
                jax.config.update("jax_debug_nans", True)
                jax.config.update("jax_debug_infs", True)
            patterns = self.config.getini("python_files") or ["test_*.py", "*_test.py"]
            started_in = str(self.config.invocation_params.dir)
            # The project: pytest's rootdir, widened to where pytest was started (without
            # an ini file, `pytest tests/` makes tests/ the rootdir).
            project = os.path.commonpath([str(self.config.rootpath), started_in])
            self.observer = Observer(project, report_base=started_in, test_file_patterns=patterns)
            self.observer.install()
        except Exception as error:
            self.problem = f"could not observe jax ({type(error).__name__}: {error})"
            self.observer = None

    def selected_checks(self) -> list[str]:
        option = self.config.getoption("jax_verify_checks")
        if not option:
            return list(CHECK_NAMES)
        return _check_names("--jax-verify-checks", option)

    def advisory_checks(self) -> list[str]:
        """Checks whose failures are reported but do not fail the run."""
        if self.config.getoption("jax_verify_warn"):
            return list(CHECK_NAMES)
        option = self.config.getoption("jax_verify_warn_checks")
        return _check_names("--jax-verify-warn-checks", option) if option else []

    # --- hooks -------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.observer is not None:
            self.observer.current_test = item.nodeid

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        try:
            self._finish()
        except Exception as error:
            self.problem = f"verification did not finish ({type(error).__name__}: {error})"
        if hasattr(self.config, "workerinput"):
            self.config.workeroutput[WORKER_OUTPUT_KEY] = json.dumps(  # type: ignore[attr-defined]
                {"results": [r.to_json() for r in self.results], "problem": self.problem}
            )
            return
        if self.claims is not None:
            shutil.rmtree(self.claims, ignore_errors=True)
        try:
            self._write_report()
        except OSError as error:
            self.problem = f"could not write the report: {error}"
        if self._fails_the_run():
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: hand each worker the folder where functions are claimed."""
        try:
            if self.claims is None:
                self.claims = tempfile.mkdtemp(prefix="jaxlint-verify-claims-")
            node.workerinput[CLAIMS_KEY] = self.claims
        except OSError:
            pass  # every worker verifies what it saw, as without claims

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist controller: a worker finished; keep its report."""
        output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
        if not output:
            return
        report = json.loads(output)
        self.worker_reports.append(report["results"])
        if report.get("problem") and self.problem is None:
            self.problem = f"worker {node.gateway.id}: {report['problem']}"

    def _finish(self) -> None:
        if self.observer is not None:
            from jaxlint.verify.session import verify_observed

            self.observer.uninstall()  # the checks make their own jits
            claims = getattr(self.config, "workerinput", {}).get(CLAIMS_KEY)
            self.results = verify_observed(
                self.observer,
                checks=self.selected_checks(),
                max_traces=self.config.getoption("jax_max_traces"),
                claim=(lambda key: claim_function(claims, key)) if claims else None,
            )
        if self.worker_reports:
            self.results = merge_reports(
                [*self.worker_reports, [r.to_json() for r in self.results]]
            )

    def _failed(self) -> bool:
        return any(result.verdict == FAIL for result in self.results)

    def _fails_the_run(self) -> bool:
        """A failure outside the advisory checks: a failed check, or a function that
        could not run at all (an import error, a crash) unless every check is advisory."""
        advisory = set(self.advisory_checks())
        if advisory == set(CHECK_NAMES):
            return False
        for result in self.results:
            failed = {name for name, status in result.checks.items() if status == FAIL}
            if failed - advisory or (result.verdict == FAIL and not failed):
                return True
        return False

    def _write_report(self) -> None:
        path = self.config.getoption("jax_verify_report")
        if not path:
            return
        from jaxlint.verify.report import render_json

        with open(path, "w", encoding="utf-8") as file:
            file.write(render_json(self.results))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        terminalreporter.write_sep("=", "jaxlint verify")
        try:
            lines = render_summary(self.results)
        except Exception as error:
            lines = []
            self.problem = self.problem or f"could not render the report: {error}"
        for line in lines:
            terminalreporter.write_line(line)
        if self.problem:
            terminalreporter.write_line(f"jaxlint verify: {self.problem}")
        if self._failed() and self.config.getoption("jax_verify_warn"):
            terminalreporter.write_line("(--jax-verify-warn: failed checks do not fail the run)")
        elif self._failed() and self.advisory_checks():
            advisory = ", ".join(self.advisory_checks())
            terminalreporter.write_line(
                f"(--jax-verify-warn-checks: failed {advisory} checks do not fail the run)"
            )


def _check_names(option: str, value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in CHECK_NAMES]
    if unknown:
        raise pytest.UsageError(
            f"{option}: unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECK_NAMES)}"
        )
    return [name for name in CHECK_NAMES if name in names]


def claim_function(folder: str, key: str) -> bool:
    """Whether this worker is the first to claim the function `key` (a file created in
    `folder`, atomically). Where the folder cannot be written, every worker verifies."""
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    try:
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    except OSError:
        return True
    return True


def merge_reports(reports: Sequence[Sequence[dict[str, Any]]]) -> list[FunctionResult]:
    """One row per function. Rows of one function from several workers merge check by
    check, the worst status winning with its message: a worker that left the checks to
    another (which claimed the function) still adds what its own tests traced."""
    groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for report in reports:
        for row in report:
            groups.setdefault((row["function"], row["path"], row["line"]), []).append(row)
    merged = []
    for _, rows in sorted(groups.items()):
        first, *others = sorted(rows, key=_rank)
        result = FunctionResult.from_json(first)
        for row in others:
            other = FunctionResult.from_json(row)
            for name in CHECK_NAMES:
                if VERDICT_RANK[other.checks[name]] < VERDICT_RANK[result.checks[name]]:
                    result.checks[name] = other.checks[name]
                    result.messages.pop(name, None)
                    if name in other.messages:
                        result.messages[name] = other.messages[name]
            result.forced_fail = result.forced_fail or other.forced_fail
            result.seconds += other.seconds
        merged.append(result)
    return merged


def _rank(row: dict[str, Any]) -> tuple[int, int, str]:
    """Worst verdict first; then the row that ran the most checks (the claimant's)."""
    ordered = {key: value for key, value in row.items() if key != "seconds"}
    ran = sum(status != SKIP for status in row.get("checks", {}).values())
    return VERDICT_RANK.get(row["verdict"], 3), -ran, json.dumps(ordered, sort_keys=True)


def render_summary(results: Sequence[FunctionResult]) -> list[str]:
    """The terminal section: function, file:line, device, verdict, each check, the causes."""
    from jaxlint.verify.report import shown_messages, sort_results

    if not results:
        return ["No jitted function of the project was called by the tests."]
    ordered = sort_results(results)
    headers = ("function", "file:line", "device", "verdict", *CHECK_NAMES)
    rows = [
        (
            result.function,
            f"{result.path}:{result.line}",
            result.device.split(":", 1)[0] if result.device else "-",
            result.verdict,
            *(
                "-" if result.messages.get(name) == "not selected" else result.checks[name]
                for name in CHECK_NAMES
            ),
        )
        for result in ordered
    ]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(headers)]
    for result, row in zip(ordered, rows, strict=True):
        lines.append(line(row))
        lines.extend(f"    {key}: {message}" for key, message in shown_messages(result))
    counts = {verdict: sum(r.verdict == verdict for r in ordered) for verdict in VERDICT_RANK}
    devices = sorted({result.device for result in ordered if result.device})
    noun = "function" if len(ordered) == 1 else "functions"
    lines.append(
        f"Verified {len(ordered)} jitted {noun} the tests called, on {', '.join(devices) or '-'}:"
        f" {counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped."
    )
    return lines


# --- registration ----------------------------------------------------------------------------

PLUGIN_NAME = "jaxlint-verify"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: Any, args: Any) -> None:
    """Observe before conftest.py files import the project: decorators run at import."""
    options = early_config.known_args_namespace
    if not _switched_on(early_config, options):
        return
    plugin = JaxVerifyPlugin(early_config, observing=not _is_xdist_controller(options))
    early_config.pluginmanager.register(plugin, PLUGIN_NAME)
    plugin.start_observing(options)


def pytest_configure(config: pytest.Config) -> None:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if plugin is None:
        if not _switched_on(config, config.option):
            return
        plugin = JaxVerifyPlugin(config, observing=not _is_xdist_controller(config.option))
        config.pluginmanager.register(plugin, PLUGIN_NAME)
        plugin.start_observing(config.option)
    # An unknown check name is a usage error now, not at the end.
    plugin.selected_checks()
    plugin.advisory_checks()
