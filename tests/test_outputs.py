"""The data dictionary: every column written has an entry, the Parquet files carry it, docs/outputs.md is current."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.experiments import run_experiment
from sim.output.columns import DOC, EXPERIMENT_KIND, TABLES, annotate, render_markdown, undocumented
from tests.conftest import DEFAULT
from tests.test_experiments import make_experiment

RUN_TABLES = ("timeseries", "areas", "business_cases", "ledger", "events")


def test_outputs_md_is_generated_from_the_dictionary():
    assert DOC.read_text() == render_markdown(), "docs/outputs.md is stale: run python -m sim.output.columns"


def _check_parquet(path: Path, table: str) -> None:
    schema = pq.read_schema(path)
    assert not undocumented(table, schema.names), f"{path.name}: columns without an entry in sim/output/columns.py"
    for fld in schema:
        assert not pa.types.is_null(fld.type), f"{path.name}:{fld.name} is an all-None column without a type"
        assert fld.metadata and fld.metadata.get(b"description") and b"unit" in fld.metadata, fld.name
    frame = pd.read_parquet(path)
    for column in frame.columns:
        if frame[column].dtype == object:
            assert frame[column].notna().any(), f"{path.name}:{column} is an object column of None"


@pytest.fixture(scope="module")
def run_folders(tmp_path_factory) -> list[Path]:
    """The default scenario without a fund and with two fund designs (their events carry more columns)."""
    folders = []
    for fund in (None, "revolving_fund", "sales_guarantee"):
        out = tmp_path_factory.mktemp("run") / (fund or "none")
        args = ["run", str(DEFAULT), "--out", str(out), "--quiet", "--years", "12"]
        assert main(args + (["--fund", fund] if fund else [])) == 0
        folders.append(out)
    return folders


@pytest.mark.parametrize("table", RUN_TABLES)
def test_every_run_column_is_documented_and_annotated(run_folders, table):
    for folder in run_folders:
        _check_parquet(folder / f"{table}.parquet", table)
        csv = folder / f"{table}.csv"
        if csv.is_file():
            assert not undocumented(table, pd.read_csv(csv, nrows=1).columns)


def test_every_summary_key_is_documented(run_folders):
    for folder in run_folders:
        keys = json.loads((folder / "summary.json").read_text())
        assert not undocumented("summary", keys)


def test_every_experiment_column_is_documented_and_typed(tmp_path):
    path = make_experiment(tmp_path, years=3, replications=1,
                           extra="")
    text = path.read_text().replace('values = ["none", "startbouwimpuls"]',
                                    'values = ["none", "revolving_fund"]')
    path.write_text(text)
    out = tmp_path / "results"
    run_experiment(path, out, quiet=True)
    for kind, table in EXPERIMENT_KIND.items():
        _check_parquet(out / f"{kind}.parquet", table)
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert outcomes["revolving_ratio"].dtype == "float64"  # was an object column of None
    assert outcomes["fund_exhausted_year"].dtype == "float64"


def test_annotate_types_an_all_missing_column_and_keeps_values():
    table = pa.table({"run_id": ["a", "b"], "revolving_ratio": [None, None], "fund_paid": [1.0, 2.0]})
    out = annotate(table, "outcomes")
    assert out.schema.field("revolving_ratio").type == pa.float64()
    assert out.column("fund_paid").to_pylist() == [1.0, 2.0]
    assert out.schema.field("fund_paid").metadata[b"unit"] == b"\xe2\x82\xac"


def test_negative_delay_is_explained():
    column = TABLES["summary"].column("mean_delay_years")
    assert "earlier" in column.sign.lower()
