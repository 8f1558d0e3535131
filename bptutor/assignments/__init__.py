"""The one registry of assignments: what exists, what it is worth, how it is tried.

Each assignment has one home, split along the trust line:

* a **child-safe module** here (``bptutor/assignments/a4_matrix_form.py``): its id,
  title, notebook and lesson, and per question the parameters, points, trials, the
  sentence saying what the trials cover, output names and tolerance -- nothing that
  knows a right answer, so students may read it and the grader's sandbox may hold it;
* a **parent-only twin** of the same name in :mod:`bptutor.check.answers` (the expected
  answers, the probes for numerical gradients, the mistake models, any custom judging).

The student checks (:mod:`bptutor.check`), the release command and the instructor's
grader (:mod:`bptutor.grading`) all read :data:`ASSIGNMENTS`; nothing else restates it.
``CONTRIBUTING.md`` shows how to add a question; an instructor changes points and time limits,
or adds assignments of their own, in a ``course.toml`` (:mod:`bptutor.assignments.course_file`).
"""
from __future__ import annotations

import importlib
import sys

from . import course_file
from .model import DEFAULT_FLOOR, DEFAULT_TOL, Assignment, Question

#: the course's own assignments: one child-safe module here and one twin in bptutor.check.answers each
BUILT_IN = ("a1_chain_rule", "a2_one_neuron", "a3_hidden_layers", "a4_matrix_form", "a5_softmax",
            "a6_capstone", "a7_autodiff")

__all__ = ["ASSIGNMENTS", "ASSIGNMENT_OF", "BUILT_IN", "DEFAULT_FLOOR", "DEFAULT_TOL", "QUESTIONS",
           "COURSE", "Assignment", "Question", "assignment", "question", "questions_for", "register", "replace",
           *BUILT_IN]

#: every assignment by id, in course order
ASSIGNMENTS: dict[str, Assignment] = {}
#: every question by id
QUESTIONS: dict[str, Question] = {}
#: the assignment each question belongs to
ASSIGNMENT_OF: dict[str, Assignment] = {}


def register(found: Assignment, module: str) -> Assignment:
    """Add an assignment to the registry; ``ValueError`` when an id is taken.

    Its parent-only twin defaults to the module of the same name in :mod:`bptutor.check.answers`.
    """
    if not found.answers:
        stem = module.rsplit(".", 1)[-1]
        found = Assignment(found.id, found.title, found.notebook, found.lesson, found.questions,
                           f"bptutor.check.answers.{stem}")
    if found.id in ASSIGNMENTS:
        raise ValueError(f"assignment id {found.id!r} of {module} is taken by another assignment")
    clash = [q.id for q in found.questions if q.id in QUESTIONS]
    if clash:
        raise ValueError(f"{module}: question ids {clash} are taken by another assignment")
    ASSIGNMENTS[found.id] = found
    for q in found.questions:
        QUESTIONS[q.id] = q
        ASSIGNMENT_OF[q.id] = found
    return found


def replace(changed: Assignment) -> None:
    """Put ``changed`` in the place of the registered assignment with its id (new points, limits)."""
    ASSIGNMENTS[changed.id] = changed
    for q in changed.questions:
        QUESTIONS[q.id] = q
        ASSIGNMENT_OF[q.id] = changed


def _load_built_in() -> None:
    for stem in BUILT_IN:
        module = importlib.import_module(f"{__name__}.{stem}")
        register(module.ASSIGNMENT, module.__name__)


def question(question_id: str) -> Question:
    """The question with this id (``ValueError`` naming the choices if unknown)."""
    try:
        return QUESTIONS[question_id]
    except KeyError:
        raise ValueError(f"no graded question is called {question_id!r}; known: {', '.join(QUESTIONS)}") from None


def assignment(assignment_id: str) -> Assignment:
    """The assignment with this id (``ValueError`` naming the choices if unknown)."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        raise ValueError(f"unknown assignment {assignment_id!r}; known: {', '.join(ASSIGNMENTS)}") from None


def questions_for(target: str) -> list:
    """Every question whose notebook definition is ``target`` (one for a function, several for a class)."""
    found = [q for q in QUESTIONS.values() if q.target == target]
    if not found:
        targets = sorted({q.target for q in QUESTIONS.values()})
        raise ValueError(f"nothing graded is called {target!r}; known: {', '.join(targets)}")
    return found


_load_built_in()

#: the instructor's course file, when there is one: ``{"path": ..., "late_policy": ...}``
COURSE: dict = {}
_course = course_file.find()
if _course is not None:
    COURSE = course_file.apply(_course, sys.modules[__name__])
