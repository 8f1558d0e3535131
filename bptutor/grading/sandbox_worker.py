"""One warm sandbox, from the grader's side: start it, hand it a job, collect what comes back.

:class:`Isolation` says how submissions are isolated: ``"bwrap"`` (the default: a
bubblewrap sandbox with namespaces per submission), ``"container"`` (no namespaces
because the machine refuses them -- Gradescope's container is then the boundary) or
``"unsafe"`` (``--unsafe-no-sandbox``, labelled in every row). :class:`SandboxWorker`
starts one zygote under it, in a cgroup of its own where cgroups can be written, and
runs one job at a time with :meth:`SandboxWorker.run`: the job's bytes go in through a
pipe made for that job, the results come out through another, and the zygote's report
arrives on the control socket, which no submission can reach. Used by the local pool
(one worker per thread) and by Dask workers alike.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

from ..sandbox.limits import SCRATCH_BYTES, SHM_BYTES
from . import cgroups, sandbox_view
from .jobs import RunResult

#: how long a sandbox may take to start
START_TIMEOUT = 60.0
#: a job may overrun its own deadline by this much before the whole sandbox is replaced
GRACE = 20.0
#: the most result bytes one submission may send
MAX_STREAM_BYTES = 128 * 2**20
#: what the whole tree may hold beyond one process's allowance (the zygote, page tables, the scratch
#: tmpfs): one greedy process meets its own address-space limit (a clean MemoryError) before the
#: cgroup's, which catches what no per-process limit can -- many processes, tmpfs, memfd
ZYGOTE_MARGIN = 256 * 2**20
#: a submission of a worker running as root in "container"/"unsafe" mode runs as this uid plus the worker index
PLAIN_UID_BASE = 100_000


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be started on this machine (the message says what to do)."""


@dataclass(frozen=True)
class Isolation:
    """How submissions are isolated on this machine."""

    mode: str  # "bwrap", "container" or "unsafe"
    bwrap: str | None = None

    @property
    def namespaces(self) -> bool:
        return self.mode == "bwrap"

    def describe(self) -> str:
        return {"bwrap": "bubblewrap sandbox, namespaces per submission",
                "container": "the container is the isolation boundary (no namespaces allowed here)",
                "unsafe": "NO SANDBOX (--unsafe-no-sandbox)"}[self.mode]

    def command(self, control_fd: int) -> list:
        if self.namespaces:
            assert self.bwrap is not None, "bubblewrap mode needs the bwrap executable"
            return sandbox_view.bwrap_command(self.bwrap, control_fd)
        return sandbox_view.python_command(control_fd, "plain", plain_paths())



def plain_paths() -> list:
    """``sys.path`` entries for a zygote without bubblewrap: this package's parent and NumPy's."""
    import numpy
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return list(dict.fromkeys([package_parent, os.path.dirname(os.path.dirname(os.path.realpath(numpy.__file__)))]))


def python_is_private() -> bool:
    """True when an unprivileged user could not read this Python's standard library or NumPy."""
    import stat

    import numpy
    for path in (os.path.realpath(os.__file__), os.path.realpath(numpy.__file__)):
        folder = os.path.dirname(path)
        while folder != os.path.dirname(folder):
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return True
            folder = os.path.dirname(folder)
        if not os.stat(path).st_mode & stat.S_IROTH:
            return True
    return False


def probe_bwrap(bwrap: str) -> str:
    """``""`` when bubblewrap can make the sandbox's namespaces here, else bubblewrap's own complaint."""
    cmd = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent",
           "--ro-bind", "/", "/", "--proc", "/proc", "--", "/bin/true"]
    if os.geteuid() == 0:
        cmd[1:1] = ["--uid", "65534", "--gid", "65534"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"bwrap exited with {done.returncode}")


def choose(unsafe: bool = False, container: bool = False, on_cluster: bool = False) -> Isolation:
    """The isolation for this run; :class:`SandboxUnavailable` with the fix when there is none.

    ``on_cluster``: this is a Dask worker, where grading without a sandbox is no advice to give.
    """
    unsafe_hint = "" if on_cluster else f", {sandbox_view.UNSAFE_HINT}"
    if unsafe:
        return Isolation("unsafe")
    bwrap = sandbox_view.find_bwrap()
    if bwrap is None:
        if container:
            return Isolation("container")
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {sandbox_view.INSTALL_HINT}{unsafe_hint}")
    problem = probe_bwrap(bwrap)
    if problem:
        if container:
            return Isolation("container")
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here ({problem}); allow unprivileged "
                                 f"user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu "
                                 f"an AppArmor profile for bwrap) or grade as root{unsafe_hint}")
    return Isolation("bwrap", bwrap)


def _environment() -> dict:
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "SYSTEMROOT") if k in os.environ}
    return dict(keep, **sandbox_view.ENVIRONMENT, PYTHONNOUSERSITE="1")


class SandboxWorker:
    """One warm sandbox that runs one job at a time (:meth:`run`)."""

    def __init__(self, isolation: Isolation, name: str, memory_bytes: int, index: int = 0):
        self.isolation, self.name, self.memory_bytes = isolation, name, memory_bytes
        # without namespaces, root runs each submission as an unprivileged uid -- unless that uid
        # could not even read the Python it runs on (installed under /root, say)
        dropped = not isolation.namespaces and os.geteuid() == 0 and not python_is_private()
        self.run_as = PLAIN_UID_BASE + index if dropped else None
        self.cgroup = cgroups.for_worker(name)
        self.proc: subprocess.Popen | None = None
        self._start()

    # -- start and stop
    def _start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = self.isolation.command(child.fileno())
        if self.cgroup is not None:
            command = self.cgroup.wrap(command)
        self.errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(command, pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=self.errors, env=_environment(),
                                         cwd="/", start_new_session=True)
        except OSError as exc:
            raise SandboxUnavailable(f"the sandbox could not be started: {exc}") from None
        finally:
            child.close()
        self.control = parent
        reply = self._receive(START_TIMEOUT)
        if not reply.get("ready"):
            self.errors.seek(0)
            said = self.errors.read().decode("utf-8", "replace").strip()[-800:]
            self.kill()
            raise SandboxUnavailable("the sandbox did not start: "
                                     + (reply.get("fatal") or said or "no answer (set BPTUTOR_GRADE_DEBUG=1)"))
        if self.cgroup is not None:
            self.cgroup.set_memory(self.cgroup.usage() + self.memory_bytes + ZYGOTE_MARGIN + SCRATCH_BYTES
                                   + SHM_BYTES)
            self.cgroup.set_pids(96)

    def _receive(self, timeout: float) -> dict:
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except (TimeoutError, OSError):
            return {}
        if not data:
            return {}
        try:
            reply = json.loads(data)
        except ValueError:
            return {}
        return reply if isinstance(reply, dict) else {}

    def kill(self) -> None:
        """Stop the sandbox and everything in it (its process group, then its cgroup)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        try:
            self.control.close()
        except (OSError, AttributeError):
            pass

    def close(self) -> None:
        """Ask the zygote to finish (it exits when its control socket closes), then clean up."""
        try:
            self.control.close()
        except OSError:
            pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.cgroup is not None:
            self.cgroup.remove()

    def restart(self) -> None:
        self.kill()
        self._start()

    # -- one job
    def run(self, job_id: str, payload: bytes, settings: dict) -> RunResult:
        """Run one job to the end; a sandbox that stops answering is replaced and the job says so."""
        job_r, job_w = os.pipe()
        results_r, results_w = os.pipe()
        oom_before = self.cgroup.oom_kills() if self.cgroup is not None else 0
        started = time.monotonic()
        try:
            message = json.dumps(dict(settings, job=job_id, run_as=self.run_as)).encode()
            socket.send_fds(self.control, [message], [job_r, results_w])
        except OSError:
            for fd in (job_r, job_w, results_r, results_w):
                os.close(fd)
            self.restart()
            return RunResult(worker_died=True)
        os.close(job_r)
        os.close(results_w)
        result = self._collect(payload, job_w, results_r, started + float(settings["deadline"]) + GRACE)
        result.seconds = round(time.monotonic() - started, 4)
        if self.cgroup is not None and self.cgroup.oom_kills() > oom_before:
            result.oom = True
        if result.worker_died:
            self.restart()
        return result

    def _collect(self, payload: bytes, job_w: int, results_r: int, watchdog: float) -> RunResult:
        os.set_blocking(job_w, False)
        sel = selectors.DefaultSelector()
        sel.register(job_w, selectors.EVENT_WRITE, "job")
        sel.register(results_r, selectors.EVENT_READ, "results")
        sel.register(self.control, selectors.EVENT_READ, "control")
        view, chunks, size, truncated, reply = memoryview(payload), [], 0, False, None
        open_fds = {job_w, results_r}
        try:
            while reply is None or results_r in open_fds:
                left = watchdog - time.monotonic()
                if left <= 0:
                    return RunResult(worker_died=True, deadline_hit=True)
                for key, _ in sel.select(timeout=min(left, 1.0)):
                    if key.data == "job":
                        try:
                            view = view[os.write(job_w, view[:2**20]):]
                        except (BlockingIOError, InterruptedError):
                            continue
                        except OSError:  # the reader is gone (the submission died): stop writing
                            view = view[:0]
                        if not view:
                            sel.unregister(job_w)
                            os.close(job_w)
                            open_fds.discard(job_w)
                    elif key.data == "results":
                        data = os.read(results_r, 2**20)
                        if not data:
                            sel.unregister(results_r)
                            open_fds.discard(results_r)
                        elif size + len(data) <= MAX_STREAM_BYTES:
                            chunks.append(data)
                            size += len(data)
                        else:
                            truncated = True
                    else:
                        reply = self._receive(0.0)
                        if not reply:
                            return RunResult(worker_died=True)
                        sel.unregister(self.control)
                        watchdog = min(watchdog, time.monotonic() + 5.0)  # the stream closes right after
        finally:
            sel.close()
            for fd in open_fds:
                os.close(fd)
        return RunResult(stream=b"".join(chunks), exit=int(reply.get("exit", -1)),
                         deadline_hit=bool(reply.get("deadline_hit")), setup_error=str(reply.get("setup_error", "")),
                         truncated=truncated)
