"""Funds: directions and accounting on small seeded worlds, always against the paired no-fund run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.funds.design import NO_FUND, FundDesign, load_design
from sim.funds.metrics import paired_comparison
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini

STEADY = {"mode": "steady"}
CRASH = {"mode": "steady", "shock": {"year": 2, "price_drop": 0.35, "duration_quarters": 10}}


def design(*instruments, budget=500e6, allocation="continuous", **fund) -> FundDesign:
    return FundDesign.model_validate({"name": "test", "funds": [
        {"name": "f", "budget": budget, "allocation": allocation, "instruments": list(instruments), **fund}]})


def pair(data: dict, fund: FundDesign, seed: int = 3):
    scenario = from_dict(data)
    base = AreaModel(scenario, seed=seed, fund_design=NO_FUND).run()
    treated = AreaModel(scenario, seed=seed, fund_design=fund).run()
    return base, treated, paired_comparison(base, treated)


def deficit_area(**changes) -> dict:
    area = {"name": "x", "region": "middle", "archetype": "complex", "homes": 900, "phases": 2,
            "phase_interval_quarters": 4,
            "programme": {"social": 0.3, "mid_rent": 0.25, "free_rent": 0.0, "owner_occupied": 0.45}, **changes}
    data = mini(areas=[area], horizon_years=5, market=STEADY)
    data["actors"] = {"municipality": {"max_deficit_per_home": 0.0, "affordable_home_value": 0.0,
                                       "election_change_probability": 0.0}}
    return data


GRANT = {"type": "deficit_grant", "max_share_of_deficit": 1.0, "min_homes": 100, "max_award": 1e9,
         "min_affordable_share": 0.5, "co_financing_share": 0.0}
SEEDS = range(1, 11)


def test_a_grant_flips_a_stalled_area_with_a_public_deficit_into_go():
    """Deficit grant and the municipality's land decision (it accepts no loss per home here): without the fund
    the land is never bought and nothing starts (each of 10 futures); with it the award comes at or before the
    municipality's land go — paired over 10 futures, in at least 9 (10 of 10 when written) — and a paid grant is
    never deadweight."""
    flipped = 0
    for seed in SEEDS:
        base, treated, c = pair(deficit_area(), design(GRANT), seed=seed)
        assert all(p.construction_start is None for p in base.phases)  # stalls without the fund
        assert not any(e["event"] == "land_go" for e in base.events)  # without it the land is never bought
        awards = [e["time"] for e in treated.events if e["event"] == "fund_award"]
        land_go = [e["time"] for e in treated.events if e["event"] == "land_go"]
        flipped += bool(awards and land_go and awards[0] <= land_go[0])
        if c["fund_paid"] > 0:
            assert c["deadweight_share"] == 0.0
    assert flipped >= 9, f"held in {flipped} of 10 futures"


@pytest.mark.xfail(strict=True, reason="measured 6 of 10 futures: the award and the land go come in all 10, but "
                   "in 4 the drawn procedure durations (appeal, remediation) keep the phases from starting within the 5-year "
                   "horizon (10 of 10 start within 8 years); docs/testing.md, findings")
def test_a_grant_gets_a_stalled_deficit_area_building_within_five_years_in_8_of_10_futures():
    """Deficit grant → land go → construction: within the five-year horizon a phase of the granted area starts
    (and the grant is paid) in at least 8 of 10 futures, while none starts without the fund."""
    started = 0
    for seed in SEEDS:
        _, treated, c = pair(deficit_area(), design(GRANT), seed=seed)
        started += any(p.construction_start is not None for p in treated.phases) and c["fund_paid"] > 0
    assert started >= 8, f"held in {started} of 10 futures"


def test_money_to_an_area_that_would_go_anyway_is_deadweight():
    data = mini(areas=[{"name": "easy", "region": "middle", "archetype": "light", "homes": 600, "phases": 2,
                        "ownership": {"municipality": 1.0, "developers": 0.0, "businesses": 0.0},
                        "programme": {"social": 0.3, "mid_rent": 0.3, "free_rent": 0.0, "owner_occupied": 0.4}}],
                horizon_years=12, market=STEADY)
    data["archetypes"].append({"name": "light", "site_preparation_per_home": 3000.0})
    subsidy = {"type": "start_subsidy", "per_home": 10000, "cap_per_home": 12500, "min_affordable_share": 0.5,
               "only_waiting_phases": False}  # no screening: phases that already have their go are paid too
    base, treated, c = pair(data, design(subsidy))
    assert base.completed_total.sum() == 600
    assert c["fund_paid"] > 0 and c["additional_homes"] == 0
    assert c["deadweight_share"] == pytest.approx(1.0)


def loan_world(market: dict) -> dict:
    areas = [{"name": f"a{i}", "region": "middle", "archetype": "light", "homes": 400, "phases": 2,
              "start_quarter": i, "phase_interval_quarters": 3,
              "ownership": {"municipality": 1.0, "developers": 0.0, "businesses": 0.0},
              "programme": {"social": 0.2, "mid_rent": 0.0, "free_rent": 0.0, "owner_occupied": 0.8}}
             for i in range(4)]
    data = mini(areas=areas, horizon_years=14, market=market)
    data["archetypes"].append({"name": "light", "site_preparation_per_home": 3000.0})
    data["regions"][0]["absorption_homes_per_quarter"] = 300.0
    return data


def test_a_revolving_fund_recovers_most_in_a_steady_market_and_less_in_a_crash():
    """Revolving loans are repaid from home sales: in a steady market at least 80 % returns in at least 9 of 10
    futures (10 of 10 when written), and a 50 % crash in year 5 (homes still selling) returns less than the
    steady market in the same future — paired over 10, in at least 9 (10 of 10 when written)."""
    loan = {"type": "revolving_loan", "max_loan": 5e6, "max_share_of_financing": 0.45}
    crash = {"mode": "steady", "shock": {"year": 5, "price_drop": 0.5, "duration_quarters": 4}}
    enough = less = 0
    for seed in SEEDS:
        ratios = {}
        for name, market in (("steady", STEADY), ("crash", crash)):
            data = loan_world(market)
            data["regions"][0]["absorption_homes_per_quarter"] = 60.0  # homes still selling when the crash hits
            data["actors"] = {"developers": {"presale_threshold": 0.3}}  # most homes sold during and after building
            m = AreaModel(from_dict(data), seed=seed, fund_design=design(loan, allocation="first_come")).run()
            instrument = m.funds[0].instruments[0]
            assert instrument.disbursed > 0
            ratios[name] = instrument.revolving_ratio
        enough += ratios["steady"] >= 0.8  # sources.md#svn-transformatiefaciliteit: >= 80 % is "revolving enough"
        less += ratios["crash"] < ratios["steady"]
    assert enough >= 9 and less >= 9, (enough, less)


def guarantee_world(market: dict) -> dict:
    data = loan_world(market)
    data["regions"][0]["absorption_homes_per_quarter"] = 60.0
    return data


def test_a_sales_guarantee_makes_starts_less_sensitive_to_a_downturn():
    """Presale threshold met by a guarantee (the fund buys unsold homes): a 10 % price drop in years 1-4 cuts the
    homes started in six years by less with the guarantee than without — paired over 10 futures, smaller in at
    least 8 and larger in none."""
    guarantee = {"type": "sales_guarantee", "presale_threshold": 0.5}
    crash = {"mode": "steady", "shock": {"year": 1, "price_drop": 0.1, "duration_quarters": 12}}

    def starts(market, fund, seed):
        m = AreaModel(from_dict(guarantee_world(market)), seed=seed, fund_design=fund).run(24)
        return sum(p.total_homes for p in m.phases if p.construction_start is not None)

    smaller = larger = 0
    for seed in range(1, 11):
        drop_without = starts(STEADY, NO_FUND, seed) - starts(crash, NO_FUND, seed)
        drop_with = starts(STEADY, design(guarantee), seed) - starts(crash, design(guarantee), seed)
        smaller += drop_with < drop_without
        larger += drop_with > drop_without
    assert smaller >= 8 and larger == 0, (smaller, larger)


def test_a_regional_cross_subsidy_moves_money_between_areas_and_the_books_balance():
    areas = [
        {"name": "rich", "region": "middle", "archetype": "light", "homes": 1200, "phases": 3,
         "ownership": {"municipality": 1.0, "developers": 0.0, "businesses": 0.0},
         "programme": {"social": 0.1, "mid_rent": 0.0, "free_rent": 0.0, "owner_occupied": 0.9}},
        {"name": "poor", "region": "middle", "archetype": "complex", "homes": 900, "phases": 2, "start_quarter": 6,
         "programme": {"social": 0.6, "mid_rent": 0.4, "free_rent": 0.0, "owner_occupied": 0.0}},
    ]
    data = mini(areas=areas, horizon_years=14, market=STEADY)
    data["archetypes"].append({"name": "light", "site_preparation_per_home": 3000.0})
    data["regions"][0]["owner_price_per_m2"] = 6500.0
    fund = design({"type": "regional_cross_subsidy", "levy_share": 0.3, "max_share_of_deficit": 0.5}, budget=0.0,
                  regions=["middle"])
    m = AreaModel(from_dict(data), fund_design=fund).run()
    ledger = m.ledger.to_frame()
    levies = ledger[ledger["category"] == "regional_levy"]
    grants = ledger[ledger["category"] == "fund_grant"]
    assert set(levies["area"]) == {"rich"} and levies["amount"].sum() > 0
    assert set(grants["area"]) <= {"poor"}
    assert grants["amount"].sum() <= levies["amount"].sum() + 1e-6  # it can only pass on what it collected
    assert abs(m.ledger.total()) < 1e-3


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget=st.floats(0, 5e7), name=st.sampled_from(["woningbouwimpuls", "startbouwimpuls", "revolving_fund",
                                                       "sales_guarantee", "land_facility", "land_bank",
                                                       "countercyclical", "mobility_pool"]),
       seed=st.integers(0, 1000))
def test_a_fund_never_pays_out_more_than_its_budget(budget, name, seed):
    base = load_design(name)
    fund = base.model_copy(update={"funds": [f.model_copy(update={"budget": budget}) for f in base.funds]})
    data = mini(horizon_years=10, market=CRASH)
    data["regions"][0]["name"] = "tight"
    data["areas"][0]["region"] = "tight"
    m = AreaModel(from_dict(data), seed=seed, fund_design=fund)
    for _ in range(m.n_quarters):
        m.step()
        for f in m.funds:
            assert f.paid - f.returned - f.levies <= f.spec.budget + 1e-6
            assert m.ledger.balance(f.account) >= -1e-6
    assert abs(m.ledger.total()) < 1e-3


def test_every_shipped_design_loads_and_runs_balanced():
    from sim.funds.design import designs_dir

    names = sorted(p.stem for p in designs_dir().glob("*.toml"))
    assert len(names) >= 9
    data = mini(horizon_years=6)
    data["regions"] = [dict(data["regions"][0], name=n) for n in ("tight", "middle", "relaxed")]
    data["areas"][1]["region"] = "relaxed"
    for name in names:
        m = AreaModel(from_dict(data), fund_design=load_design(name)).run()
        assert abs(m.ledger.total()) < 1e-3, name


def test_an_unknown_design_is_a_one_line_error():
    with pytest.raises(InputError) as info:
        load_design("helicopter_money")
    assert "woningbouwimpuls" in info.value.one_line()


def test_bad_design_file_names_file_and_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[[funds]]\nname = "f"\nbudget = -5\n[[funds.instruments]]\n'
                    'type = "deficit_grant"\n')
    with pytest.raises(InputError) as info:
        load_design(str(path))
    text = info.value.one_line()
    assert str(path) in text and "funds[0].budget = -5" in text


def test_paired_runs_share_the_same_future():
    data = deficit_area()
    a = AreaModel(from_dict(data), seed=5, fund_design=NO_FUND)
    b = AreaModel(from_dict(data), seed=5, fund_design=load_design("woningbouwimpuls"))
    assert np.array_equal(a.market.price_index, b.market.price_index)
    assert np.array_equal(a.durations, b.durations)
