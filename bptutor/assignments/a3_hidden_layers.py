"""Assignment a3, hidden layers (lesson 04): what is graded and how it is tried.

The right answers are in the parent-only twin :mod:`bptutor.check.answers.a3_hidden_layers`.
"""
from __future__ import annotations

from ..trials import Trial
from .inputs import layer_sizes, random_network, sigmoid
from .model import Assignment, Question


def hidden_delta_trials(rng):
    n, n_next = layer_sizes(rng, 1)
    batch = int(rng.integers(3, 7))
    W = rng.normal(size=(n, n_next))
    return [
        Trial(f"one example: W_next of shape ({n}, {n_next})",
              (rng.normal(size=n_next), W, sigmoid(rng.normal(size=n)))),
        Trial(f"a batch of {batch}: W_next of shape ({n}, {n_next})",
              (rng.normal(size=(batch, n_next)), W, sigmoid(rng.normal(size=(batch, n))))),
    ]


def backprop_trials(rng):
    trials = []
    for depth in (1, 2, 3):
        sizes = layer_sizes(rng, depth)
        weights, biases = random_network(rng, sizes)
        x = rng.normal(size=sizes[0])
        t = rng.uniform(size=sizes[-1])
        trials.append(Trial(f"a {depth}-layer net with sizes {'-'.join(map(str, sizes))}",
                            (x, t, weights, biases)))
    return trials


ASSIGNMENT = Assignment(
    "a3", "Hidden layers", "a3_hidden_layers.ipynb", "lessons/04_hidden_layers.ipynb", (
        Question("hidden_delta", ("delta_next", "W_next", "a"), 4, hidden_delta_trials,
                 "(delta_next @ W_next.T) * a (1 - a)", "one example and a batch, non-square W_next"),
        Question("backprop", ("x", "t", "weights", "biases"), 6, backprop_trials,
                 "gradients for one example through a sigmoid net of any depth", "nets of 1, 2 and 3 layers",
                 outputs=("grads_W", "grads_b")),
    ))
