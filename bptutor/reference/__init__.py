"""The maths the course teaches, as reference implementations.

Every contract function of COURSE.md is importable from here under its
contract name, e.g. ``from bptutor.reference import hidden_delta``.

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

* ``layers`` -- seed 004's building blocks: ``Dense``, ``Sigmoid``, ``Tanh``, ``ReLU``,
  ``SquaredError``, ``SoftmaxCrossEntropy``, ``Sequential`` (forward/backward/params/grads);
* ``per_neuron`` -- seed 000 equation by equation: ``forward_per_neuron``,
  ``backprop_per_neuron``, ``train_online_per_neuron``, ``energy_per_neuron``;
* ``mlp`` -- the matrix/batch network ``MLP`` (the fast path of the benchmark);
* ``sgd`` -- ``train`` in online / batch / minibatch mode, returning a ``History``;
* ``init`` -- seed 000's initialisation rule and its variants (``init_layer``, ``init_network``).
"""
from ..gradcheck import numerical_gradient, relative_error
from .activations import (relu, relu_prime_from_output, sigmoid, sigmoid_prime,
                          sigmoid_prime_from_output, tanh, tanh_prime_from_output)
from .backprop import backprop, hidden_delta, output_delta, weight_gradient
from .chain_rule import f, grad_f
from .losses import (binary_cross_entropy, cross_entropy, one_hot, softmax, softmax_backward,
                     softmax_cross_entropy, softmax_cross_entropy_backward, squared_error)
from .matrix import dense_backward, dense_forward, mlp_loss_and_grads, sigmoid_backward
from .training import train_mlp
from .init import (init_layer, init_network, scaled_normal, uniform_seed000, uniform_sqrt,
                   zeros)
from .layers import (Dense, Layer, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, SquaredError,
                     Tanh)
from .mlp import MLP
from .per_neuron import (backprop_per_neuron, energy_per_neuron, forward_per_neuron,
                         train_online_per_neuron)
from .sgd import History, train

#: the contract functions, in the order COURSE.md lists them
CONTRACT = (
    "grad_f", "numerical_gradient", "relative_error",
    "sigmoid", "sigmoid_prime_from_output", "tanh_prime_from_output", "output_delta",
    "weight_gradient",
    "hidden_delta", "backprop",
    "dense_forward", "dense_backward", "sigmoid_backward", "mlp_loss_and_grads",
    "softmax", "softmax_backward", "cross_entropy", "softmax_cross_entropy_backward",
    "train_mlp",
)
