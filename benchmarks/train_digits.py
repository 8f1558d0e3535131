"""Benchmark: train a 64-100-10 network on the digits with every form the course teaches.

Same task for every row: sigmoid hidden layer of 100 units, softmax output with
cross-entropy (except the per-neuron form, which is seed 000's sigmoid output with
squared error), mini-batch SGD with batch 32, learning rate ``--lr``, no momentum, no
weight decay, 30 epochs, on the 1,348 training images of ``bptutor.data.load_digits``;
accuracy is measured on the 449 held-out images.

Rows:
  matrix form      bptutor.fast_mlp.FastMLP + reference.train (float64, validated once per
                   run): the tuned fast path, also what reference.train_mlp (a6) trains
  readable MLP     bptutor.reference.MLP + reference.train: the same network written over
                   the building blocks (dense_forward, dense_backward, ...), as students read it
  GEMM floor       only the five matrix products of each mini-batch step, same shapes
                   (rows-as-examples, without the bias row the fast path carries), on
                   fixed data: no activations, no softmax, no update, no Python loop overhead
                   beyond the products -- a lower bound for any float64 NumPy implementation
  per-example      each mini-batch as a Python loop over its 32 examples in vector form,
                   gradients accumulated as in seed 002 (Delta += ...)
  per-neuron       bptutor.reference.backprop_per_neuron (pure Python loops); timed on a
                   subset of --neuron-batches mini-batches and scaled to a full epoch
  scikit-learn     MLPClassifier(solver="sgd", same shape, batch, lr, momentum=0)
  PyTorch CPU      nn.Linear/Sigmoid/Linear + CrossEntropyLoss + optim.SGD, float64,
                   --torch-threads threads (only when torch is importable)

ms/epoch is the median over --repeats runs of (time of the run / epochs), both as wall
time and as the main thread's CPU time; on a busy machine only the CPU-time ratios mean
much (wall time then also counts the time other processes held the core).
Run: ``python benchmarks/train_digits.py`` (about a minute on 2 cores).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np

from bptutor import reference
from bptutor.data import load_digits
from bptutor.fast_mlp import FastMLP
from bptutor.reference import init_network, one_hot

HIDDEN = 100


class Timer:
    """Wall time and the calling thread's CPU time of a block.

    On a busy machine wall time also counts the time other processes held the core;
    thread CPU time does not, so the ratios stay meaningful there. It leaves out
    helper threads (PyTorch's intra-op pool, BLAS threads on large products), which
    these small mini-batch products do not use, and which would otherwise count
    their idle spinning.
    """

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.thread_time() - self.cpu


def median_ms_per_epoch(run, repeats):
    """Call ``run() -> (timer, epochs, accuracy)`` ``repeats`` times.

    Returns the median wall ms/epoch, the median CPU ms/epoch and the last accuracy.
    """
    wall, cpu, acc = [], [], None
    for _ in range(repeats):
        timer, epochs, acc = run()
        wall.append(1e3 * timer.wall / epochs)
        cpu.append(1e3 * timer.cpu / epochs)
    return statistics.median(wall), statistics.median(cpu), acc


def run_matrix(Xtr, ytr, Xte, yte, args, network=FastMLP):
    model = network([64, HIDDEN, 10], hidden="sigmoid", output="softmax", seed=args.seed, init="sqrt")
    with Timer() as timer:
        reference.train(model, Xtr, ytr, mode="minibatch", lr=args.lr, epochs=args.epochs,
                        batch_size=args.batch, seed=args.seed, record=False)
    return timer, args.epochs, model.accuracy(Xte, yte)


def run_gemm_floor(Xtr, ytr, Xte, yte, args):
    """Time only the matrix products of an epoch: Xb W1, A1 W2, A1^T dZ2, dZ2 W2^T, Xb^T dZ1."""
    rng = np.random.default_rng(args.seed)
    N = Xtr.shape[0]
    W1, W2 = rng.standard_normal((64, HIDDEN)) * 0.1, rng.standard_normal((HIDDEN, 10)) * 0.1
    gW1, gW2 = np.empty_like(W1), np.empty_like(W2)
    batches = []
    for start in range(0, N, args.batch):
        n = min(args.batch, N - start)
        batches.append((np.ascontiguousarray(Xtr[start:start + n]), np.empty((n, HIDDEN)),
                        np.empty((n, 10)), rng.standard_normal((n, 10)), np.empty((n, HIDDEN)),
                        rng.standard_normal((n, HIDDEN))))
    with Timer() as timer:
        for _ in range(args.epochs):
            for Xb, A1, Z2, dZ2, dA1, dZ1 in batches:
                np.dot(Xb, W1, out=A1)
                np.dot(A1, W2, out=Z2)
                np.dot(A1.T, dZ2, out=gW2)
                np.dot(dZ2, W2.T, out=dA1)
                np.dot(Xb.T, dZ1, out=gW1)
    return timer, args.epochs, None


def _initial_params(args):
    weights, biases = init_network([64, HIDDEN, 10], "sqrt", np.random.default_rng(args.seed))
    return weights, biases


def run_per_example(Xtr, ytr, Xte, yte, args, epochs=None):
    """Mini-batches of 32, each a loop over its examples in vector form (seed 002's accumulation)."""
    epochs = epochs or args.epochs
    (W1, W2), (b1, b2) = _initial_params(args)
    Y = one_hot(ytr, 10)
    rng = np.random.default_rng(args.seed)
    N = Xtr.shape[0]
    timer = Timer().__enter__()
    for _ in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, args.batch):
            idx = order[start:start + args.batch]
            D1, D2 = np.zeros_like(W1), np.zeros_like(W2)  # seed 002: the accumulators Delta
            d1, d2 = np.zeros_like(b1), np.zeros_like(b2)
            for n in idx:
                x, y = Xtr[n], Y[n]
                a1 = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
                z2 = a1 @ W2 + b2
                s = np.exp(z2 - z2.max())
                s /= s.sum()
                delta2 = s - y  # softmax + cross-entropy
                delta1 = (W2 @ delta2) * a1 * (1.0 - a1)  # seed 000, eq. (34), course sign
                D2 += np.outer(a1, delta2)
                D1 += np.outer(x, delta1)
                d2 += delta2
                d1 += delta1
            m = len(idx)
            W1 -= args.lr / m * D1
            b1 -= args.lr / m * d1
            W2 -= args.lr / m * D2
            b2 -= args.lr / m * d2
    timer.__exit__()
    a1 = 1.0 / (1.0 + np.exp(-(Xte @ W1 + b1)))
    acc = float(np.mean(np.argmax(a1 @ W2 + b2, axis=1) == yte))
    return timer, epochs, acc


def run_per_neuron(Xtr, ytr, Xte, yte, args):
    """``--neuron-batches`` mini-batches through the per-neuron form; seconds scaled to one epoch."""
    weights, biases = _initial_params(args)
    T = one_hot(ytr, 10)
    n_batches_epoch = -(-Xtr.shape[0] // args.batch)
    timer = Timer().__enter__()
    for k in range(args.neuron_batches):
        rows = range(k * args.batch, (k + 1) * args.batch)
        sum_W = [np.zeros_like(W) for W in weights]
        sum_b = [np.zeros_like(b) for b in biases]
        for n in rows:
            gW, gb = reference.backprop_per_neuron(Xtr[n], T[n], weights, biases)
            for acc, g in zip(sum_W + sum_b, gW + gb):
                acc += g
        for p, g in zip(weights + biases, sum_W + sum_b):
            p -= args.lr / args.batch * g
    timer.__exit__()
    # scale the timed mini-batches to a whole epoch
    return timer, args.neuron_batches / n_batches_epoch, None


def run_sklearn(Xtr, ytr, Xte, yte, args):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="logistic", solver="sgd",
                        batch_size=args.batch, learning_rate="constant", learning_rate_init=args.lr,
                        momentum=0.0, nesterovs_momentum=False, alpha=0.0, max_iter=args.epochs,
                        shuffle=True, tol=0.0, n_iter_no_change=args.epochs + 1,
                        early_stopping=False, random_state=args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with Timer() as timer:
            clf.fit(Xtr, ytr)
    return timer, clf.n_iter_, float(clf.score(Xte, yte))


def run_torch(Xtr, ytr, Xte, yte, args):
    import torch
    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(args.seed)
    X = torch.tensor(Xtr, dtype=torch.float64)
    y = torch.tensor(ytr, dtype=torch.long)
    net = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.Sigmoid(),
                              torch.nn.Linear(HIDDEN, 10)).double()
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.0)
    g = torch.Generator().manual_seed(args.seed)
    N = X.shape[0]
    with Timer() as timer:
        for _ in range(args.epochs):
            order = torch.randperm(N, generator=g)
            Xs, ys = X[order], y[order]
            for start in range(0, N, args.batch):
                opt.zero_grad()
                loss = loss_fn(net(Xs[start:start + args.batch]), ys[start:start + args.batch])
                loss.backward()
                opt.step()
    with torch.no_grad():
        pred = net(torch.tensor(Xte, dtype=torch.float64)).argmax(dim=1).numpy()
    return timer, args.epochs, float(np.mean(pred == yte))


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        info = [f"{d['internal_api']} {d.get('version')} {d.get('architecture')} "
                f"{d['num_threads']} threads" for d in threadpool_info() if d["user_api"] == "blas"]
        return "; ".join(info) or "unknown"
    except ImportError:
        return "unknown (threadpoolctl not installed)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=7, help="runs of the fast rows (median taken)")
    parser.add_argument("--slow-repeats", type=int, default=3,
                        help="runs of per-example, scikit-learn and PyTorch rows")
    parser.add_argument("--neuron-batches", type=int, default=3,
                        help="mini-batches timed through the per-neuron form")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="PyTorch intra-op threads (on a shared 2-core machine more threads "
                             "mostly spin)")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["per-neuron", "per-example", "sklearn", "torch"])
    args = parser.parse_args(argv)

    Xtr, ytr, Xte, yte = load_digits()
    print(f"digits: {Xtr.shape[0]} train / {Xte.shape[0]} test, 64-{HIDDEN}-10, batch {args.batch}, "
          f"lr {args.lr}, {args.epochs} epochs")
    print(f"python {platform.python_version()}, numpy {np.__version__}, BLAS: {blas_info()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    if hasattr(os, "getloadavg"):
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    # the fast rows alternate so that a change in machine load hits them alike
    def run_readable(*data):
        return run_matrix(*data, network=reference.MLP)

    fast = {"matrix": [], "readable": [], "floor": []}
    accuracy = {}
    for _ in range(args.repeats):
        for key, run in (("matrix", run_matrix), ("readable", run_readable), ("floor", run_gemm_floor)):
            timer, epochs, accuracy[key] = run(Xtr, ytr, Xte, yte, args)
            fast[key].append((1e3 * timer.wall / epochs, 1e3 * timer.cpu / epochs))
    matrix_acc = accuracy["matrix"]

    def med(key, i):
        return statistics.median(t[i] for t in fast[key])

    rows = [("matrix form (bptutor FastMLP)", med("matrix", 0), med("matrix", 1), matrix_acc, ""),
            ("readable MLP (reference.MLP)", med("readable", 0), med("readable", 1), accuracy["readable"],
             "same network, written over the building blocks"),
            ("GEMM floor (products only)", med("floor", 0), med("floor", 1), None, "")]

    def add_row(name, run, repeats, note=""):
        try:
            wall, cpu, acc = median_ms_per_epoch(run, repeats)
            rows.append((name, wall, cpu, acc, note))
        except ImportError:
            rows.append((name, None, None, None, "not installed"))

    if "per-example" not in args.skip:
        add_row("per-example loop (vector form)", lambda: run_per_example(Xtr, ytr, Xte, yte, args),
                args.slow_repeats)
    if "per-neuron" not in args.skip:
        add_row("per-neuron form (seed 000)", lambda: run_per_neuron(Xtr, ytr, Xte, yte, args), 1,
                f"timed on {args.neuron_batches * args.batch} examples, scaled to an epoch")
    if "sklearn" not in args.skip:
        add_row("scikit-learn MLPClassifier", lambda: run_sklearn(Xtr, ytr, Xte, yte, args),
                args.slow_repeats)
    if "torch" not in args.skip:
        try:
            import torch
            name = f"PyTorch {torch.__version__} CPU"
            note = f"{args.torch_threads} thread{'s' if args.torch_threads > 1 else ''}, float64"
        except ImportError:
            name, note = "PyTorch CPU", ""
        add_row(name, lambda: run_torch(Xtr, ytr, Xte, yte, args), args.slow_repeats, note)

    m_wall, m_cpu = rows[0][1], rows[0][2]
    print()
    print(f"{'form':34s} {'wall ms/ep':>10s} {'CPU ms/ep':>10s} {'test acc':>9s} {'vs matrix':>10s}  note")
    for name, wall, cpu, acc, note in rows:
        if wall is None:
            print(f"{name:34s} {'-':>10s} {'-':>10s} {'-':>9s} {'':>10s}  {note}")
            continue
        acc_s = f"{acc:9.3f}" if acc is not None else f"{'-':>9s}"
        ratio = f"{'':>10s}" if name.startswith("matrix") else f"{wall / m_wall:9.2f}x"
        print(f"{name:34s} {wall:10.2f} {cpu:10.2f} {acc_s} {ratio}  {note}")
    print("(vs matrix: ratio of wall times; CPU ms/ep: the main thread's CPU time)")
    print()
    f_wall, f_cpu = rows[2][1], rows[2][2]
    # the targets are judged on CPU time, which a busy machine distorts least
    print(f"matrix form / GEMM floor = {m_cpu / f_cpu:.2f} CPU ({m_wall / f_wall:.2f} wall); target <= 2")
    ok = m_cpu / f_cpu <= 2.0 and matrix_acc >= 0.95
    sk = [r for r in rows if r[0].startswith("scikit") and r[1] is not None]
    if sk:
        print(f"scikit-learn / matrix form = {sk[0][2] / m_cpu:.2f} CPU ({sk[0][1] / m_wall:.2f} wall); "
              "target >= 3")
        ok = ok and sk[0][2] / m_cpu >= 3.0
    print(f"matrix form test accuracy = {matrix_acc:.3f}; target >= 0.95")
    print("target met" if ok else "target NOT met")
    if hasattr(os, "getloadavg"):
        print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
