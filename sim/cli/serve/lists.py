"""List fields of the scenario form, from the JSON Schema: rows of objects, and lists of plain values.

A list of objects (``population``, ``group.activities``, ``objective.guards``)
is a table with one row per item: one column per plain property of the item's
schema (for a union such as the population's roles, every branch's plain
properties; a role's ``role`` is a choice of the roles' names), and a last
column, ``more``, holding the item's other keys (``params``, nested settings)
as a one-line YAML mapping. Rows can be added (a template row the page's script
copies), removed and edited; the rows sent back replace the list. A list of
plain values (``diurnal``, ``objective.order``) is one text field, its values
separated by commas. The loader's problems for ``population[1].share`` or
``population[0].params.post_rate`` are shown in that row's cell.

Form names: ``PATH.I.COLUMN`` and ``PATH.I._more`` for row ``I`` (any whole
number; rows are kept in the order of ``I``), ``PATH.I._row`` marks a row (so
an empty new row counts), ``PATH._rows`` says the table was sent (so removing
every row empties the list).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from sim.spec.scenario import Scenario

MAX_DEPTH = 3
_SCALARS = ("integer", "number", "string", "boolean")
_SKIPPED = ("group.social.",)  # a social graph read from its file (thousands of nodes and edges) is not a form
MORE = "_more"
e = html.escape


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a row table: a plain property of the items, its JSON type and choices."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class ListField:
    """A list in the scenario: of objects (``columns`` set) or of plain values (``item_kind`` set)."""

    path: str
    columns: tuple[Column, ...] = ()
    item_kind: str = ""
    description: str = ""

    @property
    def of_objects(self) -> bool:
        return bool(self.columns)


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _deref(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    plain = [n for n in node.get("anyOf", []) if n.get("type") != "null"]
    if len(plain) == 1:
        return {**_deref(plain[0], defs), "description": node.get("description", "")}
    return node


def _columns(items: dict[str, Any], defs: dict[str, Any]) -> tuple[Column, ...] | None:
    branches = [_deref(b, defs) for b in items.get("oneOf", items.get("anyOf", []))] or [_deref(items, defs)]
    if not all(b.get("type") == "object" and "properties" in b for b in branches):
        return None
    found: dict[str, Column] = {}
    consts: dict[str, list[str]] = {}
    for b in branches:
        for name, raw in b["properties"].items():
            node = _deref(raw, defs)
            if "const" in node:
                consts.setdefault(name, []).append(str(node["const"]))
            elif "enum" in node:
                found.setdefault(name, Column(name, "string", tuple(str(v) for v in node["enum"]), raw.get("description", "")))
            elif node.get("type") in _SCALARS:
                found.setdefault(name, Column(name, node["type"], (), raw.get("description", node.get("description", ""))))
    # a discriminator (the population's role) comes first, offered as a choice of its values
    first = [Column(n, "string", tuple(dict.fromkeys(v))) for n, v in consts.items()]
    return tuple(first + [c for n, c in found.items() if n not in consts])


def list_fields() -> list[ListField]:
    """Every list of the scenario schema down to three levels, in schema order (the ruleset is edited by name)."""
    schema = Scenario.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    out: list[ListField] = []

    def walk(props: dict[str, Any], prefix: str, depth: int) -> None:
        for name, raw in props.items():
            node = _deref(raw, defs)
            path = f"{prefix}{name}"
            if path == "ruleset" or path.startswith(_SKIPPED):
                continue
            if node.get("type") == "array" and isinstance(node.get("items"), dict):
                items = node["items"]
                item = _deref(items, defs)
                desc = raw.get("description", node.get("description", ""))
                if item.get("type") in _SCALARS:
                    out.append(ListField(path, item_kind=item["type"], description=desc))
                elif (cols := _columns(items, defs)) is not None:
                    out.append(ListField(path, columns=cols, description=desc))
            elif node.get("type") == "object" and "properties" in node and depth < MAX_DEPTH:
                walk(node["properties"], path + ".", depth + 1)

    walk(schema["properties"], "", 1)
    return out


def _get(data: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    data[keys[-1]] = value


def _parse(kind: str, text: str) -> Any:
    if kind == "boolean":
        return text.lower() in ("on", "true", "1", "yes")
    try:
        return int(text) if kind == "integer" else float(text) if kind == "number" else text
    except ValueError:
        return text  # the loader names what is wrong with it, in its cell


def _flow(value: dict[str, Any]) -> str:
    """A mapping as one line of YAML (flow style)."""
    import io

    from ruamel.yaml import YAML

    if not value:
        return ""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = True
    yaml.width = 1 << 20
    buf = io.StringIO()
    yaml.dump(value, buf)
    return buf.getvalue().strip()


def apply_lists(data: dict[str, Any], form: dict[str, str], fields: list[ListField]) -> dict[str, list[str]]:
    """Write the form's lists into ``data`` (in place); returns problems of cells that are not readable.

    A list of objects is replaced by the rows sent (when its table was sent);
    a list of values by the text's values (an empty text keeps the file's list).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    problems: dict[str, list[str]] = {}
    for f in fields:
        if not f.of_objects:
            text = form.get(f.path, "").strip()
            if text:
                values = [_parse(f.item_kind, t.strip()) for t in text.split(",") if t.strip()]
                if values != _get(data, f.path):
                    _set(data, f.path, values)
            continue
        if f"{f.path}._rows" not in form:
            continue
        pattern = re.compile(rf"^{re.escape(f.path)}\.(\d+)\._row$")
        rows = sorted(int(m.group(1)) for k in form if (m := pattern.match(k)))
        items: list[dict[str, Any]] = []
        for i in rows:
            at = f"{f.path}.{i}"
            item: dict[str, Any] = {}
            more = form.get(f"{at}.{MORE}", "").strip()
            if more:
                try:
                    loaded = YAML(typ="safe", pure=True).load(more)
                except YAMLError as exc:
                    loaded = None
                    problems.setdefault(f"{f.path}[{len(items)}]", []).append(f"more: not YAML ({str(exc).splitlines()[0]})")
                if isinstance(loaded, dict):
                    item.update({str(k): v for k, v in loaded.items()})
                elif loaded is not None:
                    problems.setdefault(f"{f.path}[{len(items)}]", []).append("more: write a mapping, e.g. {params: {post_rate: 2}}")
            for c in f.columns:
                text = form.get(f"{at}.{c.name}", "").strip()
                if text:
                    item[c.name] = _parse(c.kind, text)
                else:
                    item.pop(c.name, None)
            items.append(item)
        before = _get(data, f.path)
        if items != before and (items or before is not None):  # an empty table adds no list the file did not have
            _set(data, f.path, items)
    return problems


def _messages(errors: dict[str, list[str]], key: str) -> str:
    return "".join(f'<span class="error" role="alert">{e(m)}</span>' for m in errors.get(key, []))


def _cell_errors(errors: dict[str, list[str]], path: str, i: int, columns: tuple[Column, ...]) -> dict[str, list[str]]:
    """The loader's problems of row ``i``, by column (``_more`` for the keys the row keeps in its YAML)."""
    out: dict[str, list[str]] = {}
    head = f"{path}[{i}]"
    names = {c.name for c in columns}
    for key, msgs in errors.items():
        if key != head and not key.startswith((head + ".", head + "[")):
            continue
        rest = key[len(head) + 1:] if key != head else ""
        column = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else ""
        shown = [m if column in names else (f"{rest}: {m}" if rest else m) for m in msgs]
        out.setdefault(column if column in names else MORE, []).extend(shown)
    return out


def _row(f: ListField, i: str, item: dict[str, Any], errors: dict[str, list[str]]) -> str:
    at = f"{f.path}.{i}"
    cells = []
    for k, c in enumerate(f.columns):
        value = item.get(c.name)
        shown = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        name = e(f"{at}.{c.name}")
        marker = f'<input type="hidden" name="{e(at)}._row" value="1">' if k == 0 else ""  # inside a cell: valid in a table
        if c.choices:
            choices = c.choices if not shown or shown in c.choices else (*c.choices, shown)  # a plugin role stays
            opts = '<option value="">-</option>' + "".join(
                f'<option{" selected" if shown == ch else ""}>{e(ch)}</option>' for ch in choices)
            widget = f'<select name="{name}" aria-label="{e(c.name)}">{opts}</select>'
        else:
            widget = f'<input name="{name}" value="{e(shown)}" aria-label="{e(c.name)}" size="7">'
        cells.append(f'<td class="{"bad" if c.name in errors else ""}">{marker}{widget}{_messages(errors, c.name)}</td>')
    rest = {k: v for k, v in item.items() if k not in {c.name for c in f.columns}}
    cells.append(f'<td class="more{" bad" if MORE in errors else ""}"><input name="{e(at)}.{MORE}" value="{e(_flow(rest))}" '
                 f'aria-label="more" size="28">{_messages(errors, MORE)}</td>')
    cells.append('<td><button type="button" class="remove-row" title="remove this row">remove</button></td>')
    return f'<tr class="row{" bad" if errors else ""}" data-index="{e(i)}">{"".join(cells)}</tr>'


def render_lists(fields: list[ListField], data: dict[str, Any], errors: dict[str, list[str]]) -> str:
    """The list fields as HTML tables and text fields; every value and message is escaped."""
    out = []
    for f in fields:
        value = _get(data, f.path)
        fid = "l-" + f.path.replace(".", "-")
        own = [m for k, ms in errors.items() if k == f.path or (k.startswith(f.path + "[") and not f.of_objects) for m in ms]
        err = "".join(f'<span class="error" role="alert">{e(m)}</span>' for m in own)
        if not f.of_objects:
            shown = ", ".join(str(v) for v in value) if isinstance(value, list) else ""
            out.append(f'<div class="field{" bad" if own else ""}"><label for="{fid}" title="{e(f.description)}">{e(f.path)}</label>'
                       f'<input id="{fid}" name="{e(f.path)}" value="{e(shown)}" placeholder="values, separated by commas">{err}</div>')
            continue
        items = [x if isinstance(x, dict) else {} for x in value] if isinstance(value, list) else []
        head = "".join(f'<th title="{e(c.description)}">{e(c.name)}</th>' for c in f.columns) + "<th>more (YAML)</th><th></th>"
        body = "".join(_row(f, str(i), item, _cell_errors(errors, f.path, i, f.columns)) for i, item in enumerate(items))
        template = _row(f, "__i__", {}, {})
        out.append(f'<div class="list{" bad" if own else ""}" id="{fid}" data-path="{e(f.path)}"><h3 title="{e(f.description)}">'
                   f'{e(f.path)}</h3>{err}<input type="hidden" name="{e(f.path)}._rows" value="1"><div class="scroll"><table>'
                   f'<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
                   f'<template>{template}</template><button type="button" class="add-row">add a row</button></div>')
    return "\n".join(out)


__all__ = ["Column", "ListField", "apply_lists", "list_fields", "render_lists"]
