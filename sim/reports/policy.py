"""``areasim report RESULTS``: fund designs side by side, in one self-contained HTML file.

Everything comes from the experiment's stored results (outcomes, yearly series, area and phase
tables, manifest); only the business-case waterfall re-runs one stored baseline run (exactly, from
its recorded seed). Figures are embedded as base64 PNG and also written as PNG files; each figure
carries the design → colour mapping it was drawn with (``data-colours``), the same for every figure.

The headline compares designs by dominance (:func:`sim.reports.paired.verdict`): a design beats no
fund when, in the median future, it gives more homes or affordable homes for no net public money
(money back counts as a gain); it says so plainly when none does.
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
from sim.funds.metrics import DEADWEIGHT_QUARTERS
from sim.reports import figures
from sim.reports.figures import design_colours, design_label
from sim.reports.paired import (
    BASELINE,
    BOOTSTRAP_RESAMPLES,
    CHANNELS,
    DESIGN,
    FEW_FUTURES,
    METRICS,
    headline,
    market_class,
    paired_runs,
    verdict,
)
from sim.results import load, manifest

HOW_TO_READ = [
    "Every design is simulated on the <i>same</i> market futures as the situation without a fund (same seed, "
    "same draws), so each difference is the effect of the design in that future, not luck. A future is one "
    "simulated 30-year path of the housing market.",
    "The <b>median</b> is the middle future. The interval after it (\u201cmedian 95 %\u201d) says how sure we are "
    f"of that median: it comes from {BOOTSTRAP_RESAMPLES:,} bootstrap resamples of the futures. The 5\u201395 % range "
    "says how much the effect differs between futures.",
    "<b>Beats no fund in x % of futures</b>: the share of futures in which the design did strictly better than no "
    "fund on that line (more homes, sooner, less public money).",
    "<b>Net public cost</b> = what the funds paid \u2212 what came back to them \u2212 the change in the "
    "municipalities' own result. Below zero means money back to the public purse. Money still <b>held by the "
    "funds</b> at the end (unspent budget, money returned, levies paid in by municipalities) is public money "
    "that moved, not money spent: it is shown on its own line and never counted as a cost.",
    f"<b>Deadweight</b>: a phase the fund paid for that would have started within {DEADWEIGHT_QUARTERS} quarters "
    "anyway (it did in the paired no-fund run).",
    "<b>Home-years gained</b> counts homes \u00d7 years earlier: a home finished two years sooner counts 2, an "
    "extra home finished five years before the end counts 5.",
    "With fewer than 30 futures per design the medians and shares are rough: a warning says so under each table.",
]

LEAVES_OUT = [
    "Rents and the value of homes after completion: housing associations and investors are judged by cash "
    "only (docs/outputs.md, 'Cash is not wealth').",
    "Households and who gets the homes: the model counts homes, not who lives in them or what they pay.",
    "Other public budgets: national tax revenue, housing allowances, and the cost of the money the state "
    "borrows for a fund's budget are not in the net public cost.",
    "Politics beyond elections and a council's land-policy weight: no ministerial changes of a scheme mid-way.",
    "Anything after the simulated horizon: homes started but not finished count only as started.",
    "Simplifications made on purpose are listed in docs/ODD.md, section 'What is simple on purpose'.",
]


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "homes":
        return f"{value:,.0f}"
    if unit == "share":
        return f"{value:.0%}"
    if unit in ("points", "years"):
        return f"{value:+.1f}"
    if unit == "months":
        return f"{value:+.1f} months"
    if unit == "home-years":
        return f"{value:,.0f}"
    sign = "−" if value < 0 else ""
    if unit == "money":
        return f"{sign}€{abs(value) / 1e6:,.1f} M"
    if unit == "euro":
        return f"{sign}€{abs(value):,.0f}"
    return f"{value:,.1f}"


def futures_note(n: int) -> str:
    """The number of futures behind a table, with a warning under :data:`FEW_FUTURES`."""
    note = f"{n} futures per design."
    if n < FEW_FUTURES:
        note += (f" <b class='warn'>Warning: fewer than {FEW_FUTURES} futures; medians and shares are rough "
                 "— run more replications before drawing conclusions.</b>")
    return f"<p class='futures'>{note}</p>"


def headline_table(head: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Metrics (rows) × designs (columns), as HTML cells: the median in bold, below it the 95 % interval of the
    median and the 5-95 % range of futures, in plain units; labels escaped (render with ``escape=False``)."""
    rows: dict[str, dict[str, str]] = {}
    for (design, _metric), row in head.set_index(["design", "metric"]).iterrows():
        cell = f"<b>{html.escape(_fmt(row['median'], row['unit']))}</b>"
        details = []
        if not math.isnan(row["median_low"]) and row["median_low"] != row["median_high"]:
            details.append(f"median 95 %: {_fmt(row['median_low'], row['unit'])} – {_fmt(row['median_high'], row['unit'])}")
        if not math.isnan(row["p05"]) and row["p05"] != row["p95"]:
            details.append(f"futures 5–95 %: {_fmt(row['p05'], row['unit'])} – {_fmt(row['p95'], row['unit'])}")
        if details:
            cell += "<br><small>" + "<br>".join(html.escape(d) for d in details) + "</small>"
        rows.setdefault(html.escape(design_label(design)), {})[html.escape(row["label"])] = cell
    return pd.DataFrame(rows)[[html.escape(design_label(d)) for d in order
                               if html.escape(design_label(d)) in rows]]


def beats_table(head: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Channels (rows) × designs (columns): share of futures in which the design beats no fund."""
    rows: dict[str, dict[str, str]] = {}
    for _, row in head[head["metric"].isin(CHANNELS)].iterrows():
        value = row["beats_no_fund"]
        rows.setdefault(design_label(row["design"]), {})[row["label"]] = (
            "n/a" if math.isnan(value) else f"{value:.0%}")
    return pd.DataFrame(rows)[[design_label(d) for d in order if design_label(d) in rows]]


def _money_phrase(cost: float) -> str:
    if cost < 0:
        return f"returns {_fmt(-cost, 'money')} net to the public purse"
    if cost == 0:
        return "costs no net public money"
    return f"costs {_fmt(cost, 'money')} net"


def headline_text(result: dict, head: pd.DataFrame, futures: int) -> str:
    """The lead of the report in plain sentences (HTML): which designs beat no fund, or that none does."""
    table = result["table"]
    share = head[head["metric"] == "additional_homes"].set_index("design")["beats_no_fund"]
    parts = []
    if result["beat"]:
        for design in result["best"]:
            row = table.loc[design]
            parts.append(f"<b>{html.escape(design_label(design))}</b> beats no fund: in the median of {futures} "
                         f"futures it gives {row['homes']:+,.0f} homes ({row['affordable']:+,.0f} affordable) and "
                         f"{_money_phrase(row['cost'])}; it gives more homes than no fund in "
                         f"{share.get(design, math.nan):.0%} of futures.")
        others = [d for d in result["beat"] if d not in result["best"]]
        if others:
            parts.append("Also better than no fund, but beaten by a design above: "
                         + ", ".join(html.escape(design_label(d)) for d in others) + ".")
    else:
        parts.append(f"<b>No design beats no fund</b>: in the median of {futures} futures none gives more homes or "
                     "affordable homes without costing net public money.")
        if not result["trade_offs"]:
            parts.append("No design gives more homes or affordable homes than no fund in the median future.")
    if result["trade_offs"]:
        items = []
        for design in result["trade_offs"]:
            row = table.loc[design]
            per = f", {_fmt(row['cost'] / row['homes'], 'euro')} per extra home" if row["homes"] > 0 else ""
            items.append(f"<b>{html.escape(design_label(design))}</b> ({row['homes']:+,.0f} homes, "
                         f"{row['affordable']:+,.0f} affordable, {_money_phrase(row['cost'])}{per})")
        parts.append("Designs that buy homes with public money, none of them beaten by another design: "
                     + "; ".join(items) + ".")
    if result["saves"]:
        parts.append("As many homes as no fund in the median future, and money back: " + "; ".join(
            f"<b>{html.escape(design_label(d))}</b> ({_money_phrase(table.loc[d, 'cost'])})" for d in result["saves"])
            + ".")
    if result["worse"]:
        parts.append("Worse than no fund (no more homes by the end of the run, yet public money spent): "
                     + ", ".join(html.escape(design_label(d)) for d in result["worse"]) + ".")
    years = head[head["metric"] == "home_years_gained"].dropna(subset=["median"])
    years = years[years["median"] > 0].sort_values("median", ascending=False)
    if len(years):
        top = years.iloc[0]
        parts.append(f"Homes sooner: <b>{html.escape(design_label(top['design']))}</b> gains the most home-years "
                     f"(median {_fmt(top['median'], 'home-years')}, 95 % interval of the median "
                     f"{_fmt(top['median_low'], 'home-years')} – {_fmt(top['median_high'], 'home-years')}; more than "
                     f"no fund in {top['beats_no_fund']:.0%} of futures).")
    if futures < FEW_FUTURES:
        parts.append(f"<b class='warn'>Only {futures} futures per design: treat this as a first look.</b>")
    return "<p class='lead'>" + " ".join(parts) + "</p>"


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}">'


def _figure(path: Path, colours: dict[str, str], caption: str) -> str:
    """A figure with its design → colour mapping (data-colours and a legend) and its caption."""
    legend = "".join(f"<span class='key'><span class='swatch' style='background:{c}'></span>"
                     f"{html.escape(design_label(d))}</span>" for d, c in colours.items())
    return (f"<figure data-colours='{html.escape(json.dumps(colours), quote=True)}'>{_img(path)}"
            + (f"<div class='legend'>{legend}</div>" if legend else "")
            + f"<figcaption class='caption'>{caption}</figcaption></figure>")


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
    base = outcomes[outcomes[DESIGN] == BASELINE].sort_values("run_id").iloc[0]
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


def _optional(results: Path, table: str) -> pd.DataFrame | None:
    try:
        frame = load(results, table)
    except InputError:
        return None
    return None if frame.empty else frame


def design_order(outcomes: pd.DataFrame) -> list[str]:
    """Designs in the experiment's order (its lever values, via run ids), no fund first."""
    seen = list(dict.fromkeys(outcomes.sort_values("run_id")[DESIGN]))
    return [BASELINE, *[d for d in seen if d != BASELINE]]


def market_table(pairs: pd.DataFrame, order: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Median extra homes per design (rows) in boom / normal / crash futures, and the futures in each group."""
    frame = pairs.assign(market=market_class(pairs["crash_quarters"]))
    table = frame.groupby([DESIGN, "market"])["additional_homes"].median().unstack().reindex(
        columns=list(figures.MARKETS))
    counts = frame.groupby("market")["replication"].nunique().reindex(list(figures.MARKETS)).fillna(0).astype(int)
    table = table.reindex([d for d in order if d in table.index])
    table.index = [design_label(d) for d in table.index]
    table.columns = [f"{m} futures ({counts[m]})" for m in table.columns]
    return table, counts


def build_report(results: str | Path, out: str | Path | None = None, area: str | None = None) -> Path:
    """Write ``report.html``, the figures (PNG), ``headline.csv`` and ``paired_runs.csv``; returns the HTML path."""
    results = Path(results)
    outcomes = load(results)
    if outcomes.empty or DESIGN not in outcomes or BASELINE not in set(outcomes[DESIGN]):
        raise InputError(str(results), "lever:funds.design", "missing or without 'none'",
                         "an experiment with a funds.design lever that includes 'none' (e.g. experiments/"
                         "fund_designs.toml)", problem="cannot compare fund designs")
    areas, phases = _optional(results, "areas"), _optional(results, "phases")
    series = load(results, "timeseries")
    meta = manifest(results)
    out = Path(out) if out is not None else results / "report"
    out.mkdir(parents=True, exist_ok=True)

    pairs = paired_runs(outcomes, areas, phases, series)
    head = headline(pairs)
    pairs.to_csv(out / "paired_runs.csv", index=False)
    head.to_csv(out / "headline.csv", index=False)
    order = design_order(outcomes)
    colours = design_colours(order)
    result = verdict(head)
    futures = int(pairs.groupby(DESIGN).size().min()) if len(pairs) else 0

    homes_png, homes_colours = figures.homes_over_time(series, outcomes, colours, out / "homes_over_time.png")
    cost_png, cost_colours, best = figures.cost_effectiveness(pairs, colours, out / "cost_effectiveness.png")
    market_png, market_colours = figures.by_market(pairs, colours, out / "by_market_future.png")
    cases, chosen, party, run_id = _waterfall_run(results, outcomes, area)
    water_png, water_colours = figures.waterfall(cases, chosen, party, out / "business_case_waterfall.png")
    (out / "colours.json").write_text(json.dumps(colours, indent=2) + "\n")

    cost_caption = ("Each dot is a design at its median future: to the right gives more extra homes, lower costs the "
                    "public less (below zero: money back). The bars show the 95 % interval of each median. No fund "
                    "sits at (0, 0).")
    if len(best) > 1:
        cost_caption += (" The dotted line is the efficient frontier: it joins the designs (and no fund) that no "
                         "other design beats on both extra homes and net public cost: "
                         + ", ".join(html.escape(design_label(d)) for d in best) + ".")
    else:
        cost_caption += (" No efficient frontier is drawn: " + html.escape(design_label(best[0]))
                         + " beats every other point on both extra homes and net public cost." if best else "")
    captions = {
        "homes": "Homes completed since the start of the run, read at each year end (a cumulative count). The line "
                 "is the median future; the shaded band covers 90 % of the futures simulated. Dashed grey: no fund.",
        "cost": cost_caption,
        "market": "Median extra homes of each design in three kinds of future: 'crash' futures spend the most "
                  "quarters in a housing crash, 'boom' futures the fewest (terciles; the number of futures in each "
                  "group is in brackets). A design that only works in booms is fragile.",
        "waterfall": "Where the money of one area goes, for one party, in the run without a fund: green is money "
                     "in, orange money out; the grey bar is the result. Every euro comes from the model's ledger.",
    }
    crash_table, _counts = market_table(pairs, order)
    n_designs = len(order) - 1

    css = ("body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;font-size:11px;width:100%;table-layout:fixed}"
           "td,th{border:1px solid #ccc;padding:3px;vertical-align:top;overflow-wrap:anywhere;word-break:normal}"
           "th{background:#f0f0f0}img{max-width:100%;height:auto;display:block;margin:1em 0}"
           "figure{margin:0 0 2em 0}.caption,figcaption{font-size:13px;color:#444;overflow-wrap:anywhere}"
           ".lead{font-size:16px}.warn{color:#a40000}.futures{font-size:12px;color:#333}"
           ".legend{font-size:12px;display:flex;flex-wrap:wrap;gap:4px 14px}.key{white-space:nowrap}"
           ".swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}"
           ".wide{overflow-x:auto}.gloss td{font-size:12px}small{color:#555}")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>areasim report: "
             f"{html.escape(meta['experiment'])}</title><style>{css}</style></head><body>",
             f"<h1>Public funds for inner-city housing: {html.escape(meta['experiment'])}</h1>",
             f"<p>This report compares {n_designs} public-fund designs for Dutch inner-city area transformations "
             "with the situation without a fund, each on the same simulated market futures.</p>",
             "<h2>Headline: does any design beat no fund?</h2>",
             headline_text(result, head, futures), futures_note(futures),
             "<h2>How to read this</h2><ul>" + "".join(f"<li>{t}</li>" for t in HOW_TO_READ) + "</ul>",
             "<h2>What each design achieves</h2>",
             "<div class='wide'>" + headline_table(head, order[1:]).to_html(escape=False, classes="headline", border=0)
             + "</div>", futures_note(futures),
             "<p class='caption'>Each cell: the median future (bold); below it the 95 % interval of that median and "
             "the range that covers 90 % of futures. 'Extra homes' are homes completed within the simulated period "
             "that were not completed without the fund. Months gained are a mean over the areas that reach their "
             "first start (or completion) in both runs; + = sooner with the fund.</p>",
             "<h2>How often does each design beat no fund?</h2>",
             "<div class='wide'>" + beats_table(head, order[1:]).to_html(escape=True, classes="beats", border=0)
             + "</div>", futures_note(futures),
             "<p class='caption'>Share of futures in which the design did strictly better than no fund on the "
             "line: more homes, more home-years, sooner, a higher affordable share, less net public money.</p>",
             "<h2>Homes over time</h2>", _figure(homes_png, homes_colours, captions["homes"]),
             "<h2>Value for public money</h2>", _figure(cost_png, cost_colours, captions["cost"]),
             "<h2>Robustness: booms, normal times and crashes</h2>",
             _figure(market_png, market_colours, captions["market"]),
             "<div class='wide'>" + crash_table.to_html(float_format=lambda v: f"{v:,.0f}", border=0,
                                                         classes="market") + "</div>", futures_note(futures),
             "<p class='caption'>Median extra homes per design in each kind of future; the number of futures in "
             "each group is in the column header.</p>",
             f"<h2>Inside one area: {html.escape(chosen)}</h2>", _figure(water_png, water_colours,
                                                                      captions["waterfall"]
                                                                      + f" (run {html.escape(run_id)}, party "
                                                                      f"{html.escape(party)})"),
             "<h2>What this model leaves out</h2><ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in LEAVES_OUT)
             + "</ul>",
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
             f"<li>Metric definitions: {', '.join(html.escape(v[0]) for v in METRICS.values())} — "
             "sim/reports/paired.py and sim/funds/metrics.py.</li></ul></body></html>"]
    target = out / "report.html"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
