"""The gradient checker: central differences, relative error, per-entry and directional checks."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor import gradcheck as gc
from bptutor import reference as R


def quadratic(A):
    """f(x) = 1/2 x^T A x + sum(sin x), gradient 1/2 (A + A^T) x + cos x."""
    return (lambda x: 0.5 * x.ravel() @ A @ x.ravel() + np.sum(np.sin(x)),
            lambda x: (0.5 * (A + A.T) @ x.ravel()).reshape(x.shape) + np.cos(x))


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1), st.lists(st.integers(1, 3), min_size=1, max_size=3))
def test_numerical_gradient_matches_analytic_any_shape(seed, shape):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    f, grad = quadratic(rng.standard_normal((x.size, x.size)))
    before = x.copy()
    numeric = gc.numerical_gradient(f, x)
    assert numeric.shape == x.shape and numeric.dtype == np.float64
    assert gc.relative_error(numeric, grad(x)) < 1e-7
    np.testing.assert_array_equal(x, before)  # bit for bit, not just close


def test_numerical_gradient_is_central_not_forward():
    # f = x^3 at x = 1, eps = 1e-2: central (f(1.01) - f(0.99)) / 0.02 = 3.0001, forward 3.0301
    g = gc.numerical_gradient(lambda x: float(np.sum(x ** 3)), np.array([1.0]), eps=1e-2)
    assert g[0] == pytest.approx(3.0001, abs=1e-9)


def test_x_restored_even_when_fun_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def fails_on_second_entry(v):
        calls.append(v.copy())
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError):
        gc.numerical_gradient(fails_on_second_entry, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_probes_in_place_so_closures_see_them():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = gc.numerical_gradient(lambda _: float(np.sum(W ** 2)), W)  # fun ignores its argument
    np.testing.assert_allclose(g, 2 * W, rtol=1e-9)
    np.testing.assert_array_equal(W, [[1.0, 2.0], [3.0, 4.0]])


def test_float32_warns_and_leaves_x_unchanged():
    x = np.array([0.5, -1.5], dtype=np.float32)
    with pytest.warns(RuntimeWarning, match="float32"):
        g = gc.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, np.array([0.5, -1.5], dtype=np.float32))
    np.testing.assert_allclose(g, [1.0, -3.0], rtol=1e-8)
    with pytest.warns(RuntimeWarning, match="float32"):
        gc.check_gradient(lambda v: float(np.sum(v ** 2)), x, 2 * x)
    with pytest.warns(RuntimeWarning, match="float32"):
        gc.check_directional(lambda v: float(np.sum(v ** 2)), x, 2 * x)


def test_float64_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gc.numerical_gradient(lambda v: float(np.sum(v ** 2)), np.ones(3))


def test_relative_error_as_course_defines_it():
    # max |a - b| / max(|a| + |b|, 1e-8), entry by entry
    a, b = np.array([1.0, 0.0, 100.0]), np.array([1.1, 0.0, 100.0])
    assert gc.relative_error(a, b) == pytest.approx(0.1 / 2.1)
    assert gc.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gc.relative_error(1e-9, 0.0) == pytest.approx(1e-9 / 1e-8)
    assert isinstance(gc.relative_error(a, b), float)
    assert R.relative_error is gc.relative_error and R.numerical_gradient is gc.numerical_gradient


def test_check_gradient_names_the_worst_entry():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 4))
    f, grad = quadratic(rng.standard_normal((12, 12)))
    good = gc.check_gradient(f, x, grad(x), name="quadratic")
    assert good.passed and bool(good) and good.method == "per-entry" and good.n_checked == 12
    bad = grad(x)
    bad[2, 1] += 0.5
    result = gc.check_gradient(f, x, bad, name="quadratic")
    assert not result.passed and not bool(result)
    assert result.worst_index == (2, 1)
    assert result.analytic_value == pytest.approx(bad[2, 1])
    assert result.numerical_value == pytest.approx(grad(x)[2, 1], rel=1e-7)
    text = str(result)
    assert "FAIL" in text and "(2, 1)" in text and "quadratic" in text


def test_check_gradient_reports_a_wrong_shape():
    result = gc.check_gradient(lambda v: float(np.sum(v)), np.ones((2, 3)), np.ones((3, 2)))
    assert not result.passed and "(3, 2)" in str(result) and "(2, 3)" in str(result)


def test_directional_check_passes_cheaply_for_a_right_gradient():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(50)
    f, grad = quadratic(rng.standard_normal((50, 50)))
    calls = []
    result = gc.check_directional(lambda v: (calls.append(1), f(v))[1], x, grad(x), n_directions=3)
    assert result.passed and result.method == "directional"
    assert len(calls) == 6  # two evaluations per direction, not two per entry


def test_directional_check_falls_back_and_names_the_worst_entry():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 5))
    before = x.copy()
    f, grad = quadratic(rng.standard_normal((20, 20)))
    bad = grad(x)
    bad[3, 2] *= -1.0
    bad[3, 2] += 1.0  # far from the true value whatever its sign
    result = gc.check_directional(f, x, bad, name="layer W")
    assert not result.passed
    assert result.method == "per-entry"  # fell back
    assert result.worst_index == (3, 2)
    assert any("fell back" in note for note in result.notes)
    np.testing.assert_array_equal(x, before)


def test_check_a_real_network_gradient_and_catch_a_classic_bug():
    """hidden_delta without the sigmoid derivative (a common mistake) is caught."""
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2))]
    biases = [rng.standard_normal(4), rng.standard_normal(2)]
    X, T = rng.standard_normal((5, 3)), rng.uniform(size=(5, 2))
    def loss(_):
        return R.mlp_loss_and_grads(X, T, weights, biases)[0]
    _, gW, _ = R.mlp_loss_and_grads(X, T, weights, biases)
    assert gc.check_directional(loss, weights[0], gW[0]).passed
    A1 = R.sigmoid(X @ weights[0] + biases[0])
    dZ2 = R.output_delta(R.sigmoid(A1 @ weights[1] + biases[1]), T) / 5
    forgot_derivative = X.T @ (dZ2 @ weights[1].T)
    assert not gc.check_directional(loss, weights[0], forgot_derivative).passed


@pytest.mark.parametrize("err, word", [(1e-9, "excellent"), (1e-6, "fine"), (1e-4, "suspicious"),
                                       (0.3, "wrong")])
def test_describe_error_bands(err, word):
    assert word in gc.describe_error(err)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="callable"):
        gc.numerical_gradient(3.0, np.ones(2))
    with pytest.raises(ValueError, match="eps"):
        gc.numerical_gradient(np.sum, np.ones(2), eps=0.0)


def test_agree_prints_the_verdict_not_the_digits(capsys):
    from bptutor.gradcheck import agree

    a = np.array([1.0, 2.0, 3.0])
    assert agree("same", a, a + 1e-12) is None
    agree("off", a, a * 1.001, tol=1e-6)
    assert capsys.readouterr().out.splitlines() == [
        "same: agree (relative error < 1e-08)",
        "off: DIFFER (relative error >= 1e-06)",
    ]
