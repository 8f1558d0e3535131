"""Memory and process limits for a whole sandbox tree, through cgroups where the grader may write them.

One cgroup per grading worker (a worker runs one submission at a time, so its limit is
the submission's): every process of the tree, the memory it maps, the tmpfs pages it
writes (``/tmp``, ``/dev/shm``, ``memfd``) and its process count are charged together.
cgroup v1 (``memory`` and ``pids`` hierarchies) and v2 (a delegated subtree) are both
handled; where neither is writable (an ordinary user, most containers) the sandbox's hard
rlimits are the floor and :func:`for_worker` returns ``None``.
"""
from __future__ import annotations

import os
import time

ROOT = "/sys/fs/cgroup"


def _read(path: str) -> str:
    with open(path) as fh:
        return fh.read()


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _own_v2_path() -> str | None:
    try:
        for line in _read("/proc/self/cgroup").splitlines():
            if line.startswith("0::"):
                return line[3:]
    except OSError:
        pass
    return None


class WorkerCgroup:
    """The cgroup(s) of one worker: ``folders`` to create, the files to read and write."""

    def __init__(self, folders: dict, version: int):
        self.folders, self.version = folders, version  # {"memory": path, "pids": path} or {"v2": path}

    # -- life cycle
    def create(self) -> None:
        for folder in self.folders.values():
            os.makedirs(folder, exist_ok=True)
        self.set_pids(4096)

    def remove(self) -> None:
        for folder in self.folders.values():
            for _ in range(50):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)  # processes still leaving

    def procs_files(self) -> list:
        return [os.path.join(f, "cgroup.procs") for f in self.folders.values()]

    def wrap(self, command: list) -> list:
        """``command`` run by a shell that first moves itself into the cgroup(s), then execs."""
        files = self.procs_files()
        script = " && ".join(f'echo $$ > "${i + 1}"' for i in range(len(files)))
        return ["/bin/sh", "-c", f'{script} && shift {len(files)} && exec "$@"', "sh", *files, *command]

    # -- limits and readings
    def _memory(self) -> str:
        return self.folders.get("memory") or self.folders["v2"]

    def _pids(self) -> str:
        return self.folders.get("pids") or self.folders["v2"]

    def usage(self) -> int:
        name = "memory.usage_in_bytes" if self.version == 1 else "memory.current"
        return int(_read(os.path.join(self._memory(), name)))

    def set_memory(self, limit: int) -> None:
        folder = self._memory()
        if self.version == 1:
            files = [os.path.join(folder, "memory.limit_in_bytes")]
            swap = os.path.join(folder, "memory.memsw.limit_in_bytes")
            if os.path.exists(swap):  # memory + swap: no escaping the limit into swap
                files.append(swap)
            try:  # the kernel wants memory <= memory + swap at every step: lower memory first, raise swap first
                for name in files:
                    _write(name, str(limit))
            except OSError:
                for name in reversed(files):
                    _write(name, str(limit))
        else:
            _write(os.path.join(folder, "memory.max"), str(limit))
            swap = os.path.join(folder, "memory.swap.max")
            if os.path.exists(swap):
                _write(swap, "0")

    def set_pids(self, limit: int) -> None:
        _write(os.path.join(self._pids(), "pids.max"), str(limit))

    def oom_kills(self) -> int:
        """How many processes the kernel has killed for running out of this cgroup's memory."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        try:
            for line in _read(os.path.join(self._memory(), name)).splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0


def _v1(name: str) -> WorkerCgroup | None:
    memory, pids = os.path.join(ROOT, "memory"), os.path.join(ROOT, "pids")
    if not (os.path.isfile(os.path.join(memory, "memory.limit_in_bytes")) and os.path.isdir(pids)):
        return None
    if not (os.access(memory, os.W_OK) and os.access(pids, os.W_OK)):
        return None
    return WorkerCgroup({"memory": os.path.join(memory, "bptutor", name),
                         "pids": os.path.join(pids, "bptutor", name)}, 1)


def _v2(name: str) -> WorkerCgroup | None:
    own = _own_v2_path()
    if own is None or not os.path.isfile(os.path.join(ROOT, "cgroup.controllers")):
        return None
    base = os.path.join(ROOT, own.lstrip("/"))
    try:
        enabled = _read(os.path.join(base, "cgroup.subtree_control")).split()
    except OSError:
        return None
    if not {"memory", "pids"} <= set(enabled) or not os.access(base, os.W_OK):
        return None  # the controllers are not delegated to us: rlimits only
    return WorkerCgroup({"v2": os.path.join(base, f"bptutor-{name}")}, 2)


def for_worker(name: str) -> WorkerCgroup | None:
    """A created cgroup for the worker called ``name``, or ``None`` where cgroups cannot be written."""
    for make in (_v1, _v2):
        group = make(name)
        if group is None:
            continue
        try:
            group.create()
            return group
        except OSError:
            group.remove()
    return None
