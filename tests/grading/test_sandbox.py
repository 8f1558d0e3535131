"""Pieces of the sandbox, one at a time: tripwired reference imports, no-op checks, dropped privileges."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bptutor.grading import sandbox, tripwires

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the grader's sandbox needs Linux")

TRIPWIRE_SCRIPT = r"""
import numpy as np
from bptutor.grading import tripwires
tripwires.install()
import bptutor
from bptutor import check, reference
from bptutor.reference.matrix import dense_forward
from bptutor.gradcheck import numerical_gradient
results = []
for fn in (reference.hidden_delta, dense_forward, numerical_gradient, bptutor.reference.backprop):
    try:
        fn(np.zeros(2))
        results.append("returned")
    except tripwires.ReferenceCalled as exc:
        results.append(str(exc))
    except Exception:
        results.append("caught by except Exception")
print(results)
print(tripwires.CALLS)
print(check.hidden_delta(lambda d, W, a: d), check.anything(1, 2))
import sys
print(sorted(m for m in sys.modules if m.startswith("bptutor.reference") and type(sys.modules[m]).__name__ != "_StandIn"))
"""


def test_reference_resolves_to_tripwires_and_checks_to_no_ops():
    proc = subprocess.run([sys.executable, "-I", "-c", TRIPWIRE_SCRIPT], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    results, calls, checks, real = proc.stdout.splitlines()
    assert results == str(["called bptutor.reference.hidden_delta instead of its own code",
                           "called bptutor.reference.matrix.dense_forward instead of its own code",
                           "called bptutor.gradcheck.numerical_gradient instead of its own code",
                           "called bptutor.reference.backprop instead of its own code"])
    assert calls == str(["bptutor.reference.hidden_delta", "bptutor.reference.matrix.dense_forward",
                         "bptutor.gradcheck.numerical_gradient", "bptutor.reference.backprop"])
    assert checks == "None None"
    assert real == "[]"


def test_install_refuses_when_the_real_reference_is_loaded():
    import bptutor.reference  # noqa: F401 -- loaded in this (trusted) test process
    with pytest.raises(RuntimeError, match="reference implementation is loaded"):
        tripwires.install()


def test_the_worker_never_loads_the_reference():
    code = ("import sys, bptutor.grading.launcher\n"
            "print(sorted(m for m in sys.modules if m.startswith(('bptutor.reference', 'bptutor.gradcheck', "
            "'bptutor.check'))))")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def _in_child(fn) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(fn())
        except BaseException:  # noqa: BLE001
            os._exit(99)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to another uid needs root")
def test_dropped_privileges_cannot_write_or_signal(tmp_path):
    target = tmp_path / "owned-by-root"
    target.write_text("x")
    os.chmod(tmp_path, 0o755)

    def attempt():
        sandbox.drop_privileges(123457, keep_read=False)
        failures = 0
        try:
            open(target, "w").write("forged")
        except PermissionError:
            failures += 1
        try:
            os.kill(1, 0)
        except PermissionError:
            failures += 1
        return failures

    assert _in_child(attempt) == 2
    assert target.read_text() == "x"


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to another uid needs root")
def test_read_capability_is_kept_only_when_asked(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "f").write_text("secret")
    os.chmod(tmp_path, 0o755)

    def reads(keep):
        def attempt():
            sandbox.drop_privileges(123458, keep_read=keep)
            try:
                open(private / "f").read()
                return 1
            except PermissionError:
                return 0
        return attempt

    assert _in_child(reads(False)) == 0
    assert _in_child(reads(True)) == 1


def test_describe_exit_names_signals_and_exit_codes():
    assert sandbox.describe_exit(9) == ("crashed", "process died with signal 9 (SIGKILL)")
    assert sandbox.describe_exit(3 << 8) == ("crashed", "process exited with code 3 before finishing (os._exit?)")
    assert sandbox.describe_exit(24)[0] == "timeout"  # SIGXCPU: the CPU limit
