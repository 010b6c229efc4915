"""`areasim check` validates a scenario without loading the model's heavy libraries (issue #19).

The check path (scenario schema, fund designs and their instruments, cooperation models, negotiation
protocols) must not import numpy, simpy, scipy, pandas or mesa: they cost most of a short command's
start-up. A deterministic guard, not a timed one: each check runs in a fresh interpreter and reports
which of those modules it loaded. The same probe guards the sixth session's start-up savings
(docs/performance.md): a scenario without a fund design checks without importing the fund modules,
and pydantic's plug-in discovery (an entry-point scan of every installed distribution) is skipped
unless the user set ``PYDANTIC_DISABLE_PLUGINS`` otherwise; with the plug-ins off, the check does not even load
pydantic's plug-in finder (ninth session: a stand-in answers for it, ``sim.cli.skip_plugin_loader``).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "simpy", "scipy", "pandas", "mesa", "pyarrow", "matplotlib")
LAZY = ("sim.funds", "sim.funds.design", "sim.funds.instruments", "difflib")
"""Imported by the check path only when needed: the fund modules for a design other than 'none', difflib
for the suggestions of an unknown-key error."""

PROBE = """
import gc, importlib.metadata, json, os, sys
scans = []
_entry_points = importlib.metadata.entry_points
def entry_points(**params):  # counts pydantic's plug-in discovery (it imports this name when it first looks)
    scans.append(params.get("group"))
    return _entry_points(**params)
importlib.metadata.entry_points = entry_points
from sim.cli import main
sys.argv = ["areasim", "check", *sys.argv[1:]]
try:
    code = main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules],
                  "lazy": [m for m in LAZY if m in sys.modules], "plugin_scans": scans.count("pydantic"),
                  "plugins_env": os.environ.get("PYDANTIC_DISABLE_PLUGINS"), "gc_enabled": gc.isenabled(),
                  "gc_frozen": gc.get_freeze_count()}))
""".replace("HEAVY", repr(HEAVY)).replace("LAZY", repr(LAZY))


def run_check(*args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})}, timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("scenario", ["scenarios/nl_programme.toml", "scenarios/replay_2005.toml"])
def test_check_loads_no_heavy_library(scenario):
    result = run_check(scenario)
    assert result["code"] in (0, None)
    assert result["loaded"] == []


def test_check_with_every_fund_design_loads_no_heavy_library(tmp_path):
    """A scenario naming a fund design: the design and its instruments are validated without numpy."""
    text = (ROOT / "scenarios" / "nl_programme.toml").read_text()
    for design in sorted(p.stem for p in (ROOT / "scenarios" / "funds").glob("*.toml")):
        path = tmp_path / f"with_{design}.toml"
        assert text.count('design = "none"') == 1
        path.write_text(text.replace('design = "none"', f'design = "{design}"'))
        result = run_check(str(path))
        assert result["code"] in (0, None), design
        assert result["loaded"] == [], design


@pytest.mark.parametrize("scenario", ["scenarios/nl_programme.toml", "scenarios/replay_2005.toml"])
def test_check_without_a_fund_design_skips_the_fund_modules_and_plugin_discovery(scenario):
    """Lazy imports on the check path: design 'none' has nothing to load, a valid file needs no suggestions;
    areasim uses no pydantic plug-ins, so main() turns pydantic's discovery off (PYDANTIC_DISABLE_PLUGINS)."""
    result = run_check(scenario)
    assert result["code"] in (0, None)
    assert result["lazy"] == []
    assert result["plugin_scans"] == 0
    assert result["plugins_env"] == "__all__"


def test_the_check_process_leaves_its_objects_to_the_operating_system():
    """``areasim check`` as its own process: no collections while it runs, none of its objects collected at exit
    (gc.disable, then gc.freeze). Called in-process (``main(argv)``, e.g. from a notebook) it leaves the
    caller's collector alone."""
    import gc

    from sim.cli import main

    result = run_check("scenarios/nl_programme.toml")
    assert result["code"] in (0, None)
    assert result["gc_enabled"] is False and result["gc_frozen"] > 10_000
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    assert main(["check", str(ROOT / "scenarios" / "nl_programme.toml")]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_users_pydantic_plugin_setting_is_kept():
    """setdefault, not an override: a user who disables only some plug-ins keeps discovery of the others."""
    result = run_check("scenarios/nl_programme.toml", env={"PYDANTIC_DISABLE_PLUGINS": "some_plugin"})
    assert result["code"] in (0, None)
    assert result["plugins_env"] == "some_plugin"
    assert result["plugin_scans"] >= 1


def test_an_unknown_key_still_gets_a_suggestion(tmp_path):
    """difflib, now imported only in the error path, still suggests the nearest key."""
    text = (ROOT / "scenarios" / "nl_programme.toml").read_text()
    path = tmp_path / "typo.toml"
    path.write_text(text.replace("horizon_years =", "horizon_yeras =", 1))
    out = subprocess.run([sys.executable, "-c", "import sys; from sim.cli import main; sys.exit(main())",
                          "check", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 2
    assert "horizon_yeras" in out.stderr and "did you mean 'horizon_years'?" in out.stderr


def test_schema_modules_keep_evaluated_annotations():
    """The model modules do without ``from __future__ import annotations`` (it binds ``annotations``):
    string annotations would make pydantic evaluate every field's type at import (docs/performance.md)."""
    import sim.funds.design
    import sim.scenario.schema

    assert "annotations" not in vars(sim.scenario.schema)
    assert "annotations" not in vars(sim.funds.design)


def _outcome(validate, data: dict, source: str):
    """('error', one line) or ('ok', scenario, design) of one validation function."""
    from sim.errors import InputError

    try:
        scenario, design = validate(copy.deepcopy(data), source)
    except InputError as exc:
        return "error", exc.one_line()
    return "ok", scenario, design


def test_check_data_agrees_with_validate_data(tmp_path):
    """Guard for the light check path: ``check_data`` (what ``areasim check`` runs; no fund modules for the
    baseline) gives exactly the verdict of ``validate_data`` (what a run uses) — the same error line, or
    the same scenario, with the design None for 'none' where the run gets NO_FUND — over the shipped
    designs and mistakes in each layer (schema, cross-field rule, plug-in, design name, design path,
    design region)."""
    from sim.funds.design import NO_FUND, load_design
    from sim.scenario.inputs import check_data, check_file, load_run_inputs, validate_data

    base = tomllib.loads((ROOT / "scenarios" / "nl_programme.toml").read_text())
    (tmp_path / "stray.toml").write_text('name = "stray"\n[[funds]]\nname = "f"\nbudget = 1e6\nregions = ["nowhere"]\n'
                                         '[[funds.instruments]]\ntype = "start_subsidy"\n')
    designs = sorted(p.stem for p in (ROOT / "scenarios" / "funds").glob("*.toml"))
    variants = [("none", {})] + [(d, {}) for d in designs] + [
        ("nope", {}), ("./missing.toml", {}), ("stray.toml", {}), ("none", {"horizon_years": 0}),
        ("none", {"cooperation": {**base["cooperation"], "model": "nope"}}),
        ("woningbouwimpuls", {"horizon_years": 1})]
    source = str(tmp_path / "s.toml")
    outcomes = {"ok": 0, "error": 0}
    for name, change in variants:
        data = {**base, **change, "funds": {**base["funds"], "design": name}}
        checked, validated = _outcome(check_data, data, source), _outcome(validate_data, data, source)
        assert checked[0] == validated[0], name
        outcomes[checked[0]] += 1
        if checked[0] == "error":
            assert checked[1] == validated[1], name
            continue
        assert checked[1] == validated[1], name
        if name == "none":
            assert checked[2] is None and validated[2] is NO_FUND
        else:
            assert checked[2] == validated[2] == load_design(name, tmp_path)
    assert outcomes["ok"] >= 1 + len(designs) and outcomes["error"] >= 5
    path = ROOT / "scenarios" / "nl_programme.toml"
    assert check_file(path) == load_run_inputs(path)[:2]


STAND_IN_PROBE = """
import json, os, sys
from sim.cli import main
sys.argv = ["areasim", "check", "scenarios/nl_programme.toml"]
try:
    code = main()
except SystemExit as exc:
    code = exc.code
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({"code": code, "metadata_loaded": "importlib.metadata" in sys.modules,
                  "stand_in": loader is not None and not hasattr(loader, "__file__")}))
"""


def run_stand_in_probe(env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", STAND_IN_PROBE], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})}, timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_with_plugins_off_check_does_not_load_the_plugin_finder():
    """pydantic's plug-in loader imports importlib.metadata (email, zipfile, csv, ...) only to return no plug-ins
    when they are off: ``areasim check`` stands in for it and loads none of that (~0.02 s of the command)."""
    result = run_stand_in_probe()
    assert result == {"code": 0, "metadata_loaded": False, "stand_in": True}


def test_a_user_who_keeps_some_plugins_gets_pydantics_own_loader():
    result = run_stand_in_probe(env={"PYDANTIC_DISABLE_PLUGINS": "some_plugin"})
    assert result["code"] == 0 and result["stand_in"] is False


def test_the_stand_in_answers_as_pydantics_loader_does_with_plugins_off():
    """Its get_plugins gives what pydantic's own gives with the plug-ins off (nothing); any other name comes from
    pydantic's real module; in-process callers of main(argv) keep pydantic's own loader."""
    code = """
import json, os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
from sim.cli import skip_plugin_loader
skip_plugin_loader()
stand_in = sys.modules["pydantic.plugin._loader"]
ours = list(stand_in.get_plugins())
group = stand_in.PYDANTIC_ENTRY_POINT_GROUP  # not defined by the stand-in: loads pydantic's module
real = sys.modules["pydantic.plugin._loader"]
print(json.dumps({"ours": ours, "theirs": list(real.get_plugins()), "group": group,
                  "real_loaded": real is not stand_in and hasattr(real, "__file__"),
                  "is_package": hasattr(stand_in, "__path__")}))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"ours": [], "theirs": [], "group": "pydantic", "real_loaded": True, "is_package": False}
    import sys as this

    from sim.cli import main

    before = this.modules.get("pydantic.plugin._loader")
    assert main(["check", str(ROOT / "scenarios" / "nl_programme.toml")]) == 0
    assert this.modules.get("pydantic.plugin._loader") is before
