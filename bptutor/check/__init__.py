"""Student checks: ``from bptutor import check``, then ``check.hidden_delta(hidden_delta)``.

There is one check per contract function of :data:`bptutor.assignments.QUESTIONS`,
generated from that registry. Each draws fresh random inputs (or reproducible
ones with ``seed=``), calls your function on private copies of them, judges what
came back with :func:`bptutor.check.judge.judge` (the same judge the instructor's
grader uses) and returns a :class:`CheckResult`: ``bool(result)`` tells whether
it passed, ``result.feedback`` says what was tried, where it went wrong and the
likely mistake.
"""
from __future__ import annotations

import numpy as np

from .. import assignments
from ..trials import run_trial, signature_problem
from .judge import Verdict, judge
from .result import CheckResult


def run_check(name: str, fn, seed=None) -> CheckResult:
    """Check ``fn`` as the contract function ``name``; ``seed`` makes the inputs reproducible."""
    question = assignments.question(name)
    problem = signature_problem(fn, question.params)
    if problem is not None:
        problem = problem.replace("check.name(name)", f"check.{name}({name})")
        sentence = problem[0].upper() + problem[1:]
        return CheckResult(Verdict(name, False, "error", f"✗ {name}: {sentence}.", None, 0, 0))
    trials = question.make_trials(np.random.default_rng(seed))
    outcomes = [run_trial(fn, trial, question.params) for trial in trials]
    return CheckResult(judge(question, trials, outcomes))


def _make_check(question):
    def check(fn, seed=None):
        return run_check(question.name, fn, seed=seed)
    check.__name__ = check.__qualname__ = question.name
    check.__doc__ = (f"Check your ``{question.name}({', '.join(question.params)})``: {question.summary}.\n\n"
                     f"Returns a CheckResult (``bool(result)`` is True when it passed; "
                     f"``result.feedback`` explains). ``seed``: reproducible inputs.")
    return check


for _question in assignments.QUESTIONS.values():
    globals()[_question.name] = _make_check(_question)
del _question

__all__ = ["CheckResult", "Verdict", "judge", "run_check", *assignments.QUESTIONS]
