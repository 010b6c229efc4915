"""Write the tutorial notebooks in docs/tutorials/ (run: python tools/make_tutorials.py).

The notebooks are generated so that their code stays in one reviewable place; tests execute
them top to bottom with nbclient (tests/test_tutorials.py).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "docs" / "tutorials"

NOTEBOOKS = {
    "01_first_run.ipynb": [
        ("md", """# 1. A first run, and how to read it

areasim simulates a programme of Dutch inner-city transformation areas quarter by quarter:
municipalities, developers, housing associations and investors negotiate deals and build homes
while the housing market goes through cycles. In this notebook you run the built-in scenario and
look at what came out: homes, money, and the story of one area."""),
        ("code", """from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.model import AreaModel

scenario = load_scenario(DEFAULT_SCENARIO)
print(len(scenario.areas), "areas,", sum(a.homes for a in scenario.areas), "homes planned")
model = AreaModel(scenario, seed=1).run()      # 120 quarters = 30 years
print("homes completed:", int(model.completed_total.sum()))

# Check: these are the numbers this notebook discusses (same seed, same results, on any machine).
assert (len(scenario.areas), sum(a.homes for a in scenario.areas)) == (24, 48800)
assert int(model.completed_total.sum()) == 32060
assert [a.state() for a in model.areas].count("abandoned") == 1"""),
        ("md", """## Time series
Every quarter the model records prices, homes started and completed, and cash positions. They
are a pandas DataFrame:"""),
        ("code", """series = model.datacollector.get_model_vars_dataframe()
series[["year", "regime", "price_index_middle", "phases_waiting", "completed_total_social",
        "completed_total_owner_occupied", "public_cash"]].iloc[::12]"""),
        ("code", """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(8, 3))
t = series["year"] + (series["quarter"] % 4) / 4
for column in ["completed_total_social", "completed_total_mid_rent", "completed_total_owner_occupied"]:
    ax.plot(t, series[column], label=column.replace("completed_total_", ""))
ax.set_ylabel("homes completed"); ax.legend(); plt.show()"""),
        ("md", """## Every euro is in the ledger
Each payment is one transaction. The business case of an area is a query on it:"""),
        ("code", """from sim.ledger import business_cases
cases = business_cases(model.ledger.to_frame())
by_party = cases[cases["area"] == "river_front"].groupby("party")["net"].sum().sort_values() / 1e6   # € million
assert abs(cases.groupby("area")["net"].sum()).max() < 1e-3     # every euro paid is received by someone
assert round(by_party["municipality:middle"], 1) == -49.8     # the municipality's net cash on this area
by_party"""),
        ("md", """## Why did an area go, stall or collapse?
`areasim explain` (here as a function) tells the story with numbers: the negotiation, every go
and stall, the money."""),
        ("code", """from sim.output.explain import story
from sim.output.writer import events_frame
areas = model.datacollector.get_table_dataframe("areas")
meta = {"start_year": model.spec.start_year, "scenario": model.spec.name, "seed": model.seed}
print(story(events_frame(model), areas, cases, meta, "river_front")[:2500])"""),
        ("md", """## Exercises
1. Run with `seed=2` and `seed=3`. Which numbers change and why? (Hint: `model.market.regime`.)
2. Find the area with the largest loss for its municipality. Which cost items dominate?
3. Which areas ended `abandoned`? Read their story: was it presales, the deal, or the housing
   association's ratios?"""),
    ],
    "02_cooperation_models.ipynb": [
        ("md", """# 2. Five cooperation models on one area

Who buys the land, who pays the public works, who carries the risk? The Dutch cooperation
models answer differently (traditional/active land policy, building claim, joint venture,
concession, private realisation with cost recovery; `docs/sources.md#omgevingsweb-coop`).
Here one area, `river_front` (1,500 homes in three phases, a complex inner-city site whose
public works cost more than its land yields), is run under each model on the same market
future: a steady market with a 25 % price fall in year 3."""),
        ("code", """import copy
from sim.scenario import DEFAULT_SCENARIO, read_toml, from_dict
from sim.model import AreaModel

base = read_toml(DEFAULT_SCENARIO)
area = next(a for a in base["areas"] if a["name"] == "river_front")
models = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]

def run(model_name, crash=True):
    data = copy.deepcopy(base)
    data["areas"] = [dict(area, cooperation=model_name)]
    data["horizon_years"] = 15
    if crash:
        data["market"] = {"mode": "steady", "shock": {"year": 3, "price_drop": 0.25, "duration_quarters": 8}}
    return AreaModel(from_dict(data), seed=4).run()

results = {name: run(name) for name in models}"""),
        ("code", """import pandas as pd

def first_deal(m):
    # the first negotiation that ended in a deal (an earlier one may fail and be retried later)
    return next(e for e in m.events if e["event"] == "negotiation" and e["success"])

rows = []
for name, m in results.items():
    coop = m.areas[0].coop
    rows.append({"model": name, "works paid by": coop.works_payer,
                 "homes completed": int(m.completed_total.sum()),
                 "phases": " / ".join(p.stage_name for p in m.phases),
                 "first deal: land price (€/market home)": round(first_deal(m)["land_price"] or 0),
                 "municipality net cash (€M)": round(m.municipalities[1].cash / 1e6, 1),
                 "loss provisions (€M)": round(m.municipalities[1].total_provisions / 1e6, 1),
                 "developers net cash (€M)": round(sum(d.cash for d in m.developers) / 1e6, 1)})
table = pd.DataFrame(rows).set_index("model")
table"""),
        ("md", """## The picture: when homes come, and who pays

Left: homes completed over time under each model (grey = the price fall). Right: where the
money ends up — the municipality's and the developers' net cash at the end (below zero = they
put more in than they got out)."""),
        ("code", """import matplotlib.pyplot as plt
import numpy as np

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), constrained_layout=True)
for name, m in results.items():
    s = m.datacollector.get_model_vars_dataframe()
    t = s["year"] + (s["quarter"] % 4) / 4
    left.plot(t, s[[c for c in s if c.startswith("completed_total_")]].sum(axis=1), lw=2, label=name)
crash = s["regime"].eq("crash").to_numpy()
left.fill_between(t, 0, 1, where=crash, color="0.85", transform=left.get_xaxis_transform(), zorder=0)
left.set_ylabel("homes completed (cumulative)"); left.set_title("Homes over time"); left.legend(fontsize=8)

x = np.arange(len(models))
right.bar(x - 0.2, table["municipality net cash (€M)"], 0.4, label="municipality", color="#1f78b4")
right.bar(x + 0.2, table["developers net cash (€M)"], 0.4, label="developers", color="#e31a1c")
right.axhline(0, color="k", lw=0.6)
right.set_xticks(x, [n.replace("_", "\\n") for n in models], fontsize=8)
right.set_ylabel("€ million at the end"); right.set_title("Who carries the cost of a complex site"); right.legend()
plt.show()"""),
        ("md", """## Why each model ends where it does

Nobody pays for land before somebody decides: under active land policy the council opens the
area's land-development account on its own expectations (its walk-away loss per home and its
reserves); under every other model nothing is bought before an agreement is signed.

- **Traditional (active land policy)**: the municipality buys the land, pays the works and sells
  serviced plots at its land price (today's residual value). After the price fall its own
  expectation of the area's result is worse than the loss it accepts, so it does not open the
  account until prices have recovered: **no home is finished within 15 years** (all three phases
  are under construction at the end). Its cash suffers least — it spent little — but the homes
  come a decade late.
- **Building claim**: the developers' land is traded for the right to build serviced plots at a
  price fixed in the agreement; the signed claim lets the municipality go ahead as soon as a deal
  is reached, so all three phases are built — but the municipality buys the land, pays the works
  and carries the fall in land value, and ends deepest in the red while the developers earn.
- **Joint venture**: land, works and revenue go into a joint company with capital calls on both
  partners: all three phases are built, and the loss is shared.
- **Concession**: the private party pays *all* public works, including overruns. The "land price"
  is then a concession fee — and on this site it is **negative**: the municipality pays the
  concessionaire to take on a site whose works cost more than its plots are worth (the Fakton
  inner-city deficit of about €28,500 per home, `docs/sources.md#fakton-2016`). The developers end
  with the loss; the municipality pays once and carries no market risk.
- **Private realisation with cost recovery**: the owner develops its own land only when its own
  case works; the municipality pays the works and recovers a contribution between zero and the
  legal cap (never imposed on a plan the owner could not build). After the crash the owner's case
  works only late: like traditional, **no home is finished within 15 years**, and both the
  municipality (works paid, little recovered) and the owner (land carried for years) lose.

The evidence, from the run's own story:"""),
        ("code", """from sim.ledger import business_cases
from sim.output.explain import story
from sim.output.writer import events_frame

m = results["private_realisation"]
text = story(events_frame(m), m.datacollector.get_table_dataframe("areas"), business_cases(m.ledger.to_frame()),
             {"start_year": m.spec.start_year, "scenario": "river_front", "seed": m.seed}, "river_front")
print("\\n".join(line for line in text.splitlines() if line.strip().startswith(("phase", "2030"))))
deal = first_deal(results["concession"])
print(f"\\nconcession, first deal: land price {deal['land_price']:,.0f} € per market home "
      f"(negative = the municipality pays), developer bears {deal['overrun_share']:.0%} of overruns")"""),
        ("code", """# Check: the numbers this notebook explains.
homes = table["homes completed"]
assert homes["traditional"] == 0 and homes["private_realisation"] == 0
assert homes[["building_claim", "joint_venture", "concession"]].eq(1500).all()
assert [p.stage_name for p in results["traditional"].phases] == ["construction"] * 3
assert [p.stage_name for p in results["private_realisation"].phases] == ["construction"] * 3
assert table.loc["concession", "first deal: land price (€/market home)"] < 0
mun = table["municipality net cash (€M)"]
assert mun["building_claim"] < mun["joint_venture"] < mun["concession"] < mun["traditional"] < 0
dev = table["developers net cash (€M)"]
assert dev["concession"] < 0 < dev["building_claim"] and dev["private_realisation"] < 0
print("checked")"""),
        ("md", """## Exercises
1. Switch off the crash (`run(name, crash=False)`). Which model changes most, and does private
   realisation now build all three phases?
2. Make the municipality more risk averse (`data["actors"] = {"municipality": {"risk_aversion": 1.0}}`).
   Which deals now fail? Use the app's *Risk* tab to see why.
3. Write a sixth cooperation model as one class (see `docs/extending.md`) and run it here."""),
    ],
    "03_designing_a_fund.ipynb": [
        ("md", """# 3. Designing a fund and reading its paired effect

A fund design is data. Its effect is always measured against the run *without* the fund on the
same future (same seed): the difference is the effect of the design, not luck."""),
        ("code", """from sim.funds.design import FundDesign, NO_FUND
from sim.funds.metrics import paired_comparison
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.model import AreaModel

design = FundDesign.model_validate({
    "name": "my_grant",
    "funds": [{"name": "state", "budget": 300e6, "allocation": "tranches", "tranche_years": [0.5, 1.5, 2.5],
               "instruments": [{"type": "deficit_grant", "max_share_of_deficit": 0.5, "min_homes": 500,
                                "min_affordable_share": 0.5}]}]})
scenario = load_scenario(DEFAULT_SCENARIO)"""),
        ("code", """import pandas as pd
rows = []
for seed in (1, 2, 3):
    base = AreaModel(scenario, seed=seed, fund_design=NO_FUND).run()
    with_fund = AreaModel(scenario, seed=seed, fund_design=design).run()
    rows.append(paired_comparison(base, with_fund))
table = pd.DataFrame(rows)
# Check: on these three futures the grant buys no additional home; where it pays out (seeds 1 and 3),
# most of it (76 % and 100 %) goes to phases that started within a year of their funded start without it.
assert table["additional_homes"].eq(0).all()
assert round(table.loc[table["seed"] == 1, "deadweight_share"].item(), 3) == 0.756
table[["seed", "additional_homes", "fund_paid", "fund_returned", "net_public_cost_per_additional_home",
       "deadweight_share"]]"""),
        ("md", """**Deadweight** is money that went to phases that would have started within a year without the fund
(they did in the paired no-fund run).
A grant on the public deficit only helps where the *deal* was the bottleneck; where presales or
the housing association's ratios hold an area back, it buys nothing."""),
        ("md", """## Exercises
1. Replace the grant by a sales guarantee (`{"type": "sales_guarantee", "presale_threshold": 0.5}`).
   Does it buy more homes per public euro?
2. Double the budget. Do additional homes double?
3. For one seed, compare the two runs' `explain` stories of an area that received money."""),
    ],
}

INTRO_04 = ("md", """# 4. A small batch experiment with sensitivity analysis

Researchers run many futures and designs. An experiment file lists levers, uncertainties and a
sampling design; the runner streams results to Parquet and can resume. Here a small Sobol
experiment on a few areas of the default programme, and its Sobol indices (SALib).""")

NOTEBOOKS["04_batch_and_sensitivity.ipynb"] = [
    INTRO_04,
    ("code", """import tempfile
from pathlib import Path
from sim.scenario import DEFAULT_SCENARIO, read_toml
from sim.experiments.files import write_scenario, write_experiment

folder = Path(tempfile.mkdtemp())
data = read_toml(DEFAULT_SCENARIO)
data["areas"] = data["areas"][8:12]          # four areas of the middle region, to keep it quick
data["horizon_years"] = 12
write_scenario(folder / "small.toml", data)  # written and validated
write_experiment(folder / "sobol.toml", name="tutorial_sobol", scenario="small.toml", seed=11,
                 uncertainties={"actors.developers.presale_threshold": (0.5, 0.8),
                                "regions[middle].absorption_homes_per_quarter": (60.0, 240.0),
                                "actors.developers.required_margin": (0.10, 0.20)},
                 design={"kind": "sobol", "samples": 16})
print((folder / "sobol.toml").read_text())"""),
    ("code", """from sim.experiments import run_experiment
final = run_experiment(folder / "sobol.toml", folder / "results", quiet=True)
print(final["runs_done"], "runs done,", final["runs_failed"], "failed")
assert (final["runs_done"], final["runs_failed"]) == (16 * (3 + 2), 0)   # Saltelli, first order: N (D + 2) runs"""),
    ("code", """from sim import results
frame = results.load(folder / "results")
frame[["run_id", "uncertainty:actors.developers.presale_threshold",
       "uncertainty:regions[middle].absorption_homes_per_quarter", "homes_completed", "public_cash_end"]].head()"""),
    ("code", """from sim.reports.sensitivity import sobol_indices
indices = sobol_indices(folder / "results", ("homes_completed", "public_cash_end"))
assert len(indices) == 2 * 3          # two outcomes × three parameters
indices"""),
    ("md", """S1 is the share of the variance of an outcome explained by one parameter alone; ST includes its
interactions. With 16 base samples the confidence intervals are wide: the shipped
`experiments/sensitivity.toml` uses 64 on the whole programme (`areasim sensitivity`)."""),
    ("md", """## Exercises
1. Add `market.regimes.crash.price_growth` (−0.12 … −0.03) as a fourth uncertainty. Which parameter
   matters most for homes completed now?
2. Run the same experiment with `--workers 2` from the command line and check that `outcomes.parquet`
   is byte-identical.
3. Interrupt a longer experiment with Ctrl-C and continue it with `--resume`."""),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=[new_markdown_cell(src) if kind == "md" else new_code_cell(src)
                                 for kind, src in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, OUT / name)
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
