"""Layers as building blocks (the handbook chapter; lesson 08): one contract for every layer.

Each layer has ``forward(X) -> Y``, which caches what its backward pass needs, and
``backward(dY) -> dX``, which turns the gradient of the loss with respect to the
layer's output into the gradient with respect to its input (the handbook chapter: "the adjoint
of its differential"). A layer with parameters also stores their gradients
(``Dense.dW``, ``Dense.db``). ``params()`` and ``grads()`` return matching lists of
arrays (the same objects every call, so an optimiser can update them in place).

Rows are examples: ``X`` is ``(N, n_in)``. ``Dense`` also accepts one example as
a 1-D ``(n_in,)`` vector. Losses take the network output and the targets in
``forward`` and return a float; their ``backward()`` takes no argument and starts
the backward pass.

    net = Sequential(Dense(2, 3, rng=0), Sigmoid(), Dense(3, 1, rng=1), Sigmoid())
    loss = SquaredError()
    E = loss.forward(net.forward(X), T)
    net.backward(loss.backward())      # now every Dense holds dW, db
"""
from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .init import as_rng, uniform_sqrt
from .losses import one_hot
from .shapes import as_float_array, require_shape, same_shape


class Layer:
    """Base class: the uniform contract. Activations have no parameters."""

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dY):
        raise NotImplementedError

    def params(self):
        """Parameter arrays (empty for a layer without parameters)."""
        return []

    def grads(self):
        """Gradients, one per entry of :meth:`params`, same shapes (valid after ``backward``)."""
        return []

    def _need_forward(self, attr):
        if getattr(self, attr, None) is None:
            raise ValueError(f"{type(self).__name__}.backward called before forward; "
                             "run forward(X) first so the layer can cache its input")

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Affine layer ``Y = X W + b``.

    ``W``: ``(n_in, n_out)``; ``b``: ``(n_out,)``. Given ``W``/``b`` are copied as
    float64; otherwise drawn by :func:`bptutor.reference.init.uniform_sqrt` from
    ``rng`` (a Generator, an int seed, or None for seed 0).
    """

    def __init__(self, n_in, n_out, rng=None, W=None, b=None):
        W0, b0 = uniform_sqrt(n_in, n_out, as_rng(rng)) if (W is None or b is None) else (None, None)
        self.W = W0 if W is None else as_float_array("W", W, 2).copy()
        self.b = b0 if b is None else as_float_array("b", b, 1).copy()
        require_shape("W", self.W, (n_in, n_out), f"Dense({n_in}, {n_out})")
        require_shape("b", self.b, (n_out,), f"Dense({n_in}, {n_out})")
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._X = None

    def forward(self, X):
        """``X``: ``(N, n_in)`` or ``(n_in,)``. Returns ``X W + b``: ``(N, n_out)`` or ``(n_out,)``."""
        X = as_float_array("X", X, (1, 2))
        require_shape("X", X, X.shape[:-1] + (self.W.shape[0],), f"W has {self.W.shape[0]} rows")
        self._X = X
        return X @ self.W + self.b

    def backward(self, dY):
        """``dY``: ``dL/dY``, shaped like the output. Returns ``dL/dX``, shaped like ``X``.

        Stores ``dW = X^T dY`` (``(n_in, n_out)``) and ``db = sum_rows dY`` (``(n_out,)``).
        """
        self._need_forward("_X")
        dY = as_float_array("dY", dY, (1, 2))
        X = self._X
        require_shape("dY", dY, X.shape[:-1] + (self.W.shape[1],), "the shape of this layer's output")
        X2, dY2 = np.atleast_2d(X), np.atleast_2d(dY)
        self.dW[...] = X2.T @ dY2  # the handbook chapter, Example 3: grad_W f = X^T grad g
        self.db[...] = dY2.sum(axis=0)  # the bias is a weight on a constant input of 1
        return dY @ self.W.T  # the handbook chapter, Example 2: grad_X f = grad g W^T

    def params(self):
        return [self.W, self.b]

    def grads(self):
        return [self.dW, self.db]

    def __repr__(self):
        return f"Dense({self.W.shape[0]}, {self.W.shape[1]})"


class _Elementwise(Layer):
    """An activation applied entry by entry; backward uses the cached output."""

    def __init__(self):
        self._Y = None

    def forward(self, X):
        """Any shape in, the same shape out."""
        self._Y = self._f(as_float_array("X", X))
        return self._Y

    def backward(self, dY):
        """``dY`` shaped like the output; returns ``dY * f'`` (the handbook chapter, Example 1)."""
        self._need_forward("_Y")
        dY = as_float_array("dY", dY)
        same_shape("dY", dY, "the layer's output", self._Y)
        return dY * self._f_prime_from_output(self._Y)  # the handbook chapter, Example 1: v'(x) * grad_v u


class Sigmoid(_Elementwise):
    """Logistic activation; derivative ``Y (1 - Y)`` from the output (the per-neuron article, eq. 15)."""

    @staticmethod
    def _f(X):
        return sigmoid(X)

    @staticmethod
    def _f_prime_from_output(Y):
        return Y * (1.0 - Y)


class Tanh(_Elementwise):
    """Hyperbolic tangent; derivative ``1 - Y^2`` from the output (the per-neuron article, eq. 14)."""

    @staticmethod
    def _f(X):
        return np.tanh(X)

    @staticmethod
    def _f_prime_from_output(Y):
        return 1.0 - Y * Y


class ReLU(_Elementwise):
    """``max(X, 0)``; derivative 1 where the output is positive, else 0."""

    @staticmethod
    def _f(X):
        return np.maximum(X, 0.0)

    @staticmethod
    def _f_prime_from_output(Y):
        return (Y > 0).astype(np.float64)


class SquaredError:
    """``E = 1/(2N) sum ||t - o||^2`` (the per-neuron article, eq. 6; a 1-D ``o`` counts as N = 1, eq. 4)."""

    def __init__(self):
        self._cache = None

    def forward(self, O, T):
        """``O``, ``T``: ``(N, K)`` or ``(K,)``, same shape. Returns ``E`` as a float."""
        O = as_float_array("O", O, (1, 2))
        T = as_float_array("T", T, (1, 2))
        same_shape("O", O, "T", T)
        N = O.shape[0] if O.ndim == 2 else 1
        self._cache = (O, T, N)
        e = T - O  # the per-neuron article, eq. (3)
        return float(0.5 * np.sum(e * e) / N)  # eq. (6)

    def backward(self):
        """``dE/dO = (O - T) / N``, shaped like ``O`` (the per-neuron article, eqs. 10 and 12: ``-e``)."""
        if self._cache is None:
            raise ValueError("SquaredError.backward called before forward(O, T)")
        O, T, N = self._cache
        return (O - T) / N

    def __repr__(self):
        return "SquaredError()"


class SoftmaxCrossEntropy:
    """Row-wise softmax of the logits followed by mean cross-entropy (the handbook chapter, Example 4)."""

    def __init__(self):
        self._cache = None

    def forward(self, Z, Y):
        """``Z``: logits ``(N, C)``; ``Y``: one-hot ``(N, C)`` or integer labels ``(N,)``.

        Returns ``-1/N sum Y log softmax(Z)`` as a float, computed through log-sum-exp.
        """
        Z = as_float_array("Z", Z, 2)
        Y = np.asarray(Y)
        if Y.ndim == 1 and np.issubdtype(Y.dtype, np.integer):
            require_shape("Y", Y, (Z.shape[0],), f"Z has {Z.shape[0]} rows")
            Y = one_hot(Y, Z.shape[1])
        Y = as_float_array("Y", Y, 2)
        same_shape("Z", Z, "Y", Y)
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_S = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self._cache = (np.exp(log_S), Y)
        return float(-np.sum(Y * log_S) / Z.shape[0])

    def backward(self):
        """``dL/dZ = (softmax(Z) - Y) / N``, shape ``(N, C)``.

        The handbook chapter, Example 4 gives the softmax Jacobian-vector product; chained with the
        cross-entropy gradient ``-Y / (N S)`` it collapses to this (lesson 06).
        """
        if self._cache is None:
            raise ValueError("SoftmaxCrossEntropy.backward called before forward(Z, Y)")
        S, Y = self._cache
        return (S - Y) / S.shape[0]

    def __repr__(self):
        return "SoftmaxCrossEntropy()"


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse (the handbook chapter: blocks snapped together)."""

    def __init__(self, *layers):
        if not layers:
            raise ValueError("Sequential needs at least one layer, e.g. Sequential(Dense(2, 1), Sigmoid())")
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise ValueError(f"layer {i} ({type(layer).__name__}) has no forward/backward methods")
        self.layers = list(layers)

    def forward(self, X):
        """Feed ``X`` through every layer; returns the last layer's output."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY):
        """Feed ``dY`` back through every layer in reverse; returns ``dL/dX`` of the first input."""
        for layer in reversed(self.layers):
            dY = layer.backward(dY)
        return dY

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        return [g for layer in self.layers for g in layer.grads()]

    def __repr__(self):
        return "Sequential(" + ", ".join(repr(layer) for layer in self.layers) + ")"


__all__ = ["Layer", "Dense", "Sigmoid", "Tanh", "ReLU", "SquaredError", "SoftmaxCrossEntropy", "Sequential"]
