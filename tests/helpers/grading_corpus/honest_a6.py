"""An honest a6 submission: a 64-100-10 tanh/softmax MLP trained from scratch (the corpus reads this file as text)."""
import numpy as np


def train_mlp(X, y, seed=0):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    C, H = int(y.max()) + 1, 100
    W1 = rng.uniform(-1, 1, (d, H)) / np.sqrt(d + 1)
    W2 = rng.uniform(-1, 1, (H, C)) / np.sqrt(H + 1)
    b1, b2 = np.zeros(H), np.zeros(C)
    Y = np.eye(C)[y]
    for lr, epochs in ((0.2, 20), (0.05, 10), (0.01, 10)):
        for _ in range(epochs):
            order = rng.permutation(n)
            for s in range(0, n, 32):
                i = order[s:s + 32]
                A = np.tanh(X[i] @ W1 + b1)
                Z = A @ W2 + b2
                S = np.exp(Z - Z.max(axis=1, keepdims=True))
                S /= S.sum(axis=1, keepdims=True)
                dZ = (S - Y[i]) / len(i)
                dA = (dZ @ W2.T) * (1 - A * A)
                W2 -= lr * (A.T @ dZ)
                b2 -= lr * dZ.sum(axis=0)
                W1 -= lr * (X[i].T @ dA)
                b1 -= lr * dA.sum(axis=0)
    return lambda X_new: np.argmax(np.tanh(X_new @ W1 + b1) @ W2 + b2, axis=1)
