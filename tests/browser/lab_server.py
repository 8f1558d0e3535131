"""A throwaway JupyterLab server for the browser test.

The server serves a temporary *copy* of the lessons (JupyterLab autosaves the notebooks it
serves, so it must never see the committed files), listens on a free loopback port with
authentication disabled, and reads its settings from a temporary ``JUPYTER_CONFIG_DIR`` that

- silences the news / update popup (it would cover the notebook in screenshots),
- turns off notebook windowing, so every cell is in the page and can be inspected.

Nothing here reaches the network: no news feed, no update check, no extension manager queries.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# JupyterLab user settings written into the temporary config dir, by settings file.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


def free_loopback_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_user_settings(config_dir):
    """Write :data:`USER_SETTINGS` under ``config_dir/lab/user-settings``."""
    settings_root = Path(config_dir) / "lab" / "user-settings"
    for relative, content in USER_SETTINGS.items():
        path = settings_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


class LabServer:
    """Start ``jupyter lab`` on ``root_dir`` under ``work_dir``; stop it (and its kernels) on exit.

    ``root_dir`` is served as it is: copy the notebooks there first (see :func:`copy_notebooks`).
    Use as a context manager; ``url`` is the base URL, e.g. ``http://127.0.0.1:41234``.
    """

    def __init__(self, root_dir, work_dir, startup_timeout=90.0):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.startup_timeout = startup_timeout
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.work_dir / "jupyterlab.log"
        self._process = None
        self._log = None

    def command(self):
        return [
            sys.executable, "-m", "jupyter", "lab",
            "--no-browser", "--allow-root",
            "--ip", "127.0.0.1", "--port", str(self.port), "--port-retries=0",
            "--IdentityProvider.token=", "--ServerApp.password=",
            # Loopback only and no token: the test deletes kernels through the REST API.
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]

    def environment(self):
        env = dict(os.environ)
        config_dir = self.work_dir / "jupyter-config"
        write_user_settings(config_dir)
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
        env["JUPYTER_RUNTIME_DIR"] = str(self.work_dir / "jupyter-runtime")
        env["IPYTHONDIR"] = str(self.work_dir / "ipython")
        # Figures must reach the page as images: a forced Agg backend would hide them.
        env.pop("MPLBACKEND", None)
        return env

    def __enter__(self):
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        self._process = subprocess.Popen(
            self.command(), env=self.environment(), cwd=self.root_dir,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with status {self._process.returncode} before it was "
                    f"ready; its log:\n{self.log_tail()}")
            try:
                self.get_json("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        raise RuntimeError(
            f"jupyter lab did not answer {self.url}/api/status within {self.startup_timeout:.0f} s; "
            f"its log:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def get_json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def shutdown_kernels(self):
        """Shut down every running kernel (keeps CPU free for the next notebook)."""
        for kernel in self.get_json("/api/kernels"):
            request = urllib.request.Request(
                f"{self.url}/api/kernels/{kernel['id']}", method="DELETE")
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except urllib.error.URLError:
                pass  # already gone

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            # The server and its kernels share one process group (start_new_session above).
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


def copy_notebooks(notebooks, destination):
    """Copy ``notebooks`` (paths) and any non-notebook files beside them into ``destination``.

    Returns ``destination``. Lessons may read small files next to them, so the whole folder of
    each notebook is copied, minus checkpoints.
    """
    destination = Path(destination)
    for folder in sorted({Path(nb).parent for nb in notebooks}):
        shutil.copytree(folder, destination, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return destination
