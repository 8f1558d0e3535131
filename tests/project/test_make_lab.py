"""``make lab`` -- the README's first command -- really starts JupyterLab on the course.

Runs the Makefile target itself (on a free loopback port, no browser, no token) and
asks the server for ``lessons/``. Only where ``make`` set up ``.venv`` (as ``make test`` does).
"""
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from helpers.paths import ROOT as REPO

ROOT = str(REPO)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, ".venv", ".bptutor-installed")),
                    reason="make lab is tested where make set up .venv (make test)")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_lessons(tmp_path):
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token="
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        listing = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons", timeout=2) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer:\n" + (
            proc.stdout.read().decode(errors="replace") if proc.poll() is not None else "(still starting)")
        names = {item["name"] for item in listing["content"]}
        assert "00_chain_rule.ipynb" in names and "09_capstone.ipynb" in names
        # the whole course is served (students move on to exercises/), lesson 00 opens first
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/exercises", timeout=5) as r:
            assert "a1_chain_rule.ipynb" in {item["name"] for item in json.load(r)["content"]}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200 and r.url.endswith("/lab/tree/lessons/00_chain_rule.ipynb")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
