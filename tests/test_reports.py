"""Reports: headline numbers recomputed independently from stored results; Sobol indices; EMA + PRIM."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import run_experiment
from sim.reports.policy import build_report
from tests.conftest import mini, write_toml

FUND_EXPERIMENT = """
name = "funds_small"
scenario = "mini.toml"
seed = 5
replications = 6
horizon_years = 12

[[levers]]
path = "funds.design"
values = ["none", "woningbouwimpuls", "startbouwimpuls", "sales_guarantee"]

[design]
kind = "factorial"
"""


def light_world() -> dict:
    """The mini scenario with cheap public works in one region, so homes are built and outcomes vary."""
    data = mini()
    data["archetypes"].append({"name": "light", "site_preparation_per_home": 3000.0})
    for area in data["areas"]:
        area.update(archetype="light", region="middle")
    return data


@pytest.fixture(scope="module")
def fund_results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("funds")
    data = mini()
    data["areas"].append({"name": "east", "region": "middle", "archetype": "complex", "homes": 700, "phases": 2,
                          "start_quarter": 4, "programme": {"social": 0.4, "mid_rent": 0.3, "free_rent": 0.0,
                                                            "owner_occupied": 0.3}})
    write_toml(folder / "mini.toml", data)
    (folder / "exp.toml").write_text(FUND_EXPERIMENT)
    out = folder / "results"
    run_experiment(folder / "exp.toml", out, quiet=True)
    return out


@pytest.fixture(scope="module")
def report(fund_results) -> Path:
    return build_report(fund_results)


def independent_pairs(results: Path) -> pd.DataFrame:
    """Pair fund runs with their baseline by (point, replication), written independently of sim.reports."""
    frame = pd.read_parquet(results / "outcomes.parquet")
    base = frame[frame["lever:funds.design"] == "none"].set_index(["point", "replication"])
    rows = []
    for _, run in frame[frame["lever:funds.design"] != "none"].iterrows():
        b = base.loc[(run["point"], run["replication"])]
        extra = run["homes_completed"] - b["homes_completed"]
        cost = (run["fund_paid"] - run["fund_returned"] - run["fund_levies"]) - (run["public_cash_end"]
                                                                                  - b["public_cash_end"])
        rows.append({"design": run["lever:funds.design"], "extra": extra, "cost": cost})
    return pd.DataFrame(rows)


def test_headline_numbers_match_an_independent_recomputation(fund_results, report):
    head = pd.read_csv(report.parent / "headline.csv")
    mine = independent_pairs(fund_results)
    for design, group in mine.groupby("design"):
        row = head[(head["design"] == design) & (head["metric"] == "additional_homes")].iloc[0]
        assert row["median"] == pytest.approx(np.median(group["extra"]))
        assert row["p05"] == pytest.approx(np.quantile(group["extra"], 0.05))
        cost = head[(head["design"] == design) & (head["metric"] == "net_public_cost")].iloc[0]
        assert cost["median"] == pytest.approx(np.median(group["cost"]), rel=1e-9, abs=1e-3)
        pooled = head[(head["design"] == design) & (head["metric"] == "pooled_cost_per_additional_home")].iloc[0]
        if group["extra"].sum() > 0:
            assert pooled["median"] == pytest.approx(group["cost"].sum() / group["extra"].sum())
        else:
            assert math.isnan(pooled["median"])


def test_report_shows_the_numbers_it_computed(fund_results, report):
    text = report.read_text()
    head = pd.read_csv(report.parent / "headline.csv")
    for design in ("woningbouwimpuls", "startbouwimpuls", "sales_guarantee"):
        assert design in text
        extra = head[(head["design"] == design) & (head["metric"] == "additional_homes")]["median"].iloc[0]
        assert f"{extra:,.0f}" in text
    assert text.count("data:image/png;base64,") == 4
    for heading in ("Headline", "Homes over time", "Value for public money", "crash", "Glossary",
                    "Assumptions and model version", "grondexploitatie"):
        assert heading in text
    for png in ("homes_over_time.png", "cost_effectiveness.png", "by_market_future.png",
                "business_case_waterfall.png"):
        assert (report.parent / png).stat().st_size > 10_000


def test_report_needs_a_fund_lever_with_a_baseline(tmp_path):
    from sim.errors import InputError

    write_toml(tmp_path / "mini.toml", mini())
    (tmp_path / "e.toml").write_text('name = "x"\nscenario = "mini.toml"\nreplications = 1\nhorizon_years = 2\n')
    run_experiment(tmp_path / "e.toml", tmp_path / "r", quiet=True)
    with pytest.raises(InputError) as info:
        build_report(tmp_path / "r")
    assert "funds.design" in info.value.one_line()


def test_sobol_indices_from_a_sobol_experiment(tmp_path):
    from sim.reports.sensitivity import run_sensitivity

    write_toml(tmp_path / "mini.toml", light_world())
    (tmp_path / "s.toml").write_text("""
name = "sobol_small"
scenario = "mini.toml"
seed = 3
replications = 1
horizon_years = 10
[[uncertainties]]
path = "actors.developers.presale_threshold"
low = 0.3
high = 0.9
[[uncertainties]]
path = "regions[middle].absorption_homes_per_quarter"
low = 20.0
high = 200.0
[design]
kind = "sobol"
samples = 16
""")
    run_experiment(tmp_path / "s.toml", tmp_path / "r", quiet=True)
    table, png = run_sensitivity(tmp_path / "r", ("homes_completed",))
    assert list(table["parameter"]) == ["actors.developers.presale_threshold",
                                        "regions[middle].absorption_homes_per_quarter"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert (table["ST"] >= -0.2).all() and table["ST"].max() > 0.1
    assert png.stat().st_size > 5_000


def test_ema_perform_experiments_and_prim(tmp_path):
    from ema_workbench import SequentialEvaluator, perform_experiments

    from sim.ema import ema_model, prim_boxes

    write_toml(tmp_path / "mini.toml", light_world())
    (tmp_path / "ema.toml").write_text("""
name = "ema_small"
scenario = "mini.toml"
seed = 1
replications = 1
horizon_years = 10
[[levers]]
path = "funds.design"
values = ["none", "startbouwimpuls"]
[[uncertainties]]
path = "actors.developers.presale_threshold"
low = 0.3
high = 0.95
[[uncertainties]]
path = "regions[middle].absorption_homes_per_quarter"
low = 10.0
high = 250.0
""")
    model = ema_model(str(tmp_path / "ema.toml"), outcomes=("homes_completed", "homes_planned"))
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=16, policies=1, evaluator=evaluator,
                                                    uncertainty_sampling_kwargs={"rng": 42})
    assert len(experiments) == 16 and outcomes["homes_completed"].shape == (16,)
    failed = outcomes["homes_completed"] < np.median(outcomes["homes_completed"])
    assert 0 < failed.sum() < 16
    finder, box = prim_boxes(experiments, failed)
    assert box.coverage > 0 and box.density > 0
