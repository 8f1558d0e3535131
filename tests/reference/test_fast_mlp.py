"""The two matrix-form networks: the readable ``reference.MLP`` and the tuned ``fast_mlp.FastMLP``.

* ``FastMLP`` is the fast path that used to live inside ``reference/mlp.py``, moved out and
  tidied: it must give **bit-identical** numbers to that code, kept frozen in ``legacy_mlp.py``
  and run here on the same machine (so the same BLAS kernels) on the same data.
* ``MLP`` is rewritten over the building blocks: it must agree with ``FastMLP`` to round-off.
"""
import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pytest

from bptutor import reference as R
from bptutor.data import load_digits
from bptutor.fast_mlp import FastMLP
from bptutor.reference.mlp import HIDDEN, OUTPUT

_spec = importlib.util.spec_from_file_location("legacy_mlp", Path(__file__).with_name("legacy_mlp.py"))
legacy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(legacy)

EPS = np.finfo(np.float64).eps


def _data(seed, sizes, output, N):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, sizes[0])) * 2
    T = rng.integers(0, sizes[-1], N) if output == "softmax" else rng.uniform(size=(N, sizes[-1]))
    return X, T


def _params(net):
    return net.weights + net.biases


# every activation pair, every mode, with and without lam, a stopping criterion on the gradient
RUNS = [
    dict(sizes=[3, 5, 4, 2], hidden=h, output=o, mode=m, lam=lam, init=init)
    for (h, o), m, (lam, init) in zip(
        itertools.product(HIDDEN, OUTPUT), itertools.cycle(["minibatch", "online", "batch"]),
        itertools.cycle([(0.0, "sqrt"), (0.1, 1.0), (0.0, "seed000")]))
]


@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r['hidden']}-{r['output']}-{r['mode']}")
def test_fast_mlp_trains_bit_identically_to_the_code_it_replaced(run):
    X, T = _data(7, run["sizes"], run["output"], 37)
    arch = dict(hidden=run["hidden"], output=run["output"], seed=3, init=run["init"])
    old, new = legacy.MLP(run["sizes"], **arch), FastMLP(run["sizes"], **arch)
    assert all(np.array_equal(p, q) for p, q in zip(_params(old), _params(new)))
    options = dict(mode=run["mode"], lr=0.3, epochs=4, batch_size=8, lam=run["lam"], seed=5,
                   stop="grad", tol=1e-30)
    h_old, h_new = R.train(old, X, T, **options), R.train(new, X, T, **options)
    for p, q in zip(_params(old), _params(new)):
        assert np.array_equal(p, q), f"parameters differ by up to {np.max(np.abs(p - q)):.3g}"
    assert h_old.loss == h_new.loss and h_old.grad_norm == h_new.grad_norm
    assert h_old.accuracy == h_new.accuracy
    # and every public method, after training
    l_old, gW_old, gb_old = old.loss_and_grads(X, T, lam=0.2)
    l_new, gW_new, gb_new = new.loss_and_grads(X, T, lam=0.2)
    assert l_old == l_new
    assert all(np.array_equal(g, h) for g, h in zip(gW_old + gb_old, gW_new + gb_new))
    assert np.array_equal(old.forward(X), new.forward(X))
    assert np.array_equal(old.forward(X[0]), new.forward(X[0]))
    assert np.array_equal(old.predict(X), new.predict(X))


def test_train_mlp_is_bit_identical_to_the_code_it_replaced():
    """``reference.train_mlp`` (a6's reference) now trains a FastMLP: same network as before."""
    X, y = (a[:400] for a in load_digits()[:2])
    predict = R.train_mlp(X, y, seed=1, hidden=20)
    old = legacy.MLP([64, 20, 10], hidden="tanh", output="softmax", seed=1, init="sqrt")
    for phase, (lr, epochs) in enumerate(R.training.SCHEDULE):  # train_mlp's loop, on the old class
        R.train(old, X, y, mode="minibatch", lr=lr, epochs=epochs, batch_size=32, seed=1 + phase,
                record=False)
    assert isinstance(predict.model, FastMLP)
    assert all(np.array_equal(p, q) for p, q in zip(_params(old), _params(predict.model)))


# The readable MLP computes every entry from the same terms as FastMLP in another order (bias
# added after the product instead of inside it, other BLAS kernels, dZ * (A (1 - A)) vs
# (dZ * A) * (1 - A)). Each float64 operation rounds by at most eps/2 relative; a sum of k terms
# reordered differs by at most about k eps times the sum of their magnitudes. Here k <= N + n <= 50
# and a few layers deep, so differences stay below ~1e3 eps of the array's largest entry (the
# largest seen is about 20 eps); a mistake in either form (a missing term, a wrong sign, a lost
# 1/N) changes the numbers by far more.
ROUND_OFF = 1e3 * EPS


def _close(a, b):
    scale = max(np.max(np.abs(b)), np.finfo(np.float64).tiny)
    return np.max(np.abs(np.asarray(a) - b)) <= ROUND_OFF * scale


@pytest.mark.parametrize("hidden,output", list(itertools.product(HIDDEN, OUTPUT)))
@pytest.mark.parametrize("seed", range(4))
def test_readable_mlp_agrees_with_the_fast_one_to_round_off(hidden, output, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(n) for n in rng.integers(1, 9, size=int(rng.integers(2, 5)))]
    sizes[-1] = max(sizes[-1], 2)
    X, T = _data(seed, sizes, output, int(rng.integers(1, 40)))
    readable = R.MLP(sizes, hidden, output, seed=seed, init=1.0)
    fast = FastMLP(sizes, hidden, output, seed=seed, init=1.0)
    assert all(np.array_equal(p, q) for p, q in zip(_params(readable), _params(fast)))  # same init
    for lam in (0.0, 0.3):
        loss_r, gW_r, gb_r = readable.loss_and_grads(X, T, lam)
        loss_f, gW_f, gb_f = fast.loss_and_grads(X, T, lam)
        assert _close(loss_r, loss_f)
        for g_r, g_f in zip(gW_r + gb_r, gW_f + gb_f):
            assert g_r.shape == g_f.shape and _close(g_r, g_f)
    assert _close(readable.forward(X), fast.forward(X))


@pytest.mark.parametrize("hidden,output", [("sigmoid", "softmax"), ("tanh", "sigmoid"), ("relu", "identity")])
def test_readable_and_fast_mlp_train_alike(hidden, output):
    X, y = (a[:300] for a in load_digits()[:2])
    T = y if output == "softmax" else R.one_hot(y, 10)
    nets = [cls([64, 16, 10], hidden, output, seed=0, init="sqrt") for cls in (R.MLP, FastMLP)]
    h_r, h_f = (R.train(net, X, T, epochs=3, lr=0.1, batch_size=16, stop="grad", tol=1e-30) for net in nets)
    for p, q in zip(_params(nets[0]), _params(nets[1])):  # 57 steps: round-off has not grown much
        assert _close(p, q)
    assert all(_close(a, b) for a, b in zip(h_r.loss + h_r.grad_norm, h_f.loss + h_f.grad_norm))
    assert h_r.accuracy == h_f.accuracy


@pytest.mark.parametrize("cls", [R.MLP, FastMLP])
def test_both_networks_share_the_interface(cls):
    net = cls([2, 3, 2], hidden="tanh", output="softmax", seed=0, init="sqrt")
    X, y = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), np.array([0, 1, 1])
    copy = net.copy()
    R.train(net, X, y, epochs=2, lr=0.5, batch_size=2)
    assert not np.array_equal(net.weights[0], copy.weights[0])  # the copy is independent
    assert type(copy) is cls and repr(copy) == repr(net) and net.loss_name == "cross-entropy"
    assert net.predict(X).shape == (3,) and 0 <= net.accuracy(X, y) <= 1
    before = net.forward(X)
    net.weights[0][1, 0] += 1.0  # written in place: the network sees it
    assert not np.allclose(net.forward(X), before)
    given = np.ones((2, 3))
    net.weights[0] = given  # assigned: copied in, never written into by training
    R.train(net, X, y, epochs=1, lr=0.5)
    assert np.array_equal(given, np.ones((2, 3))) and not np.array_equal(net.weights[0], given)
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(4, 2\)"):
        net.weights[1] = np.zeros((4, 2))
        net.forward(X)
