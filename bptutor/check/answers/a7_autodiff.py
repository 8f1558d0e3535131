"""Assignment a7's answers (parent only): an independent oracle, probes, and mistaken engines.

**What is right** comes from :func:`oracle`: the graph's steps evaluated with plain floats,
then one reverse sweep over the steps in the order they were made, with the exact local
derivative of every step written out here. It shares no code with the runners in
:mod:`bptutor.assignments.a7_autodiff` (which walk the student's own ``_prev`` links) nor
with :mod:`bptutor.reference.autograd`; the tests check all three against each other and
against central differences.

**What each mistake looks like** is the runner applied to a *mistaken engine*: a small
micrograd-style ``Value`` class (:class:`Engine`) with one named mistake switched on (``=``
instead of ``+=``, mul's local derivatives swapped, the exponent factor missing, tanh's
derivative written from the input, a backward pass without a topological order...). The
runner walks it exactly as it walks the student's class, so a student's engine with that
mistake returns the very same numbers.
"""
from __future__ import annotations

import math

import numpy as np

from ...assignments import autodiff_runner as runners
from . import Answer


# --------------------------------------------------------------------------- the oracle
def _operands(step):
    op = step[0]
    if op in ("add", "mul"):
        return (step[1], step[2])
    if op in ("add_num", "mul_num", "pow", "tanh"):
        return (step[1],)
    if op in ("num_add", "num_mul"):
        return (step[2],)
    return ()


def evaluate(steps, override=None) -> list:
    """Every node's value with plain floats; ``override`` ``{k: value}`` replaces node ``k``'s value."""
    override = override or {}
    v = []
    for k, step in enumerate(steps):
        op = step[0]
        if k in override:
            v.append(float(override[k]))
        elif op == "leaf":
            v.append(float(step[1]))
        elif op == "add":
            v.append(v[step[1]] + v[step[2]])
        elif op == "mul":
            v.append(v[step[1]] * v[step[2]])
        elif op == "add_num":
            v.append(v[step[1]] + step[2])
        elif op == "num_add":
            v.append(step[1] + v[step[2]])
        elif op == "mul_num":
            v.append(v[step[1]] * step[2])
        elif op == "num_mul":
            v.append(step[1] * v[step[2]])
        elif op == "pow":
            v.append(v[step[1]] ** step[2])
        elif op == "tanh":
            v.append(math.tanh(v[step[1]]))
        else:
            raise ValueError(f"unknown step {step!r}")
    return v


def local_derivatives(step, v) -> tuple:
    """∂(node)/∂(operand) for each operand of ``step``, given the values ``v`` of all nodes."""
    op = step[0]
    if op == "add":
        return (1.0, 1.0)
    if op == "mul":
        return (v[step[2]], v[step[1]])  # d(ab)/da = b, d(ab)/db = a
    if op in ("add_num", "num_add"):
        return (1.0,)
    if op == "mul_num":
        return (step[2],)
    if op == "num_mul":
        return (step[1],)
    if op == "pow":
        x, k = v[step[1]], step[2]
        return (k * x ** (k - 1),)
    if op == "tanh":
        t = math.tanh(v[step[1]])
        return (1.0 - t * t,)
    return ()


def oracle(steps):
    """``(data, grad)`` of every node: plain-float values, and d(output)/d(node) by one reverse sweep."""
    v = evaluate(steps)
    grad = [0.0] * len(steps)
    grad[-1] = 1.0
    for k in range(len(steps) - 1, -1, -1):
        for i, d in zip(_operands(steps[k]), local_derivatives(steps[k], v)):
            grad[i] += d * grad[k]
    return np.array(v, dtype=np.float64), np.array(grad, dtype=np.float64)


def expected_operation(trial, args, kwargs):
    data, grad = oracle(args[0])
    return [data, grad]


def expected_backward(trial, args, kwargs):
    return [oracle(args[0])[1]]


def _probe(grad_key):
    """A numerical gradient of the output with respect to one node's value, its inputs held fixed."""
    def probe(args, kwargs, key):
        if tuple(key) != grad_key:
            return None
        steps = args[0]
        base = np.array(evaluate(steps), dtype=np.float64)

        def out(values):
            changed = {int(k): values[k] for k in np.flatnonzero(values != base)}
            return evaluate(steps, changed)[-1]
        return "the output as a function of this node's value (its inputs held fixed)", out, base
    return probe


# --------------------------------------------------------------------------- mistaken engines
class Engine:
    """A micrograd-style ``Value``; a subclass made by :func:`engine` switches named mistakes on.

    ``MISTAKES`` holds strings ``"<method>:<mistake>"``, e.g. ``"add:assign"``; ``BACKWARD``
    names the walk ``backward()`` takes (``"right"`` is the topological order, reversed).
    """

    MISTAKES: frozenset = frozenset()
    BACKWARD = "right"

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def _has(self, what):
        return what in self.MISTAKES

    def _wrap(self, other):
        return other if isinstance(other, Engine) else type(self)(other)

    def _result(self, method, data, children, op):
        return type(self)(data, () if self._has(f"{method}:children") else children, op)

    def _attach(self, method, out, closure):
        if not self._has(f"{method}:no-closure"):
            out._backward = closure

    def _give(self, method, node, local, upstream):
        """``node.grad += local * upstream``, or the mistaken variant."""
        g = 1.0 if self._has(f"{method}:upstream") else upstream
        if self._has(f"{method}:assign"):
            node.grad = local * g
        else:
            node.grad += local * g

    def __add__(self, other):
        other = self._wrap(other)
        out = self._result("add", self.data + other.data, (self, other), "+")

        def _backward():
            self._give("add", self, 1.0, out.grad)
            self._give("add", other, 1.0, out.grad)
        self._attach("add", out, _backward)
        return out

    def __radd__(self, other):
        return self + other

    def __mul__(self, other):
        other = self._wrap(other)
        out = self._result("mul", self.data * other.data, (self, other), "*")
        swapped = self._has("mul:swapped")

        def _backward():
            self._give("mul", self, self.data if swapped else other.data, out.grad)
            self._give("mul", other, other.data if swapped else self.data, out.grad)
        self._attach("mul", out, _backward)
        return out

    def __rmul__(self, other):
        return self * other

    def __pow__(self, k):
        out = self._result("pow", self.data ** k, (self,), f"**{k}")

        def _backward():
            x = self.data
            if self._has("pow:missing-factor"):
                local = x ** (k - 1)
            elif self._has("pow:power-k"):
                local = k * x ** k
            elif self._has("pow:precedence"):  # k * x ** k - 1 * out.grad, as Python reads it
                self.grad += k * x ** k - 1 * out.grad
                return
            else:
                local = k * x ** (k - 1)
            self._give("pow", self, local, out.grad)
        self._attach("pow", out, _backward)
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = self._result("tanh", t, (self,), "tanh")

        def _backward():
            if self._has("tanh:from-input"):
                local = 1.0 - self.data ** 2
            elif self._has("tanh:twice"):
                local = 1.0 - math.tanh(out.data) ** 2
            elif self._has("tanh:sigmoid"):
                local = out.data * (1.0 - out.data)
            else:
                local = 1.0 - out.data ** 2
            self._give("tanh", self, local, out.grad)
        self._attach("tanh", out, _backward)
        return out

    # ---- backward passes, right and wrong
    def _topo(self, visited=True):
        topo, seen = [], set()

        def build(v):
            if visited:
                if v in seen:
                    return
                seen.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)
        build(self)
        return topo

    def backward(self):
        walk = self.BACKWARD
        if walk != "no-seed":
            self.grad = 1.0
        if walk in ("right", "no-seed"):
            for node in reversed(self._topo()):
                node._backward()
        elif walk == "not-reversed":
            for node in self._topo():
                node._backward()
        elif walk == "topo-without-visited":
            for node in reversed(self._topo(visited=False)):
                node._backward()
        elif walk == "direct-children":
            self._backward()
            for child in self._prev:
                child._backward()
        elif walk in ("preorder", "preorder-without-visited"):
            seen = set()

            def go(v):
                if walk == "preorder":
                    if v in seen:
                        return
                    seen.add(v)
                v._backward()
                for child in v._prev:
                    go(child)
            go(self)
        elif walk == "breadth-first":
            queue, seen = [self], {self}
            while queue:
                v = queue.pop(0)
                v._backward()
                for child in v._prev:
                    if child not in seen:
                        seen.add(child)
                        queue.append(child)
        else:
            raise ValueError(f"unknown walk {walk!r}")


def engine(*mistakes, backward="right"):
    """An :class:`Engine` subclass with ``mistakes`` switched on and the walk ``backward``."""
    name = "Engine_" + "_".join(m.replace(":", "_").replace("-", "_") for m in mistakes) + f"_{backward}"
    return type(name, (Engine,), {"MISTAKES": frozenset(mistakes), "BACKWARD": backward,
                                  "__module__": __name__})


def through(runner, *mistakes, backward="right"):
    """A mistake model: ``runner`` applied to an engine with ``mistakes`` (and the walk ``backward``)."""
    cls = engine(*mistakes, backward=backward)

    def model(case):
        return runner(cls, *case.args, **case.kwargs)
    model.__name__ = f"{runner.__name__}_{cls.__name__}"
    return model


def _operation_models(runner, method):
    models = [("autodiff-assign-not-accumulate", through(runner, f"{method}:assign")),
              ("autodiff-upstream-ignored", through(runner, f"{method}:upstream")),
              ("autodiff-children-missing", through(runner, f"{method}:children")),
              ("autodiff-closure-not-set", through(runner, f"{method}:no-closure"))]
    extra = {
        "mul": [("autodiff-mul-swapped", through(runner, "mul:swapped")),
                ("autodiff-mul-swapped", through(runner, "mul:swapped", "mul:assign"))],
        "pow": [("autodiff-pow-missing-factor", through(runner, "pow:missing-factor")),
                ("autodiff-pow-off-by-one", through(runner, "pow:power-k")),
                ("autodiff-pow-off-by-one", through(runner, "pow:precedence"))],
        "tanh": [("autodiff-tanh-from-input", through(runner, "tanh:from-input")),
                 ("derivative-of-preactivation", through(runner, "tanh:twice")),
                 ("wrong-activation", through(runner, "tanh:sigmoid"))],
    }.get(method, [])
    return tuple(extra + models)


#: the shared texts of these two ids speak of the sigmoid; for tanh's closure, in its own words
TANH_HINTS = {
    "derivative-of-preactivation": (
        "tanh was applied once more to a value that already is tanh's output: 1 − tanh(t)² where "
        "t = tanh(x) = out.data. Written through the output t, the slope is 1 − t², with no tanh to call "
        "(the per-neuron article, eq. (14)).",
        "Use the output directly: self.grad += (1 - out.data ** 2) * out.grad."),
    "wrong-activation": (
        "t (1 − t) is the sigmoid's slope written through its output (the per-neuron article, eq. (15)); "
        "tanh's is 1 − t² (eq. (14)).",
        "self.grad += (1 - t ** 2) * out.grad, with t = out.data."),
}

BACKWARD_MODELS = (
    ("autodiff-grad-not-seeded", through(runners.run_backward, backward="no-seed")),
    ("autodiff-order-not-reversed", through(runners.run_backward, backward="not-reversed")),
    ("autodiff-only-direct-children", through(runners.run_backward, backward="direct-children")),
    ("autodiff-revisits-nodes", through(runners.run_backward, backward="preorder-without-visited")),
    ("autodiff-revisits-nodes", through(runners.run_backward, backward="topo-without-visited")),
    ("autodiff-no-topological-order", through(runners.run_backward, backward="preorder")),
    ("autodiff-no-topological-order", through(runners.run_backward, backward="breadth-first")),
)

ANSWERS = {
    "Value.__add__": Answer(expected_operation, probe=_probe((1,)),
                            models=_operation_models(runners.run_add, "add")),
    "Value.__mul__": Answer(expected_operation, probe=_probe((1,)),
                            models=_operation_models(runners.run_mul, "mul")),
    "Value.__pow__": Answer(expected_operation, probe=_probe((1,)),
                            models=_operation_models(runners.run_pow, "pow")),
    "Value.tanh": Answer(expected_operation, probe=_probe((1,)),
                         models=_operation_models(runners.run_tanh, "tanh"), hints=TANH_HINTS),
    "Value.backward": Answer(expected_backward, probe=_probe((0,)), models=BACKWARD_MODELS),
}
