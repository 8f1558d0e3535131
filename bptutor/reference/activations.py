"""Activation functions and their derivatives.

Course notation: ``a = f(z)``. The per-neuron article writes ``y_j = f(s_j)`` (eq. 2) and
expresses the derivative through the neuron's own output, which is what the
``*_prime_from_output`` functions do: the backward pass then needs only the
stored activations, not the pre-activations (the lecture slides stores ``a``, not ``z``).
"""
from __future__ import annotations

import numpy as np

from .shapes import as_float_array


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, any shape, no overflow warnings.

    For ``z >= 0`` it evaluates ``1 / (1 + exp(-z))``; for ``z < 0`` the equal
    ``exp(z) / (1 + exp(z))``, so ``exp`` only ever sees non-positive numbers.
    """
    z = as_float_array("z", z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out if out.ndim else out[()]


def sigmoid_prime(z):
    """Derivative of the logistic function at the pre-activation ``z``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_prime_from_output(a):
    """Derivative of the logistic function written through its output: ``a (1 - a)``.

    The per-neuron article, eq. (15): ``f'(s) = y (1 - y)``. Any shape.
    """
    a = as_float_array("a", a)
    out = a * (1.0 - a)
    return out if out.ndim else out[()]


def tanh(z):
    """Hyperbolic tangent, any shape."""
    return np.tanh(as_float_array("z", z))


def tanh_prime_from_output(a):
    """Derivative of tanh written through its output: ``1 - a**2``.

    The per-neuron article, eq. (14): ``f'(s) = 1 - y^2`` (the article's ``a = 1`` form). Any shape.
    """
    a = as_float_array("a", a)
    out = 1.0 - a * a
    return out if out.ndim else out[()]


def relu(z):
    """Rectified linear unit ``max(z, 0)``, any shape."""
    return np.maximum(as_float_array("z", z), 0.0)


def relu_prime_from_output(a):
    """Derivative of ReLU through its output: 1 where ``a > 0``, else 0 (any shape)."""
    return (as_float_array("a", a) > 0).astype(np.float64)


def identity(z):
    """The identity activation (a linear neuron, the Wikipedia article's example)."""
    return as_float_array("z", z)


def identity_prime_from_output(a):
    """Derivative of the identity: ones shaped like ``a``."""
    return np.ones_like(as_float_array("a", a))


#: name -> (f, f' written through the output); used by the per-neuron and matrix networks.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime_from_output),
    "tanh": (tanh, tanh_prime_from_output),
    "relu": (relu, relu_prime_from_output),
    "identity": (identity, identity_prime_from_output),
}


def get_activation(name: str):
    """Return ``(f, f_prime_from_output)`` for an activation name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None
