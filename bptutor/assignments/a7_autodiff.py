"""Assignment a7, the autodiff engine (lesson 08): what is graded and how it is tried.

Students write a scalar reverse-mode engine, micrograd-style: a class ``Value`` whose
``__add__``, ``__mul__``, ``__pow__`` (a number exponent), ``tanh`` and ``backward`` are
five questions (ids ``Value.__add__`` ... ``Value.backward``; ``check.Value(Value)`` checks
them all). The right answers are in the parent-only twin
:mod:`bptutor.check.answers.a7_autodiff`; nothing here knows one.

**A trial is an expression graph**, described by plain data: a tuple of *steps*, one per
node ``n0, n1, ...`` in the order they are computed, the last one the output::

    ("leaf", 0.7)        n_k = Value(0.7)
    ("add", i, j)        n_k = n_i + n_j      (i == j: one node used twice)
    ("add_num", i, c)    n_k = n_i + c        ("num_add", c, i): n_k = c + n_i
    ("mul", i, j)        n_k = n_i * n_j      ("mul_num", i, c), ("num_mul", c, i) likewise
    ("pow", i, k)        n_k = n_i ** k       (k a plain number)
    ("tanh", i)          n_k = n_i.tanh()

Graphs are drawn fresh for every check: a node used twice in one operation, a leaf feeding
several expressions, plain numbers on either side, a chain of 50+ nodes, random data.

**The runners** build a graph with the student's class and return numbers only (the
``data`` and ``grad`` of every node ``n_k``, read with ``float()`` after a type check).
Each method is judged as independently of the others as the class allows:

* :func:`run_add`, :func:`run_mul`, :func:`run_pow`, :func:`run_tanh` compute the steps of
  the method under test with the student's method (its forward value, the children it
  records in ``_prev`` and the closure it leaves in ``_backward``). Every other step is a
  *trusted* node: an instance of the student's class made by its constructor, whose
  ``_backward`` the runner installs itself. The backward pass is the runner's own too
  (:func:`topological_order` over ``_prev``, the output's ``grad`` set to 1, each node's
  ``_backward`` called once, from the output back), so a broken ``backward`` method -- or a
  broken ``__mul__`` -- cannot sink the ``__add__`` question.
* :func:`run_backward` builds the whole graph from trusted nodes and calls the student's
  ``backward()`` on the output: only the order of the walk and the seeding are the
  student's.

This module is imported inside the grader's sandbox: it imports nothing but numpy and the
registry's plain data types.
"""
from __future__ import annotations

import math

import numpy as np

from ..trials import Trial
from .model import Assignment, Question

#: the steps each graded operation computes (all other steps are trusted nodes)
STEPS_OF = {"add": ("add", "add_num", "num_add"), "mul": ("mul", "mul_num", "num_mul"),
            "pow": ("pow",), "tanh": ("tanh",)}
#: how far a runner follows ``_prev`` before it calls the graph runaway
MAX_NODES = 100_000


class EngineError(Exception):
    """Building or walking a graph of the student's Values went wrong; the message says where."""


# --------------------------------------------------------------------------- reading numbers
def _type_name(value) -> str:
    return type(value).__name__


def as_number(value, where: str) -> float:
    """``float(value)`` for a plain number (int, float, numpy number); ``EngineError`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not (
            type(value) in (int, float) or isinstance(value, (np.integer, np.floating))):
        hint = (" Gradients and data are plain floats: in _backward multiply numbers "
                "(other.data * out.grad), not Values." if hasattr(value, "_backward") else "")
        raise EngineError(f"{where} is a {_type_name(value)}, not a number.{hint}")
    return float(value)


def _numbers(nodes, attr: str) -> np.ndarray:
    return np.array([as_number(getattr(node, attr, None), f"n{k}.{attr}") for k, node in enumerate(nodes)],
                    dtype=np.float64)


# --------------------------------------------------------------------------- describing a graph
def _num(c) -> str:
    return f"{c:.3g}" if c >= 0 else f"({c:.3g})"


def describe_step(k: int, step) -> str:
    """``"n3 = n0 + n0"``: one step in words."""
    op = step[0]
    if op == "leaf":
        return f"n{k} = Value({step[1]:.3g})"
    if op in ("add", "mul"):
        return f"n{k} = n{step[1]} {'+' if op == 'add' else '*'} n{step[2]}"
    if op in ("add_num", "mul_num"):
        return f"n{k} = n{step[1]} {'+' if op == 'add_num' else '*'} {_num(step[2])}"
    if op in ("num_add", "num_mul"):
        return f"n{k} = {_num(step[1])} {'+' if op == 'num_add' else '*'} n{step[2]}"
    if op == "pow":
        return f"n{k} = n{step[1]} ** {_num(step[2])}"
    if op == "tanh":
        return f"n{k} = n{step[1]}.tanh()"
    raise ValueError(f"unknown step {step!r}")


def describe(steps, limit: int = 24) -> str:
    """The steps in words; a long graph shows its first and last steps."""
    lines = [describe_step(k, s) for k, s in enumerate(steps)]
    if len(lines) > limit:
        lines = lines[: limit // 2] + [f"... ({len(lines) - limit} more)"] + lines[-(limit // 2):]
    return "; ".join(lines)


# --------------------------------------------------------------------------- building a graph
def _operands(step):
    """The node indices a step reads."""
    op = step[0]
    if op in ("add", "mul"):
        return (step[1], step[2])
    if op in ("add_num", "mul_num", "pow", "tanh"):
        return (step[1],)
    if op in ("num_add", "num_mul"):
        return (step[2],)
    return ()


def _new(cls, data, children=(), op=""):
    """An instance of the student's class, made by its own constructor."""
    try:
        return cls(data, tuple(children), op) if children or op else cls(data)
    except (NotImplementedError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's constructor, reported
        call = f"Value({data:.3g})" if not (children or op) else f"Value({data:.3g}, children, {op!r})"
        raise EngineError(f"{call} raised {explain(exc)} Keep the supplied __init__(self, data, "
                          f"_children=(), _op='') as it was given.") from None


def _trusted(cls, step, nodes):
    """A node of the student's class computing ``step`` with a closure the runner installs."""
    op = step[0]
    ins = [nodes[i] for i in _operands(step)]
    x = [as_number(getattr(n, "data", None), f"n{i}.data") for n, i in zip(ins, _operands(step))]
    local: tuple[float, ...]
    try:
        if op == "add":
            value, local = x[0] + x[1], (1.0, 1.0)
        elif op == "mul":
            value, local = x[0] * x[1], (x[1], x[0])
        elif op == "add_num":
            value, local = x[0] + step[2], (1.0,)
        elif op == "num_add":
            value, local = step[1] + x[0], (1.0,)
        elif op == "mul_num":
            value, local = x[0] * step[2], (step[2],)
        elif op == "num_mul":
            value, local = step[1] * x[0], (step[1],)
        elif op == "pow":
            k, base = step[2], abs(x[0]) if not float(step[2]).is_integer() else x[0]
            value = base ** k if base != 0 or k > 0 else math.inf  # data already wrong upstream: never raise
            local = (k * base ** (k - 1) if base != 0 or k >= 1 else math.inf,)
        elif op == "tanh":
            value = math.tanh(x[0])
            local = (1.0 - value * value,)
        else:
            raise ValueError(f"unknown step {step!r}")
    except OverflowError:  # only when the data is already wrong upstream: never raise here
        value, local = math.inf, (math.inf,) * len(ins)
    out = _new(cls, value, ins, {"add": "+", "add_num": "+", "num_add": "+", "mul": "*", "mul_num": "*",
                                 "num_mul": "*", "pow": "**", "tanh": "tanh"}[op])
    k_out = len(nodes)

    def _backward():  # the chain rule with the right local derivative: child.grad += local * out.grad
        g = as_number(out.grad, f"n{k_out}.grad")
        for node, i, d in zip(ins, _operands(step), local):
            node.grad = as_number(node.grad, f"n{i}.grad") + d * g
    out._backward = _backward
    return out


_WRAP = (" A plain number must be wrapped first: other = other if isinstance(other, Value) "
         "else Value(other).")


def explain(exc) -> str:
    """``"TypeError: ..."`` for an exception from the student's code, with a hint for the usual causes."""
    msg = str(exc)
    text = f"{_type_name(exc)}: {msg}"
    if isinstance(exc, AttributeError) and ("'float' object" in msg or "'int' object" in msg):
        return text + "." + _WRAP
    if isinstance(exc, AttributeError) and "has no attribute" in msg:
        return text + ". The class must define it: keep every def line of the released stub."
    if isinstance(exc, RecursionError):
        return (text + ". A method that calls itself (e.g. self + other inside __add__) never stops: "
                "compute with the numbers self.data and other.data.")
    if isinstance(exc, TypeError) and "unsupported operand" in msg:
        return (text + ". Either the class lacks this operator (__add__, __mul__, __pow__; the supplied "
                "__radd__ and __rmul__ for a number on the left), or numbers and Values were mixed: compute "
                "out.data from numbers (self.data, other.data).")
    if isinstance(exc, TypeError) and "must be real number" in msg:
        return (f"{_type_name(exc)}: a math function was given something that is not a number. Pass numbers, "
                f"e.g. math.tanh(self.data), not the Value itself.")
    return text + "."


def _student(cls, step, nodes):
    """The node the student's method computes for ``step`` (checked to be a fresh Value)."""
    op, k = step[0], len(nodes)
    ins = [nodes[i] for i in _operands(step)]
    try:
        if op == "add":
            out = ins[0] + nodes[step[2]]
        elif op == "add_num":
            out = ins[0] + step[2]
        elif op == "num_add":
            out = step[1] + ins[0]
        elif op == "mul":
            out = ins[0] * nodes[step[2]]
        elif op == "mul_num":
            out = ins[0] * step[2]
        elif op == "num_mul":
            out = step[1] * ins[0]
        elif op == "pow":
            out = ins[0] ** step[2]
        elif op == "tanh":
            out = ins[0].tanh()
        else:
            raise ValueError(f"unknown step {step!r}")
    except (NotImplementedError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's method, reported with the step it failed on
        raise EngineError(f"computing {describe_step(k, step)} raised {explain(exc)}") from None
    if not isinstance(out, cls):
        raise EngineError(f"{describe_step(k, step)} returned a {_type_name(out)}, not a Value: an operation "
                          f"returns a new Value, e.g. out = Value(self.data + other.data, (self, other), '+').")
    if any(out is n for n in nodes):
        same = next(i for i, n in enumerate(nodes) if n is out)
        raise EngineError(f"{describe_step(k, step)} returned an existing node (n{same}) instead of a new "
                          f"Value: an operation must not change its operands in place.")
    as_number(getattr(out, "data", None), f"n{k}.data (from {describe_step(k, step)})")
    return out


def build(cls, steps, mine=()):
    """The nodes of ``steps`` as instances of ``cls``.

    Steps whose op is in ``mine`` are computed by the student's methods, every other one is a
    trusted node.
    """
    nodes: list = []
    for step in steps:
        if step[0] == "leaf":
            node = _new(cls, step[1])
        elif step[0] in mine:
            node = _student(cls, step, nodes)
        else:
            node = _trusted(cls, step, nodes)
        nodes.append(node)
    return nodes


# --------------------------------------------------------------------------- the runner's own backward pass
def _children(cls, node, index, where):
    prev = getattr(node, "_prev", ())
    if not isinstance(prev, (tuple, list, set, frozenset)):
        raise EngineError(f"{where}._prev is a {_type_name(prev)}; it must hold the Values the node was computed "
                          f"from (a tuple or set, as the supplied __init__ makes it).")
    kids = [c for c in prev if isinstance(c, cls)]
    # a fixed order (the order the check built the nodes in), so that every run walks the same way
    kids.sort(key=lambda c: index.get(id(c), len(index)))
    return kids


def topological_order(cls, out, nodes) -> list:
    """Every node reachable from ``out`` through ``_prev``, each after all of its children.

    Depth-first, children in the order the check created them, each node once (a visited
    set); iterative, so a long chain needs no recursion.
    """
    index = {id(n): k for k, n in enumerate(nodes)}

    def name(n):
        return f"n{index[id(n)]}" if id(n) in index else "a node made inside your method"
    order, seen = [], {id(out)}
    stack = [(out, iter(_children(cls, out, index, name(out))))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) not in seen:
                seen.add(id(child))
                if len(seen) > MAX_NODES:
                    raise EngineError(f"following _prev from the output reaches more than {MAX_NODES} nodes: "
                                      f"_prev must hold only the operands of each operation.")
                stack.append((child, iter(_children(cls, child, index, name(child)))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _run_backward_closures(cls, nodes):
    """The runner's backward pass: seed the output, then every node's ``_backward`` once, output first."""
    index = {id(n): k for k, n in enumerate(nodes)}
    out = nodes[-1]
    out.grad = 1.0
    for node in reversed(topological_order(cls, out, nodes)):
        where = f"n{index[id(node)]}" if id(node) in index else "a node made inside your method"
        fn = getattr(node, "_backward", None)
        if not callable(fn):
            raise EngineError(f"{where}._backward is a {_type_name(fn)}, not a function.")
        try:
            fn()
        except (NotImplementedError, MemoryError, EngineError):
            raise
        except Exception as exc:  # noqa: BLE001 -- the student's closure
            raise EngineError(f"{where}._backward() raised {explain(exc)}") from None


def _check_class(cls):
    if not isinstance(cls, type):
        raise EngineError(f"check.Value expects the class itself (check.Value(Value)), got a {_type_name(cls)}.")


def _run_operation(cls, steps, family):
    _check_class(cls)
    nodes = build(cls, steps, STEPS_OF[family])
    _run_backward_closures(cls, nodes)
    return [_numbers(nodes, "data"), _numbers(nodes, "grad")]


def run_add(cls, steps):
    """``[data, grad]`` of every node, ``+`` by the student's ``__add__``, the rest trusted (see the module)."""
    return _run_operation(cls, steps, "add")


def run_mul(cls, steps):
    """``[data, grad]`` of every node, ``*`` by the student's ``__mul__``, the rest trusted."""
    return _run_operation(cls, steps, "mul")


def run_pow(cls, steps):
    """``[data, grad]`` of every node, ``**`` by the student's ``__pow__``, the rest trusted."""
    return _run_operation(cls, steps, "pow")


def run_tanh(cls, steps):
    """``[data, grad]`` of every node, ``tanh`` by the student's ``tanh``, the rest trusted."""
    return _run_operation(cls, steps, "tanh")


def run_backward(cls, steps):
    """``[grad]`` of every node after the student's ``backward()`` on a graph of trusted nodes."""
    _check_class(cls)
    nodes = build(cls, steps)
    method = getattr(nodes[-1], "backward", None)
    if not callable(method):
        raise EngineError("the class has no method backward().")
    try:
        method()
    except (NotImplementedError, MemoryError, EngineError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's backward, reported
        if isinstance(exc, RecursionError):
            text = (f"{_type_name(exc)}: {exc}. A walk that never stops: keep a visited set so that each node "
                    f"is visited once (or sort the nodes with a loop and an explicit stack).")
        else:
            text = explain(exc)
        raise EngineError(f"backward() on the output n{len(nodes) - 1} raised {text}") from None
    return [_numbers(nodes, "grad")]


# --------------------------------------------------------------------------- drawing graphs
class GraphBuilder:
    """Steps of a random graph, with a bound on every node's size (never its value).

    ``bound[k]`` bounds ``|n_k|`` for a right engine and ``low[k]`` (when not ``None``) bounds
    it from below (``n_k >= low[k] > 0``): both follow from the structure alone, so that
    exponents and products can be chosen to keep numbers moderate, without evaluating
    anything.
    """

    def __init__(self, rng):
        self.rng = rng
        self.steps, self.bound, self.low = [], [], []

    def __len__(self):
        return len(self.steps)

    def _add(self, step, bound, low=None):
        self.steps.append(step)
        self.bound.append(float(bound))
        self.low.append(low)
        return len(self.steps) - 1

    def leaf(self, lo=-1.5, hi=1.5):
        x = float(self.rng.uniform(lo, hi))
        return self._add(("leaf", x), abs(x), x if x > 0 else None)

    def number(self, lo=0.5, hi=2.5, signed=True):
        c = float(self.rng.uniform(lo, hi))
        return -c if signed and self.rng.random() < 0.5 else c

    def add(self, i, j):
        low = self.low[i] + self.low[j] if self.low[i] and self.low[j] else None
        return self._add(("add", i, j), self.bound[i] + self.bound[j], low)

    def add_num(self, i, c, left=False):
        low = self.low[i] + c if self.low[i] and c > 0 else None
        return self._add(("num_add", c, i) if left else ("add_num", i, c), self.bound[i] + abs(c), low)

    def mul(self, i, j):
        low = self.low[i] * self.low[j] if self.low[i] and self.low[j] else None
        return self._add(("mul", i, j), self.bound[i] * self.bound[j], low)

    def mul_num(self, i, c, left=False):
        low = self.low[i] * c if self.low[i] and c > 0 else None
        return self._add(("num_mul", c, i) if left else ("mul_num", i, c), self.bound[i] * abs(c), low)

    def pow(self, i, k):
        if k < 0 or not float(k).is_integer():
            assert self.low[i], "a negative or fractional power needs a base known to be positive"
        if k >= 0:
            bound, low = self.bound[i] ** k, (self.low[i] ** k if self.low[i] else None)
        else:
            bound, low = self.low[i] ** k, self.bound[i] ** k
        return self._add(("pow", i, k), bound, low)

    def tanh(self, i):
        return self._add(("tanh", i), min(1.0, self.bound[i]))

    def reciprocal(self, i, j) -> bool:
        """``n_i * n_j`` would be 1 whatever the data (one is the other to the power -1): not a test."""
        return self.steps[j] == ("pow", i, -1) or self.steps[i] == ("pow", j, -1)

    def positive(self, i, via="mul"):
        """A node ``n_i * n_i + c`` (or ``n_i ** 2 + c``) that is at least ``c >= 0.5``."""
        sq = self.pow(i, 2) if via == "pow" else self.mul(i, i)
        c = float(self.rng.uniform(0.5, 1.5))
        j = self.add_num(sq, c)
        self.low[j] = c
        return j

    def unused(self):
        """Nodes no later step reads (the output excepted)."""
        used = {i for s in self.steps for i in _operands(s)}
        return [k for k in range(len(self.steps) - 1) if k not in used]

    def close(self):
        """Sum every unused node into one output, so every node feeds it; returns the steps."""
        loose = self.unused() + [len(self.steps) - 1]
        out = loose[0]
        for k in loose[1:]:
            out = self.add(out, k)
        return tuple(self.steps)

    def paths(self) -> int:
        """The number of paths from the output to all nodes (what a walk without a visited set costs)."""
        count = [0] * len(self.steps)
        count[-1] = 1
        for k in range(len(self.steps) - 1, -1, -1):
            for i in _operands(self.steps[k]):
                count[i] += count[k]
        return sum(count)


#: largest |value| a graph may reach (by the structural bound), and the most paths a graph may have
MAX_BOUND, MAX_PATHS = 50.0, 4000


def _random_ops(g: GraphBuilder, n_ops: int, families, reuse=0.4):
    """``n_ops`` random steps from ``families`` on the nodes so far, numbers kept moderate."""
    rng = g.rng
    for _ in range(n_ops):
        k = len(g)
        i, j = (int(rng.integers(k)) if rng.random() < reuse else int(rng.integers(max(0, k - 3), k))
                for _ in range(2))
        family = families[int(rng.integers(len(families)))]
        if family == "add":
            kind = rng.integers(3)
            if kind == 0:
                g.add(i, j)
            else:
                g.add_num(i, g.number(), left=bool(kind == 2))
        elif family == "mul":
            kind = rng.integers(3)
            if kind == 0 and g.bound[i] * g.bound[j] <= MAX_BOUND and not g.reciprocal(i, j):
                g.mul(i, j)
            elif g.bound[i] * 2.5 <= MAX_BOUND:
                g.mul_num(i, g.number(0.3, 2.0), left=bool(kind == 2))
            else:
                g.tanh(i)
        elif family == "pow":
            base = i if g.low[i] else g.positive(i)
            k_pow = float(rng.choice([2, 3, -1, -2, 0.5, -0.5, 1.5]))
            if g.bound[base] ** max(k_pow, 0) > MAX_BOUND or (k_pow < 0 and g.low[base] ** k_pow > MAX_BOUND):
                k_pow = 0.5
            g.pow(base, int(k_pow) if k_pow.is_integer() else k_pow)
        elif family == "tanh":
            g.tanh(i)


def _finish(g: GraphBuilder, bounded_paths: bool):
    steps = g.close()
    if bounded_paths and g.paths() > MAX_PATHS:
        return None
    if max(g.bound) > 1e4:
        return None
    return steps


def _draw(rng, make, bounded_paths=False, tries=50):
    """``make(GraphBuilder)`` until its graph is moderate (and, if asked, has few paths)."""
    for _ in range(tries):
        g = GraphBuilder(rng)
        make(g)
        steps = _finish(g, bounded_paths)
        if steps is not None:
            return steps
    raise RuntimeError("could not draw a moderate graph")  # pragma: no cover -- never seen


OTHERS = {"add": ("mul", "tanh", "pow"), "mul": ("add", "tanh", "pow"), "pow": ("add", "mul", "tanh"),
          "tanh": ("add", "mul", "pow")}


def _twice(g: GraphBuilder, family: str):
    """Leaves, then one node used twice by the operation under test, then a random continuation."""
    a, b, c = g.leaf(), g.leaf(), g.leaf()
    if family == "add":
        s = g.add(a, a)
        g.add(g.mul(s, b), s)
    elif family == "mul":
        s = g.mul(a, a)
        g.mul(g.add(s, b), s)
    elif family == "pow":
        p = g.pow(a, 2)
        g.mul(g.pow(g.positive(b), -1), g.mul(p, a))  # a used as a base and as a factor
    else:
        t = g.tanh(a)
        g.add(g.mul(t, t), g.tanh(g.mul(t, b)))  # a tanh output used three times
    _random_ops(g, 6, (family, family) + OTHERS[family])
    g.mul(len(g) - 1, c)


def _shared(g: GraphBuilder, family: str):
    """A random graph with lots of reuse: leaves feeding several expressions."""
    for _ in range(4):
        g.leaf()
    _random_ops(g, 12, (family, family) + OTHERS[family], reuse=0.7)


def _with_numbers(g: GraphBuilder, family: str):
    """Plain numbers as operands (add, mul), every kind of exponent (pow), large inputs (tanh)."""
    a, b = g.leaf(), g.leaf()
    if family == "add":
        s = g.add_num(a, g.number())
        t = g.add_num(b, g.number(), left=True)
        u = g.mul(s, t)
        g.add_num(g.add(u, g.add_num(a, g.number(), left=True)), g.number())
    elif family == "mul":
        s = g.mul_num(a, g.number())
        t = g.mul_num(b, g.number(), left=True)
        u = g.add(s, t)
        g.mul_num(g.mul(g.tanh(u), g.mul_num(a, g.number(), left=True)), g.number())
    elif family == "pow":
        p = g.positive(a)
        terms = [g.pow(p, k) for k in (-1, 0.5, -0.5, 1.5)] + [g.pow(b, 2), g.pow(b, 3), g.pow(g.positive(b), -2)]
        total = terms[0]
        for t in terms[1:]:
            total = g.add(total, t)
    else:
        big = g.mul_num(a, float(g.rng.uniform(3, 6)))  # saturated: tanh' is tiny but not zero
        g.add(g.add(g.tanh(big), g.tanh(g.mul_num(b, -2.0))), g.tanh(g.tanh(a)))


def _chain(g: GraphBuilder, family: str):
    """A deep chain: every round reads the previous node and one shared leaf ``x``."""
    x, h = g.leaf(), g.leaf()
    rounds = int(g.rng.integers(18, 25))  # 3 nodes a round: 55 to 76 nodes
    for _ in range(rounds):
        w = g.leaf(0.9, 1.1) if g.rng.random() < 0.5 else g.leaf(-1.1, -0.9)
        if family == "add":
            h = g.mul(g.add(h, x), w)  # h <- (h + x) * w
        elif family == "mul":
            h = g.add(g.mul(h, w), x)  # h <- h * w + x
        elif family == "pow":
            base = g.add_num(g.pow(h, 2), 0.3)
            g.low[base] = 0.3
            h = g.add(g.mul(g.pow(base, 0.5), w), g.mul_num(x, 0.2))  # h <- sqrt(h^2 + 0.3) w + 0.2 x
        else:
            h = g.add(g.mul_num(h, 0.9), g.tanh(g.add(g.mul(h, w), x)))  # h <- 0.9 h + tanh(h w + x)
    # |w| <= 1.1 and the rounds mix in x: the chain stays moderate, far below its structural bound
    g.bound = [min(b, 30.0) for b in g.bound]


def _operation_trials(rng, family):
    twice = _draw(rng, lambda g: _twice(g, family))
    shared = _draw(rng, lambda g: _shared(g, family))
    numbers = _draw(rng, lambda g: _with_numbers(g, family))
    chain = _draw(rng, lambda g: _chain(g, family))
    return [
        Trial(f"a node used twice by one operation, in {_graph_words(twice)}", (twice,)),
        Trial(f"leaves feeding several expressions, in {_graph_words(shared)}", (shared,)),
        Trial(f"{NUMBERS_WORDS[family]}, in {_graph_words(numbers)}", (numbers,)),
        Trial(f"a chain of {len(chain)} nodes with a leaf shared by every round, {_graph_words(chain)}",
              (chain,)),
    ]


NUMBERS_WORDS = {"add": "plain numbers on either side of +", "mul": "plain numbers on either side of *",
                 "pow": "exponents 2, 3, -1, -2, 0.5, -0.5 and 1.5", "tanh": "large and negative inputs to tanh"}


def _graph_words(steps) -> str:
    return f"the graph {describe(steps)} (output n{len(steps) - 1})"


def add_trials(rng):
    return _operation_trials(rng, "add")


def mul_trials(rng):
    return _operation_trials(rng, "mul")


def pow_trials(rng):
    return _operation_trials(rng, "pow")


def tanh_trials(rng):
    return _operation_trials(rng, "tanh")


def _lesson_00(g: GraphBuilder):
    """The lecture slides' graph f = x*x + x*y + (x + y)**2 (lesson 00)."""
    x, y = g.leaf(-2.0, 2.0), g.leaf(-2.0, 2.0)
    g.add(g.add(g.mul(x, x), g.mul(x, y)), g.pow(g.add(x, y), 2))


def _diamonds(g: GraphBuilder):
    """Shared intermediate nodes whose users sit at different depths."""
    a, b, c = g.leaf(), g.leaf(), g.leaf()
    m = g.mul(a, b)            # used by three later nodes
    t = g.tanh(m)
    u = g.mul(t, m)
    v = g.add(u, g.pow(m, 2))
    w = g.tanh(g.add(v, c))
    g.add(g.mul(w, t), g.mul_num(v, g.number()))
    _random_ops(g, 6, ("add", "mul", "tanh", "pow"), reuse=0.5)


def _backward_chain(g: GraphBuilder):
    """A deep chain (one path per node, so that a walk without a visited set is not exponential)."""
    x, h = g.leaf(), g.leaf()
    rounds = int(g.rng.integers(25, 35))  # 2 to 3 nodes a round: 60 and more
    for r in range(rounds):
        w = g.leaf(0.9, 1.1) if g.rng.random() < 0.5 else g.leaf(-1.1, -0.9)
        h = g.add(g.mul(h, w), g.tanh(x) if r % 5 == 0 else x)
    g.bound = [min(b, 30.0) for b in g.bound]


def _random_backward(g: GraphBuilder):
    for _ in range(4):
        g.leaf()
    _random_ops(g, 14, ("add", "mul", "tanh", "pow"), reuse=0.6)


def backward_trials(rng):
    trials = []
    for words, make in (("lesson 00's f = x*x + x*y + (x + y)**2", _lesson_00),
                        ("intermediate nodes used by several later nodes", _diamonds),
                        ("a deep chain with a leaf used in every round", _backward_chain),
                        ("a random graph of every operation", _random_backward)):
        steps = _draw(rng, make, bounded_paths=True)
        trials.append(Trial(f"{words}: {len(steps)} nodes, {_graph_words(steps)}", (steps,)))
    return trials


_TRIED = ("fresh graphs built with your class: a node used twice by one operation, leaves feeding several "
          "expressions, {numbers}, a chain of 50+ nodes; data and grad of every node compared, with the "
          "check's own backward pass calling your _backward closures")

ASSIGNMENT = Assignment(
    "a7", "The autodiff engine", "a7_autodiff.ipynb", "lessons/08_autodiff.ipynb", (
        Question("Value.__add__", ("self", "other"), 2, add_trials,
                 "out = Value(self.data + other.data, (self, other), '+') whose _backward adds out.grad to "
                 "self.grad and to other.grad; a plain number is wrapped in a Value first",
                 _TRIED.format(numbers=NUMBERS_WORDS["add"]), outputs=("data", "grad"),
                 target="Value", runner=f"{__name__}.run_add"),
        Question("Value.__mul__", ("self", "other"), 2, mul_trials,
                 "out.data = self.data * other.data; _backward: self.grad += other.data * out.grad and "
                 "other.grad += self.data * out.grad",
                 _TRIED.format(numbers=NUMBERS_WORDS["mul"]), outputs=("data", "grad"),
                 target="Value", runner=f"{__name__}.run_mul"),
        Question("Value.__pow__", ("self", "k"), 2, pow_trials,
                 "out.data = self.data ** k for a plain number k; _backward: "
                 "self.grad += k * self.data ** (k - 1) * out.grad",
                 _TRIED.format(numbers=NUMBERS_WORDS["pow"]), outputs=("data", "grad"),
                 target="Value", runner=f"{__name__}.run_pow"),
        Question("Value.tanh", ("self",), 2, tanh_trials,
                 "t = tanh(self.data); _backward: self.grad += (1 - t**2) * out.grad, written from the "
                 "output t",
                 _TRIED.format(numbers=NUMBERS_WORDS["tanh"]), outputs=("data", "grad"),
                 target="Value", runner=f"{__name__}.run_tanh"),
        Question("Value.backward", ("self",), 4, backward_trials,
                 "every node after all of its children (a topological order, each node once), "
                 "self.grad = 1, then each node's _backward() from the output back to the leaves",
                 "lesson 00's graph, intermediate nodes used by several later nodes, a chain of 60+ nodes "
                 "and a random graph, all built from nodes whose _backward the check installs; the grad of "
                 "every node compared", outputs=("grad",),
                 target="Value", runner=f"{__name__}.run_backward"),
    ))
