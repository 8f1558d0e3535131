"""Import hooks for the sandbox: the reference implementations are not there to be called.

Inside a process that runs student code, ``bptutor.reference*`` and
``bptutor.gradcheck*`` resolve to *tripwire* modules: every attribute is a
function that records the call and raises :class:`ReferenceCalled` (a
``BaseException``, so a plain ``except Exception`` in student code does not
swallow it). Calling the reference therefore never yields correct numbers, and
the grader can say why the function scored zero. ``bptutor.check*`` resolves to
no-op checks: the student's own check cells run without judging anything.

This module imports nothing from ``bptutor`` and must never do so: the grader's
worker processes load it before any student code exists, and the real reference
must never exist in them.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

#: module prefixes whose functions are tripwires
TRIPWIRED = ("bptutor.reference", "bptutor.gradcheck")
#: module prefixes whose functions do nothing (the student-facing checks)
NO_OP = ("bptutor.check",)

#: qualified names of reference functions called so far in this process
CALLS: list = []


class ReferenceCalled(BaseException):
    """Raised by a tripwire: student code called the reference implementation."""


def _matches(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _tripwire(qualname: str):
    def tripwire(*args, **kwargs):
        CALLS.append(qualname)
        raise ReferenceCalled(f"called {qualname} instead of its own code")
    tripwire.__name__ = tripwire.__qualname__ = qualname.rsplit(".", 1)[-1]
    return tripwire


def _no_op_check(*args, **kwargs):
    """Checks do nothing while grading; the grader judges every function itself."""
    return None


class _StandIn(types.ModuleType):
    """A package whose every public attribute is a tripwire (or a no-op check)."""

    def __init__(self, name, no_op):
        super().__init__(name, "stand-in used while grading")
        self.__path__ = []  # a package, so submodule imports reach the finder below
        self._no_op = no_op

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = _no_op_check if self._no_op else _tripwire(f"{self.__name__}.{attr}")
        setattr(self, attr, value)
        return value


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves the guarded module names to stand-ins, before any real finder is asked."""

    def find_spec(self, fullname, path=None, target=None):
        if _matches(fullname, TRIPWIRED) or _matches(fullname, NO_OP):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _StandIn(spec.name, _matches(spec.name, NO_OP))

    def exec_module(self, module):
        return None


def install() -> None:
    """Make the guarded modules stand-ins in this process (call after fork, before student code).

    Raises ``RuntimeError`` if a real reference module is already loaded: that
    would be a bug in the grader, which must never import it in a worker.
    """
    loaded = [m for m in sys.modules if _matches(m, TRIPWIRED) and not isinstance(sys.modules[m], _StandIn)]
    if loaded:
        raise RuntimeError(f"the reference implementation is loaded in a sandbox: {loaded}")
    for m in [m for m in sys.modules if _matches(m, NO_OP)]:
        del sys.modules[m]
    sys.meta_path.insert(0, _StandInFinder())
    package = sys.modules.get("bptutor")
    for top in ("reference", "gradcheck", "check"):
        module = importlib.import_module(f"bptutor.{top}")
        if package is not None:
            setattr(package, top, module)
