"""The gradebook an instructor relies on, and the feedback each student reads.

``gradebook.json``: one object per submission with the keys of COURSE.md (``submission``,
``assignment``, ``score``, ``max_score``, ``error``, ``questions`` with ``id``, ``score``,
``max_score``, ``passed``, ``feedback``) and a few more an instructor needs (``student``,
``status`` -- graded, error or invalid --, ``submitted_at``, ``late_seconds``, and per question
``status`` and the diagnosed ``mistake`` id). ``gradebook.csv``: the same rows as a table
(a column per question of the assignments present); ``by-assignment/<id>.csv``: one table
per assignment; ``feedback/<student>.md``: the report a student reads.

Grading a few notebooks again merges their rows into the gradebook already there (keyed
by submission); every file is written whole to a temporary name and moved into place, mode
0600, so a reader never sees half a file and nothing from a submission can break the
write: student text is cleaned, CSV formulas neutralised, Markdown quotes fenced
(:mod:`bptutor.grading.text`).
"""
from __future__ import annotations

import csv
import io
import json
import os

from ..assignments import ASSIGNMENTS
from .jobs import QuestionResult, Row
from .records import write_private
from .text import clean, csv_cell, fenced

SCORING = "Scoring: each function is all or nothing -- its points when every trial passes, zero otherwise."


def _number(x):
    return int(x) if float(x).is_integer() else round(float(x), 4)


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (mode 0600; unencodable characters become "?")."""
    write_private(path, text.encode("utf-8", "replace"))


# --------------------------------------------------------------------------- tables
def question_columns(rows) -> list:
    """Question ids of every assignment present, in registry order."""
    present = {r.assignment for r in rows}
    return [q.id for a in ASSIGNMENTS.values() if a.id in present for q in a.questions]


def to_csv(rows) -> str:
    columns = question_columns(rows)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["submission", "student", "assignment", "status", *columns, "total", "max", "late_hours", "error"])
    for r in rows:
        scores = {q.id: _number(q.score) for q in r.questions}
        late = "" if not r.late_seconds else round(r.late_seconds / 3600, 2)
        out.writerow([csv_cell(v) for v in [r.submission, r.student, r.assignment or "", r.status,
                                            *[scores.get(c, "") for c in columns], _number(r.score),
                                            _number(r.max_score), late, (r.error or "")[:300]]])
    return buf.getvalue()


def to_json(rows) -> str:
    return json.dumps([r.to_json() for r in rows], indent=2, ensure_ascii=False) + "\n"


def row_from_json(data: dict) -> Row:
    """A row of an existing ``gradebook.json`` (``KeyError``/``TypeError`` if it is not one of ours)."""
    questions = [QuestionResult(q["id"], q["score"], q["max_score"], q["passed"], q.get("status", ""),
                                q.get("mistake"), q["feedback"]) for q in data["questions"]]
    return Row(data["submission"], data.get("student", ""), data["assignment"], data["score"], data["max_score"],
               data.get("status", "graded"), data["error"], questions, data.get("submitted_at"),
               data.get("late_seconds"))


def existing_rows(out_dir: str) -> list:
    """The rows of the gradebook already in ``out_dir`` (none if there is none or it is not ours)."""
    try:
        with open(os.path.join(out_dir, "gradebook.json"), encoding="utf-8") as fh:
            return [row_from_json(r) for r in json.load(fh)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def merge(old: list, new: list) -> tuple[list, int]:
    """``old`` with the rows of ``new`` replacing those of the same submission; ``(rows, kept)``."""
    fresh = {r.submission for r in new}
    kept = [r for r in old if r.submission not in fresh]
    return sorted(kept + new, key=lambda r: r.submission), len(kept)


# --------------------------------------------------------------------------- feedback
def to_markdown(row: Row, problems=()) -> str:
    """The feedback report for one submission (every piece of student text quoted in a fence)."""
    assignment = ASSIGNMENTS.get(row.assignment or "")
    title = f"{assignment.id} -- {assignment.title}" if assignment else "unknown assignment"
    lines = [f"# Feedback for {clean(row.student)}", "",
             f"- Submission: `{clean(row.submission).replace('`', chr(39))}`",
             f"- Assignment: {title}",
             f"- Score: **{_number(row.score)} / {_number(row.max_score)}**"]
    if row.late_seconds:
        lines.append(f"- Handed in {row.late_seconds / 3600:.1f} hours after the deadline")
    lines.append("")
    if row.error:
        lines += ["## Problem with the submission", "", fenced(row.error), ""]
    if row.questions:
        lines += ["## Functions", "", SCORING, "", "| function | score | result |", "| --- | --- | --- |"]
        for q in row.questions:
            lines.append(f"| `{q.id}` | {_number(q.score)} / {_number(q.max_score)} | "
                         f"{'passed' if q.passed else 'not passed'} |")
        lines.append("")
        for q in row.questions:
            lines += [f"### `{q.id}`", "", fenced(q.feedback), ""]
    if problems:
        lines += ["## Problems while running the notebook's top-level code", "",
                  "Each cell ran in order, in a process of its own; a cell that failed was skipped and the "
                  "rest still ran.", "", fenced("\n".join(problems)), ""]
    lines += ["---", "Graded by `bptutor grade`: every function was called on fresh random inputs "
              "and compared with the reference by the grader itself."]
    return "\n".join(lines) + "\n"


def write_all(out_dir: str, rows: list, feedback: dict) -> None:
    """Feedback files first (``feedback``: ``{name: markdown}``), then the tables, each atomically."""
    feedback_dir = os.path.join(out_dir, "feedback")
    os.makedirs(feedback_dir, exist_ok=True)
    for name, text in feedback.items():
        write_atomic(os.path.join(feedback_dir, f"{name}.md"), text)
    by_assignment = os.path.join(out_dir, "by-assignment")
    os.makedirs(by_assignment, exist_ok=True)
    for assignment in sorted({r.assignment for r in rows if r.assignment}):
        write_atomic(os.path.join(by_assignment, f"{assignment}.csv"),
                   to_csv([r for r in rows if r.assignment == assignment]))
    write_atomic(os.path.join(out_dir, "gradebook.json"), to_json(rows))
    write_atomic(os.path.join(out_dir, "gradebook.csv"), to_csv(rows))


def grader_version() -> str:
    """A hash of the package's code: any change to what decides a grade regrades."""
    import hashlib
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = hashlib.sha256()
    for folder, dirs, names in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "viz"))
        for name in sorted(n for n in names if n.endswith(".py")):
            with open(os.path.join(folder, name), "rb") as fh:
                h.update(os.path.relpath(os.path.join(folder, name), root).encode() + fh.read())
    return h.hexdigest()[:16]
