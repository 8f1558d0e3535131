"""The grader on the course's own notebooks: every solution earns full marks (a6 included,
on held-out accuracy within its time limit) and every released exercise earns zero."""
from __future__ import annotations

import json
import os
import sys

import pytest
from helpers.paths import ROOT as REPO

from bptutor.assignments import ASSIGNMENTS
from bptutor.cli import main as bptutor

ROOT = str(REPO)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform != "linux", reason="the grader's sandbox needs Linux")]


def _notebooks(folder):
    paths = [os.path.join(ROOT, folder, a.notebook) for a in ASSIGNMENTS.values()]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        pytest.skip(f"not written yet: {missing}")
    return paths


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    paths = _notebooks("solutions") + _notebooks("exercises")
    assert bptutor(["grade", *paths, "--out", str(out), "--jobs", "2"]) == 0
    rows = json.loads((out / "gradebook.json").read_text(encoding="utf-8"))
    return {os.path.relpath(os.path.abspath(r["submission"]), ROOT): r for r in rows}


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_solution_earns_full_marks(graded, assignment):
    row = graded[os.path.join("solutions", ASSIGNMENTS[assignment].notebook)]
    failed = {q["id"]: q["feedback"] for q in row["questions"] if not q["passed"]}
    assert failed == {} and row["error"] is None
    assert row["score"] == row["max_score"] == ASSIGNMENTS[assignment].max_score


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_released_exercise_earns_zero(graded, assignment):
    row = graded[os.path.join("exercises", ASSIGNMENTS[assignment].notebook)]
    assert row["score"] == 0 and row["max_score"] == ASSIGNMENTS[assignment].max_score
    assert all("not attempted" in q["feedback"] for q in row["questions"]), [q["feedback"] for q in row["questions"]]
