"""The browser test itself must fail on broken notebooks: run it on six small ones and compare.

Opt-in (about two minutes): ``BPTUTOR_BROWSER=1 BPTUTOR_BROWSER_SELFTEST=1 pytest tests/browser
-k catches``. The notebooks are written here, into a temporary folder, so that nbval in
``make test`` never sees them.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# notebook stem -> (code cells, expected outcome: None = passes, else a phrase of the failure)
FAULTY_NOTEBOOKS = {
    "00_working_slider": ([
        "import matplotlib.pyplot as plt\nimport numpy as np\nimport ipywidgets as widgets",
        "def show(w=1.0):\n    x = np.linspace(-3, 3, 50)\n    plt.figure(figsize=(3, 2))\n"
        "    plt.plot(x, np.tanh(w * x))\n    plt.show()\n"
        "_ = widgets.interact(show, w=(0.0, 3.0, 0.1))",
        ("raises-exception", "raise ValueError('shown on purpose')"),
        "1 + 1",
    ], None),
    "01_error_stops_run": (["x = 1", "1 / 0", "x"], "the run stopped"),
    "02_slider_changes_nothing": ([
        "import ipywidgets as widgets\n_ = widgets.interact(lambda k=3: print('same'), k=(0, 9))",
    ], "did not change the output"),
    "03_new_warning": (["import numpy as np\nnp.exp(np.array([1000.0]))"], "wrote to stderr"),
    "04_widget_not_rendered": (["print(1)"], "none in the page"),
    "05_error_after_slider_move": ([
        "import ipywidgets as widgets\n"
        "def f(w=1.0):\n    if w > 1.05:\n        raise ValueError('too big')\n    print(w)\n"
        "_ = widgets.interact(f, w=(0.0, 2.0, 0.1))",
    ], "after moving sliders"),
}


def write_notebook(path, sources):
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    for source in sources:
        tags = []
        if isinstance(source, tuple):
            tags, source = [source[0]], source[1]
        notebook.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    if path.stem == "04_widget_not_rendered":  # a stored widget view the code no longer makes
        notebook.cells[0].outputs = [nbformat.v4.new_output("display_data", data={
            "text/plain": "IntSlider(value=0)",
            "application/vnd.jupyter.widget-view+json": {
                "model_id": "0" * 32, "version_major": 2, "version_minor": 0}})]
    nbformat.write(notebook, path)


@pytest.mark.skipif(os.environ.get("BPTUTOR_BROWSER_SELFTEST", "") in ("", "0"),
                    reason="self-test of the browser test; set BPTUTOR_BROWSER_SELFTEST=1")
def test_browser_test_catches_faults(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem, (sources, _) in FAULTY_NOTEBOOKS.items():
        write_notebook(notebooks / f"{stem}.ipynb", sources)
    report = tmp_path / "report.xml"
    env = dict(os.environ, BPTUTOR_BROWSER="1", BPTUTOR_LESSONS_DIR=str(notebooks),
               BPTUTOR_SCREENSHOTS_DIR=str(tmp_path / "screenshots"))
    env.pop("BPTUTOR_BROWSER_SELFTEST")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         str(HERE / "test_lessons_in_browser.py"), "-k", "not at_least_four",
         f"--junitxml={report}", "--basetemp", str(tmp_path / "inner")],
        env=env, cwd=HERE.parents[1], check=False, timeout=900)

    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure")
        stem = case.get("name").split("[", 1)[1].rstrip("]")
        outcomes[stem] = None if failed is None else (failed.get("message") or "") + (failed.text or "")
    assert set(outcomes) == set(FAULTY_NOTEBOOKS), outcomes
    for stem, (_, expected) in FAULTY_NOTEBOOKS.items():
        if expected is None:
            assert outcomes[stem] is None, f"{stem} should pass:\n{outcomes[stem]}"
        else:
            assert outcomes[stem] is not None, f"{stem} should fail with {expected!r}"
            assert expected in outcomes[stem], f"{stem}: expected {expected!r} in\n{outcomes[stem]}"
