"""Fund design files (sim/funds/design.py), by hand: how a design is found, and the one-line error for each mistake.

Each rule of a design file gets a file that breaks it, and the message must name the file, the field, the value
and what is allowed (the project's bar for bad input). Fast: no model runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import InputError
from sim.funds.design import (
    NO_FUND,
    DeficitGrant,
    FundDesign,
    StartSubsidy,
    check_design_for,
    check_design_rules,
    designs_dir,
    load_design,
)
from sim.scenario import from_dict
from tests.conftest import mini

SHIPPED = ", ".join(sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "scenarios" / "funds").glob("*.toml")))
ALLOWED = f"none, {SHIPPED} or a path to a design file"


def fund(**changes) -> dict:
    return {"name": "f", "budget": 1e6, "allocation": "continuous", "instruments": [{"type": "deficit_grant"}],
            **changes}


def design(*funds: dict, name: str = "d") -> FundDesign:
    return FundDesign.model_validate({"name": name, "funds": list(funds)})


def error(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


# ------------------------------------------------------------------------------------------ finding a design

def test_none_is_the_baseline_without_funds():
    assert load_design("none") is NO_FUND and NO_FUND.funds == []


def test_a_shipped_design_by_name_a_path_and_a_path_relative_to_the_scenario(tmp_path):
    by_name = load_design("woningbouwimpuls")
    assert by_name.name == "woningbouwimpuls" and by_name.funds[0].name == "state_wbi"
    assert by_name.funds[0].tranche_years == [0.5, 1.5, 2.5, 3.5, 4.5]
    grant = by_name.funds[0].instruments[0]
    assert isinstance(grant, DeficitGrant) and grant.min_homes == 500 and grant.max_award == 50e6
    assert designs_dir() == Path(__file__).resolve().parents[1] / "scenarios" / "funds"
    (tmp_path / "mine.toml").write_text('name = "mine"\n[[funds]]\nname = "g"\nbudget = 7\n'
                                        '[[funds.instruments]]\ntype = "start_subsidy"\n')
    assert load_design(str(tmp_path / "mine.toml")).funds[0].budget == 7
    relative = load_design("mine.toml", base=tmp_path)
    assert relative.name == "mine" and isinstance(relative.funds[0].instruments[0], StartSubsidy)


def test_an_unknown_design_name_lists_the_shipped_ones_and_suggests_a_near_name():
    e = error(load_design, "woningbouwimpul")
    assert e.one_line() == ("funds.design = 'woningbouwimpul': no such fund design (did you mean 'woningbouwimpuls'?); "
                            f"allowed: {ALLOWED}")
    assert (e.source, e.field, e.value) == ("", "funds.design", "woningbouwimpul")
    e = error(load_design, "zzzz", None, "--fund", "exp.toml")
    assert e.one_line() == f"exp.toml: --fund = 'zzzz': no such fund design; allowed: {ALLOWED}"


@pytest.mark.parametrize("given,hint", [
    ("a/woningbouwimpuls.toml", " (did you mean the shipped design 'woningbouwimpuls'?)"),
    ("woningbouwimpuls.toml", " (did you mean the shipped design 'woningbouwimpuls'?)"),
    ("a\\b", ""), ("x.toml", ""), ("dir/x", "")])
def test_a_missing_design_file_is_file_not_found_and_names_a_shipped_design_of_that_name(given, hint):
    e = error(load_design, given, Path("/nonexistent"))
    assert e.one_line() == f"funds.design = {given!r}: file not found{hint}; allowed: {ALLOWED}"


def test_a_bad_instrument_names_its_index_field_and_the_allowed_types(tmp_path):
    path = tmp_path / "bad.toml"
    head = 'name = "bad"\n[[funds]]\nname = "f"\nbudget = 5\n'
    path.write_text(head + '[[funds.instruments]]\ntype = "deficit_grant"\n[[funds.instruments]]\ntype = "helicopter"\n')
    text = error(load_design, str(path)).one_line()
    assert text.startswith(f"{path}: funds[0].instruments[1].type = 'helicopter': ")
    assert "'deficit_grant', 'start_subsidy', 'revolving_loan'" in text
    path.write_text(head + '[[funds.instruments]]\ntype = "deficit_grant"\n[[funds.instruments]]\n'
                           'type = "start_subsidy"\nper_home = -1\n')
    assert error(load_design, str(path)).one_line().startswith(
        f"{path}: funds[0].instruments[1].per_home = -1: Input should be greater than or equal to 0")
    path.write_text(head + '[[funds.instruments]]\nper_home = 3\n')
    assert error(load_design, str(path)).one_line().startswith(f"{path}: funds[0].instruments[0].type = None: ")
    path.write_text(head + 'instruments = [3]\n')  # not a table: no type
    assert error(load_design, str(path)).one_line().startswith(f"{path}: funds[0].instruments[0].type = None: ")
    path.write_text(head + 'instruments = 3\n')
    assert error(load_design, str(path)).one_line() == \
        f"{path}: funds[0].instruments = 3: Input should be a valid list; allowed: list at least 1 item(s)"


def test_instruments_already_validated_are_kept_and_each_gets_its_own_parameter_model():
    grant = DeficitGrant(type="deficit_grant", max_share_of_deficit=0.3)
    made = design(fund(instruments=[grant, {"type": "start_subsidy", "per_home": 5000}]))
    first, second = made.funds[0].instruments
    assert first is grant and isinstance(second, StartSubsidy) and second.per_home == 5000


# ------------------------------------------------------------------------------------------ rules across fields

def test_a_loaded_design_that_breaks_a_rule_names_its_file(tmp_path):
    path = tmp_path / "twice.toml"
    fund_table = '[[funds]]\nname = "f"\nbudget = 5\nallocation = "continuous"\n[[funds.instruments]]\ntype = "land_bank"\n'
    path.write_text('name = "twice"\n' + fund_table + fund_table)
    assert error(load_design, str(path)).one_line() == (
        f"{path}: funds[1].name = 'f': duplicate fund name; allowed: a name not used by another fund of the design")


def test_two_funds_of_one_name_are_refused():
    e = error(check_design_rules, design(fund(), fund(name="g"), fund()), "d.toml")
    assert e.one_line() == ("d.toml: funds[2].name = 'f': duplicate fund name; "
                            "allowed: a name not used by another fund of the design")


def test_tranche_allocation_needs_tranches_in_range_and_in_order():
    check_design_rules(design(fund(allocation="tranches", tranche_years=[0.0, 100.0])), "d.toml")  # the edges are fine
    check_design_rules(design(fund(allocation="continuous", tranche_years=[])), "d.toml")  # no tranches needed
    e = error(check_design_rules, design(fund(), fund(name="g", allocation="tranches", tranche_years=[])), "d.toml")
    assert e.one_line() == ("d.toml: funds[1].tranche_years = []: no tranches; "
                            "allowed: at least one year when allocation = 'tranches'")
    for bad, shown in (([1.0, 100.5], "100.5"), ([-0.5, 1.0], "-0.5")):
        e = error(check_design_rules, design(fund(tranche_years=bad)), "d.toml")
        assert e.one_line() == (f"d.toml: funds[0].tranche_years = {bad!r}: {shown} is out of range; "
                                "allowed: years after the start, each 0..100")
    e = error(check_design_rules, design(fund(tranche_years=[2.0, 1.0])), "d.toml")
    assert e.one_line() == "d.toml: funds[0].tranche_years = [2.0, 1.0]: not in order; allowed: years in increasing order"


def test_a_start_subsidy_above_its_cap_and_grant_deadlines_out_of_order_are_refused():
    at_cap = {"type": "start_subsidy", "per_home": 12500, "cap_per_home": 12500}
    same_year = {"type": "deficit_grant", "first_start_within_years": 4, "last_start_within_years": 4}
    check_design_rules(design(fund(instruments=[at_cap, same_year])), "d.toml")
    above = {"type": "start_subsidy", "per_home": 12500.5, "cap_per_home": 12500}
    e = error(check_design_rules, design(fund(instruments=[at_cap, above])), "d.toml")
    assert e.one_line() == ("d.toml: funds[0].instruments[1].per_home = 12500.5: above the cap; "
                            "allowed: at most cap_per_home = 12500")
    late = {"type": "deficit_grant", "first_start_within_years": 4.5, "last_start_within_years": 4}
    e = error(check_design_rules, design(fund(), fund(name="g", instruments=[late])), "d.toml")
    assert e.one_line() == ("d.toml: funds[1].instruments[0].first_start_within_years = 4.5: deadlines out of "
                            "order; allowed: at most last_start_within_years = 4")


def test_design_and_fund_names_must_be_safe():
    e = error(check_design_rules, design(fund(name="a.b"), name="-x"), "d.toml")
    assert e.field == "name" and e.value == "-x"
    e = error(check_design_rules, design(fund(name=".hidden")), "d.toml")
    assert e.field == "funds[0].name" and e.value == ".hidden"


# ------------------------------------------------------------------------------------------ design × scenario

def test_a_fund_must_serve_regions_of_the_scenario():
    scenario = from_dict(mini(horizon_years=10))
    check_design_for(design(fund(regions=["middle", "relaxed"])), scenario, "s.toml", "funds.design")
    e = error(check_design_for, design(fund(), fund(name="g", regions=["middle", "tight"])), scenario, "s.toml",
              "funds.design")
    assert e.one_line() == ("s.toml: funds.design (d) funds[1].regions = 'tight': unknown region; "
                            "allowed: a region of the scenario: middle, relaxed")


def test_a_tranche_fund_needs_a_tranche_before_the_horizon():
    scenario = from_dict(mini(horizon_years=10))
    check_design_for(design(fund(allocation="tranches", tranche_years=[9.5, 10.0])), scenario, "", "--fund x")
    check_design_for(design(fund(allocation="first_come", tranche_years=[10.0])), scenario, "", "--fund x")
    e = error(check_design_for, design(fund(allocation="tranches", tranche_years=[10.0, 12.0])), scenario, "",
              "--fund x")
    assert e.one_line() == ("--fund x (d) funds[0].tranche_years = [10.0, 12.0]: no tranche opens during the run; "
                            "allowed: at least one tranche before the horizon (10 years)")
