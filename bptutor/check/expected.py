"""What each contract function should return, computed by trusted code.

For every function of :data:`bptutor.assignments.QUESTIONS` a :class:`Spec` says

* ``expected(trial, args, kwargs)``: the right answer, from :mod:`bptutor.reference`
  on private copies of the trial's inputs (for ``numerical_gradient`` from the
  test function's exact gradient, an oracle independent of finite differences);
* ``outputs``: the names of the returned items, used in feedback ("dW, entry [1, 2]");
* ``tried``: what the trials cover, in words that do not depend on the random draw;
* ``probe(args, kwargs, key)``: a scalar ``L`` whose gradient is the output at ``key``,
  so the feedback can show a numerical gradient next to the expected value.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import reference
from ..reference.backprop import forward
from ..reference.matrix import mlp_forward
from .compare import FLOOR, TOL


@dataclass(frozen=True)
class Spec:
    """How one function is judged."""

    expected: object  # (trial, args, kwargs) -> value (any numbers; converted to plain)
    tried: str
    outputs: object = None  # None: one value; tuple of names for the returned items
    tol: float = TOL
    floor: float = FLOOR
    probe: object = None  # (args, kwargs, key) -> (L description, fun(x) -> float, x) or None


def _logit(a):
    return np.log(a) - np.log1p(-a)


# --------------------------------------------------------------------------- probes
# Each returns (what L is, L as a function of the array being differentiated, that array).
def _probe_grad_f(args, kwargs, key):
    x, y = float(args[0]), float(args[1])
    if key == (0,):
        return "f(x, y)", lambda v: float(reference.f(v[()], y)), np.array(x)
    return "f(x, y)", lambda v: float(reference.f(x, v[()])), np.array(y)


def _probe_output_delta(args, kwargs, key):
    o, t = np.asarray(args[0]), np.asarray(args[1])
    return ("E = 1/2 sum (t - o)^2 as a function of z (o = sigmoid(z))",
            lambda z: 0.5 * float(np.sum((t - reference.sigmoid(z)) ** 2)), _logit(o))


def _probe_weight_gradient(args, kwargs, key):
    a_prev, delta = np.asarray(args[0]), np.asarray(args[1])
    return ("L = sum(delta * (a_prev @ W)) as a function of W",
            lambda W: float(np.sum(delta * (a_prev @ W))), np.zeros((a_prev.size, delta.size)))


def _probe_hidden_delta(args, kwargs, key):
    delta_next, W, a = (np.asarray(v) for v in args)
    return ("L = sum(delta_next * (sigmoid(z) @ W_next)) as a function of z (a = sigmoid(z))",
            lambda z: float(np.sum(delta_next * (reference.sigmoid(z) @ W))), _logit(a))


def _probe_backprop(args, kwargs, key):
    x, t, weights, biases = args
    params = (weights, biases)[key[0]]
    layer = key[1]

    def E(v):
        ps = [list(weights), list(biases)]
        ps[key[0]][layer] = v
        o = forward(x, ps[0], ps[1])[-1]
        return 0.5 * float(np.sum((t - o) ** 2))  # seed 000, eq. (4)
    return "E = 1/2 sum (t - o)^2", E, np.array(params[layer], dtype=np.float64)


def _probe_dense_backward(args, kwargs, key):
    dZ, X, W = (np.asarray(v) for v in args)
    b = np.zeros(W.shape[1])
    parts = [X, W, b]
    i = key[0]

    def L(v):
        p = list(parts)
        p[i] = v
        return float(np.sum(dZ * (p[0] @ p[1] + p[2])))
    return "L = sum(dZ * (X @ W + b))", L, parts[i].copy()


def _probe_sigmoid_backward(args, kwargs, key):
    dA, A = (np.asarray(v) for v in args)
    return ("L = sum(dA * sigmoid(Z)) as a function of Z (A = sigmoid(Z))",
            lambda Z: float(np.sum(dA * reference.sigmoid(Z))), _logit(A))


def _probe_mlp(args, kwargs, key):
    if key[0] == 0:
        return None
    X, T, weights, biases = args
    lam = float(kwargs.get("lam", 0.0))
    layer = key[1]

    def E(v):
        ps = [list(weights), list(biases)]
        ps[key[0] - 1][layer] = v
        O = mlp_forward(X, ps[0], ps[1])[-1]
        N = X.shape[0]
        return float(0.5 * np.sum((T - O) ** 2) / N + 0.5 * lam / N * sum(np.sum(W * W) for W in ps[0]))
    return ("E = 1/(2N) sum ||t - o||^2 + lam/(2N) sum ||W||^2", E,
            np.array((weights, biases)[key[0] - 1][layer], dtype=np.float64))


def _probe_softmax_backward(args, kwargs, key):
    S, dS = (np.asarray(v) for v in args)
    return ("L = sum(dS * softmax(Z)) as a function of Z (S = softmax(Z))",
            lambda Z: float(np.sum(dS * reference.softmax(Z))), np.log(S))


def _probe_softmax_ce(args, kwargs, key):
    Z, Y = (np.asarray(v) for v in args)
    return ("L = cross_entropy(softmax(Z), Y)",
            lambda v: reference.softmax_cross_entropy(v, Y), Z.copy())


def numerical_at(probe, args, kwargs, key, index, h=1e-5):
    """Central difference of the probe's ``L`` at one entry (``None`` if there is no probe)."""
    if probe is None:
        return None, None
    found = probe(args, kwargs, key)
    if found is None:
        return None, None
    what, L, x = found
    x = np.array(x, dtype=np.float64)
    if index is None or len(index) != x.ndim:
        return None, None
    old = x[index]
    x[index] = old + h
    up = L(x)
    x[index] = old - h
    down = L(x)
    return what, (up - down) / (2 * h)


# --------------------------------------------------------------------------- expected values
def _ref(name):
    fn = getattr(reference, name)
    return lambda trial, args, kwargs: fn(*args, **kwargs)


def _expected_numerical_gradient(trial, args, kwargs):
    spec, x = trial.args[0], trial.args[1]
    return spec.gradient(x)  # the exact gradient: an oracle independent of finite differences


def _expected_train_mlp(trial, args, kwargs):
    return np.asarray(trial.secret["y_test"], dtype=np.float64)


SPECS = {
    "grad_f": Spec(_ref("grad_f"), "three points (x, y)", ("df/dx", "df/dy"), probe=_probe_grad_f),
    # the central difference vs the exact gradient: compared against the output's scale
    "numerical_gradient": Spec(_expected_numerical_gradient,
                               "x of shapes (4,), (2, 3) and (2, 2, 2); compared with the exact gradient",
                               tol=1e-7, floor=1.0),
    "relative_error": Spec(_ref("relative_error"),
                           "one entry far off, a 1% difference, all zeros and values below the floor"),
    "sigmoid": Spec(_ref("sigmoid"), "moderate values, extreme values (+-1000) and a scalar"),
    "sigmoid_prime_from_output": Spec(_ref("sigmoid_prime_from_output"), "a vector and a matrix"),
    "tanh_prime_from_output": Spec(_ref("tanh_prime_from_output"), "a vector and a matrix"),
    "output_delta": Spec(_ref("output_delta"), "one example and a batch", probe=_probe_output_delta),
    "weight_gradient": Spec(_ref("weight_gradient"), "layers with more outputs than inputs and fewer",
                            probe=_probe_weight_gradient),
    "hidden_delta": Spec(_ref("hidden_delta"), "one example and a batch, non-square W_next",
                         probe=_probe_hidden_delta),
    "backprop": Spec(_ref("backprop"), "nets of 1, 2 and 3 layers", ("grads_W", "grads_b"),
                     probe=_probe_backprop),
    "dense_forward": Spec(_ref("dense_forward"), "a batch through a non-square layer"),
    "dense_backward": Spec(_ref("dense_backward"), "a batch and a single row, non-square W",
                           ("dX", "dW", "db"), probe=_probe_dense_backward),
    "sigmoid_backward": Spec(_ref("sigmoid_backward"), "an upstream gradient that is not all ones",
                             probe=_probe_sigmoid_backward),
    "mlp_loss_and_grads": Spec(_ref("mlp_loss_and_grads"), "nets of 1 and 2 layers, with and without lam",
                               ("loss", "grads_W", "grads_b"), probe=_probe_mlp),
    "softmax": Spec(_ref("softmax"), "moderate logits and logits of +-1000"),
    "softmax_backward": Spec(_ref("softmax_backward"), "an upstream gradient that is not all ones",
                             probe=_probe_softmax_backward),
    "cross_entropy": Spec(_ref("cross_entropy"), "a batch of softmax outputs with one-hot labels"),
    "softmax_cross_entropy_backward": Spec(_ref("softmax_cross_entropy_backward"),
                                           "moderate logits and logits of +-1000", probe=_probe_softmax_ce),
    "train_mlp": Spec(_expected_train_mlp, "held-out digits"),
}


def spec(name: str) -> Spec:
    """The judging spec of a contract function (``ValueError`` if there is none)."""
    try:
        return SPECS[name]
    except KeyError:
        raise ValueError(f"no judging spec for {name!r}; every function in "
                         "bptutor.assignments.QUESTIONS needs one in bptutor/check/expected.py") from None
