"""Assignment a2, one neuron and the output layer (lessons 02 and 03): what is graded and how it is tried.

The right answers are in the parent-only twin :mod:`bptutor.check.answers.a2_one_neuron`.
"""
from __future__ import annotations

import numpy as np

from ..trials import Trial
from .inputs import layer_sizes, sigmoid
from .model import Assignment, Question


def sigmoid_trials(rng):
    return [
        Trial("z of shape (3, 4), moderate values", (rng.normal(scale=3.0, size=(3, 4)),)),
        Trial("z with extreme values (+-1000, +-750)", (np.array([-1000.0, -750.0, 0.0, 750.0, 1000.0]),)),
        Trial("a scalar z", (float(rng.normal()),)),
    ]


def from_output_trials(low, high):
    """Trials for a derivative written through the output, with outputs drawn from ``[low, high]``."""
    def make(rng):
        return [Trial("a of shape (5,)", (rng.uniform(low, high, size=5),)),
                Trial("a of shape (3, 4)", (rng.uniform(low, high, size=(3, 4)),))]
    return make


def output_delta_trials(rng):
    k = int(rng.integers(2, 5))
    n = int(rng.integers(3, 7))
    return [
        Trial(f"one example, {k} outputs", (sigmoid(rng.normal(size=k)), rng.uniform(size=k))),
        Trial(f"a batch of {n} examples, 3 outputs",
              (sigmoid(rng.normal(size=(n, 3))), rng.uniform(size=(n, 3)))),
    ]


def weight_gradient_trials(rng):
    n_in, n_out = layer_sizes(rng, 1)
    return [Trial(f"a_prev of {n_in} inputs, delta of {n_out} outputs",
                  (sigmoid(rng.normal(size=n_in)), rng.normal(size=n_out))),
            Trial("a_prev of 2 inputs, delta of 5 outputs",
                  (sigmoid(rng.normal(size=2)), rng.normal(size=5)))]


ASSIGNMENT = Assignment(
    "a2", "One neuron and the output layer", "a2_one_neuron.ipynb", "lessons/03_output_layer.ipynb", (
        Question("sigmoid", ("z",), 2, sigmoid_trials, "logistic function, no overflow",
                 "moderate values, extreme values (+-1000) and a scalar"),
        Question("sigmoid_prime_from_output", ("a",), 1, from_output_trials(0.01, 0.99), "a (1 - a)",
                 "a vector and a matrix"),
        Question("tanh_prime_from_output", ("a",), 1, from_output_trials(-0.99, 0.99), "1 - a^2",
                 "a vector and a matrix"),
        Question("output_delta", ("o", "t"), 3, output_delta_trials, "(o - t) o (1 - o)",
                 "one example and a batch"),
        Question("weight_gradient", ("a_prev", "delta"), 2, weight_gradient_trials, "outer(a_prev, delta)",
                 "layers with more outputs than inputs and fewer"),
    ))
