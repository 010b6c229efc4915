"""Load a scenario file (TOML) into a validated :class:`~sim.scenario.schema.Scenario`."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import InputError
from sim.scenario.consistency import check_consistency
from sim.scenario.errors import from_validation_error
from sim.scenario.schema import Scenario

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "nl_programme.toml"
"""The built-in default scenario of a source checkout."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a missing file or a syntax error becomes an InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "", str(path), "an existing TOML file", problem="file not found")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), "(syntax)", str(exc).split("\n")[0], "valid TOML (https://toml.io)",
                         problem="cannot parse") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "(encoding)", "binary content", "UTF-8 text") from None
    except RecursionError:
        raise InputError(str(path), "(syntax)", "deeply nested arrays or tables", "TOML nested at most a few "
                         "levels deep", problem="nested too deeply to read") from None
    except OSError as exc:
        raise InputError(str(path), "", str(path), "a readable TOML file",
                         problem=f"cannot read ({exc.strerror or type(exc).__name__})") from None


def from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dict (e.g. a TOML file with overrides applied)."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(source, exc, Scenario) from None
    check_consistency(scenario, source)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`InputError` on any mistake."""
    return from_dict(read_toml(path), str(path))


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded in manifests)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
