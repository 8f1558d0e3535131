"""The gradebook an instructor relies on, in the fixed formats of COURSE.md.

``gradebook.csv``: submission, assignment, one column per function (the union of
the assignments present, in registry order; empty where a function does not
belong to the row's assignment), total, max. ``gradebook.json``: a list of
objects with exactly the keys ``submission``, ``assignment``, ``score``,
``max_score``, ``error``, ``questions`` (each ``id``, ``score``, ``max_score``,
``passed``, ``feedback``). ``feedback/<student>.md``: one readable report per
submission.

Every file is written whole to a temporary name and moved into place
(``os.replace``), so a reader never sees half a file. :class:`Progress` keeps one
small record per graded submission, so an interrupted run resumes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile

from ..assignments import ASSIGNMENTS

ROW_KEYS = ("submission", "assignment", "score", "max_score", "error", "questions")
QUESTION_KEYS = ("id", "score", "max_score", "passed", "feedback")


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either the old one or the whole new one."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _number(x):
    return int(x) if float(x).is_integer() else round(float(x), 4)


def function_columns(rows) -> list:
    """Function names of every assignment present, in registry order."""
    present = {r["assignment"] for r in rows}
    return [q.name for a in ASSIGNMENTS.values() if a.id in present for q in a.questions]


def to_csv(rows) -> str:
    columns = function_columns(rows)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["submission", "assignment", *columns, "total", "max"])
    for r in rows:
        scores = {q["id"]: _number(q["score"]) for q in r["questions"]}
        out.writerow([r["submission"], r["assignment"] or "",
                      *[scores.get(c, "") for c in columns], _number(r["score"]), _number(r["max_score"])])
    return buf.getvalue()


def to_json(rows) -> str:
    clean = [{k: r[k] for k in ROW_KEYS} for r in rows]
    for r in clean:
        r["questions"] = [{k: q[k] for k in QUESTION_KEYS} for q in r["questions"]]
    return json.dumps(clean, indent=2, ensure_ascii=False) + "\n"


def to_markdown(row: dict, student: str, problems=()) -> str:
    """The feedback report for one submission."""
    assignment = ASSIGNMENTS.get(row["assignment"] or "")
    title = f"{assignment.id} -- {assignment.title}" if assignment else "unknown assignment"
    lines = [f"# Feedback for {student}", "",
             f"- Submission: `{row['submission']}`",
             f"- Assignment: {title}",
             f"- Score: **{_number(row['score'])} / {_number(row['max_score'])}**", ""]
    if row["error"]:
        lines += ["## Problem with the submission", "", row["error"], ""]
    if row["questions"]:
        lines += ["## Functions", "",
                  "| function | score | result |", "| --- | --- | --- |"]
        for q in row["questions"]:
            lines.append(f"| `{q['id']}` | {_number(q['score'])} / {_number(q['max_score'])} | "
                         f"{'passed' if q['passed'] else 'not passed'} |")
        lines.append("")
        for q in row["questions"]:
            lines += [f"### `{q['id']}`", "", "```text", q["feedback"].replace("```", "'''"), "```", ""]
    if problems:
        lines += ["## Problems while running the notebook's top-level code", "",
                  "Each cell ran in order; a cell that failed was skipped and the rest still ran.", ""]
        lines += [f"- {p}" for p in problems] + [""]
    lines += ["---", "Graded by `bptutor grade`: every function was called on fresh random inputs "
              "and compared with the reference by the grader itself."]
    return "\n".join(lines) + "\n"


def write_all(out_dir: str, rows, names: dict, problems: dict) -> None:
    """Feedback files first, then ``gradebook.json``, then ``gradebook.csv`` -- each atomically."""
    feedback_dir = os.path.join(out_dir, "feedback")
    os.makedirs(feedback_dir, exist_ok=True)
    for r in rows:
        name = names[r["_path"]]
        write_atomic(os.path.join(feedback_dir, f"{name}.md"),
                     to_markdown(r, r["_student"], problems.get(r["_path"], ())))
    write_atomic(os.path.join(out_dir, "gradebook.json"), to_json(rows))
    write_atomic(os.path.join(out_dir, "gradebook.csv"), to_csv(rows))


class Progress:
    """One record per graded notebook in ``DIR/.bptutor-grade/``, keyed by content and grader.

    The key hashes the notebook's bytes, the grader's version (its own source
    files) and the options that change a grade, so a re-run skips exactly the
    submissions already graded the same way.
    """

    def __init__(self, out_dir: str, grader_version: str, options: dict):
        self.folder = os.path.join(out_dir, ".bptutor-grade")
        os.makedirs(self.folder, exist_ok=True)
        self.salt = json.dumps({"version": grader_version, **options}, sort_keys=True)

    def key(self, digest: str, assignment) -> str:
        return hashlib.sha256(f"{self.salt}|{digest}|{assignment}".encode()).hexdigest()[:32]

    def get(self, key: str):
        try:
            with open(os.path.join(self.folder, f"{key}.json"), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def put(self, key: str, record: dict) -> None:
        write_atomic(os.path.join(self.folder, f"{key}.json"), json.dumps(record))


def grader_version() -> str:
    """A hash of the code that decides grades: grading, checks, reference, registry and trials."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = hashlib.sha256()
    for folder in ("grading", "check", "check/answers", "reference", "assignments"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if name.endswith(".py"):
                with open(os.path.join(root, folder, name), "rb") as fh:
                    h.update(name.encode() + fh.read())
    with open(os.path.join(root, "trials.py"), "rb") as fh:
        h.update(fh.read())
    return h.hexdigest()[:16]
