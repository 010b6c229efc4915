"""Loading experiment results as tidy pandas frames.

    >>> from sim import results
    >>> frame = results.load("results/quick_compare")     # runs × outcomes, with lever and uncertainty columns
    >>> series = results.load("results/quick_compare", table="timeseries")
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.experiments.store import ExperimentStore, read_parts
from sim.output.columns import EXPERIMENT_KIND, annotate

TABLES = ("outcomes", "timeseries", "areas", "phases", "runs")


def load(path: str | Path, table: str = "outcomes") -> pd.DataFrame:
    """A table of an experiment's results folder (consolidated file, or the parts if it was interrupted).

    Lever columns are named ``lever:<path>``, uncertainty columns ``uncertainty:<path>``.
    """
    root = Path(path)
    if table not in TABLES:
        raise InputError(str(root), "table", table, ", ".join(TABLES))
    if not (root / "manifest.json").is_file():
        raise InputError(str(root), "PATH", str(root), "a folder written by 'areasim experiment'",
                         problem="no manifest.json")
    if table == "runs":
        return pd.read_parquet(root / "runs.parquet")
    consolidated = root / f"{table}.parquet"
    if consolidated.is_file():
        return pd.read_parquet(consolidated)
    parts = ExperimentStore(root).part_files(table)
    if not parts:
        return pd.DataFrame()
    return annotate(read_parts(parts), EXPERIMENT_KIND[table]).to_pandas()


def manifest(path: str | Path) -> dict:
    return json.loads((Path(path) / "manifest.json").read_text())


def failures(path: str | Path) -> pd.DataFrame:
    store = ExperimentStore(Path(path))
    rows = [json.loads((store.root / "failures" / f"{i}.json").read_text()) for i in sorted(store.failed_ids())]
    return pd.DataFrame(rows)


def summary_text(path: str | Path) -> str:
    """A short text summary: progress, failures, and headline outcomes by lever."""
    m = manifest(path)
    frame = load(path)
    lines = [f"experiment {m['experiment']} — {m['runs_done']}/{m['runs_total']} runs done, {m['runs_failed']} failed "
             f"(seed {m['seed']}, {m['replications']} replications, design {m['design']['kind']})"]
    if frame.empty:
        return "\n".join(lines)
    levers = [c for c in frame.columns if c.startswith("lever:")]
    wanted = [c for c in ("homes_completed", "affordable_share", "areas_abandoned", "public_cash_end",
                          "fund_paid", "fund_returned") if c in frame]
    if levers:
        table = frame.groupby(levers)[wanted].mean()
    else:
        table = frame[wanted].mean().to_frame("mean").T
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format", "{:,.2f}".format):
        lines.append("\nmeans over futures:\n" + table.to_string())
    return "\n".join(lines)
