"""The phase table without pandas gives the same doubles as the table first written with pandas (issue #19).

An experiment stores one row per phase of every run (``phases.parquet``: homes, starts, completions and the €
funds paid for the phase). It was first built from the ledger's DataFrame with a pandas groupby (below, frozen as
first written); building that frame cost ~15 ms a run, a tenth of a default run. ``fund_paid_by_phase`` adds
the same ledger rows in the same order with the same compensated (Kahan) summation as pandas' groupby sum, so
the fund money per phase must be the same double, bit for bit: on every shipped fund design over several
futures, and on a ledger built to make the summation order matter (magnitudes from 1e-3 to 1e12 € in one phase).
"""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

import pandas as pd
import pytest

from sim.area import MID_RENT, SOCIAL
from sim.funds.design import load_design
from sim.funds.metrics import (
    FUND_PREFIX,
    PHASE_COLUMNS,
    fund_paid_by_phase,
    phase_columns,
    phase_table,
)
from sim.ledger import Ledger
from sim.model import AreaModel
from sim.scenario import from_dict

DESIGNS = ("woningbouwimpuls", "startbouwimpuls", "revolving_fund", "sales_guarantee", "land_facility", "land_bank",
           "regional_fund", "countercyclical", "mobility_pool")


def pandas_fund_paid(ledger: pd.DataFrame) -> dict:
    """The fund money per (area, phase) as first written: a pandas groupby sum over the ledger's frame."""
    out = ledger[ledger["source"].str.startswith(FUND_PREFIX) & (ledger["area"] != "")]
    return out.groupby(["area", "phase"])["amount"].sum().to_dict()


def pandas_phase_table(model) -> pd.DataFrame:
    """The phase table as first written (the reference the plain columns are compared against)."""
    by_phase = pandas_fund_paid(model.ledger.to_frame())
    rows = []
    for area in model.areas:
        whole = by_phase.get((area.name, -1), 0.0) / max(1, len(area.phases))
        for p in area.phases:
            rows.append({"area": area.name, "phase": p.index, "homes": int(p.total_homes),
                         "affordable_homes": int(p.homes[SOCIAL] + p.homes[MID_RENT]),
                         "start_quarter": math.nan if p.construction_start is None else float(p.construction_start),
                         "completion_quarter": math.nan if p.completion is None else float(p.completion),
                         "fund_paid": float(by_phase.get((area.name, p.index), 0.0) + whole)})
    return pd.DataFrame(rows, columns=["area", "phase", "homes", "affordable_homes", "start_quarter",
                                       "completion_quarter", "fund_paid"])


def bits(values: dict) -> dict:
    return {key: float(value).hex() for key, value in values.items()}


@pytest.fixture(scope="module")
def funded_runs(default_dict):
    scenario = from_dict(default_dict)
    return [AreaModel(scenario, seed=seed, fund_design=load_design(design), collect="none").run()
            for design in DESIGNS for seed in (1, 2)]


def test_fund_money_per_phase_is_the_pandas_groupby_sum_bit_for_bit_under_every_fund_design(funded_runs):
    paid_somewhere = 0
    for model in funded_runs:
        ours, theirs = fund_paid_by_phase(model), pandas_fund_paid(model.ledger.to_frame())
        assert bits(ours) == bits(theirs), model.fund_design.name
        paid_somewhere += any(value > 0 for value in ours.values())
    assert paid_somewhere >= len(DESIGNS)  # the designs paid out: the comparison covered real fund money


def test_the_plain_columns_are_the_phase_table_first_written(funded_runs):
    for model in funded_runs:
        columns = phase_columns(model)
        assert tuple(columns) == PHASE_COLUMNS
        reference = pandas_phase_table(model)
        assert phase_table(model).equals(reference)
        for name in PHASE_COLUMNS:
            assert [repr(v) for v in columns[name]] == [repr(v) for v in reference[name].tolist()], name


def test_the_order_of_additions_is_pandas_own_where_rounding_shows():
    """Many payments of very different sizes to a few phases, interleaved with rows that do not count (another
    payer, no area): naive left-to-right, Python's sum (Neumaier) and numpy's pairwise sum would each differ in
    the last bits from pandas' Kahan sum somewhere here; fund_paid_by_phase must not."""
    generator = random.Random(19)
    ledger = Ledger()
    for i in range(3000):
        source = generator.choice(["fund:a", "fund:b", "developer:1", "fund:a"])
        area = generator.choice(["north", "south", ""])
        amount = 10 ** generator.uniform(-3, 12) * generator.choice([1.0, 1.0, 3.0000000001])
        ledger.transfer(float(i // 10), source, "municipality:x", amount, "grant", area, generator.randint(-1, 3))
    ours, theirs = fund_paid_by_phase(SimpleNamespace(ledger=ledger)), pandas_fund_paid(ledger.to_frame())
    assert len(theirs) == 10 and bits(ours) == bits(theirs)
    amounts = {key: [a for area, phase, a in ledger.paid_from(FUND_PREFIX) if (area, phase) == key] for key in ours}
    differs = {"left to right": 0, "sum()": 0}
    for key, values in amounts.items():
        naive = 0.0
        for value in values:
            naive += value
        differs["left to right"] += naive != theirs[key]
        differs["sum()"] += sum(values) != theirs[key]
    assert differs["left to right"] > 0 and differs["sum()"] > 0  # the data tells summation orders apart
