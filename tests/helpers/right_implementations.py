"""Correct implementations written differently from the reference: loops per neuron (the per-neuron
article's style), accumulation per example (the Ng-notation guide's Delta), explicit Jacobians, einsum,
other step sizes.

A check must accept every one of them: rounding differences are not mistakes.
``RIGHT``: a list of ``(function name, label, fn)``.
"""
from __future__ import annotations

import numpy as np

RIGHT: list = []


def right(function, label):
    def register(fn):
        RIGHT.append((function, label, fn))
        return fn
    return register


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# a1 -------------------------------------------------------------------------
@right("grad_f", "expanded polynomial: f = 2x^2 + 3xy + y^2")
def grad_f_expanded(x, y):
    return 4 * x + 3 * y, 3 * x + 2 * y


@right("numerical_gradient", "np.nditer over a copy, h = 1e-6")
def numgrad_nditer(fun, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = fun(x)
        x[i] = old - eps
        fm = fun(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


@right("numerical_gradient", "flat view, h = 1e-4, restores the saved value")
def numgrad_flat(fun, x, eps=1e-4):
    grad = np.zeros(x.size)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = fun(x)
        flat[i] = old - eps
        fm = fun(x)
        flat[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad.reshape(x.shape)


@right("relative_error", "np.divide and a Python max")
def relerr_divide(a, b):
    num = np.abs(np.subtract(a, b))
    den = np.maximum(np.abs(a) + np.abs(b), 1e-8)
    return max(np.divide(num, den).ravel().tolist())


# a2 -------------------------------------------------------------------------
@right("sigmoid", "two branches with np.exp(-|z|)")
def sigmoid_branches(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@right("sigmoid", "via tanh")
def sigmoid_tanh(z):
    return _sigmoid(np.asarray(z, dtype=float))


@right("sigmoid_prime_from_output", "a - a^2")
def sigprime_expanded(a):
    return a - a ** 2


@right("tanh_prime_from_output", "(1 - a)(1 + a)")
def tanhprime_factored(a):
    return (1 - a) * (1 + a)


@right("output_delta", "the per-neuron article's delta with the sign turned round")
def output_delta_seed(o, t):
    e = t - o  # the per-neuron article, eq. (3)
    delta_seed = e * o * (1 - o)  # eq. (23): -dE/ds
    return -delta_seed


@right("weight_gradient", "broadcasting a column against a row")
def weight_gradient_broadcast(a_prev, delta):
    return a_prev[:, None] * delta[None, :]


@right("weight_gradient", "two loops")
def weight_gradient_loops(a_prev, delta):
    G = np.zeros((len(a_prev), len(delta)))
    for i in range(len(a_prev)):
        for j in range(len(delta)):
            G[i, j] = a_prev[i] * delta[j]  # the per-neuron article, eqs. (16)-(17)
    return G


# a3 -------------------------------------------------------------------------
@right("hidden_delta", "einsum")
def hidden_delta_einsum(delta_next, W_next, a):
    return np.einsum("...k,jk->...j", delta_next, W_next) * a * (1 - a)


@right("hidden_delta", "per neuron, the per-neuron article's eq. (34)")
def hidden_delta_loops(delta_next, W_next, a):
    one_example = np.ndim(a) == 1
    delta_next, a = np.atleast_2d(delta_next), np.atleast_2d(a)
    out = np.zeros_like(a)
    for n in range(a.shape[0]):
        for j in range(a.shape[1]):
            s = sum(delta_next[n, k] * W_next[j, k] for k in range(W_next.shape[1]))
            out[n, j] = a[n, j] * (1 - a[n, j]) * s
    return out[0] if one_example else out


@right("backprop", "per neuron with loops, the per-neuron article's steps 2-5")
def backprop_loops(x, t, weights, biases):
    acts = [np.asarray(x, dtype=float)]
    for W, b in zip(weights, biases):
        z = np.array([sum(acts[-1][i] * W[i, j] for i in range(W.shape[0])) + b[j] for j in range(W.shape[1])])
        acts.append(_sigmoid(z))
    L = len(weights)
    gW, gb = [None] * L, [None] * L
    o = acts[-1]
    delta = np.array([(o[k] - t[k]) * o[k] * (1 - o[k]) for k in range(len(o))])
    for l in range(L - 1, -1, -1):
        gW[l] = np.array([[acts[l][i] * delta[j] for j in range(len(delta))] for i in range(len(acts[l]))])
        gb[l] = delta.copy()
        if l:
            a = acts[l]
            delta = np.array([a[j] * (1 - a[j]) * sum(delta[k] * weights[l][j, k] for k in range(len(delta)))
                              for j in range(len(a))])
    return gW, gb


# a4 -------------------------------------------------------------------------
@right("dense_forward", "einsum")
def dense_forward_einsum(X, W, b):
    return np.einsum("ni,io->no", X, W) + b[None, :]


@right("dense_backward", "einsum and np.sum(keepdims) reshaped")
def dense_backward_einsum(dZ, X, W):
    return np.einsum("no,io->ni", dZ, W), np.einsum("ni,no->io", X, dZ), np.sum(dZ, axis=0, keepdims=True)[0]


@right("sigmoid_backward", "derivative first, then the chain rule")
def sigmoid_backward_two_steps(dA, A):
    local = A - A * A
    return local * dA


@right("mlp_loss_and_grads", "the Ng-notation guide: per-example Delta accumulation")
def mlp_per_example(X, T, weights, biases, lam=0.0):
    N = X.shape[0]
    DW = [np.zeros_like(W) for W in weights]
    Db = [np.zeros_like(b) for b in biases]
    loss = 0.0
    for n in range(N):
        acts = [X[n]]
        for W, b in zip(weights, biases):
            acts.append(_sigmoid(acts[-1] @ W + b))
        loss += 0.5 * np.sum((T[n] - acts[-1]) ** 2)
        delta = (acts[-1] - T[n]) * acts[-1] * (1 - acts[-1])
        for l in range(len(weights) - 1, -1, -1):
            DW[l] += np.outer(acts[l], delta)
            Db[l] += delta
            delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    loss = loss / N + lam / (2 * N) * sum(np.sum(W ** 2) for W in weights)
    return loss, [(D + lam * W) / N for D, W in zip(DW, weights)], [D / N for D in Db]


# a5 -------------------------------------------------------------------------
@right("softmax", "log-sum-exp")
def softmax_lse(Z):
    m = Z.max(axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return np.exp(Z - lse)


@right("softmax_backward", "explicit Jacobian diag(s) - s s^T per row")
def softmax_backward_jacobian(S, dS):
    out = np.zeros_like(S)
    for n in range(S.shape[0]):
        s = S[n]
        J = np.diag(s) - np.outer(s, s)
        out[n] = J @ dS[n]
    return out


@right("cross_entropy", "mean over rows of the per-row sums")
def cross_entropy_rows(S, Y):
    return float(np.mean(-np.sum(Y * np.log(S), axis=1)))


@right("cross_entropy", "picks the log-probability of the true class")
def cross_entropy_pick(S, Y):
    idx = np.argmax(Y, axis=1)
    return -np.mean(np.log(S[np.arange(len(S)), idx]))


@right("softmax_cross_entropy_backward", "stable softmax through exp(Z - max)")
def sce_backward(Z, Y):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return (E / np.sum(E, axis=1, keepdims=True) - Y) / len(Z)


@right("cross_entropy", "log(S + 1e-9) to avoid log(0)")
def cross_entropy_eps(S, Y):
    return -np.sum(Y * np.log(S + 1e-9)) / S.shape[0]


@right("softmax_cross_entropy_backward", "1e-12 added to the softmax denominator")
def sce_backward_eps(Z, Y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (E / (E.sum(axis=1, keepdims=True) + 1e-12) - Y) / Z.shape[0]
