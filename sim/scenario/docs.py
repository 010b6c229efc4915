"""Render the scenario reference (every field with type, default, unit, range and source) as Markdown."""

from __future__ import annotations

import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario.errors import _unwrap, describe_allowed
from sim.scenario.schema import Scenario

BEGIN = "<!-- BEGIN GENERATED REFERENCE (python tools/gen_scenario_docs.py) -->"
END = "<!-- END GENERATED REFERENCE -->"


def _type_name(annotation) -> str:
    text = str(annotation).replace("typing.", "").replace("sim.scenario.schema.", "")
    return getattr(annotation, "__name__", text) if typing.get_origin(annotation) is None else text


def _default(info) -> str:
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    if info.default_factory is not None:
        return "(section)"
    value = info.default
    if isinstance(value, float) and abs(value) >= 1e5:
        return f"{value:.3g}"
    return f"`{value!r}`"


def _first_line(text: str | None) -> str:
    return ((text or "").strip().splitlines() or [""])[0]


def _section(model: type[BaseModel], path: str, out: list[str], seen: set) -> None:
    rows = []
    nested = []
    for name, info in model.model_fields.items():
        here = f"{path}.{name}" if path else name
        subs = [a for a in _unwrap(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if callable(extra.get("plugins")):  # a list of plug-ins: document each built-in one's parameters
            subs = [cls.Params for cls in extra["plugins"]().values() if cls.__module__.startswith("sim.")]
        if subs:
            is_list = typing.get_origin(info.annotation) is list
            for sub in subs:
                tag = sub.model_fields.get("type")
                suffix = f" (type = {typing.get_args(tag.annotation)[0]!r})" if tag is not None and len(subs) > 1 else ""
                nested.append((sub, (f"{here}[]" if is_list else here) + suffix))
            rows.append(f"| `{name}` | {'list of tables' if is_list else 'table'} | {_default(info)} | - | "
                        f"see `[{'[' if is_list else ''}{here}{']' if is_list else ''}]` | "
                        f"{_first_line(info.description or subs[0].__doc__)} | |")
            continue
        allowed = describe_allowed(info)
        rows.append(f"| `{name}` | {_type_name(info.annotation)} | {_default(info)} | {extra.get('unit', '-')} | "
                    f"{allowed} | {info.description or ''} | {extra.get('source', '')} |")
    title = path or "top level"
    doc = _first_line(model.__doc__)
    out.append(f"\n### `{title}`\n\n{doc}\n")
    out.append("| field | type | default | unit | allowed | meaning | source |")
    out.append("|---|---|---|---|---|---|---|")
    out.extend(rows)
    for sub, sub_path in nested:
        if (sub, sub_path) not in seen:
            seen.add((sub, sub_path))
            _section(sub, sub_path, out, seen)


def render_reference(root: type[BaseModel] = Scenario) -> str:
    """Markdown tables for every section of a schema (default: the scenario)."""
    out: list[str] = [BEGIN]
    _section(root, "", out, set())
    out.append(END)
    return "\n".join(out) + "\n"
