"""The command line: `areasim run` writes a complete results folder; mistakes give one line, exit 2,
and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import main
from sim.output import FILES
from tests.conftest import DEFAULT, mini, write_toml


@pytest.fixture
def scenario_file(tmp_path):
    return write_toml(tmp_path / "mini.toml", mini(horizon_years=10))


def test_run_writes_every_result_file(tmp_path, scenario_file, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--seed", "4"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and len(manifest["scenario_sha256"]) == 64
    assert manifest["versions"]["mesa"].startswith("3.")
    series = pd.read_parquet(out / "timeseries.parquet")
    assert len(series) == 40 and {"regime", "completed_total_social", "public_cash"} <= set(series.columns)
    assert pd.read_csv(out / "timeseries.csv").shape == series.shape
    cases = pd.read_parquet(out / "business_cases.parquet")
    cash = cases[cases["category"] != "owned_homes_value"]  # an asset, not cash (sim/output/owned.py)
    assert cash.groupby("area")["net"].sum().abs().max() < 1e-3
    owned = cases[cases["category"] == "owned_homes_value"]
    assert owned["party"].str.startswith(("housing_association:", "investor:")).all() and (owned["net"] > 0).all()
    assert "homes completed" in capsys.readouterr().out


def test_years_override_shortens_the_run(tmp_path, scenario_file):
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--years", "2", "--quiet"]) == 0
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 8


def test_same_seed_same_files(tmp_path, scenario_file):
    for name in ("a", "b"):
        main(["run", str(scenario_file), "--out", str(tmp_path / name), "--quiet"])
    for f in ("timeseries.parquet", "ledger.parquet", "events.parquet", "areas.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / f), pd.read_parquet(tmp_path / "b" / f))


def test_check_validates_without_writing(tmp_path, scenario_file, capsys):
    assert main(["check", str(scenario_file)]) == 0
    assert "ok" in capsys.readouterr().out


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["areas"][0].update(homes=-1), "areas[0].homes = -1"),
    (lambda d: d.update(cooperation={"model": "anarchy"}), "cooperation.model = 'anarchy'"),
    (lambda d: d.update(funds={"design": "helicopter"}), "funds.design = 'helicopter'"),
    (lambda d: d["regions"][0].update(colour="red"), "regions[0].colour"),
])
def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, change, expected):
    data = mini()
    change(data)
    path = write_toml(tmp_path / "bad.toml", data)
    out = tmp_path / "res"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err and expected in err and "allowed:" in err
    assert not out.exists() and not any(p.name.startswith(".res") for p in tmp_path.iterdir())


@pytest.mark.parametrize("args, expected", [
    (["run", "--years", "0"], "--years = 0"),
    (["run", "--seed", "abc"], "--seed = 'abc'"),
    (["run", "--bogus"], "unrecognized arguments"),
    (["launch"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(args, expected, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and expected in err


def test_out_pointing_at_a_file_is_refused(tmp_path, scenario_file, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["run", str(scenario_file), "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err and target.read_text() == "x"


def test_console_script_reports_missing_file_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(tmp_path / "none.toml")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "file not found" in proc.stderr


@pytest.mark.slow
def test_default_scenario_runs_end_to_end(tmp_path):
    out = tmp_path / "nl"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(DEFAULT), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["homes_completed"] > 0 and abs(summary["ledger_imbalance"]) < 1e-3
    assert (out / "overview.png").stat().st_size > 20_000


def test_explain_tells_an_areas_story_in_numbers(tmp_path, scenario_file, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    assert main(["explain", str(out), "north"]) == 0
    text = capsys.readouterr().out
    for heading in ("Cooperation model: traditional", "Negotiations:", "land-price policy", "Phases:",
                    "phase 1: preparation", "Business case", "municipality:middle", "Why:"):
        assert heading in text, heading
    assert "€" in text


def test_explain_unknown_area_is_a_one_line_error(tmp_path, scenario_file, capsys):
    out = tmp_path / "res"
    main(["run", str(scenario_file), "--out", str(out), "--quiet"])
    capsys.readouterr()
    assert main(["explain", str(out), "nort"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "AREA = 'nort'" in err and "north" in err
    assert main(["explain", str(tmp_path / "nothing"), "north"]) == 2


def test_paired_fund_comparison_of_two_designs_writes_everything_inside_out(tmp_path, scenario_file, capsys):
    out = tmp_path / "res"
    code = main(["run", str(scenario_file), "--out", str(out), "--fund", "woningbouwimpuls", "--fund",
                 "startbouwimpuls", "--paired", "--seed", "2"])
    assert code == 0
    text = capsys.readouterr().out
    assert "additional homes" in text and "net public cost per additional home" in text
    assert "public money held by funds" in text and "home-years gained" in text
    for name in ("baseline", "woningbouwimpuls", "startbouwimpuls", "paired"):
        assert f"{out / name}/" in text, name  # every path printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.toml", "res"]  # nothing beside --out
    assert sorted(p.name for p in out.iterdir()) == ["baseline", "manifest.json", "paired", "startbouwimpuls",
                                                     "woningbouwimpuls"]
    table = pd.read_csv(out / "paired" / "paired.csv")
    assert list(table["design"]) == ["woningbouwimpuls", "startbouwimpuls"]
    assert (table["seed"] == 2).all()
    assert {"held_by_funds", "home_years_gained", "months_gained_first_start", "deadweight_phase_share"} <= set(table)
    years = pd.read_csv(out / "paired" / "homes_by_year.csv")
    assert set(years["design"]) == {"none", "woningbouwimpuls", "startbouwimpuls"} and "social" in years
    for name in ("baseline", "woningbouwimpuls", "startbouwimpuls"):
        manifest = json.loads((out / name / "manifest.json").read_text())
        assert manifest["seed"] == 2 and manifest["fund_design"] == ("none" if name == "baseline" else name)
    assert main(["explain", str(out / "woningbouwimpuls"), "north"]) == 0
    assert "Funds (design woningbouwimpuls):" in capsys.readouterr().out


def test_a_failing_paired_run_leaves_nothing_behind(tmp_path, scenario_file, monkeypatch):
    """Atomic: the baseline is written, then the comparison fails; --out is left as it was (here: absent)."""
    import sim.funds.metrics

    def broken(base, treated):
        raise RuntimeError("comparison failed")

    monkeypatch.setattr(sim.funds.metrics, "paired_comparison", broken)
    with pytest.raises(RuntimeError):
        main(["run", str(scenario_file), "--out", str(tmp_path / "res"), "--fund", "startbouwimpuls", "--paired",
              "--quiet", "--years", "2"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.toml"]


def test_paired_out_of_a_single_run_is_refused_and_left_untouched(tmp_path, scenario_file, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet", "--years", "2"]) == 0
    before = sorted(p.name for p in out.iterdir())
    assert main(["run", str(scenario_file), "--out", str(out), "--fund", "startbouwimpuls", "--paired",
                 "--quiet", "--years", "2"]) == 2
    assert "--out" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


def test_unknown_fund_design_is_a_one_line_error(tmp_path, scenario_file, capsys):
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "r"), "--fund", "helicopter"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--fund = 'helicopter'" in err and "woningbouwimpuls" in err


def test_paired_without_a_fund_is_refused(tmp_path, scenario_file, capsys):
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "r"), "--paired"]) == 2
    assert "--paired" in capsys.readouterr().err


def test_a_temporary_folder_left_by_kill_9_is_removed_by_the_next_write(tmp_path, scenario_file):
    """kill -9 cannot be caught; the next write to the same place removes what the dead process left."""
    out = tmp_path / "res"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".res.areasim-{int(dead.stdout)}-abc123"
    leftover.mkdir()
    (leftover / "timeseries.parquet").write_bytes(b"half")
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    assert not leftover.exists() and (out / "manifest.json").is_file()


def test_paired_run_replaces_its_own_folder_on_a_second_run(tmp_path, scenario_file):
    args = ["run", str(scenario_file), "--out", str(tmp_path / "res"), "--fund", "startbouwimpuls", "--paired",
            "--quiet", "--years", "2"]
    assert main(args) == 0
    assert main(args) == 0
    for folder in (tmp_path / "res", tmp_path / "res" / "paired"):
        assert json.loads((folder / "manifest.json").read_text())["written_by"] == "areasim run --paired"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    (tmp_path / "res" / "my_notes.txt").write_text("mine")  # a user's file inside: no longer areasim's folder
    assert main(args) == 2
    assert (tmp_path / "res" / "my_notes.txt").read_text() == "mine"
