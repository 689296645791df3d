"""JSON Schemas of every groupsim file kind, for editors and for checking files outside groupsim.

``groupsim schema [KIND]`` prints one. Each comes from the same pydantic model
that ``validate`` and ``run`` use, so a file the schema rejects, validate rejects
too (tests/test_schema.py checks both on the bundled files and on broken ones).
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
}
"""File kind -> (module, model class, schema title)."""


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind."""
    module, name, title = KINDS[kind]
    model = getattr(importlib.import_module(module), name)
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


__all__ = ["KINDS", "json_schema"]
