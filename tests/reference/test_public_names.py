"""The public names of ``bptutor.reference``: ``__all__``, ``forward`` and what moved."""
import importlib
import types

import numpy as np
import pytest
from helpers.networks import random_network

from bptutor import reference as R
from bptutor.reference import init, matrix, shapes

# the attribute reference.backprop is the a3 contract function; the module is reached by its path
backprop_module = importlib.import_module("bptutor.reference.backprop")


def test_all_lists_exactly_names_that_exist_and_every_contract_function():
    assert len(R.__all__) == len(set(R.__all__))
    missing = [name for name in R.__all__ if not hasattr(R, name)]
    assert not missing, f"reference.__all__ names {missing}, which reference does not define"
    assert not [name for name in R.__all__ if name.startswith("_")]
    assert set(R.CONTRACT) <= set(R.__all__)
    for name in ("forward", "train", "MLP", "History", "one_hot", "init_network",
                 "dense_forward", "dense_backward", "sigmoid_backward"):
        assert name in R.__all__


@pytest.mark.parametrize("name", ["init", "per_neuron", "layers", "autograd"])
def test_namespace_submodules_are_public_and_say_what_they_export(name):
    module = getattr(R, name)
    assert isinstance(module, types.ModuleType) and name in R.__all__
    assert module.__all__ and all(hasattr(module, n) and not n.startswith("_") for n in module.__all__)


def test_forward_takes_one_example_or_a_batch():
    rng = np.random.default_rng(0)
    weights, biases = random_network(rng, [3, 4, 2])
    X = rng.standard_normal((5, 3))
    batch = R.forward(X, weights, biases)
    assert [a.shape for a in batch] == [(5, 3), (5, 4), (5, 2)]
    for n in range(5):
        one = R.forward(X[n], weights, biases)
        assert [a.shape for a in one] == [(3,), (4,), (2,)]
        for a_one, a_batch in zip(one, batch):  # a vector product vs a matrix product: round-off only
            np.testing.assert_allclose(a_one, a_batch[n], rtol=1e-14, atol=0)
    expected = R.sigmoid(R.sigmoid(X @ weights[0] + biases[0]) @ weights[1] + biases[1])
    np.testing.assert_allclose(batch[-1], expected, rtol=1e-14, atol=0)


def test_forward_names_the_layer_that_does_not_fit():
    weights, biases = [np.zeros((3, 4)), np.zeros((5, 2))], [np.zeros(4), np.zeros(2)]
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(5, 2\)"):
        R.forward(np.zeros(3), weights, biases)
    with pytest.raises(ValueError, match="x must be 1-D or 2-D"):
        R.forward(np.zeros((1, 1, 3)), weights, biases)


def test_the_deprecated_aliases_are_gone():
    assert not hasattr(matrix, "mlp_forward")
    assert "check_network" not in backprop_module.__all__
    assert backprop_module.forward is R.forward


def test_check_network_one_example_batch_or_either():
    weights, biases = [np.zeros((3, 2))], [np.zeros(2)]
    assert shapes.check_network(np.zeros(3), weights, biases)[0].shape == (3,)
    assert shapes.check_network(np.zeros((2, 3)), weights, biases, batch=True)[0].shape == (2, 3)
    with pytest.raises(ValueError, match="x must be 1-D"):
        shapes.check_network(np.zeros((2, 3)), weights, biases)
    for x in (np.zeros(3), np.zeros((2, 3))):
        shapes.check_network(x, weights, biases, batch=None)
    with pytest.raises(ValueError, match="one bias per layer"):
        shapes.check_network(np.zeros(3), weights, biases + biases)


def test_as_rng():
    g = np.random.default_rng(5)
    assert init.as_rng(g) is g
    assert init.as_rng(3).random() == np.random.default_rng(3).random()
    assert init.as_rng().random() == np.random.default_rng(0).random()
    with pytest.raises(ValueError, match="Generator, an integer seed or None"):
        init.as_rng("seven")
