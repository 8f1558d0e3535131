"""The instructor's tools after grading: LMS grade imports and a class report.

``bptutor grade`` writes ``DIR/gradebook.json``; the modules here read it (:mod:`.gradebooks`),
match submissions to students through a roster (:mod:`.roster`) and turn the result into

- ``bptutor export``: the grade-import CSV of Canvas or Moodle, or a plain wide table (:mod:`.lms`,
  :mod:`.export`);
- ``bptutor report``: one self-contained HTML page with score histograms, pass rates and the named
  mistakes students made per question (:mod:`.report`, :mod:`.stats`, :mod:`.figures`).

Nothing here runs student code or changes a gradebook; every text that came from a submission
(a student's name, a file name, feedback) is treated as untrusted.
"""
