"""Grading the adversarial corpus once, as root or as an ordinary user, and judging each case's rows
(used by the corpus tests and by ``benchmarks/grading_corpus.py``)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import bptutor
from bptutor.grading import cgroups
from helpers import grading_corpus
from helpers.paths import ROOT


def listening_port() -> socket.socket:
    """A loopback socket that accepts connections (no sandbox may reach it)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    return server


def cgroups_writable() -> bool:
    group = cgroups.for_worker(f"probe-{os.getpid()}")
    if group is None:
        return False
    group.remove()
    return True


def can_run_as_user() -> bool:
    return os.geteuid() == 0 and sys.platform == "linux" and shutil.which("unshare") is not None \
        and shutil.which("mount") is not None


def grade_command(subs: str, out: str, timeout: float, jobs: int, as_user: bool) -> list:
    command = [sys.executable, "-m", "bptutor", "grade", subs, "--out", out, "--timeout", str(timeout),
               "--jobs", str(jobs)]
    if not as_user:
        return command
    needed = [os.path.realpath(sys.executable), sys.base_prefix, sys.prefix, str(ROOT), os.path.dirname(out)]
    return ["unshare", "--mount", "--propagation", "private", sys.executable,
            os.path.join(ROOT, "tests", "helpers", "as_user.py"), *needed, "--", *command]


def grade_corpus(tmp: str, timeout: float = 2.0, jobs: int = 2, as_user: bool = False, cases=None):
    """Write the corpus under ``tmp`` and grade it with ``bptutor grade``.

    Returns ``(cases, subs folder, rows by displayed path, seconds, exit code, stderr)``.
    """
    subs, out = os.path.join(tmp, "submitted"), os.path.join(tmp, "out")
    os.makedirs(subs, exist_ok=True)
    os.chmod(tmp, 0o777 if as_user else 0o755)
    context = grading_corpus.Context(out, subs, os.path.dirname(os.path.abspath(bptutor.__file__)),
                                     os.path.dirname(os.path.dirname(os.path.realpath(__import__("numpy").__file__))))
    server = listening_port()
    try:
        cases = cases or grading_corpus.all_cases(context, server.getsockname()[1])
        for case in cases:
            grading_corpus.write(case, subs)
        if as_user:
            for folder, _, _ in os.walk(tmp):
                os.chmod(folder, 0o777)
        t0 = time.monotonic()
        done = subprocess.run(grade_command(subs, out, timeout, jobs, as_user), capture_output=True, text=True,
                              env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
        seconds = time.monotonic() - t0
    finally:
        server.close()
    with open(os.path.join(out, "gradebook.json"), encoding="utf-8") as fh:
        rows = json.load(fh)
    by_path = {os.path.abspath(r["submission"]): r for r in rows}
    return cases, subs, by_path, seconds, done.returncode, done.stderr


def judge_case(case, subs, by_path, cgroups: bool = True) -> list:
    """Problems with a case's rows (empty when it produced exactly what it should)."""
    problems = []
    for path, scores in grading_corpus.expected_rows(case, subs).items():
        row = by_path.get(path)
        if row is None:
            problems.append(f"no row for {path}")
            continue
        got = {q["id"]: q["score"] for q in row["questions"]}
        if scores and got != scores and (cgroups or not case.needs_cgroups):
            problems.append(f"scores {got}, expected {scores}")
        if not scores and got:
            problems.append(f"graded functions {got}, expected none")
        err = row["error"] or ""
        if case.error and case.error not in err:
            problems.append(f"error {err!r} lacks {case.error!r}")
        if not case.error and err and not err.startswith("note: "):
            problems.append(f"unexpected error {err!r}")
        if case.status and row.get("status") != case.status:
            problems.append(f"status {row.get('status')!r}, expected {case.status!r}")
        for q in row["questions"]:
            want = case.feedback.get(q["id"])
            if want and want not in q["feedback"]:
                problems.append(f"{q['id']} feedback lacks {want!r}: {q['feedback'][:300]!r}")
            if "LEAK" in q["feedback"]:
                problems.append(f"{q['id']}: {q['feedback'][:600]}")
    return problems


def processes_named(name: str) -> list:
    """Pids of live (not zombie) processes whose name is ``name``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    comm = fh.read().strip()
                with open(f"/proc/{entry}/status") as fh:
                    zombie = "State:\tZ" in fh.read()
            except OSError:
                continue
            if comm == name and not zombie:
                found.append(int(entry))
    return found
