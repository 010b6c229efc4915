"""Scenario parameter paths for experiments: ``actors.developers.presale_threshold``,
``regions[tight].absorption_homes_per_quarter``, ``areas[*].phases``, ``funds.design``.

A bracket selects list entries by name, by index, or all (``*``).
"""

from __future__ import annotations

import copy
import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel

from sim.scenario.errors import _unwrap
from sim.scenario.schema import Scenario

TOKEN = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(\[(?P<sel>[^\]]+)\])?$")


def split(path: str) -> list[tuple[str, str | None]]:
    """``'regions[tight].owner_price_per_m2'`` → ``[('regions', 'tight'), ('owner_price_per_m2', None)]``."""
    parts = []
    for token in path.split("."):
        m = TOKEN.match(token)
        if not m:
            raise ValueError(f"bad path segment {token!r}")
        parts.append((m.group("key"), m.group("sel")))
    return parts


def leaf_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """All scalar parameter paths of the schema (lists shown with ``[*]``)."""
    out = []
    for name, info in model.model_fields.items():
        here = f"{prefix}.{name}" if prefix else name
        subs = [a for a in _unwrap(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if subs:
            is_list = typing.get_origin(info.annotation) is list
            out.extend(leaf_paths(subs[0], here + ("[*]" if is_list else "")))
        else:
            out.append(here)
    return out


def _generic(path: str) -> str:
    return re.sub(r"\[[^\]]+\]", "[*]", path)


def check_path(path: str) -> str | None:
    """None if the path names a parameter, else a hint with the nearest valid paths."""
    valid = leaf_paths()
    try:
        split(path)
    except ValueError as exc:
        return str(exc)
    generic = _generic(path)
    if generic in valid:
        return None
    near = difflib.get_close_matches(generic, valid, n=3, cutoff=0.4)
    return "nearest valid: " + (", ".join(near) if near else "see scenarios/README.md")


def _select(items: list, sel: str) -> list[int]:
    if sel == "*":
        return list(range(len(items)))
    if sel.isdigit():
        return [int(sel)] if int(sel) < len(items) else []
    return [i for i, item in enumerate(items) if isinstance(item, dict) and item.get("name") == sel]


def apply(data: dict, path: str, value: Any) -> dict:
    """A copy of scenario data with ``value`` set at ``path`` (tables created as needed)."""
    return set_in_place(copy.deepcopy(data), path, value)


def apply_all(data: dict, overrides) -> dict:
    """A copy of scenario data with every ``(path, value)`` of ``overrides`` set in turn (one deep copy, not one
    per override: the experiment runner calls this once per run)."""
    out = copy.deepcopy(data)
    for path, value in overrides:
        set_in_place(out, path, value)
    return out


def set_in_place(out: dict, path: str, value: Any) -> dict:
    """Set ``value`` at ``path`` in ``out`` itself (tables created as needed); returns ``out``."""
    targets = [out]
    parts = split(path)
    for depth, (key, sel) in enumerate(parts):
        last = depth == len(parts) - 1
        nxt = []
        for node in targets:
            if sel is None:
                if last:
                    node[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
                else:
                    nxt.append(node.setdefault(key, {}))
            else:
                items = node.get(key, [])
                chosen = _select(items, sel)
                if not chosen:
                    names = [str(it["name"]) for it in items if isinstance(it, dict) and "name" in it]
                    raise KeyError(f"{key}[{sel}] matches no entry"
                                   + (f" (the scenario's {key}: {', '.join(names)})" if names else ""))
                nxt.extend(items[i] for i in chosen)
        targets = nxt
    return out


def get(data: dict, path: str) -> Any:
    """Value at a path in scenario data (first match), or None if unset."""
    node: Any = data
    for key, sel in split(path):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
        if sel is not None:
            chosen = _select(node, sel)
            if not chosen:
                return None
            node = node[chosen[0]]
    return node
