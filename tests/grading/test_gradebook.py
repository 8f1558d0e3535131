"""The gradebook contract of COURSE.md, exit codes, progress output, atomic writes and resuming."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from helpers.grading_corpus import (  # noqa: E402
    BACKPROP,
    HIDDEN_DELTA,
    IMPORTS,
    SOFTMAX_FUNCS,
    WRONG_HIDDEN_DELTA,
    honest_a3,
    notebook,
)
from helpers.notebooks import write_notebook as _write

from bptutor.assignments import ASSIGNMENTS  # noqa: E402
from bptutor.cli import main as bptutor  # noqa: E402
from bptutor.grading import grade as grade_module  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the grader's sandbox needs Linux")
BIN = os.path.join(os.path.dirname(sys.executable), "bptutor")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A batch mixing a3 and a5, a wrong a3 and a broken a3 file, graded once."""
    tmp = tmp_path_factory.mktemp("mixed")
    subs, out = tmp / "subs", tmp / "out"
    _write(str(subs), "ann_a5.ipynb", notebook([IMPORTS, SOFTMAX_FUNCS], "a5"))
    _write(str(subs), "ben_a3.ipynb", notebook(honest_a3()))
    _write(str(subs), "cal_a3.ipynb", notebook([IMPORTS, WRONG_HIDDEN_DELTA, BACKPROP]))
    _write(str(subs), "dee_a3.ipynb", "{\"cells\": [")
    code = bptutor(["grade", str(subs), "--out", str(out), "--timeout", "5", "--jobs", "2"])
    with open(out / "gradebook.csv", newline="") as fh:
        table = list(csv.reader(fh))
    with open(out / "gradebook.json", encoding="utf-8") as fh:
        rows = json.load(fh)
    return {"code": code, "csv": table, "json": rows, "out": out}


def test_csv_columns_are_the_union_of_functions_in_registry_order(mixed):
    functions = [q.name for a in ("a3", "a5") for q in ASSIGNMENTS[a].questions]
    assert mixed["csv"][0] == ["submission", "assignment", *functions, "total", "max"]


def test_csv_rows_hold_points_and_blanks_where_a_function_does_not_apply(mixed):
    header, *body = mixed["csv"]
    rows = {os.path.basename(r[0]): dict(zip(header, r)) for r in body}
    assert rows["ben_a3.ipynb"]["hidden_delta"] == "4" and rows["ben_a3.ipynb"]["backprop"] == "6"
    assert rows["ben_a3.ipynb"]["softmax"] == ""
    assert (rows["ben_a3.ipynb"]["total"], rows["ben_a3.ipynb"]["max"]) == ("10", "10")
    assert (rows["cal_a3.ipynb"]["hidden_delta"], rows["cal_a3.ipynb"]["total"]) == ("0", "6")
    assert (rows["ann_a5.ipynb"]["total"], rows["ann_a5.ipynb"]["hidden_delta"]) == ("10", "")
    assert (rows["dee_a3.ipynb"]["assignment"], rows["dee_a3.ipynb"]["total"], rows["dee_a3.ipynb"]["max"]) == ("a3", "0", "10")


def test_json_has_exactly_the_keys_of_the_contract(mixed):
    assert mixed["code"] == 0
    for row in mixed["json"]:
        assert list(row) == ["submission", "assignment", "score", "max_score", "error", "questions"]
        for q in row["questions"]:
            assert list(q) == ["id", "score", "max_score", "passed", "feedback"]
            assert isinstance(q["passed"], bool) and isinstance(q["feedback"], str) and q["feedback"]
        assert row["score"] == sum(q["score"] for q in row["questions"])
        assert row["max_score"] == sum(q["max_score"] for q in row["questions"])
    broken = next(r for r in mixed["json"] if r["submission"].endswith("dee_a3.ipynb"))
    assert "invalid notebook" in broken["error"] and broken["score"] == 0
    honest = next(r for r in mixed["json"] if r["submission"].endswith("ben_a3.ipynb"))
    assert honest["error"] is None and honest["score"] == honest["max_score"] == 10


def test_one_markdown_feedback_file_per_submission(mixed):
    names = sorted(os.listdir(mixed["out"] / "feedback"))
    assert names == ["ann_a5.md", "ben_a3.md", "cal_a3.md", "dee_a3.md"]
    text = (mixed["out"] / "feedback" / "cal_a3.md").read_text(encoding="utf-8")
    assert "Score: **6 / 10**" in text and "hidden_delta" in text and "wrong" in text


# --------------------------------------------------------------------------- exit codes
def test_exit_2_when_no_notebooks_are_found(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert bptutor(["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2
    assert "no notebooks found" in capsys.readouterr().err


def test_exit_2_for_a_missing_path(tmp_path, capsys):
    assert bptutor(["grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_exit_2_when_the_out_folder_cannot_be_written(tmp_path, capsys):
    _write(str(tmp_path), "x_a3.ipynb", notebook(honest_a3()))
    (tmp_path / "file").write_text("not a folder")
    assert bptutor(["grade", str(tmp_path / "x_a3.ipynb"), "--out", str(tmp_path / "file")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_exit_2_for_bad_options(tmp_path):
    _write(str(tmp_path), "x_a3.ipynb", notebook(honest_a3()))
    assert bptutor(["grade", str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert bptutor(["grade", str(tmp_path), "--out", str(tmp_path / "o"), "--timeout", "-1"]) == 2
    with pytest.raises(SystemExit) as exc:
        bptutor(["grade", str(tmp_path)])  # --out is required
    assert exc.value.code == 2


def test_exit_0_when_every_submission_is_invalid(tmp_path):
    _write(str(tmp_path / "s"), "a_a3.ipynb", b"")
    assert bptutor(["grade", str(tmp_path / "s"), "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "gradebook.json").read_text())[0]["error"]


def test_quiet_when_stderr_is_not_a_terminal(tmp_path):
    _write(str(tmp_path / "s"), "a_a3.ipynb", notebook([IMPORTS, HIDDEN_DELTA, BACKPROP]))
    proc = subprocess.run([BIN, "grade", str(tmp_path / "s"), "--out", str(tmp_path / "o"), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""
    assert "graded 1 notebooks" in proc.stdout


def test_progress_bar_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    fake = Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    bar = grade_module._ProgressBar(2)
    bar.step("ben_a3.ipynb")
    bar.step("cal_a3.ipynb")
    bar.close()
    assert "[###############---------------] 1/2 ben_a3.ipynb" in fake.getvalue()
    assert "2/2" in fake.getvalue() and fake.getvalue().endswith("\n")


# --------------------------------------------------------------------------- atomicity and resume
def _records(out):
    folder = os.path.join(out, ".bptutor-grade")
    return [n for n in os.listdir(folder) if n.endswith(".json")] if os.path.isdir(folder) else []


def _start(subs, out):
    return subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_after_records(proc, out, n, limit=90.0):
    end = time.monotonic() + limit
    while len(_records(out)) < n and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.05)
    assert proc.poll() is None, "the grader finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _gradebook_is_complete(out, n_rows):
    rows = json.loads(open(os.path.join(out, "gradebook.json"), encoding="utf-8").read())
    with open(os.path.join(out, "gradebook.csv"), newline="") as fh:
        table = list(csv.reader(fh))
    return len(rows) == n_rows and len(table) == n_rows + 1


def test_killed_mid_run_leaves_no_gradebook_then_resumes(tmp_path):
    subs, out = str(tmp_path / "subs"), str(tmp_path / "out")
    for name in ("a_a3.ipynb", "b_a3.ipynb", "c_a3.ipynb"):
        _write(subs, name, notebook(honest_a3(f"tag = {name!r}")))
    _write(subs, "z_a3.ipynb", notebook(honest_a3("while True:\n    pass")))  # graded last, takes > 2 s
    proc = _start(subs, out)
    _kill_after_records(proc, out, 3)
    assert not os.path.exists(os.path.join(out, "gradebook.csv"))
    assert not os.path.exists(os.path.join(out, "gradebook.json"))
    assert len(_records(out)) == 3  # complete records only; a re-run keeps them

    proc = subprocess.run([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "2"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "(1 run, 3 reused" in proc.stdout
    rows = json.loads(open(os.path.join(out, "gradebook.json"), encoding="utf-8").read())
    assert [r["score"] for r in rows] == [10, 10, 10, 10]

    # interrupted again while re-grading with a new submission: the old gradebook stays whole
    _write(subs, "zz_a3.ipynb", notebook(honest_a3("while True:\n    zz = 1")))
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _gradebook_is_complete(out, 4)


def test_changed_options_regrade_instead_of_reusing(tmp_path):
    subs, out = str(tmp_path / "subs"), str(tmp_path / "out")
    _write(subs, "a_a3.ipynb", notebook(honest_a3()))
    assert bptutor(["grade", subs, "--out", out, "--jobs", "1", "--timeout", "3"]) == 0
    assert len(_records(out)) == 1
    assert bptutor(["grade", subs, "--out", out, "--jobs", "1", "--timeout", "4"]) == 0
    assert len(_records(out)) == 2


def _gone(pid, wait=10.0) -> bool:
    """True once ``pid`` has exited (a zombie waiting to be reaped counts as exited)."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/status") as fh:
                if "State:\tZ" in fh.read():
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def _sleeper_submission(tmp_path):
    """A submission that writes its pid to a file the test can read, then sleeps for 10 minutes.

    Returns ``(subs, out, pidfile)``: the submissions folder, the grader's out folder, the pid file.
    """
    subs, out, scratch = str(tmp_path / "subs"), str(tmp_path / "out"), tmp_path / "scratch"
    scratch.mkdir()
    os.chmod(scratch, 0o777)  # the sandbox runs under its own uid
    os.chmod(tmp_path, 0o755)
    pidfile = str(scratch / "sleeper.pid")
    _write(subs, "a_a3.ipynb", notebook(honest_a3(
        f"import os, time\nopen({pidfile!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)")))
    return subs, out, pidfile


def test_killing_the_grader_takes_running_submissions_down(tmp_path):
    subs, out, pidfile = _sleeper_submission(tmp_path)
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "60"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while not os.path.exists(pidfile) and time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(0.1)
    pid = int(open(pidfile).read())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _gone(pid), "a submission kept running after the grader was killed"


def _workers_of(pid):
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as fh:
            found += [int(p) for p in fh.read().split()]
    return [p for p in found if b"bptutor.grading.launcher" in open(f"/proc/{p}/cmdline", "rb").read()]


@pytest.mark.skipif(os.geteuid() != 0, reason="cleaning up after a dead worker needs the sandbox uid")
def test_a_worker_that_dies_costs_only_its_submission(tmp_path):
    subs, out, pidfile = _sleeper_submission(tmp_path)
    _write(subs, "b_a3.ipynb", notebook(honest_a3()))
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 60
    while not os.path.exists(pidfile) and time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(0.1)
    sleeper = int(open(pidfile).read())
    for worker in _workers_of(proc.pid):
        os.kill(worker, signal.SIGKILL)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, stdout
    rows = {os.path.basename(r["submission"]): r for r in json.load(open(os.path.join(out, "gradebook.json")))}
    assert rows["b_a3.ipynb"]["score"] == 10
    assert rows["a_a3.ipynb"]["score"] == 0
    assert "grading process running it died" in rows["a_a3.ipynb"]["questions"][0]["feedback"]
    assert "run the same command again" in rows["a_a3.ipynb"]["error"]
    assert _gone(sleeper), "the dead worker's submission kept running"
