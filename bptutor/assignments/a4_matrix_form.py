"""Assignment a4, matrix form (lesson 05): what is graded and how it is tried.

The right answers are in the parent-only twin :mod:`bptutor.check.answers.a4_matrix_form`.
"""
from __future__ import annotations

from ..trials import Trial
from .inputs import layer_sizes, random_network, sigmoid
from .model import Assignment, Question


def dense_forward_trials(rng):
    n = int(rng.integers(3, 7))
    n_in, n_out = layer_sizes(rng, 1)
    return [Trial(f"X ({n}, {n_in}), W ({n_in}, {n_out}), b ({n_out},)",
                  (rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)))]


def dense_backward_trials(rng):
    trials = []
    for n in (int(rng.integers(3, 7)), 1):
        n_in, n_out = layer_sizes(rng, 1)
        trials.append(Trial(f"dZ ({n}, {n_out}), X ({n}, {n_in}), W ({n_in}, {n_out})",
                            (rng.normal(size=(n, n_out)), rng.normal(size=(n, n_in)),
                             rng.normal(size=(n_in, n_out)))))
    return trials


def sigmoid_backward_trials(rng):
    return [Trial("dA, A of shape (4, 3), dA not all ones",
                  (rng.normal(size=(4, 3)), sigmoid(rng.normal(size=(4, 3)))))]


def mlp_loss_and_grads_trials(rng):
    trials = []
    for depth, lam in ((2, 0.0), (2, 0.7), (1, 0.3)):
        sizes = layer_sizes(rng, depth)
        n = int(rng.integers(4, 8))
        weights, biases = random_network(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        T = rng.uniform(size=(n, sizes[-1]))
        trials.append(Trial(f"N = {n}, sizes {'-'.join(map(str, sizes))}, lam = {lam}",
                            (X, T, weights, biases), {"lam": lam}))
    return trials


ASSIGNMENT = Assignment(
    "a4", "Matrix form", "a4_matrix_form.ipynb", "lessons/05_matrix_form.ipynb", (
        Question("dense_forward", ("X", "W", "b"), 1, dense_forward_trials, "X @ W + b",
                 "a batch through a non-square layer"),
        Question("dense_backward", ("dZ", "X", "W"), 3, dense_backward_trials, "(dZ W^T, X^T dZ, sum_rows dZ)",
                 "a batch and a single row, non-square W", outputs=("dX", "dW", "db")),
        Question("sigmoid_backward", ("dA", "A"), 1, sigmoid_backward_trials, "dA * A (1 - A)",
                 "an upstream gradient that is not all ones"),
        Question("mlp_loss_and_grads", ("X", "T", "weights", "biases"), 5, mlp_loss_and_grads_trials,
                 "loss and gradients of a sigmoid MLP with L2", "nets of 1 and 2 layers, with and without lam",
                 outputs=("loss", "grads_W", "grads_b")),
    ))
