"""Instructor tools: release (solutions -> exercises) and grading of submitted notebooks.

``bptutor grade PATH... --out DIR [--jobs N] [--timeout SECONDS] [--memory MB]``

Trusted side (the grader's own process; never runs student code):

- :mod:`.grade` -- the command: find notebooks, run them, judge, write the gradebook
- :mod:`.submissions` -- find and parse notebooks (json, not nbformat); bad files become rows
- :mod:`.pool` -- warm worker processes, one JSON line per job and per reply
- :mod:`.draws` -- a fresh seed per submission; the same trials drawn on both sides
- :mod:`.verdicts` -- read the numbers a sandbox wrote (no pickles, no links), judge them
- :mod:`.gradebook` -- gradebook.csv / gradebook.json / feedback, atomic writes, resume records

Sandboxed side (worker processes; never import the reference implementation):

- :mod:`.launcher` -- the warm worker: forks one sandbox per submission, kills what it leaves
- :mod:`.sandbox` -- limits, own uid, per-cell and per-function processes, result files
- :mod:`.notebook_semantics` -- IPython magics, ``get_ipython()`` and ``display`` without a kernel
- :mod:`.tripwires` -- ``bptutor.reference`` raises when called; ``bptutor.check`` does nothing
"""
