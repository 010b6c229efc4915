"""``areasim report RESULTS``: fund designs side by side, in one self-contained HTML file.

Everything comes from the experiment's stored results (outcomes, yearly series, area table,
manifest); only the business-case waterfall re-runs one stored baseline run (exactly, from its
recorded seed). Figures are embedded as base64 PNG and also written as PNG files.
"""

from __future__ import annotations

import base64
import html
import json
import math
from importlib import resources
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.reports import figures
from sim.reports.paired import DESIGN, METRICS, headline, market_class, paired_runs
from sim.results import load, manifest

CAPTIONS = {
    "homes": "How many homes are finished each year under each design. The line is the middle future; the "
             "shaded band covers 90 % of the futures simulated. Dashed: no fund.",
    "cost": "Each dot is a design: to the right buys more extra homes, lower costs the public less. Designs on "
            "the dotted line are 'efficient': no other design buys more homes for less money.",
    "market": "The same designs in different kinds of futures: 'crash' futures spend the most time in a housing "
              "crash, 'boom' futures the least. A design that only works in booms is fragile.",
    "waterfall": "Where the money of one area goes, for one party, in the no-fund run: green is money in, "
                 "orange money out; the grey bar is the result. Every euro comes from the model's ledger.",
}


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "homes":
        return f"{value:,.0f}"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "points":
        return f"{value:+.1f}"
    if unit == "money":
        return f"€{value / 1e6:,.1f} M"
    if unit == "euro":
        return f"€{value:,.0f}"
    if unit == "years":
        return f"{value:+.1f}"
    return f"{value:,.1f}"


def headline_table(head: pd.DataFrame) -> pd.DataFrame:
    """Metrics (rows) × designs (columns), each cell 'median (5 % – 95 %)' in plain units."""
    rows = {}
    for (design, _metric), row in head.set_index(["design", "metric"]).iterrows():
        cell = _fmt(row["median"], row["unit"])
        if not math.isnan(row["p05"]) and row["p05"] != row["p95"]:
            cell += f" ({_fmt(row['p05'], row['unit'])} – {_fmt(row['p95'], row['unit'])})"
        rows.setdefault(design, {})[row["label"]] = cell
    return pd.DataFrame(rows)


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}">'


def _glossary() -> str:
    text = resources.files("sim.data").joinpath("glossary.md").read_text(encoding="utf-8")
    rows = [line.strip().strip("|").split("|") for line in text.splitlines() if line.startswith("| ")][1:]
    body = "".join(f"<tr><td><b>{html.escape(r[0].strip())}</b></td><td>{html.escape(r[1].strip())}</td>"
                   f"<td>{html.escape(r[2].strip())}</td></tr>" for r in rows if len(r) >= 3)
    return f"<table class='gloss'><tr><th>Dutch</th><th>English</th><th>meaning</th></tr>{body}</table>"


def _waterfall_run(results: Path, outcomes: pd.DataFrame, area: str | None):
    """Re-run the first baseline run (exactly) and return (business cases, chosen area, party)."""
    from sim.experiments.task import run_model
    from sim.ledger import business_cases

    runs = load(results, "runs")
    base = outcomes[outcomes[DESIGN] == "none"].sort_values("run_id").iloc[0]
    row = runs[runs["run_id"] == base["run_id"]].iloc[0]
    overrides = [(c.split(":", 1)[1], row[c].item() if hasattr(row[c], "item") else row[c])
                 for c in runs.columns if c.startswith(("lever:", "uncertainty:")) and pd.notna(row[c])]
    task = {"run_id": base["run_id"], "scenario": json.loads((results / "scenario.json").read_text()),
            "overrides": overrides, "seed": int(row["seed"]),
            "fund_designs": json.loads((results / "fund_designs.json").read_text())}
    model = run_model(task)
    cases = business_cases(model.ledger.to_frame())
    names = [a.name for a in model.areas]
    if area is None:
        municipal = cases[cases["party"].str.startswith("municipality:")].groupby("area")["net"].sum()
        area = str(municipal.idxmin())
    elif area not in names:
        raise InputError(str(results), "--area", area, ", ".join(names), problem="no such area")
    party = model.municipalities[next(a for a in model.areas if a.name == area).region_index].account
    return cases, area, party, base["run_id"]


def build_report(results: str | Path, out: str | Path | None = None, area: str | None = None) -> Path:
    """Write ``report.html``, the figures (PNG), ``headline.csv`` and ``paired_runs.csv``; returns the HTML path."""
    results = Path(results)
    outcomes = load(results)
    if outcomes.empty or DESIGN not in outcomes or "none" not in set(outcomes[DESIGN]):
        raise InputError(str(results), "lever:funds.design", "missing or without 'none'",
                         "an experiment with a funds.design lever that includes 'none' (e.g. experiments/"
                         "fund_designs.toml)", problem="cannot compare fund designs")
    try:
        areas = load(results, "areas")
    except InputError:
        areas = None
    series = load(results, "timeseries")
    meta = manifest(results)
    out = Path(out) if out is not None else results / "report"
    out.mkdir(parents=True, exist_ok=True)

    pairs = paired_runs(outcomes, areas)
    head = headline(pairs)
    pairs.to_csv(out / "paired_runs.csv", index=False)
    head.to_csv(out / "headline.csv", index=False)
    table = headline_table(head)

    pngs = {"homes": figures.homes_over_time(series, outcomes, out / "homes_over_time.png"),
            "cost": figures.cost_effectiveness(pairs, out / "cost_effectiveness.png"),
            "market": figures.by_market(pairs, out / "by_market_future.png")}
    cases, chosen, party, run_id = _waterfall_run(results, outcomes, area)
    pngs["waterfall"] = figures.waterfall(cases, chosen, party, out / "business_case_waterfall.png")

    futures = int(pairs.groupby(DESIGN).size().max()) if len(pairs) else 0
    best = head[head["metric"] == "pooled_cost_per_additional_home"].dropna(subset=["median"])
    best = best[best["median"] > 0].sort_values("median")
    lead = ""
    if len(best):
        top = best.iloc[0]
        lead = (f"<p class='lead'>Across {futures} simulated futures, <b>{html.escape(top['design'])}</b> buys extra "
                f"homes at the lowest net public cost: about <b>{_fmt(top['median'], 'euro')}</b> per extra home "
                f"(all futures pooled). Check the crash column below before concluding.</p>")
    crash = pairs.assign(market=market_class(pairs["crash_quarters"]))
    crash_table = crash.groupby([DESIGN, "market"])["additional_homes"].median().unstack().reindex(
        columns=["boom", "normal", "crash"])

    css = ("body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;font-size:12px;width:100%;table-layout:fixed}"
           "td,th{border:1px solid #ccc;padding:4px;vertical-align:top;word-wrap:break-word}"
           "th{background:#f0f0f0}img{max-width:100%;height:auto;display:block;margin:1em 0}"
           ".caption{font-size:13px;color:#444;margin-bottom:2em}.lead{font-size:16px}"
           ".wide{overflow-x:auto}.gloss td{font-size:12px}")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>areasim report: "
             f"{html.escape(meta['experiment'])}</title><style>{css}</style></head><body>",
             f"<h1>Public funds for inner-city housing: {html.escape(meta['experiment'])}</h1>",
             "<p>This report compares public-fund designs for Dutch inner-city area transformations. Every design "
             "is simulated on the <i>same</i> market futures as the situation without a fund, so each difference "
             "is the effect of the design, not luck. Figures are medians over futures with the range that "
             "covers 90 % of them.</p>", lead,
             "<h2>Headline: what each design achieves</h2>",
             "<div class='wide'>" + table.to_html(escape=True, classes="headline", border=0) + "</div>",
             "<p class='caption'>Each cell: the middle future, and in brackets the range of 90 % of futures. "
             "'Extra homes' are homes completed within the simulated period that would not have been completed "
             "without the fund. 'Net public cost' is what the fund spends minus what flows back, plus any change "
             "in the municipalities' own results. 'Deadweight' is money that went to areas that started just as "
             "many homes without the fund.</p>",
             "<h2>Homes over time</h2>", _img(pngs["homes"]), f"<p class='caption'>{CAPTIONS['homes']}</p>",
             "<h2>Value for public money</h2>", _img(pngs["cost"]), f"<p class='caption'>{CAPTIONS['cost']}</p>",
             "<h2>Robustness: booms, normal times and crashes</h2>", _img(pngs["market"]),
             "<div class='wide'>" + crash_table.to_html(float_format=lambda v: f"{v:,.0f}", border=0) + "</div>",
             f"<p class='caption'>{CAPTIONS['market']} Table: median extra homes.</p>",
             f"<h2>Inside one area: {html.escape(chosen)}</h2>", _img(pngs["waterfall"]),
             f"<p class='caption'>{CAPTIONS['waterfall']} (run {html.escape(run_id)}, party {html.escape(party)})</p>",
             "<h2>Glossary of Dutch terms</h2>", _glossary(),
             "<h2>Assumptions and model version</h2><ul>",
             f"<li>Experiment {html.escape(meta['experiment'])}: {meta['runs_done']} of {meta['runs_total']} runs "
             f"done, {meta['runs_failed']} failed; seed {meta['seed']}, {meta['replications']} futures per design.</li>",
             f"<li>areasim {html.escape(meta['versions']['areasim'])}, git commit "
             f"{html.escape(meta['git_commit'])}; mesa {html.escape(meta['versions']['mesa'])}, "
             f"simpy {html.escape(meta['versions']['simpy'])}, Python {html.escape(meta['versions']['python'])}.</li>",
             f"<li>Scenario {html.escape(Path(meta['scenario_file']).name)} (sha256 {meta['scenario_sha256'][:12]}…); "
             "fund rules from the Dutch schemes (Woningbouwimpuls, Startbouwimpuls, SVn, Rijksgrondfaciliteit) as "
             "documented in scenarios/funds/README.md; budgets scaled to the simulated programme.</li>",
             "<li>Market futures: regime-switching cycles calibrated to CBS house prices 1995-2024 "
             "(docs/market.md). Parties value deals on their own expectations, not on the true future.</li>",
             "<li>Simplifications: docs/ODD.md, section 'What is simple on purpose'.</li>",
             f"<li>Metrics definitions: {', '.join(html.escape(v[0]) for v in METRICS.values())} — "
             "sim/reports/paired.py.</li></ul></body></html>"]
    target = out / "report.html"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
