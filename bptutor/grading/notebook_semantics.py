"""Run notebook cells the way Jupyter would, without a kernel.

Students' notebooks rely on a little IPython: ``%matplotlib inline``, ``%time``,
``%%capture``, a stray ``!pip install``, ``display(...)``, ``get_ipython()``.
:func:`transform` turns a cell into plain Python with IPython's own input
transformer (magics become ``get_ipython().run_line_magic(...)`` calls), and
:class:`ShellShim` answers those calls: timing and capture magics simply run
their code, shell commands and everything else do nothing. No shell command
is ever run.

Imports nothing from ``bptutor`` (see :mod:`bptutor.grading.tripwires`).
"""
from __future__ import annotations

import ast
import builtins

from IPython.core.inputtransformer2 import TransformerManager

_TRANSFORMER = TransformerManager()

#: magics whose code is simply run (timing, capturing, profiling)
RUN_BODY = {"time", "timeit", "capture", "prun"}


def transform(source: str) -> str:
    """IPython source -> plain Python (magics become ``get_ipython()`` calls)."""
    return _TRANSFORMER.transform_cell(source)


class ShellShim:
    """Just enough of ``get_ipython()`` for notebooks to run; magics are harmless."""

    def __init__(self, namespace: dict):
        self.user_ns = namespace
        self.kernel = None

    def _run(self, code: str) -> None:
        exec(compile(transform(code), "<magic>", "exec"), self.user_ns)  # noqa: S102

    def run_line_magic(self, name, line, _stack_depth=1):
        if name in RUN_BODY and line.strip():
            self._run(line)
        return None

    def run_cell_magic(self, name, line, cell):
        if name in RUN_BODY:
            self._run(cell)
        return None

    def magic(self, line):
        return None

    def system(self, cmd):  # ``!cmd``: never run while grading
        return None

    def getoutput(self, cmd, split=True):  # ``x = !cmd``
        return []

    def __getattr__(self, name):  # anything else: a harmless no-op
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


def _display(*objs, **kwargs):
    return None


def new_namespace() -> dict:
    """A fresh ``__main__``-like namespace with ``get_ipython`` and ``display``."""
    ns = {"__name__": "__main__", "__builtins__": builtins}
    shell = ShellShim(ns)
    ns["get_ipython"] = lambda: shell
    ns["display"] = _display
    builtins.get_ipython = ns["get_ipython"]
    builtins.display = _display
    return ns


def compile_cell(source: str, index: int):
    """Compile one cell (raises ``SyntaxError`` with the cell's own line numbers)."""
    return compile(transform(source), f"<cell {index}>", "exec")


def _simple(node) -> bool:
    """A constant, a name or ``name.attr``: evaluating it runs no student code worth isolating."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return _simple(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_simple(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _simple(node.operand)
    return False


def _simple_def(node) -> bool:
    args = node.args
    annotations = [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs if a.annotation]
    defaults = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    return (not node.decorator_list and all(_simple(d) for d in defaults)
            and all(_simple(a) for a in annotations) and (node.returns is None or _simple(node.returns)))


def is_quiet(source: str, loaded_modules, namespace) -> bool:
    """True when a cell only defines functions, imports loaded modules or calls the no-op checks.

    Such a cell cannot loop, crash or exit, so it may run without its own
    process (a fork saved per cell); anything else runs isolated.
    """
    try:
        tree = ast.parse(transform(source))
    except SyntaxError:
        return True  # compiling it fails harmlessly
    except Exception:  # noqa: BLE001 -- anything odd runs isolated
        return False
    check = namespace.get("check")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and _simple_def(node):
            continue
        if isinstance(node, ast.Import) and all(a.name in loaded_modules for a in node.names):
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in loaded_modules:
            continue
        if isinstance(node, ast.Expr) and _simple(node.value):
            continue
        if (isinstance(node, ast.Assign) and _simple(node.value)
                and all(isinstance(t, ast.Name) for t in node.targets)):
            continue
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == "check"
                and getattr(check, "__name__", None) == "bptutor.check"
                and type(check).__name__ == "_StandIn"
                and all(_simple(a) for a in node.value.args) and not node.value.keywords):
            continue
        return False
    return True
