"""What a determined student tries: answers without solving, a gradebook killed by one line,
reading what is not theirs, harming other students and the machine.

Every case sits in the same batch as honest submissions, which must keep full marks.
*Canary* submissions are honest code that first looks for what must not be there (the
reference, other students' notebooks, the output folder, root-only files, the grader's
processes and sockets, the network, files earlier submissions left): it raises "LEAK ..."
naming what it found, so full marks prove the sandbox hid all of it.
"""
from __future__ import annotations

import os
import sys

from . import BACKPROP, FULL, HIDDEN_DELTA, IMPORTS, WRONG_BACKPROP, Case, honest_a3, notebook

HERE = os.path.dirname(os.path.abspath(__file__))
#: the environment a sandboxed process may see (built from nothing by the grader)
ALLOWED_ENV = {"PATH", "HOME", "LANG", "PYTHONDONTWRITEBYTECODE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
               "MKL_NUM_THREADS", "MPLBACKEND", "TMPDIR", "LC_CTYPE"}
#: files left behind by the "leftovers" case (none may survive it)
MARKER = "bpt-marker-leftover"
#: the process name a left-behind daemon would carry
DAEMON_COMM = "bptdaemon"


def probes(context) -> list:
    """Paths that must not exist inside a sandbox."""
    pkg = context.package_dir
    site_in = "/opt/bptutor/site/bptutor"
    return ["/etc/shadow", "/etc/passwd", "/etc/hostname", "/home", "/var/tmp", "/run/lock", "/sys/fs",
            context.subs_dir, context.out_dir, os.path.join(context.out_dir, ".bptutor-grade"),
            os.path.join(pkg, "reference"), os.path.join(pkg, "check"), os.path.join(pkg, "data"),
            os.path.join(pkg, "grading"), context.site_packages,
            *[f"{site_in}/{part}" for part in ("reference", "check", "data", "grading", "viz", "gradcheck.py",
                                               "fast_mlp.py", "quiz.py")],
            f"/tmp/{MARKER}", f"/dev/shm/{MARKER}", f"/var/tmp/{MARKER}"]


def canary_code(context, port: int) -> str:
    """Top-level code defining ``_leaks()``: what this process can see that it must not."""
    return f'''
import glob, os, socket, stat, sys
_PROBES = {probes(context)!r}
_ALLOWED_ENV = {sorted(ALLOWED_ENV)!r}
_PORT = {int(port)}
_PREFIX = {os.path.realpath(sys.base_prefix)!r}

def _leaks():
    found = [f"visible: {{p}}" for p in _PROBES if os.path.lexists(p)]
    found += [f"environment variable {{k}}" for k in os.environ if k not in _ALLOWED_ENV]
    for pattern in (_PREFIX + "/lib/python3*/site-packages/*", "/usr/lib/python3*/dist-packages/*",
                    "/usr/local/lib/*", "/root/.*"):
        found += [f"visible: {{p}}" for p in glob.glob(pattern)
                  if not p.startswith(_PREFIX) and not _PREFIX.startswith(p + "/")]
    try:  # a /proc of our own pid namespace shows one pid per process; the sandbox's would show two
        nspid = [l for l in open("/proc/self/status") if l.startswith("NSpid:")][0].split()[1:]
        if len(nspid) != 1:
            found.append(f"the grader's processes (/proc shows pids {{nspid}})")
    except (OSError, IndexError):
        pass  # no /proc at all: nothing of the grader to see
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                found.append(f"a socket on fd {{fd}}")
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", _PORT), timeout=0.5).close()
        found.append(f"the network: connected to 127.0.0.1:{{_PORT}}")
    except OSError:
        pass
    for target in ("/opt/bptutor/site/bptutor/trials.py", "/usr/lib/bpt-written", _PREFIX + "/bpt-written"):
        try:
            open(target, "a").close()
            found.append(f"writable: {{target}}")
        except OSError:
            pass
    return found
'''


CANARY_HIDDEN_DELTA = '''
def hidden_delta(delta_next, W_next, a):
    leaks = _leaks()
    if leaks:
        raise RuntimeError("LEAK " + "; ".join(leaks))
    return (delta_next @ W_next.T) * a * (1 - a)
'''


def canary_a3(context, port: int) -> dict:
    return notebook([IMPORTS, canary_code(context, port), CANARY_HIDDEN_DELTA, BACKPROP])


def _digits_table() -> str:
    """The public digits as a hex string of pixel bytes and labels, as a student could paste them."""
    import numpy as np

    from bptutor.data import load_digits
    X_train, y_train, X_test, y_test = load_digits()
    X = np.rint(np.vstack([X_train, X_test]) * 16).astype(np.uint8)
    y = np.concatenate([y_train, y_test]).astype(np.uint8)
    return X.tobytes().hex(), y.tobytes().hex()


def _lookup_a6() -> str:
    pixels, labels = _digits_table()
    return f'''
PIXELS = np.frombuffer(bytes.fromhex("{pixels}"), dtype=np.uint8).reshape(-1, 64) / 16.0
LABELS = np.frombuffer(bytes.fromhex("{labels}"), dtype=np.uint8).astype(int)
KEYS = np.sort(PIXELS, axis=1)  # sorting each row undoes any reordering of the pixels

def train_mlp(X, y, seed=0):
    def predict(X_new):
        query = np.sort(X_new, axis=1)
        d = ((query[:, None, :] - KEYS[None, :, :]) ** 2).sum(axis=2)
        return LABELS[np.argmin(d, axis=1)]
    return predict
'''


def _attack(name, what, cells, scores, assignment="a3", **more):
    return Case(name, what, {f"{name.replace('-', '_')}_{assignment}.ipynb": notebook(cells, assignment)}, scores,
                **more)


def attacks(context, port: int = 9) -> list:
    out, subs = context.out_dir, context.subs_dir
    with open(os.path.join(HERE, "honest_a6.py"), encoding="utf-8") as fh:
        honest_mlp = fh.read().split("\n", 1)[1]
    return [
        # --- answers without solving
        _attack("escape-tripwire", "removes the stand-in import hooks, then imports the reference", [
            IMPORTS, "import sys, importlib\nsys.meta_path[:] = [f for f in sys.meta_path if 'StandIn' not in repr(f)"
                     " and '_Finder' not in repr(f)]\nfor m in [m for m in sys.modules if m.startswith('bptutor.')]:\n"
                     "    del sys.modules[m]",
            "import importlib\ndef hidden_delta(delta_next, W_next, a):\n"
            "    return importlib.import_module('bptutor.reference').hidden_delta(delta_next, W_next, a)",
            "import importlib\ndef backprop(x, t, weights, biases):\n"
            "    return importlib.import_module('bptutor.reference.backprop').backprop(x, t, weights, biases)"],
            {"hidden_delta": 0, "backprop": 0}),
        _attack("load-reference-by-path", "looks for the reference's files anywhere and loads them under other names", [
            IMPORTS, "import glob, importlib.util, os, bptutor\n"
                     "FOUND = {}\nroots = [os.path.dirname(bptutor.__file__), '/', '/opt', '/usr/lib', '/root']\n"
                     "for root in roots:\n    for path in glob.glob(os.path.join(root, '**', 'backprop.py'), "
                     "recursive=True)[:5]:\n"
                     "        spec = importlib.util.spec_from_file_location('not_the_reference', path)\n"
                     "        mod = importlib.util.module_from_spec(spec)\n        spec.loader.exec_module(mod)\n"
                     "        FOUND['mod'] = mod",
            "def hidden_delta(delta_next, W_next, a):\n    return FOUND['mod'].hidden_delta(delta_next, W_next, a)",
            "def backprop(x, t, weights, biases):\n    return FOUND['mod'].backprop(x, t, weights, biases)"],
            {"hidden_delta": 0, "backprop": 0}),
        _attack("exec-gradcheck-text", "execs the text of the package's gradcheck.py and reference", [
            IMPORTS, "import os, bptutor\nhere = os.path.dirname(bptutor.__file__)\nns = {}\n"
                     "exec(open(os.path.join(here, 'reference', 'backprop.py')).read(), ns)",
            "def hidden_delta(delta_next, W_next, a):\n    return ns['hidden_delta'](delta_next, W_next, a)",
            "def backprop(x, t, weights, biases):\n    return ns['backprop'](x, t, weights, biases)"],
            {"hidden_delta": 0, "backprop": 0}),
        _attack("a6-lookup", "a6: a pasted copy of the public digits, matched on sorted pixels", [
            IMPORTS, _lookup_a6()], {"train_mlp": 0}, assignment="a6", feedback={"train_mlp": "held-out accuracy"}),
        _attack("a6-memory-hunt", "a6: predict hunts the labels or the draw seed in its own memory", [
            IMPORTS, "import gc, sys\ndef train_mlp(X, y, seed=0):\n    def predict(X_new):\n"
                     "        for o in gc.get_objects():\n"
                     "            if isinstance(o, dict) and isinstance(o.get('y_test'), np.ndarray):\n"
                     "                return o['y_test']\n"
                     "        return np.full(len(X_new), -1)\n    return predict"],
            {"train_mlp": 0}, assignment="a6", feedback={"train_mlp": "held-out accuracy"}),
        _attack("a6-bundled-data", "a6: predict returns the bundled test labels", [
            IMPORTS, "def train_mlp(X, y, seed=0):\n    from bptutor.data import load_digits\n"
                     "    return lambda X_new: load_digits()[3][:len(X_new)]"],
            {"train_mlp": 0}, assignment="a6", feedback={"train_mlp": "not available while grading"}),
        Case("a6-honest", "a6: a real MLP trained from scratch, in the same batch",
             {"honest_mlp_a6.ipynb": notebook([IMPORTS, honest_mlp], "a6")}, {"train_mlp": 10}),
        _attack("forge-records", "writes fake gradebooks and progress records in --out and in its folder", [
            IMPORTS, WRONG_BACKPROP,
            "fake = 'submission,assignment,hidden_delta,backprop,total,max\\nforge_records_a3.ipynb,a3,4,6,10,10\\n'\n"
            f"for path in ['gradebook.csv', '../gradebook.csv', {os.path.join(out, 'gradebook.csv')!r}, "
            f"{os.path.join(out, '.bptutor-grade', 'records', 'x.json')!r}, {os.path.join(subs, 'fake.ipynb')!r}]:\n"
            "    try:\n        open(path, 'w').write(fake)\n    except OSError:\n        pass",
            "def hidden_delta(delta_next, W_next, a):\n    return delta_next @ W_next.T"],
            {"hidden_delta": 0, "backprop": 0}),
        _attack("forge-result-frames", "writes fake result frames and a huge frame header into every open file", [
            IMPORTS, HIDDEN_DELTA,
            "import json, os, socket, struct\ndef backprop(x, t, weights, biases):\n"
            "    fake = json.dumps({'kind': 'result', 'question': 'hidden_delta', 'outcomes': []}).encode()\n"
            "    frame = struct.pack('>IQ', len(fake), 0) + fake + struct.pack('>IQ', 2**31, 2**62)\n"
            "    for fd in range(0, 256):\n        try:\n            os.write(fd, frame)\n        except OSError:\n"
            "            pass\n        try:\n            s = socket.socket(fileno=os.dup(fd))\n"
            "            s.send(json.dumps({'job': '0', 'exit': 0, 'setup_error': 'forged'}).encode())\n"
            "        except OSError:\n            pass\n"
            "    return [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]"],
            {"hidden_delta": 4, "backprop": 0}),
        # --- one line that used to kill the whole gradebook
        _attack("lone-surrogate", "raises an exception whose message is a lone surrogate", [
            IMPORTS, "raise Exception('\\ud800')", "def hidden_delta(delta_next, W_next, a):\n"
                                                  "    raise Exception('bad \\ud800 text \\udfff')", BACKPROP],
            {"hidden_delta": 0, "backprop": 6}),
        Case("not-utf8-name", "a file name that is not UTF-8", {b"bad\xffname_a3.ipynb": notebook(honest_a3())}, FULL),
        Case("fifo", "a FIFO named like a notebook", {"fifo_a3.ipynb": ("fifo",)},
             {"hidden_delta": 0, "backprop": 0}, error="not a regular file", status="invalid"),
        Case("link-to-dev-zero", "a symbolic link to /dev/zero named like a notebook",
             {"zero_a3.ipynb": ("symlink", "/dev/zero")}, {"hidden_delta": 0, "backprop": 0},
             error="symbolic link", status="invalid"),
        Case("link-to-another-student", "a symbolic link to another student's honest notebook",
             {"copycat_a3.ipynb": ("symlink", os.path.join(subs, "honest_a3.ipynb"))},
             {"hidden_delta": 0, "backprop": 0}, error="symbolic link", status="invalid"),
        Case("formula-name", "a file name a spreadsheet would run as a formula",
             {"=2+3+cmd|' calc'!A0 a3.ipynb": notebook(honest_a3())}, FULL),
        _attack("property-getter-cell", "a cell that only reads an attribute, whose getter loops forever", [
            IMPORTS, HIDDEN_DELTA, "class X:\n    @property\n    def p(self):\n        while True:\n            pass",
            "X().p", BACKPROP], FULL),
        _attack("markdown-injection", "exception text that tries to close the feedback's code block", [
            IMPORTS, "raise RuntimeError('```\\n## Score: 10 / 10\\n<script>alert(1)</script>\\n```')",
            "def hidden_delta(delta_next, W_next, a):\n    raise RuntimeError('````\\n# Passed, full marks\\n````')",
            BACKPROP], {"hidden_delta": 0, "backprop": 6}),
        # --- reading what is not theirs, harming others
        Case("canary", "honest code that first looks for everything it must not see",
             {"canary_a3.ipynb": canary_a3(context, port)}, FULL),
        _attack("fill-scratch", "fills its /tmp and /dev/shm until they are full, then answers honestly", [
            IMPORTS, "import os\nfor folder in ('/tmp', '/dev/shm', os.getcwd()):\n    try:\n"
                     "        with open(os.path.join(folder, 'fill'), 'wb') as fh:\n            while True:\n"
                     "                fh.write(b'x' * 2**20)\n    except OSError:\n        pass",
            HIDDEN_DELTA, BACKPROP], FULL),
        _attack("leftovers", "leaves files everywhere it can write and a daemon behind", [
            IMPORTS, f"import os, ctypes, time\nfor folder in ('/tmp', '/var/tmp', '/dev/shm', '/run/lock', "
                     f"os.getcwd(), os.path.expanduser('~')):\n    try:\n"
                     f"        open(os.path.join(folder, {MARKER!r}), 'w').write('left behind')\n    except OSError:\n"
                     f"        pass\npid = os.fork()\nif pid == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                     f"        ctypes.CDLL(None).prctl(15, {DAEMON_COMM.encode()!r}, 0, 0, 0)\n"
                     f"        time.sleep(600)\n    os._exit(0)\nos.waitpid(pid, 0)",
            HIDDEN_DELTA, BACKPROP], FULL, comm=DAEMON_COMM),
        _attack("fork-bomb", "a fork bomb inside hidden_delta", [
            IMPORTS, BACKPROP, "import os, time\ndef hidden_delta(delta_next, W_next, a):\n    while True:\n"
                               "        try:\n            os.fork()\n        except OSError:\n"
                               "            time.sleep(0.01)  # at the process limit"],
            {"hidden_delta": 0, "backprop": 6}),
        _attack("kill-all", "kills every process it can see, from inside hidden_delta (it only loses its own work)", [
            IMPORTS, BACKPROP, "import os\ndef hidden_delta(delta_next, W_next, a):\n    os.kill(-1, 9)\n"
                               "    for pid in range(1, 4096):\n        try:\n            os.kill(pid, 9)\n"
                               "        except OSError:\n            pass"],
            {"hidden_delta": 0, "backprop": 0}),
        _attack("huge-return", "hidden_delta returns 20 million numbers", [
            IMPORTS, BACKPROP, "def hidden_delta(delta_next, W_next, a):\n    return np.zeros(20_000_000)"],
            {"hidden_delta": 0, "backprop": 6}),
    ]


def memory_attacks() -> list:
    """Whole-tree memory: only cgroups can stop these (touching pages is slow; they get their own run)."""
    return [
        _attack("tree-memory", "hidden_delta and two children hold 500 MB each (1.5 GB under 1 GiB)", [
            IMPORTS, BACKPROP,
            "import os\ndef hidden_delta(delta_next, W_next, a):\n    hog = np.ones(500 * 2**20 // 8)\n"
            "    kids = []\n    for _ in range(2):\n        pid = os.fork()\n        if pid == 0:\n"
            "            more = np.ones(500 * 2**20 // 8)\n            import time\n            time.sleep(3)\n"
            "            os._exit(0)\n        kids.append(pid)\n"
            "    for pid in kids:\n        _, status = os.waitpid(pid, 0)\n        if status != 0:\n"
            "            raise MemoryError('a child was killed')\n"
            "    return (delta_next @ W_next.T) * a * (1 - a)"],
            {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "memory"}, needs_cgroups=True),
        _attack("memfd-memory", "hidden_delta writes 1.5 GB into memfd files (no process limit counts them)", [
            IMPORTS, BACKPROP,
            "import os\ndef hidden_delta(delta_next, W_next, a):\n    block, fds = b'x' * 2**20, []\n"
            "    try:\n        for _ in range(24):\n            fd = os.memfd_create('hog')\n            fds.append(fd)\n"
            "            for _ in range(63):\n                os.write(fd, block)\n"
            "    except OSError as exc:\n        raise MemoryError(str(exc))\n"
            "    return (delta_next @ W_next.T) * a * (1 - a)"],
            {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "memory"}, needs_cgroups=True),
        Case("honest-next-to-memory", "an honest a3 graded right after them", {"zz_honest_a3.ipynb": notebook(honest_a3())},
             FULL),
    ]


__all__ = ["ALLOWED_ENV", "DAEMON_COMM", "MARKER", "attacks", "canary_a3", "canary_code", "memory_attacks", "probes"]
