"""Student checks: ``from bptutor import check``, then ``check.hidden_delta(hidden_delta)``.

There is one check per graded name of :mod:`bptutor.assignments` (a function, or a class
whose methods are several questions), generated from that registry. Each draws fresh
random inputs (or reproducible ones with ``seed=``), calls your code on private copies of
them, judges what came back with :func:`bptutor.check.judge.judge` (the same judge the
instructor's grader uses) and returns a :class:`CheckResult`: ``bool(result)`` tells
whether it passed, ``result.feedback`` says what was tried, where it went wrong and the
likely mistake.
"""
from __future__ import annotations

import numpy as np

from .. import assignments
from ..trials import run_trial, signature_problem
from .judge import Verdict, judge, verdict
from .result import CheckResult


def check_question(question, obj, seed=None) -> Verdict:
    """Judge ``obj`` on one question's trials; ``seed`` makes the inputs reproducible."""
    if question.runner is None:
        problem = signature_problem(obj, question.params)
        if problem is not None:
            problem = problem.replace("check.name(name)", f"check.{question.target}({question.target})")
            sentence = problem[0].upper() + problem[1:]
            return verdict(question, "error", f"✗ {question.id}: {sentence}.", None, 0, 0)
    trials = question.make_trials(np.random.default_rng(seed))
    outcomes = [run_trial(obj, trial, question.params, runner=question.runner) for trial in trials]
    return judge(question, trials, outcomes)


def run_check(target: str, obj, seed=None) -> CheckResult:
    """Check ``obj`` as the graded name ``target`` (every question it answers)."""
    verdicts = [check_question(q, obj, seed) for q in assignments.questions_for(target)]
    return CheckResult(verdicts[0]) if len(verdicts) == 1 else CheckResult.combined(target, verdicts)


def _make_check(target, questions):
    def check(obj, seed=None):
        return run_check(target, obj, seed=seed)
    check.__name__ = check.__qualname__ = target
    first = questions[0]
    what = first.summary if len(questions) == 1 else ", ".join(q.id for q in questions)
    check.__doc__ = (f"Check your ``{target}``: {what}.\n\n"
                     f"Returns a CheckResult (``bool(result)`` is True when it passed; "
                     f"``result.feedback`` explains). ``seed``: reproducible inputs.")
    return check


_TARGETS = {}
for _question in assignments.QUESTIONS.values():
    _TARGETS.setdefault(_question.target, []).append(_question)
for _target, _questions in _TARGETS.items():
    globals()[_target] = _make_check(_target, _questions)
del _question, _target, _questions

__all__ = ["CheckResult", "Verdict", "check_question", "judge", "run_check", *_TARGETS]
