"""``bptutor release``: write the student notebooks in ``exercises/`` from ``solutions/``.

For every solution notebook the release

* replaces each solution region -- the lines from ``### BEGIN SOLUTION`` to
  ``### END SOLUTION``, both included -- by a stub at the same indentation::

      # YOUR CODE HERE
      raise NotImplementedError("hidden_delta: not implemented yet")

  A region inside a function keeps the ``def`` line and docstring above it, so
  the cell still defines the function and only calling it raises. A region at
  the top level of a cell (a whole cell) that holds ``def`` statements becomes
  one stub function per ``def``, with the same parameters and docstring. In a
  markdown cell a region becomes ``YOUR ANSWER HERE``;
* writes the points sentence -- the markdown cell tagged ``bptutor-points`` -- from the
  registry (so a course file that changes points changes what students read; the same
  cell of the solution notebook is brought up to date too);
* clears outputs and execution counts;
* records the assignment id under ``metadata.bptutor.assignment``;
* keeps cell ids stable (the solution's id when it has a valid one, otherwise
  one derived from the notebook's name and the cell's position).

The output is byte-identical on every run (sorted keys, indent 1 as Jupyter
writes, a trailing newline), so releasing twice changes nothing, and
``--check`` can tell CI whether ``exercises/`` is exactly what the release
produces. Notebooks are read with plain :mod:`json` (no nbformat import: this
command should start fast).

Exit status: 0 on success, 1 when ``--check`` finds differences, 2 when a
solution notebook is refused (unbalanced markers, unknown assignment, a graded
function missing) -- the message names the file, the cell and the line.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..assignments import ASSIGNMENTS

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE"
MARKDOWN_STUB = "YOUR ANSWER HERE"
#: cell metadata keys that describe one run, not the notebook
RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
#: notebook metadata keys that describe one session, not the notebook
SESSION_METADATA = ("widgets",)
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
#: the tag of the markdown cell whose text the release writes from the registry's points
POINTS_TAG = "bptutor-points"
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")


class ReleaseError(Exception):
    """A solution notebook that cannot be released; the message says where and why."""


@dataclass
class Released:
    """One exercise notebook as the release would write it."""

    source: Path  # the solution notebook
    target: Path  # the exercise notebook
    text: str  # the exact file content
    solution_text: str | None = None  # the solution notebook with its points cell brought up to date


# --------------------------------------------------------------------------- locating the course
def find_course_root(start: Path | None = None) -> Path:
    """The course: the first folder from ``start`` (the working directory) upwards with ``solutions/``.

    It must also hold ``pyproject.toml`` (this checkout) or ``course.toml`` (an instructor's own
    course); failing that, the checkout this package is installed from (an editable install).
    """
    start = (start or Path.cwd()).resolve()
    candidates = [start, *start.parents, Path(__file__).resolve().parents[2]]
    for folder in candidates:
        if (folder / "solutions").is_dir() and ((folder / "pyproject.toml").is_file()
                                                or (folder / "course.toml").is_file()):
            return folder
    raise ReleaseError(
        f"could not find the course checkout (a folder with solutions/ and pyproject.toml) "
        f"from {start}; run the command inside the checkout or pass --solutions and --exercises")


# --------------------------------------------------------------------------- one cell
def _lines(source) -> list[str]:
    """A cell's source as lines without their line endings."""
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.split("\n")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def solution_regions(lines: list[str], where: str) -> list[tuple[int, int]]:
    """``(begin, end)`` line indices of every solution region; ``ReleaseError`` if unbalanced.

    ``where`` names the file and cell for the message (lines are counted from 1 there).
    """
    regions, opened = [], None
    for i, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if opened is not None:
                raise ReleaseError(f"{where}, line {i + 1}: {BEGIN} inside the region opened on "
                                   f"line {opened + 1}; close it with {END} first")
            opened = i
        elif marker == END:
            if opened is None:
                raise ReleaseError(f"{where}, line {i + 1}: {END} without a {BEGIN} above it")
            if _indent(line) != _indent(lines[opened]):
                raise ReleaseError(f"{where}, line {i + 1}: {END} is not indented like the {BEGIN} "
                                   f"on line {opened + 1}; put both markers at the same indentation")
            regions.append((opened, i))
            opened = None
    if opened is not None:
        raise ReleaseError(f"{where}, line {opened + 1}: {BEGIN} without a matching {END}")
    return regions


def _enclosing_function(lines: list[str], begin: int) -> str | None:
    """The name of the innermost ``def`` whose body holds line ``begin`` (None at the top level)."""
    depth = len(_indent(lines[begin]))
    for line in reversed(lines[:begin]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _DEF.match(line)
        if found and len(found.group(1)) < depth:
            return found.group(2)
        if len(_indent(line)) < depth and not line.lstrip().startswith(("@", ")")):
            depth = len(_indent(line))  # a block (if/for/with/class) we are inside of
    return None


def _raise_line(indent: str, name: str) -> str:
    return f'{indent}raise NotImplementedError("{name}: not implemented yet")'


def _stub_top_level(region: list[str], indent: str, where: str,
                    first_line: int) -> tuple[list[str], list[str]]:
    """Stubs for a top-level region (each ``def`` keeps its signature and docstring), and their names."""
    body = [line[len(indent):] if line.startswith(indent) else line for line in region]
    try:
        tree = ast.parse("\n".join(body))
    except SyntaxError as exc:
        line = first_line + (exc.lineno or 1) - 1
        raise ReleaseError(f"{where}, line {line}: the solution region is not valid Python ({exc.msg})") from None
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not functions:
        raise ReleaseError(f"{where}, line {first_line}: a solution region at the top level of a cell must define "
                           f"functions (its stub would raise when the cell runs); move the region "
                           f"inside a function")
    out: list[str] = []
    for node in functions:
        if out:
            out += ["", ""]
        keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
        out.append(f"{indent}{keyword} {node.name}({ast.unparse(node.args)}){returns}:")
        first = node.body[0]
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            out += [indent + line for line in body[first.lineno - 1: first.end_lineno]]
        out += [f"{indent}    {CODE_STUB}", _raise_line(indent + "    ", node.name)]
    return out, [node.name for node in functions]


def release_lines(lines: list[str], kind: str, where: str) -> tuple[list[str], list[str]]:
    """The lines of one cell with every solution region replaced by its stub.

    Also returns the names of the functions that now raise ``NotImplementedError``.
    """
    regions = solution_regions(lines, where)
    out, names, last = [], [], 0
    for begin, end in regions:
        out += lines[last:begin]
        indent = _indent(lines[begin])
        if kind == "markdown":
            out.append(indent + MARKDOWN_STUB)
        else:
            name = _enclosing_function(lines, begin)
            if name is None:
                stub, defined = _stub_top_level(lines[begin + 1:end], indent, where, begin + 2)
                out += stub
                names += defined
            else:
                out += [indent + CODE_STUB, _raise_line(indent, name)]
                names.append(name)
        last = end + 1
    return out + lines[last:], names


def _split_source(lines: list[str]) -> list[str]:
    """Lines back to the list-of-strings form Jupyter stores (every line but the last keeps its newline)."""
    text = "\n".join(lines)
    return text.splitlines(keepends=True)


# --------------------------------------------------------------------------- one notebook
def _assignment_of(nb: dict, path: Path):
    """The registry's assignment for a solution notebook, from its metadata or its file name."""
    meta = nb.get("metadata", {}).get("bptutor", {})
    declared = meta.get("assignment") if isinstance(meta, dict) else None
    by_name = [a for a in ASSIGNMENTS.values() if a.notebook == path.name]
    known = ", ".join(f"{a.id} ({a.notebook})" for a in ASSIGNMENTS.values())
    if declared is None:
        if not by_name:
            raise ReleaseError(f"{path}: no metadata.bptutor.assignment and the file name matches no "
                               f"assignment; known: {known}")
        return by_name[0]
    if declared not in ASSIGNMENTS:
        raise ReleaseError(f"{path}: metadata.bptutor.assignment is {declared!r}, which is not an "
                           f"assignment; known: {known}")
    assignment = ASSIGNMENTS[declared]
    if assignment.notebook != path.name:
        raise ReleaseError(f"{path}: metadata says assignment {declared}, whose notebook is "
                           f"{assignment.notebook}; rename the file or fix the metadata")
    return assignment


def _cell_id(cell: dict, stem: str, index: int, taken: set) -> str:
    cid = cell.get("id")
    if not (isinstance(cid, str) and _CELL_ID.match(cid)) or cid in taken:
        cid = f"{stem[:40]}-{hashlib.sha1(f'{stem}/{index}'.encode()).hexdigest()[:8]}"
    taken.add(cid)
    return cid


def points_text(assignment) -> str:
    """The points sentence of an assignment, from the registry."""
    parts = ", ".join(f"`{q.id}` ({q.points})" for q in assignment.questions)
    return (f"**Points.** {parts}: {assignment.max_score} points in all. Each is all or nothing: its points "
            f"when every trial of its check passes, zero otherwise.")


def _is_points_cell(cell: dict) -> bool:
    return cell.get("cell_type") == "markdown" and POINTS_TAG in (cell.get("metadata", {}).get("tags") or [])


def refresh_points(nb: dict, assignment) -> bool:
    """Write the points sentence into ``nb``'s tagged cell; True when that changed something."""
    text, changed = points_text(assignment), False
    for cell in nb.get("cells", []):
        if _is_points_cell(cell):
            changed |= "\n".join(_lines(cell.get("source", ""))) != text
            cell["source"] = _split_source([text])
    return changed


def release_notebook(nb: dict, path: Path) -> dict:
    """The exercise notebook for the solution notebook ``nb`` (read from ``path``)."""
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ReleaseError(f"{path}: not a version-4 Jupyter notebook")
    assignment = _assignment_of(nb, path)
    if not any(_is_points_cell(c) for c in nb["cells"]):
        raise ReleaseError(f"{path}: no markdown cell tagged {POINTS_TAG!r}; add one (the release writes its "
                           f"text from the registry's points, so students always read the points that count)")
    nb = json.loads(json.dumps(nb))
    refresh_points(nb, assignment)
    cells: list = []
    taken: set = set()
    stubbed: set = set()
    for index, cell in enumerate(nb["cells"]):
        kind = cell.get("cell_type")
        where = f"{path}, cell {index + 1}"
        lines, names = release_lines(_lines(cell.get("source", "")), kind, where)
        stubbed.update(names)
        new = {"cell_type": kind, "id": _cell_id(cell, path.stem, index, taken),
               "metadata": {k: v for k, v in cell.get("metadata", {}).items() if k not in RUN_METADATA},
               "source": _split_source(lines)}
        if kind == "code":
            new["execution_count"] = None
            new["outputs"] = []
        if "attachments" in cell and kind != "code":
            new["attachments"] = cell["attachments"]
        cells.append(new)
    missing = [q.name for q in assignment.questions if q.name.rpartition(".")[2] not in stubbed]
    if missing:
        raise ReleaseError(f"{path}: assignment {assignment.id} grades {', '.join(missing)}, but no "
                           f"solution region inside a def of that name was found; wrap the body "
                           f"in {BEGIN} / {END}")
    metadata = {k: v for k, v in nb.get("metadata", {}).items() if k not in SESSION_METADATA}
    metadata["bptutor"] = {**(metadata.get("bptutor") or {}), "assignment": assignment.id}
    return {"cells": cells, "metadata": metadata, "nbformat": 4,
            "nbformat_minor": max(5, int(nb.get("nbformat_minor", 5)))}


def dumps(nb: dict) -> str:
    """Notebook JSON exactly as every release writes it (and as Jupyter writes it)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def release_all(solutions: Path, exercises: Path) -> list[Released]:
    """Every exercise notebook the release writes, in file-name order (nothing is written here)."""
    if not solutions.is_dir():
        raise ReleaseError(f"{solutions}: no such folder of solution notebooks")
    paths = sorted(solutions.glob("*.ipynb"))
    if not paths:
        raise ReleaseError(f"{solutions}: holds no .ipynb notebooks")
    out = []
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"{path}: not valid notebook JSON ({exc})") from None
        released = dumps(release_notebook(nb, path))
        refreshed = json.loads(json.dumps(nb))
        stale = refresh_points(refreshed, _assignment_of(nb, path))
        out.append(Released(path, exercises / path.name, released, dumps(refreshed) if stale else None))
    return out


def differences(released: list[Released], exercises: Path) -> list[str]:
    """What differs between ``exercises`` and the release: one line per file."""
    out = [f"{r.source}: its points sentence differs from the registry's points" for r in released
           if r.solution_text is not None]
    for r in released:
        if not r.target.exists():
            out.append(f"{r.target}: missing")
        elif r.target.read_text(encoding="utf-8") != r.text:
            out.append(f"{r.target}: differs from the release of {r.source}")
    expected = {r.target.name for r in released}
    for path in sorted(exercises.glob("*.ipynb")) if exercises.is_dir() else []:
        if path.name not in expected:
            out.append(f"{path}: has no solution notebook")
    return out


# --------------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                        help="folder of solution notebooks (default: solutions/ of the course checkout)")
    parser.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                        help="folder to write exercise notebooks to (default: exercises/ of the course checkout)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing the exercise notebooks that differ from the release")


def run(args: argparse.Namespace) -> int:
    try:
        if args.solutions is None or args.exercises is None:
            root = find_course_root()
        solutions = args.solutions if args.solutions is not None else root / "solutions"
        exercises = args.exercises if args.exercises is not None else root / "exercises"
        released = release_all(solutions, exercises)
    except ReleaseError as exc:
        print(f"bptutor release: {exc}", file=sys.stderr)
        return 2
    if args.check:
        diff = differences(released, exercises)
        for line in diff:
            print(line)
        if diff:
            print(f"{len(diff)} exercise notebook(s) differ from the release; run `bptutor release`",
                  file=sys.stderr)
            return 1
        print(f"{exercises}: all {len(released)} exercise notebooks are up to date")
        return 0
    exercises.mkdir(parents=True, exist_ok=True)
    for r in released:
        if r.target.exists() and r.target.read_text(encoding="utf-8") == r.text:
            print(f"unchanged {r.target}")
        else:
            r.target.write_text(r.text, encoding="utf-8", newline="\n")
            print(f"wrote     {r.target}")
        if r.solution_text is not None:
            r.source.write_text(r.solution_text, encoding="utf-8", newline="\n")
            print(f"points    {r.source} (its points sentence now follows the registry)")
    for line in differences(released, exercises):
        print(f"warning: {line}; remove it if it is no longer an exercise", file=sys.stderr)
    return 0
