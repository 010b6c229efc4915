"""Run the default scenario under each cooperation model on the same futures and tabulate outcomes.

Usage: python tools/compare_cooperation.py [--seeds N]   (writes docs/cooperation_comparison.md)

Every model sees the same market futures (seeds 1..N); the table gives medians and, for homes and the
municipality's cash, the 5-95 % range over the futures. The mechanism behind each model's result is
explained under the table (docs/ODD.md §7.7a).
"""

from __future__ import annotations

import argparse
import copy
import tomllib
from pathlib import Path

import numpy as np

from sim.cooperation import registered
from sim.model import AreaModel
from sim.output import summarise
from sim.scenario import DEFAULT_SCENARIO, from_dict

MODELS = [name for name, cls in registered().items() if cls.__module__.startswith("sim.")]
"""The built-in cooperation models, from the registry."""
EXPLANATION = [
    "## Why they differ (the mechanism of each model)", "",
    "- **traditional** (active land policy): the municipality buys and prepares the land itself, sells serviced "
    "plots at its land-price policy price (today's residual value) and keeps the land-development and overrun "
    "risk. It opens an area's account only when its own expected result stays above its walk-away loss and within "
    "its reserves, so after a downturn areas wait for the council's land decision: fewer homes, later, but the "
    "municipality spends only what it decided to spend (sources.md#omgevingsweb-coop, #bbv-grex).",
    "- **building_claim**: developers trade their land for the right to build on serviced plots at a price fixed "
    "in the claim agreement; the municipality runs the account and keeps overruns. The signed agreement lets the "
    "land works start without the council's own go, and the exclusive claim strengthens the developer's hand.",
    "- **joint_venture**: a joint land company (GEM) pays the works with capital calls on both partners and pays "
    "out its cash pro rata; a developer that cannot meet a call, or fails, exits and the municipality takes over "
    "its share (sources.md#pps-dissolutions). The partner's stake carries its share of the company's write-downs, "
    "so in a downturn the developers' limits bind and partners exit (one failure ends all its JV stakes). A "
    "partner under pressure also leaves a written-down company by choice (ontvlechting): it pays the municipality "
    "its share of the account's deficit plus a discount and keeps building (docs/ODD.md §7.7b, "
    "sources.md#jv-ontvlechting); the municipality takes over the rest of the account. Partners that leave in time "
    "fail less often than under forced exits alone.",
    "- **concession**: the private party buys the land, pays all public works and bears their overruns; the open "
    "term is a concession fee, negative (a municipal contribution) on deficit sites. Municipal provisions are "
    "small; developers carry the losses and fail; after a crash a new developer takes over the stranded areas "
    "and renegotiates, so the programme is still built, later.",
    "- **private_realisation** with cost recovery: owners build on their own land when their own case works; the "
    "municipality pays the works and recovers a contribution capped by the legal tests, imposed only on a plan "
    "the owner can build (sources.md#omgevingswet-kostenverhaal). Largest municipal deficits.",
    "",
    "Net cash is the cumulative cash flow to the end of the horizon (positive = money taken out).",
]


def run(model_name: str, seed: int, data: dict) -> dict:
    d = copy.deepcopy(data)
    d["cooperation"] = {"model": model_name}
    m = AreaModel(from_dict(d), seed=seed, collect="lean").run()
    s = summarise(m)
    s["developer_cash"] = sum(x.cash for x in m.developers)
    s["deals_failed"] = sum(1 for e in m.events if e["event"] == "negotiation" and not e["success"])
    s["jv_exits"] = sum(1 for e in m.events if e["event"] in ("jv_partner_exit", "jv_exit"))
    s["jv_exits_by_choice"] = sum(1 for e in m.events if e["event"] == "jv_exit")
    s["first_start_year"] = min((p.construction_start for p in m.phases if p.construction_start is not None),
                                default=np.nan) / 4 + m.spec.start_year
    return s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    assert set(MODELS) <= set(registered())
    with open(DEFAULT_SCENARIO, "rb") as fh:
        data = tomllib.load(fh)
    rows = []
    for name in MODELS:
        runs = [run(name, seed, data) for seed in range(1, args.seeds + 1)]
        med = {k: float(np.nanmedian([r[k] for r in runs])) for k in (
            "homes_completed", "homes_completed_10y", "affordable_share", "areas_abandoned",
            "mean_delay_years_censored", "public_cash_end", "municipal_provisions_end", "developer_cash",
            "deals_failed", "jv_exits", "jv_exits_by_choice")}
        for k in ("homes_completed", "public_cash_end"):
            med[k + "_range"] = tuple(np.quantile([r[k] for r in runs], [0.05, 0.95]))
        med["any_failure"] = float(np.mean([r["developers_failed"] > 0 for r in runs]))
        rows.append((name, med))
    lines = [f"# Cooperation models compared on the default scenario ({args.seeds} futures)", "",
             "Generated by `python tools/compare_cooperation.py --seeds N`; every model sees the same market "
             "futures (seeds 1..N). Medians, with the 5-95 % range over the futures in brackets.", "",
             "| model | homes completed | homes within 10 yr | affordable share | areas abandoned | mean delay, "
             "unfinished censored (yr) | municipal net cash (€ M) | provisions at end (€ M) | developers' net cash "
             "(€ M) | futures with a developer failure | failed negotiations | JV partner exits (by choice) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, m in rows:
        lo, hi = m["homes_completed_range"]
        clo, chi = m["public_cash_end_range"]
        lines.append(f"| {name} | {m['homes_completed']:,.0f} ({lo:,.0f}-{hi:,.0f}) | {m['homes_completed_10y']:,.0f} | "
                     f"{m['affordable_share']:.0%} | {m['areas_abandoned']:.0f} | {m['mean_delay_years_censored']:.1f} | "
                     f"{m['public_cash_end'] / 1e6:,.0f} ({clo / 1e6:,.0f} to {chi / 1e6:,.0f}) | "
                     f"{m['municipal_provisions_end'] / 1e6:,.0f} | {m['developer_cash'] / 1e6:,.0f} | "
                     f"{m['any_failure']:.0%} | {m['deals_failed']:.0f} | {m['jv_exits']:.0f} ({m['jv_exits_by_choice']:.0f}) |")
    lines += [""] + EXPLANATION
    text = "\n".join(lines) + "\n"
    out = Path(__file__).resolve().parents[1] / "docs" / "cooperation_comparison.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
