"""The classic failures: code that loops, eats memory, exits or crashes, broken files, shared names.

Honest submissions sit among them; each must still get full marks.
"""
from __future__ import annotations

import json

from . import (
    A5_FULL,
    BACKPROP,
    FULL,
    HIDDEN_DELTA,
    IMPORTS,
    SOFTMAX_FUNCS,
    WRONG_BACKPROP,
    WRONG_HIDDEN_DELTA,
    Case,
    honest_a3,
    notebook,
)


def classic(context) -> list:
    return [
        Case("honest", "a correct a3 notebook", {"honest_a3.ipynb": notebook(honest_a3())}, FULL),
        Case("honest-a5", "a correct a5 notebook in the same batch",
             {"honest_a5.ipynb": notebook([IMPORTS, SOFTMAX_FUNCS], "a5")}, A5_FULL),
        Case("magics", "IPython magics, shell escapes, plots and display() at top level",
             {"magics_a3.ipynb": notebook(honest_a3(
                 "%matplotlib inline\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
                 "ax.plot([0, 1], [1, 0])\nplt.show()",
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
             {"hidden_delta": 0, "backprop": 0}, error="not valid JSON", status="invalid"),
        Case("empty-file", "a file of zero bytes", {"empty_a3.ipynb": b""},
             {"hidden_delta": 0, "backprop": 0}, error="empty", status="invalid"),
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
        Case("a6-constant", "a6: predict answers 0 for every digit",
             {"lazy_a6.ipynb": notebook([IMPORTS, "def train_mlp(X, y, seed=0):\n"
                                                  "    return lambda X_new: np.zeros(len(X_new), dtype=int)"], "a6")},
             {"train_mlp": 0}, feedback={"train_mlp": "held-out accuracy"}),
        Case("a6-too-slow", "a6: training never ends",
             {"slow_a6.ipynb": notebook([IMPORTS, "import time\ndef train_mlp(X, y, seed=0):\n"
                                                  "    time.sleep(3600)"], "a6")},
             {"train_mlp": 0}, feedback={"train_mlp": "timed out after 6 s (wall clock)"}),
    ]
