"""Running one submission's notebook and trying its graded functions, inside the sandbox.

The process tree of one submission (all of it student-tainted once a cell has run)::

    lead          -- holds the notebook's state; runs nothing itself
      cell child  -- runs the next cell; when the cell is done it becomes the lead and the
                     old lead exits; if it exits, crashes or overruns, the old lead (state
                     from before that cell) records why and forks the next cell
      ...
      question child -- tries the graded functions one after another on the inputs the
                     grader sent; if one exits, crashes or overruns, the lead forks a fresh
                     child for the rest from the state after the cells

Every cell runs in a child of the process holding the state before it: a cell is either
run isolated or not run. What comes back is frames of plain numbers (:mod:`.wire`) on
the results pipe; the question child's frames pass through the lead, which forwards only
whole frames, so a child killed mid-write cannot corrupt the stream. Nothing here knows
a right answer or decides a score.
"""
from __future__ import annotations

import os
import resource
import select
import signal
import sys
import time

from ..trials import Outcome, Trial, run_trial, signature_problem
from . import standins, wire
from .limits import wall_limit

#: the longest error message kept from student code
MAX_MESSAGE = 500
#: most bytes one question child may send for the questions it tries
MAX_RESULT_BYTES = 64 * 2**20

# Captured now, before any student code can replace them in this process.
_fork, _exit, _pipe, _close, _read, _write = os.fork, os._exit, os.pipe, os.close, os.read, os.write
_waitpid, _kill, _killpg, _setpgid = os.waitpid, os.kill, os.killpg, os.setpgid
_select, _monotonic = select.select, time.monotonic


def short(text) -> str:
    text = str(text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


def describe_exception(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit: sys.exit({exc.code!r}) was called"
    if isinstance(exc, standins.ReferenceCalled):
        return f"ReferenceCalled: {exc}"
    if isinstance(exc, MemoryError):
        return "MemoryError: tried to use more memory than the grader allows"
    return short(f"{type(exc).__name__}: {exc}")


def describe_exit(status: int) -> tuple[str, str]:
    """``(status, reason)`` for a child's wait status: ``crashed`` or ``timeout``."""
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


def wait_for_byte(fd: int, timeout: float) -> str:
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


def _stop(pid: int) -> int:
    """Kill a child and its process group (what it forked) if still running; return its wait status."""
    for kill in (lambda: _killpg(pid, signal.SIGKILL), lambda: _kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass
    status = _waitpid(pid, 0)[1]
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


def _limit_cpu(seconds: float) -> None:
    """Set the soft CPU limit ``seconds`` above what this process has used (never above the hard limit)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(used.ru_utime + used.ru_stime + seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


class Channel:
    """The results pipe (whole frames only), and the pipe that ends the run.

    ``done_fd`` carries one byte from the last lead to the submission's first process.
    """

    def __init__(self, fd: int, done_fd: int | None = None):
        self.fd, self.done_fd = fd, done_fd

    def finish(self) -> None:
        if self.done_fd is not None:
            _write(self.done_fd, b"D")

    def close_in_child(self) -> None:
        """A question child writes neither: its frames go through the lead, which alone ends the run."""
        for fd in (self.fd, self.done_fd):
            if fd is not None:
                _close(fd)

    def send(self, header: dict, values=None) -> None:
        data = memoryview(wire.pack(header, values))
        while data:
            data = data[_write(self.fd, data):]


# --------------------------------------------------------------------------- cells
def exec_cell(source: str, number: int, ns: dict) -> tuple[str, str]:
    """Run one cell (already plain Python) in ``ns``; ``("ok", "")`` or ``("error", message)``.

    ``number`` is the cell's place in the notebook as Jupyter counts (tracebacks say ``<cell 5>``).
    """
    try:
        exec(compile(source, f"<cell {number}>", "exec"), ns)  # noqa: S102 -- the point of the sandbox
        return "ok", ""
    except BaseException as exc:  # noqa: BLE001 -- a cell's error is recorded, the run goes on
        return "error", describe_exception(exc)


class _Cells:
    """The notebook's code cells and their limits, for :func:`run_cells`."""

    def __init__(self, job: dict):
        self.sources, self.limit = job["cells"], float(job["cell_limit"])
        self.positions = list(job.get("positions") or range(1, len(self.sources) + 1))
        self.budget = float(job["top_budget"])
        self.end = _monotonic() + self.budget

    def number(self, i: int) -> int:
        return self.positions[i] if i < len(self.positions) else i + 1

    def wall(self) -> float:
        return min(wall_limit(self.limit), self.end - _monotonic())

    def failure(self, i: int, outcome: str, wait_status: int, wall: float) -> dict:
        if outcome == "timeout":
            return {"kind": "cell", "index": i, "status": "timeout",
                    "error": f"timed out after {wall:g} s (wall clock)"}
        kind, reason = describe_exit(wait_status)
        reason = f"timed out after {self.limit:g} s of CPU time" if kind == "timeout" else reason
        return {"kind": "cell", "index": i, "status": kind, "error": reason}


def run_cells(job: dict, ns: dict, out: Channel) -> None:
    """Run the code cells in order, each isolated; on return this process holds the final state.

    Fast path: one child runs all the remaining cells, one byte per cell finished; when it
    has run them all it becomes the lead (the old lead exits) and reports them. When it
    exits, crashes or overruns ``job["cell_limit"]`` of CPU time (or its wall-clock
    allowance) in some cell, it is killed; the lead -- still holding the state from before
    those cells -- runs the cells before the culprit again, one child each, records the
    culprit's failure and goes on after it. No cell ever runs in the process that holds the
    state it started from.
    """
    cells = _Cells(job)
    i = 0
    while i < len(cells.sources):
        if cells.end - _monotonic() <= 0:
            for j in range(i, len(cells.sources)):
                out.send({"kind": "cell", "index": j, "status": "skipped",
                          "error": f"not run: the notebook's top-level code used up its {cells.budget:g} s"})
            return
        culprit, frame = _run_batch(cells, i, ns, out)
        if culprit is None:
            return  # this process is the lead that ran every cell
        for j in range(i, culprit):  # again, now one child each: their state must come back
            _run_one(cells, j, ns, out)
        out.send(frame)
        i = culprit + 1


def _run_batch(cells: _Cells, start: int, ns: dict, out: Channel):
    """Run cells ``start..`` in one child.

    Returns ``(None, None)`` in the child that ran them all (the lead now); in the lead, when
    that child failed, ``(index of the failing cell, its frame)``.
    """
    r, w = _pipe()
    pid = _fork_retrying()
    if pid == 0:
        _close(r)
        _setpgid(0, 0)
        done = []
        for i in range(start, len(cells.sources)):
            _limit_cpu(cells.limit)
            done.append((i, *exec_cell(cells.sources[i], cells.number(i), ns)))
            _write(w, b"1")
        _close(w)  # the lead exits on the last byte: this process is the lead now
        for i, status, error in done:
            out.send({"kind": "cell", "index": i, "status": status, "error": error})
        return None, None
    _close(w)
    for i in range(start, len(cells.sources)):
        wall = cells.wall()
        outcome = wait_for_byte(r, wall) if wall > 0 else "timeout"
        if outcome != "done":
            _close(r)
            return i, cells.failure(i, outcome, _stop(pid), wall)
    _close(r)
    _exit(0)


def _run_one(cells: _Cells, i: int, ns: dict, out: Channel) -> None:
    """Run cell ``i`` in a child that becomes the lead; on failure the caller (the lead) goes on."""
    r, w = _pipe()
    pid = _fork_retrying()
    if pid == 0:
        _close(r)
        _setpgid(0, 0)
        _limit_cpu(cells.limit)
        status, error = exec_cell(cells.sources[i], cells.number(i), ns)
        _write(w, b"1")  # the old lead exits on this byte: this process is the lead now
        _close(w)
        out.send({"kind": "cell", "index": i, "status": status, "error": error})
        return
    _close(w)
    wall = max(cells.wall(), 0.001)
    outcome = wait_for_byte(r, wall)
    _close(r)
    if outcome == "done":
        _exit(0)
    out.send(cells.failure(i, outcome, _stop(pid), wall))


# --------------------------------------------------------------------------- questions
def try_question(ns: dict, question: dict, memory_text: str) -> tuple[dict, list | None]:
    """Every trial of one question: ``{"kind": "result", ...}`` header and the outcomes as values."""
    params, runner = tuple(question["params"]), question.get("runner")
    fn = ns.get(question["target"])
    header = {"kind": "result", "question": question["id"]}
    if fn is None:
        return dict(header, missing=True), None
    problem = signature_problem(fn, params) if runner is None else None
    outcomes = []
    for sent in question["trials"]:
        trial = Trial(str(sent["label"]), tuple(sent["args"]), dict(sent["kwargs"]), sent["then_call"])
        if problem:
            outcomes.append(Outcome("bad-signature", error=problem))
            continue
        del standins.CALLS[:]
        try:
            outcome = run_trial(fn, trial, params, runner=runner)
        except standins.ReferenceCalled as exc:
            outcome = Outcome("reference-called", error=str(exc))
        except BaseException as exc:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt, ...
            outcome = Outcome("error", error=describe_exception(exc))
        if standins.CALLS:
            outcome = Outcome("reference-called", error=f"called {standins.CALLS[0]} instead of its own code")
        elif outcome.status == "error" and outcome.error.startswith("MemoryError"):
            outcome = Outcome("memory", error=f"used more than {memory_text} of memory")
        outcome.error = short(outcome.error)
        outcomes.append(outcome)
    return header, [_outcome_fields(o) for o in outcomes]


def _outcome_fields(outcome: Outcome) -> dict:
    return {"status": outcome.status, "value": outcome.value, "returned": short(outcome.returned),
            "error": outcome.error, "mutated": list(outcome.mutated), "warnings": list(outcome.warnings)}


def _try_in_this_process(ns, questions, out: Channel, memory_text) -> None:
    for question in questions:
        try:
            _limit_cpu(question["time_limit"])
            header, values = try_question(ns, question, memory_text)
            out.send(header, values)
        except BaseException as exc:  # noqa: BLE001 -- e.g. student code broke numpy
            out.send({"kind": "status", "question": question["id"], "status": "crashed",
                      "error": f"results could not be recorded: {describe_exception(exc)}"})


def run_questions(job: dict, ns: dict, out: Channel) -> None:
    """Try each graded question on its trials, in a child.

    A question that exits, crashes or overruns its limit gets the reason, and a fresh child forked
    from the state after the cells tries the rest.
    """
    memory_text = f"{int(job['memory_bytes']) / 2**30:g} GiB"
    pending = list(job["questions"])
    while pending:
        r, w = _pipe()
        pid = _fork_retrying()
        if pid == 0:
            _close(r)
            out.close_in_child()
            _setpgid(0, 0)
            try:
                _try_in_this_process(ns, pending, Channel(w), memory_text)
            finally:
                _exit(0)
        _close(w)
        finished, broken = _relay(r, pending, out)
        _close(r)
        status = _stop(pid)
        del pending[:finished]
        if not pending:
            break
        question = pending.pop(0)
        limit = float(question["time_limit"])
        if broken == "timeout":
            reason = ("timeout", f"timed out after {wall_limit(limit):g} s (wall clock)")
        elif broken == "too-large":
            reason = ("crashed", f"returned more than {MAX_RESULT_BYTES // 2**20} MB of results")
        else:
            kind, why = describe_exit(status)
            reason = (kind, f"timed out after {limit:g} s of CPU time" if kind == "timeout" else why)
        out.send({"kind": "status", "question": question["id"], "status": reason[0], "error": reason[1]})


def _relay(fd: int, pending: list, out: Channel) -> tuple[int, str]:
    """Forward whole frames from the question child; ``(questions finished, "timeout" | "eof")``."""
    buffer, finished = bytearray(), 0
    deadline = _monotonic() + wall_limit(float(pending[0]["time_limit"]))
    while finished < len(pending):
        left = deadline - _monotonic()
        if left <= 0:
            return finished, "timeout"
        try:
            ready, _, _ = _select([fd], [], [], left)
        except InterruptedError:
            continue
        if not ready:
            continue
        data = _read(fd, 2**16)
        if not data:
            return finished, "eof"
        buffer += data
        if len(buffer) > MAX_RESULT_BYTES:
            return finished, "too-large"
        for frame in wire.split_frames(buffer, MAX_RESULT_BYTES):
            _write_all(out.fd, frame)
            finished += 1
            if finished < len(pending):
                deadline = _monotonic() + wall_limit(float(pending[finished]["time_limit"]))
    return finished, "done"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[_write(fd, view):]


def run_submission(job: dict, out: Channel) -> None:
    """The whole run of one submission, in the process that will be its first lead."""
    standins.install()
    ns = standins.new_namespace()
    sys.setrecursionlimit(10_000)
    run_cells(job, ns, out)
    run_questions(job, ns, out)
    out.send({"kind": "done"})
    out.finish()
