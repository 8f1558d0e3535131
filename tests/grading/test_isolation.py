"""What the sandbox holds and what survives it: the view listed from inside, files and processes
left by one submission invisible to the next, whole-tree memory limits, and the tools' refusals."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import grading_corpus
from helpers.corpus_run import cgroups_writable, grade_corpus, judge_case, processes_named
from helpers.grading_corpus import attacks

import bptutor
from bptutor.assignments import Assignment, Question
from bptutor.grading import sandbox_view
from bptutor.grading.jobs import Job, Limits
from bptutor.grading.judging import Stream
from bptutor.grading.sandbox_worker import SandboxWorker, choose
from bptutor.grading.submissions import Submission
from bptutor.trials import Trial

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox needs Linux")

PROBE = '''
import os
def probe():
    seen = []
    for folder in FOLDERS:
        try:
            seen += [os.path.join(folder, n) for n in os.listdir(folder)]
        except OSError:
            pass
    for top in DEEP:
        for root, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            seen += [os.path.join(root, n) for n in dirs + files]
    return np.frombuffer("\\n".join(sorted(set(seen))).encode(), dtype=np.uint8).astype(float)
'''


def _run_in_sandbox(cells, name="probe", trials=None):
    """Run ``cells`` in a fresh sandbox and return ``name()``'s first outcome."""
    question = Question(name, (), 1, lambda rng: [Trial("probe", ())], "", "")
    assignment = Assignment("probe", "probe", "probe.ipynb", "", (question,))
    sub = Submission("/probe.ipynb", "probe", "probe", "probe", cells, list(range(1, len(cells) + 1)))
    job = Job("0", sub, assignment, {name: trials or [Trial("probe", ())]}, Limits.for_assignment(assignment, 20, 1024))
    worker = SandboxWorker(choose(), f"probe-{os.getpid()}", 2**30)
    try:
        result = worker.run(job.id, job.payload(), job.settings())
    finally:
        worker.close()
    _, values = Stream(result).results[name]
    return values[0]


def _ancestors(path):
    out = []
    while path != "/":
        path = os.path.dirname(path)
        out.append(path)
    return out


def test_the_view_holds_only_python_numpy_and_the_child_side():
    binds = sandbox_view.binds()
    targets = {b.target for b in binds} | {link for _, link in sandbox_view.symlinks()}
    targets |= {"/proc", "/dev", "/tmp"}
    ancestors = {a for t in targets for a in _ancestors(t)} - {"/"}
    child = f"{sandbox_view.SITE}/bptutor"
    hidden = [b.target for b in binds if b.hide]
    folders = sorted({"/"} | ancestors)
    code = f"import numpy as np\nFOLDERS = {folders!r}\nDEEP = {[child, *hidden]!r}\n" + PROBE
    outcome = _run_in_sandbox([code])
    assert outcome["status"] == "ok", outcome
    seen = bytes(np.asarray(outcome["value"], dtype=np.uint8)).decode().split("\n")
    shallow = [p for p in seen if not p.startswith(child + "/") and not any(p.startswith(h + "/") for h in hidden)]
    bound = {b.target for b in binds if not b.hide}
    outside = [p for p in shallow if p not in targets and p not in ancestors and os.path.dirname(p) not in bound]
    assert outside == [], f"visible outside the allowed set: {outside}"
    assert not [p for p in seen if any(p.startswith(h + "/") for h in hidden)], "site-packages must look empty"
    package = os.path.dirname(os.path.abspath(bptutor.__file__))
    inside = sorted(os.path.relpath(p, child) for p in seen if p.startswith(child + "/"))
    allowed = set(sandbox_view.CHILD_SIDE)
    assert {p.split("/")[0] for p in inside} <= allowed, inside
    for forbidden in ("reference", "check", "data", "grading", "viz", "gradcheck.py", "fast_mlp.py", "quiz.py"):
        assert not [p for p in inside if p.split("/")[0] == forbidden], forbidden
    on_disk = sorted(os.path.relpath(os.path.join(r, n), package)
                     for part in ("sandbox", "assignments") for r, ds, fs in os.walk(os.path.join(package, part))
                     for n in ds + fs if "__pycache__" not in r and n != "__pycache__")
    assert [p for p in inside if "/" in p and p.split("/")[0] in ("sandbox", "assignments")] == on_disk


def test_the_environment_is_built_from_nothing(monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_SECRET", "do-not-leak")
    code = ("import os, numpy as np\ndef probe():\n"
            "    return np.frombuffer(' '.join(sorted(os.environ)).encode(), dtype=np.uint8).astype(float)")
    outcome = _run_in_sandbox([code])
    names = set(bytes(np.asarray(outcome["value"], dtype=np.uint8)).decode().split())
    assert names <= attacks.ALLOWED_ENV, names - attacks.ALLOWED_ENV


def test_nothing_one_submission_leaves_reaches_the_next(tmp_path):
    context = grading_corpus.Context(str(tmp_path / "out"), str(tmp_path / "submitted"),
                                     os.path.dirname(os.path.abspath(bptutor.__file__)), "/site")
    every = {c.name: c for c in grading_corpus.all_cases(context)}
    leftovers, canary = every["leftovers"], every["canary"]
    canary = grading_corpus.Case("canary-after", canary.what, {"zz_canary_a3.ipynb": canary.files["canary_a3.ipynb"]},
                                 canary.scores)
    cases, subs, rows, seconds, code, stderr = grade_corpus(str(tmp_path), jobs=1, cases=[leftovers, canary])
    assert code == 0, stderr
    assert judge_case(canary, subs, rows) == [] and judge_case(leftovers, subs, rows) == []
    assert processes_named(attacks.DAEMON_COMM) == []
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", str(tmp_path)):
        assert not os.path.exists(os.path.join(folder, attacks.MARKER)), folder


def test_the_canary_sees_everything_without_a_sandbox(tmp_path):
    """The canary can fail: with --unsafe-no-sandbox it finds the reference, the out folder and more."""
    context = grading_corpus.Context(str(tmp_path / "out"), str(tmp_path / "submitted"),
                                     os.path.dirname(os.path.abspath(bptutor.__file__)), "/site")
    canary = next(c for c in grading_corpus.all_cases(context) if c.name == "canary")
    subs = str(tmp_path / "submitted")
    grading_corpus.write(canary, subs)
    done = subprocess.run([sys.executable, "-m", "bptutor", "grade", subs, "--out", str(tmp_path / "out"),
                           "--unsafe-no-sandbox"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "WITHOUT a sandbox" in done.stderr
    row = json.loads((tmp_path / "out" / "gradebook.json").read_text())[0]
    assert "WITHOUT a sandbox" in row["error"]
    feedback = next(q["feedback"] for q in row["questions"] if q["id"] == "hidden_delta")
    assert "LEAK" in feedback and "reference" in feedback, feedback


@pytest.mark.slow
@pytest.mark.skipif(not cgroups_writable(), reason="whole-tree limits need writable cgroups (root)")
def test_memory_is_limited_for_the_whole_process_tree(tmp_path):
    cases, subs, rows, seconds, code, stderr = grade_corpus(str(tmp_path), timeout=20, jobs=1,
                                                            cases=attacks.memory_attacks())
    assert code == 0, stderr
    assert {c.name: judge_case(c, subs, rows) for c in cases} == {c.name: [] for c in cases}


def test_no_bubblewrap_is_a_clear_error_naming_the_package(tmp_path):
    nb = tmp_path / "s" / "x_a3.ipynb"
    nb.parent.mkdir()
    nb.write_text(json.dumps(grading_corpus.notebook(grading_corpus.honest_a3())))
    env = dict(os.environ, BPTUTOR_BWRAP="/nonexistent/bwrap", PATH="/nonexistent")
    done = subprocess.run([sys.executable, "-m", "bptutor", "grade", str(nb.parent), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "apt-get install bubblewrap" in done.stderr and "--unsafe-no-sandbox" in done.stderr
    assert not (tmp_path / "o" / "gradebook.json").exists()
