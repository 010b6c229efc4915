"""Provenance for manifests: package and dependency versions, git commit, host."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import sim

DEPENDENCIES = ("mesa", "simpy", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "matplotlib")


def git_commit() -> str:
    """Commit of the source checkout the package runs from ('unknown' outside git; '+dirty' if modified)."""
    root = Path(sim.__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def versions() -> dict[str, str]:
    """Installed versions of Python, areasim and its main dependencies."""
    out = {"python": sys.version.split()[0], "areasim": sim.__version__}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def host() -> dict[str, str]:
    return {"node": platform.node(), "platform": platform.platform(), "machine": platform.machine()}
