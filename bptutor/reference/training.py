"""Training a multilayer perceptron on digits (assignment a6, lesson 09).

A 64-H-10 network: tanh hidden layer, softmax output with cross-entropy,
mini-batch SGD in matrix form -- the handbook chapter's two-layer net with a softmax head, trained
by :func:`~bptutor.reference.sgd.train`. The network is :class:`bptutor.fast_mlp.FastMLP`,
the tuned twin of :class:`~bptutor.reference.mlp.MLP` (same numbers up to round-off):
the grader runs this reference once per trial under a time limit.
"""
from __future__ import annotations

import numpy as np

from .sgd import train
from .shapes import as_float_array

#: learning rate and number of epochs of each phase of :func:`train_mlp`
SCHEDULE = ((0.2, 20), (0.05, 10), (0.01, 10))


def train_mlp(X, y, seed=0, hidden=100, batch_size=32, schedule=SCHEDULE):
    """Train an ``n_in``-``hidden``-``C`` MLP with mini-batch SGD; return ``predict(X) -> labels``.

    ``X``: ``(N, n_in)`` features (digits: pixels scaled to [0, 1]); ``y``: ``(N,)``
    integer labels ``0..C-1``. Deterministic for a given ``seed``. The returned
    function maps ``(M, n_in)`` features to ``(M,)`` integer labels.

    The network: tanh hidden layer, softmax output with cross-entropy, initialised
    by the square-root reading of the per-neuron article's rule. ``schedule`` lists ``(lr, epochs)``
    phases: the learning rate is lowered in steps so that the last epochs, at a
    small rate, settle the weights instead of leaving them wherever the noise of
    the last mini-batches put them. Measured on the digits over 30 random seeds:
    held-out accuracy 0.958-0.968 (a sigmoid hidden layer at a constant rate of 0.5
    fell below 0.95 for about one seed in ten), about 0.25 s of CPU.
    """
    X = as_float_array("X", X, 2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({X.shape[0]},); "
                         f"got dtype {y.dtype}, shape {y.shape}")
    if y.size == 0 or y.min() < 0:
        raise ValueError("y must hold at least one label, all >= 0 (classes 0..C-1)")
    from ..fast_mlp import FastMLP  # here, not at the top: bptutor.fast_mlp imports this package

    n_classes = max(int(y.max()) + 1, 2)
    model = FastMLP([X.shape[1], int(hidden), n_classes], hidden="tanh", output="softmax",
                seed=seed, init="sqrt")
    for phase, (lr, epochs) in enumerate(schedule):
        train(model, X, y, mode="minibatch", lr=lr, epochs=epochs, batch_size=batch_size,
              seed=seed + phase, record=False)  # no per-epoch evaluation: only the network is wanted

    def predict(X_new):
        """Class labels ``(M,)`` for features ``X_new`` ``(M, n_in)``."""
        return model.predict(as_float_array("X", X_new, 2))

    predict.model = model
    return predict
