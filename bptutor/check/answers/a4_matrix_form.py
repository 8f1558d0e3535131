"""Assignment a4's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import reference
from ..mistake_models import Case, computed, rearranged
from . import Answer, from_reference

sigmoid = reference.sigmoid


def _logit(a):
    return np.log(a) - np.log1p(-a)


def _probe_dense_backward(args, kwargs, key):
    dZ, X, W = (np.asarray(v) for v in args)
    b = np.zeros(W.shape[1])
    parts = [X, W, b]
    i = key[0]

    def L(v):
        p = list(parts)
        p[i] = v
        return float(np.sum(dZ * (p[0] @ p[1] + p[2])))
    return "L = sum(dZ * (X @ W + b))", L, parts[i].copy()


def _probe_sigmoid_backward(args, kwargs, key):
    dA, A = (np.asarray(v) for v in args)
    return ("L = sum(dA * sigmoid(Z)) as a function of Z (A = sigmoid(Z))",
            lambda Z: float(np.sum(dA * sigmoid(Z))), _logit(A))


def _probe_mlp(args, kwargs, key):
    if key[0] == 0:
        return None
    X, T, weights, biases = args
    lam = float(kwargs.get("lam", 0.0))
    layer = key[1]

    def E(v):
        ps = [list(weights), list(biases)]
        ps[key[0] - 1][layer] = v
        O = reference.forward(X, ps[0], ps[1])[-1]
        N = X.shape[0]
        return float(0.5 * np.sum((T - O) ** 2) / N + 0.5 * lam / N * sum(np.sum(W * W) for W in ps[0]))
    return ("E = 1/(2N) sum ||t - o||^2 + lam/(2N) sum ||W||^2", E,
            np.array((weights, biases)[key[0] - 1][layer], dtype=np.float64))


DENSE_FORWARD_MODELS = (
    ("missing-bias", computed(lambda X, W, b: X @ W)),
    ("transpose", computed(lambda X, W, b: (X @ W + b).T)),
    ("sign", computed(lambda X, W, b: X @ W - b)),
)

DENSE_BACKWARD_MODELS = (
    ("transpose", computed(lambda dZ, X, W: (dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)))),
    ("wrong-axis", computed(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)))),
    ("wrong-axis", computed(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum()))),
    ("extra-1/N", computed(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ / len(X), dZ.mean(axis=0)))),
    ("extra-1/N", computed(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)))),
    ("extra-1/N", computed(lambda dZ, X, W: (dZ @ W.T / len(X), X.T @ dZ / len(X), dZ.mean(axis=0)))),
    ("wrong-order", rearranged(lambda e: [e[1], e[0], e[2]])),
    ("wrong-count", rearranged(lambda e: [e[0], e[1]])),
)

SIGMOID_BACKWARD_MODELS = (
    ("missing-upstream", computed(lambda dA, A: A * (1 - A))),
    ("derivative-of-preactivation", computed(lambda dA, A: dA * sigmoid(A) * (1 - sigmoid(A)))),
    ("derivative-twice", computed(lambda dA, A: dA * (A * (1 - A)) ** 2)),
    ("missing-derivative", computed(lambda dA, A: dA)),
)


@dataclass(frozen=True)
class MlpVariant:
    """``mlp_loss_and_grads`` with some mistakes made; every default is the right choice."""

    half_in_loss: bool = True  # E = 1/(2N) sum ||t - o||^2: False forgets the 1/2 (and doubles dE/do)
    loss_is_mean: bool = True  # divided by N
    gradient_is_mean: bool = True  # dE/dO = (O - T) / N
    lambda_over_n: bool = True  # lam / N, in the loss and in the gradient
    biases_regularised: bool = False
    regularisation_in_loss: bool = True
    regularisation_in_gradient: bool = True
    regularisation_gradient_halved: bool = False  # lam/(2N) W instead of lam/N W
    output_derivative: bool = True  # dZ = dA * O (1 - O) at the output
    sign: float = 1.0

    def __call__(self, case: Case):
        X, T, weights, biases = case.args
        lam = float(case.kwargs.get("lam", 0.0))
        N = X.shape[0]
        A = reference.forward(X, weights, biases)
        O = A[-1]
        lam_n = lam / N if self.lambda_over_n else lam
        data = np.sum((T - O) ** 2) * (0.5 if self.half_in_loss else 1.0) / (N if self.loss_is_mean else 1.0)
        reg = 0.5 * lam_n * sum(np.sum(W * W) for W in weights) if self.regularisation_in_loss else 0.0
        if self.biases_regularised:
            reg += 0.5 * lam_n * sum(np.sum(b * b) for b in biases)
        dA = (O - T) * (1.0 if self.half_in_loss else 2.0) / (N if self.gradient_is_mean else 1.0)
        gW, gb = [None] * len(weights), [None] * len(weights)
        for l in range(len(weights) - 1, -1, -1):
            last = l == len(weights) - 1
            dZ = dA * A[l + 1] * (1 - A[l + 1]) if (self.output_derivative or not last) else dA
            reg_w = ((0.5 if self.regularisation_gradient_halved else 1.0) * lam_n * weights[l]
                     if self.regularisation_in_gradient else 0.0)
            gW[l] = self.sign * (A[l].T @ dZ + reg_w)
            gb[l] = self.sign * (dZ.sum(axis=0) + (lam_n * biases[l] if self.biases_regularised else 0.0))
            if l > 0:
                dA = dZ @ weights[l].T
        return data + reg, gW, gb


MLP_MODELS = (
    ("missing-1/N", MlpVariant(gradient_is_mean=False)),
    ("missing-1/N", MlpVariant(gradient_is_mean=False, loss_is_mean=False)),
    ("regularised-biases", MlpVariant(biases_regularised=True)),
    ("lambda-not-divided-by-N", MlpVariant(lambda_over_n=False)),
    ("missing-regularisation", MlpVariant(regularisation_in_gradient=False)),
    ("missing-regularisation", MlpVariant(regularisation_in_loss=False)),
    ("factor-2", MlpVariant(half_in_loss=False)),
    ("factor-2", MlpVariant(regularisation_gradient_halved=True)),
    ("sign", MlpVariant(sign=-1.0)),
    ("missing-derivative", MlpVariant(output_derivative=False)),
    ("wrong-count", rearranged(lambda e: [e[1], e[2]])),  # the loss left out
)

DENSE_FORWARD_HINTS = {
    "missing-bias": "Add `b` to `X @ W`: it has one entry per column and broadcasts over the rows (the examples).",
    "transpose": ("Your result is the transpose of the expected one. The column convention z = W x + b (the "
                  "lecture slides) puts examples in columns; this course puts them in rows.",
                  "With rows as examples, `X @ W + b`: `X` (N, n_in) @ `W` (n_in, n_out) gives (N, n_out)."),
    "sign": ("Your values match `X @ W - b`: the bias was subtracted.", "z = a W + b: add the bias."),
    "wrong-type": "Return a NumPy array (`X @ W + b` is one); `.tolist()` turns it into Python lists.",
}

DENSE_BACKWARD_HINTS = {
    "transpose": "Each gradient has the shape of what it is the gradient of: `dX` like `X`, (N, n_in), is "
                 "`dZ @ W.T`; `dW` like `W`, (n_in, n_out), is `X.T @ dZ` (the handbook chapter, Examples 2 "
                 "and 3).",
    "wrong-axis": "`db` has one entry per column of `dZ`, like `b`: sum `dZ` over its rows (the examples), "
                  "`dZ.sum(axis=0)`.",
    "extra-1/N": "`dZ` is already the gradient of the averaged loss, so nothing is divided here: `X.T @ dZ` and "
                 "`dZ.sum(axis=0)` are sums over the examples.",
    "missing-1/N": "`dZ` is already the gradient of the averaged loss: `dX`, `dW` and `db` need no extra factor.",
    "sign": "Each output is a product or a sum of `dZ`, with no minus sign: (dZ Wᵀ, Xᵀ dZ, Σ_rows dZ).",
    "factor-2": "(dZ Wᵀ, Xᵀ dZ, Σ_rows dZ) has no factor 2: nothing is squared here.",
    "constant-factor": "(dZ Wᵀ, Xᵀ dZ, Σ_rows dZ) has no constant in front.",
}

SIGMOID_BACKWARD_HINTS = {
    "missing-upstream": ("Your values are A (1 − A), the local derivative alone: the upstream gradient `dA` is "
                         "missing.",
                         "Multiply by it elementwise: `dA * A * (1 - A)` (the handbook chapter, Example 1)."),
    "derivative-of-preactivation": ("`A` is already the sigmoid's output, and you applied σ to it again: "
                                    "σ(A)(1 − σ(A)) is not σ'(Z).",
                                    "Use `A` directly: `dA * A * (1 - A)`."),
    "derivative-twice": "Multiply `dA` by `A * (1 - A)` once.",
    "missing-derivative": ("Your values are `dA` unchanged: the sigmoid's slope A (1 − A) is missing.",
                           "Multiply `dA` elementwise by `A * (1 - A)` (the handbook chapter, Example 1)."),
    "sign": "`dA * A * (1 - A)` has no minus sign: A (1 − A) is positive for A between 0 and 1.",
    "mutated-input": ("Your function changed `dA`, the array it was given (e.g. with `dA *= ...`).",
                      "Write `dA * (A * (1 - A))`, which makes a new array, instead of `dA *= ...`, which "
                      "overwrites the caller's `dA`."),
    "factor-2": "`dA * A * (1 - A)` has no factor 2: nothing is squared here.",
    "constant-factor": "`dA * A * (1 - A)` has no constant in front.",
}

MLP_HINTS = {
    "missing-1/N": "E = 1/(2N) Σ ‖t − o‖² + λ/(2N) Σ ‖W‖² is a mean over the N rows of `X`, so the gradient "
                   "starts from (O − T) / N at the output, and the loss is divided by N too.",
    "extra-1/N": "Divide by N, the number of rows of `X`, exactly once: in the loss and in (O − T) / N; the "
                 "sums over the examples that make each layer's weight and bias gradients are not divided again.",
    "factor-2": "E = 1/(2N) Σ ‖t − o‖² keeps its ½ in the loss, and its gradient (O − T) / N has no 2; "
                "the regularisation gradient is (λ/N) W, with no ½.",
    "sign": "The function returns gradients, not update steps: start from +(O − T) / N at the output.",
    "missing-derivative": "At the output too, multiply the gradient (O − T) / N elementwise by the sigmoid's slope "
                          "O (1 − O) before it reaches the last layer's weights.",
    "constant-factor": "Compare each factor with E = 1/(2N) Σ ‖t − o‖² + λ/(2N) Σ ‖W‖²: the data term's "
                       "gradient is (O − T) / N, the regularisation's (λ/N) W.",
}

ANSWERS = {
    "dense_forward": Answer(from_reference("dense_forward"), models=DENSE_FORWARD_MODELS, hints=DENSE_FORWARD_HINTS),
    "dense_backward": Answer(from_reference("dense_backward"), probe=_probe_dense_backward,
                             models=DENSE_BACKWARD_MODELS, hints=DENSE_BACKWARD_HINTS),
    "sigmoid_backward": Answer(from_reference("sigmoid_backward"), probe=_probe_sigmoid_backward,
                               models=SIGMOID_BACKWARD_MODELS, hints=SIGMOID_BACKWARD_HINTS),
    "mlp_loss_and_grads": Answer(from_reference("mlp_loss_and_grads"), probe=_probe_mlp, models=MLP_MODELS,
                                 hints=MLP_HINTS),
}
