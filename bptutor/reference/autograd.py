"""A tiny reverse-mode automatic differentiation engine over scalars (lesson 08, assignment a7).

Every arithmetic operation on :class:`Value` objects records a node of the
computational graph (the lecture slides' graph of ``f(x, y) = x^2 + x y + (x + y)^2``):
its value ``data``, its children ``_prev`` (the nodes it was computed from), the
operation ``_op``, and a closure ``_backward`` that knows its *local* derivative.
``backward()`` puts the nodes in topological order, seeds ``grad = 1`` at the
output and calls the closures from the output back to the inputs; each applies the
chain rule: ``child.grad += local derivative * out.grad``.

The ``+=`` matters: a value used by several nodes (``x`` enters ``f`` four times
when ``x**2`` is written ``x * x``) receives one contribution per path, and the chain
rule sums over paths (the lecture slides). Writing ``=`` instead keeps only the last
path -- micrograd's classic bug.

The Wikipedia article calls backpropagation "a special case of reverse-mode automatic
differentiation"; the handbook chapter ends with autograd as the tool that
differentiates a network built from layers. This module is that idea in ~100
readable lines; the names (``data``, ``grad``, ``_prev``, ``_op``, ``_backward``) are
micrograd's, and those of the ``Value`` class students write in assignment a7.
"""
from __future__ import annotations

import math
import numbers


class Value:
    """A scalar in a computational graph: ``data`` (forward value), ``grad`` (dE/d this)."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None  # pushes self.grad to the children; set by the op
        self._prev = tuple(_children)  # the children: the nodes this one was computed from
        self._op = _op  # the operation that made it ("" for an input)
        self.label = label

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ---- the operations: each sets out._backward = local derivative x upstream gradient
    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, Value) or not isinstance(k, (int, float)):
            raise TypeError(f"Value ** k needs a constant number k; got {type(k).__name__}. "
                            "For a variable exponent write (k * x.log()).exp().")
        if self.data < 0 and not float(k).is_integer():
            raise ValueError(f"{self.data!r} ** {k!r}: a negative number to a non-integer power is not real")
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        if self.data > 709.0:
            raise OverflowError(f"exp({self.data!r}) is too large for a float (the limit is exp(709))")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():  # d(e^a)/da = e^a, the node's own output
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument; got {self.data!r}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # d(ln a)/da = 1/a
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # the per-neuron article, eq. (14): f' = 1 - y^2, from the output
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data  # evaluated so that exp never overflows
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():  # the per-neuron article, eq. (15): f' = y (1 - y), from the output
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out

    # ---- the rest is built from the operations above
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # ---- reverse mode
    def topological_order(self):
        """Every node this value depends on, each after all of its inputs (inputs first)."""
        # Depth-first search; a node is appended once all its inputs are. An explicit
        # stack instead of recursion, so a long chain (a sum of 10,000 terms) is fine.
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))  # comes back here after its inputs
                stack.extend((child, False) for child in node._prev)
        return order

    def backward(self):
        """Fill ``.grad`` of every node with d(self)/d(node), by the chain rule from the output back.

        Gradients of the *inputs* (nodes made by the user, not by an operation)
        accumulate over calls, as in PyTorch: set them to 0 before the next
        backward pass (``zero_grad`` in the lecture slides' PyTorch loop).
        """
        order = self.topological_order()
        for node in order:
            if node._prev:  # intermediate results start from zero on every call
                node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # a node runs only after every node that uses it
            node._backward()


def _as_value(x):
    """Wrap a plain number (int, float, numpy scalar) as a constant :class:`Value`."""
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):
        return Value(x)
    raise TypeError(f"cannot combine a Value with {type(x).__name__}; use a number or a Value")


__all__ = ["Value"]
