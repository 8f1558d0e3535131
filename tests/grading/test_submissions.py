"""Reading submitted files: whatever a file holds, the grader gets a row, never an exception."""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bptutor.grading import submissions

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)
NOTEBOOKISH = st.fixed_dictionaries({
    "nbformat": st.sampled_from([4, 3, "4", None]),
    "metadata": st.one_of(JSON, st.fixed_dictionaries({"bptutor": st.fixed_dictionaries(
        {"assignment": st.one_of(st.sampled_from(["a1", "a3", "a9", ""]), JSON)})})),
    "cells": st.one_of(JSON, st.lists(st.fixed_dictionaries({
        "cell_type": st.sampled_from(["code", "markdown", 3]),
        "source": st.one_of(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3), JSON)}), max_size=4)),
})


def _read(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return submissions.read(str(path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_bytes_give_a_submission(tmp_path, data):
    sub = _read(tmp_path, "x_a3.ipynb", data)
    assert sub.error or sub.cells is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nb=st.one_of(JSON, NOTEBOOKISH))
def test_any_json_gives_a_submission_with_an_error_or_cells(tmp_path, nb):
    sub = _read(tmp_path, "y.ipynb", json.dumps(nb).encode())
    if not sub.error:
        assert sub.assignment in {"a1", "a3"} and all(isinstance(c, str) for c in sub.cells)


def test_valid_notebook_is_read_with_its_code_cells(tmp_path):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"bptutor": {"assignment": "a2"}},
          "cells": [{"cell_type": "markdown", "source": "# title"},
                    {"cell_type": "code", "source": ["x = 1\n", "y = 2"]},
                    {"cell_type": "code", "source": "z = 3"}]}
    sub = _read(tmp_path, "dana.ipynb", json.dumps(nb).encode())
    assert (sub.error, sub.assignment, sub.cells, sub.student) == ("", "a2", ["x = 1\ny = 2\n", "z = 3\n"], "dana")


def test_assignment_from_the_file_name_is_noted(tmp_path):
    nb = {"nbformat": 4, "metadata": {}, "cells": []}
    sub = _read(tmp_path, "a4_matrix_form.ipynb", json.dumps(nb).encode())
    assert sub.assignment == "a4" and "file name" in sub.note and not sub.error
    assert sub.student == os.path.basename(str(tmp_path))  # nbgrader layout: the folder names the student


def test_collect_finds_notebooks_in_folders_and_skips_checkpoints(tmp_path):
    (tmp_path / "a" / ".ipynb_checkpoints").mkdir(parents=True)
    for rel in ("a/x.ipynb", "a/.ipynb_checkpoints/x-checkpoint.ipynb", "a/notes.txt", "b.ipynb"):
        (tmp_path / rel).write_text("{}")
    files, problems = submissions.collect([str(tmp_path / "a"), str(tmp_path / "b.ipynb"), str(tmp_path / "zz")])
    assert [os.path.relpath(f, tmp_path) for f in files] == ["a/x.ipynb", "b.ipynb"]
    assert len(problems) == 1 and "zz" in problems[0]


def test_unique_names_add_the_assignment_then_a_number():
    subs = [submissions.Submission(f"/{d}/bob.ipynb", "", "bob", a) for d, a in
            [("1", "a3"), ("2", "a3"), ("3", "a3"), ("4", "a5")]]
    assert list(submissions.unique_names(subs).values()) == ["bob", "bob-a3", "bob-2", "bob-a5"]


def test_magics_become_harmless_calls(tmp_path):
    import builtins

    from bptutor.sandbox import standins
    saved = {k: getattr(builtins, k) for k in ("get_ipython", "display") if hasattr(builtins, k)}
    marker = tmp_path / "shell-ran"
    try:
        ns = standins.new_namespace()
        exec(compile(submissions.to_python(f"%matplotlib inline\n!touch {marker}\n%time x = 2 + 3\nfiles = !ls\n"),
                     "<cell 1>", "exec"), ns)
        exec(compile(submissions.to_python("%%time\ny = x * 2"), "<cell 2>", "exec"), ns)
    finally:
        for k in ("get_ipython", "display"):
            if k in saved:
                setattr(builtins, k, saved[k])
            elif hasattr(builtins, k):
                delattr(builtins, k)
    assert ns["x"] == 5 and ns["y"] == 10 and ns["files"] == []
    assert not marker.exists()  # shell commands never run while grading


def test_links_fifos_and_devices_are_rows_not_reads(tmp_path):
    good = tmp_path / "alice_a3.ipynb"
    good.write_text(json.dumps({"nbformat": 4, "metadata": {}, "cells": []}))
    os.symlink(good, tmp_path / "copy_a3.ipynb")
    os.symlink("/dev/zero", tmp_path / "zero_a3.ipynb")
    os.mkfifo(tmp_path / "fifo_a3.ipynb")
    files, _ = submissions.collect([str(tmp_path)])
    subs = {os.path.basename(f): submissions.read(f) for f in files}
    assert subs["alice_a3.ipynb"].error == ""
    assert "symbolic link" in subs["copy_a3.ipynb"].error and "symbolic link" in subs["zero_a3.ipynb"].error
    assert "not a regular file" in subs["fifo_a3.ipynb"].error  # and reading it did not block


def test_a_file_that_grows_past_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_NOTEBOOK_BYTES", 100)
    path = tmp_path / "big_a3.ipynb"
    path.write_bytes(b" " * 101)
    assert "larger than" in submissions.read(str(path)).error


def test_canvas_download_names_give_the_student_and_the_assignment():
    name = "smithjane_123456_7890123_a2_one_neuron.ipynb"
    assert submissions.student_of(name) == "smithjane" and submissions.assignment_from_name(name) == "a2"
    late = "doejohn_LATE_12_34_a3_hidden_layers.ipynb"
    assert submissions.student_of(late) == "doejohn" and submissions.assignment_from_name(late) == "a3"
    assert submissions.student_of("alice/a3_hidden_layers.ipynb") == "alice"


def test_names_that_are_not_utf8_are_displayed_with_replacement(tmp_path):
    raw = os.path.join(os.fsencode(str(tmp_path)), b"bad\xffname_a3.ipynb")
    with open(raw, "wb") as fh:
        fh.write(json.dumps({"nbformat": 4, "metadata": {}, "cells": []}).encode())
    files, _ = submissions.collect([str(tmp_path)])
    sub = submissions.read(files[0])
    sub.display.encode("utf-8")  # encodable: no surrogates left
    assert "\ufffd" in sub.display or "?" in sub.display
