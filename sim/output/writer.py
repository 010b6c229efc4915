"""Write the results of one run to a folder, atomically.

Everything is written to a hidden temporary folder next to the target and moved into
place only when complete, so an interrupted or failed run never leaves a half-written
results folder.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.ledger import business_cases
from sim.output.columns import write_parquet
from sim.output.figures import overview_figure
from sim.output.owned import with_owned_homes
from sim.output.provenance import git_commit, host, versions
from sim.output.summary import summarise

if TYPE_CHECKING:
    from sim.model import AreaModel

FILES = ("timeseries.parquet", "timeseries.csv", "areas.parquet", "areas.csv", "business_cases.parquet",
         "business_cases.csv", "ledger.parquet", "events.parquet", "events.csv", "summary.json",
         "manifest.json", "overview.png")
"""What a results folder contains."""


def _jsonable(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def events_frame(model: AreaModel) -> pd.DataFrame:
    """The events log as a DataFrame (numbers as floats, reasons as text)."""
    frame = pd.DataFrame([{k: _jsonable(v) for k, v in e.items()} for e in model.events])
    if frame.empty:
        frame = pd.DataFrame(columns=["time", "area", "phase", "event"])
    return frame


def write_results(model: AreaModel, out_dir: Path, scenario_file: str, scenario_hash: str,
                  extra: dict | None = None) -> dict:
    """Write all outputs of a finished run into ``out_dir`` and return the summary dict."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        series = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        areas = model.datacollector.get_table_dataframe("areas")
        ledger = model.ledger.to_frame()
        cases = with_owned_homes(business_cases(ledger), ledger)  # + value of homes owned (owned.py)
        events = events_frame(model)
        for name, frame in (("timeseries", series), ("areas", areas), ("business_cases", cases),
                            ("events", events)):
            write_parquet(frame, tmp / f"{name}.parquet", name)  # with the data dictionary (columns.py)
            frame.to_csv(tmp / f"{name}.csv", index=False)
        write_parquet(ledger, tmp / "ledger.parquet", "ledger")
        summary = {k: _jsonable(v) for k, v in summarise(model).items()}
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        overview_figure(series, [r.name for r in model.spec.regions],
                        f"areasim · {model.spec.name} · seed {model.seed}", tmp / "overview.png", ledger=ledger)
        manifest = {
            "scenario": model.spec.name,
            "scenario_file": scenario_file,
            "scenario_sha256": scenario_hash,
            "seed": model.seed,
            "horizon_years": model.spec.horizon_years,
            "start_year": model.spec.start_year,
            "git_commit": git_commit(),
            "versions": versions(),
            "host": host(),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": list(FILES),
            **(extra or {}),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old.{os.getpid()}")
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out_dir)
        return summary
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
