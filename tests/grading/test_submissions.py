"""Reading submitted files: whatever a file holds, the grader gets a row, never an exception."""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bptutor.grading import notebook_semantics, submissions

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
    assert (sub.error, sub.assignment, sub.cells, sub.student) == ("", "a2", ["x = 1\ny = 2", "z = 3"], "dana")


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


def test_quiet_cells_are_only_definitions_imports_and_checks():
    loaded = {"numpy": None}
    assert notebook_semantics.is_quiet("import numpy as np\ndef f(x, y=1):\n    return x", loaded, {})
    assert not notebook_semantics.is_quiet("while True:\n    pass", loaded, {})
    assert not notebook_semantics.is_quiet("import os; os._exit(0)", loaded, {})  # os not loaded here
    assert not notebook_semantics.is_quiet("@decorate\ndef f():\n    pass", loaded, {})
    assert not notebook_semantics.is_quiet("def f(x=g()):\n    pass", loaded, {})
    assert not notebook_semantics.is_quiet("check.f(f)", loaded, {"check": object()})


def test_magics_become_harmless_calls(tmp_path):
    import builtins
    saved = {k: getattr(builtins, k) for k in ("get_ipython", "display") if hasattr(builtins, k)}
    marker = tmp_path / "shell-ran"
    try:
        ns = notebook_semantics.new_namespace()
        code = notebook_semantics.compile_cell(
            f"%matplotlib inline\n!touch {marker}\n%time x = 2 + 3\nfiles = !ls\n", 0)
        exec(code, ns)
        exec(notebook_semantics.compile_cell("%%time\ny = x * 2", 1), ns)
    finally:
        for k in ("get_ipython", "display"):
            if k in saved:
                setattr(builtins, k, saved[k])
            elif hasattr(builtins, k):
                delattr(builtins, k)
    assert ns["x"] == 5 and ns["y"] == 10 and ns["files"] == []
    assert not marker.exists()  # shell commands never run while grading
