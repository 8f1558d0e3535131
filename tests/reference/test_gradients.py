"""Every reference gradient against central differences, on random shapes (hypothesis).

The oracle is ``bptutor.gradcheck.numerical_gradient`` applied to the forward
computation alone; the analytic gradient under test never enters it.
"""
import numpy as np
import pytest
from helpers.networks import random_network as network
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor import reference as R
from bptutor.gradcheck import numerical_gradient, relative_error

FEW = settings(max_examples=12, deadline=None)
TOL = 1e-6

dims = st.integers(min_value=1, max_value=5)
seeds = st.integers(min_value=0, max_value=2**31 - 1)
layer_sizes = st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=4)  # 1-3 layers


def close(analytic, fun, x, tol=TOL, atol=1e-8):
    """Entry by entry ``|a - n| <= tol (|a| + |n|) + atol``.

    Central differences with eps = 1e-5 carry an absolute error around 1e-10, so a
    purely relative test would fail on entries that are themselves ~1e-7; ``atol``
    absorbs that while any real mistake (an error of the size of the entry) still fails.
    """
    numeric = numerical_gradient(fun, x)
    analytic = np.asarray(analytic)
    assert analytic.shape == numeric.shape
    bad = np.abs(analytic - numeric) > tol * (np.abs(analytic) + np.abs(numeric)) + atol
    assert not bad.any(), (f"relative error {relative_error(analytic, numeric):.2e}\n"
                           f"analytic {analytic}\nnumerical {numeric}")


def sse(o, t):
    return 0.5 * np.sum((t - o) ** 2)


# ------------------------------------------------------------------ a1, a2: scalars and one neuron
@FEW
@given(seeds)
def test_grad_f(seed):
    xy = np.random.default_rng(seed).standard_normal(2) * 3
    gx, gy = R.grad_f(xy[0], xy[1])
    close(np.array([gx, gy]), lambda v: R.f(v[0], v[1]), xy)


@FEW
@given(seeds, dims)
def test_activation_derivatives_from_output(seed, n):
    z = np.random.default_rng(seed).standard_normal(n) * 3
    for f, fprime in ((R.sigmoid, R.sigmoid_prime_from_output),
                      (R.tanh, R.tanh_prime_from_output)):
        # d/dz sum f(z) is f'(z) entry by entry
        close(fprime(f(z)), lambda v, f=f: np.sum(f(v)), z)


@FEW
@given(seeds, dims)
def test_output_delta_vector_and_batch(seed, K):
    rng = np.random.default_rng(seed)
    z, t = rng.standard_normal(K), rng.uniform(size=K)
    close(R.output_delta(R.sigmoid(z), t), lambda v: sse(R.sigmoid(v), t), z)
    Z, T = rng.standard_normal((3, K)), rng.uniform(size=(3, K))
    close(R.output_delta(R.sigmoid(Z), T), lambda v: sse(R.sigmoid(v), T), Z)


@FEW
@given(seeds, dims, dims)
def test_weight_gradient(seed, n_in, n_out):
    rng = np.random.default_rng(seed)
    a_prev, W, t = rng.standard_normal(n_in), rng.standard_normal((n_in, n_out)), rng.uniform(size=n_out)
    o = R.sigmoid(a_prev @ W)
    G = R.weight_gradient(a_prev, R.output_delta(o, t))
    close(G, lambda V: sse(R.sigmoid(a_prev @ V), t), W)


# ------------------------------------------------------------------ a3: hidden layers, any depth
@FEW
@given(seeds, dims, dims, dims, st.booleans())
def test_hidden_delta(seed, n_in, n, n_next, batch):
    rng = np.random.default_rng(seed)
    shape = (2,) if batch else ()
    x = rng.standard_normal(shape + (n_in,))
    W1, W2 = rng.standard_normal((n_in, n)), rng.standard_normal((n, n_next))
    t = rng.uniform(size=shape + (n_next,))
    z1 = x @ W1
    a = R.sigmoid(z1)
    delta_next = R.output_delta(R.sigmoid(a @ W2), t)
    close(R.hidden_delta(delta_next, W2, a), lambda v: sse(R.sigmoid(R.sigmoid(v) @ W2), t), z1)


@FEW
@given(seeds, layer_sizes)
def test_backprop_any_depth(seed, sizes):
    rng = np.random.default_rng(seed)
    weights, biases = network(rng, sizes)
    x, t = rng.standard_normal(sizes[0]), rng.uniform(size=sizes[-1])
    gW, gb = R.backprop(x, t, weights, biases)
    # the probe changes weights[l] / biases[l] in place, so the forward pass sees each probe
    def fun(_):
        return sse(_forward_vec(x, weights, biases), t)
    for l in range(len(weights)):
        close(gW[l], fun, weights[l])
        close(gb[l], fun, biases[l])


def _forward_vec(x, weights, biases):
    a = x
    for W, b in zip(weights, biases):
        a = R.sigmoid(a @ W + b)
    return a


# ------------------------------------------------------------------ a4: matrix form
@FEW
@given(seeds, dims, dims, dims)
def test_dense_backward(seed, N, n_in, n_out):
    rng = np.random.default_rng(seed)
    X, W, b = rng.standard_normal((N, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    G = rng.standard_normal((N, n_out))  # upstream gradient of the linear loss sum(G * Z)
    dX, dW, db = R.dense_backward(G, X, W)
    def loss(X_, W_, b_):
        return np.sum(G * R.dense_forward(X_, W_, b_))
    close(dX, lambda v: loss(v, W, b), X)
    close(dW, lambda v: loss(X, v, b), W)
    close(db, lambda v: loss(X, W, v), b)


@FEW
@given(seeds, dims, dims)
def test_sigmoid_backward(seed, N, n):
    rng = np.random.default_rng(seed)
    Z, G = rng.standard_normal((N, n)), rng.standard_normal((N, n))
    close(R.sigmoid_backward(G, R.sigmoid(Z)), lambda v: np.sum(G * R.sigmoid(v)), Z)


@FEW
@given(seeds, layer_sizes, st.integers(1, 4), st.sampled_from([0.0, 0.7]))
def test_mlp_loss_and_grads(seed, sizes, N, lam):
    rng = np.random.default_rng(seed)
    weights, biases = network(rng, sizes)
    X, T = rng.standard_normal((N, sizes[0])), rng.uniform(size=(N, sizes[-1]))
    loss, gW, gb = R.mlp_loss_and_grads(X, T, weights, biases, lam)
    def fun(_):
        return R.mlp_loss_and_grads(X, T, weights, biases, lam)[0]
    expected = 0.5 * np.sum((T - R.forward(X, weights, biases)[-1]) ** 2) / N \
        + 0.5 * lam / N * sum(np.sum(W * W) for W in weights)
    assert loss == pytest.approx(expected, rel=1e-12)
    for l in range(len(weights)):
        close(gW[l], fun, weights[l])
        close(gb[l], fun, biases[l])


# ------------------------------------------------------------------ a5: softmax
@FEW
@given(seeds, dims, st.integers(2, 5))
def test_softmax_backward(seed, N, C):
    rng = np.random.default_rng(seed)
    Z, G = rng.standard_normal((N, C)), rng.standard_normal((N, C))
    close(R.softmax_backward(R.softmax(Z), G), lambda v: np.sum(G * R.softmax(v)), Z)


@FEW
@given(seeds, dims, st.integers(2, 5))
def test_softmax_cross_entropy_backward(seed, N, C):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((N, C)) * 2
    Y = R.one_hot(rng.integers(0, C, N), C)
    close(R.softmax_cross_entropy_backward(Z, Y), lambda v: R.cross_entropy(R.softmax(v), Y), Z)
    assert R.softmax_cross_entropy(Z, Y) == pytest.approx(R.cross_entropy(R.softmax(Z), Y), rel=1e-12)


# ------------------------------------------------------------------ the other forms
@FEW
@given(seeds, layer_sizes, st.sampled_from(["sigmoid", "tanh"]))
def test_backprop_per_neuron(seed, sizes, activation):
    rng = np.random.default_rng(seed)
    weights, biases = network(rng, sizes)
    x, t = rng.standard_normal(sizes[0]), rng.uniform(size=sizes[-1])
    gW, gb = R.backprop_per_neuron(x, t, weights, biases, activation)
    def fun(_):
        return sse(R.forward_per_neuron(x, weights, biases, activation)[-1], t)
    for l in range(len(weights)):
        close(gW[l], fun, weights[l])
        close(gb[l], fun, biases[l])


@FEW
@given(seeds, st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(1, 4),
       st.sampled_from(["sigmoid", "tanh", "relu"]), st.sampled_from(["sigmoid", "softmax", "identity"]),
       st.sampled_from([0.0, 0.5]))
def test_mlp_class_all_activations(seed, hidden_sizes, N, hidden, output, lam):
    rng = np.random.default_rng(seed)
    n_out = 3 if output == "softmax" else 2
    sizes = [3] + hidden_sizes + [n_out]
    net = R.MLP(sizes, hidden=hidden, output=output, seed=seed % 1000, init=1.0)
    # scaled-normal init leaves biases at 0, which puts a ReLU fed by a dead unit exactly on its kink
    net.biases = [rng.standard_normal(b.shape) for b in net.biases]
    X = rng.standard_normal((N, 3))
    T = R.one_hot(rng.integers(0, n_out, N), n_out) if output == "softmax" else rng.uniform(size=(N, n_out))
    loss, gW, gb = net.loss_and_grads(X, T, lam)
    def fun(_):
        return net.loss_and_grads(X, T, lam)[0]
    # ReLU has kinks: a probe that crosses one makes the difference quotient wrong, so allow more
    tol = 1e-4 if hidden == "relu" else TOL
    for l in range(len(net.weights)):
        close(gW[l], fun, net.weights[l], tol)
        close(gb[l], fun, net.biases[l], tol)


@FEW
@given(seeds, dims, dims, dims, st.sampled_from(["sigmoid", "tanh", "relu"]))
def test_layers_sequential(seed, N, n_in, n_hidden, act):
    rng = np.random.default_rng(seed)
    Act = {"sigmoid": R.Sigmoid, "tanh": R.Tanh, "relu": R.ReLU}[act]
    net = R.Sequential(R.Dense(n_in, n_hidden, rng=rng), Act(), R.Dense(n_hidden, 3, rng=rng))
    X, y = rng.standard_normal((N, n_in)), rng.integers(0, 3, N)
    loss = R.SoftmaxCrossEntropy()
    loss.forward(net.forward(X), y)
    dX = net.backward(loss.backward())
    def fun(_):
        return loss.forward(net.forward(X), y)
    tol = 1e-4 if act == "relu" else TOL
    grads = [g.copy() for g in net.grads()]  # the probes below overwrite nothing, but be explicit
    for p, g in zip(net.params(), grads):
        close(g, fun, p, tol)
    close(dX, fun, X, tol)


@FEW
@given(seeds, dims, dims)
def test_squared_error_layer(seed, N, K):
    rng = np.random.default_rng(seed)
    O, T = rng.standard_normal((N, K)), rng.standard_normal((N, K))
    loss = R.SquaredError()
    assert loss.forward(O, T) == pytest.approx(0.5 * np.sum((T - O) ** 2) / N, rel=1e-12)
    close(loss.backward(), lambda v: R.SquaredError().forward(v, T), O)
