"""groupsim's simulator: time, agents and group state for chat groups that live or die.

Configuration flows one way: a scenario file is validated into a frozen
:class:`Scenario`, a :class:`Simulation` is built from it with a seed, and a
run yields a :class:`RunResult` (summary, per-day series, event log).
"""

from __future__ import annotations

from sim.engine import RunResult, Simulation, run_scenario
from sim.outcomes import Outcome
from sim.scenario import VALUE_DIMENSIONS, Scenario, load_scenario, scenario_json_schema

__all__ = [
    "VALUE_DIMENSIONS",
    "Outcome",
    "RunResult",
    "Scenario",
    "Simulation",
    "load_scenario",
    "run_scenario",
    "scenario_json_schema",
]
