"""Finding and reading submitted notebooks (trusted side: parsing only, never running).

A notebook is read with :mod:`json`, not nbformat (whose import costs ~1.5 s in a full
environment), opened without following links, only when it is a regular file, and never
more than :data:`MAX_NOTEBOOK_BYTES` of it. IPython's magics are turned into plain Python
here, with IPython's own input transformer, so the sandbox needs no IPython. Whatever is
wrong with a file -- a symbolic link, a FIFO, empty, truncated JSON, nbformat 3, not a
notebook, an assignment nobody knows -- becomes a :class:`Submission` with an ``error``,
never an exception.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field

from ..assignments import ASSIGNMENTS
from .text import clean

#: notebooks larger than this are refused (a real submission is far smaller)
MAX_NOTEBOOK_BYTES = 20 * 2**20
_ID_IN_NAME = re.compile(r"(?<![a-z0-9])(a[0-9]+)(?![0-9])", re.IGNORECASE)
#: Canvas's bulk download: ``name[_LATE]_userid_submissionid_original-name.ipynb``
_CANVAS_NAME = re.compile(r"^(?P<name>[a-z][a-z0-9-]*?)(?:_late)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)$",
                          re.IGNORECASE)


@dataclass
class Submission:
    """One file handed in.

    ``path``: where it is; ``display``: how the gradebook names it; ``student``: the name
    its feedback file is made from; ``assignment``: an id of the registry or ``None``;
    ``cells``: the code cells as plain Python; ``positions``: where each code cell sits in
    the notebook (1 = first cell); ``error``: why it cannot be graded (``""`` if it can);
    ``note``: something the instructor should know; ``digest``: SHA-256 of the bytes;
    ``submitted_at``: the file's modification time (ISO 8601, UTC).
    """

    path: str
    display: str
    student: str
    assignment: str | None = None
    cells: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    error: str = ""
    note: str = ""
    digest: str = ""
    submitted_at: str | None = None


def _stems() -> dict:
    return {os.path.splitext(a.notebook)[0].lower(): a.id for a in ASSIGNMENTS.values()}


def collect(paths) -> tuple[list[str], list[str]]:
    """Notebook files named by ``paths`` (files, or folders searched recursively).

    Returns ``(files, problems)``; files are absolute, sorted, without duplicates.
    Hidden folders and ``.ipynb_checkpoints`` are skipped; links found in folders are
    kept (they get a row saying they were not graded), never followed into.
    """
    files: set = set()
    problems: list = []
    for given in paths:
        if os.path.isdir(given) and not os.path.islink(given):
            for root, dirs, names in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.update(os.path.abspath(os.path.join(root, n)) for n in names
                             if n.endswith(".ipynb") and not n.startswith("."))
        elif os.path.lexists(given):
            files.add(os.path.abspath(given))
        else:
            problems.append(f"{clean(given)}: no such file or folder")
    return sorted(files), problems


def _display(path: str) -> str:
    rel = os.path.relpath(path)
    return clean(path if rel.startswith("..") else rel)


def canvas_parts(stem: str) -> dict | None:
    """The parts of a Canvas download name (``name``, ``user``, ``sub``, ``file``), or ``None``."""
    found = _CANVAS_NAME.match(stem)
    return found.groupdict() if found else None


def student_of(path: str) -> str:
    """Who handed the file in, from its name.

    ``alice.ipynb`` -> alice; ``alice/a3_hidden_layers.ipynb`` -> alice (the folder names the
    student); ``smithjane_123_456_a2_one_neuron.ipynb`` (a Canvas download) -> smithjane.
    """
    stem = os.path.splitext(os.path.basename(path))[0]
    canvas = canvas_parts(stem)
    if canvas is not None:
        return clean(canvas["name"])
    if stem.lower() in _stems() or _ID_IN_NAME.fullmatch(stem):
        parent = os.path.basename(os.path.dirname(path))
        if parent:
            return clean(parent)
    return clean(stem)


def assignment_from_name(path: str) -> str | None:
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    canvas = canvas_parts(stem)
    if canvas is not None:
        stem = canvas["file"].lower()
    stems = _stems()
    if stem in stems:
        return stems[stem]
    for match in _ID_IN_NAME.finditer(stem):
        if match.group(1).lower() in ASSIGNMENTS:
            return match.group(1).lower()
    return None


def read_capped(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, refusing anything else.

    No link is followed, a FIFO or device is never read (a read could block or never end),
    and at most ``limit`` bytes are read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file (a FIFO, device or folder named .ipynb)")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 2**20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError(f"the file is larger than {limit // 2**20} MB")
        return data, info
    finally:
        os.close(fd)


def _source(cell) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        if not all(isinstance(s, str) for s in src):
            raise ValueError("a cell's source is not text")
        return "".join(src)
    if isinstance(src, str):
        return src
    raise ValueError("a cell's source is not text")


_TRANSFORMER = None


def to_python(source: str) -> str:
    """IPython source -> plain Python (magics become ``get_ipython()`` calls), never run here."""
    global _TRANSFORMER
    if _TRANSFORMER is None:
        from IPython.core.inputtransformer2 import TransformerManager
        _TRANSFORMER = TransformerManager()
    try:
        return _TRANSFORMER.transform_cell(source)
    except Exception:  # noqa: BLE001 -- what IPython cannot read, Python will refuse with a SyntaxError
        return source


def read(path: str) -> Submission:
    """Read one file into a :class:`Submission` (``error`` set when it cannot be graded)."""
    sub = Submission(path=path, display=_display(path), student=student_of(path),
                     assignment=assignment_from_name(path))
    if os.path.islink(path):
        target = clean(os.readlink(path))
        sub.error = (f"not graded: the file is a symbolic link (to {target}); hand in the notebook itself, "
                     f"a link could point at someone else's work")
        return sub
    try:
        raw, info = read_capped(path, MAX_NOTEBOOK_BYTES)
    except (OSError, ValueError) as exc:
        sub.error = f"could not read the file: {clean(getattr(exc, 'strerror', None) or exc)}"
        return sub
    sub.submitted_at = datetime.datetime.fromtimestamp(info.st_mtime, datetime.timezone.utc).isoformat(
        timespec="seconds")
    sub.digest = hashlib.sha256(raw).hexdigest()
    problem = _parse(sub, raw)
    if problem:
        sub.error = problem
    return sub


def _parse(sub: Submission, raw: bytes) -> str:
    """Fill ``sub`` from the notebook's bytes; the reason it cannot be graded, or ``""``."""
    if not raw.strip():
        return "invalid notebook: the file is empty"
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "invalid notebook: the file is not UTF-8 text (is it a notebook at all?)"
    except json.JSONDecodeError as exc:
        return (f"invalid notebook: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                f"the file may be truncated -- ask for it again")
    except RecursionError:
        return "invalid notebook: JSON nested too deeply"
    if not isinstance(nb, dict) or ("cells" not in nb and "worksheets" not in nb):
        return "invalid notebook: valid JSON, but not a Jupyter notebook (no 'cells')"
    if nb.get("nbformat") != 4:
        return (f"invalid notebook: nbformat {clean(nb.get('nbformat'))[:20]} is not supported; open it in Jupyter "
                f"and save it again (nbformat 4)")
    metadata = nb["metadata"] if isinstance(nb.get("metadata"), dict) else {}
    own = metadata["bptutor"] if isinstance(metadata.get("bptutor"), dict) else {}
    tagged = own.get("assignment")
    if tagged is not None:
        if not isinstance(tagged, str) or tagged not in ASSIGNMENTS:
            sub.assignment = None
            return (f"unknown assignment {clean(tagged)[:40]!r} in metadata.bptutor.assignment; "
                    f"known: {', '.join(ASSIGNMENTS)}")
        sub.assignment = tagged
    elif sub.assignment is not None:
        sub.note = (f"no metadata.bptutor.assignment in the notebook; assignment {sub.assignment} "
                    f"taken from the file name")
    else:
        return ("unknown assignment: no metadata.bptutor.assignment in the notebook and no assignment "
                f"id in the file name (expected one of {', '.join(ASSIGNMENTS)})")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return "invalid notebook: 'cells' is not a list"
    try:
        code = [(i + 1, c) for i, c in enumerate(cells) if isinstance(c, dict) and c.get("cell_type") == "code"]
        sub.cells = [to_python(_source(c)) for _, c in code]
        sub.positions = [i for i, _ in code]
    except ValueError as exc:
        return f"invalid notebook: {exc}"
    return ""


def unique_names(submissions) -> dict:
    """``{path: file-safe name}``: the student's name, made unique.

    When two share it, the assignment id and then ``-2``, ``-3`` ... are added (in path order, so
    names are stable between runs).
    """
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
