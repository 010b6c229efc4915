"""Sources a reader can check: every citation points into docs/sources.md, none outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sim.funds.design import FundDesign
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources.md"

# Notes that lived outside the repository; a citation of them cannot be checked by a reader.
OUTSIDE = re.compile(r"\b(FACTS|BRIEF|ECONOMICS|INSTITUTIONS|DESIGN)\.md\b")
# "sources.md#key" and the short follow-ups ", #key" of a citation with several keys.
CITED = re.compile(r"sources\.md#([a-z0-9-]+)((?:(?:,| and) #[a-z0-9-]+)*)")
ENTRY = re.compile(r'^- <a id="([a-z0-9-]+)"></a>\*\*\[([a-z0-9-]+)\]\*\*', re.MULTILINE)

PENDING_ELSEWHERE: set[str] = set()
"""Files allowed to still cite notes outside the repository (none: every citation points into sources.md)."""


def _tracked_text_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = [ROOT / line for line in out.splitlines()]
    files.append(SOURCES)
    text_ext = {".py", ".md", ".toml", ".txt", ".cfg", ".yml", ".yaml", ".ipynb", ".csv", ""}
    return sorted({f for f in files if f.is_file() and f.suffix in text_ext})


def keys_defined() -> set[str]:
    text = SOURCES.read_text(encoding="utf-8")
    entries = ENTRY.findall(text)
    assert all(a == b for a, b in entries), "anchor id and [key] differ in docs/sources.md"
    return {a for a, _ in entries}


def keys_cited(text: str) -> set[str]:
    keys: set[str] = set()
    for first, rest in CITED.findall(text):
        keys.add(first)
        keys.update(re.findall(r"#([a-z0-9-]+)", rest))
    return keys


def test_sources_md_has_unique_keys():
    text = SOURCES.read_text(encoding="utf-8")
    ids = [a for a, _ in ENTRY.findall(text)]
    assert len(ids) == len(set(ids)) and len(ids) > 30


@pytest.mark.parametrize("path", _tracked_text_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_cites_notes_outside_the_repository(path: Path):
    rel = str(path.relative_to(ROOT))
    if rel in PENDING_ELSEWHERE or rel == "tests/test_sources.py":
        return
    hits = [f"{i}: {line.strip()}" for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if OUTSIDE.search(line)]
    assert not hits, f"{rel} cites a file outside the repository:\n" + "\n".join(hits)


def test_every_cited_key_exists():
    defined = keys_defined()
    missing: dict[str, set[str]] = {}
    for path in _tracked_text_files():
        if path in (SOURCES, Path(__file__).resolve()):  # this file names the pattern, not a source
            continue
        unknown = keys_cited(path.read_text(encoding="utf-8")) - defined - {"key"}  # "sources.md#key" in prose
        if unknown:
            missing[str(path.relative_to(ROOT))] = unknown
    assert not missing, f"keys cited but not in docs/sources.md: {missing}"


def _sources_of(schema) -> list[str]:
    """Every `source` string of a pydantic schema and its nested sections."""
    seen, out, todo = set(), [], [schema]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if "source" in extra:
                out.append(extra["source"])
            for arg in _models_in(info.annotation):
                todo.append(arg)
            if callable(extra.get("plugins")):  # plug-in parameter models (fund instruments)
                todo.extend(cls.Params for cls in extra["plugins"]().values() if cls.__module__.startswith("sim."))
    return out


def _models_in(annotation) -> list[type]:
    from typing import get_args

    from pydantic import BaseModel

    found, todo = [], [annotation]
    while todo:
        a = todo.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            found.append(a)
        todo.extend(get_args(a))
    return found


@pytest.mark.parametrize("schema", [Scenario, FundDesign])
def test_parameter_sources_point_into_sources_md(schema):
    sources = _sources_of(schema)
    assert len(sources) > 20
    defined = keys_defined()
    for text in sources:
        assert not OUTSIDE.search(text), text
        assert keys_cited(text) <= defined, text
