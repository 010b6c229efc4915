"""Turn pydantic validation errors into one-line :class:`~sim.errors.InputError` messages.

The message names the field by its path in the file (``areas[3].programme.social``),
the offending value and what is allowed (range and unit from the schema, or the
valid keys for an unknown key, with the nearest match first).
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.errors import InputError


def field_path(loc: tuple[Any, ...]) -> str:
    """``('areas', 3, 'homes')`` → ``'areas[3].homes'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold (through Optional, list, tuple, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return [annotation]
    found: list[Any] = []
    for arg in typing.get_args(annotation):
        found.extend(_unwrap(arg))
    if origin in (typing.Union, types.UnionType, list, tuple, dict, typing.Annotated):
        return found
    return [annotation, *found]


def resolve(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model class that holds the last key of ``loc`` and that key's FieldInfo."""
    model: type[BaseModel] | None = root
    info: FieldInfo | None = None
    for i, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return model, None
        info = model.model_fields[part]
        if i == len(loc) - 1:
            return model, info
        nested = [a for a in _unwrap(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = nested[0] if nested else None
    return model, info


def section_model(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class of the section at ``loc`` (e.g. ``('cooperation',)`` → the Cooperation model)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        nested = [a for a in _unwrap(model.model_fields[part].annotation)
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        model = nested[0] if nested else None
    return model


def describe_allowed(info: FieldInfo | None) -> str:
    """Human text for the allowed values of a field: options or range, with unit."""
    if info is None:
        return "see scenarios/README.md"
    parts: list[str] = []
    literal = [a for a in _unwrap(info.annotation) if typing.get_origin(a) is Literal]
    if typing.get_origin(info.annotation) is Literal:
        literal = [info.annotation]
    if literal:
        parts.append("one of " + ", ".join(repr(v) for v in typing.get_args(literal[0])))
    bounds = []
    is_text = info.annotation is str

    def fmt(v) -> str:
        return f"{v:g}" if isinstance(v, float) else str(v)

    for m in info.metadata:
        if isinstance(m, at.Ge):
            bounds.append(f">= {fmt(m.ge)}")
        elif isinstance(m, at.Gt):
            bounds.append(f"> {fmt(m.gt)}")
        elif isinstance(m, at.Le):
            bounds.append(f"<= {fmt(m.le)}")
        elif isinstance(m, at.Lt):
            bounds.append(f"< {fmt(m.lt)}")
        elif isinstance(m, at.MinLen):
            bounds.append(f"at least {m.min_length} {'character' if is_text else 'item'}(s)")
        elif isinstance(m, at.MaxLen):
            bounds.append(f"at most {m.max_length} {'character' if is_text else 'item'}(s)")
    if bounds:
        kind = "integer" if info.annotation is int else ("text" if is_text else
                                                         ("list" if typing.get_origin(info.annotation) is list
                                                          else "number"))
        parts.append(f"{kind} " + " and ".join(bounds))
    if not parts:
        ann = info.annotation
        name = getattr(ann, "__name__", None) or str(ann).replace("typing.", "")
        parts.append(f"a value of type {name}")
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = extra.get("unit")
    if unit and unit != "-":
        parts.append(f"in {unit}")
    return " ".join(parts)


def from_validation_error(source: str, exc: ValidationError, root: type[BaseModel]) -> InputError:
    """The first error of a pydantic ValidationError as a one-line InputError."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    path = field_path(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        import difflib  # here: only a mistake needs it (keeps `areasim check` of a valid file light)

        parent = section_model(root, loc[:-1])
        keys = sorted(parent.model_fields) if parent is not None else []
        near = difflib.get_close_matches(str(loc[-1]), keys, n=3, cutoff=0.5)
        ordered = near + [k for k in keys if k not in near]
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        top = difflib.get_close_matches(str(loc[-1]), sorted(root.model_fields), n=1, cutoff=0.5)
        if not near and top and len(loc) > 1:  # a top-level key written after a [table] header
            hint = (f" (did you mean {top[0]!r} at the top level? keys after a [table] header belong to "
                    f"that table)")
        return InputError(source, path, err.get("input"), "keys " + ", ".join(ordered),
                          problem="unknown key" + hint)
    if kind == "missing":
        _, info = resolve(root, loc)
        return InputError(source, path, "<missing>", describe_allowed(info), problem="required field is missing")
    # Errors inside tuples/lists point at an index after the field; find the field itself.
    field_loc = loc
    while field_loc and isinstance(field_loc[-1], int):
        field_loc = field_loc[:-1]
    _, info = resolve(root, field_loc)
    return InputError(source, path, err.get("input"), describe_allowed(info), problem=err["msg"])
