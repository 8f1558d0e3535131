"""An instructor's own course (``course.toml``): changed points and time limits, and an assignment of
their own that is released, checked and graded end to end, without editing bptutor."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from helpers.notebooks import notebook
from helpers.paths import ROOT

CHILD = '''
"""a8, norms: the instructor's own assignment (child-safe: no answers here)."""
from bptutor.assignments import Assignment, Question
from bptutor.trials import Trial


def l2_norm_trials(rng):
    return [Trial("a vector of 5", (rng.normal(size=5),)), Trial("a 3 x 4 matrix", (rng.normal(size=(3, 4)),))]


ASSIGNMENT = Assignment("a8", "Norms", "a8_norms.ipynb", "lessons/01_gradient_checking.ipynb", (
    Question("l2_norm", ("x",), 3, l2_norm_trials, "sqrt(sum x^2)", "a vector and a matrix"),
))
'''

TWIN = '''
"""a8's answers (parent only)."""
import numpy as np

from bptutor.check.answers import Answer
from bptutor.check.mistake_models import computed

ANSWERS = {"l2_norm": Answer(lambda trial, args, kwargs: np.sqrt(np.sum(np.asarray(args[0]) ** 2)),
                             models=(("factor-2", computed(lambda x: np.sum(x ** 2))),))}
'''

COURSE = '''
late_policy = "10 % off per day late"

[assignments.a3]
points = { hidden_delta = 5 }
time_limits = { backprop = 20 }

[[extra]]
module = "course/a8_norms.py"
answers = "course/a8_norms_answers.py"
'''


def _solution(points_cell=True):
    cells = [("markdown", "# Assignment a8 -- Norms\n\nPractises [lesson 01](../lessons/01_gradient_checking.ipynb).")]
    if points_cell:
        cells.append(("markdown", "(written by the release)"))
    cells += [("code", "import numpy as np\nfrom bptutor import check"),
              ("code", "def l2_norm(x):\n    \"\"\"The Euclidean norm of x.\"\"\"\n    ### BEGIN SOLUTION\n"
                       "    return float(np.sqrt(np.sum(x * x)))\n    ### END SOLUTION"),
              ("code", "check.l2_norm(l2_norm)")]
    nb = notebook(cells, assignment="a8")
    nb["cells"][1]["metadata"]["tags"] = ["bptutor-points"]
    return nb


def _run(course, *args):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env.pop("BPTUTOR_COURSE", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=str(course), env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("my-course")
    (course / "course").mkdir()
    (course / "course" / "a8_norms.py").write_text(CHILD)
    (course / "course" / "a8_norms_answers.py").write_text(TWIN)
    (course / "course.toml").write_text(COURSE)
    (course / "solutions").mkdir()
    (course / "solutions" / "a8_norms.ipynb").write_text(json.dumps(_solution()))
    shutil.copy(ROOT / "solutions" / "a3_hidden_layers.ipynb", course / "solutions")
    return course


def test_the_registry_reads_the_course_file(course):
    done = _run(course, "-c", "from bptutor import assignments as A\n"
                              "print(A.question('hidden_delta').points, A.question('backprop').time_limit,"
                              " A.assignment('a8').max_score, A.COURSE['late_policy'])")
    assert done.stdout.split(maxsplit=3) == ["5", "20.0", "3", "10 % off per day late\n"], done.stderr


def test_release_writes_the_extra_exercise_and_points_that_follow_the_course_file(course):
    done = _run(course, "-m", "bptutor", "release")
    assert done.returncode == 0, done.stderr
    a8 = json.loads((course / "exercises" / "a8_norms.ipynb").read_text())
    points = "".join(a8["cells"][1]["source"])
    assert "`l2_norm` (3)" in points and "3 points in all" in points
    stub = "".join(a8["cells"][3]["source"])
    assert "raise NotImplementedError" in stub and "np.sqrt" not in stub
    again = _run(course, "-m", "bptutor", "release", "--check")
    assert again.returncode == 0, again.stdout + again.stderr
    # changing points changes what the released notebook says, and --check notices until released again
    (course / "course.toml").write_text(COURSE.replace("hidden_delta = 5", "hidden_delta = 7"))
    stale = _run(course, "-m", "bptutor", "release", "--check")
    (course / "course.toml").write_text(COURSE)
    a3_points = [c for c in json.loads((course / "solutions" / "a3_hidden_layers.ipynb").read_text())["cells"]
                 if "bptutor-points" in c["metadata"].get("tags", [])]
    if a3_points:  # the built-in solutions carry the tagged cell
        assert stale.returncode == 1 and "points" in stale.stdout


def test_the_extra_assignment_is_checked_in_the_students_kernel(course):
    done = _run(course / "exercises", "-c", textwrap.dedent("""
        import numpy as np
        from bptutor import check
        right = check.l2_norm(lambda x: float(np.sqrt(np.sum(x * x))))
        squared = check.l2_norm(lambda x: float(np.sum(x * x)))
        print(right.passed, squared.passed, squared.mistake)"""))
    assert done.stdout.split() == ["True", "False", "factor-2"], done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="grading needs Linux")
def test_the_extra_assignment_and_the_changed_points_are_graded(course):
    _run(course, "-m", "bptutor", "release")
    done = _run(course, "-m", "bptutor", "grade", "solutions", "exercises", "--out", "grades")
    assert done.returncode == 0, done.stderr
    rows = {os.path.relpath(r["submission"], str(course)) if os.path.isabs(r["submission"]) else r["submission"]: r
            for r in json.loads((course / "grades" / "gradebook.json").read_text())}
    a8 = rows[os.path.join("solutions", "a8_norms.ipynb")]
    assert (a8["score"], a8["max_score"]) == (3, 3), a8
    assert rows[os.path.join("exercises", "a8_norms.ipynb")]["score"] == 0
    a3 = rows[os.path.join("solutions", "a3_hidden_layers.ipynb")]
    assert a3["max_score"] == 11 and a3["score"] == 11  # hidden_delta is worth 5 in this course


def test_a_broken_course_file_is_a_clear_error(tmp_path):
    (tmp_path / "course.toml").write_text("[assignments.a3]\npoints = { hidden_deltaa = 2 }\n")
    done = _run(tmp_path, "-c", "import bptutor.assignments")
    assert done.returncode != 0
    assert "course.toml: assignments.a3.points: a3 has no question 'hidden_deltaa'" in done.stderr
