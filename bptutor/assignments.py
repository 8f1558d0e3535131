"""The one registry of assignments: what exists, what it is worth, how it is tried.

The student checks (:mod:`bptutor.check`), the release command and the
instructor's grader (:mod:`bptutor.grading`) all read this table; nothing else
restates it. Each :class:`Question` is one contract function of COURSE.md: its
name, its parameters, its points and ``make_trials(rng)``, which draws fresh
inputs chosen to expose the usual mistakes (non-square weights, batch and single
examples, extreme logits, an upstream gradient that is not all ones).

Like :mod:`bptutor.trials`, this module imports nothing heavy: the grader's child
process reads it too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trials import FunSpec, Trial


@dataclass(frozen=True)
class Question:
    """One graded function."""

    name: str
    params: tuple  # positional parameter names, as the stub declares them
    points: int
    make_trials: object  # callable: np.random.Generator -> list[Trial]
    summary: str
    time_limit: float = 10.0  # seconds of CPU for all its trials in the grader


@dataclass(frozen=True)
class Assignment:
    """One exercise notebook."""

    id: str
    title: str
    notebook: str  # file name in solutions/ and exercises/
    lesson: str  # the lesson notebook it practises
    questions: tuple

    @property
    def max_score(self) -> int:
        return sum(q.points for q in self.questions)


# --------------------------------------------------------------------------- input helpers
def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free, no dependency on the reference


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _one_hot(rng, n, c):
    Y = np.zeros((n, c))
    Y[np.arange(n), rng.integers(0, c, size=n)] = 1.0
    return Y


def _net(rng, sizes):
    weights = [rng.normal(0.0, 0.8, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0.0, 0.5, size=b) for b in sizes[1:]]
    return weights, biases


def _sizes(rng, depth, lo=2, hi=6):
    """Layer sizes with consecutive sizes different, so a missing transpose cannot hide."""
    sizes = [int(rng.integers(lo, hi))]
    for _ in range(depth):
        n = int(rng.integers(lo, hi))
        while n == sizes[-1]:
            n = int(rng.integers(lo, hi))
        sizes.append(n)
    return sizes


# --------------------------------------------------------------------------- a1
def _trials_grad_f(rng):
    pts = rng.uniform(-3, 3, size=(3, 2))
    pts[0] = np.round(pts[0], 1)
    return [Trial(f"x = {x:.3g}, y = {y:.3g}", (float(x), float(y))) for x, y in pts]


def _trials_numerical_gradient(rng):
    trials = []
    for shape in [(4,), (2, 3), (2, 2, 2)]:
        x = rng.uniform(-1.5, 1.5, size=shape)
        spec = FunSpec("sin_quartic", {"C": rng.uniform(0.5, 2.0, size=shape).tolist(),
                                       "D": rng.uniform(0.5, 1.5, size=shape).tolist()})
        trials.append(Trial(f"{spec.describe()} at x of shape {shape}", (spec, x)))
    return trials


def _trials_relative_error(rng):
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


# --------------------------------------------------------------------------- a2
def _trials_sigmoid(rng):
    return [
        Trial("z of shape (3, 4), moderate values", (rng.normal(scale=3.0, size=(3, 4)),)),
        Trial("z with extreme values (+-1000, +-750)", (np.array([-1000.0, -750.0, 0.0, 750.0, 1000.0]),)),
        Trial("a scalar z", (float(rng.normal()),)),
    ]


def _trials_from_output(low, high):
    def make(rng):
        return [Trial("a of shape (5,)", (rng.uniform(low, high, size=5),)),
                Trial("a of shape (3, 4)", (rng.uniform(low, high, size=(3, 4)),))]
    return make


def _trials_output_delta(rng):
    k = int(rng.integers(2, 5))
    n = int(rng.integers(3, 7))
    return [
        Trial(f"one example, {k} outputs", (_sigmoid(rng.normal(size=k)), rng.uniform(size=k))),
        Trial(f"a batch of {n} examples, 3 outputs",
              (_sigmoid(rng.normal(size=(n, 3))), rng.uniform(size=(n, 3)))),
    ]


def _trials_weight_gradient(rng):
    n_in, n_out = _sizes(rng, 1)
    return [Trial(f"a_prev of {n_in} inputs, delta of {n_out} outputs",
                  (_sigmoid(rng.normal(size=n_in)), rng.normal(size=n_out))),
            Trial("a_prev of 2 inputs, delta of 5 outputs",
                  (_sigmoid(rng.normal(size=2)), rng.normal(size=5)))]


# --------------------------------------------------------------------------- a3
def _trials_hidden_delta(rng):
    n, n_next = _sizes(rng, 1)
    batch = int(rng.integers(3, 7))
    W = rng.normal(size=(n, n_next))
    return [
        Trial(f"one example: W_next of shape ({n}, {n_next})",
              (rng.normal(size=n_next), W, _sigmoid(rng.normal(size=n)))),
        Trial(f"a batch of {batch}: W_next of shape ({n}, {n_next})",
              (rng.normal(size=(batch, n_next)), W, _sigmoid(rng.normal(size=(batch, n))))),
    ]


def _trials_backprop(rng):
    trials = []
    for depth in (1, 2, 3):
        sizes = _sizes(rng, depth)
        weights, biases = _net(rng, sizes)
        x = rng.normal(size=sizes[0])
        t = rng.uniform(size=sizes[-1])
        trials.append(Trial(f"a {depth}-layer net with sizes {'-'.join(map(str, sizes))}",
                            (x, t, weights, biases)))
    return trials


# --------------------------------------------------------------------------- a4
def _trials_dense_forward(rng):
    n = int(rng.integers(3, 7))
    n_in, n_out = _sizes(rng, 1)
    return [Trial(f"X ({n}, {n_in}), W ({n_in}, {n_out}), b ({n_out},)",
                  (rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)))]


def _trials_dense_backward(rng):
    trials = []
    for n in (int(rng.integers(3, 7)), 1):
        n_in, n_out = _sizes(rng, 1)
        trials.append(Trial(f"dZ ({n}, {n_out}), X ({n}, {n_in}), W ({n_in}, {n_out})",
                            (rng.normal(size=(n, n_out)), rng.normal(size=(n, n_in)),
                             rng.normal(size=(n_in, n_out)))))
    return trials


def _trials_sigmoid_backward(rng):
    return [Trial("dA, A of shape (4, 3), dA not all ones",
                  (rng.normal(size=(4, 3)), _sigmoid(rng.normal(size=(4, 3)))))]


def _trials_mlp_loss_and_grads(rng):
    trials = []
    for depth, lam in ((2, 0.0), (2, 0.7), (1, 0.3)):
        sizes = _sizes(rng, depth)
        n = int(rng.integers(4, 8))
        weights, biases = _net(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        T = rng.uniform(size=(n, sizes[-1]))
        trials.append(Trial(f"N = {n}, sizes {'-'.join(map(str, sizes))}, lam = {lam}",
                            (X, T, weights, biases), {"lam": lam}))
    return trials


# --------------------------------------------------------------------------- a5
def _trials_softmax(rng):
    return [
        Trial("Z of shape (4, 5)", (rng.normal(scale=2.0, size=(4, 5)),)),
        Trial("Z with logits of +-1000", (np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]]),)),
    ]


def _trials_softmax_backward(rng):
    S = _softmax(rng.normal(size=(3, 4)))
    return [Trial("S of shape (3, 4), dS random (not all ones)", (S, rng.normal(size=(3, 4))))]


def _trials_cross_entropy(rng):
    n, c = int(rng.integers(3, 7)), 4
    return [Trial(f"S ({n}, {c}) from a softmax, Y one-hot", (_softmax(rng.normal(size=(n, c))), _one_hot(rng, n, c)))]


def _trials_softmax_ce_backward(rng):
    n, c = int(rng.integers(3, 7)), 4
    return [Trial(f"Z ({n}, {c}), Y one-hot", (rng.normal(scale=2.0, size=(n, c)), _one_hot(rng, n, c))),
            Trial("Z with logits of +-1000", (np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, -1000.0]]),
                                              np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])))]


# --------------------------------------------------------------------------- a6
def _trials_train_mlp(rng):
    from .data import load_digits  # only a6 needs the data set
    X_train, y_train, X_test, y_test = load_digits()
    seed = int(rng.integers(0, 2**31 - 1))
    # The held-out digits ship with the package, so a predict() could look them up. Each
    # trial lists the 64 pixels in a fresh random order, the same for training and test
    # images: a fully connected network is indifferent to the order of its inputs, a
    # lookup in the bundled data set is not.
    pixels = rng.permutation(X_train.shape[1])
    return [Trial(f"train on {len(y_train)} digits (seed={seed}), predict {len(y_test)} held-out digits "
                  f"(pixels listed in a random order, the same for both)",
                  (X_train[:, pixels], y_train), {"seed": seed}, then_call=(X_test[:, pixels],),
                  secret={"y_test": y_test})]


Q = Question
ASSIGNMENTS = {a.id: a for a in [
    Assignment("a1", "Chain rule and gradient checks", "a1_chain_rule.ipynb",
               "lessons/00_chain_rule.ipynb", (
                   Q("grad_f", ("x", "y"), 2, _trials_grad_f,
                     "(df/dx, df/dy) for f = x^2 + xy + (x+y)^2"),
                   Q("numerical_gradient", ("fun", "x"), 4, _trials_numerical_gradient,
                     "central-difference gradient of a scalar function; x unchanged"),
                   Q("relative_error", ("a", "b"), 2, _trials_relative_error,
                     "max |a - b| / max(|a| + |b|, 1e-8)"),
               )),
    Assignment("a2", "One neuron and the output layer", "a2_one_neuron.ipynb",
               "lessons/03_output_layer.ipynb", (
                   Q("sigmoid", ("z",), 2, _trials_sigmoid, "logistic function, no overflow"),
                   Q("sigmoid_prime_from_output", ("a",), 1, _trials_from_output(0.01, 0.99),
                     "a (1 - a)"),
                   Q("tanh_prime_from_output", ("a",), 1, _trials_from_output(-0.99, 0.99),
                     "1 - a^2"),
                   Q("output_delta", ("o", "t"), 3, _trials_output_delta,
                     "(o - t) o (1 - o)"),
                   Q("weight_gradient", ("a_prev", "delta"), 2, _trials_weight_gradient,
                     "outer(a_prev, delta)"),
               )),
    Assignment("a3", "Hidden layers", "a3_hidden_layers.ipynb",
               "lessons/04_hidden_layers.ipynb", (
                   Q("hidden_delta", ("delta_next", "W_next", "a"), 4, _trials_hidden_delta,
                     "(delta_next @ W_next.T) * a (1 - a)"),
                   Q("backprop", ("x", "t", "weights", "biases"), 6, _trials_backprop,
                     "gradients for one example through a sigmoid net of any depth"),
               )),
    Assignment("a4", "Matrix form", "a4_matrix_form.ipynb",
               "lessons/05_matrix_form.ipynb", (
                   Q("dense_forward", ("X", "W", "b"), 1, _trials_dense_forward, "X @ W + b"),
                   Q("dense_backward", ("dZ", "X", "W"), 3, _trials_dense_backward,
                     "(dZ W^T, X^T dZ, sum_rows dZ)"),
                   Q("sigmoid_backward", ("dA", "A"), 1, _trials_sigmoid_backward, "dA * A (1 - A)"),
                   Q("mlp_loss_and_grads", ("X", "T", "weights", "biases"), 5,
                     _trials_mlp_loss_and_grads, "loss and gradients of a sigmoid MLP with L2"),
               )),
    Assignment("a5", "Softmax and cross-entropy", "a5_softmax.ipynb",
               "lessons/06_softmax.ipynb", (
                   Q("softmax", ("Z",), 2, _trials_softmax, "row-wise, stable softmax"),
                   Q("softmax_backward", ("S", "dS"), 3, _trials_softmax_backward,
                     "S * (dS - sum_cols(S * dS))"),
                   Q("cross_entropy", ("S", "Y"), 2, _trials_cross_entropy, "-1/N sum Y log S"),
                   Q("softmax_cross_entropy_backward", ("Z", "Y"), 3, _trials_softmax_ce_backward,
                     "(softmax(Z) - Y) / N"),
               )),
    Assignment("a6", "Capstone: digits", "a6_capstone.ipynb",
               "lessons/09_capstone.ipynb", (
                   Q("train_mlp", ("X", "y"), 10, _trials_train_mlp,
                     "train an MLP on digits; held-out accuracy >= 0.95", time_limit=120.0),
               )),
]}

#: every question by function name
QUESTIONS = {q.name: q for a in ASSIGNMENTS.values() for q in a.questions}
#: the assignment each function belongs to
ASSIGNMENT_OF = {q.name: a for a in ASSIGNMENTS.values() for q in a.questions}
#: held-out accuracy a6 must reach
A6_ACCURACY = 0.95


def question(name: str) -> Question:
    """The question for a contract function name (``ValueError`` naming the choices if unknown)."""
    try:
        return QUESTIONS[name]
    except KeyError:
        raise ValueError(f"no graded function is called {name!r}; known: {', '.join(QUESTIONS)}") from None


def assignment(assignment_id: str) -> Assignment:
    """The assignment with this id (``ValueError`` naming the choices if unknown)."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        raise ValueError(f"unknown assignment {assignment_id!r}; known: {', '.join(ASSIGNMENTS)}") from None
