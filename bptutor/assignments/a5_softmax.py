"""Assignment a5, softmax and cross-entropy (lesson 06): what is graded and how it is tried.

The right answers are in the parent-only twin :mod:`bptutor.check.answers.a5_softmax`.
"""
from __future__ import annotations

import numpy as np

from ..trials import Trial
from .inputs import one_hot, softmax
from .model import Assignment, Question


def softmax_trials(rng):
    return [
        Trial("Z of shape (4, 5)", (rng.normal(scale=2.0, size=(4, 5)),)),
        Trial("Z with logits of +-1000", (np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]]),)),
    ]


def softmax_backward_trials(rng):
    S = softmax(rng.normal(size=(3, 4)))
    return [Trial("S of shape (3, 4), dS random (not all ones)", (S, rng.normal(size=(3, 4))))]


def cross_entropy_trials(rng):
    n, c = int(rng.integers(3, 7)), 4
    return [Trial(f"S ({n}, {c}) from a softmax, Y one-hot", (softmax(rng.normal(size=(n, c))), one_hot(rng, n, c)))]


def softmax_cross_entropy_backward_trials(rng):
    n, c = int(rng.integers(3, 7)), 4
    return [Trial(f"Z ({n}, {c}), Y one-hot", (rng.normal(scale=2.0, size=(n, c)), one_hot(rng, n, c))),
            Trial("Z with logits of +-1000", (np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, -1000.0]]),
                                              np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])))]


ASSIGNMENT = Assignment(
    "a5", "Softmax and cross-entropy", "a5_softmax.ipynb", "lessons/06_softmax.ipynb", (
        Question("softmax", ("Z",), 2, softmax_trials, "row-wise, stable softmax",
                 "moderate logits and logits of +-1000"),
        Question("softmax_backward", ("S", "dS"), 3, softmax_backward_trials, "S * (dS - sum_cols(S * dS))",
                 "an upstream gradient that is not all ones"),
        Question("cross_entropy", ("S", "Y"), 2, cross_entropy_trials, "-1/N sum Y log S",
                 "a batch of softmax outputs with one-hot labels"),
        Question("softmax_cross_entropy_backward", ("Z", "Y"), 3, softmax_cross_entropy_backward_trials,
                 "(softmax(Z) - Y) / N", "moderate logits and logits of +-1000"),
    ))
