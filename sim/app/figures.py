"""The app's charts as PNG bytes, drawn without pyplot so nothing stays open between renders.

Each function builds a :class:`matplotlib.figure.Figure` (not registered with pyplot), saves
it to PNG bytes and lets it go: memory stays flat however long a class runs the app.
Colours of segments and parties are those of the overview figure (sim.output.figures).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.area import ABANDONED
from sim.output.figures import PARTY_COLOURS, SEGMENT_COLOURS, SEGMENT_LABELS
from sim.scenario.schema import SEGMENTS, STAGES

FONT = 11
"""pt: readable on a projector."""
STAGE_LABELS = ["planned", *STAGES, "abandoned"]
STAGE_COLOURS = ListedColormap(["#eeeeee", "#c6dbef", "#9ecae1", "#fdae6b", "#fdd0a2", "#d9f0a3", "#addd8e",
                                "#fee08b", "#78c679", "#31a354", "#006837", "#e31a1c"])
DPI = 100


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout)
    fig.set_facecolor("white")
    return fig


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is cleared so it holds no data afterwards."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    fig.clear()
    return buffer.getvalue()


def _years(model, n: int) -> np.ndarray:
    return model.spec.start_year + np.arange(n) / 4


def _shade_crash(ax, model, n: int) -> None:
    t = _years(model, n)
    for k in np.nonzero(model.market.regime[:n] == 2)[0]:
        ax.axvspan(t[k], t[k] + 0.25, color="0.88", lw=0, zorder=0)


def areas_grid(model) -> bytes:
    """Every phase of every area as a cell, coloured by its lifecycle stage now."""
    n_phases = max(len(a.phases) for a in model.areas)
    grid = np.full((len(model.areas), n_phases), np.nan)
    for i, area in enumerate(model.areas):
        for j, p in enumerate(area.phases):
            grid[i, j] = len(STAGE_LABELS) - 1 if p.stage == ABANDONED else p.stage + 1
    height = 0.3 * len(model.areas) + 1.4
    fig = _figure(9.5, height, layout=None)  # fixed margins: constrained layout costs ~0.5 s here
    fig.subplots_adjust(left=0.3, right=0.78, top=1 - 0.45 / height, bottom=0.45 / height)
    ax = fig.add_subplot()
    ax.imshow(np.ma.masked_invalid(grid), cmap=STAGE_COLOURS, vmin=0, vmax=len(STAGE_LABELS) - 1, aspect="auto")
    ax.set_yticks(range(len(model.areas)), [f"{a.name} ({a.state()} now)" for a in model.areas], fontsize=FONT - 1)
    ax.set_xticks(range(n_phases), [f"phase {j + 1}" for j in range(n_phases)], fontsize=FONT - 1)
    handles = [Rectangle((0, 0), 1, 1, color=STAGE_COLOURS(k)) for k in range(len(STAGE_LABELS))]
    ax.legend(handles, STAGE_LABELS, fontsize=FONT - 1, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title("Areas now: lifecycle stage of every phase", fontsize=FONT + 1)
    return png(fig)


def market(model) -> bytes:
    """House prices per region and construction costs so far (index, start = 1), crash quarters shaded."""
    n = max(1, model.steps)
    t = _years(model, n)
    fig = _figure(9.5, 3.8)
    ax = fig.add_subplot()
    _shade_crash(ax, model, n)
    for r, region in enumerate(model.spec.regions):
        ax.plot(t, model.market.price_index[r, :n], lw=2, label=f"house prices, {region.name}")
    ax.plot(t, model.market.cost_index[:n], "k--", lw=2, label="construction costs")
    ax.set_ylabel("index (start = 1)", fontsize=FONT)
    ax.set_title("Market so far (grey = crash)", fontsize=FONT + 1)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.tick_params(labelsize=FONT)
    ax.legend(fontsize=FONT - 1, loc="upper left")
    return png(fig)


def homes(model) -> bytes:
    """Homes completed per segment (cumulative), in the overview figure's colours."""
    data = model.datacollector.model_vars
    fig = _figure(9.5, 3.8)
    ax = fig.add_subplot()
    if data.get("quarter"):
        n = len(data["quarter"])
        t = model.spec.start_year + np.asarray(data["quarter"]) / 4
        _shade_crash(ax, model, n)
        ax.stackplot(t, [np.asarray(data[f"completed_total_{s}"]) for s in SEGMENTS],
                     labels=[SEGMENT_LABELS[s] for s in SEGMENTS], colors=[SEGMENT_COLOURS[s] for s in SEGMENTS],
                     alpha=0.85)
        ax.legend(fontsize=FONT - 1, loc="upper left")
    ax.set_ylabel("homes", fontsize=FONT)
    ax.set_title("Homes completed per segment (cumulative)", fontsize=FONT + 1)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.tick_params(labelsize=FONT)
    return png(fig)


def cash(model, owned: dict[str, np.ndarray] | None = None) -> bytes:
    """Cumulative net cash per party (€ million); dashed: associations and investors plus the homes they own."""
    data = model.datacollector.model_vars
    fig = _figure(9.5, 4.2)
    ax = fig.add_subplot()
    if data.get("quarter"):
        n = len(data["quarter"])
        t = model.spec.start_year + np.asarray(data["quarter"]) / 4
        _shade_crash(ax, model, n)
        for column, label, kind in (("cash_municipalities", "municipalities", "municipality"),
                                    ("cash_developers", "developers", "developer"),
                                    ("cash_housing_associations", "housing associations: cash", "housing_association"),
                                    ("cash_investors", "investors: cash", "investor"),
                                    ("fund_cash", "public funds", "fund")):
            ax.plot(t, np.asarray(data[column], dtype=float) / 1e6, lw=2, label=label, color=PARTY_COLOURS[kind])
        for column, name, kind in (("cash_housing_associations", "housing associations", "housing_association"),
                                   ("cash_investors", "investors", "investor")):
            if owned is not None:
                ax.plot(t, owned[kind][:n] / 1e6, ":", lw=2, label=f"{name}: homes owned (at cost)",
                        color=PARTY_COLOURS[kind])
                ax.plot(t, (np.asarray(data[column], dtype=float) + owned[kind][:n]) / 1e6, "--", lw=2,
                        label=f"{name}: cash + homes owned", color=PARTY_COLOURS[kind])
        ax.legend(fontsize=FONT - 2, loc="lower left", ncols=2)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel("€ million", fontsize=FONT)
    ax.set_title("Cash per party (+ taken out, − put in); dotted: homes owned; dashed: cash + homes owned",
                 fontsize=FONT + 1)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.tick_params(labelsize=FONT)
    return png(fig)


def risk(view, start_year: int) -> bytes:
    """Left: the party's imagined price paths; right: the deal's value over them with mean, CVaR and the bar."""
    fig = _figure(11.5, 4.4)
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    hist = view.history
    t_hist = start_year + np.arange(len(hist)) / 4
    t_now = t_hist[-1]
    t_ahead = t_now + np.arange(1, view.price_paths.shape[1] + 1) / 4
    colour = PARTY_COLOURS[view.party]
    for path in view.price_paths:
        left.plot(t_ahead, path, color=colour, alpha=0.25, lw=1)
    left.plot(t_ahead, view.price_paths.mean(axis=0), color=colour, lw=2.5, label="its average expectation")
    left.plot(t_hist, hist, "k", lw=2, label="prices so far")
    left.axvline(t_now, color="0.5", lw=1, ls=":")
    left.set_title(f"What the {view.party} imagines: {len(view.price_paths)} price futures", fontsize=FONT + 1)
    left.set_ylabel("house-price index (start = 1)", fontsize=FONT)
    left.ticklabel_format(axis="x", useOffset=False, style="plain")
    left.tick_params(labelsize=FONT)
    left.legend(fontsize=FONT - 1, loc="upper left")

    m = 1e6
    right.hist(view.values / m, bins=16, color=colour, alpha=0.6, edgecolor="white")
    for x, style, label in ((view.mean, "-", f"mean €{view.mean / m:,.0f} M"),
                            (view.cvar, "--", f"CVaR 5 % €{view.cvar / m:,.0f} M"),
                            (view.score, "-.", f"score (λ = {view.risk_aversion:.2f}) €{view.score / m:,.0f} M")):
        right.axvline(x / m, color="k", ls=style, lw=2, label=label)
    right.axvline(view.needed / m, color="#e31a1c", lw=3, label=f"needed to sign €{view.needed / m:,.0f} M")
    verdict = "YES" if view.says_yes else "NO"
    right.set_title(f"Value of the deal to the {view.party}: says {verdict}", fontsize=FONT + 1, pad=48)
    right.set_xlabel("net present value, € million", fontsize=FONT)
    right.set_ylabel("price futures", fontsize=FONT)
    right.tick_params(labelsize=FONT)
    right.legend(fontsize=FONT - 2, loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=2, frameon=False)
    return png(fig)
