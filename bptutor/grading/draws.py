"""Every graded question's trials for one submission, drawn in the parent from one seed.

The seed comes from the grader's secret key and the notebook's bytes
(:meth:`bptutor.grading.records.Progress.trial_seed`); question ``k`` is seeded by
``(seed, k)``. The trials keep their judge-only ``secret`` parts (held-out labels): only
their inputs are ever sent to a sandbox (:meth:`bptutor.grading.jobs.Job.payload`).
"""
from __future__ import annotations

import numpy as np

from ..assignments import Assignment


def draw_trials(assignment: Assignment, seed: int) -> dict:
    """``{question id: [Trial, ...]}`` for one submission."""
    return {q.id: q.make_trials(np.random.default_rng([seed, k])) for k, q in enumerate(assignment.questions)}
