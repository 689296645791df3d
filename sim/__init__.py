"""groupsim's simulator: time, agents and group state for chat groups that live or die.

Configuration flows one way: a scenario file is validated into a frozen
:class:`Scenario`, a :class:`Simulation` is built from it with a seed, and a
run yields a :class:`RunResult` (summary, per-day series, event log).

Importing :mod:`sim` loads nothing heavy: each name below is imported from its
own layer on first use (see docs/ARCHITECTURE.md for the layers).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "VALUE_DIMENSIONS": "sim.spec.scenario",
    "Outcome": "sim.model.outcomes",
    "RunResult": "sim.run.engine",
    "Scenario": "sim.spec.scenario",
    "Simulation": "sim.run.engine",
    "load_scenario": "sim.spec.scenario",
    "run_scenario": "sim.run.engine",
    "scenario_json_schema": "sim.spec.scenario",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = sorted(_EXPORTS)
