"""Scenario forms generated from the JSON Schema, and their values applied back to a scenario file.

A field is every scalar property (integer, number, string, boolean, or an enum)
of the scenario schema down to three levels (``duration_days``,
``group.capacity``, ``group.arrivals.rate_per_day``); lists (the population,
activities, guard-rails) are tables of rows, in :mod:`sim.cli.serve.lists`. Values typed in the form are parsed by the
field's type and written into the YAML data; the loader then validates the
whole scenario, and its problems are shown next to the fields they name.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from rules import InputError
from sim.spec.scenario import Scenario

MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Field:
    """One form field: its dotted path, JSON type, choices (an enum) and description."""

    path: str
    kind: str
    choices: tuple[str, ...] = ()
    description: str = ""
    default: str = ""


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return defs[node["$ref"].rsplit("/", 1)[-1]]
    any_of = [n for n in node.get("anyOf", []) if n.get("type") != "null"]
    if len(any_of) == 1:
        return {**_resolve(any_of[0], defs), "description": node.get("description", "")}
    return node


def schema_fields() -> list[Field]:
    """The form's fields, from ``Scenario.model_json_schema()``, in schema order."""
    schema = Scenario.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    out: list[Field] = []

    def walk(props: dict[str, Any], prefix: str, depth: int) -> None:
        for name, raw in props.items():
            node = _resolve(raw, defs)
            path = f"{prefix}{name}"
            if "enum" in node:
                out.append(Field(path, "enum", tuple(str(v) for v in node["enum"]), raw.get("description", "")))
            elif node.get("type") in ("integer", "number", "string", "boolean"):
                default = raw.get("default", node.get("default"))
                out.append(Field(path, node["type"], (), raw.get("description", node.get("description", "")),
                                 "" if default is None else str(default)))
            elif node.get("type") == "object" and "properties" in node and depth < MAX_DEPTH:
                walk(node["properties"], path + ".", depth + 1)

    walk(schema["properties"], "", 1)
    return [f for f in out if f.path != "ruleset"]


def get(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _parse(field: Field, text: str) -> Any:
    if field.kind == "boolean":
        return text in ("on", "true", "1")
    if field.kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text  # the loader says what is wrong with it, next to the field
    if field.kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    return text


def apply(data: dict[str, Any], form: dict[str, str], fields: list[Field]) -> dict[str, Any]:
    """A copy of the scenario data with the form's values set (empty fields keep the file's value)."""
    import copy

    out = copy.deepcopy(data)
    for f in fields:
        if f.kind == "boolean":
            if f"{f.path}.present" not in form:
                continue
            value: Any = _parse(f, form.get(f.path, ""))
        else:
            text = form.get(f.path)
            if text is None or text.strip() == "":
                continue
            value = _parse(f, text.strip())
        if get(out, f.path) == value:
            continue
        node = out
        keys = f.path.split(".")
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = value
    return out


def problems_by_field(exc: InputError) -> dict[str, list[str]]:
    """The loader's problems keyed by the dotted field they name ("" for the file as a whole)."""
    out: dict[str, list[str]] = {}
    for p in exc.problems:
        out.setdefault(str(p.field or ""), []).append(p.message)
    return out


def render(fields: list[Field], data: dict[str, Any], errors: dict[str, list[str]]) -> str:
    """The form's inputs as HTML; every value and message is escaped."""
    rows = []
    e = html.escape
    for f in fields:
        value = get(data, f.path)
        fid = "f-" + f.path.replace(".", "-")
        if f.kind == "enum":
            # an absent value stays absent (the model's default) unless a choice is picked
            blank = f'<option value=""{" selected" if value is None else ""}>(default)</option>'
            opts = blank + "".join(f'<option{" selected" if str(value) == c else ""}>{e(c)}</option>' for c in f.choices)
            widget = f'<select id="{fid}" name="{e(f.path)}">{opts}</select>'
        elif f.kind == "boolean":
            widget = (f'<input type="hidden" name="{e(f.path)}.present" value="1">'
                      f'<input id="{fid}" type="checkbox" name="{e(f.path)}"{" checked" if value else ""}>')
        else:
            shown = "" if value is None else str(value)
            hint = f' placeholder="default {e(f.default)}"' if f.default else ""
            widget = f'<input id="{fid}" name="{e(f.path)}" value="{e(shown)}"{hint}>'
        msgs = errors.get(f.path, [])
        err = "".join(f'<span class="error" role="alert">{e(m)}</span>' for m in msgs)
        rows.append(f'<div class="field{" bad" if msgs else ""}"><label for="{fid}" title="{e(f.description)}">'
                    f"{e(f.path)}</label>{widget}{err}</div>")
    return "\n".join(rows)


__all__ = ["Field", "apply", "get", "problems_by_field", "render", "schema_fields"]
