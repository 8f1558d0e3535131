"""``bptutor gradescope``: the bundle Gradescope takes, and the results.json its run_autograder writes.

The bundle is built with the real command and unzipped as Gradescope does (into
``$AUTOGRADER_ROOT/source``, ``run_autograder`` copied to the root). Its ``run_autograder`` is
then run -- with this environment's bptutor (``BPTUTOR``), never ``setup.sh`` -- against a
simulated ``/autograder`` tree holding, in turn, an honest, a buggy, a broken and an empty
submission, several notebooks, another assignment's notebook and one without an assignment
id; and once where bubblewrap cannot make namespaces (the container must become the boundary,
and results.json must say so). Every results.json is validated against a JSON Schema of
Gradescope's specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/),
written below. The lock-down part of ``setup.sh`` is run on a copy of the package and checked
as an unprivileged user.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import jsonschema
import pytest
from helpers.grading_corpus import BACKPROP, IMPORTS, WRONG_HIDDEN_DELTA, honest_a3, notebook

from bptutor.assignments import ASSIGNMENTS
from bptutor.grading.sandbox_view import CHILD_SIDE
from bptutor.instructor import gradescope

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="the sandbox needs Linux")]

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

BPTUTOR = os.path.join(os.path.dirname(sys.executable), "bptutor")
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "simple_format", "html", "md", "ansi"]}

#: Gradescope's results.json (its "Output format" section), with the fields this autograder must always write
RESULTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["score", "execution_time", "output", "visibility", "stdout_visibility", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "integer", "minimum": 0},
        "output": {"type": "string", "minLength": 1},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "number", "score", "max_score", "status", "output", "visibility"],
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "name_format": FORMAT,
                    "number": {"type": "string", "minLength": 1},
                    "output": {"type": "string", "minLength": 1},
                    "output_format": FORMAT,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
        "leaderboard": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "value"],
                      "properties": {"name": {"type": "string"}, "order": {"enum": ["asc", "desc"]}}},
        },
    },
}

A3 = ASSIGNMENTS["a3"]
A3_POINTS = sum(q.points for q in A3.questions)
TRUNCATED = json.dumps(notebook(honest_a3())).encode()[:300]
SUBMISSIONS = {
    "honest": {"my_work.ipynb": notebook(honest_a3()),
               ".ipynb_checkpoints/my_work-checkpoint.ipynb": notebook(honest_a3())},  # ignored, as Jupyter's copy
    "buggy": {"hw3.ipynb": notebook([IMPORTS, "undefined_helper()", WRONG_HIDDEN_DELTA, BACKPROP])},
    "broken": {"hw3.ipynb": TRUNCATED},
    "empty": {},
    "several": {"first.ipynb": notebook(honest_a3()), "second/try.ipynb": notebook(honest_a3())},
    "wrong-assignment": {"hw.ipynb": notebook(honest_a3(), assignment="a2")},
    "unknown-assignment": {"hw.ipynb": notebook(honest_a3(), assignment="a9")},
    "no-assignment-id": {"homework.ipynb": notebook(honest_a3(), assignment=None)},
}


def write_files(folder: str, files: dict) -> None:
    for rel, content in files.items():
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(content if isinstance(content, bytes) else json.dumps(content).encode())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    done = subprocess.run([BPTUTOR, "gradescope", "a3", "--out", str(tmp / "build")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    path = tmp / "build" / "autograder.zip"
    source = tmp / "source"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(source)
        infos = {i.filename: i for i in zf.infolist()}
    for name, info in infos.items():  # extractall drops the modes; Gradescope keeps them
        os.chmod(source / name, (info.external_attr >> 16) & 0o777)
    return {"zip": path, "source": source, "infos": infos, "stdout": done.stdout}


def run_autograder(bundle, root, files: dict, **env) -> tuple[dict, float]:
    """Lay out a Gradescope tree at ``root``, run its run_autograder; ``(results.json, seconds)``."""
    shutil.copytree(bundle["source"], root / "source")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    write_files(str(root / "submission"), files)
    started = time.monotonic()
    done = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, AUTOGRADER_ROOT=str(root), BPTUTOR=BPTUTOR, **env))
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    with open(root / "results" / "results.json", encoding="utf-8") as fh:
        return json.load(fh), seconds


@pytest.fixture(scope="module")
def results(bundle, tmp_path_factory):
    found, seconds = {}, {}
    for name, files in SUBMISSIONS.items():
        found[name], seconds[name] = run_autograder(bundle, tmp_path_factory.mktemp(f"ag-{name}"), files)
    graded = [seconds[n] for n in ("honest", "buggy", "no-assignment-id")]
    print(f"\nGradescope run_autograder: {sum(graded) / len(graded):.2f} s per graded submission "
          f"({', '.join(f'{n} {s:.2f} s' for n, s in seconds.items())})")
    return found


# --------------------------------------------------------------------------- the bundle
def test_the_zip_has_both_scripts_at_its_root_executable(bundle):
    infos = bundle["infos"]
    for name in ("setup.sh", "run_autograder"):
        assert name in infos
        assert (infos[name].external_attr >> 16) & 0o111 == 0o111
    assert "bptutor-src/pyproject.toml" in infos and "bptutor-src/bptutor/reference/__init__.py" in infos
    assert not [n for n in infos if "__pycache__" in n or n.endswith(".pyc")]
    assert "autograder.zip" in bundle["stdout"] and f"{A3_POINTS} points" in bundle["stdout"]


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_the_scripts_are_valid_bash(bundle, script):
    done = subprocess.run(["bash", "-n", str(bundle["source"] / script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_setup_locks_down_all_but_the_sandbox_side(bundle):
    text = (bundle["source"] / "setup.sh").read_text()
    dirs = re.search(r"for part in ([^;]+); do\n    chmod -R", text).group(1).split()
    modules = re.search(r"for module in ([^;]+); do", text).group(1).split()
    assert {"reference", "check", "data", "grading", "instructor"} <= set(dirs)
    assert {"fast_mlp", "gradcheck"} <= set(modules)
    assert not {"sandbox", "assignments", "trials", "__init__"} & (set(dirs) | set(modules))
    assert "apt-get install -y -qq bubblewrap" in text and 'pip install --quiet --no-cache-dir "$SOURCE/bptutor-src"' \
        in text


def test_the_same_checkout_makes_the_same_bundle(bundle, tmp_path):
    done = subprocess.run([BPTUTOR, "gradescope", "a3", "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "autograder.zip").read_bytes() == bundle["zip"].read_bytes()


def test_an_unknown_assignment_is_refused(bptutor, tmp_path):
    result = bptutor("gradescope", "a99", "--out", tmp_path)
    assert result.code == 2 and "unknown assignment 'a99'" in result.err and "a3" in result.err


# --------------------------------------------------------------------------- results.json
@pytest.mark.parametrize("name", list(SUBMISSIONS))
def test_every_results_json_follows_gradescopes_specification(results, name):
    jsonschema.validate(results[name], RESULTS_SCHEMA)
    found = results[name]
    assert [t["name"] for t in found["tests"]] == [q.id for q in A3.questions]
    assert found["score"] == sum(t["score"] for t in found["tests"])
    assert sum(t["max_score"] for t in found["tests"]) == A3_POINTS


def test_the_honest_submission_scores_the_maximum(results):
    found = results["honest"]
    assert found["score"] == A3_POINTS and all(t["status"] == "passed" for t in found["tests"])
    assert "Isolation: bubblewrap sandbox" in found["output"]
    assert "Notebook graded: my_work.ipynb" in found["output"]


def test_the_buggy_submission_is_told_its_mistake_and_its_broken_cell(results):
    found = results["buggy"]
    tests = {t["name"]: t for t in found["tests"]}
    assert found["score"] == A3_POINTS - tests["hidden_delta"]["max_score"]
    assert tests["hidden_delta"]["status"] == "failed" and tests["backprop"]["status"] == "passed"
    assert "Likely mistake: missing activation derivative" in tests["hidden_delta"]["output"]
    assert re.search(r"cell 2: error -- NameError: .*undefined_helper", found["output"]), found["output"]


@pytest.mark.parametrize("name, words", [
    ("broken", "not valid JSON"),
    ("empty", "No notebook was found in your submission"),
    ("several", "holds 2 notebooks; hand in exactly one"),
    ("wrong-assignment", f"This notebook is assignment a2 ({ASSIGNMENTS['a2'].title}), but this Gradescope "
                         "assignment grades a3"),
    ("unknown-assignment", "unknown assignment 'a9' in metadata.bptutor.assignment"),
])
def test_what_cannot_be_graded_scores_zero_and_says_why(results, name, words):
    found = results[name]
    assert found["score"] == 0 and all(t["status"] == "failed" for t in found["tests"])
    assert words in found["output"], found["output"]


def test_a_notebook_without_an_assignment_id_is_graded_as_this_assignment(results):
    found = results["no-assignment-id"]
    assert found["score"] == A3_POINTS
    assert "graded as a3, the assignment of this autograder" in found["output"]
    assert "taken from the file name" not in found["output"]


def test_without_namespaces_the_container_is_the_boundary_and_results_say_so(bundle, tmp_path):
    refusing = tmp_path / "bwrap"
    refusing.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    refusing.chmod(0o755)
    root = tmp_path / "autograder"
    root.mkdir()
    found, _ = run_autograder(bundle, root, SUBMISSIONS["honest"], BPTUTOR_BWRAP=str(refusing))
    jsonschema.validate(found, RESULTS_SCHEMA)
    assert found["score"] == A3_POINTS
    assert "Isolation: the container is the isolation boundary" in found["output"]
    assert found["extra_data"]["isolation"].startswith("the container is the isolation boundary")


def test_the_instructors_course_file_travels_with_the_bundle(tmp_path):
    course = tmp_path / "course" / "course.toml"
    course.parent.mkdir()
    course.write_text("[assignments.a3]\npoints = { hidden_delta = 5 }\n")
    env = dict(os.environ, BPTUTOR_COURSE=str(course))
    done = subprocess.run([BPTUTOR, "gradescope", "a3", "--out", str(tmp_path / "build")], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{A3_POINTS + 1} points" in done.stdout
    with zipfile.ZipFile(tmp_path / "build" / "autograder.zip") as zf:
        assert zf.read("course/course.toml") == course.read_bytes()
        zf.extractall(tmp_path / "source")
    os.chmod(tmp_path / "source" / "run_autograder", 0o755)
    root = tmp_path / "autograder"
    root.mkdir()
    found, _ = run_autograder({"source": tmp_path / "source"}, root, SUBMISSIONS["honest"])
    assert found["score"] == A3_POINTS + 1
    assert {t["name"]: t["max_score"] for t in found["tests"]}["hidden_delta"] == 5


# --------------------------------------------------------------------------- setup.sh's lock-down, for real
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_the_lock_down_leaves_other_users_only_the_sandbox_side(bundle):
    text = (bundle["source"] / "setup.sh").read_text()
    lock_down = text.split("# --- lock down", 1)[1].split("# --- end lock down", 1)[0]
    folder = tempfile.mkdtemp(prefix="bptutor-lockdown-")
    try:
        os.chmod(folder, 0o755)
        package = os.path.join(folder, "bptutor")
        shutil.copytree(bundle["source"] / "bptutor-src" / "bptutor", package)
        os.makedirs(os.path.join(package, "__pycache__"))
        for module in ("gradcheck", "trials"):
            open(os.path.join(package, "__pycache__", f"{module}.cpython-311.pyc"), "wb").close()
        for folder_, dirs, files in os.walk(package):
            for name in dirs + files:
                os.chmod(os.path.join(folder_, name), 0o755 if name in dirs else 0o644)
        done = subprocess.run(["bash", "-c", f"set -euo pipefail\nPACKAGE={package}\n{lock_down}"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

        def readable_by_nobody(path):
            return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r",
                                   path]).returncode == 0

        for part in ("reference/__init__.py", "check/judge.py", "data/digits.npz", "grading/grade.py",
                     "instructor/gradescope.py", "fast_mlp.py", "gradcheck.py", "__pycache__/gradcheck.cpython-311.pyc"):
            assert not readable_by_nobody(os.path.join(package, part)), part
        for part in [*(c for c in CHILD_SIDE if c.endswith(".py")), "sandbox/runner.py", "assignments/a3_hidden_layers.py",
                     "__pycache__/trials.cpython-311.pyc"]:
            assert readable_by_nobody(os.path.join(package, part)), part
    finally:
        shutil.rmtree(folder)


# --------------------------------------------------------------------------- an installed bptutor, no checkout
def test_a_pyproject_can_be_made_from_the_installed_metadata():
    files = gradescope.source_files()
    del files["pyproject.toml"]
    made = tomllib.loads(gradescope.pyproject_from_metadata(files))
    project = made["project"]
    assert project["name"] == "bptutor" and project["scripts"] == {"bptutor": "bptutor.cli:main"}
    assert any(d.startswith("numpy") for d in project["dependencies"])
    assert not [d for d in project["dependencies"] if "extra" in d]
    assert "data/digits.npz" in made["tool"]["setuptools"]["package-data"]["bptutor"]
