"""Municipal losses: plan deficits at an account's adoption vs write-downs when reality forces them (BBV)."""

from __future__ import annotations

import pytest

from sim.validation.replay import run_replay


@pytest.fixture(scope="module")
def replay():
    frame, models = run_replay(list(range(1, 7)))
    return frame, models


def test_an_accounts_first_provision_is_its_plan_deficit_and_later_ones_are_write_downs(replay):
    """BBV: the first valuation of an adopted account provides for its plan deficit; increases after that
    are write-downs (each area has at most one 'plan' provision, and it comes before its write-downs)."""
    _, models = replay
    for m in models:
        seen: dict[str, str] = {}
        for e in m.events:
            if e["event"] != "provision":
                continue
            if e["basis"] == "plan":
                assert e["area"] not in seen, "an account has one plan deficit"
            seen[e["area"]] = e["basis"]


def test_replay_write_downs_come_in_the_crisis_not_at_the_boom_year_ends(replay):
    """Extrapolative accounts (optimistic in the boom) are written down when prices and sales fall: of the
    write-downs booked up to 2014, most fall in 2009-2013 and few in 2005-2007 — in each of 6 replays."""
    frame, _ = replay
    for _, one in frame.groupby("seed"):
        wd = one.set_index("year")["write_downs"]
        upto = wd.loc[:2014].sum()
        assert upto > 0
        assert wd.loc[2009:2013].sum() > 0.5 * upto
        assert wd.loc[:2007].sum() < 0.1 * upto
