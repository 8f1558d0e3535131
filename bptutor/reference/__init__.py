"""The maths the course teaches, as reference implementations.

Lessons import from here, and only from here (``tests/notebooks/test_public_api.py``
holds them to it): every name in ``__all__`` is public, everything else in
``bptutor.reference`` is an implementation detail that may move.

Every contract function of COURSE.md is importable under its contract name, e.g.
``from bptutor.reference import hidden_delta``.

=====================  ==========================================
assignment             functions
=====================  ==========================================
a1 chain rule          grad_f, numerical_gradient, relative_error
a2 one neuron          sigmoid, sigmoid_prime_from_output, tanh_prime_from_output,
                       output_delta, weight_gradient
a3 hidden layers       hidden_delta, backprop
a4 matrix form         dense_forward, dense_backward, sigmoid_backward, mlp_loss_and_grads
a5 softmax             softmax, softmax_backward, cross_entropy, softmax_cross_entropy_backward
a6 capstone            train_mlp
=====================  ==========================================

Beyond the contract, the pieces the lessons build on:

* ``forward(x, weights, biases)`` -- the forward pass of a sigmoid net, for one
  example ``(n_0,)`` or a batch ``(N, n_0)``: the activations ``[a(0), ..., o]``;
* ``MLP`` and ``train`` (with its ``History``) -- the matrix/batch network, written over
  the building blocks to be read, and gradient descent in online / batch / minibatch mode
  (its tuned twin, same interface and numbers to round-off, is ``bptutor.fast_mlp.FastMLP``);
* the activations and losses: ``sigmoid``, ``tanh``, ``relu`` and their derivatives,
  ``squared_error``, ``softmax``, ``cross_entropy``, ``one_hot`` ...;
* submodules used as namespaces:
  ``init`` -- the per-neuron article's initialisation rule and its variants (``init_layer``, ``init_network``);
  ``per_neuron`` -- the per-neuron article equation by equation (``forward_per_neuron``, ``backprop_per_neuron``,
  ``train_online_per_neuron``, ``energy_per_neuron``);
  ``layers`` -- the handbook chapter's building blocks (``Dense``, ``Sigmoid``, ``Sequential`` ...);
  ``autograd`` -- a scalar reverse-mode engine (``Value``).
"""
from ..assignments import ASSIGNMENTS as _ASSIGNMENTS
from ..gradcheck import numerical_gradient, relative_error
from . import autograd, init, layers, per_neuron
from .activations import (
    relu,
    relu_prime_from_output,
    sigmoid,
    sigmoid_prime,
    sigmoid_prime_from_output,
    tanh,
    tanh_prime_from_output,
)
from .autograd import Value
from .backprop import backprop, forward, hidden_delta, output_delta, weight_gradient
from .chain_rule import f, grad_f
from .init import init_layer, init_network, scaled_normal, uniform_seed000, uniform_sqrt, zeros
from .layers import Dense, Layer, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, SquaredError, Tanh
from .losses import (
    binary_cross_entropy,
    cross_entropy,
    one_hot,
    softmax,
    softmax_backward,
    softmax_cross_entropy,
    softmax_cross_entropy_backward,
    squared_error,
)
from .matrix import dense_backward, dense_forward, mlp_loss_and_grads, sigmoid_backward
from .mlp import MLP
from .per_neuron import backprop_per_neuron, energy_per_neuron, forward_per_neuron, train_online_per_neuron
from .sgd import History, train
from .training import train_mlp

#: the contract: what the course's assignments grade (a function, or a class whose methods are
#: questions), in course order -- derived from the registry, never written again
CONTRACT = tuple(dict.fromkeys(q.target for a in _ASSIGNMENTS.values() if a.answers.startswith("bptutor.")
                               for q in a.questions))

__all__ = [
    "CONTRACT", *CONTRACT,
    # networks, forward pass and training
    "forward", "MLP", "train", "History",
    # activations and losses beyond the contract
    "f", "sigmoid_prime", "tanh", "relu", "relu_prime_from_output",
    "squared_error", "binary_cross_entropy", "softmax_cross_entropy", "one_hot",
    # initialisation
    "init_network", "init_layer", "uniform_seed000", "uniform_sqrt", "scaled_normal", "zeros",
    # the handbook chapter's building blocks
    "Layer", "Dense", "Sigmoid", "Tanh", "ReLU", "SquaredError", "SoftmaxCrossEntropy", "Sequential",
    # the per-neuron article neuron by neuron
    "forward_per_neuron", "backprop_per_neuron", "energy_per_neuron", "train_online_per_neuron",
    # submodules lessons use as namespaces
    "init", "per_neuron", "layers", "autograd",
]
