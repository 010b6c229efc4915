"""Progress that tells the truth: ETA from completed runs despite results arriving in blocks; plain lines in logs."""

from __future__ import annotations

import io

from sim.output.console import experiment_progress
from sim.output.progress import RunProgress, clock_text


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_eta_is_right_when_runs_arrive_in_blocks():
    """64 runs, blocks of 16 landing every 10 s: the true end is at 40 s."""
    clock = Clock()
    p = RunProgress(64, clock=clock)
    assert p.eta is None  # nothing completed: no guess
    clock.t = 10.0
    for _ in range(16):
        p.advance(0)
    assert abs(p.eta - 30.0) < 1e-9  # right at once, not "0:00:00" because 16 runs landed in an instant
    clock.t = 17.0
    assert abs(p.eta - 23.0) < 1e-9  # counts down between blocks
    clock.t = 20.0
    for _ in range(16):
        p.advance(1)
    assert abs(p.eta - 20.0) < 1e-9 and p.failures == 1
    assert "32/64 runs (50%)" in p.line("exp") and "ETA 0:00:20" in p.line("exp")


def test_resumed_runs_count_as_done_but_not_in_the_rate():
    clock = Clock()
    p = RunProgress(100, already=60, clock=clock)
    clock.t = 8.0
    for _ in range(4):
        p.advance(0)
    assert p.completed == 64 and p.seconds_per_run == 2.0
    assert abs(p.eta - (2.0 * 40 - 8.0)) < 1e-9


def test_clock_text():
    assert clock_text(None) == "?" and clock_text(0) == "0:00:00" and clock_text(61.2) == "0:01:02"
    assert clock_text(3600 * 2 + 5) == "2:00:05"


def test_plain_lines_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setenv("AREASIM_PROGRESS_SECONDS", "0")
    out = io.StringIO()
    with experiment_progress(3, 0, "exp", stream=out) as advance:
        for _ in range(3):
            advance(0)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("exp: 0/3 runs (0%)") and lines[0].endswith("(started)")
    assert any(line.startswith("exp: 2/3 runs") for line in lines)
    assert lines[-1].startswith("exp: 3/3 runs (100%), 0 failed") and lines[-1].endswith("(finished)")
    assert "\x1b[" not in out.getvalue()  # no terminal control codes in a log file


def test_quiet_prints_nothing():
    out = io.StringIO()
    with experiment_progress(3, 0, "exp", quiet=True, stream=out) as advance:
        advance(0)
    assert out.getvalue() == ""
