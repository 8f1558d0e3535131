"""Tests of bptutor.viz.boundaries: headless figures and widgets, and the numbers they draw."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from bptutor import reference
from bptutor.data import xor
from bptutor.viz import boundaries


def _xor_like(w):
    """A 'network' whose boundary is the line x + y = w (output jumps across it)."""
    return lambda P: reference.sigmoid(10 * (P[:, 0] + P[:, 1] - w))


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




def test_full_width_option_draws_in_the_course_style_and_the_default_keeps_its_size():
    from bptutor.viz import style

    X, T = xor()
    snapshots = [(0, _xor_like(0.5)), (10, _xor_like(1.5))]
    compact = boundaries.boundary_small_multiples(snapshots, X, T)
    assert compact.get_size_inches() == pytest.approx((4.8, 2.5))  # lessons 04 and 08 rely on this size
    wide = boundaries.boundary_small_multiples(snapshots, X, T, full_width=True)
    assert wide.get_figwidth() == pytest.approx(style.WIDTH)
    assert [ax.get_title() for ax in wide.axes if ax.get_title()] == ["epoch 0", "epoch 10"]
    box = boundaries.boundary_slider(snapshots, X, T, errors=np.linspace(1, 0.1, 10), full_width=True)
    assert box.figure.get_figwidth() == pytest.approx(style.WIDTH)
    box.children[0].children[0].value = 10
    assert "epoch 10" in box.figure.axes[0].get_title()
