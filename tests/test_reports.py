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


# ------------------------------------------------------------------ headline by dominance (issue #15)
DOMINANCE_EXPERIMENT = """
name = "dominance"
scenario = "mini.toml"
seed = 9
replications = 4
horizon_years = 2

[[levers]]
path = "funds.design"
values = ["none", "revolving_fund", "woningbouwimpuls", "sales_guarantee"]
"""


def stored_experiment(folder: Path, effects: dict[str, tuple[int, int, float, float]]) -> Path:
    """A real stored experiment (run by the runner, written by the store) whose fund runs' outcomes are then set,
    through the store's own writer, to the paired effects wanted: design → (extra homes, extra affordable homes,
    € paid, € returned) against the no-fund run of the same future (plus a little variation per future)."""
    import pyarrow.parquet as pq

    from sim.experiments.store import ExperimentStore, atomic_write_table

    write_toml(folder / "mini.toml", mini())
    (folder / "exp.toml").write_text(DOMINANCE_EXPERIMENT)
    out = folder / "results"
    run_experiment(folder / "exp.toml", out, quiet=True)
    store = ExperimentStore(out)
    rows = {p.stem: pq.read_table(p).to_pylist()[0] for p in store.part_files("outcomes")}
    base = {r["replication"]: r for r in rows.values() if r["lever:funds.design"] == "none"}
    for run_id, row in rows.items():
        design = row["lever:funds.design"]
        if design == "none":
            continue
        homes, affordable, paid, returned = effects[design]
        b = base[row["replication"]]
        wobble = row["replication"]  # futures differ a little; the medians keep the sign of the effect
        row.update({"homes_completed": b["homes_completed"] + homes + (wobble if homes else 0),
                    "homes_completed_social": b["homes_completed_social"] + affordable + (wobble if affordable else 0),
                    "homes_completed_mid_rent": b["homes_completed_mid_rent"],
                    "public_cash_end": b["public_cash_end"], "fund_paid": paid, "fund_returned": returned,
                    "fund_levies": 0.0, "fund_budget": 1e9, "fund_held": 1e9 - paid + returned,
                    "private_investment": b["private_investment"]})
        atomic_write_table({k: [v] for k, v in row.items()}, store.part("outcomes", run_id))
    store.consolidate()
    return out


def lead(report_path: Path) -> str:
    import re

    return re.sub(r"<[^>]+>", "", re.search(r"<p class='lead'>(.*?)</p>", report_path.read_text(), re.S).group(1))


def test_headline_names_the_design_that_dominates_no_fund(tmp_path):
    """More homes and money back beats no fund; the old bug named the design with 0 extra homes and the lowest
    cost per home (revolving_fund) and never the one with more homes and money back (sales_guarantee)."""
    results = stored_experiment(tmp_path, {"revolving_fund": (0, 0, 20e6, 19e6),
                                           "woningbouwimpuls": (40, 20, 30e6, 0.0),
                                           "sales_guarantee": (60, 30, 10e6, 15e6)})
    text = lead(build_report(results))
    assert text.startswith("sales guarantee beats no fund"), text
    assert "returns €5.0 M net to the public purse" in text and "more homes than no fund in 100% of futures" in text
    assert "No design beats no fund" not in text
    assert "Worse than no fund" in text and text.index("revolving fund") > text.index("Worse than no fund")
    assert "Also better than no fund" not in text  # woningbouwimpuls costs money: not better than no fund


def test_headline_says_plainly_when_no_design_beats_no_fund(tmp_path):
    results = stored_experiment(tmp_path, {"revolving_fund": (0, 0, 20e6, 5e6),
                                           "woningbouwimpuls": (-30, -10, 30e6, 0.0),
                                           "sales_guarantee": (0, 0, 10e6, 2e6)})
    report = build_report(results)
    text = lead(report)
    assert text.startswith("No design beats no fund"), text
    assert "No design gives more homes or affordable homes than no fund" in text
    for design in ("revolving fund", "woningbouwimpuls", "sales guarantee"):
        assert design in text.split("Worse than no fund")[1], design
    html_text = report.read_text()
    assert "fewer than 30 futures" in html_text  # 4 futures per design: every table warns
    assert html_text.count("4 futures per design.") >= 4


def test_report_tables_use_readable_labels_and_count_futures_per_market_group(fund_results, report):
    import re

    text = report.read_text()
    tables = re.findall(r"<table.*?</table>", text, re.S)
    assert len(tables) >= 4
    for raw in ("additional_homes", "net_public_cost", "lever:funds.design", "sales_guarantee", "_"):
        assert not any(raw in re.sub(r"<[^>]+>", " ", t) for t in tables[:3]), raw
    groups = re.findall(r"(boom|normal|crash) futures \((\d+)\)", tables[2])
    assert {g for g, _ in groups} == {"boom", "normal", "crash"}
    assert sum(int(n) for _, n in groups) == 6  # every future in exactly one group
    for heading in ("How to read this", "What this model leaves out", "How often does each design beat no fund"):
        assert heading in text


def test_every_figure_draws_each_design_in_the_same_colour(fund_results, report):
    import html
    import json
    import re

    maps = [json.loads(html.unescape(m)) for m in re.findall(r"<figure data-colours='([^']*)'", report.read_text())]
    assert len(maps) == 4
    overall = json.loads((report.parent / "colours.json").read_text())
    drawn = [m for m in maps if m]
    assert len(drawn) == 3 and all(m.items() <= overall.items() for m in drawn)
    assert len(set(overall.values())) == len(overall)  # one colour per design
    assert {d for m in drawn for d in m} == set(overall)


def test_the_frontier_is_drawn_when_the_caption_mentions_it(fund_results, report):
    from sim.reports.figures import frontier

    points = pd.DataFrame({"extra": [0, 10, 5, 20], "cost": [0, 5, 8, 20]}, index=["none", "a", "b", "c"])
    assert frontier(points) == ["none", "a", "c"]  # b costs more than a for fewer homes
    text = report.read_text()
    assert ("efficient frontier" in text) == ("The dotted line is the efficient frontier" in text)


def test_bootstrap_interval_of_the_median_is_seeded_and_covers_it():
    from sim.reports.paired import bootstrap_median

    values = np.random.default_rng(1).normal(100, 20, 40)
    low, high = bootstrap_median(values)
    assert (low, high) == bootstrap_median(values)  # same results, same interval
    assert low < np.median(values) < high and high - low < 40


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
low = 0.6
high = 0.95
[[uncertainties]]
path = "regions[middle].absorption_homes_per_quarter"
low = 5.0
high = 60.0
""")
    model = ema_model(str(tmp_path / "ema.toml"), outcomes=("homes_completed", "homes_planned"))
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=16, policies=1, evaluator=evaluator,
                                                    uncertainty_sampling_kwargs={"rng": 42})
    assert len(experiments) == 16 and outcomes["homes_completed"].shape == (16,)
    homes = outcomes["homes_completed"]
    failed = homes < homes.max()  # fewer homes than the best future: what PRIM should explain
    assert 0 < failed.sum() < 16, homes
    finder, box = prim_boxes(experiments, failed)
    assert box.coverage > 0 and box.density > 0
