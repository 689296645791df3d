"""JSON Schemas of every groupsim file kind, for editors and for checking files outside groupsim.

``groupsim schema [KIND]`` prints one. Each comes from the same pydantic model
that ``validate`` and ``run`` use, so a file the schema rejects, validate rejects
too (tests/test_schema.py checks both on the bundled files and on broken ones).
The shorthand forms of triggers and actions are part of the models' schemas
(rules/declarative.py, from the action table). One thing is filled in here,
because it depends on what is installed: a plugin role's ``role`` must name a
role registered under ``groupsim.roles``; with none installed, the plugin branch
is dropped, so an unknown role name fails the schema as it fails validate.
"""

from __future__ import annotations

import importlib
from typing import Any

KINDS: dict[str, tuple[str, str, str]] = {
    "scenario": ("sim.spec.scenario", "Scenario", "groupsim scenario"),
    "ruleset": ("rules.ruleset", "RulesetSpec", "groupsim ruleset"),
    "portfolio": ("sim.run.portfolio", "Portfolio", "groupsim portfolio"),
    "sweep": ("sim.experiments.design", "SweepSpec", "groupsim sweep"),
    "search": ("sim.experiments.optimize", "SearchSpec", "groupsim search"),
    "texts": ("sim.spec.texts", "TextFile", "groupsim texts"),
}
"""File kind -> (module, model class, schema title)."""

_PLUGIN_ROLE = "#/$defs/PluginRole"


def _installed_roles(schema: dict[str, Any]) -> None:
    """Restrict the plugin-role branch to the installed plugin roles (or drop it when there are none)."""
    defs = schema.get("$defs", {})
    if "PluginRole" not in defs:
        return
    from sim.spec.contract import plugin_role_names

    names = plugin_role_names()
    if names:
        defs["PluginRole"]["properties"]["role"] = {"enum": names, "title": "Role", "description": "An installed plugin role."}
        return
    del defs["PluginRole"]

    def prune(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("oneOf", "anyOf"):
                if key in node:
                    node[key] = [b for b in node[key] if not (isinstance(b, dict) and b.get("$ref") == _PLUGIN_ROLE)]
            for v in node.values():
                prune(v)
        elif isinstance(node, list):
            for v in node:
                prune(v)

    prune(schema)


def _compact_groups(schema: dict[str, Any]) -> None:
    """A portfolio's ``groups`` is a list or the compact form (expanded before the model sees it)."""
    from sim.spec.portfolio_groups import GroupSet

    compact = GroupSet.model_json_schema(by_alias=True)
    schema.setdefault("$defs", {}).update(compact.pop("$defs", {}))
    schema["$defs"]["GroupSet"] = compact
    listed = schema["properties"]["groups"]
    schema["properties"]["groups"] = {"description": listed.get("description", ""),
                                      "anyOf": [{k: v for k, v in listed.items() if k != "description"},
                                                {"$ref": "#/$defs/GroupSet"}]}


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind."""
    module, name, title = KINDS[kind]
    model = getattr(importlib.import_module(module), name)
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    _installed_roles(schema)
    if kind == "portfolio":
        _compact_groups(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


__all__ = ["KINDS", "json_schema"]
