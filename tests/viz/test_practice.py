"""Tests of bptutor.viz.practice: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest

from bptutor import data, gradcheck, reference
from bptutor.viz import practice


@pytest.fixture(scope="module")
def moons():
    X, y = data.moons(n=100, noise=0.1, seed=0)
    return X, y.astype(float)


# ---------------------------------------------------------------- practice: learning rate
def test_linear_neuron_gradient_matches_central_differences(moons):
    X, t = moons
    w = np.array([0.3, -1.2])
    numeric = gradcheck.numerical_gradient(lambda v: practice.linear_neuron_loss(v, X, t), w.copy())
    assert gradcheck.relative_error(practice.linear_neuron_gradient(w, X, t), numeric) < 1e-7


def test_critical_learning_rate_separates_convergence_from_divergence(moons):
    X, t = moons
    lr_star = practice.critical_learning_rate(X)
    w0 = np.array([-1.0, 2.0])
    _, below = practice.gradient_descent_path(X, t, w0, 0.98 * lr_star, steps=400)
    _, above = practice.gradient_descent_path(X, t, w0, 1.02 * lr_star, steps=400)
    w_star = np.linalg.lstsq(X, t, rcond=None)[0]
    assert below[-1] == pytest.approx(practice.linear_neuron_loss(w_star, X, t), rel=1e-3)
    assert above[-1] > 10 * above[0]  # grows geometrically above 2 / lambda_max


def test_gradient_descent_path_shapes_and_early_stop_on_overflow(moons):
    X, t = moons
    path, losses = practice.gradient_descent_path(X, t, [0.0, 0.0], 0.1, steps=5)
    assert path.shape == (6, 2) and losses.shape == (6,)
    path, losses = practice.gradient_descent_path(X, t, [0.0, 0.0], 50 * practice.critical_learning_rate(X), 500)
    assert len(losses) < 501 and np.all(np.isfinite(losses))


def test_learning_rate_widget_redraws_when_the_slider_moves(moons):
    X, t = moons
    box = practice.learning_rate_widget(X, t, np.array([-1.0, 2.0]), steps=10)
    slider = box.children[0].children[0]
    first = box.figure
    first_curve = first.axes[1].lines[0].get_ydata().copy()
    slider.value = slider.value * 3
    assert box.figure is not first
    assert box.values["lr"] == pytest.approx(slider.value)
    new_curve = box.figure.axes[1].lines[0].get_ydata()
    assert new_curve[0] == pytest.approx(first_curve[0])  # same start w0
    assert not np.allclose(new_curve[1:3], first_curve[1:3])  # a different step size


def test_plot_learning_rate_rejects_inputs_that_are_not_two_dimensional():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        practice.plot_learning_rate(np.ones((5, 3)), np.ones(5), np.zeros(3), [0.1])


# ---------------------------------------------------------------- practice: other plots
def test_hidden_activations_match_the_forward_pass_of_the_model(moons):
    X, t = moons
    model = reference.MLP([2, 5, 1], init="sqrt", seed=1)
    a = practice.hidden_activations(model, X)
    assert a.shape == (100, 5)
    expected = reference.sigmoid(X @ model.weights[0] + model.biases[0])
    assert np.allclose(a, expected)


def test_activation_histograms_report_the_saturated_fraction():
    fig = practice.plot_activation_histograms({"half": np.r_[np.zeros(5), np.full(5, 0.5)]})
    assert "50% saturated" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="empty"):
        practice.plot_activation_histograms({})


def test_loss_mode_stopping_and_restart_plots_draw_every_curve(moons):
    X, t = moons
    T = t[:, None]
    histories = {mode: reference.train(reference.MLP([2, 3, 1], init="sqrt", seed=0), X, T, mode=mode,
                                       lr=0.5, epochs=3, batch_size=10)
                 for mode in ("online", "minibatch", "batch")}
    fig = practice.plot_loss_curves(histories)
    assert len(fig.axes[0].lines) == 3
    fig = practice.plot_modes(histories, {"online": 100, "minibatch": 10, "batch": 1})
    assert len(fig.axes[1].lines) == 3
    assert fig.axes[1].lines[0].get_xdata()[-1] == 300  # 3 epochs x 100 online updates
    fig = practice.plot_stopping([0.3, 0.2, 0.1], [1.0, 0.1, 0.01], {"a": 2})
    assert len(fig.axes) == 2
    fig = practice.plot_restarts({"good": [0.2, 0.01], "bad": [0.2, 0.15]}, stuck_above=0.05)
    colors = [line.get_color() for line in fig.axes[0].lines[:2]]
    assert colors == ["tab:green", "tab:red"]
    assert fig.axes[0].get_title() == "1 of 2 solved; stuck: bad"




# ---------------------------------------------------------------- practice: depth and minima
def test_layer_gradient_norms_are_the_norms_of_the_model_gradients(moons):
    X, t = moons
    model = reference.MLP([2, 4, 3, 1], hidden="tanh", init="sqrt", seed=3)
    norms = practice.layer_gradient_norms(model, X, t[:, None])
    _, grads_W, _ = model.loss_and_grads(X, t[:, None])
    assert norms.shape == (3,)
    np.testing.assert_allclose(norms, [np.sqrt(np.sum(g ** 2)) for g in grads_W])
    # and the first layer's norm agrees with central differences through W(1)
    numeric = gradcheck.numerical_gradient(lambda _: model.loss_and_grads(X, t[:, None])[0], model.weights[0])
    assert np.linalg.norm(numeric) == pytest.approx(norms[0], rel=1e-6)


def test_plot_layer_gradients_draws_one_line_per_label_on_a_log_axis():
    fig = practice.plot_layer_gradients({"a": [1e-6, 1e-3, 1.0], "b": [1.0, 1.0, 1.0]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="empty"):
        practice.plot_layer_gradients({})


def test_plot_wide_and_narrow_marks_each_path_where_it_ends():
    w = np.linspace(-2, 2, 41)
    fig = practice.plot_wide_and_narrow(w, w ** 2, (w - 0.5) ** 2, paths={"descent": [1.0, 0.5, 0.0]})
    ax = fig.axes[0]
    end = ax.lines[-1]  # the star at the last iterate
    assert end.get_xdata()[0] == 0.0 and end.get_ydata()[0] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="one length"):
        practice.plot_wide_and_narrow(w, w[:-1], w)


def test_every_practice_figure_fills_the_course_width(moons):
    from bptutor.viz import style

    X, t = moons
    figures = [practice.plot_activation_histograms({"a": np.full(4, 0.5)}),
               practice.plot_learning_rate(X, t, np.zeros(2), [0.1], steps=3),
               practice.plot_loss_curves({"a": [1.0, 0.5]}),
               practice.plot_layer_gradients({"a": [1.0, 2.0]})]
    for fig in figures:
        assert fig.get_figwidth() == pytest.approx(style.WIDTH)
