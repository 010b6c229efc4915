"""Overrides of scenario data along paths (levers and uncertainties of an experiment)."""

from __future__ import annotations

import copy

from sim.experiments.paths import apply, apply_all


def base() -> dict:
    return {"market": {"rate": 0.03}, "areas": [{"name": "a", "homes": 100}, {"name": "b", "homes": 200}]}


def test_applying_all_overrides_at_once_equals_applying_them_one_by_one():
    overrides = [("market.rate", 0.05), ("areas[*].homes", 50), ("areas[b].phases", 4),
                 ("funds", {"design": "none"}), ("funds.design", "woningbouwimpuls")]
    one_by_one = base()
    for path, value in overrides:
        one_by_one = apply(one_by_one, path, value)
    assert apply_all(base(), overrides) == one_by_one


def test_overrides_never_change_the_data_or_the_values_they_were_given():
    data, table = base(), {"design": "none"}
    before = copy.deepcopy(data)
    out = apply_all(data, [("funds", table), ("funds.design", "land_bank")])
    assert data == before and table == {"design": "none"}
    assert out["funds"] == {"design": "land_bank"}
