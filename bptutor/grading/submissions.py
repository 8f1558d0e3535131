"""Finding and reading submitted notebooks (trusted side: parsing only, never running).

A notebook is read with :mod:`json`, not nbformat (whose import costs ~1.5 s in
a full environment). Whatever is wrong with a file -- empty, truncated JSON,
nbformat 3, not a notebook, an assignment nobody knows -- becomes a
:class:`Submission` with an ``error``, never an exception.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field

from ..assignments import ASSIGNMENTS

#: notebooks larger than this are refused (a real submission is far smaller)
MAX_NOTEBOOK_BYTES = 20 * 2**20
_ID_IN_NAME = re.compile(r"(?<![a-z0-9])(a[0-9]+)(?![0-9])", re.IGNORECASE)
_STEMS = {os.path.splitext(a.notebook)[0].lower(): a.id for a in ASSIGNMENTS.values()}


@dataclass
class Submission:
    """One file handed in.

    ``path``: where it is; ``display``: how the gradebook names it; ``student``:
    the name its feedback file is made from; ``assignment``: an id of the registry
    or ``None``; ``cells``: the code cells' sources; ``error``: why it cannot be
    graded (``""`` if it can); ``note``: something the instructor should know
    (e.g. the assignment came from the file name); ``digest``: SHA-256 of the bytes;
    ``positions``: where each code cell sits in the notebook (1 = first cell).
    """

    path: str
    display: str
    student: str
    assignment: str | None = None
    cells: list = field(default_factory=list)
    error: str = ""
    note: str = ""
    digest: str = ""
    positions: list = field(default_factory=list)


def collect(paths) -> tuple[list[str], list[str]]:
    """Notebook files named by ``paths`` (files, or folders searched recursively).

    Returns ``(files, problems)``; files are absolute, sorted, without duplicates.
    Hidden folders and ``.ipynb_checkpoints`` are skipped.
    """
    files, problems = set(), []
    for given in paths:
        if os.path.isdir(given):
            for root, dirs, names in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.update(os.path.abspath(os.path.join(root, n)) for n in names
                             if n.endswith(".ipynb") and not n.startswith("."))
        elif os.path.isfile(given):
            files.add(os.path.abspath(given))
        else:
            problems.append(f"{given}: no such file or folder")
    return sorted(files), problems


def _display(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _student(path: str) -> str:
    """``alice.ipynb`` -> alice; ``alice/a3_hidden_layers.ipynb`` -> alice (the folder names the student)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.lower() in _STEMS or _ID_IN_NAME.fullmatch(stem):
        parent = os.path.basename(os.path.dirname(path))
        if parent:
            return parent
    return stem


def assignment_from_name(path: str) -> str | None:
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    if stem in _STEMS:
        return _STEMS[stem]
    for match in _ID_IN_NAME.finditer(stem):
        if match.group(1).lower() in ASSIGNMENTS:
            return match.group(1).lower()
    return None


def _source(cell) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        if not all(isinstance(s, str) for s in src):
            raise ValueError("a cell's source is not text")
        return "".join(src)
    if isinstance(src, str):
        return src
    raise ValueError("a cell's source is not text")


def read(path: str) -> Submission:
    """Read one file into a :class:`Submission` (``error`` set when it cannot be graded)."""
    sub = Submission(path=path, display=_display(path), student=_student(path))
    from_name = assignment_from_name(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_NOTEBOOK_BYTES:
            sub.error = f"invalid notebook: the file is {size / 2**20:.0f} MB (more than {MAX_NOTEBOOK_BYTES // 2**20} MB)"
            sub.assignment = from_name
            return sub
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        sub.error = f"could not read the file: {exc.strerror or exc}"
        return sub
    sub.digest = hashlib.sha256(raw).hexdigest()
    sub.assignment = from_name
    if not raw.strip():
        sub.error = "invalid notebook: the file is empty"
        return sub
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        sub.error = "invalid notebook: the file is not UTF-8 text (is it a notebook at all?)"
        return sub
    except json.JSONDecodeError as exc:
        sub.error = (f"invalid notebook: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                     f"the file may be truncated -- ask for it again")
        return sub
    except RecursionError:
        sub.error = "invalid notebook: JSON nested too deeply"
        return sub
    if not isinstance(nb, dict) or "cells" not in nb and "worksheets" not in nb:
        sub.error = "invalid notebook: valid JSON, but not a Jupyter notebook (no 'cells')"
        return sub
    major = nb.get("nbformat")
    if major != 4:
        sub.error = (f"invalid notebook: nbformat {major} is not supported; open it in Jupyter and save it "
                     f"again (nbformat 4)")
        return sub
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    tagged = metadata.get("bptutor", {}).get("assignment") if isinstance(metadata.get("bptutor"), dict) else None
    if tagged is not None:
        if not isinstance(tagged, str) or tagged not in ASSIGNMENTS:
            sub.assignment = None
            sub.error = (f"unknown assignment {str(tagged)[:40]!r} in metadata.bptutor.assignment; "
                         f"known: {', '.join(ASSIGNMENTS)}")
            return sub
        sub.assignment = tagged
    elif from_name is not None:
        sub.note = (f"no metadata.bptutor.assignment in the notebook; assignment {from_name} "
                    f"taken from the file name")
    else:
        sub.error = ("unknown assignment: no metadata.bptutor.assignment in the notebook and no assignment "
                     f"id in the file name (expected one of {', '.join(ASSIGNMENTS)})")
        return sub
    cells = nb.get("cells")
    if not isinstance(cells, list):
        sub.error = "invalid notebook: 'cells' is not a list"
        return sub
    try:
        code = [(i + 1, c) for i, c in enumerate(cells) if isinstance(c, dict) and c.get("cell_type") == "code"]
        sub.cells = [_source(c) for _, c in code]
        sub.positions = [i for i, _ in code]
    except ValueError as exc:
        sub.error = f"invalid notebook: {exc}"
    return sub


def unique_names(submissions) -> dict:
    """``{path: file-safe name}``: the student's name; when two share it, the assignment id and then
    ``-2``, ``-3`` ... are added (in path order, so names are stable between runs)."""
    used, names = set(), {}
    for sub in sorted(submissions, key=lambda s: s.path):
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", sub.student).strip("._-") or "submission"
        candidates = [base] + ([f"{base}-{sub.assignment}"] if sub.assignment else [])
        name = next((c for c in candidates if c.lower() not in used), None)
        n = 2
        while name is None or name.lower() in used:
            name = f"{base}-{n}"
            n += 1
        used.add(name.lower())
        names[sub.path] = name
    return names
