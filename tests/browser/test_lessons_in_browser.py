"""Every lesson, run in a real browser: JupyterLab + headless Chromium driven by Playwright.

For each ``lessons/*.ipynb`` (one test per lesson): open it in JupyterLab, wait for an idle
kernel, clear the stored outputs, Run All Cells, and check that

- every code cell ran (``[n]`` prompts, counts increasing in document order);
- no cell shows an error (a traceback outside cells tagged ``raises-exception``, or stderr text
  in a cell whose committed outputs have none -- a warning the notebook already shows and nbval
  compares is accepted, any new one fails);
- widgets render (every cell whose committed output is a widget shows one; no "Error displaying
  widget"), and moving the first slider of each slider cell changes that cell's output (its text
  or images); lessons that promise a slider must show one;
- every quiz question (``bptutor.quiz``) renders as a form; the first is answered right and the
  next one wrong (responses taken from the question's own data), and each time the feedback line
  changes and says so ("✓ Right." / "✗ Wrong.");
- the sources page (``sources.ipynb``, text only) keeps the anchor of each source, so that links
  such as ``sources.ipynb#the-lecture-slides`` land;

then save ``artifacts/screenshots/<lesson>.png``. A last test checks that at least four lessons
had a working slider (issue 5 asks for widgets in at least four lessons).

Run with ``make test-browser``. Environment:

- ``BPTUTOR_CHROMIUM``: the browser executable (default: ``/usr/bin/chromium``, then Google
  Chrome). When none is found -- or Playwright is not installed -- the tests skip locally and
  fail when ``CI`` is set.
- ``BPTUTOR_LESSONS_DIR``: run the notebooks of another folder instead of ``lessons/``.
- ``BPTUTOR_BROWSER_TIMEOUT``: seconds allowed for one notebook's run (default 300).
- ``BPTUTOR_SCREENSHOTS_DIR``: where screenshots go (default ``artifacts/screenshots``).
"""
import json
import os
import re
import time
from pathlib import Path

import pytest
from lab_page import (
    CELLS,
    PROMPT_DONE,
    NotebookRunError,
    answer_quiz,
    cell_reports,
    move_first_slider,
    open_notebook,
    quizzes,
    run_all_cells,
    wait_for_kernel_idle,
    wait_until_run_finishes,
    widget_failures,
)
from lab_server import LabServer, copy_notebooks

ROOT = Path(__file__).resolve().parents[2]
LESSONS_DIR = Path(os.environ.get("BPTUTOR_LESSONS_DIR", ROOT / "lessons"))
LESSONS = sorted(LESSONS_DIR.glob("*.ipynb"))
SCREENSHOTS = Path(os.environ.get("BPTUTOR_SCREENSHOTS_DIR", ROOT / "artifacts" / "screenshots"))
RUN_TIMEOUT_S = float(os.environ.get("BPTUTOR_BROWSER_TIMEOUT", "300"))
KERNEL_START_TIMEOUT_S = 120.0
SLIDER_RESPONSE_TIMEOUT_S = 20.0
MIN_LESSONS_WITH_SLIDERS = 4  # issue 5: "Widgets (ipywidgets) in at least four lessons"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/google-chrome",
                       "/usr/bin/google-chrome-stable")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 1000}
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

# Issue 5 names a slider in these lessons (02: "a slider moving the weights"; 07: learning rate).
ISSUE_SLIDER_LESSONS = ("02_", "07_")
SLIDER_SOURCE = re.compile(
    r"\b(?:Int|Float|FloatLog|IntRange|FloatRange|Selection|SelectionRange)Slider\b"
    r"|\binteract(?:ive)?\s*\(")

# lesson file name -> number of slider cells that moved their output (filled by test_lesson).
LESSONS_WITH_WORKING_SLIDERS = {}

QUIZ_CALL = re.compile(r"\bquiz\.(?:choice|number|predict)\(")
QUIZ_RESPONSE_TIMEOUT_S = 20.0
SOURCES_PAGE = "sources.ipynb"
SOURCE_ANCHORS = ("the-per-neuron-article", "the-wikipedia-article", "the-ng-notation-guide",
                  "the-lecture-slides", "the-handbook-chapter")


def in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def unavailable(reason):
    """Skip on a developer's machine; fail in CI, where the browser must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def find_chromium():
    explicit = os.environ.get("BPTUTOR_CHROMIUM")
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            pytest.fail(f"BPTUTOR_CHROMIUM={explicit!r} is not an executable file", pytrace=False)
        return explicit
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    unavailable("no Chromium found (looked at " + ", ".join(CHROMIUM_CANDIDATES)
                + "); install Debian's with `apt-get install -y chromium` or set BPTUTOR_CHROMIUM")


def expects_slider(notebook_path):
    """Does this lesson promise a slider? Named by issue 5, or its code builds one."""
    if notebook_path.name.startswith(ISSUE_SLIDER_LESSONS):
        return True
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    state = json.dumps(notebook.get("metadata", {}).get("widgets", {}))
    sources = ("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
               for cell in notebook["cells"] if cell["cell_type"] == "code")
    return "SliderModel" in state or any(SLIDER_SOURCE.search(src) for src in sources)


def committed_cells(notebook_path):
    return json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]


def has_committed_stderr(cell):
    return any(out.get("output_type") == "stream" and out.get("name") == "stderr"
               for out in cell.get("outputs", []))


def error_problems(cells, reports):
    """Error output in the browser that the committed notebook does not lead us to expect."""
    problems = []
    for index, (cell, report) in enumerate(zip(cells, reports)):
        if not report["code"] or not report["stderr"]:
            continue
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for text in report["stderr"]:
            if "Traceback" in text or re.search(r"^\w*(Error|Exception)\b", text, re.M):
                problems.append(f"cell {index} raised:\n{text.strip()}")
            elif not has_committed_stderr(cell):
                problems.append(f"cell {index} wrote to stderr (nothing committed there):\n"
                                f"{text.strip()}")
    return problems


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    served = copy_notebooks(LESSONS, work / "lessons")
    with LabServer(served, work) as server:
        yield server


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    context.close()
    lab.shutdown_kernels()


def check_run(cells, reports):
    """Every cell ran once, in order, without unexpected error output; widgets rendered."""
    shown, stored = len(reports), len(cells)
    assert shown == stored, f"the page shows {shown} cells, the notebook has {stored}"
    counts = [int(PROMPT_DONE.match(r["prompt"]).group(1)) for r in reports if r["code"]]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), (
        f"execution counts are not increasing in document order: {counts}")
    problems = error_problems(cells, reports)
    assert not problems, "\n\n".join(problems)
    missing = [index for index, (cell, report) in enumerate(zip(cells, reports))
               if has_committed_widget(cell) and not report["widgets"]]
    assert not missing, f"cells {missing} show a widget in the notebook but none in the page"


def has_committed_widget(cell):
    return any(WIDGET_VIEW_MIME in out.get("data", {}) for out in cell.get("outputs", []))


def check_sliders(page, notebook_name, served, reports):
    """Move the first visible slider of each slider cell; each must change its cell's output.

    Returns the number of slider cells that worked.
    """
    slider_cells = [index for index, report in enumerate(reports) if report["sliders"]]
    if expects_slider(served):
        assert slider_cells, f"{notebook_name} should show a slider, the page has none"
    unchanged = []
    for index in slider_cells:
        changed, _, _ = move_first_slider(page, index, SLIDER_RESPONSE_TIMEOUT_S)
        wait_for_kernel_idle(page, SLIDER_RESPONSE_TIMEOUT_S)
        if not changed:
            unchanged.append(index)
    assert not unchanged, f"moving the slider did not change the output of cell(s) {unchanged}"
    if slider_cells:  # the screenshot shows the first widget cell from its top
        page.locator(CELLS).nth(slider_cells[0]).evaluate(
            "(cell) => cell.scrollIntoView({block: 'start'})")
    return len(slider_cells)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson(lesson, page, lab, record_property):
    started = time.monotonic()
    served = lab.root_dir / lesson.name  # the copy JupyterLab runs (lessons/ may move meanwhile)
    cells = committed_cells(served)
    phases, moved, failure = {}, 0, None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        open_notebook(page, lab.url, lesson.name, workspace=lesson.stem,
                      timeout_s=KERNEL_START_TIMEOUT_S)
        phases["open"] = time.monotonic() - started
        run_all_cells(page)
        reports = wait_until_run_finishes(page, lesson.name, RUN_TIMEOUT_S)
        phases["run"] = time.monotonic() - started - phases["open"]
        check_run(cells, reports)
        assert not widget_failures(page), f"widgets failed to render: {widget_failures(page)}"

        moved = check_sliders(page, lesson.name, served, reports)
        problems = error_problems(cells, cell_reports(page))
        assert not problems, "after moving sliders:\n\n" + "\n\n".join(problems)
        quiz_started = time.monotonic()
        check_quizzes(page, cells)
        phases["quiz"] = time.monotonic() - quiz_started
        if lesson.name == SOURCES_PAGE:
            check_sources_anchors(page)
        if moved:
            LESSONS_WITH_WORKING_SLIDERS[lesson.name] = moved
    except NotebookRunError as error:
        failure = str(error)  # reported below, without a Python traceback of the test itself
    finally:
        record_property("lesson", lesson.name)
        record_property("browser_seconds", round(time.monotonic() - started, 1))
        record_property("sliders", moved)
        record_property("phases", {name: round(sec, 1) for name, sec in phases.items()})
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{lesson.stem}.png"))
        except Exception as error:  # a crashed page must not hide the real failure
            print(f"no screenshot of {lesson.name}: {error}")
    if failure:
        pytest.fail(failure, pytrace=False)


def check_quizzes(page, cells):
    """Every quiz cell shows a form; answer the first right and the next wrong (the same one if it
    is the only one). Returns the number of quiz forms."""
    expected = sum(1 for cell in cells if cell["cell_type"] == "code" and QUIZ_CALL.search(
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]))
    shown = quizzes(page).count()
    assert shown == expected, f"{expected} quiz cells, {shown} quiz forms in the page"
    for index, which, verdict in ((0, "right", "✓ Right."), (min(1, shown - 1), "wrong", "✗ Wrong.")):
        if not shown:
            break
        before, after = answer_quiz(page, index, which, QUIZ_RESPONSE_TIMEOUT_S)
        assert after != before, f"quiz {index}: the feedback did not change after a {which} answer"
        assert after.startswith(verdict), f"quiz {index}: a {which} answer got {after!r}"
    return shown


def check_sources_anchors(page):
    # JupyterLab 4 renders an HTML id as data-jupyter-id, and resolves #fragments against it
    missing = [a for a in SOURCE_ANCHORS
               if not page.locator(f"{CELLS} [id='{a}'], {CELLS} [data-jupyter-id='{a}']").count()]
    assert not missing, f"the sources page lost its anchors {missing} (links to them would not land)"


def test_at_least_four_lessons_have_working_sliders(request, browser):
    selected = [item for item in request.session.items if item.originalname == "test_lesson"]
    if len(selected) != len(LESSONS) or not LESSONS:
        pytest.skip("needs every lesson in this run")
    assert len(LESSONS_WITH_WORKING_SLIDERS) >= MIN_LESSONS_WITH_SLIDERS, (
        f"only {sorted(LESSONS_WITH_WORKING_SLIDERS)} have a slider that changes its output; "
        f"issue 5 asks for widgets in at least {MIN_LESSONS_WITH_SLIDERS} lessons")
