"""Tests of the lesson 04-06 pictures: they run headless, return figures or widgets,
and every widget redraws something different when a control moves."""
import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bptutor import reference  # noqa: E402
from bptutor.data import xor  # noqa: E402
from bptutor.viz import boundaries, live, softmax_plots, timing, training_plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _xor_like(w):
    """A 'network' whose boundary is the line x + y = w (output jumps across it)."""
    return lambda P: reference.sigmoid(10 * (P[:, 0] + P[:, 1] - w))


# --- live -------------------------------------------------------------------------------------

def test_live_figure_redraws_with_new_values():
    calls = []

    def draw(k):
        calls.append(k)
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        return fig

    slider = widgets.IntSlider(value=1, min=0, max=5)
    box = live.live_figure({"k": slider}, draw)
    assert calls == [1] and box.values == {"k": 1}
    first = box.figure
    slider.value = 3
    assert calls == [1, 3] and box.values == {"k": 3}
    assert box.figure is not first
    assert box.figure.axes[0].lines[0].get_ydata()[1] == 3


def test_live_figure_rejects_non_widgets():
    with pytest.raises(ValueError, match="not an ipywidgets value widget"):
        live.live_figure({"k": 3}, lambda k: plt.figure())
    with pytest.raises(ValueError, match="controls is empty"):
        live.live_figure({}, lambda: plt.figure())


# --- boundaries -------------------------------------------------------------------------------

def test_grid_outputs_shape_and_values():
    xx, yy, out = boundaries.grid_outputs(lambda P: P[:, 0] * 0 + P[:, 1], resolution=5)
    assert xx.shape == yy.shape == out.shape == (5, 5)
    np.testing.assert_allclose(out, yy)


def test_grid_outputs_rejects_wrong_output_count():
    with pytest.raises(ValueError, match="one output per point"):
        boundaries.grid_outputs(lambda P: np.zeros(3))


def test_plot_boundary_draws_contour_only_when_boundary_exists():
    X, T = xor()
    fig, ax = plt.subplots()
    boundaries.plot_boundary(ax, _xor_like(1.0), X, T)
    n_with = len(ax.collections)
    fig2, ax2 = plt.subplots()
    boundaries.plot_boundary(ax2, lambda P: np.full(len(P), 0.9), X, T)
    assert n_with == len(ax2.collections) + 1  # the 0.5 contour is missing when output > 0.5 everywhere


def test_plot_boundary_rejects_bad_inputs():
    X, T = xor()
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        boundaries.plot_boundary(ax, _xor_like(1.0), np.zeros((4, 3)), T)
    with pytest.raises(ValueError, match="T has 3 targets"):
        boundaries.plot_boundary(ax, _xor_like(1.0), X, T[:3])


def test_small_multiples_one_panel_per_snapshot():
    X, T = xor()
    fig = boundaries.boundary_small_multiples([(0, _xor_like(0.5)), (10, _xor_like(1.0)),
                                               (20, _xor_like(1.5))], X, T)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["epoch 0", "epoch 10", "epoch 20"]


def test_boundary_slider_changes_picture():
    X, T = xor()
    box = boundaries.boundary_slider([(0, _xor_like(0.5)), (10, _xor_like(1.5))], X, T,
                                     errors=np.linspace(1, 0.1, 10))
    slider = box.children[0].children[0]
    first = box.figure.axes[0].get_title()
    slider.value = 10
    assert box.values == {"epoch": 10}
    assert box.figure.axes[0].get_title() != first
    assert "epoch 10" in box.figure.axes[0].get_title()


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


# --- timing -----------------------------------------------------------------------------------

def test_best_time_orders_slow_and_fast():
    fast = timing.best_time(lambda: None, repeat=2, min_seconds=0.001)
    slow = timing.best_time(lambda: sum(range(20000)), repeat=2, min_seconds=0.001)
    assert 0 < fast < slow


def test_speedups_and_plot():
    times = {"loops": 1.0, "rows": 0.1, "matrix": 0.001}
    ups = timing.speedups(times)
    assert ups == pytest.approx({"loops": 1.0, "rows": 10.0, "matrix": 1000.0})
    ax = timing.plot_times(times)
    assert len(ax.patches) == 3
    assert "1,000x" in " ".join(t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="unit must be"):
        timing.plot_times(times, unit="h")


def test_time_forms_calls_each_form():
    seen = set()
    times = timing.time_forms({"a": lambda: seen.add("a"), "b": lambda: seen.add("b")}, repeat=1)
    assert seen == {"a", "b"} and set(times) == {"a", "b"}


# --- softmax ----------------------------------------------------------------------------------

def test_softmax_and_gradient_matches_reference():
    z = np.array([2.0, 1.0, -1.0])
    s, g = softmax_plots.softmax_and_gradient(z, 1, temperature=2.0)
    np.testing.assert_allclose(s, reference.softmax(z / 2.0))
    Y = np.array([[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(g, reference.softmax_cross_entropy_backward((z / 2.0)[None], Y)[0])
    with pytest.raises(ValueError, match="target must be a class index"):
        softmax_plots.softmax_and_gradient(z, 3)
    with pytest.raises(ValueError, match="temperature must be positive"):
        softmax_plots.softmax_and_gradient(z, 0, temperature=0)


def test_softmax_sliders_move_the_bars():
    box = softmax_plots.softmax_sliders(z0=(1.0, 0.0, -1.0), target=0)
    before = [p.get_height() for p in box.figure.axes[0].patches]
    controls = box.children[0].children
    controls[2].value = 5.0  # raise the last logit
    after = [p.get_height() for p in box.figure.axes[0].patches]
    assert after[2] > before[2] and after[0] < before[0]
    grads = [p.get_height() for p in box.figure.axes[1].patches]
    assert grads[0] < 0 < grads[2]  # the true class is pushed up, the wrong one down
    controls[3].value = 10.0  # a high temperature flattens the probabilities
    flat = [p.get_height() for p in box.figure.axes[0].patches]
    assert max(flat) - min(flat) < max(after) - min(after)


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
