"""Fixtures of the instructor tools' tests: the class of ``helpers.gradebooks`` on disk, and a runner
of ``bptutor`` subcommands that returns the exit status and what went to stderr."""
from dataclasses import dataclass

import pytest
from helpers.gradebooks import write_class

from bptutor.cli import main


@pytest.fixture
def class_files(tmp_path):
    return write_class(tmp_path)


@dataclass
class Result:
    code: int
    err: str


@pytest.fixture
def bptutor(capsys):
    def run(*argv) -> Result:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse refusing an argument
            code = exit_.code
        return Result(code, capsys.readouterr().err)
    return run
