"""The parent-only twins of the assignment modules: what is right, and what each mistake looks like.

For every question of :mod:`bptutor.assignments`, the module of the same name here has an
:class:`Answer` in its ``ANSWERS`` dict:

* ``expected(trial, args, kwargs)`` -- the right answer, from :mod:`bptutor.reference` on
  private copies of the trial's inputs (or from an independent oracle);
* ``probe(args, kwargs, key)`` -- a scalar ``L`` whose gradient is the output at ``key``, so
  feedback can show a numerical gradient next to the expected value;
* ``models`` -- mistake models, ``(mistake id, model)`` with ``model(case) -> value`` (a
  :class:`bptutor.check.mistake_models.Case`): what one specific wrong implementation returns;
* ``judge(question, trials, outcomes)`` -- custom judging when comparing numbers is not the
  question (a6 judges held-out accuracy);
* ``hints`` -- the feedback in the question's own names: mistake id -> what to try, or
  ``(why, what to try)`` (either may be ``None`` to keep the shared text of
  :data:`bptutor.check.mistakes.MISTAKES`). A missing transpose in ``hidden_delta`` then
  speaks of ``W_next.T``, not of another function's ``W.T``.

These modules import the reference implementations. They run only in the student's own
kernel (the checks) and in the grader's trusted parent -- never inside the grader's sandbox.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ...assignments import ASSIGNMENT_OF, Question


@dataclass(frozen=True)
class Answer:
    """How one question is judged (see the module docstring)."""

    expected: Callable | None = None
    probe: Callable | None = None
    models: tuple = ()
    judge: Callable | None = None
    hints: Mapping = field(default_factory=dict)


def from_reference(name: str) -> Callable:
    """``expected`` that calls the reference implementation of the same name."""
    def expected(trial, args, kwargs):
        from ... import reference
        return getattr(reference, name)(*args, **kwargs)
    expected.__name__ = f"reference_{name}"
    return expected


def answer_for(question: Question) -> Answer:
    """The :class:`Answer` of a registered question (``ValueError`` saying where it is missing)."""
    owner = ASSIGNMENT_OF.get(question.id)
    if owner is None:
        raise ValueError(f"question {question.id!r} is not in the registry (bptutor.assignments)")
    if owner.answers.startswith("file:"):  # a course file's own assignment (bptutor.assignments.course_file)
        from ...assignments.course_file import load_module
        path = owner.answers[len("file:"):]
        module = load_module(path, f"bptutor_course.answers_{owner.id}")
    else:
        module = importlib.import_module(owner.answers)
    answers = getattr(module, "ANSWERS", {})
    if question.id not in answers:
        raise ValueError(f"{owner.answers} has no answer for {question.id!r}: add "
                         f"ANSWERS[{question.id!r}] = Answer(...) there (see CONTRIBUTING.md)")
    return answers[question.id]
