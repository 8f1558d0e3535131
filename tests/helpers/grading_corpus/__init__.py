"""A corpus of submissions, honest and adversarial, made from code written here.

Each :class:`Case` writes one or more files into a folder and says what the
gradebook row must show: the points per function, words the row's ``error``
or a function's feedback must contain. The honest implementations are written
here (not copied from ``solutions/``), so the corpus does not move when the
solutions do.

The cases themselves are in :mod:`.cases` (the classic failures: loops, crashes,
broken files) and :mod:`.attacks` (a determined student: forging, reading what is not
theirs, harming others); ``tests/grading/test_corpus.py`` grades them all in one batch,
``benchmarks/grading_corpus.py`` prints what each produced.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from helpers.notebooks import notebook

HIDDEN_DELTA = '''
def hidden_delta(delta_next, W_next, a):
    return (delta_next @ W_next.T) * a * (1 - a)
'''

BACKPROP = '''
def backprop(x, t, weights, biases):
    acts = [x]
    for W, b in zip(weights, biases):
        acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ W + b))))
    o = acts[-1]
    delta = (o - t) * o * (1 - o)
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads_W[l] = np.outer(acts[l], delta)
        grads_b[l] = delta.copy()
        if l > 0:
            delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return grads_W, grads_b
'''

SOFTMAX_FUNCS = '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)

def softmax_backward(S, dS):
    return S * (dS - (S * dS).sum(axis=1, keepdims=True))

def cross_entropy(S, Y):
    return -np.sum(Y * np.log(S)) / S.shape[0]

def softmax_cross_entropy_backward(Z, Y):
    return (softmax(Z) - Y) / Z.shape[0]
'''

IMPORTS = "import numpy as np\nfrom bptutor import check"
WRONG_HIDDEN_DELTA = "def hidden_delta(delta_next, W_next, a):\n    return delta_next @ W_next.T"
WRONG_BACKPROP = ("def backprop(x, t, weights, biases):\n"
                  "    return [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]")


def honest_a3(*extra_before_backprop, tail=()):
    return [IMPORTS, "# Hidden layers", HIDDEN_DELTA, "check.hidden_delta(hidden_delta)",
            *extra_before_backprop, BACKPROP, "check.backprop(backprop)", *tail]


@dataclass
class Case:
    """One corpus entry.

    ``files`` maps a relative path (str, or bytes for a name that is not UTF-8) to a notebook
    dict, raw bytes, ``("fifo",)`` or ``("symlink", target)``; ``scores`` the points expected per
    function (``{}`` when nothing can be graded; per file when it has several); ``error``: words
    the row's error must contain (``""``: no error at all); ``feedback``: function -> words its
    feedback must contain; ``comm``: a process name a leftover process would carry (none may be
    alive afterwards); ``needs_cgroups``: the scores hold only where the grader can write cgroups
    (limits on a whole process tree; elsewhere the limits are per process).
    """

    name: str
    what: str
    files: dict
    scores: dict
    error: str = ""
    feedback: dict = field(default_factory=dict)
    comm: str = ""
    needs_cgroups: bool = False
    status: str = ""  # the row's status, when it matters


FULL = {"hidden_delta": 4, "backprop": 6}
A5_FULL = {"softmax": 2, "softmax_backward": 3, "cross_entropy": 2, "softmax_cross_entropy_backward": 3}


@dataclass(frozen=True)
class Context:
    """Host paths an attack aims at (none of them may be reachable from a sandbox)."""

    out_dir: str
    subs_dir: str
    package_dir: str
    site_packages: str


def write(case: Case, folder: str) -> list:
    """Write a case's files under ``folder``; return their paths (bytes for non-UTF-8 names)."""
    paths = []
    for rel, content in case.files.items():
        path = os.path.join(os.fsencode(folder) if isinstance(rel, bytes) else folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if content == ("fifo",):
            os.mkfifo(path)
        elif isinstance(content, tuple):
            os.symlink(content[1], path)
        else:
            with open(path, "wb") as fh:
                fh.write(content if isinstance(content, bytes) else json.dumps(content).encode())
        paths.append(path)
    return paths


def display_path(path) -> str:
    """A path as the gradebook names it (undecodable bytes as "?")."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return path.encode("utf-8", "replace").decode("utf-8")


def expected_rows(case: Case, folder: str) -> dict:
    """``{absolute path as displayed: {function: points}}`` for a case's files."""
    def key(rel):
        full = os.path.join(os.fsencode(folder), rel) if isinstance(rel, bytes) else os.path.join(folder, rel)
        return display_path(os.path.abspath(full))
    if all(rel in case.scores for rel in case.files):
        return {key(rel): case.scores[rel] for rel in case.files}
    return {key(rel): case.scores for rel in case.files}


def all_cases(context: Context, port: int = 9) -> list:
    """Every case, classic and adversarial (``port``: a loopback port the canary must not reach)."""
    from . import attacks, cases
    return cases.classic(context) + attacks.attacks(context, port)


__all__ = ["A5_FULL", "BACKPROP", "FULL", "HIDDEN_DELTA", "IMPORTS", "SOFTMAX_FUNCS", "WRONG_BACKPROP",
           "WRONG_HIDDEN_DELTA", "Case", "Context", "all_cases", "display_path", "expected_rows", "honest_a3",
           "notebook", "write"]
