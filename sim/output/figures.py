"""The overview figure of a run: market with downturns shaded, homes by segment, cash and owned homes by party."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.scenario.schema import SEGMENTS  # noqa: E402

SEGMENT_LABELS = {"social": "social rent", "mid_rent": "mid-rent", "free_rent": "free-sector rent",
                  "owner_occupied": "owner-occupied"}
SEGMENT_COLOURS = {"social": "#1b9e77", "mid_rent": "#7570b3", "free_rent": "#e7298a", "owner_occupied": "#d95f02"}
PARTY_COLOURS = {"municipality": "#1f78b4", "developer": "#e31a1c", "housing_association": "#33a02c",
                 "investor": "#6a3d9a", "fund": "#ff7f00"}
"""Colours of segments and parties, shared by the overview figure, the reports and the app."""


def shade_downturns(ax, years: np.ndarray, regimes: pd.Series) -> None:
    """Shade quarters in the crash regime (grey) on an axis with calendar years on x."""
    crash = (regimes == "crash").to_numpy()
    start = None
    for i, flag in enumerate(np.append(crash, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            ax.axvspan(years[start], years[min(i, len(years) - 1)] + 0.25, color="0.85", zorder=0, lw=0)
            start = None


def overview_figure(series: pd.DataFrame, regions: list[str], title: str, path: Path,
                    ledger: pd.DataFrame | None = None) -> Path:
    """Write the three-panel overview PNG and return its path.

    With the run's ``ledger`` the cash panel also shows, dashed, housing associations' and
    investors' cash plus the value of the homes they own (at cost, sim.output.owned): their
    cash alone sits billions below zero because they paid for homes they keep.
    """
    t = series["year"].to_numpy() + (series["quarter"].to_numpy() % 4) / 4
    fig, axes = plt.subplots(3, 1, figsize=(9, 10), sharex=True, constrained_layout=True)

    ax = axes[0]
    shade_downturns(ax, t, series["regime"])
    for region in regions:
        ax.plot(t, series[f"price_index_{region}"], label=f"house prices, {region}")
    ax.plot(t, series["cost_index"], "k--", label="construction costs")
    ax.set_ylabel("index (start = 1)")
    ax.set_title("Market: prices and costs (grey = crash regime)")
    ax.legend(loc="upper left", fontsize=8)

    ax = axes[1]
    shade_downturns(ax, t, series["regime"])
    stacks = [series[f"completed_total_{s}"].to_numpy() for s in SEGMENTS]
    ax.stackplot(t, stacks, labels=[SEGMENT_LABELS[s] for s in SEGMENTS],
                 colors=[SEGMENT_COLOURS[s] for s in SEGMENTS], alpha=0.85)
    ax.set_ylabel("homes completed (cumulative)")
    ax.set_title("Homes completed by segment")
    ax.legend(loc="upper left", fontsize=8)

    ax = axes[2]
    shade_downturns(ax, t, series["regime"])
    for column, label, kind in (
            ("cash_municipalities", "municipalities (public)", "municipality"),
            ("cash_developers", "developers", "developer"),
            ("cash_housing_associations", "housing associations: cash", "housing_association"),
            ("cash_investors", "investors: cash", "investor")):
        ax.plot(t, series[column] / 1e6, label=label, color=PARTY_COLOURS[kind])
    if ledger is not None:
        from sim.output.owned import owned_value_by_quarter

        owned = owned_value_by_quarter(ledger, series["quarter"].to_numpy())
        for column, name, kind in (("cash_housing_associations", "housing associations", "housing_association"),
                                   ("cash_investors", "investors", "investor")):
            ax.plot(t, owned[kind] / 1e6, ":", lw=2, label=f"{name}: homes owned (value at cost)",
                    color=PARTY_COLOURS[kind])
            ax.plot(t, (series[column].to_numpy() + owned[kind]) / 1e6, "--", label=f"{name}: cash + homes owned",
                    color=PARTY_COLOURS[kind])
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("€ million")
    ax.set_title("Cumulative net cash by party: money put in (below 0), taken out (above 0);\n"
                 "dotted: homes owned (at cost); dashed: cash + homes — buying homes to keep is not a loss")
    ax.legend(loc="lower left", fontsize=7, ncols=2)
    ax.set_xlabel("year")
    fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
