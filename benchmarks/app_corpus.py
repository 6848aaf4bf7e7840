"""Build and score the application corpus: JAX code from repositories that are not packages.

    python benchmarks/app_corpus.py build DEST [--mirrors DIR] [--only NAME,...]
    python benchmarks/app_corpus.py split --dest DEST
    python benchmarks/app_corpus.py score DEST --split tune|validation|heldout1|heldout2|heldout3|heldout|all
                                      [--verdicts FILE] [--select CODES] [--out FILE]

``benchmarks/app_corpus.toml`` pins each repository (owner/name) at a commit, with the
folders to take (none: the whole repository) and the split it belongs to. ``build``
exports, from that commit only, the Python files and notebooks that import a JAX-family
library into ``DEST/owner+name/`` (keeping their paths). It reads a local bare mirror
``DIR/owner+name`` (or ``DIR/owner+name/repo``) when ``--mirrors`` is given, and otherwise
fetches the pinned commit from GitHub.

``split`` (run once, before anyone read a finding) assigns whole repositories to the
``validation`` split by a rule fixed in advance: repositories in the order of the sha1 of
``owner/name``, each going to validation while that keeps validation at or under a third
of all lines, to tune otherwise. It writes the line counts and the split into the toml.
Repositories of the ``heldout`` split, added later and pinned before anyone ran jaxlint on
them, keep their split: ``split`` neither moves them nor counts their lines.

``score`` runs this interpreter's jaxlint with every rule (or ``--select``) on the
repositories of a split and prints lines and findings per rule, separately for the rules
jaxlint reports by default and the opt-in ones; with a verdicts file also how many are
real bugs, intended, false alarms or unclassified, and the default rules' false alarms
per 100k lines. A verdict matches a finding by repository, path, line (``cell:line`` in a
notebook) and code, or else by repository, path, code and the line's stripped text. A
file that hangs the linter is reported as not finished, not waited for. Tune models only
on the tune split; the validation split measures how the linter does on unseen code, and
the heldout split, read by no one who tunes, how it does on code truly unseen. ``all``
is tune and validation: heldout is scored only by naming it. ``heldout1``, ``heldout2`` and
``heldout3`` were earlier heldout splits: each one's score was reported once (stops 21,
22 and 23), then it was released to tuning.

Verdicts: ``real`` is a finding whose claim holds and whose code misbehaves under the
transform; ``intended`` is a true claim about code that does it on purpose or harmlessly
(a tutorial cell, common random numbers across a sweep); ``false`` is a claim that is
wrong on that code. For key reuse (JL005) the standard is JAX's documented contract, not
the bits one jax version draws: a key consumed by a draw or a split (directly, or in a
call that does one; a call that draws nothing consumes nothing) and then consumed again
is reuse, ``real`` unless on purpose. With
``jax_threefry_partitionable`` on (jax 0.5 and later) a draw and a split of one key share
no bits, but older versions share them exactly and ``jax.experimental.key_reuse`` flags
both; every split is judged by this rule so that their figures compare.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the project supports 3.10, whose tomllib is the tomli package
    import tomli as tomllib

LIST = Path(__file__).with_name("app_corpus.toml")
SPLITS = ("tune", "validation")  # the ones `split` assigns
HELD_OUT = "heldout"  # assigned by hand when pinned; `split` never moves it
# A held-out set whose first score was reported, released to tuning; `split` never
# moves it either, and `all` leaves it out so that tune/validation figures stay comparable.
RELEASED = ("heldout1", "heldout2", "heldout3")
VERDICTS = ("real", "intended", "false")
EXTENSIONS = (".py", ".ipynb")
# A file belongs to the corpus when one of its lines imports a JAX-family library: the
# selection is "JAX code", not the data pipelines and scripts that sit beside it.
JAX_IMPORT = re.compile(
    rb"^[ \t]*(?:import|from)[ \t]+(?:jax|flax|haiku|optax|equinox|chex|rlax|objax|trax"
    rb"|jraph|distrax|orbax|penzai|praxis|paxml)\b",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Repository:
    name: str  # owner/name
    commit: str
    subfolders: tuple[str, ...]
    exclude: tuple[str, ...]
    split: str

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")

    def takes(self, path: str) -> bool:
        if not path.endswith(EXTENSIONS):
            return False
        if self.subfolders and not any(
            path.startswith(s.rstrip("/") + "/") for s in self.subfolders
        ):
            return False
        return not any(path.startswith(e.rstrip("/") + "/") or path == e for e in self.exclude)


def load(path: Path = LIST) -> list[Repository]:
    data = tomllib.loads(path.read_text())
    return [
        Repository(
            name=entry["repo"],
            commit=entry["commit"],
            subfolders=tuple(entry.get("subfolders", ())),
            exclude=tuple(entry.get("exclude", ())),
            split=entry.get("split", ""),
        )
        for entry in data["repository"]
    ]


def notebook_code(data: bytes) -> str | None:
    """The code cells of a notebook, joined; None when it is not a readable notebook."""
    try:
        notebook = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(notebook, dict):
        return None
    cells = notebook.get("cells")
    if cells is None:  # nbformat 3 keeps cells in worksheets, and code in "input"
        cells = [c for w in notebook.get("worksheets", []) for c in w.get("cells", [])]
    sources = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        sources.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(sources)


def code_lines(path: str, data: bytes) -> int:
    """Lines of code as the corpus counts them: a file's lines, a notebook's code cells'."""
    if path.endswith(".ipynb"):
        code = notebook_code(data)
        return 0 if code is None else len(code.splitlines())
    return len(data.splitlines())


def is_jax_code(path: str, data: bytes) -> bool:
    if path.endswith(".ipynb"):
        code = notebook_code(data)
        return code is not None and JAX_IMPORT.search(code.encode()) is not None
    return JAX_IMPORT.search(data) is not None


def git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], input=data, capture_output=True, check=True
    ).stdout


def mirror_of(repository: Repository, mirrors: Path) -> Path:
    for candidate in (mirrors / repository.folder / "repo", mirrors / repository.folder):
        if (candidate / "HEAD").is_file() or (candidate / "objects").is_dir():
            return candidate
    raise SystemExit(f"{repository.name}: no mirror under {mirrors}")


def fetch_commit(repository: Repository, scratch: Path) -> Path:
    """A bare repository holding the pinned commit, fetched from GitHub (no history)."""
    git_dir = scratch / repository.folder
    subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    url = f"https://github.com/{repository.name}.git"
    subprocess.run(
        ["git", "--git-dir", str(git_dir), "fetch", "-q", "--depth", "1", url, repository.commit],
        check=True,
    )
    return git_dir


def blobs(git_dir: Path, commit: str, paths: list[str]) -> dict[str, bytes]:
    """Every path's content at the commit, read in one `git cat-file --batch`."""
    out = git(
        git_dir, "cat-file", "--batch", data="".join(f"{commit}:{p}\n" for p in paths).encode()
    )
    contents: dict[str, bytes] = {}
    at = 0
    for path in paths:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] == b"missing":
            at = end + 1
            continue
        size = int(header[2])
        contents[path] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return contents


def export(repository: Repository, git_dir: Path, dest: Path) -> tuple[int, int]:
    """Write the repository's JAX files at its pinned commit; return (files, lines)."""
    listing = git(git_dir, "ls-tree", "-r", "--name-only", "-z", repository.commit)
    paths = [p for p in listing.decode().split("\0") if p and repository.takes(p)]
    target = dest / repository.folder
    if target.exists():
        shutil.rmtree(target)
    files = lines = 0
    for path, data in blobs(git_dir, repository.commit, paths).items():
        if not is_jax_code(path, data):
            continue
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        files += 1
        lines += code_lines(path, data)
    return files, lines


def build(args: argparse.Namespace) -> int:
    repositories = load()
    if args.only:
        wanted = set(args.only.split(","))
        repositories = [r for r in repositories if r.name in wanted or r.folder in wanted]
    args.dest.mkdir(parents=True, exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory(prefix="app_corpus_") as scratch:
        for repository in repositories:
            if args.mirrors is not None:
                git_dir = mirror_of(repository, args.mirrors)
            else:
                git_dir = fetch_commit(repository, Path(scratch))
            files, lines = export(repository, git_dir, args.dest)
            total += lines
            print(f"{repository.name}: {files} files, {lines} lines")
    print(f"total: {len(repositories)} repositories, {total} lines")
    return 0


def lines_of(folder: Path) -> int:
    return sum(
        code_lines(p.name, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name.endswith(EXTENSIONS)
    )


def assign_splits(lines: dict[str, int]) -> dict[str, str]:
    """The held-out rule: sha1 order of owner/name, validation while it stays <= 1/3."""
    budget = sum(lines.values()) / 3
    taken = 0
    splits: dict[str, str] = {}
    for name in sorted(lines, key=lambda n: hashlib.sha1(n.encode()).hexdigest()):
        if taken + lines[name] <= budget:
            splits[name] = "validation"
            taken += lines[name]
        else:
            splits[name] = "tune"
    return splits


def split(args: argparse.Namespace) -> int:
    text = LIST.read_text()
    repositories = [r for r in load(LIST) if r.split != HELD_OUT and r.split not in RELEASED]
    lines = {r.name: lines_of(args.dest / r.folder) for r in repositories}
    splits = assign_splits(lines)
    for repository in repositories:
        # Rewrite each entry's `split` and `lines` in place, keeping the file's comments.
        entry = re.compile(
            rf'(repo = "{re.escape(repository.name)}"\n(?:(?!\[\[).*\n)*?)lines = \d+\nsplit = "\w*"'
        )
        text, count = entry.subn(
            lambda m, r=repository: (
                f'{m.group(1)}lines = {lines[r.name]}\nsplit = "{splits[r.name]}"'
            ),
            text,
        )
        if count != 1:
            raise SystemExit(f"{repository.name}: entry not found in {LIST}")
    LIST.write_text(text)
    for name in SPLITS:
        print(f"{name}: {sum(1 for s in splits.values() if s == name)} repositories, "
              f"{sum(n for r, n in lines.items() if splits[r] == name)} lines")  # fmt: skip
    return 0


def jaxlint_json(paths: list[Path], select: str | None, timeout: float) -> list[dict[str, object]]:
    extra = ["--select", select] if select else []
    command = [sys.executable, "-m", "jaxlint", "check", "--no-cache", "--exit-zero",
               "--format", "json", *extra, *map(str, paths)]  # fmt: skip
    # Its own session, so that a timeout also ends the linter's worker processes.
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    if process.returncode != 0:
        print(f"{paths[0]}: exit {process.returncode}\n{stderr[-2000:]}", file=sys.stderr)
        return []
    return json.loads(stdout or "[]")


def run_jaxlint(
    folder: Path, select: str | None, lines: int
) -> tuple[list[dict[str, object]], list[Path]]:
    """Findings in a folder, and the files the linter did not finish (each listed on
    stderr). A file that hangs the linter would stall the whole run, so when the folder
    takes too long, each file is linted on its own with a time limit."""
    try:
        return jaxlint_json([folder], select, timeout=max(180.0, lines / 100)), []
    except subprocess.TimeoutExpired:
        pass
    findings: list[dict[str, object]] = []
    unfinished: list[Path] = []
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and p.name.endswith(EXTENSIONS)):
        try:
            findings += jaxlint_json([file], select, timeout=120.0)
        except subprocess.TimeoutExpired:
            unfinished.append(file)
            print(f"TIMEOUT {file}", file=sys.stderr)
    return findings, unfinished


def cell_source(data: bytes, cell: int) -> str:
    """The source of a notebook's cell, numbered from 1 over every cell as editors do."""
    notebook = json.loads(data)
    cells = notebook.get("cells")
    if cells is None:
        cells = [c for w in notebook.get("worksheets", []) for c in w.get("cells", [])]
    if not 0 < cell <= len(cells):
        return ""
    source = cells[cell - 1].get("source", cells[cell - 1].get("input", ""))
    return "".join(source) if isinstance(source, list) else str(source)


def where(finding: dict[str, object]) -> str:
    """A finding's line as the verdicts file writes it: ``L``, or ``N:L`` in cell N."""
    cell = finding.get("cell")
    return f"{cell}:{finding['line']}" if cell is not None else str(finding["line"])


def line_text(file: Path, finding: dict[str, object]) -> str:
    """The stripped source line a finding points at."""
    data = file.read_bytes()
    cell = finding.get("cell")
    if cell is not None:
        text = cell_source(data, int(cell))  # type: ignore[call-overload]
    else:
        text = data.decode("utf-8", "replace")
    lines = text.splitlines()
    line = int(finding["line"])  # type: ignore[call-overload]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str


def load_verdicts(
    path: Path,
) -> tuple[dict[tuple[str, ...], Verdict], dict[tuple[str, ...], Verdict]]:
    """Verdicts keyed by (repo, path, line, code) and by (repo, path, code, line text)."""
    by_line: dict[tuple[str, ...], Verdict] = {}
    by_text: dict[tuple[str, ...], Verdict] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            verdict = Verdict(row["verdict"], row["reason"])
            if verdict.verdict not in VERDICTS:
                raise SystemExit(f"{path}: unknown verdict {verdict.verdict!r}")
            by_line[(row["repo"], row["path"], row["line"], row["code"])] = verdict
            by_text[(row["repo"], row["path"], row["code"], row.get("text", ""))] = verdict
    return by_line, by_text


def default_codes() -> frozenset[str]:
    """The codes jaxlint reports without --select (this interpreter's jaxlint)."""
    from jaxlint.rules import ALL_RULES

    return frozenset(rule.code for rule in ALL_RULES if rule.default_enabled)


def table(title: str, per_rule: dict[str, Counter[str]], lines: int, verdicts: bool) -> None:
    columns = ("real", "intended", "false", "unclassified")
    counts: Counter[str] = sum(per_rule.values(), Counter())
    print(f"{title}: {sum(counts.values())} findings")
    print(f"  {'rule':8}{'findings':>10}" + "".join(f"{c:>14}" for c in columns))
    for code in sorted(per_rule):
        c = per_rule[code]
        print(f"  {code:8}{sum(c.values()):>10}" + "".join(f"{c[v]:>14}" for v in columns))
    print(f"  {'all':8}{sum(counts.values()):>10}" + "".join(f"{counts[v]:>14}" for v in columns))
    if verdicts and lines:
        print(f"  false alarms per 100k lines: {counts['false'] * 100_000 / lines:.2f}")


def of_split(name: str, repositories: list[Repository]) -> list[Repository]:
    """The repositories a split names; `all` is every assigned split, never heldout."""
    if name == "all":
        return [r for r in repositories if r.split in SPLITS]
    return [r for r in repositories if r.split == name]


def score(args: argparse.Namespace) -> int:
    repositories = of_split(args.split, load())
    verdicts = load_verdicts(args.verdicts) if args.verdicts else None
    total_lines = 0
    per_rule: dict[str, Counter[str]] = {}
    rows: list[dict[str, object]] = []
    unfinished: list[str] = []
    for repository in repositories:
        folder = args.dest / repository.folder
        if not folder.is_dir():
            raise SystemExit(f"{folder} is missing: run `build` first")
        lines = lines_of(folder)
        total_lines += lines
        found, stuck = run_jaxlint(folder, args.select or "ALL", lines)
        unfinished += [p.relative_to(args.dest).as_posix() for p in stuck]
        for finding in found:
            path = Path(str(finding["path"])).resolve().relative_to(folder.resolve()).as_posix()
            line, code = where(finding), str(finding["code"])
            text = line_text(folder / path, finding)
            verdict = "unclassified"
            if verdicts is not None:
                by_line, by_text = verdicts
                known = by_line.get((repository.name, path, line, code)) or by_text.get(
                    (repository.name, path, code, text)
                )
                verdict = known.verdict if known else "unclassified"
            per_rule.setdefault(code, Counter())[verdict] += 1
            rows.append({"repo": repository.name, "path": path, "line": line, "code": code,
                         "verdict": verdict, "text": text, "message": finding["message"]})  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"split {args.split}: {len(repositories)} repositories, {total_lines} lines")
    if args.select:
        table(f"--select {args.select}", per_rule, total_lines, verdicts is not None)
    else:  # one run, both views: what users see by default, and the opt-in rules
        default = default_codes()
        shown = {c: n for c, n in per_rule.items() if c in default}
        table("default rules", shown, total_lines, verdicts is not None)
        table(
            "opt-in rules",
            {c: n for c, n in per_rule.items() if c not in default},
            total_lines,
            False,
        )
    for path in unfinished:
        print(f"not finished (linter timed out): {path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="export the pinned JAX files into DEST")
    build_parser.add_argument("dest", type=Path)
    build_parser.add_argument("--mirrors", type=Path, help="a folder of bare mirrors owner+name")
    build_parser.add_argument("--only", help="comma-separated owner/name to build")
    split_parser = commands.add_parser("split", help="(once) record lines and the held-out split")
    split_parser.add_argument("--dest", type=Path, required=True, help="a built corpus")
    score_parser = commands.add_parser("score", help="lint a split and count the findings")
    score_parser.add_argument("dest", type=Path)
    score_parser.add_argument(
        "--split", choices=(*SPLITS, *RELEASED, HELD_OUT, "all"), required=True
    )
    score_parser.add_argument("--verdicts", type=Path, help="app_corpus_verdicts.tsv")
    score_parser.add_argument(
        "--select", help="passed on to jaxlint (default: ALL, reported as default and opt-in rules)"
    )
    score_parser.add_argument("--out", type=Path, help="write every finding here as JSON")
    args = parser.parse_args()
    return {"build": build, "split": split, "score": score}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
