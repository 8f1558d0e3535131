"""Tests of bptutor.viz.surfaces: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from bptutor import gradcheck
from bptutor.viz import surfaces

# ---------------------------------------------------------------- surfaces (lesson 02)

X2 = np.array([[1.0, 1.0], [1.0, 0.0]])
T2 = np.array([0.0, 1.0])


def test_linear_neuron_gradient_matches_numerical():
    w = np.array([-2.0, 2.5])
    analytic = surfaces.linear_neuron_gradient(w, X2, T2)
    result = gradcheck.check_gradient(lambda v: surfaces.linear_neuron_error(v, X2, T2), w, analytic)
    assert result.passed, str(result)


def test_error_on_a_grid_matches_pointwise():
    grid = np.array([[[0.0, 0.0], [1.0, -1.0]], [[2.0, 0.5], [-1.0, 3.0]]])
    E = surfaces.linear_neuron_error(grid, X2, T2)
    assert E.shape == (2, 2)
    for idx in np.ndindex(2, 2):
        w = grid[idx]
        assert E[idx] == pytest.approx(sum((T2[n] - X2[n] @ w) ** 2 for n in range(2)))
    assert surfaces.linear_neuron_error([1.0, -1.0], X2, T2) == 0.0  # the bottom of the bowl


def test_descent_path_goes_downhill_to_the_minimum():
    path = surfaces.descent_path(X2, T2, [-2.0, 2.5], lr=0.2, steps=60)
    assert path.shape == (61, 2)
    E = surfaces.linear_neuron_error(path, X2, T2)
    assert np.all(np.diff(E) <= 1e-12)
    assert np.allclose(path[-1], [1.0, -1.0], atol=1e-3)
    diverging = surfaces.descent_path(X2, T2, [-2.0, 2.5], lr=0.9, steps=10)
    assert surfaces.linear_neuron_error(diverging[-1], X2, T2) > surfaces.linear_neuron_error(
        diverging[0], X2, T2)


def test_surface_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        surfaces.linear_neuron_error([0.0, 0.0], np.ones((2, 3)), T2)
    with pytest.raises(ValueError, match="t must have shape"):
        surfaces.linear_neuron_error([0.0, 0.0], X2, np.ones(3))
    with pytest.raises(ValueError, match="kind"):
        surfaces.plot_error_surface(X2, T2, kind="heatmap")


def test_surface_plots_and_widget():
    assert isinstance(surfaces.plot_error_surface(X2, T2, w=[0.5, 0.5], kind="3d"), Figure)
    fig = surfaces.plot_error_surface(X2, T2, w=[0.5, 0.5],
                                      path=surfaces.descent_path(X2, T2, [0.5, 0.5], 0.1, 5))
    assert isinstance(fig, Figure)
    w = surfaces.surface_widget(X2, T2, w1=-2.0, w2=2.5, steps=0)
    E0 = w.last_drawn["E"]
    w.children[0].value = 1.0  # move w1
    assert w.last_drawn["E"] != E0
    w.children[3].value = 20  # take 20 steps
    assert w.last_drawn["E_end"] < w.last_drawn["E"]




def test_walk_legend_sits_beside_the_picture_not_over_the_walk():
    path = surfaces.descent_path(X2, T2, [-2.0, 2.5], 0.2, 15)
    fig = surfaces.plot_error_surface(X2, T2, w=[-2.0, 2.5], path=path)
    ax = fig.axes[0]
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 > ax.get_window_extent().x1  # right of the axes


def test_a_new_3d_figure_shows_the_contour_map_beside_it():
    fig = surfaces.plot_error_surface(X2[:1], T2[:1], w=[-2.0, 2.5], kind="3d")
    assert len(fig.axes) == 2 and fig.axes[0].name == "3d" and fig.axes[1].name == "rectilinear"
