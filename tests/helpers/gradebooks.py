"""Realistic ``gradebook.json`` files and rosters for the instructor tools' tests and benchmark.

Rows follow the gradebook schema of ``bptutor grade`` (submission, student, assignment, score,
max_score, status, error, submitted_at, late_seconds, questions with id/score/max_score/passed/
status/mistake/feedback); questions, points and titles come from the assignment registry, so a
row looks like what the grader writes for that assignment.

:func:`write_class` writes a small class with everything an instructor meets: two grading runs,
several assignments, full marks and named mistakes, a resubmission (latest by time wins), an
invalid notebook, a notebook that timed out as a whole, a crash and an out-of-memory function, a
file the grader could not assign, a file the roster does not know, a student with no submission,
late work, and students whose names are hostile HTML or spreadsheet formulas.
:func:`synthetic_class` draws a large random class for the benchmark.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

from bptutor.assignments import ASSIGNMENTS
from bptutor.check.diagnose import MISTAKES

HOSTILE_NAME = '<script>alert("x")</script>" onload="alert(1)'
HOSTILE_FEEDBACK = "<img src=x onerror=alert(2)> crashed"
FORMULA_NAME = '=HYPERLINK("http://example.invalid","x")'
ROSTER_COLUMNS = ("submission", "id", "name", "section", "email", "extension_hours")


def question(qid: str, points: float, outcome) -> dict:
    """One question entry. ``outcome``: ``"passed"``, a status, or ``(status, mistake id)``."""
    status, mistake = outcome if isinstance(outcome, tuple) else (outcome, None)
    passed = status == "passed"
    if passed:
        feedback = f"✓ {qid} passed on every trial"
    elif mistake:
        feedback = f"✗ {qid}: {MISTAKES[mistake][0]}\n{MISTAKES[mistake][2]}"
    else:
        feedback = f"✗ {qid}: {status}"
    return {"id": qid, "score": points if passed else 0, "max_score": points, "passed": passed,
            "status": status, "mistake": mistake, "feedback": feedback}


def submission(path: str, assignment, outcomes=None, *, student=None, submitted_at=None, late_seconds=None,
               status="graded", error=None, extra=None) -> dict:
    """A gradebook row for ``path``; every question passes unless ``outcomes`` says otherwise.

    ``status="invalid"`` gives a row with no questions and score 0, as the grader writes for a
    file it could not read; ``assignment=None`` one whose assignment could not be told.
    """
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    a = ASSIGNMENTS.get(assignment) if assignment else None
    questions = [] if status == "invalid" or a is None else [
        question(q.name, q.points, (outcomes or {}).get(q.name, "passed")) for q in a.questions]
    row = {"submission": path, "student": student or stem.rsplit("_", 1)[0], "assignment": assignment,
           "score": sum(q["score"] for q in questions), "max_score": a.max_score if a else 0,
           "status": status, "error": error, "submitted_at": submitted_at, "late_seconds": late_seconds,
           "questions": questions}
    row.update(extra or {})
    return row


def write_gradebook(folder: Path, rows) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gradebook.json"
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_roster(path: Path, students, columns=ROSTER_COLUMNS) -> Path:
    """``students``: dicts with (some of) the roster columns."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for s in students:
            out.writerow([s.get(c, "") for c in columns])
    return path


# --------------------------------------------------------------------------------- the class
T = "2026-11-{:02d}T{}+00:00".format

ROSTER = [
    {"submission": "alice", "id": "1001", "name": "Alice Martin", "section": "A", "email": "alice@example.org"},
    {"submission": "bob", "id": "1002", "name": "Bob Chen", "section": "A", "email": "bob@example.org",
     "extension_hours": "24"},
    {"submission": "carol", "id": "1003", "name": "Carol Diaz", "section": "B", "email": "carol@example.org"},
    {"submission": "dave_a3.ipynb", "id": "1004", "name": "Dave Okafor", "section": "B"},
    {"submission": "erin", "id": "1005", "name": HOSTILE_NAME, "section": "B"},
    {"submission": "frank", "id": "+1006", "name": FORMULA_NAME, "section": "@sum(A1)", "email": "-frank@x.org"},
    {"submission": "grace", "id": "1007", "name": "Grace Hopper", "section": "A"},
    {"submission": "heidi", "id": "1008", "name": "Heidi Larsen", "section": "A"},
]

WEEK3 = [  # a2 and a3, graded in one run
    submission("submitted/alice_a2.ipynb", "a2", submitted_at=T(23, "10:00:00")),
    submission("submitted/alice_a3.ipynb", "a3", {"hidden_delta": ("failed", "transpose")},
               submitted_at=T(30, "22:00:00")),
    submission("submitted/bob_a2.ipynb", "a2", {"sigmoid": "error", "output_delta": ("failed", "sign")},
               submitted_at=T(23, "11:00:00")),
    submission("submitted/bob_a3.ipynb", "a3", {"hidden_delta": ("failed", "missing-derivative"),
                                                "backprop": ("failed", "sign")}, submitted_at=T(30, "20:00:00")),
    submission("submitted/carol_a2.ipynb", "a2", {"output_delta": ("failed", "sign"),
                                                  "weight_gradient": ("failed", "transpose")},
               submitted_at=T(24, "09:30:00"), late_seconds=34200),
    submission("submitted/carol_a3.ipynb", "a3", {"backprop": ("failed", "missing-derivative")},
               submitted_at=T(30, "23:50:00")),
    submission("submitted/dave_a3.ipynb", "a3", status="invalid", submitted_at=T(30, "23:59:00"),
               error="invalid notebook: the file is not JSON (Expecting value at line 1)"),
    submission("submitted/erin_a3.ipynb", "a3", {"hidden_delta": "crashed", "backprop": "not-attempted"},
               submitted_at=T(30, "18:00:00")),
    submission("submitted/frank_a3.ipynb", "a3", submitted_at=T(29, "12:00:00")),
    submission("submitted/frank_a2.ipynb", "a2", {"weight_gradient": ("failed", "transpose")}),
    submission("submitted/mallory_a3.ipynb", "a3", {"backprop": ("failed", "sign")}),
    submission("submitted/alice_homework.ipynb", None, status="invalid",
               error="unknown assignment: no bptutor.assignment in the metadata and no a1-a6 in the file name"),
]
WEEK3[7]["questions"][0]["feedback"] = HOSTILE_FEEDBACK

WEEK4 = [  # a4, plus bob's a3 resubmitted after the deadline
    submission("submitted/alice_a4.ipynb", "a4", {"dense_backward": ("failed", "transpose")},
               submitted_at=T(30, "23:30:00"), late_seconds=5400),
    submission("resubmitted/bob_a3.ipynb", "a3", submitted_at="2026-12-01T09:00:00+00:00", late_seconds=33000),
    submission("submitted/carol_a4.ipynb", "a4",
               {q.name: "timeout" for q in ASSIGNMENTS["a4"].questions}, status="error",
               submitted_at=T(30, "21:00:00"),
               error="the notebook's top-level code timed out after 60 s; no function could be judged"),
    submission("submitted/heidi/a4_matrix_form.ipynb", "a4", {"dense_backward": ("failed", "transpose"),
                                                              "sigmoid_backward": "memory",
                                                              "mlp_loss_and_grads": ("failed", "missing-1/N")},
               student="heidi", submitted_at=T(30, "19:00:00")),
    submission("submitted/frank_a4.ipynb", "a4", {"mlp_loss_and_grads": ("failed", "missing-1/N")},
               submitted_at=T(30, "10:00:00"), extra={"grader_version": "0.0-test"}),
    submission("submitted/notes.txt", None, status="invalid", error="not a notebook (.txt)"),
]


@dataclass(frozen=True)
class ClassFiles:
    grades: list  # the GRADES_DIR folders, in the order they are given to the commands
    roster: Path
    rows: list  # every row written, in that order (for independent counts in tests)


def write_class(tmp: Path) -> ClassFiles:
    dirs = [tmp / "grades" / "week3", tmp / "grades" / "week4"]
    write_gradebook(dirs[0], WEEK3)
    write_gradebook(dirs[1], WEEK4)
    return ClassFiles([str(d) for d in dirs], write_roster(tmp / "roster.csv", ROSTER), WEEK3 + WEEK4)


# --------------------------------------------------------------------------------- large classes
def synthetic_class(n_rows: int, seed: int = 0):
    """``(rows, roster)``: ``n_rows`` random submissions over a1-a6 and the roster that names them.

    About one in four questions fails, half of those with a named mistake; one row in fifty is
    invalid, one in a hundred a resubmission, one in ten late.
    """
    rng = random.Random(seed)
    assignments = list(ASSIGNMENTS.values())
    n_students = max(1, n_rows // len(assignments))
    mistakes = sorted(MISTAKES)
    rows = []
    for i in range(n_rows):
        s, a = divmod(i, len(assignments))
        a = assignments[a]
        name = f"s{s % n_students:05d}"
        path = f"submitted/{name}_{a.id}.ipynb"
        when = f"2026-11-{1 + rng.randrange(28):02d}T{rng.randrange(24):02d}:00:00+00:00"
        late = rng.choice([None] * 9 + [rng.randrange(1, 200000)])
        if rng.random() < 0.02:
            rows.append(submission(path, a.id, status="invalid", submitted_at=when, error="invalid notebook"))
            continue
        outcomes = {}
        for q in a.questions:
            if rng.random() < 0.25:
                outcomes[q.name] = ("failed", rng.choice(mistakes)) if rng.random() < 0.5 else \
                    rng.choice(["failed", "error", "timeout", "not-attempted"])
        rows.append(submission(path, a.id, outcomes, submitted_at=when, late_seconds=late))
        if rng.random() < 0.01:
            rows.append(submission(f"resubmitted/{name}_{a.id}.ipynb", a.id, submitted_at=when, late_seconds=late))
    roster = [{"submission": f"s{k:05d}", "id": str(100000 + k), "name": f"Student {k}",
               "section": "AB"[k % 2], "email": f"s{k}@example.org"} for k in range(n_students)]
    return rows[:n_rows], roster


# --------------------------------------------------------------------------------- test oracle
def roster_owner(row: dict, roster=ROSTER):
    """The roster id a row belongs to: its path, file name, stem or student name is a roster key.

    Written for the tests, apart from ``bptutor.instructor``, so that they check it against
    something else.
    """
    keys = {s["submission"]: s["id"] for s in roster}
    name = row["submission"].rsplit("/", 1)[-1]
    return next((keys[k] for k in (row["submission"], name, name.rsplit(".", 1)[0], row["student"]) if k in keys),
                None)


def counted_rows(rows, roster=ROSTER) -> dict:
    """``{(roster id, assignment): row}``: per student and assignment, the latest row by time."""
    best = {}
    for row in rows:
        owner = roster_owner(row, roster)
        if owner is None or row["assignment"] is None:
            continue
        key = (owner, row["assignment"])
        if key not in best or (row["submitted_at"] or "") > (best[key]["submitted_at"] or ""):
            best[key] = row
    return best
