"""The sandboxed side of grading: everything that happens in processes that run student code.

One submission runs in a process tree forked from a warm worker
(:mod:`bptutor.grading.launcher`)::

    submission process  -- new session, resource limits, own uid, stand-in modules
      cell process      -- one per cell that does more than define functions:
                           if the cell exits, crashes or loops, the previous process
                           (still holding the state before that cell) carries on
        ...
          question process  -- tries the graded functions one after another and writes
                               plain numbers (JSON + .npz) to the job's ``out`` folder;
                               if one exits, crashes or overruns, a fresh process forked
                               from the state after the cells tries the rest

Nothing here decides a score. Student code can forge the files written here, but
only with numbers, which the trusted parent judges against the reference on
inputs it drew itself. Whatever happens in here, the worker kills every process
of the submission afterwards.

Imports nothing from ``bptutor`` but the dependency-free protocol modules
(see :mod:`bptutor.grading.tripwires`).
"""
from __future__ import annotations

import ctypes
import json
import math
import os
import resource
import select
import signal
import sys
import time

import numpy as np

from ..trials import Outcome, encode_outcome, run_trial, signature_problem
from . import notebook_semantics, tripwires
from .limits import wall_limit

#: the longest error message kept from student code
MAX_MESSAGE = 500
#: largest file student code may write (bytes); results are far smaller
MAX_FILE_BYTES = 64 * 2**20
#: processes the sandbox uid may own at once (a fork bomb stops here)
MAX_PROCESSES = 64

# Captured now, before any student code can replace them in this process.
_fork, _exit, _pipe, _close, _read, _write = os.fork, os._exit, os.pipe, os.close, os.read, os.write
_waitpid, _killpg, _setpgid, _select = os.waitpid, os.killpg, os.setpgid, select.select
_monotonic = time.monotonic


def _short(text) -> str:
    text = str(text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


def _describe_exception(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit: sys.exit({exc.code!r}) was called"
    if isinstance(exc, tripwires.ReferenceCalled):
        return f"ReferenceCalled: {exc}"
    if isinstance(exc, MemoryError):
        return "MemoryError: tried to use more memory than the grader allows"
    return _short(f"{type(exc).__name__}: {exc}")


def describe_exit(status: int) -> tuple[str, str]:
    """``(status, reason)`` for a child's wait status: ``crashed``, ``timeout`` or ``memory``."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return "timeout", "used up its CPU time (killed by SIGXCPU)"
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "an unknown signal"
        return "crashed", f"process died with signal {sig} ({name})"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return "crashed", f"process exited with code {code} before finishing (os._exit?)"


def _wait_for_byte(fd: int, timeout: float) -> str:
    """``"done"`` if a byte arrived, ``"eof"`` if the writer closed first, ``"timeout"``."""
    deadline = _monotonic() + timeout
    while True:
        left = deadline - _monotonic()
        if left <= 0:
            return "timeout"
        try:
            ready, _, _ = _select([fd], [], [], left)
        except InterruptedError:
            continue
        if ready:
            return "done" if _read(fd, 1) else "eof"


def _stop(pid: int, outcome: str) -> int:
    """Kill a child's process group if it is still running; return its wait status."""
    if outcome == "timeout":
        try:
            _killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = _waitpid(pid, 0)
    try:  # anything it left in its group goes too
        _killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    return status


def _fork_retrying() -> int:
    """``os.fork()``, waiting up to ~2 s while the process limit is full of processes being reaped."""
    for _ in range(100):
        try:
            return _fork()
        except BlockingIOError:
            time.sleep(0.02)
    return _fork()


def _timeout_reason(kind: str, reason: str, limit: float) -> str:
    return f"timed out after {limit:g} s of CPU time" if kind == "timeout" else reason


def _limit_cpu(seconds: float) -> None:
    """Soft CPU limit only: a later child may need a higher one, and only root raises hard limits."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = int(math.ceil(seconds)) + 1
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


def _virtual_memory_now() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# --------------------------------------------------------------------------- setup
_PR_SET_KEEPCAPS = 8
_CAP_VERSION_3 = 0x20080522
_CAP_DAC_READ_SEARCH = 2


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_privileges(uid: int, keep_read: bool = False) -> None:
    """Become ``uid`` (root -> an unprivileged id unique to this worker): no writing outside
    the job folder, no signals to other processes, the process limit applies.

    ``keep_read`` keeps one capability, reading any file, for machines where Python
    itself is installed where only root can read it (e.g. under /root): without it
    a student's ``import fractions`` would fail. The worker decides
    (:func:`bptutor.grading.launcher.python_is_private`); the price is that student
    code there can read root-only files.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    keep = keep_read and libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0
    os.setresuid(uid, uid, uid)
    if keep:
        header = _CapHeader(_CAP_VERSION_3, 0)
        data = (_CapData * 2)()
        data[0].effective = data[0].permitted = 1 << _CAP_DAC_READ_SEARCH
        libc.capset(ctypes.byref(header), ctypes.byref(data))  # best effort: reads may fail without it
        libc.prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0)


def enter(job: dict, keep_fds: list) -> None:
    """Turn this freshly forked process into the submission's sandbox.

    New session; stdin/stdout/stderr to /dev/null (printing costs nothing and
    reaches no one); every other inherited descriptor closed; limits on address
    space (``job["memory_bytes"]`` on top of what is mapped now), file size and core
    dumps; cwd the job's scratch folder; the job's own uid when running as root
    (so it cannot touch the grader, other submissions or the project files, and
    its processes can be counted and killed); stand-in reference/check modules.
    """
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    keep = sorted(set(keep_fds))
    low = 3
    for fd in keep + [65536]:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    memory = _virtual_memory_now() + int(job["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    os.chdir(job["cwd"])
    os.environ.update(HOME=job["cwd"], TMPDIR=job["cwd"], MPLCONFIGDIR=job["cwd"])
    uid = job.get("uid")
    if uid is not None:
        drop_privileges(uid, keep_read=bool(job.get("keep_read")))
        resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
    else:  # the limit counts every process of the user: leave room for those running now
        limit = _processes_of(os.getuid()) + MAX_PROCESSES
        _, hard = resource.getrlimit(resource.RLIMIT_NPROC)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
    tripwires.install()


# --------------------------------------------------------------------------- cells
class _Log:
    """Appends one JSON line per cell event to ``out/cells.jsonl``."""

    def __init__(self, out_dir):
        self.path = os.path.join(out_dir, "cells.jsonl")

    def __call__(self, index, status, error=""):
        line = json.dumps({"cell": index, "status": status, "error": _short(error)}) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            _write(fd, line.encode())
        finally:
            _close(fd)


def exec_cell(source: str, index: int, ns: dict) -> tuple[str, str]:
    """Run one cell in ``ns``; ``("ok", "")`` or ``("error", message)``. Never raises."""
    try:
        code = notebook_semantics.compile_cell(source, index)
        exec(code, ns)  # noqa: S102 -- the point of the sandbox
        result = ("ok", "")
    except BaseException as exc:  # noqa: BLE001 -- a cell's error is recorded, the run goes on
        result = ("error", _describe_exception(exc))
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except BaseException:  # noqa: BLE001
            pass
    return result


def run_cells(job: dict, ns: dict, log: _Log) -> None:
    """Run the code cells in order; on return, this process holds the final state.

    A cell that only defines functions or imports runs in place. Any other cell
    runs in a forked child that becomes the lead once the cell finishes; if it
    exits, crashes or overruns ``job["cell_limit"]`` of CPU time (or its
    :func:`~bptutor.grading.limits.wall_limit`), this process (state from
    before the cell) records why and goes on with the next cell.
    """
    cells = job["cells"]
    budget_end = _monotonic() + job["top_budget"]
    i = 0
    while i < len(cells):
        left = budget_end - _monotonic()
        if left <= 0:
            for j in range(i, len(cells)):
                log(j, "skipped", f"not run: the notebook's top-level code used up its {job['top_budget']:g} s")
            return
        if notebook_semantics.is_quiet(cells[i], sys.modules, ns):
            log(i, *exec_cell(cells[i], i, ns))
            i += 1
            continue
        r, w = _pipe()
        pid = _fork_retrying()
        if pid == 0:
            _close(r)
            _setpgid(0, 0)
            _limit_cpu(job["cell_limit"])
            log(i, *exec_cell(cells[i], i, ns))
            _write(w, b"1")
            _close(w)
            i += 1
            continue  # this process is the lead now
        _close(w)
        wall = min(wall_limit(job["cell_limit"]), left)
        outcome = _wait_for_byte(r, wall)
        _close(r)
        if outcome == "done":
            _exit(0)  # the child carries on with the state after the cell
        status = _stop(pid, outcome)
        if outcome == "timeout":
            log(i, "timeout", f"timed out after {wall:g} s (wall clock)")
        else:
            kind, reason = describe_exit(status)
            log(i, kind, _timeout_reason(kind, reason, job["cell_limit"]))
        i += 1


# --------------------------------------------------------------------------- questions
def try_function(ns: dict, question: dict, trials: list, memory_text: str) -> dict:
    """Run every trial of one question; the JSON-able report plus arrays for ``np.savez``."""
    params, runner = tuple(question["params"]), question.get("runner")
    fn = ns.get(question.get("target") or question["name"])
    if fn is None:
        return {"missing": True}, {}
    problem = signature_problem(fn, params) if runner is None else None
    outcomes = []
    for trial in trials:
        if problem:
            outcomes.append(Outcome("bad-signature", error=problem))
            continue
        del tripwires.CALLS[:]
        try:
            outcome = run_trial(fn, trial, params, runner=runner)
        except tripwires.ReferenceCalled as exc:
            outcome = Outcome("reference-called", error=str(exc))
        except BaseException as exc:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt, ...
            outcome = Outcome("error", error=_describe_exception(exc))
        if tripwires.CALLS:
            outcome = Outcome("reference-called", error=f"called {tripwires.CALLS[0]} instead of its own code")
        elif outcome.status == "error" and outcome.error.startswith("MemoryError"):
            outcome = Outcome("memory", error=f"used more than {memory_text} of memory")
        outcome.error = _short(outcome.error)
        outcomes.append(outcome)
    arrays: dict = {}
    encoded = [encode_outcome(o, arrays, f"t{k}") for k, o in enumerate(outcomes)]
    return {"outcomes": encoded}, arrays


def _write_result(out_dir, name, report, arrays) -> None:
    npz, js = os.path.join(out_dir, f"q-{name}.npz"), os.path.join(out_dir, f"q-{name}.json")
    with open(npz + ".tmp", "wb") as fh:
        np.savez(fh, **arrays)
    os.rename(npz + ".tmp", npz)
    with open(js + ".tmp", "w") as fh:
        json.dump(report, fh, allow_nan=False)
    os.rename(js + ".tmp", js)


def _write_status(out_dir, name, status, error) -> None:
    path = os.path.join(out_dir, f"q-{name}.status.json")
    with open(path + ".tmp", "w") as fh:
        json.dump({"status": status, "error": error}, fh)
    os.rename(path + ".tmp", path)


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _try_in_this_process(job, ns, trials, questions, done_w, memory_text) -> None:
    """Try ``questions`` one after another here; one byte on ``done_w`` after each."""
    for question in questions:
        name = question["name"]
        try:
            _limit_cpu(_cpu_used() + question["time_limit"])
            report, arrays = try_function(ns, question, trials[name], memory_text)
            _write_result(job["out"], name, report, arrays)
        except BaseException as exc:  # noqa: BLE001 -- e.g. student code broke numpy
            _write_status(job["out"], name, "crashed",
                          f"results could not be recorded: {_describe_exception(exc)}")
        _write(done_w, b"1")


def run_questions(job: dict, ns: dict, trials: dict) -> None:
    """Try each graded function on its trials, isolated from this process and from each other.

    The functions run one after another in a forked child (one fork, not one per
    function: a fork of this process costs ~10 ms). If a function exits, crashes
    or overruns its limit, the child is killed, that function gets the reason, and
    a fresh child forked from the state after the notebook's cells tries the rest.
    """
    out_dir = job["out"]
    memory_text = f"{job['memory_bytes'] / 2**30:g} GiB"
    pending = list(job["questions"])
    while pending:
        r, w = _pipe()
        pid = _fork_retrying()
        if pid == 0:
            _close(r)
            try:
                _setpgid(0, 0)
                _try_in_this_process(job, ns, trials, pending, w, memory_text)
            finally:
                _exit(0)
        _close(w)
        outcome = "done"
        while pending and outcome == "done":
            question = pending[0]
            outcome = _wait_for_byte(r, wall_limit(question["time_limit"]))
            if outcome == "done":
                pending.pop(0)
        _close(r)
        status = _stop(pid, outcome)
        if outcome == "done":
            continue
        question = pending.pop(0)
        name, limit = question["name"], question["time_limit"]
        if outcome == "timeout":
            _write_status(out_dir, name, "timeout", f"timed out after {wall_limit(limit):g} s (wall clock)")
        elif not os.path.exists(os.path.join(out_dir, f"q-{name}.status.json")):
            kind, reason = describe_exit(status)
            _write_status(out_dir, name, kind, _timeout_reason(kind, reason, limit))


def run_submission(job: dict, trials: dict, done_fd: int) -> None:
    """The whole sandboxed run of one submission (called in the forked submission process)."""
    enter(job, keep_fds=[done_fd])
    ns = notebook_semantics.new_namespace()
    log = _Log(job["out"])
    run_cells(job, ns, log)
    run_questions(job, ns, trials)
    _write(done_fd, b"D")
