"""The overview figure of a run: market with downturns shaded, homes by segment, public vs private cash."""

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


def overview_figure(series: pd.DataFrame, regions: list[str], title: str, path: Path) -> Path:
    """Write the three-panel overview PNG and return its path."""
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
    for column, label, colour in (
            ("cash_municipalities", "municipalities (public)", "#1f78b4"),
            ("cash_developers", "developers", "#e31a1c"),
            ("cash_housing_associations", "housing associations (own the social homes)", "#33a02c"),
            ("cash_investors", "investors (own the rental homes)", "#6a3d9a")):
        ax.plot(t, series[column] / 1e6, label=label, color=colour)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("€ million")
    ax.set_title("Cumulative net cash by party: money put in (below 0), taken out (above 0)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_xlabel("year")
    fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
