"""Bad input: every reference function given a wrong shape raises ValueError that names the
argument, the shape it received and the shape it expected -- never a bare NumPy error."""
import numpy as np
import pytest

from bptutor import reference as R

r = np.random.default_rng(0)


def a(*shape):
    return r.standard_normal(shape)


W34, W45 = a(3, 4), a(4, 5)
NET = ([W34, W45], [a(4), a(5)])

# (id, call, argument named, shape received, shape expected as the message writes it)
CASES = [
    ("grad_f", lambda: R.grad_f(a(2), a(3)), "y", "(3,)", "(2,)"),
    ("relative_error", lambda: R.relative_error(a(2, 2), a(2, 3)), "b", "(2, 3)", "(2, 2)"),
    ("output_delta", lambda: R.output_delta(a(3), a(4)), "t", "(4,)", "(3,)"),
    ("weight_gradient", lambda: R.weight_gradient(a(3, 1), a(4)), "a_prev", "(3, 1)", "1-D"),
    ("hidden_delta/W_next", lambda: R.hidden_delta(a(5), a(4, 6), a(4)), "delta_next", "(5,)", "(6,)"),
    ("hidden_delta/a", lambda: R.hidden_delta(a(5), W45, a(3)), "a", "(3,)", "(4,)"),
    ("hidden_delta/batch", lambda: R.hidden_delta(a(2, 5), W45, a(3, 4)), "a", "(3, 4)", "(2, 4)"),
    ("backprop/x", lambda: R.backprop(a(2), a(5), *NET), "weights[0]", "(3, 4)", "(2, any)"),
    ("backprop/t", lambda: R.backprop(a(3), a(4), *NET), "t", "(4,)", "(5,)"),
    ("backprop/bias", lambda: R.backprop(a(3), a(5), NET[0], [a(4), a(4)]), "biases[1]", "(4,)", "(5,)"),
    ("backprop/chain", lambda: R.backprop(a(3), a(5), [W34, a(3, 5)], NET[1]), "weights[1]", "(3, 5)",
     "(4, any)"),
    ("dense_forward/W", lambda: R.dense_forward(a(2, 3), a(4, 5), a(5)), "W", "(4, 5)", "(3, any)"),
    ("dense_forward/b", lambda: R.dense_forward(a(2, 3), W34, a(5)), "b", "(5,)", "(4,)"),
    ("dense_backward/dZ", lambda: R.dense_backward(a(3, 4), a(2, 3), W34), "dZ", "(3, 4)", "(2, any)"),
    ("dense_backward/W", lambda: R.dense_backward(a(2, 5), a(2, 3), W34), "W", "(3, 4)", "(3, 5)"),
    ("sigmoid_backward", lambda: R.sigmoid_backward(a(2, 3), a(3, 2)), "A", "(3, 2)", "(2, 3)"),
    ("mlp_loss_and_grads/T", lambda: R.mlp_loss_and_grads(a(2, 3), a(2, 4), *NET), "T", "(2, 4)", "(2, 5)"),
    ("mlp_loss_and_grads/X", lambda: R.mlp_loss_and_grads(a(2, 4), a(2, 5), *NET), "weights[0]", "(3, 4)",
     "(4, any)"),
    ("softmax", lambda: R.softmax(a(2, 3, 4)), "Z", "(2, 3, 4)", "1-D or 2-D"),
    ("softmax_backward", lambda: R.softmax_backward(a(2, 3), a(2, 4)), "dS", "(2, 4)", "(2, 3)"),
    ("cross_entropy", lambda: R.cross_entropy(a(2, 3), a(3, 3)), "Y", "(3, 3)", "(2, 3)"),
    ("softmax_cross_entropy_backward", lambda: R.softmax_cross_entropy_backward(a(2, 3), a(2, 4)),
     "Y", "(2, 4)", "(2, 3)"),
    ("train_mlp", lambda: R.train_mlp(a(5, 3), np.zeros(4, dtype=int)), "y", "(4,)", "(5,)"),
    # the other reference modules
    ("squared_error", lambda: R.squared_error(a(3), a(2)), "t", "(2,)", "(3,)"),
    ("backprop_per_neuron", lambda: R.backprop_per_neuron(a(3), a(4), *NET), "t", "(4,)", "(5,)"),
    ("forward_per_neuron", lambda: R.forward_per_neuron(a(4), *NET), "weights[0]", "(3, 4)", "(4, any)"),
    ("train_online_per_neuron", lambda: R.train_online_per_neuron(a(2, 3), a(3, 5), *NET, lr=0.1, epochs=1),
     "T", "(3, 5)", "(2, 5)"),
    ("MLP.loss_and_grads/X", lambda: R.MLP([3, 4, 5]).loss_and_grads(a(2, 4), a(2, 5)), "X", "(2, 4)",
     "(any, 3)"),
    ("MLP.loss_and_grads/T", lambda: R.MLP([3, 4, 5]).loss_and_grads(a(2, 3), a(2, 4)), "T", "(2, 4)",
     "(2, 5)"),
    ("MLP.forward", lambda: R.MLP([3, 4, 5]).forward(a(2, 2)), "X", "(2, 2)", "(any, 3)"),
    ("train", lambda: R.train(R.MLP([3, 1]), a(4, 3), a(5, 1)), "T", "(5, 1)", "(4, 1)"),
    ("Dense.forward", lambda: R.Dense(3, 4).forward(a(2, 5)), "X", "(2, 5)", "(2, 3)"),
    ("Dense(W=...)", lambda: R.Dense(3, 4, W=a(4, 3), b=a(4)), "W", "(4, 3)", "(3, 4)"),
    ("SquaredError.forward", lambda: R.SquaredError().forward(a(2, 3), a(2, 2)), "T", "(2, 2)", "(2, 3)"),
    ("SoftmaxCrossEntropy.forward", lambda: R.SoftmaxCrossEntropy().forward(a(2, 3), a(2, 4)),
     "Y", "(2, 4)", "(2, 3)"),
]


@pytest.mark.parametrize("call, arg, got, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_shape_names_argument_and_both_shapes(call, arg, got, expected):
    with pytest.raises(ValueError) as info:
        call()
    msg = str(info.value)
    assert arg in msg, f"the message should name {arg!r}: {msg}"
    assert got in msg, f"the message should give the shape received {got}: {msg}"
    assert expected in msg, f"the message should give the shape expected {expected}: {msg}"


def test_the_contract_is_the_registry_and_every_piece_is_exported_with_its_parameters():
    import inspect

    from bptutor.assignments import ASSIGNMENTS, BUILT_IN
    built_in = [a for a in ASSIGNMENTS.values() if a.answers.rsplit(".", 1)[-1] in BUILT_IN]
    assert list(R.CONTRACT) == list(dict.fromkeys(q.target for a in built_in for q in a.questions))
    for a in built_in:
        for q in a.questions:
            found = getattr(R, q.target)
            assert callable(found), q.target
            if q.runner is None:  # a function: the reference accepts the stub's parameters
                inspect.signature(found).bind(*q.params)
            else:  # a class: the graded method exists
                assert callable(getattr(found, q.id.rpartition(".")[2])), q.id


def test_sequential_backward_before_forward_is_explained():
    with pytest.raises(ValueError, match="before forward"):
        R.Sequential(R.Dense(2, 2), R.Sigmoid()).backward(np.ones((1, 2)))


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="sigmoid"):
        R.MLP([2, 2], hidden="swish")
    with pytest.raises(ValueError, match="seed000"):
        R.MLP([2, 2], init="he")
    with pytest.raises(ValueError, match="minibatch"):
        R.train(R.MLP([2, 1]), np.zeros((2, 2)), np.zeros((2, 1)), mode="stochastic")
    with pytest.raises(ValueError, match="tanh"):
        R.forward_per_neuron(np.zeros(2), [np.zeros((2, 1))], [np.zeros(1)], activation="softplus")


def test_labels_out_of_range_are_reported():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        R.MLP([2, 4, 3], output="softmax").loss_and_grads(np.zeros((2, 2)), np.array([0, 3]))
