"""``bptutor release``: exercises/ is exactly the release of solutions/, and the release is safe.

The committed notebooks are compared byte for byte with a fresh release; small
hand-made notebooks exercise the refusals (unbalanced markers, unknown
assignment) and the two kinds of solution region (inside a function, whole cell).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.notebooks import notebook, write_notebook
from helpers.paths import ROOT

from bptutor import cli
from bptutor.assignments import ASSIGNMENTS
from bptutor.grading import release

SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def _run(*argv) -> int:
    """``bptutor release ARGV`` through the subcommand's own parser and ``run``."""
    parser = argparse.ArgumentParser(prog="bptutor release")
    release.add_arguments(parser)
    return release.run(parser.parse_args([str(a) for a in argv]))


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _notebook(*cells, assignment="a3", points=True) -> dict:
    """A tiny solution notebook, executed (old outputs); each cell is ("code" | "markdown", source).

    With ``points``, a last markdown cell tagged for the points sentence (the release writes it).
    """
    nb = notebook(list(cells), assignment=assignment, executed=True)
    if points:
        nb["cells"].append({"cell_type": "markdown", "id": "points", "metadata": {"tags": ["bptutor-points"]},
                            "source": "(the release writes this)"})
    return nb


def _write(folder: Path, name: str, nb: dict) -> Path:
    return Path(write_notebook(folder, name, nb))


A3_OK = [
    ("code", "import numpy as np"),
    ("code", 'def hidden_delta(delta_next, W_next, a):\n    """doc"""\n    ### BEGIN SOLUTION\n'
             "    return (delta_next @ W_next.T) * a * (1 - a)\n    ### END SOLUTION"),
    ("code", "def backprop(x, t, weights, biases):\n    ### BEGIN SOLUTION\n    return [], []\n"
             "    ### END SOLUTION"),
]


def _exercise_namespace(path: Path) -> dict:
    """Execute an exercise's code cells except the check calls; return the namespace."""
    ns: dict = {}
    for cell in _load(path)["cells"]:
        src = _source(cell)
        if cell["cell_type"] == "code" and "def " in src:
            exec(compile(src, f"{path.name}:{cell['id']}", "exec"), ns)
    return ns


# --------------------------------------------------------------------------- the committed notebooks
def test_every_assignment_has_a_solution_and_an_exercise():
    for a in ASSIGNMENTS.values():
        assert (SOLUTIONS / a.notebook).is_file(), a.notebook
        assert (EXERCISES / a.notebook).is_file(), a.notebook
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == sorted(a.notebook for a in ASSIGNMENTS.values())


def test_exercises_are_byte_for_byte_the_release_of_solutions():
    released = release.release_all(SOLUTIONS, EXERCISES)
    assert len(released) == len(ASSIGNMENTS)
    for r in released:
        assert r.target.read_bytes() == r.text.encode("utf-8"), (
            f"{r.target.name} differs from the release of {r.source.name}; run `bptutor release`")
    assert release.differences(released, EXERCISES) == []


def test_check_mode_passes_on_the_committed_exercises(capsys):
    assert _run("--check") == 0
    assert "up to date" in capsys.readouterr().out


def test_release_is_idempotent(tmp_path):
    out = tmp_path / "exercises"
    assert _run("--solutions", SOLUTIONS, "--exercises", out) == 0
    first = {p.name: p.read_bytes() for p in out.glob("*.ipynb")}
    assert _run("--solutions", SOLUTIONS, "--exercises", out) == 0
    second = {p.name: p.read_bytes() for p in out.glob("*.ipynb")}
    assert first == second and len(first) == len(ASSIGNMENTS)
    for data in first.values():
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")


def test_released_notebooks_are_valid_nbformat():
    import nbformat  # slow import: only here
    for path in sorted(EXERCISES.glob("*.ipynb")):
        nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS.values()), ids=list(ASSIGNMENTS))
def test_metadata_set_and_outputs_cleared(assignment):
    nb = _load(EXERCISES / assignment.notebook)
    assert nb["metadata"]["bptutor"]["assignment"] == assignment.id
    assert _load(SOLUTIONS / assignment.notebook)["metadata"]["bptutor"]["assignment"] == assignment.id
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS.values()), ids=list(ASSIGNMENTS))
def test_cell_ids_are_the_solutions_ids(assignment):
    ex = [c["id"] for c in _load(EXERCISES / assignment.notebook)["cells"]]
    sol = [c["id"] for c in _load(SOLUTIONS / assignment.notebook)["cells"]]
    assert ex == sol and len(set(ex)) == len(ex)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS.values()), ids=list(ASSIGNMENTS))
def test_every_stub_raises_not_implemented(assignment):
    ns = _exercise_namespace(EXERCISES / assignment.notebook)
    for q in assignment.questions:
        assert callable(ns.get(q.target)), f"{assignment.notebook} does not define {q.target}"
        if q.runner is None:
            with pytest.raises(NotImplementedError, match=f"^{q.name}: not implemented yet$"):
                ns[q.name](*[None] * len(q.params))
            continue
        method = q.id.rpartition(".")[2]  # a class's method: called on an instance, with instances
        obj = ns[q.target](1.0)
        bound = getattr(obj, method)
        with pytest.raises(NotImplementedError, match=f"^{method}: not implemented yet$"):
            bound(*[ns[q.target](2.0)] * len(inspect.signature(bound).parameters))


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS.values()), ids=list(ASSIGNMENTS))
def test_no_solution_text_leaks(assignment):
    sol = _load(SOLUTIONS / assignment.notebook)
    text = (EXERCISES / assignment.notebook).read_text(encoding="utf-8")
    exercise_lines = {line.strip() for c in _load(EXERCISES / assignment.notebook)["cells"]
                      for line in _source(c).split("\n")}
    assert release.BEGIN not in text and release.END not in text
    regions = 0
    for i, cell in enumerate(sol["cells"]):
        lines = _source(cell).split("\n")
        for begin, end in release.solution_regions(lines, f"cell {i}"):
            regions += 1
            for line in lines[begin + 1:end]:
                if line.strip():
                    assert line.strip() not in exercise_lines, f"solution line leaked: {line.strip()!r}"
    assert regions >= len(assignment.questions)


# --------------------------------------------------------------------------- the release's rules
def test_region_inside_function_becomes_an_indented_stub(tmp_path):
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", _notebook(*A3_OK))
    nb = release.release_notebook(_load(src), src)
    assert _source(nb["cells"][1]) == (
        'def hidden_delta(delta_next, W_next, a):\n    """doc"""\n    # YOUR CODE HERE\n'
        '    raise NotImplementedError("hidden_delta: not implemented yet")')
    assert nb["cells"][1]["outputs"] == [] and nb["cells"][1]["execution_count"] is None
    assert _source(nb["cells"][0]) == "import numpy as np"


def test_whole_cell_region_becomes_stub_functions_with_signature_and_docstring(tmp_path):
    whole = ("### BEGIN SOLUTION\n"
             'def hidden_delta(delta_next, W_next, a=None, *, scale=1.0):\n    """Shapes: (n,)."""\n'
             "    return delta_next\n\n\ndef helper(x):\n    return x\n### END SOLUTION\nprint('kept')")
    nb = _notebook(("code", whole), A3_OK[2])
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", nb)
    out = _source(release.release_notebook(_load(src), src)["cells"][0])
    assert "return delta_next" not in out and "print('kept')" in out
    ns: dict = {}
    exec(out.replace("print('kept')", ""), ns)
    with pytest.raises(NotImplementedError, match="hidden_delta: not implemented yet"):
        ns["hidden_delta"](1, 2)
    with pytest.raises(NotImplementedError, match="helper: not implemented yet"):
        ns["helper"](1)
    assert ns["hidden_delta"].__doc__ == "Shapes: (n,)."
    assert "scale=1.0" in out


def test_markdown_region_is_replaced(tmp_path):
    nb = _notebook(("markdown", "Why?\n### BEGIN SOLUTION\nBecause delta is dE/dz.\n### END SOLUTION"),
                   *A3_OK)
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", nb)
    out = _source(release.release_notebook(_load(src), src)["cells"][0])
    assert out == "Why?\nYOUR ANSWER HERE"


def test_missing_cell_ids_are_derived_deterministically(tmp_path):
    nb = _notebook(*A3_OK)
    for cell in nb["cells"]:
        del cell["id"]
    nb["nbformat_minor"] = 4
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", nb)
    first = release.release_notebook(_load(src), src)
    second = release.release_notebook(_load(src), src)
    ids = [c["id"] for c in first["cells"]]
    assert ids == [c["id"] for c in second["cells"]] and len(set(ids)) == len(ids)
    assert first["nbformat_minor"] == 5


@pytest.mark.parametrize("source, line, words", [
    ("def hidden_delta(delta_next, W_next, a):\n    ### BEGIN SOLUTION\n    return a\n", 2, "without a matching"),
    ("def hidden_delta(delta_next, W_next, a):\n    return a\n    ### END SOLUTION\n", 3, "without a ### BEGIN"),
    ("def hidden_delta(delta_next, W_next, a):\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n"
     "    return a\n    ### END SOLUTION\n", 3, "inside the region opened on line 2"),
    ("def hidden_delta(delta_next, W_next, a):\n    ### BEGIN SOLUTION\n    return a\n### END SOLUTION\n",
     4, "not indented like"),
])
def test_unbalanced_markers_are_refused_naming_file_cell_and_line(tmp_path, capsys, source, line, words):
    sol = tmp_path / "sol"
    path = _write(sol, "a3_hidden_layers.ipynb", _notebook(A3_OK[0], ("code", source), A3_OK[2]))
    assert _run("--solutions", sol, "--exercises", tmp_path / "ex") == 2
    err = capsys.readouterr().err
    assert f"{path}, cell 2, line {line}:" in err and words in err
    assert not (tmp_path / "ex").exists()  # nothing written


def test_unknown_assignment_is_refused(tmp_path, capsys):
    sol = tmp_path / "sol"
    path = _write(sol, "a3_hidden_layers.ipynb", _notebook(*A3_OK, assignment="a9"))
    assert _run("--solutions", sol, "--exercises", tmp_path / "ex") == 2
    err = capsys.readouterr().err
    assert str(path) in err and "'a9'" in err and "a1" in err


def test_unregistered_file_without_metadata_is_refused(tmp_path, capsys):
    nb = _notebook(*A3_OK)
    del nb["metadata"]["bptutor"]
    _write(tmp_path / "sol", "my_notes.ipynb", nb)
    assert _run("--solutions", tmp_path / "sol", "--exercises", tmp_path / "ex") == 2
    assert "matches no assignment" in capsys.readouterr().err


def test_assignment_inferred_from_file_name_is_recorded(tmp_path):
    nb = _notebook(*A3_OK)
    del nb["metadata"]["bptutor"]
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", nb)
    assert release.release_notebook(_load(src), src)["metadata"]["bptutor"] == {"assignment": "a3"}


def test_graded_function_without_a_region_is_refused(tmp_path, capsys):
    _write(tmp_path / "sol", "a3_hidden_layers.ipynb", _notebook(*A3_OK[:2]))
    assert _run("--solutions", tmp_path / "sol", "--exercises", tmp_path / "ex") == 2
    assert "backprop" in capsys.readouterr().err


def test_check_mode_lists_differences_and_writes_nothing(tmp_path, capsys):
    ex = tmp_path / "ex"
    shutil.copytree(EXERCISES, ex)
    changed = ex / "a2_one_neuron.ipynb"
    changed.write_text(changed.read_text(encoding="utf-8").replace("YOUR CODE HERE", "my attempt"),
                       encoding="utf-8")
    (ex / "a1_chain_rule.ipynb").unlink()
    (ex / "a7_extra.ipynb").write_text("{}", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in ex.iterdir()}
    assert _run("--solutions", SOLUTIONS, "--exercises", ex, "--check") == 1
    out = capsys.readouterr().out
    assert "a2_one_neuron.ipynb: differs" in out
    assert "a1_chain_rule.ipynb: missing" in out
    assert "a7_extra.ipynb: has no solution notebook" in out
    assert "a3_hidden_layers.ipynb" not in out
    assert {p.name: p.read_bytes() for p in ex.iterdir()} == before


def test_default_folders_come_from_the_course_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "tests")
    assert release.find_course_root() == ROOT
    monkeypatch.chdir(tmp_path)  # outside any checkout: falls back to the installed package's
    assert release.find_course_root() == ROOT


# --------------------------------------------------------------------------- the command
def test_cli_help_lists_every_command():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bptutor", "--help"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    for name in cli.COMMANDS:
        assert name in done.stdout
    assert "release" in cli.COMMANDS


def test_cli_release_check_passes_on_the_checkout():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bptutor", "release", "--check"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_region_in_a_nested_block_under_a_multiline_signature(tmp_path):
    src = ("def hidden_delta(delta_next,\n                 W_next, a):\n    if a is not None:\n"
           "        ### BEGIN SOLUTION\n        return a\n        ### END SOLUTION\n    return None")
    path = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", _notebook(("code", src), A3_OK[2]))
    out = _source(release.release_notebook(_load(path), path)["cells"][0])
    assert out.split("\n")[3:5] == ["        # YOUR CODE HERE",
                                     '        raise NotImplementedError("hidden_delta: not implemented yet")']
    ns: dict = {}
    exec(out, ns)
    with pytest.raises(NotImplementedError):
        ns["hidden_delta"](1, 2, 3)


def test_the_points_sentence_is_written_from_the_registry(tmp_path):
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", _notebook(*A3_OK))
    nb = release.release_notebook(_load(src), src)
    [points] = [c for c in nb["cells"] if "bptutor-points" in c["metadata"].get("tags", [])]
    text = _source(points)
    assert "`hidden_delta` (4)" in text and "`backprop` (6)" in text and "10 points in all" in text


def test_a_solution_without_a_points_cell_is_refused(tmp_path):
    src = _write(tmp_path / "sol", "a3_hidden_layers.ipynb", _notebook(*A3_OK, points=False))
    with pytest.raises(release.ReleaseError, match="bptutor-points"):
        release.release_notebook(_load(src), src)


def test_every_solution_states_the_registrys_points():
    for a in ASSIGNMENTS.values():
        cells = _load(SOLUTIONS / a.notebook)["cells"]
        [points] = [c for c in cells if "bptutor-points" in c["metadata"].get("tags", [])]
        assert _source(points) == release.points_text(a), a.notebook
