"""Scenario files: the default loads; every kind of mistake gives one clear line naming file, field,
value and what is allowed."""

from __future__ import annotations

import pytest

from sim.errors import InputError
from sim.scenario import from_dict, load_scenario
from tests.conftest import DEFAULT, mini, write_toml


def error_of(data: dict) -> str:
    with pytest.raises(InputError) as info:
        from_dict(data, "s.toml")
    text = info.value.one_line()
    assert "\n" not in text
    assert text.startswith("s.toml: ")
    return text


def test_default_scenario_is_valid_and_sized_as_the_programme():
    """The built-in scenario: ~24 areas, 3 regions, 500-6,000 homes each, 25,000-60,000 in total."""
    s = load_scenario(DEFAULT)
    assert 20 <= len(s.areas) <= 30
    assert {r.tightness for r in s.regions} == {"tight", "middle", "relaxed"}
    assert all(500 <= a.homes <= 6000 for a in s.areas)
    assert 25_000 <= sum(a.homes for a in s.areas) <= 60_000
    assert all(a.phases >= 1 for a in s.areas) and sum(a.phases > 1 for a in s.areas) >= 20
    assert len({(a.ownership.municipality, a.ownership.developers) for a in s.areas}) > 5


def test_unknown_key_is_named_with_the_nearest_valid_key():
    data = mini()
    data["areas"][0]["hommes"] = 5
    text = error_of(data)
    assert "areas[0].hommes" in text and "unknown key" in text and "did you mean 'homes'" in text


def test_unknown_top_level_section_is_an_error():
    assert "unknown key" in error_of(mini(markt={}))


def test_wrong_type_names_field_value_and_type():
    data = mini()
    data["areas"][1]["homes"] = "many"
    text = error_of(data)
    assert "areas[1].homes = 'many'" in text and "integer" in text


def test_out_of_range_value_names_the_range_and_unit():
    data = mini()
    data["regions"][0]["absorption_homes_per_quarter"] = -3.0
    text = error_of(data)
    assert "regions[0].absorption_homes_per_quarter = -3.0" in text
    assert "> 0" in text and "owner-occupied homes/quarter" in text


def test_programme_shares_must_sum_to_one():
    data = mini()
    data["areas"][0]["programme"] = {"social": 0.5, "mid_rent": 0.5, "free_rent": 0.0, "owner_occupied": 0.5}
    text = error_of(data)
    assert "areas[0].programme" in text and "sum to 1.5" in text


def test_ownership_shares_must_sum_to_one():
    data = mini()
    data["areas"][0]["ownership"] = {"municipality": 0.5, "developers": 0.0, "businesses": 0.0}
    assert "areas[0].ownership" in error_of(data)


def test_more_phases_than_homes_is_rejected():
    data = mini()
    data["areas"][0]["homes"] = 3
    data["areas"][0]["phases"] = 5
    text = error_of(data)
    assert "areas[0].phases = 5" in text and "1..3" in text


def test_explicit_phases_must_add_up_to_the_area():
    data = mini()
    data["areas"][0]["phase_homes"] = [500, 500]
    text = error_of(data)
    assert "areas[0].phase_homes" in text and "1200" in text


def test_area_must_name_a_known_region():
    data = mini()
    data["areas"][0]["region"] = "atlantis"
    text = error_of(data)
    assert "areas[0].region = 'atlantis'" in text and "middle, relaxed" in text


def test_duplicate_area_names_are_rejected():
    data = mini()
    data["areas"][1]["name"] = "north"
    assert "duplicate name" in error_of(data)


def test_historical_mode_needs_a_replayable_start_year():
    text = error_of(mini(start_year=2030, market={"mode": "historical"}))
    assert "start_year = 2030" in text and "2005..2024" in text


def test_literal_choices_are_listed():
    text = error_of(mini(market={"mode": "chaotic"}))
    assert "market.mode" in text and "'stochastic'" in text and "'historical'" in text


def test_triangular_durations_must_be_ordered():
    text = error_of(mini(lifecycle={"zoning_quarters": [3.0, 1.0, 2.0]}))
    assert "lifecycle.zoning_quarters" in text and "min <= mode <= max" in text


def test_regime_exits_must_sum_to_one():
    text = error_of(mini(market={"regimes": {"crash": {"next": {"expansion": 0.2}}}}))
    assert "market.regimes.crash.next" in text and "sum" in text


def test_missing_required_field_is_named():
    data = mini()
    del data["areas"][0]["homes"]
    assert "areas[0].homes" in error_of(data) and "missing" in error_of(data)


def test_syntax_error_and_missing_file_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[[areas]\n")
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    assert str(bad) in info.value.one_line() and "cannot parse" in info.value.one_line()
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "nope.toml")
    assert "file not found" in info.value.one_line()


def test_a_written_file_round_trips(tmp_path):
    path = write_toml(tmp_path / "m.toml", mini())
    assert load_scenario(path).areas[1].start_quarter == 2


@pytest.mark.parametrize("change, field", [
    (lambda d: d.update(horizon_years="30"), "horizon_years = '30'"),
    (lambda d: d.update(horizon_years=True), "horizon_years = True"),
    (lambda d: d.update(seed=1.0), "seed = 1.0"),
    (lambda d: d["regions"][0].update(owner_price_per_m2=float("nan")), "regions[0].owner_price_per_m2"),
    (lambda d: d.update(lifecycle={"construction_quarters": [1.0, 5.0, float("inf")]}), "construction_quarters"),
    (lambda d: d.update(lifecycle={"construction_quarters": [1.0, 5.0, 1e300]}), "construction_quarters"),
])
def test_types_are_strict_and_numbers_finite(change, field):
    data = mini()
    change(data)
    with pytest.raises(InputError) as info:
        from_dict(data, "x.toml")
    assert field in info.value.one_line()


def test_integers_are_accepted_where_numbers_are_wanted_and_lists_where_triangles_are():
    data = mini(lifecycle={"construction_quarters": [3, 5, 8]})
    data["regions"][0]["owner_price_per_m2"] = 5000
    scenario = from_dict(data)
    assert scenario.lifecycle.construction_quarters == (3.0, 5.0, 8.0)
    assert scenario.regions[0].owner_price_per_m2 == 5000.0


@pytest.mark.parametrize("name", ["tight/b", "..", ".hidden", "a\x1bb", "two\nlines", "back\\slash", "a:b", " pad"])
def test_unsafe_names_are_refused(name):
    data = mini()
    data["regions"][1]["name"] = name
    data["areas"][1]["region"] = name
    with pytest.raises(InputError) as info:
        from_dict(data)
    assert "regions[1].name" in info.value.one_line() and "\n" not in info.value.one_line()


@pytest.mark.parametrize("name", ["Haven-Stad (west)", "Zuidas", "M4H", "Sluisbuurt 2", "Kanaleneiland-Noord", "Ålesund"])
def test_ordinary_names_are_accepted(name):
    data = mini()
    data["areas"][0]["name"] = name
    assert from_dict(data).areas[0].name == name


def test_deeply_nested_toml_is_one_line(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert "nested too deeply" in info.value.one_line()


def test_a_regime_given_in_part_keeps_its_own_defaults():
    """`[market.regimes.crash] price_growth = -0.12` (an experiment lever on one regime field) changes that field
    only: the crash keeps its own duration, exits and sentiment, not the generic RegimeParams defaults."""
    from sim.scenario.schema import Market

    default = Market().regimes
    changed = Market.model_validate({"regimes": {"crash": {"price_growth": -0.12}, "slowdown": {"absorption": 0.7}}})
    assert changed.regimes.crash.price_growth == -0.12
    assert changed.regimes.crash.model_dump(exclude={"price_growth"}) == default.crash.model_dump(exclude={"price_growth"})
    assert changed.regimes.slowdown.next == default.slowdown.next and changed.regimes.slowdown.absorption == 0.7
