"""The areasim teaching app: `areasim app` (or `solara run sim/app/app.py`).

Change the controls, then press RESET to build the model with them (Mesa's SolaraViz), then STEP
or ▶ (play). Controls: scenario, cooperation model, fund design, seed, market crash on/off, presale threshold,
investors' required risk premium, municipal budget. Views: areas at a glance coloured by lifecycle
stage, the market with downturns shaded, homes completed per segment, cash per party, fund balance,
and for a selected area its business case and the story of its negotiations.
"""

from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from sim.app.model import COOPERATION, FUNDS, SCENARIOS, AppModel  # noqa: E402
from sim.area import ABANDONED  # noqa: E402
from sim.ledger import business_cases  # noqa: E402
from sim.output.explain import story  # noqa: E402
from sim.output.writer import events_frame  # noqa: E402
from sim.scenario.schema import STAGES  # noqa: E402

STAGE_LABELS = ["planned", *STAGES, "abandoned"]
STAGE_COLOURS = ListedColormap(["#eeeeee", "#c6dbef", "#9ecae1", "#fdae6b", "#fdd0a2", "#d9f0a3", "#addd8e",
                                "#fee08b", "#78c679", "#31a354", "#006837", "#e31a1c"])
selected_area = solara.reactive("")


def when(model) -> str:
    q = model.steps
    return f"{model.spec.start_year + q // 4} Q{q % 4 + 1}" if q else f"{model.spec.start_year} (start)"


def TimeDisplay(model):
    update_counter.get()
    regime = ["expansion", "slowdown", "crash"][int(model.market.regime[max(0, model.steps - 1)])]
    done = int(model.completed_total.sum())
    return solara.HTML(tag="div", unsafe_innerHTML=(
        f"<h2>{when(model)}</h2><p>quarter <b>{model.steps}</b> of {model.n_quarters} · market: <b>{regime}</b> · "
        f"homes completed: <b>{done:,}</b></p>"))


def AreasAtAGlance(model):
    """Every phase of every area as a cell, coloured by its lifecycle stage."""
    update_counter.get()
    n_phases = max(len(a.phases) for a in model.areas)
    grid = np.full((len(model.areas), n_phases), np.nan)
    for i, area in enumerate(model.areas):
        for j, p in enumerate(area.phases):
            grid[i, j] = len(STAGE_LABELS) - 1 if p.stage == ABANDONED else p.stage + 1
    fig, ax = plt.subplots(figsize=(6, 0.25 * len(model.areas) + 1.2), constrained_layout=True)
    ax.imshow(np.ma.masked_invalid(grid), cmap=STAGE_COLOURS, vmin=0, vmax=len(STAGE_LABELS) - 1, aspect="auto")
    ax.set_yticks(range(len(model.areas)), [f"{a.name} ({a.state()})" for a in model.areas], fontsize=7)
    ax.set_xticks(range(n_phases), [f"phase {j + 1}" for j in range(n_phases)], fontsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=STAGE_COLOURS(k)) for k in range(len(STAGE_LABELS))]
    ax.legend(handles, STAGE_LABELS, fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title("Areas at a glance: lifecycle stage of every phase", fontsize=9)
    return solara.FigureMatplotlib(fig, format="png")


def Market(model):
    """House prices per region and construction costs so far, crash quarters shaded."""
    update_counter.get()
    n = max(1, model.steps)
    t = model.spec.start_year + np.arange(n) / 4
    fig, ax = plt.subplots(figsize=(6, 3), constrained_layout=True)
    crash = model.market.regime[:n] == 2
    for k in np.nonzero(crash)[0]:
        ax.axvspan(t[k], t[k] + 0.25, color="0.85", lw=0)
    for r, region in enumerate(model.spec.regions):
        ax.plot(t, model.market.price_index[r, :n], label=f"prices {region.name}")
    ax.plot(t, model.market.cost_index[:n], "k--", label="construction costs")
    ax.set_title("Market (grey = crash)", fontsize=9)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.legend(fontsize=7)
    return solara.FigureMatplotlib(fig, format="png")


def series_plot(model, columns: dict[str, str], title: str, scale: float = 1.0, ylabel: str = ""):
    update_counter.get()
    data = model.datacollector.model_vars
    fig, ax = plt.subplots(figsize=(6, 3), constrained_layout=True)
    if data.get("quarter"):
        t = model.spec.start_year + np.asarray(data["quarter"]) / 4
        for column, label in columns.items():
            ax.plot(t, np.asarray(data[column]) / scale, label=label)
    ax.set_title(title, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.legend(fontsize=7)
    return solara.FigureMatplotlib(fig, format="png")


def Homes(model):
    return series_plot(model, {"completed_total_social": "social rent", "completed_total_mid_rent": "mid-rent",
                               "completed_total_free_rent": "free rent",
                               "completed_total_owner_occupied": "owner-occupied"},
                       "Homes completed per segment (cumulative)", ylabel="homes")


def Cash(model):
    return series_plot(model, {"cash_municipalities": "municipalities", "cash_developers": "developers",
                               "cash_housing_associations": "housing associations", "cash_investors": "investors",
                               "fund_cash": "funds"},
                       "Cash position per party (+ taken out, − put in)", scale=1e6, ylabel="€ million")


def AreaStory(model):
    """Pick an area: its business case (from the ledger) and its story in numbers."""
    update_counter.get()
    names = [a.name for a in model.areas]
    if selected_area.value not in names:
        selected_area.set(names[0])
    area = selected_area.value
    events = events_frame(model)
    table = model.datacollector.get_table_dataframe("areas")
    cases = business_cases(model.ledger.to_frame())
    with solara.Column() as column:
        solara.Select(label="area", values=names, value=selected_area)
        if table.empty:
            solara.Text("Step the model to see what happens.")
        else:
            meta = {"start_year": model.spec.start_year, "scenario": model.spec.name, "seed": model.seed}
            text = html.escape(story(events, table, cases, meta, area))
            solara.HTML(tag="pre", unsafe_innerHTML=text,
                        style="white-space: pre-wrap; font-size: 11px; max-width: 100%")
    return column


model_params = {
    "world": {"type": "Select", "value": "nl_programme", "values": list(SCENARIOS), "label": "Scenario"},
    "cooperation": {"type": "Select", "value": "traditional", "values": COOPERATION, "label": "Cooperation model"},
    "fund": {"type": "Select", "value": "none", "values": FUNDS, "label": "Fund design"},
    "seed": {"type": "SliderInt", "value": 1, "min": 1, "max": 50, "step": 1, "label": "Seed (market future)"},
    "crash": {"type": "Checkbox", "value": False, "label": "Market crash in year 3"},
    "presale_threshold": {"type": "SliderFloat", "value": 0.7, "min": 0.3, "max": 0.9, "step": 0.05,
                          "label": "Presale threshold"},
    "risk_premium": {"type": "SliderFloat", "value": 0.035, "min": 0.02, "max": 0.06, "step": 0.005,
                     "label": "Investors' risk premium"},
    "municipal_budget_m": {"type": "SliderFloat", "value": 150.0, "min": 0.0, "max": 500.0, "step": 25.0,
                           "label": "Municipal budget (€ million)"},
}

model = AppModel()
page = SolaraViz(model, components=[(TimeDisplay, 0), (AreasAtAGlance, 0), (Market, 1), (Homes, 1), (Cash, 2),
                                    (AreaStory, 2)],
                 model_params=model_params, name="areasim: why inner-city transformations stall")
