"""Stand-in modules for code that runs in the grader's sandbox.

The sandbox's file system holds Python, NumPy and this package's child side only, so
``bptutor.reference`` simply is not there. The stand-ins turn what a notebook may
reasonably import into clear behaviour instead of an ``ImportError`` that loses a cell:

* ``bptutor.reference*`` and ``bptutor.gradcheck*`` -- every attribute is a function that
  records the call and raises :class:`ReferenceCalled` (a ``BaseException``, so a plain
  ``except Exception`` does not swallow it): the grader then says why the function
  scored zero. Defence in depth only: the real code is not in the sandbox to be found;
* ``bptutor.check*`` -- checks that do nothing (the grader judges every function itself);
* ``bptutor.data*`` -- the data sets are not in the sandbox: calling one says so;
* ``bptutor.viz*``, ``bptutor.quiz`` and, when they are not installed, ``matplotlib``,
  ``IPython``, ``ipywidgets`` and ``tqdm`` -- harmless null modules, so a cell that plots
  or displays still defines its functions.
"""
from __future__ import annotations

import builtins
import importlib.abc
import importlib.machinery
import sys
import types

#: module prefixes whose functions are tripwires
TRIPWIRED = ("bptutor.reference", "bptutor.gradcheck")
#: module prefixes of the student-facing checks (no-ops while grading)
NO_OP = ("bptutor.check",)
#: module prefixes whose functions say the data is not here
NO_DATA = ("bptutor.data",)
#: modules replaced by null modules (bptutor's pictures and quizzes always; the rest only when missing)
NULL_ALWAYS = ("bptutor.viz", "bptutor.quiz")
NULL_IF_MISSING = ("matplotlib", "IPython", "ipywidgets", "tqdm", "mpl_toolkits")

#: qualified names of reference functions called so far in this process
CALLS: list = []


class ReferenceCalled(BaseException):
    """Raised by a tripwire: student code called the reference implementation."""


def _matches(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


class Anything:
    """A harmless object: every attribute, call, item and operation gives another one."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Anything()

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<not available while grading>"

    def __add__(self, other):
        return self

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __add__


def _subplots(*args, **kwargs):
    return Anything(), Anything()


def _tripwire(qualname: str):
    def tripwire(*args, **kwargs):
        CALLS.append(qualname)
        raise ReferenceCalled(f"called {qualname} instead of its own code")
    tripwire.__name__ = tripwire.__qualname__ = qualname.rsplit(".", 1)[-1]
    return tripwire


def _no_op_check(*args, **kwargs):
    """Checks do nothing while grading; the grader judges every function itself."""
    return None


def _no_data(qualname: str):
    def missing(*args, **kwargs):
        raise RuntimeError(f"{qualname}: the course's data sets are not available while grading; a graded "
                           f"function gets its data as arguments")
    return missing


class StandIn(types.ModuleType):
    """A package whose public attributes are made on first use by ``kind``."""

    def __init__(self, name: str, kind: str):
        super().__init__(name, "stand-in used while grading")
        self.__path__ = []  # a package, so submodule imports reach the finder below
        self._kind = kind

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        qualname = f"{self.__name__}.{attr}"
        value = {"tripwire": lambda: _tripwire(qualname), "no-op": lambda: _no_op_check,
                 "no-data": lambda: _no_data(qualname),
                 "null": lambda: _subplots if attr == "subplots" else Anything()}[self._kind]()
        setattr(self, attr, value)
        return value


def kind_of(name: str) -> str | None:
    """Which stand-in a module name gets before the real finders are asked (``None``: the real one)."""
    if _matches(name, TRIPWIRED):
        return "tripwire"
    if _matches(name, NO_OP):
        return "no-op"
    if _matches(name, NO_DATA):
        return "no-data"
    if _matches(name, NULL_ALWAYS):
        return "null"
    return None


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, first: bool):
        self.first = first

    def find_spec(self, fullname, path=None, target=None):
        kind = kind_of(fullname) if self.first else ("null" if _matches(fullname, NULL_IF_MISSING) else None)
        if kind is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        spec.loader_state = kind
        return spec

    def create_module(self, spec):
        return StandIn(spec.name, spec.loader_state)

    def exec_module(self, module):
        return None


def install() -> None:
    """Install the stand-ins in this process (before any student code runs)."""
    for name in [m for m in sys.modules if kind_of(m) is not None]:
        del sys.modules[name]
    sys.meta_path.insert(0, _Finder(first=True))
    sys.meta_path.append(_Finder(first=False))
    package = sys.modules.get("bptutor")
    if package is not None:  # `import bptutor; bptutor.reference.x` resolves to the stand-ins too
        for top in ("reference", "gradcheck", "check", "data", "viz", "quiz"):
            setattr(package, top, importlib.import_module(f"bptutor.{top}"))


# --------------------------------------------------------------------------- notebook semantics
class ShellShim:
    """Just enough of ``get_ipython()`` for a notebook's cells to run without a kernel.

    The grader turns magics into ``get_ipython().run_line_magic(...)`` calls before the
    notebook reaches the sandbox; here timing and capture magics run their code and every
    other magic, shell escape or attribute does nothing. No shell command is ever run.
    """

    RUN_BODY = frozenset({"time", "timeit", "capture", "prun"})

    def __init__(self, namespace: dict):
        self.user_ns = namespace

    def run_line_magic(self, name, line, _stack_depth=1):
        if name in self.RUN_BODY and line.strip():
            exec(compile(line, "<magic>", "exec"), self.user_ns)  # noqa: S102 -- student code, sandboxed
        return None

    def run_cell_magic(self, name, line, cell):
        if name in self.RUN_BODY:
            exec(compile(cell, "<magic>", "exec"), self.user_ns)  # noqa: S102
        return None

    def system(self, cmd):
        return None

    def getoutput(self, cmd, split=True):
        return []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


def new_namespace() -> dict:
    """A fresh ``__main__``-like namespace with ``get_ipython`` and ``display``."""
    ns = {"__name__": "__main__", "__builtins__": builtins}
    shell = ShellShim(ns)
    ns["get_ipython"] = lambda: shell
    ns["display"] = _no_op_check
    setattr(builtins, "get_ipython", ns["get_ipython"])  # noqa: B010 -- names a notebook expects as builtins
    setattr(builtins, "display", _no_op_check)  # noqa: B010
    return ns
