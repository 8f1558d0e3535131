"""Tests of bptutor.viz.capstone: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest

from bptutor import data, reference
from bptutor.viz import capstone


@pytest.fixture(scope="module")
def moons():
    X, y = data.moons(n=100, noise=0.1, seed=0)
    return X, y.astype(float)


# ---------------------------------------------------------------- capstone
def test_confusion_matrix_counts_pairs_against_a_brute_force_count():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    C = capstone.confusion_matrix(y_true, y_pred, n_classes=4)
    brute = np.array([[np.sum((y_true == i) & (y_pred == j)) for j in range(4)] for i in range(4)])
    assert np.array_equal(C, brute)
    assert np.trace(C) / C.sum() == pytest.approx(np.mean(y_true == y_pred))


def test_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match="integer labels in"):
        capstone.confusion_matrix(np.array([0, 1]), np.array([0, 10]))
    with pytest.raises(ValueError, match="one length"):
        capstone.confusion_matrix(np.array([0, 1]), np.array([0]))


@pytest.fixture(scope="module")
def digits_model():
    X_train, y_train, X_test, y_test = data.load_digits()
    model = reference.MLP([64, 16, 10], hidden="sigmoid", output="softmax", init="sqrt", seed=0)
    history = reference.train(model, X_train[:300], y_train[:300], lr=0.5, epochs=3, batch_size=16)
    return model, history, X_test[:40], y_test[:40]


def test_capstone_plots_run_headless(digits_model):
    model, history, X, y = digits_model
    probs = model.forward(X)
    pred = probs.argmax(axis=1)
    assert len(capstone.plot_training(history, [0.5, 0.6, 0.7]).axes[1].lines) == 2
    capstone.plot_confusion_matrix(capstone.confusion_matrix(y, pred))
    assert len(capstone.plot_digits(X[:5], titles=list("abcde"), n_cols=4).axes) == 8
    fig = capstone.plot_first_layer_weights(model.weights[0], n=16)
    assert sum(bool(ax.images) for ax in fig.axes) == 16
    fig = capstone.plot_digit_probabilities(X[0], int(y[0]), probs[0])
    assert [p.get_height() for p in fig.axes[1].patches] == pytest.approx(probs[0].tolist())
    if np.any(pred != y):
        capstone.plot_misclassified(X, y, pred, probs)


def test_plots_reject_images_of_the_wrong_size():
    with pytest.raises(ValueError, match="64 pixels"):
        capstone.plot_digit_probabilities(np.ones(10), 0, np.full(10, 0.1))
    with pytest.raises(ValueError, match=r"shape \(64, n_hidden\)"):
        capstone.plot_first_layer_weights(np.ones((10, 3)))


def test_digit_browser_changes_the_picture_when_the_slider_moves(digits_model):
    model, history, X, y = digits_model
    probs = model.forward(X)
    box = capstone.digit_browser(X, y, probs)
    slider = box.children[0].children[0]
    before = box.figure.axes[0].images[0].get_array().copy()
    slider.value = 7
    after = box.figure.axes[0].images[0].get_array()
    assert box.values == {"i": 7}
    assert not np.array_equal(before, after)
    assert np.array_equal(after, X[7].reshape(8, 8))
    with pytest.raises(ValueError, match="one row per image"):
        capstone.digit_browser(X, y[:3], probs)


def test_first_layer_weights_and_confusion_matrix_carry_a_colour_bar(digits_model):
    from bptutor.viz import style

    model, history, X, y = digits_model
    fig = capstone.plot_first_layer_weights(model.weights[0], n=16)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1, "one colour bar shared by all the weight images"
    lim = np.abs(model.weights[0][:, :16]).max()
    assert bars[0].get_ylim() == pytest.approx((-lim, lim)), "the bar spans the symmetric colour scale"
    C = capstone.confusion_matrix(y, model.forward(X).argmax(axis=1))
    fig = capstone.plot_confusion_matrix(C)
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
    assert fig.get_figwidth() == pytest.approx(style.WIDTH)
