"""`areasim check` validates a scenario without loading the model's heavy libraries (issue #19).

The check path (scenario schema, fund designs and their instruments, cooperation models, negotiation
protocols) must not import numpy, simpy, scipy, pandas or mesa: they cost most of a short command's
start-up. A deterministic guard, not a timed one: each check runs in a fresh interpreter and reports
which of those modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "simpy", "scipy", "pandas", "mesa", "pyarrow", "matplotlib")

PROBE = """
import json, sys
from sim.cli import main
sys.argv = ["areasim", "check", *sys.argv[1:]]
try:
    code = main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))


def run_check(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
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
