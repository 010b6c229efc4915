"""Real areas to try: each field sourced or marked as an assumption; docs/real_areas.md current."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "scenarios" / "areas").glob("*.toml"))
MARK = re.compile(r"sources\.md#|assumption|docs/", re.IGNORECASE)


def test_there_are_real_areas():
    assert {p.stem for p in FILES} >= {"merwede", "sluisbuurt", "binckhorst", "m4h"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_real_area_loads(path):
    scenario = load_scenario(path)
    assert len(scenario.areas) == 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_field_is_sourced_or_marked_as_an_assumption(path):
    """Each `key = value` line carries a source or 'assumption' (inline, or in the comment block above it)."""
    block = ""
    missing = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            block = ""
        elif stripped.startswith("#"):
            block += stripped
        elif "=" in stripped:
            key = stripped.split("=", 1)[0].strip()
            if key in ("name", "description", "region"):  # identifiers, not data
                continue
            if not (MARK.search(line.split("#", 1)[1] if "#" in line else "") or MARK.search(block)):
                missing.append(f"{n}: {stripped}")
        elif not stripped:
            block = block if block else ""
    assert not missing, f"{path.name}: fields without a source or 'assumption':\n" + "\n".join(missing)


def test_real_areas_page_is_current():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from real_areas_report import PAGE, render
    finally:
        sys.path.pop(0)
    assert PAGE.read_text() == render(), "docs/real_areas.md is stale: run python tools/real_areas_report.py"
