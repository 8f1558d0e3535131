"""Trusted judging: the numbers a sandbox wrote, turned into points by the parent.

The parent draws the same trials again from the submission's seed
(:func:`bptutor.grading.draws.draw_trials`), reads what the sandbox wrote with
:mod:`json` and ``np.load(allow_pickle=False)`` -- sizes capped, structure
distrusted -- and hands both to :func:`bptutor.check.judge.judge`, the same
judge the student checks use. Points are all-or-nothing per function.
"""
from __future__ import annotations

import io
import json
import os
import stat
import zipfile

import numpy as np

from ..assignments import Assignment
from ..check.judge import judge
from ..trials import Outcome, decode_outcome
from .draws import draw_trials

MAX_JSON_BYTES = 4 * 2**20
MAX_ARRAY_BYTES = 256 * 2**20
MAX_CELL_LOG_BYTES = 2**20
MAX_NOTE_BYTES = 4096
ALL_OR_NOTHING = "Scoring: all or nothing -- the points when every trial passes, zero otherwise."
SANDBOX_STATUSES = {"timeout", "memory", "crashed"}


def read_capped(path: str, limit: int) -> bytes:
    """The bytes of a regular file the sandbox wrote, refusing anything else.

    The sandbox owns its ``out`` folder, so a "result" may be a symlink (to a
    file of the grader's), a FIFO (a read would block forever) or a device such
    as /dev/zero; none is followed or opened for reading, and at most ``limit``
    bytes are read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{os.path.basename(path)} is not a regular file")
        if info.st_size > limit:
            raise ValueError(f"{os.path.basename(path)} is larger than {limit} bytes")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 2**20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError(f"{os.path.basename(path)} is larger than {limit} bytes")
        return data
    finally:
        os.close(fd)


def _read_json(path: str, limit: int = MAX_JSON_BYTES):
    return json.loads(read_capped(path, limit).decode("utf-8"))


def _read_arrays(path: str) -> dict:
    """Arrays of an ``.npz`` file written by a sandbox: no pickles, no zip bombs."""
    if not os.path.lexists(path):
        return {}
    buffer = io.BytesIO(read_capped(path, MAX_ARRAY_BYTES))
    with zipfile.ZipFile(buffer) as zf:
        if sum(i.file_size for i in zf.infolist()) > MAX_ARRAY_BYTES:
            raise ValueError("the arrays are larger than allowed")
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as npz:
        return {k: np.array(npz[k]) for k in npz.files}


def read_outcomes(out_dir: str, name: str, n_trials: int, reply: dict):
    """``(outcomes, missing)`` for one function from a job's ``out`` folder.

    ``missing`` is True when the notebook defines no function of that name.
    Whatever could not be read becomes outcomes saying why.
    """
    result = os.path.join(out_dir, f"q-{name}.json")
    status = os.path.join(out_dir, f"q-{name}.status.json")
    try:
        if os.path.lexists(result):
            data = _read_json(result)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            if data.get("missing") is True:
                return [], True
            arrays = _read_arrays(os.path.join(out_dir, f"q-{name}.npz"))
            encoded = data.get("outcomes")
            if not isinstance(encoded, list):
                raise ValueError("no list of outcomes")
            outcomes = [decode_outcome(d, arrays) if isinstance(d, dict)
                        else Outcome("error", error="the result could not be read back")
                        for d in encoded[:n_trials]]
            return outcomes, False
        if os.path.lexists(status):
            data = _read_json(status, 65536)
            kind = str(data.get("status", "crashed"))
            kind = kind if kind in SANDBOX_STATUSES else "crashed"
            error = str(data.get("error", ""))[:500]
            return [Outcome(kind, error=error)] * n_trials, False
    except Exception as exc:  # noqa: BLE001 -- a forged or broken file scores nothing
        return [Outcome("crashed", error=f"its result could not be read back ({str(exc)[:200] or type(exc).__name__})")] * n_trials, False
    if reply.get("deadline_hit"):
        why = Outcome("timeout", error=f"timed out: the whole notebook used up its {reply.get('deadline', 0):g} s")
    elif reply.get("worker_died"):
        why = Outcome("crashed", error="the grading process running it died")
    else:
        why = Outcome("crashed", error="process died before this function was tried "
                                       "(an earlier cell or function ended the process)")
    return [why] * n_trials, False


def read_cell_log(out_dir: str, positions=()) -> list:
    """Problems in the notebook's top-level code: ``["cell 3: error -- NameError: ...", ...]`` (at most 50).

    ``positions[k]``: the place of code cell ``k`` among all the notebook's cells,
    so the number matches what the student sees in Jupyter.
    """
    path = os.path.join(out_dir, "cells.jsonl")
    problems = []
    try:
        raw = read_capped(path, MAX_CELL_LOG_BYTES)
    except (OSError, ValueError):
        return problems
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
            if event.get("status") != "ok":
                k = int(event["cell"])
                where = positions[k] if 0 <= k < len(positions) else k + 1
                problems.append(f"cell {where}: {str(event.get('status'))[:20]} -- "
                                f"{str(event.get('error', ''))[:300]}")
        except Exception:  # noqa: BLE001
            continue
        if len(problems) >= 50:
            problems.append("(more problems not listed)")
            break
    return problems


def judge_job(assignment: Assignment, seed: int, out_dir: str, reply: dict) -> list:
    """One dict per function: ``id``, ``score``, ``max_score``, ``passed``, ``feedback``."""
    trials = draw_trials(assignment, seed, keep_secrets=True)
    results = []
    for question in assignment.questions:
        qt = trials[question.name]
        outcomes, missing = read_outcomes(out_dir, question.name, len(qt), reply)
        if missing:
            what = "function" if question.runner is None else "class"
            feedback = (f"✗ {question.id}: the notebook defines no {what} called {question.target}. "
                        f"Define it with exactly this name"
                        + (f" and the parameters ({', '.join(question.params)})." if question.runner is None else "."))
            passed = False
        else:
            verdict = judge(question, qt, outcomes)
            passed, feedback = bool(verdict.passed), verdict.feedback
        results.append({"id": question.name, "score": question.points if passed else 0,
                        "max_score": question.points, "passed": passed,
                        "feedback": f"{feedback}\n{ALL_OR_NOTHING}"})
    return results


def zero_results(assignment: Assignment, reason: str) -> list:
    """Every function of an assignment at zero, for a notebook that could not be run."""
    return [{"id": q.name, "score": 0, "max_score": q.points, "passed": False,
             "feedback": f"✗ {q.name} was not graded: {reason}"} for q in assignment.questions]
