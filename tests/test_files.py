"""Writing scenario and experiment files from Python (the helper notebook 04 uses)."""

from __future__ import annotations

import tomllib

import pytest

from sim.errors import InputError
from sim.experiments import load_experiment
from sim.experiments.files import to_toml, write_experiment, write_scenario
from sim.scenario import DEFAULT_SCENARIO, read_toml


def test_the_default_scenario_round_trips(tmp_path):
    data = read_toml(DEFAULT_SCENARIO)
    path = write_scenario(tmp_path / "copy.toml", data)
    assert tomllib.loads(path.read_text()) == data


def test_an_experiment_file_is_written_and_validated(tmp_path):
    data = read_toml(DEFAULT_SCENARIO)
    data["areas"] = data["areas"][8:10]
    write_scenario(tmp_path / "small.toml", data)
    path = write_experiment(tmp_path / "exp.toml", name="t", scenario="small.toml", seed=3, replications=2,
                            levers={"funds.design": ["none", "startbouwimpuls"]},
                            uncertainties={"actors.developers.presale_threshold": (0.5, 0.8)},
                            design={"kind": "lhs", "samples": 4}, horizon_years=5)
    exp = load_experiment(path)
    assert exp.spec.name == "t" and exp.spec.replications == 2 and exp.spec.horizon_years == 5


def test_a_bad_experiment_fails_when_written(tmp_path):
    write_scenario(tmp_path / "s.toml", read_toml(DEFAULT_SCENARIO))
    with pytest.raises(InputError):
        write_experiment(tmp_path / "bad.toml", name="bad", scenario="s.toml",
                         uncertainties={"actors.developers.no_such_field": (0.1, 0.2)},
                         design={"kind": "lhs", "samples": 2})


def test_to_toml_quotes_keys_and_strings():
    text = to_toml({"a b": 1, "s": 'say "hi"', "t": {"x": [1, 2.5]}})
    assert tomllib.loads(text) == {"a b": 1, "s": 'say "hi"', "t": {"x": [1, 2.5]}}
