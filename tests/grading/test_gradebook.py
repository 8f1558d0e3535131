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
from helpers.corpus_run import processes_named
from helpers.grading_corpus import (
    BACKPROP,
    HIDDEN_DELTA,
    IMPORTS,
    SOFTMAX_FUNCS,
    WRONG_HIDDEN_DELTA,
    honest_a3,
    notebook,
)
from helpers.notebooks import write_notebook as _write

from bptutor.assignments import ASSIGNMENTS
from bptutor.cli import main as bptutor

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


def test_csv_has_a_student_and_status_and_a_column_per_question_of_the_assignments_present(mixed):
    functions = [q.id for a in ("a3", "a5") for q in ASSIGNMENTS[a].questions]
    assert mixed["csv"][0] == ["submission", "student", "assignment", "status", *functions, "total", "max",
                               "late_hours", "error"]


def test_csv_rows_hold_points_and_blanks_where_a_function_does_not_apply(mixed):
    header, *body = mixed["csv"]
    rows = {os.path.basename(r[0]): dict(zip(header, r)) for r in body}
    assert rows["ben_a3.ipynb"]["hidden_delta"] == "4" and rows["ben_a3.ipynb"]["backprop"] == "6"
    assert rows["ben_a3.ipynb"]["softmax"] == "" and rows["ben_a3.ipynb"]["student"] == "ben_a3"
    assert (rows["ben_a3.ipynb"]["total"], rows["ben_a3.ipynb"]["max"]) == ("10", "10")
    assert (rows["cal_a3.ipynb"]["hidden_delta"], rows["cal_a3.ipynb"]["total"]) == ("0", "6")
    assert (rows["ann_a5.ipynb"]["total"], rows["ann_a5.ipynb"]["hidden_delta"]) == ("10", "")
    dee = rows["dee_a3.ipynb"]
    assert (dee["assignment"], dee["status"], dee["total"], dee["max"]) == ("a3", "invalid", "0", "10")
    assert "invalid notebook" in dee["error"]
    per_assignment = (mixed["out"] / "by-assignment" / "a5.csv").read_text().splitlines()
    assert per_assignment[0].split(",")[4:-4] == [q.id for q in ASSIGNMENTS["a5"].questions]
    assert len(per_assignment) == 2


def test_json_has_the_keys_of_the_contract_and_what_an_instructor_needs(mixed):
    assert mixed["code"] == 0
    for row in mixed["json"]:
        assert list(row) == ["submission", "student", "assignment", "score", "max_score", "status", "error",
                             "questions", "submitted_at", "late_seconds"]
        for q in row["questions"]:
            assert list(q) == ["id", "score", "max_score", "passed", "status", "mistake", "feedback"]
            assert isinstance(q["passed"], bool) and isinstance(q["feedback"], str) and q["feedback"]
        assert row["score"] == sum(q["score"] for q in row["questions"])
        assert row["max_score"] == sum(q["max_score"] for q in row["questions"])
    broken = next(r for r in mixed["json"] if r["submission"].endswith("dee_a3.ipynb"))
    assert "invalid notebook" in broken["error"] and broken["score"] == 0 and broken["status"] == "invalid"
    honest = next(r for r in mixed["json"] if r["submission"].endswith("ben_a3.ipynb"))
    assert honest["error"] is None and honest["score"] == honest["max_score"] == 10
    wrong = next(r for r in mixed["json"] if r["submission"].endswith("cal_a3.ipynb"))
    hidden = next(q for q in wrong["questions"] if q["id"] == "hidden_delta")
    assert (hidden["status"], hidden["mistake"]) == ("failed", "missing-derivative")


def test_one_markdown_feedback_file_per_submission(mixed):
    names = sorted(os.listdir(mixed["out"] / "feedback"))
    assert names == ["ann_a5.md", "ben_a3.md", "cal_a3.md", "dee_a3.md"]
    text = (mixed["out"] / "feedback" / "cal_a3.md").read_text(encoding="utf-8")
    assert "Score: **6 / 10**" in text and "hidden_delta" in text and "wrong" in text
    assert text.count("all or nothing") == 1


def test_grading_some_again_merges_into_the_gradebook(mixed, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    source = next(p for p in (mixed["out"].parent / "subs").iterdir() if p.name == "cal_a3.ipynb")
    fixed = json.loads(source.read_text())
    fixed["cells"] = notebook(honest_a3())["cells"]
    source.write_text(json.dumps(fixed))
    out = mixed["out"]
    done = subprocess.run([BIN, "grade", str(source), "--out", str(out), "--timeout", "5"], capture_output=True,
                          text=True, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    assert "merged into the 3 rows already in the gradebook" in done.stdout
    rows = {os.path.basename(r["submission"]): r for r in json.loads((out / "gradebook.json").read_text())}
    assert len(rows) == 4 and rows["cal_a3.ipynb"]["score"] == 10 and rows["ben_a3.ipynb"]["score"] == 10


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


def test_one_plain_line_per_submission_when_stderr_is_not_a_terminal(tmp_path):
    _write(str(tmp_path / "s"), "a_a3.ipynb", notebook([IMPORTS, HIDDEN_DELTA, BACKPROP]))
    _write(str(tmp_path / "s"), "b_a3.ipynb", notebook([IMPORTS, HIDDEN_DELTA]))
    proc = subprocess.run([BIN, "grade", str(tmp_path / "s"), "--out", str(tmp_path / "o"), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("[1/2] ") and "a_a3.ipynb: 10/10" in lines[0]
    assert lines[1].startswith("[2/2] ") and "b_a3.ipynb: 4/10" in lines[1]
    assert "graded 2 notebooks" in proc.stdout and "2 run, 0 reused" in proc.stdout


def test_progress_bar_with_rate_and_eta_on_a_terminal():
    from bptutor.grading.progress import ProgressLine

    class Tty(io.StringIO):
        def isatty(self):
            return True
    fake = Tty()
    line = ProgressLine(4, already=1, stream=fake)
    line.step("ben_a3.ipynb", 10, 10, "graded", 0.1)
    line.step("cal_a3.ipynb", 6, 10, "graded", 0.1)
    line.close()
    text = fake.getvalue()
    assert "3/4" in text and "notebook/s" in text and "<" in text  # done/total, rate, time left


# --------------------------------------------------------------------------- atomicity and resume
def _records(out):
    folder = os.path.join(out, ".bptutor-grade", "records")
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
    _write(subs, "zz_a3.ipynb", notebook(honest_a3("while True:\n    pass")))
    proc = _start(subs, out)
    _kill_after_records(proc, out, 3)
    assert not os.path.exists(os.path.join(out, "gradebook.csv"))
    assert not os.path.exists(os.path.join(out, "gradebook.json"))
    assert len(_records(out)) == 3  # complete records only; a re-run keeps them

    proc = subprocess.run([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "2"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "(2 run, 3 reused" in proc.stdout
    rows = json.loads(open(os.path.join(out, "gradebook.json"), encoding="utf-8").read())
    assert [r["score"] for r in rows] == [10, 10, 10, 10, 10]

    # interrupted again while re-grading with a new submission: the old gradebook stays whole
    _write(subs, "zzz_a3.ipynb", notebook(honest_a3("while True:\n    zz = 1")))
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _gradebook_is_complete(out, 5)


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


SLEEPER = "bptsleeper"


def _sleeper_submission(tmp_path):
    """A submission that names its process and sleeps for 10 minutes; ``(subs, out)``."""
    subs, out = str(tmp_path / "subs"), str(tmp_path / "out")
    _write(subs, "a_a3.ipynb", notebook(honest_a3(
        f"import ctypes, time\nctypes.CDLL(None).prctl(15, {SLEEPER.encode()!r}, 0, 0, 0)\ntime.sleep(600)")))
    return subs, out


def _wait_for_sleeper(limit=60.0):
    end = time.monotonic() + limit
    while not processes_named(SLEEPER) and time.monotonic() < end:
        time.sleep(0.05)
    found = processes_named(SLEEPER)
    assert found, "the sleeping submission never started"
    return found[0]


def test_killing_the_grader_takes_running_submissions_down(tmp_path):
    subs, out = _sleeper_submission(tmp_path)
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "60"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = _wait_for_sleeper()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _gone(pid), "a submission kept running after the grader was killed"


def _sandboxes_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = open(f"/proc/{entry}/status").read()
                cmd = open(f"/proc/{entry}/cmdline", "rb").read()
            except OSError:
                continue
            if f"PPid:\t{pid}\n" in status and (b"bwrap" in cmd or b"/bin/sh" in cmd):
                found.append(int(entry))
    return found


def test_a_sandbox_that_dies_costs_only_its_submission(tmp_path):
    subs, out = _sleeper_submission(tmp_path)
    _write(subs, "b_a3.ipynb", notebook(honest_a3()))
    proc = subprocess.Popen([BIN, "grade", subs, "--out", out, "--jobs", "1", "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sleeper = _wait_for_sleeper()
    for sandbox in _sandboxes_of(proc.pid):
        os.kill(sandbox, signal.SIGKILL)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, stdout
    rows = {os.path.basename(r["submission"]): r for r in json.load(open(os.path.join(out, "gradebook.json")))}
    assert rows["b_a3.ipynb"]["score"] == 10
    assert rows["a_a3.ipynb"]["score"] == 0 and rows["a_a3.ipynb"]["status"] == "error"
    assert "run the same command again" in rows["a_a3.ipynb"]["error"]
    assert _gone(sleeper), "the dead sandbox's submission kept running"
    assert len(_records(out)) == 1  # the failed one is graded again next time
