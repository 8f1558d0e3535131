"""Tests of bptutor.viz.training_plots: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest

from bptutor import reference
from bptutor.viz import training_plots

# --- training plots ---------------------------------------------------------------------------

def test_error_curve_plots_every_epoch():
    ax = training_plots.plot_error_curve([0.3, 0.2, 0.1], marks=[2])
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.3, 0.2, 0.1])
    with pytest.raises(ValueError, match="errors is empty"):
        training_plots.plot_error_curve([])


def _small_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    T = (X[:, :1] > 0).astype(float)
    weights = [rng.standard_normal((3, 4)), rng.standard_normal((4, 1))]
    biases = [np.zeros(4), np.zeros(1)]
    return X, T, lambda Xb, Tb: reference.mlp_loss_and_grads(Xb, Tb, weights, biases)


def test_gradient_angles_zero_for_full_batch_and_shrink_with_batch_size():
    X, T, lg = _small_problem()
    full = training_plots.gradient_angles(lg, X, T, batch_size=64, n_draws=3)
    np.testing.assert_allclose(full, 0.0, atol=1e-5)  # the full batch is the full-batch gradient
    small = training_plots.gradient_angles(lg, X, T, batch_size=1, n_draws=30)
    mid = training_plots.gradient_angles(lg, X, T, batch_size=16, n_draws=30)
    assert np.median(small) > np.median(mid) > 0.0
    with pytest.raises(ValueError, match="batch_size must lie in"):
        training_plots.gradient_angles(lg, X, T, batch_size=65)


def test_batch_noise_slider_changes_histogram():
    X, T, lg = _small_problem()
    table = training_plots.noise_table(lg, X, T, [1, 8, 64], n_draws=10)
    box = training_plots.batch_noise_slider(table)
    heights_1 = [p.get_height() for p in box.figure.axes[0].patches]
    box.children[0].children[0].value = 64
    heights_64 = [p.get_height() for p in box.figure.axes[0].patches]
    assert heights_1 != heights_64
    assert heights_64[0] == 10  # every full-batch draw has angle ~0: all in the first bin

def test_batch_noise_slider_with_labelled_tables():
    X, T, lg = _small_problem()
    tables = {"a": training_plots.noise_table(lg, X, T, [1, 64], n_draws=5),
              "b": training_plots.noise_table(lg, X, T, [1, 64], n_draws=5, seed=1)}
    box = training_plots.batch_noise_slider(tables)
    assert box.values == {"B": 1}
    box.children[0].children[0].value = 64
    assert "B = 64" == box.figure.axes[0].get_title()
    with pytest.raises(ValueError, match="all tables need"):
        training_plots.batch_noise_slider({"a": tables["a"], "c": {1: np.zeros(3)}})


def test_noise_plot_fills_the_course_width_and_the_error_curve_keeps_its_size():
    from bptutor.viz import style

    X, T, lg = _small_problem()
    ax = training_plots.plot_gradient_noise(training_plots.noise_table(lg, X, T, [1, 64], n_draws=3))
    assert ax.figure.get_figwidth() == pytest.approx(style.WIDTH)
    assert training_plots.plot_error_curve([0.3, 0.2]).figure.get_size_inches() == pytest.approx((5.5, 3.2))
