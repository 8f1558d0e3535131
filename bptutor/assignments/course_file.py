"""An instructor's own course, without editing bptutor: ``course.toml`` next to ``solutions/``.

The registry reads it on top of the built-in assignments. It is found at the path in
``BPTUTOR_COURSE``, else as the first ``course.toml`` in the working directory or a folder
above it (so the checks in ``exercises/``, ``bptutor release`` and ``bptutor grade`` run from
the course all see it)::

    late_policy = "10 % off per day late, at most 3 days"   # shown in the feedback of late work

    [assignments.a3]
    points = { hidden_delta = 5 }         # a question's points
    time_limits = { backprop = 20 }       # CPU seconds for all its trials in the grader

    [[extra]]                             # an assignment of the instructor's own
    module = "course/a8_regularisation.py"            # child-safe: ASSIGNMENT = Assignment(...)
    answers = "course/a8_regularisation_answers.py"   # parent-only: ANSWERS = {...}

Paths are relative to the file. An extra assignment is made exactly like a built-in one
(``CONTRIBUTING.md``); its questions must be functions (a class question's runner has to live
inside bptutor, where the grader's sandbox can import it). Anything wrong raises
:class:`CourseFileError` naming the file and the key.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FILE_NAME = "course.toml"


class CourseFileError(ValueError):
    """A course file that cannot be used as it is; the message names the file and the key."""


def find(start: str | None = None) -> str | None:
    """The course file to read, or ``None``."""
    given = os.environ.get("BPTUTOR_COURSE")
    if given:
        if not os.path.isfile(given):
            raise CourseFileError(f"BPTUTOR_COURSE names {given}, which is not a file")
        return os.path.abspath(given)
    folder = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_module(path: str, name: str):
    """A Python file as a module called ``name`` (kept in ``sys.modules``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CourseFileError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[name]
        raise
    return module


def _number(where: str, value, kind) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or \
            (kind is int and not float(value).is_integer()):
        raise CourseFileError(f"{where} must be a positive {'whole number' if kind is int else 'number'}, "
                              f"got {value!r}")
    return kind(value)


def _adjusted(found, table: dict, where: str):
    unknown = set(table) - {"points", "time_limits", "title"}
    if unknown:
        raise CourseFileError(f"{where}: unknown keys {sorted(unknown)}; use points, time_limits, title")
    ids = {q.id for q in found.questions}
    changes: dict = {}
    for key, field in (("points", "points"), ("time_limits", "time_limit")):
        values = table.get(key, {})
        if not isinstance(values, dict):
            raise CourseFileError(f"{where}.{key} must be a table of question = value")
        for qid, value in values.items():
            if qid not in ids:
                raise CourseFileError(f"{where}.{key}: {found.id} has no question {qid!r}; "
                                      f"its questions: {', '.join(sorted(ids))}")
            kind = int if key == "points" else float
            changes.setdefault(qid, {})[field] = _number(f"{where}.{key}.{qid}", value, kind)
    questions = tuple(dataclasses.replace(q, **changes.get(q.id, {})) for q in found.questions)
    title = table.get("title", found.title)
    if not isinstance(title, str) or not title.strip():
        raise CourseFileError(f"{where}.title must be a non-empty string")
    return dataclasses.replace(found, questions=questions, title=title)


def read(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise CourseFileError(f"{path}: cannot be read ({exc.strerror})") from None


def apply(path: str, registry) -> dict:
    """Read ``path`` into ``registry`` (the :mod:`bptutor.assignments` module); return the file's settings."""
    data = read(path)
    folder = os.path.dirname(path)
    unknown = set(data) - {"assignments", "extra", "late_policy"}
    if unknown:
        raise CourseFileError(f"{path}: unknown keys {sorted(unknown)}; use assignments, extra, late_policy")
    for number, entry in enumerate(data.get("extra", []), start=1):
        where = f"{path}: extra #{number}"
        if not isinstance(entry, dict) or not {"module", "answers"} <= set(entry):
            raise CourseFileError(f"{where} needs module = \"...py\" and answers = \"...py\"")
        files = {k: os.path.join(folder, entry[k]) for k in ("module", "answers")}
        for key, file in files.items():
            if not os.path.isfile(file):
                raise CourseFileError(f"{where}: {key} {entry[key]!r} is not a file (paths are relative to "
                                      f"{FILE_NAME})")
        stem = os.path.splitext(os.path.basename(files["module"]))[0]
        module = load_module(files["module"], f"bptutor_course.{stem}")
        found = getattr(module, "ASSIGNMENT", None)
        if not isinstance(found, registry.Assignment):
            raise CourseFileError(f"{where}: {entry['module']} defines no ASSIGNMENT = Assignment(...)")
        runners = [q.id for q in found.questions if q.runner is not None]
        if runners:
            raise CourseFileError(f"{where}: {runners} try a class through a runner; a course's own questions "
                                  f"must be functions")
        registry.register(dataclasses.replace(found, answers=f"file:{os.path.abspath(files['answers'])}"),
                          module.__name__)
    for assignment_id, table in data.get("assignments", {}).items():
        where = f"{path}: assignments.{assignment_id}"
        if assignment_id not in registry.ASSIGNMENTS or not isinstance(table, dict):
            raise CourseFileError(f"{where}: no such assignment; known: {', '.join(registry.ASSIGNMENTS)}")
        registry.replace(_adjusted(registry.ASSIGNMENTS[assignment_id], table, where))
    policy = data.get("late_policy", "")
    if not isinstance(policy, str):
        raise CourseFileError(f"{path}: late_policy must be a string")
    return {"path": path, "late_policy": policy}
