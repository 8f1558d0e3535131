"""The Dask pool: the local pool's ``run(jobs, on_result)`` on an existing dask.distributed cluster.

``bptutor grade --dask ADDRESS`` hands its jobs here. The trusted parent (the Dask client)
has drawn every trial already; each task carries only what a sandbox may see --
``(job.id, job.payload(), job.settings())`` and the isolation mode -- to :func:`run_job`,
which runs in a Dask worker process, keeps one warm
:class:`~bptutor.grading.sandbox_worker.SandboxWorker` per worker thread (one per process
with ``--nthreads 1``, the recommended set-up), runs the job and sends back
:meth:`RunResult.to_dict() <bptutor.grading.jobs.RunResult.to_dict>`. The client judges
each result as it arrives (``as_completed``), so progress and judging stream as with the
local pool, and the expected values never leave it.

Before the first job every worker is asked (``client.run``) whether it can run the sandbox:
bubblewrap installed and allowed to make namespaces (for the default isolation), and the
same bptutor code and Python as the client. A worker that cannot stops the run with a
message naming it and the fix. Failures during the run:

- a worker process that dies mid-job: the scheduler runs the job again on another worker;
- a sandbox that stops answering (not the submission's fault): the task raises
  :class:`SandboxStopped` and Dask retries it (``retries``) -- but a submission that used up
  its time is a result (a timeout), never retried;
- a job that still fails gets the same "run the same command again" row as on the local
  pool, and the next run grades just that notebook.

Dask processes are daemonic; the sandbox is an ordinary subprocess of the worker, so that
is fine (nothing here uses :mod:`multiprocessing`). Dask is an optional extra:
``pip install bptutor[dask]``.
"""
from __future__ import annotations

import os
import sys
import threading
import uuid

from .jobs import RunResult
from .sandbox_worker import Isolation, SandboxUnavailable, SandboxWorker, choose

INSTALL_DASK = "grading on a Dask cluster needs dask.distributed on this machine: pip install bptutor[dask]"
#: seconds to wait for the scheduler, and for a first worker to join it
CONNECT_TIMEOUT = 30
#: how often a job whose sandbox stopped answering is tried again (a worker that dies is not counted)
RETRIES = 2
#: sandboxes one worker process may hold (one per Dask thread); a sandbox's index is unique per machine
MAX_THREADS = 64


class SandboxStopped(RuntimeError):
    """A worker's sandbox stopped answering in the middle of a job (a grader failure: retry elsewhere)."""


# --------------------------------------------------------------------------- worker side
#: this worker process's warm sandboxes, by Dask thread
_SANDBOXES: dict = {}
_LOCK = threading.Lock()


def python_version() -> str:
    """``"3.11"``: the Python a worker must share with the client."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _worker_name() -> str:
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"process {os.getpid()} on {os.uname().nodename}"


def isolation_here(mode: str) -> Isolation:
    """The isolation ``mode`` the client chose, made on this machine.

    ``"bwrap"`` finds and probes this machine's own bubblewrap; :class:`SandboxUnavailable`
    says what to do when the mode cannot be had here.
    """
    if mode == "bwrap":
        return choose(on_cluster=True)
    if mode not in ("container", "unsafe"):
        raise SandboxUnavailable(f"unknown isolation mode {mode!r}")
    return Isolation(mode)


def _sandbox(mode: str, memory_bytes: int) -> SandboxWorker:
    """The warm sandbox of the calling thread, started on first use (and again after a change of settings)."""
    thread = threading.get_ident()
    with _LOCK:
        sandbox = _SANDBOXES.get(thread)
        if sandbox is not None and (sandbox.isolation.mode != mode or sandbox.memory_bytes != memory_bytes):
            sandbox.close()
            sandbox = None
        if sandbox is None:
            slot = len(_SANDBOXES) % MAX_THREADS
            # the index picks the uid a submission runs as without namespaces: unique on this machine
            sandbox = SandboxWorker(isolation_here(mode), f"dask-{os.getpid()}-{slot}", memory_bytes,
                                    os.getpid() * MAX_THREADS + slot)
            _SANDBOXES[thread] = sandbox
    if sandbox.proc is None or sandbox.proc.poll() is not None:
        sandbox.restart()
    return sandbox


def close_sandboxes() -> None:
    """Stop this process's warm sandboxes (a worker that exits takes them along anyway: they die with it)."""
    with _LOCK:
        sandboxes = list(_SANDBOXES.values())
        _SANDBOXES.clear()
    for sandbox in sandboxes:
        sandbox.close()


def run_job(job_id: str, payload: bytes, settings: dict, mode: str, memory_bytes: int) -> dict:
    """Run one job in this worker's warm sandbox; the :class:`RunResult` as a dict.

    Runs in a Dask worker process. Raises :class:`SandboxStopped` (so Dask retries the job)
    when the sandbox stopped answering before the job's deadline, and
    :class:`SandboxUnavailable`, naming this worker, when no sandbox can start here.
    """
    try:
        sandbox = _sandbox(mode, memory_bytes)
        result = sandbox.run(job_id, payload, settings)
    except SandboxUnavailable as exc:
        raise SandboxUnavailable(f"Dask worker {_worker_name()}: {exc}") from None
    if result.worker_died and not result.deadline_hit:
        raise SandboxStopped(f"the sandbox on Dask worker {_worker_name()} stopped answering")
    return result.to_dict()


def worker_report(mode: str) -> dict:
    """What the client checks before the first job: can this worker run the sandbox, with the same code."""
    from .gradebook import grader_version
    try:
        isolation_here(mode)
        problem = ""
    except SandboxUnavailable as exc:
        problem = str(exc)
    return {"problem": problem, "grader": grader_version(), "python": python_version(),
            "host": os.uname().nodename}


# --------------------------------------------------------------------------- client side
def _why(exc: BaseException) -> str:
    if isinstance(exc, (ImportError, AttributeError)) or "bptutor" in str(exc):
        return (f"cannot load bptutor ({type(exc).__name__}: {exc}); install the same bptutor on every worker "
                f"(pip install bptutor[dask] into the Python the worker runs)")
    return f"{type(exc).__name__}: {exc}"


class DaskPool:
    """``run(jobs, on_result)`` on the workers of the Dask scheduler at ``address``."""

    def __init__(self, address: str, isolation: Isolation, memory_bytes: int, retries: int = RETRIES):
        self.address, self.isolation, self.memory_bytes, self.retries = address, isolation, memory_bytes, retries

    def connect(self):
        """A client of the scheduler; :class:`SandboxUnavailable` when dask is missing or no scheduler answers."""
        try:
            from distributed import Client
        except ImportError:
            raise SandboxUnavailable(INSTALL_DASK) from None
        try:
            return Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SandboxUnavailable(f"cannot reach a Dask scheduler at {self.address}: {exc}") from None

    def check_workers(self, client) -> None:
        """Ask every worker whether it can run the sandbox; :class:`SandboxUnavailable` naming each that cannot."""
        from .gradebook import grader_version
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise SandboxUnavailable(f"the Dask scheduler at {self.address} has no workers "
                                     f"(none joined within {CONNECT_TIMEOUT} s)") from None
        answers = client.run(worker_report, self.isolation.mode, on_error="return")
        mine = {"grader": grader_version(), "python": python_version()}
        problems = []
        for address, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                problems.append(f"{address}: {_why(answer)}")
                continue
            where = f"{address} ({answer['host']})"
            if answer["problem"]:
                problems.append(f"{where}: {answer['problem']}")
            if answer["python"] != mine["python"]:
                problems.append(f"{where}: runs Python {answer['python']}, this machine {mine['python']}; "
                                f"workers need the same Python as the machine that grades")
            if answer["grader"] != mine["grader"]:
                problems.append(f"{where}: has other bptutor code than this machine (grader {answer['grader']}, "
                                f"here {mine['grader']}); install the same bptutor on every worker")
        if problems:
            raise SandboxUnavailable(f"{len(problems)} problem(s) with the Dask workers at {self.address}, "
                                     "so nothing was graded:\n  " + "\n  ".join(problems))

    def run(self, jobs, on_result) -> None:
        """Run every job on the cluster; call ``on_result(job, result)`` in this thread as each finishes.

        Raises :class:`SandboxUnavailable` when dask is missing, no scheduler answers, or a
        worker cannot run the sandbox (before any job is sent).
        """
        jobs = list(jobs)
        if not jobs:
            return
        client = self.connect()
        try:
            self.check_workers(client)
            from distributed import as_completed
            run = uuid.uuid4().hex[:12]
            by_key = {}
            for job in jobs:
                future = client.submit(run_job, job.id, job.payload(), job.settings(), self.isolation.mode,
                                       self.memory_bytes, key=f"bptutor-grade-{run}-{job.id}", pure=False,
                                       retries=self.retries)
                by_key[future.key] = (future, job)
            try:
                for future in as_completed([f for f, _ in by_key.values()], loop=client.loop):
                    on_result(by_key[future.key][1], self._result(future))
            except BaseException:
                client.cancel([f for f, _ in by_key.values()])
                raise
        finally:
            client.close()

    @staticmethod
    def _result(future) -> RunResult:
        if future.status == "finished":
            return RunResult.from_dict(future.result())
        exc = future.exception() if future.status == "error" else None
        if isinstance(exc, SandboxUnavailable):
            return RunResult(setup_error=str(exc))
        return RunResult(worker_died=True)  # a grader failure: the row says to run the command again
