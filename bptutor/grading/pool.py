"""The trusted parent's pool of warm workers (:mod:`bptutor.grading.launcher`).

Each worker is ``python -I -m bptutor.grading.launcher`` with one thread of
BLAS and matplotlib's Agg backend; jobs and replies are single JSON lines on
its stdin/stdout. Nothing is unpickled. A worker that dies or stops answering
is replaced, and its job is reported as not finished.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time

#: a worker gets this long beyond a job's own deadline before it is replaced
GRACE = 20.0
#: how long a worker may take to start
START_TIMEOUT = 60.0


#: a worker's sandbox runs as this uid plus the worker's pid (unique among running workers)
UID_BASE = 100_000


def sandbox_uid(worker_pid: int):
    """The uid a worker's submissions run as, or ``None`` when not running as root (no uid change)."""
    return UID_BASE + worker_pid if os.geteuid() == 0 else None


def kill_sandbox(uid) -> None:
    """SIGKILL every process of a sandbox uid (a worker died and cannot clean up after itself).

    A helper forked for the purpose takes that uid and calls ``kill(-1)``, which
    reaches exactly the processes of that uid and never the helper itself.
    """
    if uid is None:
        return
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, 9)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.01)


class WorkerFailed(RuntimeError):
    """A worker could not be started (the grader itself cannot run)."""


def _worker_env() -> dict:
    env = dict(os.environ)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    return env


class _Worker:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "bptutor.grading.launcher"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=None if os.environ.get("BPTUTOR_GRADE_DEBUG") else subprocess.DEVNULL,
            env=_worker_env(), start_new_session=True)
        self.job = None
        self.deadline = None
        self.ready = False

    def send(self, job: dict) -> None:
        self.job = job
        self.deadline = time.monotonic() + float(job["deadline"]) + GRACE
        self.proc.stdin.write((json.dumps(job) + "\n").encode())
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self) -> None:
        """SIGTERM first: the worker then kills the submission it is running, and exits."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run(jobs, n_workers: int, on_reply) -> None:
    """Run every job on ``n_workers`` warm workers; call ``on_reply(job, reply)`` as each finishes.

    ``reply`` is the worker's answer (``finished``, ``deadline_hit``, ``seconds``)
    or, when the worker died, ``{"finished": False, "worker_died": True}``.
    Raises :class:`WorkerFailed` if no worker can be started at all.
    """
    pending = list(jobs)
    pending.reverse()
    if not pending:
        return
    n_workers = max(1, min(n_workers, len(pending)))
    sel = selectors.DefaultSelector()
    workers = []

    def start():
        w = _Worker()
        sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        workers.append(w)
        w.started = time.monotonic()
        return w

    def retire(w, reply):
        sel.unregister(w.proc.stdout)
        workers.remove(w)
        w.kill()
        kill_sandbox(sandbox_uid(w.proc.pid))  # what the dead worker was running goes too
        if w.job is not None:
            job, w.job = w.job, None
            on_reply(job, reply)

    def feed(w):
        if pending:
            w.send(pending.pop())
        else:
            w.job = None

    for _ in range(n_workers):
        start()
    failures = 0
    try:
        while workers:
            for key, _ in sel.select(timeout=0.5):
                w = key.data
                line = w.proc.stdout.readline()
                if not line:  # the worker died
                    if not w.ready:
                        failures += 1
                        if failures >= 3:
                            raise WorkerFailed("the grading worker could not start "
                                               "(run with BPTUTOR_GRADE_DEBUG=1 to see why)")
                    retire(w, {"finished": False, "worker_died": True})
                    if pending:
                        start()
                    continue
                try:
                    reply = json.loads(line)
                except ValueError:
                    retire(w, {"finished": False, "worker_died": True})
                    if pending:
                        start()
                    continue
                if reply.get("fatal"):
                    raise WorkerFailed(f"the grading worker refused to start: {reply['fatal']}")
                if reply.get("ready"):
                    w.ready = True
                    feed(w)
                else:
                    job, w.job = w.job, None
                    if job is not None:
                        on_reply(job, reply)
                    feed(w)
                if w.job is None and not pending:
                    sel.unregister(w.proc.stdout)
                    workers.remove(w)
                    w.close()
            now = time.monotonic()
            for w in list(workers):
                if w.job is not None and now > w.deadline:
                    retire(w, {"finished": False, "worker_died": True, "deadline_hit": True})
                    if pending:
                        start()
                elif not w.ready and now - w.started > START_TIMEOUT:
                    raise WorkerFailed("the grading worker did not start within "
                                       f"{START_TIMEOUT:g} s")
    finally:
        for w in list(workers):
            w.kill()
