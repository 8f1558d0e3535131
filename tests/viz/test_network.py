"""Tests of bptutor.viz.network: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest
from helpers.networks import random_network
from matplotlib.figure import Figure

from bptutor import gradcheck, reference
from bptutor.viz import network

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
    weights, biases = random_network(rng, sizes)
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


def test_units_are_counted_from_zero_like_the_arrays():
    labels = network.default_node_labels([2, 2, 2])
    assert labels[(0, 0)] == "$x_0$" and labels[(2, 1)] == "$o_1$" and labels[(1, 0)] == "$a^{(1)}_0$"
    x, t, weights, biases = _mazur()
    titles = [s.title for s in network.trace_backprop(x, t, weights, biases)]
    assert "Forward, layer 1, unit 0: weighted sum, then sigmoid" in titles
    assert any(t.startswith("Backward, output unit 1") for t in titles)
    assert not any("unit 2" in t for t in titles)
    details = [s.detail for s in network.trace_backprop(x, t, weights, biases)]
    assert any("W2[0,0]:" in d for d in details) and not any("W2[2," in d for d in details)
