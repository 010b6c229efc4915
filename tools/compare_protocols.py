"""Negotiation protocols compared over many futures, per cooperation model that negotiates.

Usage: python tools/compare_protocols.py [--seeds 40] [--models building_claim joint_venture ...]
                                        [--protocols alternating_offers tradeoffs] [--fund DESIGN]

Runs the default scenario with every area under one cooperation model and one protocol on the same
futures (seeds 1..N) and prints, per (model, protocol), the median and 5-95 % range of homes completed,
the median affordable share of homes completed and of the deals agreed, areas abandoned, failed
negotiations, the first construction start (year), public cash at the end and municipal provisions (€ M). (Under the traditional model plots are sold under the land-price policy and
no protocol runs, so it is left out.) Runs are lean and in-process.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.funds.design import load_design  # noqa: E402
from sim.model import AreaModel  # noqa: E402
from sim.output.summary import summarise  # noqa: E402
from sim.scenario import from_dict  # noqa: E402

MODELS = ["building_claim", "joint_venture", "concession", "private_realisation"]


def run(data: dict, model: str, protocol: str, seed: int, fund: str) -> dict:
    d = copy.deepcopy(data)
    d["cooperation"] = {"model": model}
    d.setdefault("actors", {}).setdefault("negotiation", {})["protocol"] = protocol
    m = AreaModel(from_dict(d), seed=seed, fund_design=load_design(fund), collect="lean").run()
    s = summarise(m)
    deals = [e for e in m.events if e["event"] == "negotiation"]
    starts = [p.construction_start for p in m.phases if p.construction_start is not None]
    return {"model": model, "protocol": protocol, "seed": seed, "homes_completed": s["homes_completed"],
            "affordable_share": s["affordable_share"], "areas_abandoned": s["areas_abandoned"],
            "failed_negotiations": sum(not e["success"] for e in deals),
            "agreed_affordable_share": float(np.mean([e["affordable_share"] for e in deals if e["success"]]))
            if any(e["success"] for e in deals) else np.nan,
            "first_start_year": m.spec.start_year + min(starts) / 4 if starts else np.nan,
            "public_cash_end": s["public_cash_end"], "provisions_end": s["municipal_provisions_end"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--protocols", nargs="+", default=["alternating_offers", "tradeoffs"])
    parser.add_argument("--fund", default="none")
    parser.add_argument("--csv")
    args = parser.parse_args()
    with open(ROOT / "scenarios" / "nl_programme.toml", "rb") as fh:
        data = tomllib.load(fh)
    rows = [run(data, model, protocol, seed, args.fund) for model in args.models for protocol in args.protocols
            for seed in range(1, args.seeds + 1)]
    frame = pd.DataFrame(rows)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    out = frame.groupby(["model", "protocol"]).agg(
        homes_median=("homes_completed", "median"),
        homes_p5=("homes_completed", lambda x: np.quantile(x, 0.05)),
        homes_p95=("homes_completed", lambda x: np.quantile(x, 0.95)),
        affordable_share=("affordable_share", "median"), agreed_affordable=("agreed_affordable_share", "median"),
        abandoned=("areas_abandoned", "median"), failed_negotiations=("failed_negotiations", "median"),
        first_start_year=("first_start_year", "median"),
        public_cash_m=("public_cash_end", lambda x: np.median(x) / 1e6),
        provisions_m=("provisions_end", lambda x: np.median(x) / 1e6))
    with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 200):
        print(f"{args.seeds} futures, fund: {args.fund}")
        print(out.to_string())


if __name__ == "__main__":
    main()
