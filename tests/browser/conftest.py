"""The browser test runs only when asked for: ``make test-browser`` sets ``BPTUTOR_BROWSER=1``.

Without it this folder is not collected, so ``make test`` (``pytest ... tests lessons solutions``)
neither imports Playwright nor starts a browser.
"""
import os

import pytest

BROWSER_FLAG = "BPTUTOR_BROWSER"

if os.environ.get(BROWSER_FLAG, "") in ("", "0"):
    collect_ignore_glob = ["*.py"]


def pytest_terminal_summary(terminalreporter):
    """Print the seconds each lesson took in the browser (recorded by the test as a property)."""
    rows = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            props = dict(getattr(report, "user_properties", []))
            if report.when == "call" and "browser_seconds" in props:
                rows.append((props["lesson"], props["browser_seconds"], outcome,
                             props.get("sliders", 0), props.get("phases", {})))
    if not rows:
        return
    terminalreporter.section("lessons in the browser")
    for lesson, seconds, outcome, sliders, phases in sorted(rows):
        # open: page load until the kernel is idle; run: Run All Cells until every cell ran;
        # quiz: answering quiz questions; the rest of the time is moving sliders and the screenshot.
        detail = "  ".join(f"{name} {sec:.1f}" for name, sec in phases.items())
        terminalreporter.write_line(
            f"{lesson:<36} {seconds:6.1f} s  sliders={sliders:<2} {outcome:<6}  {detail}")
    terminalreporter.write_line(f"{'total':<36} {sum(r[1] for r in rows):6.1f} s")


# One Playwright and one Chromium for the whole session: the lesson test and the report test share
# them (Playwright's sync API cannot be started twice in one process).
@pytest.fixture(scope="session")
def sync_playwright():
    from test_lessons_in_browser import unavailable
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[browser]')")
    with start() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(sync_playwright):
    from test_lessons_in_browser import CHROMIUM_ARGS, find_chromium
    browser = sync_playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
