"""bptutor: backpropagation from first principles -- the package behind the course.

Submodules are imported on first use, so ``import bptutor`` stays cheap:
``bptutor.reference`` (the maths), ``bptutor.gradcheck`` (numerical gradients),
``bptutor.check`` (student checks), ``bptutor.data``, ``bptutor.viz``.
"""
import importlib

__all__ = ["reference", "gradcheck", "check", "data", "viz", "assignments", "quiz"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "__version__":  # one version number: the package's metadata (pyproject.toml)
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("bptutor")
        except PackageNotFoundError:  # run from a checkout that was never installed
            return "unknown"
    raise AttributeError(f"module 'bptutor' has no attribute {name!r}")
