"""What a reader does in JupyterLab, as Playwright steps: open a notebook, run it, move a slider.

Selectors are JupyterLab 4 / ipywidgets 8 class names:

- kernel state: the status bar item reading ``<kernel name> | Idle``;
- prompts: ``.jp-CodeCell .jp-InputArea-prompt`` shows ``[ ]:``, ``[*]:`` or ``[n]:``;
- error output: ``.jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']``
  (JupyterLab renders both stderr streams and tracebacks with that mime type);
- sliders: ``.widget-slider`` (the whole control, label and readout included), moved by focusing
  its ``.noUi-handle`` and pressing arrow keys; only visible ones count;
- quiz questions (``bptutor.quiz``): ``.bptutor-quiz`` around each form, its question in
  ``.bptutor-quiz-question`` (``data-kind``, ``data-right``, ``data-wrong``: one right and one wrong
  response, from the question itself), options as ``.bptutor-quiz-options`` toggle buttons or a
  ``.bptutor-quiz-input`` text box, a Check button, the verdict in ``.bptutor-quiz-feedback``.
"""
import re
import time

IDLE_STATUS = ".jp-StatusBar-TextItem:has-text('| Idle')"
CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"
STDERR_MIME = "application/vnd.jupyter.stderr"
PROMPT_DONE = re.compile(r"^\[(\d+)\]:?$")
PROMPT_RUNNING = "[*]"
WIDGET_FAILURE_TEXTS = ("Error displaying widget", "Failed to load model class")
QUIZ = ".bptutor-quiz"

# One record per cell of the open notebook, in document order.
_CELL_REPORT_JS = """
(cells) => cells.map((cell) => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  const stderr = Array.from(cell.querySelectorAll(
      ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"));
  return {
    code: cell.classList.contains('jp-CodeCell'),
    prompt: prompt ? prompt.innerText.trim() : '',
    stderr: stderr.map((node) => node.innerText),
    widgets: cell.querySelectorAll('.jupyter-widgets').length,
    // visible sliders only: one inside a closed accordion or tab cannot be moved
    sliders: Array.from(cell.querySelectorAll('.widget-slider'))
        .filter((node) => node.offsetParent !== null).length,
    text: cell.querySelector('.jp-Cell-outputArea')
        ? cell.querySelector('.jp-Cell-outputArea').innerText : '',
  };
})
"""

# What the reader sees in one cell's output area, sliders left out (their handles and readouts
# move by design): the visible text, every <img> source and every inline <svg>. Layout noise
# (style attributes rewritten by the widget manager) does not count as a change.
_OUTPUT_WITHOUT_SLIDERS_JS = """
(cell) => {
  const area = cell.querySelector('.jp-Cell-outputArea');
  if (!area) { return ''; }
  const copy = area.cloneNode(true);
  copy.querySelectorAll('.widget-slider').forEach((node) => node.remove());
  document.body.appendChild(copy);  // innerText needs a rendered node
  const seen = {
    text: copy.innerText,
    images: Array.from(copy.querySelectorAll('img')).map((img) => img.getAttribute('src')),
    svg: Array.from(copy.querySelectorAll('svg')).map((svg) => svg.outerHTML),
  };
  copy.remove();
  return JSON.stringify(seen);
}
"""


class NotebookRunError(AssertionError):
    """The notebook did not run to the end in the browser."""


def open_notebook(page, base_url, notebook_name, workspace, timeout_s):
    """Open ``notebook_name`` in its own JupyterLab workspace and wait until its kernel is idle.

    A fresh workspace per notebook keeps JupyterLab from restoring other notebooks (and starting
    their kernels) from an earlier layout.
    """
    page.goto(f"{base_url}/lab/workspaces/{workspace}/tree/{notebook_name}")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # A kernel-selection dialog appears when the notebook names an unknown kernel:
        # accept the suggested kernel, as a reader would.
        dialog_accept = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog_accept.count():
            dialog_accept.first.click()
        if page.locator(IDLE_STATUS).count():
            break
        page.wait_for_timeout(250)
    else:
        status = page.locator(".jp-StatusBar-TextItem").all_inner_texts()
        raise NotebookRunError(
            f"{notebook_name}: the kernel was not idle after {timeout_s:.0f} s "
            f"(status bar: {status})")
    _collapse_left_sidebar(page)


def _collapse_left_sidebar(page):
    """Give the notebook the whole width (for screenshots): close the file browser panel."""
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


def _menu(page, menu, item):
    page.click(f".lm-MenuBar-itemLabel:text-is('{menu}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def run_all_cells(page):
    """Clear every stored output (and execution count), then Run > Run All Cells.

    Clearing first means an ``[n]`` prompt afterwards can only come from this run.
    """
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        "(sel) => Array.from(document.querySelectorAll(sel + ' .jp-InputArea-prompt'))"
        ".every((p) => !/\\d/.test(p.innerText))", arg=CELLS)
    _menu(page, "Run", "Run All Cells")


def cell_reports(page):
    """Per cell, in order: ``code`` flag, ``prompt`` text, ``stderr`` texts, ``widgets`` (rendered
    widget views) and visible ``sliders`` counts, ``text`` of the output area."""
    return page.locator(CELLS).evaluate_all(_CELL_REPORT_JS)


def wait_until_run_finishes(page, notebook_name, timeout_s, poll_s=0.5):
    """Wait until every code cell shows ``[n]``; return the cell reports.

    Fails early (with the error output) when the run stopped on an error: no cell is running or
    queued any more, the kernel is idle, and some cells never ran.
    """
    start = time.monotonic()
    stalled_polls = 0
    while True:
        reports = cell_reports(page)
        prompts = [r["prompt"] for r in reports if r["code"]]
        if all(PROMPT_DONE.match(p) for p in prompts):  # (a page of text only has nothing to run)
            return reports
        elapsed = time.monotonic() - start
        stopped = (not any(p.startswith(PROMPT_RUNNING) for p in prompts)
                   and page.locator(IDLE_STATUS).count() > 0)
        stalled_polls = stalled_polls + 1 if stopped else 0
        if stalled_polls >= 6 and elapsed > 3:
            errors = [text for r in reports for text in r["stderr"]]
            not_run = sum(1 for p in prompts if not PROMPT_DONE.match(p))
            raise NotebookRunError(
                f"{notebook_name}: the run stopped with {not_run} of {len(prompts)} code cells "
                f"not executed; error output:\n" + ("\n---\n".join(errors) or "(none shown)"))
        if elapsed > timeout_s:
            running = sum(1 for p in prompts if p.startswith(PROMPT_RUNNING))
            raise NotebookRunError(
                f"{notebook_name}: not finished after {timeout_s:.0f} s "
                f"({running} cells still running or queued)")
        page.wait_for_timeout(int(poll_s * 1000))


def output_without_sliders(page, cell_index):
    return page.locator(CELLS).nth(cell_index).evaluate(_OUTPUT_WITHOUT_SLIDERS_JS)


def wait_for_kernel_idle(page, timeout_s):
    page.wait_for_selector(IDLE_STATUS, timeout=timeout_s * 1000)


def move_first_slider(page, cell_index, timeout_s, presses=3):
    """Move the first slider of cell ``cell_index`` with the keyboard; report what changed.

    Presses ArrowRight ``presses`` times (ArrowLeft when the slider sits at its maximum), then
    waits until the output differs, the kernel is idle and the output stops changing. Returns
    ``(changed, before, after)`` where ``before``/``after`` describe the cell's output without
    its sliders (text, image sources, inline SVG, as JSON).
    """
    cell = page.locator(CELLS).nth(cell_index)
    handle = cell.locator(".widget-slider .noUi-handle:visible").first
    handle.scroll_into_view_if_needed()
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    before = output_without_sliders(page, cell_index)
    handle.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    after = _settled_output(page, cell_index, before, timeout_s)
    return after != before, before, after


def _settled_output(page, cell_index, before, timeout_s, poll_s=0.4):
    """The cell's output once it differs from ``before`` and has been stable for two polls
    with the kernel idle, or the unchanged output after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    previous = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(int(poll_s * 1000))
        current = output_without_sliders(page, cell_index)
        idle = page.locator(IDLE_STATUS).count() > 0
        if current != before and current == previous and idle:
            return current
        previous = current
    return output_without_sliders(page, cell_index)


def widget_failures(page):
    """Texts JupyterLab shows when a widget view could not be rendered."""
    text = page.locator(CELLS).evaluate_all("(cells) => cells.map((c) => c.innerText).join('\\n')")
    return [line for line in text.splitlines()
            if any(marker in line for marker in WIDGET_FAILURE_TEXTS)]


def quizzes(page):
    """The rendered quiz forms of the open notebook, in document order (a Playwright locator)."""
    return page.locator(f"{CELLS} {QUIZ}")


def answer_quiz(page, index, which, timeout_s):
    """Give quiz ``index`` its own ``which`` response (``"right"`` or ``"wrong"``) and press Check.

    The response comes from the question's ``data-right`` / ``data-wrong`` attribute: a key to
    click for a choice, a number to type for a number question. Returns ``(before, after)``, the
    feedback line's text before the click and once it has changed (``after == before`` if it
    never did within ``timeout_s``).
    """
    form = quizzes(page).nth(index)
    form.scroll_into_view_if_needed()
    question = form.locator(".bptutor-quiz-question")
    response = question.get_attribute(f"data-{which}")
    feedback = form.locator(".bptutor-quiz-feedback")
    before = feedback.inner_text()
    if question.get_attribute("data-kind") == "number":
        form.locator(".bptutor-quiz-input input").fill(response)
    else:
        form.locator(".bptutor-quiz-options").get_by_role("button", name=response, exact=True).click()
    form.get_by_role("button", name="Check", exact=True).click()
    deadline = time.monotonic() + timeout_s
    after = before
    while time.monotonic() < deadline and after == before:
        page.wait_for_timeout(200)
        after = feedback.inner_text()
    return before, after
