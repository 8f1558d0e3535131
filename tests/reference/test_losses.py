"""Activations and losses: values against their definitions, and numerical stability."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor import reference as R

EXTREME = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0], [1000.0, 1000.0, 1000.0]])


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def test_softmax_stable_at_extreme_logits(no_warnings):
    S = R.softmax(EXTREME)
    assert np.all(np.isfinite(S))
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    # the values, worked by hand: exp(-1000) vanishes next to exp(0) = 1
    np.testing.assert_allclose(S[0], [1.0, 0.0, 0.0], atol=1e-300)
    e = np.exp(-1.0)
    np.testing.assert_allclose(S[1], [e / (1 + 2 * e), e / (1 + 2 * e), 1 / (1 + 2 * e)], rtol=1e-15)
    np.testing.assert_allclose(S[2], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(R.softmax(EXTREME[1]), S[1], rtol=1e-15)  # one row as a 1-D vector


def test_softmax_cross_entropy_stable_at_extreme_logits(no_warnings):
    Y = R.one_hot(np.array([1, 2, 0]), 3)
    loss = R.softmax_cross_entropy(EXTREME, Y)
    # row 0: log-sum-exp = 1000, picks -1000 -> 2000; row 1: picks the max -> log(1 + 2/e);
    # row 2: log 3
    expected = (2000.0 + np.log(1 + 2 * np.exp(-1.0)) + np.log(3.0)) / 3
    assert loss == pytest.approx(expected, rel=1e-12)
    assert np.all(np.isfinite(R.softmax_cross_entropy_backward(EXTREME, Y)))
    assert np.isfinite(R.cross_entropy(R.softmax(EXTREME), Y))  # log of an underflowed 0 is clipped


def test_sigmoid_no_overflow_and_symmetric(no_warnings):
    z = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    s = R.sigmoid(z)
    np.testing.assert_allclose(s + R.sigmoid(-z), 1.0, rtol=0, atol=1e-15)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    np.testing.assert_allclose(s[2], 1 / (1 + np.e), rtol=1e-15)
    assert isinstance(R.sigmoid(0.0), float)


def test_mlp_softmax_and_sigmoid_stable_with_huge_weights(no_warnings):
    for output in ("softmax", "sigmoid"):
        net = R.MLP([2, 3, 3], hidden="sigmoid", output=output, init=1e3, seed=1)
        X = np.array([[1.0, -1.0], [-2.0, 3.0]])
        O = net.forward(X)
        assert np.all(np.isfinite(O)) and np.all((O >= 0) & (O <= 1))
        if output == "softmax":
            np.testing.assert_allclose(O.sum(axis=1), 1.0, atol=1e-15)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.integers(2, 5))
def test_softmax_shift_invariance_and_ce_definition(seed, N, C):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((N, C)) * 5
    shift = rng.standard_normal((N, 1)) * 100
    np.testing.assert_allclose(R.softmax(Z + shift), R.softmax(Z), rtol=1e-10, atol=1e-15)
    S = R.softmax(Z)
    y = rng.integers(0, C, N)
    Y = R.one_hot(y, C)
    # -1/N sum log S[n, y_n], straight from the definition
    assert R.cross_entropy(S, Y) == pytest.approx(-np.mean(np.log(S[np.arange(N), y])), rel=1e-12)


def test_squared_error_vector_and_batch():
    o, t = np.array([0.2, 0.9]), np.array([0.0, 1.0])
    assert R.squared_error(o, t) == pytest.approx(0.5 * (0.04 + 0.01))  # seed 000, eq. (4)
    O, T = np.array([[0.2, 0.9], [1.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])
    assert R.squared_error(O, T) == pytest.approx(0.5 * (0.05 + 1.0) / 2)  # eq. (6): mean over rows


def test_one_hot_rejects_bad_labels():
    with pytest.raises(ValueError, match="integer"):
        R.one_hot(np.array([0.5, 1.0]), 2)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        R.one_hot(np.array([0, 2]), 2)
