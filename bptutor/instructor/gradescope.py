"""``bptutor gradescope aN --out DIR``: a Gradescope autograder for one assignment.

Building (on the instructor's machine) writes ``DIR/autograder.zip`` in Gradescope's layout
(https://gradescope-autograders.readthedocs.io/en/latest/specs/), everything at the zip's root:

- ``setup.sh``: installs bubblewrap, Python's venv and bptutor (from ``bptutor-src/``) and
  makes the grader's private parts readable by root only
  (:mod:`bptutor.instructor.gradescope_files` holds both scripts);
- ``run_autograder``: calls ``bptutor gradescope aN --run`` once per submission;
- ``bptutor-src/``: this bptutor's source (``pyproject.toml``, ``README.md``, ``LICENSE``,
  ``bptutor/``), as bptutor is not on PyPI;
- ``course/``: the instructor's ``course.toml`` and the files it names, when one is in effect
  (so Gradescope grades with the same points and time limits).

Running (``--run``, inside Gradescope) finds the one notebook in ``$AUTOGRADER_ROOT/submission``
(``/autograder`` unless ``AUTOGRADER_ROOT`` names another root), grades it with the trusted
grader exactly as ``bptutor grade NOTEBOOK --in-container`` does -- bubblewrap where the
container allows namespaces, the container as the boundary where it does not -- and writes
``$AUTOGRADER_ROOT/results/results.json``: the score, one test per question with the feedback
a student sees from the checks (never a trial's inputs or its expected values beyond what that
feedback shows), which isolation graded it, and, for a submission with no notebook, several, or
another assignment's, a top-level output that says so and a score of 0.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile

from .. import assignments
from ..grading import grade, submissions
from ..grading.gradebook import SCORING
from ..grading.records import write_private
from ..grading.sandbox_view import CHILD_SIDE
from ..grading.sandbox_worker import Isolation
from ..grading.text import clean
from .gradescope_files import RUN_AUTOGRADER, SETUP_SH, VENV, render

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
DEFAULT_ROOT = "/autograder"
#: the heading under which the feedback file lists the notebook's top-level problems
PROBLEMS_HEADING = "## Problems while running the notebook's top-level code"
#: a zip entry's time: fixed, so the same source makes the same bundle
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class GradescopeError(RuntimeError):
    """The bundle cannot be built as asked (the message says why)."""


def add_arguments(parser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment this autograder grades (a1, a2, ...)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", metavar="DIR", help="write DIR/autograder.zip, to upload to Gradescope")
    what.add_argument("--run", action="store_true",
                      help="inside Gradescope (what run_autograder calls): grade $AUTOGRADER_ROOT/submission "
                           "and write $AUTOGRADER_ROOT/results/results.json")
    parser.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                        help="when students see the results and each question's feedback (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="as for bptutor grade (default: each function's limit in the registry)")
    parser.add_argument("--memory", type=int, default=None, metavar="MB",
                        help="as for bptutor grade (default: bptutor grade's)")


def _points(x):
    return int(x) if float(x).is_integer() else round(float(x), 4)


# --------------------------------------------------------------------------- building the bundle
def _package_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _package_files(package: str) -> dict:
    """``{"bptutor/...": bytes}``: the package as it is here, without bytecode."""
    files = {}
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                continue
            path = os.path.join(folder, name)
            files["bptutor/" + os.path.relpath(path, package).replace(os.sep, "/")] = _read(path)
    return files


def pyproject_from_metadata(package_files) -> str:
    """A ``pyproject.toml`` for the installed bptutor, when there is no checkout at hand.

    Its metadata's name, version, Python and runtime dependencies, its command, and the data
    files the package holds.
    """
    from importlib.metadata import metadata
    meta = metadata("bptutor")
    needs = [r for r in (meta.get_all("Requires-Dist") or []) if not re.search(r"\bextra\s*==", r)]
    data = sorted(p[len("bptutor/"):] for p in package_files if not p.endswith(".py"))
    return "\n".join([
        "[build-system]", 'requires = ["setuptools>=61"]', 'build-backend = "setuptools.build_meta"', "",
        "[project]", 'name = "bptutor"', f"version = {json.dumps(meta['Version'])}",
        f"requires-python = {json.dumps(meta['Requires-Python'] or '>=3.10')}",
        f"dependencies = [{', '.join(json.dumps(r) for r in needs)}]", "",
        "[project.scripts]", 'bptutor = "bptutor.cli:main"', "",
        "[tool.setuptools.packages.find]", 'include = ["bptutor*"]', "",
        "[tool.setuptools.package-data]", f"bptutor = [{', '.join(json.dumps(d) for d in data)}]", ""])


def source_files() -> dict:
    """``{path in bptutor-src/: bytes}``: what ``pip install`` needs to install this bptutor."""
    package = _package_dir()
    files = _package_files(package)
    project = os.path.dirname(package)
    pyproject = os.path.join(project, "pyproject.toml")
    if os.path.isfile(pyproject) and re.search(rb'(?m)^name\s*=\s*"bptutor"', _read(pyproject)):
        files["pyproject.toml"] = _read(pyproject)
        for name in ("README.md", "LICENSE"):
            if os.path.isfile(os.path.join(project, name)):
                files[name] = _read(os.path.join(project, name))
    else:  # an installed bptutor, not a checkout
        files["pyproject.toml"] = pyproject_from_metadata(files).encode()
    return files


def course_files() -> dict:
    """``{path in course/: bytes}``: the course file in effect and the files it names (none without one)."""
    if not assignments.COURSE:
        return {}
    from ..assignments import course_file
    path = assignments.COURSE["path"]
    folder = os.path.dirname(path)
    files = {"course.toml": _read(path)}
    for entry in course_file.read(path).get("extra", []):
        for key in ("module", "answers"):
            full = os.path.normpath(os.path.join(folder, entry[key]))
            rel = os.path.relpath(full, folder)
            if rel.startswith(".."):
                raise GradescopeError(f"{path}: {entry[key]} is outside the course file's folder; move it there "
                                      f"so the autograder can ship it")
            files[rel.replace(os.sep, "/")] = _read(full)
    return files


def private_parts(files) -> tuple[list, list]:
    """``(folders, modules)`` of the package that the sandbox does not see: root's alone on Gradescope."""
    top = sorted({p.split("/")[1] for p in files if p.startswith("bptutor/")})
    private = [t for t in top if t not in CHILD_SIDE]
    return ([t for t in private if not t.endswith(".py") and any(p.startswith(f"bptutor/{t}/") for p in files)],
            [t[:-3] for t in private if t.endswith(".py")])


def bundle_files(assignment, visibility: str, timeout, memory) -> dict:
    """``{name in the zip: (bytes, mode)}``."""
    from .. import __version__
    files = {f"bptutor-src/{k}": (v, 0o644) for k, v in source_files().items()}
    files.update({f"course/{k}": (v, 0o644) for k, v in course_files().items()})
    folders, modules = private_parts({k[len("bptutor-src/"):] for k in files if k.startswith("bptutor-src/")})
    options = f" --visibility {visibility}"
    if timeout is not None:
        options += f" --timeout {timeout:g}"
    if memory is not None:
        options += f" --memory {memory}"
    values = {"ASSIGNMENT": assignment.id, "TITLE": assignment.title,
              "POINTS": _points(sum(q.points for q in assignment.questions)), "VERSION": __version__,
              "VENV": VENV, "PRIVATE_DIRS": " ".join(folders), "PRIVATE_MODULES": " ".join(modules),
              "RUN_OPTIONS": options}
    files["setup.sh"] = (render(SETUP_SH, values).encode(), 0o755)
    files["run_autograder"] = (render(RUN_AUTOGRADER, values).encode(), 0o755)
    return files


def write_zip(path: str, files: dict) -> None:
    """The zip, written whole or not at all; entries sorted, with fixed times and their modes."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(files, key=lambda n: (n not in ("setup.sh", "run_autograder"), n)):
                data, mode = files[name]
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.external_attr = (0o100000 | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build(args, assignment) -> int:
    files = bundle_files(assignment, args.visibility, args.timeout, args.memory)
    os.makedirs(args.out, exist_ok=True)
    target = os.path.join(args.out, "autograder.zip")
    write_zip(target, files)
    points = _points(sum(q.points for q in assignment.questions))
    course = f"; course file {assignments.COURSE['path']}" if assignments.COURSE else ""
    print(f"wrote {target} for {assignment.id} -- {assignment.title} ({points} points; {len(files)} files, "
          f"{os.path.getsize(target) // 1024} KB{course})")
    print(f"On Gradescope: a Programming Assignment worth {points} points, base image Ubuntu 22.04 or newer; "
          f"upload autograder.zip under Configure Autograder, then test it with a solution notebook.")
    return 0


# --------------------------------------------------------------------------- grading one submission
def _test(number: int, qid: str, score, max_score, passed: bool, output: str, visibility: str) -> dict:
    return {"name": qid, "number": str(number), "score": _points(score), "max_score": _points(max_score),
            "status": "passed" if passed else "failed", "output": output, "visibility": visibility}


def _not_graded(assignment, why: str, visibility: str) -> list:
    return [_test(i, q.id, 0, q.points, False, f"✗ {q.id} was not graded: {why}", visibility)
            for i, q in enumerate(assignment.questions, start=1)]


def top_level_problems(markdown: str) -> str:
    """The notebook's top-level problems as the feedback file lists them ("cell 3: error -- ..."), or ``""``."""
    if PROBLEMS_HEADING not in markdown:
        return ""
    found = re.search(r"^(`{3,})text\n(.*?)\n\1$", markdown.split(PROBLEMS_HEADING, 1)[1], re.S | re.M)
    return found.group(2) if found else ""


class Results:
    """The results.json of one submission, built up and then written."""

    def __init__(self, assignment, visibility: str):
        self.assignment, self.visibility = assignment, visibility
        self.started = time.monotonic()
        self.max_score = sum(q.points for q in assignment.questions)
        self.head = f"{assignment.id} -- {assignment.title}"

    def refused(self, why: str, isolation: str = "nothing was run") -> dict:
        """Score 0: the submission could not be graded as this assignment (``why`` says what to hand in)."""
        return self.finish(0, [why], _not_graded(self.assignment, why.split("\n")[0], self.visibility),
                           isolation, "not graded")

    def finish(self, score, lines: list, tests: list, isolation: str, status: str) -> dict:
        from .. import __version__
        text = "\n\n".join([f"{self.head}: {_points(score)} / {_points(self.max_score)}", *lines, SCORING,
                            f"Isolation: {isolation}. Graded by bptutor {__version__}."])
        return {"score": _points(score), "execution_time": int(round(time.monotonic() - self.started)),
                "output": text, "output_format": "text", "test_output_format": "text", "test_name_format": "text",
                "visibility": self.visibility, "stdout_visibility": "hidden",
                "extra_data": {"assignment": self.assignment.id, "status": status, "isolation": isolation,
                               "bptutor": __version__},
                "tests": tests}


def _expected_name(assignment) -> str:
    return f"{assignment.notebook} (the notebook of {assignment.id}, {assignment.title})"


def _grade_one(path: str, work: str, args, assignment) -> tuple[int, dict | None, str]:
    """Run ``bptutor grade PATH --in-container`` into ``work/out``; ``(exit code, the row, feedback markdown)``."""
    parser = argparse.ArgumentParser(prog="bptutor grade")
    grade.add_arguments(parser)
    out = os.path.join(work, "out")
    argv = [path, "--out", out, "--in-container", "--jobs", "1"]
    if args.timeout is not None:
        argv += ["--timeout", f"{args.timeout:g}"]
    if args.memory is not None:
        argv += ["--memory", str(args.memory)]
    code = grade.run(parser.parse_args(argv))
    try:
        with open(os.path.join(out, "gradebook.json"), encoding="utf-8") as fh:
            rows = json.load(fh)
        feedback_dir = os.path.join(out, "feedback")
        markdown = "".join(_read(os.path.join(feedback_dir, n)).decode("utf-8", "replace")
                           for n in sorted(os.listdir(feedback_dir)))
    except (OSError, ValueError):
        return code, None, ""
    return code, (rows[0] if len(rows) == 1 else None), markdown


def grade_submission(root: str, args, assignment) -> tuple[dict, int]:
    """``(results.json's content, exit code)`` for the submission in ``root/submission``."""
    results = Results(assignment, args.visibility)
    folder = os.path.join(root, "submission")
    found, _ = submissions.collect([folder]) if os.path.isdir(folder) else ([], [])
    if not found:
        return results.refused(f"No notebook was found in your submission. Hand in one Jupyter notebook (.ipynb): "
                               f"{_expected_name(assignment)}."), 0
    if len(found) > 1:
        names = "\n".join(f"  {clean(os.path.relpath(p, folder))}" for p in found[:20])
        return results.refused(f"Your submission holds {len(found)} notebooks; hand in exactly one, "
                               f"{_expected_name(assignment)}. Found:\n{names}"), 0
    work = tempfile.mkdtemp(prefix="bptutor-gradescope-")
    try:
        try:
            data, _ = submissions.read_capped(found[0], submissions.MAX_NOTEBOOK_BYTES)
        except (OSError, ValueError) as exc:
            return results.refused(f"Your notebook could not be read: {clean(getattr(exc, 'strerror', None) or exc)}. "
                                   f"Hand in the notebook file itself."), 0
        # under the assignment's own name, so a notebook without the assignment in its metadata is graded as this one
        path = os.path.join(work, "submission", assignment.notebook)
        os.makedirs(os.path.dirname(path))
        write_private(path, data)
        sub = submissions.read(path)
        if sub.assignment is not None and sub.assignment != assignment.id:
            other = assignments.ASSIGNMENTS[sub.assignment]
            return results.refused(f"This notebook is assignment {other.id} ({other.title}), but this Gradescope "
                                   f"assignment grades {assignment.id}. Hand in {_expected_name(assignment)}."), 0
        code, row, markdown = _grade_one(path, work, args, assignment)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if row is None:
        why = ("The grader could not run (a problem with the autograder, not with your work); please tell your "
               "instructor.")
        return results.finish(0, [why], _not_graded(assignment, "the grader could not run", args.visibility),
                              "nothing was run", "grader failed"), code or 2
    mode = "container" if grade.CONTAINER_NOTE in (row["error"] or "") else "bwrap"
    problem = (row["error"] or "").replace(grade.CONTAINER_NOTE, "")
    lines = [f"Notebook graded: {clean(os.path.relpath(found[0], folder))}"]
    if sub.note:
        problem = problem.replace(f"note: {sub.note}", "")
        lines.append(f"Note: the notebook does not say which assignment it is (no metadata.bptutor.assignment); "
                     f"it was graded as {assignment.id}, the assignment of this autograder.")
    problem = problem.strip("; ")
    if problem:
        lines.insert(1, f"Problem with the submission: {problem}")
    problems = top_level_problems(markdown)
    if problems:
        lines.append("Problems while running the notebook's top-level code (each cell ran in order; a cell that "
                     f"failed was skipped and the rest still ran):\n{problems}")
    tests = [_test(i, q["id"], q["score"], q["max_score"], q["passed"], q["feedback"], args.visibility)
             for i, q in enumerate(row["questions"], start=1)]
    if not tests:  # a notebook of no known assignment: the grader judged no question of this one
        tests = _not_graded(assignment, problem or "the notebook could not be graded", args.visibility)
    return results.finish(row["score"], lines, tests, Isolation(mode).describe(), row["status"]), 0


def run_in_gradescope(args, assignment) -> int:
    root = os.environ.get("AUTOGRADER_ROOT") or DEFAULT_ROOT
    content, code = grade_submission(root, args, assignment)
    results_dir = os.path.join(root, "results")
    os.makedirs(results_dir, exist_ok=True)
    target = os.path.join(results_dir, "results.json")
    write_private(target, (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    os.chmod(target, 0o644)
    print(f"bptutor gradescope: {content['score']} / {_points(sum(q.points for q in assignment.questions))} "
          f"({content['extra_data']['status']}; isolation: {content['extra_data']['isolation']}) -> {target}")
    return code


def run(args) -> int:
    found = assignments.ASSIGNMENTS.get(args.assignment)
    if found is None:
        print(f"bptutor gradescope: error: unknown assignment {clean(args.assignment)!r}; known: "
              f"{', '.join(assignments.ASSIGNMENTS)}", file=sys.stderr)
        return 2
    if args.run:
        return run_in_gradescope(args, found)
    try:
        return build(args, found)
    except (GradescopeError, OSError, ValueError) as exc:  # ValueError: a course file that cannot be read
        print(f"bptutor gradescope: error: {exc}", file=sys.stderr)
        return 2
