"""Figures of the policy report (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.reports.paired import DESIGN, market_class  # noqa: E402

COMPLETED = ["completed_total_social", "completed_total_mid_rent", "completed_total_free_rent",
             "completed_total_owner_occupied"]


def _colours(designs: list[str]) -> dict[str, tuple]:
    cmap = plt.get_cmap("tab10")
    return {d: ("0.25" if d == "none" else cmap(i % 10)) for i, d in enumerate(designs)}


def homes_over_time(series: pd.DataFrame, outcomes: pd.DataFrame, path: Path) -> Path:
    """Cumulative homes completed per year: median and 5-95 % band per design."""
    frame = series if DESIGN in series else series.merge(outcomes[["run_id", DESIGN]], on="run_id")
    frame = frame.assign(homes=frame[COMPLETED].sum(axis=1))
    designs = list(dict.fromkeys(outcomes[DESIGN]))
    colours = _colours(designs)
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    for design in designs:
        stats = frame[frame[DESIGN] == design].groupby("year")["homes"].quantile([0.05, 0.5, 0.95]).unstack()
        ax.fill_between(stats.index, stats[0.05], stats[0.95], color=colours[design], alpha=0.12, lw=0)
        ax.plot(stats.index, stats[0.5], color=colours[design], lw=2.2 if design == "none" else 1.6,
                ls="--" if design == "none" else "-", label="no fund" if design == "none" else design)
    ax.set_xlabel("year")
    ax.set_ylabel("homes completed (cumulative)")
    ax.set_title("Homes completed over time (line: median future; band: 5-95 % of futures)")
    ax.legend(fontsize=8, ncol=2)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def cost_effectiveness(pairs: pd.DataFrame, path: Path) -> Path:
    """Median net public cost against median extra homes per design, with the efficient frontier."""
    stats = pairs.groupby(DESIGN).agg(extra=("additional_homes", "median"), cost=("net_public_cost", "median"),
                                      extra_lo=("additional_homes", lambda s: s.quantile(0.05)),
                                      extra_hi=("additional_homes", lambda s: s.quantile(0.95)))
    fig, ax = plt.subplots(figsize=(9, 5.5), constrained_layout=True)
    colours = _colours(["none", *stats.index])
    for design, row in stats.iterrows():
        ax.errorbar(row["extra"], row["cost"] / 1e6, xerr=[[row["extra"] - row["extra_lo"]],
                                                           [row["extra_hi"] - row["extra"]]],
                    fmt="o", color=colours[design], capsize=3, ms=7)
        ax.annotate(design, (row["extra"], row["cost"] / 1e6), textcoords="offset points", xytext=(6, 5), fontsize=8)
    frontier = stats.sort_values("cost")
    best, pts = -np.inf, []
    for _, row in frontier.iterrows():
        if row["extra"] > best:
            best = row["extra"]
            pts.append((row["extra"], row["cost"] / 1e6))
    if len(pts) > 1:
        ax.plot(*zip(*pts, strict=True), color="0.5", ls=":", lw=1, label="efficient frontier")
        ax.legend(fontsize=8)
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("extra homes completed vs no fund (median future; bars: 5-95 %)")
    ax.set_ylabel("net public cost (€ million, median future)")
    ax.set_title("What each design buys and what it costs the public purse")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def by_market(pairs: pd.DataFrame, path: Path) -> Path:
    """Median extra homes per design in boom, normal and crash futures."""
    frame = pairs.copy()
    frame["market"] = market_class(frame["crash_quarters"])
    table = frame.groupby([DESIGN, "market"])["additional_homes"].median().unstack().reindex(
        columns=["boom", "normal", "crash"])
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    x = np.arange(len(table.index))
    for i, (market, colour) in enumerate(zip(table.columns, ["#4daf4a", "#377eb8", "#e41a1c"], strict=True)):
        ax.bar(x + (i - 1) * 0.27, table[market].fillna(0), width=0.27, color=colour, label=f"{market} futures")
    ax.set_xticks(x, table.index, rotation=20, ha="right", fontsize=8)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("extra homes vs no fund (median)")
    ax.set_title("Does the design hold up in a crash? Extra homes by kind of future")
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def waterfall(cases: pd.DataFrame, area: str, party: str, path: Path) -> Path:
    """Business case of one party in one area: cash in and out by category, from the ledger."""
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
    ax.set_title(f"Business case of {party} in {area} (baseline, first future)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
