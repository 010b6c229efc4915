"""The areasim teaching app: `areasim app` (or `solara run sim.app.app`).

Set the controls in the sidebar (each shows its value and unit), press RESET to build the
model with them, then STEP or PLAY. With the controls at their defaults the app runs exactly
what ``areasim run`` runs (the default scenario with its own seed).

Tabs, named after what they show:

- **Areas & market**: every phase of every area coloured by its lifecycle stage now; prices and costs.
- **Homes & money**: homes completed per segment; cash per party, with the value of the homes
  housing associations and investors own (so their negative cash is not read as a loss).
- **Area story**: for a chosen area, its negotiations, phases and business case so far.
- **Risk: why a party says no**: for a chosen area and party, the price futures it imagines,
  what the deal on the table is worth to it on each, the mean and CVaR, and a risk-aversion
  control that shows how the verdict moves.

Charts are drawn without pyplot (sim.app.figures), so memory stays flat over a long class.
"""

from __future__ import annotations

import contextlib
import html
import threading
import time

import solara

from sim.app import controls as label
from sim.app import figures
from sim.app.model import COOPERATION, FUNDS, SCENARIOS, AppModel, scenario_defaults
from sim.app.risk import PARTIES, explain, risk_view
from sim.ledger import business_cases
from sim.output.explain import story
from sim.output.owned import owned_value_by_quarter, with_owned_homes
from sim.output.writer import events_frame

TITLE = "areasim: why inner-city transformations stall"
STEP_LOCK = threading.RLock()
"""One model step or one chart at a time (the play thread and the page share the model)."""

CSS = """
.v-application, .v-application .body-1, .v-application .v-label { font-size: 15px !important; }
.v-input__slot { margin-bottom: 0 !important; }
.areasim-main { width: 100%; max-width: none; padding-bottom: 96px; }
.areasim-main img { width: 100%; height: auto; max-width: 1400px; }
.areasim-story { white-space: pre-wrap; font-size: 14px; line-height: 1.45; max-width: 100%; }
.areasim-status { font-size: 17px; }
.areasim-control-label { font-size: 14px; color: #333; }
.areasim-main .v-slider, .areasim-main .v-input { max-width: 900px; }
"""

_DEFAULTS = scenario_defaults("nl_programme")

world = solara.reactive("nl_programme")
cooperation = solara.reactive(_DEFAULTS["cooperation"])
fund = solara.reactive(_DEFAULTS["fund"])
seed = solara.reactive(_DEFAULTS["seed"])
crash = solara.reactive(False)
presale_threshold = solara.reactive(_DEFAULTS["presale_threshold"])
risk_premium = solara.reactive(_DEFAULTS["risk_premium"])
municipal_budget_m = solara.reactive(_DEFAULTS["municipal_budget_m"])
play_seconds = solara.reactive(0.2)
redraw_every = solara.reactive(4)  # quarters between chart redraws while playing

current = solara.reactive(None)  # the AppModel of this browser session
tick = solara.reactive(0)  # bumped after every step: charts read the model again
playing = solara.reactive(False)
play_generation = solara.reactive(0)  # a newer PLAY ends older play threads
selected_area = solara.reactive("")
risk_party = solara.reactive("developer")
risk_lambda = solara.reactive(-1.0)  # < 0: the party's own risk aversion


def chosen_controls() -> dict:
    return {"world": world.value, "cooperation": cooperation.value, "fund": fund.value, "seed": int(seed.value),
            "crash": crash.value, "presale_threshold": presale_threshold.value,
            "risk_premium": risk_premium.value, "municipal_budget_m": municipal_budget_m.value}


def build() -> AppModel:
    """A new model from the controls; remembers them so the page can say when they changed."""
    values = chosen_controls()
    model = AppModel(**values)
    model.app_controls = values
    return model


def when(model) -> str:
    q = model.steps
    return f"{model.spec.start_year + q // 4} Q{q % 4 + 1}" if q else f"{model.spec.start_year} (start)"


def status(model) -> str:
    if model.steps >= model.n_quarters:
        return "finished"
    return "running" if playing.value else ("paused" if model.steps else "ready")


def reset() -> None:
    playing.set(False)
    model = build()
    current.set(model)
    risk_lambda.set(-1.0)
    tick.set(tick.value + 1)


def step(redraw: bool = True) -> None:
    """One quarter; ``redraw=False`` skips redrawing the charts (used between yearly redraws while playing)."""
    model = current.value
    if model is None or model.steps >= model.n_quarters:
        return
    with STEP_LOCK:
        model.step()
    if redraw:
        tick.set(tick.value + 1)


@solara.component
def Slider(text: str, value, min: float, max: float, step: float, on_value=None, integer: bool = False):
    """A slider under a line that states its value and unit (readable; shown while dragging too)."""
    with solara.Column(gap="0px"):
        solara.Text(text, classes=["areasim-control-label"])
        kind = solara.SliderInt if integer else solara.SliderFloat
        kind("", value=value, min=min, max=max, step=step, on_value=on_value, thumb_label=False)


@solara.component
def Controls():
    defaults = scenario_defaults(world.value)

    def on_world(name: str) -> None:
        world.set(name)
        d = scenario_defaults(name)
        seed.set(d["seed"])
        presale_threshold.set(d["presale_threshold"])
        risk_premium.set(d["risk_premium"])
        municipal_budget_m.set(d["municipal_budget_m"])

    with solara.Card("Run"):
        with solara.Row():
            solara.Button("RESET", on_click=reset, color="primary", outlined=True)
            solara.Button("STEP", on_click=step, color="primary")
            solara.Button("PAUSE" if playing.value else "PLAY", on_click=toggle_play,
                          color="primary")
        Slider(label.play_speed(play_seconds.value), play_seconds, *label.PLAY_SECONDS)
        Slider(label.redraw(redraw_every.value), redraw_every, 1, 8, 1, integer=True)
    with solara.Card("The world (applies on RESET)"):
        solara.Select(label.scenario(world.value), values=list(SCENARIOS), value=world.value, on_value=on_world)
        solara.Select(label.cooperation(cooperation.value), values=COOPERATION, value=cooperation)
        solara.Select(label.fund(fund.value), values=FUNDS, value=fund)
        solara.InputInt(label.seed(int(seed.value), defaults["seed"]), value=seed)
        solara.Checkbox(label=label.crash(crash.value), value=crash)
        Slider(label.presale(presale_threshold.value), presale_threshold, 0.3, 0.9, 0.05)
        Slider(label.risk_premium(risk_premium.value), risk_premium, 0.02, 0.06, 0.005)
        Slider(label.budget(municipal_budget_m.value), municipal_budget_m, 0.0, 500.0, 25.0)
        model = current.value
        if model is not None and getattr(model, "app_controls", None) != chosen_controls():
            solara.Warning("Controls changed: press RESET to build the model with them.", dense=True)


@solara.component
def Status(model, tick: int):
    regime = ["expansion", "slowdown", "crash"][int(model.market.regime[max(0, model.steps - 1)])]
    done = int(model.completed_total.sum())
    solara.HTML(tag="div", classes=["areasim-status"], unsafe_innerHTML=(
        f"<h2 style='margin:0'>{when(model)} — {status(model)}</h2>"
        f"<p>quarter <b>{model.steps}</b> of {model.n_quarters} · market now: <b>{regime}</b> · homes completed "
        f"so far: <b>{done:,}</b> · scenario <b>{model.spec.name}</b>, seed <b>{model.seed}</b></p>"))


def _png(draw, *args) -> bytes:
    with STEP_LOCK:
        return draw(*args)


@solara.component
def AreasAndMarket(model, tick: int):
    solara.Image(_png(figures.areas_grid, model))
    solara.Image(_png(figures.market, model))


@solara.component
def HomesAndMoney(model, tick: int):
    solara.Image(_png(figures.homes, model))
    with STEP_LOCK:
        quarters = model.datacollector.model_vars.get("quarter", [])
        owned = owned_value_by_quarter(model.ledger.to_frame(), quarters) if quarters else None
    solara.Image(_png(figures.cash, model, owned))
    solara.Markdown("Housing associations and investors **pay for homes they keep** (social homes, rental "
                    "blocks); rents after completion are outside the model. Their cash alone looks like a loss of "
                    "billions; the dashed lines add the homes they own, valued at what they paid.")


def _area_picker(model) -> str:
    names = [a.name for a in model.areas]
    if selected_area.value not in names:
        selected_area.set(names[0])
    solara.Select(f"Area: {selected_area.value}", values=names, value=selected_area)
    return selected_area.value


@solara.component
def AreaStory(model, tick: int):
    area = _area_picker(model)
    with STEP_LOCK:
        table = model.datacollector.get_table_dataframe("areas")
        if table.empty:
            text = None
        else:
            ledger = model.ledger.to_frame()
            cases = with_owned_homes(business_cases(ledger), ledger)
            meta = {"start_year": model.spec.start_year, "scenario": model.spec.name, "seed": model.seed}
            finished = model.steps >= model.n_quarters
            text = story(events_frame(model), table, cases, meta, area,
                         state_label="State at the end" if finished else f"State now ({when(model)})",
                         running=not finished)
    if text is None:
        solara.Text("Press STEP to see what happens.")
    else:
        solara.HTML(tag="pre", classes=["areasim-story"], unsafe_innerHTML=html.escape(text))


@solara.component
def RiskView(model, tick: int):
    area = _area_picker(model)
    solara.ToggleButtonsSingle(value=risk_party, values=list(PARTIES))
    with STEP_LOCK:
        own = risk_view(model, area, risk_party.value)
    if own is None:
        solara.Info(f"Nothing left to negotiate in {area}: every phase has had its go (or the area has no developer).")
        return
    lam = own.risk_aversion if risk_lambda.value < 0 else risk_lambda.value
    Slider(label.risk_aversion(lam, own.risk_aversion), lam, 0.0, 1.0, 0.05, on_value=risk_lambda.set)
    with STEP_LOCK:
        view = risk_view(model, area, risk_party.value, lam)
    solara.Image(figures.risk(view, model.spec.start_year))
    solara.Markdown(explain(view))
    solara.Markdown("*Mean* = the average over the futures it imagines; *CVaR 5 %* = the average of its worst 5 % "
                    "of futures. Its score is (1 − λ)·mean + λ·CVaR: the more risk-averse (higher λ), the more the "
                    "bad futures count. It signs when the score reaches what it needs (red line). Drag λ to see "
                    "when a cautious party walks away from a deal that pays on average. (Changing λ here does not "
                    "change the run.)")


def _session_context():
    """This browser session's Solara kernel context (None outside a server, e.g. in tests)."""
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def play_loop(context, generation: int) -> None:
    """Step the model while PLAY is on and no newer PLAY started (a thread of this session)."""
    with context if context is not None else contextlib.nullcontext():
        while playing.value and play_generation.value == generation:
            model = current.value
            if model is None or model.steps >= model.n_quarters:
                playing.set(False)
                break
            step(redraw=(model.steps + 1) % redraw_every.value == 0 or model.steps + 1 >= model.n_quarters)
            time.sleep(play_seconds.value)
        tick.set(tick.value + 1)


def toggle_play() -> None:
    if playing.value:
        playing.set(False)
        return
    generation = play_generation.value + 1
    play_generation.set(generation)
    playing.set(True)
    threading.Thread(target=play_loop, args=(_session_context(), generation), name="areasim-play",
                     daemon=True).start()


@solara.component
def Page():
    solara.Style(CSS)
    solara.Title("areasim")
    if current.value is None:
        current.set(build())
    model = current.value
    now = tick.value  # passed to the views: the model object stays the same, the step count does not
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        Controls()
    with solara.Column(classes=["areasim-main"]):
        Status(model, now)
        with solara.lab.Tabs(lazy=True):
            with solara.lab.Tab("Areas & market"):
                AreasAndMarket(model, now)
            with solara.lab.Tab("Homes & money"):
                HomesAndMoney(model, now)
            with solara.lab.Tab("Area story"):
                AreaStory(model, now)
            with solara.lab.Tab("Risk: why a party says no"):
                RiskView(model, now)


page = Page
