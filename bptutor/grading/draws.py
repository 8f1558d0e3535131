"""Fresh inputs for every graded function, drawn from one seed per submission.

The parent draws a new random seed for each submission and sends only that
integer to the worker. The worker draws the trials from it before any student
code exists (and drops the judge-only ``secret`` parts); the parent draws the
very same trials again to judge the numbers that come back.
"""
from __future__ import annotations

import secrets

import numpy as np

from ..assignments import Assignment


def new_seed() -> int:
    """A fresh seed nobody can predict (not derived from the clock or the file)."""
    return secrets.randbits(63)


def draw_trials(assignment: Assignment, seed: int, keep_secrets: bool = True) -> dict:
    """``{function name: [Trial, ...]}`` for one submission, question ``k`` seeded by ``(seed, k)``."""
    trials = {}
    for k, question in enumerate(assignment.questions):
        drawn = question.make_trials(np.random.default_rng([seed, k]))
        if not keep_secrets:
            for trial in drawn:
                trial.secret = {}
        trials[question.name] = drawn
    return trials
