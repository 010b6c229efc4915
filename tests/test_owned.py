"""Owned homes shown as value: housing associations' and investors' negative cash is matched by homes they own."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ledger import business_cases
from sim.model import AreaModel
from sim.output.owned import CATEGORY, owned_value_by_quarter, owned_value_rows, with_owned_homes
from sim.scenario import from_dict
from tests.conftest import mini


def _run() -> AreaModel:
    return AreaModel(from_dict(mini(), "<mini>"), seed=3).run()


def test_owned_value_is_what_owners_paid_for_homes_they_keep():
    model = _run()
    ledger = model.ledger.to_frame()
    rows = owned_value_rows(ledger)
    assert set(rows["category"]) == {CATEGORY}
    assert rows["party"].str.startswith(("housing_association:", "investor:")).all()
    kinds = ledger["source"].str.split(":").str[0]
    paid = ledger[((kinds == "housing_association") & ledger["category"].isin(["construction", "land_sale"]))
                  | ((kinds == "investor") & (ledger["category"] == "forward_funding"))]["amount"].sum()
    assert np.isclose(rows["net"].sum(), paid) and paid > 0


def test_business_cases_keep_cash_balanced_and_add_the_asset():
    model = _run()
    ledger = model.ledger.to_frame()
    cases = with_owned_homes(business_cases(ledger), ledger)
    cash = cases[cases["category"] != CATEGORY]
    assert cash.groupby("area")["net"].sum().abs().max() < 1e-3
    pd.testing.assert_frame_equal(cash.reset_index(drop=True), business_cases(ledger))
    owners = cases[cases["party"].str.startswith(("housing_association:", "investor:"))]
    # with the homes they own, owners' position is no longer a loss of everything they paid
    assert owners["net"].sum() > cash[cash["party"].str.startswith(("housing_association:", "investor:"))]["net"].sum()


def test_owned_value_by_quarter_ends_at_the_total():
    model = _run()
    ledger = model.ledger.to_frame()
    series = model.datacollector.get_model_vars_dataframe()
    owned = owned_value_by_quarter(ledger, series["quarter"].to_numpy())
    rows = owned_value_rows(ledger)
    for kind in ("housing_association", "investor"):
        assert np.all(np.diff(owned[kind]) >= 0)
        assert np.isclose(owned[kind][-1], rows[rows["party"].str.startswith(kind)]["net"].sum())
