"""Assignment a6's answers (parent only): held-out accuracy, judged against labels kept here.

Each trial's ``secret`` holds the held-out labels and the accuracy that trial needs
(:mod:`bptutor.assignments.a6_capstone`); they never leave the judging process. Every
trial must reach its accuracy: the digits and a synthetic task no lookup can know.
"""
from __future__ import annotations

import numpy as np

from .. import diagnose
from ..compare import conform, is_plain
from ..judge import verdict
from . import Answer

SHAPE_HELP = ("For train_mlp: return the function predict (defined inside train_mlp, so it sees the trained "
              "weights); predict(X) must return one integer class label per row of X, e.g. "
              "np.argmax(scores, axis=1).")


HINTS = {
    "missing-return": "End `train_mlp` with `return predict`, and end `predict` with `return` and one label per "
                      "row of its argument.",
    "constant-predictions": "Initialise the weights with small random numbers (never all zeros: every hidden unit "
                            "would then stay the same, lesson 07), check that the loss goes down during training, "
                            "and make `predict` use its argument.",
}


def _get(outcome, attr, default):
    value = getattr(outcome, attr, default)
    return default if value is None else value


def _bad_return(outcome) -> tuple:
    """``(sentence, mistake id)`` for a trial whose ``train_mlp`` or ``predict`` returned no labels."""
    error = str(_get(outcome, "error", ""))
    returned = str(_get(outcome, "returned", "")) or "something else"
    if "expected a function" in error:
        if returned == "NoneType":
            return "train_mlp returned None: did you forget `return predict` at its end?", "missing-return"
        return f"train_mlp returned {returned}, not a function.", "wrong-type"
    if returned == "NoneType":
        return "predict returned None: did you forget `return` at the end of predict?", "missing-return"
    return f"predict returned {returned}, not labels ({error}).", "wrong-type"


def judge_accuracy(question, trials, outcomes):
    """Held-out accuracy of the returned predictions, trial by trial, against ``trial.secret``."""
    name = question.id
    total = len(trials)
    passed_n = 0
    for trial, outcome in zip(trials, outcomes):
        label = f"Tried: {trial.label}."
        need = float(trial.secret["accuracy"])
        status = str(_get(outcome, "status", "missing"))
        if status == "bad-return":
            sentence, mistake = _bad_return(outcome)
            return verdict(question, "failed",
                           f"✗ {name} is wrong.\n{label}\n{sentence}"
                           f"\n{diagnose.describe(mistake, question, HINTS)}\n{SHAPE_HELP}", mistake, passed_n, total)
        if status != "ok":
            msg = str(_get(outcome, "error", status))
            return verdict(question, "error", f"✗ {name} raised an error.\n{label}\nIt raised {msg}",
                           diagnose.from_error(msg), passed_n, total)
        y = np.asarray(trial.secret["y_test"])
        got = _get(outcome, "value", None)
        if is_plain(got):
            got = conform(got, y.astype(np.float64))  # a list of labels is fine too
        if type(got) is not np.ndarray or got.shape != y.shape:
            shape = getattr(got, "shape", None)
            hint = (" It looks like scores or probabilities per class: return the class labels "
                    "(np.argmax(..., axis=1))." if shape is not None and len(shape) == 2 and shape[0] == y.shape[0]
                    else "")
            what = f"an array of shape {shape}" if shape is not None else _get(outcome, "returned", "something else")
            return verdict(question, "failed",
                           f"✗ {name}: predict returned {what}; expected labels of shape {y.shape}.{hint}\n"
                           f"{label}\n{diagnose.describe('wrong-shape', question, HINTS)}\n{SHAPE_HELP}", "wrong-shape",
                           passed_n, total)
        if not np.all(np.isfinite(got)):
            return verdict(question, "failed",
                           f"✗ {name}: predict returned values that are not finite numbers.\n{label}\n"
                           f"{diagnose.describe('overflow', question, HINTS)}", "overflow", passed_n, total)
        accuracy = float(np.mean(got == y))
        if accuracy >= need:
            passed_n += 1
            continue
        mistake = "constant-predictions" if np.unique(got).size == 1 else "low-accuracy"
        return verdict(question, "failed",
                       f"✗ {name} reached a held-out accuracy of {accuracy:.3f}; it needs at least {need}.\n"
                       f"{label}\n{diagnose.describe(mistake, question, HINTS)}", mistake, passed_n, total)
    needs = " and ".join(f"{float(t.secret['accuracy'])}" for t in trials)
    return verdict(question, "passed",
                   f"✓ {name} passed: held-out accuracy of at least {needs} on {question.tried} "
                   f"({total} tasks, each trained from scratch).", None, passed_n, total)


ANSWERS = {"train_mlp": Answer(judge=judge_accuracy, hints=HINTS)}
