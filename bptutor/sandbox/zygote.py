"""The warm interpreter inside bubblewrap: one per grading worker, one submission at a time.

Started by the grader (:mod:`bptutor.grading.sandbox_worker`) as::

    bwrap [the read-only view] -- python -I -S -c "...; zygote.main(CONTROL_FD, MODE)"

It imports NumPy and the child side of bptutor once (a fresh interpreter costs ~0.3 s,
a fork ~1 ms), then waits on its control socket. For each job the grader sends a small
JSON message and two pipe ends (``SCM_RIGHTS``): the job to read and the results to
write. The zygote never reads the job itself (so no submission's data ever sits in the
memory the next one is forked from); it forks::

    supervisor    -- new user/mount/pid/ipc/uts/net namespaces (isolate.enter_namespaces);
                     kills the submission at the job's deadline; reports to the zygote
      init        -- the first process of the submission's pid namespace: private tmpfs on
                     /tmp and /dev/shm, its own /proc; reaps; when it exits the kernel kills
                     every process of the submission and frees its scratch
        lead      -- drops every privilege, sets hard limits, reads the job, runs the
                     notebook (:mod:`.runner`); student code runs here and below

Setup failures travel on a pipe that is closed before any student code runs, so what
the zygote reports to the grader (``exit``, ``deadline_hit``, ``setup_error``) cannot be
forged by a submission. With ``MODE == "plain"`` (no namespaces: a container that is
itself the boundary, or an explicit unsafe run) the same tree runs without namespaces
and the zygote, a child subreaper, kills whatever the submission left behind.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

import numpy as np  # noqa: F401 -- imported once here, so no submission pays for it

from . import isolate, runner, wire

#: exit codes of the supervisor
FINISHED, DEADLINE, SETUP_FAILED = 0, 3, 4
#: a job (cells and trial inputs) larger than this is refused
MAX_JOB_BYTES = 256 * 2**20


def _read_all(fd: int, limit: int) -> bytes:
    chunks: list = []
    size = 0
    while True:
        data = os.read(fd, 2**20)
        if not data:
            return b"".join(chunks)
        size += len(data)
        if size > limit:
            raise ValueError(f"the job is larger than {limit} bytes")
        chunks.append(data)


def _close_all_but(keep) -> None:
    keep = sorted(set(keep))
    low = 3
    for fd in [*keep, 65536]:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1


def _report_setup_failure(fd: int, exc: BaseException) -> None:
    try:
        os.write(fd, f"{type(exc).__name__}: {exc}"[:900].encode("utf-8", "replace"))
    except OSError:
        pass
    os._exit(SETUP_FAILED)


def _lead(settings: dict, job_fd: int, results_fd: int, setup_w: int, done_w: int, scratch: str) -> None:
    """The submission's first lead: from here on only student code and the runner run."""
    try:
        if settings["namespaces"]:
            isolate.drop_privileges()
        elif settings.get("run_as") is not None:
            uid = int(settings["run_as"])
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        os.chdir(scratch)
        os.environ.clear()
        os.environ.update(HOME=scratch, TMPDIR=scratch, MPLBACKEND="Agg", LANG="C.UTF-8",
                          OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PATH="/usr/bin:/bin")
        header, values = wire.unpack_frame(_read_all(job_fd, MAX_JOB_BYTES), max_elements=64 * 2**20)
        os.close(job_fd)
        job = dict(header, questions=values["questions"])
        isolate.set_limits(int(settings["memory_bytes"]), float(settings["cpu_seconds"]), settings["mapped"])
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # printing costs nothing and reaches no one
    except BaseException as exc:  # noqa: BLE001 -- the grader's problem, reported as such
        _report_setup_failure(setup_w, exc)
    os.close(setup_w)  # from here on nothing this tree says reaches the zygote
    try:
        runner.run_submission(job, runner.Channel(results_fd, done_w))  # returns in the last lead only
    finally:
        os._exit(0)


def _init(settings: dict, job_fd: int, results_fd: int, setup_w: int) -> None:
    """The first process of the submission's namespaces: mounts, then the lead, then reaping."""
    try:
        isolate.die_with_parent(signal.SIGKILL)
        isolate.first_for_the_oom_killer()  # inherited by everything below, student code included
        settings["mapped"] = isolate.virtual_memory_now()
        if settings["namespaces"]:
            isolate.forbid_user_namespaces()
            isolate.mount_scratch(int(settings["tmp_bytes"]), int(settings["shm_bytes"]))
            scratch = "/tmp"
        else:
            scratch = settings["scratch"]
        done_r, done_w = os.pipe()
    except BaseException as exc:  # noqa: BLE001
        _report_setup_failure(setup_w, exc)
    lead = os.fork()
    if lead == 0:
        os.close(done_r)
        _lead(settings, job_fd, results_fd, setup_w, done_w, scratch)
    for fd in (job_fd, results_fd, setup_w, done_w):
        os.close(fd)
    # wait for the lead chain to finish (one byte, or EOF when every holder of the pipe is gone)
    while True:
        ready, _, _ = select.select([done_r], [], [], 0.05)
        _reap_all()
        if ready:
            break
    os._exit(FINISHED)


def _reap_all() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _supervise(settings: dict, job_fd: int, results_fd: int, report_fd: int) -> None:
    """Between the zygote and the submission: namespaces, the deadline, the report."""
    setup_r, setup_w = os.pipe()
    try:
        if settings["namespaces"]:
            isolate.enter_namespaces()
        init = os.fork()
    except BaseException as exc:  # noqa: BLE001
        _report_setup_failure(report_fd, exc)
    if init == 0:
        os.close(setup_r)
        os.close(report_fd)
        _init(settings, job_fd, results_fd, setup_w)
    for fd in (job_fd, results_fd, setup_w):
        os.close(fd)
    deadline = time.monotonic() + float(settings["deadline"])
    code, setup_error, alive = FINISHED, b"", True
    try:  # readable when the init process exits: no polling
        exited = os.pidfd_open(init)
    except (AttributeError, OSError):
        exited = None
    watch = [setup_r] + ([exited] if exited is not None else [])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            code = DEADLINE
            break
        ready, _, _ = select.select(watch, [], [], min(left, 0.5 if exited is not None else 0.005))
        if setup_r in ready:
            data = os.read(setup_r, 1024)
            setup_error += data
            if not data:
                watch.remove(setup_r)
        pid, status = os.waitpid(init, os.WNOHANG)
        if pid:
            alive = False
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == SETUP_FAILED:
                code = SETUP_FAILED
            break
    if alive:
        os.kill(init, signal.SIGKILL)
        os.waitpid(init, 0)
    if setup_error:
        os.write(report_fd, setup_error[:1000])
        code = SETUP_FAILED
    os._exit(code)


def _kill_leftovers() -> None:
    """Kill and reap every orphan the submission left (they come back to this subreaper)."""
    for attempt in range(200):
        children = _children()
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap_all()
        time.sleep(0.002 * min(attempt + 1, 20))


def _children() -> list:
    pids = []
    try:
        for tid in os.listdir(f"/proc/{os.getpid()}/task"):
            with open(f"/proc/{os.getpid()}/task/{tid}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return pids


def serve(control: socket.socket, namespaces: bool) -> None:
    """Answer jobs until the grader closes the control socket."""
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 2)
        except (ConnectionResetError, OSError):
            return
        if not message:
            return
        started = time.monotonic()
        settings = dict(json.loads(message), namespaces=namespaces)
        if not namespaces:  # no private tmpfs: a fresh folder, removed afterwards
            settings["scratch"] = tempfile.mkdtemp(prefix="bptutor-submission-")
            if settings.get("run_as") is not None:
                os.chown(settings["scratch"], int(settings["run_as"]), int(settings["run_as"]))
        report_r, report_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            control.close()
            os.close(report_r)
            _close_all_but([*fds, report_w])
            _supervise(settings, fds[0], fds[1], report_w)
        for fd in (*fds, report_w):
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        note = _read_all(report_r, 4096).decode("utf-8", "replace")
        os.close(report_r)
        _kill_leftovers()
        if not namespaces:
            shutil.rmtree(settings["scratch"], ignore_errors=True)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        reply = {"job": settings.get("job"), "exit": code, "deadline_hit": code == DEADLINE,
                 "setup_error": note if code == SETUP_FAILED else "",
                 "seconds": round(time.monotonic() - started, 4)}
        control.sendall(json.dumps(reply).encode())


def main(control_fd: int, mode: str) -> int:
    """Entry point inside the sandbox: ``mode`` is ``"namespaces"`` or ``"plain"``."""
    control = socket.socket(fileno=control_fd)
    isolate.become_subreaper()
    isolate.die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when the sandbox stops
    loaded = [m for m in sys.modules if m.startswith(("bptutor.reference", "bptutor.check", "bptutor.gradcheck",
                                                       "bptutor.grading", "bptutor.data"))]
    if loaded:
        control.sendall(json.dumps({"fatal": f"the sandbox must not hold {loaded}"}).encode())
        return 1
    control.sendall(json.dumps({"ready": True, "pid": os.getpid(), "python": sys.version.split()[0],
                                "numpy": np.__version__}).encode())
    serve(control, namespaces=(mode == "namespaces"))
    return 0
