"""bptutor: backpropagation from first principles -- the package behind the course.

Submodules are imported on first use, so ``import bptutor`` stays cheap:
``bptutor.reference`` (the maths), ``bptutor.gradcheck`` (numerical gradients),
``bptutor.check`` (student checks), ``bptutor.data``, ``bptutor.viz``.
"""
import importlib

__version__ = "0.1.0"
__all__ = ["reference", "gradcheck", "check", "data", "viz", "assignments"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'bptutor' has no attribute {name!r}")
