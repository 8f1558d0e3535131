"""The ``bptutor`` command: ``bptutor --help`` lists every subcommand.

Each subcommand lives in its own module, which provides ``add_arguments(parser)``
and ``run(args) -> int``; this file only wires them together and imports a
module when its subcommand is used.
"""
from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
COMMANDS = {
    "release": ("bptutor.grading.release", "write exercises/ from solutions/ (stubs, cleared outputs)"),
    "grade": ("bptutor.grading.grade", "grade submitted notebooks into a gradebook and feedback files"),
    "export": ("bptutor.instructor.export", "write grades as a Canvas or Moodle grade-import CSV (or a plain one)"),
    "report": ("bptutor.instructor.report", "write a self-contained HTML class report (pass rates, named mistakes)"),
    "gradescope": ("bptutor.instructor.gradescope", "write a Gradescope autograder (autograder.zip) for an assignment"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bptutor",
        description="bptutor: the backpropagation course's instructor tools.",
    )
    from . import __version__
    parser.add_argument("--version", action="version", version=f"bptutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
