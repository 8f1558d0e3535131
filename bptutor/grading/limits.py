"""How long student code may run: one rule, read by the grader and by its sandbox.

CPU time is the real limit (``RLIMIT_CPU`` in the sandbox): it does not depend
on how busy the machine is. The wall-clock limit only catches code that waits
(``time.sleep``, a blocked read) and is generous, so that a loaded machine does
not cost a student points.
"""

#: the notebook's top-level code may take this many per-cell wall limits in all
TOP_LEVEL_CELLS = 3


def wall_limit(cpu_seconds: float) -> float:
    """Wall-clock seconds allowed for ``cpu_seconds`` of CPU time."""
    return 1.5 * cpu_seconds + 3.0
