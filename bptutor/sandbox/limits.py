"""How long and how much student code may run: one rule, read by the grader and by its sandbox.

CPU time is the real limit (``RLIMIT_CPU`` in the sandbox): it does not depend on how
busy the machine is. The wall-clock limit only catches code that waits (``time.sleep``,
a blocked read) and is generous, so that a loaded machine does not cost a student points.
"""

#: the notebook's top-level code may take this many per-cell wall limits in all
TOP_LEVEL_CELLS = 3
#: memory a submission may use on top of the sandbox's own, unless the instructor says otherwise
DEFAULT_MEMORY_MB = 1024
#: size of the submission's private /tmp (its only writable place) and of its /dev/shm
SCRATCH_BYTES = 64 * 2**20
SHM_BYTES = 16 * 2**20


def wall_limit(cpu_seconds: float) -> float:
    """Wall-clock seconds allowed for ``cpu_seconds`` of CPU time."""
    return 1.5 * cpu_seconds + 3.0
