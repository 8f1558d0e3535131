"""The tiny autograd of lesson 08 against independent oracles.

Oracles: central differences (``bptutor.gradcheck``), the hand-derived
``reference.grad_f`` of lesson 00, and the vector-form ``reference.backprop``.
"""
import math
import warnings

import numpy as np
import pytest
from helpers.networks import random_network
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor import reference
from bptutor.gradcheck import numerical_gradient
from bptutor.reference.autograd import Value

N_INPUTS = 3

# ---- random expressions, evaluated both with Value and with plain floats -------------
# An expression is a nested tuple: ("in", i) | ("const", c) | (op, child[, child]).
# Every op is defined (and smooth) for every real input, so central differences apply.
UNARY = ("neg", "tanh", "sigmoid", "exp_tanh", "log_sq1", "square", "cube", "inv_sq1", "sqrt_sq1")
BINARY = ("add", "sub", "mul", "div_sq1")

leaves = st.one_of(
    st.builds(lambda i: ("in", i), st.integers(0, N_INPUTS - 1)),
    st.builds(lambda c: ("const", c), st.floats(-2, 2, allow_nan=False)),
)
expressions = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(UNARY), children),
        st.tuples(st.sampled_from(BINARY), children, children),
    ),
    max_leaves=12,
)


def evaluate(expr, inputs, lib):
    """Evaluate ``expr`` on ``inputs`` with ``lib`` giving exp/log/tanh/sigmoid for that number type."""
    kind = expr[0]
    if kind == "in":
        return inputs[expr[1]]
    if kind == "const":
        return expr[1]
    a = evaluate(expr[1], inputs, lib)
    if kind in BINARY:
        b = evaluate(expr[2], inputs, lib)
        return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                "div_sq1": lambda: a / (b * b + 1)}[kind]()
    return {"neg": lambda: -a, "tanh": lambda: lib["tanh"](a), "sigmoid": lambda: lib["sigmoid"](a),
            "exp_tanh": lambda: lib["exp"](lib["tanh"](a)), "log_sq1": lambda: lib["log"](a ** 2 + 1),
            "square": lambda: a ** 2, "cube": lambda: a ** 3, "inv_sq1": lambda: 1 / (1 + a * a),
            "sqrt_sq1": lambda: (a * a + 1) ** 0.5}[kind]()


def _value(a):
    return a if isinstance(a, Value) else Value(a)  # a constant sub-expression is a plain float


VALUE_LIB = {name: (lambda op: lambda a: op(_value(a)))(getattr(Value, name))
             for name in ("exp", "log", "tanh", "sigmoid")}
FLOAT_LIB = {"exp": math.exp, "log": math.log, "tanh": math.tanh,
             "sigmoid": lambda z: 1 / (1 + math.exp(-z))}


def autograd_gradient(expr, point):
    xs = [Value(v) for v in point]
    out = evaluate(expr, xs, VALUE_LIB)
    out = out if isinstance(out, Value) else Value(out)  # a constant expression
    out.backward()
    largest = max(abs(node.data) for node in out.topological_order())
    return out.data, np.array([x.grad for x in xs]), largest


def float_function(expr):
    def fun(point):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return evaluate(expr, [float(v) for v in point], FLOAT_LIB)
    return fun


@settings(max_examples=300, deadline=None)
@given(expressions, st.lists(st.floats(-2, 2, allow_nan=False), min_size=N_INPUTS, max_size=N_INPUTS))
def test_random_expression_matches_central_differences(expr, point):
    value, grad, largest = autograd_gradient(expr, point)
    fun = float_function(expr)
    assert value == pytest.approx(fun(point), rel=1e-12, abs=1e-12)  # the forward pass is plain arithmetic
    numeric = numerical_gradient(fun, np.array(point), eps=1e-6)
    # truncation error is relative to the gradient; round-off in f(x+h) - f(x-h) is relative to the
    # largest intermediate value (about 1e-16 * largest / 1e-6), which cancellation can leave behind
    tolerance = 1e-5 * (1.0 + np.abs(grad) + np.abs(numeric)) + 1e-8 * largest
    assert np.all(np.abs(grad - numeric) <= tolerance), (expr, point, grad, numeric)


@given(st.floats(-10, 10), st.floats(-10, 10))
def test_lesson_00_function_matches_hand_derived_grad_f(x0, y0):
    x, y = Value(x0), Value(y0)
    f = x * x + x * y + (x + y) ** 2  # the lecture slides' computational graph
    f.backward()
    assert f.data == pytest.approx(reference.f(x0, y0), rel=1e-12, abs=1e-12)
    gx, gy = reference.grad_f(x0, y0)
    assert x.grad == pytest.approx(gx, rel=1e-12, abs=1e-12)
    assert y.grad == pytest.approx(gy, rel=1e-12, abs=1e-12)


# ---- a node used twice: micrograd's known bug (= instead of +=) -----------------------
def test_node_used_twice_in_one_operation_accumulates():
    a = Value(3.0)
    b = a * a  # both inputs of the product are the same node
    b.backward()
    assert a.grad == 6.0  # with "=" instead of "+=" this would be 3.0
    c = Value(-1.5)
    d = c + c
    d.backward()
    assert c.grad == 2.0  # with "=" this would be 1.0


def test_shared_intermediate_node_sums_over_its_paths():
    a, b = Value(0.7), Value(-1.3)
    c = a * b  # c feeds three later nodes
    e = (c + c * c).tanh() + c.sigmoid()
    e.backward()
    def fun(p):
        return math.tanh(p[0] * p[1] + (p[0] * p[1]) ** 2) + 1 / (1 + math.exp(-p[0] * p[1]))
    numeric = numerical_gradient(fun, np.array([0.7, -1.3]))
    assert np.allclose([a.grad, b.grad], numeric, rtol=1e-7, atol=1e-9)


def test_backward_twice_recomputes_intermediates_and_accumulates_inputs():
    x = Value(2.0)
    h = x * x
    y = h * 3.0
    y.backward()
    assert (x.grad, h.grad) == (12.0, 3.0)
    y.backward()  # inputs accumulate, as in PyTorch; intermediates start again from zero
    assert (x.grad, h.grad) == (24.0, 3.0)


def test_gradients_of_a_sigmoid_network_match_vector_backprop():
    rng = np.random.default_rng(3)
    sizes = (3, 4, 2)
    weights, biases = random_network(rng, sizes)
    x, t = rng.normal(size=3), np.array([0.0, 1.0])
    Wv = [[[Value(w) for w in row] for row in W] for W in weights]
    bv = [[Value(v) for v in b] for b in biases]
    a = [Value(v) for v in x]
    for W, b in zip(Wv, bv):  # z_j = sum_i a_i w_ij + b_j ; a = sigmoid(z)
        a = [(sum((a[i] * W[i][j] for i in range(len(a))), Value(0.0)) + b[j]).sigmoid()
             for j in range(len(b))]
    E = sum(((ti - o) ** 2 for ti, o in zip(t, a)), Value(0.0)) * 0.5
    E.backward()
    grads_W, grads_b = reference.backprop(x, t, weights, biases)
    for W, gW in zip(Wv, grads_W):
        assert np.allclose([[w.grad for w in row] for row in W], gW, rtol=1e-12, atol=1e-15)
    for b, gb in zip(bv, grads_b):
        assert np.allclose([v.grad for v in b], gb, rtol=1e-12, atol=1e-15)


def test_long_chain_does_not_hit_the_recursion_limit():
    x = Value(1.0)
    total = Value(0.0)
    for _ in range(5000):
        total = total + x
    total.backward()
    assert x.grad == 5000.0


def test_sigmoid_is_stable_for_large_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hi, lo = Value(1000.0).sigmoid(), Value(-1000.0).sigmoid()
    assert hi.data == 1.0 and lo.data == 0.0


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="log needs a positive argument"):
        Value(0.0).log()
    with pytest.raises(TypeError, match="constant number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="cannot combine a Value with str"):
        Value(1.0) + "2"
    with pytest.raises(ValueError, match="non-integer power"):
        Value(-8.0) ** 0.5
    with pytest.raises(OverflowError, match="too large"):
        Value(1000.0).exp()
    assert (Value(-2.0) ** 3).data == -8.0  # integer powers of negative numbers are fine
