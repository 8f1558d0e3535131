"""What an assignment and a graded question are: plain data, no answers.

A :class:`Question` says what is graded and how it is tried: the name the notebook
must define, its parameters, its points, ``make_trials(rng)`` (fresh inputs chosen to
expose the usual mistakes), a sentence saying what the trials cover, the names of the
returned items and the tolerance. What the right answer *is* lives elsewhere, in the
question's parent-only twin under :mod:`bptutor.check.answers`: nothing in this module
or in the assignment modules next to it knows a right answer, so they may be shown to
students and imported inside the grader's sandbox.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: default tolerance: the largest elementwise relative error that still passes
DEFAULT_TOL = 1e-7
#: entries smaller than this fraction of the output's largest entry are compared absolutely
#: (to ``tol * floor * largest``): a 1e-12 added "for safety" is not a mistake, round-off never is
DEFAULT_FLOOR = 1e-3


@dataclass(frozen=True)
class Question:
    """One graded question of an assignment.

    ``id`` names the question in the gradebook (a function's name, or ``Class.method``);
    ``target`` is what the notebook must define (the function or class; defaults to
    ``id``); ``params`` are the positional parameters the stub declares; ``make_trials``
    maps a ``numpy.random.Generator`` to a list of :class:`bptutor.trials.Trial`;
    ``tried`` says in words that do not depend on the draw what the trials cover;
    ``outputs`` names the returned items (``None``: one value); ``runner`` is the dotted
    name of a function in :mod:`bptutor.assignments` that tries a class (``None``: the
    target is called with the trial's arguments); ``time_limit`` is CPU seconds for all
    its trials in the grader.
    """

    id: str
    params: tuple
    points: int
    make_trials: Callable
    summary: str
    tried: str
    outputs: tuple | None = None
    tol: float = DEFAULT_TOL
    floor: float = DEFAULT_FLOOR
    time_limit: float = 10.0
    target: str = ""
    runner: str | None = None

    def __post_init__(self):
        if not self.target:
            object.__setattr__(self, "target", self.id)

    @property
    def name(self) -> str:
        """The question's id (kept for readers who think of questions as functions)."""
        return self.id


@dataclass(frozen=True)
class Assignment:
    """One exercise notebook and the questions graded in it.

    ``answers`` is the dotted name of the parent-only module that knows the right
    answers (default: the module of the same name in :mod:`bptutor.check.answers`).
    """

    id: str
    title: str
    notebook: str  # file name in solutions/ and exercises/
    lesson: str  # the lesson notebook it practises
    questions: tuple
    answers: str = ""

    @property
    def max_score(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def targets(self) -> list:
        """The names the notebook must define, in order, each once."""
        return list(dict.fromkeys(q.target for q in self.questions))
