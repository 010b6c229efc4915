"""The bad-input corpus: every class of mistake gives exit code 2, one line naming the field, no traceback,
and nothing written (the folder listing is the same before and after).

Each case is (class, id, files to create, arguments, text the error line must contain). Files are
written into a fresh folder that is also the current folder, so default output paths land there
too. ``docs/bad_inputs.md`` lists the classes with their counts (kept in step by a test below).
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import ROOT, mini, write_toml


def scenario(**changes) -> dict:
    return mini(**{"horizon_years": 4, **changes})


def with_area(key, value, index=0) -> dict:
    data = scenario()
    data["areas"][index][key] = value
    return data


def with_region_name(name) -> dict:
    data = scenario()
    data["regions"][1]["name"] = name
    data["areas"][1]["region"] = name
    return data


def rendered(data: dict, old: str, new: str) -> str:
    """TOML text of scenario data with ``old`` replaced by ``new`` (to write escapes TOML needs, e.g. \\u001b)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        text = write_toml(Path(folder) / "x.toml", data).read_text()
    assert old in text
    return text.replace(old, new)


def nested(section: str, key: str, value) -> dict:
    data = scenario()
    parts = section.split(".")
    node = data
    for p in parts:
        node = node.setdefault(p, {})
    node[key] = value
    return data


def regime_next(next_: dict) -> dict:
    data = scenario()
    data["market"] = {"regimes": {"slowdown": {"next": next_}}}
    return data


FUND = """name = "{name}"
[[funds]]
name = "{fund}"
budget = 1e8
allocation = "tranches"
tranche_years = {tranches}
regions = {regions}
[[funds.instruments]]
type = "start_subsidy"
per_home = {per_home}
cap_per_home = 12500.0
"""


def fund(name="custom", fund_name="f", tranches="[0.0, 1.0]", regions="[]", per_home=10000.0, extra="") -> str:
    return FUND.format(name=name, fund=fund_name, tranches=tranches, regions=regions, per_home=per_home) + extra


TWO_FUNDS = fund() + """
[[funds]]
name = "f"
budget = 5e7
[[funds.instruments]]
type = "land_bank"
"""

DEADLINES = """name = "late"
[[funds]]
name = "wbi"
budget = 1e8
[[funds.instruments]]
type = "deficit_grant"
first_start_within_years = 8.0
last_start_within_years = 3.0
"""

EXPERIMENT = """name = "{name}"
scenario = "s.toml"
seed = 1
replications = {replications}
horizon_years = 3
{extra}
"""


def experiment(extra: str = "", name: str = "exp", replications="1") -> str:
    return EXPERIMENT.format(name=name, replications=replications, extra=extra)


LEVER = '\n[[levers]]\npath = "{path}"\nvalues = {values}\n'
UNCERTAINTY = '\n[[uncertainties]]\npath = "{path}"\nlow = {low}\nhigh = {high}\n'

S = {"s.toml": scenario()}


def toml_with(text: str) -> dict:
    return {"s.toml": scenario(), "x.toml": text}


# (class, id, files, argv, expected text in the error line)
CASES = [
    # --- output folders: never replace what areasim did not write; check before running
    ("output folder", "out-unrelated-folder", {**S, "keep/notes.txt": "mine"}, ["run", "s.toml", "--out", "keep"],
     "not written by areasim"),
    ("output folder", "out-is-a-file", {**S, "f.txt": "x"}, ["run", "s.toml", "--out", "f.txt"], "is a file"),
    ("output folder", "out-under-a-file", {**S, "f.txt": "x"}, ["run", "s.toml", "--out", "f.txt/sub"], "is a file"),
    ("output folder", "out-empty-string", S, ["run", "s.toml", "--out", ""], "--out = ''"),
    ("output folder", "out-current-folder", S, ["run", "s.toml", "--out", "."], "--out = '.'"),
    ("output folder", "out-unwritable", S, ["run", "s.toml", "--out", "/proc/areasim-test/x"], "cannot write"),
    ("output folder", "paired-out-is-another-areasim-output", {**S, "r/manifest.json": json.dumps(
        {"written_by": "areasim report", "files": []})},
     ["run", "s.toml", "--out", "r", "--fund", "startbouwimpuls", "--paired"], "written by areasim report"),
    ("output folder", "experiment-out-unrelated", {**S, "e.toml": experiment(), "keep/notes.txt": "mine"},
     ["experiment", "e.toml", "--out", "keep", "--quiet"], "not written by areasim"),
    ("output folder", "experiment-resume-unrelated", {**S, "e.toml": experiment(), "keep/notes.txt": "mine"},
     ["experiment", "e.toml", "--out", "keep", "--resume", "--quiet"], "not written by areasim"),
    ("output folder", "validation-out-folder", {"docs/validation.md/x": "x"}, ["validation", "--out", "docs/validation.md"],
     "is a folder"),
    # --- strict types: no text as numbers, no booleans as numbers
    ("strict types", "horizon-as-text", {"s.toml": scenario(horizon_years="30")}, ["run", "s.toml", "--out", "r"],
     "horizon_years = '30'"),
    ("strict types", "horizon-as-bool", {"s.toml": scenario(horizon_years=True)}, ["check", "s.toml"],
     "horizon_years = True"),
    ("strict types", "budget-as-text", {"s.toml": nested("actors.municipality", "budget", "1e8")},
     ["run", "s.toml", "--out", "r"], "actors.municipality.budget = '1e8'"),
    ("strict types", "homes-as-float", {"s.toml": with_area("homes", 1200.5)}, ["check", "s.toml"], "areas[0].homes"),
    ("strict types", "replications-as-text", {**S, "e.toml": experiment(replications='"2"')},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "replications = '2'"),
    ("strict types", "lever-value-as-text",
     {**S, "e.toml": experiment(LEVER.format(path="actors.developers.presale_threshold", values='["0.5"]'))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "levers[0].values = '0.5'"),
    # --- every number finite and in range
    ("finite numbers", "triangle-inf", {"s.toml": nested("lifecycle", "construction_quarters", [1.0, 5.0, float("inf")])},
     ["run", "s.toml", "--out", "r"], "lifecycle.construction_quarters"),
    ("finite numbers", "triangle-1e300", {"s.toml": nested("lifecycle", "construction_quarters", [1.0, 5.0, 1e300])},
     ["check", "s.toml"], "lifecycle.construction_quarters"),
    ("finite numbers", "regime-next-nan", {"s.toml": regime_next({"expansion": float("nan"), "crash": 1.0})},
     ["check", "s.toml"], "market.regimes.slowdown.next"),
    ("finite numbers", "price-nan", {"s.toml": nested("actors.developers", "presale_threshold", float("nan"))},
     ["check", "s.toml"], "actors.developers.presale_threshold"),
    ("finite numbers", "tranche-nan", {**S, "d.toml": fund(tranches="[nan, 1.0]")},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "tranche_years"),
    ("finite numbers", "uncertainty-low-nan",
     {**S, "e.toml": experiment(UNCERTAINTY.format(path="actors.developers.presale_threshold", low="nan", high="0.8"))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "uncertainties[0].low"),
    ("finite numbers", "triangle-in-experiment",
     {**S, "e.toml": experiment(LEVER.format(path="lifecycle.construction_quarters", values="[[1.0, 5.0, inf]]"))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "levers[0].values"),
    # --- errors blame what the user wrote
    ("blame the argument", "years-vs-start-quarter", {"s.toml": with_area("start_quarter", 10, 1)},
     ["run", "s.toml", "--years", "2", "--out", "r"], "--years = 2"),
    ("blame the argument", "experiment-horizon-vs-start-quarter",
     {"s.toml": with_area("start_quarter", 14, 1), "e.toml": experiment()},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "e.toml: horizon_years = 3"),
    ("blame the argument", "years-zero", S, ["run", "s.toml", "--years", "0"], "--years = 0"),
    ("blame the argument", "seed-text", S, ["run", "s.toml", "--seed", "abc"], "--seed = 'abc'"),
    # --- files that cannot be read
    ("unreadable files", "deeply-nested-toml", {"s.toml": "a = " + "[" * 3000 + "]" * 3000 + "\n"},
     ["check", "s.toml"], "nested too deeply"),
    ("unreadable files", "syntax-error", {"s.toml": "name = \n"}, ["run", "s.toml", "--out", "r"], "(syntax)"),
    ("unreadable files", "missing-file", {}, ["run", "none.toml", "--out", "r"], "file not found"),
    ("unreadable files", "binary-file", {"s.toml": b"\xff\xfe\x00name"}, ["check", "s.toml"], "(encoding)"),
    # --- names: safe characters only
    # --- plug-in names: registered names, or package.module:Class only from packages in AREASIM_PLUGINS
    ("plug-ins", "unknown-model", {"s.toml": nested("cooperation", "model", "nope")}, ["check", "s.toml"],
     "unknown cooperation model"),
    ("plug-ins", "module-not-allowed", {"s.toml": nested("cooperation", "model", "this:x")}, ["run", "s.toml", "--out", "r"],
     "package 'this' is not allowed"),
    ("plug-ins", "malformed-path", {"s.toml": nested("cooperation", "model", "..x:X")}, ["check", "s.toml"],
     "not a valid 'package.module:Class' path"),
    ("plug-ins", "protocol-not-allowed", {"s.toml": nested("actors.negotiation", "protocol", "os:system")},
     ["check", "s.toml"], "package 'os' is not allowed"),
    ("names", "region-with-slash", {"s.toml": with_region_name("tight/b")}, ["check", "s.toml"], "regions[1].name"),
    ("names", "area-with-escape", {"s.toml": rendered(with_area("name", "evilESC"), "ESC", "\\u001b[2J")}, ["run", "s.toml", "--out", "r"],
     "areas[0].name"),
    ("names", "area-with-newline", {"s.toml": rendered(with_area("name", "twoNLlines"), "NL", "\\n")}, ["check", "s.toml"], "areas[0].name"),
    ("names", "scenario-dotdot", {"s.toml": scenario(name="..")}, ["check", "s.toml"], "name = '..'"),
    ("names", "experiment-dotdot", {**S, "e.toml": experiment(name="..")},
     ["experiment", "e.toml", "--quiet"], "name = '..'"),
    ("names", "fund-name-dotdot", {**S, "d.toml": fund(name="..")}, ["run", "s.toml", "--fund", "d.toml", "--out", "r"],
     "name = '..'"),
    # --- fund designs given with --fund are checked like the scenario's
    # --- errors that help: the right section's keys, "file not found", valid names listed, the field written
    ("helpful errors", "typo-in-a-section", {"s.toml": nested("cooperation", "modle", "x")}, ["check", "s.toml"],
     "did you mean 'model'?"),
    ("helpful errors", "fund-file-not-found", S, ["run", "s.toml", "--fund", "./my_fund.toml", "--out", "r"],
     "file not found"),
    ("helpful errors", "fund-name-with-toml", S, ["run", "s.toml", "--fund", "woningbouwimpuls.toml", "--out", "r"],
     "did you mean the shipped design 'woningbouwimpuls'?"),
    ("helpful errors", "lever-path-unknown-region",
     {**S, "e.toml": experiment(LEVER.format(path="regions[nowhere].absorption_homes_per_quarter",
                                              values="[100.0, 200.0]"))},
     ["experiment", "e.toml", "--out", "eo"], "levers[0].path"),
    ("fund designs", "fund-unknown-region", {**S, "d.toml": fund(regions='["nowhere"]')},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "regions = 'nowhere'"),
    ("fund designs", "fund-tranches-out-of-range", {**S, "d.toml": fund(tranches="[-5.0, 1e9]")},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "tranche_years"),
    ("fund designs", "fund-no-tranches", {**S, "d.toml": fund(tranches="[]")},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "tranche_years = []"),
    ("fund designs", "fund-duplicate-names", {**S, "d.toml": TWO_FUNDS},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "funds[1].name = 'f'"),
    ("fund designs", "fund-per-home-above-cap", {**S, "d.toml": fund(per_home=20000.0)},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "per_home = 20000.0"),
    ("fund designs", "fund-deadlines-out-of-order", {**S, "d.toml": DEADLINES},
     ["run", "s.toml", "--fund", "d.toml", "--out", "r"], "first_start_within_years"),
    ("fund designs", "fund-given-twice", S,
     ["run", "s.toml", "--fund", "startbouwimpuls", "--fund", "startbouwimpuls", "--out", "r"], "given twice"),
    ("fund designs", "fund-unknown", S, ["run", "s.toml", "--fund", "helicopter", "--out", "r"], "--fund = 'helicopter'"),
    ("fund designs", "scenario-fund-unknown", {"s.toml": scenario(funds={"design": "helicopter"})},
     ["run", "s.toml", "--out", "r"], "funds.design = 'helicopter'"),
    # --- experiments: every lever combination, the seed, caps
    ("experiments", "lever-combination-invalid",
     {**S, "e.toml": experiment(LEVER.format(path="areas[south].start_quarter", values="[0, 10]")
                                + LEVER.format(path="horizon_years", values="[10, 2]"))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "this combination makes areas[1].start_quarter"),
    ("experiments", "lever-on-seed", {**S, "e.toml": experiment(LEVER.format(path="seed", values="[1, 2]"))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "levers[0].path = 'seed'"),
    ("experiments", "too-many-runs",
     {**S, "e.toml": experiment(LEVER.format(path="funds.design", values='["none", "startbouwimpuls"]'),
                                replications="1000000")},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "too many runs"),
    ("experiments", "unknown-lever-value", {**S, "e.toml": experiment(LEVER.format(path="cooperation.model",
                                                                                    values='["anarchy"]'))},
     ["experiment", "e.toml", "--out", "e", "--quiet"], "levers[0].values = 'anarchy'"),
    # --- resources and the Dask scheduler
    ("resources", "workers-too-many-argument", {**S, "e.toml": experiment()},
     ["experiment", "e.toml", "--workers", "1024", "--out", "e"], "--workers = 1024"),
    ("resources", "workers-too-many-for-machine", {**S, "e.toml": experiment()},
     ["experiment", "e.toml", "--workers", "256", "--executor", "processes", "--out", "e", "--quiet"],
     "--workers = 256"),
    ("resources", "scheduler-not-a-url", {**S, "e.toml": experiment()},
     ["experiment", "e.toml", "--scheduler", "not a url", "--out", "e", "--quiet"], "--scheduler = 'not a url'"),
    ("resources", "scheduler-unreachable", {**S, "e.toml": experiment()},
     ["experiment", "e.toml", "--scheduler", "tcp://127.0.0.1:9", "--out", "e", "--quiet"], "cannot connect"),
    # --- commands that read results, on the wrong kind of path
    ("results paths", "results-on-a-run-folder", "RUN", ["results", "RUN"], "single run"),
    ("results paths", "results-on-unrelated-folder", {"x/a.txt": "x"}, ["results", "x"], "no experiment manifest"),
    ("results paths", "results-on-a-file", {"x.txt": "x"}, ["results", "x.txt"], "is a file"),
    ("results paths", "report-on-a-run-folder", "RUN", ["report", "RUN"], "single run"),
    ("results paths", "report-out-is-a-file", "EXP+{\"f.txt\": \"x\"}", ["report", "EXP", "--out", "f.txt"], "is a file"),
    ("results paths", "report-unknown-area", "EXP", ["report", "EXP", "--area", "nope"], "--area = 'nope'"),
    ("results paths", "sensitivity-not-sobol", "EXP", ["sensitivity", "EXP"], "not a Sobol experiment"),
    ("results paths", "from-experiment-on-run-folder", "RUN",
     ["run", "--from-experiment", "RUN", "--run", "p00000-l000-r00000", "--out", "one"], "single run"),
    ("results paths", "from-experiment-unknown-run", "EXP",
     ["run", "--from-experiment", "EXP", "--run", "nope", "--out", "one"], "--run = 'nope'"),
    ("damaged results", "results-truncated-part", "EXP-TRUNCATED", ["results", "EXP"], "damaged part files"),
]


def _snapshot(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path below ``root`` with size and modification time for files (folders by name only)."""
    return {str(p.relative_to(root)): None if p.is_dir() else (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A single-run results folder and a small fund experiment, made once for the 'results paths' cases."""
    from sim.experiments import run_experiment

    root = tmp_path_factory.mktemp("stored")
    write_toml(root / "s.toml", scenario())
    assert main(["run", str(root / "s.toml"), "--out", str(root / "run"), "--quiet"]) == 0
    (root / "e.toml").write_text(experiment(LEVER.format(path="funds.design", values='["none", "startbouwimpuls"]'),
                                            name="fx"))
    run_experiment(root / "e.toml", root / "exp", quiet=True)
    return root


def _prepare(case_files, tmp_path: Path, stored: Path) -> dict[str, str]:
    """Create the case's files; returns replacements for placeholders in its arguments."""
    import shutil

    names: dict[str, str] = {}
    if isinstance(case_files, str):
        kind, _, more = case_files.partition("+")
        if kind == "RUN":
            shutil.copytree(stored / "run", tmp_path / "RUN")
            names["RUN"] = "RUN"
        else:
            shutil.copytree(stored / "exp", tmp_path / "EXP")
            names["EXP"] = "EXP"
            if kind == "EXP-TRUNCATED":
                part = sorted((tmp_path / "EXP" / "parts" / "outcomes").glob("*.parquet"))[0]
                part.write_bytes(part.read_bytes()[:40])
        case_files = eval(more) if more else {}  # noqa: S307 - literal dicts in this file only
    for name, content in case_files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            write_toml(path, copy.deepcopy(content))
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return names


def run_cli(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse errors
        return exc.code


@pytest.mark.parametrize("kind, case_id, files, argv, expected", CASES, ids=[c[1] for c in CASES])
def test_bad_input_gives_one_line_exit_2_and_writes_nothing(kind, case_id, files, argv, expected, tmp_path,
                                                           monkeypatch, capsys, stored):
    if case_id == "out-unwritable" and not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    monkeypatch.chdir(tmp_path)
    _prepare(files, tmp_path, stored)
    before = _snapshot(tmp_path)
    code = run_cli(argv)
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, (code, err, captured.out)
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("areasim: error: ") and "Traceback" not in err
    assert expected in err, err
    assert _snapshot(tmp_path) == before, "something was written"


def test_every_case_class_is_counted_in_the_docs():
    """docs/bad_inputs.md lists each class with its number of cases in this corpus."""
    text = (ROOT / "docs" / "bad_inputs.md").read_text()
    for kind, count in Counter(c[0] for c in CASES).items():
        row = re.search(rf"^\| {re.escape(kind)} \| (\d+) \|", text, re.MULTILINE)
        assert row, f"class {kind!r} missing from docs/bad_inputs.md"
        assert int(row.group(1)) == count, f"{kind}: docs say {row.group(1)}, corpus has {count}"


def test_a_non_empty_unrelated_folder_passed_as_out_is_left_untouched(tmp_path, capsys):
    scenario_file = write_toml(tmp_path / "s.toml", scenario())
    mine = tmp_path / "thesis"
    (mine / "chapters").mkdir(parents=True)
    (mine / "draft.txt").write_text("years of work")
    (mine / "chapters" / "one.md").write_text("# One")
    import shutil
    shutil.copy(scenario_file, mine / "s.toml")
    before = _snapshot(mine)
    for argv in (["run", str(mine / "s.toml"), "--out", str(mine), "--quiet"],
                 ["run", str(scenario_file), "--out", str(mine), "--fund", "startbouwimpuls", "--paired"]):
        assert main(argv) == 2
        assert "not written by areasim" in capsys.readouterr().err
    assert _snapshot(mine) == before


def test_areasim_replaces_its_own_results_folder_but_not_one_with_a_user_file(tmp_path, capsys):
    scenario_file = write_toml(tmp_path / "s.toml", scenario())
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet", "--seed", "3"]) == 0  # its own: replaced
    (out / "my_notes.txt").write_text("mine")
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 2
    assert (out / "my_notes.txt").read_text() == "mine"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet", "--force"]) == 0
    assert not (out / "my_notes.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_explain_escapes_control_characters_in_stored_names(tmp_path, capsys):
    """A results folder edited by hand (names with ESC and newlines) cannot forge terminal output."""
    import pandas as pd

    scenario_file = write_toml(tmp_path / "s.toml", scenario())
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    evil = "north\x1b[2J\nFAKE LINE"
    for name in ("events", "areas", "business_cases"):
        frame = pd.read_parquet(out / f"{name}.parquet")
        frame["area"] = frame["area"].replace("north", evil)
        frame.to_parquet(out / f"{name}.parquet", index=False)
    capsys.readouterr()
    assert main(["explain", str(out), evil]) == 0
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\\x1b[2J\\nFAKE LINE" in text


def test_sigterm_during_the_write_leaves_no_hidden_folder(tmp_path):
    """SIGTERM while results are written: the temporary folder is removed and exit code is 143."""
    import signal
    import subprocess
    import sys
    import time

    scenario_file = write_toml(tmp_path / "s.toml", scenario())
    out = tmp_path / "res"
    code = ("import os, signal, sys, sim.output.writer as w\n"
            "real = w.overview_figure\n"
            "def slow(*a, **k):\n"
            "    real(*a, **k); print('writing', flush=True); import time; time.sleep(30)\n"
            "w.overview_figure = slow\n"
            "from sim.cli import main\n"
            "sys.exit(main())\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "run", str(scenario_file), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"], list(tmp_path.iterdir())


def test_the_existing_one_line_rule_holds_for_os_errors_as_well(tmp_path, capsys, monkeypatch):
    """An unreadable scenario file (permission) is one line too, not a traceback."""
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = write_toml(tmp_path / "s.toml", scenario())
    path.chmod(0)
    assert main(["check", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_report_writes_into_a_staged_folder_and_replaces_its_own(stored, tmp_path, capsys):
    out = tmp_path / "rep"
    for _ in range(2):
        assert main(["report", str(stored / "exp"), "--out", str(out)]) == 0
    assert (out / "report.html").is_file() and (out / "manifest.json").is_file()
    assert str(out / "report.html") in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]
