"""Outcomes over many futures: run a scenario on N seeds and report the distribution of each outcome.

Usage: python tools/futures.py [SCENARIO] [--seeds 50] [--first 1] [--fund DESIGN] [--csv OUT]
                               [--outcomes homes_completed public_cash_end ...]

Prints, per outcome, the median and the 5-95 % range over the futures (a result is read as a
distribution, never from one seed). Runs are lean (year-end series) and in-process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.funds.design import load_design  # noqa: E402
from sim.model import AreaModel  # noqa: E402
from sim.output.summary import summarise  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

DEFAULT_OUTCOMES = ["homes_completed", "completion_share", "areas_abandoned", "phases_abandoned",
                    "public_cash_end", "municipal_provisions_end"]


def run_futures(scenario_path: Path, seeds: range, fund: str = "none") -> pd.DataFrame:
    """One summary row per seed."""
    scenario = load_scenario(scenario_path)
    design = load_design(fund)
    rows = [summarise(AreaModel(scenario, seed=s, fund_design=design, collect="lean").run()) for s in seeds]
    return pd.DataFrame(rows)


def describe(frame: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Median, 5 % and 95 % quantiles of each outcome over the futures."""
    cols = [c for c in outcomes if c in frame]
    q = frame[cols].astype(float).quantile([0.05, 0.5, 0.95]).T
    q.columns = ["p5", "median", "p95"]
    return q


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "nl_programme.toml"))
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--fund", default="none")
    parser.add_argument("--csv")
    parser.add_argument("--outcomes", nargs="+", default=DEFAULT_OUTCOMES)
    args = parser.parse_args()
    frame = run_futures(Path(args.scenario), range(args.first, args.first + args.seeds), args.fund)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 160):
        print(f"{len(frame)} futures of {Path(args.scenario).stem} (fund: {args.fund})")
        print(describe(frame, args.outcomes))
    np.set_printoptions(suppress=True)


if __name__ == "__main__":
    main()
