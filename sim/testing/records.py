"""A run as invariant checks see it: the event log and the agents, as plain columns.

A :class:`RunRecord` comes from running a scenario with a seed
(:func:`record`), or from a result folder written by ``groupsim run``
(:func:`records_from_results`), so the same checks judge a fresh run in a test
and the stored runs of yesterday's experiment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from sim.spec.scenario import Scenario

_EVENT_COLUMNS = ("seq", "time", "event", "actor", "target", "kind", "rule")


@dataclass
class RunRecord:
    """One run: its scenario, seed, summary, event log (columns) and agents (by id)."""

    scenario: Scenario | None
    seed: int
    summary: dict[str, Any]
    events: dict[str, list[Any]]
    agents: dict[int, dict[str, Any]] = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[float, str, int, int, str, str]]:
        """Events as (time, event, actor, target, kind, rule) in log order."""
        e = self.events
        return zip(e["time"], e["event"], e["actor"], e["target"], e["kind"], e["rule"])

    def visible_role(self, agent: int) -> str:
        return str(self.agents.get(agent, {}).get("visible_role", "member"))

    def posts(self) -> dict[int, tuple[float, int, str]]:
        """Message id -> (time posted, sender, kind)."""
        return {tg: (t, a, k) for t, ev, a, tg, k, _ in self.rows() if ev == "post"}

    def describe(self) -> str:
        name = self.scenario.name if self.scenario is not None else self.summary.get("scenario", "?")
        return f"{name!r} seed {self.seed}"


def _columns(table: Any) -> dict[str, list[Any]]:
    return {c: table.column(c).to_pylist() for c in _EVENT_COLUMNS}


def record(scenario: Scenario, seed: int | None = None) -> RunRecord:
    """Run ``scenario`` once (seed default: the scenario's) and return its record."""
    from sim.run.runner import run_one

    seed = scenario.seed if seed is None else seed
    tables = run_one(scenario, seed)
    agents = {int(a["agent"]): a for a in tables.agents.to_pylist()}
    return RunRecord(scenario, seed, tables.summary, _columns(tables.events), agents)


def records_from_results(folder: str | Path) -> list[RunRecord]:
    """Every run stored in a ``groupsim run`` result folder."""
    p = Path(folder)
    summaries = pq.read_table(p / "summary.parquet").to_pylist()
    events = pq.read_table(p / "events.parquet")
    agents = pq.read_table(p / "agents.parquet").to_pylist() if (p / "agents.parquet").exists() else []
    out = []
    run_ids = events.column("run_id").to_pylist()
    for s in summaries:
        rid = s["run_id"]
        rows = [k for k, r in enumerate(run_ids) if r == rid]
        sub = events.take(rows)
        by_id = {int(a["agent"]): a for a in agents if a["run_id"] == rid}
        out.append(RunRecord(None, int(s["seed"]), s, _columns(sub), by_id))
    return out


__all__ = ["RunRecord", "record", "records_from_results"]
