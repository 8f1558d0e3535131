"""A corpus of realistic wrong implementations of the contract functions.

Each is written the way a student would write it (never by calling the mistake
models of ``bptutor.check.answers``) and is registered with the mistake id the
check should name, or ``None`` when the check is only expected to reject it
without naming a mistake (kept few, and counted in the report).

``WRONG``: a list of :class:`Wrong`. Used by ``tests/check/test_discrimination.py``
and ``benchmarks/check_discrimination.py``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Wrong:
    function: str  # contract function it pretends to implement
    label: str  # what is wrong, in words
    fn: object
    mistake: str | None  # the id the check should name; None: expected unnamed


WRONG: list[Wrong] = []


def wrong(function, mistake, label):
    def register(fn):
        WRONG.append(Wrong(function, label, fn, mistake))
        return fn
    return register


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# =========================================================================== a1
@wrong("grad_f", "sign", "differentiated -f")
def grad_f_sign(x, y):
    return -(2 * x + y + 2 * (x + y)), -(x + 2 * (x + y))


@wrong("grad_f", "missing-path", "forgot the xy path")
def grad_f_no_xy(x, y):
    dx = 2 * x + 2 * (x + y)
    dy = 2 * (x + y)
    return dx, dy


@wrong("grad_f", "factor-2", "d(x+y)^2 written as (x+y)")
def grad_f_chain_factor(x, y):
    s = x + y
    return 2 * x + y + s, x + s


@wrong("grad_f", "swapped-outputs", "returned (df/dy, df/dx)")
def grad_f_swapped(x, y):
    dfdx = 2 * x + y + 2 * (x + y)
    dfdy = x + 2 * (x + y)
    return dfdy, dfdx


@wrong("grad_f", "wrong-count", "returned only df/dx")
def grad_f_one(x, y):
    return (2 * x + y + 2 * (x + y),)


@wrong("numerical_gradient", "forward-difference", "forward difference, h = 1e-5")
def numgrad_forward(fun, x, eps=1e-5):
    x = x.copy()
    grad = np.zeros_like(x)
    fx = fun(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (fun(x) - fx) / eps
        x[i] = old
    return grad


@wrong("numerical_gradient", "forward-difference", "backward difference with h = 1e-4")
def numgrad_backward(fun, x, eps=1e-4):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    f0 = fun(x)
    for _ in it:
        i = it.multi_index
        xm = x.copy()
        xm[i] -= eps
        grad[i] = (f0 - fun(xm)) / eps
    return grad


@wrong("numerical_gradient", "step-too-large", "central difference with h = 1e-2")
def numgrad_big_step(fun, x, eps=1e-2):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = fun(x)
        x[i] = old - eps
        f_minus = fun(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@wrong("numerical_gradient", "factor-2", "divided by h instead of 2h")
def numgrad_one_h(fun, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (fun(xp) - fun(xm)) / eps
    return grad


@wrong("numerical_gradient", "mutated-input", "x[i] += h never undone")
def numgrad_no_restore(fun, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = fun(x)
        x[i] -= 2 * eps
        f_minus = fun(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@wrong("numerical_gradient", "wrong-shape", "flat gradient for any shape")
def numgrad_flat(fun, x, eps=1e-5):
    flat = x.ravel().copy()
    grad = []
    for i in range(flat.size):
        p, m = flat.copy(), flat.copy()
        p[i] += eps
        m[i] -= eps
        grad.append((fun(p.reshape(x.shape)) - fun(m.reshape(x.shape))) / (2 * eps))
    return np.array(grad)


@wrong("relative_error", "relerr-no-floor", "no 1e-8 floor")
def relerr_no_floor(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


@wrong("relative_error", "relerr-no-max", "mean instead of max")
def relerr_mean(a, b):
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


@wrong("relative_error", "relerr-no-max", "ratio of the maxima (norm-wise)")
def relerr_ratio_of_max(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-8)


@wrong("relative_error", "relerr-denominator", "max(|a|, |b|) in the denominator")
def relerr_max_denominator(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)))


@wrong("relative_error", "relerr-no-max", "returned the elementwise array")
def relerr_array(a, b):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)


# =========================================================================== a2
@wrong("sigmoid", "overflow", "textbook formula: exp overflows for z = -1000")
def sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


@wrong("sigmoid", "overflow", "np.where evaluates both branches")
def sigmoid_where(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


@wrong("sigmoid", "sign", "exp(z) instead of exp(-z)")
def sigmoid_sign(z):
    return np.exp(-np.logaddexp(0, z))


@wrong("sigmoid", "scalar-math", "math.exp only takes numbers")
def sigmoid_math(z):
    return 1 / (1 + math.exp(-z))


@wrong("sigmoid_prime_from_output", "derivative-of-preactivation", "sigmoid applied to the output again")
def sigprime_again(a):
    s = 1 / (1 + np.exp(-a))
    return s * (1 - s)


@wrong("sigmoid_prime_from_output", "wrong-activation", "tanh's derivative")
def sigprime_tanh(a):
    return 1 - a ** 2


@wrong("sigmoid_prime_from_output", "sign", "a (a - 1)")
def sigprime_sign(a):
    return a * (a - 1)


@wrong("tanh_prime_from_output", "derivative-of-preactivation", "tanh applied to the output again")
def tanhprime_again(a):
    return 1 - np.tanh(a) ** 2


@wrong("tanh_prime_from_output", "wrong-activation", "the sigmoid's derivative")
def tanhprime_sigmoid(a):
    return a * (1 - a)


@wrong("tanh_prime_from_output", "mutated-input", "squares a in place")
def tanhprime_inplace(a):
    a **= 2
    return 1 - a


@wrong("output_delta", "sign", "the per-neuron article's delta = e f'(s)")
def output_delta_seed_sign(o, t):
    e = t - o
    return e * o * (1 - o)


@wrong("output_delta", "missing-derivative", "forgot the sigmoid derivative")
def output_delta_no_deriv(o, t):
    return o - t


@wrong("output_delta", "derivative-of-preactivation", "sigmoid'(o) instead of o(1 - o)")
def output_delta_preact(o, t):
    s = _sigmoid(o)
    return (o - t) * s * (1 - s)


@wrong("output_delta", "factor-2", "derivative of (t - o)^2 without the 1/2")
def output_delta_two(o, t):
    return 2 * (o - t) * o * (1 - o)


@wrong("output_delta", "extra-1/N", "averaged over the batch")
def output_delta_mean(o, t):
    return (o - t) * o * (1 - o) / len(o)


@wrong("weight_gradient", "transpose", "outer(delta, a_prev)")
def weight_gradient_transposed(a_prev, delta):
    return np.outer(delta, a_prev)


@wrong("weight_gradient", "broadcast", "elementwise product instead of outer")
def weight_gradient_elementwise(a_prev, delta):
    return a_prev * delta


@wrong("weight_gradient", "sign", "the per-neuron article's update direction")
def weight_gradient_sign(a_prev, delta):
    return -np.outer(a_prev, delta)


@wrong("weight_gradient", "transpose", "np.dot of two vectors")
def weight_gradient_dot(a_prev, delta):
    return a_prev[:, None].T @ delta[:, None]


# =========================================================================== a3
@wrong("hidden_delta", "sign", "the per-neuron article's sign convention")
def hidden_delta_sign(delta_next, W_next, a):
    return -(delta_next @ W_next.T) * a * (1 - a)


@wrong("hidden_delta", "transpose", "W_next without transpose")
def hidden_delta_no_T(delta_next, W_next, a):
    return (delta_next @ W_next) * a * (1 - a)


@wrong("hidden_delta", "missing-derivative", "forgot f'")
def hidden_delta_no_deriv(delta_next, W_next, a):
    return delta_next @ W_next.T


@wrong("hidden_delta", "derivative-of-preactivation", "sigmoid'(a)")
def hidden_delta_preact(delta_next, W_next, a):
    s = _sigmoid(a)
    return (delta_next @ W_next.T) * s * (1 - s)


@wrong("hidden_delta", "transpose", "W_next @ delta_next: fine for one example, not for a batch")
def hidden_delta_column(delta_next, W_next, a):
    return (W_next @ delta_next) * a * (1 - a)


def _forward(x, weights, biases):
    acts = [x]
    for W, b in zip(weights, biases):
        acts.append(_sigmoid(acts[-1] @ W + b))
    return acts


@wrong("backprop", "sign", "delta = (t - o) f'")
def backprop_sign(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (t - acts[-1]) * acts[-1] * (1 - acts[-1])
    gW, gb = [], []
    for l in reversed(range(len(weights))):
        gW.insert(0, np.outer(acts[l], delta))
        gb.insert(0, delta)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return gW, gb


@wrong("backprop", "layer-order", "appends while going backwards")
def backprop_reversed(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (acts[-1] - t) * acts[-1] * (1 - acts[-1])
    gW, gb = [], []
    for l in range(len(weights) - 1, -1, -1):
        gW.append(np.outer(acts[l], delta))
        gb.append(delta)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return gW, gb


@wrong("backprop", "missing-derivative", "no sigmoid derivative in the hidden layers")
def backprop_hidden_no_deriv(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (acts[-1] - t) * acts[-1] * (1 - acts[-1])
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gW[l] = np.outer(acts[l], delta)
        gb[l] = delta
        delta = delta @ weights[l].T
    return gW, gb


@wrong("backprop", "transpose", "outer(delta, a)")
def backprop_transposed(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (acts[-1] - t) * acts[-1] * (1 - acts[-1])
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gW[l] = np.outer(delta, acts[l])
        gb[l] = delta
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return gW, gb


@wrong("backprop", "wrong-count", "returns only grads_W")
def backprop_only_W(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (acts[-1] - t) * acts[-1] * (1 - acts[-1])
    gW = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gW[l] = np.outer(acts[l], delta)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return gW


@wrong("backprop", "wrong-type", "returns a dict")
def backprop_dict(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (acts[-1] - t) * acts[-1] * (1 - acts[-1])
    out = {}
    for l in range(len(weights) - 1, -1, -1):
        out[f"W{l}"] = np.outer(acts[l], delta)
        out[f"b{l}"] = delta
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return out


# =========================================================================== a4
@wrong("dense_forward", "missing-bias", "forgot b")
def dense_forward_no_bias(X, W, b):
    return X @ W


@wrong("dense_forward", "transpose", "column convention W x + b")
def dense_forward_columns(X, W, b):
    return W.T @ X.T + b[:, None]


@wrong("dense_forward", "wrong-type", "returns nested Python lists")
def dense_forward_tolist(X, W, b):
    return (X @ W + b).tolist()


@wrong("dense_backward", "transpose", "dX = dZ @ W")
def dense_backward_no_T(dZ, X, W):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


@wrong("dense_backward", "transpose", "dW = dZ.T @ X")
def dense_backward_dW_T(dZ, X, W):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


@wrong("dense_backward", "wrong-axis", "db summed over columns")
def dense_backward_db_axis(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, np.sum(dZ, axis=1)


@wrong("dense_backward", "extra-1/N", "db as a mean")
def dense_backward_db_mean(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


@wrong("dense_backward", "wrong-order", "returns (dW, dX, db)")
def dense_backward_order(dZ, X, W):
    dX = dZ @ W.T
    dW = X.T @ dZ
    return dW, dX, dZ.sum(axis=0)


@wrong("sigmoid_backward", "missing-upstream", "forgot dA")
def sigmoid_backward_no_upstream(dA, A):
    return A * (1 - A)


@wrong("sigmoid_backward", "derivative-of-preactivation", "sigmoid'(A)")
def sigmoid_backward_preact(dA, A):
    s = _sigmoid(A)
    return dA * s * (1 - s)


@wrong("sigmoid_backward", "mutated-input", "dA *= ... in place")
def sigmoid_backward_inplace(dA, A):
    dA *= A * (1 - A)
    return dA


@wrong("sigmoid_backward", "derivative-twice", "derivative applied twice")
def sigmoid_backward_twice(dA, A):
    local = A * (1 - A)
    return dA * local * local


def _mlp(X, T, weights, biases, lam, *, grad_mean=True, reg_bias=False, lam_n=True, half=True):
    N = X.shape[0]
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(_sigmoid(acts[-1] @ W + b))
    O = acts[-1]
    r = lam / N if lam_n else lam
    loss = (0.5 if half else 1.0) * np.sum((T - O) ** 2) / N + r / 2 * sum(np.sum(W ** 2) for W in weights)
    if reg_bias:
        loss += r / 2 * sum(np.sum(b ** 2) for b in biases)
    dA = (O - T) / N if grad_mean else (O - T)
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        dZ = dA * acts[l + 1] * (1 - acts[l + 1])
        gW[l] = acts[l].T @ dZ + r * weights[l]
        gb[l] = dZ.sum(axis=0) + (r * biases[l] if reg_bias else 0)
        dA = dZ @ weights[l].T
    return loss, gW, gb


@wrong("mlp_loss_and_grads", "missing-1/N", "gradients not divided by N")
def mlp_no_mean(X, T, weights, biases, lam=0.0):
    return _mlp(X, T, weights, biases, lam, grad_mean=False)


@wrong("mlp_loss_and_grads", "regularised-biases", "lam applied to the biases too")
def mlp_reg_bias(X, T, weights, biases, lam=0.0):
    return _mlp(X, T, weights, biases, lam, reg_bias=True)


@wrong("mlp_loss_and_grads", "lambda-not-divided-by-N", "lam instead of lam/N")
def mlp_lam(X, T, weights, biases, lam=0.0):
    return _mlp(X, T, weights, biases, lam, lam_n=False)


@wrong("mlp_loss_and_grads", "factor-2", "loss without the 1/2")
def mlp_no_half(X, T, weights, biases, lam=0.0):
    return _mlp(X, T, weights, biases, lam, half=False)


@wrong("mlp_loss_and_grads", "missing-regularisation", "lam in the loss, forgotten in the gradients")
def mlp_reg_loss_only(X, T, weights, biases, lam=0.0):
    loss, gW, gb = _mlp(X, T, weights, biases, 0.0)
    N = X.shape[0]
    return loss + lam / (2 * N) * sum(np.sum(W ** 2) for W in weights), gW, gb


@wrong("mlp_loss_and_grads", "wrong-count", "forgot to return the loss")
def mlp_no_loss(X, T, weights, biases, lam=0.0):
    _, gW, gb = _mlp(X, T, weights, biases, lam)
    return gW, gb


@wrong("mlp_loss_and_grads", "regularised-biases", "lam on the biases in the gradient only")
def mlp_reg_bias_grad_only(X, T, weights, biases, lam=0.0):
    loss, gW, gb = _mlp(X, T, weights, biases, lam)
    N = X.shape[0]
    return loss, gW, [g + lam / N * b for g, b in zip(gb, biases)]


# =========================================================================== a5
@wrong("softmax", "overflow", "no max subtraction")
def softmax_naive(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "wrong-axis", "normalised over columns")
def softmax_columns(Z):
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0)


@wrong("softmax", "wrong-axis", "normalised over the whole matrix")
def softmax_whole(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E)


@wrong("softmax", "mutated-input", "subtracts the max in place")
def softmax_inplace(Z):
    Z -= Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@wrong("softmax", "wrong-type", "returns np.matrix")
def softmax_matrix(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return np.asmatrix(E / E.sum(axis=1, keepdims=True))


@wrong("softmax_backward", "diagonal-jacobian", "only the diagonal of the Jacobian")
def softmax_backward_diag(S, dS):
    return S * (1 - S) * dS


@wrong("softmax_backward", "wrong-axis", "sum over rows")
def softmax_backward_axis0(S, dS):
    return S * (dS - np.sum(S * dS, axis=0, keepdims=True))


@wrong("softmax_backward", "broadcast", "sum without keepdims")
def softmax_backward_no_keepdims(S, dS):
    return S * (dS - np.sum(S * dS, axis=1))


@wrong("softmax_backward", "sign", "s s^T - diag(s)")
def softmax_backward_sign(S, dS):
    return S * (np.sum(S * dS, axis=1, keepdims=True) - dS)


@wrong("cross_entropy", "missing-1/N", "sum instead of mean")
def cross_entropy_sum(S, Y):
    return -np.sum(Y * np.log(S))


@wrong("cross_entropy", "sign", "forgot the minus")
def cross_entropy_sign(S, Y):
    return np.sum(Y * np.log(S)) / S.shape[0]


@wrong("cross_entropy", "mean-over-all-entries", "np.mean over N x C")
def cross_entropy_mean(S, Y):
    return -np.mean(Y * np.log(S))


@wrong("cross_entropy", "swapped-arguments", "log of the labels")
def cross_entropy_swapped(S, Y):
    return -np.sum(S * np.log(Y)) / len(S)


@wrong("cross_entropy", "wrong-shape", "per-example losses")
def cross_entropy_rows(S, Y):
    return -np.sum(Y * np.log(S), axis=1)


@wrong("softmax_cross_entropy_backward", "missing-1/N", "S - Y")
def sce_backward_no_mean(Z, Y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True) - Y


@wrong("softmax_cross_entropy_backward", "sign", "Y - S")
def sce_backward_sign(Z, Y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (Y - E / E.sum(axis=1, keepdims=True)) / len(Z)


@wrong("softmax_cross_entropy_backward", "overflow", "unstable softmax")
def sce_backward_naive(Z, Y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - Y) / Z.shape[0]


@wrong("softmax_cross_entropy_backward", "wrong-type", "a generator of rows")
def sce_backward_generator(Z, Y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    S = E / E.sum(axis=1, keepdims=True)
    return ((s - y) / len(Z) for s, y in zip(S, Y))


# =========================================================================== a6
@wrong("train_mlp", "constant-predictions", "predict returns the most common label")
def train_constant(X, y, seed=0):
    label = np.bincount(y).argmax()

    def predict(X_new):
        return np.full(len(X_new), label)
    return predict


@wrong("train_mlp", "wrong-type", "returns the weights instead of predict")
def train_returns_weights(X, y, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(X.shape[1], 10)), np.zeros(10)


@wrong("train_mlp", "wrong-shape", "predict returns class scores")
def train_scores(X, y, seed=0):
    W = np.linalg.lstsq(X, np.eye(10)[y], rcond=None)[0]

    def predict(X_new):
        return X_new @ W
    return predict


@wrong("train_mlp", "constant-predictions", "zero initialisation: every hidden unit stays the same")
def train_zero_init(X, y, seed=0):
    W1, b1 = np.zeros((X.shape[1], 16)), np.zeros(16)
    W2, b2 = np.zeros((16, 10)), np.zeros(10)
    Y = np.eye(10)[y]
    for _ in range(3):
        A1 = _sigmoid(X @ W1 + b1)
        E = np.exp(A1 @ W2 + b2)
        S = E / E.sum(axis=1, keepdims=True)
        dZ2 = (S - Y) / len(X)
        dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
        W2 -= 0.5 * A1.T @ dZ2
        b2 -= 0.5 * dZ2.sum(axis=0)
        W1 -= 0.5 * X.T @ dZ1
        b1 -= 0.5 * dZ1.sum(axis=0)

    def predict(X_new):
        return np.argmax(_sigmoid(X_new @ W1 + b1) @ W2 + b2, axis=1)
    return predict


@wrong("train_mlp", "low-accuracy", "shuffles X but not y before training")
def train_shuffled_inputs_only(X, y, seed=0):
    rng = np.random.default_rng(seed)
    X = X[rng.permutation(len(X))]
    W = np.linalg.lstsq(np.c_[X, np.ones(len(X))], np.eye(10)[y], rcond=None)[0]

    def predict(X_new):
        return np.argmax(np.c_[X_new, np.ones(len(X_new))] @ W, axis=1)
    return predict


# =========================================================================== two mistakes at once
# Real submissions often combine mistakes; the check must still reject them, but no
# single mistake explains the numbers, so none is expected to be named.
@wrong("output_delta", None, "sign flipped and sigmoid applied to the output again")
def output_delta_two_mistakes(o, t):
    s = _sigmoid(o)
    return (t - o) * s * (1 - s)


@wrong("backprop", None, "sign flipped and gradients in backward order")
def backprop_two_mistakes(x, t, weights, biases):
    acts = _forward(x, weights, biases)
    delta = (t - acts[-1]) * acts[-1] * (1 - acts[-1])
    gW, gb = [], []
    for l in range(len(weights) - 1, -1, -1):
        gW.append(np.outer(acts[l], delta))
        gb.append(delta)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return gW, gb


@wrong("mlp_loss_and_grads", None, "lam not divided by N and gradients not divided by N")
def mlp_two_mistakes(X, T, weights, biases, lam=0.0):
    return _mlp(X, T, weights, biases, lam, grad_mean=False, lam_n=False)


# =========================================================================== precision
@wrong("sigmoid_prime_from_output", "low-precision", "computed in float32")
def sigprime_float32(a):
    a = np.asarray(a, dtype=np.float32)
    return a * (1 - a)


@wrong("dense_forward", "low-precision", "weights cast to float32")
def dense_forward_float32(X, W, b):
    return X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32)
