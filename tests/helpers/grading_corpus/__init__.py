"""A corpus of submissions, honest and adversarial, made from code written here.

Each :class:`Case` writes one or more files into a folder and says what the
gradebook row must show: the points per function, words the row's ``error``
or a function's feedback must contain. The honest implementations are written
here (not copied from ``solutions/``), so the corpus does not move when the
solutions do.

Used by ``tests/test_grading_corpus.py`` (one ``bptutor grade`` run over the
whole corpus, then one test per case) and ``tests/report_grading_corpus.py``
(prints the table of cases and what each produced).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from helpers.notebooks import notebook, write_notebook

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
    """One corpus entry: ``files`` maps a relative path to bytes or a notebook dict."""

    name: str
    what: str
    files: dict
    scores: dict  # function -> points expected; {} when nothing can be graded
    error: str = ""  # words the row's error must contain ("" = no error at all)
    feedback: dict = field(default_factory=dict)  # function -> words its feedback must contain
    pidfile: str = ""  # a leftover process writes its pid here; it must be dead afterwards


FULL = {"hidden_delta": 4, "backprop": 6}


def cases(out_dir: str, scratch: str) -> list:
    """Every case. ``out_dir`` is the grader's --out (a case tries to write there);
    ``scratch`` is a writable folder outside it (for leftover-process pid files)."""
    daemon_pid = os.path.join(scratch, "daemon.pid")
    return [
        Case("honest", "a correct a3 notebook", {"honest_a3.ipynb": notebook(honest_a3())}, FULL),
        Case("honest-a5", "a correct a5 notebook in the same batch",
             {"honest_a5.ipynb": notebook([IMPORTS, SOFTMAX_FUNCS], "a5")},
             {"softmax": 2, "softmax_backward": 3, "cross_entropy": 2, "softmax_cross_entropy_backward": 3}),
        Case("magics", "IPython magics, shell escapes, plots and display() at top level",
             {"magics_a3.ipynb": notebook(honest_a3(
                 "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()",
                 "!pip install torch\nfiles = !ls\n%time z = 1 + 1\nget_ipython().run_line_magic('config', 'x')",
                 "%%capture\nprint('hidden')",
                 "%%time\nzz = z * 2",
                 "from IPython.display import display, Markdown\ndisplay(Markdown('**hi**'))"))}, FULL),
        Case("loop-top-level", "an infinite loop in a top-level cell",
             {"loop_top_a3.ipynb": notebook(honest_a3("while True:\n    pass"))}, FULL),
        Case("loop-in-function", "hidden_delta never returns",
             {"loop_fn_a3.ipynb": notebook(honest_a3(tail=[
                 "def hidden_delta(delta_next, W_next, a):\n    while True:\n        pass"]))},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "timed out"}),
        Case("memory-bomb", "a top-level cell and hidden_delta allocate far more than 1 GiB",
             {"memory_a3.ipynb": notebook(honest_a3("big = bytearray(50 * 2**30)", tail=[
                 "def hidden_delta(delta_next, W_next, a):\n"
                 "    hog = []\n    while True:\n        hog.append(np.empty(2**24))"]))},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "memory"}),
        Case("os-exit", "os._exit at top level and inside backprop",
             {"os_exit_a3.ipynb": notebook(honest_a3("import os\nos._exit(0)", tail=[
                 "import os\ndef backprop(x, t, weights, biases):\n    os._exit(3)"]))},
             {"hidden_delta": 4, "backprop": 0}, feedback={"backprop": "exited with code 3"}),
        Case("sys-exit", "sys.exit at top level and inside hidden_delta",
             {"sys_exit_a3.ipynb": notebook(honest_a3("import sys\nsys.exit('bye')", tail=[
                 "import sys\ndef hidden_delta(delta_next, W_next, a):\n    sys.exit(0)"]))},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "sys.exit"}),
        Case("kernel-crash", "SIGKILL of its own process at top level, a segfault inside backprop",
             {"crash_a3.ipynb": notebook(honest_a3("import os\nos.kill(os.getpid(), 9)", tail=[
                 "import ctypes\ndef backprop(x, t, weights, biases):\n    return ctypes.string_at(0)"]))},
             {"hidden_delta": 4, "backprop": 0}, feedback={"backprop": "signal 11"}),
        Case("monkeypatch", "wrong functions after patching the checks, numpy and builtins",
             {"patch_a3.ipynb": notebook([
                 IMPORTS,
                 "import builtins, bptutor\n"
                 "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                 "np.testing.assert_allclose = lambda *a, **k: None\nnp.array_equal = lambda *a, **k: True\n"
                 "builtins.abs = lambda x: 0\nbuiltins.max = lambda *a, **k: 0\n"
                 "import bptutor.check.judge as j\nj.judge = lambda *a, **k: True\n"
                 "bptutor.check = None\nimport bptutor.trials as tr\n"
                 "tr.run_trial = lambda *a, **k: tr.Outcome('ok', value=np.zeros(1))",
                 WRONG_HIDDEN_DELTA, WRONG_BACKPROP])},
             {"hidden_delta": 0, "backprop": 0}),
        Case("fake-output", "prints 'score: 100' and 100 MB of output; backprop is wrong",
             {"fake_output_a3.ipynb": notebook([
                 IMPORTS, HIDDEN_DELTA,
                 "print('score: 100')\nprint('{\"score\": 100, \"passed\": true}')\nprint('x' * 10**8)",
                 "import sys\ndef backprop(x, t, weights, biases):\n"
                 "    sys.stdout.write('score: 100\\n' * 1000)\n" + WRONG_BACKPROP.split("\n", 1)[1]])},
             {"hidden_delta": 4, "backprop": 0}),
        Case("fake-gradebook", "writes a fake gradebook in its folder, in --out and in the resume records",
             {"fake_gradebook_a3.ipynb": notebook([
                 IMPORTS, WRONG_HIDDEN_DELTA, WRONG_BACKPROP,
                 "fake = 'submission,assignment,hidden_delta,backprop,total,max\\nfake_gradebook_a3.ipynb,a3,4,6,10,10\\n'\n"
                 "for path in ['gradebook.csv', '../gradebook.csv', "
                 f"{os.path.join(out_dir, 'gradebook.csv')!r}, {os.path.join(out_dir, '.bptutor-grade', 'x.json')!r}]:\n"
                 "    try:\n        open(path, 'w').write(fake)\n    except OSError:\n        pass"])},
             {"hidden_delta": 0, "backprop": 0}),
        Case("forged-results", "backprop swaps hidden_delta's result files for a FIFO and a link to /dev/zero",
             {"forged_a3.ipynb": notebook([
                 IMPORTS, HIDDEN_DELTA,
                 "import os\ndef backprop(x, t, weights, biases):\n"
                 "    out = os.path.join(os.getcwd(), '..', 'out')\n"
                 "    for name in ('q-hidden_delta.json', 'q-hidden_delta.npz', 'cells.jsonl'):\n"
                 "        path = os.path.join(out, name)\n"
                 "        if os.path.lexists(path):\n            os.unlink(path)\n"
                 "        if name.endswith('.json'):\n            os.mkfifo(path)\n"
                 "        else:\n            os.symlink('/dev/zero', path)\n"
                 "    return [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]"])},
             {"hidden_delta": 0, "backprop": 0}, feedback={"hidden_delta": "could not be read back"}),
        Case("calls-reference", "returns bptutor.reference's answers (one even catches the tripwire)",
             {"reference_a3.ipynb": notebook([
                 IMPORTS,
                 "from bptutor.reference import hidden_delta as ref_hidden_delta\n"
                 "def hidden_delta(delta_next, W_next, a):\n    return ref_hidden_delta(delta_next, W_next, a)",
                 "import bptutor\ndef backprop(x, t, weights, biases):\n    try:\n"
                 "        return bptutor.reference.backprop(x, t, weights, biases)\n    except BaseException:\n"
                 "        return [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]"])},
             {"hidden_delta": 0, "backprop": 0},
             feedback={"hidden_delta": "bptutor.reference.hidden_delta", "backprop": "reference"}),
        Case("wrong-signature", "hidden_delta takes two parameters instead of three",
             {"signature_a3.ipynb": notebook(honest_a3(tail=[
                 "def hidden_delta(delta_next, W_next):\n    return delta_next @ W_next.T"]))},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "must accept"}),
        Case("wrong-return-type", "hidden_delta returns a string, backprop a dict",
             {"return_type_a3.ipynb": notebook([
                 IMPORTS, "def hidden_delta(delta_next, W_next, a):\n    return 'delta'",
                 "def backprop(x, t, weights, biases):\n    return {'W': weights}"])},
             {"hidden_delta": 0, "backprop": 0}, feedback={"hidden_delta": "str", "backprop": "dict"}),
        Case("mutates-inputs", "right values, but hidden_delta overwrites its input a",
             {"mutates_a3.ipynb": notebook(honest_a3(tail=[
                 "def hidden_delta(delta_next, W_next, a):\n    a *= (1 - a)\n    return (delta_next @ W_next.T) * a"]))},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "in place"}),
        Case("stub", "the released exercise, never filled in",
             {"stub_a3.ipynb": notebook([
                 IMPORTS,
                 "def hidden_delta(delta_next, W_next, a):\n    raise NotImplementedError('write hidden_delta')",
                 "def backprop(x, t, weights, biases):\n    raise NotImplementedError('write backprop')"])},
             {"hidden_delta": 0, "backprop": 0}, feedback={"hidden_delta": "not attempted"}),
        Case("missing-function", "a notebook that defines no function at all",
             {"nothing_a3.ipynb": notebook(["# I did not do it", IMPORTS])},
             {"hidden_delta": 0, "backprop": 0}, feedback={"backprop": "defines no function called backprop"}),
        Case("name-fallback", "no assignment in the metadata; the file name says a3",
             {"carol_a3.ipynb": notebook(honest_a3(), assignment=None)}, FULL, error="taken from the file name"),
        Case("truncated-json", "a notebook cut off half way",
             {"truncated_a3.ipynb": json.dumps(notebook(honest_a3())).encode()[:300]},
             {"hidden_delta": 0, "backprop": 0}, error="not valid JSON"),
        Case("empty-file", "a file of zero bytes", {"empty_a3.ipynb": b""},
             {"hidden_delta": 0, "backprop": 0}, error="empty"),
        Case("nbformat-3", "an nbformat 3 notebook (worksheets)",
             {"old_a3.ipynb": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                          "worksheets": [{"cells": []}]}).encode()},
             {"hidden_delta": 0, "backprop": 0}, error="nbformat 3"),
        Case("not-a-notebook", "a PNG image renamed to .ipynb",
             {"picture.ipynb": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))}, {},
             error="not UTF-8"),
        Case("json-not-notebook", "valid JSON that is not a notebook",
             {"config.ipynb": b'{"hello": "world"}'}, {}, error="not a Jupyter notebook"),
        Case("unknown-assignment", "metadata names assignment a9",
             {"future_a9.ipynb": notebook(honest_a3(), assignment="a9")}, {}, error="unknown assignment 'a9'"),
        Case("same-student-name", "two submissions by 'bob' in different folders",
             {"section1/bob.ipynb": notebook(honest_a3()),
              "section2/bob.ipynb": notebook([IMPORTS, WRONG_HIDDEN_DELTA, BACKPROP])},
             {"section1/bob.ipynb": FULL, "section2/bob.ipynb": {"hidden_delta": 0, "backprop": 6}}),
        Case("fork-bomb", "a daemon left running at top level, a fork bomb inside hidden_delta",
             {"forks_a3.ipynb": notebook(honest_a3(
                 "import os, time\npid = os.fork()\nif pid == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                 f"        open({daemon_pid!r}, 'w').write(str(os.getpid()))\n        time.sleep(600)\n"
                 "    os._exit(0)\nos.waitpid(pid, 0)\ntime.sleep(0.2)",
                 tail=["import os, time\ndef hidden_delta(delta_next, W_next, a):\n    while True:\n"
                       "        try:\n            os.fork()\n        except OSError:\n"
                       "            time.sleep(0.01)  # at the process limit (a gentle bomb: the machine is shared)"]))},
             {"hidden_delta": 0, "backprop": 6}, pidfile=daemon_pid),
        Case("a6-constant", "a6: predict answers 0 for every digit",
             {"lazy_a6.ipynb": notebook([IMPORTS, "def train_mlp(X, y, seed=0):\n"
                                                  "    return lambda X_new: np.zeros(len(X_new), dtype=int)"], "a6")},
             {"train_mlp": 0}, feedback={"train_mlp": "held-out accuracy"}),
        Case("a6-peek-at-labels", "a6: predict hunts the held-out labels in memory (they are not there)",
             {"peek_a6.ipynb": notebook([IMPORTS, "import gc\ndef train_mlp(X, y, seed=0):\n"
                                                  "    def predict(X_new):\n"
                                                  "        for o in gc.get_objects():\n"
                                                  "            if type(o).__name__ == 'Trial' and 'y_test' in o.secret:\n"
                                                  "                return o.secret['y_test']\n"
                                                  "        return np.full(len(X_new), -1)\n"
                                                  "    return predict"], "a6")},
             {"train_mlp": 0}, feedback={"train_mlp": "held-out accuracy"}),
        Case("a6-too-slow", "a6: training never ends",
             {"slow_a6.ipynb": notebook([IMPORTS, "import time\ndef train_mlp(X, y, seed=0):\n"
                                                  "    time.sleep(3600)"], "a6")},
             {"train_mlp": 0}, feedback={"train_mlp": "timed out after 6 s (wall clock)"}),
    ]


def write(case: Case, folder: str) -> list:
    """Write a case's files under ``folder``; return their paths."""
    return [write_notebook(folder, rel, content) for rel, content in case.files.items()]


def expected_rows(case: Case, folder: str) -> dict:
    """``{absolute path: {function: points}}`` for a case's files."""
    if all(rel in case.scores for rel in case.files):
        return {os.path.join(folder, rel): case.scores[rel] for rel in case.files}
    return {os.path.join(folder, rel): case.scores for rel in case.files}
