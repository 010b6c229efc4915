"""Write the results of one run to a folder, atomically.

Everything is written to a hidden temporary folder next to the target and moved into
place only when complete, so an interrupted or failed run never leaves a half-written
results folder. The temporary folder is removed on any error, on Ctrl-C and on SIGTERM
(the CLI turns SIGTERM into an exception); one left by a process killed with SIGKILL is
removed by the next write to the same place. Whether the target may be replaced at all is
decided before the run, by :mod:`sim.output.target`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.ledger import business_cases
from sim.output.columns import write_parquet
from sim.output.figures import overview_figure
from sim.output.owned import with_owned_homes
from sim.output.provenance import git_commit, host, versions
from sim.output.summary import summarise
from sim.plain import plain

if TYPE_CHECKING:
    from sim.model import AreaModel

FILES = ("timeseries.parquet", "timeseries.csv", "areas.parquet", "areas.csv", "business_cases.parquet",
         "business_cases.csv", "ledger.parquet", "events.parquet", "events.csv", "summary.json",
         "manifest.json", "overview.png")
"""What a results folder contains."""


def events_frame(model: AreaModel) -> pd.DataFrame:
    """The events log as a DataFrame (numbers as floats, reasons as text)."""
    frame = pd.DataFrame([{k: plain(v) for k, v in e.items()} for e in model.events])
    if frame.empty:
        frame = pd.DataFrame(columns=["time", "area", "phase", "event"])
    return frame


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(out_dir: Path) -> None:
    """Remove temporary folders of ``out_dir`` left by processes that no longer exist (e.g. after kill -9)."""
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.areasim-(?:old-)?(\d+)")
    try:
        entries = list(out_dir.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if m and entry.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A hidden temporary folder next to ``out_dir`` that replaces it when the block ends without error.

    On any exception (including KeyboardInterrupt and SystemExit) nothing is left behind and a
    previous ``out_dir`` is kept.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.areasim-{os.getpid()}-", dir=out_dir.parent))
    old = out_dir.with_name(f".{out_dir.name}.areasim-old-{os.getpid()}")
    try:
        yield tmp
        if out_dir.exists():
            out_dir.rename(old)
            try:
                tmp.rename(out_dir)
            except BaseException:
                old.rename(out_dir)
                raise
            _remove(old)
        else:
            tmp.rename(out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if (old.exists() or old.is_symlink()) and not out_dir.exists():
            old.rename(out_dir)
        _remove(old)


def _remove(path: Path) -> None:
    """Remove a replaced folder (a symbolic link is unlinked, never followed)."""
    if path.is_symlink():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def write_output_manifest(folder: Path, written_by: str, extra: dict | None = None) -> None:
    """A manifest for a folder of derived outputs (report, sensitivity, paired), so areasim may replace it later."""
    folder = Path(folder)
    files = sorted(p.name for p in folder.iterdir() if p.name != "manifest.json")
    manifest = {"written_by": written_by, "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": files, **(extra or {})}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def write_results(model: AreaModel, out_dir: Path, scenario_file: str, scenario_hash: str,
                  extra: dict | None = None) -> dict:
    """Write all outputs of a finished run into ``out_dir`` and return the summary dict."""
    with staged(Path(out_dir)) as tmp:
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
        summary = {k: plain(v) for k, v in summarise(model).items()}
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
    return summary
