"""Fingerprint every result table of a set of runs (for refactors that must not change results).

Usage: python tools/fingerprint.py [--seeds 1-5] [--scenarios nl_programme replay_2005] [--fund NAME]

Prints one BLAKE2b digest per (scenario, seed, table): the model series, the area table, the
ledger, the events log, the business cases, the outcomes an experiment records and the phase table, each hashed from its CSV text (floats at full
precision), so two code versions that give byte-identical results print identical lines.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pandas as pd

from sim.experiments.task import outcomes_of
from sim.funds.design import load_design
from sim.funds.metrics import phase_table
from sim.ledger import business_cases
from sim.model import AreaModel
from sim.output.writer import events_frame
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def digest(frame) -> str:
    return hashlib.blake2b(frame.to_csv(index=False, float_format="%.17g").encode(), digest_size=8).hexdigest()


def tables(model: AreaModel) -> dict:
    return {"series": model.datacollector.get_model_vars_dataframe().reset_index(drop=True),
            "areas": model.datacollector.get_table_dataframe("areas"),
            "ledger": model.ledger.to_frame(),
            "events": events_frame(model),
            "business_cases": business_cases(model.ledger.to_frame()),
            "outcomes": pd.DataFrame([outcomes_of(model)]),  # what an experiment records per run
            "phases": phase_table(model)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-5")
    parser.add_argument("--scenarios", nargs="*", default=["nl_programme", "replay_2005"])
    parser.add_argument("--funds", action="store_true", help="also every shipped fund design on the default scenario")
    args = parser.parse_args()
    lo, hi = (int(x) for x in args.seeds.split("-"))
    for name in args.scenarios:
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
        for seed in range(lo, hi + 1):
            model = AreaModel(scenario, seed=seed).run()
            for table, frame in tables(model).items():
                print(name, seed, table, digest(frame))
    if args.funds:
        scenario = load_scenario(ROOT / "scenarios" / "nl_programme.toml")
        for path in sorted((ROOT / "scenarios" / "funds").glob("*.toml")):
            for seed in range(lo, hi + 1):
                model = AreaModel(scenario, seed=seed, fund_design=load_design(path.stem)).run()
                for table, frame in tables(model).items():
                    print(path.stem, seed, table, digest(frame))


if __name__ == "__main__":
    main()
