"""CONTRIBUTING.md's recipe works as written: applied block by block to a throw-away copy of the
package and the solutions (no other file edited), the new question is checked and graded."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from helpers.paths import ROOT

RECIPE = re.compile(r"<!-- recipe: (\S+) (before-last|before|after|append|first-line-if-missing|cells)"
                    r"(?: \"(.*?)\")? -->\n(.*?)(?=\n<!-- recipe:|\n\*\*\d|\n## |\nThen )", re.S)
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _recipe():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    steps = [(path, mode, anchor, BLOCK.findall(body)) for path, mode, anchor, body in RECIPE.findall(text)]
    assert len(steps) >= 8 and all(blocks for *_, blocks in steps), steps
    return steps


def _apply(root, path, mode, anchor, blocks):
    target = os.path.join(root, path)
    if mode == "cells":
        nb = json.loads(open(target, encoding="utf-8").read())
        nb["cells"].append({"cell_type": "markdown", "id": "relu-task", "metadata": {},
                            "source": "## relu_backward\n\ndZ = dA ⊙ 1[A > 0]."})
        for i, code in enumerate(blocks):
            nb["cells"].append({"cell_type": "code", "id": f"relu-{i}", "metadata": {}, "execution_count": None,
                                "outputs": [], "source": code})
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(nb, fh, indent=1)
        return
    lines = open(target, encoding="utf-8").read().split("\n")
    code = "".join(blocks).rstrip("\n").split("\n") if mode != "before" else "".join(blocks).split("\n")[:-1]
    if mode == "append":
        lines += code
    elif mode == "first-line-if-missing":
        if anchor not in lines:
            at = next(i for i, line in enumerate(lines) if line.startswith("from __future__")) + 1
            lines[at:at] = ["", anchor]
    elif mode == "before":
        at = next(i for i, line in enumerate(lines) if line.startswith(anchor))
        lines[at:at] = code
    elif mode == "before-last":
        at = max(i for i, line in enumerate(lines) if line == anchor)
        lines[at:at] = code
    else:  # after
        at = next(i for i, line in enumerate(lines) if line.startswith(anchor)) + 1
        lines[at:at] = code
    with open(target, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def _run(copy, *args, **kw):
    env = dict(os.environ, PYTHONPATH=str(copy), OPENBLAS_NUM_THREADS="1")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=str(copy), **kw)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="grading needs Linux")
def test_the_recipe_adds_a_question_that_is_checked_and_graded(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "bptutor", copy / "bptutor", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions", copy / "solutions")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    touched = set()
    for path, mode, anchor, blocks in _recipe():
        _apply(copy, path, mode, anchor, blocks)
        touched.add(path)
    assert touched == {"bptutor/assignments/a4_matrix_form.py", "bptutor/check/answers/a4_matrix_form.py",
                       "bptutor/reference/matrix.py", "bptutor/reference/__init__.py", "solutions/a4_matrix_form.ipynb"}
    done = _run(copy, "-m", "bptutor", "release", "--solutions", "solutions", "--exercises", "exercises")
    assert done.returncode == 0, done.stderr
    checked = _run(copy, "-c", "from bptutor import check, reference\n"
                               "assert 'relu_backward' in reference.CONTRACT\n"
                               "right = check.relu_backward(reference.relu_backward)\n"
                               "wrong = check.relu_backward(lambda dA, A: (A > 0) * 1.0)\n"
                               "print(right.passed, wrong.passed, wrong.mistake)")
    assert checked.stdout.split() == ["True", "False", "missing-upstream"], checked.stderr
    graded = _run(copy, "-m", "bptutor", "grade", "solutions/a4_matrix_form.ipynb", "exercises/a4_matrix_form.ipynb",
                  "--out", "out", timeout=300)
    assert graded.returncode == 0, graded.stderr
    rows = {os.path.basename(os.path.dirname(r["submission"])): r
            for r in json.loads((copy / "out" / "gradebook.json").read_text())}
    relu = {k: next(q for q in r["questions"] if q["id"] == "relu_backward") for k, r in rows.items()}
    assert relu["solutions"]["score"] == 1 and relu["exercises"]["status"] == "not-attempted"
    assert rows["solutions"]["score"] == rows["solutions"]["max_score"] == 11
