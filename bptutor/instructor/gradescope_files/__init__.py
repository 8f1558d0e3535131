"""The two scripts of a Gradescope autograder, as templates ``bptutor gradescope`` fills in.

Gradescope's layout (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip
with ``setup.sh`` (run once, as root, when Gradescope builds the autograder's image) and
``run_autograder`` (run once per submission, as root, in a fresh container; it must write
``/autograder/results/results.json``) at its root; the zip is unpacked in
``/autograder/source``. They are kept here as text (not as files beside the code) so that
they install with the package like any module.

Placeholders are ``@NAME@``: ``ASSIGNMENT``, ``TITLE``, ``POINTS``, ``VERSION``, ``VENV``,
``PRIVATE_DIRS``, ``PRIVATE_MODULES``, ``RUN_OPTIONS``; :func:`render` refuses to leave one
unfilled.
"""
from __future__ import annotations

import re

#: where setup.sh installs bptutor (a virtual environment of Ubuntu's Python)
VENV = "/opt/bptutor-venv"

SETUP_SH = r"""#!/usr/bin/env bash
# setup.sh -- Gradescope runs this once, as root, when it builds the autograder image of
# @ASSIGNMENT@ (@TITLE@, @POINTS@ points). Made by `bptutor gradescope @ASSIGNMENT@` (bptutor @VERSION@).
#
# Installs, from the package registries: bubblewrap (the grader's sandbox), Python's venv and
# pip (Ubuntu's packages), and bptutor with its dependencies (PyPI) into @VENV@ --
# bptutor itself from the source shipped in this zip (bptutor-src/), since it is not on PyPI.
# Nothing is pinned that the course does not pin itself. Needs Python >= 3.10: choose the
# Ubuntu 22.04 (or newer) base image in the autograder settings.
#
# Isolation: run_autograder grades with the same trusted grader as `bptutor grade --in-container`.
# Where the container lets bubblewrap make namespaces, each submission runs in the bubblewrap
# sandbox. Where it refuses them (Docker's default), the container itself is the isolation
# boundary and the student's code runs as an unprivileged user -- so this script makes every
# part of bptutor that the sandbox does not need (the reference, the checks and their answers,
# the data, the grader) readable by root only, and checks that an unprivileged user can still
# run Python and NumPy but cannot read those parts. results.json says which isolation graded.
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV=@VENV@

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv python3-pip >/dev/null

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else
    "bptutor needs Python >= 3.10, this image has " + sys.version.split()[0]
    + ": choose the Ubuntu 22.04 (or newer) base image in the autograder settings")'
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --quiet --no-cache-dir "$SOURCE/bptutor-src"
PACKAGE="$("$VENV/bin/python" -I -c 'import os, bptutor; print(os.path.dirname(bptutor.__file__))')"

# --- lock down: everything but the sandbox's side of bptutor is root's alone
for part in @PRIVATE_DIRS@; do
    chmod -R go-rwx "$PACKAGE/$part"
done
for module in @PRIVATE_MODULES@; do
    chmod go-rwx "$PACKAGE/$module.py"
    find "$PACKAGE/__pycache__" -name "$module.*.pyc" -exec chmod go-rwx {} + 2>/dev/null || true
done
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
for part in @PRIVATE_DIRS@ @PRIVATE_MODULES@; do
    for path in "$PACKAGE/$part" "$PACKAGE/$part.py"; do
        if [ -e "$path" ] && as_nobody test -r "$path"; then
            echo "setup.sh: $path is still readable by other users" >&2
            exit 1
        fi
    done
done
# --- end lock down
chmod -R go-rwx "$SOURCE"  # the shipped source (and any course files) too

# the container fallback runs student code as an unprivileged user: it must still have Python and NumPy
if ! as_nobody "$VENV/bin/python" -I -c 'import numpy, bptutor.trials, bptutor.sandbox.runner'; then
    echo "setup.sh: an unprivileged user cannot run Python and NumPy from $VENV" >&2
    exit 1
fi
"$VENV/bin/bptutor" --version
echo "setup.sh: bptutor is installed in $VENV; bubblewrap: $(command -v bwrap)"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# run_autograder -- Gradescope runs this once per submission, as root, in a fresh container,
# with the student's files in $AUTOGRADER_ROOT/submission (AUTOGRADER_ROOT: /autograder unless
# set); it writes $AUTOGRADER_ROOT/results/results.json. Made by `bptutor gradescope @ASSIGNMENT@`
# (bptutor @VERSION@) for @ASSIGNMENT@ (@TITLE@, @POINTS@ points).
#
# Isolation: `bptutor gradescope --run` grades the one notebook handed in with the same trusted
# grader as `bptutor grade --in-container`: in the bubblewrap sandbox where this container lets
# bubblewrap make namespaces (its own probe decides), and otherwise with the container itself
# as the boundary and the student's code run as an unprivileged user -- never silently weaker.
# results.json's output says which one graded the submission.
# BPTUTOR names the bptutor executable (default: the one setup.sh installed).
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
BPTUTOR="${BPTUTOR:-@VENV@/bin/bptutor}"
export AUTOGRADER_ROOT="$ROOT" OPENBLAS_NUM_THREADS=1
if [ -f "$ROOT/source/course/course.toml" ]; then
    export BPTUTOR_COURSE="$ROOT/source/course/course.toml"  # the instructor's points and assignments
fi
cd "$ROOT"
if [ ! -x "$BPTUTOR" ]; then
    mkdir -p "$ROOT/results"
    cat > "$ROOT/results/results.json" <<'END'
{"score": 0, "execution_time": 0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
 "output": "The autograder is not installed: a problem with the grader, not with your work. Tell your instructor."}
END
    echo "run_autograder: $BPTUTOR is not an executable: did setup.sh fail?" >&2
    exit 1
fi
exec "$BPTUTOR" gradescope @ASSIGNMENT@ --run@RUN_OPTIONS@
"""

_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def render(template: str, values: dict) -> str:
    """``template`` with every ``@NAME@`` replaced by ``values[NAME]`` (``KeyError`` for one not given)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
