"""Output folders that are safe to write: areasim replaces only what it wrote itself.

Every folder areasim writes carries a ``manifest.json``. A folder counts as areasim's own when
its manifest says so *and* (for single-run folders) it holds nothing but the files the
manifest lists; anything else that is not empty is refused unless the user says ``--force``.
The checks run before any simulation, including a real write probe next to the target, so a
mistake costs one line, not a finished run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sim.errors import InputError

ALLOWED = "a new or empty folder, or a results folder areasim wrote (or --force to replace it)"


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest as a dict, or None if there is none or it is not areasim's JSON."""
    path = Path(folder) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def kind_of(folder: Path) -> str | None:
    """'run', 'experiment' or 'output' for a folder areasim wrote; None for anything else.

    'run' and 'output' folders must hold only the files their manifest lists (a user's own
    file put inside makes the folder theirs again).
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    if "experiment_sha256" in manifest and "runs_total" in manifest:
        return "experiment"
    files = manifest.get("files")
    if not isinstance(files, list):
        return None
    listed = {str(f) for f in files} | {"manifest.json"}
    try:
        present = {p.name for p in folder.iterdir()}
    except OSError:
        return None
    if not present <= listed:
        return None
    return "run" if "scenario_sha256" in manifest else "output" if manifest.get("written_by") else None


def is_empty_dir(folder: Path) -> bool:
    try:
        return not any(Path(folder).iterdir())
    except OSError:
        return False


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def probe_writable(folder: Path, arg: str, shown: Path) -> None:
    """Raise InputError unless a file can really be created (and removed) in ``folder`` or where it would go."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise InputError("", arg, str(shown), "a folder path whose parents are folders",
                         problem=f"{existing} is a file")
    try:
        fd, name = tempfile.mkstemp(prefix=".areasim-probe-", dir=existing)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise InputError("", arg, str(shown), "a folder you can write to",
                         problem=f"cannot write in {existing} ({exc.strerror or type(exc).__name__})") from None


def _dangerous(out: Path) -> bool:
    """The filesystem root, the home folder, or the current folder or one of its parents."""
    try:
        resolved = out.resolve()
        cwd = Path.cwd().resolve()
    except OSError:
        return False
    return resolved == Path(resolved.anchor) or resolved == Path.home().resolve() or \
        resolved == cwd or resolved in cwd.parents


def check_out(out: Path, arg: str = "--out", force: bool = False, accept: tuple[str, ...] = ("run",)) -> str:
    """Check a results folder before anything runs; returns 'new', 'empty', 'own' or 'forced'.

    ``accept``: the kinds of areasim folders this command may replace.
    """
    out = Path(out)
    if str(out) in ("", "."):
        raise InputError("", arg, str(out), "a folder path (not the current folder)", problem="is the current folder")
    if _dangerous(out):
        raise InputError("", arg, str(out), "a folder below the current one, not the current folder, a parent of "
                         "it, your home folder or the root", problem="refusing to replace it")
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise InputError("", arg, str(out), "a folder path", problem="is a file")
        probe_writable(out, arg, out)
        probe_writable(out.parent, arg, out)
        if is_empty_dir(out):
            return "empty"
        if kind_of(out) in accept:
            return "own"
        if not force:
            raise InputError("", arg, str(out), ALLOWED, problem="folder is not empty and was not written by areasim")
        return "forced"
    probe_writable(out.parent, arg, out)
    return "new"
