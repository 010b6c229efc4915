"""The app's controls: each label states the current value and its unit (one place for the wording)."""

from __future__ import annotations

PLAY_SECONDS = (0.05, 2.0, 0.05)
"""min, max, step of the pause between quarters while playing (s)."""


def presale(value: float) -> str:
    return f"Presale threshold: {value:.0%} of a phase's owner-occupied homes sold before it starts"


def risk_premium(value: float) -> str:
    return f"Investors' risk premium: {value * 100:.1f} %-points above the 10-year bond rate"


def budget(value_m: float) -> str:
    return f"Municipal budget: €{value_m:,.0f} million per municipality for losses"


def seed(value: int, scenario_seed: int) -> str:
    same = " — the scenario's seed, as `areasim run`" if value == scenario_seed else ""
    return f"Seed (which market future): {value}{same}"


def crash(value: bool) -> str:
    return f"Market crash in year 3 (−30 % prices over 2.5 years): {'on' if value else 'off'}"


def scenario(value: str) -> str:
    return f"Scenario: {value}"


def cooperation(value: str) -> str:
    return f"Cooperation model: {value}"


def fund(value: str) -> str:
    return f"Fund design: {value}"


def play_speed(seconds: float) -> str:
    return f"Play speed: {seconds:.2f} s per quarter"


def redraw(quarters: int) -> str:
    return f"While playing, redraw the charts every {quarters} quarter{'s' if quarters != 1 else ''}"


def risk_aversion(value: float, own: float) -> str:
    mark = " (the party's own)" if abs(value - own) < 1e-9 else f" (its own: {own:.2f})"
    return f"Risk aversion λ: {value:.2f} — weight of the worst 5 % (CVaR) in its score{mark}"
