"""Pieces of the sandbox's child side, one at a time: stand-in modules, the frame format, exit reasons."""
from __future__ import annotations

import json
import struct
import subprocess
import sys

import numpy as np
import pytest

from bptutor.sandbox import runner, wire
from bptutor.trials import FunSpec

STANDINS = r"""
import sys
from bptutor.sandbox import standins
standins.install()
import bptutor
from bptutor import check, reference
from bptutor.reference.matrix import dense_forward
from bptutor.gradcheck import numerical_gradient
results = []
for fn in (reference.hidden_delta, dense_forward, numerical_gradient, bptutor.reference.backprop):
    try:
        fn(1)
        results.append("returned")
    except standins.ReferenceCalled as exc:
        results.append(str(exc))
results.append(repr(check.hidden_delta(len)))
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([1, 2])
plt.show()
from bptutor.data import load_digits
try:
    load_digits()
except RuntimeError as exc:
    results.append(str(exc))
print("\n".join(results))
real = [m for m in sys.modules if m.startswith("bptutor.reference") and not isinstance(sys.modules[m], standins.StandIn)]
print(sorted(real))
"""


def test_stand_ins_trip_on_the_reference_and_do_nothing_for_checks_and_plots():
    done = subprocess.run([sys.executable, "-c", STANDINS], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "called bptutor.reference.hidden_delta instead of its own code"
    assert lines[1] == "called bptutor.reference.matrix.dense_forward instead of its own code"
    assert lines[2] == "called bptutor.gradcheck.numerical_gradient instead of its own code"
    assert lines[3] == "called bptutor.reference.backprop instead of its own code"
    assert lines[4] == "None"  # checks do nothing while grading
    assert "not available while grading" in lines[5]
    assert lines[6] == "[]"  # no real reference module was ever loaded


def test_frames_round_trip_every_kind_of_value():
    values = {"a": np.arange(6.0).reshape(2, 3), "i": np.arange(3), "b": np.array([True, False]),
              "t": (1, 2.5, float("nan"), float("-inf"), [np.zeros(0), None, "x"]),
              "f": FunSpec("sin_quartic", {"C": [1.0, 2.0]})}
    reader = wire.FrameReader()
    reader.feed(wire.pack({"kind": "x"}, values) * 2 + b"\x00\x00")
    frames = list(reader.frames())
    assert len(frames) == 2 and reader.error == ""
    header, got = frames[0]
    assert header == {"kind": "x"}
    assert np.array_equal(got["a"], values["a"]) and got["i"].dtype == np.int64 and got["b"].dtype == bool
    assert got["t"][:2] == (1, 2.5) and np.isnan(got["t"][2]) and got["t"][3] == -np.inf
    assert got["f"] == values["f"]


def _frame(header: dict, payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack(">IQ", len(text), len(payload)) + text + payload


@pytest.mark.parametrize("frame, why", [
    (struct.pack(">IQ", 2**31, 0), "too large"),
    (struct.pack(">IQ", 10, 2**62), "too large"),
    (_frame({"values": [{"$a": 0}, {"$a": 0}], "arrays": [["f8", [1]]]}, b"\0" * 8), "reused"),
    (_frame({"values": {"$a": 0}, "arrays": [["f8", [2**20, 2**20]]]}, b"\0" * 8), "more than"),
    (_frame({"values": {"$a": 0}, "arrays": [["O", [1]]]}, b"\0" * 8), "bad array"),
    (_frame({"values": {"$a": 0}, "arrays": [["f8", [3]]]}, b"\0" * 8), "longer than the payload"),
    (_frame({"values": {"$pickle": "x"}}), "unknown special key"),
    (b"\0\0\0\x02\0\0\0\0\0\0\0\0[]", "must be an object"),
])
def test_malformed_frames_are_refused_before_anything_is_allocated(frame, why):
    reader = wire.FrameReader(max_elements=2**20)
    reader.feed(frame)
    assert list(reader.frames()) == []
    assert why in reader.error


def test_a_frame_cut_off_mid_write_is_ignored():
    data = wire.pack({"kind": "cell"}) + wire.pack({"kind": "result"}, {"v": np.ones(100)})[:-5]
    reader = wire.FrameReader()
    reader.feed(data)
    assert [h["kind"] for h, _ in reader.frames()] == ["cell"] and reader.error == ""


def test_describe_exit_names_signals_and_exit_codes():
    assert runner.describe_exit(9) == ("crashed", "process died with signal 9 (SIGKILL)")
    assert runner.describe_exit(3 << 8) == ("crashed", "process exited with code 3 before finishing (os._exit?)")
    assert runner.describe_exit(24)[0] == "timeout"  # SIGXCPU: the CPU limit
