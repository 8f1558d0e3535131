"""Training: the SGD modes do what they say, the stopping criteria, the init rules, XOR and digits."""
import numpy as np
import pytest

from bptutor import reference as R
from bptutor.data import load_digits, xor
from bptutor.reference import init as I

XOR_LABELS = np.array([0, 1, 1, 0])


def assert_params_equal(a, b, tol=1e-12):
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=0, atol=tol)


# ------------------------------------------------------------------ the modes, step by step
def test_batch_mode_is_plain_gradient_descent():
    rng = np.random.default_rng(0)
    X, T = rng.standard_normal((7, 3)), rng.uniform(size=(7, 2))
    net, ref = R.MLP([3, 4, 2], init="sqrt", seed=1), R.MLP([3, 4, 2], init="sqrt", seed=1)
    history = R.train(net, X, T, mode="batch", lr=0.8, epochs=5, lam=0.1)
    for epoch in range(5):
        loss, gW, gb = ref.loss_and_grads(X, T, lam=0.1)
        for p, g in zip(ref.weights + ref.biases, gW + gb):
            p -= 0.8 * g
        assert history.loss[epoch] == pytest.approx(ref.loss_and_grads(X, T, lam=0.1)[0], rel=1e-12)
    assert_params_equal(net.weights + net.biases, ref.weights + ref.biases)


def test_minibatch_mode_walks_a_fresh_permutation_each_epoch():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((10, 3)), rng.integers(0, 3, 10)
    net, ref = (R.MLP([3, 5, 3], output="softmax", init="sqrt", seed=2) for _ in range(2))
    R.train(net, X, y, mode="minibatch", batch_size=4, lr=0.3, epochs=2, seed=9)
    order_rng = np.random.default_rng(9)
    for _ in range(2):
        order = order_rng.permutation(10)
        for start in (0, 4, 8):  # batches of 4, 4 and 2
            idx = order[start:start + 4]
            _, gW, gb = ref.loss_and_grads(X[idx], y[idx])
            for p, g in zip(ref.weights + ref.biases, gW + gb):
                p -= 0.3 * g
    assert_params_equal(net.weights + net.biases, ref.weights + ref.biases)


def test_online_mode_is_minibatch_of_one_and_matches_the_per_neuron_procedure():
    X, T = xor()
    online, mini = R.MLP([2, 3, 1], init="seed000", seed=4), R.MLP([2, 3, 1], init="seed000", seed=4)
    h = R.train(online, X, T, mode="online", lr=0.5, epochs=6, seed=3)
    R.train(mini, X, T, mode="minibatch", batch_size=1, lr=0.5, epochs=6, seed=3)
    assert_params_equal(online.weights + online.biases, mini.weights + mini.biases, tol=0)
    # seed 000's 8 steps, in loops, from the same start and in the same order
    weights, biases = I.init_network([2, 3, 1], "seed000", np.random.default_rng(4))
    energies = R.train_online_per_neuron(X, T, weights, biases, lr=0.5, epochs=6, seed=3)
    assert_params_equal(online.weights + online.biases, weights + biases, tol=1e-10)
    np.testing.assert_allclose(energies, h.loss, rtol=1e-10)


# ------------------------------------------------------------------ stopping and bookkeeping
def test_stop_when_the_loss_stops_changing():
    X, T = xor()
    net = R.MLP([2, 3, 1], init="sqrt")
    h = R.train(net, X, T, mode="batch", lr=0.5, epochs=100000, tol=1e-7, stop="loss")
    assert h.epochs < 100000 and "|E(n+1) - E(n)|" in h.stopped
    assert abs(h.loss[-1] - h.loss[-2]) < 1e-7
    assert all(abs(a - b) >= 1e-7 for a, b in zip(h.loss[:-2], h.loss[1:-1]))


def test_stop_when_the_gradient_is_small():
    X, T = xor()
    net = R.MLP([2, 3, 1], init="sqrt")
    h = R.train(net, X, T, mode="batch", lr=2.0, epochs=100000, tol=1e-3, stop="grad")
    assert "||grad E||" in h.stopped and h.grad_norm[-1] < 1e-3 <= min(h.grad_norm[:-1])
    _, gW, gb = net.loss_and_grads(X, T)
    assert h.grad_norm[-1] == pytest.approx(np.sqrt(sum(np.sum(g * g) for g in gW + gb)), rel=1e-9)


def test_callback_can_stop_and_sees_the_history():
    X, T = xor()
    seen = []
    h = R.train(R.MLP([2, 2, 1]), X, T, epochs=50, lr=0.5,
                callback=lambda hist: seen.append(hist.epochs) or hist.epochs == 3)
    assert seen == [1, 2, 3] and h.epochs == 3 and "callback" in h.stopped


def test_divergence_is_reported():
    X = np.array([[1.0, 2.0], [3.0, -4.0]]) * 100
    T = np.array([[1.0], [-1.0]])
    with np.errstate(all="ignore"):
        h = R.train(R.MLP([2, 1], output="identity", init="sqrt"), X, T, mode="batch", lr=10.0,
                    epochs=200)
    assert "diverged" in h.stopped and h.epochs < 200


def test_record_false_and_accuracy_history():
    X, y = np.random.default_rng(0).standard_normal((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    h = R.train(R.MLP([2, 3, 3], output="softmax"), X, y, epochs=3, record=False)
    assert h.epochs == 3 and h.loss == [] and h.accuracy == []
    h = R.train(R.MLP([2, 3, 3], output="softmax"), X, y, epochs=3)
    assert len(h.accuracy) == 3 and all(0 <= a <= 1 for a in h.accuracy)
    assert "3 epochs" in repr(h)
    with pytest.raises(ValueError, match="record"):
        R.train(R.MLP([2, 3, 3], output="softmax"), X, y, tol=1e-3, record=False)


# ------------------------------------------------------------------ initialisation rules
def test_init_rules_ranges():
    rng = np.random.default_rng(0)
    W, b = I.uniform_seed000(63, 500, rng)  # L = 64: [-1/128, 1/128]
    assert W.shape == (63, 500) and b.shape == (500,)
    assert np.abs(W).max() <= 1 / 128 and np.abs(W).max() > 0.99 / 128
    W, b = I.uniform_sqrt(63, 500, rng)  # [-1/8, 1/8]
    assert np.abs(W).max() <= 1 / 8 and np.abs(W).max() > 0.99 / 8
    W, b = I.scaled_normal(100, 100, 0.5, rng)
    assert W.std() == pytest.approx(0.5, rel=0.05) and not b.any()
    W, b = I.zeros(3, 2)
    assert not W.any() and not b.any()
    with pytest.raises(ValueError, match="n_in"):
        I.init_layer(0, 3)
    with pytest.raises(ValueError, match="scale"):
        I.scaled_normal(2, 2, -1.0)


def test_zero_init_never_breaks_the_symmetry():
    X, T = xor()
    net = R.MLP([2, 3, 1], init="zeros")
    R.train(net, X, T, mode="online", lr=0.5, epochs=50)
    W1 = net.weights[0]
    assert np.ptp(W1, axis=1).max() < 1e-12  # every hidden unit still has the same weights
    assert np.ptp(net.weights[1]) < 1e-12


def test_mlp_weights_can_be_replaced():
    net = R.MLP([2, 3, 1])
    net.weights[0] = np.ones((2, 3))
    net.biases = [np.zeros(3), np.array([0.5])]
    assert net.forward(np.zeros(2))[0] == pytest.approx(R.sigmoid(R.sigmoid(0.0) * net.weights[1].sum() + 0.5))
    np.testing.assert_array_equal(net.weights[0], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        net.weights[1] = np.ones((4, 1))
        net.forward(np.zeros(2))


# ------------------------------------------------------------------ the tasks
@pytest.mark.slow
def test_xor_is_solved_by_online_training_in_both_forms():
    X, T = xor()
    net = R.MLP([2, 3, 1], init="sqrt", seed=0)
    h = R.train(net, X, T, mode="online", lr=2.0, epochs=1000, labels=XOR_LABELS)
    assert h.accuracy[-1] == 1.0 and h.loss[-1] < 0.01
    np.testing.assert_array_equal(net.predict(X), XOR_LABELS)
    weights, biases = I.init_network([2, 3, 1], "sqrt", np.random.default_rng(1))
    E = R.train_online_per_neuron(X, T, weights, biases, lr=2.0, epochs=1000, seed=1,
                                  target_energy=0.01)
    assert E[-1] < 0.01 and len(E) < 1000  # step 8: stopped once accurate enough
    o = np.array([R.forward_per_neuron(x, weights, biases)[-1][0] for x in X])
    np.testing.assert_array_equal(o > 0.5, XOR_LABELS == 1)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.mark.slow
def test_train_mlp_reaches_095_on_held_out_digits(digits):
    X_train, y_train, X_test, y_test = digits
    predict = R.train_mlp(X_train, y_train, seed=0)
    labels = predict(X_test)
    assert labels.shape == y_test.shape and np.issubdtype(labels.dtype, np.integer)
    accuracy = np.mean(labels == y_test)
    assert accuracy >= 0.95, f"held-out accuracy {accuracy:.3f}"
    # deterministic for a seed
    np.testing.assert_array_equal(R.train_mlp(X_train, y_train, seed=0, schedule=((0.2, 2),))(X_test),
                                  R.train_mlp(X_train, y_train, seed=0, schedule=((0.2, 2),))(X_test))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 1234567890])  # the grader draws seeds at random
def test_train_mlp_other_seeds(digits, seed):
    X_train, y_train, X_test, y_test = digits
    assert np.mean(R.train_mlp(X_train, y_train, seed=seed)(X_test) == y_test) >= 0.95
