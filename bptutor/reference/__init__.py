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
