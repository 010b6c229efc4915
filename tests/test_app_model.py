"""The app without a browser: same run as the CLI, labels with values and units, a risk view that changes nothing."""

from __future__ import annotations

import ipyvuetify as v
import matplotlib.pyplot as plt
import numpy as np
import pytest
import solara

from sim.app import controls as label
from sim.app import figures
from sim.app.model import AS_IN_SCENARIO, AppModel, scenario_defaults
from sim.app.risk import cvar, explain, risk_view
from sim.model import AreaModel
from sim.output.summary import summarise


def test_app_defaults_are_the_cli_defaults():
    from sim.scenario import DEFAULT_SCENARIO, load_scenario

    scenario_seed = load_scenario(DEFAULT_SCENARIO).seed
    d = scenario_defaults("nl_programme")
    assert d["seed"] == scenario_seed and d["cooperation"] == AS_IN_SCENARIO and d["fund"] == "none"
    app = AppModel()
    assert app.seed == scenario_seed
    assert summarise(app.run()) == summarise(AreaModel().run())  # `areasim run` with no options


def test_every_label_states_its_value_and_unit():
    assert label.presale(0.7).startswith("Presale threshold: 70%")
    assert "3.5 %-points" in label.risk_premium(0.035)
    assert "€150 million" in label.budget(150.0)
    assert "20250101" in label.seed(20250101, 20250101) and "scenario's seed" in label.seed(20250101, 20250101)
    assert label.crash(False).endswith("off")
    assert "0.20 s per quarter" in label.play_speed(0.2)
    assert "λ: 0.50" in label.risk_aversion(0.5, 0.5)


@pytest.fixture(scope="module")
def stepped() -> AppModel:
    return AppModel().run(12)


def test_risk_view_reads_the_model_without_changing_it(stepped):
    reference = AppModel().run(40)
    model = AppModel()
    for _ in range(40):
        model.step()
        for area in model.areas[:4]:
            for party in ("developer", "municipality"):
                risk_view(model, area.name, party)
                risk_view(model, area.name, party, 0.9)
    assert summarise(model) == summarise(reference)
    assert [e["event"] for e in model.events] == [e["event"] for e in reference.events]


def test_risk_view_numbers(stepped):
    area = stepped.areas[0].name
    view = risk_view(stepped, area, "developer", 0.0)
    assert view is not None and view.values.shape == (stepped.spec.actors.negotiation.ensemble_size,)
    assert view.mean == pytest.approx(view.values.mean())
    assert view.cvar == pytest.approx(cvar(view.values)) and view.cvar <= view.mean
    assert view.score == pytest.approx(view.mean)  # λ = 0: the mean only
    cautious = risk_view(stepped, area, "developer", 1.0)
    assert cautious.score == pytest.approx(cautious.cvar)
    assert cautious.needed == pytest.approx(view.needed)  # the bar does not move with λ; the score does
    assert view.price_paths.shape[0] == view.values.shape[0]
    assert "CVaR" in explain(view) and ("says YES" in explain(view) or "says NO" in explain(view))


def test_charts_leave_no_figure_open(stepped):
    before = plt.get_fignums()
    for draw in (figures.areas_grid, figures.market, figures.homes, figures.cash):
        assert draw(stepped)[:4] == b"\x89PNG"
    assert figures.risk(risk_view(stepped, stepped.areas[0].name, "municipality"), 2025)[:4] == b"\x89PNG"
    assert plt.get_fignums() == before


def test_page_renders_named_tabs_and_labelled_controls():
    from sim.app import app

    app.current.set(None)
    box, rc = solara.render(app.Page(), handle_error=False)
    tabs = [w.children[0] for w in rc.find(v.Tab).widgets]
    assert tabs == ["Areas & market", "Homes & money", "Area story", "Risk: why a party says no"]
    _, controls = solara.render(app.Controls(), handle_error=False)
    labels = [w.children[0] for w in controls.find(v.Html).widgets if w.children and isinstance(w.children[0], str)]
    assert any(s.startswith("Presale threshold: 70%") for s in labels), labels
    assert any("%-points" in s for s in labels) and any("€150 million" in s for s in labels)
    app.step()
    assert app.current.value.steps == 1
    np.testing.assert_equal(app.current.value.seed, app.current.value.spec.seed)  # the scenario's seed, as the CLI


def test_the_story_of_a_running_model_speaks_of_now(stepped):
    from sim.ledger import business_cases
    from sim.output.explain import story
    from sim.output.writer import events_frame

    meta = {"start_year": 2025, "scenario": "nl_programme", "seed": stepped.seed}
    text = story(events_frame(stepped), stepped.datacollector.get_table_dataframe("areas"),
                 business_cases(stepped.ledger.to_frame()), meta, stepped.areas[0].name,
                 state_label="State now (2028 Q1)", running=True)
    assert "State now (2028 Q1)" in text and "Why: so far the area is" in text and "ended" not in text
