"""Progress that tells the truth: a tqdm bar on a terminal, one plain line per submission elsewhere."""
from __future__ import annotations

import sys

from .text import clean


class ProgressLine:
    """``step()`` once per graded submission; ``close()`` at the end."""

    def __init__(self, total: int, already: int = 0, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done = total, already
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, initial=already, file=self.stream, unit="notebook", dynamic_ncols=True,
                            desc="grading")
        elif already:
            print(f"bptutor grade: {already} of {total} notebooks need no run (invalid, or graded before)",
                  file=self.stream, flush=True)

    def step(self, name: str, score, max_score, status: str, seconds: float) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(clean(name, 40), refresh=False)
            self.bar.update(1)
        else:
            extra = "" if status == "graded" else f" ({status})"
            print(f"[{self.done}/{self.total}] {clean(name)}: {score:g}/{max_score:g}{extra} in {seconds:.2f} s",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
