"""A warm grading worker: ``python -I -m bptutor.grading.launcher``.

Started by the grader (:mod:`bptutor.grading.pool`), it imports numpy,
matplotlib, IPython's input transformer and the protocol modules once, then
reads one job per line (JSON) on stdin and answers one line per job on stdout.
For each job it draws the trials from the job's seed, forks the submission's
sandbox (:mod:`bptutor.grading.sandbox`) -- a fork costs milliseconds where a
Jupyter kernel costs most of a second -- waits for it up to the job's
deadline, then kills every process the submission left behind.

The worker never runs student code itself and never imports the reference
implementation, so no real reference function exists in any process that
does. It is a child subreaper: processes that student code daemonizes are
re-parented here, not to init, and are killed with the rest.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.backends.backend_agg  # noqa: E402,F401 -- warm imports, so students do not pay for them
import matplotlib.pyplot  # noqa: E402,F401
import numpy as np  # noqa: E402,F401
import numpy.random  # noqa: E402,F401
import zipfile  # noqa: E402,F401 -- np.savez

from .. import data  # noqa: E402,F401 -- a6 loads the digits
from ..assignments import assignment  # noqa: E402
from . import notebook_semantics, sandbox  # noqa: E402,F401
from .draws import draw_trials  # noqa: E402
from .pool import sandbox_uid  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36


PR_SET_PDEATHSIG = 1


def _become_subreaper() -> None:
    """Adopt orphaned descendants; get SIGTERM if the grader dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _on_terminate(signum, frame):
    """Stopped by the grader (or its death): take the running submission down too."""
    try:
        kill_leftovers(sandbox_uid(os.getpid()))
    finally:
        os._exit(1)


def _children() -> list[int]:
    pids = []
    task_dir = f"/proc/{os.getpid()}/task"
    try:
        for tid in os.listdir(task_dir):
            with open(f"{task_dir}/{tid}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return pids


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if _KILLER is not None and pid == _KILLER.pid:
            _KILLER.pid = None  # it was killed; the next request starts a new one


class _UidKiller:
    """A helper process holding only the sandbox uid; on request it runs ``kill(-1, SIGKILL)``.

    ``kill(-1)`` from a process with only that uid reaches exactly the processes
    of that uid (unique to this worker's sandbox), never itself. Started once
    per worker (a fork per submission would cost milliseconds); restarted if
    student code kills it.
    """

    def __init__(self, uid: int):
        self.uid = uid
        self.pid = None

    def _start(self):
        req_r, req_w = os.pipe()
        ack_r, ack_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(req_w)
                os.close(ack_r)
                os.setgroups([])
                os.setresgid(self.uid, self.uid, self.uid)
                os.setresuid(self.uid, self.uid, self.uid)
                while os.read(req_r, 1):
                    try:
                        os.kill(-1, signal.SIGKILL)
                    except OSError:
                        pass
                    os.write(ack_w, b"k")
            finally:
                os._exit(0)
        os.close(req_r)
        os.close(ack_w)
        self.pid, self.req, self.ack = pid, req_w, ack_r

    def kill_all(self) -> None:
        for _ in range(2):
            if self.pid is None:
                self._start()
            try:
                os.write(self.req, b"k")
                if sandbox._wait_for_byte(self.ack, 5.0) == "done":
                    return
            except OSError:
                pass
            self._forget()

    def _forget(self):
        for fd in (self.req, self.ack):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        self.pid = None


_KILLER = None


def kill_leftovers(uid) -> None:
    """Kill and reap every process the submission left (daemons come back to us as orphans)."""
    global _KILLER
    if uid is not None and (_KILLER is None or _KILLER.uid != uid):
        _KILLER = _UidKiller(uid)
    for attempt in range(200):
        if uid is not None:
            _KILLER.kill_all()
        helper = _KILLER.pid if uid is not None else None
        for pid in _children():
            if pid == helper:
                continue
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap()
        if not [p for p in _children() if p != helper]:
            return
        time.sleep(0.002 * min(attempt + 1, 20))


def python_is_private() -> bool:
    """True when an unprivileged user could not read this Python's files (stdlib or packages)."""
    import stat as st
    for module in (os, np, matplotlib, notebook_semantics):
        path = os.path.realpath(module.__file__)
        folder = os.path.dirname(path)
        while True:
            if not os.stat(folder).st_mode & st.S_IXOTH:
                return True
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        if not os.stat(path).st_mode & st.S_IROTH:
            return True
    return False


_PRIVATE_PYTHON = None


def _prepare_dirs(job_dir: str, uid) -> tuple[str, str]:
    out, cwd = os.path.join(job_dir, "out"), os.path.join(job_dir, "cwd")
    for path in (out, cwd):
        os.mkdir(path, 0o700)
    if uid is not None:  # the job folder stays the grader's: the sandbox cannot swap out/ for a link
        os.chmod(job_dir, 0o711)
        for path in (out, cwd):
            os.chown(path, uid, uid)
    return out, cwd


def grade_one(message: dict) -> dict:
    """Run one submission in its sandbox; report whether it finished in time."""
    started = time.monotonic()
    the_assignment = assignment(message["assignment"])
    trials = draw_trials(the_assignment, int(message["seed"]), keep_secrets=False)
    uid = sandbox_uid(os.getpid())
    out, cwd = _prepare_dirs(message["dir"], uid)
    limits = message["question_limits"]
    job = {
        "cells": list(message["cells"]),
        "cell_limit": float(message["cell_limit"]),
        "top_budget": float(message["top_budget"]),
        "memory_bytes": int(message["memory_bytes"]),
        "questions": [{"name": q.id, "target": q.target, "runner": q.runner, "params": list(q.params),
                       "time_limit": float(limits[q.id])}
                      for q in the_assignment.questions],
        "out": out, "cwd": cwd, "uid": uid, "keep_read": _PRIVATE_PYTHON,
    }
    sys.stdout.flush()
    r, w = os.pipe()
    forked = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            sandbox.run_submission(job, trials, done_fd=w)
        except BaseException as exc:  # noqa: BLE001 -- leave the reason for the grader
            try:
                with open(os.path.join(out, "sandbox-error.txt"), "w") as fh:
                    fh.write(f"{type(exc).__name__}: {exc}"[:500])
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(0)
    os.close(w)
    deadline = started + float(message["deadline"])
    finished = False
    while True:  # "D" when done; EOF when every process holding the pipe is gone
        left = deadline - time.monotonic()
        if left <= 0:
            break
        outcome = sandbox._wait_for_byte(r, min(left, 0.05))
        if outcome == "done":
            finished = True
            break
        if outcome == "eof":
            break
        _reap()  # killed processes of the submission must not hold its process limit as zombies
    os.close(r)
    ran = time.monotonic()
    kill_leftovers(uid)
    return {"id": message["id"], "finished": finished,
            "timing": {"setup": round(forked - started, 4), "run": round(ran - forked, 4),
                       "cleanup": round(time.monotonic() - ran, 4)},
            "deadline_hit": time.monotonic() >= deadline and not finished,
            "seconds": round(time.monotonic() - started, 3)}


def main() -> int:
    loaded = [m for m in sys.modules if m.startswith(("bptutor.reference", "bptutor.gradcheck", "bptutor.check"))]
    if loaded:
        print(json.dumps({"fatal": f"the grading worker must not import {loaded}"}), flush=True)
        return 1
    global _PRIVATE_PYTHON
    _PRIVATE_PYTHON = python_is_private()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when workers stop
    signal.signal(signal.SIGTERM, _on_terminate)
    _become_subreaper()
    if os.getppid() == 1:  # the grader died before we could ask to be told
        return 1
    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        try:
            reply = grade_one(message)
        except Exception as exc:  # noqa: BLE001 -- report, keep serving
            kill_leftovers(sandbox_uid(os.getpid()))
            reply = {"id": message.get("id"), "finished": False, "deadline_hit": False,
                     "worker_error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
