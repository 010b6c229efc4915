"""Progress of an experiment that tells the truth: ETA from the runs completed so far.

Runs reach the runner in blocks: the runs of one future go to a worker together (up to
``GROUP_RUNS``) and their results arrive at the same moment. A rate taken over the last few
updates (what a generic progress bar does) then swings between "infinitely fast" when a
block lands and "stalled" in between, so its ETA is wrong early. Here the rate is the runs
completed in this session divided by the time since the session started (seconds per run,
averaged over every completed run, the start-up of the workers included), measured at the
last completion; the projected finish is the session start plus that time for all the
session's runs, and the ETA counts down to it between blocks. It is only given once a run
has completed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


def clock_text(seconds: float | None) -> str:
    """'1:02:03' for seconds (rounded up), '?' when unknown."""
    if seconds is None:
        return "?"
    s = int(seconds + 0.999)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass
class RunProgress:
    """Counts of an experiment's runs and the estimates derived from them.

    Args:
        total: runs in the experiment; already: runs done before this session (resume).
        clock: seconds (monotonic); injectable for tests.
    """

    total: int
    already: int = 0
    clock: Callable[[], float] = time.perf_counter
    done: int = 0  # completed in this session (successes and failures)
    failures: int = 0
    start: float = field(default=0.0)
    last: float = field(default=0.0)  # clock at the latest completion

    def __post_init__(self) -> None:
        self.start = self.last = self.clock()

    def advance(self, failures: int) -> None:
        """One more run finished; ``failures`` is the session's failure count so far."""
        self.done += 1
        self.failures = failures
        self.last = self.clock()

    @property
    def completed(self) -> int:
        return self.already + self.done

    @property
    def elapsed(self) -> float:
        return self.clock() - self.start

    @property
    def seconds_per_run(self) -> float | None:
        """Average wall-clock seconds per completed run this session, at the last completion (None before)."""
        return (self.last - self.start) / self.done if self.done else None

    @property
    def eta(self) -> float | None:
        """Seconds from now until the last run is expected to finish (None until a run has completed).

        Projected finish = start + seconds_per_run × runs of this session; between two blocks
        of results the ETA counts down instead of jumping.
        """
        per_run = self.seconds_per_run
        if per_run is None:
            return None
        if self.completed >= self.total:
            return 0.0
        finish = self.start + per_run * (self.total - self.already)
        return max(0.0, finish - self.clock())

    def line(self, label: str) -> str:
        """One plain line: what a log file (an HPC job's stderr) shows."""
        share = self.completed / self.total if self.total else 1.0
        rate = f"{1 / self.seconds_per_run:.2f} runs/s" if self.seconds_per_run else "rate ?"
        return (f"{label}: {self.completed}/{self.total} runs ({share:.0%}), {self.failures} failed, {rate}, "
                f"elapsed {clock_text(self.elapsed)}, ETA {clock_text(self.eta)}")
