"""Linux isolation for one submission, inside the sandbox bubblewrap already made.

bubblewrap gives the warm interpreter (:mod:`bptutor.sandbox.zygote`) its own user,
mount, pid, network, ipc and uts namespaces and a read-only view of Python, NumPy and
this package's child side. Every submission then gets namespaces of its own *inside*
that sandbox, so nothing one submission does can reach the next:

* :func:`enter_namespaces` -- a new user namespace (the same uid, no capabilities outside
  it), mount, pid, ipc, uts and network namespaces;
* :func:`mount_scratch` -- in the new pid namespace's first process: a private,
  size-capped tmpfs on ``/tmp`` (the only writable place), another on ``/dev/shm``, and a
  ``/proc`` that shows only the submission's processes (where the kernel refuses a new
  proc mount -- bubblewrap run as root covers parts of its /proc -- an empty read-only
  ``/proc``, so the warm interpreter's processes cannot be seen; they have no pid in the
  submission's pid namespace either). When that first process exits, the kernel kills
  every process of the submission and frees its tmpfs: nothing outlives it;
* :func:`drop_privileges`, :func:`set_limits` -- in the process that will run student
  code: no capabilities, ``no_new_privs``, hard resource limits, first in line for the
  out-of-memory killer.

Only the standard library (ctypes) is used.
"""
from __future__ import annotations

import ctypes
import os
import resource

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x1, 0x2, 0x4, 0x8, 0x4000, 0x40000
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 38, 24, 1, 36
_CAP_VERSION_3 = 0x20080522
#: processes one submission may have at once (a fork bomb stops here)
MAX_PROCESSES = 64
#: largest file student code may write (bytes); results travel through a pipe, not files
MAX_FILE_BYTES = 64 * 2**20
#: open files per process
MAX_OPEN_FILES = 256

_libc = ctypes.CDLL(None, use_errno=True)


class IsolationError(OSError):
    """A namespace, mount or limit could not be set up (the grader reports it; the student is not blamed)."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise IsolationError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def enter_namespaces() -> None:
    """Move this process into new user, mount, ipc, uts and network namespaces.

    Its next child is the first process of a new pid namespace.
    """
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET
    _check(_libc.unshare(flags), "unshare (new namespaces for the submission)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None, what: str) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       ctypes.c_ulong(flags), data.encode() if data else None), what)


def mount_scratch(tmp_bytes: int, shm_bytes: int) -> None:
    """Private mounts for the submission (call as the first process of its pid namespace)."""
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None, "making mounts private")
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(tmp_bytes)},mode=0700", "scratch on /tmp")
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(shm_bytes)},mode=0700",
               "scratch on /dev/shm")
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "/proc of the submission")
    except IsolationError:
        _mount("tmpfs", "/proc", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555",
               "hiding /proc")


def forbid_user_namespaces() -> None:
    """No further user namespaces below this one (best effort, like bwrap's --disable-userns)."""
    try:
        _write("/proc/sys/user/max_user_namespaces", "0")
    except OSError:
        pass


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_privileges() -> None:
    """No capabilities, none to be regained by exec (``no_new_privs``, empty bounding set)."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL: past the last
            break
    header, data = _CapHeader(_CAP_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "dropping capabilities")


def set_limits(memory_bytes: int, cpu_seconds: float, mapped_now: int) -> None:
    """Hard limits for this process and everything it starts.

    Address space: ``mapped_now`` (:func:`virtual_memory_now`, read before /proc is
    replaced) plus ``memory_bytes``; CPU: ``cpu_seconds`` per process (each cell and
    question lowers its own soft limit below that); processes, file size, open files and
    core dumps capped.
    """
    memory = int(mapped_now) + int(memory_bytes)
    cpu = int(cpu_seconds) + 1
    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu),
                         (resource.RLIMIT_NPROC, MAX_PROCESSES), (resource.RLIMIT_FSIZE, MAX_FILE_BYTES),
                         (resource.RLIMIT_NOFILE, MAX_OPEN_FILES), (resource.RLIMIT_CORE, 0)):
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def first_for_the_oom_killer() -> None:
    """If the memory cgroup runs out, the kernel kills student code, never the grader's processes."""
    try:
        _write("/proc/self/oom_score_adj", "1000")
    except OSError:
        pass


def die_with_parent(signal_number: int) -> None:
    """Receive ``signal_number`` when the parent process exits."""
    _libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0)


def become_subreaper() -> None:
    """Adopt orphaned descendants, so they can be found and killed."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def virtual_memory_now() -> int:
    """Bytes of address space this process has mapped (0 when /proc cannot tell)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
