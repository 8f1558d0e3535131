"""Assignment a1, chain rule and gradient checks (lessons 00 and 01): what is graded and how it is tried.

The right answers are in the parent-only twin :mod:`bptutor.check.answers.a1_chain_rule`.
"""
from __future__ import annotations

import numpy as np

from ..trials import FunSpec, Trial
from .model import Assignment, Question


def grad_f_trials(rng):
    pts = rng.uniform(-3, 3, size=(3, 2))
    pts[0] = np.round(pts[0], 1)
    return [Trial(f"x = {x:.3g}, y = {y:.3g}", (float(x), float(y))) for x, y in pts]


def numerical_gradient_trials(rng):
    trials = []
    for shape in [(4,), (2, 3), (2, 2, 2)]:
        x = rng.uniform(-1.5, 1.5, size=shape)
        spec = FunSpec("sin_quartic", {"C": rng.uniform(0.5, 2.0, size=shape).tolist(),
                                       "D": rng.uniform(0.5, 1.5, size=shape).tolist()})
        trials.append(Trial(f"{spec.describe()} at x of shape {shape}", (spec, x)))
    return trials


def relative_error_trials(rng):
    a = rng.normal(size=(3, 4))
    b = a + rng.normal(scale=1e-6, size=a.shape)
    # one entry far off, and small: only an elementwise max finds it (a ratio of
    # maxima, max|a-b| / max(|a|+|b|), is dominated by the large entry [0, 0])
    a[0, 0], b[0, 0] = 2.0 + abs(a[0, 0]), 2.0 + abs(a[0, 0]) + 1e-6
    a[1, 2], b[1, 2] = 0.05, 0.55
    c = rng.normal(size=5)
    return [
        Trial("a, b of shape (3, 4) that differ mostly in one entry", (a, b)),
        Trial("a, b of shape (5,) with b = a * 1.01", (c, c * 1.01)),
        Trial("a = b = zeros (5,): the 1e-8 floor must avoid 0/0", (np.zeros(5), np.zeros(5))),
        Trial("tiny a, b of shape (4,) (below the 1e-8 floor)",
              (rng.normal(scale=1e-10, size=4), rng.normal(scale=1e-10, size=4))),
    ]


ASSIGNMENT = Assignment(
    "a1", "Chain rule and gradient checks", "a1_chain_rule.ipynb", "lessons/00_chain_rule.ipynb", (
        Question("grad_f", ("x", "y"), 2, grad_f_trials,
                 "(df/dx, df/dy) for f = x^2 + xy + (x+y)^2", "three points (x, y)",
                 outputs=("df/dx", "df/dy")),
        # the central difference is compared with the exact gradient, against the output's scale
        Question("numerical_gradient", ("fun", "x"), 4, numerical_gradient_trials,
                 "central-difference gradient of a scalar function; x unchanged",
                 "x of shapes (4,), (2, 3) and (2, 2, 2); compared with the exact gradient",
                 tol=1e-7, floor=1.0),
        Question("relative_error", ("a", "b"), 2, relative_error_trials,
                 "max |a - b| / max(|a| + |b|, 1e-8)",
                 "one entry far off, a 1% difference, all zeros and values below the floor"),
    ))
