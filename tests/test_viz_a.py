"""Tests of the pictures behind lessons 00-03: they run headless, return figures or widgets,
compute the numbers they draw correctly, and the widgets redraw when a slider moves."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bptutor import gradcheck, reference  # noqa: E402
from bptutor.viz import gradcheck_plots, graphs, network, surfaces  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- graphs (lesson 00)

@pytest.mark.parametrize("x, y", [(1.0, 2.0), (-1.5, 0.3), (0.0, 0.0), (2.7, -3.0)])
def test_graph_backward_pass_matches_reference_and_numerical_gradient(x, y):
    values = graphs.forward_values(x, y)
    assert values["f"] == pytest.approx(reference.f(x, y))
    grads = graphs.backward_values(values)
    assert (grads["x"], grads["y"]) == pytest.approx(reference.grad_f(x, y))
    num = gradcheck.numerical_gradient(lambda v: reference.f(v[0], v[1]), np.array([x, y]))
    assert gradcheck.relative_error([grads["x"], grads["y"]], num) < 1e-8


def test_sum_over_paths_equals_backward_pass():
    values = graphs.forward_values(0.7, -1.2)
    grads = graphs.backward_values(values)
    for start in ("x", "y"):
        paths = graphs.paths_to_output(values, start)
        assert all(p[0] == start and p[-1] == "f" for p, _ in paths)
        assert sum(prod for _, prod in paths) == pytest.approx(grads[start])
    assert len(graphs.paths_to_output(values, "x")) == 3  # via p, q and s -> r
    assert len(graphs.paths_to_output(values, "y")) == 2
    with pytest.raises(ValueError, match="start must be one of"):
        graphs.paths_to_output(values, "z")


def test_draw_graph_returns_figure_with_values_written():
    fig = graphs.draw_graph(1.0, 2.0)
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"12", "10", "7"} <= texts  # f, df/dx, df/dy at (1, 2)


def test_graph_widget_redraws_when_slider_moves():
    w = graphs.graph_widget(x=1.0, y=2.0)
    assert w.last_drawn["values"]["f"] == pytest.approx(12.0)
    w.children[0].value = 2.0  # the x slider
    assert w.last_drawn["x"] == 2.0
    assert w.last_drawn["values"]["f"] == pytest.approx(reference.f(2.0, 2.0))
    assert w.last_drawn["grads"]["x"] == pytest.approx(reference.grad_f(2.0, 2.0)[0])


# ---------------------------------------------------------------- gradcheck_plots (lesson 01)

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _dsig(z):
    return _sig(z) * (1 - _sig(z))


def test_difference_quotients_have_taylor_orders():
    exact = _dsig(0.5)
    errs_f, errs_c = [], []
    for h in (1e-2, 1e-3):
        fwd, cen = gradcheck_plots.difference_quotients(_sig, 0.5, h)
        errs_f.append(abs(fwd - exact))
        errs_c.append(abs(cen - exact))
    # ten times smaller h: forward error ~10x smaller (O(h)), central ~100x (O(h^2))
    assert 7 < errs_f[0] / errs_f[1] < 13
    assert 70 < errs_c[0] / errs_c[1] < 130


def test_best_steps_in_float64_and_float32():
    hs, fwd, cen = gradcheck_plots.step_errors(_sig, _dsig, 0.5)
    h_fwd, _ = gradcheck_plots.best_step(hs, fwd)
    h_cen, e_cen = gradcheck_plots.best_step(hs, cen)
    assert 1e-10 <= h_fwd <= 1e-6
    assert 1e-7 <= h_cen <= 1e-3
    assert e_cen < 1e-10
    hs32, _, cen32 = gradcheck_plots.step_errors(_sig, _dsig, 0.5, dtype=np.float32)
    h32, e32 = gradcheck_plots.best_step(hs32, cen32)
    assert h32 > 100 * h_cen and e32 > 1e3 * e_cen  # float32: larger best step, far worse error


def test_step_errors_rejects_bad_steps():
    with pytest.raises(ValueError, match="positive steps"):
        gradcheck_plots.step_errors(_sig, _dsig, 0.5, hs=[1e-3, 0.0])


def test_plots_return_figures():
    assert isinstance(gradcheck_plots.plot_step_errors(_sig, _dsig, 0.5,
                                                       dtypes=(np.float64, np.float32)), Figure)
    assert isinstance(gradcheck_plots.plot_relative_errors({"ok": 1e-10, "bug": 0.5}), Figure)
    assert isinstance(gradcheck_plots.plot_secants(_sig, _dsig, 0.5, 0.3), Figure)
    with pytest.raises(ValueError, match="empty"):
        gradcheck_plots.plot_relative_errors({})


def test_step_widget_redraws_when_slider_moves():
    w = gradcheck_plots.step_widget(_sig, _dsig, 0.5, log10_h=-0.5)
    before = dict(w.last_drawn)
    w.children[0].value = -1.5
    assert w.last_drawn["h"] == pytest.approx(10 ** -1.5)
    assert w.last_drawn["forward"] != before["forward"]
    assert abs(w.last_drawn["central"] - _dsig(0.5)) < abs(before["central"] - _dsig(0.5))


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


# ---------------------------------------------------------------- network (lesson 03)

def _mazur():
    x = np.array([0.05, 0.10])
    t = np.array([0.01, 0.99])
    W1 = np.array([[0.15, 0.25], [0.20, 0.30]])
    W2 = np.array([[0.40, 0.50], [0.45, 0.55]])
    return x, t, [W1, W2], [np.array([0.35, 0.35]), np.array([0.60, 0.60])]


def test_trace_agrees_with_reference_backprop_and_numerical_gradients():
    x, t, weights, biases = _mazur()
    steps = network.trace_backprop(x, t, weights, biases, lr=0.5)
    gW, gb = reference.backprop(x, t, weights, biases)
    grad_steps = [s for s in steps if "dW" in s.values]
    assert [s.title.split(":")[0] for s in grad_steps] == ["Gradients of layer 2", "Gradients of layer 1"]
    np.testing.assert_allclose(grad_steps[0].values["dW"], gW[1], rtol=1e-12)
    np.testing.assert_allclose(grad_steps[1].values["dW"], gW[0], rtol=1e-12)

    def loss(W):
        o = reference.sigmoid(reference.sigmoid(x @ weights[0] + biases[0]) @ W + biases[1])
        return 0.5 * np.sum((t - o) ** 2)

    assert gradcheck.check_gradient(loss, weights[1].copy(), grad_steps[0].values["dW"]).passed
    new_W = steps[-1].values["weights"]
    np.testing.assert_allclose(new_W[1], weights[1] - 0.5 * gW[1])
    np.testing.assert_allclose(new_W[0], weights[0] - 0.5 * gW[0])
    np.testing.assert_allclose(steps[-1].values["biases"][1], biases[1] - 0.5 * gb[1])


def test_trace_order_and_highlights_for_a_deeper_net():
    rng = np.random.default_rng(0)
    sizes = [3, 4, 2, 1]
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    steps = network.trace_backprop(rng.normal(size=3), np.array([0.3]), weights, biases)
    # start + one per non-input unit + E + one delta per non-input unit + one per layer + update
    assert len(steps) == 1 + 7 + 1 + 7 + 3 + 1
    forward = [s for s in steps if s.title.startswith("Forward")]
    assert [s.nodes[0] for s in forward] == [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (3, 0)]
    backward = [s for s in steps if s.title.startswith("Backward")]
    assert [s.nodes[0] for s in backward] == [(3, 0), (2, 0), (2, 1), (1, 0), (1, 1), (1, 2), (1, 3)]
    assert set(backward[1].edges) == {(3, 0, 0)}  # unit (2, 0) feeds only the output
    fig = network.draw_step(sizes, steps, 5)
    assert isinstance(fig, Figure)
    with pytest.raises(ValueError, match="k must lie"):
        network.draw_step(sizes, steps, len(steps))


def test_trace_rejects_wrong_target_shape():
    x, t, weights, biases = _mazur()
    with pytest.raises(ValueError, match="t has shape"):
        network.trace_backprop(x, np.array([0.1, 0.2, 0.3]), weights, biases)


def test_draw_network_writes_given_text():
    fig = network.draw_network([2, 3, 1], node_text={(1, 2): "a=0.5"}, edge_text={(2, 0, 0): "w=1"})
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"a=0.5", "w=1"} <= texts
    with pytest.raises(ValueError, match="sizes"):
        network.node_positions([3])


def test_step_widget_redraws_when_slider_moves():
    x, t, weights, biases = _mazur()
    w = network.step_widget(x, t, weights, biases)
    assert w.last_drawn["k"] == 0
    w.slider.value = 5
    assert w.last_drawn["k"] == 5
    assert w.last_drawn["title"].startswith("Error")
