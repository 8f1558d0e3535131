"""The class report in a real browser: headless Chromium opens it from a ``file://`` URL.

Collected only with ``BPTUTOR_BROWSER=1`` (see ``conftest.py``), with the Chromium the lesson test
finds (``BPTUTOR_CHROMIUM``, else ``/usr/bin/chromium``, else Google Chrome). Checks that the page
loads with no console error and no request beyond the file itself, that every figure decoded
(``naturalWidth > 0``) and takes room on the page, that a student named ``<script>...`` is shown
as text and runs nothing; then saves ``artifacts/screenshots/class-report.png``.
"""
from html.parser import HTMLParser

import pytest
from helpers.gradebooks import HOSTILE_NAME, write_class
from test_lessons_in_browser import SCREENSHOTS

from bptutor.cli import main

VIEWPORT = {"width": 1100, "height": 900}


class ImageCount(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = 0

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    files = write_class(tmp)
    out = tmp / "class-report.html"
    assert main(["report", *files.grades, "--roster", str(files.roster), "--out", str(out)]) == 0
    return out


def test_report_renders_offline_with_every_figure(browser, report):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors, requests, dialogs = [], [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=20_000)
        images = page.eval_on_selector_all(
            "img", """imgs => imgs.map(img => ({alt: img.alt, width: img.naturalWidth, height: img.naturalHeight,
                                                 shown: img.getBoundingClientRect().width}))""")
        scripts = page.locator("script").count()
        handlers = page.evaluate("document.querySelectorAll('[onload], [onerror]').length")
        body_text = page.inner_text("body")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "class-report.png"), full_page=True)
    finally:
        context.close()

    assert not errors, "console errors:\n" + "\n".join(errors)
    assert requests == [report.as_uri()], f"the page asked for more than itself: {requests}"
    expected = ImageCount()
    expected.feed(report.read_text(encoding="utf-8"))
    assert expected.images >= 4 and len(images) == expected.images, (len(images), expected.images)
    broken = [img["alt"] for img in images if img["width"] <= 0 or img["height"] <= 0 or img["shown"] <= 0]
    assert not broken, f"figures that did not render: {broken}"
    assert scripts == 0 and handlers == 0 and not dialogs, (scripts, handlers, dialogs)
    assert HOSTILE_NAME in body_text, "the hostile name should be shown as text"
    assert (SCREENSHOTS / "class-report.png").stat().st_size > 10_000
