"""What each fund design changes in the areas it funds, paired over seeds (same future with and without the fund).

Usage: python tools/fund_channels.py [--seeds 40] [--first 1] [--designs NAME ...] [--scenario PATH]
                                     [--protocol NAME] [--cooperation MODEL] [--csv OUT]

For every seed and design: the funded areas (an award under the design), their affordable share
(social + mid-rent homes of the area's programme at the end, fraction) and first construction start
(quarter; an area that never starts counts at the horizon) and the mean start of all its phases, with
and without the fund. Prints per design the mean over seeds of the paired change (share points,
months) with a 90 % bootstrap interval over seeds, and the shares of funded areas whose first start
moved earlier, stayed in the same quarter, or whose affordable share rose. Runs are lean and in-process.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.area import MID_RENT, SOCIAL  # noqa: E402
from sim.funds.design import designs_dir, load_design  # noqa: E402
from sim.model import AreaModel  # noqa: E402
from sim.scenario import from_dict  # noqa: E402


def phase_starts(model: AreaModel) -> dict[str, list[float]]:
    """Construction start (quarter) of every phase per area; never started → the horizon."""
    return {a.name: [p.construction_start if p.construction_start is not None else float(model.n_quarters)
                     for p in a.phases] for a in model.areas}


def area_facts(model: AreaModel) -> dict[str, tuple[float, float, int]]:
    """(affordable share, first start quarter, homes started) per area; never started → the horizon."""
    out = {}
    for area in model.areas:
        homes = area.homes_by_segment
        share = float((homes[SOCIAL] + homes[MID_RENT]) / homes.sum()) if homes.sum() else 0.0
        starts = [p.construction_start for p in area.phases if p.construction_start is not None]
        started = sum(p.total_homes for p in area.phases if p.construction_start is not None)
        out[area.name] = (share, min(starts) if starts else float(model.n_quarters), started)
    return out


def paired_rows(scenario, seeds: range, designs: list[str]) -> pd.DataFrame:
    """One row per (seed, design, funded area) with the paired differences."""
    rows = []
    loaded = {d: load_design(d) for d in designs}
    for seed in seeds:
        base_model = AreaModel(scenario, seed=seed, fund_design=load_design("none"), collect="lean").run()
        base, base_phases = area_facts(base_model), phase_starts(base_model)
        for name, design in loaded.items():
            model = AreaModel(scenario, seed=seed, fund_design=design, collect="lean").run()
            treated, treated_phases = area_facts(model), phase_starts(model)
            funded = {a.area.name for f in model.funds for a in f.awards}
            paid = {a.area.name for f in model.funds for a in f.awards if a.paid > 0}
            for area in sorted(funded):
                (s0, t0, h0), (s1, t1, h1) = base[area], treated[area]
                rows.append({"seed": seed, "design": name, "area": area, "paid": area in paid,
                             "affordable_change": s1 - s0, "start_change_months": 3 * (t1 - t0),
                             "phase_start_change_months": 3 * float(np.mean(np.subtract(treated_phases[area],
                                                                                        base_phases[area]))),
                             "started_homes_change": h1 - h0})
    return pd.DataFrame(rows)


def bootstrap(values: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """90 % bootstrap interval of the mean (rounded to 2 decimals)."""
    if len(values) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(n, len(values))).mean(axis=1)
    return round(float(np.quantile(means, 0.05)), 2), round(float(np.quantile(means, 0.95)), 2)


def summarise_channels(rows: pd.DataFrame) -> pd.DataFrame:
    """Per design: funded areas, mean affordable change (points) and first-start change (months) with intervals."""
    out = []
    for design, g in rows.groupby("design"):
        per_seed = g.groupby("seed")[["affordable_change", "start_change_months", "phase_start_change_months"]].mean()
        a, t = per_seed["affordable_change"].to_numpy(), per_seed["start_change_months"].to_numpy()
        ph = per_seed["phase_start_change_months"].to_numpy()
        out.append({"design": design, "seeds": len(per_seed), "funded_areas": len(g),
                    "affordable_pts_mean": 100 * a.mean(), "affordable_pts_ci": bootstrap(100 * a),
                    "start_months_mean": t.mean(), "start_months_ci": bootstrap(t),
                    "phase_start_months_mean": ph.mean(), "phase_start_months_ci": bootstrap(ph),
                    "same_quarter_share": float((g["start_change_months"] == 0).mean()),
                    "earlier_share": float((g["start_change_months"] < 0).mean()),
                    "higher_affordable_share": float((g["affordable_change"] > 1e-9).mean())})
    return pd.DataFrame(out)


def load_with(path: Path, protocol: str | None, cooperation: str | None):
    """The scenario file with another protocol and/or every area under another cooperation model."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    if cooperation:
        data["cooperation"] = {"model": cooperation}
        for area in data.get("areas", []):
            area.pop("cooperation", None)
    if protocol:
        data.setdefault("actors", {}).setdefault("negotiation", {})["protocol"] = protocol
    return from_dict(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "nl_programme.toml"))
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--designs", nargs="+", default=sorted(p.stem for p in designs_dir().glob("*.toml")))
    parser.add_argument("--protocol", default=None, help="override actors.negotiation.protocol")
    parser.add_argument("--cooperation", default=None, help="every area under this cooperation model")
    parser.add_argument("--csv")
    args = parser.parse_args()
    scenario = load_with(Path(args.scenario), args.protocol, args.cooperation)
    rows = paired_rows(scenario, range(args.first, args.first + args.seeds), args.designs)
    if args.csv:
        rows.to_csv(args.csv, index=False)
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 200,
                           "display.max_columns", 20):
        print(summarise_channels(rows).to_string(index=False))


if __name__ == "__main__":
    main()
