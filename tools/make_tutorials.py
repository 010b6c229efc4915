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
print("homes completed:", int(model.completed_total.sum()))"""),
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
cases[cases["area"] == "river_front"].groupby("party")["net"].sum().sort_values() / 1e6   # € million"""),
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
concession, private realisation with cost recovery). Here one area is run under each model on
the same market future, including a crash."""),
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
rows = []
for name, m in results.items():
    rows.append({"model": name, "homes completed": int(m.completed_total.sum()),
                 "municipality net cash (€M)": round(m.municipalities[1].cash / 1e6, 1),
                 "loss provisions (€M)": round(m.municipalities[1].total_provisions / 1e6, 1),
                 "developers net cash (€M)": round(sum(d.cash for d in m.developers) / 1e6, 1)})
pd.DataFrame(rows)"""),
        ("md", """Under active land policy the municipality pays the works and books the loss in a crash;
under a concession the private party does. Look at the deals that were negotiated:"""),
        ("code", """for name, m in results.items():
    deals = [e for e in m.events if e["event"] == "negotiation"]
    first = deals[0]
    print(f"{name:20s} {first['protocol']:18s} success={first['success']} rounds={first['rounds']} "
          f"land price={first['land_price'] or 0:,.0f} €/market home")"""),
        ("md", """## Exercises
1. Switch off the crash (`run(name, crash=False)`). Which model changes most?
2. Make the municipality more risk averse (`data["actors"] = {"municipality": {"risk_aversion": 1.0}}`).
   Which deals now fail?
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
table[["seed", "additional_homes", "fund_paid", "fund_returned", "net_public_cost_per_additional_home",
       "deadweight_share"]]"""),
        ("md", """**Deadweight** is money that went to areas that started just as many homes without the fund.
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

WRITER = '''def write_scenario(path, data):
    """Write a scenario dict as TOML (tables, arrays of tables, scalars)."""
    lines = []
    def scalar(v):
        if isinstance(v, bool): return "true" if v else "false"
        if isinstance(v, str): return '"' + v + '"'
        if isinstance(v, (list, tuple)): return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, dict): return "{ " + ", ".join(f"{k} = {scalar(x)}" for k, x in v.items()) + " }"
        return repr(v)
    def table(prefix, d):
        for k, v in d.items():
            if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict)):
                lines.append(f"{k} = {scalar(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                lines.append(f"\\\\n[{prefix}{k}]"); table(f"{prefix}{k}.", v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    lines.append(f"\\\\n[[{prefix}{k}]]"); table(f"{prefix}{k}.", item)
    table("", data)
    Path(path).write_text("\\\\n".join(lines) + "\\\\n")'''

NOTEBOOKS["04_batch_and_sensitivity.ipynb"] = [
    INTRO_04,
    ("code", "import tempfile, tomllib\nfrom pathlib import Path\nfrom sim.scenario import DEFAULT_SCENARIO\n\n"
             + WRITER.replace("\\\\n", "\\n")),
    ("code", """folder = Path(tempfile.mkdtemp())
with open(DEFAULT_SCENARIO, "rb") as fh:
    data = tomllib.load(fh)
data["areas"] = data["areas"][8:12]          # four areas of the middle region, to keep it quick
data["horizon_years"] = 12
write_scenario(folder / "small.toml", data)
(folder / "sobol.toml").write_text('''
name = "tutorial_sobol"
scenario = "small.toml"
seed = 11
replications = 1
[[uncertainties]]
path = "actors.developers.presale_threshold"
low = 0.5
high = 0.8
[[uncertainties]]
path = "regions[middle].absorption_homes_per_quarter"
low = 60.0
high = 240.0
[[uncertainties]]
path = "actors.developers.required_margin"
low = 0.10
high = 0.20
[design]
kind = "sobol"
samples = 16
''')"""),
    ("code", """from sim.experiments import run_experiment
final = run_experiment(folder / "sobol.toml", folder / "results", quiet=True)
print(final["runs_done"], "runs done,", final["runs_failed"], "failed")"""),
    ("code", """from sim import results
frame = results.load(folder / "results")
frame[["run_id", "uncertainty:actors.developers.presale_threshold",
       "uncertainty:regions[middle].absorption_homes_per_quarter", "homes_completed", "public_cash_end"]].head()"""),
    ("code", """from sim.reports.sensitivity import sobol_indices
sobol_indices(folder / "results", ("homes_completed", "public_cash_end"))"""),
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
