"""What the grader's sandbox may see, and the bubblewrap command that builds it.

The view holds, read-only: the system's shared libraries, the Python interpreter and its
standard library (with every ``site-packages`` hidden), NumPy, and the child side of
bptutor -- ``bptutor/__init__.py``, ``trials.py``, ``sandbox/`` and the child-safe
``assignments/``. Not there: ``bptutor/reference``, ``check``, ``grading``, ``data``,
the submissions, the output folder, any home directory, ``/etc``. ``/tmp`` and
``/dev/shm`` get a private tmpfs per submission (:mod:`bptutor.sandbox.isolate`).

:func:`binds` is the one list of what is visible; :func:`bwrap_command` turns it into a
command line; the tests list the view from inside and compare.
"""
from __future__ import annotations

import glob
import os
import shutil
import site
import sys
import sysconfig
from dataclasses import dataclass

import numpy

#: where NumPy and bptutor's child side appear inside the sandbox
SITE = "/opt/bptutor/site"
#: the child side of bptutor, relative to the package folder
CHILD_SIDE = ("__init__.py", "trials.py", "sandbox", "assignments")
#: system library folders, bound when present
SYSTEM_LIBRARIES = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32")


@dataclass(frozen=True)
class Bind:
    """``source`` appears read-only at ``target``; ``hide`` puts an empty read-only folder there instead."""

    source: str
    target: str
    hide: bool = False


def _package_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _python_binds() -> list:
    """The interpreter, its shared library and its standard library."""
    binary = os.path.realpath(sys.executable)
    found = [Bind(binary, binary)]
    libdir = os.path.join(os.path.realpath(sys.base_prefix), "lib")
    for lib in sorted(glob.glob(os.path.join(libdir, "libpython*"))):
        found.append(Bind(os.path.realpath(lib), lib))
    stdlib = os.path.realpath(sysconfig.get_paths(vars={"base": sys.base_prefix,
                                                          "platbase": sys.base_prefix})["stdlib"])
    found.append(Bind(stdlib, stdlib))
    dynload = os.path.dirname(os.path.realpath(getattr(sys.modules.get("math"), "__file__", "") or stdlib))
    if not dynload.startswith(stdlib):
        found.append(Bind(dynload, dynload))
    return found


def _hidden_site_packages(bound: list) -> list:
    """Every site-packages folder inside something bound: the instructor's packages stay out."""
    candidates = set(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    candidates.update(glob.glob("/usr/lib/python3*/dist-packages") + glob.glob("/usr/lib/python3*/site-packages"))
    for b in bound:
        candidates.update(glob.glob(os.path.join(b.target, "python3*", "site-packages")))
        candidates.update(glob.glob(os.path.join(b.target, "site-packages")))
    hidden = []
    for path in sorted(os.path.realpath(c) for c in candidates):
        if os.path.isdir(path) and any(path.startswith(b.target.rstrip("/") + "/") for b in bound if not b.hide):
            hidden.append(Bind("", path, hide=True))
    return hidden


def binds() -> list:
    """Everything the sandbox sees besides /proc, /dev, /tmp and /dev/shm, in mount order."""
    found = []
    for path in SYSTEM_LIBRARIES:
        if os.path.isdir(path) and not os.path.islink(path):
            found.append(Bind(path, path))
    found += _python_binds()
    numpy_dir = os.path.dirname(os.path.realpath(numpy.__file__))
    found.append(Bind(numpy_dir, f"{SITE}/numpy"))
    libs = os.path.join(os.path.dirname(numpy_dir), "numpy.libs")
    if os.path.isdir(libs):
        found.append(Bind(libs, f"{SITE}/numpy.libs"))
    package = _package_dir()
    for part in CHILD_SIDE:
        found.append(Bind(os.path.join(package, part), f"{SITE}/bptutor/{part}"))
    return found + _hidden_site_packages(found)


def symlinks() -> list:
    """``(target, link)`` for system library folders that are links (``/lib -> usr/lib``)."""
    return [(os.readlink(p), p) for p in SYSTEM_LIBRARIES if os.path.islink(p)]


def python_command(control_fd: int, mode: str, paths=(SITE,)) -> list:
    """The interpreter command that starts the zygote (inside bubblewrap, or ``paths`` without it)."""
    boot = (f"import sys; sys.path[:0] = {list(paths)!r}; "
            f"from bptutor.sandbox import zygote; sys.exit(zygote.main({int(control_fd)}, {mode!r}))")
    return [os.path.realpath(sys.executable), "-I", "-S", "-B", "-c", boot]


ENVIRONMENT = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def bwrap_command(bwrap: str, control_fd: int) -> list:
    """The full bubblewrap command line for one warm sandbox (an environment built from nothing)."""
    cmd = [bwrap, "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    if os.geteuid() == 0:
        cmd += ["--uid", "65534", "--gid", "65534"]  # root inside the user namespace cannot map itself
    for name, value in ENVIRONMENT.items():
        cmd += ["--setenv", name, value]
    for target, link in symlinks():
        cmd += ["--symlink", target, link]
    for b in binds():
        if b.hide:
            cmd += ["--perms", "0555", "--tmpfs", b.target, "--remount-ro", b.target]
        else:
            cmd += ["--ro-bind", b.source, b.target]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev", "--dir", "/tmp",
            "--remount-ro", "/", "--chdir", "/"]
    return cmd + ["--", *python_command(control_fd, "namespaces")]


def find_bwrap() -> str | None:
    """The bubblewrap executable (``BPTUTOR_BWRAP`` names another), or ``None`` when there is none."""
    found = os.environ.get("BPTUTOR_BWRAP") or shutil.which("bwrap")
    return found if found and os.path.isfile(found) and os.access(found, os.X_OK) else None


#: how to get bubblewrap
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install "
                "bubblewrap; Arch: sudo pacman -S bubblewrap)")
#: the only way to grade without it
UNSAFE_HINT = "or grade inside a throw-away container or VM with --unsafe-no-sandbox"
