"""The data sets: shapes, ranges, determinism, and the shipped digits against scikit-learn's copy."""
import numpy as np
import pytest

from bptutor import data


def test_xor_truth_table():
    X, T = data.xor()
    assert X.shape == (4, 2) and T.shape == (4, 1) and X.dtype == T.dtype == np.float64
    np.testing.assert_array_equal(T[:, 0], np.logical_xor(X[:, 0], X[:, 1]).astype(float))


@pytest.mark.parametrize("make, kwargs, n, classes", [
    (data.spirals, {}, 200, 2),
    (data.spirals, {"n_per_class": 30, "n_classes": 3}, 90, 3),
    (data.moons, {}, 200, 2),
    (data.moons, {"n": 51}, 51, 2),
])
def test_toy_sets_shapes_labels_and_determinism(make, kwargs, n, classes):
    X, y = make(**kwargs, seed=3)
    assert X.shape == (n, 2) and y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert sorted(set(y.tolist())) == list(range(classes))
    assert np.all(np.abs(np.bincount(y) - n / classes) <= 1)  # balanced
    X2, y2 = make(**kwargs, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(**kwargs, seed=4)[0], X)


def test_noise_free_spiral_lies_on_its_curve():
    X, y = data.spirals(n_per_class=50, noise=0.0)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[:50], np.linspace(0, 1, 50), atol=1e-12)  # radius grows linearly


@pytest.mark.parametrize("call, word", [
    (lambda: data.spirals(n_per_class=0), "n_per_class"),
    (lambda: data.spirals(noise=-1), "noise"),
    (lambda: data.moons(n=1), "n"),
    (lambda: data.load_digits(test_fraction=1.0), "test_fraction"),
])
def test_bad_arguments(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_digits_split():
    X_train, y_train, X_test, y_test = data.load_digits()
    assert X_train.shape == (1348, 64) and X_test.shape == (449, 64)
    assert y_train.shape == (1348,) and y_test.shape == (449,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    again = data.load_digits()
    for a, b in zip(again, (X_train, y_train, X_test, y_test)):
        np.testing.assert_array_equal(a, b)
    other = data.load_digits(seed=1)
    assert not np.array_equal(other[0], X_train)


def test_digits_match_scikit_learn():
    datasets = pytest.importorskip("sklearn.datasets")
    ref = datasets.load_digits()
    X_train, y_train, X_test, y_test = data.load_digits()
    X = np.vstack([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    order = np.random.default_rng(0).permutation(len(ref.target))
    test, train = order[:449], order[449:]
    np.testing.assert_array_equal(X * 16, ref.data[np.concatenate([train, test])])
    np.testing.assert_array_equal(y, ref.target[np.concatenate([train, test])])
