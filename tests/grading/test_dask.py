"""``bptutor grade --dask``: a real two-process Dask cluster must write the gradebook the local pool writes.

A small class -- honest a3 and a5, a wrong function, a broken file, attacks from the corpus
(monkeypatching, calling the reference, forged result frames, forged gradebooks in --out,
os._exit) and an honest notebook that sleeps two seconds at top level -- is graded by the
local pool, then into the same out folder (same key, so the same trials) on a
``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` with ``--regrade``: the
gradebook, its CSV and every feedback file must be the same bytes. Then once more while a
worker is killed in the middle of a job (the job runs again elsewhere; the gradebook is
complete and still the same). A worker without bubblewrap stops the run with a message
naming it; without dask installed ``--dask`` says how to get it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from helpers import grading_corpus
from helpers.corpus_run import judge_case
from helpers.grading_corpus import BACKPROP, HIDDEN_DELTA, IMPORTS, WRONG_HIDDEN_DELTA, Case, notebook

from bptutor import cli
from bptutor.assignments import assignment as get_assignment
from bptutor.grading import dask_pool, draws, submissions
from bptutor.grading.jobs import Job, Limits
from bptutor.grading.sandbox_worker import Isolation, SandboxUnavailable

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="the sandbox needs Linux")]

CORPUS = ("honest", "honest-a5", "truncated-json", "monkeypatch", "calls-reference", "forge-result-frames",
          "forge-records", "os-exit")
SLOW_SECONDS = 2.0
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def own_cases() -> list:
    return [
        Case("wrong", "hidden_delta without the activation derivative",
             {"wrong_a3.ipynb": notebook([IMPORTS, WRONG_HIDDEN_DELTA, BACKPROP])},
             {"hidden_delta": 0, "backprop": 6}, feedback={"hidden_delta": "missing activation derivative"}),
        Case("slow-honest", "an honest notebook that sleeps at top level (the job a worker dies in)",
             {"slow_a3.ipynb": notebook([IMPORTS, f"import time\ntime.sleep({SLOW_SECONDS})", HIDDEN_DELTA,
                                         BACKPROP])}, grading_corpus.FULL),
    ]


def grade(subs, out, *extra, wait=True):
    command = [sys.executable, "-m", "bptutor", "grade", subs, "--out", out, "--timeout", "2", "--jobs", "2", *extra]
    if not wait:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    return subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=240)


def snapshot(out) -> dict:
    """The gradebook's files, as bytes (there is no timing field in any of them to ignore)."""
    names = ["gradebook.json", "gradebook.csv"] + [os.path.join("feedback", n)
                                                   for n in sorted(os.listdir(os.path.join(out, "feedback")))]
    files = {}
    for name in names:
        with open(os.path.join(out, name), "rb") as fh:
            files[name] = fh.read()
    return files


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as local, distributed.Client(local) as client:
        yield local.scheduler_address, client


@pytest.fixture(scope="module")
def graded_locally(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("dask-class"))
    subs, out = os.path.join(tmp, "submitted"), os.path.join(tmp, "out")
    context = grading_corpus.Context(out, subs, os.path.dirname(os.path.abspath(cli.__file__)), "/site")
    cases = [c for c in grading_corpus.all_cases(context) if c.name in CORPUS] + own_cases()
    assert len(cases) == len(CORPUS) + 2
    for case in cases:
        grading_corpus.write(case, subs)
    done = grade(subs, out)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(os.path.join(out, "gradebook.json"), encoding="utf-8") as fh:
        rows = {os.path.abspath(r["submission"]): r for r in json.load(fh)}
    return {"cases": cases, "subs": subs, "out": out, "rows": rows, "files": snapshot(out)}


def test_the_local_pool_grades_the_class_as_the_corpus_expects(graded_locally):
    problems = {c.name: judge_case(c, graded_locally["subs"], graded_locally["rows"]) for c in graded_locally["cases"]}
    assert {name: p for name, p in problems.items() if p} == {}


def test_dask_writes_the_same_gradebook_as_the_local_pool(cluster, graded_locally):
    address, _ = cluster
    done = grade(graded_locally["subs"], graded_locally["out"], "--dask", address, "--regrade")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0 reused from an earlier run" in done.stdout and "0 with errors" in done.stdout, done.stdout
    assert snapshot(graded_locally["out"]) == graded_locally["files"]


def test_a_worker_killed_mid_job_still_gives_the_complete_gradebook(cluster, graded_locally):
    address, client = cluster
    running = grade(graded_locally["subs"], graded_locally["out"], "--dask", address, "--regrade", wait=False)
    killed, seen, deadline = None, {}, time.monotonic() + 120
    try:
        while killed is None and running.poll() is None and time.monotonic() < deadline:
            now = time.monotonic()
            for worker, keys in client.processing().items():
                for key in keys:
                    if not str(key).startswith("bptutor-grade-"):
                        continue
                    first = seen.setdefault((worker, key), now)
                    if now - first > SLOW_SECONDS / 2 and killed is None:  # only the sleeping job takes this long
                        killed = (worker, client.run(os.getpid, workers=[worker])[worker])
                        os.kill(killed[1], signal.SIGKILL)
            time.sleep(0.05)
        stdout, stderr = running.communicate(timeout=180)
    finally:
        if running.poll() is None:
            running.kill()
    assert killed is not None, "no job ran long enough to kill its worker"
    assert running.returncode == 0, stderr[-2000:]
    assert "0 with errors" in stdout, stdout
    assert snapshot(graded_locally["out"]) == graded_locally["files"]
    client.wait_for_workers(2, timeout=60)  # the nanny started a new worker in its place


def test_a_worker_without_bubblewrap_stops_the_run_and_is_named(cluster, graded_locally, tmp_path):
    address, client = cluster
    client.wait_for_workers(2, timeout=60)
    worker = sorted(client.scheduler_info()["workers"])[0]

    def set_bwrap(path):
        import os
        if path is None:
            os.environ.pop("BPTUTOR_BWRAP", None)
        else:
            os.environ["BPTUTOR_BWRAP"] = path

    client.run(set_bwrap, "/nonexistent/bwrap", workers=[worker])
    try:
        done = grade(graded_locally["subs"], str(tmp_path / "out"), "--dask", address)
    finally:
        client.run(set_bwrap, None, workers=[worker])
    assert done.returncode == 2
    assert worker in done.stderr and "apt-get install bubblewrap" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "gradebook.json").exists()


def test_without_dask_installed_the_message_says_how_to_get_it(monkeypatch, tmp_path, capsys):
    path = os.path.join(tmp_path, "honest_a3.ipynb")
    grading_corpus.write(Case("honest", "", {"honest_a3.ipynb": notebook(grading_corpus.honest_a3())}, {}),
                         str(tmp_path))
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    code = cli.main(["grade", path, "--out", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "pip install bptutor[dask]" in capsys.readouterr().err


# --------------------------------------------------------------------------- the worker side, in this process
def one_job(tmp_path, cells, deadline):
    path = os.path.join(tmp_path, "student_a3.ipynb")
    grading_corpus.write(Case("x", "", {"student_a3.ipynb": notebook(cells)}, {}), str(tmp_path))
    sub = submissions.read(path)
    a3 = get_assignment("a3")
    job = Job("0", sub, a3, draws.draw_trials(a3, 1), Limits.for_assignment(a3, 2.0, 512))
    return job, dict(job.settings(), deadline=deadline)


def test_a_submission_that_times_out_is_a_result_not_a_failure_to_retry(tmp_path):
    job, settings = one_job(tmp_path, [IMPORTS, "import time\ntime.sleep(30)", HIDDEN_DELTA], deadline=1.0)
    try:
        result = dask_pool.run_job(job.id, job.payload(), settings, "bwrap", 512 * 2**20)
    finally:
        dask_pool.close_sandboxes()
    assert result["deadline_hit"] is True and result["worker_died"] is False


def test_a_sandbox_that_stops_answering_raises_so_dask_retries(tmp_path):
    job, settings = one_job(tmp_path, [IMPORTS, "import time\ntime.sleep(30)", HIDDEN_DELTA], deadline=60.0)
    outcome = {}

    def run():
        try:
            outcome["result"] = dask_pool.run_job(job.id, job.payload(), settings, "bwrap", 512 * 2**20)
        except dask_pool.SandboxStopped as exc:
            outcome["raised"] = str(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        for _ in range(200):
            if dask_pool._SANDBOXES:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # the job is running
        sandbox = next(iter(dask_pool._SANDBOXES.values()))
        os.killpg(sandbox.proc.pid, signal.SIGKILL)
        thread.join(timeout=30)
    finally:
        dask_pool.close_sandboxes()
    assert "stopped answering" in outcome.get("raised", ""), outcome


class FakeClient:
    """What check_workers asks of a client, answering with ``answers``."""

    def __init__(self, answers):
        self.answers = answers

    def wait_for_workers(self, n, timeout=None):
        pass

    def run(self, function, *args, on_error="raise"):
        return self.answers


def test_workers_with_other_code_another_python_or_no_bptutor_are_named():
    good = dask_pool.worker_report("bwrap")
    assert good["problem"] == "" and good["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    answers = {"tcp://10.0.0.1:1": good, "tcp://10.0.0.2:2": dict(good, grader="0" * 16, python="3.9"),
               "tcp://10.0.0.3:3": ModuleNotFoundError("No module named 'bptutor'")}
    pool = dask_pool.DaskPool("tcp://scheduler:8786", Isolation("bwrap"), 2**30)
    with pytest.raises(SandboxUnavailable) as raised:
        pool.check_workers(FakeClient(answers))
    text = str(raised.value)
    assert "10.0.0.1" not in text
    assert "tcp://10.0.0.2:2" in text and "Python 3.9" in text and "other bptutor code" in text
    assert "tcp://10.0.0.3:3" in text and "install the same bptutor on every worker" in text
    pool.check_workers(FakeClient({"tcp://10.0.0.1:1": good}))  # a good worker passes
