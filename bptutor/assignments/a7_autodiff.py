"""Assignment a7, the autodiff engine (lesson 08): what is graded and how it is tried.

Students write a scalar reverse-mode engine, micrograd-style: a class ``Value`` whose
``__add__``, ``__mul__``, ``__pow__`` (a number exponent), ``tanh`` and ``backward`` are
five questions (ids ``Value.__add__`` ... ``Value.backward``; ``check.Value(Value)`` checks
them all). A trial is an expression graph described by plain data, drawn fresh here (a node
used twice, a leaf feeding several expressions, plain numbers on either side, chains of 50+
nodes); :mod:`bptutor.assignments.autodiff_runner` builds it with the student's class and
reads back numbers only. The right answers are in the parent-only twin
:mod:`bptutor.check.answers.a7_autodiff`; nothing here knows one.
"""
from __future__ import annotations

from ..trials import Trial
from .autodiff_runner import _operands, describe
from .model import Assignment, Question

RUNNERS = "bptutor.assignments.autodiff_runner"

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
                 target="Value", runner=f"{RUNNERS}.run_add"),
        Question("Value.__mul__", ("self", "other"), 2, mul_trials,
                 "out.data = self.data * other.data; _backward: self.grad += other.data * out.grad and "
                 "other.grad += self.data * out.grad",
                 _TRIED.format(numbers=NUMBERS_WORDS["mul"]), outputs=("data", "grad"),
                 target="Value", runner=f"{RUNNERS}.run_mul"),
        Question("Value.__pow__", ("self", "k"), 2, pow_trials,
                 "out.data = self.data ** k for a plain number k; _backward: "
                 "self.grad += k * self.data ** (k - 1) * out.grad",
                 _TRIED.format(numbers=NUMBERS_WORDS["pow"]), outputs=("data", "grad"),
                 target="Value", runner=f"{RUNNERS}.run_pow"),
        Question("Value.tanh", ("self",), 2, tanh_trials,
                 "t = tanh(self.data); _backward: self.grad += (1 - t**2) * out.grad, written from the "
                 "output t",
                 _TRIED.format(numbers=NUMBERS_WORDS["tanh"]), outputs=("data", "grad"),
                 target="Value", runner=f"{RUNNERS}.run_tanh"),
        Question("Value.backward", ("self",), 4, backward_trials,
                 "every node after all of its children (a topological order, each node once), "
                 "self.grad = 1, then each node's _backward() from the output back to the leaves",
                 "lesson 00's graph, intermediate nodes used by several later nodes, a chain of 60+ nodes "
                 "and a random graph, all built from nodes whose _backward the check installs; the grad of "
                 "every node compared", outputs=("grad",),
                 target="Value", runner=f"{RUNNERS}.run_backward"),
    ))
