"""Read the ``gradebook.json`` files ``bptutor grade`` writes, defensively.

A gradebook is a list of rows, one per submission::

    {"submission": "submitted/alice_a3.ipynb", "student": "alice", "assignment": "a3",
     "score": 4, "max_score": 10, "status": "graded", "error": null,
     "submitted_at": "2026-11-30T23:12:05+00:00", "late_seconds": null,
     "questions": [{"id": "hidden_delta", "score": 4, "max_score": 4, "passed": true,
                    "status": "passed", "mistake": null, "feedback": "..."}]}

``submission``, ``assignment`` (``null`` allowed), ``score``, ``max_score`` and ``questions`` are
required; the rest is optional and defaults to what an older gradebook means (``student`` from the
file or folder name, ``status`` from ``error`` -- ``invalid`` when nothing was judged --, no time,
on time, no named mistake). Extra keys are ignored. Anything malformed
raises :class:`GradebookError` naming the file, the row and the key.

This module is also the one place that knows where the course keeps its assignment registry and
its vocabulary of mistakes (:func:`mistake_catalogue`, :func:`registry`).
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

STATUSES = ("graded", "error", "invalid")
_ASSIGNMENT_FILE = re.compile(r"a\d+(?:_\w*)?", re.IGNORECASE)  # a3.ipynb, a3_hidden_layers.ipynb
#: question statuses that mean the code was cut off or could not be run
PROBLEM_QUESTION_STATUSES = ("error", "timeout", "memory", "crashed")


class GradebookError(ValueError):
    """A gradebook that is missing, not JSON, or not in the documented shape."""


@dataclass(frozen=True)
class Question:
    id: str
    score: float
    max_score: float
    passed: bool
    status: str
    mistake: str | None
    feedback: str


@dataclass(frozen=True)
class Row:
    """One submission as graded; ``source`` is the gradebook file it came from."""

    source: str
    submission: str
    student: str
    assignment: str | None
    score: float
    max_score: float
    status: str
    error: str | None
    submitted_at: datetime | None
    late_seconds: float
    questions: tuple

    @property
    def file(self) -> str:
        """The file name of the submission (its last path component)."""
        return self.submission.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def mistake_catalogue() -> dict:
    """``{mistake id: (title, why, what to try)}`` from the checks (the one import of it)."""
    from ..check.diagnose import MISTAKES

    return MISTAKES


def mistake_title(mistake_id: str) -> str:
    entry = mistake_catalogue().get(mistake_id)
    return entry[0] if entry else mistake_id


def registry() -> dict:
    """``{assignment id: (title, max_score, ((question name, points), ...))}`` from the registry."""
    from ..assignments import ASSIGNMENTS

    return {a.id: (a.title, a.max_score, tuple((q.name, q.points) for q in a.questions))
            for a in ASSIGNMENTS.values()}


def assignment_order(rows) -> list:
    """Ids of the assignments the rows name: registry order first, then any others sorted."""
    present = {r.assignment for r in rows if r.assignment is not None}
    known = [a for a in registry() if a in present]
    return known + sorted(present - set(known))


def gradebook_path(given: str) -> str:
    """``GRADES_DIR`` -> ``GRADES_DIR/gradebook.json``; a path to a ``.json`` file is taken as is."""
    return given if given.endswith(".json") and not os.path.isdir(given) else os.path.join(given, "gradebook.json")


def load(paths) -> list:
    """All rows of the gradebooks in ``paths`` (folders or ``gradebook.json`` files), in order."""
    rows = []
    for given in paths:
        rows.extend(load_one(gradebook_path(given)))
    return rows


def load_one(path: str) -> list:
    if not os.path.isfile(path):
        hint = "" if os.path.exists(os.path.dirname(path) or ".") else " (no such folder)"
        raise GradebookError(f"{path}: no gradebook here{hint}; "
                             "`bptutor grade ... --out DIR` writes DIR/gradebook.json")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except UnicodeDecodeError as exc:
        raise GradebookError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise GradebookError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except OSError as exc:
        raise GradebookError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(data, list):
        raise GradebookError(f"{path}: expected a list of rows, found a JSON {type(data).__name__}")
    return [_row(path, i, item) for i, item in enumerate(data, start=1)]


# ----------------------------------------------------------------------------------- one row
def _where(path, index, item) -> str:
    sub = item.get("submission") if isinstance(item, dict) else None
    return f"{path}: row {index}" + (f" ({sub})" if isinstance(sub, str) else "")


def _require(where, item, key):
    if key not in item:
        raise GradebookError(f"{where}: missing required key {key!r}")
    return item[key]


def _text(where, key, value, *, optional=False):
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise GradebookError(f"{where}: {key!r} must be text, got {json.dumps(value)[:60]}")
    return value


def _number(where, key, value, *, optional=False):
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise GradebookError(f"{where}: {key!r} must be a number, got {json.dumps(value)[:60]}")
    return float(value)


def _time(where, value):
    if value is None:
        return None
    text = _text(where, "submitted_at", value)
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise GradebookError(f"{where}: 'submitted_at' is not an ISO 8601 time: {text[:60]!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _default_student(submission: str) -> str:
    """For a gradebook without ``student``: ``alice_a3.ipynb`` -> alice, ``alice/a3_hidden_layers.ipynb`` -> alice."""
    parts = submission.replace("\\", "/").rstrip("/").split("/")
    stem = os.path.splitext(parts[-1])[0]
    if _ASSIGNMENT_FILE.fullmatch(stem) and len(parts) > 1:
        return parts[-2]  # the folder names the student
    return stem.rsplit("_", 1)[0] if "_" in stem else stem


def _default_status(error, questions) -> str:
    """For a gradebook without ``status``: an error and nothing judged is a file that could not be read."""
    if not error:
        return "graded"
    return "error" if questions else "invalid"


def _row(path, index, item) -> Row:
    where = _where(path, index, item)
    if not isinstance(item, dict):
        raise GradebookError(f"{where}: expected an object, found {json.dumps(item)[:60]}")
    submission = _text(where, "submission", _require(where, item, "submission"))
    assignment = _text(where, "assignment", _require(where, item, "assignment"), optional=True)
    score = _number(where, "score", _require(where, item, "score"))
    max_score = _number(where, "max_score", _require(where, item, "max_score"))
    error = _text(where, "error", item.get("error"), optional=True)
    questions = _require(where, item, "questions")
    if not isinstance(questions, list):
        raise GradebookError(f"{where}: 'questions' must be a list")
    status = _text(where, "status", item.get("status"), optional=True) or _default_status(error, questions)
    if status not in STATUSES:
        raise GradebookError(f"{where}: 'status' must be one of {', '.join(STATUSES)}, got {status!r}")
    return Row(source=path, submission=submission,
               student=_text(where, "student", item.get("student"), optional=True) or _default_student(submission),
               assignment=assignment or None, score=score, max_score=max_score, status=status, error=error,
               submitted_at=_time(where, item.get("submitted_at")),
               late_seconds=_number(where, "late_seconds", item.get("late_seconds"), optional=True) or 0.0,
               questions=tuple(_question(f"{where}, question {k}", q) for k, q in enumerate(questions, start=1)))


def _question(where, item) -> Question:
    if not isinstance(item, dict):
        raise GradebookError(f"{where}: expected an object")
    qid = _text(where, "id", _require(where, item, "id"))
    passed = _require(where, item, "passed")
    if not isinstance(passed, bool):
        raise GradebookError(f"{where} ({qid}): 'passed' must be true or false")
    status = _text(where, "status", item.get("status"), optional=True) or ("passed" if passed else "failed")
    return Question(id=qid, score=_number(where, "score", _require(where, item, "score")),
                    max_score=_number(where, "max_score", _require(where, item, "max_score")),
                    passed=passed, status=status,
                    mistake=_text(where, "mistake", item.get("mistake"), optional=True) or None,
                    feedback=_text(where, "feedback", item.get("feedback"), optional=True) or "")


# ----------------------------------------------------------------------------------- choosing
def choose_latest(rows):
    """Of several submissions of one student for one assignment, the one that counts.

    ``rows`` in the order given (gradebooks in argument order, rows in file order). Returns
    ``(row, reason)``: the latest by ``submitted_at`` when every row has one (on a tie, the last
    given); otherwise the last one given. ``reason`` is ``None`` for a single row.
    """
    if len(rows) == 1:
        return rows[0], None
    if all(r.submitted_at is not None for r in rows):
        latest = max(r.submitted_at for r in rows)
        chosen = [r for r in rows if r.submitted_at == latest][-1]
        return chosen, "the latest by submitted_at"
    return rows[-1], "the last one given, since submitted_at is unknown for some of them"


def describe_choice(label: str, assignment: str, rows, chosen, reason: str) -> str:
    """One line for stderr: which submissions competed and which one counts, and why."""
    listed = ", ".join(f"{r.submission} ({r.submitted_at.isoformat() if r.submitted_at else 'time unknown'})"
                       for r in rows)
    return f"{label}, {assignment}: {len(rows)} submissions: {listed}; using {chosen.submission}, {reason}"


def format_score(x: float) -> str:
    """``4`` -> ``4``; ``3.3333`` -> ``3.33`` (two decimals, as LMS gradebooks show)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def printable(text: str) -> str:
    r"""``text`` for a terminal: control characters (an escape sequence in a file name) shown as ``\x1b``."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
