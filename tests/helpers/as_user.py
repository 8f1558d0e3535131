"""Run a command as an ordinary user (uid 65534), from root, with the Python it needs reachable.

    python tests/helpers/as_user.py PATH... -- COMMAND...

Must run as root inside a private mount namespace (``unshare --mount --propagation private``).
Every PATH (the interpreter, the virtual environment, the checkout, a work folder) must be
reachable by the user: a folder on the way that only root may enter (``/root`` is 0700 on
these machines) is covered with a tmpfs through which just the needed entries are bound
back. Nothing changes outside the mount namespace. Then the ids are dropped for good and
COMMAND is executed.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile

USER = 65534


def _blocked_ancestor(path: str) -> tuple[str, str] | None:
    """The first folder on the way to ``path`` others may not enter, and the next name under it."""
    parts = os.path.realpath(path).strip("/").split("/")
    folder = "/"
    for name in parts:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder, name
        folder = os.path.join(folder, name)
    return None


def open_up(paths) -> None:
    opened: dict = {}
    for path in paths:
        while True:
            found = _blocked_ancestor(path)
            if found is None:
                break
            folder, name = found
            if folder not in opened:
                staging = tempfile.mkdtemp(prefix="bpt-staging-")
                subprocess.run(["mount", "--bind", folder, staging], check=True)
                subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", folder], check=True)
                opened[folder] = (staging, set())
            staging, done = opened[folder]
            if name in done:
                break  # bound already, yet still blocked below: give up on this path
            target, source = os.path.join(folder, name), os.path.join(staging, name)
            if os.path.isdir(source):
                os.mkdir(target)
            else:
                open(target, "w").close()
            subprocess.run(["mount", "--bind", source, target], check=True)
            done.add(name)


def main(argv) -> int:
    split = argv.index("--")
    open_up(argv[:split])
    os.setgroups([])
    os.setresgid(USER, USER, USER)
    os.setresuid(USER, USER, USER)
    os.environ["HOME"] = "/tmp"
    os.execvp(argv[split + 1], argv[split + 1:])
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
