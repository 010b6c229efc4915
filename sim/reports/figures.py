"""Figures of the policy report (matplotlib, written as PNG).

Every figure that shows designs draws each design in the colour :func:`design_colours` gives it
(a fixed mapping by the experiment's design order; no fund is always dark grey, dashed), and
returns the mapping it used, which the report embeds next to the figure (``data-colours``).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from sim.reports.paired import BASELINE, COMPLETED, DESIGN, bootstrap_median, market_class  # noqa: E402

NO_FUND_COLOUR = "#404040"
PALETTE = [to_hex(c) for i, c in enumerate(plt.get_cmap("tab10").colors) if i != 7]  # tab10 without its grey
MARKETS = ("boom", "normal", "crash")


def design_colours(designs: list[str]) -> dict[str, str]:
    """One colour per design by its position in ``designs`` (the experiment's order), no fund dark grey."""
    colours = {BASELINE: NO_FUND_COLOUR}
    others = [d for d in designs if d != BASELINE]
    colours.update({d: PALETTE[i % len(PALETTE)] for i, d in enumerate(others)})
    return colours


def design_label(design: str) -> str:
    """How a design is named in figures and tables."""
    return "no fund" if design == BASELINE else design.replace("_", " ")


def homes_over_time(series: pd.DataFrame, outcomes: pd.DataFrame, colours: dict[str, str],
                    path: Path) -> tuple[Path, dict[str, str]]:
    """Homes completed since the start, at each year end: median and 5-95 % band of futures per design."""
    frame = series if DESIGN in series else series.merge(outcomes[["run_id", DESIGN]], on="run_id")
    frame = frame.assign(homes=frame[COMPLETED].sum(axis=1))
    designs = [d for d in colours if d in set(frame[DESIGN])]
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    for design in designs:
        stats = frame[frame[DESIGN] == design].groupby("year")["homes"].quantile([0.05, 0.5, 0.95]).unstack()
        ax.fill_between(stats.index, stats[0.05], stats[0.95], color=colours[design], alpha=0.10, lw=0)
        ax.plot(stats.index, stats[0.5], color=colours[design], lw=2.2 if design == BASELINE else 1.5,
                ls="--" if design == BASELINE else "-", label=design_label(design))
    ax.set_xlabel("year")
    ax.set_ylabel("homes completed since the start (cumulative)")
    ax.set_title("Homes completed so far, at each year end (line: median future; band: 5-95 % of futures)")
    ax.legend(fontsize=8, ncol=2)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, {d: colours[d] for d in designs}


def frontier(points: pd.DataFrame) -> list[str]:
    """Designs (index) no other design beats on both median extra homes (more) and median net public cost (less)."""
    out = []
    for d, row in points.iterrows():
        beaten = ((points["extra"] >= row["extra"]) & (points["cost"] <= row["cost"])
                  & ((points["extra"] > row["extra"]) | (points["cost"] < row["cost"])))
        if not beaten.any():
            out.append(d)
    return sorted(out, key=lambda d: (points.loc[d, "cost"], points.loc[d, "extra"]))


def cost_effectiveness(pairs: pd.DataFrame, colours: dict[str, str], path: Path) -> tuple[Path, dict, list[str]]:
    """Median extra homes against median net public cost per design (bars: 95 % bootstrap interval of each
    median), no fund at (0, 0), and the efficient frontier. Returns (path, colours used, frontier designs)."""
    rows = {BASELINE: {"extra": 0.0, "cost": 0.0, "x": (0.0, 0.0), "y": (0.0, 0.0)}}
    for design, group in pairs.groupby(DESIGN, sort=False):
        extra, cost = group["additional_homes"].to_numpy(float), group["net_public_cost"].to_numpy(float) / 1e6
        rows[design] = {"extra": float(np.median(extra)), "cost": float(np.median(cost)),
                        "x": bootstrap_median(extra), "y": bootstrap_median(cost)}
    points = pd.DataFrame(rows).T
    points = points.reindex([d for d in colours if d in points.index])
    fig, ax = plt.subplots(figsize=(9, 5.5), constrained_layout=True)
    for design, row in points.iterrows():
        ax.errorbar(row["extra"], row["cost"], xerr=[[row["extra"] - row["x"][0]], [row["x"][1] - row["extra"]]],
                    yerr=[[row["cost"] - row["y"][0]], [row["y"][1] - row["cost"]]], fmt="o",
                    color=colours[design], capsize=3, ms=7, label=design_label(design))
    best = frontier(points[["extra", "cost"]].astype(float))
    if len(best) > 1:
        ax.plot(points.loc[best, "extra"].astype(float), points.loc[best, "cost"].astype(float), color="0.45",
                ls=":", lw=1.2, label="efficient frontier", zorder=0)
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("extra homes completed vs no fund (median future; bars: 95 % interval of the median)")
    ax.set_ylabel("net public cost, € million (median; below 0 = money back)")
    ax.set_title("What each design buys and what it costs the public purse")
    ax.legend(fontsize=8, ncol=2)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, {d: colours[d] for d in points.index}, best


def by_market(pairs: pd.DataFrame, colours: dict[str, str], path: Path) -> tuple[Path, dict[str, str]]:
    """Median extra homes per design in boom, normal and crash futures (bars coloured by design)."""
    frame = pairs.assign(market=market_class(pairs["crash_quarters"]))
    table = frame.groupby([DESIGN, "market"])["additional_homes"].median().unstack().reindex(columns=list(MARKETS))
    counts = frame.groupby("market")["replication"].nunique().reindex(list(MARKETS)).fillna(0).astype(int)
    designs = [d for d in colours if d in table.index]
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    width = 0.8 / max(1, len(designs))
    x = np.arange(len(MARKETS))
    for i, design in enumerate(designs):
        ax.bar(x - 0.4 + width * (i + 0.5), table.loc[design].fillna(0).to_numpy(), width=width,
               color=colours[design], label=design_label(design))
    ax.set_xticks(x, [f"{m} futures ({counts[m]})" for m in MARKETS])
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("extra homes vs no fund (median)")
    ax.set_title("Does the design hold up in a crash? Extra homes by kind of future")
    ax.legend(fontsize=8, ncol=3)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, {d: colours[d] for d in designs}


def waterfall(cases: pd.DataFrame, area: str, party: str, path: Path) -> tuple[Path, dict[str, str]]:
    """Business case of one party in one area: cash in and out by category, from the ledger (no designs drawn)."""
    frame = cases[(cases["area"] == area) & (cases["party"] == party)].copy()
    frame = frame.reindex(frame["net"].abs().sort_values(ascending=False).index)
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    running = 0.0
    for i, (_, row) in enumerate(frame.iterrows()):
        value = row["net"] / 1e6
        ax.bar(i, value, bottom=running, color="#1b9e77" if value >= 0 else "#d95f02")
        ax.text(i, running + value / 2, f"{value:,.1f}", ha="center", va="center", fontsize=7)
        running += value
    ax.bar(len(frame), running, color="0.3")
    ax.text(len(frame), running / 2, f"{running:,.1f}", ha="center", va="center", fontsize=7, color="w")
    ax.set_xticks(range(len(frame) + 1), [*frame["category"].str.replace("_", " "), "result"], rotation=35,
                  ha="right", fontsize=8)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("€ million (+ received, − paid)")
    ax.set_title(f"Business case of {party} in {area} (no fund, first future)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, {}
