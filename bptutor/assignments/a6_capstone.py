"""Assignment a6, the capstone (lesson 09): train an MLP on digits; what is graded and how it is tried.

``train_mlp(X, y, seed)`` must return ``predict``; it is judged by held-out accuracy, in
the parent only, on two tasks per trial draw:

* the digits, with rows shuffled, pixels listed in a fresh random order (the same for
  training and test images) and lightly perturbed -- a network trained from scratch is
  indifferent to all three;
* a fresh synthetic task shaped like the digits (:func:`bptutor.data.synthetic_digits`)
  that no published data set contains.

The digits ship with the package and are public, so a ``predict`` that looks images up
in a table can do well on the first task; it cannot know the second. The held-out
labels never leave the grader's own process.
"""
from __future__ import annotations

from ..trials import Trial
from .model import Assignment, Question

#: held-out accuracy needed on the digits (lesson 09 reaches about 0.96)
ACCURACY = 0.95
#: held-out accuracy needed on the synthetic task (the reference reaches about 0.99)
SYNTHETIC_ACCURACY = 0.90
#: standard deviation of the noise added to every pixel of the digits (pixels are in [0, 1])
PIXEL_NOISE = 0.03


def train_mlp_trials(rng):
    from .. import data  # only a6 needs the data sets; never imported inside the grader's sandbox

    trials = []
    X_train, y_train, X_test, y_test = data.load_digits()
    pixels = rng.permutation(X_train.shape[1])
    rows_train, rows_test = rng.permutation(len(y_train)), rng.permutation(len(y_test))
    X_train = X_train[rows_train][:, pixels] + rng.normal(0.0, PIXEL_NOISE, size=X_train.shape)
    X_test = X_test[rows_test][:, pixels] + rng.normal(0.0, PIXEL_NOISE, size=X_test.shape)
    seed = int(rng.integers(0, 2**31 - 1))
    trials.append(Trial(f"train on {len(y_train)} digits (seed={seed}), predict {len(y_test)} held-out digits "
                        f"(rows shuffled, pixels in a random order and lightly perturbed)",
                        (X_train, y_train[rows_train]), {"seed": seed}, then_call=(X_test,),
                        secret={"y_test": y_test[rows_test], "accuracy": ACCURACY}))
    task = int(rng.integers(0, 2**31 - 1))
    S_train, s_train, S_test, s_test = data.synthetic_digits(seed=task)
    seed = int(rng.integers(0, 2**31 - 1))
    trials.append(Trial(f"train on {len(s_train)} examples of a fresh synthetic 10-class task shaped like "
                        f"the digits (seed={seed}), predict {len(s_test)} held-out examples",
                        (S_train, s_train), {"seed": seed}, then_call=(S_test,),
                        secret={"y_test": s_test, "accuracy": SYNTHETIC_ACCURACY}))
    return trials


ASSIGNMENT = Assignment(
    "a6", "Capstone: digits", "a6_capstone.ipynb", "lessons/09_capstone.ipynb", (
        Question("train_mlp", ("X", "y"), 10, train_mlp_trials,
                 f"train an MLP on digits; held-out accuracy >= {ACCURACY}",
                 "held-out digits and a fresh synthetic task", time_limit=120.0),
    ))
