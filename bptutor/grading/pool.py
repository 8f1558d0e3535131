"""The local pool: a few warm sandboxes on this machine, one thread each, judging on the caller's.

:class:`LocalPool` starts ``n`` sandbox workers (:class:`~bptutor.grading.sandbox_worker.SandboxWorker`)
(in parallel, each in its own thread), feeds them jobs from one queue and hands every
:class:`~bptutor.grading.jobs.RunResult` back to the calling thread, which judges it --
judging needs the reference, which never enters a sandbox. The Dask pool
(:mod:`bptutor.grading.dask_pool`) has the same ``run`` and the same results.
"""
from __future__ import annotations

import os
import queue
import threading

from .sandbox_worker import SandboxUnavailable, SandboxWorker


class LocalPool:
    """``run(jobs, on_result)`` on ``n_workers`` warm sandboxes."""

    def __init__(self, isolation, n_workers: int, memory_bytes: int):
        self.isolation, self.n_workers, self.memory_bytes = isolation, max(1, int(n_workers)), memory_bytes
        self._stop = threading.Event()
        self._workers: list = []

    def _serve(self, index: int, jobs: queue.Queue, results: queue.Queue) -> None:
        try:
            worker = SandboxWorker(self.isolation, f"{os.getpid()}-{index}", self.memory_bytes, index)
        except SandboxUnavailable as exc:
            results.put(("failed", exc))
            return
        self._workers.append(worker)
        try:
            while not self._stop.is_set():
                try:
                    job = jobs.get_nowait()
                except queue.Empty:
                    return
                results.put(("done", (job, worker.run(job.id, job.payload(), job.settings()))))
        finally:
            if self._stop.is_set():
                worker.kill()
            worker.close()
            results.put(("exit", index))

    def run(self, jobs, on_result) -> None:
        """Run every job; call ``on_result(job, result)`` in this thread as each finishes.

        Raises :class:`SandboxUnavailable` when no sandbox could start at all.
        """
        jobs = list(jobs)
        if not jobs:
            return
        todo: queue.Queue = queue.Queue()
        for job in jobs:
            todo.put(job)
        results: queue.Queue = queue.Queue()
        n = min(self.n_workers, len(jobs))
        threads = [threading.Thread(target=self._serve, args=(i, todo, results), daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        running, failure, finished = n, None, 0
        try:
            while running:
                kind, value = results.get()
                if kind == "done":
                    finished += 1
                    on_result(*value)
                elif kind == "failed":
                    failure, running = value, running - 1
                else:
                    running -= 1
        except BaseException:
            self._stop.set()
            for worker in list(self._workers):  # interrupted: take every running submission down now
                worker.kill()
            raise
        finally:
            for t in threads:
                t.join(timeout=30)
        if finished < len(jobs) and failure is not None:
            raise failure
