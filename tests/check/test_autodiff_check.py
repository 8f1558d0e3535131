"""Assignment a7: ``check.Value`` on engines written the way students write them.

Every engine below is a real ``class Value`` built from method sources (the supplied
``__init__``, ``__repr__`` and operators of the exercise, plus the five graded methods, right
or with one mistake) and executed like a notebook cell. The tests prove that

* right engines written differently (micrograd's own code, a recursive and an iterative
  topological sort, Kahn's algorithm, the course's reference) pass on 50+ seeds;
* every named mistake fails, is named exactly, and does not sink the other four methods;
* the stub is "not attempted" everywhere, and missing or raising methods get clear feedback;
* the oracle, the runners and the reference engine agree with each other and with central
  differences.
"""
from __future__ import annotations

import math
import textwrap
import time
from collections import Counter

import numpy as np
import pytest

from bptutor import assignments, check
from bptutor.assignments import autodiff_runner as runner_module
from bptutor.check import diagnose
from bptutor.check.answers import a7_autodiff as answers
from bptutor.gradcheck import numerical_gradient
from bptutor.reference import autograd

QUESTIONS = ["Value.__add__", "Value.__mul__", "Value.__pow__", "Value.tanh", "Value.backward"]

# --------------------------------------------------------------------------- engines from sources
SUPPLIED = '''
def __init__(self, data, _children=(), _op=""):
    self.data = float(data)
    self.grad = 0.0
    self._backward = lambda: None
    self._prev = tuple(_children)
    self._op = _op

def __repr__(self):
    return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

def __radd__(self, other):
    return self + other

def __rmul__(self, other):
    return self * other

def __neg__(self):
    return self * -1

def __sub__(self, other):
    return self + (-other)

def __truediv__(self, other):
    return self * other ** -1
'''

RIGHT = {
    "add": '''
def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")
    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward
    return out
''',
    "mul": '''
def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad
    out._backward = _backward
    return out
''',
    "pow": '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad += k * self.data ** (k - 1) * out.grad
    out._backward = _backward
    return out
''',
    "tanh": '''
def tanh(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")
    def _backward():
        self.grad += (1 - t ** 2) * out.grad
    out._backward = _backward
    return out
''',
    "backward": '''
def backward(self):
    topo, visited = [], set()
    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)
    build(self)
    self.grad = 1.0
    for v in reversed(topo):
        v._backward()
''',
}

STUB = {name: f"def {header}:\n    raise NotImplementedError('{name}: not implemented yet')\n"
        for name, header in [("add", "__add__(self, other)"), ("mul", "__mul__(self, other)"),
                             ("pow", "__pow__(self, k)"), ("tanh", "tanh(self)"), ("backward", "backward(self)")]}


def make_class(**methods):
    """``class Value`` from the supplied methods and the five graded ones (``RIGHT`` unless given)."""
    parts = [SUPPLIED] + [methods.get(name, RIGHT[name]) for name in RIGHT]
    body = textwrap.indent("\n".join(textwrap.dedent(p) for p in parts), "    ")
    namespace = {"math": math}
    exec(compile(f"class Value:\n{body}", "<student cell>", "exec"), namespace)  # noqa: S102
    return namespace["Value"]


MICROGRAD = '''
class Value:
    """ stores a single scalar value and its gradient """

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        # internal variables used for autograd graph construction
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op # the op that produced this node, for graphviz / debugging / etc

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += (other * self.data**(other-1)) * out.grad
        out._backward = _backward

        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward

        return out

    def tanh(self):  # from the lecture "building micrograd"; engine.py itself has relu only
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = Value(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward

        return out

    def backward(self):

        # topological order all of the children in the graph
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        # go one variable at a time and apply the chain rule to get its gradient
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self): # -self
        return self * -1

    def __radd__(self, other): # other + self
        return self + other

    def __sub__(self, other): # self - other
        return self + (-other)

    def __rsub__(self, other): # other - self
        return other + (-self)

    def __rmul__(self, other): # other * self
        return self * other

    def __truediv__(self, other): # self / other
        return self * other**-1

    def __rtruediv__(self, other): # other / self
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
'''


def micrograd():
    """micrograd's engine.py (A. Karpathy, MIT licence) as published, with the lecture's tanh."""
    namespace = {"math": math}
    exec(compile(MICROGRAD, "micrograd/engine.py", "exec"), namespace)  # noqa: S102
    return namespace["Value"]


ITERATIVE = '''
def backward(self):
    # depth-first post-order with an explicit stack: no recursion limit
    order, seen, stack = [], {id(self)}, [(self, iter(self._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(child._prev)))
                break
        else:
            stack.pop()
            order.append(node)
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
'''

KAHN = '''
def backward(self):
    # Kahn's algorithm: a node is ready once every node that uses it has passed its gradient on
    users, stack, seen = {}, [self], {self}
    while stack:
        node = stack.pop()
        for child in node._prev:
            users[child] = users.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    self.grad = 1.0
    ready = [self]
    while ready:
        node = ready.pop()
        node._backward()
        for child in node._prev:
            users[child] -= 1
            if users[child] == 0:
                ready.append(child)
'''

OTHER_OPS = {  # the same four operations written another way: numbers as attributes, exp for tanh
    "add": '''
def __add__(self, other):
    if not isinstance(other, Value):
        other = Value(other)
    result = Value(self.data + other.data, _children=[self, other], _op="add")
    def push():
        for node in (self, other):
            node.grad = node.grad + result.grad
    result._backward = push
    return result
''',
    "tanh": '''
def tanh(self):
    e = math.exp(-2.0 * abs(self.data))
    t = math.copysign((1.0 - e) / (1.0 + e), self.data)
    out = Value(t, [self], "tanh")
    def _backward():
        self.grad += (1.0 - out.data * out.data) * out.grad
    out._backward = _backward
    return out
''',
}

RIGHT_ENGINES = {
    "micrograd's engine.py": micrograd,
    "recursive topological sort": make_class,
    "iterative topological sort": lambda: make_class(backward=ITERATIVE),
    "Kahn's algorithm, other operations": lambda: make_class(backward=KAHN, **OTHER_OPS),
    "bptutor.reference.autograd.Value": lambda: autograd.Value,
}

# --------------------------------------------------------------------------- one mistake each
ADD_ASSIGN = '''
def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")
    def _backward():
        self.grad = out.grad
        other.grad = out.grad
    out._backward = _backward
    return out
'''
ADD_NO_UPSTREAM = '''
def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")
    def _backward():
        self.grad += 1.0
        other.grad += 1.0
    out._backward = _backward
    return out
'''
ADD_NO_CHILDREN = '''
def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data)
    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward
    return out
'''
MUL_ASSIGN = '''
def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad = other.data * out.grad
        other.grad = self.data * out.grad
    out._backward = _backward
    return out
'''
MUL_SWAPPED = '''
def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad += self.data * out.grad
        other.grad += other.data * out.grad
    out._backward = _backward
    return out
'''
MUL_NO_UPSTREAM = '''
def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad += other.data
        other.grad += self.data
    out._backward = _backward
    return out
'''
POW_NO_FACTOR = '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad += self.data ** (k - 1) * out.grad
    out._backward = _backward
    return out
'''
POW_POWER_K = '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad += k * self.data ** k * out.grad
    out._backward = _backward
    return out
'''
POW_PRECEDENCE = '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad += k * self.data ** k - 1 * out.grad
    out._backward = _backward
    return out
'''
POW_ASSIGN = '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad = k * self.data ** (k - 1) * out.grad
    out._backward = _backward
    return out
'''
POW_CLOSURE_NOT_SET = '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,), f"**{k}")
    def _backward():
        self.grad += k * self.data ** (k - 1) * out.grad
    return out
'''
TANH_FROM_INPUT = '''
def tanh(self):
    out = Value(math.tanh(self.data), (self,), "tanh")
    def _backward():
        self.grad += (1 - self.data ** 2) * out.grad
    out._backward = _backward
    return out
'''
TANH_TWICE = '''
def tanh(self):
    out = Value(math.tanh(self.data), (self,), "tanh")
    def _backward():
        self.grad += (1 - math.tanh(out.data) ** 2) * out.grad
    out._backward = _backward
    return out
'''
TANH_SIGMOID = '''
def tanh(self):
    out = Value(math.tanh(self.data), (self,), "tanh")
    def _backward():
        self.grad += out.data * (1 - out.data) * out.grad
    out._backward = _backward
    return out
'''
TANH_ASSIGN = '''
def tanh(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")
    def _backward():
        self.grad = (1 - t ** 2) * out.grad
    out._backward = _backward
    return out
'''
TANH_NO_CHILDREN = '''
def tanh(self):
    t = math.tanh(self.data)
    out = Value(t)
    def _backward():
        self.grad += (1 - t ** 2) * out.grad
    out._backward = _backward
    return out
'''
BACKWARD_NOT_SEEDED = '''
def backward(self):
    topo, visited = [], set()
    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)
    build(self)
    for v in reversed(topo):
        v._backward()
'''
BACKWARD_NOT_REVERSED = '''
def backward(self):
    topo, visited = [], set()
    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)
    build(self)
    self.grad = 1.0
    for v in topo:
        v._backward()
'''
BACKWARD_DIRECT_CHILDREN = '''
def backward(self):
    self.grad = 1.0
    self._backward()
    for child in self._prev:
        child._backward()
'''
BACKWARD_RECURSIVE_NO_VISITED = '''
def backward(self):
    self.grad = 1.0
    def go(node):
        node._backward()
        for child in node._prev:
            go(child)
    go(self)
'''
BACKWARD_TOPO_NO_VISITED = '''
def backward(self):
    topo = []
    def build(v):
        for child in v._prev:
            build(child)
        topo.append(v)
    build(self)
    self.grad = 1.0
    for v in reversed(topo):
        v._backward()
'''
BACKWARD_PREORDER = '''
def backward(self):
    self.grad = 1.0
    visited = set()
    def go(node):
        if node in visited:
            return
        visited.add(node)
        node._backward()
        for child in node._prev:
            go(child)
    go(self)
'''
BACKWARD_BREADTH_FIRST = '''
def backward(self):
    self.grad = 1.0
    queue, seen = [self], {self}
    while queue:
        node = queue.pop(0)
        node._backward()
        for child in node._prev:
            if child not in seen:
                seen.add(child)
                queue.append(child)
'''

#: (mistake id, the graded method it is in, that method's source)
BUGGY = [
    ("autodiff-assign-not-accumulate", "add", ADD_ASSIGN),
    ("autodiff-upstream-ignored", "add", ADD_NO_UPSTREAM),
    ("autodiff-children-missing", "add", ADD_NO_CHILDREN),
    ("autodiff-assign-not-accumulate", "mul", MUL_ASSIGN),
    ("autodiff-mul-swapped", "mul", MUL_SWAPPED),
    ("autodiff-upstream-ignored", "mul", MUL_NO_UPSTREAM),
    ("autodiff-pow-missing-factor", "pow", POW_NO_FACTOR),
    ("autodiff-pow-off-by-one", "pow", POW_POWER_K),
    ("autodiff-pow-off-by-one", "pow", POW_PRECEDENCE),
    ("autodiff-assign-not-accumulate", "pow", POW_ASSIGN),
    ("autodiff-closure-not-set", "pow", POW_CLOSURE_NOT_SET),
    ("autodiff-tanh-from-input", "tanh", TANH_FROM_INPUT),
    ("derivative-of-preactivation", "tanh", TANH_TWICE),
    ("wrong-activation", "tanh", TANH_SIGMOID),
    ("autodiff-assign-not-accumulate", "tanh", TANH_ASSIGN),
    ("autodiff-children-missing", "tanh", TANH_NO_CHILDREN),
    ("autodiff-grad-not-seeded", "backward", BACKWARD_NOT_SEEDED),
    ("autodiff-order-not-reversed", "backward", BACKWARD_NOT_REVERSED),
    ("autodiff-only-direct-children", "backward", BACKWARD_DIRECT_CHILDREN),
    ("autodiff-revisits-nodes", "backward", BACKWARD_RECURSIVE_NO_VISITED),
    ("autodiff-revisits-nodes", "backward", BACKWARD_TOPO_NO_VISITED),
    ("autodiff-no-topological-order", "backward", BACKWARD_PREORDER),
    ("autodiff-no-topological-order", "backward", BACKWARD_BREADTH_FIRST),
]
QUESTION_OF = {"add": "Value.__add__", "mul": "Value.__mul__", "pow": "Value.__pow__", "tanh": "Value.tanh",
               "backward": "Value.backward"}


def _parts(result):
    return {v.name: v for v in result.parts}


# --------------------------------------------------------------------------- right engines pass
@pytest.mark.parametrize("name", list(RIGHT_ENGINES))
def test_right_engines_written_differently_pass_on_many_seeds(name):
    cls = RIGHT_ENGINES[name]()
    for seed in range(50):
        result = check.Value(cls, seed=seed)
        assert result.passed and result.status == "passed" and result.mistake is None, (seed, result.feedback)
        assert [v.name for v in result.parts] == QUESTIONS
    assert check.Value(cls).passed  # a fresh, unseeded draw too


def test_a_check_is_fast():
    cls = make_class()
    start = time.process_time()
    for seed in range(20):
        check.Value(cls, seed=seed)
    assert (time.process_time() - start) / 20 < 0.5  # about 0.02 s of CPU on the machines the course runs on


# --------------------------------------------------------------------------- every mistake named, alone
@pytest.mark.parametrize("mistake,method,source", BUGGY, ids=[f"{m}:{q}:{i}" for i, (m, q, _) in enumerate(BUGGY)])
def test_each_mistake_fails_is_named_and_spares_the_other_methods(mistake, method, source):
    cls = make_class(**{method: source})
    graded = QUESTION_OF[method]
    for seed in range(10):
        parts = _parts(check.Value(cls, seed=seed))
        verdict = parts[graded]
        assert not verdict.passed and verdict.status == "failed", verdict.feedback
        assert verdict.mistake == mistake, (seed, verdict.feedback)
        assert diagnose.MISTAKES[mistake][0] in verdict.feedback
        assert [n for n, v in parts.items() if n != graded and not v.passed] == [], \
            f"a mistake in {method} sank another method (seed {seed})"


def test_every_promised_mistake_has_a_buggy_engine_and_a_model():
    promised = {"autodiff-assign-not-accumulate", "autodiff-order-not-reversed", "autodiff-only-direct-children",
                "autodiff-no-topological-order", "autodiff-mul-swapped", "autodiff-pow-missing-factor",
                "autodiff-pow-off-by-one", "autodiff-tanh-from-input", "autodiff-grad-not-seeded",
                "autodiff-revisits-nodes"}
    assert promised <= {m for m, _, _ in BUGGY}
    modelled = {m for q in QUESTIONS for m, _ in answers.ANSWERS[q].models}
    assert {m for m, _, _ in BUGGY} <= modelled <= set(diagnose.MISTAKES)


# --------------------------------------------------------------------------- stub, missing and raising methods
def test_the_stub_is_not_attempted_everywhere():
    result = check.Value(make_class(**STUB), seed=0)
    assert not result.passed and result.status == "not-attempted"
    assert all(v.status == "not-attempted" and "not attempted" in v.feedback for v in result.parts)
    assert result.feedback.startswith("○ Value: 0 of 5 parts passed.")


def test_one_method_done_passes_alone_and_the_rest_stay_not_attempted():
    stub = dict(STUB)
    del stub["add"]
    parts = _parts(check.Value(make_class(**stub), seed=0))
    assert parts["Value.__add__"].passed
    assert all(parts[q].status == "not-attempted" for q in QUESTIONS[1:])


def test_the_supplied_methods_of_the_stub_work_once_the_five_are_written():
    Value = make_class()
    x, y = Value(1.5), Value(-0.5)
    f = (x - y) / (2.0 + x * y) + (-x) * 3.0 + 1.0 * y
    f.backward()
    def plain(p):
        return (p[0] - p[1]) / (2.0 + p[0] * p[1]) - 3 * p[0] + p[1]
    assert f.data == pytest.approx(plain([1.5, -0.5]))
    assert np.allclose([x.grad, y.grad], numerical_gradient(plain, np.array([1.5, -0.5])), rtol=1e-7)
    assert repr(Value(2.0)) == "Value(data=2, grad=0)"


def test_a_missing_method_gets_a_clear_message():
    parts = _parts(check.Value(make_class(tanh="def other(self):\n    pass\n"), seed=0))
    assert parts["Value.tanh"].status == "error"
    assert "'Value' object has no attribute 'tanh'" in parts["Value.tanh"].feedback
    assert "keep every def line of the released stub" in parts["Value.tanh"].feedback
    assert all(parts[q].passed for q in QUESTIONS if q != "Value.tanh")


@pytest.mark.parametrize("method,source,says", [
    ("mul", "def __mul__(self, other):\n    raise ValueError('boom')\n", "raised ValueError: boom"),
    ("add", "def __add__(self, other):\n    return self.data + other.data\n", "returned a float, not a Value"),
    ("add", "def __add__(self, other):\n    self.data += other.data\n    return self\n",
     "returned an existing node (n0) instead of a new Value"),
    ("mul", RIGHT["mul"].replace("other.data * out.grad", "other * out.grad"), ".grad is a Value, not a number"),
    ("tanh", "def tanh(self):\n    return Value(math.tanh(self), (self,), 'tanh')\n",
     "a math function was given something that is not a number"),
    ("mul", RIGHT["mul"].replace("    other = other if isinstance(other, Value) else Value(other)\n", ""),
     "A plain number must be wrapped first"),
    ("backward", "def backward(self):\n    def go(v):\n        go(v)\n    go(self)\n", "keep a visited set"),
    ("backward", "def backward(self):\n    self.grad = 'one'\n    self._backward()\n", "is a str, not a number"),
    ("add", RIGHT["add"].replace('(self, other), "+")', '(self, other), "+")\n    out._prev = 7'),
     "_prev is a int"),
])
def test_methods_that_raise_or_return_the_wrong_thing_get_clear_feedback(method, source, says):
    graded = QUESTION_OF[method]
    parts = _parts(check.Value(make_class(**{method: source}), seed=0))
    verdict = parts[graded]
    assert not verdict.passed and verdict.status == "error"
    assert says in verdict.feedback, verdict.feedback
    assert "Traceback" not in verdict.feedback


@pytest.mark.parametrize("bad", [3, None, "Value"])
def test_something_that_is_not_a_class(bad):
    result = check.Value(bad, seed=0)
    assert not result.passed
    assert all("expects the class itself" in v.feedback for v in result.parts)


def test_an_instance_instead_of_the_class():
    result = check.Value(make_class()(1.0), seed=0)
    assert not result.passed and "expects the class itself" in result.feedback


# --------------------------------------------------------------------------- the oracle and the runners
def _questions():
    return [assignments.question(q) for q in QUESTIONS]


def _runner(question):
    return getattr(runner_module, question.runner.rsplit(".", 1)[1])


@pytest.mark.parametrize("seed", range(8))
def test_oracle_runners_and_reference_agree_and_match_central_differences(seed):
    for question in _questions():
        answer = answers.ANSWERS[question.id]
        for trial in question.make_trials(np.random.default_rng(seed)):
            steps = trial.args[0]
            expected = answer.expected(trial, trial.args, {})
            for engine in (autograd.Value, answers.engine(), make_class()):
                got = _runner(question)(engine, steps)
                assert all(type(g) is np.ndarray and g.dtype == np.float64 for g in got)  # numbers only
                assert all(np.allclose(g, e, rtol=1e-12, atol=1e-12) for g, e in zip(got, expected))
            data, grad = answers.oracle(steps)
            leaves = [k for k, s in enumerate(steps) if s[0] == "leaf"]

            def output(point, steps=steps, leaves=leaves):
                return answers.evaluate(steps, dict(zip(leaves, point)))[-1]
            numeric = numerical_gradient(output, data[leaves].copy(), eps=1e-6)
            assert np.allclose(grad[leaves], numeric, rtol=1e-5, atol=1e-7 * max(1.0, np.abs(data).max()))


def test_graphs_have_what_the_questions_promise():
    for seed in range(20):
        for question in _questions():
            trials = question.make_trials(np.random.default_rng(seed))
            assert len(trials) == 4
            for trial in trials:
                steps = trial.args[0]
                used = [i for s in steps for i in answers._operands(s)]
                assert set(range(len(steps) - 1)) <= set(used), "every node feeds the output"
                data, grad = answers.oracle(steps)
                assert np.all(np.isfinite(data)) and np.abs(data).max() < 1e4
            sizes = [len(t.args[0]) for t in trials]
            assert max(sizes) >= 50, "a chain of 50+ nodes"
            if question.id != "Value.backward":  # the method under test reads or makes a node used twice
                mine = runner_module.STEPS_OF[question.runner.rsplit("_", 1)[1]]
                first = trials[0].args[0]
                uses = Counter(i for step in first for i in answers._operands(step))
                assert any(step[0] in mine and (uses[k] > 1 or any(uses[i] > 1 for i in answers._operands(step)))
                           for k, step in enumerate(first))


def test_trials_differ_between_draws_and_repeat_with_a_seed():
    q = assignments.question("Value.backward")
    first, again, other = (q.make_trials(np.random.default_rng(s)) for s in (5, 5, 6))
    assert [t.args for t in first] == [t.args for t in again]
    assert [t.args for t in first] != [t.args for t in other]


def test_the_child_module_knows_no_answer():
    import subprocess
    import sys
    code = ("import sys, bptutor.assignments.a7_autodiff as m; "
            "print(sorted(n for n in sys.modules if n.startswith('bptutor.') and "
            "n.split('.')[1] in ('reference', 'check', 'gradcheck')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_grader_path_judges_decoded_outcomes_the_same():
    from bptutor.check.judge import judge
    from bptutor.trials import decode_outcome, encode_outcome, run_trial
    for cls in (make_class(), make_class(mul=MUL_SWAPPED)):
        for question in _questions():
            trials = question.make_trials(np.random.default_rng(2))
            outcomes = [run_trial(cls, t, question.params, runner=question.runner) for t in trials]
            arrays = {}
            decoded = [decode_outcome(encode_outcome(o, arrays, f"t{i}_"), arrays) for i, o in enumerate(outcomes)]
            assert judge(question, trials, decoded) == judge(question, trials, outcomes)


def test_a_student_class_cannot_reach_the_expected_numbers():
    """The runner hands the class nothing but numbers it builds itself: no expected value is in reach."""
    seen = []

    class Spy(make_class()):
        def __init__(self, data, _children=(), _op=""):
            super().__init__(data, _children, _op)
            import inspect
            frame = inspect.currentframe().f_back
            while frame is not None:
                seen.extend(k for k in frame.f_locals if "expected" in k)
                frame = frame.f_back
    check.Value(Spy, seed=0)
    assert seen == []


# --------------------------------------------------------------------------- the notebooks
def _class_from(folder):
    import json

    from helpers.paths import ROOT
    nb = json.loads((ROOT / folder / "a7_autodiff.ipynb").read_text(encoding="utf-8"))
    namespace = {"__name__": "__main__"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "raises-exception" not in cell["metadata"].get("tags", []):
            exec("".join(cell["source"]), namespace)  # noqa: S102
    return namespace["Value"]


def test_the_released_class_defines_everything_and_its_stubs_are_not_attempted():
    Value = _class_from("exercises")
    for name in ("__init__", "__repr__", "__add__", "__mul__", "__pow__", "tanh", "backward",
                 "__radd__", "__rmul__", "__neg__", "__sub__", "__truediv__"):
        assert name in vars(Value), name
    for name in ("__add__", "__mul__", "__pow__", "tanh", "backward"):
        assert vars(Value)[name].__doc__, f"the stub of {name} keeps its docstring"
    leaf = Value(2.0)
    assert (leaf.data, leaf.grad, leaf._prev, leaf._op) == (2.0, 0.0, (), "") and repr(leaf) == "Value(data=2, grad=0)"
    with pytest.raises(NotImplementedError, match="__add__: not implemented yet"):
        leaf + leaf
    result = check.Value(Value, seed=0)
    assert result.status == "not-attempted" and all(v.status == "not-attempted" for v in result.parts)


def test_the_solution_passes_and_its_supplied_methods_work():
    Value = _class_from("solutions")
    for seed in range(4):
        assert check.Value(Value, seed=seed).passed
    x, y = Value(3.0), Value(-2.0)
    f = x / (y - 1.0) + 2.0 * (-x) + 1.0 + y
    f.backward()
    def plain(p):
        return p[0] / (p[1] - 1) - 2 * p[0] + 1 + p[1]
    assert np.allclose([x.grad, y.grad], numerical_gradient(plain, np.array([3.0, -2.0])), rtol=1e-7)
