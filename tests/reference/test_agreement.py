"""The forms of the network agree with each other to 1e-10, and a published worked example.

Five independent codings of the same gradient: seed 000's per-neuron loops,
the vector ``backprop`` (one example), ``mlp_loss_and_grads`` (batch), the ``MLP``
class (examples as columns, bias folded into the weights) and a ``Sequential`` of
layers. For a sigmoid net with squared error they must give the same numbers for
1-, 2- and 3-layer nets, for one example and for a batch.
"""
import numpy as np
import pytest
from helpers.networks import random_network
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor import reference as R
from bptutor.reference import forward

FEW = settings(max_examples=10, deadline=None)
AGREE = 1e-10

seeds = st.integers(min_value=0, max_value=2**31 - 1)
depth_sizes = st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=4)  # 1-3 layers


def assert_lists_agree(a, b, what):
    assert len(a) == len(b), what
    for l, (x, y) in enumerate(zip(a, b)):
        assert x.shape == y.shape, f"{what}[{l}]: shape {x.shape} vs {y.shape}"
        diff = np.max(np.abs(x - y)) if x.size else 0.0
        assert diff < AGREE, f"{what}[{l}] differs by {diff:.2e}"


def random_net(seed, sizes):
    rng = np.random.default_rng(seed)
    return (rng, *random_network(rng, sizes))


def mlp_with(weights, biases, sizes):
    net = R.MLP(sizes, hidden="sigmoid", output="sigmoid", init="zeros")
    net.weights = [W.copy() for W in weights]
    net.biases = [b.copy() for b in biases]
    return net


def sequential_with(weights, biases):
    layers = []
    for W, b in zip(weights, biases):
        layers += [R.Dense(*W.shape, W=W, b=b), R.Sigmoid()]
    return R.Sequential(*layers)


@FEW
@given(seeds, depth_sizes)
def test_one_example_all_forms_agree(seed, sizes):
    rng, weights, biases = random_net(seed, sizes)
    x, t = rng.standard_normal(sizes[0]), rng.uniform(size=sizes[-1])

    vec_W, vec_b = R.backprop(x, t, weights, biases)
    pn_W, pn_b = R.backprop_per_neuron(x, t, weights, biases)
    loss, mat_W, mat_b = R.mlp_loss_and_grads(x[None, :], t[None, :], weights, biases)
    _, cls_W, cls_b = mlp_with(weights, biases, sizes).loss_and_grads(x[None, :], t[None, :])
    net = sequential_with(weights, biases)
    E = R.SquaredError()
    seq_loss = E.forward(net.forward(x), t)
    net.backward(E.backward())
    seq = net.grads()

    assert_lists_agree(pn_W, vec_W, "per-neuron vs backprop, W")
    assert_lists_agree(pn_b, vec_b, "per-neuron vs backprop, b")
    assert_lists_agree(mat_W, vec_W, "mlp_loss_and_grads vs backprop, W")
    assert_lists_agree(mat_b, vec_b, "mlp_loss_and_grads vs backprop, b")
    assert_lists_agree(cls_W, vec_W, "MLP vs backprop, W")
    assert_lists_agree(cls_b, vec_b, "MLP vs backprop, b")
    assert_lists_agree(seq[0::2], vec_W, "Sequential vs backprop, W")
    assert_lists_agree(seq[1::2], vec_b, "Sequential vs backprop, b")
    assert seq_loss == pytest.approx(loss, abs=AGREE)
    # the forward passes agree too
    o = R.forward_per_neuron(x, weights, biases)[-1]
    assert np.max(np.abs(o - mlp_with(weights, biases, sizes).forward(x))) < AGREE


@FEW
@given(seeds, depth_sizes, st.integers(min_value=2, max_value=6), st.sampled_from([0.0, 0.3]))
def test_batch_is_the_mean_of_the_examples(seed, sizes, N, lam):
    rng, weights, biases = random_net(seed, sizes)
    X, T = rng.standard_normal((N, sizes[0])), rng.uniform(size=(N, sizes[-1]))
    loss, mat_W, mat_b = R.mlp_loss_and_grads(X, T, weights, biases, lam)
    cls_loss, cls_W, cls_b = mlp_with(weights, biases, sizes).loss_and_grads(X, T, lam)

    # seed 002: accumulate Delta over the examples, then D = 1/m (Delta + lam Theta)
    acc_W = [np.zeros_like(W) for W in weights]
    acc_b = [np.zeros_like(b) for b in biases]
    for x, t in zip(X, T):
        gW, gb = R.backprop_per_neuron(x, t, weights, biases)
        for A, g in zip(acc_W + acc_b, gW + gb):
            A += g
    acc_W = [(A + lam * W) / N for A, W in zip(acc_W, weights)]
    acc_b = [A / N for A in acc_b]

    assert_lists_agree(mat_W, acc_W, "mlp_loss_and_grads vs per-neuron sum, W")
    assert_lists_agree(mat_b, acc_b, "mlp_loss_and_grads vs per-neuron sum, b")
    assert_lists_agree(cls_W, acc_W, "MLP vs per-neuron sum, W")
    assert_lists_agree(cls_b, acc_b, "MLP vs per-neuron sum, b")
    assert cls_loss == pytest.approx(loss, abs=AGREE)
    energy = R.energy_per_neuron(X, T, weights, biases)  # seed 000, eq. (6)
    assert energy + 0.5 * lam / N * sum(np.sum(W * W) for W in weights) == pytest.approx(loss, abs=AGREE)


@FEW
@given(seeds, st.integers(min_value=1, max_value=5), st.integers(min_value=2, max_value=4))
def test_softmax_forms_agree(seed, N, C):
    rng = np.random.default_rng(seed)
    net = R.MLP([3, 4, C], hidden="tanh", output="softmax", seed=seed % 100, init=0.8)
    X, y = rng.standard_normal((N, 3)), rng.integers(0, C, N)
    loss, gW, gb = net.loss_and_grads(X, y)
    seq = R.Sequential(R.Dense(3, 4, W=net.weights[0], b=net.biases[0]), R.Tanh(),
                       R.Dense(4, C, W=net.weights[1], b=net.biases[1]))
    ce = R.SoftmaxCrossEntropy()
    assert ce.forward(seq.forward(X), y) == pytest.approx(loss, abs=AGREE)
    seq.backward(ce.backward())
    assert_lists_agree(seq.grads()[0::2], gW, "Sequential vs MLP (softmax), W")
    assert_lists_agree(seq.grads()[1::2], gb, "Sequential vs MLP (softmax), b")
    # the contract functions give the same output-layer gradient
    A1 = np.tanh(X @ net.weights[0] + net.biases[0])
    dZ = R.softmax_cross_entropy_backward(A1 @ net.weights[1] + net.biases[1], R.one_hot(y, C))
    _, dW, db = R.dense_backward(dZ, A1, net.weights[1])
    assert_lists_agree([dW, db], [gW[1], gb[1]], "dense_backward vs MLP, output layer")


# ------------------------------------------------------------------ a published worked example
# Matt Mazur, "A Step by Step Backpropagation Example" (2015),
# https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/
# A 2-2-2 sigmoid net; his w1..w4 go input -> hidden (h1 = w1 i1 + w2 i2 + b1,
# h2 = w3 i1 + w4 i2 + b1), w5..w8 hidden -> output (o1 = w5 h1 + w6 h2 + b2,
# o2 = w7 h1 + w8 h2 + b2). Our W[i, j] joins input i to unit j, so his w1..w4
# fill W1 column by column. One bias per layer, shared by its units and not updated.
MAZUR_X = np.array([0.05, 0.10])
MAZUR_T = np.array([0.01, 0.99])
MAZUR_W1 = np.array([[0.15, 0.25],   # i1 -> h1 (w1), i1 -> h2 (w3)
                     [0.20, 0.30]])  # i2 -> h1 (w2), i2 -> h2 (w4)
MAZUR_W2 = np.array([[0.40, 0.50],   # h1 -> o1 (w5), h1 -> o2 (w7)
                     [0.45, 0.55]])  # h2 -> o1 (w6), h2 -> o2 (w8)
MAZUR_B = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
ETA = 0.5
# his published numbers
E_TOTAL = 0.298371109
UPDATED_W2 = np.array([[0.35891648, 0.511301270],   # w5+, w7+
                       [0.408666186, 0.561370121]])  # w6+, w8+
UPDATED_W1 = np.array([[0.149780716, 0.24975114],   # w1+, w3+
                       [0.19956143, 0.29950229]])   # w2+, w4+
# published to 8-9 decimals; half a unit in the 8th place is 5e-9
PUBLISHED = 1e-8


def mazur_gradients():
    """The gradient of the example by every form; yields (name, loss, grads_W)."""
    weights = [MAZUR_W1.copy(), MAZUR_W2.copy()]
    x, t = MAZUR_X, MAZUR_T
    gW, _ = R.backprop(x, t, weights, MAZUR_B)
    yield "backprop", R.squared_error(forward(x, weights, MAZUR_B)[-1], t), gW
    gW, _ = R.backprop_per_neuron(x, t, weights, MAZUR_B)
    yield "per-neuron", R.energy_per_neuron(x[None], t[None], weights, MAZUR_B), gW
    loss, gW, _ = R.mlp_loss_and_grads(x[None], t[None], weights, MAZUR_B)
    yield "mlp_loss_and_grads", loss, gW
    net = mlp_with(weights, MAZUR_B, [2, 2, 2])
    loss, gW, _ = net.loss_and_grads(x[None], t[None])
    yield "MLP", loss, gW
    seq = sequential_with(weights, MAZUR_B)
    E = R.SquaredError()
    loss = E.forward(seq.forward(x), t)
    seq.backward(E.backward())
    yield "Sequential", loss, seq.grads()[0::2]


@pytest.mark.parametrize("form", ["backprop", "per-neuron", "mlp_loss_and_grads", "MLP", "Sequential"])
def test_mazur_worked_example(form):
    name, loss, gW = next(g for g in mazur_gradients() if g[0] == form)
    assert loss == pytest.approx(E_TOTAL, abs=PUBLISHED)
    np.testing.assert_allclose(MAZUR_W2 - ETA * gW[1], UPDATED_W2, rtol=0, atol=PUBLISHED)
    np.testing.assert_allclose(MAZUR_W1 - ETA * gW[0], UPDATED_W1, rtol=0, atol=PUBLISHED)


def test_mazur_one_step_of_online_training():
    """Seed 000's update w <- w + eta delta y (eq. 22) is the same step. His bias is shared and
    frozen, ours per unit and trained, so only the weights are compared."""
    weights = [MAZUR_W1.copy(), MAZUR_W2.copy()]
    biases = [b.copy() for b in MAZUR_B]
    R.train_online_per_neuron(MAZUR_X[None], MAZUR_T[None], weights, biases, lr=ETA, epochs=1)
    np.testing.assert_allclose(weights[1], UPDATED_W2, rtol=0, atol=PUBLISHED)
    np.testing.assert_allclose(weights[0], UPDATED_W1, rtol=0, atol=PUBLISHED)
